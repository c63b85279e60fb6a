"""Compare models: the current scenario re-priced on each candidate, and a router beside them."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab import scenario_io
from costlab.app import state
from costlab.app.shared import DEFAULT_MODELS, color_map, current_book, header, money
from costlab.comparison import Comparison, compare
from costlab.errors import CostlabError
from costlab.pricebook import PriceBook
from costlab.scenario import parse_scenario

TITLE = "Compare models"
ALL = "all workloads"


@st.cache_resource(show_spinner=False, max_entries=64)
def _compare(
    key: str, models: tuple[str, ...], workload: str | None, _book: PriceBook, book_id: int
) -> Comparison:
    scenario = parse_scenario(scenario_io.from_plain_json(json.loads(key)), "scenario", book=_book)
    return compare(scenario, list(models), workload=workload, book=_book)


def _ranking_table(c: Comparison) -> pd.DataFrame:
    r = c.ranking
    return pd.DataFrame(
        {
            "rank": r["rank"],
            "candidate": r["candidate"],
            "cost": [money(v) for v in r["compared_cost"]],
            "per 1k requests": [money(v, per_unit=True) for v in r["cost_per_1k_requests"]],
            "per task": [money(v, per_unit=True) for v in r["cost_per_task"]],
            "vs cheapest": ["" if v == 0 else "+" + money(v) for v in r["vs_cheapest"]],
            "can serve": ["yes" if v else "NO" for v in r["can_serve"]],
            "warnings": r["warnings"],
        }
    )


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
            text=[money(v) for v in r["compared_cost"]],
            textposition="outside",
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
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=f"USD over {c.scenario.months} months",
        title="Cost over the horizon",
    )
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
            name=str(name),
            marker={"size": 12},
            hovertemplate="%{text}: %{y}% at $%{x:,.2f}<extra>" + str(name) + "</extra>",
        )
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="cost over the horizon (USD)",
        yaxis_title="score (%)",
        title="Cost vs capability (published scores)",
    )
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
    target = c1.selectbox("Workload", names, key="route-workload")
    cheap = c1.selectbox(
        "Cheap model",
        ids,
        index=ids.index("gpt-4.1-nano") if "gpt-4.1-nano" in ids else 0,
        key="route-cheap",
    )
    share = c2.slider("Share to the cheap model", 0.0, 1.0, 0.3, 0.05, key="route-share")
    main = c2.selectbox(
        "Main model",
        ids,
        index=ids.index("gpt-4.1-mini") if "gpt-4.1-mini" in ids else 0,
        key="route-main",
    )
    strong = c3.selectbox(
        "Escalation model",
        ids,
        index=ids.index("gpt-4.1") if "gpt-4.1" in ids else 0,
        key="route-strong",
    )
    rate = c3.slider("Escalation rate", 0.0, 0.5, 0.05, 0.01, key="route-rate")
    share_d = Decimal(f"{share:.2f}")
    routing: dict[str, Any] = {
        "legs": [{"model": cheap, "share": share_d}, {"model": main, "share": 1 - share_d}]
    }
    if rate > 0:
        routing["escalation"] = {"model": strong, "rate": Decimal(f"{rate:.2f}")}
    variant = copy.deepcopy(data)
    for w in variant["workloads"]:
        if w["name"] == target:
            w.pop("model", None)
            w["routing"] = routing
    key = json.dumps(scenario_io.to_plain_json(variant), sort_keys=True)
    try:
        result = _compare(key, tuple(dict.fromkeys([cheap, main, strong])), target, book, id(book))
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.dataframe(_ranking_table(result), hide_index=True, width="stretch")
    router = result.ranking[result.ranking["kind"] == "router"]
    singles = result.ranking[result.ranking["kind"] != "router"].set_index("candidate")
    if not router.empty and main in singles.index:
        r_cost, m_cost = router["compared_cost"].iloc[0], singles.loc[main, "compared_cost"]
        if r_cost < m_cost:
            st.success(
                f"The router saves {money(m_cost - r_cost)} over {main} alone ({money(r_cost)} vs {money(m_cost)})."
            )
        else:
            st.warning(
                f"The router costs {money(r_cost - m_cost)} more than {main} alone ({money(r_cost)} vs {money(m_cost)}): escalations outweigh the cheap share."
            )
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
    models = c1.multiselect("Models", options, default=default, key="compare-models")
    workload = c2.selectbox(
        "Re-price", [ALL, *[w.name for w in scenario.workloads]], key="compare-workload"
    )
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
            ranking = result.ranking
            fits = ranking[ranking["can_serve"]]
            m1, m2, m3 = st.columns(3)
            if len(fits):
                best = fits.iloc[0]
                m1.metric(f"Cheapest that fits: {best['candidate']}", money(best["compared_cost"]))
            else:
                m1.metric("Cheapest that fits", "none of these")
            planned = (
                ranking[ranking["candidate"].isin(used)]
                if len(set(used)) == 1
                else ranking[ranking["kind"] != "model"]
            )
            if len(planned) and len(fits):
                row = planned.iloc[0]
                saving = row["compared_cost"] - fits.iloc[0]["compared_cost"]
                m2.metric(
                    f"As planned: {row['candidate']}",
                    money(row["compared_cost"]),
                    delta=f"-{money(saving)} by switching"
                    if saving > 0
                    else "already the cheapest",
                    delta_color="normal" if saving > 0 else "off",
                )
            m3.metric(
                "Cannot serve",
                f"{int((~ranking['can_serve']).sum())} of {len(ranking)}",
                help="a limit exceeded or retired within the horizon; see the warnings",
            )
            st.caption(f"Costs over {scenario.months} months from {scenario.start}.")
            st.dataframe(_ranking_table(result), hide_index=True, width="stretch")
            left, right = st.columns(2)
            with left:
                st.plotly_chart(_bar(result), width="stretch", key="compare-bar")
            if not result.warnings.empty:
                with st.expander(
                    f"Warnings ({len(result.warnings)})",
                    expanded=bool((~result.ranking["can_serve"]).any()),
                ):
                    for warning in result.warnings.to_dict("records"):
                        show = st.error if warning["blocking"] else st.warning
                        show(f"{warning['candidate']}: {warning['message']}")
            with right:
                _capability(result)
    _routing(data, book)
