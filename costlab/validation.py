"""Typed data files: build frozen dataclasses from parsed YAML, and JSON Schemas from the same types.

The price book and scenario files are described once, as dataclasses whose fields carry their
unit and constraints (:func:`spec`). :func:`build` turns parsed YAML into those objects and
refuses bad data with one line naming the field (``price.input: must be >= 0``); :func:`json_schema`
derives the JSON Schema that ships for editors from the very same fields, so the two never drift.

Supported field types: dataclasses, ``Decimal``, ``int``, ``str``, ``bool``, ``date``,
``Literal[...]``, ``X | None``, ``tuple[X, ...]``, ``dict[str, X]`` and unions of those.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal, TypeVar, get_args, get_origin

from costlab import limits
from costlab.errors import CostlabError
from costlab.yaml_reader import LineDict

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
    internal: bool = False,
) -> Any:
    """A dataclass field with its documentation and constraints.

    ``doc`` says what the field is and in which unit; ``yaml_name`` is the key in the file when it
    differs from the attribute; ``one_or_many`` lets a tuple field be written as a single mapping;
    ``internal`` fields are set by code, never read from files (and left out of the schema).
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
        "internal": internal,
    }
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


class _Invalid(Exception):
    """Raised inside :func:`build`; carries the dotted field path and the line."""

    def __init__(self, path: str, what: str, line: int | None) -> None:
        super().__init__(what)
        self.path = path
        self.what = what
        self.line = line


def build(cls: type[T], data: Any, *, path: str = "") -> T:
    """Build ``cls`` from parsed YAML/JSON data, or raise :class:`CostlabError`.

    The error's location is the dotted field path inside ``data`` (``price[1].input``), and
    its message ends with the line in the file when the data came from :mod:`costlab.yaml_reader`.
    """
    try:
        return typing.cast(T, _convert(cls, data, path, _line_of(data)))
    except _Invalid as exc:
        what = exc.what if exc.line is None else f"{exc.what} (line {exc.line})"
        raise CostlabError(what, exc.path or None) from None


def field_name(f: dataclasses.Field[Any]) -> str:
    """The key under which a field is written in files."""
    return str(f.metadata.get("yaml_name") or f.name)


def _line_of(data: Any, key: str | None = None) -> int | None:
    if isinstance(data, LineDict):
        return data.line_of(key) if key is not None else data.line
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, data: Any, path: str, line: int | None) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _convert_union(tp, data, path, line)
    if origin is Literal:
        choices = get_args(tp)
        if data not in choices:
            listed = ", ".join(str(c) for c in choices)
            raise _Invalid(path, f"must be one of {listed}, got {_describe(data)}", line)
        return data
    if origin is tuple:
        return _convert_sequence(get_args(tp)[0], data, path, line)
    if origin is dict:
        return _convert_dict(get_args(tp)[1], data, path, line)
    if dataclasses.is_dataclass(tp):
        return _convert_dataclass(tp, data, path, line)  # type: ignore[arg-type]
    if tp is Decimal:
        return _convert_decimal(data, path, line)
    if tp is int:
        return _convert_int(data, path, line)
    if tp is bool:
        if not isinstance(data, bool):
            raise _Invalid(path, f"must be true or false, got {_describe(data)}", line)
        return data
    if tp is str:
        if isinstance(data, bool) or data is None or isinstance(data, Mapping | list):
            raise _Invalid(path, f"must be text, got {_describe(data)}", line)
        return str(data)
    if tp is date:
        return _convert_date(data, path, line)
    raise TypeError(f"unsupported field type {tp!r}")  # pragma: no cover - a bug in a model


def _convert_union(tp: Any, data: Any, path: str, line: int | None) -> Any:
    options = [a for a in get_args(tp) if a is not type(None)]
    if data is None:
        if type(None) in get_args(tp):
            return None
        raise _Invalid(path, "must not be empty", line)
    if len(options) == 1:
        return _convert(options[0], data, path, line)
    # Choose by shape: a mapping goes to the dataclass option, anything else to the scalars.
    if isinstance(data, Mapping):
        for option in options:
            if dataclasses.is_dataclass(option):
                return _convert(option, data, path, line)
    errors: list[_Invalid] = []
    for option in options:
        if dataclasses.is_dataclass(option):
            continue
        try:
            return _convert(option, data, path, line)
        except _Invalid as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
    raise _Invalid(path, f"must be a mapping, got {_describe(data)}", line)


def _convert_sequence(item_tp: Any, data: Any, path: str, line: int | None) -> tuple[Any, ...]:
    if not isinstance(data, list | tuple):
        raise _Invalid(path, f"must be a list, got {_describe(data)}", line)
    return tuple(
        _convert(item_tp, item, f"{path}[{i}]", _line_of(item) or line)
        for i, item in enumerate(data)
    )


def _convert_dict(value_tp: Any, data: Any, path: str, line: int | None) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise _Invalid(path, f"must be a mapping, got {_describe(data)}", line)
    return {
        str(k): _convert(value_tp, v, _join(path, str(k)), _line_of(data, str(k)) or line)
        for k, v in data.items()
    }


