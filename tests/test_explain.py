"""Variance by cause: a hand-built month whose effects add up exactly to actual - forecast."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from costlab.actuals import load_actuals
from costlab.actuals.explain import EFFECTS, explain
from costlab.forecast import forecast_scenario
from costlab.prices import load_pricebook
from costlab.scenario import load_scenario
from costlab.tables import exact_sum

# acme-small: input $1.00, cached $0.50, output $2.00 per 1M tokens; input doubles to $2.00 on
# 2027-01-16, in the middle of the month the forecast prices at the 1st's price.
PRICES = """\
provider: acme
models:
  - id: acme-small
    name: Acme Small
    context_window: 100000
    max_output_tokens: 8000
    input_modalities: [text]
    output_modalities: [text]
    price:
      - {effective_from: 2027-01-01, source: https://acme.example/p, input: 1.00,
         cached_input: 0.50, output: 2.00}
      - {effective_from: 2027-01-16, source: https://acme.example/p, input: 2.00,
         cached_input: 0.50, output: 2.00}
"""

# Forecast: 1,000 requests of 1,000 input tokens (half cached) and 100 output tokens:
#   per request 500 x 1.00 + 500 x 0.50 + 100 x 2.00 = 950 USD per 1M -> 1,000 x 0.00095 = $0.95
SCENARIO = """\
name: hand
start: 2027-01
months: 1
workloads:
  - {name: chat, model: acme-small, requests_per_month: 1000, input_tokens: 1000,
     cached_input_share: 0.5, output_tokens: 100}
"""

# Actual: 1,200 requests of 1,200 input tokens, a quarter cached, 100 output; half of them
# after the price change.
#   2027-01-10: 540,000 x 1.00 + 180,000 x 0.50 + 60,000 x 2.00 = $0.75
#   2027-01-20: 540,000 x 2.00 + 180,000 x 0.50 + 60,000 x 2.00 = $1.29   -> $2.04, +$1.09
USAGE = """\
date,model,input_tokens,cached_input_tokens,output_tokens,requests,batch
2027-01-10,acme-small,720000,180000,60000,600,false
2027-01-20,acme-small,720000,180000,60000,600,false
"""


@pytest.fixture
def case(tmp_path: Path):
    (tmp_path / "p.yaml").write_text(PRICES, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "u.csv").write_text(USAGE, encoding="utf-8")
    book = load_pricebook([tmp_path / "p.yaml"], use_env=False)
    fc = forecast_scenario(load_scenario(tmp_path / "s.yaml", book=book), book=book)
    return tmp_path, book, fc


def test_each_cause_moves_the_cost_and_the_effects_add_up_exactly(case) -> None:
    _, book, fc = case
    path = case[0] / "u.csv"
    result = explain(load_actuals(path, book=book), fc, book=book)
    row = result.months.set_index("month").loc["2027-01"]
    assert (row["forecast_cost"], row["actual_cost"]) == (Decimal("0.95"), Decimal("2.04"))
    assert row["variance_usd"] == Decimal("1.09")
    # In order, each step replacing one forecast figure with the actual one (USD per 1M):
    #   volume   1,200 requests at 950/1M                                   = 1.14  -> +0.19
    #   input    1,200 tokens, half cached: 600 x 1 + 600 x 0.5 + 200      = 1,100 -> 1.32, +0.18
    #   cache    a quarter cached: 900 x 1 + 300 x 0.5 + 200               = 1,250 -> 1.50, +0.18
    #   price    input at 1.62 / 1.08M tokens = 1.50: 900 x 1.5 + 150 + 200 = 1,700 -> 2.04, +0.54
    expected = dict.fromkeys(EFFECTS, Decimal(0))
    expected.update(
        volume=Decimal("0.19"),
        input_tokens=Decimal("0.18"),
        cache_rate=Decimal("0.18"),
        price=Decimal("0.54"),
    )
    assert {e: row[f"{e}_usd"] for e in EFFECTS} == expected
    total = result.total
    assert sum(total[f"{e}_usd"] for e in EFFECTS) == total["variance_usd"] == Decimal("1.09")


def test_a_model_the_scenario_did_not_plan_is_unexplained(case) -> None:
    tmp_path, book, fc = case
    path = tmp_path / "u2.csv"
    # gpt-4.1-nano: 1,000,000 input tokens x $0.10 = $0.10 the forecast knows nothing about
    path.write_text(USAGE + "2027-01-21,gpt-4.1-nano,1000000,0,0,10,false\n", encoding="utf-8")
    result = explain(load_actuals(path, book=book), fc, book=book)
    row = result.months.set_index("month").loc["2027-01"]
    assert row["unexplained_usd"] == Decimal("0.1")
    assert row["variance_usd"] == Decimal("1.19")
    assert row["volume_usd"] == Decimal("0.19")  # the planned model's requests only
    assert any("gpt-4.1-nano" in n for n in result.notes)


def test_shares_that_are_not_decimals_still_add_up_to_the_last_digit(tmp_path, book) -> None:
    # Two models and a batch share of a third: the states are repeating decimals; the sum
    # of the effects must still be the variance exactly.
    (tmp_path / "s.yaml").write_text(
        textwrap.dedent(
            """\
            name: two
            start: 2027-01
            months: 2
            workloads:
              - {name: a, model: gpt-4.1-mini, requests_per_day: 3000, input_tokens: 1234,
                 cached_input_share: 0.3, output_tokens: 77, batch_share: 0.25, growth: 0.07}
              - {name: b, model: gpt-5-nano, requests_per_day: 7000, input_tokens: 555,
                 output_tokens: 31, reasoning_tokens: 10}
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "u.csv").write_text(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests,batch\n"
        "2027-01-03,gpt-4.1-mini,111111111,22222222,3333333,90001,false\n"
        "2027-01-04,gpt-4.1-mini,11111111,2222222,333333,30001,true\n"
        "2027-01-05,gpt-5-nano,99999999,7,5555555,210007,false\n"
        "2027-02-05,gpt-5-nano,99999999,7,5555555,210007,true\n",
        encoding="utf-8",
    )
    fc = forecast_scenario(load_scenario(tmp_path / "s.yaml", book=book), book=book)
    result = explain(load_actuals(tmp_path / "u.csv", book=book), fc, book=book)
    for row in result.months.to_dict("records"):
        effects = exact_sum(row[f"{e}_usd"] for e in EFFECTS)
        assert effects == row["variance_usd"] == row["actual_cost"] - row["forecast_cost"]
    assert len(result.months) == 3  # two months and the total


