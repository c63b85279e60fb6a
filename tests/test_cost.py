"""The cost engine: exact to the cent, linear, batch and tiers applied, limits flagged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costlab.cost import Usage, compare, estimate, price_usage
from costlab.errors import CostlabError
from costlab.prices import PriceBook, PriceEntry

TODAY = date(2026, 11, 26)


def test_a_million_requests_of_1234_tokens_on_mini_cost_exactly_493_60(book) -> None:
    cost = estimate("gpt-4.1-mini", input_tokens=1234, requests=1_000_000, on=TODAY, book=book)
    assert cost.total_cost == Decimal("493.60")
    assert cost.input_cost == Decimal("493.60")


def test_the_support_ticket_request_costs_0_00054(book) -> None:
    # Hand calculation: 600 x $0.40 + 600 x $0.10 + 150 x $1.60, per 1M tokens.
    cost = estimate(
        "gpt-4.1-mini",
        input_tokens=1200,
        cached_input_tokens=600,
        output_tokens=150,
        on=TODAY,
        book=book,
    )
    assert cost.input_cost == Decimal("0.00024")
    assert cost.cached_input_cost == Decimal("0.00006")
    assert cost.output_cost == Decimal("0.00024")
    assert cost.total_cost == Decimal("0.00054")


def test_batch_halves_input_and_output(book) -> None:
    standard = estimate("gpt-4.1-mini", input_tokens=1000, output_tokens=500, on=TODAY, book=book)
    batch = estimate(
        "gpt-4.1-mini", input_tokens=1000, output_tokens=500, batch=True, on=TODAY, book=book
    )
    assert batch.input_cost * 2 == standard.input_cost
    assert batch.output_cost * 2 == standard.output_cost
    assert batch.total_cost == Decimal("0.0006")  # 1000 x 0.20 + 500 x 0.80 per 1M


def test_batch_cached_rate_follows_the_book(book) -> None:
    # GPT-5 family: cached tokens keep the 50% batch discount (0.125 -> 0.0625 per 1M).
    cost = estimate(
        "gpt-5",
        input_tokens=1_000_000,
        cached_input_tokens=1_000_000,
        batch=True,
        on=TODAY,
        book=book,
    )
    assert cost.cached_input_cost == Decimal("0.0625")


def test_anthropic_cache_writes_bill_at_their_own_prices(book) -> None:
    # Haiku 4.5: $1 input, $1.25 5-minute write, $2 1-hour write, $0.10 read, per 1M.
    cost = estimate(
        "claude-haiku-4-5",
        input_tokens=4_000_000,
        cached_input_tokens=1_000_000,
        cache_write_tokens=1_000_000,
        cache_write_1h_tokens=1_000_000,
        on=TODAY,
        book=book,
    )
    assert cost.input_cost == Decimal("1.00")
    assert cost.cached_input_cost == Decimal("0.10")
    assert cost.cache_write_cost == Decimal("3.25")


def test_long_context_tier_applies_per_request(book) -> None:
    at_threshold = estimate(
        "gemini-2.5-pro", input_tokens=200_000, output_tokens=1000, on=TODAY, book=book
    )
    above = estimate(
        "gemini-2.5-pro", input_tokens=200_001, output_tokens=1000, on=TODAY, book=book
    )
    assert at_threshold.tier is None
    assert at_threshold.total_cost == Decimal("0.26")  # 200,000 x 1.25 + 1,000 x 10.00 per 1M
    assert above.tier is not None and above.tier.above_input_tokens == 200_000
    assert above.input_cost == Decimal("0.5000025")  # the whole request at $2.50
    assert above.output_cost == Decimal("0.015")  # and its output at $15.00


def test_exceeding_the_context_window_is_flagged_not_hidden(book) -> None:
    cost = estimate("gpt-4o", input_tokens=127_000, output_tokens=2_000, on=TODAY, book=book)
    assert [f.code for f in cost.flags] == ["context_window"]
    assert "128,000-token context window" in cost.warnings[0]
    assert cost.total_cost > 0  # still priced, and the flag travels with it


def test_exceeding_max_output_is_flagged(book) -> None:
    cost = estimate("gpt-4.1-mini", input_tokens=10, output_tokens=40_000, on=TODAY, book=book)
    assert "max_output" in [f.code for f in cost.flags]


def test_gpt5_input_cap_is_flagged(book) -> None:
    cost = estimate("gpt-5", input_tokens=300_000, output_tokens=10, on=TODAY, book=book)
    assert "max_input" in [f.code for f in cost.flags]


def test_retired_model_is_flagged(book) -> None:
    cost = estimate("claude-opus-4-1", input_tokens=10, on=TODAY, book=book)
    assert [f.code for f in cost.flags] == ["retired"]


def test_cached_tokens_without_a_cached_price_bill_as_input(book) -> None:
    cost = estimate(
        "gpt-3.5-turbo", input_tokens=1_000_000, cached_input_tokens=500_000, on=TODAY, book=book
    )
    assert cost.total_cost == Decimal("0.50")
    assert "no_cached_price" in [f.code for f in cost.flags]


def test_reasoning_tokens_are_output(book) -> None:
    # OpenAI's reasoning example: output_tokens 1,186 of which reasoning 1,024; all billed as output.
    cost = estimate("o3", input_tokens=0, output_tokens=1186, on=TODAY, book=book)
    assert cost.output_cost == Decimal("0.009488")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"input_tokens": -1}, "input_tokens: must be >= 0"),
        (
            {"input_tokens": 10, "cached_input_tokens": 11},
            "cached_input_tokens: cached and cache-write tokens (11) exceed input_tokens (10)",
        ),
        ({"requests": -5}, "requests: must be >= 0"),
        ({"output_tokens": Decimal("NaN")}, "output_tokens: must be a finite number"),
        ({"output_tokens": 1.5}, "output_tokens: must be a number"),
    ],
)
def test_bad_usage_is_refused_naming_the_field(fields: dict, message: str) -> None:
    with pytest.raises(CostlabError) as err:
        Usage(**fields)
    assert str(err.value).startswith(message)


def test_compare_ranks_cheapest_first(book) -> None:
    usage = Usage(input_tokens=1200, output_tokens=150, requests=1000)
    ranked = compare(["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"], usage, on=TODAY, book=book)
    assert [c.model.id for c in ranked] == ["gpt-4.1-nano", "gpt-4.1-mini", "gpt-4.1"]


# --- arithmetic laws -----------------------------------------------------------------------------

tokens = st.integers(min_value=0, max_value=2_000_000)
counts = st.integers(min_value=0, max_value=10_000_000)
models = st.sampled_from(
    ["gpt-4.1-mini", "gpt-4o", "o3", "claude-haiku-4-5", "gemini-2.5-flash", "gpt-5"]
)


@settings(max_examples=200, deadline=None)
@given(model=models, a=tokens, b=tokens, out=tokens, n=counts)
def test_cost_is_linear_in_tokens(
    book: PriceBook, model: str, a: int, b: int, out: int, n: int
) -> None:
    m = book.resolve(model)
    # Below any long-context threshold, cost(a + b) = cost(a) + cost(b), exactly.
    a, b = a % 100_000, b % 100_000
    both = price_usage(
        m, Usage(input_tokens=a + b, output_tokens=out % 10_000, requests=n), on=TODAY
    )
    one = price_usage(m, Usage(input_tokens=a, output_tokens=out % 10_000, requests=n), on=TODAY)
    two = price_usage(m, Usage(input_tokens=b, requests=n), on=TODAY)
    assert both.total_cost == one.total_cost + two.total_cost


@settings(max_examples=200, deadline=None)
@given(model=models, inp=tokens, out=tokens, n=counts, k=st.integers(min_value=0, max_value=1000))
def test_cost_is_linear_in_requests(
    book: PriceBook, model: str, inp: int, out: int, n: int, k: int
) -> None:
    m = book.resolve(model)
    single = price_usage(m, Usage(input_tokens=inp, output_tokens=out, requests=n), on=TODAY)
    scaled = price_usage(m, Usage(input_tokens=inp, output_tokens=out, requests=n * k), on=TODAY)
    assert scaled.total_cost == single.total_cost * k


@settings(max_examples=200, deadline=None)
@given(inp=tokens, cached=tokens, out=tokens, n=counts)
def test_totals_are_exact_against_integer_arithmetic(
    book: PriceBook, inp: int, cached: int, out: int, n: int
) -> None:
    cached = min(cached, inp)
    cost = price_usage(
        book.resolve("gpt-4.1-mini"),
        Usage(input_tokens=inp, cached_input_tokens=cached, output_tokens=out, requests=n),
        on=TODAY,
    )
    # In hundredths of a micro-dollar: $0.40 = 40, $0.10 = 10, $1.60 = 160 per token-million.
    exact = ((inp - cached) * 40 + cached * 10 + out * 160) * n
    assert cost.total_cost * 100_000_000 == exact


@settings(max_examples=200, deadline=None)
@given(model=models, inp=tokens, out=tokens, n=counts)
def test_batch_applies_the_discount(
    book: PriceBook, model: str, inp: int, out: int, n: int
) -> None:
    m = book.resolve(model)
    price = m.price_on(TODAY)
    assert price.batch_discount is not None
    standard = price_usage(m, Usage(input_tokens=inp, output_tokens=out, requests=n), on=TODAY)
    batch = price_usage(
        m, Usage(input_tokens=inp, output_tokens=out, requests=n, batch=True), on=TODAY
    )
    keep = 1 - price.batch_discount
    assert batch.input_cost == standard.input_cost * keep
    assert batch.output_cost == standard.output_cost * keep


@settings(max_examples=100, deadline=None)
@given(
    change=st.dates(min_value=date(2024, 1, 2), max_value=date(2030, 1, 1)),
    old=st.decimals(min_value=0, max_value=100, places=3),
    new=st.decimals(min_value=0, max_value=100, places=3),
    inp=tokens,
)
def test_a_price_change_takes_effect_on_its_date(
    book: PriceBook, change: date, old: Decimal, new: Decimal, inp: int
) -> None:
    from dataclasses import replace

    base = book.resolve("gpt-4.1-mini")
    first = PriceEntry(effective_from=date(2024, 1, 1), source="test", input=old, output=Decimal(1))
    second = PriceEntry(effective_from=change, source="test", input=new, output=Decimal(1))
    model = replace(base, prices=(first, second))
    before = price_usage(model, Usage(input_tokens=inp), on=change - timedelta(days=1))
    on_the_day = price_usage(model, Usage(input_tokens=inp), on=change)
    assert before.input_cost == Decimal(inp) * old / 1_000_000
    assert on_the_day.input_cost == Decimal(inp) * new / 1_000_000
