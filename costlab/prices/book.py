"""Load the price book: shipped files, then the user's layers; resolve ids, aliases, ``ft:`` ids.

Users layer their own files on top with ``COSTLAB_PRICES=PATH`` or ``--prices PATH`` (a file or
a folder); an entry whose ``id`` is already in the book overrides the fields it gives, a new id
adds a model.

>>> from datetime import date
>>> from costlab.prices import load_pricebook
>>> book = load_pricebook()
>>> model = book.resolve("gpt-4.1-mini-2025-04-14")
>>> model.id, model.price_on(date(2026, 1, 1)).input
('gpt-4.1-mini', Decimal('0.40'))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date as date_type
from decimal import Decimal  # noqa: F401  (used by the doctest)
from pathlib import Path
from typing import TYPE_CHECKING

from costlab.errors import CostlabError, shortened
from costlab.prices.model import Model, UpstreamPatch

if TYPE_CHECKING:
    from costlab.prices.upstream import UpstreamIndex

#: Where the shipped price book lives inside the installed package (copied there by the build).
_PACKAGED = "pricing"


def shipped_pricing_dir() -> Path:
    """The price book shipped with costlab: ``costlab/pricing`` in a wheel, ``pricing/`` in a checkout."""
    # A plain folder next to this package first: importlib.resources costs ~7 ms of imports,
    # and an installed wheel is a folder on disk too.
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / _PACKAGED, here.parents[2] / "pricing"):
        if folder.is_dir():
            return folder
    from importlib import resources

    packaged = resources.files("costlab").joinpath(_PACKAGED)
    if packaged.is_dir():
        return Path(str(packaged))
    raise CostlabError("the shipped price book is missing; reinstall costlab", str(packaged))


def shown_id(name: str) -> str:
    """A model id as an error shows it: in full, unless it is too long to read on one line."""
    return shortened(name, 80, 60)


def _named(name: str) -> str:
    """How an error names a model id (:func:`shown_id`)."""
    return f"model '{shown_id(name)}'"


class PriceBook:
    """All models, by id and alias: the curated and user layers eagerly, genai-prices lazily.

    Iterating a book gives the curated and user models (the ones costlab vouches for);
    :meth:`all_models` adds every upstream model. :meth:`resolve` finds any of them.
    """

    def __init__(
        self,
        models: Iterable[Model] | Mapping[str, Model],
        files: Sequence[str] = (),
        *,
        upstream: bool = False,
        layers: Sequence[str | tuple[Path, ...]] = (),
        patches: Mapping[str, tuple[UpstreamPatch, str]] | None = None,
        aliases: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """``models`` in order; or, with ``aliases`` (each id's aliases), a mapping by id whose
        models are built on first use (:class:`costlab.prices.compiled.StoredModels`)."""
        self.models: Mapping[str, Model]
        self._names: dict[str, str] = {}
        self.files = tuple(files)
        self.layers = tuple(layers)
        self._use_upstream = upstream
        self._upstream: UpstreamIndex | None = None
        self._replaced: dict[str, str] | None = None
        self._patches = dict(patches or {})
        self._patched: dict[str, Model] = {}
        self._split_keys: set[str] = set()
        if isinstance(models, Mapping):
            if aliases is None:
                raise TypeError("a mapping of models needs the aliases of each id")
            self.models = models
            for model_id in models:
                for name in (model_id, *aliases[model_id]):
                    self._names[name.lower()] = model_id
            return
        self.models = {model.id: model for model in models}
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
    def upstream(self) -> UpstreamIndex | None:
        """The genai-prices layer (loaded on first use), or None when the book has none."""
        if self._use_upstream and self._upstream is None:
            from costlab.prices.upstream import load_upstream

            self._upstream = load_upstream()
            if self._upstream is None:
                self._use_upstream = False
        return self._upstream

    @property
    def fingerprint(self) -> str:
        """The layers that produced this book, short enough to print under every figure:
        ``genai-prices 0.2.3 + costlab-curated 1a2b3c4d + user:my-prices.yaml``."""
        parts = []
        if self._use_upstream:
            from costlab.prices.upstream_names import installed_version, layer_name

            version = installed_version()
            if version is not None:
                parts.append(layer_name(version))
        # The curated layer's hash is computed here, not on every load: most runs never print it.
        named = [
            layer if isinstance(layer, str) else f"costlab-curated {_digest(layer)}"
            for layer in self.layers
        ]
        return " + ".join([*parts, *named])

    @property
    def providers(self) -> list[str]:
        return sorted({m.provider for m in self})

    def names(self) -> list[str]:
        """Every id and alias of the curated and user models, for completion and suggestions."""
        return sorted({n for m in self for n in (m.id, *m.aliases)})

    def media_models(
        self, on: date_type, providers: tuple[str, ...] = ("openai", "google")
    ) -> list[str]:
        """Ids of the models priced for audio, images, speech characters, transcribed minutes
        or tool calls on ``on`` (the providers' own, not retired), for pickers that offer
        speech, transcription and image workloads beside the chat models."""
        from costlab.usage import CORE_RATES, RATE_NAMES

        extra = [name for name in RATE_NAMES if name not in CORE_RATES]
        found = []
        for model in self.all_models():
            if model.provider not in providers or model.status_on(on) == "retired":
                continue
            try:
                price = model.price_on(on)
            except CostlabError:
                continue
            speaks = {"audio", "image"} & set(model.output_modalities)
            if speaks or any(getattr(price, name, None) is not None for name in extra):
                found.append(model.id)
        return sorted(found)

    def all_models(self) -> Iterator[Model]:
        """The curated and user models, then every upstream model they do not replace."""
        yield from self
        upstream = self.upstream
        if upstream is None:
            return
        replaced = self._replaced_ids()
        for model in upstream.all_models():
            if model.id not in replaced and model.id.lower() not in self._names:
                yield self._curated_for(model)
        for key in self._patches:
            split = self._split(upstream, key)
            if split is not None and key in self._split_keys and key not in self._names:
                yield split

    def replaces(self, model: Model) -> Model | None:
        """The upstream model a curated or user model stands in for (same id or alias)."""
        upstream = self.upstream
        if upstream is None or self.models.get(model.id) is not model:
            return None
        for name in (model.id, *model.aliases):
            found = self._upstream_twin(upstream, model, name)
            if found is not None and self._replaced_ids().get(found.id) == model.id:
                return found
        return None

    @staticmethod
    def _upstream_twin(upstream: UpstreamIndex, model: Model, name: str) -> Model | None:
        """The upstream model a curated name means: at the model's own provider first."""
        return upstream.lookup_in(model.provider, name) or upstream.lookup_exact(name)

    def _replaced_ids(self) -> dict[str, str]:
        """Upstream id -> the curated/user id that replaces it (a later layer names it)."""
        if self._replaced is None:
            replaced: dict[str, str] = {}
            upstream = self.upstream
            if upstream is not None:
                pairs = [
                    (found, model)
                    for model in self
                    for name in (model.id, *model.aliases)
                    if (found := self._upstream_twin(upstream, model, name)) is not None
                ]
                # A curated model named like the upstream model itself comes first (gpt-5, not
                # gpt-5-chat-latest, which genai-prices lists as one of gpt-5's names).
                pairs.sort(
                    key=lambda p: (
                        p[0].id.lower() not in {n.lower() for n in (p[1].id, *p[1].aliases)}
                    )
                )
                for found, model in pairs:
                    replaced.setdefault(found.id, model.id)
            self._replaced = replaced
        return self._replaced

    def _lookup(self, name: str) -> Model | None:
        key = self._names.get(name.strip().lower())
        if key:
            return self.models[key]
        upstream = self.upstream
        if upstream is None:
            return None
        split = self._split(upstream, name)
        if split is not None:
            return split
        if "/" in name:
            prefix, rest = name.strip().split("/", 1)
            provider = upstream.provider_of(prefix)
            found = None if provider is None else self._lookup_at(upstream, provider, rest)
            if found is not None:
                return found
            # A host's own API name that has a slash (Groq's `moonshotai/kimi-k2-instruct`).
            found = upstream.lookup_exact(name)
            return None if found is None else self._curated_for(found)
        found = upstream.lookup(name)
        return None if found is None else self._curated_for(found)

    def _lookup_at(self, upstream: UpstreamIndex, provider: str, name: str) -> Model | None:
        split = self._split(upstream, name)
        if split is not None and split.provider in upstream.chain(provider):
            return split
        for p in upstream.chain(provider):
            key = self._names.get(name.strip().lower())
            if key and self.models[key].provider == p:
                return self.models[key]
            found = upstream.lookup_in(p, name)
            if found is not None:
                return self._curated_for(found)
        return None

    def _curated_for(self, model: Model) -> Model:
        """An upstream model as the book has it: replaced by a curated or user model naming
        it, or with the curated layer's patch (lifecycle, limits) applied."""
        replacement = self._replaced_ids().get(model.id)
        if replacement:
            return self.models[replacement]
        found = self._patches.get(model.id.lower())
        if found is None:
            return model
        patched = self._patched.get(model.id)
        if patched is None:
            patch, where = found
            given = patch.given()
            origin = dict(model.provenance)
            origin.update((name, where) for name in given)
            if "max_output_tokens" in given:
                given["max_output_tokens"] = min(given["max_output_tokens"], model.context_window)
            patched = replace(model, **given, provenance=tuple(sorted(origin.items())))
            self._patched[model.id] = patched
        return patched

    def _split(self, upstream: UpstreamIndex, name: str) -> Model | None:
        """A curated patch whose id is another *name* of an upstream model (genai-prices lists
        `gpt-5.1-codex` as a name of gpt-5.1): that name becomes a model of its own, with the
        same prices and the patch's lifecycle, so a retired name never prices as a live model."""
        key = name.strip().lower()
        found = self._patches.get(key)
        if found is None:
            return None
        base = upstream.lookup_exact(key) or upstream.lookup(key)
        if base is None:
            return None
        model = self._curated_for(base)
        if model.id.lower() == key:
            return model  # the patch is on the model itself
        split = self._patched.get(key)
        if split is None:
            patch, where = found
            given = patch.given()
            origin = dict(model.provenance) or {n: model.source_file for n in ("price", "name")}
            origin.update((n, where) for n in ("id", "name", *given))
            origin["aliases"] = "-"
            split = replace(
                model,
                id=patch.id,
                name=patch.id,
                aliases=(),
                fine_tuning=None,
                **given,
                provenance=tuple(sorted(origin.items())),
            )
            self._patched[key] = split
            self._split_keys.add(key)
        return split

    def patches(self) -> list[tuple[str, str]]:
        """(id, file) of the curated layer's patches of upstream models."""
        return [(patch.id, where) for patch, where in self._patches.values()]

    def unknown_patches(self) -> list[tuple[str, str]]:
        """(id, file) of curated patches that name no genai-prices model."""
        upstream = self.upstream
        if upstream is None:
            return []
        return [
            (patch.id, where)
            for patch, where in self._patches.values()
            if upstream.lookup_exact(patch.id) is None
        ]

    def resolve(self, name: str) -> Model:
        """The model an id or alias names; a fine-tuned id ``ft:BASE:...`` gets its base's
        fine-tuned prices. Unknown names get an error suggesting the closest ids."""
        if not isinstance(name, str):
            raise CostlabError(f"must be a model id or alias (text), got {name!r}", "model")
        if "," in name or any(c.isspace() for c in name.strip()):
            # genai-prices' "contains" rules would read `a,b` or `x o4-mini` as some model.
            raise CostlabError(
                "one model id per name; for several models repeat --model or use --models A,B",
                _named(name),
            )
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
                raise CostlabError("no fine-tuning prices for this base model", _named(name))
        raise CostlabError(self._unknown_message(name), _named(name))

    def _unknown_message(self, name: str) -> str:
        # The curated models come first: they are the ones costlab vouches for; upstream names
        # fill in when fewer than three curated ones are close.
        curated = {n.lower(): n for n in self.names()}
        candidates = dict(curated)
        upstream = self.upstream
        wanted = name.strip().lower()
        if upstream is not None:
            for n in upstream.names():
                candidates.setdefault(n, n)
            if "/" in wanted:
                prefix, rest = wanted.split("/", 1)
                provider = upstream.provider_of(prefix)
                if provider is not None:
                    # Suggest the provider's own spelling: `azure/gpt-4o`, not a bare id.
                    scoped = {n.lower(): f"{prefix}/{n}" for n in upstream.provider_names(provider)}
                    if scoped:
                        wanted, candidates, curated = rest, scoped, {}
        import difflib  # only for an unknown name: ~1 ms of start-up otherwise

        close = difflib.get_close_matches(wanted, list(curated), n=3, cutoff=0.5)
        if len(close) < 3:
            more = difflib.get_close_matches(wanted, list(candidates), n=6, cutoff=0.5)
            close += [c for c in more if c not in close][: 3 - len(close)]
        if not close:
            close = [n for n in candidates if n.startswith(wanted[:4])][:3]
        if close:
            return "unknown model; closest: " + ", ".join(candidates[c] for c in close)
        return "unknown model; `costlab prices` lists every id"

    def override_base(self) -> Mapping[str, Model]:
        """The models a user file's entries can override by id: curated, user and upstream."""
        return _OverrideBase(self)

    def layered(
        self, overrides: Sequence[Model], source: str | None = None, *, layer: str | None = None
    ) -> PriceBook:
        """A new book with ``overrides`` replacing models of the same id (and adding new ones).

        Ids and aliases stay unique: a clash is refused naming the file and model.
        """
        merged = dict(self.models)
        for model in overrides:
            merged[model.id] = model
        _check_names(merged.values())
        label = layer or (f"user:{Path(source).name}" if source else None)
        book = PriceBook(
            merged.values(),
            [*self.files, *([source] if source else [])],
            upstream=self._use_upstream,
            layers=[*self.layers, *([label] if label else [])],
            patches=self._patches,
        )
        book._upstream = self._upstream
        return book


class _OverrideBase(Mapping[str, Model]):
    def __init__(self, book: PriceBook) -> None:
        self._book = book

    def __getitem__(self, key: str) -> Model:
        model = self._book.models.get(key)
        if model is None:
            upstream = self._book.upstream
            model = upstream.lookup_exact(key) if upstream is not None else None
            if model is None or model.id != key:
                raise KeyError(key)
            model = self._book._curated_for(model)
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(self._book.models)

    def __len__(self) -> int:
        return len(self._book.models)


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


def _digest(paths: Sequence[Path]) -> str:
    """Eight hex digits of the files' contents: changes whenever one of them does."""
    from costlab.frozen_json import sha256  # CPython's own: hashlib would load OpenSSL

    digest = sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]
