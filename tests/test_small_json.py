"""``forecast --json`` and ``compare --json`` of a small scenario: plain Python, and the same
bytes the table engine prints (the plain path is the default; ``MAX_CELLS = 0`` sends every
scenario to the table engine, as a scenario too large for the plain path would go)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import costlab.forecast.small as small
from costlab.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

#: Scenarios beyond the examples: what each exercises is in its name.
SCENARIOS = {
    "growth-cache-batch-one-offs-budget": """\
name: multi
start: 2027-02
months: 5
budget: {monthly: 700, total: 2500}
one_off:
  - {name: migration, cost: 125.5, month: 2027-03}
  - {name: kickoff, cost: 0.333}
workloads:
  - name: chat
    model: gpt-4.1-mini
    requests_per_day: 3333
    input_tokens: 1234
    cached_input_share: 0.35
    output_tokens: 210
    retry_rate: 0.07
    growth: [0.1, -0.05, 0.333, 0]
    batch_share: 0.25
  - name: claude
    model: claude-sonnet-4-5
    requests_per_month: 12345
    input_tokens: 8000
    cached_input_share: 0.5
    cache_write_share: 0.1
    cache_write_ttl: 1h
    output_tokens: 700
    growth: 0.015
  - name: thinker
    model: o3
    requests_per_day: 77
    input_tokens: 900
    output_tokens: 120
    reasoning_tokens: 2000
""",
    # Claude Sonnet 4 shuts down on 2026-06-15 (kept, flagged), gpt-3.5-turbo on 2026-10-23
    # (moved to its successor, or stopped); o3's price falls on 2025-06-10.
    "on-retire-keep-successor-stop": """\
