"""Compare models: the current scenario re-priced on each candidate, and a router beside them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab import scenario_io
from costlab.app import state
from costlab.app.shared import (
    DEFAULT_MODELS,
    color_map,
    current_book,
    dollar_axis,
    header,
    money,
    seed,
    show_flags,
    signed_colors,
)
from costlab.cascade import cascade_report
from costlab.comparison import Comparison, compare_scenario
from costlab.errors import CostlabError
from costlab.formats import count, percent, usd
from costlab.prices import PriceBook
from costlab.routing_report import RouterReport, router_report, summarize
from costlab.scenario import Scenario, parse_scenario

TITLE = "Compare models"
ALL = "all workloads"


@st.cache_resource(show_spinner=False, max_entries=64)
def _router(
    key: str,
    workload: str,
    cheap: str,
    share: str,
    main: str,
    strong: str,
    rate: str,
    _book: PriceBook,
    book_id: int,
) -> RouterReport:
    return router_report(
        scenario_io.from_plain_json(json.loads(key)),
        workload,
        cheap=cheap,
        cheap_share=Decimal(share),
        main=main,
        escalation=strong,
        escalation_rate=Decimal(rate),
        book=_book,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _compare(
    key: str, models: tuple[str, ...], workload: str | None, _book: PriceBook, book_id: int
) -> Comparison:
    scenario = parse_scenario(scenario_io.from_plain_json(json.loads(key)), "scenario", book=_book)
    return compare_scenario(scenario, list(models), workload=workload, book=_book)


def _ranking_table(c: Comparison) -> Any:
    """Candidate, then its cost (what a phone must see), then the rest; extra cost in red."""
    r = c.ranking
    table = pd.DataFrame(
        {
            "candidate": r["candidate"],
            "cost": [money(v) for v in r["compared_cost"]],
            "vs cheapest": ["cheapest" if v == 0 else "+" + money(v) for v in r["vs_cheapest"]],
            "per 1k requests": [money(v, per_unit=True) for v in r["cost_per_1k_requests"]],
            "per task": [money(v, per_unit=True) for v in r["cost_per_task"]],
            "can serve": ["yes" if v else "NO" for v in r["can_serve"]],
            "warnings": [count(v) if v else "—" for v in r["warnings"]],
            "rank": [count(v) for v in r["rank"]],
        }
    )
    return signed_colors(table, {"vs cheapest": list(r["vs_cheapest"])}, good_when="negative")


_COLUMNS = {"candidate": st.column_config.TextColumn(width=170, pinned=True)}


def _bar(c: Comparison) -> go.Figure:
    r = c.ranking
    colors = color_map([str(m) for m in r["candidate"]])
    y = [float(v) for v in r["compared_cost"]]
    low = [float(v) for v in r["compared_cost_low"]]
    high = [float(v) for v in r["compared_cost_high"]]
    has_band = any(lo != hi for lo, hi in zip(low, high, strict=True))
    fig = go.Figure(
        go.Bar(
            x=list(r["candidate"]),
            y=y,
            marker_color=[colors.get(str(m), "#64748B") for m in r["candidate"]],
            text=[money(v) for v in r["compared_cost"]] if len(r) <= 8 else None,
            textposition="outside",
            cliponaxis=False,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [h - v for h, v in zip(high, y, strict=True)],
                "arrayminus": [v - lo for v, lo in zip(y, low, strict=True)],
            }
            if has_band
            else None,
            hovertemplate="%{x}: $%{y:,.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        height=360,
        yaxis_title=f"USD over {c.scenario.months} months",
        title="Cost over the horizon",
        xaxis={"automargin": True, "tickangle": -40 if len(r) > 4 else 0},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    dollar_axis(fig, high)
    return fig


def _capability(c: Comparison) -> None:
    b = c.benchmarks
    if b.empty:
        st.caption("No published benchmark scores in the price book for these models.")
        return
    fig = go.Figure()
    for name, rows in b.groupby("benchmark", sort=True):
        fig.add_scatter(
            x=[float(v) for v in rows["compared_cost"]],
            y=[float(v) for v in rows["score"]],
            mode="markers+text",
            text=list(rows["model"]),
            textposition="top center",
            cliponaxis=False,
            name=str(name),
            marker={"size": 12},
            hovertemplate="%{text}: %{y}% at $%{x:,.2f}<extra>" + str(name) + "</extra>",
        )
    fig.update_layout(
        height=360,
        xaxis_title="cost over the horizon (USD)",
        yaxis_title="score (%)",
        title="Cost vs capability (published scores)",
        margin={"l": 10, "r": 40, "t": 60, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    fig.update_xaxes(automargin=True)
    dollar_axis(fig, [float(v) for v in b["compared_cost"]], axis="xaxis")
    st.plotly_chart(fig, width="stretch", key="capability-chart")
    sources = "; ".join(sorted(set(b["source"])))
    st.caption(
        f"Scores are task-specific, shown by benchmark, never as one quality number. Source: {sources}."
    )


def _routing(data: dict[str, Any], book: PriceBook) -> None:
    st.subheader("Routing: a cheap model, a main model, escalations")
    st.caption(
        "Send a share of requests to a cheap model, the rest to a main model, and re-run a share of "
        "failures on a stronger one (extra requests). Is the router cheaper than the main model alone?"
    )
    workloads = [w for w in data.get("workloads", [])]
    names = [w["name"] for w in workloads]
    if not names:
        return
    ids = sorted(m.id for m in book)
    c1, c2, c3 = st.columns(3)
    # Kept across pages (shared.KEPT_INPUTS): first values are seeded, and a value that is no
    # longer an option (a workload renamed, a price file removed) falls back to the default.
    for key, options, first in (
        ("route-workload", names, names[0]),
        ("route-cheap", ids, "gpt-4.1-nano" if "gpt-4.1-nano" in ids else ids[0]),
        ("route-main", ids, "gpt-4.1-mini" if "gpt-4.1-mini" in ids else ids[0]),
        ("route-strong", ids, "gpt-4.1" if "gpt-4.1" in ids else ids[0]),
    ):
        if st.session_state.get(key) not in options:
            st.session_state[key] = first
    seed("route-share", 0.3)
    seed("route-rate", 0.05)
    target = c1.selectbox("Workload", names, key="route-workload")
    cheap = c1.selectbox("Cheap model", ids, key="route-cheap")
    share = c2.slider("Share to the cheap model", 0.0, 1.0, step=0.05, key="route-share")
    main = c2.selectbox("Main model", ids, key="route-main")
    strong = c3.selectbox("Escalation model", ids, key="route-strong")
    rate = c3.slider("Escalation rate", 0.0, 0.5, step=0.01, key="route-rate")
    try:
        report = _router(
            json.dumps(scenario_io.to_plain_json(data), sort_keys=True),
            target,
            cheap,
            f"{share:.2f}",
            main,
            strong,
            f"{rate:.2f}",
            book,
            id(book),
        )
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.dataframe(
        _ranking_table(report.comparison),
        hide_index=True,
        width="stretch",
        column_config=_COLUMNS,
    )
    if report.saves is True and report.difference is not None:
        st.success(
            f"The router saves {money(report.difference)} over {main} alone "
            f"({money(report.router_cost)} vs {money(report.main_cost)})."
        )
    elif report.saves is False and report.difference is not None:
        st.warning(
            f"The router costs {money(-report.difference)} more than {main} alone "
            f"({money(report.router_cost)} vs {money(report.main_cost)}): escalations outweigh "
            "the cheap share."
        )
    variant = report.scenario_data
    if st.button("Use this routing in the scenario", key="route-apply"):
        state.replace(variant)
        st.rerun()


def render() -> None:
    header(
        TITLE,
        "The current scenario (from the Workload planner) re-priced on each model: ranked by cost over "
        "the horizon, with cost per 1,000 requests and per task (retries included). 'NO' in 'can serve' "
        "means a limit is exceeded (context, output, modality) or the model retires within the horizon.",
    )
    book = current_book()
    data = state.data()
    try:
        scenario = state.scenario()
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    used = [book.resolve(r.model).id for w in scenario.workloads for r in w.routes]
    options = sorted(m.id for m in book)
    default = list(
        dict.fromkeys([*used, *[book.resolve(m).id for m in DEFAULT_MODELS if m in book]])
    )
    c1, c2 = st.columns([3, 1])
    seed("compare-models", default)
    known = [m for m in st.session_state["compare-models"] if m in options]
    if known != st.session_state["compare-models"]:
        st.session_state["compare-models"] = known
    choices = [ALL, *[w.name for w in scenario.workloads]]
    if st.session_state.get("compare-workload") not in choices:
        st.session_state["compare-workload"] = ALL
    models = c1.multiselect("Models", options, key="compare-models")
    workload = c2.selectbox("Re-price", choices, key="compare-workload")
    if not models:
        st.info("Pick at least one model.")
    else:
        key = json.dumps(st.session_state[state.KEY], sort_keys=True)
        try:
            result = _compare(
                key, tuple(models), None if workload == ALL else workload, book, id(book)
            )
        except CostlabError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            summary = summarize(result, used)
            m1, m2, m3 = st.columns(3)
            if summary.cheapest_fit is not None:
                m1.metric(
                    f"Cheapest that fits: {summary.cheapest_fit}",
                    money(summary.cheapest_fit_cost),
                )
            else:
                m1.metric("Cheapest that fits", "none of these")
            if summary.planned is not None and summary.saving is not None:
                m2.metric(
                    f"As planned: {summary.planned}",
                    money(summary.planned_cost),
                    delta=f"-{money(summary.saving)} by switching"
                    if summary.saving > 0
                    else "already the cheapest",
                    # a lower cost is good news: "inverse" draws the negative delta green
                    delta_color="inverse" if summary.saving > 0 else "off",
                )
            m3.metric(
                "Cannot serve",
                f"{count(summary.cannot_serve)} of {count(summary.candidates)}",
                help="a limit exceeded or retired within the horizon; see the warnings",
            )
            st.caption(f"Costs over {scenario.months} months from {scenario.start}.")
            st.dataframe(
                _ranking_table(result), hide_index=True, width="stretch", column_config=_COLUMNS
            )
            left, right = st.columns(2)
            with left:
                st.plotly_chart(_bar(result), width="stretch", key="compare-bar")
            if not result.warnings.empty:
                records = result.warnings.to_dict("records")
                blocking = [(w["candidate"], w["message"]) for w in records if w["blocking"]]
                other = [(w["candidate"], w["message"]) for w in records if not w["blocking"]]
                if blocking:
                    show_flags(blocking, title="Cannot serve")
                show_flags(other)
            with right:
                _capability(result)
    for each in scenario.workloads:
        if each.routing is not None and each.routing.cascade:
            _cascade(scenario, each.name, book)
    _routing(data, book)


def _cascade(scenario: Scenario, workload: str, book: PriceBook) -> None:
    """A cascade workload step by step, and each of its models alone (costlab.cascade)."""
    try:
        report = cascade_report(scenario, workload, book=book)
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.subheader(f"Cascade: {workload}")
    st.caption(
        f"{usd(report.cost_per_task, per_unit=True)} per task. Every task starts at step 1; a "
        "step's escalation rate of the tasks reaching it go on to the next. 'Cascade cheaper "
        "while' is the first step's escalation rate below which the cascade costs less than that "
        "model alone (with its step's retries)."
    )
    steps = pd.DataFrame(
        {
            "step": [s.step for s in report.steps],
            "model": [s.model for s in report.steps],
            "reached by": [percent(s.reach) for s in report.steps],
            "served": [percent(s.served) for s in report.steps],
            "cost per task": [usd(s.cost_per_task, per_unit=True) for s in report.steps],
        }
    )
    alone = pd.DataFrame(
        {
            "model alone": [s.model for s in report.singles],
            "cost per task": [usd(s.cost_per_task, per_unit=True) for s in report.singles],
            "cascade cheaper while step 1 escalates": [
                s.cascade_cheaper_below for s in report.singles
            ],
        }
    )
    left, right = st.columns(2)
    left.dataframe(steps, hide_index=True, width="stretch")
    right.dataframe(alone, hide_index=True, width="stretch")
