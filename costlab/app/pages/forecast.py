"""Forecast & budget: 12-36 months with low/base/high bands, cumulative spend, sensitivity, exports."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab.app import controls, state
from costlab.app.shared import (
    add_band,
    add_budget_line,
    current_book,
    dollar_axis,
    header,
    money,
    show_flags,
    signed_colors,
)
from costlab.errors import CostlabError
from costlab.export import csv_text, json_data, xlsx_bytes
from costlab.focus import focus_csv, focus_forecast
from costlab.forecast import Forecast
from costlab.forecast.simulate import Simulation, simulate
from costlab.formats import count, percent, usd
from costlab.prices import PriceBook
from costlab.tables import as_floats

#: Samples for the P10/P50/P90 view, and a fixed seed so a page reload shows the same figures.
SAMPLES = 10_000
SEED = 1

TITLE = "Forecast & budget"
MONTHS = "forecast-months"  # the horizon slider's key
NOTES = "forecast-horizon-notes"  # what changing the horizon did to growth lists
BAND_FILL = "rgba(15, 118, 110, 0.18)"


@st.cache_resource(show_spinner=False, max_entries=16)
def _simulated(key: str, _fc: Forecast, _book: PriceBook) -> Simulation:
    return simulate(_fc.scenario, samples=SAMPLES, seed=SEED, book=_book)


def _percentiles(fc: Forecast) -> None:
    """P10 / P50 / P90 per month from sampling every range (the low/high band puts every range
    at one end at once; this says how likely each figure is)."""
    st.subheader("How likely: P10 / P50 / P90")
    with st.status(f"Sampling {SAMPLES:,} forecasts…", expanded=False) as status:
        book = current_book()
        key = json.dumps([state.data(), id(book)], default=str, sort_keys=True)
        result = _simulated(key, fc, book)
        status.update(label=f"{SAMPLES:,} sampled forecasts (seed {SEED})", state="complete")
    p10, p50, p90 = result.total_quantiles()
    c1, c2, c3 = st.columns(3)
    c1.metric("Total, P10", usd(p10))
    c2.metric("Total, P50", usd(p50))
    c3.metric("Total, P90", usd(p90))
    if result.p_over_total is not None:
        st.caption(f"Chance the total budget runs out: {percent(result.p_over_total)}.")
    if result.p_any_month_over is not None:
        st.caption(
            f"Chance some month goes over the monthly budget: {percent(result.p_any_month_over)}."
        )
    m = result.months
    fig = go.Figure()
    add_band(fig, m["month"], m["p10"], m["p90"], name="P10-P90", fill=BAND_FILL)
    fig.add_scatter(
        x=m["month"], y=m["p50"], mode="lines+markers", name="P50",
        line={"color": "#0F766E", "width": 3},
    )  # fmt: skip
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        title="Monthly cost, sampled",
    )
    dollar_axis(fig, [float(v) for v in m["p90"]])
    st.plotly_chart(fig, width="stretch", key="forecast-percentiles")
    st.caption(
        "Each ranged input drawn from a triangular distribution (low, base as the most likely "
        "value, high), independently; figures are sampled estimates, the base forecast stays exact."
    )


def _band_chart(fc: Forecast) -> go.Figure:
    m = as_floats(fc.months)
    fig = go.Figure()
    if fc.scenario.has_ranges:
        add_band(
            fig,
            m["month"],
            m["total_cost_low"],
            m["total_cost_high"],
            name="low-high band",
            fill=BAND_FILL,
        )
    fig.add_scatter(
        x=m["month"],
        y=m["total_cost"],
        mode="lines+markers",
        name="base",
        line={"color": "#0F766E", "width": 3},
        hovertemplate="%{x}: $%{y:,.2f}<extra>base</extra>",
    )
    if fc.budget.monthly is not None:
        add_budget_line(fig, m["month"], fc.budget.monthly, name="monthly budget")
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="USD per month",
        legend={"orientation": "h", "y": -0.2},
        title="Monthly cost",
    )
    dollar_axis(fig, list(m["total_cost_high" if fc.scenario.has_ranges else "total_cost"]))
    return fig


def _cumulative_chart(fc: Forecast) -> go.Figure:
    m = as_floats(fc.months)
    fig = go.Figure()
    if fc.scenario.has_ranges:
        add_band(
            fig,
            m["month"],
            m["cumulative_cost_low"],
            m["cumulative_cost_high"],
            name="low-high band",
            fill=BAND_FILL,
        )
    fig.add_scatter(
        x=m["month"],
        y=m["cumulative_cost"],
        mode="lines+markers",
        name="cumulative spend",
        line={"color": "#0F766E", "width": 3},
    )
    if fc.budget.total is not None:
        add_budget_line(fig, m["month"], fc.budget.total, name="total budget")
        if fc.budget.total_runs_out:
            fig.add_vline(x=fc.budget.total_runs_out, line_color="#DC2626", opacity=0.4)
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="USD, cumulative",
        legend={"orientation": "h", "y": -0.2},
        title="Cumulative spend",
    )
    dollar_axis(fig, list(m["cumulative_cost"]))
    return fig


def _bound(value: Any) -> str:
    """A range end: whole counts with separators, shares and rates as they are (0.25)."""
    number = float(value)
    return count(value) if abs(number) >= 1000 else f"{number:g}"


def _tornado(fc: Forecast) -> go.Figure:
    s = fc.sensitivity.sort_values("rank", ascending=False)
    base = float(fc.total_cost)
    fig = go.Figure()
    lows = [float(v) - base for v in s["total_at_low"]]
    highs = [float(v) - base for v in s["total_at_high"]]
    # One workload: its name goes in the title, so the bars keep the width on a phone.
    names = [str(a) for a in s["assumption"]]
    prefixes = {n.split(": ", 1)[0] for n in names if ": " in n}
    shared = prefixes.pop() if len(prefixes) == 1 and all(": " in n for n in names) else None
    if shared:
        names = [n.split(": ", 1)[1] for n in names]
    labels = [
        f"{a.replace('_', ' ')} ({_bound(lo)}–{_bound(hi)})"
        for a, lo, hi in zip(names, s["low"], s["high"], strict=True)
    ]
    fig.add_bar(
        y=labels,
        x=lows,
        base=base,
        orientation="h",
        name="at its low end",
        marker_color="#5EEAD4",
        hovertemplate="total $%{x:,.2f}<extra>low end</extra>",
    )
    fig.add_bar(
        y=labels,
        x=highs,
        base=base,
        orientation="h",
        name="at its high end",
        marker_color="#F59E0B",
        hovertemplate="total $%{x:,.2f}<extra>high end</extra>",
    )
    fig.add_vline(x=base, line_color="#1F2933", line_width=1)
    fig.update_layout(
        barmode="overlay",
        height=120 + 40 * len(s),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="total over the horizon (USD)",
        title="What moves the total most" + (f" ({shared})" if shared else ""),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        yaxis={"automargin": True},
    )
    dollar_axis(fig, [base], axis="xaxis")
    return fig


def _table(fc: Forecast) -> Any:
    m = fc.months
    out = pd.DataFrame({"month": m["month"]})
    raw: dict[str, Any] = {}
    out["base"] = [money(v) for v in m["total_cost"]]
    if fc.scenario.has_ranges:
        out["low"] = [money(v) for v in m["total_cost_low"]]
        out["high"] = [money(v) for v in m["total_cost_high"]]
    out["cumulative"] = [money(v) for v in m["cumulative_cost"]]
    if fc.budget.monthly is not None:
        out["headroom"] = [money(v) for v in m["headroom"]]
        raw["headroom"] = list(m["headroom"])
    if fc.budget.total is not None:
        out["budget left"] = [money(v) for v in m["budget_remaining"]]
        raw["budget left"] = list(m["budget_remaining"])
    return signed_colors(out, raw, good_when="positive")


def _exports(fc: Forecast) -> None:
    tables = fc.tables()
    name = fc.scenario.name
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(
        "CSV (months)",
        csv_text(tables["months"]),
        file_name=f"{name}-months.csv",
        mime="text/csv",
        width="stretch",
    )
    c2.download_button(
        "XLSX (every table)",
        xlsx_bytes(tables),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        width="stretch",
    )
    c3.download_button(
        "JSON (every table)",
        json.dumps(json_data(tables), indent=2),
        file_name=f"{name}.json",
        mime="application/json",
        width="stretch",
    )
    c4.download_button(
        "FOCUS-shaped CSV",
        lambda: focus_csv(focus_forecast(fc)),  # built when clicked, not on every rerun
        file_name=f"{name}-focus.csv",
        mime="text/csv",
        width="stretch",
        help="The forecast in FinOps FOCUS 1.2's columns, per month, model and token kind, one-off "
        "costs as one-time charges; marked non-conformant (nothing was charged)",
    )
    st.caption(
        "Exports carry exact figures (unrounded); XLSX cells are numbers with currency formats."
    )


def _horizon_changed() -> None:
    extended, notes = state.with_horizon(state.data(), int(st.session_state[MONTHS]))
    state.replace(extended, reset_widgets=False)
    st.session_state[NOTES] = notes


def render() -> None:
    header(
        TITLE,
        "The scenario month by month. With ranges ({low, base, high} numbers, set on the planner), the "
        "shaded band runs from every assumption at its cheaper end to every one at its dearer end; the "
        "tornado shows which single assumption moves the total most. Cumulative spend is drawn against "
        "the total budget.",
    )
    data = state.data()
    h, m, t = st.columns([2, 1, 1])
    # A stable key and a callback: the slider is the same widget after each step, so it keeps
    # the keyboard focus (arrow keys step on), and the scenario changes before the page redraws.
    if st.session_state.get(MONTHS) != int(data.get("months", 12)):
        st.session_state[MONTHS] = int(data.get("months", 12))
    h.slider(
        "Horizon (months)",
        1,
        max(36, int(data.get("months", 12))),
        key=MONTHS,
        on_change=_horizon_changed,
        help="12 to 36 months for a budget review; arrow keys step one month",
    )
    for note in st.session_state.pop(NOTES, []):
        st.info(note)
    edited = controls.budget_inputs(data, "forecast-", [m, t])
    if edited != data:
        state.replace(edited, reset_widgets=False)
    with st.expander("Load, save and share the scenario", icon=":material/folder_open:"):
        controls.load_save(edited, "forecast_scenario_upload")
    try:
        fc = state.current_forecast()
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(f"Total, {fc.scenario.months} months", money(fc.total_cost))
    if fc.scenario.has_ranges:
        c2.metric("Low band total", money(fc.total_cost_low))
        c3.metric("High band total", money(fc.total_cost_high))
    else:
        c2.metric("Last month", money(fc.months["total_cost"].iloc[-1]))
        c3.metric("Average month", money(fc.average_month_cost))
    b = fc.budget
    if b.total is not None:
        c4.metric(
            "Total budget runs out"
            if b.total_runs_out
            else f"Total budget, {fc.scenario.months} months",
            b.total_runs_out or "Enough",
            delta=f"high band runs out {b.total_runs_out_high}"
            if b.total_runs_out_high and b.total_runs_out_high != b.total_runs_out
            else None,
            delta_color="inverse",
            help=f"{money(b.total)} over the horizon",
        )
    elif b.monthly is not None:
        c4.metric("First month over budget", b.first_month_over or "none")
    else:
        c4.metric("Budget", "none set")
    show_flags([f.message for f in fc.flags])
    left, right = st.columns(2)
    left.plotly_chart(_band_chart(fc), width="stretch", key="forecast-bands")
    right.plotly_chart(_cumulative_chart(fc), width="stretch", key="forecast-cumulative")
    if not fc.sensitivity.empty:
        st.plotly_chart(_tornado(fc), width="stretch", key="forecast-tornado")
        _percentiles(fc)
    else:
        st.caption(
            "No ranges in this scenario: give a number as {low, base, high} on the planner to see bands and sensitivity."
        )
    st.dataframe(
        _table(fc),
        hide_index=True,
        width="stretch",
        column_config={"month": st.column_config.TextColumn(width=70, pinned=True)},
    )
    st.subheader("Export")
    _exports(fc)
