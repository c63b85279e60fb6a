"""The one rate engine: what each billed component costs, per its price unit, in one situation.

A situation is a price entry (the model's prices in force on a day), whether the request goes
through the Batch API, its service tier (standard, flex, priority, ...), whether it is
processed in a data-residency region, and the long-context tier its size falls in. :func:`rates_for` decides
every component's rate; the scalar engine (:func:`costlab.cost.price_usage`), the DataFrame
engine, counted files and forecasts all take their rates from it.

Rules, each from the price book's sources:

* A component without its own rate bills at a related one: cached input at the input rate
  (the model has no cache discount), a 5-minute cache write at the input rate, a 1-hour write
  at the 5-minute rate.
* **Long-context tiers** bill the *whole request* at the tier's prices once its input exceeds
  the threshold [GP] (Gemini 2.5 Pro above 200K, GPT-5.4 above 272K). A tier that gives no
  cached rate keeps the base ratio of cached to input.
* **Service tiers** replace the standard rates with the tier's (flex, priority, scale...) from
  the book [GP] [OAI-PRICE]; a component the tier does not price scales like its input. At a
  long-context tier, each component keeps the service tier's ratio to standard. A tier the
  entry does not price is an error, never the standard rate. The Batch API has no service tier.
* **Data residency** adds the provider's published uplift to every component (OpenAI: +10%
  [APIEV]); a model without a published uplift is an error.
* **Media and per-unit rates** (audio and image tokens, speech characters, transcribed
  minutes, search calls) are the entry's own; audio and image tokens without one bill at the
  related text rate [GP]; a per-unit component without one is refused, never billed at 0.
  Service tiers, data residency and the Batch API treat them like every other component,
  except fees per call (web and file searches), which stay flat: the providers state those
  discounts and uplifts for tokens.
* **Batch**: ``batch_discount`` comes off every component [OAI-BATCH]; an explicit ``batch:``
  price overrides the discount for its component (scaled like the tier scales input).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from costlab.errors import CostlabError
from costlab.prices.model import PriceEntry, PriceTier, ServiceTierPrice
from costlab.usage import (
    BY_RATE,
    COMPONENTS,
    CORE_RATES,
    RATE_NAMES,
    SERVICE_TIERS,
    service_tier_name,
)

#: Rates charged per call (web and file searches): flat fees that the Batch API discount,
#: service tiers and data-residency uplifts, which the providers state for tokens, leave alone.
FLAT = frozenset(c.rate for c in COMPONENTS if c.unit == "calls")


class Rates(Mapping[str, Decimal]):
    """The rate charged for each billed component (``rates["input"]``, ``rates.output``), in
    USD per the component's price unit (1M tokens, 1M characters, a minute, 1,000 calls).

    It holds the token rates every model has and the rates its entry prices; a component
    that falls back (audio input at the input rate) reads its fallback's rate; a per-unit
    component the entry does not price (``web_search`` on most models) is absent
    (``"web_search" in rates`` is False) and is refused when a usage needs it.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Decimal]) -> None:
        missing = [name for name in CORE_RATES if name not in values]
        if missing:
            raise ValueError(f"rates missing for {missing}")
        self._values = {name: values[name] for name in RATE_NAMES if name in values}

    def __getitem__(self, name: str) -> Decimal:
        if name in self._values:
            return self._values[name]
        component = BY_RATE.get(name)
        if component is not None and component.falls_back is not None:
            return self[component.falls_back]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        try:
            self[name]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __getattr__(self, name: str) -> Decimal:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._values) == dict(other)

    def __repr__(self) -> str:
        inside = ", ".join(f"{k}={v}" for k, v in self._values.items())
        return f"Rates({inside})"


def tier_for(price: PriceEntry, input_tokens_per_request: int | Decimal) -> PriceTier | None:
    """The long-context tier a request with this many input tokens falls in, if any."""
    chosen = None
    for tier in price.tiers:  # sorted by threshold
        if input_tokens_per_request > tier.above_input_tokens:
            chosen = tier
    return chosen


def service_tier_price(price: PriceEntry, tier: str) -> ServiceTierPrice | None:
    """The entry's prices for a service tier (None for standard); a tier the entry does not
    price raises :class:`CostlabError` naming the tiers it does."""
    name = service_tier_name(tier)
    if name == "standard":
        return None
    for offered in price.service_tiers:
        if offered.name == name:
            return offered
    offers = ", ".join(price.tier_names)
    if name not in SERVICE_TIERS:
        known = ", ".join(dict.fromkeys((*SERVICE_TIERS, *price.tier_names)))
        raise CostlabError(f"unknown service tier {tier!r} (known: {known})", "service_tier")
    raise CostlabError(f"the {name} tier is not offered (offers: {offers})", "service_tier")


