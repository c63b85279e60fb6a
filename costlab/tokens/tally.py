"""A request body's tokens before its texts are encoded: the building block of body counts.

Walking a body (chat or responses) yields fixed token amounts (per-message overheads, images)
and texts to encode. Keeping the texts apart lets a batch of 50,000 bodies encode all its texts
in one parallel call (:func:`costlab.tokens.text.texts_tokens`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from costlab import limits
from costlab.errors import CostlabError, shortened
from costlab.prices import Model
from costlab.records import frozen
from costlab.tokens.images import (
    DETAILS,
    ESTIMATE_NOTES,
    Detail,
    conflict_note,
    image_tokens,
    max_image_tokens,
    read_size,
)

# Tool definitions, by the OpenAI cookbook's num_tokens_for_tools constants
# ([CB] section 7, defined in docs/sources.md; checked 2026-11-26). func_init differs by encoding:
# 7 for the o200k models (gpt-4o, gpt-4o-mini), 10 for the cl100k models (gpt-3.5-turbo, gpt-4).
FUNC_INIT = {"o200k_base": 7, "o200k_harmony": 7, "cl100k_base": 10}
PROP_INIT = 3  # once per function with at least one property
PROP_KEY = 3  # per property
ENUM_INIT = -3  # per property that has an enum
ENUM_ITEM = 3  # per enum value (plus the value's tokens)
FUNC_END = 12  # once, after all functions


@dataclass
class Part:
    """One line of a body's breakdown: fixed tokens plus texts still to encode."""

    label: str
    fixed: int = 0
    """tokens counted in the encoding's units (scaled with the texts for an estimated model)"""
    texts: list[str] = field(default_factory=list)
    model_fixed: int = 0
    """tokens already in the model's own units (a provider's image rule, a documented system
    prompt): never scaled by a tokenizer ratio"""
    audio: int = 0
    """of ``model_fixed``, audio tokens (billed at the model's audio rate where it has one)"""


@dataclass
class Tally:
    """Everything needed to finish one body's count once its texts are encoded."""

    where: tuple[str, ...]
    parts: list[Part] = field(default_factory=list)
    max_output_tokens: int | None = None
    output_choices: int = 1
    """completions the body asks for (``n``); ``max_output_tokens`` already counts them all"""
    approximations: list[str] = field(default_factory=list)
    """why this body's count is not validated against billed numbers (empty: it is)"""
    warnings: list[str] = field(default_factory=list)
    model_name: str | None = None
    """the body's own ``model``, if it names one"""

    def part(self, label: str, fixed: int = 0) -> Part:
        part = Part(label, fixed)
        self.parts.append(part)
        return part

    def approximate(self, reason: str) -> None:
        reason = _clipped(reason)
        if reason not in self.approximations:
            self.approximations.append(reason)

    def warn(self, message: str) -> None:
        message = _clipped(message)
        if message not in self.warnings:
            self.warnings.append(message)

    def error(self, what: str, *where: str) -> CostlabError:
        return CostlabError(what, *self.where, *where)


def _clipped(message: str) -> str:
    """A note as shown: notes quote the body (a content type, a field name, a MIME type), and
    a body may put a megabyte there; such a note keeps its start and says how long it was."""
    return shortened(message, 500, 200)


@frozen
class ImageOptions:
    """How to size images a body only links to (an http URL or a file id)."""

    size: tuple[int, int] | None = None
    """assumed width x height in px; None counts the rule's upper bound"""


def as_mapping(value: Any, tally: Tally, where: str, what: str = "an object") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise tally.error(f"must be {what}, got {_kind(value)}", where)
    return value


