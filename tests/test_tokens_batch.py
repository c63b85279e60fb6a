"""Batch API input files: every request counted, limits summed, bad lines named by number."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import batch_line

from costlab.errors import CostlabError
from costlab.tokens import count_chat, count_path, count_responses, get_encoding

ENC = get_encoding("o200k_base")


def tokens(text: str) -> int:
    return len(ENC.encode(text))


def test_round_trip_by_hand(tmp_path: Path) -> None:
    bodies = [
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "Summarise: the cat sat."}],
            "max_tokens": 100,
        },
        {
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "Be terse."},
                {"role": "user", "content": "Why?"},
            ],
            "max_completion_tokens": 50,
        },
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "No limit here."}]},
    ]
    responses_body = {"model": "gpt-4o", "input": "Hello", "max_output_tokens": 25}
    lines = [batch_line(f"req-{i}", b) for i, b in enumerate(bodies)]
    lines.append(batch_line("req-3", responses_body, url="/v1/responses"))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")

    count = count_path(path)
    # Each chat request by hand: 3 per message + role + content, then 3 for the reply priming.
    by_hand = [
        3 + tokens("user") + tokens("Summarise: the cat sat.") + 3,
        (3 + tokens("system") + tokens("Be terse.")) + (3 + tokens("user") + tokens("Why?")) + 3,
        3 + tokens("user") + tokens("No limit here.") + 3,
        3 + tokens("user") + tokens("Hello") + 3,  # responses: the input as one user message
    ]
    assert [p.input_tokens for p in count.parts] == by_hand
    assert [p.input_tokens for p in count.parts[:3]] == [count_chat(b).input_tokens for b in bodies]
    assert count.parts[3].input_tokens == count_responses(responses_body).input_tokens
    assert [p.label for p in count.parts] == ["req-0", "req-1", "req-2", "req-3"]
    assert [p.line for p in count.parts] == [1, 2, 3, 4]
    assert (count.kind, count.model, count.requests) == ("batch", "gpt-4o", 4)
    assert count.input_tokens == sum(by_hand)
    assert count.max_output_tokens == 100 + 50 + 25
    assert count.requests_without_max_output == 1
    assert not count.exact  # the responses request is an estimate
    assert count.errors == ()


def test_model_override_and_exactness(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(
        batch_line("a", {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})
    )
    assert count_path(path).exact
    claude = count_path(path, model="claude-haiku-4-5")
    assert claude.model == "claude-haiku-4-5-20251001" and not claude.exact


def test_bad_lines_are_named_and_good_lines_still_counted(tmp_path: Path) -> None:
    good = {"model": "gpt-4o", "messages": [{"role": "user", "content": "ok"}], "max_tokens": 10}
    cut_short = '{"custom_id": "b", "method": "POST", "url": "/v1/chat/completions", "body": {'
    lines = [
        batch_line("a", good),
        cut_short,
        '{"custom_id": "c", "method": "POST", "url": "/v1/chat/completions"}',
        batch_line("d", {"model": "gpt-4o"}),
        batch_line("e", good, url="/v1/embeddings"),
        batch_line("a", good),
        "",
        batch_line("f", good),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines))
    count = count_path(path)
    assert count.requests == 2 and [p.line for p in count.parts] == [1, 8]
    assert count.max_output_tokens == 20
    messages = [str(e) for e in count.errors]
    assert messages == [
        # the JSON ends where a property name should start: one column past the line's end
        f"{path}: line 2: malformed JSON: Expecting property name enclosed in double quotes (column {len(cut_short) + 1})",
        f"{path}: line 3: no `body` object",
        f"{path}: line 4: body: no `messages`: not a Chat Completions request body",
        f"{path}: line 5: unsupported url '/v1/embeddings'; costlab counts /v1/chat/completions and /v1/responses",
        f"{path}: line 6: custom_id 'a' is used by an earlier line",
    ]


def test_models_named_differently_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(
        "\n".join(
            [
                batch_line(
                    "a", {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
                ),
                batch_line(
                    "b", {"model": "gpt-4.1", "messages": [{"role": "user", "content": "x"}]}
                ),
            ]
        )
    )
    count = count_path(path)
    assert count.model == "gpt-4o"
    assert count.warnings == ("1 requests name model 'gpt-4.1'; all are counted as gpt-4o",)


def test_an_empty_batch_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    with pytest.raises(CostlabError, match="no requests"):
        count_path(path)


def test_stdin_batch_is_recognised() -> None:
    import io

    text = batch_line("a", {"messages": [{"role": "user", "content": "x"}]}) + "\n"
    text += batch_line("b", {"messages": [{"role": "user", "content": "y"}]}) + "\n"
    count = count_path("-", stdin=io.BytesIO(text.encode()))
    assert (count.kind, count.requests, count.source) == ("batch", 2, "-")


def test_many_requests_count_like_one_at_a_time(tmp_path: Path) -> None:
    bodies = [
        {
            "messages": [{"role": "user", "content": f"Request {i}: " + "lorem ipsum " * (i % 40)}],
            "max_tokens": i + 1,
        }
        for i in range(3000)
    ]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(batch_line(f"r{i}", b) for i, b in enumerate(bodies)))
    count = count_path(path, model="gpt-4.1-mini")
    assert [p.input_tokens for p in count.parts] == [
        count_chat(b, model="gpt-4.1-mini").input_tokens for b in bodies
    ]
    assert count.max_output_tokens == sum(range(1, 3001))