name: mixed
start: 2025-06
months: 20
budget: {monthly: 100, total: 5000}
workloads:
  - name: claude
    model: claude-sonnet-4-20250514
    requests_per_month: 1000
    input_tokens: 10000
    cached_input_share: 0.5
    cache_write_share: 0.1
    output_tokens: 500
    growth: [0.1, 0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    batch_share: 0.25
    on_retire: keep
  - name: o3
    model: o3
    requests_per_day: 333
    input_tokens: 777
    output_tokens: 99
    retry_rate: 0.07
  - name: legacy
    model: gpt-3.5-turbo
    requests_per_day: 50
    input_tokens: 300
    output_tokens: 40
    growth: 0.015
    on_retire: successor
  - name: stopped
    model: gpt-3.5-turbo
    requests_per_day: 20
    input_tokens: 100
    output_tokens: 10
    on_retire: stop
""",
    "audio-seconds": """\
name: voice-agent
start: 2027-01
months: 3
workloads:
  - name: calls
    model: gpt-realtime
    requests_per_month: 1000
    input_tokens: 200
    input_audio_seconds: 30
    output_tokens: 100
    output_audio_seconds: 15
    growth: 0.2
  - name: gem
    model: gemini-2.5-flash
    requests_per_day: 500
    input_audio_seconds: 12.5
    input_tokens: 40
    output_tokens: 60
""",
    "cache-hit-rate-and-all-batch": """\
name: prefix-cache
start: 2027-11
months: 4
workloads:
  - name: agent
    model: claude-haiku-4-5
    requests_per_day: 12000
    input_tokens: 5000
    cacheable_prefix_tokens: 3500
    cache_hit_rate: 0.85
    output_tokens: 400
  - name: batchy
    model: gpt-4.1-nano
    requests_per_month: 1000000
    input_tokens: 100
    output_tokens: 3
    batch_share: 1
""",
    "images": """\
name: vision
start: 2027-01
months: 2
workloads:
  - name: receipts
    model: gpt-4.1-mini
    requests_per_day: 1000
    input_tokens: 300
    images: {count: 2, width: 1024, height: 768, detail: high}
    output_tokens: 80
""",
    "tools-effort-tier-unpriced": """\
name: search-assistant
start: 2027-06
months: 3
budget: {total: 90}
workloads:
  - name: search
    model: gpt-4.1-mini
    requests_per_day: 100
    input_tokens: 700
    output_tokens: 90
    web_searches: 1.5
    growth: 0.1
  - name: eu
    model: gpt-5-mini
    requests_per_month: 3000
    input_tokens: 400
    output_tokens: 50
    reasoning_effort: high
    service_tier: priority
""",
}

Run = Callable[..., Any]


def both_engines(cli: Run, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Any, Any]:
    """The command run on the plain path, then on the table engine."""
    fast = cli(*args)
    with monkeypatch.context() as patch:
        patch.setattr(small, "MAX_CELLS", 0)  # every scenario to the table engine
        slow = cli(*args)
    return fast, slow


def assert_same(fast: Any, slow: Any) -> None:
    assert (fast.code, fast.err) == (slow.code, slow.err)
    assert fast.code == 0, fast.err
    assert fast.out == slow.out  # to the byte: keys, order, number text


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_forecast_json_of_every_example_is_the_table_engines(cli, book, monkeypatch, path) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(path, book=book)
    # every example without ranges takes the plain path (the ranged one, the table engine)
    assert (small.small_forecast(scenario, book=book) is None) == scenario.has_ranges
    assert_same(*both_engines(cli, monkeypatch, "forecast", str(path), "--json"))


@pytest.mark.parametrize("budget", [None, "650.25"], ids=["own-budget", "budget-flag"])
@pytest.mark.parametrize("name", SCENARIOS)
def test_forecast_json_of_more_scenarios_is_the_table_engines(  # type: ignore[no-untyped-def]
    cli, book, monkeypatch, tmp_path: Path, name: str, budget: str | None
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(SCENARIOS[name], encoding="utf-8")
    assert small.small_forecast(load_scenario(path, book=book), book=book) is not None
    flags = ["--budget", budget] if budget else []
    fast, slow = both_engines(cli, monkeypatch, "forecast", str(path), "--json", *flags)
    assert_same(fast, slow)
    data = json.loads(fast.out)
    assert data["lines"] and data["routes"] and data["workloads"]
    if budget:
        assert data["budget"]["monthly"] == budget


def test_forecast_json_of_a_scenario_given_by_flags_is_the_table_engines(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    args = (
        "forecast", "--model", "gpt-4.1-mini", "--requests-per-day", "20000",
        "--input-tokens", "1200", "--output-tokens", "150", "--cached-share", "0.5",
        "--growth", "0.10", "--start", "2027-01", "--budget", "400", "--json",
    )  # fmt: skip
    assert_same(*both_engines(cli, monkeypatch, *args))


def test_lines_and_routes_by_hand(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 1,000 requests a month, half through the Batch API (half price): a request costs
    # 1,000 x $0.40/1M + 100 x $1.60/1M = $0.00056, so the sync line costs $0.28 a month
    # and the batch line $0.14; the route adds both lines over both months.
    path = tmp_path / "halves.yaml"
    path.write_text(
        "name: halves\nstart: 2027-01\nmonths: 2\nworkloads:\n"
        "  - {name: w, model: gpt-4.1-mini, requests_per_month: 1000, input_tokens: 1000,"
        " output_tokens: 100, batch_share: 0.5}\n",
        encoding="utf-8",
    )
    data = json.loads(cli("forecast", str(path), "--json").out)
    lines = [(r["month"], r["batch"], r["requests"], r["total_cost"]) for r in data["lines"]]
    assert lines == [
        ("2027-01", False, "500", "0.28"),
        ("2027-02", False, "500", "0.28"),
        ("2027-01", True, "500", "0.14"),
        ("2027-02", True, "500", "0.14"),
    ]
    assert [r["cumulative_cost"] for r in data["lines"]] == ["0.28", "0.56", "0.14", "0.28"]
    (route,) = data["routes"]
    assert (route["requests"], route["total_cost"], route["cost_per_1k_requests"]) == (
        "2000",
        "0.84",
        "0.42",
    )
    assert data["total_cost"] == "0.84"


@pytest.mark.parametrize(
    "args",
    [
        ["examples/support-bot.yaml", "--models", "gpt-4.1-nano,gpt-4.1,o3"],
        ["examples/router.yaml"],
        [
            "examples/router.yaml",
            "--workload",
            "assistant",
            "--models",
            "gpt-4.1-mini,gpt-4.1-nano",
        ],
        ["examples/rag.yaml"],
        ["examples/tiers.yaml", "--models", "gpt-5,gpt-5-mini"],
    ],
    ids=["support-bot", "router", "router-assistant", "rag", "tiers"],
)
def test_compare_json_is_the_table_engines(cli, monkeypatch, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    args = [str(ROOT / args[0]), *args[1:], "--json"]
    assert_same(*both_engines(cli, monkeypatch, "compare", *args))


def test_compare_json_with_warnings_is_the_table_engines(cli, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "audio.yaml"
    path.write_text(SCENARIOS["audio-seconds"], encoding="utf-8")
    fast, slow = both_engines(
        cli, monkeypatch, "compare", str(path), "--models", "gpt-realtime,gpt-4o-mini", "--json"
    )
    assert_same(fast, slow)
    assert json.loads(fast.out)["warnings"]
