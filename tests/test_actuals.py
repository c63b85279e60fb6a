"""Actuals: OpenAI usage and cost exports, the Usage API's JSON and a generic CSV, priced by
month; bad rows named by line and the rest still priced; actual vs forecast; a round trip."""

from __future__ import annotations

import textwrap
from decimal import Context, Decimal
from pathlib import Path

import pytest

from costlab.actuals import (
    load_actuals,
    parse_usage,
    usage_from_forecast,
    variance,
    write_usage_csv,
)
from costlab.errors import CostlabError
from costlab.forecast import forecast_scenario
from costlab.scenario import load_scenario, parse_scenario
from costlab.yaml_reader import load_yaml

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)


def months(actuals) -> dict[str, Decimal]:
    return dict(zip(actuals.months["month"], actuals.months["actual_cost"], strict=True))


# Hand calculations (USD per 1M tokens from the price book):
#   gpt-4.1-mini, 600k uncached x 0.40 + 600k cached x 0.10 + 150k out x 1.60 = 0.54
#   gpt-4.1-nano via Batch, 2M in x 0.05 + 400k out x 0.20 = 0.18
#   gpt-4.1-mini, 500k in x 0.40 + 50k out x 1.60 = 0.28


def test_openai_usage_export_csv(book) -> None:
    actuals = load_actuals("openai-usage-export.csv", book=book)
    assert actuals.file.format == "openai-usage-csv"
    assert months(actuals) == {"2027-01": Decimal("0.72"), "2027-02": Decimal("0.28")}
    by_model = actuals.by_model.set_index(["month", "model", "batch"])
    assert by_model.loc[("2027-01", "gpt-4.1-nano", True), "actual_cost"] == Decimal("0.18")
    assert by_model.loc[("2027-01", "gpt-4.1-mini", False), "requests"] == 1000
    assert actuals.problem_messages() == [
        "openai-usage-export.csv: line 5: input_tokens: must be >= 0"
    ]
    assert actuals.file.notes == ("skipped 1 bucket(s) without usage",)


def test_usage_api_json_buckets(book) -> None:
    actuals = load_actuals("usage-api-page.json", book=book)
    assert actuals.file.format == "openai-usage-json"
    assert months(actuals) == {"2027-01": Decimal("0.72")}
    assert actuals.problem_messages() == [
        "usage-api-page.json: data[1].results[0]: input_cached_tokens: cached tokens exceed "
        "input_tokens",
        "usage-api-page.json: data[1].results[1]: model: missing model (export the usage "
        "grouped by model)",
    ]
    assert actuals.file.notes == (
        "skipped 1 result(s) of type organization.usage.embeddings.result (not priced by costlab)",
    )


def test_a_list_of_pages_reads_like_one(book) -> None:
    page = (DATA / "usage-api-page.json").read_text(encoding="utf-8")
    both = parse_usage(f"[{page}, {page}]", "pages.json")
    assert len(both.usage) == 4
    assert both.problems[0].locations == ("[0].data[1].results[0]", "[1].data[1].results[0]")


def test_openai_cost_export_is_summed_as_billed_exactly(book) -> None:
    actuals = load_actuals("openai-costs-export.csv", book=book)
    assert actuals.file.format == "openai-costs-csv"
    assert months(actuals) == {
        "2027-01": Decimal("0.63"),
        "2027-02": Decimal("0.123456789012345678"),  # the file's text, not a float
    }
    assert actuals.problem_messages() == [
        "openai-costs-export.csv: line 6: amount_currency: only USD amounts are summed"
    ]
    assert set(actuals.by_model["model"]) == {"gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14"}


def test_generic_csv_names_every_bad_line_and_prices_the_good_ones(book) -> None:
    actuals = load_actuals("usage-generic.csv", book=book)
    assert actuals.file.format == "generic-csv"
    # line 2: 0.54; line 4: nano via Batch, 1M x 0.05 + 200k x 0.20 = 0.09
    assert months(actuals) == {"2027-01": Decimal("0.54"), "2027-02": Decimal("0.09")}
    assert actuals.problem_messages() == [
        "usage-generic.csv: line 3: input_tokens: not a number",
        "usage-generic.csv: line 5: model: unknown model 'gpt-9'; closest: gpt-5, gpt-4o, gpt-5.6",
        "usage-generic.csv: line 6: cached_input_tokens: cached tokens exceed input_tokens",
        "usage-generic.csv: line 7: date: not a date (expected YYYY-MM-DD or Unix seconds)",
        "usage-generic.csv: line 8: batch: must be true or false",
        "usage-generic.csv: line 9: input_tokens: must be a whole number",
        "usage-generic.csv: line 10: output_tokens: must be >= 0",
        "usage-generic.csv: line 11: model: missing model",
        "usage-generic.csv: line 12: output_tokens: missing value",
    ]


def test_many_rows_with_one_problem_are_summarised(book) -> None:
    rows = "".join(f"2027-01-{d:02d},gpt-9,1,0,1,1\n" for d in range(1, 29))
    usage = parse_usage(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests\n" + rows, "u.csv"
    )
    from costlab.actuals import price_usage_file

    actuals = price_usage_file(usage, book=book)
    (message,) = actuals.problem_messages()
    assert message.startswith("u.csv: line 2, line 3, line 4, line 5, line 6 (+23 more): model:")


