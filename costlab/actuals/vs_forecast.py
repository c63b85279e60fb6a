"""Actuals against a forecast, and a forecast written as a usage file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from costlab.actuals.priced import Actuals
from costlab.actuals.readers import COUNT_COLUMNS, USAGE_COLUMNS
from costlab.errors import CostlabError
from costlab.exact import EXACT
from costlab.forecast import Forecast
from costlab.money import MONEY, ZERO, quotient
from costlab.tables import column, tidy


def variance(actuals: Actuals, fc: Forecast) -> pd.DataFrame:
    """Actual vs forecast by month, over the months the usage file covers (from its first to
    its last month; a month inside that span with no usage counts as zero).

    Columns: ``month``, ``forecast_cost``, ``forecast_cost_low``, ``forecast_cost_high``,
    ``actual_cost``, ``variance_usd`` (actual - forecast), ``variance_pct`` (of the forecast,
    a :class:`~costlab.money.Quotient`: 80 significant digits in Python, 6 in JSON and CSV;
    empty where the forecast is zero or absent),
    ``within_band`` (actual between the low and high bands).
    """
    forecast_by: dict[str, tuple[Decimal, Decimal, Decimal]] = {
        str(m): (base, low, high)
        for m, base, low, high in zip(
            fc.months["month"],
            fc.months["total_cost"],
            fc.months["total_cost_low"],
            fc.months["total_cost_high"],
            strict=True,
        )
    }
    actual_by = {
        str(m): c
        for m, c in zip(actuals.months["month"], actuals.months["actual_cost"], strict=True)
    }
    rows = []
    # The months the usage file covers: a forecast month outside that span has not happened
    # (or was not exported), so it is left out rather than shown as a -100% variance.
    span = (min(actual_by), max(actual_by)) if actual_by else ("", "")
    covered = {m for m in forecast_by if span[0] <= m <= span[1]}
    for label in sorted(covered | set(actual_by)):
        expected = forecast_by.get(label)
        actual = actual_by.get(label, ZERO)
        base = expected[0] if expected else None
        diff = EXACT.subtract(actual, base) if base is not None else None  # "-": 28 digits
        rows.append(
            {
                "month": label,
                "forecast_cost": base,
                "forecast_cost_low": expected[1] if expected else None,
                "forecast_cost_high": expected[2] if expected else None,
                "actual_cost": actual,
                "variance_usd": tidy(diff) if diff is not None else None,
                "variance_pct": quotient(
                    tidy(MONEY.divide(MONEY.multiply(diff, Decimal(100)), base))
                )
                if diff is not None and base
                else None,
                "within_band": bool(expected[1] <= actual <= expected[2]) if expected else None,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "month",
            "forecast_cost",
            "forecast_cost_low",
            "forecast_cost_high",
            "actual_cost",
            "variance_usd",
            "variance_pct",
            "within_band",
        ],
    )
    for name in out.columns[1:7]:
        out[name] = column(out[name])
    return out


def usage_from_forecast(fc: Forecast) -> pd.DataFrame:
    """The forecast written as a generic usage file: one row per month, model and batch, dated
    the first of the month. Usage counts are whole numbers, so every figure must be whole
    (a forecast with fractional requests or tokens is refused, naming the first one)."""
    table = fc.by(["month", "model", "batch"])
    out = []
    for row in table.to_dict("records"):
        record: dict[str, Any] = {"date": f"{row['month']}-01", "model": row["model"]}
        for name in COUNT_COLUMNS:
            if name not in row:  # a forecast without cache writes has no such column
                record[name] = 0
                continue
            value = row[name]
            if value != value.to_integral_value():
                raise CostlabError(
                    f"{name} is {value}, not a whole number; usage files hold whole counts",
                    fc.scenario.label,
                    f"{row['month']} {row['model']}",
                )
            record[name] = int(value)
        record["batch"] = bool(row["batch"])
        out.append(record)
    return pd.DataFrame(out, columns=USAGE_COLUMNS)


def write_usage_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write rows from :func:`usage_from_forecast` as a generic usage CSV."""
    frame.to_csv(path, index=False, lineterminator="\n")
