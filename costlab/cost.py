"""The cost engine: what one usage costs, with every component and every warning.

A :class:`Usage` gives token counts *per request* and a number of requests. Input tokens are
the total prompt tokens as the API reports them; cached input and cache-write tokens are the
parts of them billed at other prices; output tokens include reasoning tokens (billed as output,
https://platform.openai.com/docs/guides/reasoning, checked 2026-11-26).

>>> from costlab.pricebook import load_pricebook
>>> cost = price_usage(load_pricebook().resolve("gpt-4.1-mini"), Usage(input_tokens=1234, requests=1_000_000))
>>> cost.total_cost
Decimal('493.60')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from costlab.errors import CostlabError
from costlab.money import MONEY, ZERO, plain, token_cost
from costlab.pricebook import Model, PriceBook, PriceEntry, PriceTier, Rates, load_pricebook

#: A token count. Whole numbers for measured usage; Decimal for expected values in forecasts.
Tokens = int | Decimal

_TOKEN_FIELDS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)


@dataclass(frozen=True)
class Usage:
    """Tokens per request, how many requests, and whether they go through the Batch API."""

    input_tokens: Tokens = 0
    """total prompt tokens per request, as the API reports them (cached and cache writes included)"""
    cached_input_tokens: Tokens = 0
    """of the input tokens, those read from the prompt cache"""
    cache_write_tokens: Tokens = 0
    """of the input tokens, those written to the cache (Anthropic 5-minute writes, GPT-5.6)"""
    cache_write_1h_tokens: Tokens = 0
    """of the input tokens, those written to Anthropic's 1-hour cache"""
    output_tokens: Tokens = 0
    """output tokens per request, reasoning tokens included"""
    requests: Tokens = 1
    """how many such requests"""
    batch: bool = False
    """sent through the provider's Batch API"""

    def __post_init__(self) -> None:
        for name in (*_TOKEN_FIELDS, "requests"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise CostlabError(f"must be a number, got {value!r}", name)
            if isinstance(value, Decimal) and not value.is_finite():
                raise CostlabError("must be a finite number", name)
            if value < 0:
                raise CostlabError(f"must be >= 0, got {value}", name)
        parts = self.cached_input_tokens + self.cache_write_tokens + self.cache_write_1h_tokens
        if parts > self.input_tokens:
            raise CostlabError(
                f"cached and cache-write tokens ({parts}) exceed input_tokens ({self.input_tokens})",
                "cached_input_tokens",
            )

    @property
    def uncached_input_tokens(self) -> Tokens:
        return (
            self.input_tokens
            - self.cached_input_tokens
            - self.cache_write_tokens
            - self.cache_write_1h_tokens
        )


@dataclass(frozen=True)
class Flag:
    """Something the user must see next to a figure (a limit exceeded, a retired model, ...)."""

    code: str
    """context_window | max_input | max_output | retired | deprecated | no_batch | no_cached_price"""
    message: str


@dataclass(frozen=True)
class Cost:
    """The cost of a usage on one model, by component, in USD (exact, unrounded)."""

    model: Model
    on: date
    usage: Usage
    price: PriceEntry
    tier: PriceTier | None
    rates: Rates
    input_cost: Decimal
    """uncached input tokens"""
    cached_input_cost: Decimal
    cache_write_cost: Decimal
    """5-minute and 1-hour cache writes"""
    output_cost: Decimal
    flags: tuple[Flag, ...] = field(default=())

    @property
    def total_cost(self) -> Decimal:
        return MONEY.add(
            MONEY.add(self.input_cost, self.cached_input_cost),
            MONEY.add(self.cache_write_cost, self.output_cost),
        )

    @property
    def cost_per_request(self) -> Decimal:
        if not self.usage.requests:
            return ZERO
        return MONEY.divide(self.total_cost, Decimal(self.usage.requests))

    @property
    def warnings(self) -> list[str]:
        return [f.message for f in self.flags]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money as unrounded decimal strings, prices in USD per 1M tokens."""
        u = self.usage
        return {
            "model": self.model.id,
            "provider": self.model.provider,
            "date": self.on.isoformat(),
            "requests": _num(u.requests),
            "batch": u.batch,
            "input_tokens": _num(u.input_tokens),
            "cached_input_tokens": _num(u.cached_input_tokens),
            "cache_write_tokens": _num(u.cache_write_tokens + u.cache_write_1h_tokens),
            "output_tokens": _num(u.output_tokens),
            "input_cost": plain(self.input_cost),
            "cached_input_cost": plain(self.cached_input_cost),
            "cache_write_cost": plain(self.cache_write_cost),
            "output_cost": plain(self.output_cost),
            "total_cost": plain(self.total_cost),
            "cost_per_request": plain(self.cost_per_request),
            "rates_usd_per_mtok": {
                "input": plain(self.rates.input),
                "cached_input": plain(self.rates.cached_input),
                "cache_write": plain(self.rates.cache_write),
                "output": plain(self.rates.output),
            },
            "price_effective_from": self.price.effective_from.isoformat(),
            "price_source": self.price.source,
            "long_context_tier": self.tier.above_input_tokens if self.tier else None,
            "warnings": self.warnings,
            "flags": [f.code for f in self.flags],
        }


def _num(value: Tokens) -> int | str:
    return value if isinstance(value, int) else plain(value)


def limit_flags(model: Model, input_tokens: Tokens, output_tokens: Tokens) -> list[Flag]:
    """Per-request limits: the context window, the input cap and the max output."""
    flags: list[Flag] = []
    if model.max_input_tokens is not None and input_tokens > model.max_input_tokens:
        flags.append(
            Flag(
                "max_input",
                f"{model.id}: {input_tokens:,} input tokens per request exceed the "
                f"{model.max_input_tokens:,}-token input limit",
            )
        )
    if input_tokens + output_tokens > model.context_window:
        flags.append(
            Flag(
                "context_window",
                f"{model.id}: {input_tokens:,} input + {output_tokens:,} output tokens per "
                f"request exceed the {model.context_window:,}-token context window",
            )
        )
    if output_tokens > model.max_output_tokens:
        flags.append(
            Flag(
                "max_output",
                f"{model.id}: {output_tokens:,} output tokens per request exceed the "
                f"{model.max_output_tokens:,}-token max output",
            )
        )
    return flags


def lifecycle_flags(model: Model, on: date) -> list[Flag]:
    status = model.status_on(on)
    life = model.lifecycle
    if status == "retired" and life is not None:
        return [
            Flag(
                "retired", f"{model.id}: retired on {life.retires_on}; the API no longer serves it"
            )
        ]
    if life is not None and life.retires_on is not None:
        state = "deprecated" if status == "deprecated" else "scheduled"
        return [Flag("deprecated", f"{model.id}: {state}; retires on {life.retires_on}")]
    if status == "deprecated" and life is not None:
        return [Flag("deprecated", f"{model.id}: deprecated since {life.deprecated_on}")]
    return []


def price_flags(model: Model, price: PriceEntry, usage: Usage) -> list[Flag]:
    flags: list[Flag] = []
    if usage.batch and price.batch_discount is None and price.batch is None:
        flags.append(
            Flag("no_batch", f"{model.id}: no Batch API price; priced at the standard rate")
        )
    if usage.cached_input_tokens and price.cached_input is None:
        flags.append(
            Flag(
                "no_cached_price", f"{model.id}: no cached-input price; cached tokens bill as input"
            )
        )
    return flags


def price_usage(model: Model, usage: Usage, *, on: date | None = None) -> Cost:
    """Price ``usage`` on ``model`` with the prices in force on ``on`` (default: today).

    Long-context tiers apply per request: a request whose input exceeds a tier's threshold is
    billed whole at the tier's prices. Limits exceeded are flagged, never silently priced away.
    """
    day = on or date.today()
    price = model.price_on(day)
    tier = price.tier_for(usage.input_tokens)
    rates = price.rates(batch=usage.batch, tier=tier)
    n = usage.requests

    def cost(tokens: Tokens, rate: Decimal) -> Decimal:
        return token_cost(MONEY.multiply(Decimal(tokens), Decimal(n)), rate)

    flags = [
        *limit_flags(model, usage.input_tokens, usage.output_tokens),
        *lifecycle_flags(model, day),
        *price_flags(model, price, usage),
    ]
    return Cost(
        model=model,
        on=day,
        usage=usage,
        price=price,
        tier=tier,
        rates=rates,
        input_cost=cost(usage.uncached_input_tokens, rates.input),
        cached_input_cost=cost(usage.cached_input_tokens, rates.cached_input),
        cache_write_cost=MONEY.add(
            cost(usage.cache_write_tokens, rates.cache_write),
            cost(usage.cache_write_1h_tokens, rates.cache_write_1h),
        ),
        output_cost=cost(usage.output_tokens, rates.output),
        flags=tuple(flags),
    )


def estimate(
    model: str,
    *,
    input_tokens: Tokens = 0,
    output_tokens: Tokens = 0,
    cached_input_tokens: Tokens = 0,
    cache_write_tokens: Tokens = 0,
    cache_write_1h_tokens: Tokens = 0,
    requests: Tokens = 1,
    batch: bool = False,
    on: date | None = None,
    book: PriceBook | None = None,
) -> Cost:
    """Price a usage on a model named by id or alias. Token counts are per request.

    >>> estimate("gpt-4.1-mini", input_tokens=1200, cached_input_tokens=600, output_tokens=150).total_cost
    Decimal('0.00054')
    """
    resolved = (book or load_pricebook()).resolve(model)
    usage = Usage(
        input_tokens=input_tokens,
        cached_input_tokens=cached_input_tokens,
        cache_write_tokens=cache_write_tokens,
        cache_write_1h_tokens=cache_write_1h_tokens,
        output_tokens=output_tokens,
        requests=requests,
        batch=batch,
    )
    return price_usage(resolved, usage, on=on)


def compare(
    models: Iterable[str], usage: Usage, *, on: date | None = None, book: PriceBook | None = None
) -> list[Cost]:
    """The same usage on several models, cheapest first."""
    book = book or load_pricebook()
    costs = [price_usage(book.resolve(m), usage, on=on) for m in models]
    return sorted(costs, key=lambda c: (c.total_cost, c.model.id))
