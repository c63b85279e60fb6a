"""Anthropic Messages and Gemini generateContent bodies, their image rules, and body detection.

Expected figures come from the providers' published rules and examples (keys in docs/sources.md):
Anthropic's image table [ANT-VISION] and tool-use system prompt table [ANT-TOOLS]; Google's
image, audio and PDF rules [G-VISION] [G-DOCS].
"""

from __future__ import annotations

import base64
import io
import json
import wave
from pathlib import Path

import pytest
from helpers import pdf_bytes, png_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costlab.errors import CostlabError
from costlab.tokens import (
    count_anthropic,
    count_batch,
    count_body,
    count_gemini,
    count_image,
    count_path,
    count_text,
)
from costlab.tokens.api import body_format

CLAUDE = "claude-sonnet-4-5"
GEMINI = "gemini-2.5-flash"


# Anthropic's table: "~54" for 200x200, "~1334" for 1000x1000, "~1590" for 1092x1092.
@pytest.mark.parametrize(("side", "tokens"), [(200, 54), (1000, 1334), (1092, 1590)])
def test_anthropic_image_table(side: int, tokens: int) -> None:
    count = count_image((side, side), model=CLAUDE)
    assert count.input_tokens == tokens
    assert not count.exact and "count_tokens" in (count.estimate_source or "")


def test_anthropic_resizes_large_images_first() -> None:
    # 3000x2000 is scaled (aspect kept) until it is under about 1,600 tokens.
    assert 1590 <= count_image((3000, 2000), model=CLAUDE).input_tokens <= 1600
    # a 1568-px long side is kept: 1568x200 -> ceil(313,600 / 750) = 419
    assert count_image((1568, 200), model=CLAUDE).input_tokens == 419


# Google: both sides <= 384 px -> 258; otherwise 258 per 768-px tile (600x400 is one tile).
@pytest.mark.parametrize(
    ("size", "tokens"),
    [((384, 384), 258), ((600, 400), 258), ((1024, 1024), 4 * 258), ((1600, 800), 6 * 258)],
)
def test_gemini_image_rule(size: tuple[int, int], tokens: int) -> None:
    assert count_image(size, model=GEMINI).input_tokens == tokens


def test_image_file_on_claude_from_the_cli(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(1000, 1000))
    result = cli("count", str(path), "--model", CLAUDE, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["input_tokens"] == 1334


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _anthropic(**extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "model": CLAUDE,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
    }
    body.update(extra)
    return body


WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "input_schema": {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "The city and state"}},
        "required": ["location"],
    },
}


def _part(count, label: str) -> int:  # type: ignore[no-untyped-def]
    [tokens] = [p.input_tokens for p in count.parts if p.label.startswith(label)]
    return tokens


def test_anthropic_tool_use_system_prompt_by_tool_choice() -> None:
    auto = count_body(_anthropic(tools=[WEATHER]))
    forced = count_body(_anthropic(tools=[WEATHER], tool_choice={"type": "any"}))
    named = count_body(_anthropic(tools=[WEATHER], tool_choice={"type": "tool", "name": "x"}))
    assert auto.kind == "anthropic" and auto.max_output_tokens == 1024
    # [ANT-TOOLS]: Claude 4 models, auto/none 346, any/tool 313 -- added unscaled.
    assert _part(auto, "tool-use system prompt") == 346
    assert _part(forced, "tool-use system prompt") == 313
    assert _part(named, "tool-use system prompt") == 313
    assert auto.input_tokens - forced.input_tokens == 346 - 313
    bare = count_body(_anthropic())
    assert auto.input_tokens == bare.input_tokens + _part(auto, "tools") + 346


def test_anthropic_haiku_3_5_prompt_sizes() -> None:
    body = _anthropic(model="claude-3-5-haiku-20241022", tools=[WEATHER])
    assert _part(count_body(body), "tool-use system prompt") == 264
    body["tool_choice"] = {"type": "any"}
    assert _part(count_body(body), "tool-use system prompt") == 340


