"""Frozen records: costlab's result and data types, dataclasses whose methods are shared.

``@frozen`` declares a type as ``@dataclass(frozen=True)`` does (annotated fields, defaults,
``field(...)`` and :func:`costlab.validation.spec` metadata, ``__post_init__``) and the result is a
dataclass to every reader: ``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass``
work, and so do pickling and copying. Instances are immutable (assigning or deleting a field
raises ``dataclasses.FrozenInstanceError``), compare equal field by field when they are of the
same class, hash by the same fields and print as ``Name(field=value, ...)``.

Why not ``@dataclass(frozen=True)`` itself: Python 3.11 writes the six methods that behaviour
needs (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``)
as source text for every class and compiles each one. That took about 1.4 ms a class on 2 shared
cores, 30 ms of a 121 ms ``costlab estimate`` and 56 ms of a ``forecast`` (38 classes), more than
any other part of costlab's own start-up. A record's methods are six functions written once,
here, that read the class's field lists; declaring a 12-field record takes about 0.26 ms.
Using one costs a little more than a dataclass in places (``benchmarks/bench_records.py``):
building from keywords 0.7x a dataclass, a small type built positionally 1.6x (about 1.4 us
more), comparing and hashing 1.6-1.8x (about 1 us). On their own, records made the 10,000-variant
forecast grid, which builds 33,000 of them, about 6% slower.

What records leave out, because no costlab type uses it: ``InitVar`` and ``ClassVar``
pseudo-fields, ``field(init=False)``, ``kw_only`` and ordering (``<``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import itemgetter
from typing import Any, TypeVar, dataclass_transform

__all__ = ["field", "frozen"]

T = TypeVar("T")

field = dataclasses.field
_MISSING: Any = dataclasses.MISSING
_NO_FIELDS: Callable[[Any], tuple[Any, ...]] = lambda _: ()  # noqa: E731 - a record of no fields


class _Layout:
    """What the shared methods need to know about one record class, worked out once."""

    __slots__ = ("compared", "factories", "names", "post_init", "required", "shown", "template")

    def __init__(self, cls: type) -> None:
        fields = dataclasses.fields(cls)
        unsupported = [f.name for f in fields if not f.init or f.kw_only is True]
        if unsupported:
            raise TypeError(f"{cls.__qualname__}: a record has no init=False or kw_only fields")
        self.names = tuple(f.name for f in fields)
        # Every field in declaration order, with its default, or _MISSING when it has none (then
        # it is required) or has a factory (then the factory fills it).
        self.template = {f.name: f.default for f in fields}
        self.required = tuple(
            f.name for f in fields if f.default is _MISSING and f.default_factory is _MISSING
        )
        if self.names[: len(self.required)] != self.required:  # as dataclass's __init__ checks
            raise TypeError(f"{cls.__qualname__}: a field without a default follows one with it")
        self.factories: tuple[tuple[str, Callable[[], Any]], ...] = tuple(
            (f.name, f.default_factory)  # type: ignore[misc]  # not _MISSING, by the test
            for f in fields
            if f.default_factory is not _MISSING
        )
        self.compared = _tuple_getter([f.name for f in fields if f.compare])
        self.shown = tuple(f.name for f in fields if f.repr)
        self.post_init = getattr(cls, "__post_init__", None)


def _tuple_getter(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The named values of an instance's ``__dict__`` as a tuple (where every field lives; read
    there with ``itemgetter``, in C, rather than attribute by attribute)."""
    if not names:
        return _NO_FIELDS
    if len(names) == 1:  # itemgetter of one name gives the bare value
        (name,) = names
        return lambda values: (values[name],)
    return itemgetter(*names)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    layout: _Layout = cls.__record_layout__
    template = layout.template
    if args:
        if len(args) > len(template):
            raise TypeError(
                f"{cls.__qualname__}() takes {len(template)} positional arguments "
                f"but {len(args)} were given"
            )
        values = template.copy()  # declaration order, defaults in place
        values.update(zip(layout.names, args, strict=False))
        if kwargs:
            twice = kwargs.keys() & set(layout.names[: len(args)])
            if twice:
                name = sorted(twice)[0]
                raise TypeError(f"{cls.__qualname__}() got multiple values for {name!r}")
            values.update(kwargs)
    else:
        values = template | kwargs
    # Merging keeps the template's (declaration) order; a name not in it lengthens the dict.
    if len(values) != len(template):
        unknown = sorted(values.keys() - template.keys())
        raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {unknown[0]!r}")
    for name in layout.required[len(args) :]:  # those given positionally are there
        if values[name] is _MISSING:
            raise TypeError(f"{cls.__qualname__}() missing required argument {name!r}")
    for name, factory in layout.factories:
        if values[name] is _MISSING:
            values[name] = factory()
    object.__setattr__(self, "__dict__", values)
    if layout.post_init is not None:
        layout.post_init(self)


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_layout__.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        compared = self.__record_compared__
        return compared(self.__dict__) == compared(other.__dict__)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_compared__(self.__dict__))


def _setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


_METHODS = {
    "__init__": _init,
    "__repr__": _repr,
    "__eq__": _eq,
    "__hash__": _hash,
    "__setattr__": _setattr,
    "__delattr__": _delattr,
}


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    """Declare ``cls`` a frozen record (see the module docstring).

    >>> @frozen
    ... class Price:
    ...     usd_per_mtok: str
    ...     unit: str = "1M tokens"
    >>> Price("0.40")
    Price(usd_per_mtok='0.40', unit='1M tokens')
    >>> Price("0.40") == Price(usd_per_mtok="0.40", unit="1M tokens")
    True
    """
    own = [name for name in _METHODS if name in cls.__dict__]
    if own:
        raise TypeError(f"{cls.__qualname__} defines {own[0]}, which a record provides")
    # A dataclass would document an undocumented class by its __init__'s signature (with
    # inspect, and before this one's __init__ exists); the fields say the same.
    undocumented = not cls.__doc__
    if undocumented:
        cls.__doc__ = cls.__name__
    # A dataclass with no generated methods: its fields, defaults and metadata, nothing compiled.
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    layout = _Layout(cls)
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(layout.names)})"
    type.__setattr__(cls, "__record_layout__", layout)
    # On the class itself, not behind the layout: == and hash are the hottest of the six.
    type.__setattr__(cls, "__record_compared__", staticmethod(layout.compared))
    for name, method in _METHODS.items():
        type.__setattr__(cls, name, method)
    return cls
