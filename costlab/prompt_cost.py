"""One input (a prompt, a request body, a file, a whole Batch file) priced on many models.

:func:`price_prompt` counts the input on each model and prices one call, 1,000 calls and a
month of calls; for a Batch input file it also prices the whole file, at the batch price and at
the standard price. A model that cannot count the input (no image rule, for one) gets a row
with a flag instead of stopping the others: the dashboard's Prompt cost page lays these rows
out, and a command could print them the same way.

>>> from costlab.tokens import Input
>>> result = price_prompt(Input("pasted text", b"tiktoken is great!", ""), ["gpt-4.1-mini"],
...                       output_tokens=100, calls_per_month=1_000_000)
>>> row = result.rows[0]
>>> row.input_tokens_per_call, row.cost_per_call, row.cost_per_month
(6, Decimal('0.0001624'), Decimal('162.4000000'))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from costlab.cost import Cost, Usage, price_usage
from costlab.counted_cost import CountCost, price_count
from costlab.errors import CostlabError
from costlab.money import MONEY
from costlab.prices import Model, PriceBook, load_pricebook
from costlab.records import frozen
from costlab.tokens import Input, TokenCount, count_for_models, count_input

__all__ = [
    "TYPED",
    "PromptCost",
    "PromptRow",
    "count_on_models",
    "price_prompt",
    "price_token_counts",
]

#: Short flag for a model that cannot count the input, by the phrase its error contains.
_CANNOT_COUNT = {"image-token rule": "no image rule"}


@frozen
class PromptRow:
    """The input on one model. ``count`` and the costs are None when ``flags`` say why not."""

    model: str
    """the model id as asked (the canonical id once counted)"""
    count: TokenCount | None
    cost: Cost | CountCost | None
    """the cost of one call, or for a Batch file of the whole file at the chosen price"""
    flags: tuple[str, ...]
    """what to show next to the row: a limit exceeded, a retired model, why it was not counted"""
    context_window: int | None
    """the model's context window in tokens"""
    calls_per_month: int
    file_cost_batch: Decimal | None = None
    """a Batch file only: the whole file at the batch price"""
    file_cost_standard: Decimal | None = None
    """a Batch file only: the whole file at the standard (synchronous) price"""

    @property
    def counted(self) -> bool:
        return self.count is not None and self.cost is not None

    @property
    def exact(self) -> bool | None:
        return None if self.count is None else self.count.exact

    @property
    def requests(self) -> int:
        """Requests the input holds: 1, or a Batch file's good lines."""
        return self.count.requests if self.count is not None else 1

    @property
    def input_tokens_total(self) -> int | None:
        """Input tokens over all requests (a Batch file's whole-file total)."""
        return None if self.count is None else self.count.input_tokens

    @property
    def input_tokens_per_call(self) -> Decimal | int | None:
        """Input tokens of one call (a Batch file: the mean over its requests)."""
        if self.count is None:
            return None
        if self.count.requests in (0, 1):
            return self.count.input_tokens
        return self.count.input_tokens_per_request

    @property
    def cost_per_call(self) -> Decimal | None:
        return None if self.cost is None else self.cost.cost_per_request

    @property
    def cost_per_1k_calls(self) -> Decimal | None:
        per_call = self.cost_per_call
        return None if per_call is None else MONEY.multiply(per_call, Decimal(1000))

    @property
    def cost_per_month(self) -> Decimal | None:
        per_call = self.cost_per_call
        return None if per_call is None else MONEY.multiply(per_call, Decimal(self.calls_per_month))

    @property
    def file_cost(self) -> Decimal | None:
        """The whole input at the chosen price (for one call: the call)."""
        return None if self.cost is None else self.cost.total_cost

    @property
    def context_share(self) -> Decimal | None:
        """The share of the context window one call's input fills (0.25 = a quarter)."""
        per_call = self.input_tokens_per_call
        if per_call is None or not self.context_window:
            return None
        return Decimal(per_call) / Decimal(self.context_window)

    def context_share_with_output(self, output_tokens: int) -> Decimal | None:
        """The share of the context window one call fills with its input and ``output_tokens``
        of output (capped at the model's max output)."""
        share = self.context_share
        if share is None or self.cost is None or not self.context_window:
            return share
        output = min(output_tokens, self.cost.model.max_output_tokens)
        return share + Decimal(output) / Decimal(self.context_window)


