"""Prompt cost: paste or upload what you send, see its tokens and cost on every model you pick."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from costlab.app.prompt_input import _source
from costlab.app.shared import (
    DEFAULT_MODELS,
    color_map,
    current_book,
    dollar_axis,
    header,
    media_model_ids,
    money,
    seed,
    show_flags,
)
from costlab.errors import CostlabError
from costlab.formats import count, percent, tokens
from costlab.prices import PriceBook
from costlab.prompt_cost import (
    PromptCost,
    PromptRow,
    count_on_models,
    price_prompt,
    price_token_counts,
)
from costlab.tokens import Input, TokenCount

TITLE = "Prompt cost"


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
) -> list[TokenCount | CostlabError]:
    """Counts per model, cached by the content's digest (the bytes themselves are not hashed)."""
    return count_on_models(Input(name, _data, suffix), list(models), book=_book, detail=detail)


def _typed(models: list[str], book: PriceBook) -> None:
    """Price the typed counts: a call's tokens are given, so only volume and Batch remain."""
    c1, c2 = st.columns(2)
    batch = c1.toggle("Batch API", key="prompt_typed_batch", help="50% off on most models")
    seed("prompt_calls", 100_000)
    calls = int(c2.number_input("Calls per month", min_value=0, step=10_000, key="prompt_calls"))
    try:
        result = price_token_counts(
            models,
            input_tokens=int(st.session_state["prompt_typed_input"]),
            cached_input_tokens=int(st.session_state["prompt_typed_cached"]),
            output_tokens=int(st.session_state["prompt_typed_output"]),
            calls_per_month=calls,
            batch=batch,
            book=book,
        )
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    _results(result, calls)


def _controls(counts: list[TokenCount]) -> tuple[int, Decimal, bool, int]:
    """Output tokens, cached share, Batch API and the monthly volume (calls, or for a Batch
    file, whole files: its requests are its calls)."""
    first = counts[0] if counts else None
    limit = first.max_output_tokens if first is not None else None
    is_batch = first is not None and first.kind == "batch"
    if first is not None and is_batch and limit and first.requests:
        limit = limit // first.requests
    default = int(limit) if limit else 500
    c1, c2, c3, c4 = st.columns(4)
    output = c1.number_input(
        "Expected output tokens per " + ("request" if is_batch else "call"),
        min_value=0,
        value=default,
        step=50,
        key=f"prompt_output_{default}",
        help="0 or more (a negative number is refused). Defaults to the request's max tokens "
        "when it sets one. Output costs 4x input on GPT-4.1 mini.",
    )
    seed("prompt_cached", 0.0)
    cached = c2.slider(
        "Cached share of input",
        0.0,
        1.0,
        step=0.05,
        key="prompt_cached",
        help="Share of the prompt read from the provider's cache",
        disabled=is_batch,
    )
    batch = c3.toggle(
        "Batch API",
        value=is_batch,
        key=f"prompt_batch_{is_batch}",
        help="50% off on most models; results within 24 h",
    )
    if is_batch:
        files = c4.number_input(
            "Files like this per month", min_value=0, value=1, step=1, key="prompt_files"
        )
        calls = int(files) * (first.requests if first is not None else 1)
    else:
        seed("prompt_calls", 100_000)
        calls = int(
            c4.number_input("Calls per month", min_value=0, step=10_000, key="prompt_calls")
        )
    return int(output), Decimal(f"{0.0 if is_batch else cached:.2f}"), batch, calls


def _table(result: PromptCost) -> pd.DataFrame:
    """One row per model; the costs come right after the name so a phone still sees them."""
    is_batch = result.kind == "batch"
    unit = "request" if is_batch else "call"
    rows = []
    for row in result.rows:
        line = {
            "model": row.model,
            f"per {unit}": money(row.cost_per_call, per_unit=True) if row.counted else "—",
            "per month": money(row.cost_per_month) if row.counted else "—",
        }
        if is_batch:
            line["whole file, batch price"] = money(row.file_cost_batch)
            line["whole file, standard price"] = money(row.file_cost_standard)
        line[f"per 1,000 {unit}s"] = money(row.cost_per_1k_calls) if row.counted else "—"
        line[f"input tokens / {unit}"] = tokens(row.input_tokens_per_call)
        if is_batch:
            line["input tokens, whole file"] = tokens(row.input_tokens_total)
        line["tokens are"] = "—" if row.exact is None else ("exact" if row.exact else "estimated")
        line["context used"] = _share(row)
        line["flags"] = "; ".join(_flag_word(f) for f in row.flags) or "—"
        rows.append(line)
    return pd.DataFrame(rows)


