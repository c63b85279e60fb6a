"""Non-chat APIs priced by the one engine: embeddings (per 1M input tokens, and batch).

Expected figures are OpenAI's published prices ([OAI-EMB] in docs/sources.md) worked by hand.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from costlab.cost import price_usage
from costlab.prices import load_pricebook
from costlab.tokens import count_path
from costlab.usage import Usage

BOOK = load_pricebook()
ON = date(2026, 11, 26)


def test_embeddings_price_per_million_input_tokens() -> None:
    # RAG ingestion by hand: 10,000 chunks of 500 tokens = 5,000,000 tokens
    # x $0.02 / 1M = $0.10 (small); x $0.13 / 1M = $0.65 (large); batch halves both.
    usage = Usage(input_tokens=500, requests=10_000)
    small = BOOK.resolve("text-embedding-3-small")
    large = BOOK.resolve("text-embedding-3-large")
    assert price_usage(small, usage, on=ON).total_cost == Decimal("0.10")
    assert price_usage(large, usage, on=ON).total_cost == Decimal("0.65")
    batch = Usage(input_tokens=500, requests=10_000, batch=True)
    assert price_usage(small, batch, on=ON).total_cost == Decimal("0.05")
    assert price_usage(large, batch, on=ON).total_cost == Decimal("0.325")


def test_embeddings_count_exactly_with_cl100k(tmp_path: Path) -> None:
    path = tmp_path / "chunk.txt"
    path.write_text("tiktoken is great!")
    count = count_path(path, model="text-embedding-3-small")
    # the cookbook's cl100k ids for this sentence: [83, 1609, 5963, 374, 2294, 0] [CB]
    assert count.exact and count.encoding == "cl100k_base" and count.input_tokens == 6


def test_embeddings_estimate_from_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "estimate",
        "--model",
        "text-embedding-3-small",
        "--input-tokens",
        "500",
        "--requests",
        "10000",
        "--date",
        "2026-11-26",
        "--json",
    )
    assert result.code == 0, result.err
    assert Decimal(json.loads(result.out)["total_cost"]) == Decimal("0.10")


def test_rag_scenario_by_hand() -> None:
    from costlab.forecast import forecast_scenario
    from costlab.scenario import load_scenario

    root = Path(__file__).resolve().parent.parent
    forecast = forecast_scenario(
        load_scenario(root / "examples" / "rag.yaml", book=BOOK), book=BOOK
    )
    january = forecast.months.set_index("month").loc["2027-01"]
    # ingestion: 200,000 chunks x 500 tokens = 100M tokens x $0.02/1M = $2.00
    # query embeddings: 1,000 x 31 days x 20 tokens = 620,000 tokens x $0.02/1M = $0.0124
    # answers: 31,000 x (3,000 x $0.40 + 300 x $1.60) / 1M = 31,000 x $0.00168 = $52.08
    assert january["total_cost"] == Decimal("2.00") + Decimal("0.0124") + Decimal("52.08")