@frozen
class PromptCost:
    """:func:`price_prompt`'s answer: one row per model, in the order asked."""

    source: str
    """what was counted: "pasted text" or a file name"""
    kind: str | None
    """text, chat, responses, batch, image, pdf, docx, or "typed" (counts typed by hand);
    None when no model could count the input"""
    rows: tuple[PromptRow, ...]
    errors: tuple[str, ...]
    """problems with the input itself (a Batch file's bad lines), each naming where"""
    notes: tuple[str, ...]
    """things to say about the input (it is empty, ...)"""
    batch: bool
    output_tokens: int
    calls_per_month: int

    @property
    def counted(self) -> list[PromptRow]:
        return [row for row in self.rows if row.counted]

    @property
    def requests(self) -> int:
        return self.counted[0].requests if self.counted else 1

    @property
    def cheapest(self) -> PromptRow | None:
        rows = self.counted
        return min(rows, key=lambda r: r.cost_per_call or 0) if rows else None

    def row(self, model: str) -> PromptRow | None:
        return next((r for r in self.rows if r.model == model), None)

    @property
    def flags(self) -> list[str]:
        """Every row's flags as "model: flag", each once."""
        return list(dict.fromkeys(f"{r.model}: {f}" for r in self.rows for f in r.flags))


def _short(exc: CostlabError) -> str:
    for phrase, short in _CANNOT_COUNT.items():
        if phrase in exc.what:
            return f"{short}: {exc.what}"
    return f"not counted: {exc.what}"


def count_on_models(
    source: Input,
    models: Sequence[str],
    *,
    book: PriceBook | None = None,
    detail: str = "auto",
) -> list[TokenCount | CostlabError]:
    """The input counted on each model; a model that cannot count it gives its error instead.

    Counting all models at once shares one encode per encoding; only when that fails is each
    model counted alone, so one model without a rule never hides the others' counts.
    """
    try:
        return list(count_for_models(source, list(models), book=book, detail=detail))  # type: ignore[arg-type]
    except CostlabError:
        pass
    out: list[TokenCount | CostlabError] = []
    for name in models:
        try:
            out.append(count_input(source, model=name, book=book, detail=detail))  # type: ignore[arg-type]
        except CostlabError as exc:
            out.append(exc)
    if all(isinstance(item, CostlabError) and not _about_the_model(item) for item in out):
        # Nothing could count it: the input itself is the problem (binary, unreadable ...).
        raise next(item for item in out if isinstance(item, CostlabError))
    return out


def _about_the_model(error: CostlabError) -> bool:
    """Whether ``error`` says the model cannot count the input (no audio rule, billed per
    minute), not that the input is bad: each such model gets a flagged row instead."""
    return bool(error.where) and error.where[0].startswith("model '")


def price_prompt(
    source: Input,
    models: Sequence[str],
    *,
    output_tokens: int = 0,
    cached_share: Decimal = Decimal(0),
    batch: bool | None = None,
    calls_per_month: int = 0,
    detail: str = "auto",
    book: PriceBook | None = None,
    on: date | None = None,
    counts: Sequence[TokenCount | CostlabError] | None = None,
) -> PromptCost:
    """Count ``source`` on each of ``models`` and price it.

    ``output_tokens`` is the expected output of one call; ``cached_share`` the share of its
    input read from the prompt cache (0..1); ``batch`` prices through the Batch API (default:
    only a Batch input file); ``calls_per_month`` sizes the monthly figure. ``counts`` skips
    counting when the caller already has them (the same models, in order).

    Raises :class:`CostlabError` for a bad argument (negative output tokens, a share outside
    0..1) or an input no model can count; a model that cannot count it gets a flagged row.
    """
    if output_tokens < 0:
        raise CostlabError(f"must be 0 or more, got {output_tokens:,}", "output tokens")
    if not Decimal(0) <= cached_share <= Decimal(1):
        raise CostlabError(f"must be between 0 and 1, got {cached_share}", "cached share")
    if calls_per_month < 0:
        raise CostlabError(f"must be 0 or more, got {calls_per_month:,}", "calls per month")
    book = book or load_pricebook()
    if counts is None:
        counts = count_on_models(source, models, book=book, detail=detail)
    first = next((c for c in counts if isinstance(c, TokenCount)), None)
    kind = first.kind if first is not None else None
    through_batch = (kind == "batch") if batch is None else batch
    notes = []
    if not source.data.strip():
        notes.append(f"{source.name} is empty: there is nothing to bill but the request itself")
    elif first is not None and first.input_tokens == 0:
        notes.append(f"{source.name} holds no countable text: 0 input tokens")
    rows = []
    for name, counted in zip(models, counts, strict=True):
        try:
            model = book.resolve(name)
        except CostlabError as exc:
            rows.append(PromptRow(name, None, None, (exc.what,), None, calls_per_month))
            continue
        if isinstance(counted, CostlabError):
            transcribed = _transcription_row(source, model, calls_per_month, batch, on)
            rows.append(
                transcribed
                or PromptRow(
                    model.id, None, None, (_short(counted),), model.context_window, calls_per_month
                )
            )
            continue
        try:
            cost, batch_total, standard_total = _price(
                counted, book, output_tokens, cached_share, through_batch, on
            )
        except CostlabError as exc:
            rows.append(
                PromptRow(
                    model.id, counted, None, (exc.what,), model.context_window, calls_per_month
                )
            )
            continue
        rows.append(
            PromptRow(
                model=counted.model,
                count=counted,
                cost=cost,
                flags=tuple(dict.fromkeys(cost.warnings)),
                context_window=model.context_window,
                calls_per_month=calls_per_month,
                file_cost_batch=batch_total,
                file_cost_standard=standard_total,
            )
        )
    return PromptCost(
        source=source.name,
        kind=kind,
        rows=tuple(rows),
        errors=tuple(str(e) for e in (first.errors if first is not None else ())),
        notes=tuple(notes),
        batch=through_batch,
        output_tokens=output_tokens,
        calls_per_month=calls_per_month,
    )