def _flag_word(flag: str) -> str:
    """A row's flag in a few words (the full text is in the warnings box)."""
    return flag.split(": ", 1)[0] if flag.startswith("no image rule") else "see warnings"


def _share(row: PromptRow) -> str:
    share = row.context_share
    if share is None:
        return "—"
    return "<0.1%" if 0 < share < Decimal("0.001") else percent(share)


def _gauge(rows: list[PromptRow], output: int) -> go.Figure:
    colors = color_map([r.model for r in rows])
    fig = go.Figure()
    biggest = 0.0
    for row in rows:
        window = row.context_window or 1
        per_request = float(row.input_tokens_per_call or 0)
        share = float(row.context_share or 0) * 100
        out_share = float(row.context_share_with_output(output) or 0) * 100 - share
        biggest = max(biggest, share + out_share)
        fig.add_bar(
            y=[row.model],
            x=[share],
            orientation="h",
            marker_color=colors[row.model],
            name="input",
            showlegend=False,
            hovertemplate=f"input {per_request:,.0f} of {window:,} tokens (%{{x:.2f}}%)<extra></extra>",
        )
        fig.add_bar(
            y=[row.model],
            x=[out_share],
            orientation="h",
            marker_color=colors[row.model],
            opacity=0.35,
            name="output",
            showlegend=False,
            hovertemplate=f"+ output {output:,} tokens<extra></extra>",
        )
    fig.add_vline(x=100, line_color="#DC2626", line_dash="dash")
    fig.update_layout(
        barmode="stack",
        height=80 + 34 * len(rows),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={
            "title": "% of the context window (input + output)",
            "range": [0, max(100.0, float(biggest) * 1.1)],
            "ticksuffix": "%",
        },
        yaxis={"automargin": True},
        title="Context window used",
    )
    return fig


def _cost_bar(rows: list[PromptRow], volume: str) -> go.Figure:
    colors = color_map([r.model for r in rows])
    ordered = sorted(rows, key=lambda r: r.cost_per_month or 0)
    values = [float(r.cost_per_month or 0) for r in ordered]
    few = len(ordered) <= 8  # more labels than that overlap: the hover has them
    fig = go.Figure(
        go.Bar(
            x=[r.model for r in ordered],
            y=values,
            marker_color=[colors[r.model] for r in ordered],
            text=[money(r.cost_per_month) for r in ordered] if few else None,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: $%{y:,.2f} a month<extra></extra>",
        )
    )
    fig.update_layout(
        height=340,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis_title=f"USD per month at {volume}",
        xaxis={"automargin": True, "tickangle": -40 if len(ordered) > 4 else 0},
        title="Monthly cost at this volume",
    )
    dollar_axis(fig, values)
    return fig


DESCRIBED = {
    "text": "text",
    "chat": "Chat Completions request",
    "responses": "Responses request",
    "image": "image",
    "pdf": "PDF (extracted text)",
    "docx": "DOCX (extracted text)",
    "audio": "audio (by its duration)",
    "video": "video (by its duration)",
}


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
    # realtime audio, transcription and image models too: an uploaded recording counts on them
    options += [m for m in media_model_ids(date.today()) if m not in options]
    seed("prompt_models", [book.resolve(m).id for m in DEFAULT_MODELS if m in book])
    known = [m for m in st.session_state["prompt_models"] if m in options]
    if known != st.session_state["prompt_models"]:  # a custom price file was removed
        st.session_state["prompt_models"] = known
    models = st.multiselect("Models", options, key="prompt_models")
    source = _source()
    if source is None:
        st.info("Paste something above, upload a file, or type token counts, to price it.")
        return
    if not models:
        st.info("Pick at least one model.")
        return
    if not isinstance(source, Input):
        _typed(models, book)
        return
    detail = "auto"
    if source.suffix in {".png", ".jpg", ".jpeg", ".gif", ".webp"}:
        seed("prompt_detail", "auto")
        detail = (
            st.segmented_control("Image detail", ["auto", "low", "high"], key="prompt_detail")
            or "auto"
        )
    try:
        counts = _count(
            hashlib.sha256(source.data).hexdigest(),
            source.name,
            source.data,
            source.suffix,
            tuple(models),
            detail,
            book,
            id(book),
        )
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    counted = [c for c in counts if isinstance(c, TokenCount)]
    # None when no model picked counts it in tokens (a recording on text or per-minute models):
    # the table still says why for each, and prices transcription where a model bills it
    first = counted[0] if counted else None
    if first is not None:
        kind = (
            f"Batch input file, {count(first.requests)} requests"
            if first.kind == "batch"
            else DESCRIBED.get(first.kind, first.kind)
        )
        st.caption(f"{source.name}: {kind}.")
    output, cached, batch, calls = _controls(counted)
    try:
        result = price_prompt(
            source,
            models,
            output_tokens=output,
            cached_share=cached,
            batch=batch,
            calls_per_month=calls,
            book=book,
            counts=counts,
        )
    except CostlabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    for note in result.notes:
        st.info(note, icon=":material/info:")
    if result.errors:
        show_errors = "\n".join(f"- {e}" for e in result.errors)
        st.error(
            f"**{len(result.errors)} line(s) of {source.name} not counted**\n\n{show_errors}",
            icon=":material/error:",
        )
    _results(result, calls)
    estimates = {c.model: c.estimate_source for c in counted if not c.exact and c.estimate_source}
    if estimates:
        with st.expander("Why some counts are estimates"):
            for model, why in estimates.items():
                st.markdown(f"- **{model}**: {why}")
    if first is not None and first.parts and first.kind in {"chat", "responses", "batch"}:
        with st.expander(f"Breakdown on {first.model}"):
            st.dataframe(
                pd.DataFrame(
                    [{"part": p.label, "tokens": tokens(p.input_tokens)} for p in first.parts]
                ),
                hide_index=True,
                width="stretch",
            )


