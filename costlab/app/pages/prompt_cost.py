"""Prompt cost: paste or upload what you send, see its tokens and cost on every model you pick."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab.app.shared import (
    DEFAULT_MODELS,
    color_map,
    current_book,
    header,
    money,
    show_flags,
)
from costlab.cost import Cost, Usage, price_usage
from costlab.counted_cost import CountCost, price_count
from costlab.errors import CostlabError
from costlab.money import format_tokens
from costlab.prices import PriceBook
from costlab.tokens import Input, TokenCount, count_for_models

TITLE = "Prompt cost"
SOURCE = "prompt_source"  # session key: (name, bytes, suffix) of what is being counted
EXAMPLE = """{
  "model": "gpt-4.1-mini",
  "messages": [
    {"role": "system", "content": "You are a support assistant for an online shop. Answer in at most three sentences."},
    {"role": "user", "content": "My order 10442 arrived with a cracked screen. What are my options?"}
  ],
  "max_tokens": 300
}"""


@st.cache_resource(show_spinner="Counting tokens…", max_entries=16)
def _count(
    digest: str,
    name: str,
    _data: bytes,
    suffix: str,
    models: tuple[str, ...],
    detail: str,
    _book: PriceBook,
    book_id: int,
) -> list[TokenCount]:
    """Counts per model, cached by the content's digest (the bytes themselves are not hashed)."""
    return count_for_models(Input(name, _data, suffix), list(models), book=_book, detail=detail)  # type: ignore[arg-type]


def _load_example() -> None:
    st.session_state["prompt_text"] = EXAMPLE


def _source() -> tuple[str, bytes, str] | None:
    paste, upload = st.tabs(
        [":material/content_paste: Paste", ":material/upload_file: Upload a file"]
    )
    with paste:
        text = st.text_area(
            "Text, or a Chat Completions / Responses request body (JSON)",
            height=220,
            key="prompt_text",
            placeholder="Paste a prompt, a document, or a request body like the example below…",
        )
        st.button("Load an example request", key="prompt_example", on_click=_load_example)
        if text.strip():
            st.session_state[SOURCE] = ("pasted text", text.encode("utf-8"), "")
    with upload:
        file = st.file_uploader(
            "Text, Markdown, CSV, JSON, code, PDF, DOCX, an image, or an OpenAI Batch input file (.jsonl)",
            key="prompt_upload",
        )
        if file is not None:
            name = file.name
            suffix = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
            st.session_state[SOURCE] = (name, file.getvalue(), suffix)
    chosen: tuple[str, bytes, str] | None = st.session_state.get(SOURCE)
    if chosen and chosen[0] == "pasted text" and not text.strip():
        st.session_state.pop(SOURCE, None)
        return None
    return chosen


def _controls(counts: list[TokenCount]) -> tuple[int, Decimal, bool, int]:
    first = counts[0]
    limit = first.max_output_tokens
    if first.kind == "batch" and limit and first.requests:
        limit = limit // first.requests
    default = int(limit) if limit else 500
    c1, c2, c3, c4 = st.columns(4)
    output = c1.number_input(
        "Expected output tokens per call",
        0,
        None,
        default,
        50,
        key=f"prompt_output_{default}",
        help="Defaults to the request's max tokens when it sets one. Output costs 4x input on GPT-4.1 mini.",
    )
    cached = c2.slider(
        "Cached share of input",
        0.0,
        1.0,
        0.0,
        0.05,
        key="prompt_cached",
        help="Share of the prompt read from the provider's cache",
    )
    is_batch = first.kind == "batch"
    batch = c3.toggle(
        "Batch API",
        value=is_batch,
        key=f"prompt_batch_{is_batch}",
        help="50% off on most models; results within 24 h",
    )
    calls = c4.number_input("Calls per month", 0, None, 100_000, 10_000, key="prompt_calls")
    return int(output), Decimal(f"{cached:.2f}"), batch, int(calls)


def _price(
    count: TokenCount, book: PriceBook, output: int, cached: Decimal, batch: bool
) -> Cost | CountCost:
    model = book.resolve(count.model)
    if count.kind == "batch":
        return price_count(count, model, output_tokens=output, batch=batch)
    cached_tokens = int((Decimal(count.input_tokens) * cached).to_integral_value())
    usage = Usage(
        input_tokens=count.input_tokens,
        cached_input_tokens=cached_tokens,
        output_tokens=output,
        batch=batch,
    )
    return price_usage(model, usage)


def _share(fraction: float) -> str:
    return "<0.1%" if 0 < fraction < 0.001 else f"{fraction:.1%}"


def _table(
    counts: list[TokenCount], costs: list[Cost | CountCost], book: PriceBook, calls: int
) -> pd.DataFrame:
    rows = []
    for count, cost in zip(counts, costs, strict=True):
        model = book.resolve(count.model)
        per_call = cost.cost_per_request
        rows.append(
            {
                "model": count.model,
                "input tokens": format_tokens(
                    count.input_tokens // (count.requests or 1)
                    if count.kind == "batch"
                    else count.input_tokens
                ),
                "tokens are": "exact" if count.exact else "estimated",
                "per call": money(per_call, per_unit=True),
                "per 1,000 calls": money(per_call * 1000),
                "per month": money(per_call * calls),
                "context used": _share(
                    count.input_tokens / (count.requests or 1) / model.context_window
                ),
                "warnings": len(cost.warnings),
            }
        )
    return pd.DataFrame(rows)


