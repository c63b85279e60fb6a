"""Price book: browse, filter and sort every model; a model's price history; custom price files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab import formats
from costlab.app.shared import (
    CUSTOM_PRICES,
    current_book,
    dollar_axis,
    header,
    model_color,
    reported,
    seed,
    shipped_book,
)
from costlab.errors import CostlabError
from costlab.money import plain
from costlab.prices import Model, PriceBook, parse_price_text, rates_for
from costlab.yaml_reader import decode_text

TITLE = "Price book"


def _rows(book: PriceBook, day: date) -> pd.DataFrame:
    rows = []
    for m in book:
        if m.prices[0].effective_from > day:
            continue
        p = m.price_on(day)
        rows.append(
            {
                "model": m.id,
                "input $/1M": float(p.input),
                "output $/1M": float(p.output),
                "cached $/1M": float(p.cached_input) if p.cached_input is not None else None,
                "batch off": float(p.batch_discount) if p.batch_discount is not None else None,
                "provider": m.provider,
                "status": m.status_on(day),
                "name": m.name,
                "context": m.context_window,
                "max output": m.max_output_tokens,
                "input": ", ".join(m.input_modalities),
                "tokens": "exact" if m.tokenizer else "estimated",
                "cutoff": str(m.knowledge_cutoff or ""),
                "retires": str(m.lifecycle.retires_on)
                if m.lifecycle and m.lifecycle.retires_on
                else "",
                "long context": ", ".join(f">{t.above_input_tokens // 1000}K" for t in p.tiers),
                "file": m.source_file,
            }
        )
    return pd.DataFrame(rows)


def _history_chart(model: Model) -> go.Figure:
    fig = go.Figure()
    end = max(date.today(), model.prices[-1].effective_from)
    for label, attr, dash in (
        ("input", "input", "solid"),
        ("cached input", "cached_input", "dot"),
        ("output", "output", "dash"),
    ):
        xs, ys = [], []
        for entry in model.prices:
            value = getattr(entry, attr)
            xs.append(entry.effective_from)
            ys.append(float(value) if value is not None else None)
        xs.append(end)
        ys.append(ys[-1])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                name=label,
                mode="lines+markers",
                line={"shape": "hv", "dash": dash, "color": model_color(model.id)},
            )
        )
    fig.update_layout(
        height=280,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="USD per 1M tokens",
        title=f"{model.id}: price history",
    )
    dollar_axis(fig, [float(e.output) for e in model.prices])
    return fig


def _details(model: Model, day: date) -> None:
    p = model.price_on(day)
    st.markdown(
        f"**{model.name}** (`{model.id}`, {model.provider}) — status on {day}: **{model.status_on(day)}**"
    )
    lines = [
        f"- Aliases: {', '.join(f'`{a}`' for a in model.aliases) or '—'}",
        f"- Context window {formats.tokens(model.context_window)} tokens; max output {formats.tokens(model.max_output_tokens)}"
        + (
            f"; max input {formats.tokens(model.max_input_tokens)}"
            if model.max_input_tokens
            else ""
        ),
        f"- Knowledge cutoff {model.knowledge_cutoff or '—'}; in: {', '.join(model.input_modalities)}; out: {', '.join(model.output_modalities)}",
        f"- Tokens: {('exact, `' + model.tokenizer + '`') if model.tokenizer else 'estimated (no public tokenizer)'}",
        f"- Price from {p.effective_from}: input ${plain(p.input)}, cached ${plain(p.cached_input) if p.cached_input is not None else '—'}, output ${plain(p.output)} per 1M tokens ([source]({p.source}))"
        if p.source.startswith("http")
        else f"- Price from {p.effective_from}: input ${plain(p.input)}, output ${plain(p.output)} per 1M tokens (source: {p.source})",
    ]
    if p.cache_write is not None:
        lines.append(
            f"- Cache writes: ${plain(p.cache_write)} (5-minute)"
            + (f", ${plain(p.cache_write_1h)} (1-hour)" if p.cache_write_1h is not None else "")
        )
    if p.batch_discount is not None or p.batch is not None:
        r = rates_for(p, batch=True)
        lines.append(
            f"- Batch API: input ${plain(r.input)}, cached ${plain(r.cached_input)}, output ${plain(r.output)}"
        )
    for t in p.tiers:
        r = rates_for(p, long_context=t)
        lines.append(
            f"- Above {formats.tokens(t.above_input_tokens)} input tokens per request, the whole request: input ${plain(r.input)}, output ${plain(r.output)}"
        )
    if model.fine_tuning:
        ft = model.fine_tuning
        training = (
            f"${plain(ft.training)} per 1M training tokens"
            if ft.training is not None
            else f"${plain(ft.training_per_hour or Decimal(0))} per training hour"
        )
        lines.append(
            f"- Fine-tuning: {training}; fine-tuned inference ${plain(ft.input)} / ${plain(ft.cached_input) if ft.cached_input is not None else '—'} / ${plain(ft.output)}"
        )
    if model.lifecycle and (model.lifecycle.note or model.lifecycle.retires_on):
        life = model.lifecycle
        lines.append(
            f"- Lifecycle: {('retires ' + str(life.retires_on) + '. ') if life.retires_on else ''}{life.note or ''}"
        )
    for b in model.benchmarks:
        lines.append(f"- {b.name}: {b.score}% ({b.source})")
    if p.note:
        lines.append(f"- Note: {p.note}")
    st.markdown("\n".join(lines))


def _custom_prices() -> None:
    st.subheader("Your own prices for this session")
    st.caption(
        "Upload a price file (same YAML format as `pricing/*.yaml`): negotiated discounts, fine-tuned or "
        "private models. Entries override shipped models by `id`; new ids are added. Every page uses them "
        "until you remove them."
    )
    files: list[tuple[str, str]] = list(st.session_state.get(CUSTOM_PRICES, []))
    upload = st.file_uploader("Price file (.yaml)", type=["yaml", "yml"], key="price_upload")
    if upload is not None and upload.name not in {n for n, _ in files}:
        try:
            text = decode_text(upload.getvalue(), upload.name)
            book = current_book()
            models = parse_price_text(text, upload.name, base=book.models)
            book.layered(models, upload.name)  # checks ids and aliases stay unique
        except CostlabError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            files.append((upload.name, text))
            st.session_state[CUSTOM_PRICES] = files
            st.success(
                f"{upload.name}: {len(models)} model(s) loaded: {', '.join(m.id for m in models)}"
            )
    for name, _ in files:
        left, right = st.columns([4, 1])
        left.markdown(f"In use: `{name}`")
        if right.button("Remove", key=f"remove-{name}"):
            st.session_state[CUSTOM_PRICES] = [f for f in files if f[0] != name]
            st.rerun()


def render() -> None:
    header(
        TITLE,
        "Every model costlab knows, with prices in USD per 1M tokens in force on the chosen day. "
        "Click a column header to sort. 'estimated' tokens: no public tokenizer, counts are scaled. "
        "Each price links to its source.",
    )
    book = current_book()
    with st.sidebar:
        day = st.date_input("Prices in force on", value=date.today(), key="pricebook_day")
    frame = _rows(book, day)
    c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
    seed("pricebook_statuses", ["active", "deprecated"])
    provider_names = sorted(frame["provider"].unique())
    kept = [p for p in st.session_state.get("pricebook_providers", []) if p in provider_names]
    if kept != st.session_state.get("pricebook_providers", []):  # a price file was removed
        st.session_state["pricebook_providers"] = kept
    providers = c1.multiselect(
        "Provider", provider_names, placeholder="all", key="pricebook_providers"
    )
    statuses = c2.multiselect(
        "Status", ["active", "deprecated", "retired"], key="pricebook_statuses"
    )
    modality = c3.multiselect(
        "Accepts",
        ["text", "image", "audio", "video", "pdf"],
        placeholder="any input",
        key="pricebook_accepts",
    )
    search = c4.text_input("Search", placeholder="id or name", key="pricebook_search")
    shown = frame
    if providers:
        shown = shown[shown["provider"].isin(providers)]
    if statuses:
        shown = shown[shown["status"].isin(statuses)]
    for mod in modality:
        shown = shown[shown["input"].str.contains(mod)]
    if search:
        needle = search.strip().lower()
        shown = shown[
            shown["model"].str.lower().str.contains(needle, regex=False)
            | shown["name"].str.lower().str.contains(needle, regex=False)
        ]
    max_price = float(frame["output $/1M"].max()) if len(frame) else 100.0
    cap = st.slider("Output price at most ($/1M)", 0.0, max_price, max_price, step=0.1)
    shown = shown[shown["output $/1M"] <= cap + 1e-9]
    # Numbers stay numbers (a click on a header sorts by value); missing ones show as "—".
    table = shown.sort_values(["provider", "input $/1M"]).style.format(
        {
            "input $/1M": "${:,.3f}",
            "cached $/1M": "${:,.4f}",
            "output $/1M": "${:,.2f}",
            "batch off": "{:.0%}",
            "context": "{:,}",
            "max output": "{:,}",
        },
        na_rep="—",
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"model": st.column_config.TextColumn(width=170, pinned=True)},
    )
    st.caption(f"{len(shown)} of {len(frame)} models shown.")

    st.subheader("Model details and price history")
    ids = sorted(shown["model"]) or sorted(frame["model"])
    default = ids.index("gpt-4.1-mini") if "gpt-4.1-mini" in ids else 0
    chosen = st.selectbox("Model", ids, index=default, key="pricebook_model")
    with reported():
        model = book.resolve(chosen)
        left, right = st.columns([3, 2])
        with left:
            _details(model, day)
        with right:
            st.plotly_chart(_history_chart(model), width="stretch")
            history = pd.DataFrame(
                [
                    {
                        "from": e.effective_from,
                        "input": plain(e.input),
                        "cached": plain(e.cached_input) if e.cached_input is not None else "—",
                        "output": plain(e.output),
                        "source": e.source,
                    }
                    for e in model.prices
                ]
            )
            st.dataframe(history, hide_index=True, width="stretch")
    _custom_prices()
    st.caption(
        f"Shipped book: {len(shipped_book())} models from {', '.join(sorted({m.source_file for m in shipped_book()}))}."
    )
