"""Anthropic Messages request bodies (``system``, ``messages``, ``tools``, ``tool_choice``).

Claude's tokenizer is not public, so the texts are counted with the price book's
``token_estimate`` (a ratio over ``o200k_base``) and the count is always an estimate; Anthropic's
``count_tokens`` endpoint (POST /v1/messages/count_tokens) gives the billed figure [ANT-COUNT].
What Anthropic does publish is added in Claude's own units, unscaled:

* images by the price book's ``area`` rule (width x height / 750 after resizing) [ANT-VISION];
* PDF documents as their extracted text plus one page image each (the rule's ``page_tokens``,
  the most a page image costs) [ANT-PDF];
* the tool-use system prompt Anthropic adds whenever ``tools`` are given, by model and
  ``tool_choice`` [ANT-TOOLS].

Message framing is not published: each message is counted like a Chat Completions message
(3 tokens and its role, [CB]), which is why it is an estimate even before the ratio.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from costlab.prices import Model
from costlab.tokens.chat import REPLY_PRIMING, TOKENS_PER_MESSAGE
from costlab.tokens.tally import (
    ImageOptions,
    Part,
    Tally,
    add_functions,
    add_image,
    as_function,
    as_list,
    as_mapping,
    as_text,
    output_limit,
)
from costlab.tokens.tokenizer import Tokenizer

#: Tool-use system prompt tokens by model family, as (tool_choice auto or none, any or tool).
#: Claude 4.x and Sonnet 3.7: 346 / 313; Haiku 3.5: 264 / 340. [ANT-TOOLS]
TOOL_PROMPT_TOKENS: dict[str, tuple[int, int]] = {
    "claude-opus-4": (346, 313),
    "claude-sonnet-4": (346, 313),
    "claude-haiku-4": (346, 313),
    "claude-3-7-sonnet": (346, 313),
    "claude-3-5-haiku": (264, 340),
}

ESTIMATE_NOTE = (
    "Anthropic publishes no message framing: each message counted like a Chat Completions "
    "message; Anthropic's count_tokens endpoint (POST /v1/messages/count_tokens) gives the "
    "billed figure"
)

#: Block types whose text is counted as it stands.
_TEXT_BLOCKS = {"text": "text", "thinking": "thinking", "redacted_thinking": "data"}


def looks_anthropic(body: Mapping[str, Any]) -> bool:
    """Whether a ``messages`` body is Anthropic's rather than OpenAI's Chat Completions.

    Anthropic's shape: a top-level ``system``, tools with ``input_schema``, a ``tool_choice``
    object of type auto/any/tool/none, content blocks of type image/document/tool_use/tool_result,
    or a Claude model name.
    """
    if "system" in body:
        return True
    name = body.get("model")
    if isinstance(name, str) and "claude" in name.lower():
        return True
    tools = body.get("tools")
    if isinstance(tools, list) and any(
        isinstance(t, Mapping) and ("input_schema" in t or _is_server_tool(t)) for t in tools
    ):
        return True
    choice = body.get("tool_choice")
    if isinstance(choice, Mapping) and choice.get("type") in ("auto", "any", "tool", "none"):
        return True
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            content = message.get("content") if isinstance(message, Mapping) else None
            if isinstance(content, list) and any(
                isinstance(b, Mapping)
                and b.get("type") in ("image", "document", "tool_use", "tool_result")
                for b in content
            ):
                return True
    return False


def tally_anthropic(
    body: Mapping[str, Any],
    model: Model,
    tokenizer: Tokenizer,
    *,
    images: ImageOptions | None = None,
    where: tuple[str, ...] = (),
) -> Tally:
    """Walk an Anthropic Messages body into texts to encode and tokens in Claude's units."""
    tally = Tally(where)
    images = images or ImageOptions()
    if "messages" not in body:
        raise tally.error("no `messages`: not an Anthropic Messages request body")
    messages = as_list(body["messages"], tally, "messages")
    if not messages:
        raise tally.error("is empty", "messages")
    name = body.get("model")
    tally.model_name = name if isinstance(name, str) else None
    tally.approximate(ESTIMATE_NOTE)
    system = body.get("system")
    if system is not None:
        part = tally.part("system", TOKENS_PER_MESSAGE)
        part.texts.append("system")
        if isinstance(system, str):
            part.texts.append(system)
        else:
            for index, block in enumerate(as_list(system, tally, "system")):
                add_block(tally, part, block, model, images, f"system[{index}]")
    for index, raw in enumerate(messages):
        at = f"messages[{index}]"
        message = as_mapping(raw, tally, at)
        role = as_text(message.get("role"), tally, f"{at}.role")
        part = tally.part(f"{at} {role}", TOKENS_PER_MESSAGE)
        part.texts.append(role)
        content = message.get("content")
        if isinstance(content, str):
            part.texts.append(content)
        else:
            for number, block in enumerate(as_list(content, tally, f"{at}.content")):
                add_block(tally, part, block, model, images, f"{at}.content[{number}]")
    if model.tokenizer is not None:
        # On a model with a public tokenizer (OpenAI's) the body is the equivalent Chat
        # Completions request, whose reply is primed with 3 tokens. [CB] section 6
        tally.part("reply priming", REPLY_PRIMING)
    add_tools(tally, body, model)
    tally.max_output_tokens = output_limit(body, tally, ("max_tokens",))
    return tally


