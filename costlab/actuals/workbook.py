"""Sheets a finance team can hand on: assumptions, months as dates, an optional display currency.

:func:`finance_tables` gathers the actuals' tables (with a forecast: the variance, the
variance by cause and the run-rate) into ``{sheet name: DataFrame}`` for
:func:`costlab.export.export_tables`, with

* an **assumptions** sheet: every scenario input (ranges as low / base / high), the budget,
  the usage file, the price book's files and fingerprint, the day it was made, and the display
  currency's rate and date when one is given;
* **months as real dates** (the first day of the month), so spreadsheets sort, filter and chart
  them as dates;
* with a :class:`~costlab.money.DisplayCurrency`, each money column also converted
  (``actual_cost_eur``: USD x the rate, exact), the USD columns kept as the book's unit.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from costlab.money import DisplayCurrency
from costlab.prices import PriceBook
from costlab.ranges import Range
from costlab.routing import Routing, describe
from costlab.scenario import Images, Scenario, Workload
from costlab.tables import column, is_money

#: Columns of the assumptions sheet.
ASSUMPTION_COLUMNS = ["assumption", "value", "low", "high", "note"]


def price_book_fingerprint(book: PriceBook) -> str:
    """The book's fingerprint (its layers and their versions): two workbooks with the same
    fingerprint were priced from the same book."""
    return book.fingerprint


def assumptions(
    scenario: Scenario | None,
    book: PriceBook,
    *,
    usage_source: str | None = None,
    currency: DisplayCurrency | None = None,
    on: date | None = None,
) -> pd.DataFrame:
    """Every input the numbers rest on, one row each (ranges with their low and high)."""
    rows: list[dict[str, Any]] = []

    def add(name: str, value: Any, note: str = "", low: Any = None, high: Any = None) -> None:
        rows.append({"assumption": name, "value": value, "low": low, "high": high, "note": note})

    add("made on", (on or date.today()).isoformat())
    add("price book", price_book_fingerprint(book), f"{len(book.files)} price file(s)")
    for name in book.files:
        add("price file", Path(name).name)
    add("money", "USD", "the price book's unit; amounts exact to the last digit")
    if currency is not None:
        add(
            "display currency",
            currency.code,
            f"{currency.rate} {currency.code} per USD on {currency.as_of.isoformat()}, "
            "given by the user",
        )
    if usage_source:
        add("usage file", usage_source)
    if scenario is None:
        return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)
    add("scenario", scenario.name, scenario.source or "")
    add("start", scenario.start, "first month forecast")
    add("months", scenario.months, "horizon")
    budget = scenario.budget
    add("budget monthly", budget.monthly if budget else None, "USD per month")
    add("budget total", budget.total if budget else None, "USD over the horizon")
    for workload in scenario.workloads:
        for name, value, note in _workload_inputs(workload):
            label = f"{workload.name}: {name}"
            if isinstance(value, Range):
                add(label, value.base, note, value.low, value.high)
            else:
                add(label, value, note)
    return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)


def _workload_inputs(workload: Workload) -> list[tuple[str, Any, str]]:
    out: list[tuple[str, Any, str]] = []
    for f in dataclasses.fields(Workload):
        value = getattr(workload, f.name)
        if f.name == "name" or value is None:
            continue
        note = str(f.metadata.get("doc", "")) if f.metadata else ""
        if isinstance(value, tuple):  # growth, one rate per month from the second
            out += [(f"{f.name} (month {k + 2})", v, note) for k, v in enumerate(value)]
        elif isinstance(value, Routing):
            out.append((f.name, describe(value), note))
        elif isinstance(value, Images):
            out.append(
                (
                    f.name,
                    f"{value.width}x{value.height} {value.detail}",
                    "images per request: see low/base/high",
                )
            )
            out.append(("images.count", value.count, "images per request"))
        else:
            out.append((f.name, value, note))
    return out


def month_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose ``month`` (``YYYY-MM``) is the month's first day as a date; other labels
    (a ``total`` row) stay text."""
    if "month" not in frame:
        return frame
    out = frame.copy()
    out["month"] = column(_first_day(m) for m in out["month"])
    return out


def _first_day(label: Any) -> Any:
    text = str(label)
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return date(int(text[:4]), int(text[5:]), 1)
    return label


def in_currency(frame: pd.DataFrame, currency: DisplayCurrency) -> pd.DataFrame:
    """A copy with each USD column followed by its conversion (``<name>_<code>``, exact)."""
    out = frame.copy()
    suffix = currency.code.lower()
    for name in list(frame.columns):
        if not is_money(str(name)) or str(name).endswith(f"_{suffix}"):
            continue
        position = list(out.columns).index(name) + 1
        values = column(
            currency.convert(v) if isinstance(v, Decimal) else None for v in frame[name]
        )
        out.insert(position, f"{name}_{suffix}", values)
    return out


def finance_tables(
    tables: dict[str, pd.DataFrame],
    *,
    book: PriceBook,
    scenario: Scenario | None = None,
    usage_source: str | None = None,
    currency: DisplayCurrency | None = None,
    on: date | None = None,
) -> dict[str, pd.DataFrame]:
    """``tables`` made ready to hand on: an assumptions sheet first, months as dates and, with
    a display currency, converted money columns beside the USD ones."""
    out = {
        "assumptions": assumptions(
            scenario, book, usage_source=usage_source, currency=currency, on=on
        )
    }
    for name, frame in tables.items():
        sheet = month_dates(frame)
        if currency is not None:
            sheet = in_currency(sheet, currency)
        out[name] = sheet
    return out
