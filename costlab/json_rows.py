"""Table rows made ready for JSON in plain Python: what a value of a money column, a count or a
date becomes in ``--json`` output.

Pure Python (no numpy, no pandas): :func:`costlab.tables.records` writes a DataFrame's rows with
:func:`json_value`, and the CLI's small-scenario path writes its plain rows with
:func:`json_rows`, so the same table prints the same text from either engine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from costlab.exact import exact_text
from costlab.money import plain

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


def json_value(column_name: str, value: Any) -> Any:
    """A table cell as JSON: Decimals as exact strings (money with at least the cents), dates
    as ISO text, NaN as null, anything else as it is.

    >>> json_value("total_cost", Decimal("2.4")), json_value("requests", Decimal("651000.0"))
    ('2.40', '651000')
    """
    if isinstance(value, Decimal):
        return plain(value) if is_money(column_name) else exact_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def json_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Plain rows (dicts of Decimals, ints, text...) as JSON-ready dicts, keys as text."""
    return [{str(k): json_value(str(k), v) for k, v in row.items()} for row in rows]
