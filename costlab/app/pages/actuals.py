"""Actuals vs forecast: price a usage export and set it beside the scenario's forecast."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab.actuals import Actuals, parse_usage, price_usage_file, variance
from costlab.actuals.explain import EFFECT_LABELS, explain
from costlab.app import state
from costlab.app.shared import (
    add_band,
    color_map,
    current_book,
    dollar_axis,
    header,
    money,
    show_flags,
    signed_colors,
)
from costlab.errors import CostlabError
from costlab.export import csv_text
from costlab.focus import focus_actuals, focus_csv
from costlab.forecast import Forecast
from costlab.formats import count, percent, usd
from costlab.prices import PriceBook
from costlab.tables import as_floats
from costlab.yaml_reader import decode_text

TITLE = "Actuals vs forecast"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "usage.csv"
UPLOAD = "actuals_file"  # session key: (name, text) of the usage file in use


@st.cache_resource(show_spinner=False, max_entries=8)
def _priced(name: str, text: str, _book: PriceBook, book_id: int) -> Actuals:
    return price_usage_file(parse_usage(text, name), book=_book)


def _by_model_chart(actuals: Actuals) -> go.Figure:
    table = as_floats(actuals.by_model)
    fig = go.Figure()
    models = [str(m) for m in table["model"].unique()]
    colors = color_map(models)
    for model in models:
        rows = table[table["model"] == model].groupby("month", as_index=False)["actual_cost"].sum()
        fig.add_bar(
            x=rows["month"],
            y=rows["actual_cost"],
            name=model,
            marker_color=colors[model],
            hovertemplate="%{x}: $%{y:,.2f}<extra>" + model + "</extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="USD",
        title="Actual cost by month and model",
        xaxis={"type": "category", "automargin": True},
        legend={"orientation": "h", "y": -0.2},
    )
    dollar_axis(fig, [float(v) for v in table.groupby("month")["actual_cost"].sum()])
    return fig


def _variance_chart(table: pd.DataFrame) -> go.Figure:
    v = as_floats(table)
    fig = go.Figure()
    fig.add_bar(x=v["month"], y=v["actual_cost"], name="actual", marker_color="#0F766E")
    fig.add_scatter(
        x=v["month"],
        y=v["forecast_cost"],
        name="forecast",
        mode="lines+markers",
        line={"color": "#F59E0B", "width": 3},
    )
    if (v["forecast_cost_low"] != v["forecast_cost_high"]).any():
        add_band(
            fig,
            v["month"],
            v["forecast_cost_low"],
            v["forecast_cost_high"],
            name="forecast band",
            fill="rgba(245,158,11,0.2)",
        )
    fig.update_layout(
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="USD",
        title="Actual vs forecast",
        xaxis={"type": "category", "automargin": True},
        legend={"orientation": "h", "y": -0.2},
    )
    dollar_axis(fig, [*v["actual_cost"].fillna(0), *v["forecast_cost"].fillna(0)])
    return fig


def _variance_table(table: pd.DataFrame) -> Any:
    """Month, then variance (what a phone must see first); overspend red, a saving green."""
    out = pd.DataFrame(
        {
            "month": table["month"],
            "variance $": [money(v) for v in table["variance_usd"]],
            "variance %": [
                percent(None if v is None else Decimal(v) / 100, signed=True)
                for v in table["variance_pct"]
            ],
            "actual": [money(v) for v in table["actual_cost"]],
            "forecast": [money(v) for v in table["forecast_cost"]],
            "within band": [
                "yes" if v else ("no" if v is not None else "—") for v in table["within_band"]
            ],
        }
    )
    raw = list(table["variance_usd"])
    return signed_colors(out, {"variance $": raw, "variance %": raw}, good_when="negative")


def _choose_file() -> tuple[str, str] | None:
    c1, c2 = st.columns([3, 1])
    upload = c1.file_uploader(
        "Usage export (.csv or .json)", type=["csv", "json", "tsv", "txt"], key="actuals_upload"
    )
    if upload is not None:
        try:
            st.session_state[UPLOAD] = (upload.name, decode_text(upload.getvalue(), upload.name))
        except CostlabError as exc:
            st.error(str(exc), icon=":material/error:")
            return None
    if EXAMPLE.is_file() and c2.button("Use the example file", width="stretch"):
        st.session_state[UPLOAD] = (EXAMPLE.name, EXAMPLE.read_text(encoding="utf-8"))
    chosen: tuple[str, str] | None = st.session_state.get(UPLOAD)
    return chosen


def render() -> None:
    header(
        TITLE,
        "Upload OpenAI's usage or cost export (CSV), OpenAI's Usage API JSON, Anthropic's usage "
        "report JSON, or a CSV with date, model, input_tokens, cached_input_tokens, output_tokens, "
        "requests (and optional batch). It is priced "
        "with the price in force on each row's day and set beside the current scenario's forecast: "
        "variance is actual minus forecast, in $ and % of the forecast.",
    )
    chosen = _choose_file()
    if chosen is None:
        st.info("No usage file yet. Bad rows are reported by line; the good rows are still priced.")
        return
    name, text = chosen
    book = current_book()
    try:
        actuals = _priced(name, text, book, id(book))
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    problems = list(dict.fromkeys(actuals.problem_messages()))
    if len(problems) == 1:
        st.error(problems[0], icon=":material/error:")
    elif problems:
        st.error(
            f"**{len(problems)} problems in {name}; the other rows are priced**\n\n"
            + "\n".join(f"- {p}" for p in problems),
            icon=":material/error:",
        )
    for note in actuals.file.notes:
        st.info(note)
    show_flags(list(actuals.flags))
    c1, c2, c3 = st.columns(3)
    c1.metric("Actual cost", money(actuals.total_cost))
    c2.metric("Rows used", count(actuals.rows_used))
    c3.metric("Months", count(len(actuals.months)))
    if len(actuals.by_model):
        st.plotly_chart(_by_model_chart(actuals), width="stretch", key="actuals-by-model")
    try:
        fc = state.current_forecast()
    except CostlabError as exc:
        st.error(f"No forecast to compare with: {exc}", icon=":material/error:")
        return
    table = variance(actuals, fc)
    if table["forecast_cost"].isna().all():
        st.warning(
            f"The usage file's months are outside the forecast ({fc.scenario.start}, {fc.scenario.months} months): set the start month on the planner."
        )
        return
    st.subheader(f"Against the forecast of '{fc.scenario.name}'")
    left, right = st.columns([3, 2])
    left.plotly_chart(_variance_chart(table), width="stretch", key="actuals-variance")
    right.dataframe(_variance_table(table), hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.download_button(
        "Variance CSV", csv_text(table), file_name="variance.csv", mime="text/csv", width="stretch"
    )
    _focus_download(actuals, right)
    _by_cause(actuals, fc)


def _focus_download(actuals: Actuals, where: Any) -> None:
    """The priced usage as FinOps FOCUS 1.2 rows (one per month, model and token kind)."""
    try:
        rows = focus_actuals(actuals, book=current_book())
    except CostlabError as exc:
        where.caption(f"No FOCUS export: {exc.what}")
        return
    where.download_button(
        "FOCUS 1.2 CSV",
        focus_csv(rows),
        file_name="actuals-focus.csv",
        mime="text/csv",
        width="stretch",
        help="FinOps FOCUS 1.2 rows: BilledCost, EffectiveCost, ListCost, token quantities per kind",
    )


def _by_cause(actuals: Actuals, fc: Forecast) -> None:
    """Actual minus forecast split into additive causes (costlab.actuals.explain)."""
    if actuals.file.format.startswith("openai-costs"):
        st.caption("A cost export has billed amounts only: the variance cannot be split by cause.")
        return
    try:
        explanation = explain(actuals, fc, book=current_book())
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.subheader("Why: the variance by cause")
    months = ["total", *[str(m) for m in explanation.months["month"] if m != "total"]]
    month = st.selectbox("Period", months, key="actuals-cause-month")
    steps = explanation.waterfall(month)
    labels = [str(s).replace("_", " ") for s in steps["step"]]
    values = [float(v) for v in steps["usd"]]
    measures = ["absolute", *["relative"] * (len(values) - 2), "total"]
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=measures,
            text=[usd(v) for v in steps["usd"]],
            textposition="outside",
            increasing={"marker": {"color": "#DC2626"}},  # dearer than planned
            decreasing={"marker": {"color": "#16A34A"}},  # cheaper than planned
            totals={"marker": {"color": "#0F766E"}},
        )
    )
    # The axis spans the running total, not zero to it: a few dollars of cause on hundreds of
    # spend would otherwise be flat lines.
    running, levels = 0.0, []
    for value, measure in zip(values, measures, strict=True):
        running = value if measure != "relative" else running + value
        levels.append(running)
    low, high = min(levels), max(levels)
    pad = max((high - low) * 0.25, abs(high) * 0.02, 0.01)
    fig.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        showlegend=False,
        yaxis={"range": [max(0.0, low - pad), high + pad]},
    )
    dollar_axis(fig, values)
    st.plotly_chart(fig, width="stretch", key="actuals-by-cause")
    with st.expander("What each cause means"):
        st.markdown(
            "\n".join(f"- **{k.replace('_', ' ')}**: {v}" for k, v in EFFECT_LABELS.items())
        )
    st.caption(
        "From the forecast to the actual, one cause at a time in a fixed order (a sequential "
        "price-volume-mix split): each bar is what that cause alone moved, and the bars add up "
        "exactly to the variance. Red costs more than planned, green less."
    )
    for note in explanation.notes:
        st.info(note)