def _transcription_row(
    source: Input, model: Model, calls_per_month: int, batch: bool | None, on: date | None
) -> PromptRow | None:
    """An audio or video file on a model billed per minute transcribed (whisper-1): one call is
    the file's duration, rounded up to the second, with no tokens in or out. None when the
    input is not such a file or the model not such a model."""
    from costlab.tokens.media import bills_transcription, transcribed_input

    day = on or date.today()
    found = transcribed_input(source) if bills_transcription(model, day) else None
    if found is None:
        return None
    header, seconds = found
    count = TokenCount(
        model=model.id,
        encoding="-",
        input_tokens=0,
        exact=False,
        kind="video" if header.video else "audio",
        estimate_source=f"billed per minute transcribed: {header.label}, billed as {seconds:,} s",
        source=source.name,
    )
    cost = price_usage(model, Usage(audio_seconds=seconds, batch=bool(batch)), on=day)
    return PromptRow(model.id, count, cost, (), model.context_window, calls_per_month)


def _price(
    count: TokenCount,
    book: PriceBook,
    output_tokens: int,
    cached_share: Decimal,
    batch: bool,
    on: date | None,
) -> tuple[Cost | CountCost, Decimal | None, Decimal | None]:
    """One call's cost (a Batch file: the file's), and a Batch file's totals at both prices."""
    model = book.resolve(count.model)
    if count.kind == "batch":
        chosen = price_count(count, model, output_tokens=output_tokens, batch=batch, on=on)
        other = price_count(count, model, output_tokens=output_tokens, batch=not batch, on=on)
        at_batch, at_standard = (chosen, other) if batch else (other, chosen)
        return chosen, at_batch.total_cost, at_standard.total_cost
    # The cached share is of the text: an audio file's tokens are billed at the audio rate.
    text = count.input_tokens - count.input_audio_tokens
    cached_tokens = int((Decimal(text) * cached_share).to_integral_value())
    usage = Usage(
        input_tokens=count.input_tokens,
        cached_input_tokens=cached_tokens,
        output_tokens=output_tokens,
        input_audio_tokens=count.input_audio_tokens,
        batch=batch,
    )
    return price_usage(model, usage, on=on), None, None


#: What :func:`price_token_counts` names as its source.
TYPED = "typed token counts"


def price_token_counts(
    models: Sequence[str],
    *,
    input_tokens: int,
    cached_input_tokens: int = 0,
    output_tokens: int = 0,
    calls_per_month: int = 0,
    batch: bool = False,
    book: PriceBook | None = None,
    on: date | None = None,
) -> PromptCost:
    """Price token counts typed by hand (per call: input incl. cached, cached, output) on each
    of ``models``, like the calculators people already use; the counts are taken as exact.

    >>> result = price_token_counts(["gpt-4.1-mini"], input_tokens=1200,
    ...     cached_input_tokens=600, output_tokens=150, calls_per_month=20_000)
    >>> result.rows[0].cost_per_month  # the README's estimate example: $10.80
    Decimal('10.80000')
    """
    for name, value in (
        ("input tokens", input_tokens),
        ("cached input tokens", cached_input_tokens),
        ("output tokens", output_tokens),
        ("calls per month", calls_per_month),
    ):
        if value < 0:
            raise CostlabError(f"must be 0 or more, got {value:,}", name)
    if cached_input_tokens > input_tokens:
        raise CostlabError(
            f"{cached_input_tokens:,} is more than the {input_tokens:,} input tokens they are part of",
            "cached input tokens",
        )
    book = book or load_pricebook()
    rows = []
    for name in models:
        try:
            model = book.resolve(name)
            cost = price_usage(
                model,
                Usage(
                    input_tokens=input_tokens,
                    cached_input_tokens=cached_input_tokens,
                    output_tokens=output_tokens,
                    batch=batch,
                ),
                on=on,
            )
        except CostlabError as exc:
            rows.append(PromptRow(name, None, None, (exc.what,), None, calls_per_month))
            continue
        typed = TokenCount(
            model=model.id, encoding="", input_tokens=input_tokens, exact=True, kind="text"
        )
        rows.append(
            PromptRow(
                model=model.id,
                count=typed,
                cost=cost,
                flags=tuple(dict.fromkeys(cost.warnings)),
                context_window=model.context_window,
                calls_per_month=calls_per_month,
            )
        )
    return PromptCost(
        source=TYPED,
        kind="typed",
        rows=tuple(rows),
        errors=(),
        notes=(),
        batch=batch,
        output_tokens=output_tokens,
        calls_per_month=calls_per_month,
    )
