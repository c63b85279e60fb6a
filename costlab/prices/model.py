"""The price book's data model: models, their dated prices, limits, lifecycle and rules.

Prices live as data in ``pricing/*.yaml`` (one file per provider). Every figure is USD per
1 million tokens, a :class:`~decimal.Decimal` read from the file's text, dated
(``effective_from``) and sourced (``source``). The types below validate those files and
generate their JSON Schema (:mod:`costlab.schemas`); loading and layering is
:mod:`costlab.prices.book`, the rate rules :mod:`costlab.prices.rates`.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from costlab.errors import CostlabError
from costlab.prices.model_rules import (
    AudioRule,
    Benchmark,
    Effort,
    ExtendedContext,
    ImageRule,
    ReasoningEffort,
    TokenEstimate,
)
from costlab.records import frozen
from costlab.usage import STANDARD_TIER_NAMES
from costlab.validation import spec

__all__ = [
    "AudioRule",
    "BatchPrices",
    "Benchmark",
    "Effort",
    "ExtendedContext",
    "FineTuning",
    "ImageRule",
    "Lifecycle",
    "Modality",
    "Model",
    "PriceEntry",
    "PriceFile",
    "PriceTier",
    "ReasoningEffort",
    "ServiceTierPrice",
    "Status",
    "TokenEstimate",
    "UpstreamPatch",
]

Modality = Literal["text", "image", "audio", "video", "pdf"]
Status = Literal["active", "deprecated", "retired"]

_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*"


def _usd(doc: str, *, required: bool = False) -> Any:
    if required:
        return spec(f"USD per 1M {doc}", ge=0)
    return spec(f"USD per 1M {doc}; omit when not charged separately", default=None, ge=0)


@frozen
class BatchPrices:
    """Explicit Batch API prices that override ``batch_discount`` for the components given."""

    input: Decimal | None = _usd("input tokens through the Batch API")
    cached_input: Decimal | None = _usd("cached input tokens through the Batch API")
    cache_write: Decimal | None = _usd("5-minute cache-write tokens through the Batch API")
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens through the Batch API")
    output: Decimal | None = _usd("output tokens through the Batch API")
    input_audio: Decimal | None = _usd("audio input tokens through the Batch API")
    cached_input_audio: Decimal | None = _usd("cached audio input tokens through the Batch API")


@frozen
class PriceTier:
    """Long-context prices: a request whose input exceeds the threshold is billed whole at these."""

    above_input_tokens: int = spec(
        "the tier applies when one request's input tokens exceed this many", ge=0
    )
    input: Decimal = _usd("input tokens above the threshold", required=True)
    output: Decimal = _usd("output tokens of a request above the threshold", required=True)
    cached_input: Decimal | None = _usd("cached input tokens above the threshold")
    cache_write: Decimal | None = _usd("5-minute cache-write tokens above the threshold")
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens above the threshold")


@frozen
class ServiceTierPrice:
    """The prices of one service tier (flex, priority, scale, or a provider's own name) in place
    of the standard ones. A component not given bills at its standard rate times ``multiplier``,
    or, without one, times the ratio of this tier's input price to the standard input price."""

    name: str = spec(
        "the tier as the provider's API names it: flex, priority, scale, ...",
        pattern=r"[a-z][a-z0-9_-]*",
    )
    input: Decimal | None = _usd("uncached input tokens at this tier")
    output: Decimal | None = _usd("output tokens at this tier")
    cached_input: Decimal | None = _usd("cached input tokens at this tier")
    cache_write: Decimal | None = _usd("5-minute cache-write tokens at this tier")
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens at this tier")
    multiplier: Decimal | None = spec(
        "fraction of the standard price for every component not given (0.5 = half price)",
        default=None,
        gt=0,
    )
    source: str | None = spec("where the tier's figures come from", default=None)

    def __post_init__(self) -> None:
        if self.name in STANDARD_TIER_NAMES:
            raise CostlabError("the standard tier is the entry's own price", "name")
        if self.multiplier is None and (self.input is None or self.output is None):
            raise CostlabError("give input and output, or a multiplier", self.name)


@frozen
class PriceEntry:
    """The prices of one model from one date on (until the next entry's ``effective_from``)."""

    effective_from: date = spec("first day (UTC) on which these prices apply")
    source: str = spec("where the figures come from: a URL, with how it was read", pattern=r"\S.*")
    input: Decimal = _usd("uncached input tokens", required=True)
    output: Decimal = _usd("output tokens (reasoning and thinking tokens included)", required=True)
    cached_input: Decimal | None = _usd(
        "cached input tokens (cache reads); when omitted cached tokens bill at the input price"
    )
    cache_write: Decimal | None = _usd(
        "cache-write tokens (Anthropic 5-minute writes); when omitted they bill at the input price"
    )
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens (Anthropic)")
    # Media and per-unit rates: an audio or image rate omitted bills at the related text rate.
    input_audio: Decimal | None = _usd("audio input tokens (else the input price)")
    cached_input_audio: Decimal | None = _usd("cached audio input tokens (else cached input)")
    output_audio: Decimal | None = _usd("audio output tokens (else the output price)")
    input_image: Decimal | None = _usd("image input tokens at an image rate (else input)")
    output_image: Decimal | None = _usd("generated image tokens (else the output price)")
    characters: Decimal | None = _usd("characters of text to speak (text-to-speech)")
    audio_minute: Decimal | None = spec("USD per minute of audio transcribed", default=None, ge=0)
    per_unit_only: bool = spec(
        "true for a model billed per character, minute or call only: token counts are refused",
        default=False,
    )
    web_search: Decimal | None = spec("USD per 1,000 web-search calls", default=None, ge=0)
    file_search: Decimal | None = spec("USD per 1,000 file-search calls", default=None, ge=0)
    batch_discount: Decimal | None = spec(
        "fraction taken off every component through the provider's Batch API (0.5 = half "
        "price); omit when the model has no batch API",
        default=None,
        ge=0,
        le=1,
    )
    batch: BatchPrices | None = spec(
        "explicit Batch API prices overriding the discount for the components given", default=None
    )
    tiers: tuple[PriceTier, ...] = spec(
        "long-context tiers, each applying to a whole request above its input threshold",
        default=(),
    )
    service_tiers: tuple[ServiceTierPrice, ...] = spec(
        "prices of the service tiers other than standard (flex, priority, scale, ...)",
        default=(),
    )
    data_residency_uplift: Decimal | None = spec(
        "fraction added to every component for regional data-residency processing "
        "(0.10 = +10%); omit when the provider publishes none",
        default=None,
        ge=0,
    )
    note: str | None = spec("free-text remark shown with the price", default=None)

    def __post_init__(self) -> None:
        names = [t.name for t in self.service_tiers]
        if len(set(names)) != len(names):
            raise CostlabError("two service tiers share one name", "service_tiers")
        thresholds = [t.above_input_tokens for t in self.tiers]
        if len(set(thresholds)) != len(thresholds):
            raise CostlabError("two tiers share one above_input_tokens", "tiers")
        object.__setattr__(
            self, "tiers", tuple(sorted(self.tiers, key=lambda t: t.above_input_tokens))
        )

    @property
    def tier_names(self) -> tuple[str, ...]:
        """The service tiers this entry prices, standard first."""
        return ("standard", *(t.name for t in self.service_tiers))


@frozen
class FineTuning:
    """Fine-tuning: the training price and the fine-tuned model's inference prices."""

    effective_from: date = spec("first day on which these prices apply")
    source: str = spec("where the figures come from", pattern=r"\S.*")
    input: Decimal = _usd("input tokens to the fine-tuned model", required=True)
    output: Decimal = _usd("output tokens from the fine-tuned model", required=True)
    cached_input: Decimal | None = _usd("cached input tokens to the fine-tuned model")
    training: Decimal | None = _usd("training tokens (file tokens x epochs)")
    training_per_hour: Decimal | None = spec(
        "USD per training hour, where training is billed by time", default=None, ge=0
    )
    batch_discount: Decimal | None = spec(
        "fraction off through the Batch API for the fine-tuned model", default=None, ge=0, le=1
    )

    def as_price(self) -> PriceEntry:
        return PriceEntry(
            effective_from=self.effective_from,
            source=self.source,
            input=self.input,
            cached_input=self.cached_input,
            output=self.output,
            batch_discount=self.batch_discount,
            note="fine-tuned model inference",
        )


@frozen
class Lifecycle:
    """Release, deprecation and shutdown dates, and the model that takes over.

    A model is ``deprecated`` from ``deprecated_on`` and ``retired`` from ``retires_on`` (its
    shutdown: the first day the API no longer serves it); pricing on or after that day is
    flagged ``retired`` everywhere. Only dates a provider page (or the sources it is quoted in)
    gives belong here; a "not before" date is a ``note``, never a ``retires_on``.
    """

    source: str = spec("where the dates come from", pattern=r"\S.*")
    released: date | None = spec("first day the model was available", default=None)
    deprecated_on: date | None = spec(
        "day the provider announced or marked deprecation", default=None
    )
    retires_on: date | None = spec(
        "shutdown: the first day the API no longer serves the model", default=None
    )
    successor: str | None = spec(
        "id of the model the provider names as the replacement", default=None, pattern=_ID_PATTERN
    )
    note: str | None = spec(
        "free-text remark, e.g. 'retirement not before 2026-10-15'", default=None
    )

    @property
    def shutdown(self) -> date | None:
        """The shutdown day (``retires_on``)."""
        return self.retires_on


@frozen
class Model:
    """One model: limits, tokenizer, lifecycle and dated prices."""

    id: str = spec("canonical API model id", pattern=_ID_PATTERN)
    name: str = spec("display name")
    context_window: int = spec("tokens of input plus output one request may hold", gt=0)
    max_output_tokens: int = spec("most output tokens one request may produce", gt=0)
    input_modalities: tuple[Modality, ...] = spec("what the model accepts", min_items=1)
    output_modalities: tuple[Modality, ...] = spec("what the model produces", min_items=1)
    prices: tuple[PriceEntry, ...] = spec(
        "one price, or a list of dated prices (the one in force on a day is used)",
        yaml_name="price",
        one_or_many=True,
        min_items=1,
    )
    aliases: tuple[str, ...] = spec(
        "other API names resolving to this entry (dated snapshots)", default=(), pattern=_ID_PATTERN
    )
    max_input_tokens: int | None = spec(
        "most input tokens one request may hold, where lower than the context window",
        default=None,
        gt=0,
    )
    knowledge_cutoff: date | str | None = spec(
        "training-data cutoff: YYYY-MM-DD, or YYYY-MM when only the month is known",
        default=None,
        pattern=r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?",
    )
    tokenizer: str | None = spec(
        "tiktoken encoding that counts this model's tokens exactly; null when none is public",
        default=None,
        pattern=r"o200k_base|cl100k_base|o200k_harmony",
    )
    token_estimate: TokenEstimate | None = spec(
        "how to estimate tokens when there is no public tokenizer", default=None
    )
    lifecycle: Lifecycle | None = spec("release, deprecation and retirement dates", default=None)
    fine_tuning: FineTuning | None = spec("fine-tuning prices, where offered", default=None)
    images: ImageRule | None = spec("how image inputs become tokens", default=None)
    audio: AudioRule | None = spec("how a duration of audio becomes audio tokens", default=None)
    benchmarks: tuple[Benchmark, ...] = spec("published benchmark scores", default=())
    extended_context: ExtendedContext | None = spec(
        "a larger context window served on request (Claude Sonnet 4/4.5's 1M beta)", default=None
    )
    reasoning: bool | None = spec(
        "whether the model produces hidden reasoning (thinking) tokens, billed as output; "
        "null when unknown (reasoning tokens are then neither refused nor expected)",
        default=None,
    )
    reasoning_effort: ReasoningEffort | None = spec(
        "reasoning tokens per request assumed at each effort level (reasoning models)",
        default=None,
    )
    provider: str = spec("provider key (set from the file)", default="", internal=True)
    source_file: str = spec(
        "file the entry was read from (set by the loader)", default="", internal=True
    )
    provenance: tuple[tuple[str, str], ...] = spec(
        "which layer each field (by its file name) came from (set by the loader)",
        default=(),
        internal=True,
    )
    notes: tuple[str, ...] = spec(
        "what the upstream layer prices that costlab does not model (set by the loader)",
        default=(),
        internal=True,
    )

    def __post_init__(self) -> None:
        days = [p.effective_from for p in self.prices]
        if len(set(days)) != len(days):
            raise CostlabError("two prices share one effective_from", "price")
        object.__setattr__(
            self, "prices", tuple(sorted(self.prices, key=lambda p: p.effective_from))
        )
        if self.max_output_tokens > self.context_window:
            raise CostlabError("must not exceed context_window", "max_output_tokens")
        if self.reasoning_effort is not None and self.reasoning is False:
            raise CostlabError("a model that does not reason has no effort levels", "reasoning")

    def price_on(self, day: date) -> PriceEntry:
        """The price entry in force on ``day``.

        >>> from costlab.prices import load_pricebook
        >>> o3 = load_pricebook().resolve("o3")
        >>> o3.price_on(date(2025, 6, 9)).input, o3.price_on(date(2025, 6, 10)).input
        (Decimal('10.00'), Decimal('2.00'))
        """
        current = None
        for entry in self.prices:
            if entry.effective_from <= day:
                current = entry
        if current is None:
            first = self.prices[0].effective_from
            raise CostlabError(f"no price on {day} (first price from {first})", self.id)
        return current

    def origin(self, field: str) -> str:
        """The layer a field (named as in price files: ``price``, ``context_window``) came
        from: ``genai-prices 0.2.3``, ``pricing/openai.yaml``, a user's file, or ``-``."""
        if not self.provenance:
            return self.source_file or "-"
        return dict(self.provenance).get(field, "-")

    @property
    def current_price(self) -> PriceEntry:
        return self.price_on(date.today())

    def status_on(self, day: date) -> Status:
        """Lifecycle status on a day: active, deprecated or retired."""
        life = self.lifecycle
        if life is None:
            return "active"
        if life.retires_on is not None and life.retires_on <= day:
            return "retired"
        if life.deprecated_on is not None and life.deprecated_on <= day:
            return "deprecated"
        return "active"

    @property
    def exact_tokens(self) -> bool:
        """Whether costlab counts this model's text tokens exactly (a public tiktoken encoding)."""
        return self.tokenizer is not None

    @property
    def input_limit(self) -> int:
        """Most input tokens one request may hold."""
        return min(self.context_window, self.max_input_tokens or self.context_window)


@frozen
class UpstreamPatch:
    """What costlab adds to a model that only genai-prices prices: its lifecycle and the limits
    genai-prices does not give. The model keeps genai-prices' prices and names."""

    id: str = spec(
        "the genai-prices model id (as `costlab prices --all` lists it)", pattern=_ID_PATTERN
    )
    lifecycle: Lifecycle | None = spec("release, deprecation and shutdown", default=None)
    max_output_tokens: int | None = spec(
        "most output tokens one request may produce", default=None, gt=0
    )
    max_input_tokens: int | None = spec(
        "most input tokens one request may hold", default=None, gt=0
    )
    knowledge_cutoff: date | str | None = spec(
        "training-data cutoff: YYYY-MM-DD or YYYY-MM",
        default=None,
        pattern=r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?",
    )
    input_modalities: tuple[Modality, ...] | None = spec("what the model accepts", default=None)
    output_modalities: tuple[Modality, ...] | None = spec("what the model produces", default=None)
    reasoning: bool | None = spec(
        "whether the model produces hidden reasoning tokens (billed as output)", default=None
    )
    reasoning_effort: ReasoningEffort | None = spec(
        "reasoning tokens per request assumed at each effort level", default=None
    )
    audio: AudioRule | None = spec("how a duration of audio becomes audio tokens", default=None)

    def given(self) -> dict[str, Any]:
        """The fields this patch sets (every one but ``id``), keyed as in files."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "id" and getattr(self, f.name) is not None
        }


@frozen
class PriceFile:
    """One YAML file of the price book: a provider and its models."""

    provider: str = spec("provider key, lowercase", pattern=r"[a-z0-9][a-z0-9_.-]*")
    models: tuple[Model, ...] = spec("the provider's models", default=())
    upstream: tuple[UpstreamPatch, ...] = spec(
        "fields added to models only genai-prices prices (lifecycle, limits)", default=()
    )
    provider_name: str | None = spec("provider display name", default=None)
    checked_on: date | None = spec(
        "day the file's figures were last checked against their sources "
        "(`costlab prices check` reports its age)",
        default=None,
    )
