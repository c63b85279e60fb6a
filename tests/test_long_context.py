"""Long-context rules as providers bill them (issue 12): the threshold counts every prompt
token, the whole request is repriced above it (at batch too), and an extended window served
with a beta header is a note, not a context-window error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import costlab

DAY = date(2026, 11, 26)


def test_gemini_25_pro_just_over_200k_is_repriced_whole() -> None:
    # 200,000 input tokens: base rates 1.25 / 10.00: 0.25 + 1,000 x 10 / 1M = 0.26
    under = costlab.estimate("gemini-2.5-pro", input_tokens=200_000, output_tokens=1000, on=DAY)
    assert under.total_cost == Decimal("0.26")
    # 200,001: every token at the >200K prices 2.50 / 15.00 [GP]:
    # 200,001 x 2.50 / 1M + 1,000 x 15 / 1M = 0.5000025 + 0.015
    over = costlab.estimate("gemini-2.5-pro", input_tokens=200_001, output_tokens=1000, on=DAY)
    assert over.total_cost == Decimal("0.5150025")
    assert over.tier is not None and over.tier.above_input_tokens == 200_000


def test_gemini_25_pro_over_200k_at_batch() -> None:
    # Batch halves the >200K prices (1.25 / 7.50); cached input stays at the standard cached
    # rate of the tier (0.25). 100,001 uncached x 1.25 + 100,000 cached x 0.25 + 1,000 x 7.50
    # = 0.12500125 + 0.025 + 0.0075
    cost = costlab.estimate(
        "gemini-2.5-pro",
        input_tokens=200_001,
        cached_input_tokens=100_000,
        output_tokens=1000,
        batch=True,
        on=DAY,
    )
    assert cost.total_cost == Decimal("0.15750125")


def test_the_threshold_counts_cache_reads() -> None:
    # 60,000 uncached + 150,000 read from the cache = 210,000 prompt tokens > 200K: the whole
    # request at 2.50 / 0.25 / 15.00: 60,000 x 2.50 + 150,000 x 0.25 + 1,000 x 15 (per 1M)
    # = 0.15 + 0.0375 + 0.015
    cost = costlab.estimate(
        "gemini-2.5-pro",
        input_tokens=210_000,
        cached_input_tokens=150_000,
        output_tokens=1000,
        on=DAY,
    )
    assert cost.total_cost == Decimal("0.2025")


def test_claude_sonnet_1m_window_is_servable_with_its_beta_header() -> None:
    # On a day the 1M beta was served: 500,000 input at the >200K tier, whole request:
    # 500,000 x 6.00 / 1M + 1,000 x 22.50 / 1M = 3.00 + 0.0225
    cost = costlab.estimate(
        "claude-sonnet-4-5", input_tokens=500_000, output_tokens=1000, on=date(2026, 1, 15)
    )
    assert cost.total_cost == Decimal("3.0225")
    codes = [f.code for f in cost.flags]
    assert "context_window" not in codes and "extended_context" in codes
    (note,) = [f.message for f in cost.flags if f.code == "extended_context"]
    assert "context-1m-2025-08-07" in note and "1,000,000-token window" in note
    # after the beta was retired the same request exceeds the window
    later = costlab.estimate(
        "claude-sonnet-4-5", input_tokens=500_000, output_tokens=1000, on=date(2026, 6, 1)
    )
    (flag,) = [f for f in later.flags if f.code == "context_window"]
    assert "served until 2026-04-30" in flag.message


def test_a_forecast_on_the_extended_window_is_not_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from costlab.forecast import forecast_scenario
    from costlab.scenario import load_scenario

    path = tmp_path / "long.yaml"
    path.write_text(
        "name: long\nstart: 2026-01\nmonths: 1\nworkloads:\n"
        "  - name: docs\n    model: claude-sonnet-4-5\n    requests_per_month: 10\n"
        "    input_tokens: 500000\n    output_tokens: 1000\n"
    )
    fc = forecast_scenario(load_scenario(path))
    codes = {f.code for f in fc.flags}
    assert "extended_context" in codes and "context_window" not in codes
    assert fc.total_cost == Decimal("30.225")  # 10 x 3.0225


def test_gemini_25_pro_priority_over_200k() -> None:
    # Priority above 200K [AUTH]: 4.50 input, 27.00 output, the whole request:
    # 200,001 x 4.50 / 1M + 1,000 x 27 / 1M = 0.9000045 + 0.027
    cost = costlab.estimate(
        "gemini-2.5-pro",
        input_tokens=200_001,
        output_tokens=1000,
        service_tier="priority",
        on=DAY,
    )
    assert cost.total_cost == Decimal("0.9270045")
