"""Exact tables: the one exact sum, Decimal columns, and rows made ready for JSON and exports.

Forecasts, actuals and comparisons are pandas DataFrames whose money and expected-count
columns hold exact ``Decimal`` objects (object dtype). The helpers here are what every producer
and every presentation (CLI, app, exports) share to build and read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import (
    Decimal,
)
from typing import Any

import numpy as np
import pandas as pd

# The exact helpers live in costlab.exact (no numpy, for the CLI's small path); re-exported.
from costlab.exact import EXACT as EXACT
from costlab.exact import ONE as ONE
from costlab.exact import ZERO as ZERO
from costlab.exact import exact_sum as exact_sum
from costlab.exact import exact_text as exact_text
from costlab.exact import tidy as tidy
from costlab.money import plain


def column(values: Iterable[Any]) -> np.ndarray:
    """An object array of ``values`` (Decimals, None...) to assign as a DataFrame column."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


#: :func:`tidy` over an object array (C loop).
tidy_all = np.frompyfunc(lambda v: tidy(v), 1, 1)


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