def as_list(value: Any, tally: Tally, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise tally.error(f"must be a list, got {_kind(value)}", where)
    return value


def as_text(value: Any, tally: Tally, where: str) -> str:
    if not isinstance(value, str):
        raise tally.error(f"must be text, got {_kind(value)}", where)
    return value


def output_limit(body: Mapping[str, Any], tally: Tally, keys: Sequence[str]) -> int | None:
    """The first of ``keys`` the body sets, as a whole number of tokens."""
    for key in keys:
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise tally.error(f"must be a whole number >= 1, got {value!r}", key)
        if value > limits.MAX_COUNT:
            raise tally.error(limits.over("MAX_COUNT", f"{value:,}"), key)
        return value
    return None


def add_image(
    tally: Tally,
    part: Part,
    model: Model,
    url: str | None,
    detail: Any,
    options: ImageOptions,
    where: str,
) -> None:
    """Add one image's tokens: size from a data URL, else ``options.size``, else the bound."""
    if detail is None:
        detail = "auto"
    if detail not in DETAILS:
        raise tally.error(f"detail must be one of {', '.join(DETAILS)}, got {detail!r}", where)
    chosen: Detail = detail
    rule = model.images
    if rule is None:
        tally.warn(f"{model.id} has no image-token rule in the price book; images not counted")
        tally.approximate("an image was not counted")
        return
    size = None
    if url is not None and url.startswith("data:"):
        try:
            size = read_size(_data_url_bytes(url, tally, where), where)
        except CostlabError as exc:
            raise tally.error(exc.what, where) from None
    elif options.size is not None:
        size = options.size
        tally.approximate("an image's size was assumed (image_size / --image-size)")
    if size is not None:
        try:
            tokens = image_tokens(rule, size[0], size[1], chosen)
        except CostlabError as exc:
            raise tally.error(exc.what, where) from None
        if rule.method in ("tile", "patch"):
            part.fixed += tokens
        else:
            part.model_fixed += tokens
        note = conflict_note(rule, size[0], size[1])
        if note:
            tally.warn(note)
        estimate = ESTIMATE_NOTES[rule.method]
        if estimate:
            tally.approximate(estimate)
        return
    bound = max_image_tokens(rule, chosen)
    tally.approximate("an image's size is unknown offline")
    if bound is None:
        tally.warn(
            f"{where}: image size unknown offline and {model.id}'s rule has no upper bound; "
            "not counted (give --image-size WxH)"
        )
        return
    if rule.method in ("tile", "patch"):
        part.fixed += bound
    else:
        part.model_fixed += bound
    tally.warn(
        f"image size unknown offline (a URL or file id): counted at the most any image costs on "
        f"{model.id}, {bound:,} tokens; give --image-size WxH for a figure"
    )


def _data_url_bytes(url: str, tally: Tally, where: str) -> bytes:
    header, _, payload = url.partition(",")
    if ";base64" not in header:
        raise tally.error("image data URL must be base64", where)
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        raise tally.error("image data URL is not valid base64", where) from None


def add_functions(
    tally: Tally, functions: Sequence[tuple[str, Mapping[str, Any]]], encoding: str
) -> None:
    """Function definitions (each with where it is in the body), by the cookbook's
    ``num_tokens_for_tools`` (constants above).

    Text encoded: ``name:description`` per function and ``key:type:description`` per top-level
    property, one trailing "." stripped from descriptions; enum values encoded one by one.
    Nested schemas, ``required`` and other keywords are not in the published method: they are
    left out and the count is marked approximate.
    """
    if not functions:
        return
    part = tally.part(f"tools ({len(functions)} function{'s' if len(functions) != 1 else ''})")
    func_init = FUNC_INIT.get(encoding, FUNC_INIT["o200k_base"])
    for at, function in functions:
        name = as_text(function.get("name"), tally, f"{at}.name")
        description = _strip_period(function.get("description") or "")
        part.fixed += func_init
        part.texts.append(f"{name}:{description}")
        parameters = function.get("parameters")
        parameters = {} if parameters is None else parameters
        parameters = as_mapping(parameters, tally, f"{at}.parameters")
        properties = as_mapping(
            parameters.get("properties") or {}, tally, f"{at}.parameters.properties"
        )
        extra = set(parameters) - {"type", "properties", "required", "additionalProperties"}
        if extra:
            tally.approximate(
                f"schema keywords outside the published method ({', '.join(sorted(extra))})"
            )
        if not properties:
            continue
        part.fixed += PROP_INIT
        for key, schema in properties.items():
            schema = as_mapping(schema, tally, f"{at}.parameters.properties.{key}")
            part.fixed += PROP_KEY
            if "enum" in schema:
                part.fixed += ENUM_INIT
                for item in as_list(
                    schema["enum"], tally, f"{at}.parameters.properties.{key}.enum"
                ):
                    part.fixed += ENUM_ITEM
                    part.texts.append(item if isinstance(item, str) else json.dumps(item))
            if set(schema) & {"properties", "items", "anyOf", "oneOf", "allOf", "$ref"}:
                tally.approximate("nested parameter schemas are not in the published method")
            kind = schema.get("type", "")
            if isinstance(kind, list) and all(isinstance(k, str) for k in kind):
                kind = "|".join(kind)
            elif not isinstance(kind, str):
                raise tally.error(
                    "must be a JSON Schema type name or a list of them",
                    f"{at}.parameters.properties.{key}.type",
                )
            description = _strip_period(schema.get("description") or "")
            part.texts.append(f"{key}:{kind}:{description}")
    part.fixed += FUNC_END


def as_function(tool: Mapping[str, Any], schema_key: str) -> dict[str, Any]:
    """Another API's function tool (Anthropic's ``input_schema``, Gemini's ``parameters`` with
    upper-case OpenAPI types) as an OpenAI function definition, for :func:`add_functions`."""
    return {
        "name": tool.get("name"),
        "description": tool.get("description"),
        "parameters": {} if tool.get(schema_key) is None else _lower_types(tool[schema_key]),
    }


def _lower_types(schema: Any, depth: int = 0) -> Any:
    if depth > limits.MAX_NESTING_DEPTH:  # deeper is refused before parsing; stop anyway
        return schema
    if isinstance(schema, Mapping):
        return {
            k: v.lower() if k == "type" and isinstance(v, str) else _lower_types(v, depth + 1)
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_lower_types(v, depth + 1) for v in schema]
    return schema


def _strip_period(text: Any) -> str:
    text = text if isinstance(text, str) else str(text)
    return text[:-1] if text.endswith(".") else text


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )
