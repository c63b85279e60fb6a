"""Compare: the scenario re-priced per model, ranked, with unit costs, warnings, benchmarks."""

from __future__ import annotations

import textwrap
from decimal import Context, Decimal
from pathlib import Path

import pytest

from costlab.comparison import compare_scenario
from costlab.errors import CostlabError
from costlab.scenario import Scenario, load_scenario, parse_scenario
from costlab.yaml_reader import load_yaml

ROOT = Path(__file__).resolve().parent.parent


def scenario(book, text: str) -> Scenario:
    return parse_scenario(load_yaml(textwrap.dedent(text), "c.yaml"), "c.yaml", book=book)


def test_the_support_bot_ranks_nano_mini_full(book) -> None:
    result = compare_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book),
        ["gpt-4.1", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano"],
        book=book,
    )
    assert list(result.ranking["candidate"]) == ["gpt-4.1-nano", "gpt-4.1-mini", "gpt-4.1"]
    assert list(result.ranking["rank"]) == [1, 2, 3]
    assert result.cheapest == "gpt-4.1-nano"
    mini = result.ranking.set_index("candidate").loc["gpt-4.1-mini"]
    # $0.00054 a request -> $0.54 per 1,000; a task costs 1.05 requests -> $0.000567
    assert mini["cost_per_1k_requests"] == Decimal("0.54")
    assert mini["cost_per_task"] == Decimal("0.000567")
    nano = result.ranking.set_index("candidate").loc["gpt-4.1-nano"]
    # 600 x 0.10 + 600 x 0.025 + 150 x 0.40 = 135 per 1M -> $0.135 per 1,000 requests
    assert nano["cost_per_1k_requests"] == Decimal("0.135")
    assert mini["vs_cheapest"] == mini["compared_cost"] - nano["compared_cost"]
    assert mini["compared_cost"] == mini["total_cost"]  # every workload compared
    assert bool(mini["can_serve"]) and mini["warnings"] == 0


def test_benchmarks_come_with_their_name_and_source(book) -> None:
    result = compare_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book),
        ["gpt-4.1-mini", "gpt-5-mini"],
        book=book,
    )
    rows = result.benchmarks.set_index(["model", "benchmark"])
    assert rows.loc[("gpt-4.1-mini", "MMLU"), "score"] == Decimal("87.5")
    assert "GPT-4.1 launch post" in rows.loc[("gpt-4.1-mini", "MMLU"), "source"]
    assert "gpt-5-mini" not in set(result.benchmarks["model"])  # no published score in the book


TWO = """\
    name: two
    start: 2027-01
    months: 2
    workloads:
      - name: chat
        model: gpt-4.1-mini
        requests_per_month: 1000
        input_tokens: 1000
        output_tokens: 100
      - name: summarize
        model: gpt-4.1-mini
        requests_per_month: 1000
        input_tokens: 200000
        output_tokens: 1000
"""


def test_one_workload_swapped_and_its_limits_flagged(book) -> None:
    result = compare_scenario(
        scenario(book, TWO), ["gpt-4o", "gpt-4.1-nano"], workload="summarize", book=book
    )
    ranking = result.ranking.set_index("candidate")
    # gpt-4o: 200,000 input tokens do not fit its 128,000-token window
    assert not bool(ranking.loc["gpt-4o", "can_serve"])
    codes = set(result.warnings[result.warnings["candidate"] == "gpt-4o"]["code"])
    assert "context_window" in codes
    assert bool(ranking.loc["gpt-4.1-nano", "can_serve"])
    # only `summarize` is compared: chat stays on mini in every candidate
    nano = ranking.loc["gpt-4.1-nano"]
    # 2 x 1000 x (200000 x 0.10 + 1000 x 0.40) per 1M = $40.80
    assert nano["compared_cost"] == Decimal("40.80")
    # chat on mini: 2 x 1000 x (1000 x 0.40 + 100 x 1.60) per 1M = $1.12
    assert nano["total_cost"] == Decimal("41.92")
    assert set(result.warnings["workload"]) <= {"summarize"}


