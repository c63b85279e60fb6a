"""One-off costs in a scenario: a fine-tuning run or any amount charged once, in one month."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import training_file

from costlab.errors import CostlabError
from costlab.finetune import count_training, price_training
from costlab.forecast import forecast_scenario
from costlab.forecast.small import small_forecast
from costlab.scenario import load_scenario

SCENARIO = """\
name: tuned-support
start: 2027-01
months: 3
budget: {monthly: 1200}
one_off:
ONE_OFF
workloads:
  - name: answer
    model: gpt-4.1-mini
    requests_per_day: 20000
    input_tokens: 1200
    output_tokens: 150
"""


def _scenario(tmp_path: Path, one_off: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("ONE_OFF", one_off))
    return path


def test_a_fixed_one_off_lands_in_its_month_on_both_engines(tmp_path: Path, book) -> None:
    path = _scenario(tmp_path, "  - {name: fine-tune, cost: 250, month: 2027-02}")
    scenario = load_scenario(path)
    fc = forecast_scenario(scenario, book=book)
    small = small_forecast(scenario, book=book)
    assert small is not None
    # February: 28 days x 20,000 x (1,200 x $0.40 + 150 x $1.60) / 1M = $403.20, + $250
    months = fc.months.to_dict("records")
    assert [m["one_off_cost"] for m in months] == [0, 250, 0]
    assert months[1]["total_cost"] == Decimal("403.20") + 250
    assert months[2]["cumulative_cost"] == Decimal("446.40") * 2 + Decimal("653.20")
    assert fc.total_cost == small.total_cost == Decimal("1546.00")
    assert [r["total_cost"] for r in small.months] == [m["total_cost"] for m in months]
    assert months[1]["headroom"] == Decimal(1200) - Decimal("653.20")


def test_a_training_file_is_charged_what_estimate_prices_it(tmp_path: Path, book) -> None:
    training_file(tmp_path / "train.jsonl")
    path = _scenario(tmp_path, "  - {name: tune, training: train.jsonl, model: gpt-4.1-mini}")
    fc = forecast_scenario(load_scenario(path), book=book)
    text = (tmp_path / "train.jsonl").read_text()
    expected = price_training(
        count_training(text, model="gpt-4.1-mini", book=book),
        book=book,
        on=fc.scenario.month_starts()[0],
    ).total_cost
    assert expected > 0
    assert fc.months["one_off_cost"].iloc[0] == expected


@pytest.mark.parametrize(
    ("one_off", "message"),
    [
        (
            "  - {name: x, cost: 5, month: 2028-01}",
            "one_off[0] (x): month: 2028-01 is outside the forecast",
        ),
        ("  - {name: x, cost: 5, training: t.jsonl, model: gpt-4.1}", "give cost or training"),
        ("  - {name: x, training: t.jsonl}", "model: required with training"),
        ("  - {name: x, training: missing.jsonl, model: gpt-4.1-mini}", "one_off[0] (x): training"),
        ("  - {name: x, cost: -1}", "must be >= 0"),
    ],
)
def test_bad_one_offs_are_one_line(tmp_path: Path, book, one_off: str, message: str) -> None:
    path = _scenario(tmp_path, one_off)
    with pytest.raises(CostlabError) as caught:
        forecast_scenario(load_scenario(path), book=book)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_cli_shows_a_one_off_column(cli, tmp_path: Path) -> None:
    path = _scenario(tmp_path, "  - {name: fine-tune, cost: 250, month: 2027-02}")
    result = cli("forecast", str(path))
    assert result.code == 0, result.err
    assert "one-off" in result.out.splitlines()[2] and "$250.00" in result.out


def test_compare_ranks_the_workloads_and_names_the_one_offs(cli, tmp_path: Path) -> None:
    path = _scenario(tmp_path, "  - {name: fine-tune, cost: 250, month: 2027-02}")
    result = cli("compare", str(path), "--models", "gpt-4.1-mini,gpt-4.1-nano")
    assert result.code == 0, result.err
    # gpt-4.1-mini: $446.40 + $403.20 + $446.40 for the workload; the one-off is not ranked
    assert "$1,296.00" in result.out
    assert "plus one-off costs of $250.00 on every candidate" in result.out
    data = json.loads(cli("compare", str(path), "--models", "gpt-4.1-mini", "--json").out)
    (row,) = data["ranking"]
    assert Decimal(row["total_cost"]) - Decimal(row["compared_cost"]) == 250


def test_a_one_off_keeps_a_long_total_exact(tmp_path: Path, book) -> None:
    """Adding the one-off in Python's default context rounded a 30-digit total to 28 digits,
    so the months no longer added up to the FOCUS rows (found by a red team)."""
    from costlab.focus import focus_forecast
    from costlab.tables import exact_sum

    path = tmp_path / "prec.yaml"
    path.write_text(
        "name: prec\nstart: 2027-01\nmonths: 24\n"
        "workloads:\n  - {name: a, model: gpt-4.1-mini, requests_per_day: 12345.6789,\n"
        "     input_tokens: 1234.56789, cached_input_share: 0.3333333, output_tokens: 77.7777,\n"
        "     retry_rate: 0.0123456, growth: {low: 0.0123457, base: 0.0345678, high: 0.0987654}}\n"
        "one_off: [{name: x, cost: 0.000000001, month: 2027-05}]\n"
    )
    scenario = load_scenario(path)
    fc = forecast_scenario(scenario, book=book)
    rows = focus_forecast(fc).to_dict("records")
    for band, total in (("base", fc.total_cost), ("low", fc.total_cost_low)):
        assert exact_sum(r["BilledCost"] for r in rows if r["x_Band"] == band) == total
    assert len(str(fc.total_cost).replace(".", "")) > 28
    small = small_forecast(scenario, book=book)
    assert small is None or small.total_cost == fc.total_cost
