"""Gemini ``generateContent`` request bodies (``contents``, ``systemInstruction``, ``tools``).

Gemini's tokenizer is not public: texts are counted with the price book's ``token_estimate``
and every count is an estimate; Google's ``countTokens`` endpoint gives the billed figure
[G-TOKENS]. What Google publishes is added in Gemini's own units, unscaled [G-VISION] [G-DOCS]:

* images by the price book's ``gemini`` rule (258 tokens up to 384 px a side, else 258 per
  768-px tile);
* PDF pages at the rule's ``page_tokens`` (258) each;
* audio at 32 tokens a second and video at 263 a second, for a duration read from the
  data's header (:mod:`costlab.tokens.media`).

Framing (roles, turns) is not published: each content is counted like a Chat Completions
message (3 tokens and its role, [CB]). Both the REST spelling (``inlineData``, ``mimeType``)
and the SDKs' snake_case (``inline_data``, ``mime_type``) are read.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from costlab import limits
from costlab.errors import CostlabError
from costlab.prices import Model
from costlab.tokens.anthropic import add_pages, pdf_text_and_pages
from costlab.tokens.chat import TOKENS_PER_MESSAGE
from costlab.tokens.media import VIDEO_TOKENS_PER_SECOND, read_media, sniff_media, video_tokens
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
)
from costlab.tokens.tokenizer import Tokenizer

AUDIO_TOKENS_PER_SECOND = 32  # [G-VISION]

#: Model a Gemini body is counted on when neither the caller nor the body names one (the
#: generateContent URL names it, not the body).
GEMINI_DEFAULT = "gemini-2.5-flash"

ESTIMATE_NOTE = (
    "Google publishes no framing for contents: each content counted like a Chat Completions "
    "message; Gemini's countTokens endpoint gives the billed figure"
)


def _get(value: Mapping[str, Any], camel: str, tally: Tally, at: str) -> Any:
    """A field in either spelling, ``inlineData`` or ``inline_data``: the one that is not null;
    both with a value is refused, since the API would read only one of them."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
    first, second = value.get(camel), value.get(snake)
    if first is not None and second is not None and camel != snake:
        where = f"{at}.{camel}" if at else camel
        raise tally.error(f"`{camel}` and `{snake}` both have a value; keep one", where)
    return second if first is None else first


def audio_tokens(seconds: Decimal | float) -> int:
    """Gemini audio input tokens: 32 a second, rounded up. [G-VISION]

    >>> audio_tokens(30)
    960
    """
    return math.ceil(seconds * AUDIO_TOKENS_PER_SECOND)


def tally_gemini(
    body: Mapping[str, Any],
    model: Model,
    tokenizer: Tokenizer,
    *,
    images: ImageOptions | None = None,
    where: tuple[str, ...] = (),
) -> Tally:
    """Walk a Gemini generateContent body into texts to encode and tokens in Gemini's units."""
    tally = Tally(where)
    images = images or ImageOptions()
    if "contents" not in body:
        raise tally.error("no `contents`: not a Gemini generateContent request body")
    name = body.get("model")
    tally.model_name = name.removeprefix("models/") if isinstance(name, str) else None
    tally.approximate(ESTIMATE_NOTE)
    system = _get(body, "systemInstruction", tally, "")
    if system is not None:
        part = tally.part("systemInstruction", TOKENS_PER_MESSAGE)
        if isinstance(system, str):
            part.texts.append(system)
        else:
            system = as_mapping(system, tally, "systemInstruction")
            add_parts(tally, part, system.get("parts") or [], model, images, "systemInstruction")
    contents = body["contents"]
    if isinstance(contents, str):
        part = tally.part("contents user", TOKENS_PER_MESSAGE)
        part.texts += ["user", contents]
    else:
        contents = as_list(contents, tally, "contents")
        if not contents:
            raise tally.error("is empty", "contents")
        for index, raw in enumerate(contents):
            at = f"contents[{index}]"
            content = as_mapping(raw, tally, at)
            role = content.get("role") or "user"
            part = tally.part(f"{at} {role}", TOKENS_PER_MESSAGE)
            part.texts.append(str(role))
            add_parts(tally, part, content.get("parts") or [], model, images, at)
    add_tools(tally, body, model)
    config = _get(body, "generationConfig", tally, "")
    if isinstance(config, Mapping):
        limit = _get(config, "maxOutputTokens", tally, "generationConfig")
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise tally.error(
                    f"must be a whole number >= 1, got {limit!r}",
                    "generationConfig.maxOutputTokens",
                )
            if limit > limits.MAX_COUNT:
                raise tally.error(
                    limits.over("MAX_COUNT", f"{limit:,}"), "generationConfig.maxOutputTokens"
                )
            tally.max_output_tokens = limit
    return tally


