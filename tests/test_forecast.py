"""Forecasts: the issue's example exactly, calendar days, growth, retries, batch, caching, dated
prices, budgets, ranges and their sensitivity, chunked pricing."""

from __future__ import annotations

import dataclasses
import textwrap
from datetime import date
from decimal import Context, Decimal, Inexact, localcontext
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costlab import formats
from costlab.cost import Usage, price_usage
from costlab.errors import CostlabError
from costlab.forecast import expand, forecast_scenario, price_lines, regroup, with_budget
from costlab.prices import load_pricebook
from costlab.ranges import Range
from costlab.scenario import Scenario, Workload, load_scenario, parse_scenario
from costlab.tables import as_floats, exact_sum
from costlab.yaml_reader import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SUPPORT_BOT = ROOT / "examples" / "support-bot.yaml"


def scenario_from(text: str, book, where: str = "s.yaml") -> Scenario:
    return parse_scenario(load_yaml(textwrap.dedent(text), where), where, book=book)


def month(fc, label: str) -> pd.Series:
    return fc.months.set_index("month").loc[label]


# --- the example -------------------------------------------------------------------------


def test_january_2027_is_651000_requests_and_351_54_exactly(book) -> None:
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    jan = month(fc, "2027-01")
    # 20,000 x 31 days x 1.05 (retries) = 651,000 requests x $0.00054 = $351.54
    assert jan["requests"] == Decimal(651_000)
    assert jan["tasks"] == Decimal(620_000)
    assert jan["total_cost"] == Decimal("351.54")
    assert formats.usd(jan["total_cost"]) == "$351.54"
    # the components: 600 uncached x $0.40 + 600 cached x $0.10 + 150 out x $1.60 per 1M
    assert jan["input_tokens"] == 651_000 * 1200
    assert jan["cached_input_tokens"] == 651_000 * 600
    assert jan["output_tokens"] == 651_000 * 150
    assert jan["input_cost"] == Decimal("156.24")
    assert jan["cached_input_cost"] == Decimal("39.06")
    assert jan["output_cost"] == Decimal("156.24")


def test_february_2027_is_646800_requests_and_349_272_exactly(book) -> None:
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    feb = month(fc, "2027-02")
    # 20,000 x 28 days x 1.1 (growth from the second month) x 1.05 = 646,800 requests
    assert feb["requests"] == Decimal(646_800)
    assert feb["total_cost"] == Decimal("349.272")
    assert formats.usd(feb["total_cost"]) == "$349.27"
    assert feb["cumulative_cost"] == Decimal("351.54") + Decimal("349.272")


def test_the_budget_is_first_exceeded_in_march(book) -> None:
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    mar = month(fc, "2027-03")
    # 20,000 x 31 x 1.1^2 x 1.05 = 787,710 requests x $0.00054 = $425.3634 > $400
    assert mar["requests"] == Decimal(787_710)
    assert mar["total_cost"] == Decimal("425.3634")
    assert mar["headroom"] == Decimal("-25.3634")
    assert bool(mar["over_budget"])
    assert month(fc, "2027-02")["headroom"] == Decimal("50.728")
    assert fc.budget.first_month_over == "2027-03"
    assert fc.budget.months_over[:2] == ("2027-03", "2027-04")
    assert len(fc.budget.months_over) == 10
    assert fc.budget.total_runs_out is None
    assert not fc.budget.within


