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


SCENARIO = """\
name: reasoning
start: 2027-01
months: 1
workloads:
  - name: answers
    model: {model}
    requests_per_month: 1000
    input_tokens: 1000
    output_tokens: 500
    {reasoning}
"""


def _forecast(tmp_path, model: str, reasoning: str):  # type: ignore[no-untyped-def]
    from costlab.forecast import forecast_scenario
    from costlab.scenario import load_scenario

    path = tmp_path / "reasoning.yaml"
    path.write_text(SCENARIO.format(model=model, reasoning=reasoning))
    return forecast_scenario(load_scenario(path))


def test_an_effort_level_maps_to_the_books_tokens_per_request(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # gpt-5-mini at high effort: 16,000 reasoning tokens per request (costlab's assumption).
    # 1,000 requests: 1M input x $0.25 + (500 + 16,000) x 1,000 output x $2.00 = 0.25 + 33.00
    fc = _forecast(tmp_path, "gpt-5-mini", "reasoning_effort: high")
    assert fc.total_cost == Decimal("33.25")
    assert int(fc.months.iloc[0]["reasoning_tokens"]) == 16_000_000
    assert "no_reasoning" not in {f.code for f in fc.flags}
    # reasoning tokens given per request are billed once, as output:
    # 1M x 0.25 + (500 + 300) x 1,000 x 2.00 = 0.25 + 1.60
    assert _forecast(tmp_path, "gpt-5-mini", "reasoning_tokens: 300").total_cost == Decimal("1.85")


def test_a_reasoning_model_with_none_is_flagged_in_a_forecast(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fc = _forecast(tmp_path, "gpt-5-nano", "")
    assert "no_reasoning" in {f.code for f in fc.flags}


def test_reasoning_on_a_non_reasoning_model_names_the_field_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CostlabError) as raised:
        _forecast(tmp_path, "gpt-4.1-nano", "reasoning_tokens: 300")
    assert str(raised.value).endswith(
        "workloads[0] (answers): reasoning_tokens: gpt-4.1-nano produces no reasoning tokens "
        "(line 10)"
    )
    with pytest.raises(CostlabError, match=r"reasoning_effort: .*\(line 10\)"):
        _forecast(tmp_path, "gpt-4.1-nano", "reasoning_effort: low")
    with pytest.raises(CostlabError, match="reasoning_effort: must be one of"):
        _forecast(tmp_path, "gpt-5-mini", "reasoning_effort: extreme")


def test_usage_rows_with_reasoning_on_a_non_reasoning_model_are_problems(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from costlab.actuals import load_actuals

    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,output_tokens,reasoning_tokens,requests\n"
        # o4-mini: 1M x 1.10 + 1M x 4.40 (600K of it reasoning, billed once) = 5.50
        "2026-11-02,o4-mini,1000000,1000000,600000,10\n"
        "2026-11-02,gpt-4.1-nano,1000000,1000000,600000,10\n"
    )
    actuals = load_actuals(path)
    assert actuals.total_cost == Decimal("5.50")
    (message,) = actuals.problem_messages()
    assert "line 3" in message and "reasoning_tokens" in message
    assert "gpt-4.1-nano produces no reasoning tokens" in message