def _plain_rates(
    base: PriceEntry | PriceTier, price: PriceEntry, tier: PriceTier | None
) -> dict[str, Decimal]:
    values: dict[str, Decimal] = {"input": base.input}
    if base.cached_input is not None:
        values["cached_input"] = base.cached_input
    elif tier is not None and price.cached_input is not None and price.input:
        values["cached_input"] = price.cached_input * tier.input / price.input
    else:
        values["cached_input"] = base.input
    values["cache_write"] = base.cache_write if base.cache_write is not None else base.input
    values["cache_write_1h"] = (
        base.cache_write_1h if base.cache_write_1h is not None else values["cache_write"]
    )
    values["output"] = base.output
    for name in RATE_NAMES:
        if name not in CORE_RATES and getattr(price, name, None) is not None:
            # Media and per-unit rates are the entry's own; no long-context tier prices them.
            values[name] = getattr(price, name)
    return values


def _apply_service_tier(
    values: dict[str, Decimal],
    price: PriceEntry,
    offered: ServiceTierPrice,
    long_context: PriceTier | None,
) -> dict[str, Decimal]:
    """The service tier's rates: its own where it gives them, else the standard (or
    long-context) rate scaled like its input; at a long-context tier each component keeps the
    service tier's ratio to the standard rate."""
    standard = _plain_rates(price, price, None)
    if offered.multiplier is not None:
        default = offered.multiplier
    elif offered.input is not None and price.input:
        default = offered.input / price.input
    else:
        default = Decimal(1)
    out = {}
    for name in values:
        if name in FLAT:
            out[name] = values[name]  # a fee per call is the same on every tier
            continue
        given: Decimal | None = getattr(offered, name, None)
        if given is None:
            out[name] = values[name] * default
        elif long_context is None or not standard[name]:
            out[name] = given
        else:
            out[name] = values[name] * given / standard[name]
    return out


def _tidy(values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Derived rates without the trailing zeros a product leaves (10.00 x 0.5 = 5.000 -> 5.00),
    never fewer than two decimals, never an exponent."""
    out = {}
    for name, value in values.items():
        if value % Decimal("0.01") == 0:
            out[name] = value.quantize(Decimal("0.01"))
        else:
            out[name] = value.normalize()
    return out


def rates_for(
    price: PriceEntry,
    *,
    batch: bool = False,
    long_context: PriceTier | None = None,
    tier: str = "standard",
    data_residency: bool = False,
) -> Rates:
    """Effective USD per 1M tokens of every component, after the long-context, service-tier,
    data-residency and batch rules. ``tier`` is the service tier (``"flex"``...);
    ``long_context`` the long-context tier the request falls in (:func:`tier_for`).

    >>> from costlab.prices import load_pricebook
    >>> from datetime import date
    >>> price = load_pricebook().resolve("gpt-4.1").price_on(date(2026, 1, 1))
    >>> rates_for(price, tier="priority")["input"]
    Decimal('3.50')
    """
    offered = service_tier_price(price, tier)
    if offered is not None and batch:
        raise CostlabError(
            f"the Batch API has no service tier (asked for {offered.name})", "service_tier"
        )
    values = _plain_rates(long_context or price, price, long_context)
    if offered is not None:
        values = _tidy(_apply_service_tier(values, price, offered, long_context))
    if data_residency:
        if price.data_residency_uplift is None:
            raise CostlabError("no published data-residency price for this model", "data_residency")
        keep_up = 1 + price.data_residency_uplift
        values = _tidy({n: v if n in FLAT else v * keep_up for n, v in values.items()})
    if not batch or price.batch_discount is None:
        return Rates(values)
    keep = 1 - price.batch_discount
    discounted = {n: v if n in FLAT else v * keep for n, v in values.items()}
    if price.batch is not None:
        scale = (
            long_context.input / price.input
            if long_context is not None and price.input
            else Decimal(1)
        )
        if data_residency and price.data_residency_uplift is not None:
            scale = scale * (1 + price.data_residency_uplift)
        for name in discounted:
            override = getattr(price.batch, name, None)
            if override is not None:
                discounted[name] = override * scale
    return Rates(discounted)


def has_batch_price(price: PriceEntry) -> bool:
    """Whether the provider publishes Batch API prices for this entry."""
    return price.batch_discount is not None or price.batch is not None