def test_the_command_prints_json_and_exports_the_split(case, cli, monkeypatch) -> None:
    tmp_path, _, _ = case
    args = ["actuals", "u.csv", "--scenario", "s.yaml", "--prices", "p.yaml", "--explain"]
    monkeypatch.chdir(tmp_path)
    text = cli(*args)
    assert text.code == 0, text.err
    assert "variance by cause" in text.out
    assert "$0.54" in text.out  # the price effect
    data = json.loads(cli(*args, "--json").out)
    total = data["explain"]["months"][-1]
    assert (total["month"], total["variance_usd"], total["price_usd"]) == ("total", "1.09", "0.54")
    result = cli(*args, "--export", "out.xlsx")
    assert result.code == 0, result.err
    sheets = load_workbook(tmp_path / "out.xlsx").sheetnames
    assert "variance_by_cause" in sheets
    assert cli("actuals", "u.csv", "--explain").code == 2


def test_money_is_shown_half_up_and_quotients_to_six_digits(tmp_path, cli, monkeypatch) -> None:
    # acme-small input at $1.00 per 1M: the forecast's 17,670 requests x 1,000 tokens cost
    # exactly $17.67; the actual 19,995,000 tokens exactly $19.995. The variance, exactly
    # $2.325, is 13.1578...% of the forecast.
    (tmp_path / "p.yaml").write_text(PRICES, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "name: r\nstart: 2027-01\nmonths: 1\nworkloads:\n"
        "  - {name: w, model: acme-small, requests_per_month: 17670, input_tokens: 1000}\n",
        encoding="utf-8",
    )
    (tmp_path / "u.csv").write_text(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests,batch\n"
        "2027-01-05,acme-small,19995000,0,0,19995,false\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    args = ("actuals", "u.csv", "--scenario", "s.yaml", "--prices", "p.yaml")
    text = cli(*args).out
    (line,) = [ln for ln in text.splitlines() if ln.startswith("2027-01") and "%" in ln]
    assert line.split() == ["2027-01", "$17.67", "$20.00", "$2.33", "+13.2%", "no"]  # not $2.32
    data = json.loads(cli(*args, "--json").out)
    (row,) = data["variance"]
    assert (row["actual_cost"], row["variance_usd"]) == ("19.995", "2.325")  # exact
    assert row["variance_pct"] == "13.1579"  # 6 significant digits, half-up


ROUTED = """\
name: rt
start: 2027-01
months: 3
workloads:
  - name: a
    routing:
      legs: [{model: gpt-4.1-nano, share: 0.25}, {model: gpt-4.1-mini, share: 0.75}]
      escalation: {model: gpt-4.1, rate: 0.04}
    requests_per_month: 100000
    input_tokens: 800
    cached_input_share: 0.5
    output_tokens: 120
    batch_share: 0.5
  - {name: b, model: gpt-5-mini, requests_per_month: 20000, input_tokens: 3000,
     output_tokens: 200, reasoning_tokens: 300}
"""


def test_a_forecast_replayed_as_usage_explains_to_zero_and_one_change_to_its_cause(
    tmp_path: Path, book
) -> None:
    from costlab.actuals import usage_from_forecast, write_usage_csv

    (tmp_path / "s.yaml").write_text(ROUTED, encoding="utf-8")
    fc = forecast_scenario(load_scenario(tmp_path / "s.yaml", book=book), book=book)
    usage = usage_from_forecast(fc)
    write_usage_csv(usage, tmp_path / "same.csv")
    same = explain(load_actuals(tmp_path / "same.csv", book=book), fc, book=book)
    assert all(v == 0 for v in same.total.values())
    # Twice the reasoning on gpt-5-mini: 300 more tokens x 20,000 requests x 3 months at
    # $2.00 per 1M output tokens = $36.00, all of it reasoning.
    mini = usage["model"] == "gpt-5-mini"
    usage.loc[mini, "output_tokens"] += usage.loc[mini, "reasoning_tokens"]
    usage.loc[mini, "reasoning_tokens"] *= 2
    write_usage_csv(usage, tmp_path / "more.csv")
    more = explain(load_actuals(tmp_path / "more.csv", book=book), fc, book=book).total
    assert more["variance_usd"] == more["reasoning_tokens_usd"] == Decimal(36)
    assert all(v == 0 for k, v in more.items() if k not in ("variance_usd", "reasoning_tokens_usd"))


def test_the_service_tier_mix_is_its_own_effect(tmp_path) -> None:
    """A month planned at the standard tier and run at priority: the whole variance is the
    tier effect, none of it price (GPT-4.1: $2.00/$8.00 standard, $3.50/$14.00 priority)."""
    from decimal import Decimal

    from costlab.actuals import load_actuals
    from costlab.actuals.explain import explain
    from costlab.forecast import forecast_scenario
    from costlab.prices import load_pricebook
    from costlab.scenario import parse_scenario

    book = load_pricebook(use_env=False)
    plan = parse_scenario(
        {
            "name": "tiers", "start": "2026-01", "months": 1,
            "workloads": [{"name": "w", "model": "gpt-4.1", "requests_per_month": 1000,
                           "input_tokens": 1000, "output_tokens": 100}],
        },
        "tiers.yaml",
        book=book,
    )  # fmt: skip
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "date,model,input_tokens,output_tokens,requests,service_tier\n"
        "2026-01-10,gpt-4.1,1000000,100000,1000,priority\n"
    )
    # planned: 1,000 x (1,000 x 2.00 + 100 x 8.00) / 1M = $2.80
    # actual:  1,000 x (1,000 x 3.50 + 100 x 14.00) / 1M = $4.90
    month = explain(load_actuals(usage, book=book), forecast_scenario(plan, book=book), book=book)
    row = month.months.set_index("month").loc["2026-01"]
    assert row["variance_usd"] == Decimal("2.1")
    assert row["service_tier_usd"] == Decimal("2.1")
    assert row["price_usd"] == 0 and row["volume_usd"] == 0 and row["unexplained_usd"] == 0
