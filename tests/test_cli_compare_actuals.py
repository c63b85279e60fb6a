"""`costlab compare` and `costlab actuals` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SUPPORT_BOT = str(ROOT / "examples" / "support-bot.yaml")
ROUTER = str(ROOT / "examples" / "router.yaml")


def test_compare_ranks_models_in_a_table(cli) -> None:
    result = cli("compare", SUPPORT_BOT, "--models", "gpt-4.1,gpt-4.1-mini,gpt-4.1-nano")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    ranking = [line.split()[:3] for line in lines if line.strip()[:1].isdigit()]
    assert ranking == [
        ["1", "gpt-4.1-nano", "$1,848.23"],
        ["2", "gpt-4.1-mini", "$7,392.93"],
        ["3", "gpt-4.1", "$36,964.66"],
    ]
    assert "published benchmark scores (task-specific; not one quality number):" in lines


def test_compare_json_and_router_vs_mini(cli) -> None:
    result = cli("compare", ROUTER, "--workload", "assistant", "--models", "gpt-4.1-mini", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["workload"] == "assistant"
    first, second = data["ranking"]
    assert first["candidate"] == "gpt-4.1-mini"
    assert second["kind"] == "router"
    assert second["vs_cheapest"] == "217.7766619140625"


def test_compare_warnings_go_to_stderr(cli) -> None:
    result = cli("compare", SUPPORT_BOT, "--models", "o3-mini")
    assert result.code == 0
    assert result.err == (
        "costlab: warning: o3-mini: a reasoning model (default effort medium, about 4,000 "
        "reasoning tokens per request by costlab's assumption) priced with no reasoning tokens; "
        "give reasoning tokens or an effort (candidate o3-mini, workload triage)\n"
        "costlab: warning: o3-mini: deprecated since 2026-04-22 (candidate o3-mini, workload triage)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--models", "gpt-9"],
            "--models: model 'gpt-9': unknown model; closest: gpt-5, gpt-4o, gpt-5.6",
        ),
        (
            ["--models", ","],
            "--models: give at least one model, e.g. --models gpt-4.1-mini,gpt-4.1",
        ),
        (
            ["--workload", "nope"],
            "examples/support-bot.yaml: no workload named 'nope'; the scenario has: triage",
        ),
    ],
)
def test_compare_bad_options(
    cli, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = cli("compare", "examples/support-bot.yaml", *args)
    assert (result.code, result.out, result.err) == (2, "", f"costlab: error: {message}\n")


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["compare", "examples/support-bot.yaml", "--candidates", "x"], "costlab compare --help"),
        (["estimate", "--model", "gpt-4.1-mini", "--input-tokenz", "3"], "costlab estimate --help"),
        (["--bogus"], "costlab --help"),
    ],
)
def test_an_unknown_option_points_to_its_commands_help(
    cli, monkeypatch: pytest.MonkeyPatch, args: list[str], hint: str
) -> None:
    """The hint used to be 'costlab --help' for every command, which lists no command options."""
    monkeypatch.chdir(ROOT)
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("costlab: error: unrecognized arguments: ")
    assert result.err.endswith(f"(see '{hint}')\n") and result.err.count("\n") == 1


# --- actuals -----------------------------------------------------------------------------------


def test_actuals_against_a_scenario(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "usage.csv").write_text(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests\n"
        "2027-01-15,gpt-4.1-mini,781200000,390600000,97650000,651000\n"
        "2027-02-15,gpt-4.1-mini,853776000,426888000,106722000,711480\n",
        encoding="utf-8",
    )
    result = cli("actuals", "usage.csv", "--scenario", SUPPORT_BOT)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "usage.csv (generic-csv): 2 row(s) priced"
    feb = next(line for line in lines if line.startswith("2027-02") and "%" in line)
    assert feb.split() == ["2027-02", "$349.27", "$384.20", "$34.93", "+10.0%", "no"]
    data = json.loads(cli("actuals", "usage.csv", "--scenario", SUPPORT_BOT, "--json").out)
    assert data["variance"][1]["variance_pct"] == "10"
    assert data["variance"][1]["variance_usd"] == "34.9272"


def test_actuals_prints_results_then_problems_and_exits_2(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DATA)
    result = cli("actuals", "openai-usage-export.csv")
    assert result.code == 2
    assert "2027-01" in result.out and "$0.72" in result.out
    assert result.err == (
        "costlab: warning: skipped 1 bucket(s) without usage\n"
        "costlab: error: openai-usage-export.csv: line 5: input_tokens: must be >= 0\n"
    )


def test_actuals_unreadable_file(cli, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("when,what\n1,2\n", encoding="utf-8")
    result = cli("actuals", str(path))
    assert result.code == 2
    assert result.err.startswith(
        f"costlab: error: {path}: missing column(s) date, model, input_tokens"
    )


def test_compare_and_prices_write_their_tables(cli, tmp_path) -> None:
    """Every command that prints a table can also write it (--export: xlsx, json, csv)."""
    import json

    import openpyxl

    book = tmp_path / "compare.xlsx"
    result = cli(
        "compare", "examples/router.yaml", "--workload", "assistant",
        "--models", "gpt-4.1-mini,gpt-4.1-nano", "--export", str(book),
    )  # fmt: skip
    assert result.code == 0
    sheets = openpyxl.load_workbook(book).sheetnames
    assert sheets[:2] == ["ranking", "warnings"]
    prices = tmp_path / "prices.json"
    assert cli("prices", "--provider", "google", "--export", str(prices)).code == 0
    rows = json.loads(prices.read_text())["prices"]
    assert {r["model"] for r in rows} >= {"gemini-2.5-pro", "gemini-2.5-flash"}
    assert rows[0]["price_book"].startswith("genai-prices")


def test_estimate_and_count_write_their_rows(cli, tmp_path) -> None:
    import openpyxl
    import pandas as pd

    rows = tmp_path / "models.csv"
    result = cli(
        "estimate", "--models", "gpt-4.1-mini,gpt-4.1-nano", "--input-tokens", "1000",
        "--date", "2026-11-26", "--export", str(rows),
    )  # fmt: skip
    assert result.code == 0
    table = pd.read_csv(rows, dtype=str)
    assert list(table["model"]) == ["gpt-4.1-nano", "gpt-4.1-mini"]  # cheapest first
    assert list(table["total_cost"]) == ["0.0001", "0.0004"]  # 1,000 x $0.10 and x $0.40 per 1M
    book = tmp_path / "count.xlsx"
    assert cli("count", "tests/data/cookbook_chat_example.json", "--export", str(book)).code == 0
    sheet = openpyxl.load_workbook(book)["models"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("input_tokens") + 1).value == 124
