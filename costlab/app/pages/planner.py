"""Workload planner: build a scenario with widgets, see its monthly forecast against the budget."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab.app import controls, state
from costlab.app.shared import (
    CHART_COMPONENTS,
    COMPONENT_COLORS,
    add_budget_line,
    current_book,
    dollar_axis,
    header,
    media_model_ids,
    money,
    show_flags,
    signed_colors,
)
from costlab.errors import CostlabError
from costlab.forecast import Forecast
from costlab.formats import count, tokens
from costlab.prices import PriceBook
from costlab.tables import as_floats

TITLE = "Workload planner"

#: field -> (label, step, format, help); numbers that may also be given as {low, base, high}
FIELDS: dict[str, tuple[str, float, str, str]] = {
    "volume": ("Requests", 100.0, "%.0f", "in the first month, before retries"),
    "input_tokens": ("Input tokens / request", 50.0, "%.0f", "prompt tokens, cached ones included"),
    "output_tokens": (
        "Output tokens / request",
        10.0,
        "%.0f",
        "visible output; output costs 4x input on GPT-4.1 mini",
    ),
    "reasoning_tokens": (
        "Reasoning tokens / request",
        50.0,
        "%.0f",
        "hidden reasoning, billed as output",
    ),
    "cached_input_share": (
        "Cached share of input",
        0.05,
        "%.2f",
        "0..1, billed at the cached price",
    ),
    "cache_write_share": (
        "Cache-write share of input",
        0.05,
        "%.2f",
        "0..1 written to the prompt cache per request (Anthropic: 1.25x input for 5 minutes)",
    ),
    "batch_share": ("Batch share", 0.05, "%.2f", "0..1 of requests through the Batch API"),
    "retry_rate": ("Retry rate", 0.01, "%.2f", "extra requests: 0.05 = 5% more"),
    "growth": (
        "Monthly growth",
        0.01,
        "%.3f",
        "compound, from the second month: 0.10 = +10%/month",
    ),
}
SHARES = {"cached_input_share", "cache_write_share", "batch_share"}


def _number(value: Any) -> Decimal:
    if isinstance(value, dict):
        return Decimal(value.get("base", 0))
    return Decimal(value if value is not None else 0)


def _to_decimal(value: float, fmt: str) -> Decimal:
    digits = int(fmt[2]) if fmt[1] == "." else 0
    return Decimal(f"{value:.{digits}f}")


def _field(field: str, current: Any, key: str, ranged: bool) -> Any:
    """One number widget, or low / base / high when the workload uses ranges."""
    label, step, fmt, help_text = FIELDS[field]
    high_limit = 1.0 if field in SHARES else None
    low_limit = -0.99 if field == "growth" else 0.0
    if not ranged:
        value = float(_number(current))
        entered = st.number_input(
            label, low_limit, high_limit, value, step, fmt, key=key, help=help_text
        )
        # An untouched widget keeps the file's exact number (0.333 is not rounded to "%.2f").
        return current if entered == value and current is not None else _to_decimal(entered, fmt)
    parts = (
        current if isinstance(current, dict) else {"low": current, "base": current, "high": current}
    )
    st.markdown(f"<small>{label} <i>(low / base / high)</i></small>", unsafe_allow_html=True)
    cols = st.columns(3)
    out = {}
    for col, end in zip(cols, ("low", "base", "high"), strict=True):
        v = float(_number(parts.get(end, 0)))
        entered = col.number_input(
            end,
            low_limit,
            high_limit,
            v,
            step,
            fmt,
            key=f"{key}-{end}",
            label_visibility="collapsed",
        )
        original = parts.get(end)
        out[end] = original if entered == v and original is not None else _to_decimal(entered, fmt)
    if out["low"] == out["base"] == out["high"]:
        return out["base"]
    return out


def _workload_editor(w: dict[str, Any], i: int, wid: str, gen: int) -> dict[str, Any]:
    """The widgets of one workload; their keys hang off its stable id ``wid``, never its
    position, so removing another workload leaves these widgets (and values) alone."""
    book = current_book()
    today = pd.Timestamp.today().date()
    ids = sorted(m.id for m in book if m.status_on(today) != "retired")
    ids += [m for m in media_model_ids(today) if m not in ids]  # speech, transcription, images
    k = f"g{gen}-{wid}"
    new = copy.deepcopy(w)
    top = st.columns([2, 3])
    new["name"] = top[0].text_input(
        "Workload name", w.get("name", f"workload {i + 1}"), key=f"{k}-name"
    )
    if w.get("routing"):
        legs = w["routing"].get("legs", [])
        desc = ", ".join(f"{leg['model']} {Decimal(leg['share']) * 100:g}%" for leg in legs)
        esc = w["routing"].get("escalation")
        if esc:
            desc += f"; escalation {esc['model']} {_number(esc['rate']) * 100:g}%"
        top[1].markdown(f"**Routing** (from the file or the Compare page): {desc}")
        if top[1].button("Use one model instead", key=f"{k}-unroute"):
            new.pop("routing")
            new["model"] = legs[-1]["model"] if legs else "gpt-4.1-mini"
    else:
        model_name = w.get("model", "gpt-4.1-mini")
        try:
            model_id = book.resolve(model_name).id
        except CostlabError:
            model_id = "gpt-4.1-mini"
        if model_id not in ids:
            ids.append(model_id)
        new["model"] = top[1].selectbox(
            "Model", sorted(ids), index=sorted(ids).index(model_id), key=f"{k}-model"
        )
    ranged = st.toggle(
        "Give ranges (low / base / high)",
        value=any(isinstance(v, dict) and "base" in v for v in w.values()),
        key=f"{k}-ranged",
        help="Uncertain numbers as ranges: the Forecast page then shows bands and a sensitivity chart.",
    )
    per_day = "requests_per_day" in w or "requests_per_month" not in w
    unit = st.radio(
        "Volume",
        ["per day", "per month"],
        index=0 if per_day else 1,
        horizontal=True,
        key=f"{k}-unit",
    )
    volume_key = "requests_per_day" if unit == "per day" else "requests_per_month"
    current_volume = w.get("requests_per_day", w.get("requests_per_month", Decimal(1000)))
    c1, c2 = st.columns(2)
    with c1:
        new.pop("requests_per_day", None)
        new.pop("requests_per_month", None)
        new[volume_key] = _field("volume", current_volume, f"{k}-volume", ranged)
        if "sample" in w:
            st.info(f"Input tokens are measured from `{w['sample']}`.")
        else:
            new["input_tokens"] = _field(
                "input_tokens", w.get("input_tokens", Decimal(1000)), f"{k}-input", ranged
            )
        new["output_tokens"] = _field(
            "output_tokens", w.get("output_tokens", Decimal(0)), f"{k}-output", ranged
        )
        new["reasoning_tokens"] = _field(
            "reasoning_tokens", w.get("reasoning_tokens", Decimal(0)), f"{k}-reasoning", ranged
        )
    with c2:
        new["cached_input_share"] = _field(
            "cached_input_share", w.get("cached_input_share", Decimal(0)), f"{k}-cached", ranged
        )
        new["cache_write_share"] = _field(
            "cache_write_share", w.get("cache_write_share", Decimal(0)), f"{k}-write", ranged
        )
        new["batch_share"] = _field(
            "batch_share", w.get("batch_share", Decimal(0)), f"{k}-batch", ranged
        )
        new["retry_rate"] = _field(
            "retry_rate", w.get("retry_rate", Decimal(0)), f"{k}-retry", ranged
        )
        if isinstance(w.get("growth"), list):
            st.info(f"Growth: a per-month list of {len(w['growth'])} rates from the file.")
            if st.button("Replace with one rate", key=f"{k}-growth-one"):
                new["growth"] = Decimal(0)
        else:
            new["growth"] = _field("growth", w.get("growth", Decimal(0)), f"{k}-growth", ranged)
    _billing_options(new, w, k, book)
    _media_options(new, w, k)
    # zero optional fields stay out of the file
    optional = ("reasoning_tokens", "batch_share", "retry_rate", "growth", "cached_input_share")
    for name in (*optional, "cache_write_share"):
        if name not in w and new.get(name) == 0:
            new.pop(name, None)
    return new


#: Choices the planner offers, with the value a scenario file holds when left at the default.
_DEFAULTS = {"cache_write_ttl": "5m", "service_tier": "standard", "on_retire": "keep"}


def _billing_options(new: dict[str, Any], w: dict[str, Any], k: str, book: PriceBook) -> None:
    """Cache-write lifetime, service tier and what a shutdown does (scenario fields)."""
    tiers = ["standard"]
    name = new.get("model")
    if isinstance(name, str) and name in book:
        price = book.resolve(name).price_on(pd.Timestamp.today().date())
        tiers += [t.name for t in getattr(price, "service_tiers", ()) if t.name != "standard"]
    with st.expander("Cache lifetime, service tier, shutdown"):
        c1, c2, c3 = st.columns(3)
        choices = {
            "cache_write_ttl": (c1, "Cache-write lifetime", ["5m", "1h"]),
            "service_tier": (c2, "Service tier", tiers),
            "on_retire": (c3, "When the model shuts down", ["keep", "successor", "stop"]),
        }
        for field, (col, label, options) in choices.items():
            current = str(w.get(field, _DEFAULTS[field]))
            if current not in options:
                options = [*options, current]
            picked = col.selectbox(label, options, index=options.index(current), key=f"{k}-{field}")
            if picked == _DEFAULTS[field] and field not in w:
                new.pop(field, None)
            else:
                new[field] = picked


#: Per-request counts of speech, transcription, audio, image and tool workloads: label, help.
MEDIA_FIELDS: dict[str, tuple[str, str]] = {
    "audio_seconds": ("Seconds transcribed", "transcription models, billed per minute"),
    "input_characters": ("Characters spoken", "text-to-speech, billed per 1M characters"),
    "input_audio_seconds": (
        "Seconds of audio in",
        "heard as the model's audio tokens (realtime 10 a second, Gemini 32), added to the input",
    ),
    "output_audio_seconds": (
        "Seconds of speech out",
        "spoken as the model's audio tokens (realtime 20 a second), added to the output",
    ),
    "input_audio_tokens": ("Audio input tokens", "of the input tokens (realtime, Gemini)"),
    "output_audio_tokens": ("Audio output tokens", "of the output tokens (speech)"),
    "output_image_tokens": (
        "Image output tokens",
        "of the output (gpt-image-1: 1,056 a medium image)",
    ),
    "web_searches": ("Web searches", "tool calls, billed per 1,000"),
}


def _media_options(new: dict[str, Any], w: dict[str, Any], k: str) -> None:
    """Speech, transcription, audio, image and tool counts per request (0: not used)."""
    used = any(_number(w.get(name, 0)) for name in MEDIA_FIELDS)
    with st.expander("Speech, transcription, images, tool calls (per request)", expanded=used):
        cols = st.columns(2)
        for n, (name, (label, help_text)) in enumerate(MEDIA_FIELDS.items()):
            value = float(_number(w.get(name, 0)))
            entered = cols[n % 2].number_input(
                label, 0.0, None, value, 1.0, "%.0f", key=f"{k}-{name}", help=help_text
            )
            if entered == value and name in w:
                continue  # keep the file's exact number
            if entered or name in w:
                new[name] = _to_decimal(entered, "%.0f")
            else:
                new.pop(name, None)


def _scenario_editor(data: dict[str, Any]) -> dict[str, Any]:
    gen = state.generation()
    new = copy.deepcopy(data)
    c1, c2 = st.columns([3, 2])
    new["name"] = c1.text_input("Scenario", data.get("name", "my-scenario"), key=f"g{gen}-name")
    new["start"] = c2.text_input(
        "Start month", str(data.get("start", "2027-01")), key=f"g{gen}-start", help="YYYY-MM"
    )
    c3 = st.container()
    c4, c5 = st.columns(2)
    new["months"] = c3.slider(
        "Horizon (months)", 1, 36, int(data.get("months", 12)), key=f"g{gen}-months"
    )
    new = controls.budget_inputs(new, "", [c4, c5])
    workloads = list(data.get("workloads") or [])
    ids = state.workload_ids()
    names = [w.get("name", f"workload {i + 1}") for i, w in enumerate(workloads)]
    tabs = st.tabs([*names, ":material/add: Add workload"])
    edited = []
    removed: str | None = None
    for i, (tab, w, wid) in enumerate(zip(tabs, workloads, ids, strict=False)):
        with tab:
            edited.append(_workload_editor(w, i, wid, gen))
            if len(workloads) > 1 and st.button("Remove this workload", key=f"g{gen}-{wid}-remove"):
                removed = wid
    added = False
    with tabs[-1]:
        added = st.button("Add a workload", key=f"g{gen}-add")
    new["workloads"] = edited
    if removed is not None or added:
        # Add and remove change the tabs themselves: store, then draw the page again at once.
        kept = [(w, wid) for w, wid in zip(edited, ids, strict=False) if wid != removed]
        if added:
            kept.append((_new_workload(len(workloads) + 1), state.new_workload_id()))
        new["workloads"] = [w for w, _ in kept]
        state.replace(new, reset_widgets=False, ids=[wid for _, wid in kept])
        st.rerun()
    return new


def _new_workload(number: int) -> dict[str, Any]:
    return {
        "name": f"workload {number}",
        "model": "gpt-4.1-mini",
        "requests_per_day": Decimal(1000),
        "input_tokens": Decimal(1000),
        "output_tokens": Decimal(200),
    }


def _chart(fc: Forecast) -> go.Figure:
    months = as_floats(fc.months)
    fig = go.Figure()
    for label, column in CHART_COMPONENTS:
        if column not in months:
            continue
        fig.add_bar(
            x=months["month"],
            y=months[column],
            name=label,
            marker_color=COMPONENT_COLORS[label],
            hovertemplate="%{x}: $%{y:,.2f}<extra>" + label + "</extra>",
        )
    if fc.budget.monthly is not None:
        add_budget_line(fig, months["month"], fc.budget.monthly, name="monthly budget")
    if fc.budget.first_month_over:
        fig.add_vline(x=fc.budget.first_month_over, line_color="#DC2626", line_width=1, opacity=0.4)
        fig.add_annotation(
            x=fc.budget.first_month_over,
            y=1.02,
            yref="paper",
            text=f"over budget from {fc.budget.first_month_over}",
            showarrow=False,
            font={"color": "#DC2626"},
        )
    fig.update_layout(
        barmode="stack",
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="USD per month",
        legend={"orientation": "h", "y": -0.15},
        xaxis={"type": "category", "automargin": True},
    )
    dollar_axis(fig, [float(v) for v in months["total_cost"]])
    return fig


def _monthly_table(fc: Forecast) -> Any:
    """Month, then the money (what a phone must see), then the volumes as whole numbers."""
    m = fc.months
    table = pd.DataFrame({"month": m["month"], "total": [money(v) for v in m["total_cost"]]})
    raw: dict[str, Any] = {}
    if fc.budget.monthly is not None:
        table["headroom"] = [money(v) for v in m["headroom"]]
        raw["headroom"] = list(m["headroom"])
    table["cumulative"] = [money(v) for v in m["cumulative_cost"]]
    table["input $"] = [money(v) for v in m["input_cost"]]
    table["cached $"] = [money(v) for v in m["cached_input_cost"]]
    table["output $"] = [money(v) for v in m["output_cost"]]
    for label, column in CHART_COMPONENTS[4:]:  # audio, images, tools: when used
        if column in m:
            table[f"{label} $"] = [money(v) for v in m[column]]
    table["requests"] = [count(v) for v in m["requests"]]
    table["input tokens"] = [tokens(v) for v in m["input_tokens"]]
    table["cached tokens"] = [tokens(v) for v in m["cached_input_tokens"]]
    table["output tokens"] = [tokens(v) for v in m["output_tokens"]]
    return signed_colors(table, raw, good_when="positive")


def render() -> None:
    header(
        TITLE,
        "Describe a workload: volume, tokens per request, caching, batch, retries and growth. The chart "
        "stacks each month's cost by token kind (output usually dominates: it costs 4x input on GPT-4.1 "
        "mini); the dashed line is the monthly budget. Compare, Forecast and Actuals use this scenario.",
    )
    data = state.data()
    editor, results = st.columns([2, 3], gap="large")
    with editor:
        edited = _scenario_editor(data)
        if edited != data:
            state.replace(edited, reset_widgets=False)
        with st.expander("Load, save and share", expanded=False):
            controls.load_save(edited, "scenario_upload")
    with results:
        _results()


def _results() -> None:
    try:
        fc = state.current_forecast()
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    months = fc.months
    first, total = months["total_cost"].iloc[0], fc.total_cost
    per_task = fc.cost_per_task
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    c1.metric(f"First month ({months['month'].iloc[0]})", money(first))
    c2.metric(f"Total, {fc.scenario.months} months", money(total))
    c3.metric("Cost per task", money(per_task, per_unit=True), help="retries included")
    b = fc.budget
    if b.monthly is not None:
        c4.metric(
            "First month over budget",
            b.first_month_over or "none",
            delta=f"{len(b.months_over)} of {fc.scenario.months} months over"
            if b.months_over
            else "within budget",
            delta_color="inverse" if b.months_over else "normal",
        )
    elif b.total is not None:
        c4.metric("Total budget runs out", b.total_runs_out or "not within horizon")
    else:
        c4.metric("Budget", "none set")
    if b.total is not None and b.monthly is not None:
        st.caption(
            f"Total budget {money(b.total)}: "
            + (f"runs out in {b.total_runs_out}." if b.total_runs_out else "lasts the horizon.")
        )
    show_flags([f.message for f in fc.flags])
    st.plotly_chart(_chart(fc), width="stretch", key="planner-chart")
    st.dataframe(
        _monthly_table(fc),
        hide_index=True,
        width="stretch",
        column_config={"month": st.column_config.TextColumn(width=70, pinned=True)},
    )
