"""Load the price book: shipped files, then the user's layers; resolve ids, aliases, ``ft:`` ids.

Users layer their own files on top with ``COSTLAB_PRICES=PATH`` or ``--prices PATH`` (a file or
a folder); an entry whose ``id`` is already in the book overrides the fields it gives, a new id
adds a model.

>>> from datetime import date
>>> book = load_pricebook()
>>> model = book.resolve("gpt-4.1-mini-2025-04-14")
>>> model.id, model.price_on(date(2026, 1, 1)).input
('gpt-4.1-mini', Decimal('0.40'))
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from decimal import Decimal  # noqa: F401  (used by the doctest)
from importlib import resources
from pathlib import Path
from typing import Any

from costlab.errors import CostlabError
from costlab.prices.model import Model, PriceFile
from costlab.typed import build, field_name
from costlab.yamlio import LineDict, load_yaml, read_text

#: Where the shipped price book lives inside the installed package (copied there by the build).
_PACKAGED = "pricing"


def shipped_pricing_dir() -> Path:
    """The price book shipped with costlab: ``costlab/pricing`` in a wheel, ``pricing/`` in a checkout."""
    packaged = resources.files("costlab").joinpath(_PACKAGED)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "pricing"
    if checkout.is_dir():
        return checkout
    raise CostlabError("the shipped price book is missing; reinstall costlab", str(packaged))


class PriceBook:
    """All models, by id and alias."""

    def __init__(self, models: Iterable[Model], files: Sequence[str] = ()) -> None:
        self.models: dict[str, Model] = {}
        self._names: dict[str, str] = {}
        self.files = tuple(files)
        for model in models:
            self.models[model.id] = model
        for model in self.models.values():
            for name in (model.id, *model.aliases):
                self._names[name.lower()] = model.id

    def __iter__(self) -> Iterator[Model]:
        return iter(self.models.values())

    def __len__(self) -> int:
        return len(self.models)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name) is not None

    @property
    def providers(self) -> list[str]:
        return sorted({m.provider for m in self})

    def names(self) -> list[str]:
        """Every id and alias, for completion and suggestions."""
        return sorted({n for m in self for n in (m.id, *m.aliases)})

    def _lookup(self, name: str) -> Model | None:
        key = self._names.get(name.strip().lower())
        return self.models[key] if key else None

    def resolve(self, name: str) -> Model:
        """The model an id or alias names; a fine-tuned id ``ft:BASE:...`` gets its base's
        fine-tuned prices. Unknown names get an error suggesting the closest ids."""
        model = self._lookup(name)
        if model is not None:
            return model
        if name.startswith("ft:") and name.count(":") >= 1:
            base = self._lookup(name.split(":")[1])
            if base is not None and base.fine_tuning is not None:
                return replace(
                    base,
                    id=name,
                    name=f"{base.name} (fine-tuned)",
                    aliases=(),
                    prices=(base.fine_tuning.as_price(),),
                    fine_tuning=None,
                )
            if base is not None:
                raise CostlabError("no fine-tuning prices for this base model", f"model '{name}'")
        raise CostlabError(self._unknown_message(name), f"model '{name}'")

    def _unknown_message(self, name: str) -> str:
        candidates = {n.lower(): n for n in self.names()}
        close = difflib.get_close_matches(name.strip().lower(), list(candidates), n=3, cutoff=0.5)
        if not close:
            close = [n for n in candidates if n.startswith(name.strip().lower()[:4])][:3]
        if close:
            return "unknown model; closest: " + ", ".join(candidates[c] for c in close)
        return "unknown model; `costlab prices` lists every id"

    def layered(self, overrides: Sequence[Model], source: str | None = None) -> PriceBook:
        """A new book with ``overrides`` replacing models of the same id (and adding new ones).

        Ids and aliases stay unique: a clash is refused naming the file and model.
        """
        merged = dict(self.models)
        for model in overrides:
            merged[model.id] = model
        _check_names(merged.values())
        return PriceBook(merged.values(), [*self.files, *([source] if source else [])])


def _price_files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        if not found:
            raise CostlabError("no .yaml price files in this folder", str(path))
        return found
    if not path.exists():
        raise CostlabError("no such price file or folder", str(path))
    return [path]


def _display(path: Path) -> str:
    """A short, stable name for a file: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_price_file(path: Path, *, base: Mapping[str, Model] | None = None) -> list[Model]:
    """Read and validate one price file.

    Entries whose ``id`` is in ``base`` are overrides: the fields they give replace the base
    model's (a new ``price`` replaces the whole price history). Errors name file, model, field.
    """
    return parse_price_text(read_text(path, "price file"), _display(path), base=base)


