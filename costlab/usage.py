"""The one vocabulary of usage: what a request is billed for, and what modifies the bill.

Every part of costlab that holds usage (:func:`costlab.estimate`, DataFrame pricing, token
counts, scenarios, forecasts, actuals, exports) names its token counts and costs from here.
Adding a billed component means adding it to :data:`COMPONENTS` and giving price entries a
rate of that name (:mod:`costlab.prices.model`); nothing else.

Token counts are as the providers report them:

* ``input_tokens``: every prompt token, *including* the cached ones and the cache writes;
* ``cached_input_tokens``: of those, tokens read from the prompt cache;
* ``cache_write_tokens`` / ``cache_write_1h_tokens``: of those, tokens written to the cache
  with a 5-minute / 1-hour lifetime (Anthropic; GPT-5.6 writes at the 5-minute rate);
* ``output_tokens``: every generated token, *including* reasoning tokens, which are billed as
  output [OAI-REASON];
* ``reasoning_tokens``: of the output, hidden reasoning tokens (shown, never billed twice);
* ``input_audio_tokens`` / ``cached_input_audio_tokens`` / ``input_image_tokens``: of the input,
  audio tokens (uncached / read from the cache) and image tokens billed at their own rates
  (realtime and audio models, image editing);
* ``output_audio_tokens`` / ``output_image_tokens``: of the output, generated speech and images.

Per-unit components are counted in their own units, per request: ``input_characters``
(text-to-speech billed per 1M characters), ``audio_seconds`` (transcription billed per minute,
counted in seconds), ``web_searches`` and ``file_searches`` (tool calls billed per 1,000).

The *billed* components split the input and the output: the plain input is ``input_tokens``
minus its parts billed at their own rates, the plain output ``output_tokens`` minus the audio
and image output (:func:`billed_tokens`), so no token is billed twice.

Modifiers: ``batch`` (the provider's Batch API), ``service_tier`` (standard, flex, priority,
scale, or a provider's own name; priced from the tier's prices in the book),
``data_residency`` (regional processing, at the provider's published uplift) and the day the
price is taken from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from costlab import limits
from costlab.errors import CostlabError
from costlab.records import frozen

T = TypeVar("T")


@frozen
class Component:
    """One billed component: which count, at which rate, into which cost column."""

    rate: str
    """name of the rate in a price entry: ``input``, ``cached_input``, ``web_search``..."""
    tokens: str
    """the usage count billed at that rate (``uncached_input_tokens`` and ``text_output_tokens``
    are derived)"""
    cost: str
    """the cost column the amount goes to"""
    label: str
    """how people read it"""
    per: int = 1_000_000
    """units of the count one rate buys: prices are USD per 1M tokens, per 1M characters, per
    minute (60 seconds), per 1,000 calls"""
    unit: str = "tokens"
    """what the count counts: tokens, characters, seconds, calls"""
    falls_back: str | None = None
    """the rate billed when a price entry has none of its own; None: the component must be
    priced (a count without a price is refused, never billed at 0)"""

    @property
    def price_unit(self) -> str:
        """How the rate is quoted: ``1M tokens``, ``minute``, ``1K calls``."""
        return {
            ("tokens", 1_000_000): "1M tokens",
            ("characters", 1_000_000): "1M characters",
            ("seconds", 60): "minute",
            ("calls", 1_000): "1K calls",
        }[(self.unit, self.per)]


#: The billed components, in the order bills show them.
COMPONENTS: tuple[Component, ...] = (
    Component("input", "uncached_input_tokens", "input_cost", "input"),
    Component("cached_input", "cached_input_tokens", "cached_input_cost", "cached input"),
    Component("cache_write", "cache_write_tokens", "cache_write_cost", "cache write (5 min)"),
    Component("cache_write_1h", "cache_write_1h_tokens", "cache_write_cost", "cache write (1 h)"),
    Component("output", "text_output_tokens", "output_cost", "output"),
    Component("input_audio", "input_audio_tokens", "audio_cost", "audio input", falls_back="input"),
    Component(
        "cached_input_audio",
        "cached_input_audio_tokens",
        "audio_cost",
        "cached audio input",
        falls_back="cached_input",
    ),
    Component(
        "output_audio", "output_audio_tokens", "audio_cost", "audio output", falls_back="output"
    ),
    Component(
        "characters", "input_characters", "audio_cost", "speech characters", unit="characters"
    ),
    Component(
        "audio_minute", "audio_seconds", "audio_cost", "transcribed audio", per=60, unit="seconds"
    ),
    Component("input_image", "input_image_tokens", "image_cost", "image input", falls_back="input"),
    Component(
        "output_image", "output_image_tokens", "image_cost", "image output", falls_back="output"
    ),
    Component("web_search", "web_searches", "tool_cost", "web searches", per=1_000, unit="calls"),
    Component(
        "file_search", "file_searches", "tool_cost", "file searches", per=1_000, unit="calls"
    ),
)

#: Components by rate name.
BY_RATE: dict[str, Component] = {c.rate: c for c in COMPONENTS}

#: Rate names a price entry can carry, in the order they are shown.
RATE_NAMES: tuple[str, ...] = tuple(c.rate for c in COMPONENTS)

#: The rates every model has (the token components); the others only where the book prices
#: them, and a usage that needs one the model lacks is refused.
CORE_RATES: tuple[str, ...] = ("input", "cached_input", "cache_write", "cache_write_1h", "output")

#: Counts of a usage row, as reported (the input ones nest: cached, cache writes, audio and
#: image input are parts of ``input_tokens``; audio and image output parts of
#: ``output_tokens``), then the per-unit counts.
TOKEN_COLUMNS: tuple[str, ...] = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "input_audio_tokens",
    "cached_input_audio_tokens",
    "output_audio_tokens",
    "input_image_tokens",
    "output_image_tokens",
    "input_characters",
    "audio_seconds",
    "web_searches",
    "file_searches",
)

#: The media and per-unit counts: zero for plain chat, shown only when used.
MEDIA_COLUMNS: tuple[str, ...] = TOKEN_COLUMNS[5:]

#: Parts of ``input_tokens`` billed at their own rates.
INPUT_PARTS: tuple[str, ...] = (
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "input_audio_tokens",
    "cached_input_audio_tokens",
    "input_image_tokens",
)

#: Parts of ``output_tokens`` billed at their own rates.
OUTPUT_PARTS: tuple[str, ...] = ("output_audio_tokens", "output_image_tokens")

#: Counts shown but not billed on their own (a subset of ``output_tokens``).
INFO_COLUMNS: tuple[str, ...] = ("reasoning_tokens",)

#: Cost columns, each the sum of its components, then the total.
COST_COLUMNS: tuple[str, ...] = (*dict.fromkeys(c.cost for c in COMPONENTS), "total_cost")

#: The cost columns of media and per-unit components.
MEDIA_COST_COLUMNS: tuple[str, ...] = ("audio_cost", "image_cost", "tool_cost")


#: How usage files may write the ``batch`` modifier (compared lower-case, stripped).
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "batch", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "", "f", "sync", "none", "null", "nan", "<na>"})


#: The service tiers the providers publish prices for; a provider's own name (OpenAI's
#: ``fast``) is accepted where the price book gives that model a tier of that name.
SERVICE_TIERS: tuple[str, ...] = ("standard", "flex", "priority", "scale")

#: Names usage exports give the standard tier (OpenAI's ``default`` and ``auto``, Bedrock's
#: ``on_demand``); all read as ``standard``.
STANDARD_TIER_NAMES = frozenset({"standard", "default", "auto", "on_demand", "on-demand"})


def service_tier_name(value: object, where: str = "service_tier") -> str:
    """A service tier as costlab spells it: lower case, the standard tier's aliases read as
    ``standard``, an empty cell as ``standard``.

    >>> service_tier_name(" Priority "), service_tier_name("default"), service_tier_name("")
    ('priority', 'standard', 'standard')
    """
    import re

    if value is None:
        return "standard"
    if not isinstance(value, str):
        raise CostlabError(f"must be a service tier name, got {value!r}", where)
    name = value.strip().lower()
    if name in STANDARD_TIER_NAMES or name in ("", "nan", "none", "null", "<na>"):
        return "standard"
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", name):
        raise CostlabError(
            f"unknown service tier {value!r} (known: {', '.join(SERVICE_TIERS)})", where
        )
    return name


def billed_tokens(count: Callable[[str], T]) -> dict[str, T]:
    """Units billed at each rate, from a lookup of the reported counts.

    ``count(name)`` returns a reported count (an int, a Decimal, a numpy array...); the plain
    input is ``input_tokens`` minus its parts billed at their own rates, the plain output
    ``output_tokens`` minus the audio and image output.

    >>> billed_tokens({"input_tokens": 1200, "cached_input_tokens": 600}.get)["input"]
    600
    """

    def get(name: str) -> Any:  # an absent count is 0 (never `or 0`: arrays have no truth)
        value = count(name)
        return 0 if value is None else value

    uncached: Any = get("input_tokens")
    for part in INPUT_PARTS:
        uncached = uncached - get(part)
    text_output: Any = get("output_tokens")
    for part in OUTPUT_PARTS:
        text_output = text_output - get(part)
    out: dict[str, Any] = {}
    for component in COMPONENTS:
        if component.rate == "input":
            out["input"] = uncached
        elif component.rate == "output":
            out["output"] = text_output
        else:
            out[component.rate] = get(component.tokens)
    return out


def cost_columns(amounts: Mapping[str, T], add: Callable[[T, T], T], zero: T) -> dict[str, T]:
    """Amounts per rate (``{"input": ..., "cache_write_1h": ...}``) summed into cost columns,
    with ``total_cost`` last; ``add`` is exact Decimal addition or plain ``+``."""
    out: dict[str, T] = {column: zero for column in COST_COLUMNS}
    total = zero
    for component in COMPONENTS:
        amount = amounts[component.rate]
        out[component.cost] = add(out[component.cost], amount)
        total = add(total, amount)
    out["total_cost"] = total
    return out


def _check_count(name: str, value: object, *, whole: bool) -> None:
    if value.__class__ is int and value == 0:  # most of a usage's 16 counts: nothing to check
        return
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise CostlabError(f"must be a number, got {value!r}", name)
    if isinstance(value, Decimal) and not value.is_finite():
        raise CostlabError("must be a finite number", name)
    if value < 0:
        raise CostlabError(f"must be >= 0, got {value}", name)
    if whole and isinstance(value, Decimal) and value != value.to_integral_value():
        raise CostlabError(f"must be a whole number, got {value}", name)
    limits.check_number(value, name)


@frozen
class Usage:
    """Tokens *per request*, how many requests, and the modifiers of the bill.

    Counts are whole numbers for measured usage, or Decimals for expected values (forecasts);
    ``requests`` may be a Decimal for the same reason but never negative.
    """

    input_tokens: int | Any = 0
    """total prompt tokens per request, as the API reports them (cached and cache writes included)"""
    cached_input_tokens: int | Any = 0
    """of the input tokens, those read from the prompt cache"""
    cache_write_tokens: int | Any = 0
    """of the input tokens, those written to the cache with a 5-minute lifetime"""
    cache_write_1h_tokens: int | Any = 0
    """of the input tokens, those written to the cache with a 1-hour lifetime"""
    output_tokens: int | Any = 0
    """output tokens per request, reasoning tokens included"""
    reasoning_tokens: int | Any = 0
    """of the output tokens, hidden reasoning tokens (billed as output, shown apart)"""
    input_audio_tokens: int | Any = 0
    """of the input tokens, audio tokens not read from the cache"""
    cached_input_audio_tokens: int | Any = 0
    """of the input tokens, audio tokens read from the cache (realtime sessions)"""
    output_audio_tokens: int | Any = 0
    """of the output tokens, generated audio (speech) tokens"""
    input_image_tokens: int | Any = 0
    """of the input tokens, image tokens billed at an image rate (image editing, realtime)"""
    output_image_tokens: int | Any = 0
    """of the output tokens, generated image tokens"""
    input_characters: int | Any = 0
    """characters of text to speak, for text-to-speech models billed per character"""
    audio_seconds: int | Any = 0
    """seconds of audio to transcribe, for models billed per minute of audio"""
    web_searches: int | Any = 0
    """web-search tool calls, billed per 1,000 calls"""
    file_searches: int | Any = 0
    """file-search tool calls, billed per 1,000 calls"""
    requests: int | Any = 1
    """how many such requests"""
    batch: bool = False
    """sent through the provider's Batch API"""
    service_tier: str = "standard"
    """the provider's service tier: standard, flex, priority, scale, or the provider's own name"""
    data_residency: bool = False
    """processed in a data-residency region, at the provider's published uplift"""

    def __post_init__(self) -> None:
        for name in (*TOKEN_COLUMNS, *INFO_COLUMNS, "requests"):
            _check_count(name, getattr(self, name), whole=False)
        if not isinstance(self.batch, bool):
            raise CostlabError(f"must be True or False, got {self.batch!r}", "batch")
        if not isinstance(self.data_residency, bool):
            raise CostlabError(
                f"must be True or False, got {self.data_residency!r}", "data_residency"
            )
        object.__setattr__(self, "service_tier", service_tier_name(self.service_tier))
        parts = sum((getattr(self, p) for p in INPUT_PARTS), 0)
        if parts > self.input_tokens:
            media = any(getattr(self, p) for p in INPUT_PARTS[3:])
            what = "cached, cache-write, audio and image" if media else "cached and cache-write"
            raise CostlabError(
                f"{what} tokens ({parts}) exceed input_tokens ({self.input_tokens})",
                next(p for p in INPUT_PARTS if getattr(self, p)),
            )
        out_parts = sum((getattr(self, p) for p in OUTPUT_PARTS), 0)
        if out_parts > self.output_tokens:
            raise CostlabError(
                f"audio and image output tokens ({out_parts}) exceed output_tokens "
                f"({self.output_tokens}); output tokens include them",
                "output_audio_tokens" if self.output_audio_tokens else "output_image_tokens",
            )
        if self.reasoning_tokens > self.output_tokens:
            raise CostlabError(
                f"reasoning tokens ({self.reasoning_tokens}) exceed output_tokens "
                f"({self.output_tokens}); output tokens include reasoning",
                "reasoning_tokens",
            )

    @property
    def uncached_input_tokens(self) -> Any:
        """Input tokens billed at the plain input rate."""
        return billed_tokens(self.count)["input"]

    @property
    def text_output_tokens(self) -> Any:
        """Output tokens billed at the plain output rate (audio and image output apart)."""
        return billed_tokens(self.count)["output"]

    @property
    def media(self) -> dict[str, Any]:
        """The media and per-unit counts that are not zero."""
        return {name: getattr(self, name) for name in MEDIA_COLUMNS if getattr(self, name)}

    @property
    def cache_write_total(self) -> Any:
        """Both cache-write lifetimes together."""
        return self.cache_write_tokens + self.cache_write_1h_tokens

    def count(self, name: str) -> Any:
        """A count by its vocabulary name (``input_tokens``, ``uncached_input_tokens``...)."""
        return getattr(self, name)
