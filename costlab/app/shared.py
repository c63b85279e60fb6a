"""What every page shares: the price book (cached once), colours per model, money formatting,
and the one way errors are shown (``st.error``, never a traceback)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from costlab.errors import CostlabError
from costlab.formats import usd
from costlab.prices import PriceBook, load_pricebook, parse_price_text

T = TypeVar("T")

#: Models a new user compares against by default: the reference model and a few peers.
DEFAULT_MODELS = [
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4.1",
    "gpt-5-mini",
    "claude-haiku-4-5",
    "gemini-2.5-flash",
]

#: Widget keys whose values follow the user from page to page (Streamlit forgets a widget's
#: value when its page is left). Such widgets take their first value from :func:`seed`, never
#: from a ``value=``/``default=`` argument, so re-storing them raises no warning.
KEPT_INPUTS = (
    "prompt_models",
    "prompt_text",
    "prompt_cached",
    "prompt_calls",
    "prompt_detail",
    "prompt_typed_input",
    "prompt_typed_cached",
    "prompt_typed_output",
    "prompt_typed_batch",
    "compare-models",
    "compare-workload",
    "route-workload",
    "route-cheap",
    "route-share",
    "route-main",
    "route-strong",
    "route-rate",
    "pricebook_providers",
    "pricebook_statuses",
    "pricebook_accepts",
    "pricebook_search",
)

#: Session key holding uploaded price files: list of (file name, YAML text).
CUSTOM_PRICES = "custom_price_files"

# Twenty clearly different colours (Tableau 10, then D3's category10 shades that are not near
# one of those), so no two models on one chart share a hue family.
_PALETTE = [
    "#0F766E", "#F28E2B", "#4E79A7", "#E15759", "#59A14F", "#B07AA1", "#EDC948", "#9C755F",
    "#FF9DA7", "#1F2933", "#17BECF", "#BCBD22", "#8C564B", "#D62728", "#9467BD", "#7F7F7F",
    "#2CA02C", "#1F77B4", "#E377C2", "#BAB0AC",
]  # fmt: skip
# The reference model keeps one recognisable colour (teal) everywhere; its siblings differ.
_FIXED = {"gpt-4.1-mini": "#0F766E", "gpt-4.1-nano": "#EDC948", "gpt-4.1": "#4E79A7"}

COMPONENT_COLORS = {
    "input": "#0F766E",
    "cached input": "#5EEAD4",
    "cache write": "#A7F3D0",
    "output": "#F59E0B",
    "audio": "#7C3AED",
    "images": "#DB2777",
    "tools": "#64748B",
}

#: The cost columns a monthly chart stacks, with their labels (a column a forecast leaves
#: out, such as cache writes in a scenario without them, is skipped).
CHART_COMPONENTS = (
    ("input", "input_cost"),
    ("cached input", "cached_input_cost"),
    ("cache write", "cache_write_cost"),
    ("output", "output_cost"),
    ("audio", "audio_cost"),
    ("images", "image_cost"),
    ("tools", "tool_cost"),
)


@st.cache_resource(show_spinner=False)
def shipped_book() -> PriceBook:
    """The shipped price book plus COSTLAB_PRICES, loaded once per server process."""
    return load_pricebook()


@st.cache_resource(show_spinner=False, max_entries=32)
def _layered(files: tuple[tuple[str, str], ...]) -> PriceBook:
    book = shipped_book()
    for name, text in files:
        book = book.layered(parse_price_text(text, name, base=book.models), name)
    return book


def current_book() -> PriceBook:
    """The book this session prices with: shipped, plus any price files uploaded this session."""
    files = tuple(st.session_state.get(CUSTOM_PRICES, ()))
    if not files:
        return shipped_book()
    try:
        return _layered(files)
    except (
        CostlabError
    ) as exc:  # a file accepted earlier no longer layers (e.g. shipped book changed)
        st.session_state[CUSTOM_PRICES] = []
        st.error(f"Custom prices dropped: {exc}")
        return shipped_book()


@st.cache_data(show_spinner=False)
def media_model_ids(today: Any) -> list[str]:
    """The providers' speech, transcription, realtime-audio and image models of the shipped
    book on ``today``, for pickers that offer them beside the chat models."""
    return shipped_book().media_models(today)


#: Kept model picks that also live in the URL (widget key -> query parameter), so a reload or
#: a shared link shows the same models; pasted text stays out of URLs (it may be megabytes).
URL_INPUTS = {"prompt_models": "models", "compare-models": "compare"}


def keep_inputs() -> None:
    """Re-store the kept widgets' values, so leaving their page does not clear them; model
    picks come from the URL when a link brings them, and go back into it."""
    for key, param in URL_INPUTS.items():
        if key not in st.session_state and st.query_params.get(param):
            picked = [m for m in str(st.query_params[param]).split(",") if m]
            st.session_state[key] = picked[:50]  # a link is not a way to load the whole book
    for key in KEPT_INPUTS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sync_inputs_url() -> None:
    """Write the kept model picks into the URL (after the page has run)."""
    for key, param in URL_INPUTS.items():
        picked = st.session_state.get(key)
        if not isinstance(picked, list):
            continue
        text = ",".join(str(m) for m in picked)
        if text and st.query_params.get(param) != text:
            st.query_params[param] = text
        elif not text and param in st.query_params:
            del st.query_params[param]


def seed(key: str, value: Any) -> None:
    """Give a kept widget its first value (the widget itself is created without one)."""
    if key not in st.session_state:
        st.session_state[key] = value


def model_color(model_id: str) -> str:
    """A model's own colour: fixed for the reference models, else by its place in the book."""
    if model_id in _FIXED:
        return _FIXED[model_id]
    ids = sorted(m.id for m in shipped_book())
    index = (
        ids.index(model_id)
        if model_id in ids
        else int(hashlib.sha1(model_id.encode()).hexdigest(), 16)
    )
    return _PALETTE[index % len(_PALETTE)]


