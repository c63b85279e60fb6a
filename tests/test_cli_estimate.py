"""``costlab estimate``: the flags form unchanged, and PATH counted then priced."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import batch_line

from costlab.cli import main
from costlab.tokens import count_path

COST_KEYS = {
    "model",
    "requests",
    "input_cost",
    "cached_input_cost",
    "output_cost",
    "total_cost",
    "warnings",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["estimate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_flags_form_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--model",
        "gpt-4.1-mini",
        "--input-tokens",
        "1234",
        "--requests",
        "1000000",
        "--json",
    )
    data = json.loads(out)
    # 1,234 x 1,000,000 tokens at $0.40 per 1M = $493.60 (the foundation's doctest figure)
    assert code == 0 and data["total_cost"] == "493.60" and data["requests"] == 1_000_000
    assert set(data) >= COST_KEYS
    code, _, err = run(capsys, "--input-tokens", "5")
    assert code == 2 and err == "costlab: error: estimate: --model is required\n"


def test_a_batch_file_is_priced_at_the_batch_rate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "jobs.jsonl"
    limits = [100, 200, None]
    lines = []
    for i, limit in enumerate(limits):
        body = {
            "model": "gpt-4.1-mini",
            "messages": [{"role": "user", "content": f"Question {i}?"}],
        }
        if limit:
            body["max_tokens"] = limit
        lines.append(batch_line(f"q{i}", body))
    path.write_text("\n".join(lines))
    tokens = count_path(path).input_tokens
    code, out, err = run(capsys, str(path), "--output-tokens", "150", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) >= COST_KEYS
    assert err == (
        "costlab: warning: 1 request(s) cannot produce 150 output tokens (their max-token "
        "limit or the model's max output is lower); counted at that limit\n"
    )
    assert (data["batch"], data["requests"], data["input_tokens_total"]) == (True, 3, tokens)
    # gpt-4.1-mini batch rates: 0.40 and 1.60 per 1M, halved.
    assert Decimal(data["input_cost"]) == Decimal(tokens) * Decimal("0.20") / 1_000_000
    # expected output: 150 per request, but the first request allows only 100
    assert data["output_tokens_total"] == 100 + 150 + 150
    assert Decimal(data["output_cost"]) == Decimal(400) * Decimal("0.80") / 1_000_000
    # upper bound: 100 + 200 + the model's 32,768 max output for the request without a limit
    assert data["max_output_tokens_total"] == 100 + 200 + 32_768
    assert Decimal(data["max_output_cost"]) == Decimal(33_068) * Decimal("0.80") / 1_000_000
    assert Decimal(data["max_total_cost"]) == Decimal(data["input_cost"]) + Decimal(
        data["max_output_cost"]
    )
    assert any("cannot produce 150 output tokens" in w for w in data["warnings"])


def test_a_prompt_file_times_requests(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "prompt.txt"
    path.write_text("tiktoken is great!")  # 6 tokens
    code, out, _ = run(
        capsys, str(path), "-m", "gpt-4.1", "--requests", "1000", "--output-tokens", "10", "--json"
    )
    data = json.loads(out)
    # 6,000 input tokens at $2.00/1M + 10,000 output tokens at $8.00/1M
    assert code == 0 and data["batch"] is False
    assert (data["input_tokens"], data["input_tokens_total"]) == (6, 6000)
    assert data["total_cost"] == "0.092"


def test_text_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "prompt.txt"
    path.write_text("tiktoken is great!")
    code, out, _ = run(capsys, str(path), "-m", "claude-haiku-4-5")
    assert code == 0
    assert "1 text request on claude-haiku-4-5-20251001 (anthropic)" in out
    assert "(estimated)" in out and "x 1.16" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--input-tokens", "5"), "--input-tokens is for the flags form"),
        (("--cached-input-tokens", "5"), "--cached-input-tokens is for the flags form"),
    ],
)
def test_flags_that_conflict_with_a_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "p.txt"
    path.write_text("x")
    code, _, err = run(capsys, str(path), *args)
    assert code == 2 and message in err


def test_requests_with_a_batch_file_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(batch_line("a", {"messages": [{"role": "user", "content": "x"}]}))
    code, _, err = run(capsys, str(path), "--requests", "5")
    assert code == 2 and "a batch file holds its own requests" in err
