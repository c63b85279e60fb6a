"""Exact tables: the one exact sum, Decimal columns, and rows made ready for JSON and exports.

Forecasts, actuals and comparisons are pandas DataFrames whose money and expected-count
columns hold exact ``Decimal`` objects (object dtype). The helpers here are what every producer
and every presentation (CLI, app, exports) share to build and read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from typing import Any

import numpy as np
import pandas as pd

from costlab.money import Quotient, plain, significant

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


def column(values: Iterable[Any]) -> np.ndarray:
    """An object array of ``values`` (Decimals, None...) to assign as a DataFrame column."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros (``351.5400`` -> ``351.54``)."""
    if value.as_tuple().exponent >= 0:  # type: ignore[operator]
        return value
    reduced = value.normalize(EXACT)
    return reduced.quantize(ONE) if reduced.as_tuple().exponent > 0 else reduced  # type: ignore[operator]


#: :func:`tidy` over an object array (C loop).
tidy_all = np.frompyfunc(lambda v: tidy(v), 1, 1)


def exact_text(value: Decimal) -> str:
    """A Decimal as exact text without exponent or trailing zeros: ``651000``, ``0.5``; a
    :class:`~costlab.money.Quotient` to its stated significant digits."""
    if isinstance(value, Quotient):
        value = significant(value)
    return format(value.normalize(EXACT), "f")


#: Money columns that do not end in ``_cost`` or ``_usd`` or start with ``cost_per`` (those
#: are money too).
MONEY_COLUMNS = frozenset(
    {
        "monthly_budget",
        "total_budget",
        "headroom",
        "budget_remaining",
        "swing",
        "total_at_low",
        "total_at_high",
        "variance_usd",
        "vs_cheapest",
    }
)


def is_money(column_name: str) -> bool:
    """Whether a table column holds USD (for formats: $ in tables, currency in XLSX)."""
    stem = column_name.removesuffix("_low").removesuffix("_high")
    return stem.endswith(("_cost", "_usd")) or stem.startswith("cost_per") or stem in MONEY_COLUMNS


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: Decimals as exact strings, numpy scalars as Python ones."""
    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, Decimal):
                clean[str(key)] = plain(value) if is_money(str(key)) else exact_text(value)
            elif isinstance(value, np.generic):
                clean[str(key)] = value.item()
            elif isinstance(value, date):
                clean[str(key)] = value.isoformat()
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                clean[str(key)] = None
            else:
                clean[str(key)] = value
        out.append(clean)
    return out


def as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every Decimal column as float64: for charts only, never for totals."""
    out = frame.copy()
    for name in out.columns:
        values = out[name]
        if (
            values.dtype == object
            and len(values)
            and all(isinstance(v, Decimal) or v is None for v in values.head(50))
        ):
            out[name] = pd.to_numeric(
                pd.Series([None if v is None else float(v) for v in values], index=out.index),
                errors="coerce",
            )
    return out