def add_block(
    tally: Tally, part: Part, raw: Any, model: Model, images: ImageOptions, at: str
) -> None:
    """One content block: text, image, document, tool_use or tool_result."""
    block = as_mapping(raw, tally, at)
    kind = block.get("type")
    if not isinstance(kind, str):
        raise tally.error(f"a content block needs a text `type`, got {kind!r}", at)
    if kind in _TEXT_BLOCKS:
        key = _TEXT_BLOCKS[str(kind)]
        part.texts.append(as_text(block.get(key), tally, f"{at}.{key}"))
    elif kind == "image":
        source = as_mapping(block.get("source"), tally, f"{at}.source")
        add_image(tally, part, model, _image_url(source), "auto", images, f"{at}.source")
    elif kind == "document":
        add_document(tally, part, block, model, at)
    elif kind == "tool_use":
        part.texts.append(as_text(block.get("name"), tally, f"{at}.name"))
        part.texts.append(json.dumps(block.get("input") or {}, ensure_ascii=False))
    elif kind == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            part.texts.append(content)
        elif content is not None:
            for number, inner in enumerate(as_list(content, tally, f"{at}.content")):
                add_block(tally, part, inner, model, images, f"{at}.content[{number}]")
    else:
        tally.warn(f"{at}: a block of type {kind!r} is not counted")


def _image_url(source: Mapping[str, Any]) -> str | None:
    """A base64 source as a data URL (so the shared image code reads its size); else None."""
    if source.get("type") == "base64" and isinstance(source.get("data"), str):
        media = source.get("media_type") or "image/png"
        return f"data:{media};base64,{source['data']}"
    return None


def add_document(tally: Tally, part: Part, block: Mapping[str, Any], model: Model, at: str) -> None:
    """A document block: plain text as text; a base64 PDF as its text plus a page image per page
    [ANT-PDF]; a URL or file id cannot be read offline."""
    source = as_mapping(block.get("source"), tally, f"{at}.source")
    kind = source.get("type")
    if kind == "text":
        part.texts.append(as_text(source.get("data"), tally, f"{at}.source.data"))
        return
    if kind == "content":
        content = source.get("content")
        if isinstance(content, str):
            part.texts.append(content)
        else:
            for number, inner in enumerate(as_list(content, tally, f"{at}.source.content")):
                add_block(
                    tally, part, inner, model, ImageOptions(), f"{at}.source.content[{number}]"
                )
        return
    if kind == "base64" and source.get("media_type") == "application/pdf":
        try:
            data = base64.b64decode(str(source.get("data") or ""), validate=False)
        except (binascii.Error, ValueError):
            raise tally.error("PDF data is not valid base64", f"{at}.source.data") from None
        text, pages = pdf_text_and_pages(data, tally, f"{at}.source.data")
        part.texts.append(text)
        add_pages(tally, part, model, pages, at)
        return
    tally.warn(f"{at}: a document given by {kind!r} cannot be read offline; not counted")
    tally.approximate("a document was not counted")


