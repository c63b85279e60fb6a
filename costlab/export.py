"""Export tables (forecast, comparison, actuals) to CSV, XLSX and JSON.

* **CSV**: exact decimal text (money with at least two decimals, counts without trailing
  zeros), never a float's approximation.
* **XLSX**: a sheet per table, a bold frozen header; numbers are written as numbers (the
  exact decimal text goes into the file; Excel reads it as a double), money columns with a
  currency format, counts with thousands separators.
* **JSON**: ``{"table": [rows]}`` with Decimals as exact strings.

Money columns are recognised by name (:func:`costlab.forecast.is_money`).

Safe by construction, because names in these tables (workloads, scenarios, models, line items)
come from users:

* **No live formulas**: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is written with a leading ``'`` in CSV and XLSX (OWASP's advice against CSV
  injection); numbers stay numbers (``-3.5`` as a number is not text), and every XLSX text
  cell is typed as a string, so no cell is ever a formula.
* **Nothing lost**: every file is written to a temporary file in the same folder and renamed
  into place (:func:`os.replace`), so a failed write (a full disk) leaves the previous file
  as it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
import pandas as pd

from costlab.errors import CostlabError
from costlab.money import plain
from costlab.output_files import atomic_write, file_path
from costlab.tables import exact_text, is_money, records

ExportFormat = Literal["csv", "xlsx", "json"]

#: Excel number formats: dollars with cents (more decimals shown for sub-cent unit costs), and
#: counts with thousands separators.
USD_FORMAT = '"$"#,##0.00####'
COUNT_FORMAT = "#,##0"
#: Percentage points (``variance_pct``) keep their value; fractions (shares) are scaled by Excel.
PERCENT_POINTS_FORMAT = '0.0#"%"'
SHARE_FORMAT = "0.0%"
#: Columns that hold a fraction of a whole.
SHARE_COLUMNS = frozenset({"cost_share", "served", "reach", "cached_input_share", "batch_share"})
_COUNTS = ("requests", "tasks", "tokens")

#: First characters that make a spreadsheet read a text cell as a formula (or a DDE payload).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text a spreadsheet will not run: a leading ``'`` when it could start a formula.

    >>> safe_text("=1+2"), safe_text("support bot"), safe_text("-3")
    ("'=1+2", 'support bot', "'-3")
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell_text(value: Any, money: bool) -> Any:
    if isinstance(value, Decimal):
        return plain(value) if money else exact_text(value)  # a number, never prefixed
    if isinstance(value, str):
        # A bare carriage return is not quoted by the csv module when lines end in "\n", so a
        # reader would split the row there; as "\n" it is quoted and stays in its cell.
        return safe_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """One table as CSV text, Decimals as exact text."""
    buffer = io.StringIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, target: str | Path | TextIO) -> None:
    """Write one table as CSV (to a path, atomically, or to an open text buffer)."""
    out = frame.copy()
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name].dtype):
            money = is_money(str(name))
            out[name] = [_cell_text(v, money) for v in out[name]]
    if isinstance(target, str | Path):

        def write(path: Path) -> None:
            with path.open("w", encoding="utf-8", newline="") as stream:
                out.to_csv(stream, index=False, lineterminator="\n")

        atomic_write(target, write)
        return
    out.to_csv(target, index=False, lineterminator="\n")


def json_data(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[dict[str, Any]]]:
    """Tables as JSON-ready lists of rows (Decimals as exact strings)."""
    return {name: records(frame) for name, frame in tables.items()}


def write_json(tables: Mapping[str, pd.DataFrame], path: str | Path) -> None:
    """Tables as one JSON object, written atomically."""
    text = json.dumps(json_data(tables), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


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


def _text_cell(sheet: Any, text: str, font: Any = None) -> Any:
    """A cell that holds ``text`` as a string: never a formula (openpyxl would make any text
    starting with ``=`` one), and prefixed when a spreadsheet could still read it as one."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=safe_text(text))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _format_for(name: str) -> str | None:
    if is_money(name):
        return USD_FORMAT
    base, _, code = name.rpartition("_")
    if len(code) == 3 and code.isalpha() and is_money(base):
        # a money column converted to a display currency (``total_cost_eur``)
        return f'#,##0.00## "{code.upper()}"'
    if name.endswith("_pct"):
        return PERCENT_POINTS_FORMAT  # 3.8961 means 3.8961 percent: shown "3.9%", not scaled
    if name in SHARE_COLUMNS or name.startswith("p_over"):
        return SHARE_FORMAT  # a fraction: 0.25 shows "25.0%"
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
    """One sheet per table; numbers as numbers with currency and count formats; written to a
    temporary file and renamed, so a failed save leaves an existing workbook intact."""
    # The temporary file is created first: a folder that cannot be written fails before any
    # sheet is built.
    atomic_write(path, lambda temporary: _save_workbook(tables, temporary))


