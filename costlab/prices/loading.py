"""Read price files and build the layered book: genai-prices, the curated files, the user's."""

from __future__ import annotations

import os
from _thread import allocate_lock
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from costlab.errors import CostlabError
from costlab.prices.book import PriceBook, _check_names, shipped_pricing_dir
from costlab.prices.model import Model, PriceFile, UpstreamPatch
from costlab.validation import build, field_name
from costlab.yaml_reader import LineDict, load_yaml, read_text

# threading.Lock itself, without importing threading (~1 ms of every command's start-up).
_lock = allocate_lock()
_cache: dict[tuple[str, ...], PriceBook] = {}


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


def read_price_file(
    path: Path,
    *,
    base: Mapping[str, Model] | None = None,
    patches: dict[str, tuple[UpstreamPatch, str]] | None = None,
) -> list[Model]:
    """Read and validate one price file.

    Entries whose ``id`` is in ``base`` are overrides: the fields they give replace the base
    model's (a new ``price`` replaces the whole price history). Errors name file, model, field.
    """
    return parse_price_text(
        read_text(path, "price file"), _display(path), base=base, patches=patches
    )


def parse_price_text(
    text: str,
    where: str,
    *,
    base: Mapping[str, Model] | None = None,
    patches: dict[str, tuple[UpstreamPatch, str]] | None = None,
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
        if header.upstream and patches is None:
            raise CostlabError(
                "only costlab's shipped price files patch upstream models", "upstream"
            )
    except CostlabError as exc:
        raise exc.within(where) from None
    for patch in header.upstream:
        assert patches is not None
        patches[patch.id.lower()] = (patch, where)
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
        origin = dict(original.provenance) if original is not None else {}
        if original is not None and not origin:
            origin = {name: original.source_file for name in _as_data(original)}
        origin.update((str(k), where) for k in entry)
        models.append(
            replace(
                model,
                provider=provider,
                source_file=where,
                provenance=tuple(sorted(origin.items())),
                notes=original.notes if original is not None else (),
            )
        )
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


def load_pricebook(
    extra: Sequence[str | Path] | str | Path | None = None,
    *,
    use_env: bool = True,
    upstream: bool = True,
) -> PriceBook:
    """genai-prices' data (when ``upstream``), then the shipped ``pricing/*.yaml``, then
    ``COSTLAB_PRICES``, then ``extra`` files or folders on top: later layers override earlier
    ones by id and field.

    Built once per combination of paths (and file modification times) per process; the
    genai-prices layer is loaded only when a name is not in the curated or user layers.
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
    key = (str(upstream), *(f"{f}:{_mtime(f)}" for f in [*base_files, *layer_files]))
    with _lock:
        if key in _cache:
            return _cache[key]
        book = _build_book(base_files, layer_files, upstream=upstream)
        _cache[key] = book
        return book


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _build_book(
    base_files: Sequence[Path], layer_files: Sequence[Path], *, upstream: bool = True
) -> PriceBook:
    models, patches = _curated(base_files)
    book = PriceBook(
        models,
        [str(p) for p in base_files],
        upstream=upstream,
        layers=[tuple(base_files)],
        patches=patches,
        aliases=getattr(models, "aliases", None),  # the compiled copy's: built on use
    )
    for path in layer_files:
        book = book.layered(
            read_price_file(path, base=book.override_base()),
            str(path),
            layer=f"user:{path.name}",
        )
    return book


def _curated(
    base_files: Sequence[Path],
) -> tuple[list[Model] | Mapping[str, Model], dict[str, tuple[UpstreamPatch, str]]]:
    """The shipped files' models and upstream patches: from the compiled copy when one is
    stored for exactly these files and this code (:mod:`costlab.prices.compiled`), else read
    from the YAML (and the copy written)."""
    import costlab.prices.compiled as compiled

    key = None
    if compiled.enabled():
        try:
            key = compiled.cache_key(base_files, [_display(p) for p in base_files])
        except OSError:
            key = None  # an unreadable file: the YAML reader says which, below
        found = compiled.load(key) if key is not None else None
        if found is not None:
            return found
    models: list[Model] = []
    patches: dict[str, tuple[UpstreamPatch, str]] = {}
    for path in base_files:
        models.extend(read_price_file(path, patches=patches))
    _check_names(models)
    if key is not None:
        compiled.store(key, models, patches)
    return models, patches