def parse_price_text(
    text: str, where: str, *, base: Mapping[str, Model] | None = None
) -> list[Model]:
    """Validate the YAML text of a price file named ``where`` (e.g. an upload); see
    :func:`read_price_file`."""
    raw = load_yaml(text, where)
    if not isinstance(raw, Mapping):
        raise CostlabError("a price file is a mapping with `provider` and `models`", where)
    entries = raw.get("models") or []
    try:
        # The header is checked on its own so that each model can be built (and named) in turn.
        header = build(PriceFile, {k: v for k, v in raw.items() if k != "models"})
        if not isinstance(entries, list):
            raise CostlabError("must be a list of models", "models")
    except CostlabError as exc:
        raise exc.within(where) from None
    models: list[Model] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        label = entry.get("id") if isinstance(entry, Mapping) else None
        label = str(label) if label else f"models[{index}]"
        if not isinstance(entry, Mapping):
            raise CostlabError("each model is a mapping", where, label)
        if label in seen:
            raise CostlabError("duplicate id in this file", where, label, "id")
        seen.add(label)
        original = base.get(label) if base else None
        data: Mapping[str, Any] = entry
        if original is not None:
            merged = LineDict({**_as_data(original), **entry})
            merged.line = getattr(entry, "line", 0)
            merged.key_lines = getattr(entry, "key_lines", {})
            data = merged
        try:
            model = build(Model, data)
        except CostlabError as exc:
            raise exc.within(where, label) from None
        provider = original.provider if original is not None else header.provider
        models.append(replace(model, provider=provider, source_file=where))
    return models


def _as_data(model: Model) -> dict[str, Any]:
    """A model's fields keyed as in files, so an override can be merged over it."""
    return {
        field_name(f): _plain(getattr(model, f.name))
        for f in fields(model)
        if not f.metadata.get("internal")
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {field_name(f): _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _check_names(models: Iterable[Model]) -> None:
    owner: dict[str, Model] = {}
    for model in models:
        for name in (model.id, *model.aliases):
            key = name.lower()
            other = owner.get(key)
            if other is not None and other.id != model.id:
                field = "id" if name == model.id else "aliases"
                raise CostlabError(
                    f"'{name}' is already taken by {other.id} in {other.source_file}",
                    model.source_file,
                    model.id,
                    field,
                )
            if other is not None and name != model.id and name.lower() == model.id.lower():
                raise CostlabError(
                    "an alias repeats the id", model.source_file, model.id, "aliases"
                )
            owner[key] = model


_lock = threading.Lock()
_cache: dict[tuple[str, ...], PriceBook] = {}


def load_pricebook(
    extra: Sequence[str | Path] | str | Path | None = None, *, use_env: bool = True
) -> PriceBook:
    """The shipped price book, then ``COSTLAB_PRICES``, then ``extra`` files or folders on top.

    Built once per combination of paths (and file modification times) per process.
    """
    layers: list[Path] = []
    env = os.environ.get("COSTLAB_PRICES", "").strip() if use_env else ""
    if env:
        layers.extend(Path(p) for p in env.split(os.pathsep) if p)
    if isinstance(extra, str | Path):
        extra = [extra]
    layers.extend(Path(p) for p in extra or ())
    base_files = _price_files(shipped_pricing_dir())
    layer_files = [f for layer in layers for f in _price_files(layer)]
    key = tuple(f"{f}:{_mtime(f)}" for f in [*base_files, *layer_files])
    with _lock:
        if key in _cache:
            return _cache[key]
        book = _build_book(base_files, layer_files)
        _cache[key] = book
        return book


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _build_book(base_files: Sequence[Path], layer_files: Sequence[Path]) -> PriceBook:
    models: list[Model] = []
    for path in base_files:
        models.extend(read_price_file(path))
    _check_names(models)
    book = PriceBook(models, [str(p) for p in base_files])
    for path in layer_files:
        book = book.layered(read_price_file(path, base=book.models), str(path))
    return book