def _results(result: PromptCost, calls: int) -> None:
    """Headline, table, charts and one warnings box: the same for every kind of input."""
    if not result.counted:
        show_flags([(r.model, f) for r in result.rows for f in r.flags])
        return
    _headline(result)
    st.dataframe(
        _table(result),
        hide_index=True,
        width="stretch",
        column_config={"model": st.column_config.TextColumn(width=170, pinned=True)},
    )
    priced = result.counted
    left, right = st.columns(2)
    volume = (
        f"{count(calls // max(result.requests, 1))} file(s)"
        if result.kind == "batch"
        else f"{count(calls)} calls"
    )
    left.plotly_chart(_cost_bar(priced, volume), width="stretch", key="prompt-cost-bar")
    right.plotly_chart(_gauge(priced, result.output_tokens), width="stretch", key="prompt-gauge")
    show_flags([(r.model, f) for r in result.rows for f in r.flags])


def _headline(result: PromptCost) -> None:
    """The reference model's figures (GPT-4.1 mini when picked), labelled per call or whole file."""
    mini = result.row("gpt-4.1-mini")  # the reference model, when it could count the input
    reference = mini if mini is not None and mini.counted else result.counted[0]
    cheapest = result.cheapest
    name = reference.model
    if result.kind == "batch":
        st.markdown(
            f"**The whole file: {count(reference.requests)} requests on {name}** "
            f"(the table has every model)"
        )
    m1, m2, m3, m4 = st.columns(4)
    if result.kind == "batch":
        m1.metric(
            "Input tokens, whole file",
            tokens(reference.input_tokens_total),
            help=f"{tokens(reference.input_tokens_per_call)} per request on average",
        )
        m2.metric("Whole file, batch price", money(reference.file_cost_batch))
        m3.metric("Whole file, standard price", money(reference.file_cost_standard))
        m4.metric(
            "Per request",
            money(reference.cost_per_call, per_unit=True),
            help="at the " + ("batch" if result.batch else "standard") + " price",
        )
        st.caption(
            f"Priced with {count(result.output_tokens)} output tokens per request, "
            + ("at the batch price." if result.batch else "at the standard price.")
        )
        return
    m1.metric(
        f"Input tokens ({name})",
        tokens(reference.input_tokens_per_call),
        help="exact"
        if reference.exact
        else (reference.count.estimate_source if reference.count else None),
    )
    m2.metric(f"Per call ({name})", money(reference.cost_per_call, per_unit=True))
    m3.metric(
        f"Per month at {count(result.calls_per_month)} calls", money(reference.cost_per_month)
    )
    if cheapest is not None:
        m4.metric(
            f"Cheapest: {cheapest.model}",
            money(cheapest.cost_per_month),
            help="per month at this volume",
        )
    st.caption(
        f"Priced with {count(result.output_tokens)} output tokens per call"
        + (", through the Batch API." if result.batch else ".")
    )
