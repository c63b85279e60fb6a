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
* ``reasoning_tokens``: of the output, hidden reasoning tokens (shown, never billed twice).

The *billed* components split the input: the uncached part is ``input_tokens`` minus the
cached and cache-write tokens (:func:`billed_tokens`), so no token is billed twice.

Modifiers: ``batch`` (the provider's Batch API), ``service_tier`` (standard, flex, priority,
scale, or a provider's own name; priced from the tier's prices in the book),
``data_residency`` (regional processing, at the provider's published uplift) and the day the
price is taken from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Component:
    """One billed component: which tokens, at which rate, into which cost column."""

    rate: str
    """name of the rate in a price entry (USD per 1M tokens): ``input``, ``cached_input``..."""
    tokens: str
    """the usage count billed at that rate (``uncached_input_tokens`` is derived)"""
    cost: str
    """the cost column the amount goes to"""
    label: str
    """how people read it"""


#: The billed components, in the order bills show them.
COMPONENTS: tuple[Component, ...] = (
    Component("input", "uncached_input_tokens", "input_cost", "input"),
    Component("cached_input", "cached_input_tokens", "cached_input_cost", "cached input"),
    Component("cache_write", "cache_write_tokens", "cache_write_cost", "cache write (5 min)"),
    Component("cache_write_1h", "cache_write_1h_tokens", "cache_write_cost", "cache write (1 h)"),
    Component("output", "output_tokens", "output_cost", "output"),
)

#: Rate names a price entry can carry, in the order they are shown.
RATE_NAMES: tuple[str, ...] = tuple(c.rate for c in COMPONENTS)

#: Token counts of a usage row, as reported (the input ones nest: cached and writes are
#: parts of ``input_tokens``).
TOKEN_COLUMNS: tuple[str, ...] = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)

#: Parts of ``input_tokens`` billed at their own rates.
INPUT_PARTS: tuple[str, ...] = (
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
)

#: Counts shown but not billed on their own (a subset of ``output_tokens``).
INFO_COLUMNS: tuple[str, ...] = ("reasoning_tokens",)

#: Cost columns, each the sum of its components, then the total.
COST_COLUMNS: tuple[str, ...] = (*dict.fromkeys(c.cost for c in COMPONENTS), "total_cost")


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

    from costlab.errors import CostlabError

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
    """Tokens billed at each rate, from a lookup of the reported counts.

    ``count(name)`` returns a reported count (an int, a Decimal, a numpy array...); the uncached
    input is ``input_tokens`` minus the parts billed at their own rates.

    >>> billed_tokens({"input_tokens": 1200, "cached_input_tokens": 600}.get)["input"]
    600
    """
    uncached: Any = count("input_tokens") or 0
    for part in INPUT_PARTS:
        uncached = uncached - (count(part) or 0)
    out: dict[str, Any] = {"input": uncached}
    for component in COMPONENTS[1:]:
        out[component.rate] = count(component.tokens) or 0
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
    from decimal import Decimal

    from costlab.errors import CostlabError

    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise CostlabError(f"must be a number, got {value!r}", name)
    if isinstance(value, Decimal) and not value.is_finite():
        raise CostlabError("must be a finite number", name)
    if value < 0:
        raise CostlabError(f"must be >= 0, got {value}", name)
    if whole and isinstance(value, Decimal) and value != value.to_integral_value():
        raise CostlabError(f"must be a whole number, got {value}", name)
    from costlab import limits

    limits.check_number(value, name)


@dataclass(frozen=True)
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
    requests: int | Any = 1
    """how many such requests"""
    batch: bool = False
    """sent through the provider's Batch API"""
    service_tier: str = "standard"
    """the provider's service tier: standard, flex, priority, scale, or the provider's own name"""
    data_residency: bool = False
    """processed in a data-residency region, at the provider's published uplift"""

    def __post_init__(self) -> None:
        from costlab.errors import CostlabError

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
            raise CostlabError(
                f"cached and cache-write tokens ({parts}) exceed input_tokens ({self.input_tokens})",
                "cached_input_tokens",
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
    def cache_write_total(self) -> Any:
        """Both cache-write lifetimes together."""
        return self.cache_write_tokens + self.cache_write_1h_tokens

    def count(self, name: str) -> Any:
        """A count by its vocabulary name (``input_tokens``, ``uncached_input_tokens``...)."""
        return getattr(self, name)
