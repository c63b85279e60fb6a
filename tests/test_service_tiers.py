"""Service tiers (flex, priority, ...) and data residency, priced from the book (issue 12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import costlab
from costlab.errors import CostlabError
from costlab.prices import load_pricebook, rates_for

DAY = date(2026, 11, 26)
# A month: 30 days x 10,000 requests, each 2,000 input tokens (500 cached) and 800 output.
MONTH = dict(
    input_tokens=2000, cached_input_tokens=500, output_tokens=800, requests=300_000, on=DAY
)


def test_a_flex_month_on_gpt5() -> None:
    # Flex = the Batch price, half of 1.25 / 0.125 / 10.00 [OAI-PRICE]:
    # 450M uncached x $0.625 + 150M cached x $0.0625 + 240M output x $5.00
    # = 281.25 + 9.375 + 1,200 = 1,490.625
    cost = costlab.estimate("gpt-5", service_tier="flex", **MONTH)
    assert cost.total_cost == Decimal("1490.625")
    assert cost.to_dict()["service_tier"] == "flex"
    # the same month at standard is twice that
    assert costlab.estimate("gpt-5", **MONTH).total_cost == Decimal("2981.25")


def test_a_priority_month_on_gpt41() -> None:
    # Priority 3.50 / 0.875 / 14.00 [OAI-PRICE]:
    # 450M x 3.50 + 150M x 0.875 + 240M x 14.00 = 1,575 + 131.25 + 3,360 = 5,066.25
    cost = costlab.estimate("gpt-4.1", service_tier="priority", **MONTH)
    assert cost.total_cost == Decimal("5066.25")
    # "default" (OpenAI's name for standard in usage exports) is standard: 900 + 75 + 1,920
    assert costlab.estimate("gpt-4.1", service_tier="default", **MONTH).total_cost == Decimal(
        "2895"
    )


def test_a_tier_the_model_does_not_offer_is_one_clear_error() -> None:
    with pytest.raises(CostlabError) as raised:
        costlab.estimate("gpt-4.1", input_tokens=10, service_tier="flex", on=DAY)
    assert str(raised.value) == (
        "gpt-4.1: service_tier: the flex tier is not offered (offers: standard, priority)"
    )
    with pytest.raises(CostlabError, match="unknown service tier 'turbo'"):
        costlab.estimate("gpt-4.1", input_tokens=10, service_tier="turbo", on=DAY)
    with pytest.raises(CostlabError, match="Batch API has no service tier"):
        costlab.estimate("gpt-5", input_tokens=10, service_tier="flex", batch=True, on=DAY)


def test_priority_at_a_long_context_tier_keeps_its_ratio() -> None:
    # GPT-5.4 above 272K: 5.00 / 22.50 standard; priority is 2x standard (5 / 30 vs 2.5 / 15),
    # so the whole request bills at 10.00 input and 45.00 output:
    # 300,000 x 10.00 / 1M + 1,000 x 45.00 / 1M = 3.00 + 0.045
    cost = costlab.estimate(
        "gpt-5.4", input_tokens=300_000, output_tokens=1000, service_tier="priority", on=DAY
    )
    assert cost.total_cost == Decimal("3.045")


def test_data_residency_adds_the_published_uplift() -> None:
    # GPT-5.4: +10% [APIEV]: 10 x 100,000 input x 2.50 x 1.1 + 10 x 10,000 output x 15 x 1.1
    # = 2.75 + 1.65
    cost = costlab.estimate(
        "gpt-5.4",
        input_tokens=100_000,
        output_tokens=10_000,
        requests=10,
        data_residency=True,
        on=DAY,
    )
    assert cost.total_cost == Decimal("4.40")
    with pytest.raises(CostlabError, match="no published data-residency price"):
        costlab.estimate("gpt-4.1", input_tokens=10, data_residency=True, on=DAY)


def test_upstream_service_tiers_are_read_from_genai_prices() -> None:
    # A model only genai-prices prices keeps its flex and priority variants, dated.
    model = load_pricebook().resolve("gpt-6-sol")
    price = model.price_on(DAY)
    assert {"flex", "priority"} <= set(price.tier_names)
    assert rates_for(price, tier="flex")["input"] == Decimal("1")


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from costlab.cli import main

    code = main(["estimate", *argv, "--date", "2026-11-26"])
    out, err = capsys.readouterr()
    return code, out, err


def test_estimate_tier_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(
        capsys,
        *("--model", "gpt-4.1", "--input-tokens", "2000", "--cached-input-tokens", "500"),
        *("--output-tokens", "800", "--requests", "300000", "--tier", "priority", "--json"),
    )
    assert code == 0
    import json

    data = json.loads(out)
    assert data["service_tier"] == "priority"
    assert Decimal(data["total_cost"]) == Decimal("5066.25")


def test_estimate_tier_not_offered_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _cli(capsys, "--model", "gpt-4.1", "--input-tokens", "10", "--tier", "flex")
    assert code == 2 and out == ""
    assert err == (
        "costlab: error: gpt-4.1: --tier: the flex tier is not offered "
        "(offers: standard, priority)\n"
    )


def test_actuals_rows_with_tiers_are_priced_by_tier(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from costlab.actuals import load_actuals

    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests,service_tier\n"
        # standard (OpenAI exports say "default"): 1M x 2.00 + 1M x 8.00 = 10.00
        "2026-11-02,gpt-4.1,1000000,0,1000000,100,default\n"
        # priority: 1M x 3.50 + 1M x 14.00 = 17.50
        "2026-11-03,gpt-4.1,1000000,0,1000000,100,priority\n"
        # flex on gpt-5: 2M uncached x 0.625 + 1M output x 5.00 = 1.25 + 5.00 = 6.25
        "2026-11-04,gpt-5,2000000,0,1000000,100,flex\n"
        # gpt-4.1 has no flex tier: a problem row, not priced at standard
        "2026-11-05,gpt-4.1,1000000,0,1000000,100,flex\n"
        # not a tier at all
        "2026-11-06,gpt-4.1,1000000,0,1000000,100,???\n"
    )
    actuals = load_actuals(path)
    assert actuals.total_cost == Decimal("33.75")
    by_model = actuals.by_model
    assert set(by_model["service_tier"]) == {"standard", "priority", "flex"}
    messages = actuals.problem_messages()
    assert len(messages) == 2
    assert "line 5" in messages[0] and "service_tier" in messages[0]
    assert "gpt-4.1 does not offer the flex tier (offers: standard, priority)" in messages[0]
    assert "line 6" in messages[1] and "unknown service tier" in messages[1]


SCENARIO = """\
name: tiers
start: 2027-01
months: 1
workloads:
  - name: answers
    model: {model}
    requests_per_month: 300000
    input_tokens: 2000
    cached_input_share: 0.25
    output_tokens: 800
    service_tier: {tier}