def test_unrecognised_files_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        CostlabError, match=r"^x.csv: missing column\(s\) input_tokens, output_tokens"
    ):
        parse_usage("date,model,tokens\n2027-01-01,gpt-4.1,5\n", "x.csv")
    with pytest.raises(CostlabError, match=r"^x.json: invalid JSON"):
        parse_usage("{nope", "x.json")
    with pytest.raises(CostlabError, match=r"^x.json: expected a Usage API page"):
        parse_usage('{"object": "list"}', "x.json")
    with pytest.raises(CostlabError, match="no such usage file"):
        load_actuals(tmp_path / "missing.csv")


# --- against a forecast ----------------------------------------------------------------------

ROUND_TRIP = """\
name: round-trip
start: 2027-01
months: 3
workloads:
  - name: assistant
    requests_per_month: 1000
    growth: [0.5, 0.2]
    input_tokens: 1000
    cached_input_share: 0.5
    output_tokens: 200
    batch_share: 0.2
    routing:
      legs:
        - {model: gpt-4.1-nano, share: 0.3}
        - {model: gpt-4.1-mini, share: 0.7}
      escalation: {model: gpt-4.1, rate: 0.05}
  - name: digest
    model: gpt-5-mini
    requests_per_month: 30
    input_tokens: 5000
    reasoning_tokens: 700
    output_tokens: 300
"""


def test_a_usage_file_written_from_a_forecast_reproduces_it(tmp_path: Path, book) -> None:
    scenario = parse_scenario(load_yaml(ROUND_TRIP, "rt.yaml"), "rt.yaml", book=book)
    fc = forecast_scenario(scenario, book=book)
    usage = usage_from_forecast(fc)
    assert set(usage.columns) >= {
        "date",
        "model",
        "input_tokens",
        "cached_input_tokens",
        "output_tokens",
        "requests",
        "batch",
    }
    path = tmp_path / "usage.csv"
    write_usage_csv(usage, path)
    actuals = load_actuals(path, book=book)
    assert not actuals.problems
    assert list(actuals.months["actual_cost"]) == list(fc.months["total_cost"])
    table = variance(actuals, fc)
    assert list(table["variance_usd"]) == [0, 0, 0]
    assert list(table["variance_pct"]) == [0, 0, 0]
    assert all(table["within_band"])
    assert actuals.total_cost == fc.total_cost


def test_variance_in_dollars_and_percent(tmp_path: Path, book) -> None:
    fc = forecast_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book), book=book
    )
    # January as forecast ($351.54), February 10% over ($349.272 x 1.1 = $384.1992)
    path = tmp_path / "usage.csv"
    path.write_text(
        textwrap.dedent(
            """\
            date,model,input_tokens,cached_input_tokens,output_tokens,requests
            2027-01-15,gpt-4.1-mini,781200000,390600000,97650000,651000
            2027-02-15,gpt-4.1-mini,853776000,426888000,106722000,711480
            """
        ),
        encoding="utf-8",
    )
    table = variance(load_actuals(path, book=book), fc).set_index("month")
    assert table.loc["2027-01", "actual_cost"] == Decimal("351.54")
    assert table.loc["2027-01", "variance_usd"] == 0
    assert table.loc["2027-02", "actual_cost"] == Decimal("384.1992")
    assert table.loc["2027-02", "variance_usd"] == Decimal("34.9272")
    assert table.loc["2027-02", "variance_pct"] == Decimal(10)
    # only the months the usage covers: March has not happened yet
    assert list(table.index) == ["2027-01", "2027-02"]


def test_a_month_without_usage_inside_the_span_counts_as_zero(tmp_path: Path, book) -> None:
    fc = forecast_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book), book=book
    )
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests\n"
        "2027-01-15,gpt-4.1-mini,781200000,390600000,97650000,651000\n"
        "2027-03-15,gpt-4.1-mini,1200,600,150,1\n"
        "2028-02-01,gpt-4.1-mini,1200,600,150,1\n",
        encoding="utf-8",
    )
    table = variance(load_actuals(path, book=book), fc).set_index("month")
    assert table.loc["2027-02", "actual_cost"] == 0
    assert table.loc["2027-02", "variance_pct"] == Decimal(-100)
    # usage after the horizon: no forecast to compare with
    assert table.loc["2028-02", "forecast_cost"] is None
    assert table.loc["2028-02", "variance_usd"] is None
    assert len(table) == 13


def test_a_forecast_with_fractional_figures_is_not_written_as_usage(book) -> None:
    fc = forecast_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book), book=book
    )
    with pytest.raises(
        CostlabError,
        match=r"support-bot.yaml: 2027-05 gpt-4.1-mini: requests is 953129.1, not a whole number",
    ):
        usage_from_forecast(fc)


def test_a_variance_keeps_every_digit_of_a_long_horizon(tmp_path: Path, book) -> None:
    # month 50 of 10% growth has a forecast of many digits; "-" rounded the variance to 28
    text = (ROOT / "examples" / "support-bot.yaml").read_text().replace("months: 12", "months: 60")
    fc = forecast_scenario(
        parse_scenario(load_yaml(text, "s.yaml"), "s.yaml", book=book), book=book
    )
    path = tmp_path / "usage.csv"
    path.write_text("date,model,input_tokens,output_tokens\n2031-02-15,gpt-4.1-mini,1000,100\n")
    [row] = variance(load_actuals(path, book=book), fc).to_dict("records")
    assert row["month"] == "2031-02"
    wide = Context(prec=500)
    assert row["variance_usd"] == wide.subtract(row["actual_cost"], row["forecast_cost"])
    assert len(row["variance_usd"].as_tuple().digits) > 28