def test_anthropic_text_is_the_estimate_ratio_and_images_are_unscaled() -> None:
    text = "Describe this image in one sentence."
    image = {
        "type": "image",
        "source": {
            "type": "base64",
            "media_type": "image/png",
            "data": _b64(png_bytes(1000, 1000)),
        },
    }
    body = _anthropic(
        system="Be brief.",
        messages=[{"role": "user", "content": [image, {"type": "text", "text": text}]}],
    )
    count = count_body(body)
    without = count_body(
        _anthropic(
            system="Be brief.",
            messages=[{"role": "user", "content": [{"type": "text", "text": text}]}],
        )
    )
    assert count.input_tokens - without.input_tokens == 1334  # [ANT-VISION], not x 1.16
    assert not count.exact
    assert "count_tokens" in (count.estimate_source or "")


def test_anthropic_pdf_document_is_text_plus_page_images() -> None:
    pdf = pdf_bytes(["Quarterly report", "Revenue grew."])
    block = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": _b64(pdf)},
    }
    with_pdf = count_body(_anthropic(messages=[{"role": "user", "content": [block]}]))
    empty = count_body(_anthropic(messages=[{"role": "user", "content": []}]))
    text = count_text("Quarterly report\nRevenue grew.", model=CLAUDE).input_tokens
    # one page at the rule's 1,600-token bound [ANT-PDF], plus the text (give or take the ratio's
    # rounding of a separate count)
    assert abs(with_pdf.input_tokens - empty.input_tokens - 1600 - text) <= 1


def test_anthropic_tool_use_and_results_are_counted() -> None:
    messages = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool_use",
                    "id": "t1",
                    "name": "get_weather",
                    "input": {"location": "Paris"},
                }
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "18 C, cloudy"}],
        },
    ]
    count = count_body(_anthropic(messages=messages, tools=[WEATHER]))
    assert _part(count, "messages[1] assistant") > 3 and _part(count, "messages[2] user") > 3


def test_gemini_body_with_inline_image_audio_and_pdf() -> None:
    audio = io.BytesIO()
    with wave.open(audio, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * 30)  # 30 seconds
    parts = [
        {"text": "Summarise these."},
        {"inlineData": {"mimeType": "image/png", "data": _b64(png_bytes(1024, 1024))}},
        {"inline_data": {"mime_type": "audio/wav", "data": _b64(audio.getvalue())}},
        {"inlineData": {"mimeType": "application/pdf", "data": _b64(pdf_bytes(["Page one"]))}},
    ]
    body = {
        "contents": [{"role": "user", "parts": parts}],
        "systemInstruction": {"parts": [{"text": "You are terse."}]},
        "generationConfig": {"maxOutputTokens": 300},
    }
    count = count_body(body)
    assert count.kind == "gemini" and count.model == GEMINI  # the default Gemini model
    assert count.max_output_tokens == 300
    text_only = count_body({**body, "contents": [{"role": "user", "parts": parts[:1]}]})
    # [G-VISION] 4 tiles x 258, 30 s x 32 audio, [G-DOCS] 1 page x 258
    assert count.input_tokens - text_only.input_tokens == 4 * 258 + 30 * 32 + 258


def test_gemini_function_declarations_counted_and_builtin_named() -> None:
    tools = [
        {
            "functionDeclarations": [
                {"name": "get_weather", "description": "Weather", "parameters": {"type": "object"}}
            ]
        },
        {"googleSearch": {}},
    ]
    body = {"contents": [{"parts": [{"text": "hi"}]}], "tools": tools}
    count = count_body(body, model=GEMINI)
    assert _part(count, "tools") > 0
    assert any("googleSearch" in w for w in count.warnings)


