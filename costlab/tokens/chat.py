"""Chat Completions request bodies, counted the way the OpenAI cookbook validates against the API.

The method ([CB] section 6: the OpenAI cookbook's How_to_count_tokens_with_tiktoken notebook at
commit c81359c, defined in docs/sources.md; checked 2026-11-26): every message costs 3
tokens plus the tokens of each of its text values (role, content, name, ...), a ``name`` 1 more,
and every reply is primed with 3 (``<|start|>assistant<|message|>``). Tool definitions follow the
cookbook's ``num_tokens_for_tools`` (:func:`costlab.tokens.tally.add_functions`).

The cookbook shows these counts equal the prompt tokens the API billed for gpt-4o, gpt-4o-mini,
gpt-3.5-turbo and gpt-4-0613 (124 / 129 for its 6-message example, 101 / 105 with its weather
tool). For other models (gpt-4.1, o-series, GPT-5.x) costlab applies the same rule with the
model's encoding: the documented method, extended, and so marked not exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from costlab import limits
from costlab.prices import Model
from costlab.tokens.tally import (
    ImageOptions,
    Tally,
    add_functions,
    add_image,
    as_list,
    as_mapping,
    as_text,
    output_limit,
)
from costlab.tokens.tokenizer import Tokenizer

TOKENS_PER_MESSAGE = 3  # [CB] section 6
TOKENS_PER_NAME = 1  # [CB] section 6
REPLY_PRIMING = 3  # [CB] section 6: "every reply is primed with <|start|>assistant<|message|>"

#: Models whose chat and tool counts the cookbook checked against API-billed prompt tokens
#: ([CB] sections 6 and 7), as canonical price-book ids.
VALIDATED_MODELS = frozenset({"gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo"})

#: Output limits a Chat Completions body may set, newest first.
OUTPUT_LIMIT_KEYS = ("max_completion_tokens", "max_tokens")


def tally_chat(
    body: Mapping[str, Any],
    model: Model,
    tokenizer: Tokenizer,
    *,
    images: ImageOptions | None = None,
    where: tuple[str, ...] = (),
) -> Tally:
    """Walk a Chat Completions body: per-message overheads, texts to encode, images, tools."""
    tally = Tally(where)
    images = images or ImageOptions()
    if "messages" not in body:
        raise tally.error("no `messages`: not a Chat Completions request body")
    messages = as_list(body["messages"], tally, "messages")
    if not messages:
        raise tally.error("is empty", "messages")
    name = body.get("model")
    tally.model_name = name if isinstance(name, str) else None
    for index, raw in enumerate(messages):
        add_message(tally, as_mapping(raw, tally, f"messages[{index}]"), index, model, images)
    tally.part("reply priming", REPLY_PRIMING)
    add_tools(tally, body, tokenizer.encoding)
    tally.max_output_tokens = output_limit(body, tally, OUTPUT_LIMIT_KEYS)
    choices = body.get("n")
    if isinstance(choices, int) and not isinstance(choices, bool) and choices > 1:
        if choices > limits.MAX_COUNT:
            raise tally.error(limits.over("MAX_COUNT", f"{choices:,}"), "n")
        tally.output_choices = choices
        if tally.max_output_tokens is not None:
            tally.max_output_tokens *= choices
        tally.warn(f"n={choices}: the prompt is billed once, output up to {choices} times")
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        tally.warn("response_format json_schema: the schema's tokens are not counted")
        tally.approximate("a structured-output schema was not counted")
    if model.id not in VALIDATED_MODELS:
        tally.approximate(
            f"the cookbook's chat method is validated on gpt-4o, gpt-4o-mini and gpt-3.5-turbo; "
            f"applied to {model.id} as the documented method extended"
        )
    return tally


def add_message(
    tally: Tally, message: Mapping[str, Any], index: int, model: Model, images: ImageOptions
) -> None:
    """One message: 3 tokens, its text values, 1 for a name; content parts; tool calls."""
    at = f"messages[{index}]"
    role = as_text(message.get("role"), tally, f"{at}.role")
    part = tally.part(f"{at} {role}", TOKENS_PER_MESSAGE)
    for key, value in message.items():
        if value is None:
            continue
        if isinstance(value, str):
            part.texts.append(value)
            if key == "name":
                part.fixed += TOKENS_PER_NAME
        elif key == "content":
            tally.approximate("multi-part content is not in the published method")
            for number, item in enumerate(as_list(value, tally, f"{at}.content")):
                add_content_part(tally, part, item, model, images, f"{at}.content[{number}]")
        elif key in ("tool_calls", "function_call"):
            calls = value if isinstance(value, list) else [value]
            tally.approximate("tool calls in messages are not in the published method")
            for number, call in enumerate(calls):
                call = as_mapping(call, tally, f"{at}.{key}[{number}]")
                function = call.get("function", call)
                if isinstance(function, Mapping):
                    for field in ("name", "arguments"):
                        if isinstance(function.get(field), str):
                            part.texts.append(function[field])
        else:
            tally.warn(f"{at}.{key} is not counted")
            tally.approximate(f"message field `{key}` was not counted")


def add_content_part(
    tally: Tally, part: Any, item: Any, model: Model, images: ImageOptions, at: str
) -> None:
    item = as_mapping(item, tally, at)
    kind = item.get("type")
    if kind == "text":
        part.texts.append(as_text(item.get("text"), tally, f"{at}.text"))
    elif kind == "refusal":
        part.texts.append(as_text(item.get("refusal"), tally, f"{at}.refusal"))
    elif kind == "image_url":
        image = item.get("image_url")
        if isinstance(image, str):
            url, detail = image, None
        else:
            image = as_mapping(image, tally, f"{at}.image_url")
            url, detail = (
                as_text(image.get("url"), tally, f"{at}.image_url.url"),
                image.get("detail"),
            )
        add_image(tally, part, model, url, detail, images, f"{at}.image_url")
    else:
        tally.warn(f"{at}: content of type {kind!r} is not counted")
        tally.approximate(f"content of type {kind!r} was not counted")


def add_tools(tally: Tally, body: Mapping[str, Any], encoding: str) -> None:
    """``tools`` (function tools) and the legacy ``functions`` list."""
    functions: list[tuple[str, Mapping[str, Any]]] = []
    if body.get("tools") is not None:
        for index, tool in enumerate(as_list(body["tools"], tally, "tools")):
            tool = as_mapping(tool, tally, f"tools[{index}]")
            if tool.get("type", "function") != "function":
                tally.warn(
                    f"tools[{index}]: a {tool.get('type')!r} tool's definition is not counted"
                )
                tally.approximate("a non-function tool was not counted")
                continue
            at = f"tools[{index}].function"
            functions.append((at, as_mapping(tool.get("function"), tally, at)))
    if body.get("functions") is not None:
        for index, function in enumerate(as_list(body["functions"], tally, "functions")):
            at = f"functions[{index}]"
            functions.append((at, as_mapping(function, tally, at)))
    add_functions(tally, functions, encoding)
