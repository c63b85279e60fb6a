"""The finance workbook: assumptions sheet, months as dates, a display currency; read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from costlab.actuals import load_actuals
from costlab.actuals.workbook import assumptions, finance_tables, month_dates
from costlab.errors import CostlabError
from costlab.money import parse_currency
from costlab.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_the_assumptions_sheet_lists_every_input_with_its_range(book) -> None:
    scenario = load_scenario(EXAMPLES / "launch-ranges.yaml", book=book)
    table = assumptions(scenario, book, on=dt.date(2026, 12, 2)).set_index("assumption")
    assert table.loc["made on", "value"] == "2026-12-02"
    assert table.loc["price book", "value"] == book.fingerprint  # the one fingerprint
    volume = table.loc["drafting: requests_per_day"]
    assert (volume["low"], volume["value"], volume["high"]) == (5000, 8000, 15000)
    assert table.loc["drafting: growth (month 9)", "high"] == Decimal("0.1")
    assert table.loc["budget total", "value"] == 20000


def test_months_become_dates_and_the_total_row_stays_text() -> None:
    import pandas as pd

    frame = month_dates(pd.DataFrame({"month": ["2027-01", "2027-02", "total"]}))
    assert list(frame["month"]) == [dt.date(2027, 1, 1), dt.date(2027, 2, 1), "total"]


def test_a_display_currency_converts_exactly_and_keeps_usd(book) -> None:
    eur = parse_currency("EUR", "0.92@2026-12-01")
    actuals = load_actuals(EXAMPLES / "usage.csv", book=book)
    sheets = finance_tables(actuals.tables(), book=book, currency=eur)
    months = sheets["actual_months"]
    # January: $351.54 x 0.92 = EUR 323.4168, exactly; the USD column is kept beside it.
    assert months["actual_cost"][0] == Decimal("351.54")
    assert months["actual_cost_eur"][0] == Decimal("323.4168")
    assert eur.format(Decimal("351.54")) == "EUR 323.42"
    with pytest.raises(CostlabError, match="UNITS_PER_USD@YYYY-MM-DD"):
        parse_currency("EUR", "0.92")
    with pytest.raises(CostlabError, match="3-letter"):
        parse_currency("EURO", "0.92@2026-12-01")


def test_the_exported_workbook_reads_back(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    out = tmp_path / "finance.xlsx"
    result = cli(
        "actuals",
        "usage.csv",
        "--scenario",
        "support-bot.yaml",
        "--explain",
        "--currency",
        "EUR",
        "--rate",
        "0.92@2026-12-01",
        "--export",
        str(out),
    )
    assert result.code == 0, result.err
    assert "EUR 323.42" in result.out
    book = load_workbook(out)
    assert book.sheetnames == [
        "assumptions",
        "actual_months",
        "actual_by_model",
        "variance",
        "variance_by_cause",
        "run_rate",
    ]
    sheet = book["actual_months"]
    header = [c.value for c in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert first["month"].value == dt.datetime(2027, 1, 1)  # a date, not text
    assert first["month"].is_date
    assert first["actual_cost"].value == pytest.approx(351.54)
    assert "$" in first["actual_cost"].number_format  # a number with a currency format
    assert first["actual_cost_eur"].value == pytest.approx(323.4168)
    cause = book["variance_by_cause"]
    names = [c.value for c in cause[1]]
    assert "volume_usd" in names and "price_usd" in names
    values = {row[0].value: row for row in book["assumptions"].iter_rows(min_row=2)}
    assert values["display currency"][1].value == "EUR"
    assert values["scenario"][1].value == "support-bot"


def test_currency_needs_its_rate(cli) -> None:
    result = cli("actuals", str(EXAMPLES / "usage.csv"), "--currency", "EUR")
    assert result.code == 2
    assert "--currency and --rate go together" in result.err