def test_other_providers_tools_on_an_openai_model_are_its_function_definitions() -> None:
    """The same tool in an Anthropic or Gemini body, counted for GPT-4.1 mini, costs what it
    costs as a Chat Completions function (the cookbook's method), with no Claude prompt."""
    function = {
        "name": WEATHER["name"],
        "description": WEATHER["description"],
        "parameters": WEATHER["input_schema"],
    }
    chat = {
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        "tools": [{"type": "function", "function": function}],
    }
    expected = _part(count_body(chat, model="gpt-4.1-mini"), "tools")
    server = {"type": "web_search_20250305", "name": "web_search"}
    anthropic = count_anthropic(_anthropic(tools=[WEATHER, server]), model="gpt-4.1-mini")
    assert _part(anthropic, "tools") == expected
    assert not [p for p in anthropic.parts if p.label.startswith("tool-use system prompt")]
    assert any("no OpenAI equivalent" in w for w in anthropic.warnings)
    upper = json.loads(json.dumps(WEATHER["input_schema"]).replace('"object"', '"OBJECT"'))
    upper = json.loads(json.dumps(upper).replace('"string"', '"STRING"'))  # Gemini's spelling
    declaration = {"name": function["name"], "description": function["description"]}
    gemini = {
        "contents": [{"parts": [{"text": "What is the weather in Paris?"}]}],
        "tools": [{"functionDeclarations": [{**declaration, "parameters": upper}]}],
    }
    assert _part(count_gemini(gemini, model="gpt-4.1-mini"), "tools") == expected
    # On their own providers' models the tools keep those providers' rules
    claude = count_anthropic(_anthropic(tools=[WEATHER]), model=CLAUDE)
    assert any(p.label.startswith("tool-use system prompt") for p in claude.parts)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, "chat"),
        ({"model": "gpt-4o", "input": "hi"}, "responses"),
        ({"model": CLAUDE, "messages": [{"role": "user", "content": "hi"}]}, "anthropic"),
        ({"system": "x", "messages": [{"role": "user", "content": "hi"}]}, "anthropic"),
        ({"messages": [{"role": "user", "content": "hi"}], "tools": [WEATHER]}, "anthropic"),
        ({"contents": "hi"}, "gemini"),
    ],
)
def test_body_format_from_shape(body: dict[str, object], kind: str) -> None:
    assert body_format(body) == kind


def test_openai_bodies_stay_openai() -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tools": tools}
    assert body_format(body) == "chat"


def test_unknown_body_says_which_formats_are_accepted(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CostlabError, match=r"Anthropic Messages .* Gemini generateContent"):
        count_body({"model": "gpt-4o", "prompt": "hi"})
    path = tmp_path / "odd.json"
    path.write_text('{"model": "gpt-4o", "prompt": "hi"}')
    result = cli("count", str(path))
    assert result.code == 2
    assert result.err.count("\n") == 1 and "Gemini generateContent (`contents`)" in result.err


def test_anthropic_body_from_the_cli_count_and_estimate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "claude.json"
    path.write_text(json.dumps(_anthropic(tools=[WEATHER], tool_choice={"type": "any"})))
    counted = cli("count", str(path))
    assert counted.code == 0 and "Anthropic Messages request" in counted.out
    assert "tool-use system prompt (tool_choice any)" in counted.out
    data = json.loads(cli("count", str(path), "--json").out)
    priced = cli("estimate", str(path), "--json", "--output-tokens", "0", "--date", "2026-11-26")
    assert priced.code == 0, priced.err
    # $3.00 per 1M input tokens [ANT-PRICE]
    from decimal import Decimal

    cost = json.loads(priced.out)
    assert Decimal(str(cost["input_cost"])) == Decimal(data["input_tokens"]) * Decimal("3") / 10**6


def test_count_path_reads_a_gemini_file(tmp_path: Path) -> None:
    path = tmp_path / "gemini.json"
    path.write_text(json.dumps({"contents": [{"parts": [{"text": "hello"}]}]}))
    assert count_path(path).kind == "gemini"


