"""What every page shares: the price book (cached once), colours per model, money formatting,
and the one way errors are shown (``st.error``, never a traceback)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from costlab.errors import CostlabError
from costlab.money import format_usd
from costlab.pricebook import PriceBook, load_pricebook, parse_price_text

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
    "prompt_input",
    "prompt_cached",
    "prompt_calls",
    "prompt_detail",
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

# Muted, distinguishable colours (plotly's T10, D3, G10, Bold), assigned by a model's place in
# the book, so a model has the same colour on every page and in every chart.
_PALETTE = [
    "#4C78A8", "#F58518", "#E45756", "#72B7B2", "#54A24B", "#EECA3B", "#B279A2", "#FF9DA6",
    "#9D755D", "#BAB0AC", "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
    "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#3366CC", "#DC3912", "#FF9900", "#109618",
    "#990099", "#0099C6", "#DD4477", "#66AA00", "#B82E2E", "#316395", "#7F3C8D", "#11A579",
    "#3969AC", "#F2B701", "#E73F74", "#80BA5A", "#E68310", "#008695", "#CF1C90", "#F97B72",
]  # fmt: skip
# The reference model keeps one recognisable colour everywhere.
_FIXED = {"gpt-4.1-mini": "#0F766E", "gpt-4.1-nano": "#5EEAD4", "gpt-4.1": "#134E4A"}

COMPONENT_COLORS = {
    "input": "#0F766E",
    "cached input": "#5EEAD4",
    "cache write": "#A7F3D0",
    "output": "#F59E0B",
}


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


def keep_inputs() -> None:
    """Re-store the kept widgets' values, so leaving their page does not clear them."""
    for key in KEPT_INPUTS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def seed(key: str, value: Any) -> None:
    """Give a kept widget its first value (the widget itself is created without one)."""
    if key not in st.session_state:
        st.session_state[key] = value


def model_color(model_id: str) -> str:
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
    return {m: model_color(m) for m in model_ids}


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
    return format_usd(value, per_unit=per_unit)


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


def show_flags(messages: list[str]) -> None:
    for message in dict.fromkeys(messages):
        st.warning(message, icon=":material/warning:")
