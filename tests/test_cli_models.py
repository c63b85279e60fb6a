"""Several models in one run: ``costlab estimate`` and ``costlab count`` with ``--model a
--model b``, ``--models a,b``, ``--models all`` and ``--provider``, one row per model, cheapest
first."""

from __future__ import annotations

import json
from decimal import Decimal

from conftest import DATA


def test_estimate_on_several_models_is_sorted_by_cost_with_hand_checked_totals(cli) -> None:
    result = cli(
        "estimate",
        "--models",
        "gpt-4o,gpt-4.1-mini",
        "--model",
        "gpt-4.1-nano",
        "--input-tokens",
        "1200",
        "--output-tokens",
        "150",
        "--requests",
        "20000",
        "--date",
        "2026-11-26",
        "--json",
    )
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["model"] for r in rows] == ["gpt-4.1-nano", "gpt-4.1-mini", "gpt-4o"]
    # 24M input and 3M output tokens: nano $0.10/$0.40 per 1M, mini $0.40/$1.60, 4o $2.50/$10.
    assert [Decimal(r["total_cost"]) for r in rows] == [
        Decimal("2.40") + Decimal("1.20"),
        Decimal("9.60") + Decimal("4.80"),
        Decimal("60.00") + Decimal("30.00"),
    ]


def test_repeated_model_flags_and_the_table(cli) -> None:
    result = cli(
        "estimate",
        "--model",
        "gpt-4.1-mini",
        "--model",
        "gpt-4.1-nano",
        "--input-tokens",
        "1000000",
        "--date",
        "2026-11-26",
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["model", "provider", "input", "output", "total", "per", "request"]
    assert lines[2].split()[:5] == ["gpt-4.1-nano", "openai", "$0.10", "$0.00", "$0.10"]
    assert lines[3].split()[:5] == ["gpt-4.1-mini", "openai", "$0.40", "$0.00", "$0.40"]


def test_models_all_and_provider(cli, book) -> None:
    everything = json.loads(
        cli(
            "estimate",
            "--models",
            "all",
            "--input-tokens",
            "1000",
            "--date",
            "2026-11-26",
            "--json",
        ).out
    )
    costs = [Decimal(r["total_cost"]) for r in everything]
    assert costs == sorted(costs)
    assert len(everything) == len(book)  # every model has a price on that day
    google = json.loads(
        cli(
            "estimate",
            "--provider",
            "google",
            "--input-tokens",
            "1000",
            "--date",
            "2026-11-26",
            "--json",
        ).out
    )
    assert {r["provider"] for r in google} == {"google"}
    assert len(google) == sum(1 for m in book if m.provider == "google")
    bad = cli("estimate", "--provider", "nobody", "--input-tokens", "1")
    assert bad.code == 2 and bad.err.startswith("costlab: error: --provider: unknown provider")
    assert bad.err.count("\n") == 1


def test_count_on_several_models_counts_each_with_its_own_encoding(cli) -> None:
    path = str(DATA / "cookbook_chat_example.json")
    result = cli(
        "count", path, "--models", "gpt-4o,gpt-3.5-turbo", "--date", "2026-11-26", "--json"
    )
    assert result.code == 0, result.err
    rows = {r["model"]: r for r in json.loads(result.out)}
    # The cookbook's own figures: 124 tokens on gpt-4o (o200k), 129 on gpt-3.5-turbo (cl100k).
    assert rows["gpt-4o"]["input_tokens"] == 124 and rows["gpt-4o"]["exact"] is True
    assert rows["gpt-3.5-turbo"]["input_tokens"] == 129
    # count prices the input alone: 124 x $2.50/1M and 129 x $0.50/1M
    assert Decimal(rows["gpt-4o"]["total_cost"]) == Decimal(124) * Decimal("2.50") / 10**6
    assert Decimal(rows["gpt-3.5-turbo"]["total_cost"]) == Decimal(129) * Decimal("0.50") / 10**6
    order = [r["model"] for r in json.loads(result.out)]
    assert order == ["gpt-3.5-turbo", "gpt-4o"]


def test_one_model_keeps_the_one_model_output(cli) -> None:
    path = str(DATA / "cookbook_chat_example.json")
    one = cli("count", path, "--model", "gpt-4o")
    assert one.code == 0 and one.out.startswith(f"{path}: Chat Completions request on gpt-4o")
