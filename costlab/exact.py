"""Exact Decimal arithmetic without rounding: the context, the one exact sum, tidy numbers.

Pure Python (no numpy, no pandas), so the small-scenario path of the CLI can use it; the
table helpers in :mod:`costlab.tables` build on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)

from costlab.money import Quotient, significant

#: Exact arithmetic: 5,000 digits hold 120 months of compounding rates with six decimals
#: each, and any result that would need rounding raises instead of being rounded.
EXACT = Context(
    prec=5000,
    rounding=ROUND_HALF_EVEN,
    traps=[Inexact, InvalidOperation, DivisionByZero, Overflow],
)

ZERO = Decimal(0)
ONE = Decimal(1)


def exact_sum(values: Iterable[Decimal | int]) -> Decimal:
    """The exact sum of Decimals (``sum()`` would round to the default 28 digits).

    >>> exact_sum([Decimal("0.1")] * 3)
    Decimal('0.3')
    """
    total = ZERO
    for value in values:
        total = EXACT.add(total, value)
    return total


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros (``351.5400`` -> ``351.54``)."""
    if value.as_tuple().exponent >= 0:  # type: ignore[operator]
        return value
    reduced = value.normalize(EXACT)
    return reduced.quantize(ONE, context=EXACT) if reduced.as_tuple().exponent > 0 else reduced  # type: ignore[operator]


def exact_text(value: Decimal) -> str:
    """A Decimal as exact text without exponent or trailing zeros: ``651000``, ``0.5``; a
    :class:`~costlab.money.Quotient` to its stated significant digits."""
    if isinstance(value, Quotient):
        value = significant(value)
    return format(value.normalize(EXACT), "f")
