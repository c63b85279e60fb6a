"""``costlab forecast`` and ``costlab check`` with one workload from flags, no YAML file."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

from costlab import forecast_scenario, load_scenario
from costlab.quick import quick_scenario

FLAGS = (
    "--model",
    "gpt-4.1-mini",
    "--requests-per-day",
    "20000",
    "--input-tokens",
    "1200",
    "--output-tokens",
    "150",
    "--cached-share",
    "0.5",
    "--growth",
    "0.10",
    "--months",
    "12",
    "--start",
    "2027-01",
    "--budget",
    "400",
)

#: The same workload written by hand as a scenario file (not produced by costlab).
BY_HAND = textwrap.dedent(
    """\
    name: quick
    start: 2027-01
    months: 12
    budget: {monthly: 400}
    workloads:
      - name: main
        model: gpt-4.1-mini
        requests_per_day: 20000
        input_tokens: 1200
        cached_input_share: 0.5
        output_tokens: 150
        growth: 0.10
    """
)


def test_a_forecast_from_flags_equals_the_same_scenario_from_yaml(cli, tmp_path: Path) -> None:
    path = tmp_path / "quick.yaml"
    path.write_text(BY_HAND, encoding="utf-8")
    from_flags = cli("forecast", *FLAGS, "--json")
    from_file = cli("forecast", str(path), "--json")
    assert from_flags.code == from_file.code == 0, from_flags.err + from_file.err
    flags_data, file_data = json.loads(from_flags.out), json.loads(from_file.out)
    # Every figure, as an exact decimal string, to the last digit; only the source differs.
    assert (flags_data.pop("source"), file_data.pop("source")) == ("flags", str(path))
    assert flags_data == file_data
    assert cli("forecast", *FLAGS).out.replace("quick", "") == cli(
        "forecast", str(path)
    ).out.replace("quick", "")
    # January: 20,000 x 31 days = 620,000 requests; input 744M tokens, half cached:
    # 372M x $0.40 + 372M x $0.10 + 93M output x $1.60 per 1M = 148.80 + 37.20 + 148.80
    january = flags_data["months"][0]
    assert Decimal(january["total_cost"]) == Decimal("334.80")


def test_save_writes_a_scenario_file_that_reads_back_to_the_same_scenario(
    cli, tmp_path: Path, book
) -> None:
    saved = tmp_path / "saved.yaml"
    result = cli("forecast", *FLAGS, "--save", str(saved))
    assert result.code == 0 and f"wrote {saved}" in result.err
    again = load_scenario(saved, book=book)
    hand = tmp_path / "hand.yaml"
    hand.write_text(BY_HAND, encoding="utf-8")
    by_hand = load_scenario(hand, book=book)
    assert again.workloads == by_hand.workloads and again.budget == by_hand.budget
    assert (
        forecast_scenario(again, book=book).total_cost
        == forecast_scenario(by_hand, book=book).total_cost
    )


def test_decimals_survive_the_yaml_digit_for_digit(book) -> None:
    quick = quick_scenario(
        model="gpt-4.1-mini",
        requests_per_day=Decimal("1234.5678901234567"),
        input_tokens=1000,
        cached_input_share=Decimal("0.123456789012345678"),
        start="2027-01",
        months=2,
        book=book,
    )
    workload = quick.scenario.workloads[0]
    assert workload.requests_per_day == Decimal("1234.5678901234567")
    assert workload.cached_input_share == Decimal("0.123456789012345678")


def test_check_from_flags_and_its_exit_codes(cli) -> None:
    base = FLAGS[: FLAGS.index("--budget")]
    # 620,000 requests x 1200 input and 150 output tokens, half cached: $334.80 in January
    assert cli("check", *base, "--growth", "0", "--budget", "335").code == 0
    over = cli("check", *base, "--growth", "0", "--budget", "334")
    assert over.code == 1 and "2027-01 costs $334.80" in over.out
    bad = cli("check", *base, "--cached-share", "1.5", "--budget", "1")
    assert bad.code == 2 and bad.err == "costlab: error: check: --cached-share: must be <= 1\n"
    both = cli("check", "examples/support-bot.yaml", "--model", "gpt-4.1-mini")
    assert both.code == 2 and "not both (--model)" in both.err
    missing = cli("forecast", "--model", "gpt-4.1-mini")
    assert missing.code == 2
    assert missing.err.endswith("--requests-per-day, --input-tokens missing\n")