def _convert_dataclass(cls: type, data: Any, path: str, line: int | None) -> Any:
    if not isinstance(data, Mapping):
        raise _Invalid(path, f"must be a mapping, got {_describe(data)}", line)
    fields = [f for f in dataclasses.fields(cls) if f.init and not f.metadata.get("internal")]
    by_key = {field_name(f): f for f in fields}
    for key in data:
        if key not in by_key:
            import difflib  # only for an unknown key: ~1 ms of start-up otherwise

            close = difflib.get_close_matches(str(key), list(by_key), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            allowed = ", ".join(by_key)
            raise _Invalid(
                _join(path, str(key)),
                f"unknown field{hint}; allowed: {allowed}",
                _line_of(data, str(key)) or line,
            )
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in fields:
        key = field_name(f)
        field_path = _join(path, key)
        if key not in data:
            if f.default is _MISSING and f.default_factory is _MISSING:
                raise _Invalid(field_path, "required field is missing", line)
            continue
        raw = data[key]
        field_line = _line_of(data, key) or line
        tp = hints[f.name]
        if f.metadata.get("one_or_many") and isinstance(raw, Mapping):
            # A single mapping where a list is allowed: its fields are named ``price.input``.
            (item_tp,) = {a for a in get_args(_strip_optional(tp)) if a is not Ellipsis}
            value = (_convert(item_tp, raw, field_path, field_line),)
        else:
            value = _convert(tp, raw, field_path, field_line)
        _check_constraints(f, value, field_path, field_line)
        values[f.name] = value
    try:
        return cls(**values)
    except CostlabError as exc:
        # A model's __post_init__ found a cross-field problem; it names the field(s), and the
        # line is the named field's when the data knows it.
        where = _join(path, ".".join(exc.where)) if exc.where else path
        raise _Invalid(where, exc.what, line_at(data, exc.where) or line) from None


def line_at(data: Any, where: tuple[str, ...]) -> int | None:
    """The line of a dotted location (``workloads[2].growth``) inside parsed data, if known."""
    line = None
    for part in ".".join(where).split(".") if where else ():
        key, *indexes = part.replace("]", "").split("[")
        if not isinstance(data, Mapping) or key not in data:
            break
        line = _line_of(data, key) or line
        data = data[key]
        for index in indexes:
            if not (isinstance(data, list) and index.isdigit() and int(index) < len(data)):
                return _line_of(data) or line
            data = data[int(index)]
            line = _line_of(data) or line
    return line


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (typing.Union, types.UnionType):
        (inner,) = [a for a in get_args(tp) if a is not type(None)]
        return inner
    return tp


def _convert_decimal(data: Any, path: str, line: int | None) -> Decimal:
    if isinstance(data, bool) or data is None:
        raise _Invalid(path, f"must be a number, got {_describe(data)}", line)
    if isinstance(data, float):
        if not math.isfinite(data):
            raise _Invalid(path, "must be a finite number", line)
        value = Decimal(repr(data))
    elif isinstance(data, int):
        value = Decimal(_bounded(data, path, line))
    elif isinstance(data, Decimal):
        value = data
    elif isinstance(data, str):
        value = _parse_text(data, path, line, "a number")
    else:
        raise _Invalid(path, f"must be a number, got {_describe(data)}", line)
    if not value.is_finite():
        raise _Invalid(path, "must be a finite number", line)
    return _bounded(value, path, line)


def _parse_text(data: str, path: str, line: int | None, kind: str) -> Decimal:
    """A number written as text, refused fast past the digit and exponent limits
    (``Decimal("1e999999999")`` is instant, but ``int()`` of it spins for minutes)."""
    try:
        return limits.parse_number(data.strip().replace("_", "").replace(",", ""))
    except CostlabError as exc:
        nan = exc.what.startswith("not a number")
        what = f"must be {kind}, got {_describe(data)}" if nan else exc.what
        raise _Invalid(path, what, line) from None


N = TypeVar("N", int, Decimal)


def _bounded(value: N, path: str, line: int | None) -> N:
    """``value`` when within :mod:`costlab.limits` (exponent, digits, ``MAX_COUNT``): no number
    in a data file needs more than 1e15, and bigger ones overflow what is built on them."""
    try:
        limits.check_number(value, path)
    except CostlabError as exc:
        raise _Invalid(path, exc.what, line) from None
    return value


def _convert_int(data: Any, path: str, line: int | None) -> int:
    if isinstance(data, bool):
        raise _Invalid(path, f"must be a whole number, got {_describe(data)}", line)
    if isinstance(data, int):
        return _bounded(data, path, line)
    if isinstance(data, Decimal | str):
        value = (
            data if isinstance(data, Decimal) else _parse_text(data, path, line, "a whole number")
        )
        if value.is_finite() and _bounded(value, path, line) == value.to_integral_value():
            return int(value)
    raise _Invalid(path, f"must be a whole number, got {_describe(data)}", line)


def _convert_date(data: Any, path: str, line: int | None) -> date:
    if isinstance(data, date):
        return data
    if isinstance(data, str):
        try:
            return date.fromisoformat(data.strip())
        except ValueError:
            pass
    raise _Invalid(path, f"must be a date YYYY-MM-DD, got {_describe(data)}", line)


def _numbers(item: Any, path: str) -> list[tuple[str, int | Decimal]]:
    """The numbers a field's constraints apply to: the value itself, or each part of a compound
    number (a class with ``constrained_numbers()``, e.g. a ``{low, base, high}`` range)."""
    if isinstance(item, int | Decimal) and not isinstance(item, bool):
        return [(path, item)]
    parts = getattr(item, "constrained_numbers", None)
    if parts is not None:
        return [(_join(path, name), number) for name, number in parts()]
    return []


def _check_constraints(f: dataclasses.Field[Any], value: Any, path: str, line: int | None) -> None:
    meta = f.metadata
    items = value if isinstance(value, tuple) else (value,)
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]" if isinstance(value, tuple) else path
        for where, number in _numbers(item, item_path):
            if meta.get("ge") is not None and number < meta["ge"]:
                raise _Invalid(where, f"must be >= {meta['ge']}", line)
            if meta.get("gt") is not None and number <= meta["gt"]:
                raise _Invalid(where, f"must be > {meta['gt']}", line)
            if meta.get("le") is not None and number > meta["le"]:
                raise _Invalid(where, f"must be <= {meta['le']}", line)
        if (
            isinstance(item, str)
            and meta.get("pattern")
            and not re.fullmatch(meta["pattern"], item)
        ):
            raise _Invalid(path, f"{_describe(item)} does not match {meta['pattern']}", line)
    if isinstance(value, tuple) and meta.get("min_items") and len(value) < meta["min_items"]:
        raise _Invalid(path, f"must list at least {meta['min_items']} item(s)", line)