def test_anthropic_message_batches_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {"custom_id": "a", "params": _anthropic(tools=[WEATHER])},
        {"custom_id": "b", "params": _anthropic(max_tokens=200)},
        {"custom_id": "a", "params": _anthropic()},
    ]
    path = tmp_path / "claude.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    count = count_path(path)
    assert count.kind == "batch" and count.requests == 2 and count.model.startswith(CLAUDE)
    assert (
        count.input_tokens
        == count_body(lines[0]["params"]).input_tokens
        + count_body(  # type: ignore[arg-type]
            lines[1]["params"]  # type: ignore[arg-type]
        ).input_tokens
    )
    assert count.max_output_tokens == 1024 + 200
    assert "line 3" in str(count.errors[0]) and "custom_id 'a'" in str(count.errors[0])
    priced = cli("estimate", str(path), "--json", "--output-tokens", "0", "--date", "2026-11-26")
    from decimal import Decimal

    # the batch rate: half of $3.00 per 1M input [ANT-PRICE]
    cost = json.loads(priced.out)
    assert Decimal(str(cost["input_cost"])) == Decimal(count.input_tokens) * Decimal("1.5") / 10**6


def test_gemini_batch_file(tmp_path: Path) -> None:
    lines = [
        {"key": "r1", "request": {"contents": [{"parts": [{"text": "Hello there"}]}]}},
        {"key": "r2", "request": {"contents": [{"parts": [{"text": "General Kenobi"}]}]}},
    ]
    path = tmp_path / "gemini.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    count = count_path(path)
    assert count.kind == "batch" and count.requests == 2 and count.model == GEMINI
    assert [p.label for p in count.parts] == ["r1", "r2"]


def test_many_models_an_image_flags_the_model_without_a_rule() -> None:
    from costlab.tokens import Input, count_for_models

    image = Input("photo.png", png_bytes(1000, 1000), ".png")
    # Claude Haiku 3.5 takes no images (no rule): its row is flagged, the others are counted.
    models = ["gpt-4o", CLAUDE, GEMINI, "claude-3-5-haiku-20241022"]
    counts = count_for_models(image, models, flag_missing_rules=True)
    assert [c.input_tokens for c in counts] == [765, 1334, 4 * 258, 0]
    assert [c.flags for c in counts] == [(), (), (), ("no_image_rule",)]
    assert counts[3].to_dict()["flags"] == ["no_image_rule"]
    with pytest.raises(CostlabError, match="no image-token rule"):
        count_image((10, 10), model="claude-3-5-haiku-20241022")
    with pytest.raises(CostlabError, match="no image-token rule"):
        count_for_models(image, models)  # without the flag: the caller handles each model


def test_pdf_file_on_gemini_and_claude(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(["Quarterly report", "Revenue grew."]))
    gemini = count_path(path, model=GEMINI)
    assert gemini.kind == "pdf" and gemini.input_tokens == 258  # one page [G-DOCS]
    claude = count_path(path, model=CLAUDE)
    text = count_text("Quarterly report\nRevenue grew.", model=CLAUDE).input_tokens
    assert claude.input_tokens == text + 1600  # text plus one page image at the bound [ANT-PDF]
    assert not claude.exact and "ANT-PDF" in (claude.estimate_source or "")
    # OpenAI models keep the text-only count
    assert (
        count_path(path, model="gpt-4o").input_tokens
        == count_text("Quarterly report\nRevenue grew.", model="gpt-4o").input_tokens
    )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "messages",
        "contents",
        "system",
        "systemInstruction",
        "tools",
        "tool_choice",
        "parts",
        "content",
        "type",
        "source",
        "inlineData",
        "role",
        "text",
        "max_tokens",
        "generationConfig",
    ]
)
_BODY = st.recursive(
    _JSON,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.dictionaries(_KEYS, _BODY, min_size=1, max_size=5))
