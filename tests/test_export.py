"""Exports: CSV with exact decimal text, XLSX with numbers as numbers, JSON with strings."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from costlab.errors import CostlabError
from costlab.export import USD_FORMAT, csv_text, export_tables
from costlab.forecast import forecast_scenario
from costlab.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fc(book):
    return forecast_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book), book=book
    )


def test_xlsx_has_a_sheet_per_table_and_numbers_as_numbers(fc, tmp_path: Path) -> None:
    path = tmp_path / "forecast.xlsx"
    assert export_tables(fc.tables(), path) == [path]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["months", "workloads", "routes", "lines", "budget", "flags"]
    sheet = book["months"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["month"].value == "2027-01"
    assert isinstance(row["total_cost"].value, float)
    assert row["total_cost"].value == 351.54
    assert row["total_cost"].number_format == USD_FORMAT
    assert isinstance(row["requests"].value, int) and row["requests"].value == 651_000
    assert row["requests"].number_format == "#,##0"
    feb = {h: c.value for h, c in zip(header, sheet[3], strict=True)}
    assert feb["total_cost"] == pytest.approx(349.272)
    assert feb["over_budget"] is False
    assert sheet.max_row == 13  # header + 12 months
    assert book["budget"]["D2"].value == "2027-03" or "2027-03" in [
        c.value for c in book["budget"][2]
    ]


def test_csv_keeps_exact_decimal_text(fc) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_text(fc.months))))
    assert rows[0]["total_cost"] == "351.54"
    assert rows[1]["total_cost"] == "349.272"
    assert rows[0]["requests"] == "651000"
    assert rows[0]["monthly_budget"] == "400.00"
    # month 12: the exact value, no float rounding (1.1^11 has 11 decimals)
    assert Decimal(rows[11]["total_cost"]) == fc.months["total_cost"].iloc[11]


def test_json_and_csv_folder(fc, tmp_path: Path) -> None:
    path = tmp_path / "forecast.json"
    export_tables(fc.tables(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["months"][0]["total_cost"] == "351.54"
    assert data["budget"][0]["first_month_over"] == "2027-03"
    assert data["budget"][0]["monthly_budget"] == "400.00"
    written = export_tables(fc.tables(), tmp_path / "tables")
    assert sorted(p.name for p in written) == [
        "budget.csv",
        "flags.csv",
        "lines.csv",
        "months.csv",
        "routes.csv",
        "workloads.csv",
    ]
    one = export_tables(fc.tables(), tmp_path / "lines.csv", table="lines")
    assert one[0].read_text(encoding="utf-8").startswith("month,month_index,workload,role")


def test_bad_targets_are_clear_errors(fc, tmp_path: Path) -> None:
    with pytest.raises(CostlabError, match="unknown export format"):
        export_tables(fc.tables(), tmp_path / "x.pdf")
    with pytest.raises(CostlabError, match="no table 'nope'"):
        export_tables(fc.tables(), tmp_path / "x.csv", table="nope")


def test_workbook_cells_carry_percent_and_currency_formats(tmp_path) -> None:
    """Finance hands the workbook on: percentages and converted money show as such in Excel."""
    from decimal import Decimal

    import openpyxl
    import pandas as pd

    from costlab.export import export_tables

    table = pd.DataFrame(
        {
            "month": ["2027-01"],
            "actual_cost": [Decimal("19.995")],
            "actual_cost_eur": [Decimal("18.3954")],
            "variance_pct": [Decimal("3.8961")],
            "cost_share": [Decimal("0.25")],
        }
    )
    path = tmp_path / "book.xlsx"
    export_tables({"variance": table}, path)
    sheet = openpyxl.load_workbook(path)["variance"]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, 6)}
    assert cells["actual_cost"].number_format.startswith('"$"')
    assert cells["actual_cost_eur"].number_format.endswith('"EUR"')
    assert (
        cells["variance_pct"].value == 3.8961 and cells["variance_pct"].number_format == '0.0#"%"'
    )
    assert cells["cost_share"].value == 0.25 and cells["cost_share"].number_format == "0.0%"