def test_mixed_models_are_compared_as_written_too(book) -> None:
    text = TWO.replace(
        "        model: gpt-4.1-mini\n        requests_per_month: 1000\n        input_tokens: 200000",
        "        model: gpt-4.1\n        requests_per_month: 1000\n        input_tokens: 200000",
    )
    result = compare_scenario(scenario(book, text), ["gpt-4.1-mini"], book=book)
    assert set(result.ranking["candidate"]) == {"as written", "gpt-4.1-mini"}
    assert (
        result.ranking.set_index("candidate").loc["as written", "models"] == "gpt-4.1-mini, gpt-4.1"
    )


def test_a_retirement_inside_the_horizon_is_a_warning(book) -> None:
    text = TWO.replace("start: 2027-01", "start: 2026-10").replace("months: 2", "months: 4")
    result = compare_scenario(
        scenario(book, text), ["claude-sonnet-4-5"], workload="chat", book=book
    )
    warnings = result.warnings.set_index("code")
    # claude-sonnet-4-5 retires on 2026-11-30 (price book lifecycle)
    assert warnings.loc["retires", "message"] == (
        "claude-sonnet-4-5-20250929: retires on 2026-11-30, inside the forecast horizon "
        "(2026-10 to 2027-01)"
    )
    assert "retired" in warnings.index
    assert not bool(result.ranking["can_serve"].iloc[0])


def test_image_input_on_a_text_only_model_cannot_serve(book) -> None:
    text = TWO + "        images: {count: 1, width: 512, height: 512}\n"
    result = compare_scenario(scenario(book, text), ["o3-mini"], workload="summarize", book=book)
    (row,) = result.ranking.itertuples()
    assert not row.can_serve
    assert "modality" in set(result.warnings["code"])


def test_json_ready(book) -> None:
    data = compare_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book),
        ["gpt-4.1-nano"],
        book=book,
    ).to_dict()
    assert data["ranking"][0]["candidate"] == "gpt-4.1-nano"
    assert data["ranking"][0]["cost_per_1k_requests"] == "0.135"


def test_the_package_exports_do_not_collide_with_submodules(book) -> None:
    """`costlab.compare` stays the cost engine's function even once the scenario modules load."""
    import costlab
    import costlab.comparison
    import costlab.forecast
    from costlab.cost import Usage

    costs = costlab.compare(["gpt-4.1-mini", "gpt-4.1-nano"], Usage(input_tokens=1000), book=book)
    assert [c.model.id for c in costs] == ["gpt-4.1-nano", "gpt-4.1-mini"]
    scenario = costlab.load_scenario(ROOT / "examples" / "support-bot.yaml", book=book)
    fc = costlab.forecast_scenario(scenario, book=book)
    assert fc.months["total_cost"].iloc[0] == Decimal("351.54")
    assert (
        costlab.compare_scenario(scenario, ["gpt-4.1-nano"], book=book).cheapest == "gpt-4.1-nano"
    )


def test_a_candidate_without_a_price_yet_is_named(book) -> None:
    text = TWO.replace("start: 2027-01", "start: 2026-01")
    with pytest.raises(CostlabError) as info:
        compare_scenario(scenario(book, text), ["gpt-5.6-luna"], book=book)
    assert str(info.value) == (
        "c.yaml: workloads[0] (chat): model: no price on 2026-01-01 (first price from "
        "2026-07-30) (candidate gpt-5.6-luna)"
    )


def test_vs_cheapest_keeps_every_digit_of_a_long_horizon(book) -> None:
    # five years of 10% growth: costs of 68 digits, and "-" rounded their difference to 28
    text = (ROOT / "examples" / "support-bot.yaml").read_text().replace("months: 12", "months: 60")
    result = compare_scenario(
        parse_scenario(load_yaml(text, "c.yaml"), "c.yaml", book=book),
        ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"],
        book=book,
    )
    wide = Context(prec=500)
    cheapest = result.ranking["compared_cost"].iloc[0]
    for row in result.ranking.to_dict("records"):
        assert row["vs_cheapest"] == wide.subtract(row["compared_cost"], cheapest)
    assert len(result.ranking["vs_cheapest"].iloc[1].as_tuple().digits) > 28
