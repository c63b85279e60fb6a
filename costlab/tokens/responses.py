"""Responses API request bodies (``input`` as text or items, ``instructions``, ``tools``).

OpenAI publishes no token-counting method for the Responses API. costlab counts a body as the
equivalent Chat Completions request: ``instructions`` as a system message, a text ``input`` as
one user message, each input item as a message, function tools by the cookbook's method. The
texts are counted exactly; the framing is an estimate, so Responses counts are never exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from costlab.prices import Model
from costlab.tokens.chat import REPLY_PRIMING, TOKENS_PER_MESSAGE, add_message
from costlab.tokens.tally import (
    ImageOptions,
    Part,
    Tally,
    add_functions,
    add_image,
    as_list,
    as_mapping,
    as_text,
    output_limit,
)
from costlab.tokens.tokenizer import Tokenizer

ESTIMATE_NOTE = (
    "Responses API framing is not published; counted as the equivalent Chat Completions request "
    "(instructions as a system message, each input item as a message)"
)

#: Content part types that carry text.
_TEXT_PARTS = {"input_text": "text", "output_text": "text", "text": "text", "refusal": "refusal"}


def tally_responses(
    body: Mapping[str, Any],
    model: Model,
    tokenizer: Tokenizer,
    *,
    images: ImageOptions | None = None,
    where: tuple[str, ...] = (),
) -> Tally:
    """Walk a Responses API body into fixed tokens and texts to encode."""
    tally = Tally(where)
    images = images or ImageOptions()
    if "input" not in body:
        raise tally.error("no `input`: not a Responses API request body")
    name = body.get("model")
    tally.model_name = name if isinstance(name, str) else None
    tally.approximate(ESTIMATE_NOTE)
    instructions = body.get("instructions")
    if instructions is not None:
        part = tally.part("instructions", TOKENS_PER_MESSAGE)
        part.texts += ["system", as_text(instructions, tally, "instructions")]
    items = body["input"]
    if isinstance(items, str):
        part = tally.part("input user", TOKENS_PER_MESSAGE)
        part.texts += ["user", items]
    else:
        for index, item in enumerate(as_list(items, tally, "input")):
            add_item(tally, as_mapping(item, tally, f"input[{index}]"), index, model, images)
    tally.part("reply priming", REPLY_PRIMING)
    functions: list[tuple[str, Mapping[str, Any]]] = []
    for index, tool in enumerate(as_list(body.get("tools") or [], tally, "tools")):
        tool = as_mapping(tool, tally, f"tools[{index}]")
        if tool.get("type") == "function":
            functions.append((f"tools[{index}]", tool))
        else:
            tally.warn(f"tools[{index}]: the built-in {tool.get('type')!r} tool is not counted")
    add_functions(tally, functions, tokenizer.encoding)
    text_options = body.get("text")
    if isinstance(text_options, Mapping):
        fmt = text_options.get("format")
        if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
            tally.warn("text.format json_schema: the schema's tokens are not counted")
    tally.max_output_tokens = output_limit(body, tally, ("max_output_tokens",))
    return tally


def add_item(
    tally: Tally, item: Mapping[str, Any], index: int, model: Model, images: ImageOptions
) -> None:
    at = f"input[{index}]"
    kind = item.get("type", "message")
    if kind == "message" and "role" in item:
        content = item.get("content")
        if isinstance(content, str) or content is None:
            message = {k: v for k, v in item.items() if k in ("role", "content", "name")}
            add_message(tally, message, index, model, images)
            tally.parts[-1].label = f"{at} {item['role']}"
            return
        role = as_text(item.get("role"), tally, f"{at}.role")
        part = tally.part(f"{at} {role}", TOKENS_PER_MESSAGE)
        part.texts.append(role)
        for number, raw in enumerate(as_list(content, tally, f"{at}.content")):
            add_part(
                tally,
                part,
                as_mapping(raw, tally, f"{at}.content[{number}]"),
                model,
                images,
                f"{at}.content[{number}]",
            )
    elif kind == "function_call":
        part = tally.part(f"{at} function_call", TOKENS_PER_MESSAGE)
        part.texts += [
            as_text(item.get("name"), tally, f"{at}.name"),
            str(item.get("arguments") or ""),
        ]
    elif kind == "function_call_output":
        part = tally.part(f"{at} function_call_output", TOKENS_PER_MESSAGE)
        output = item.get("output")
        part.texts.append(output if isinstance(output, str) else str(output or ""))
    else:
        tally.warn(f"{at}: an item of type {kind!r} is not counted")


def add_part(
    tally: Tally, part: Part, item: Mapping[str, Any], model: Model, images: ImageOptions, at: str
) -> None:
    kind = item.get("type")
    if kind in _TEXT_PARTS:
        part.texts.append(as_text(item.get(_TEXT_PARTS[kind]), tally, f"{at}.{_TEXT_PARTS[kind]}"))
    elif kind == "input_image":
        url = item.get("image_url")
        add_image(
            tally,
            part,
            model,
            url if isinstance(url, str) else None,
            item.get("detail"),
            images,
            at,
        )
    else:
        tally.warn(f"{at}: content of type {kind!r} is not counted")
