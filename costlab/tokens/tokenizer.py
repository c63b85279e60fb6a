"""Which encoding counts a model's tokens, and whether the count is exact or a scaled estimate.

The mapping comes only from the price book: a model's ``tokenizer`` field names its tiktoken
encoding (an exact count); a model without a public tokenizer carries a ``token_estimate``
(an encoding, a ratio of model tokens per encoding token, and the ratio's source).
"""

from __future__ import annotations

import math
from decimal import Decimal

from costlab.errors import CostlabError
from costlab.prices import Model, PriceBook, load_pricebook
from costlab.records import frozen

#: Model counted when neither the caller nor the request body names one.
DEFAULT_MODEL = "gpt-4.1-mini"


@frozen
class Tokenizer:
    """How one model's tokens are counted."""

    model: Model
    encoding: str
    """tiktoken encoding (o200k_base, cl100k_base, o200k_harmony)"""
    ratio: Decimal | None = None
    """model tokens per encoding token, for models without a public tokenizer; None when exact"""
    source: str | None = None
    """where the ratio comes from"""

    @property
    def exact(self) -> bool:
        """Whether encoding tokens are the model's tokens (no ratio)."""
        return self.ratio is None

    def scale(self, encoding_tokens: int) -> int:
        """Model tokens for a count of encoding tokens: the count itself, or the ratio applied and
        rounded up (a cost estimate should not round tokens away)."""
        if self.ratio is None:
            return encoding_tokens
        return math.ceil(Decimal(encoding_tokens) * self.ratio)

    def estimate_note(self) -> str | None:
        """The sentence that says what an estimate rests on (None when exact)."""
        if self.ratio is None:
            return None
        return (
            f"{self.model.id} has no public tokenizer: {self.encoding} tokens x {self.ratio} "
            f"({self.source})"
        )


def tokenizer_for(model: Model) -> Tokenizer:
    """The price book's answer for ``model``; an error when it has neither field."""
    if model.tokenizer is not None:
        return Tokenizer(model, model.tokenizer)
    if model.token_estimate is not None:
        estimate = model.token_estimate
        return Tokenizer(model, estimate.encoding, estimate.ratio, estimate.source)
    raise CostlabError(
        "the price book gives no `tokenizer` or `token_estimate` for this model, so its tokens "
        "cannot be counted; add one to its price file",
        f"model '{model.id}'",
    )


def resolve_model(
    name: str | None, book: PriceBook | None = None, *, fallback: str | None = None
) -> Model:
    """The model ``name`` names, else ``fallback`` (a request body's model), else the default."""
    book = book or load_pricebook()
    return book.resolve(name or fallback or DEFAULT_MODEL)
