"""Exact tables: the one exact sum, Decimal columns, and rows made ready for JSON and exports.

Forecasts, actuals and comparisons are pandas DataFrames whose money and expected-count
columns hold exact ``Decimal`` objects (object dtype). The helpers here are what every producer
and every presentation (CLI, app, exports) share to build and read them.
"""

from __future__ import annotations

from collections.abc import Iterable
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
from costlab.json_rows import MONEY_COLUMNS as MONEY_COLUMNS
from costlab.json_rows import is_money as is_money
from costlab.json_rows import json_value


def column(values: Iterable[Any]) -> np.ndarray:
    """An object array of ``values`` (Decimals, None...) to assign as a DataFrame column."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


#: :func:`tidy` over an object array (C loop).
tidy_all = np.frompyfunc(lambda v: tidy(v), 1, 1)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: Decimals as exact strings, numpy scalars as Python ones
    (cells as :func:`~costlab.json_rows.json_value` writes them)."""
    return [
        {
            str(key): value.item() if isinstance(value, np.generic) else json_value(str(key), value)
            for key, value in row.items()
        }
        for row in frame.to_dict("records")
    ]


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
