"""Responses API bodies: counted as the equivalent chat request, and never called exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from costlab.errors import CostlabError
from costlab.tokens import count_chat, count_responses, get_encoding


def test_text_input_with_instructions_by_hand() -> None:
    enc = get_encoding("o200k_base")
    count = count_responses(
        {"model": "gpt-4o", "instructions": "Be brief.", "input": "Hello there"}
    )
    n = lambda s: len(enc.encode(s))  # noqa: E731
    assert (
        count.input_tokens
        == (3 + n("system") + n("Be brief.")) + (3 + n("user") + n("Hello there")) + 3
    )
    assert not count.exact and "not published" in (count.estimate_source or "")


def test_items_and_tools_match_the_chat_equivalent(data: Path) -> None:
    chat = json.loads((data / "cookbook_tools_example.json").read_text())
    function = chat["tools"][0]["function"]
    body = {
        "model": "gpt-4o",
        "instructions": chat["messages"][0]["content"],
        "input": [
            {
                "role": "user",
                "content": [{"type": "input_text", "text": chat["messages"][1]["content"]}],
            }
        ],
        "tools": [{"type": "function", **function}],
        "max_output_tokens": 300,
    }
    count = count_responses(body)
    assert count.input_tokens == count_chat(chat, model="gpt-4o").input_tokens == 101
    assert (count.kind, count.max_output_tokens, count.exact) == ("responses", 300, False)


def test_built_in_tools_are_not_counted_and_say_so() -> None:
    count = count_responses({"input": "hi", "tools": [{"type": "web_search_preview"}]})
    assert any("web_search_preview" in w for w in count.warnings)


def test_function_call_items() -> None:
    enc = get_encoding("o200k_base")
    base = count_responses({"input": [{"role": "user", "content": "hi"}]}).input_tokens
    count = count_responses(
        {
            "input": [
                {"role": "user", "content": "hi"},
                {"type": "function_call", "call_id": "c", "name": "lookup", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "c", "output": "42"},
            ]
        }
    )
    assert count.input_tokens - base == (3 + len(enc.encode("lookup")) + len(enc.encode("{}"))) + (
        3 + len(enc.encode("42"))
    )


def test_no_input_is_an_error() -> None:
    with pytest.raises(CostlabError, match="no `input`"):
        count_responses({"model": "gpt-4o", "instructions": "x"})
