"""The one rate engine: what each billed component costs per 1M tokens in one situation.

A situation is a price entry (the model's prices in force on a day), whether the request goes
through the Batch API, and the long-context tier its size falls in. :func:`rates_for` decides
every component's rate; the scalar engine (:func:`costlab.cost.price_usage`), the DataFrame
engine, counted files and forecasts all take their rates from it.

Rules, each from the price book's sources:

* A component without its own rate bills at a related one: cached input at the input rate
  (the model has no cache discount), a 5-minute cache write at the input rate, a 1-hour write
  at the 5-minute rate.
* **Long-context tiers** bill the *whole request* at the tier's prices once its input exceeds
  the threshold [GP] (Gemini 2.5 Pro above 200K, GPT-5.4 above 272K). A tier that gives no
  cached rate keeps the base ratio of cached to input.
* **Batch**: ``batch_discount`` comes off every component [OAI-BATCH]; an explicit ``batch:``
  price overrides the discount for its component (scaled like the tier scales input).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from costlab.prices.model import PriceEntry, PriceTier
from costlab.usage import RATE_NAMES


class Rates(Mapping[str, Decimal]):
    """USD per 1M tokens charged for each billed component (``rates["input"]``,
    ``rates.output``)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Decimal]) -> None:
        missing = [name for name in RATE_NAMES if name not in values]
        if missing:
            raise ValueError(f"rates missing for {missing}")
        self._values = {name: values[name] for name in RATE_NAMES}

    def __getitem__(self, name: str) -> Decimal:
        return self._values[name]

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


def rates_for(price: PriceEntry, *, batch: bool = False, tier: PriceTier | None = None) -> Rates:
    """Effective USD per 1M tokens of every component, after the tier and batch rules."""
    base = tier or price
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
    if not batch or price.batch_discount is None:
        return Rates(values)
    keep = 1 - price.batch_discount
    discounted = {name: value * keep for name, value in values.items()}
    if price.batch is not None:
        scale = tier.input / price.input if tier is not None and price.input else Decimal(1)
        for name in RATE_NAMES:
            override = getattr(price.batch, name)
            if override is not None:
                discounted[name] = override * scale
    return Rates(discounted)


def has_batch_price(price: PriceEntry) -> bool:
    """Whether the provider publishes Batch API prices for this entry."""
    return price.batch_discount is not None or price.batch is not None
