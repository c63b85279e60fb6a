"""Reasoning tokens: billed as output once, refused where a model does not reason, expected
where it does (issue 12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import costlab
from costlab.errors import CostlabError

DAY = date(2026, 11, 26)


def test_reasoning_is_billed_as_output_once() -> None:
    # o4-mini: 1.10 input, 4.40 output per 1M. 800 output tokens of which 500 are reasoning:
    # 2,000 x 1.10 / 1M + 800 x 4.40 / 1M = 0.0022 + 0.00352 = 0.00572 (not 1,300 output).
    cost = costlab.estimate(
        "o4-mini", input_tokens=2000, output_tokens=800, reasoning_tokens=500, on=DAY
    )
    assert cost.output_cost == Decimal("0.00352")
    assert cost.total_cost == Decimal("0.00572")
    assert "no_reasoning" not in [f.code for f in cost.flags]


def test_reasoning_on_a_model_that_does_not_reason_is_refused() -> None:
    with pytest.raises(CostlabError) as raised:
        costlab.estimate("gpt-4.1-nano", input_tokens=10, output_tokens=50, reasoning_tokens=20)
    assert str(raised.value).startswith("gpt-4.1-nano: reasoning_tokens: the model produces no")


def test_a_reasoning_model_with_none_is_flagged() -> None:
    cost = costlab.estimate("gpt-5-nano", input_tokens=10, output_tokens=50, on=DAY)
    assert [f.code for f in cost.flags] == ["no_reasoning"]
    # Claude thinks only when asked: no flag
    claude = costlab.estimate("claude-sonnet-4-5", input_tokens=10, output_tokens=50, on=DAY)
    assert "no_reasoning" not in [f.code for f in claude.flags]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from costlab.cli import main

    code = main(["estimate", *argv, "--date", "2026-11-26"])
    out, err = capsys.readouterr()
    return code, out, err


def test_estimate_reasoning_tokens_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(
        capsys,
        *("--model", "o4-mini", "--input-tokens", "2000", "--output-tokens", "800"),
        *("--reasoning-tokens", "500"),
    )
    assert code == 0
    assert "$0.00572" in out and "500 are reasoning tokens (billed as output, once)" in out
    code, out, err = _cli(
        capsys,
        "--model",
        "gpt-4.1",
        "--input-tokens",
        "10",
        "--output-tokens",
        "9",
        "--reasoning-tokens",
        "5",
    )
    assert code == 2
    assert err.startswith("costlab: error: gpt-4.1: --reasoning-tokens: ")
    assert err.count("\n") == 1
