"""Small scenarios in plain Python: the same figures as the table engine, without pandas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from costlab.forecast import forecast_scenario, with_budget
from costlab.forecast.budget import budgeted
from costlab.forecast.small import MAX_CELLS, small_forecast
from costlab.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def texts(rows):  # type: ignore[no-untyped-def]
    """Every value as text: equal Decimals written differently (1.0, 1) would differ."""
    return [{k: str(v) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_month_and_total_equals_the_table_engine(book, path: Path) -> None:
    scenario = load_scenario(path, book=book)
    small = small_forecast(scenario, book=book)
    if scenario.has_ranges:
        assert small is None  # bands and sensitivity are the table engine's
        return
    assert small is not None
    fc = forecast_scenario(scenario, book=book)
    assert texts(small.months) == texts(fc.months.to_dict("records"))
    assert list(small.months[0]) == list(fc.months.columns)
    assert texts(small.workloads) == texts(fc.workloads.to_dict("records"))
    assert texts(small.routes) == texts(fc.routes.to_dict("records"))
    # the same numbers (a line's Decimals may be written with other trailing zeros)
    assert small.lines == fc.lines.to_dict("records")
    for figure in ("requests", "tasks", "input_tokens", "output_tokens", "total_cost"):
        assert str(small.total(figure)) == str(fc.total(figure))
    assert str(small.total_cost) == str(fc.total_cost)
    assert small.budget == fc.budget
    assert small.flags == fc.flags
    assert small.price_book == fc.price_book


def test_another_budget_is_applied_as_check_applies_it(book) -> None:
    scenario = load_scenario(ROOT / "examples" / "support-bot.yaml", book=book)
    small = small_forecast(budgeted(scenario, monthly=500, total=4000), book=book)
    fc = with_budget(forecast_scenario(scenario, book=book), monthly=500, total=4000)
    assert small is not None
    assert texts(small.months) == texts(fc.months.to_dict("records"))
    assert small.budget == fc.budget
    assert small.budget.first_month_over == "2027-05"  # 351.54 x 1.1^4 x 31/31 > 500


def test_cache_writes_price_changes_and_retirements_match_too(book) -> None:
    # 2025-06 .. 2027-01: o3's price falls on 2025-06-10 (July on), Claude Sonnet 4 shuts
    # down on 2026-06-15 (kept, flagged), gpt-3.5-turbo on 2026-10-23 (moved to its successor).
    data = {
        "name": "mixed",
        "start": "2025-06",
        "months": 20,
        "budget": {"monthly": 100, "total": 5000},
        "workloads": [
            {
                "name": "claude",
                "model": "claude-sonnet-4-20250514",
                "requests_per_month": 1000,
                "input_tokens": 10000,
                "cached_input_share": "0.5",
                "cache_write_share": "0.1",
                "output_tokens": 500,
                "growth": ["0.1", "0.2", *["0"] * 16, "1"],
                "batch_share": "0.25",
                "on_retire": "keep",
            },
            {
                "name": "o3",
                "model": "o3",
                "requests_per_day": 333,
                "input_tokens": 777,
                "output_tokens": 99,
                "retry_rate": "0.07",
            },
            {
                "name": "legacy",
                "model": "gpt-3.5-turbo",
                "requests_per_day": 50,
                "input_tokens": 300,
                "output_tokens": 40,
                "growth": "0.015",
                "on_retire": "successor",
            },
        ],
    }
    scenario = parse_scenario(data, "mixed.yaml", book=book)
    small = small_forecast(scenario, book=book)
    fc = forecast_scenario(scenario, book=book)
    assert small is not None
    assert "cache_write_cost" in small.months[0]
    assert texts(small.months) == texts(fc.months.to_dict("records"))
    assert texts(small.workloads) == texts(fc.workloads.to_dict("records"))
    assert texts(small.routes) == texts(fc.routes.to_dict("records"))
    assert small.workloads[2]["models"] == "gpt-3.5-turbo, gpt-4.1-mini"
    assert {"retired", "retires", "on_retire"} <= {f.code for f in small.flags}
    assert small.flags == fc.flags
    assert small.budget == fc.budget


def test_a_large_scenario_goes_to_the_table_engine(book) -> None:
    workloads = [
        {"name": f"w{i}", "model": "gpt-4.1-mini", "requests_per_day": 10, "input_tokens": 10,
         "output_tokens": 10}
        for i in range(MAX_CELLS // 12 + 1)
    ]  # fmt: skip
    data = {"name": "big", "start": "2027-01", "months": 12, "workloads": workloads}
    assert small_forecast(parse_scenario(data, "big.yaml", book=book), book=book) is None


@pytest.mark.parametrize(
    "command",
    [
        ["forecast", "examples/support-bot.yaml"],
        ["forecast", "examples/router.yaml"],
        ["check", "examples/support-bot.yaml", "--budget", "500"],
        ["compare", "examples/support-bot.yaml", "--models", "gpt-4.1-nano,gpt-4.1,o3"],
        ["forecast", "examples/support-bot.yaml", "--json"],
        ["forecast", "examples/router.yaml", "--json", "--budget", "100"],
        ["compare", "examples/router.yaml", "--json"],
        [
            "forecast",
            "--model",
            "gpt-4.1-mini",
            "--requests-per-day",
            "100",
            "--input-tokens",
            "10",
            "--output-tokens",
            "5",
            "--start",
            "2027-01",
        ],
        ["estimate", "--model", "gpt-4.1-mini", "--input-tokens", "1200", "--output-tokens", "150"],
    ],
    ids=[
        "forecast",
        "forecast-router",
        "check",
        "compare",
        "forecast-json",
        "forecast-router-json",
        "compare-json",
        "forecast-flags",
        "estimate",
    ],
)
def test_small_commands_never_import_pandas_or_numpy(command: list[str], tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from costlab.cli import main\n"
        f"code = main({command!r})\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'plotly', 'streamlit') if m in sys.modules)\n"
        "print('heavy:', ','.join(heavy), 'code:', code)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("COSTLAB_PRICES", None)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT
    ).stdout
    assert out.splitlines()[-1] in ("heavy:  code: 0", "heavy:  code: 1"), out


def test_the_small_path_prints_what_the_table_engine_prints(cli, book, monkeypatch) -> None:
    fast = cli("forecast", str(ROOT / "examples" / "rag.yaml"))
    import costlab.forecast.small as small

    monkeypatch.setattr(small, "MAX_CELLS", 0)  # every scenario to the table engine
    slow = cli("forecast", str(ROOT / "examples" / "rag.yaml"))
    assert fast.code == slow.code == 0
    assert fast.out == slow.out
    assert fast.err == slow.err


@pytest.mark.parametrize(
    ("name", "models", "workload"),
    [
        ("support-bot", ["gpt-4.1-nano", "gpt-4.1", "claude-haiku-4-5", "o3", "gpt-4"], None),
        ("router", None, None),
        ("router", ["gpt-4.1-mini", "gpt-4.1-nano"], "assistant"),
        ("rag", ["gpt-4.1-mini", "text-embedding-3-small"], None),
        ("tiers", ["gpt-5", "gpt-5-mini"], None),
    ],
)
def test_a_small_comparison_equals_the_table_comparison(book, name, models, workload) -> None:  # type: ignore[no-untyped-def]
    from costlab.comparison import compare_scenario, compare_small

    scenario = load_scenario(ROOT / "examples" / f"{name}.yaml", book=book)
    small = compare_small(scenario, models, workload=workload, book=book)
    full = compare_scenario(scenario, models, workload=workload, book=book)
    assert small is not None
    assert texts(small.ranking) == texts(full.ranking.to_dict("records"))
    assert texts(small.warnings) == texts(full.warnings.to_dict("records"))
    assert texts(small.benchmarks) == texts(full.benchmarks.to_dict("records"))


def test_a_ranged_comparison_goes_to_the_table_engine(book) -> None:
    from costlab.comparison import compare_small

    scenario = load_scenario(ROOT / "examples" / "launch-ranges.yaml", book=book)
    assert compare_small(scenario, ["gpt-5-mini"], book=book) is None
