"""Chat Completions bodies against the prompt tokens OpenAI's cookbook reports the API billed."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from helpers import data_url

from costlab.errors import CostlabError
from costlab.tokens import count_chat, count_path, get_encoding

# API-billed prompt tokens recorded in the cookbook (tests/data/SOURCES.md).
BILLED_CHAT = {"gpt-4o": 124, "gpt-4o-mini": 124, "gpt-3.5-turbo": 129}
BILLED_TOOLS = {"gpt-4o": 101, "gpt-4o-mini": 101, "gpt-3.5-turbo": 105}


def load(data: Path, name: str) -> dict[str, Any]:
    return json.loads((data / name).read_text())


@pytest.mark.parametrize(("model", "billed"), sorted(BILLED_CHAT.items()))
def test_cookbook_chat_example(data: Path, model: str, billed: int) -> None:
    count = count_chat(load(data, "cookbook_chat_example.json"), model=model)
    assert (count.input_tokens, count.exact, count.estimate_source) == (billed, True, None)
    assert sum(p.input_tokens for p in count.parts) == billed


@pytest.mark.parametrize(("model", "billed"), sorted(BILLED_TOOLS.items()))
def test_cookbook_tools_example(data: Path, model: str, billed: int) -> None:
    count = count_chat(load(data, "cookbook_tools_example.json"), model=model)
    assert (count.input_tokens, count.exact) == (billed, True)


def test_the_body_names_the_model(data: Path) -> None:
    count = count_path(data / "cookbook_chat_example.json")  # the body says gpt-4o
    assert (count.model, count.input_tokens, count.max_output_tokens) == ("gpt-4o", 124, 1)


def test_per_message_breakdown_by_hand() -> None:
    enc = get_encoding("o200k_base")
    body = {"messages": [{"role": "system", "name": "example_user", "content": "New synergies."}]}
    count = count_chat(body, model="gpt-4o")
    # 3 per message + role + name + 1 for the name + content; then 3 for the reply priming.
    message = (
        3
        + len(enc.encode("system"))
        + len(enc.encode("example_user"))
        + 1
        + len(enc.encode("New synergies."))
    )
    assert [p.input_tokens for p in count.parts] == [message, 3]


def test_other_o200k_models_use_the_method_extended_and_say_so(data: Path) -> None:
    count = count_chat(load(data, "cookbook_chat_example.json"), model="gpt-4.1")
    assert count.input_tokens == 124 and not count.exact
    assert "documented method extended" in (count.estimate_source or "")


def test_models_without_a_tokenizer_are_scaled_estimates(data: Path) -> None:
    count = count_chat(load(data, "cookbook_chat_example.json"), model="claude-sonnet-4-5")
    assert count.model == "claude-sonnet-4-5-20250929" and not count.exact
    assert count.input_tokens == math.ceil(124 * 1.16)
    assert "x 1.16" in (count.estimate_source or "") and "VentureBeat" in (
        count.estimate_source or ""
    )
    assert sum(p.input_tokens for p in count.parts) == count.input_tokens


def test_legacy_functions_count_like_tools(data: Path) -> None:
    body = load(data, "cookbook_tools_example.json")
    legacy = {"messages": body["messages"], "functions": [body["tools"][0]["function"]]}
    assert count_chat(legacy, model="gpt-4o").input_tokens == 101


def test_nested_tool_schemas_are_marked_approximate(data: Path) -> None:
    body = load(data, "cookbook_tools_example.json")
    body["tools"][0]["function"]["parameters"]["properties"]["days"] = {
        "type": "array",
        "items": {"type": "integer"},
        "description": "Days ahead.",
    }
    count = count_chat(body, model="gpt-4o")
    assert not count.exact and "nested" in (count.estimate_source or "")


def test_image_parts_use_the_image_rule() -> None:
    enc = get_encoding("o200k_base")
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {
                        "type": "image_url",
                        "image_url": {"url": data_url(1024, 1024), "detail": "high"},
                    },
                ],
            }
        ]
    }
    count = count_chat(body, model="gpt-4o")
    # 3 + role + text + 765 (1024x1024 high on gpt-4o) + 3 reply priming
    assert (
        count.input_tokens
        == 3 + len(enc.encode("user")) + len(enc.encode("What is this?")) + 765 + 3
    )
    assert not count.exact  # multi-part framing is not in the published method


def test_linked_images_count_at_the_bound_or_the_given_size() -> None:
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
                ],
            }
        ]
    }
    base = count_chat({"messages": [{"role": "user", "content": []}]}, model="gpt-4o").input_tokens
    bound = count_chat(body, model="gpt-4o")
    assert bound.input_tokens - base == 85 + 8 * 170  # at most 2x4 tiles after scaling
    assert any("size unknown" in w for w in bound.warnings)
    sized = count_chat(body, model="gpt-4o", image_size=(512, 512))
    assert sized.input_tokens - base == 85 + 170


def test_output_limits() -> None:
    messages = [{"role": "user", "content": "hi"}]
    assert count_chat({"messages": messages, "max_tokens": 50}).max_output_tokens == 50
    assert (
        count_chat(
            {"messages": messages, "max_completion_tokens": 70, "max_tokens": 5}
        ).max_output_tokens
        == 70
    )
    both = count_chat({"messages": messages, "max_completion_tokens": 70, "n": 3})
    assert both.max_output_tokens == 210 and any("n=3" in w for w in both.warnings)
    assert count_chat({"messages": messages}).max_output_tokens is None


def test_tool_calls_are_counted_approximately() -> None:
    plain = {"messages": [{"role": "assistant", "content": None}]}
    with_call = {
        "messages": [
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "f", "arguments": '{"a": 1}'},
                    }
                ],
            }
        ]
    }
    enc = get_encoding("o200k_base")
    difference = (
        count_chat(with_call, model="gpt-4o").input_tokens
        - count_chat(plain, model="gpt-4o").input_tokens
    )
    assert difference == len(enc.encode("f")) + len(enc.encode('{"a": 1}'))
    assert not count_chat(with_call, model="gpt-4o").exact


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"model": "gpt-4o"}, "no `messages`"),
        ({"messages": "hello"}, "messages: must be a list, got text"),
        ({"messages": []}, "messages: is empty"),
        ({"messages": [{"content": "x"}]}, r"messages\[0\].role: must be text, got null"),
        (
            {"messages": [{"role": "user", "content": "x"}], "max_tokens": 0},
            "max_tokens: must be a whole number",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "image_url", "image_url": {"url": "x", "detail": "max"}}
                        ],
                    }
                ]
            },
            "detail must be one of low, high, auto",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "model": "gpt-9"},
            "unknown model; closest",
        ),
    ],
)
def test_bad_bodies_are_one_clear_error(body: dict[str, Any], message: str) -> None:
    with pytest.raises(CostlabError, match=message):
        count_chat(body)


def test_an_unreadable_inline_image_names_its_place() -> None:
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,aGVsbG8="}}
                ],
            }
        ]
    }
    with pytest.raises(CostlabError) as info:
        count_chat(body, source="req.json")
    assert str(info.value) == (
        "req.json: messages[0].content[0].image_url: unreadable image: "
        "not a PNG, JPEG, GIF or WebP image, or a damaged one"
    )
