"""Typed data files: the price book and scenario files, validated by pydantic.

Each file format is declared once, as frozen dataclasses (:func:`costlab.records.frozen`) whose
fields carry their documentation, unit and constraints (:func:`spec`). Those dataclasses are
what the rest of costlab works with: plain, immutable and cheap to build, so a run that reads
the compiled price book (:mod:`costlab.prices.compiled`) never imports pydantic, which costs
more than the whole of a ``costlab estimate`` (about 140 ms against 95 ms, measured on 2 cores).

Reading a file is pydantic's job. :func:`build` derives, once per dataclass, a pydantic type from
the declaration (a ``TypedDict`` keyed by the file's field names, with each field's constraints as
pydantic ``Field`` metadata, ``extra="forbid"``, and validators for costlab's number rules), lets a
``TypeAdapter`` validate the parsed YAML with it, and builds the dataclass from the result, so
``__post_init__`` checks across fields still run. :func:`json_schema` is the same adapter's JSON
Schema. A refusal is one line naming the field and the file's line: ``price.input: must be >= 0
(line 12)``.

Supported field types: dataclasses, ``Decimal``, ``int``, ``str``, ``bool``, ``date``,
``Literal[...]``, ``X | None``, ``tuple[X, ...]``, ``dict[str, X]`` and unions of those (chosen by
the value's shape: a mapping, a list or a single value).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from costlab.errors import CostlabError
from costlab.pydantic_types import (
    Refused,
    adapter,
    describe,
    field_name,
    is_tag,
    spaces_around,
)
from costlab.yaml_reader import LineDict

__all__ = ["build", "field_name", "json_schema", "line_at", "spec"]

T = TypeVar("T")

_MISSING: Any = dataclasses.MISSING


def spec(
    doc: str,
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    ge: int | Decimal | None = None,
    gt: int | Decimal | None = None,
    le: int | Decimal | None = None,
    pattern: str | None = None,
    yaml_name: str | None = None,
    one_or_many: bool = False,
    min_items: int | None = None,
    max_items: int | None = None,
    internal: bool = False,
) -> Any:
    """A dataclass field with its documentation and constraints.

    ``doc`` says what the field is and in which unit; ``yaml_name`` is the key in the file when it
    differs from the attribute; ``ge``/``gt``/``le`` bound a number (every part of a range, every
    item of a list); ``pattern`` must match a whole text; ``one_or_many`` lets a tuple field be
    written as a single mapping; ``internal`` fields are set by code, never read from files (and
    left out of the schema).
    """
    metadata = {
        "doc": doc,
        "ge": ge,
        "gt": gt,
        "le": le,
        "pattern": pattern,
        "yaml_name": yaml_name,
        "one_or_many": one_or_many,
        "min_items": min_items,
        "max_items": max_items,
        "internal": internal,
    }
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def build(cls: type[T], data: Any, *, path: str = "") -> T:
    """Build ``cls`` from parsed YAML/JSON data, or raise :class:`CostlabError`.

    The error's location is the dotted field path inside ``data`` (``price[1].input``), and
    its message ends with the line in the file when the data came from :mod:`costlab.yaml_reader`.
    """
    from pydantic import ValidationError

    try:
        return typing.cast(T, adapter(typing.cast(Any, cls)).validate_python(data))
    except ValidationError as exc:
        raise _one_line(exc.errors(include_url=False), data, path) from None


def json_schema(cls: type, *, title: str, schema_id: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dataclass's files, with every field's doc."""
    body = adapter(cls).json_schema(by_alias=True, schema_generator=_schema_generator())
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
    }
    defs = body.pop("$defs", {})
    schema.update({k: v for k, v in body.items() if k != "title"})
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def line_at(data: Any, where: tuple[str, ...]) -> int | None:
    """The line of a dotted location (``workloads[2].growth``) inside parsed data, if known."""
    parts: list[str | int] = []
    for part in ".".join(where).split(".") if where else ():
        key, *indexes = part.replace("]", "").split("[")
        parts.append(key)
        parts.extend(int(i) if i.isdigit() else i for i in indexes)
    return _walk(data, parts)[1]


