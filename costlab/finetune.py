"""Fine-tuning runs: the training cost of an OpenAI chat fine-tuning file, before submitting it.

A training file is JSONL, one ``{"messages": [...]}`` example a line (optionally ``tools``).
Each example is counted like a Chat Completions body ([CB]: 3 tokens per message, 3 to prime
the reply), at most :data:`MAX_TOKENS_PER_EXAMPLE` of it (longer examples are truncated in
training), and the bill is ``training tokens x epochs x the training price`` of the model
(``fine_tuning.training`` in the price book, USD per 1M tokens).

When no epoch count is given, the default is the one OpenAI's fine-tuning data-preparation
cookbook computes [CB-FT]: 3 epochs, raised so that examples x epochs reaches 100 (at most 25
epochs) or lowered so that it stays under 25,000 (at least 1). That the API applies exactly this
rule is the cookbook's statement, not a published API contract, so the result says so.

Methods billed by time (reinforcement fine-tuning) are ``hours x fine_tuning.training_per_hour``
when the caller gives hours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from datetime import date
from decimal import Decimal
from typing import Any

from costlab import limits
from costlab.errors import CostlabError
from costlab.money import token_cost
from costlab.prices import Model, PriceBook, load_pricebook
from costlab.records import frozen
from costlab.tokens.chat import tally_chat
from costlab.tokens.tally import Tally
from costlab.tokens.tokenizer import resolve_model, tokenizer_for
from costlab.tokens.totals import finish

#: Tokens of one example that count; longer ones are truncated in training. [CB-FT]
MAX_TOKENS_PER_EXAMPLE = 16_385
#: The cookbook's default epochs rule. [CB-FT]
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25

EPOCHS_NOTE = (
    "default epochs by the rule of OpenAI's fine-tuning data-preparation cookbook (3, adjusted "
    "so examples x epochs is between 100 and 25,000); pass --epochs to set it"
)


def default_epochs(examples: int) -> int:
    """Epochs the cookbook expects the API to choose for ``examples`` training examples. [CB-FT]

    >>> default_epochs(10), default_epochs(50), default_epochs(1000), default_epochs(20000)
    (10, 3, 3, 1)
    """
    if examples <= 0:
        raise CostlabError("a training file needs at least one example")
    if examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    if examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return TARGET_EPOCHS


def looks_like_training_file(text: str) -> bool:
    """Whether JSONL text is a chat fine-tuning file: its first line has ``messages`` and is no
    batch request (no ``custom_id``/``body``)."""
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            first = limits.loads_json(line)
        except (json.JSONDecodeError, CostlabError):
            return False
        return (
            isinstance(first, Mapping)
            and "messages" in first
            and not {"custom_id", "body", "params"} & set(first)
        )
    return False


@frozen
class TrainingCount:
    """The tokens of a fine-tuning file's examples."""

    model: str
    examples: int
    tokens: int
    """billed tokens of one pass: each example's tokens, capped at the per-example maximum"""
    truncated_examples: int = 0
    """examples longer than :data:`MAX_TOKENS_PER_EXAMPLE` (counted at the maximum)"""
    errors: tuple[CostlabError, ...] = ()
    source: str | None = None


@frozen
class TrainingCost:
    """The cost of one fine-tuning run, in USD (exact)."""

    model: Model
    on: date
    training: TrainingCount
    epochs: int
    epochs_default: bool
    """True when ``epochs`` came from the default rule, not the caller"""
    training_tokens: int
    """tokens billed: one pass x epochs"""
    usd_per_mtok: Decimal | None
    token_cost: Decimal
    hours: Decimal | None = None
    usd_per_hour: Decimal | None = None
    hours_cost: Decimal = Decimal(0)
    validation: TrainingCount | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def total_cost(self) -> Decimal:
        return self.token_cost + self.hours_cost

    def to_dict(self) -> dict[str, Any]:
        from costlab.money import plain

        return {
            "model": self.model.id,
            "date": self.on.isoformat(),
            "examples": self.training.examples,
            "tokens_per_epoch": self.training.tokens,
            "truncated_examples": self.training.truncated_examples,
            "epochs": self.epochs,
            "epochs_default": self.epochs_default,
            "training_tokens": self.training_tokens,
            "training_usd_per_mtok": plain(self.usd_per_mtok) if self.usd_per_mtok else None,
            "training_token_cost": plain(self.token_cost),
            "hours": plain(self.hours) if self.hours is not None else None,
            "usd_per_hour": plain(self.usd_per_hour) if self.usd_per_hour is not None else None,
            "hours_cost": plain(self.hours_cost),
            "total_cost": plain(self.total_cost),
            "validation_tokens": self.validation.tokens if self.validation else None,
            "notes": list(self.notes),
            "errors": [str(e) for e in self.training.errors],
        }