# --- JSON Schema -------------------------------------------------------------------------------


def json_schema(cls: type, *, title: str, schema_id: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dataclass, with every field's doc as description."""
    defs: dict[str, Any] = {}
    root = _schema_of(cls, defs)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
    }
    schema.update(defs.pop(cls.__name__))
    del root
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _schema_of(tp: Any, defs: dict[str, Any], meta: Mapping[str, Any] | None = None) -> Any:
    meta = meta or {}
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_schema_of(a, defs, meta) for a in get_args(tp) if a is not type(None)]
        if type(None) in get_args(tp):
            options.append({"type": "null"})
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin is tuple:
        array: dict[str, Any] = {"type": "array", "items": _schema_of(get_args(tp)[0], defs, meta)}
        if meta.get("min_items"):
            array["minItems"] = meta["min_items"]
        if meta.get("one_or_many"):
            return {"anyOf": [array["items"], array]}
        return array
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_of(get_args(tp)[1], defs)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if hasattr(tp, "constrained_numbers") and _has_bounds(meta):
            # A compound number under bounds: each of its parts carries the field's bounds.
            return {
                **_dataclass_schema(tp, defs),
                "properties": {
                    field_name(f): {
                        **_schema_of(_hints(tp)[f.name], defs, meta),
                        "description": f.metadata.get("doc", ""),
                    }
                    for f in dataclasses.fields(tp)
                    if f.init and not f.metadata.get("internal")
                },
            }
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _dataclass_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    if tp is Decimal or tp is int:
        out: dict[str, Any] = {"type": "number" if tp is Decimal else "integer"}
        if meta.get("ge") is not None:
            out["minimum"] = _json_number(meta["ge"])
        if meta.get("gt") is not None:
            out["exclusiveMinimum"] = _json_number(meta["gt"])
        if meta.get("le") is not None:
            out["maximum"] = _json_number(meta["le"])
        return out
    if tp is bool:
        return {"type": "boolean"}
    if tp is str:
        return {
            "type": "string",
            **({"pattern": f"^{meta['pattern']}$"} if meta.get("pattern") else {}),
        }
    if tp is date:
        return {"type": "string", "format": "date"}
    raise TypeError(f"unsupported field type {tp!r}")  # pragma: no cover


def _has_bounds(meta: Mapping[str, Any]) -> bool:
    return any(meta.get(k) is not None for k in ("ge", "gt", "le"))


def _json_number(value: int | Decimal) -> int | float:
    return int(value) if value == int(value) else float(value)


def _dataclass_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        if not f.init or f.metadata.get("internal"):
            continue
        key = field_name(f)
        prop = _schema_of(hints[f.name], defs, f.metadata)
        if "$ref" in prop or "anyOf" in prop:
            prop = {"allOf": [prop]} if "$ref" in prop else prop
        prop = {**prop, "description": f.metadata.get("doc", "")}
        properties[key] = prop
        if f.default is _MISSING and f.default_factory is _MISSING:
            required.append(key)
    out: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    return out
