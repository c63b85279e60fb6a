"""FOCUS 1.2 exports: the file checked against the specification's columns and types."""

from __future__ import annotations

import csv
import os
import re
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import training_file

from costlab.actuals import load_actuals
from costlab.errors import CostlabError
from costlab.focus import focus_actuals, focus_forecast, write_focus
from costlab.forecast import forecast_scenario
from costlab.prices import load_pricebook
from costlab.scenario import load_scenario
from costlab.tables import exact_sum

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

# From the FOCUS 1.2 specification [FOCUS] (specification/columns/*.md at tag v1.2): the
# Mandatory columns, and the data type and null rule of every column costlab writes.
MANDATORY = {
    "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
    "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
    "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
    "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit",
    "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
}  # fmt: skip
TYPES = {  # column: (data type, allows nulls)
    "BilledCost": ("Decimal", False),
    "BillingAccountId": ("String", False),
    "BillingAccountName": ("String", True),
    "BillingCurrency": ("String", False),
    "BillingPeriodEnd": ("Date/Time", False),
    "BillingPeriodStart": ("Date/Time", False),
    "ChargeCategory": ("String", False),
    "ChargeClass": ("String", True),
    "ChargeDescription": ("String", True),
    "ChargeFrequency": ("String", False),
    "ChargePeriodEnd": ("Date/Time", False),
    "ChargePeriodStart": ("Date/Time", False),
    "ConsumedQuantity": ("Decimal", True),
    "ConsumedUnit": ("String", True),
    "ContractedCost": ("Decimal", False),
    "ContractedUnitPrice": ("Decimal", True),
    "EffectiveCost": ("Decimal", False),
    "InvoiceIssuerName": ("String", False),
    "ListCost": ("Decimal", False),
    "ListUnitPrice": ("Decimal", True),
    "PricingCategory": ("String", True),
    "PricingQuantity": ("Decimal", True),
    "PricingUnit": ("String", True),
    "ProviderName": ("String", False),
    "PublisherName": ("String", False),
    "ServiceCategory": ("String", False),
    "ServiceName": ("String", False),
    "SkuId": ("String", True),
    "SkuMeter": ("String", True),
    "SkuPriceId": ("String", True),
}
# NumericFormat: digits, one optional decimal point, a minus sign only for negatives, no
# separators or units. DateTimeFormat: 'YYYY-MM-DDTHH:mm:ssZ', UTC.
NUMERIC = re.compile(r"-?\d+(\.\d+)?")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def check_focus_file(path: Path) -> list[dict[str, str]]:
    """Validate a FOCUS CSV against the lists above; return its rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    assert set(header) >= MANDATORY, MANDATORY - set(header)
    for name in header:
        assert name in TYPES or name.startswith("x_"), f"{name}: not FOCUS and not x_"
    for row in rows:
        for name, (kind, nulls) in TYPES.items():
            value = row[name]
            if value == "":
                assert nulls, f"{name} is null"
                continue
            if kind == "Decimal":
                assert NUMERIC.fullmatch(value), f"{name}: {value!r} is not NumericFormat"
            elif kind == "Date/Time":
                assert DATETIME.fullmatch(value), f"{name}: {value!r} is not DateTimeFormat"
        assert row["ChargePeriodStart"] < row["ChargePeriodEnd"]
        assert row["BillingPeriodStart"] <= row["ChargePeriodStart"]
        assert row["ChargePeriodEnd"] <= row["BillingPeriodEnd"]
        assert row["ServiceCategory"] == "AI and Machine Learning"
        # Tokens where a quantity is known; audio, image, tool and fixed one-off costs carry none
        assert row["ConsumedUnit"] in ("Tokens", "") and row["PricingUnit"] in (
            "1000000 Tokens",
            "",
        )
        assert (row["ConsumedUnit"] == "") == (row["ConsumedQuantity"] == "")
        assert "nan" not in row.values(), row  # a null is an empty cell, never the text nan
        # The specification: PricingQuantity x ContractedUnitPrice = ContractedCost.
        if row["ContractedUnitPrice"]:
            quantity, price = Decimal(row["PricingQuantity"]), Decimal(row["ContractedUnitPrice"])
            assert quantity * price == Decimal(row["ContractedCost"])
            assert Decimal(row["ConsumedQuantity"]) == quantity * 1_000_000
    return rows


def test_actuals_as_a_focus_file(tmp_path: Path, book) -> None:
    actuals = load_actuals(DATA / "openai-usage-export.csv", book=book)
    path = write_focus(focus_actuals(actuals, book=book, list_book=book), tmp_path / "f.csv")
    rows = check_focus_file(path)
    # 0.54 + 0.18 + 0.28 (the hand calculation in test_actuals.py), split by token kind.
    assert exact_sum(Decimal(r["BilledCost"]) for r in rows) == actuals.total_cost
    assert actuals.total_cost == Decimal("1.00")
    meters = {(r["x_Model"], r["x_Batch"], r["SkuMeter"], r["ChargePeriodStart"][:7]) for r in rows}
    assert ("gpt-4.1-nano", "true", "Input Tokens", "2027-01") in meters
    nano = next(
        r for r in rows if r["x_Model"] == "gpt-4.1-nano" and r["SkuMeter"] == "Input Tokens"
    )
    # Batch: 2M input tokens at $0.05 per 1M (half the $0.10 list input price) = $0.10.
    assert (nano["PricingQuantity"], nano["ContractedUnitPrice"], nano["BilledCost"]) == (
        "2",
        "0.05",
        "0.1",
    )


def test_list_cost_is_the_public_price_and_contracted_the_users(
    tmp_path: Path, price_file, book
) -> None:
    # A negotiated $0.30 input price on gpt-4.1-mini (list $0.40): contracted < list.
    override = price_file(
        """\
        provider: openai
        models:
          - id: gpt-4.1-mini
            price:
              effective_from: 2025-04-14
              source: https://example.com/our-contract
              input: 0.30
              cached_input: 0.10
              output: 1.60
              batch_discount: 0.5
        """
    )
    mine = load_pricebook([override], use_env=False)
    actuals = load_actuals(DATA / "openai-usage-export.csv", book=mine)
    rows = check_focus_file(
        write_focus(focus_actuals(actuals, book=mine, list_book=book), tmp_path / "f.csv")
    )
    row = next(
        r
        for r in rows
        if r["x_Model"] == "gpt-4.1-mini"
        and r["SkuMeter"] == "Input Tokens"
        and r["ChargePeriodStart"].startswith("2027-01")
    )
    # 600,000 uncached input tokens: $0.18 contracted at $0.30, $0.24 listed at $0.40.
    assert (row["ContractedCost"], row["ListCost"], row["ListUnitPrice"]) == ("0.18", "0.24", "0.4")


def test_a_forecast_in_focus_shape_is_labelled_non_conformant(tmp_path: Path, book) -> None:
    fc = forecast_scenario(load_scenario(ROOT / "examples/launch-ranges.yaml", book=book))
    rows = check_focus_file(write_focus(focus_forecast(fc), tmp_path / "fc.csv"))
    assert {r["x_Conformance"] for r in rows} == {"non-conformant: forecast"}
    assert {r["x_Band"] for r in rows} == {"base", "low", "high"}
    base = exact_sum(Decimal(r["BilledCost"]) for r in rows if r["x_Band"] == "base")
    assert base == fc.total_cost


def test_parquet_keeps_the_types(tmp_path: Path, book) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    actuals = load_actuals(DATA / "openai-usage-export.csv", book=book)
    path = write_focus(focus_actuals(actuals, book=book), tmp_path / "f.parquet")
    schema = pq.read_table(path).schema
    assert str(schema.field("BilledCost").type) == "decimal128(38, 20)"
    assert str(schema.field("ChargePeriodStart").type).startswith("timestamp")
    assert str(schema.field("ServiceName").type) == "string"


def test_the_actuals_command_writes_focus(tmp_path: Path, cli) -> None:
    out = tmp_path / "focus.csv"
    result = cli("actuals", str(ROOT / "examples" / "usage.csv"), "--focus", str(out))
    assert result.code == 0, result.err
    assert "FOCUS 1.2 row(s)" in result.err
    assert check_focus_file(out)


def test_every_billed_component_has_a_focus_meter() -> None:
    """A component added to the usage vocabulary must get a FOCUS SkuMeter too."""
    from costlab import focus
    from costlab.usage import COMPONENTS

    assert [(m[0], m[1]) for m in focus._METERS] == [(c.rate, c.tokens) for c in COMPONENTS]


ONE_OFF_SCENARIO = """\
name: tuned-support
start: 2027-01
months: 3
one_off:
  - {name: setup, cost: 250, month: 2027-02}
  - {name: tune, training: train.jsonl, model: gpt-4.1-mini}
