"""Another provider's request body counted on an OpenAI model, and Gemini's two spellings."""

from __future__ import annotations

import json
from pathlib import Path

from costlab.tokens import count_body

WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"location": {"type": "string", "description": "The city and state"}},
    "required": ["location"],
}
SYSTEM = "You are a terse weather assistant."
TURNS = [
    {"role": "user", "content": "What is the weather in Paris?"},
    {"role": "assistant", "content": "Sunny, 21 C."},
    {"role": "user", "content": "And in Lyon tomorrow?"},
]


def test_an_anthropic_body_on_gpt_4_1_mini_counts_as_the_same_chat_request() -> None:
    """The same conversation (system, three turns, one tool) as a Chat Completions body and as
    an Anthropic Messages body: on gpt-4.1-mini both are the one Chat Completions request,
    reply priming (3 tokens, [CB]) included."""
    chat = {
        "model": "gpt-4.1-mini",
        "messages": [{"role": "system", "content": SYSTEM}, *TURNS],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Get the weather",
                    "parameters": WEATHER_SCHEMA,
                },
            }
        ],
    }
    anthropic = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "system": SYSTEM,
        "messages": TURNS,
        "tools": [
            {
                "name": "get_weather",
                "description": "Get the weather",
                "input_schema": WEATHER_SCHEMA,
            }
        ],
    }
    from_chat = count_body(chat, model="gpt-4.1-mini")
    from_anthropic = count_body(anthropic, model="gpt-4.1-mini")
    assert from_chat.kind == "chat" and from_anthropic.kind == "anthropic"
    assert from_anthropic.input_tokens == from_chat.input_tokens
    priming = [p.input_tokens for p in from_anthropic.parts if p.label == "reply priming"]
    assert priming == [3]
    # Without tools too: 4 messages x 3 + their texts + 3 of priming, on either spelling
    bare_chat = count_body({**chat, "tools": None}, model="gpt-4.1-mini")
    bare_anthropic = count_body({**anthropic, "tools": []}, model="gpt-4.1-mini")
    assert bare_anthropic.input_tokens == bare_chat.input_tokens
    # On Claude the body keeps Anthropic's framing: no Chat Completions priming there
    on_claude = count_body(anthropic)
    assert not [p for p in on_claude.parts if p.label == "reply priming"]


DECLARATION = {"name": "get_weather", "description": "Weather", "parameters": {"type": "object"}}


def test_a_null_camel_case_tool_field_does_not_hide_the_snake_case_declarations() -> None:
    """``"functionDeclarations": null`` beside ``"function_declarations": [...]`` is the
    declared functions (red-team find: it was counted as a built-in tool)."""
    contents = [{"parts": [{"text": "Weather in Paris?"}]}]
    snake = {"contents": contents, "tools": [{"function_declarations": [DECLARATION]}]}
    both = {
        "contents": contents,
        "tools": [{"functionDeclarations": None, "function_declarations": [DECLARATION]}],
    }
    for model in ("gemini-2.5-flash", "gpt-4.1-mini"):
        expected = count_body(snake, model=model)
        count = count_body(both, model=model)
        assert count.input_tokens == expected.input_tokens
        assert [p.label for p in count.parts] == [p.label for p in expected.parts]
        assert not [w for w in count.warnings if "built-in" in w]
        assert any(p.label.startswith("tools") and p.input_tokens > 0 for p in count.parts)


def test_both_spellings_with_values_are_refused_in_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = {
        "contents": [{"parts": [{"text": "hi"}]}],
        "tools": [{"functionDeclarations": [DECLARATION], "function_declarations": [DECLARATION]}],
    }
    path = tmp_path / "gemini.json"
    path.write_text(json.dumps(body))
    result = cli("count", str(path))
    assert result.code == 2
    assert result.err.strip() == (
        f"costlab: error: {path}: tools[0].functionDeclarations: `functionDeclarations` and "
        "`function_declarations` both have a value; keep one"
    )
