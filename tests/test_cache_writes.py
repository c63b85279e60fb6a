"""Cache writes in scenarios: the write premium forecast exactly, checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costlab.errors import CostlabError
from costlab.forecast import forecast_scenario
from costlab.scenario import parse_scenario


def scenario(book, **workload):
    data = {
        "name": "claude-cache",
        "start": "2026-01",
        "months": 1,
        "workloads": [
            {
                "name": "answers",
                "model": "claude-haiku-4-5",
                "requests_per_month": 1000,
                "input_tokens": 10000,
                "cached_input_share": Decimal("0.5"),
                "cache_write_share": Decimal("0.1"),
                "output_tokens": 500,
                **workload,
            }
        ],
    }
    return parse_scenario(data, "claude-cache.yaml", book=book)


def test_a_5_minute_cache_write_is_billed_at_its_premium(book) -> None:
    # Claude Haiku 4.5: $1.00 input, $0.10 cache read, $1.25 5-minute write, $5.00 output per 1M.
    # Per request: 4,000 uncached x 1.00 + 5,000 read x 0.10 + 1,000 written x 1.25
    # + 500 output x 5.00 = 0.004 + 0.0005 + 0.00125 + 0.0025 = $0.00825; x 1,000 = $8.25.
    month = forecast_scenario(scenario(book), book=book).months.iloc[0]
    assert month["cache_write_tokens"] == 1_000_000
    assert month["cache_write_1h_tokens"] == 0
    assert month["input_cost"] == Decimal("4")
    assert month["cached_input_cost"] == Decimal("0.5")
    assert month["cache_write_cost"] == Decimal("1.25")
    assert month["output_cost"] == Decimal("2.5")
    assert month["total_cost"] == Decimal("8.25")


def test_a_1_hour_cache_write_is_billed_at_twice_input(book) -> None:
    # The same with 1-hour writes at $2.00: 1,000 x 2.00 = $0.002 a request, $2.00 a month;
    # total 4 + 0.5 + 2 + 2.5 = $9.00.
    month = forecast_scenario(scenario(book, cache_write_ttl="1h"), book=book).months.iloc[0]
    assert month["cache_write_1h_tokens"] == 1_000_000
    assert month["cache_write_cost"] == Decimal("2")
    assert month["total_cost"] == Decimal("9")


def test_through_the_batch_api_every_component_is_halved(book) -> None:
    month = forecast_scenario(scenario(book, batch_share=1), book=book).months.iloc[0]
    assert month["cache_write_cost"] == Decimal("0.625")
    assert month["total_cost"] == Decimal("4.125")


def test_shares_of_the_same_input_cannot_exceed_it(book) -> None:
    with pytest.raises(CostlabError, match="add up to more than 1"):
        scenario(book, cached_input_share=Decimal("0.95"))


def test_scenarios_without_writes_keep_their_columns(book) -> None:
    fc = forecast_scenario(scenario(book, cache_write_share=0), book=book)
    assert "cache_write_cost" not in fc.months
    assert "cache_write_tokens" not in fc.lines


def test_usage_rows_with_cache_writes_are_priced_at_the_write_rates(tmp_path, book) -> None:
    from costlab.actuals import load_actuals

    usage = tmp_path / "usage.csv"
    usage.write_text(
        "date,model,input_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,"
        "output_tokens,requests\n"
        "2026-01-05,claude-haiku-4-5,10000000,5000000,1000000,0,500000,1000\n"
        "2026-01-06,claude-haiku-4-5,10000000,5000000,0,1000000,500000,1000\n"
    )
    actuals = load_actuals(usage, book=book)
    month = actuals.months.iloc[0]
    # The two days of the hand-computed forecast above: $8.25 (5-minute) + $9.00 (1-hour).
    assert month["cache_write_cost"] == Decimal("3.25")
    assert actuals.total_cost == Decimal("17.25")


def test_a_hit_rate_on_a_cacheable_prefix_reads_on_hits_and_writes_on_misses(book) -> None:
    hit_rate = {
        "cached_input_share": 0,
        "cache_write_share": 0,
        "cacheable_prefix_tokens": 8000,
        "cache_hit_rate": Decimal("0.9"),
    }
    # Per request: 7,200 prefix tokens read (90%), 800 written (10%), 2,000 not cacheable.
    # Claude Haiku 4.5: 2,000 x $1.00 + 7,200 x $0.10 + 800 x $1.25 + 500 x $5.00 per 1M
    # = $0.002 + $0.00072 + $0.001 + $0.0025 = $0.00622; x 1,000 = $6.22.
    month = forecast_scenario(scenario(book, **hit_rate), book=book).months.iloc[0]
    assert month["cached_input_tokens"] == 7_200_000
    assert month["cache_write_tokens"] == 800_000
    assert month["total_cost"] == Decimal("6.22")
    # GPT-4.1 mini charges no write premium: the misses bill at the input price, the same as
    # a fixed cached share of 72%.
    mini = forecast_scenario(scenario(book, model="gpt-4.1-mini", **hit_rate), book=book)
    fixed = forecast_scenario(
        scenario(
            book, model="gpt-4.1-mini", cached_input_share=Decimal("0.72"), cache_write_share=0
        ),
        book=book,
    )
    assert mini.total_cost == fixed.total_cost == Decimal("2.64")


def test_the_hit_rate_form_replaces_the_fixed_shares(book) -> None:
    with pytest.raises(CostlabError, match="give cached_input_share or the prefix and hit rate"):
        scenario(book, cacheable_prefix_tokens=8000, cache_hit_rate=Decimal("0.9"))
    with pytest.raises(CostlabError, match="cache_hit_rate: give cacheable_prefix_tokens and"):
        scenario(book, cached_input_share=0, cache_write_share=0, cacheable_prefix_tokens=8000)