workloads:
  - name: answer
    model: gpt-4.1-mini
    requests_per_day: 20000
    input_tokens: {low: 1000, base: 1200, high: 1500}
    output_tokens: 150
"""


def _tuned(tmp_path: Path) -> Path:
    training_file(tmp_path / "train.jsonl")
    path = tmp_path / "tuned.yaml"
    path.write_text(ONE_OFF_SCENARIO)
    return path


def test_a_forecasts_one_offs_are_one_time_rows_in_every_band(tmp_path: Path, book) -> None:
    fc = forecast_scenario(load_scenario(_tuned(tmp_path)), book=book)
    rows = check_focus_file(write_focus(focus_forecast(fc), tmp_path / "fc.csv"))
    for band, total in (("base", fc.total_cost), ("low", fc.total_cost_low)):
        assert exact_sum(Decimal(r["BilledCost"]) for r in rows if r["x_Band"] == band) == total
    once = [r for r in rows if r["ChargeFrequency"] == "One-Time" and r["x_Band"] == "base"]
    setup, tune = sorted(once, key=lambda r: r["SkuMeter"])
    assert (setup["SkuMeter"], setup["ChargeCategory"], setup["BilledCost"]) == (
        "One-Time", "Purchase", "250"
    )  # fmt: skip
    assert setup["ChargePeriodStart"].startswith("2027-02-01")
    assert setup["ProviderName"] == "unspecified" and setup["ConsumedQuantity"] == ""
    # The training run: tokens x epochs at gpt-4.1-mini's training price, in the first month.
    (charge,) = [c for c in fc.one_offs if c.model]
    assert tune["SkuMeter"] == "Training Tokens" and tune["ChargeCategory"] == "Usage"
    assert tune["ConsumedQuantity"] == str(charge.training_tokens)
    assert tune["ChargePeriodStart"].startswith("2027-01-01") and tune["ProviderName"] == "OpenAI"
    quantity, price = Decimal(tune["PricingQuantity"]), Decimal(tune["ContractedUnitPrice"])
    assert quantity * price == Decimal(tune["BilledCost"]) == charge.cost > 0


def test_the_forecast_command_writes_focus_rows(tmp_path: Path, cli) -> None:
    out = tmp_path / "fc.csv"
    result = cli("forecast", str(_tuned(tmp_path)), "--focus", str(out))
    assert result.code == 0, result.err
    assert "not a FOCUS dataset" in result.out
    rows = check_focus_file(out)
    assert {r["x_Conformance"] for r in rows} == {"non-conformant: forecast"}
    assert sum(r["ChargeFrequency"] == "One-Time" for r in rows) == 6  # 2 one-offs x 3 bands


def test_media_forecast_rows_have_empty_cells_not_nan(tmp_path: Path, cli) -> None:
    """pandas 3 turned the None of a text column into NaN, written as the text 'nan'."""
    out = tmp_path / "voice.csv"
    result = cli("forecast", str(ROOT / "examples" / "voice.yaml"), "--focus", str(out))
    assert result.code == 0, result.err
    rows = check_focus_file(out)
    assert any(r["SkuMeter"] == "Audio" for r in rows)


def test_parquet_is_written_whole_with_nulls_and_never_into_a_fifo(tmp_path: Path, book) -> None:
    """Parquet was written in place (a FIFO there hung the run) and wrote pandas 3's NaN of an
    empty text cell as the text 'nan' (both found by a red team)."""
    pq = pytest.importorskip("pyarrow.parquet")
    fc = forecast_scenario(load_scenario(ROOT / "examples" / "voice.yaml"), book=book)
    path = write_focus(focus_forecast(fc), tmp_path / "f.parquet")
    table = pq.read_table(path).to_pylist()
    assert all("nan" not in (v for v in row.values() if isinstance(v, str)) for row in table)
    assert any(row["ConsumedUnit"] is None for row in table)
    fifo = tmp_path / "p.parquet"
    os.mkfifo(fifo)
    # refused, neither written into (that hung) nor renamed over (as root, /dev/full too)
    with pytest.raises(CostlabError, match="not a regular file"):
        write_focus(focus_forecast(fc), fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_empty_focus_path_is_an_error_not_ignored(cli) -> None:
    result = cli("forecast", str(ROOT / "examples" / "support-bot.yaml"), "--focus", "")
    assert result.code == 2 and "--focus: needs a file name" in result.err