def count_training(
    text: str, *, model: str | None = None, book: PriceBook | None = None, source: str = "-"
) -> TrainingCount:
    """Count a chat fine-tuning file's examples; bad lines land in ``errors``."""
    book = book or load_pricebook()
    chosen = resolve_model(model, book)
    tokenizer = tokenizer_for(chosen)
    tallies: list[Tally] = []
    errors: list[CostlabError] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = (source, f"line {number}")
        try:
            try:
                example = limits.loads_json(line, *where)
            except json.JSONDecodeError as exc:
                raise CostlabError(f"malformed JSON: {exc.msg}", *where) from None
            if not isinstance(example, Mapping) or "messages" not in example:
                raise CostlabError('each line must be an object with "messages"', *where)
            tallies.append(tally_chat(example, chosen, tokenizer, where=where))
        except CostlabError as exc:
            errors.append(exc)
    if not tallies and not errors:
        raise CostlabError("no examples in this training file", source)
    totals = [t.input_tokens for t in finish(tallies, tokenizer)]
    return TrainingCount(
        model=chosen.id,
        examples=len(totals),
        tokens=sum(min(MAX_TOKENS_PER_EXAMPLE, n) for n in totals),
        truncated_examples=sum(n > MAX_TOKENS_PER_EXAMPLE for n in totals),
        errors=tuple(errors),
        source=source,
    )


def price_training(
    training: TrainingCount,
    *,
    book: PriceBook | None = None,
    epochs: int | None = None,
    hours: Decimal | None = None,
    validation: TrainingCount | None = None,
    on: date | None = None,
) -> TrainingCost:
    """Training tokens x epochs x the model's training price, plus hours x the hourly rate.

    >>> count = TrainingCount(model="gpt-4.1-mini", examples=50, tokens=100_000)
    >>> cost = price_training(count, on=date(2026, 11, 26))
    >>> cost.epochs, cost.training_tokens, cost.total_cost  # 3 x 100,000 x $5.00 / 1M
    (3, 300000, Decimal('1.50'))
    """
    book = book or load_pricebook()
    model = book.resolve(training.model)
    on = on or date.today()
    tuning = model.fine_tuning
    if tuning is None:
        raise CostlabError(
            "the price book has no fine-tuning prices for this model", f"model '{model.id}'"
        )
    if on < tuning.effective_from:
        raise CostlabError(
            f"fine-tuning prices start on {tuning.effective_from}", f"model '{model.id}'"
        )
    notes: list[str] = []
    chosen_epochs = epochs if epochs is not None else default_epochs(training.examples)
    if epochs is None:
        notes.append(EPOCHS_NOTE)
    if chosen_epochs < 1:
        raise CostlabError(f"must be >= 1, got {chosen_epochs}", "epochs")
    billed = training.tokens * chosen_epochs
    if billed > limits.MAX_COUNT:  # named by the epochs written, not by a token total
        raise CostlabError(
            f"{training.tokens:,} tokens x {chosen_epochs:,} epochs is {billed:,} training "
            f"tokens: above the limit of {limits.MAX_COUNT:,} ({limits.ENV_NAMES['MAX_COUNT']})",
            "epochs",
        )
    rate = tuning.training
    if rate is None and hours is None:
        raise CostlabError(
            "no per-token training price for this model (billed by the hour?): give hours",
            f"model '{model.id}'",
        )
    amount = token_cost(billed, rate) if rate is not None else Decimal(0)
    hours_cost = Decimal(0)
    if hours is not None:
        if tuning.training_per_hour is None:
            raise CostlabError(
                "the price book has no hourly training rate for this model", f"model '{model.id}'"
            )
        hours_cost = hours * tuning.training_per_hour
    if training.truncated_examples:
        notes.append(
            f"{training.truncated_examples:,} example(s) over {MAX_TOKENS_PER_EXAMPLE:,} tokens "
            "counted at that maximum (they are truncated in training)"
        )
    if validation is not None:
        notes.append(
            f"validation file: {validation.tokens:,} tokens per pass, not priced as training "
            "tokens (an assumption: OpenAI's price is per training token)"
        )
    return TrainingCost(
        model=model,
        on=on,
        training=training,
        epochs=chosen_epochs,
        epochs_default=epochs is None,
        training_tokens=billed,
        usd_per_mtok=rate,
        token_cost=amount,
        hours=hours,
        usd_per_hour=tuning.training_per_hour if hours is not None else None,
        hours_cost=hours_cost,
        validation=validation,
        notes=tuple(notes),
    )