def add_parts(
    tally: Tally, part: Part, parts: Any, model: Model, images: ImageOptions, at: str
) -> None:
    for number, raw in enumerate(as_list(parts, tally, f"{at}.parts")):
        here = f"{at}.parts[{number}]"
        item = as_mapping(raw, tally, here)
        if "text" in item:
            part.texts.append(as_text(item["text"], tally, f"{here}.text"))
        elif _get(item, "inlineData", tally, here) is not None:
            add_inline(
                tally,
                part,
                as_mapping(_get(item, "inlineData", tally, here), tally, here),
                model,
                images,
                here,
            )
        elif _get(item, "fileData", tally, here) is not None:
            data = as_mapping(_get(item, "fileData", tally, here), tally, here)
            mime = str(_get(data, "mimeType", tally, here) or "")
            if mime.startswith("image/"):
                add_image(tally, part, model, None, "auto", images, here)
            else:
                tally.warn(
                    f"{here}: a {mime or 'file'} given by URI cannot be read offline; not counted"
                )
                tally.approximate("a file given by URI was not counted")
        elif _get(item, "functionCall", tally, here) is not None:
            call = as_mapping(_get(item, "functionCall", tally, here), tally, here)
            part.texts.append(str(call.get("name") or ""))
            part.texts.append(json.dumps(call.get("args") or {}, ensure_ascii=False))
        elif _get(item, "functionResponse", tally, here) is not None:
            response = as_mapping(_get(item, "functionResponse", tally, here), tally, here)
            part.texts.append(str(response.get("name") or ""))
            part.texts.append(json.dumps(response.get("response") or {}, ensure_ascii=False))
        else:
            tally.warn(f"{here}: a part of kind {', '.join(sorted(item))!r} is not counted")


def add_inline(
    tally: Tally,
    part: Part,
    data: Mapping[str, Any],
    model: Model,
    images: ImageOptions,
    at: str,
) -> None:
    """Inline base64 data by its MIME type: image, PDF, audio and video whose duration its
    header gives (WAV, MP3, AAC, FLAC, Ogg, MP4/MOV, WebM; :mod:`costlab.tokens.media`)."""
    mime = str(_get(data, "mimeType", tally, at) or "")
    payload = str(data.get("data") or "")
    if mime.startswith("image/"):
        add_image(tally, part, model, f"data:{mime};base64,{payload}", "auto", images, at)
        return
    raw = _decode(payload, tally, at)
    if mime == "application/pdf":
        text, pages = pdf_text_and_pages(raw, tally, at)
        # Google: a PDF page counts as an image; its text is not billed again. [G-DOCS]
        del text
        add_pages(tally, part, model, pages, at)
        return
    if mime.startswith(("audio/", "video/")):
        fmt = sniff_media(raw)
        if fmt is not None:
            try:
                media = read_media(raw, at, fmt)
            except CostlabError as exc:
                raise tally.error(exc.what, at) from None
            if mime.startswith("video/"):
                part.model_fixed += video_tokens(media.seconds)
                tally.approximate(f"video counted at {VIDEO_TOKENS_PER_SECOND} tokens a second")
                if not media.video:  # counted as labelled; the label may be what is wrong
                    tally.warn(
                        f"{at}: {mime} holds no video track ({media.label}): counted as video, "
                        f"as labelled; as audio it would be {AUDIO_TOKENS_PER_SECOND} tokens a "
                        "second"
                    )
            else:
                part.model_fixed += audio_tokens(media.seconds)
                part.audio += audio_tokens(media.seconds)
                tally.approximate(f"audio counted at {AUDIO_TOKENS_PER_SECOND} tokens a second")
            return
    tally.warn(
        f"{at}: {mime or 'data'}: its duration cannot be read offline; not counted "
        f"(audio is {AUDIO_TOKENS_PER_SECOND} tokens a second, video {VIDEO_TOKENS_PER_SECOND})"
    )
    tally.approximate("inline media whose duration is unknown was not counted")


def _decode(payload: str, tally: Tally, at: str) -> bytes:
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        raise tally.error("inline data is not valid base64", at) from None


def add_tools(tally: Tally, body: Mapping[str, Any], model: Model) -> None:
    """Function declarations: name, description and parameters as JSON texts; built-in tools
    (Google Search, code execution) are named, not counted. For a model with a public
    tokenizer (OpenAI's), the declarations are counted as its own function definitions."""
    tools = as_list(body.get("tools") or [], tally, "tools")
    if not tools:
        return
    if model.tokenizer is not None:
        functions = []
        for index, raw in enumerate(tools):
            at = f"tools[{index}]"
            declarations = _get(as_mapping(raw, tally, at), "functionDeclarations", tally, at)
            if declarations is None:
                tally.warn(f"tools[{index}]: a built-in Gemini tool has no OpenAI equivalent")
                continue
            listed = as_list(declarations, tally, f"tools[{index}].functionDeclarations")
            for number, declaration in enumerate(listed):
                at = f"tools[{index}].functionDeclarations[{number}]"
                functions.append(
                    (at, as_function(as_mapping(declaration, tally, at), "parameters"))
                )
        add_functions(tally, functions, model.tokenizer)
        tally.warn(f"{model.id}: the Gemini function declarations are counted as its functions")
        return
    part = tally.part(f"tools ({len(tools)})")
    for index, raw in enumerate(tools):
        tool = as_mapping(raw, tally, f"tools[{index}]")
        declarations = _get(tool, "functionDeclarations", tally, f"tools[{index}]")
        if declarations is None:
            kinds = ", ".join(sorted(tool)) or "empty"
            tally.warn(f"tools[{index}]: the built-in tool {kinds!r} is not counted")
            continue
        for number, declaration in enumerate(
            as_list(declarations, tally, f"tools[{index}].functionDeclarations")
        ):
            at = f"tools[{index}].functionDeclarations[{number}]"
            declaration = as_mapping(declaration, tally, at)
            part.texts.append(as_text(declaration.get("name"), tally, f"{at}.name"))
            description = declaration.get("description")
            if isinstance(description, str):
                part.texts.append(description)
            parameters = declaration.get("parameters")
            if parameters is not None:
                part.texts.append(json.dumps(parameters, ensure_ascii=False))
