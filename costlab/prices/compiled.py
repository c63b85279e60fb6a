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
import os
import sys
from collections.abc import Sequence
from dataclasses import is_dataclass
from pathlib import Path

import costlab.prices.model as _model
from costlab.frozen_json import cache_dir, envelope, prune, read_envelope
from costlab.frozen_json import sha256 as _sha256
from costlab.prices.model import Model, UpstreamPatch

FORMAT = 2

#: Compiled books kept (one per price-file or code version); writing one more removes the oldest.
KEEP = 16

#: The modules whose code decides what the curated book holds (relative to the package):
#: every module of :mod:`costlab.prices` and the readers and vocabulary they build on. A test
#: checks that building the book imports no other costlab module.
SOURCES = (
    "prices/*.py",
    "validation.py",
    "frozen_json.py",
    "records.py",
    "pydantic_types.py",
    "yaml_reader.py",
    "usage.py",
    "limits.py",
    "errors.py",
    "__init__.py",
)

Patches = dict[str, tuple[UpstreamPatch, str]]

#: The classes a copy may name: the price model's dataclasses.
_CLASSES = {
    name: cls for name, cls in vars(_model).items() if isinstance(cls, type) and is_dataclass(cls)
}

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
    return cache_dir() / f"curated-book-{key[:32]}.json"


def load(key: str) -> tuple[list[Model], Patches] | None:
    """The models and patches stored under ``key``, or None (missing, foreign or damaged)."""
    try:
        data = read_envelope(cache_file(key), key, FORMAT, _CLASSES)
        if data is None:
            return None
        models = list(data["models"])
        patches = {str(k): (p, str(where)) for k, p, where in data["patches"]}
        if not all(isinstance(m, Model) for m in models) or not all(
            isinstance(p, UpstreamPatch) for p, _ in patches.values()
        ):
            return None
        return models, patches
    except Exception:  # any damage means: build from the YAML instead
        return None


def store(key: str, models: Sequence[Model], patches: Patches) -> None:
    """Write the compiled book; silently skipped when it cannot be encoded or written."""
    value = {"models": tuple(models), "patches": tuple((k, p, w) for k, (p, w) in patches.items())}
    try:
        text = envelope(key, FORMAT, value, _CLASSES)
    except (TypeError, ValueError):
        return  # a field type this format does not know: no copy, every run reads the YAML
    from costlab.prices.upstream import _write_atomically  # a test makes it a full disk

    with contextlib.suppress(OSError):
        _write_atomically(cache_file(key), text)
        prune(cache_file(key).parent, "curated-book-*.json", KEEP)
