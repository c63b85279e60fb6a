"""``@frozen`` records behave as ``@dataclass(frozen=True)`` does, without compiling anything.

Each behaviour is checked against a real frozen dataclass of the same declaration, so the
expected value comes from the standard library, not from costlab.
"""

from __future__ import annotations

import copy
import dataclasses
import doctest
import pickle
import sys
from dataclasses import FrozenInstanceError, dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import costlab.records
from costlab.records import frozen
from costlab.validation import spec


def _declare(decorator: Any) -> Any:
    class Price:
        """A price with every kind of field costlab declares."""

        model: str
        usd_per_mtok: Decimal
        unit: str = "1M tokens"
        tags: tuple[str, ...] = ()
        notes: tuple[str, ...] = field(default_factory=tuple)
        source: str | None = field(default=None, compare=False, repr=False)
        cap: int | None = spec("most tokens", default=None, ge=0)

    return decorator(Price)


Record = _declare(frozen)
Dataclass = _declare(dataclass(frozen=True))


@frozen
class Checked:
    """A record whose __post_init__ normalises and checks, as costlab's price types do."""

    name: str
    count: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.name.strip())
        if self.count < 0:
            raise ValueError("count must be >= 0")


# Module level, so pickle can find them by name.
PickledRecord = _declare(frozen)
PickledRecord.__qualname__ = PickledRecord.__name__ = "PickledRecord"


def both(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
    return Record(*args, **kwargs), Dataclass(*args, **kwargs)


def test_the_docstring_example_runs() -> None:
    result = doctest.testmod(costlab.records)
    assert result.attempted > 0 and result.failed == 0


def test_is_a_dataclass_to_every_reader() -> None:
    record, plain = both("gpt-4.1-mini", Decimal("0.40"), tags=("a",))
    assert dataclasses.is_dataclass(record)
    assert [f.name for f in dataclasses.fields(Record)] == [
        f.name for f in dataclasses.fields(Dataclass)
    ]
    assert dataclasses.fields(Record)[-1].metadata["doc"] == "most tokens"
    assert dataclasses.asdict(record) == dataclasses.asdict(plain)
    assert dataclasses.astuple(record) == dataclasses.astuple(plain)
    changed = dataclasses.replace(record, unit="1K tokens")
    assert changed.unit == "1K tokens" and record.unit == "1M tokens"
    assert type(changed) is Record
    assert Record.__match_args__ == Dataclass.__match_args__


@given(
    model=st.text(max_size=5),
    usd=st.decimals(allow_nan=False, places=2, min_value=0, max_value=100),
    tags=st.lists(st.text(max_size=3), max_size=3).map(tuple),
    source=st.none() | st.text(max_size=3),
    positional=st.booleans(),
)
def test_construction_repr_equality_and_hash_match_a_dataclass(
    model: str, usd: Decimal, tags: tuple[str, ...], source: str | None, positional: bool
) -> None:
    if positional:
        record, plain = both(model, usd, "1M tokens", tags, (), source)
    else:
        record, plain = both(model=model, usd_per_mtok=usd, tags=tags, source=source)
    assert repr(record) == repr(plain)
    assert vars(record) == vars(plain)
    assert list(vars(record)) == list(vars(plain))  # declaration order
    twin = Record(model, usd, tags=tags, source="another source")  # compare=False: ignored
    assert record == twin and hash(record) == hash(twin) == hash(plain)
    other = Record(model + "x", usd, tags=tags)
    assert record != other
    assert hash(record) == hash(Record(model, usd, tags=tags))


def test_equality_is_per_class() -> None:
    record, plain = both("m", Decimal(1))
    assert record != plain  # the same fields, another class: never equal (as dataclasses)
    assert (record == ("m", Decimal(1))) is False
    assert record.__eq__(plain) is NotImplemented


@frozen
class Basket:
    items: list[str] = field(default_factory=list)


def test_default_factories_give_each_instance_its_own_value() -> None:
    first, second = Basket(), Basket()
    assert first.items == [] and first.items is not second.items
    with pytest.raises(TypeError, match="unhashable"):  # as a dataclass holding a list
        hash(first)


def test_fields_cannot_be_assigned_or_deleted() -> None:
    record, plain = both("m", Decimal(1))
    for value in (record, plain):
        with pytest.raises(FrozenInstanceError):
            value.model = "other"
        with pytest.raises(FrozenInstanceError):
            del value.model
        with pytest.raises(FrozenInstanceError):
            value.extra = 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {"model": "m"}, "missing required argument 'usd_per_mtok'"),
        (("m", 1), {"colour": "red"}, "unexpected keyword argument 'colour'"),
        (("m", 1), {"model": "n"}, "multiple values for 'model'"),
        (("m", 1, "u", (), (), None, 1, "too many"), {}, "takes 7 positional arguments"),
    ],
)
def test_wrong_arguments_raise_type_error(args: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Record(*args, **kwargs)
    with pytest.raises(TypeError):  # so does the dataclass (in its own words)
        Dataclass(*args, **kwargs)


def test_post_init_runs_and_may_set_fields() -> None:
    assert Checked("  padded ").name == "padded"
    assert dataclasses.replace(Checked("a"), name=" b ").name == "b"
    with pytest.raises(ValueError, match="count must be >= 0"):
        Checked("a", -1)


def test_pickle_and_copy_round_trip() -> None:
    record = PickledRecord("m", Decimal("0.40"), tags=("a",), notes=("n",), source="s")
    for again in (
        pickle.loads(pickle.dumps(record)),
        copy.copy(record),
        copy.deepcopy(record),
    ):
        assert again == record and vars(again) == vars(record)
        with pytest.raises(FrozenInstanceError):
            again.model = "other"


def test_declaring_a_record_compiles_nothing() -> None:
    """The point of records: Python 3.11's dataclass compiles six methods for each class."""
    seen: list[str] = []
    watching = [False]

    def hook(event: str, _args: Any) -> None:
        if watching[0] and event in ("compile", "exec"):
            seen.append(event)

    sys.addaudithook(hook)  # cannot be removed; it only records while watching
    watching[0] = True
    try:
        _declare(frozen)
        compiled_by_record = list(seen)
        seen.clear()
        _declare(dataclass(frozen=True))
        compiled_by_dataclass = list(seen)
    finally:
        watching[0] = False
    assert compiled_by_record == []
    assert compiled_by_dataclass.count("compile") >= 6  # the measure is real: it sees them


def test_what_a_record_cannot_declare_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="defines __eq__"):

        @frozen
        class OwnEquality:
            name: str

            def __eq__(self, other: object) -> bool:
                return True

    with pytest.raises(TypeError, match="without a default follows"):

        @frozen
        class Misordered:
            note: str = ""
            name: str  # type: ignore[misc]

    with pytest.raises(TypeError, match="no init=False"):

        @frozen
        class Hidden:
            name: str
            derived: int = field(default=0, init=False)


def test_an_undocumented_record_is_documented_by_its_fields() -> None:
    @frozen
    class Plain:
        name: str
        count: int = 0

    assert Plain.__doc__ == "Plain(name, count)"
    assert Checked.__doc__ and Checked.__doc__.startswith("A record whose __post_init__")