"""


def _forecast(tmp_path, model: str, tier: str):  # type: ignore[no-untyped-def]
    from costlab.forecast import forecast_scenario
    from costlab.scenario import load_scenario

    path = tmp_path / "tiers.yaml"
    path.write_text(SCENARIO.format(model=model, tier=tier))
    return forecast_scenario(load_scenario(path))


def test_a_flex_and_a_priority_month_in_a_scenario(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The same month as the estimate tests: 300,000 requests of 2,000 input (a quarter cached)
    # and 800 output. Flex on gpt-5 = $1,490.625, priority on gpt-4.1 = $5,066.25.
    assert _forecast(tmp_path, "gpt-5", "flex").total_cost == Decimal("1490.625")
    assert _forecast(tmp_path, "gpt-4.1", "priority").total_cost == Decimal("5066.25")


def test_a_scenario_tier_the_model_does_not_offer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CostlabError) as raised:
        _forecast(tmp_path, "gpt-4.1", "flex")
    assert str(raised.value).endswith(
        "workloads[0] (answers): service_tier: gpt-4.1: the flex tier is not offered "
        "(offers: standard, priority) (line 11)"
    )
    with pytest.raises(CostlabError) as raised:
        _forecast(tmp_path, "gpt-4.1", "turbo!")
    assert "workloads[0] (answers): service_tier: unknown service tier 'turbo!'" in str(
        raised.value
    )
    assert "(line 11)" in str(raised.value)


def test_sampled_ranges_use_the_tier_and_the_effort() -> None:
    # Without ranges every sample is the exact forecast: the flex month of gpt-5 above
    # (1,490.625), and gpt-5-mini at high effort (33.25, tests/test_reasoning.py).
    from costlab.forecast.simulate import simulate
    from costlab.scenario import Scenario, Workload

    def one(model: str, **fields: object) -> float:
        workload = Workload(
            name="w",
            model=model,
            requests_per_month=Decimal(fields.pop("requests")),  # type: ignore[arg-type]
            input_tokens=Decimal(fields.pop("input")),  # type: ignore[arg-type]
            **fields,  # type: ignore[arg-type]
        )
        scenario = Scenario(name="s", start="2027-01", months=1, workloads=(workload,))
        return simulate(scenario, samples=10, seed=1).total_quantiles()[1]

    flex = one(
        "gpt-5",
        requests=300_000,
        input=2000,
        cached_input_share=Decimal("0.25"),
        output_tokens=Decimal(800),
        service_tier="flex",
    )
    assert flex == pytest.approx(1490.625)
    high = one(
        "gpt-5-mini", requests=1000, input=1000, output_tokens=Decimal(500), reasoning_effort="high"
    )
    assert high == pytest.approx(33.25)


def test_prices_model_json_lists_tiers_reasoning_and_the_extended_window(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from costlab.cli import main

    assert main(["prices", "--model", "gpt-5", "--json", "--date", "2026-11-26"]) == 0
    data = json.loads(capsys.readouterr().out)
    data = data[0] if isinstance(data, list) else data
    assert data["price"]["service_tiers"]["flex"]["output"] == "5.00"
    assert data["price"]["service_tiers"]["priority"]["input"] == "2.50"
    assert data["reasoning"] is True and data["reasoning_effort"]["default"] == "medium"
    assert data["extended_context"] is None


def test_openai_usage_api_results_with_a_service_tier(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from costlab.actuals import load_actuals

    def result(tier: str) -> dict[str, object]:
        return {
            "object": "organization.usage.completions.result",
            "input_tokens": 1_000_000,
            "input_cached_tokens": 0,
            "output_tokens": 1_000_000,
            "num_model_requests": 100,
            "model": "gpt-4.1-mini",
            "batch": False,
            "service_tier": tier,
        }

    page = {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": 1793836800,  # 2026-11-05
                "results": [result("default"), result("priority")],
            }
        ],
    }
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(page))
    # standard 1M x 0.40 + 1M x 1.60 = 2.00; priority 1M x 0.70 + 1M x 2.80 = 3.50
    assert load_actuals(path).total_cost == Decimal("5.50")


def test_a_workload_in_a_data_residency_region(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from costlab.forecast import forecast_scenario
    from costlab.scenario import load_scenario

    path = tmp_path / "eu.yaml"
    text = (
        "name: eu\nstart: 2027-01\nmonths: 1\nworkloads:\n"
        "  - name: w\n    model: {model}\n    requests_per_month: 10\n"
        "    input_tokens: 100000\n    output_tokens: 10000\n    data_residency: true\n"
    )
    path.write_text(text.format(model="gpt-5.4"))
    # the estimate above: 2.75 + 1.65 = 4.40
    assert forecast_scenario(load_scenario(path)).total_cost == Decimal("4.40")
    path.write_text(text.format(model="gpt-4.1"))
    with pytest.raises(
        CostlabError, match=r"\(w\): data_residency: gpt-4.1: no published .*\(line 10\)"
    ):
        forecast_scenario(load_scenario(path))


def test_the_forecast_command_exits_2_with_one_line(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from costlab.cli import main

    path = tmp_path / "tiers.yaml"
    path.write_text(SCENARIO.format(model="gpt-4.1", tier="scale"))
    assert main(["forecast", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.endswith(
        "workloads[0] (answers): service_tier: gpt-4.1: the scale tier is not offered "
        "(offers: standard, priority) (line 11)\n"
    )
