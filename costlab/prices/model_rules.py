"""Per-model rules of the price book: how images and audio become tokens, how tokens are
estimated without a public tokenizer, published benchmark scores, a larger context window on
request, and assumed reasoning tokens per effort level. Each is a field of
:class:`costlab.prices.model.Model`, read from ``pricing/*.yaml`` with a source.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Literal

from costlab.errors import CostlabError
from costlab.records import frozen
from costlab.validation import spec


@frozen
class ImageRule:
    """How an image input is turned into tokens for this model."""

    method: Literal["patch", "tile", "area", "gemini"] = spec(
        "patch: 32-px patches x multiplier; tile: base + per 512-px tile; area: width x height / "
        "pixels_per_token (Anthropic); gemini: base_tokens up to small_side, else per tile (Google)"
    )
    source: str = spec("where the rule comes from", pattern=r"\S.*")
    multiplier: Decimal | None = spec("patch: tokens per 32-px patch", default=None, gt=0)
    patch_budget: int | None = spec(
        "patch: most patches before the image is scaled down; omit when there is no budget",
        default=None,
        gt=0,
    )
    max_dimension: int | None = spec("patch, area: longest side in px", default=None, gt=0)
    base_tokens: int | None = spec("tile, gemini: tokens of any image", default=None, ge=0)
    tile_tokens: int | None = spec("tile, gemini: tokens per tile", default=None, ge=0)
    pixels_per_token: int | None = spec("area: pixels per token (750)", default=None, gt=0)
    max_tokens: int | None = spec("area: larger images are scaled to this", default=None, gt=0)
    small_side: int | None = spec("gemini: sides <= this px cost base_tokens", default=None, gt=0)
    tile_px: int | None = spec("gemini: tile edge in px for larger images", default=None, gt=0)
    page_tokens: int | None = spec("tokens per PDF page billed as an image", default=None, ge=0)
    note: str | None = spec("free-text remark", default=None)

    def __post_init__(self) -> None:
        needed = {
            "patch": ("multiplier",),
            "tile": ("base_tokens", "tile_tokens"),
            "area": ("pixels_per_token", "max_dimension"),
            "gemini": ("base_tokens", "tile_tokens", "small_side", "tile_px"),
        }[self.method]
        for name in needed:
            if getattr(self, name) is None:
                raise CostlabError(f"required for method {self.method}", name)


@frozen
class TokenEstimate:
    """How to estimate tokens for a model without a public tokenizer."""

    encoding: str = spec(
        "tiktoken encoding whose count is scaled", pattern=r"o200k_base|cl100k_base"
    )
    ratio: Decimal = spec("model tokens per token of `encoding`", gt=0)
    source: str = spec("where the ratio comes from", pattern=r"\S.*")


@frozen
class Benchmark:
    """A published benchmark score, shown with its name and source, never as one 'quality'."""

    name: str = spec("benchmark name, e.g. MMLU")
    score: Decimal = spec("score in percent", ge=0, le=100)
    source: str = spec("where the score was published", pattern=r"\S.*")


@frozen
class ExtendedContext:
    """A larger context window served on request (a beta header, a usage tier): a request
    beyond ``context_window`` but within this one is servable, with ``requirement`` shown as a
    note; its input above a long-context tier's threshold bills at that tier."""

    context_window: int = spec("tokens of input plus output one request may hold with it", gt=0)
    requirement: str = spec(
        "what a request needs to use it, e.g. a beta header and a usage tier", pattern=r"\S.*"
    )
    source: str = spec("where the window and its requirement come from", pattern=r"\S.*")
    until: date | None = spec(
        "first day the provider no longer serves it (omit while it is served)", default=None
    )

    def served_on(self, day: date | None) -> bool:
        return self.until is None or day is None or day < self.until


Effort = Literal["none", "low", "medium", "high"]


@frozen
class ReasoningEffort:
    """Hidden reasoning tokens per request assumed at each effort level, for forecasts that
    give an effort instead of a token count. Providers publish budgets and limits, not typical
    counts: ``source`` says which figures are costlab's assumption."""

    low: int = spec("reasoning tokens per request at low effort", ge=0)
    medium: int = spec("reasoning tokens per request at medium effort", ge=0)
    high: int = spec("reasoning tokens per request at high effort", ge=0)
    source: str = spec("where the figures come from, or that they are costlab's assumption")
    default: Effort = spec(
        "the effort the API uses when a request names none (none: reasoning is off unless asked)",
        default="medium",
    )

    def tokens(self, effort: Effort) -> int:
        """Reasoning tokens per request at ``effort`` (0 for none)."""
        return 0 if effort == "none" else int(getattr(self, effort))


@frozen
class AudioRule:
    """How many audio tokens a second of audio is, for a workload given as a duration."""

    input_per_second: Decimal = spec("audio tokens per second of audio sent to the model", gt=0)
    source: str = spec("where the rates come from", pattern=r"\S.*")
    output_per_second: Decimal | None = spec(
        "audio tokens per second of audio the model speaks; omit when it does not speak",
        default=None,
        gt=0,
    )

    def tokens(self, seconds: Decimal, direction: Literal["input", "output"]) -> Decimal | None:
        """Audio tokens of ``seconds`` of audio (None when the model does not speak)."""
        rate = self.input_per_second if direction == "input" else self.output_per_second
        return None if rate is None else seconds * rate

    def whole_tokens(self, seconds: Decimal, direction: Literal["input", "output"]) -> int | None:
        """:meth:`tokens` rounded up to a whole token, as one request is billed."""
        tokens = self.tokens(seconds, direction)
        return None if tokens is None else math.ceil(tokens)