def test_every_month_matches_the_cost_engine_priced_directly(book) -> None:
    """Each month = price_usage(requests of that month) on the same per-request usage."""
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    model = book.resolve("gpt-4.1-mini")
    requests = Decimal(20_000)
    for i, row in enumerate(fc.months.itertuples()):
        start = date(2027, i + 1, 1)
        days = (date(2027 + (i + 1) // 12, (i + 1) % 12 + 1, 1) - start).days
        n = requests * days * Decimal("1.1") ** i * Decimal("1.05")
        usage = Usage(input_tokens=1200, cached_input_tokens=600, output_tokens=150, requests=n)
        assert row.total_cost == price_usage(model, usage, on=start).total_cost
    assert fc.total_cost == exact_sum(fc.months["total_cost"])


def test_nothing_is_rounded_even_after_a_long_compounding_horizon(book) -> None:
    scenario = load_scenario(SUPPORT_BOT, book=book)
    fc = forecast_scenario(dataclasses.replace(scenario, months=120, budget=None), book=book)
    last = fc.months.iloc[-1]
    # month 120 (2036-12): 20,000 x 31 x 1.1^119 x 1.05 requests, exactly. The expectation
    # needs a wide context: Python's default 28 digits would round it.
    with localcontext(Context(prec=500)) as wide:
        expected = Decimal(20_000) * 31 * Decimal("1.1") ** 119 * Decimal("1.05")
        assert not wide.flags[Inexact]
    assert last["requests"] == expected
    # 1.1^119 has 119 decimals; x 651,000 carries three into the integer part: 116 remain.
    assert len(format(last["requests"], "f").split(".")[1]) == 116


# --- the rules ---------------------------------------------------------------------------------


BASE = """\
    name: rules
    start: 2028-02
    months: 2
    workloads:
      - name: w
        model: gpt-4.1-mini
        requests_per_day: 1000
        input_tokens: 1000
        output_tokens: 100
"""


def test_calendar_days_include_leap_february(book) -> None:
    fc = forecast_scenario(scenario_from(BASE, book), book=book)
    assert list(fc.months["days"]) == [29, 31]
    assert list(fc.months["requests"]) == [Decimal(29_000), Decimal(31_000)]


def test_requests_per_month_ignore_the_calendar(book) -> None:
    text = BASE.replace("requests_per_day: 1000", "requests_per_month: 30000")
    fc = forecast_scenario(scenario_from(text, book), book=book)
    assert list(fc.months["requests"]) == [Decimal(30_000), Decimal(30_000)]


def test_a_growth_list_gives_each_month_its_rate(book) -> None:
    text = (
        BASE.replace("requests_per_day: 1000", "requests_per_month: 10000").replace(
            "months: 2", "months: 4"
        )
        + "        growth: [0.5, -0.2, 0]\n"
    )
    fc = forecast_scenario(scenario_from(text, book), book=book)
    assert list(fc.months["requests"]) == [10_000, 15_000, 12_000, 12_000]


def test_batch_share_is_priced_at_batch_rates(book) -> None:
    text = BASE.replace("requests_per_day: 1000", "requests_per_month: 1000000") + (
        "        batch_share: 0.25\n"
    )
    fc = forecast_scenario(scenario_from(text, book), book=book)
    feb = month(fc, "2028-02")
    # sync: 1000 x 0.40 + 100 x 1.60 = 560 per 1M; batch: half = 280 per 1M
    # 750,000 x 0.00056 + 250,000 x 0.00028 = 420 + 70 = 490
    assert feb["total_cost"] == Decimal(490)
    lines = fc.lines[fc.lines["month"] == "2028-02"]
    assert sorted(zip(lines["batch"], lines["requests"], strict=True)) == [
        (False, 750_000),
        (True, 250_000),
    ]


def test_cached_share_of_input_is_billed_at_the_cached_price(book) -> None:
    text = BASE.replace("requests_per_day: 1000", "requests_per_month: 1000000") + (
        "        cached_input_share: 0.75\n"
    )
    feb = month(forecast_scenario(scenario_from(text, book), book=book), "2028-02")
    # 250 x 0.40 + 750 x 0.10 + 100 x 1.60 = 335 per 1M requests-tokens -> $335
    assert feb["cached_input_tokens"] == 750_000_000
    assert feb["input_cost"] == 100 and feb["cached_input_cost"] == 75
    assert feb["total_cost"] == Decimal(335)


def test_reasoning_tokens_are_billed_as_output(book) -> None:
    # on a reasoning model (gpt-4.1-mini produces none: refused, tests/test_reasoning.py)
    text = BASE.replace("requests_per_day: 1000", "requests_per_month: 1000000").replace(
        "model: gpt-4.1-mini", "model: gpt-5-mini"
    ) + ("        reasoning_tokens: 400\n")
    feb = month(forecast_scenario(scenario_from(text, book), book=book), "2028-02")
    assert feb["output_tokens"] == 500_000_000
    assert feb["reasoning_tokens"] == 400_000_000
    assert feb["output_cost"] == Decimal(1000)  # 500M x $2.00 per 1M, reasoning once


def test_retries_are_extra_requests_and_tasks_exclude_them(book) -> None:
    text = BASE + "        retry_rate: 0.2\n"
    fc = forecast_scenario(scenario_from(text, book), book=book)
    assert month(fc, "2028-02")["tasks"] == 29_000
    assert month(fc, "2028-02")["requests"] == Decimal("34800")
    (row,) = fc.workloads.itertuples()
    assert row.cost_per_task == row.total_cost / 60_000
    assert row.cost_per_1k_requests == row.total_cost * 1000 / Decimal(72_000)


PRICE_CHANGE = """\
provider: openai
models:
  - id: gpt-4.1-mini
    price:
      - effective_from: 2025-04-14
        source: test
        input: 0.40
        cached_input: 0.10
        output: 1.60
        batch_discount: 0.5
      - effective_from: 2028-03-01
        source: test (a price cut inside the horizon)
        input: 0.20
        cached_input: 0.05
        output: 0.80
        batch_discount: 0.5
    lifecycle:
      source: test
      retires_on: 2028-04-15
"""


def test_dated_prices_and_retirement_inside_the_horizon_take_effect(tmp_path: Path) -> None:
    prices = tmp_path / "cut.yaml"
    prices.write_text(PRICE_CHANGE, encoding="utf-8")
    book = load_pricebook([prices], use_env=False)
    text = BASE.replace("months: 2", "months: 4").replace(
        "requests_per_day: 1000", "requests_per_month: 1000000"
    )
    fc = forecast_scenario(scenario_from(text, book), book=book)
    # 1000 x 0.40 + 100 x 1.60 = $560 per 1M requests; from March: half
    assert list(fc.months["total_cost"]) == [560, 280, 280, 280]
    codes = {(f.code, f.month) for f in fc.flags}
    assert ("retires", "2028-04") in codes
    assert ("retired", "2028-05") in codes
    assert all(f.workload == "w" and f.model == "gpt-4.1-mini" for f in fc.flags)
    assert {f.code for f in fc.blocking_flags()} == {"retires", "retired"}


def test_a_month_before_the_first_price_is_an_error_naming_the_workload(book) -> None:
    text = BASE.replace("start: 2028-02", "start: 2024-01")
    with pytest.raises(CostlabError) as info:
        forecast_scenario(scenario_from(text, book), book=book)
    assert str(info.value) == (
        "s.yaml: workloads[0] (w): model: no price on 2024-01-01 (first price from 2025-04-14)"
    )


def test_limits_are_flagged_per_workload_and_model(book) -> None:
    text = BASE.replace("gpt-4.1-mini", "gpt-4o").replace(
        "input_tokens: 1000", "input_tokens: 127000"
    )
    text = text.replace("output_tokens: 100", "output_tokens: 20000")
    fc = forecast_scenario(scenario_from(text, book), book=book)
    assert {f.code for f in fc.flags} >= {"context_window", "max_output"}
    assert all(f.blocking for f in fc.flags if f.code in {"context_window", "max_output"})


def test_image_input_on_a_text_only_model_is_flagged(book) -> None:
    text = BASE.replace("gpt-4.1-mini", "o3-mini") + (
        "        images: {count: 1, width: 1024, height: 1024}\n"
    )
    fc = forecast_scenario(scenario_from(text, book), book=book)
    (flag,) = [f for f in fc.flags if f.code == "modality"]
    assert flag.message == "o3-mini: accepts text input only; this workload sends images"


def test_image_tokens_follow_the_models_published_rule(book) -> None:
    # OpenAI's worked example: a 1024x1024 image at high detail is 765 tokens on gpt-4o
    # (85 base + 4 tiles x 170). Two images per request add 1,530 input tokens.
    text = BASE.replace("gpt-4.1-mini", "gpt-4o") + (
        "        images: {count: 2, width: 1024, height: 1024, detail: high}\n"
    )
    fc = forecast_scenario(scenario_from(text, book), book=book)
    assert fc.months["input_tokens"].iloc[0] == Decimal(29_000 * (1000 + 2 * 765))
    assert not [f for f in fc.flags if f.code in {"modality", "no_image_rule"}]


NO_RULE = """\
provider: test
models:
  - id: vision-without-rule
    name: a vision model whose provider publishes no image rule
    context_window: 128000
    max_output_tokens: 4096
    input_modalities: [text, image]
    output_modalities: [text]
    tokenizer: o200k_base
    price: {effective_from: 2024-01-01, source: test, input: 1.00, output: 2.00}
"""


def test_images_on_a_model_without_an_image_rule_are_flagged_not_hidden(tmp_path: Path) -> None:
    # Claude and Gemini publish image rules; a model that takes images without one is flagged.
    prices = tmp_path / "no-rule.yaml"
    prices.write_text(NO_RULE, encoding="utf-8")
    book = load_pricebook([prices], use_env=False)
    text = BASE.replace("gpt-4.1-mini", "vision-without-rule") + (
        "        images: {count: 1, width: 1024, height: 1024}\n"
    )
    fc = forecast_scenario(scenario_from(text, book), book=book)
    (flag,) = [f for f in fc.flags if f.code == "no_image_rule"]
    assert "no image-token rule" in flag.message
    assert fc.months["input_tokens"].iloc[0] == Decimal(29_000 * 1000)


def test_a_prompt_sample_is_measured_on_the_model(book, tmp_path: Path) -> None:
    # "tiktoken is great!" is 6 tokens in o200k_base (OpenAI cookbook).
    (tmp_path / "prompt.txt").write_text("tiktoken is great!", encoding="utf-8")
    text = BASE.replace("input_tokens: 1000", "sample: prompt.txt")
    (tmp_path / "s.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    fc = forecast_scenario(load_scenario(tmp_path / "s.yaml", book=book), book=book)
    assert fc.months["input_tokens"].iloc[0] == Decimal(29_000 * 6)


def test_a_batch_sample_gives_the_mean_request(book, tmp_path: Path) -> None:
    # tests/data/example_batch.jsonl: 44 + 42 + 41 = 127 input tokens over 3 requests.
    sample = Path(__file__).parent / "data" / "example_batch.jsonl"
    text = BASE.replace("input_tokens: 1000", f"sample: {sample}")
    (tmp_path / "s.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    fc = forecast_scenario(load_scenario(tmp_path / "s.yaml", book=book), book=book)
    # The mean is kept to a thousandth of a token: 127 / 3 = 42.333.
    assert fc.lines["input_tokens"].iloc[0] == Decimal(29_000) * Decimal("42.333")


def test_a_missing_sample_names_the_field(book, tmp_path: Path) -> None:
    text = BASE.replace("input_tokens: 1000", "sample: nowhere.txt")
    (tmp_path / "s.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(CostlabError, match=r"workloads\[0\] \(w\): sample: no such sample file"):
        forecast_scenario(load_scenario(tmp_path / "s.yaml", book=book), book=book)


def test_total_budget_runs_out_in_the_month_the_cumulative_cost_passes_it(book) -> None:
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    checked = with_budget(fc, total=Decimal(1000))
    # cumulative: 351.54, 700.812, 1126.1754 -> March
    assert checked.budget.total_runs_out == "2027-03"
    assert checked.budget.monthly == 400  # kept from the scenario
    assert month(checked, "2027-02")["budget_remaining"] == Decimal("299.188")
    relaxed = with_budget(fc, monthly=Decimal(2000))
    assert relaxed.budget.first_month_over is None and relaxed.budget.within


# --- ranges --------------------------------------------------------------------------------------

RANGED = """\
    name: ranged
    start: 2027-01
    months: 3
    workloads:
      - name: w
        model: gpt-4.1-mini
        requests_per_month: 1000000
        input_tokens: {low: 800, base: 1000, high: 1500}
        output_tokens: {low: 50, base: 100, high: 300}
        cached_input_share: {low: 0, base: 0.5, high: 1}
"""


def test_sensitivity_ranks_assumptions_by_swing_with_hand_checked_totals(book) -> None:
    fc = forecast_scenario(scenario_from(RANGED, book), book=book)
    table = fc.sensitivity.set_index("assumption")
    # base per request: 500 x 0.40 + 500 x 0.10 + 100 x 1.60 = 410 per 1M -> $410 a month
    assert fc.total_cost == 3 * Decimal(410)
    # output 50 vs 300: 3 x (250 x 1.60) = $1,200 swing
    assert table.loc["w: output_tokens", "swing"] == Decimal(1200)
    # input 800 vs 1500 at half cached: 700 x (0.5 x 0.40 + 0.5 x 0.10) x 3 = $525
    assert table.loc["w: input_tokens", "swing"] == Decimal(525)
    # cached share 0 vs 1 of 1000 tokens: 1000 x (0.40 - 0.10) x 3 = $900
    assert table.loc["w: cached_input_share", "total_at_low"] == 3 * Decimal(560)
    assert table.loc["w: cached_input_share", "total_at_high"] == 3 * Decimal(260)
    assert list(fc.sensitivity["assumption"]) == [
        "w: output_tokens",
        "w: cached_input_share",
        "w: input_tokens",
    ]
    assert list(fc.sensitivity["rank"]) == [1, 2, 3]


def test_bands_are_the_cheapest_and_dearest_corners(book) -> None:
    fc = forecast_scenario(scenario_from(RANGED, book), book=book)
    jan = month(fc, "2027-01")
    # low: 800 tokens all cached, 50 out: 800 x 0.10 + 50 x 1.60 = 160 per 1M
    # high: 1500 tokens none cached, 300 out: 1500 x 0.40 + 300 x 1.60 = 1080 per 1M
    assert (jan["total_cost_low"], jan["total_cost"], jan["total_cost_high"]) == (160, 410, 1080)
    assert fc.total_cost_low == 480 and fc.total_cost_high == 3240


number = st.decimals(min_value=0, max_value=5000, places=0, allow_nan=False, allow_infinity=False)
share = st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=Decimal("-0.5"), max_value=1, places=2)


def ranged(strategy: st.SearchStrategy[Decimal]) -> st.SearchStrategy[Range | Decimal]:
    return st.one_of(
        strategy,
        st.lists(strategy, min_size=3, max_size=3).map(
            lambda xs: Range(*sorted(xs))  # type: ignore[misc]
        ),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=ranged(number),
    input_tokens=ranged(number),
    output_tokens=ranged(number),
    cached=ranged(share),
    batch=ranged(share),
    retry=ranged(share),
    growth=ranged(rate),
    escalation=ranged(share),
)
def test_ranges_bracket_the_base_every_month(
    book, requests, input_tokens, output_tokens, cached, batch, retry, growth, escalation
) -> None:
    from costlab.routing import Escalation, RouteLeg, Routing

    routing = Routing(
        legs=(RouteLeg("gpt-4.1-nano", Decimal("0.4")), RouteLeg("gpt-5-mini", Decimal("0.6"))),
        escalation=Escalation("gpt-4.1", escalation),
    )
    scenario = Scenario(
        name="h",
        start="2027-01",
        months=4,
        workloads=(
            Workload(
                name="w",
                routing=routing,
                requests_per_day=requests,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cached_input_share=cached,
                batch_share=batch,
                retry_rate=retry,
                growth=growth,
            ),
        ),
    )
    fc = forecast_scenario(scenario, book=book, sensitivity_table=False)
    for figure in ("total_cost", "requests", "input_tokens", "output_tokens", "cumulative_cost"):
        for low, base, high in zip(
            fc.months[f"{figure}_low"], fc.months[figure], fc.months[f"{figure}_high"], strict=True
        ):
            assert low <= base <= high, figure
    # Per workload and month too. (Not per route: a ranged batch_share takes the end that is
    # cheaper for the whole workload, which may be the dearer end for one of its routes.)
    per_workload = fc.by(["month", "workload"])
    for low, base, high in zip(
        per_workload["total_cost_low"],
        per_workload["total_cost"],
        per_workload["total_cost_high"],
        strict=True,
    ):
        assert low <= base <= high


# --- tables ----------------------------------------------------------------------------------------


def test_lines_chunks_price_the_same_as_the_whole(book) -> None:
    scenario = load_scenario(ROOT / "examples" / "router.yaml", book=book)
    lines = expand(scenario, book)
    months = scenario.month_starts()
    whole = price_lines(lines, months, book=book)
    parts = [
        price_lines(lines.iloc[:2], months, book=book),
        price_lines(lines.iloc[2:], months, book=book),
    ]
    assert len(lines) == 4  # nano, mini, gpt-4.1 escalation; the batch-only digest
    for name in ("requests", "total_cost", "input_tokens"):
        combined = [
            a + b for a, b in zip(parts[0].totals[name], parts[1].totals[name], strict=True)
        ]
        assert combined == list(whole.totals[name])
    stacked = pd.concat([p.frame for p in parts], ignore_index=True)
    assert exact_sum(stacked["total_cost"]) == exact_sum(whole.frame["total_cost"])


def test_regroup_sums_exactly_and_runs_cumulative_per_group(book) -> None:
    fc = forecast_scenario(load_scenario(ROOT / "examples" / "router.yaml", book=book), book=book)
    by_model = fc.by(["month", "model"])
    mini = by_model[by_model["model"] == "gpt-4.1-mini"]
    assert list(mini["cumulative_cost"]) == list(pd.Series(mini["total_cost"]).cumsum())
    assert exact_sum(by_model["total_cost"]) == fc.total_cost
    monthly = regroup(fc.lines, ["month"])
    assert list(monthly["total_cost"]) == list(fc.months["total_cost"])
    assert list(monthly["cumulative_cost"]) == list(fc.months["cumulative_cost"])


def test_workloads_table_sums_routes_with_unit_costs(book) -> None:
    fc = forecast_scenario(load_scenario(ROOT / "examples" / "router.yaml", book=book), book=book)
    table = fc.workloads.set_index("workload")
    assert table.loc["assistant", "models"] == "gpt-4.1-nano, gpt-4.1-mini, gpt-4.1"
    assert table.loc["nightly-digest", "total_cost"] == 6 * Decimal("165.6")
    # 90,000 x (6000 x 0.20 + 800 x 0.80) per 1M = $165.60 a month through the Batch API
    assert table.loc["nightly-digest", "cost_per_task"] == Decimal("0.00184")
    assert exact_sum(table["total_cost"]) == fc.total_cost


def test_float_views_are_for_charts(book) -> None:
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    floats = as_floats(fc.months)
    assert floats["total_cost"].dtype == "float64"
    assert floats["total_cost"].iloc[0] == pytest.approx(351.54)
    assert fc.months["total_cost"].dtype == object  # the exact table is untouched


def test_json_keeps_exact_decimal_strings(book) -> None:
    data = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book).to_dict()
    assert data["scenario"] == "support-bot"
    assert data["months"][0]["month"] == "2027-01"
    assert data["months"][0]["total_cost"] == "351.54"
    assert data["months"][1]["total_cost"] == "349.272"
    assert data["months"][0]["requests"] == "651000"
    assert data["budget"]["first_month_over"] == "2027-03"


def test_a_forecast_that_cannot_stay_exact_is_refused_not_rounded(book, monkeypatch) -> None:
    # Files may hold at most 30 digits a number by default (costlab.limits); raised here so the
    # exactness guard itself is reached.
    from costlab import limits

    monkeypatch.setattr(limits, "MAX_DIGITS", 100)
    rate = "0." + "1234567890" * 6  # 60 decimals compounding over 120 months
    text = BASE.replace("months: 2", "months: 120") + f"        growth: {rate}\n"
    with pytest.raises(
        CostlabError, match=r"^s.yaml: the forecast needs more than 5,000 significant digits"
    ):
        forecast_scenario(scenario_from(text, book), book=book)


def test_scenarios_built_in_python_are_checked_too() -> None:
    workload = Workload(
        name="w", model="gpt-4.1-mini", requests_per_day=Decimal(1), input_tokens=Decimal(1)
    )
    with pytest.raises(CostlabError, match=r"start: must be a month YYYY-MM, got '2027-1'"):
        Scenario(name="x", start="2027-1", months=1, workloads=(workload,))
    with pytest.raises(CostlabError, match=r"months: must be 1 to 120 months, got 0"):
        Scenario(name="x", start="2027-01", months=0, workloads=(workload,))


def test_cost_per_task_and_average_month_are_library_figures(book) -> None:
    """The pages show these; they come from the forecast, not page arithmetic."""
    fc = forecast_scenario(load_scenario(SUPPORT_BOT, book=book), book=book)
    assert fc.average_month_cost * 12 == fc.total_cost
    # 13,690,613 requests are 1.05 x the tasks (5% retries): the cost per task is the total
    # over the tasks.
    assert abs(fc.cost_per_task * fc.total("tasks") - fc.total_cost) < Decimal("1e-60")
