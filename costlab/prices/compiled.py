"""A compiled copy of the curated price book: plain JSON, so a run skips YAML and validation.

Parsing and validating the shipped ``pricing/*.yaml`` costs about 50 ms, as much as the rest of
``costlab estimate``. The validated models are the same on every run until a price file or the
code that reads them changes, so the first run writes them as tagged JSON (``{"d": "0.40"}`` for
a Decimal, ``{"t": "2025-04-14"}`` for a date, ``{"c": "PriceEntry", "f": {...}}`` for a model
type) to ``$XDG_CACHE_HOME/costlab/`` and later runs rebuild the same frozen dataclasses from it.

The file is keyed by a SHA-256 of everything the result depends on: the price files' bytes and
the names they are shown under, the source of the modules that define, read and validate the
model (:data:`SOURCES`), this format and the Python version. Any change to one of them is a new
key, so a stale copy is never read. The installed genai-prices is not part of it: the curated
layer is built from the YAML alone, and the upstream layer is read from its own index, one per
genai-prices version (:mod:`costlab.prices.upstream`), whenever a lookup needs it. A copy is a
cache, never a source of truth:

* one that is missing, truncated, corrupt, of another format or key, not owned by this user or
  writable by others is ignored, and the book is built from the YAML;
* one that cannot be written (a read-only or full disk) is skipped silently;
* it holds data only (JSON of strings and numbers; no pickle, nothing is executed) and only the
  shipped files: ``--prices`` and ``COSTLAB_PRICES`` layers are read from their YAML every time;
* ``COSTLAB_NO_PRICE_CACHE=1`` turns it off (every run parses the YAML).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import costlab.prices.model as _model
from costlab.prices.model import Model, UpstreamPatch

FORMAT = 1

#: The modules whose code decides what the curated book holds (relative to the package):
#: every module of :mod:`costlab.prices` and the readers and vocabulary they build on. A test
#: checks that building the book imports no other costlab module.
SOURCES = (
    "prices/*.py",
    "validation.py",
    "yaml_reader.py",
    "usage.py",
    "limits.py",
    "errors.py",
    "__init__.py",
)

Patches = dict[str, tuple[UpstreamPatch, str]]

# hashlib loads OpenSSL (~3 ms, a twentieth of a whole `costlab estimate`); CPython's own
# SHA-256 module gives the same digest.
try:
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:  # pragma: no cover - a Python without them
        from hashlib import sha256 as _sha256  # type: ignore[assignment,unused-ignore]

_PACKAGE = Path(__file__).resolve().parents[1]


def enabled() -> bool:
    return os.environ.get("COSTLAB_NO_PRICE_CACHE", "").strip() in ("", "0")


def source_files() -> list[Path]:
    return sorted({p for pattern in SOURCES for p in _PACKAGE.glob(pattern)})


def cache_key(files: Sequence[Path], shown_as: Sequence[str]) -> str:
    """The SHA-256 of the price files (bytes and display names), the code, format and Python."""
    digest = _sha256(f"{FORMAT}\0{sys.implementation.cache_tag}\0".encode())
    for path in source_files():
        digest.update(f"{path.relative_to(_PACKAGE)}\0".encode())
        digest.update(_sha256(path.read_bytes()).digest())
    for path, name in zip(files, shown_as, strict=True):
        digest.update(f"{path.name}\0{name}\0".encode())
        digest.update(_sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_file(key: str) -> Path:
    from costlab.prices.upstream import cache_dir

    return cache_dir() / f"curated-book-{key[:32]}.json"


def load(key: str) -> tuple[list[Model], Patches] | None:
    """The models and patches stored under ``key``, or None (missing, foreign or damaged)."""
    path = cache_file(key)
    try:
        with open(path, "rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            raw = json.loads(handle.read(), object_hook=_decode)
        if raw["format"] != FORMAT or raw["key"] != key:
            return None
        models = list(raw["models"])
        patches = {str(k): (p, str(where)) for k, p, where in raw["patches"]}
        if not all(isinstance(m, Model) for m in models) or not all(
            isinstance(p, UpstreamPatch) for p, _ in patches.values()
        ):
            return None
        return models, patches
    except Exception:  # any damage means: build from the YAML instead
        return None


def store(key: str, models: Sequence[Model], patches: Patches) -> None:
    """Write the compiled book; silently skipped when it cannot be encoded or written."""
    try:
        text = json.dumps(
            {
                "format": FORMAT,
                "key": key,
                "models": [_encode(m) for m in models],
                "patches": [[k, _encode(p), where] for k, (p, where) in patches.items()],
            },
            separators=(",", ":"),
        )
    except (TypeError, ValueError):
        return  # a field type this format does not know: no copy, every run reads the YAML
    from costlab.prices.upstream import _write_atomically

    with contextlib.suppress(OSError):
        _write_atomically(cache_file(key), text)


def _trusted(st: os.stat_result) -> bool:
    """Only a file this user owns and nobody else can write (a shared cache folder is not
    a place to take prices from)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: the profile folder is the user's
        return True
    return st.st_uid == getuid() and not st.st_mode & 0o022


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime):
        raise TypeError("datetime")
    if isinstance(value, date):
        return {"t": value.isoformat()}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"m": {k: _encode(v) for k, v in value.items()}}
    if is_dataclass(value) and getattr(_model, type(value).__name__, None) is type(value):
        return {
            "c": type(value).__name__,
            "f": {
                f.name: _encode(getattr(value, f.name))
                for f in fields(value)
                if not _is_default(f, getattr(value, f.name))
            },
        }
    raise TypeError(f"cannot compile a {type(value).__name__}")


def _is_default(f: Field[Any], value: Any) -> bool:
    """A field left at its plain default (None, (), "", False...): left out of the file, the
    constructor gives it back (a third of the file, and of the time to read it)."""
    default = f.default
    if default is MISSING or isinstance(value, Decimal) or type(value) is not type(default):
        return False
    return bool(value == default)


def _decode(value: dict[str, Any]) -> Any:
    """The ``object_hook`` of :func:`json.loads`: each tagged object, innermost first."""
    if "d" in value:
        return Decimal(value["d"])
    if "t" in value:
        return date.fromisoformat(value["t"])
    if "m" in value:
        return {k: _tuples(v) for k, v in value["m"].items()}
    if "c" in value:
        cls = getattr(_model, value["c"])
        if not is_dataclass(cls) or not isinstance(cls, type):
            raise TypeError(value["c"])
        return cls(**{k: _tuples(v) for k, v in value["f"].items()})
    return value


def _tuples(value: Any) -> Any:
    """JSON arrays back to the tuples they were."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
