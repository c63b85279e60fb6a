"""The cost engine for one usage: every component, every warning.

A :class:`~costlab.usage.Usage` gives token counts *per request* and a number of requests;
its rates come from the one rate engine (:func:`costlab.prices.rates_for`) and its
components from the one vocabulary (:mod:`costlab.usage`).

>>> from costlab.prices import load_pricebook
>>> cost = price_usage(load_pricebook().resolve("gpt-4.1-mini"), Usage(input_tokens=1234, requests=1_000_000))
>>> cost.total_cost
Decimal('493.60')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from datetime import date
from decimal import Decimal
from typing import Any

from costlab.errors import CostlabError
from costlab.money import MONEY, ZERO, plain, quotient, unit_cost
from costlab.prices import (
    Model,
    PriceBook,
    PriceEntry,
    PriceTier,
    Rates,
    has_batch_price,
    load_pricebook,
    rates_for,
    tier_for,
)
from costlab.records import frozen
from costlab.usage import (
    BY_RATE,
    COMPONENTS,
    MEDIA_COLUMNS,
    MEDIA_COST_COLUMNS,
    Component,
    Usage,
    billed_tokens,
    cost_columns,
)

#: A token count. Whole numbers for measured usage; Decimal for expected values in forecasts.
Tokens = int | Decimal

__all__ = ["Cost", "Flag", "Usage", "compare", "component_costs", "estimate", "price_usage"]


@frozen
class Flag:
    """Something the user must see next to a figure (a limit exceeded, a retired model, ...)."""

    code: str
    """context_window | max_input | max_output | retired | deprecated | no_batch | no_cached_price
    | no_reasoning | extended_context"""
    message: str


def component_costs(
    billed: Mapping[str, Tokens], rates: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Exact USD per cost column (and ``total_cost``) for tokens billed per rate.

    >>> from costlab.prices import load_pricebook, rates_for
    >>> from datetime import date
    >>> price = load_pricebook().resolve("gpt-4.1-mini").price_on(date(2026, 1, 1))
    >>> component_costs({"input": 600, "cached_input": 600, "cache_write": 0,
    ...                  "cache_write_1h": 0, "output": 150}, rates_for(price))["total_cost"]
    Decimal('0.00054')
    """
    amounts = {}
    for c in COMPONENTS:
        count = billed.get(c.rate, 0)  # a rate not given bills nothing
        if c.rate in rates:
            amounts[c.rate] = unit_cost(count, rates[c.rate], c.per)
        elif count:
            raise CostlabError(unpriced_message(c), c.tokens)
        else:
            amounts[c.rate] = ZERO
    return cost_columns(amounts, MONEY.add, ZERO)


def unpriced_message(component: Component) -> str:
    """Why a count of a component the model does not price is refused."""
    return (
        f"the model has no {component.label} price (USD per {component.price_unit}); "
        "pick a model billed for it or add the price with --prices"
    )


@frozen
class Cost:
    """The cost of a usage on one model, by component, in USD (exact, unrounded)."""

    model: Model
    on: date
    usage: Usage
    price: PriceEntry
    tier: PriceTier | None
    rates: Rates
    costs: Mapping[str, Decimal]
    """USD per cost column of :data:`costlab.usage.COST_COLUMNS`, ``total_cost`` included"""
    flags: tuple[Flag, ...] = field(default=())

    @property
    def input_cost(self) -> Decimal:
        """uncached input tokens"""
        return self.costs["input_cost"]

    @property
    def cached_input_cost(self) -> Decimal:
        return self.costs["cached_input_cost"]

    @property
    def cache_write_cost(self) -> Decimal:
        """5-minute and 1-hour cache writes"""
        return self.costs["cache_write_cost"]

    @property
    def output_cost(self) -> Decimal:
        return self.costs["output_cost"]

    @property
    def audio_cost(self) -> Decimal:
        """audio tokens in and out, speech characters, transcribed minutes"""
        return self.costs["audio_cost"]

    @property
    def image_cost(self) -> Decimal:
        """image tokens billed at image rates, in and out"""
        return self.costs["image_cost"]

    @property
    def tool_cost(self) -> Decimal:
        """web-search and file-search calls"""
        return self.costs["tool_cost"]

    @property
    def total_cost(self) -> Decimal:
        return self.costs["total_cost"]

    @property
    def cost_per_request(self) -> Decimal:
        if not self.usage.requests:
            return ZERO
        return quotient(MONEY.divide(self.total_cost, Decimal(self.usage.requests)))

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
            "service_tier": u.service_tier,
            "data_residency": u.data_residency,
            "input_tokens": _num(u.input_tokens),
            "cached_input_tokens": _num(u.cached_input_tokens),
            "cache_write_tokens": _num(u.cache_write_tokens + u.cache_write_1h_tokens),
            "output_tokens": _num(u.output_tokens),
            "reasoning_tokens": _num(u.reasoning_tokens),
            **{name: _num(value) for name, value in u.media.items()},
            **{
                name: plain(value)
                for name, value in self.costs.items()
                if value or name not in MEDIA_COST_COLUMNS
            },
            "cost_per_request": plain(self.cost_per_request),
            "rates_usd_per_mtok": {
                name: plain(value)
                for name, value in self.rates.items()
                if BY_RATE[name].unit == "tokens"
            },
            **({"rates_per_unit": per_unit} if (per_unit := _unit_rates(self.rates)) else {}),
            "price_effective_from": self.price.effective_from.isoformat(),
            "price_source": self.price.source,
            "long_context_tier": self.tier.above_input_tokens if self.tier else None,
            "warnings": self.warnings,
            "flags": [f.code for f in self.flags],
        }


