"""From costlab's dataclass declarations to the pydantic types that read files into them.

:mod:`costlab.validation` declares fields with :func:`~costlab.validation.spec`; this module
derives, once per dataclass, a ``TypedDict`` keyed by the file's field names whose fields carry
the declared constraints as pydantic ``Field`` metadata, with validators for costlab's own rules
(numbers written as text, the size limits of :mod:`costlab.limits`, true/false only as booleans),
and an after-validator that builds the dataclass. pydantic is imported only here, and only when a
file is read.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Literal, TypeVar, get_args, get_origin

from costlab import limits
from costlab.errors import CostlabError
from costlab.records import frozen

_MISSING: Any = dataclasses.MISSING

# Types built at run time, from declarations: spelled through Any so the checker lets them be
# subscripted with values.
_Annotated: Any = typing.Annotated
_Union: Any = typing.Union
_Tuple: Any = tuple
_Dict: Any = dict


def field_name(f: dataclasses.Field[Any]) -> str:
    """The key under which a field is written in files."""
    return str(f.metadata.get("yaml_name") or f.name)


# --- refusals ----------------------------------------------------------------------------------


class Refused(ValueError):
    """A costlab rule refused a value: ``what`` is the message, ``where`` a location inside it."""

    def __init__(self, what: str, *where: str) -> None:
        super().__init__(what)
        self.what = what
        self.where = where


def describe(value: Any) -> str:
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


#: A model id or alias as written in a file or an option: no spaces around it (the price book
#: would read ``' gpt-4.1 '`` as gpt-4.1, so a file and the command line agree by refusing it).
MODEL_ID = r"\S(?:.*\S)?"


def spaces_around(text: str) -> str | None:
    """Why ``text`` with spaces around it is refused (None when it has none)."""
    if text == text.strip() or not text.strip():
        return None
    return f"{describe(text)} has spaces around it; write '{text.strip()}'"


def model_id_problem(text: str) -> str | None:
    """Why ``text`` is refused as a model id written by a user (blank, or spaces around it),
    else None: one rule for options, scenario files and ``costlab.toml``."""
    return "needs a model id" if not text.strip() else spaces_around(text)


# --- scalars: costlab's number, text and date rules, run before pydantic's own checks -----------


def _to_decimal(data: Any) -> Decimal:
    if isinstance(data, bool) or data is None:
        raise Refused(f"must be a number, got {describe(data)}")
    if isinstance(data, float):
        if not math.isfinite(data):
            raise Refused("must be a finite number")
        value = Decimal(repr(data))
    elif isinstance(data, int):
        value = Decimal(_bounded(data))
    elif isinstance(data, Decimal):
        value = data
    elif isinstance(data, str):
        value = _parse_text(data, "a number")
    else:
        raise Refused(f"must be a number, got {describe(data)}")
    if not value.is_finite():
        raise Refused("must be a finite number")
    return _bounded(value)


def _to_int(data: Any) -> int:
    if isinstance(data, bool):
        raise Refused(f"must be a whole number, got {describe(data)}")
    if isinstance(data, int):
        return _bounded(data)
    if isinstance(data, Decimal | str):
        value = data if isinstance(data, Decimal) else _parse_text(data, "a whole number")
        if value.is_finite() and _bounded(value) == value.to_integral_value():
            return int(value)
    raise Refused(f"must be a whole number, got {describe(data)}")


def _to_bool(data: Any) -> bool:
    if not isinstance(data, bool):
        raise Refused(f"must be true or false, got {describe(data)}")
    return data


_GROUPED = re.compile(r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _to_text(data: Any) -> str:
    if isinstance(data, bool) or data is None or isinstance(data, Mapping | list):
        raise Refused(f"must be text, got {describe(data)}")
    text = str(data)
    found = _CONTROL.search(text)
    if found:  # a terminal escape in a name would act on the screen that prints it
        raise Refused(f"must not hold control characters (found {found.group()!r})")
    return text


def _to_date(data: Any) -> date:
    if isinstance(data, datetime):
        return data.date()
    if isinstance(data, date):
        return data
    if isinstance(data, str):
        try:
            return date.fromisoformat(data.strip())
        except ValueError:
            pass
    raise Refused(f"must be a date YYYY-MM-DD, got {describe(data)}")


def _parse_text(data: str, kind: str) -> Decimal:
    """A number written as text, refused fast past the digit and exponent limits
    (``Decimal("1e999999999")`` is instant, but ``int()`` of it spins for minutes)."""
    text = data.strip().replace("_", "")
    if not text.isascii() or ("," in text and not _GROUPED.fullmatch(text)):
        # a decimal comma (1,5) would read as 15, and \d matches every script's digits
        raise Refused(f"must be {kind} in ASCII digits, commas only between groups of three")
    try:
        return limits.parse_number(text.replace(",", ""))
    except CostlabError as exc:
        nan = exc.what.startswith("not a number")
        raise Refused(f"must be {kind}, got {describe(data)}" if nan else exc.what) from None


N = TypeVar("N", int, Decimal)


def _bounded(value: N) -> N:
    """``value`` when within :mod:`costlab.limits` (exponent, digits, ``MAX_COUNT``): no number
    in a data file needs more than 1e15, and bigger ones overflow what is built on them."""
    try:
        limits.check_number(value, "")
    except CostlabError as exc:
        raise Refused(exc.what) from None
    return value


_SCALARS: dict[Any, Callable[[Any], Any]] = {
    Decimal: _to_decimal,
    int: _to_int,
    bool: _to_bool,
    str: _to_text,
    date: _to_date,
}

# --- from dataclass declarations to pydantic types ---------------------------------------------

_TAG = "\x00"  # union branches are tagged "\x00mapping" etc.; no YAML key looks like that


def is_tag(part: str | int) -> bool:
    return isinstance(part, str) and part.startswith(_TAG)


@cache
def adapter(cls: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(_pydantic_type(cls, _Bounds()))


@frozen
class _Bounds:
    """A field's constraints, carried down to every number and text they apply to."""

    ge: Any = None
    gt: Any = None
    le: Any = None
    pattern: str | None = None

    @classmethod
    def of(cls, meta: Mapping[str, Any]) -> _Bounds:
        return cls(meta.get("ge"), meta.get("gt"), meta.get("le"), meta.get("pattern"))

    def numbers(self) -> dict[str, Any]:
        return {k: v for k in ("ge", "gt", "le") if (v := getattr(self, k)) is not None}


