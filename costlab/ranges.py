"""Numbers known only within bounds: ``{low, base, high}``.

Any number of a scenario may be written as a range. The base forecast uses ``base``; the low and
high bands use, for every ranged number at once, the end that makes the forecast cheaper or
dearer, so the bands bracket the base:

* volumes, tokens, retries, growth, escalation rates and image counts cost more when higher;
* ``cached_input_share`` costs less when higher (cached input is never dearer than input);
* ``batch_share`` goes either way: the Batch API halves most prices, but where a model's batch
  price drops the cache discount (GPT-4.1 family), a heavily cached workload costs *more*
  through it. The forecast prices both ends and picks per workload (see
  :func:`costlab.forecast.forecast`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from costlab.errors import CostlabError
from costlab.records import frozen
from costlab.validation import spec

Band = Literal["low", "base", "high"]
BANDS: tuple[Band, ...] = ("low", "base", "high")

#: Fields whose *higher* value costs *less*: a larger share billed at the cached price.
#: ``batch_share`` is decided per workload by pricing both ends (see the module docstring).
CHEAPER_WHEN_HIGHER = frozenset({"cached_input_share", "cache_hit_rate"})

#: Fields whose cost direction depends on the rest of the workload.
EITHER_WAY = frozenset({"batch_share"})


@frozen
class Range:
    """A number known within bounds, e.g. ``{low: 800, base: 1200, high: 2000}``."""

    low: Decimal = spec("lowest plausible value, in the field's unit")
    base: Decimal = spec("central estimate, used by the base forecast")
    high: Decimal = spec("highest plausible value")

    def __post_init__(self) -> None:
        if not self.low <= self.base <= self.high:
            raise CostlabError(
                f"needs low <= base <= high, got low {self.low}, base {self.base}, high {self.high}"
            )

    def constrained_numbers(self) -> tuple[tuple[str, Decimal], ...]:
        """The parts a field's bounds apply to (see :func:`costlab.validation.build`)."""
        return (("low", self.low), ("base", self.base), ("high", self.high))

    def at(self, end: Band) -> Decimal:
        return {"low": self.low, "base": self.base, "high": self.high}[end]


#: A plain number or a range.
Number = Decimal | Range


def base(value: Number) -> Decimal:
    """The base value of a plain number or a range."""
    return value.base if isinstance(value, Range) else value


def cost_end(field: str, band: Band) -> Band:
    """Which end of a ranged ``field`` the ``band`` forecast uses.

    >>> cost_end("input_tokens", "low"), cost_end("cached_input_share", "low")
    ('low', 'high')
    """
    if band == "base" or field not in CHEAPER_WHEN_HIGHER:
        return band
    return "high" if band == "low" else "low"
