"""Anthropic's usage report: cache writes by TTL, batch, and the long-context window, priced
(issue 12). Field names from the Messages usage report [ANT-USAGE-API]."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from costlab.actuals import load_actuals

PAGE = {
    "data": [
        {
            "starting_at": "2025-08-01T00:00:00Z",
            "ending_at": "2025-08-02T00:00:00Z",
            "results": [
                {
                    "uncached_input_tokens": 1_000_000,
                    "cache_creation": {
                        "ephemeral_1h_input_tokens": 1_000_000,
                        "ephemeral_5m_input_tokens": 2_000_000,
                    },
                    "cache_read_input_tokens": 10_000_000,
                    "context_window": "0-200k",
                    "model": "claude-sonnet-4-20250514",
                    "output_tokens": 1_000_000,
                    "service_tier": "standard",
                },
                {
                    "uncached_input_tokens": 1_000_000,
                    "cache_creation": {
                        "ephemeral_1h_input_tokens": 0,
                        "ephemeral_5m_input_tokens": 0,
                    },
                    "cache_read_input_tokens": 0,
                    "context_window": "0-200k",
                    "model": "claude-sonnet-4-20250514",
                    "output_tokens": 1_000_000,
                    "service_tier": "batch",
                },
                {
                    "uncached_input_tokens": 1_000_000,
                    "cache_creation": None,
                    "cache_read_input_tokens": 0,
                    "context_window": "200k-1M",
                    "model": "claude-sonnet-4-20250514",
                    "output_tokens": 100_000,
                    "service_tier": "standard",
                },
            ],
        }
    ],
    "has_more": False,
    "next_page": None,
}


def test_cache_writes_by_ttl_batch_and_long_context_are_priced(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "anthropic-usage.json"
    path.write_text(json.dumps(PAGE))
    actuals = load_actuals(path)
    assert actuals.file.format == "anthropic-usage-json"
    assert actuals.problem_messages() == []
    # Claude Sonnet 4 [ANT-PRICE]: 3.00 input, 0.30 read, 3.75 5-minute write, 6.00 1-hour
    # write, 15.00 output per 1M.
    # row 1: 1M x 3.00 + 10M x 0.30 + 2M x 3.75 + 1M x 6.00 + 1M x 15.00
    #      = 3 + 3 + 7.5 + 6 + 15 = 34.50
    # row 2 (Batch, half): 1M x 1.50 + 1M x 7.50 = 9.00
    # row 3 (200k-1M window: the whole row at 6.00 / 22.50, though the report has no request
    #      counts): 1M x 6.00 + 100K x 22.50 = 6 + 2.25 = 8.25
    assert actuals.total_cost == Decimal("51.75")
    months = actuals.months
    assert int(months.iloc[0]["cache_write_tokens"]) == 2_000_000
    assert int(months.iloc[0]["cache_write_1h_tokens"]) == 1_000_000


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uncached_input_tokens", 1_000_000.7, "input_tokens: must be a whole number"),
        ("uncached_input_tokens", True, "input_tokens: not a number"),
    ],
)
def test_a_fractional_or_true_prompt_count_is_refused_not_truncated(
    tmp_path, field: str, value: object, message: str
) -> None:  # type: ignore[no-untyped-def]
    # int() made 1,000,000.7 uncached tokens 1,000,000 and True 1 token, priced, no problem
    page = copy.deepcopy(PAGE)
    page["data"][0]["results"][1][field] = value
    path = tmp_path / "anthropic-usage.json"
    path.write_text(json.dumps(page))
    actuals = load_actuals(path)
    assert actuals.problem_messages() == [f"{path}: data[0].results[1]: {message}"]
    # the good rows are still priced: rows 1 and 3 above, 34.50 + 8.25
    assert actuals.total_cost == Decimal("42.75")


@pytest.mark.parametrize("created", [[{"ephemeral_5m_input_tokens": 1_000_000}], 5, "many"])
def test_cache_writes_not_given_as_a_mapping_are_named_not_dropped(
    tmp_path, created: object
) -> None:  # type: ignore[no-untyped-def]
    # a list was read as no cache writes: the row priced lower than billed, without a word
    page = copy.deepcopy(PAGE)
    page["data"][0]["results"][1]["cache_creation"] = created
    path = tmp_path / "anthropic-usage.json"
    path.write_text(json.dumps(page))
    actuals = load_actuals(path)
    [problem] = actuals.problem_messages()
    assert problem.startswith(f"{path}: data[0].results[1]: cache_write_tokens: ")
    assert actuals.total_cost == Decimal("42.75")  # rows 1 and 3, as above


@pytest.mark.parametrize("window", ["200k-2M", ["0-200k"]])
def test_a_context_window_the_report_does_not_define_is_named(tmp_path, window: object) -> None:  # type: ignore[no-untyped-def]
    # anything but "0-200k" was billed at the long-context tier, without a word
    page = copy.deepcopy(PAGE)
    page["data"][0]["results"][1]["context_window"] = window
    path = tmp_path / "anthropic-usage.json"
    path.write_text(json.dumps(page))
    actuals = load_actuals(path)
    assert actuals.problem_messages() == [
        f"{path}: data[0].results[1]: context_window: expected 0-200k or 200k-1M"
    ]
    assert actuals.total_cost == Decimal("42.75")  # rows 1 and 3, as above