def _pydantic_type(tp: Any, bounds: _Bounds) -> Any:
    """The pydantic type that reads values of the declared type ``tp`` under ``bounds``."""
    from pydantic import AfterValidator, BeforeValidator, Field

    annotated = _Annotated
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _union(tp, bounds)
    if origin is Literal:
        return annotated[tp, BeforeValidator(_one_of(get_args(tp)))]
    if origin is tuple:
        return _Tuple[_pydantic_type(get_args(tp)[0], bounds), ...]
    if origin is dict:
        key = annotated[str, BeforeValidator(str)]
        return _Dict[key, _pydantic_type(get_args(tp)[1], _Bounds())]
    if dataclasses.is_dataclass(tp):
        inherited = bounds if hasattr(tp, "constrained_numbers") else _Bounds()
        fields = _typed_dict(tp, inherited)  # type: ignore[arg-type]
        return annotated[
            fields,
            BeforeValidator(_known_keys(tp)),  # type: ignore[arg-type]
            AfterValidator(_instance(tp)),  # type: ignore[arg-type]
        ]
    if tp not in _SCALARS:
        raise TypeError(f"unsupported field type {tp!r}")  # pragma: no cover - a bug in a model
    checks: dict[str, Any] = bounds.numbers() if tp in (Decimal, int) else {}
    if tp is str and bounds.pattern:
        checks["pattern"] = f"^(?:{bounds.pattern})$"
    before = BeforeValidator(_SCALARS[tp])
    return annotated[tp, Field(**checks), before] if checks else annotated[tp, before]


def _union(tp: Any, bounds: _Bounds) -> Any:
    """``X | None``, or a choice among options by the value's shape: a mapping goes to the
    dataclass option, a list to the tuple option, and a single value to the first scalar
    option that reads it (``date | str`` reads ``2025-04-14`` as a date, ``2025-04`` as text)."""
    from pydantic import Discriminator, Tag

    options = [a for a in get_args(tp) if a is not type(None)]
    optional = type(None) in get_args(tp)
    if len(options) == 1:
        inner = _pydantic_type(options[0], bounds)
        return inner | None if optional else inner
    mapping = [o for o in options if dataclasses.is_dataclass(o)]
    listing = [o for o in options if get_origin(o) is tuple]
    scalars = [o for o in options if o not in mapping and o not in listing]

    def choose(value: Any) -> str:
        if isinstance(value, Mapping) and mapping:
            return f"{_TAG}0"
        if isinstance(value, list | tuple) and listing:
            return f"{_TAG}1"
        for index, option in enumerate(scalars):
            try:
                _SCALARS[option](value)
            except Refused:
                continue
            return f"{_TAG}{index + 2}"
        return f"{_TAG}2" if scalars else f"{_TAG}0" if mapping else f"{_TAG}1"

    chosen = [(0, o) for o in mapping[:1]] + [(1, o) for o in listing[:1]]
    chosen += [(index + 2, o) for index, o in enumerate(scalars)]
    branches = tuple(
        _Annotated[_pydantic_type(option, bounds), Tag(f"{_TAG}{index}")]
        for index, option in chosen
    )
    union = _Annotated[_Union[branches], Discriminator(choose)]
    return union | None if optional else union