def color_map(model_ids: list[str]) -> dict[str, str]:
    """Colours for the models on one chart: each keeps its own colour unless another model on
    the chart already has it, then it takes the next free one, so a chart never repeats one
    (up to the palette's twenty)."""
    taken: dict[str, str] = {}
    used: set[str] = set()
    for model in dict.fromkeys(model_ids):
        color = model_color(model)
        if color in used and len(used) < len(_PALETTE):
            start = _PALETTE.index(color) if color in _PALETTE else 0
            color = next(c for c in _PALETTE[start:] + _PALETTE[:start] if c not in used)
        taken[model] = color
        used.add(color)
    return taken


def dollar_axis(fig: Any, values: list[float], axis: str = "yaxis") -> None:
    """Dollar ticks (``$1,234.00``, ``$0.0005``), never plotly's SI prefixes ("500µ")."""
    biggest = max((abs(v) for v in values), default=0.0)
    fig.update_layout({axis: {"tickformat": "$,.2f" if biggest >= 1 else "$.2~g"}})


def add_band(fig: Any, x: Any, low: Any, high: Any, *, name: str, fill: str) -> None:
    """A shaded band between ``low`` and ``high`` (two invisible lines, the second filled)."""
    fig.add_scatter(
        x=x,
        y=high,
        mode="lines",
        line={"width": 0},
        showlegend=False,
        hovertemplate="high $%{y:,.2f}<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=low,
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=fill,
        name=name,
        hovertemplate="low $%{y:,.2f}<extra></extra>",
    )


def add_budget_line(fig: Any, x: Any, amount: Any, *, name: str) -> None:
    """A dashed red line at a budget amount across the months ``x``."""
    fig.add_scatter(
        x=x,
        y=[float(amount)] * len(x),
        mode="lines",
        name=name,
        line={"color": "#DC2626", "dash": "dash"},
    )


def money(value: Any, *, per_unit: bool = False) -> str:
    """Dollars as every page shows them (:func:`costlab.formats.usd`)."""
    return usd(value, per_unit=per_unit)


GOOD = "color: #15803D"  # a saving, headroom left: green
BAD = "color: #B91C1C"  # overspend, over budget: red


def signed_colors(table: pd.DataFrame, raw: dict[str, Sequence[Any]], *, good_when: str) -> Any:
    """``table`` (formatted text) styled so each column of ``raw`` is green where its number
    is good and red where bad: ``good_when="positive"`` (headroom) or ``"negative"`` (a
    variance of actual minus forecast). Zero and missing numbers stay plain."""

    def css(value: Any) -> str:
        if value is None or value != value or value == 0:  # None, NaN, zero
            return ""
        positive = value > 0
        return GOOD if positive == (good_when == "positive") else BAD

    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    for column, numbers in raw.items():
        styles[column] = [css(v) for v in numbers]
    return table.style.apply(lambda _: styles, axis=None)


def header(title: str, how_to_read: str) -> None:
    """Page title and the short 'how to read this' caption every page carries."""
    st.title(title)
    st.caption(how_to_read)


@contextmanager
def reported() -> Iterator[None]:
    """Show a CostlabError as one ``st.error`` line; the rest of the page keeps rendering."""
    try:
        yield
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")


def attempt(fn: Callable[[], T]) -> T | None:
    """Run ``fn``; on bad input show the error and return None."""
    try:
        return fn()
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def show_flags(messages: list[str] | list[tuple[str, str]], *, title: str = "Warnings") -> None:
    """All of a page's warnings in one box: each message once, with the models it concerns.

    ``messages`` are plain strings, or (subject, message) pairs, e.g. (model, flag); a message
    shared by several subjects is listed once with all of them.
    """
    grouped: dict[str, list[str]] = {}
    for item in messages:
        subject, message = item if isinstance(item, tuple) else ("", item)
        subjects = grouped.setdefault(message, [])
        if subject and subject not in subjects and subject not in message:
            subjects.append(subject)
    if not grouped:
        return
    lines = [
        f"- {message}" + (f" ({', '.join(subjects)})" if subjects else "")
        for message, subjects in grouped.items()
    ]
    if len(lines) == 1:
        st.warning(lines[0][2:], icon=":material/warning:")
    else:
        st.warning(f"**{title} ({len(lines)})**\n\n" + "\n".join(lines), icon=":material/warning:")