def _gauge(counts: list[TokenCount], book: PriceBook, output: int) -> go.Figure:
    names = [c.model for c in counts]
    colors = color_map(names)
    fig = go.Figure()
    biggest = 0.0
    for count in counts:
        model = book.resolve(count.model)
        per_request = count.input_tokens / (count.requests or 1)
        share = per_request / model.context_window * 100
        out_share = min(output, model.max_output_tokens) / model.context_window * 100
        biggest = max(biggest, share + out_share)
        fig.add_bar(
            y=[count.model],
            x=[share],
            orientation="h",
            marker_color=colors[count.model],
            name="input",
            showlegend=False,
            hovertemplate=f"input {per_request:,.0f} of {model.context_window:,} tokens (%{{x:.2f}}%)<extra></extra>",
        )
        fig.add_bar(
            y=[count.model],
            x=[out_share],
            orientation="h",
            marker_color=colors[count.model],
            opacity=0.35,
            name="output",
            showlegend=False,
            hovertemplate=f"+ output {output:,} tokens<extra></extra>",
        )
    fig.add_vline(x=100, line_color="#DC2626", line_dash="dash")
    fig.update_layout(
        barmode="stack",
        height=80 + 34 * len(counts),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={
            "title": "% of the context window (input, then expected output)",
            "range": [0, max(100.0, float(biggest) * 1.1)],
        },
        title="Context window used",
    )
    return fig


def _cost_bar(counts: list[TokenCount], costs: list[Cost | CountCost], calls: int) -> go.Figure:
    names = [c.model for c in counts]
    colors = color_map(names)
    values = [float(c.cost_per_request * calls) for c in costs]
    order = sorted(range(len(names)), key=lambda i: values[i])
    fig = go.Figure(
        go.Bar(
            x=[names[i] for i in order],
            y=[values[i] for i in order],
            marker_color=[colors[names[i]] for i in order],
            text=[money(costs[i].cost_per_request * calls) for i in order],
            textposition="outside",
            hovertemplate="%{x}: $%{y:,.2f} a month<extra></extra>",
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=f"USD per month at {calls:,} calls",
        title="Monthly cost at this volume",
    )
    return fig


def render() -> None:
    header(
        TITLE,
        "Paste a prompt or a request body, or upload a file: costlab counts the tokens the API will bill "
        "on each model (exact where the model's tokenizer is public, otherwise an estimate, labelled) "
        "and prices one call, 1,000 calls and a month of calls. Output length and caching move the cost "
        "most: set them below.",
    )
    book = current_book()
    options = sorted(m.id for m in book)
    default = [book.resolve(m).id for m in DEFAULT_MODELS if m in book]
    models = st.multiselect("Models", options, default=default, key="prompt_models")
    source = _source()
    if source is None:
        st.info("Paste something above, or upload a file, to count its tokens.")
        return
    if not models:
        st.info("Pick at least one model.")
        return
    name, data, suffix = source
    detail = (
        st.segmented_control(
            "Image detail", ["auto", "low", "high"], default="auto", key="prompt_detail"
        )
        if suffix in {".png", ".jpg", ".jpeg", ".gif", ".webp"}
        else "auto"
    )
    try:
        counts = _count(
            hashlib.sha256(data).hexdigest(),
            name,
            data,
            suffix,
            tuple(models),
            detail or "auto",
            book,
            id(book),
        )
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    first = counts[0]
    described = {
        "text": "text",
        "chat": "Chat Completions request",
        "responses": "Responses request",
        "batch": f"Batch input file, {first.requests:,} requests",
        "image": "image",
        "pdf": "PDF (extracted text)",
        "docx": "DOCX (extracted text)",
    }
    st.caption(f"{name}: {described.get(first.kind, first.kind)}.")
    for error in first.errors:
        st.error(f"{name}: {error}", icon=":material/error:")
    output, cached, batch, calls = _controls(counts)
    costs: list[Cost | CountCost] = []
    for count in counts:
        try:
            costs.append(_price(count, book, output, cached, batch))
        except CostlabError as exc:
            st.error(str(exc), icon=":material/error:")
            return
    cheapest = min(range(len(costs)), key=lambda i: costs[i].cost_per_request)
    reference = next((i for i, c in enumerate(counts) if c.model == "gpt-4.1-mini"), 0)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        f"Input tokens ({counts[reference].model})",
        format_tokens(counts[reference].input_tokens),
        help="exact" if counts[reference].exact else counts[reference].estimate_source,
    )
    m2.metric(
        f"Per call ({counts[reference].model})",
        money(costs[reference].cost_per_request, per_unit=True),
    )
    m3.metric(f"Per month at {calls:,} calls", money(costs[reference].cost_per_request * calls))
    m4.metric(
        f"Cheapest: {counts[cheapest].model}",
        money(costs[cheapest].cost_per_request * calls),
        help="per month at this volume",
    )
    st.dataframe(_table(counts, costs, book, calls), hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.plotly_chart(_cost_bar(counts, costs, calls), width="stretch", key="prompt-cost-bar")
    right.plotly_chart(_gauge(counts, book, output), width="stretch", key="prompt-gauge")
    show_flags([w for c in costs for w in c.warnings])
    estimates = {c.model: c.estimate_source for c in counts if not c.exact and c.estimate_source}
    if estimates:
        with st.expander("Why some counts are estimates"):
            for model, why in estimates.items():
                st.markdown(f"- **{model}**: {why}")
    if first.parts and first.kind in {"chat", "responses", "batch"}:
        with st.expander(f"Breakdown on {first.model}"):
            st.dataframe(
                pd.DataFrame([{"part": p.label, "tokens": p.input_tokens} for p in first.parts]),
                hide_index=True,
                width="stretch",
            )