@cache
def _schema_generator() -> type:
    """pydantic's JSON Schema generator, writing a Decimal as a JSON number with its bounds
    (files give numbers; text such as ``"1_000"`` is read too, but is not what editors suggest)."""
    from pydantic.json_schema import GenerateJsonSchema

    class Generator(GenerateJsonSchema):
        def field_title_should_be_set(self, schema: Any) -> bool:
            return False  # the key is the title; each field carries a description

        def tagged_union_schema(self, schema: Any) -> dict[str, Any]:
            # costlab picks a branch by shape; for an editor, any branch that fits is valid
            # (a date also fits a text pattern, so "exactly one" would refuse it).
            out = super().tagged_union_schema(schema)
            out["anyOf"] = out.pop("oneOf")
            out.pop("discriminator", None)
            return out

        def decimal_schema(self, schema: Any) -> dict[str, Any]:
            out: dict[str, Any] = {"type": "number"}
            names = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum"}
            for key, name in names.items():
                if schema.get(key) is not None:
                    value = schema[key]
                    out[name] = int(value) if value == int(value) else float(value)
            return out

    return Generator


def _one_line(errors: list[Any], data: Any, path: str) -> CostlabError:
    """The first of pydantic's errors as costlab's one line: dotted path, message, file line."""
    error = errors[0]
    where, line = _walk(data, [p for p in error["loc"] if not is_tag(p)])
    what = _message(error)
    refused = (error.get("ctx") or {}).get("error")
    if isinstance(refused, Refused) and refused.where:
        inner = line_at(_at(data, [p for p in error["loc"] if not is_tag(p)]), refused.where)
        where = _join(where, ".".join(refused.where))
        line = inner or line
    full = _join(path, where)
    return CostlabError(what if line is None else f"{what} (line {line})", full or None)


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if isinstance(ctx.get("error"), Refused):
        return str(ctx["error"].what)
    simple = {
        "greater_than_equal": lambda: f"must be >= {ctx['ge']}",
        "greater_than": lambda: f"must be > {ctx['gt']}",
        "less_than_equal": lambda: f"must be <= {ctx['le']}",
        "too_short": lambda: f"must list at least {ctx['min_length']} item(s)",
        "string_pattern_mismatch": lambda: (
            (isinstance(value, str) and spaces_around(value))
            or f"{describe(value)} does not match {_unanchored(ctx['pattern'])}"
        ),
        "missing": lambda: "required field is missing",
        "extra_forbidden": lambda: "unknown field",
        "tuple_type": lambda: f"must be a list, got {describe(value)}",
        "list_type": lambda: f"must be a list, got {describe(value)}",
        "dict_type": lambda: f"must be a mapping, got {describe(value)}",
    }
    if kind in simple:
        return simple[kind]()
    return f"{str(error['msg'])[0].lower()}{str(error['msg'])[1:]}"  # pragma: no cover


def _walk(data: Any, loc: list[str | int]) -> tuple[str, int | None]:
    """The dotted path and last known line of ``loc`` inside ``data``.

    An index into a value that is not a list is dropped: a single mapping given where a list is
    allowed (``price: {...}``) is named ``price.input``, not ``price[0].input``.
    """
    where, line = "", _line_of(data)
    for part in loc:
        if isinstance(part, int):
            if isinstance(data, list | tuple):
                where = f"{where}[{part}]"
                data = data[part] if part < len(data) else None
                line = _line_of(data) or line
            continue
        where = _join(where, part)
        if isinstance(data, Mapping) and part in data:
            line = _line_of(data, part) or line
            data = data[part]
        else:
            data = None
    return where, line


def _at(data: Any, loc: list[str | int]) -> Any:
    for part in loc:
        if isinstance(part, int):
            found = isinstance(data, list | tuple) and part < len(data)
        else:
            found = isinstance(data, Mapping) and part in data
        data = data[part] if found else data
    return data


def _line_of(data: Any, key: str | None = None) -> int | None:
    if isinstance(data, LineDict):
        return data.line_of(key) if key is not None else data.line
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path and name else path or name


def _unanchored(pattern: str) -> str:
    return pattern.removeprefix("^(?:").removesuffix(")$")