def _save_workbook(tables: Mapping[str, pd.DataFrame], path: Path) -> None:
    from openpyxl import Workbook

    try:  # write-only sheets stream their rows to temporary files through lxml when it is there
        from lxml.etree import SerialisationError as XmlWriteError
    except ImportError:  # pragma: no cover - et_xmlfile writes with Python's files: OSError
        XmlWriteError = OSError

    # write-only mode streams rows, so a 100,000-row table does not sit in memory as cells
    book = Workbook(write_only=True)
    try:
        _fill_sheets(book, tables)
        # built in memory (compressed: a few MB), then written: saved straight to a full disk,
        # openpyxl left its zip file open, and Python printed "Exception ignored ... No space
        # left on device" with a traceback at exit, after costlab's one error line
        buffer = io.BytesIO()
        book.save(buffer)
    except BaseException as exc:
        # Write-only sheets hold open XML generators; left to the garbage collector after a
        # failure, each prints an "Exception ignored" traceback. Close them here, quietly.
        for sheet in book.worksheets:
            with contextlib.suppress(Exception):
                sheet.close()
        if isinstance(exc, XmlWriteError) and not isinstance(exc, OSError):
            # a full temporary folder: lxml's IO_ENOSPC, which read as "malformed XML"
            raise OSError(f"the workbook's temporary files: {exc}") from None
        raise
    path.write_bytes(buffer.getvalue())


def _fill_sheets(book: Any, tables: Mapping[str, pd.DataFrame]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    used: set[str] = set()
    bold = Font(bold=True)
    for name, frame in tables.items():
        sheet = book.create_sheet(_sheet_name(name, used))
        sheet.freeze_panes = "A2"
        columns = [str(c) for c in frame.columns]
        for i, column in enumerate(columns):
            letter = _column_letter(i + 1)
            sheet.column_dimensions[letter].width = max(10, min(40, len(column) + 2))
        sheet.append([_text_cell(sheet, column, bold) for column in columns])
        formats = [_format_for(c) for c in columns]
        for row in frame.itertuples(index=False, name=None):
            cells: list[Any] = []
            for value, number_format in zip(row, formats, strict=True):
                value = _excel_value(value)
                if isinstance(value, str):
                    cells.append(_text_cell(sheet, value))
                elif (
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
    if suffix in (".xlsx", ".json", ".csv"):
        target = file_path(path)  # report.csv/ is refused, not written as report.csv
    elif os.path.basename(os.fspath(path)) in ("", ".", ".."):
        suffix = ""  # ends in a separator: a folder, whatever its name (reports.v2/)
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
    if target.exists() and not target.is_dir():  # mkdir would say only "File exists"
        raise CostlabError(
            "a name without .csv, .xlsx or .json is a folder to write, and this is a file; "
            "give an ending or another name",
            str(target),
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CostlabError(
            f"cannot create the folder: {exc.strerror or exc}", str(target)
        ) from None
    written = []
    for name, frame in tables.items():
        file = target / f"{name}.csv"
        write_csv(frame, file)
        written.append(file)
    return written