def test_any_json_body_is_counted_or_one_clear_error(body: dict[str, object]) -> None:
    for kind in ("anthropic", "gemini", None):
        try:
            if kind == "anthropic":
                count_anthropic(body, model=CLAUDE)
            elif kind == "gemini":
                count_gemini(body, model=GEMINI)
            else:
                count_body(body, model=CLAUDE)
        except CostlabError:
            pass


def test_gemini_inline_audio_is_billed_at_the_audio_rate() -> None:
    """30 s of WAV is 960 audio tokens [G-VISION]: on Gemini 2.5 Flash they bill at $1.00 per
    1M, not the $0.30 text rate [G-PRICE]."""
    from decimal import Decimal

    from costlab.counted_cost import price_count
    from costlab.prices import load_pricebook

    audio = io.BytesIO()
    with wave.open(audio, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * 30)
    part = {"inline_data": {"mime_type": "audio/wav", "data": _b64(audio.getvalue())}}
    body = {"contents": [{"role": "user", "parts": [{"text": "Transcribe."}, part]}]}
    count = count_body(body, model="gemini-2.5-flash")
    assert count.input_audio_tokens == 960
    text = count.input_tokens - 960
    book = load_pricebook(use_env=False)
    cost = price_count(count, book.resolve("gemini-2.5-flash"), requests=1000)
    expected = (Decimal(text) * Decimal("0.30") + Decimal(960) * Decimal("1.00")) * 1000
    assert cost.input_cost == expected / 1_000_000
    batch = count_batch(json.dumps({"key": "r1", "request": body}) + "\n", model="gemini-2.5-flash")
    assert batch.input_audio_tokens == 960 and batch.parts[0].audio_tokens == 960


def test_a_batch_with_audio_counted_in_chunks_keeps_its_audio(tmp_path: Path) -> None:
    from costlab.scale import count_batch_file

    audio = io.BytesIO()
    with wave.open(audio, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * 2)  # 2 s: 64 tokens
    part = {"inline_data": {"mime_type": "audio/wav", "data": _b64(audio.getvalue())}}
    body = {"contents": [{"role": "user", "parts": [{"text": "Hi."}, part]}]}
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "".join(json.dumps({"key": f"r{i}", "request": body}) + "\n" for i in range(40))
    )
    whole = count_batch(path.read_text(), model=GEMINI)
    chunked = count_batch_file(str(path), model=GEMINI, chunk_bytes=4096)
    assert whole.input_audio_tokens == chunked.input_audio_tokens == 40 * 64
    assert chunked.input_tokens == whole.input_tokens


@pytest.mark.parametrize("kind", [None, 5, True, 1.5, [1]])
def test_a_parameter_type_that_is_not_a_type_name_is_one_error(kind: object) -> None:
    """A null or numeric `type` crashed the function method with a TypeError (red team)."""
    schema = {"type": "object", "properties": {"a": {"type": kind}}}
    bodies = [
        (_anthropic(tools=[{"name": "f", "input_schema": schema}]), "tools[0].parameters"),
        (
            {
                "contents": [{"parts": [{"text": "hi"}]}],
                "tools": [{"functionDeclarations": [{"name": "f", "parameters": schema}]}],
            },
            "functionDeclarations[0].parameters",
        ),
        (
            {
                "messages": [{"role": "user", "content": "hi"}],
                "tools": [{"type": "function", "function": {"name": "f", "parameters": schema}}],
            },
            "tools[0].function.parameters",
        ),
    ]
    for body, where in bodies:
        with pytest.raises(
            CostlabError, match=r"properties\.a\.type: must be a JSON Schema type"
        ) as raised:
            count_body(body, model="gpt-4.1-mini")
        assert where in str(raised.value)


def test_a_falsy_schema_that_is_not_an_object_is_refused() -> None:
    for schema in (False, 0, []):
        body = _anthropic(tools=[{"name": "f", "input_schema": schema}])
        with pytest.raises(CostlabError, match=r"input_schema|parameters"):
            count_body(body, model=CLAUDE)
