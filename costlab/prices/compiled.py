"""A compiled copy of the curated price book: plain JSON, so a run skips YAML and validation.

Parsing and validating the shipped ``pricing/*.yaml`` costs about 50 ms, as much as the rest of
``costlab estimate``. The validated models are the same on every run until a price file or the
code that reads them changes, so the first run writes them as tagged JSON (``{"d": "0.40"}`` for
a Decimal, ``{"t": "2025-04-14"}`` for a date, ``{"c": "PriceEntry", "f": {...}}`` for a model
type) to ``$XDG_CACHE_HOME/costlab/`` and later runs rebuild the same frozen dataclasses from it,
each model from its own text when it is first used (:class:`StoredModels`).

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import is_dataclass
from pathlib import Path

import costlab.prices.model as _model
from costlab.errors import CostlabError
from costlab.frozen_json import cache_dir, decoder, encode, envelope, prune, read_envelope
from costlab.frozen_json import sha256 as _sha256
from costlab.prices.model import Model, UpstreamPatch

FORMAT = 3

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


class StoredModels(Mapping[str, Model]):
    """The compiled book's models by id, each rebuilt from its own JSON text on first use.

    A command that prices one model (``costlab estimate``) rebuilds one of the 39 curated
    models instead of all of them: about 5 ms of its start-up. Iterating rebuilds them all, in
    the order the price files list them. :attr:`aliases` gives each id's aliases without
    rebuilding anything. The texts were checked against the copy's digest when it was read.
    """

    def __init__(
        self, texts: dict[str, str], aliases: dict[str, tuple[str, ...]], source: Path
    ) -> None:
        self._texts = texts
        self.aliases = aliases
        self._source = source
        self._built: dict[str, Model] = {}

    def __getitem__(self, model_id: str) -> Model:
        found = self._built.get(model_id)
        if found is None:
            text = self._texts[model_id]  # KeyError for an unknown id, as any mapping
            try:
                model = json.loads(text, object_hook=decoder(_CLASSES))
            except Exception:  # a text that matched its digest yet is not a model's
                model = None
            if not isinstance(model, Model) or model.id != model_id:
                raise CostlabError(
                    f"the compiled price book is damaged at {model_id}; delete the file or set "
                    "COSTLAB_NO_PRICE_CACHE=1",
                    str(self._source),
                )
            # Two threads may build it at once; both get the first one stored.
            found = self._built.setdefault(model_id, model)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def built(self) -> list[str]:
        """The ids rebuilt so far."""
        return list(self._built)


def load(key: str) -> tuple[StoredModels, Patches] | None:
    """The models and patches stored under ``key``, or None (missing, foreign or damaged)."""
    try:
        data = read_envelope(cache_file(key), key, FORMAT, _CLASSES)
        if data is None:
            return None
        texts, aliases = data["models"], data["aliases"]
        patches = {str(k): (p, str(where)) for k, p, where in data["patches"]}
        if (
            not all(isinstance(text, str) for text in texts.values())
            or texts.keys() != aliases.keys()
            or not all(isinstance(p, UpstreamPatch) for p, _ in patches.values())
        ):
            return None
        return StoredModels(dict(texts), dict(aliases), cache_file(key)), patches
    except Exception:  # any damage means: build from the YAML instead
        return None


def store(key: str, models: Sequence[Model], patches: Patches) -> None:
    """Write the compiled book; silently skipped when it cannot be encoded or written."""
    try:
        value = {
            # Each model as its own text, so a run rebuilds only the models it uses.
            "models": {
                m.id: json.dumps(encode(m, _CLASSES), separators=(",", ":")) for m in models
            },
            "aliases": {m.id: m.aliases for m in models},
            "patches": tuple((k, p, w) for k, (p, w) in patches.items()),
        }
        text = envelope(key, FORMAT, value, _CLASSES)
    except (TypeError, ValueError):
        return  # a field type this format does not know: no copy, every run reads the YAML
    from costlab.prices.upstream import _write_atomically  # a test makes it a full disk

    with contextlib.suppress(OSError):
        _write_atomically(cache_file(key), text)
        prune(cache_file(key).parent, "curated-book-*.json", KEEP)