@cache
def _typed_dict(cls: type, inherited: _Bounds) -> Any:
    """A ``TypedDict`` of the keys a file may give for ``cls``, each with its constraints."""
    from typing import NotRequired, Required

    from pydantic import BeforeValidator, ConfigDict, Field
    from typing_extensions import TypedDict

    hints = typing.get_type_hints(cls)
    keys: dict[str, Any] = {}
    for f in _file_fields(cls):
        meta = f.metadata
        bounds = _Bounds.of(meta) if _Bounds.of(meta) != _Bounds() else inherited
        tp = _pydantic_type(hints[f.name], bounds)
        if meta.get("min_items"):
            tp = _Annotated[tp, Field(min_length=meta["min_items"])]
        if meta.get("one_or_many"):
            tp = _one_or_many(get_args(hints[f.name])[0], tp, bounds)
        if meta.get("max_items"):
            tp = _Annotated[tp, BeforeValidator(_at_most(meta["max_items"]))]
        info: dict[str, Any] = {"description": meta.get("doc", "")}
        required = f.default is _MISSING and f.default_factory is _MISSING
        wrap = Required if required else NotRequired
        keys[field_name(f)] = wrap[_Annotated[tp, Field(**info)]]
    name = cls.__name__ + "".join(f"_{k}_{v}" for k, v in inherited.numbers().items())
    make_typed_dict: Any = TypedDict
    typed: Any = make_typed_dict(name, keys)
    typed.__doc__ = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    typed.__pydantic_config__ = ConfigDict(extra="forbid", title=name)
    return typed


def _file_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.init and not f.metadata.get("internal")]


def _one_or_many(item: Any, many: Any, bounds: _Bounds) -> Any:
    """A list field that may also be written as its single item (``price: {input: 0.40}``)."""
    from pydantic import AfterValidator, Discriminator, Tag

    def choose(value: Any) -> str:
        return f"{_TAG}one" if isinstance(value, Mapping) else f"{_TAG}many"

    one = _Annotated[_pydantic_type(item, bounds), Tag(f"{_TAG}one")]
    union = _Union[one, _Annotated[many, Tag(f"{_TAG}many")]]
    return _Annotated[
        union,
        Discriminator(choose),
        AfterValidator(lambda value: value if isinstance(value, tuple) else (value,)),
    ]


def _at_most(count: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > count:
            raise Refused(f"lists {len(value):,} items; at most {count:,}")
        return value

    return check


def _one_of(choices: tuple[Any, ...]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or value not in choices:
            listed = ", ".join(str(c) for c in choices)
            raise Refused(f"must be one of {listed}, got {describe(value)}")
        return value

    return check


def _known_keys(cls: type) -> Callable[[Any], Any]:
    """Refuse a value that is not a mapping, or a key ``cls`` does not have (with a hint)."""
    allowed = [field_name(f) for f in _file_fields(cls)]

    def check(data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise Refused(f"must be a mapping, got {describe(data)}")
        for key in data:
            if key not in allowed:
                import difflib  # only for an unknown key

                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise Refused(f"unknown field{hint}; allowed: {', '.join(allowed)}", str(key))
        return data

    return check


def _instance(cls: type) -> Callable[[Mapping[str, Any]], Any]:
    """Build the dataclass from validated keys; its ``__post_init__`` checks across fields."""
    attribute = {field_name(f): f.name for f in _file_fields(cls)}

    def make(values: Mapping[str, Any]) -> Any:
        try:
            return cls(**{attribute[k]: v for k, v in values.items()})
        except CostlabError as exc:
            raise Refused(exc.what, *exc.where) from None

    return make