def pdf_text_and_pages(data: bytes, tally: Tally, at: str) -> tuple[str, int]:
    """A PDF's text (pypdf) and its number of pages; an unreadable one names where it is."""
    from costlab.errors import CostlabError
    from costlab.tokens.files import Input, pdf_text_pages

    try:
        return pdf_text_pages(Input(at, data, ".pdf"))
    except CostlabError as exc:
        raise tally.error(exc.what, at) from None


def add_pages(tally: Tally, part: Part, model: Model, pages: int, at: str) -> None:
    """Each page's image at the rule's ``page_tokens``, in the model's units."""
    rule = model.images
    if rule is None or rule.page_tokens is None:
        tally.warn(
            f"{at}: {model.id} has no per-page rule in the price book; page images not counted"
        )
        tally.approximate("a document's page images were not counted")
        return
    part.model_fixed += pages * rule.page_tokens
    tally.approximate(
        f"PDF pages counted at {rule.page_tokens:,} tokens each for their page images "
        f"({pages:,} page{'s' if pages != 1 else ''})"
    )


def tool_prompt_tokens(model: Model, choice: str) -> int | None:
    """The tool-use system prompt for ``model`` and a ``tool_choice`` type. [ANT-TOOLS]"""
    names = (model.id, *model.aliases)
    for prefix, (auto, forced) in TOOL_PROMPT_TOKENS.items():
        if any(n.startswith(prefix) for n in names):
            return forced if choice in ("any", "tool") else auto
    return None


def add_tools(tally: Tally, body: Mapping[str, Any], model: Model) -> None:
    """Tool definitions (name, description, input schema as JSON) and the tool-use system
    prompt; server tools (web search, code execution, ...) are named but not counted."""
    tools = as_list(body.get("tools") or [], tally, "tools")
    if not tools:
        return
    if model.tokenizer is not None:
        # A model with a public tokenizer (OpenAI's) reads these tools as the function
        # definitions of its own API: counted by its published method, without Claude's
        # tool-use system prompt.
        functions = [
            (f"tools[{index}]", as_function(tool, "input_schema"))
            for index, raw in enumerate(tools)
            if not _is_server_tool(tool := as_mapping(raw, tally, f"tools[{index}]"))
        ]
        if len(functions) < len(tools):
            tally.warn("Anthropic server tools have no OpenAI equivalent; not counted")
        add_functions(tally, functions, model.tokenizer)
        tally.warn(f"{model.id}: the Anthropic tools are counted as its function definitions")
        return
    part = tally.part(f"tools ({len(tools)})")
    for index, raw in enumerate(tools):
        tool = as_mapping(raw, tally, f"tools[{index}]")
        if _is_server_tool(tool):
            tally.warn(
                f"tools[{index}]: the server tool {tool.get('type')!r} adds tokens Anthropic "
                "does not publish per request; not counted"
            )
            tally.approximate("a server tool's definition was not counted")
            continue
        part.texts.append(as_text(tool.get("name"), tally, f"tools[{index}].name"))
        description = tool.get("description")
        if isinstance(description, str):
            part.texts.append(description)
        given = tool.get("input_schema")
        schema = as_mapping({} if given is None else given, tally, f"tools[{index}].input_schema")
        part.texts.append(json.dumps(schema, ensure_ascii=False))
    choice = body.get("tool_choice")
    kind = "auto"
    if isinstance(choice, Mapping):
        kind = str(choice.get("type", "auto"))
    if kind not in ("auto", "any", "tool", "none"):
        raise tally.error(f"type must be auto, any, tool or none, got {kind!r}", "tool_choice")
    prompt = tool_prompt_tokens(model, kind)
    label = f"tool-use system prompt (tool_choice {kind})"
    if prompt is None:
        tally.warn(f"{model.id}: Anthropic publishes no tool-use system prompt size; not counted")
        tally.approximate("the tool-use system prompt was not counted")
        return
    tally.parts.append(Part(label, model_fixed=prompt))


def _is_server_tool(tool: Mapping[str, Any]) -> bool:
    """Anthropic's versioned tools (``web_search_20250305``, ``bash_20250124``, ...)."""
    kind = tool.get("type")
    return isinstance(kind, str) and re.search(r"_\d{8}$", kind) is not None
