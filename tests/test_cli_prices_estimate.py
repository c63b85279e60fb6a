"""`costlab prices` and `costlab estimate` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

COMMANDS = ["prices", "estimate"]


def test_prices_json_lists_every_model_with_decimal_strings(cli) -> None:
    result = cli("prices", "--json")
    assert result.code == 0, result.err
    models = json.loads(result.out)
    mini = next(m for m in models if m["id"] == "gpt-4.1-mini")
    assert mini["provider"] == "openai"
    assert "gpt-4.1-mini-2025-04-14" in mini["aliases"]
    assert mini["context_window"] == 1_047_576
    assert mini["max_output_tokens"] == 32_768
    assert mini["batch_discount"] == "0.5"
    assert mini["price"]["input"] == "0.40"
    assert mini["price"]["cached_input"] == "0.10"
    assert mini["price"]["output"] == "1.60"
    for model in models:
        assert {
            "id",
            "provider",
            "aliases",
            "context_window",
            "max_output_tokens",
            "batch_discount",
            "price",
        } <= model.keys()


def test_prices_filters_by_provider(cli) -> None:
    result = cli("prices", "--provider", "anthropic", "--json")
    assert {m["provider"] for m in json.loads(result.out)} == {"anthropic"}


def test_prices_table_is_readable(cli) -> None:
    result = cli("prices", "--provider", "openai")
    assert result.code == 0
    line = next(line for line in result.out.splitlines() if line.startswith("gpt-4.1-mini "))
    assert "$0.40" in line and "$0.10" in line and "$1.60" in line and "1,047,576" in line


def test_prices_model_detail_shows_history(cli) -> None:
    result = cli("prices", "--model", "o3")
    assert "from 2025-04-16: $10.00 input" in result.out
    assert "from 2025-06-10: $2.00 input" in result.out


def test_unknown_provider_is_one_line(cli) -> None:
    result = cli("prices", "--provider", "nobody")
    assert result.code == 2
    assert result.err.startswith("costlab: error: provider 'nobody': no models for provider")
    assert result.err.count("\n") == 1


def test_estimate_json_matches_the_hand_calculation(cli) -> None:
    result = cli(
        "estimate",
        "--model",
        "gpt-4.1-mini",
        "--input-tokens",
        "1234",
        "--requests",
        "1000000",
        "--json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["model"] == "gpt-4.1-mini"
    assert data["requests"] == 1_000_000
    assert data["total_cost"] == "493.60"
    assert data["input_cost"] == "493.60"
    assert data["cached_input_cost"] == "0.00"
    assert data["output_cost"] == "0.00"
    assert data["warnings"] == []


def test_estimate_batch_and_cache(cli) -> None:
    result = cli(
        "estimate", "-m", "gpt-4.1-mini-2025-04-14", "--input-tokens", "1200", "--cached-input-tokens", "600",
        "--output-tokens", "150", "--json",
    )  # fmt: skip
    assert json.loads(result.out)["total_cost"] == "0.00054"
    batch = json.loads(
        cli(
            "estimate",
            "-m",
            "gpt-4.1-mini",
            "--input-tokens",
            "2000",
            "--output-tokens",
            "1000",
            "--batch",
            "--json",
        ).out
    )
    assert batch["total_cost"] == "0.0012"  # 2000 x 0.20 + 1000 x 0.80 per 1M


def test_estimate_on_a_date_uses_that_days_price(cli) -> None:
    before = json.loads(
        cli(
            "estimate", "-m", "o3", "--input-tokens", "1000000", "--date", "2025-06-09", "--json"
        ).out
    )
    after = json.loads(
        cli(
            "estimate", "-m", "o3", "--input-tokens", "1000000", "--date", "2025-06-10", "--json"
        ).out
    )
    assert (before["total_cost"], after["total_cost"]) == ("10.00", "2.00")


def test_estimate_warns_about_the_context_window(cli) -> None:
    result = cli(
        "estimate", "-m", "gpt-4o", "--input-tokens", "127000", "--output-tokens", "5000", "--json"
    )
    assert result.code == 0
    assert "context window" in json.loads(result.out)["warnings"][0]
    table = cli("estimate", "-m", "gpt-4o", "--input-tokens", "127000", "--output-tokens", "5000")
    assert "costlab: warning: gpt-4o:" in table.err
    assert "total" in table.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["estimate", "-m", "gpt-4.1-mnii", "--input-tokens", "5"],
            "costlab: error: model 'gpt-4.1-mnii': unknown model; closest: gpt-4.1-mini",
        ),
        (
            ["estimate", "-m", "gpt-4o", "--input-tokens", "-5"],
            "costlab: error: argument --input-tokens: must be >= 0, got -5",
        ),
        (
            ["estimate", "-m", "gpt-4o", "--input-tokens", "5", "--cached-input-tokens", "9"],
            "costlab: error: --cached-input-tokens: cached and cache-write tokens (9) exceed input_tokens (5)",
        ),
        (
            ["estimate", "-m", "gpt-4o", "--input-tokens", "5", "--date", "2026-13-01"],
            "costlab: error: argument --date: not a date YYYY-MM-DD",
        ),
        (["estimate", "--input-tokens", "5"], "costlab: error: estimate: --model is required"),
        (
            ["prices", "--prices", "/nonexistent/prices.yaml"],
            "costlab: error: /nonexistent/prices.yaml: no such price file or folder",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.startswith(message)
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert "examples:" in result.out and f"costlab {command}" in result.out


def test_the_installed_console_script_runs(costlab_process, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("provider: acme\nmodels:\n  - id: x\n    name: X\n    context_window: -1\n")
    result = costlab_process("prices", "--prices", str(bad), cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith(
        "costlab: error: bad.yaml: x: context_window: must be > 0 (line 5)"
    )
    ok = costlab_process(
        "estimate",
        "--model",
        "gpt-4.1-mini",
        "--input-tokens",
        "1234",
        "--requests",
        "1000000",
        "--json",
    )
    assert ok.code == 0 and json.loads(ok.out)["total_cost"] == "493.60"


def test_user_prices_from_the_environment(costlab_process, tmp_path: Path) -> None:
    (tmp_path / "deal.yaml").write_text(
        "provider: openai\nmodels:\n  - id: gpt-4.1-mini\n    price:\n      effective_from: 2026-01-01\n"
        "      source: our contract\n      input: 0.30\n      output: 1.20\n"
    )
    import os

    env = {**os.environ, "COSTLAB_PRICES": str(tmp_path)}
    result = costlab_process(
        "estimate", "-m", "gpt-4.1-mini", "--input-tokens", "1000000", "--json", env=env
    )
    assert json.loads(result.out)["total_cost"] == "0.30"
