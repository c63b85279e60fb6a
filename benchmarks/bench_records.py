"""``@frozen`` records against ``@dataclass(frozen=True)``: declaring a class, and using one.

Declares the same 12-field type (a shape like costlab's price entries: required and defaulted
fields, a factory, ``spec`` metadata) with each decorator, and times, interleaved in one process:

* ``declare``: decorating the class (what every import of a costlab module pays per type);
* ``build (keywords)``: one instance from keywords, as the compiled price book and
  ``dataclasses.replace`` build them;
* ``build (positional)``, ``build (small type)`` (six fields, five given positionally, as the
  forecast builds its routes by the thousand), ``==`` and ``hash``.

Prints min and median microseconds per operation for each, and records' ratio to dataclasses'.
Run: .venv/bin/python benchmarks/bench_records.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from costlab.records import frozen
from costlab.validation import spec


def declare(decorator: Callable[[type], Any]) -> Any:
    class Entry:
        """A price entry's shape."""

        model: str = spec("model id")
        input: Decimal = spec("USD per 1M input tokens", ge=0)
        output: Decimal = spec("USD per 1M output tokens", ge=0)
        cached_input: Decimal | None = spec("USD per 1M cached tokens", default=None, ge=0)
        cache_write: Decimal | None = spec("USD per 1M written tokens", default=None, ge=0)
        batch: bool = spec("batch price", default=False)
        tiers: tuple[Any, ...] = spec("tiers", default=())
        notes: tuple[str, ...] = field(default_factory=tuple)
        source: str | None = spec("where from", default=None)
        start: str | None = spec("from", default=None)
        stop: str | None = spec("until", default=None)
        unit: str = spec("unit", default="1M tokens")

    return decorator(Entry)


def declare_small(decorator: Callable[[type], Any]) -> Any:
    class Route:
        """A forecast route's shape: six fields, built positionally in bulk."""

        role: str
        leg: int
        model: str
        share: Decimal
        field: str
        step: Any = None

    return decorator(Route)


def timed(operation: Callable[[], Any], number: int) -> float:
    """Microseconds per call of ``operation``, over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        operation()
    return (time.perf_counter() - start) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    decorators: dict[str, Callable[[type], Any]] = {
        "records": frozen,
        "dataclasses": dataclass(frozen=True),
    }
    classes = {name: declare(decorator) for name, decorator in decorators.items()}
    small = {name: declare_small(decorator) for name, decorator in decorators.items()}
    price = Decimal("0.40")
    pairs = {
        name: (cls("m", price, price), cls("m", price, price)) for name, cls in classes.items()
    }

    def operations(name: str) -> dict[str, tuple[Callable[[], Any], int]]:
        cls, route, (a, b) = classes[name], small[name], pairs[name]
        return {
            "declare": (lambda: declare(decorators[name]), 20),
            "build (keywords)": (
                lambda: cls(model="m", input=price, output=price, source="s"),
                5_000,
            ),
            "build (positional)": (lambda: cls("m", price, price, price), 5_000),
            "build (small type)": (lambda: route("leg", 1, "m", price, "f"), 5_000),
            "==": (lambda: a == b, 20_000),
            "hash": (lambda: hash(a), 20_000),
        }

    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for operation in operations("records"):
            for name in decorators:  # interleaved: a busy moment hits both
                call, number = operations(name)[operation]
                times.setdefault((operation, name), []).append(timed(call, number))
    print(f"microseconds per operation, {args.runs} interleaved runs (min / median)")
    for operation in operations("records"):
        mins = {name: min(times[(operation, name)]) for name in decorators}
        cells = "  ".join(
            f"{name} {mins[name]:8.2f} / {statistics.median(times[(operation, name)]):8.2f}"
            for name in decorators
        )
        print(f"  {operation:<20} {cells}  ({mins['records'] / mins['dataclasses']:.2f}x)")


if __name__ == "__main__":
    main()
