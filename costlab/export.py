"""Export tables (forecast, comparison, actuals) to CSV, XLSX and JSON.

* **CSV**: exact decimal text (money with at least two decimals, counts without trailing
  zeros), never a float's approximation.
* **XLSX**: a sheet per table, a bold frozen header; numbers are written as numbers (the
  exact decimal text goes into the file; Excel reads it as a double), money columns with a
  currency format, counts with thousands separators.
* **JSON**: ``{"table": [rows]}`` with Decimals as exact strings.

Money columns are recognised by name (:func:`costlab.forecast.is_money`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
import pandas as pd

from costlab.errors import CostlabError
from costlab.money import plain
from costlab.tables import exact_text, is_money, records

ExportFormat = Literal["csv", "xlsx", "json"]

#: Excel number formats: dollars with cents (more decimals shown for sub-cent unit costs), and
#: counts with thousands separators.
USD_FORMAT = '"$"#,##0.00####'
COUNT_FORMAT = "#,##0"
_COUNTS = ("requests", "tasks", "tokens")


def _cell_text(value: Any, money: bool) -> Any:
    if isinstance(value, Decimal):
        return plain(value) if money else exact_text(value)
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """One table as CSV text, Decimals as exact text."""
    buffer = io.StringIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, target: str | Path | TextIO) -> None:
    """Write one table as CSV (to a path or an open text buffer)."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object:
            money = is_money(str(name))
            out[name] = [_cell_text(v, money) for v in out[name]]
    out.to_csv(target, index=False, lineterminator="\n")


def json_data(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[dict[str, Any]]]:
    """Tables as JSON-ready lists of rows (Decimals as exact strings)."""
    return {name: records(frame) for name, frame in tables.items()}


def write_json(tables: Mapping[str, pd.DataFrame], path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(json_data(tables), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _excel_value(value: Any) -> Any:
    """A cell value openpyxl writes as a number, text, boolean, date or empty."""
    if value is None:
        return None
    if isinstance(value, Decimal | bool | int | float | str | date | datetime):
        if isinstance(value, float) and np.isnan(value):
            return None
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _format_for(name: str) -> str | None:
    if is_money(name):
        return USD_FORMAT
    stem = name.removesuffix("_low").removesuffix("_high")
    if stem.endswith(_COUNTS) or stem in _COUNTS:
        return COUNT_FORMAT
    return None


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, no []:*?/\\, unique."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "table"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def xlsx_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook :func:`write_xlsx` writes, in memory (for a download button)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "costlab.xlsx"
        write_xlsx(tables, path)
        return path.read_bytes()


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path) -> None:
    """One sheet per table; numbers as numbers with currency and count formats."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    # write-only mode streams rows, so a 100,000-row table does not sit in memory as cells
    book = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for name, frame in tables.items():
        sheet = book.create_sheet(_sheet_name(name, used))
        sheet.freeze_panes = "A2"
        columns = [str(c) for c in frame.columns]
        for i, column in enumerate(columns):
            letter = _column_letter(i + 1)
            sheet.column_dimensions[letter].width = max(10, min(40, len(column) + 2))
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [_format_for(c) for c in columns]
        for row in frame.itertuples(index=False, name=None):
            cells: list[Any] = []
            for value, number_format in zip(row, formats, strict=True):
                value = _excel_value(value)
                if (
                    number_format
                    and isinstance(value, Decimal | int | float)
                    and not isinstance(value, bool)
                ):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    try:
        book.save(str(path))
    except OSError as exc:
        raise CostlabError(f"cannot write the workbook: {exc.strerror}", str(path)) from None


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def export_tables(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    table: str | None = None,
) -> list[Path]:
    """Write tables to ``path`` by its suffix: ``.xlsx`` (a sheet each), ``.json`` (one object),
    ``.csv`` (one table: ``table``, or the first), or a folder (a CSV per table).

    Returns the files written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(tables, target)
        return [target]
    if suffix == ".json":
        write_json(tables, target)
        return [target]
    if suffix == ".csv":
        name = table or next(iter(tables))
        if name not in tables:
            raise CostlabError(f"no table '{name}'; tables: {', '.join(tables)}", str(target))
        write_csv(tables[name], target)
        return [target]
    if suffix:
        raise CostlabError("unknown export format; use .csv, .xlsx, .json or a folder", str(target))
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        file = target / f"{name}.csv"
        write_csv(frame, file)
        written.append(file)
    return written
