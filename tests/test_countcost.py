"""Pricing a count: each request at its own long-context tier, output as expected and as bound."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from costlab.counted_cost import price_count
from costlab.prices import load_pricebook
from costlab.tokens import PartCount, TokenCount

BOOK = load_pricebook()
DAY = date(2026, 11, 26)


def batch(*inputs_and_limits: tuple[int, int | None]) -> TokenCount:
    parts = tuple(
        PartCount(f"r{i}", n, limit, i + 1) for i, (n, limit) in enumerate(inputs_and_limits)
    )
    limits = [limit for _, limit in inputs_and_limits if limit is not None]
    return TokenCount(
        model="gpt-5.4",
        encoding="o200k_base",
        input_tokens=sum(p.input_tokens for p in parts),
        exact=True,
        kind="batch",
        requests=len(parts),
        max_output_tokens=sum(limits) if limits else None,
        requests_without_max_output=len(parts) - len(limits),
        parts=parts,
    )


def test_each_request_pays_its_own_tier() -> None:
    # gpt-5.4: 2.50 in / 15.00 out; above 272,000 input tokens the whole request bills 5.00 / 22.50;
    # the batch API halves both.
    cost = price_count(
        batch((300_000, 1000), (1_000, None)), BOOK.resolve("gpt-5.4"), output_tokens=100, on=DAY
    )
    assert cost.batch and cost.tiered_requests == 1
    assert (
        cost.input_cost
        == Decimal("300000") * Decimal("2.50") / 1_000_000
        + Decimal("1000") * Decimal("1.25") / 1_000_000
    )
    assert (
        cost.output_cost
        == Decimal("100") * Decimal("11.25") / 1_000_000
        + Decimal("100") * Decimal("7.50") / 1_000_000
    )
    # bound: 1,000 (its limit) at the tier rate + the model's 128,000 max output at the base rate
    assert cost.max_output_tokens == 1000 + 128_000
    assert (
        cost.max_output_cost
        == Decimal("1000") * Decimal("11.25") / 1_000_000
        + Decimal("128000") * Decimal("7.50") / 1_000_000
    )
    assert cost.total_cost == cost.input_cost + cost.output_cost


def test_a_single_body_repeated_at_the_standard_rate() -> None:
    count = TokenCount(
        model="gpt-4.1-mini",
        encoding="o200k_base",
        input_tokens=1200,
        exact=True,
        kind="chat",
        max_output_tokens=300,
    )
    cost = price_count(
        count, BOOK.resolve("gpt-4.1-mini"), output_tokens=150, requests=20_000, on=DAY
    )
    assert not cost.batch and cost.requests == 20_000
    # 24,000,000 input at 0.40 + 3,000,000 output at 1.60; bound 6,000,000 output
    assert cost.total_cost == Decimal("9.60") + Decimal("4.80")
    assert cost.max_total_cost == Decimal("9.60") + Decimal("9.60")
    assert cost.to_dict()["input_tokens"] == 1200