def _unit_rates(rates: Rates) -> dict[str, str]:
    """Per-unit rates as text with their unit: ``{"web_search": "10 USD per 1K calls"}``."""
    return {
        name: f"{plain(value)} USD per {BY_RATE[name].price_unit}"
        for name, value in rates.items()
        if BY_RATE[name].unit != "tokens"
    }


def _num(value: Tokens) -> int | str:
    return value if isinstance(value, int) else plain(value)


def limit_flags(
    model: Model, input_tokens: Tokens, output_tokens: Tokens, on: date | None = None
) -> list[Flag]:
    """Per-request limits: the context window, the input cap and the max output. A request
    within the model's extended window (served on ``on``) is servable, with its requirement
    (a beta header) as an ``extended_context`` note instead of a ``context_window`` flag."""
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
        extended = model.extended_context
        if (
            extended is not None
            and extended.served_on(on)
            and input_tokens + output_tokens <= extended.context_window
        ):
            flags.append(
                Flag(
                    "extended_context",
                    f"{model.id}: {input_tokens:,} input + {output_tokens:,} output tokens per "
                    f"request use the extended {extended.context_window:,}-token window: "
                    f"{extended.requirement}",
                )
            )
        else:
            retired = (
                f" (its extended {extended.context_window:,}-token window was served until "
                f"{extended.until})"
                if extended is not None and not extended.served_on(on)
                else ""
            )
            flags.append(
                Flag(
                    "context_window",
                    f"{model.id}: {input_tokens:,} input + {output_tokens:,} output tokens per "
                    f"request exceed the {model.context_window:,}-token context window{retired}",
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


def price_flags(model: Model, price: PriceEntry, *, batch: bool, cached: bool) -> list[Flag]:
    """A Batch request on a model without batch prices; cached tokens without a cached rate."""
    flags: list[Flag] = []
    if batch and not has_batch_price(price):
        flags.append(
            Flag("no_batch", f"{model.id}: no Batch API price; priced at the standard rate")
        )
    if cached and price.cached_input is None:
        flags.append(
            Flag(
                "no_cached_price", f"{model.id}: no cached-input price; cached tokens bill as input"
            )
        )
    return flags


def check_reasoning(model: Model, reasoning_tokens: Tokens) -> None:
    """Reasoning tokens on a model the book says does not reason are refused: they would be
    billed as output the model never produces."""
    if reasoning_tokens and model.reasoning is False:
        raise CostlabError(
            "the model produces no reasoning tokens (give its visible output as output tokens)",
            model.id,
            "reasoning_tokens",
        )


def reasoning_flags(model: Model, reasoning_tokens: Tokens, output_tokens: Tokens) -> list[Flag]:
    """A reasoning model that reasons by default, priced with no reasoning tokens: its bill
    will likely be higher than shown."""
    effort = model.reasoning_effort
    if not model.reasoning or reasoning_tokens or effort is None or effort.default == "none":
        return []
    typical = effort.tokens(effort.default)
    return [
        Flag(
            "no_reasoning",
            f"{model.id}: a reasoning model (default effort {effort.default}, about {typical:,} "
            "reasoning tokens per request by costlab's assumption) priced with no reasoning "
            "tokens; give reasoning tokens or an effort",
        )
    ]


#: Media counts and the modality a model must take (or produce) for them, with the direction.
#: Media counts: the modality a model must take (input) or produce (output) for them, and the
#: rate that prices them when it does not (a model with that rate accepts them).
_MODALITY_OF = {
    "input_audio_tokens": ("audio", "input", "input_audio"),
    "cached_input_audio_tokens": ("audio", "input", "input_audio"),
    "output_audio_tokens": ("audio", "output", "output_audio"),
    "input_image_tokens": ("image", "input", "input_image"),
    "output_image_tokens": ("image", "output", "output_image"),
}


def check_modalities(model: Model, usage: Usage | Callable[[str], Any]) -> None:
    """Refuse audio or image tokens for a model that neither takes (or produces) that modality
    nor has a price for it: they would otherwise bill silently at its text rate. ``usage`` is
    a :class:`Usage` or a lookup of counts by name."""
    count = usage.count if isinstance(usage, Usage) else usage
    for name, (modality, direction, rate) in _MODALITY_OF.items():
        if not count(name):
            continue
        offered = model.input_modalities if direction == "input" else model.output_modalities
        priced = any(getattr(p, rate, None) is not None for p in model.prices)
        if modality not in offered and not priced:
            verb = "take" if direction == "input" else "produce"
            raise CostlabError(f"the model does not {verb} {modality}", name).within(model.id)


def check_per_unit(price: PriceEntry, count: Callable[[str], Any]) -> None:
    """Refuse token counts for a model billed per character, minute or call only (whisper-1,
    tts-1): they would otherwise bill at $0."""
    if price.per_unit_only:
        for name in ("input_tokens", "output_tokens"):
            if count(name):
                units = [
                    c.label for c in COMPONENTS if c.unit != "tokens" and c.rate in _priced(price)
                ]
                raise CostlabError(
                    f"the model is billed for {', '.join(units) or 'units'} only, not per token",
                    name,
                )


def _priced(price: PriceEntry) -> set[str]:
    return {c.rate for c in COMPONENTS if getattr(price, c.rate, None) is not None}


def price_usage(model: Model, usage: Usage, *, on: date | None = None) -> Cost:
    """Price ``usage`` on ``model`` with the prices in force on ``on`` (default: today).

    Long-context tiers apply per request: a request whose input exceeds a tier's threshold is
    billed whole at the tier's prices. Limits exceeded are flagged, never silently priced away.
    """
    if not isinstance(usage, Usage):
        raise TypeError(f"usage must be a costlab Usage, got {type(usage).__name__}")
    day = on or date.today()
    check_reasoning(model, usage.reasoning_tokens)
    check_modalities(model, usage)
    price = model.price_on(day)
    tier = tier_for(price, usage.input_tokens)
    try:
        rates = rates_for(
            price,
            batch=usage.batch,
            long_context=tier,
            tier=usage.service_tier,
            data_residency=usage.data_residency,
        )
    except CostlabError as exc:
        raise exc.within(model.id) from None
    n = Decimal(usage.requests)
    billed = {
        rate: MONEY.multiply(Decimal(tokens), n)
        for rate, tokens in billed_tokens(usage.count).items()
    }
    flags = [
        *limit_flags(model, usage.input_tokens, usage.output_tokens, day),
        *lifecycle_flags(model, day),
        *price_flags(model, price, batch=usage.batch, cached=bool(usage.cached_input_tokens)),
        *reasoning_flags(model, usage.reasoning_tokens, usage.output_tokens),
    ]
    try:
        check_per_unit(price, usage.count)
        costs = component_costs(billed, rates)
    except CostlabError as exc:
        raise exc.within(model.id) from None
    return Cost(
        model=model,
        on=day,
        usage=usage,
        price=price,
        tier=tier,
        rates=rates,
        costs=costs,
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
    reasoning_tokens: Tokens = 0,
    requests: Tokens = 1,
    batch: bool = False,
    service_tier: str = "standard",
    data_residency: bool = False,
    on: date | None = None,
    book: PriceBook | None = None,
    **media: Tokens,
) -> Cost:
    """Price a usage on a model named by id or alias. Counts are per request;
    ``service_tier`` is ``standard``, ``flex``, ``priority``, ``scale`` or a provider's own tier.
    ``media`` are the media and per-unit counts of :class:`Usage` (``output_audio_tokens``,
    ``input_characters``, ``audio_seconds``, ``web_searches``...).

    >>> estimate("gpt-4.1-mini", input_tokens=1200, cached_input_tokens=600, output_tokens=150).total_cost
    Decimal('0.00054')
    >>> estimate("whisper-1", audio_seconds=90, requests=1000).total_cost
    Decimal('9.000')
    """
    unknown = sorted(set(media) - set(MEDIA_COLUMNS))
    if unknown:
        raise TypeError(f"estimate() got unexpected keyword arguments {unknown}")
    if not isinstance(model, str):
        raise CostlabError(f"must be a model id or alias, got {model!r}", "model")
    resolved = (book or load_pricebook()).resolve(model)
    usage = Usage(
        input_tokens=input_tokens,
        cached_input_tokens=cached_input_tokens,
        cache_write_tokens=cache_write_tokens,
        cache_write_1h_tokens=cache_write_1h_tokens,
        output_tokens=output_tokens,
        reasoning_tokens=reasoning_tokens,
        requests=requests,
        batch=batch,
        service_tier=service_tier,
        data_residency=data_residency,
        **media,
    )
    return price_usage(resolved, usage, on=on)


def compare(
    models: Iterable[str], usage: Usage, *, on: date | None = None, book: PriceBook | None = None
) -> list[Cost]:
    """The same usage on several models, cheapest first."""
    book = book or load_pricebook()
    costs = [price_usage(book.resolve(m), usage, on=on) for m in models]
    return sorted(costs, key=lambda c: (c.total_cost, c.model.id))
