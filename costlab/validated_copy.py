"""A validated file kept as tagged JSON, so the next run on the same input skips pydantic.

Validating a scenario with pydantic costs about 150 ms on 2 cores (importing pydantic about
100 ms, building the scenario's validator about 55 ms): more than the rest of ``costlab
forecast``. The result depends only on the parsed data and on the code that declares and reads
it, so :func:`build_kept` keys a copy by a SHA-256 of both: the data in a canonical form that tags
every value with its type (the text ``"0.10"`` never shares a key with the number), the source
of every module that defines a class the result can hold, of the validation modules, of this
module and of the installed pydantic's version file, plus the format and the Python version.
A change to any of them is a new key; a stale copy is never read.

Like the compiled price book (:mod:`costlab.prices.compiled`), a copy is a cache, never a source
of truth: a missing, damaged, foreign or group-writable copy is ignored, as is one that is not
a regular file (a FIFO, a device, a symlink), is oversized, or no longer matches the SHA-256 of
its value stored beside it; one that cannot be
written is skipped; only successes are kept (a refusal is always recomputed, with its line);
at most :data:`KEEP` copies of a kind are kept (the oldest go); ``COSTLAB_NO_CACHE=1`` turns
copies off. The CLI keeps scenario files this way, keyed by the file's text
(:func:`find_kept`), so an unchanged file is not even parsed; the dashboard, a long-lived
process, keeps nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_args

from costlab.frozen_json import (
    cache_dir,
    envelope,
    prune,
    read_envelope,
    sha256,
    write_atomically,
)
from costlab.validation import build

T = TypeVar("T")

FORMAT = 2

#: Copies kept per kind; writing one more removes the oldest.
KEEP = 64

_PACKAGE = Path(__file__).resolve().parent
_READERS = (
    "validation.py",
    "pydantic_types.py",
    "limits.py",
    "errors.py",
    "frozen_json.py",
    "records.py",
)


def enabled() -> bool:
    return os.environ.get("COSTLAB_NO_CACHE", "").strip() in ("", "0")


def build_kept(cls: type[T], data: Any, *, kind: str, text: str | None = None) -> T:
    """``validation.build(cls, data)``, read from a kept copy when one matches the input: the
    file ``text`` the data was parsed from when given (see :func:`find_kept`), else the data."""
    if not enabled():
        return build(cls, data)
    classes = reachable(typing.cast(Any, cls))
    key = cache_key(cls, data, classes) if text is None else text_key(cls, text, classes)
    if key is None:
        return build(cls, data)
    path = cache_dir() / f"{kind}-{key[:32]}.json"
    found = _load(path, key, cls, classes)
    if found is not None:
        return found
    value = build(cls, data)
    _store(path, key, value, classes)
    return value


def find_kept(cls: type[T], text: str, *, kind: str) -> T | None:
    """The copy kept by ``build_kept(..., text=text)`` for exactly this file text, or None.

    Looked up before the text is parsed, so an unchanged file skips YAML as well as pydantic
    (importing PyYAML and parsing cost about 30 ms of a 150 ms ``costlab forecast``)."""
    if not enabled():
        return None
    classes = reachable(typing.cast(Any, cls))
    key = text_key(cls, text, classes)
    return _load(cache_dir() / f"{kind}-{key[:32]}.json", key, cls, classes)


def text_key(cls: type, text: str, classes: dict[str, type]) -> str:
    """The SHA-256 of a file's text, the code that parses and validates it and the versions
    (PyYAML's too: the same text must parse to the same data)."""
    digest = sha256(
        f"{FORMAT}\0{sys.implementation.cache_tag}\0{cls.__qualname__}\0text\0".encode()
    )
    yaml_version = _version_file("yaml", "__init__.py")
    extra = (_PACKAGE / "yaml_reader.py", *((yaml_version,) if yaml_version else ()))
    for path in (*_code_files(tuple(classes.values())), *extra):
        digest.update(f"{path.name}\0".encode())
        digest.update(sha256(path.read_bytes()).digest())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return str(digest.hexdigest())


@cache
def reachable(cls: type) -> dict[str, type]:
    """Every dataclass a ``cls`` value can hold, by name (``cls`` included)."""
    found: dict[str, type] = {}

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            if found.get(tp.__name__) is tp:
                return
            found[tp.__name__] = tp
            for hint in typing.get_type_hints(tp).values():
                visit(hint)
        for arg in get_args(tp):
            visit(arg)

    visit(cls)
    return found


def cache_key(cls: type, data: Any, classes: dict[str, type]) -> str | None:
    """The SHA-256 of the data, the code and the versions; None when the data holds a value
    with no canonical form (then nothing is kept)."""
    try:
        text = json.dumps(_canonical(data), separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        return None
    digest = sha256(f"{FORMAT}\0{sys.implementation.cache_tag}\0{cls.__qualname__}\0".encode())
    for path in _code_files(tuple(classes.values())):
        digest.update(f"{path.name}\0".encode())
        digest.update(sha256(path.read_bytes()).digest())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return str(digest.hexdigest())


def _canonical(value: Any) -> Any:
    """``value`` with every scalar tagged by its type, so no two inputs that validate
    differently share a key (the text ``"0.10"`` is not the number 0.10, nor ``1`` ``true``)."""
    if isinstance(value, Mapping):
        items = [[_canonical(k), _canonical(v)] for k, v in value.items()]
        return ["m", sorted(items, key=lambda kv: json.dumps(kv[0]))]
    if isinstance(value, list | tuple):
        return ["l", [_canonical(v) for v in value]]
    for kind, tag in ((bool, "b"), (int, "i"), (str, "s"), (Decimal, "d"), (float, "f")):
        if isinstance(value, kind):
            return [tag, value if kind in (bool, str) else repr(value)]
    if isinstance(value, datetime | date):
        return ["t" if type(value) is date else "dt", value.isoformat()]
    if value is None:
        return ["n"]
    raise TypeError(type(value).__name__)


@cache
def _code_files(classes: tuple[type, ...]) -> tuple[Path, ...]:
    files = {Path(__file__).resolve()} | {_PACKAGE / name for name in _READERS}
    files |= {Path(str(sys.modules[c.__module__].__file__)).resolve() for c in classes}
    found = _version_file("pydantic", "version.py")
    return tuple(sorted(files | ({found} if found else set())))


@cache
def _version_file(package: str, name: str) -> Path | None:
    """The file of ``package`` that holds its version (pydantic's ``version.py``), found
    without importing the package (that is what is saved)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or ()) if spec else []
    return Path(locations[0]) / name if locations else None


def _load(path: Path, key: str, cls: type[T], classes: dict[str, type]) -> T | None:
    try:
        built = read_envelope(path, key, FORMAT, classes)
    except Exception:  # any damage means: validate the data instead
        return None
    return typing.cast(T, built) if isinstance(built, cls) else None


def _store(path: Path, key: str, value: Any, classes: dict[str, type]) -> None:
    try:
        text = envelope(key, FORMAT, value, classes)
    except (TypeError, ValueError):
        return
    with contextlib.suppress(OSError):
        write_atomically(path, text)
        prune(path.parent, path.name.split("-")[0] + "-*.json", KEEP)
