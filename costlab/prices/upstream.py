"""The base layer of the price book: genai-prices' bundled data, as a compact, lazy index.

genai-prices [GP] ships ~2,300 models of ~47 providers as a generated Python module; importing
it costs 0.2 s, more than a whole ``costlab estimate``. So the module is read **once per
installed genai-prices version**: :func:`costlab.prices.upstream_build.build_index` turns it into plain JSON (names, limits,
prices as decimal strings), cached in ``$XDG_CACHE_HOME/costlab/`` (written atomically; kept in
memory when that folder is not writable). Later runs load only that file, and
:class:`UpstreamIndex` builds a :class:`~costlab.prices.model.Model` only for the names asked
for. genai-prices' network updater is never called.

What costlab can model is taken; what it cannot is *left out with a reason* (listed by
``costlab prices audit``), never guessed: time-of-day prices, models without a per-token input
or output price. Extras costlab does not price (web searches, audio, service tiers) are kept
as notes on the model.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from costlab.frozen_json import cache_dir, read_copy
from costlab.frozen_json import write_atomically as _write_atomically
from costlab.prices.model import (
    BatchPrices,
    Lifecycle,
    Model,
    PriceEntry,
    PriceTier,
    ServiceTierPrice,
)
from costlab.prices.upstream_names import (
    INDEX_FORMAT,
    PREFIXES,
    UNDATED,
    installed_version,
    layer_name,
)
from costlab.records import frozen
from costlab.usage import CORE_RATES, RATE_NAMES

#: Context window given to a model genai-prices gives none for: no limit flag can fire.
UNKNOWN_LIMIT = 1_000_000_000


#: Rates of the media and per-unit components.
MEDIA_RATES = tuple(name for name in RATE_NAMES if name not in CORE_RATES)


# --- the cache file -----------------------------------------------------------------------------


def cache_path(version: str) -> Path:
    return cache_dir() / f"genai-prices-{version}-index{INDEX_FORMAT}.json"


_lock = threading.Lock()
_loaded: dict[str, UpstreamIndex] = {}


def load_upstream() -> UpstreamIndex | None:
    """The index of the installed genai-prices (None when it is not installed), from the cache
    file when there is one for this version, else built and cached."""
    import json

    version = installed_version()
    if version is None:
        return None
    with _lock:
        if version in _loaded:
            return _loaded[version]
        path = cache_path(version)
        raw: dict[str, Any] | None = None
        data = read_copy(path)  # a regular file of this user's, writable by nobody else
        try:
            raw = json.loads(data) if data is not None else None
            if (
                not isinstance(raw, dict)
                or raw.get("format") != INDEX_FORMAT
                or raw.get("version") != version
            ):
                raw = None
        except ValueError:
            raw = None
        if raw is None:
            from costlab.prices.upstream_build import build_index

            raw = build_index()
            # A read-only cache folder: keep the index in memory for this process.
            with contextlib.suppress(OSError):
                _write_atomically(path, json.dumps(raw, separators=(",", ":")))
        index = UpstreamIndex(raw)
        _loaded[version] = index
        return index


# --- the lazy index -----------------------------------------------------------------------------


@frozen
class LeftOut:
    """An upstream model that is not in the book, and why."""

    provider: str
    id: str
    reason: str


class UpstreamIndex:
    """genai-prices' models by name; a :class:`Model` is built only when asked for."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = raw["version"]
        self.layer = layer_name(self.version)
        self.providers: Mapping[str, Any] = raw["providers"]
        self._packed: list[str] = raw["models"]
        self._rules: list[list[Any]] = raw["rules"]
        self._decoded: dict[int, dict[str, Any]] = {}
        self._names: dict[str, int] = raw["names"]
        self._ranked: list[int] = raw["ranked"]
        self.left_out = tuple(LeftOut(**r) for r in raw["left_out"])
        self._price_dates: list[str] = raw["price_dates"]
        self._built: dict[int, Model] = {}
        self._scoped: dict[str, dict[str, int]] | None = None
        self._by_provider: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self._packed)

    def newest_price_date(self, on: date) -> date:
        """The newest start date of an upstream price in force on ``on``: how current the
        data is (later dates are scheduled changes)."""
        past = [d for d in self._price_dates if d <= on.isoformat()]
        return date.fromisoformat(past[-1]) if past else UNDATED

    def ids(self) -> Iterator[str]:
        return (self._entry(i)["id"] for i in range(len(self._packed)))

    def provider_of(self, prefix: str) -> str | None:
        """The genai-prices provider a name prefix (``bedrock``, ``azure``, ``openai``) means."""
        key = prefix.lower()
        key = PREFIXES.get(key, key)
        return key if key in self.providers else None

    def lookup(self, name: str) -> Model | None:
        """The model a bare name means: exact names first, then the makers' ``starts_with``
        rules (dated snapshots such as ``claude-3-5-haiku-20241022``)."""
        key = name.strip().lower()
        found = self._names.get(key)
        if found is None:
            found = self._match(key, self._ranked, contains=False)
        if found is None:  # e.g. Bedrock's regional ids: `us.anthropic.claude-...-v1:0`
            found = self._match(key, self._ranked, contains=True)
        if found is None:  # dated snapshots by pattern: `claude-sonnet-5-5-20260101`
            found = self._match_regex(key, self._ranked)
        return None if found is None else self.model(found)

    def _match_regex(self, key: str, members: Sequence[int]) -> int | None:
        import re

        for i in members:
            for pattern in self._rules[i][4]:
                try:
                    if re.search(pattern, key):
                        return i
                except re.error:
                    continue
        return None

    def lookup_in(self, provider: str, name: str) -> Model | None:
        """The model ``name`` means at one provider, then at the providers it resells."""
        key = name.strip().lower()
        scoped = self._scoped_names()
        found = scoped.get(provider, {}).get(key)
        if found is None:
            members = self._members().get(provider, [])
            found = self._match(key, members, contains=True)
            if found is None:
                found = self._match_regex(key, members)
        return None if found is None else self.model(found)

    def _members(self) -> dict[str, list[int]]:
        """Each provider's entries, in rank order."""
        if self._by_provider is None:
            by_provider: dict[str, list[int]] = {}
            for i in self._ranked:
                by_provider.setdefault(self._rules[i][0], []).append(i)
            self._by_provider = by_provider
        return self._by_provider

    def _scoped_names(self) -> dict[str, dict[str, int]]:
        if self._scoped is None:
            scoped: dict[str, dict[str, int]] = {}
            for i, (provider, own_names, *_) in enumerate(self._rules):
                names = scoped.setdefault(provider, {})
                for n in own_names:
                    names.setdefault(n, i)
            self._scoped = scoped
        return self._scoped

    def _match(self, key: str, members: Sequence[int], *, contains: bool) -> int | None:
        best: tuple[int, int] | None = None
        for i in members:
            _, _, starts_with, contains_rules, _ = self._rules[i]
            for prefix in starts_with:
                if key.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), i)
            if contains:
                for part in contains_rules:
                    if part in key and (best is None or len(part) > best[0]):
                        best = (len(part), i)
        return None if best is None else best[1]

    def lookup_exact(self, name: str) -> Model | None:
        """The model whose id or exact name (no prefix rule) is ``name``."""
        found = self._names.get(name.strip().lower())
        return None if found is None else self.model(found)

    def chain(self, provider: str) -> list[str]:
        """A provider, then the providers whose models it also serves (Azure: OpenAI, ...)."""
        return [provider, *self.providers.get(provider, {}).get("fallback", [])]

    def provider_names(self, provider: str) -> list[str]:
        """Every name of one provider's models, as that provider spells them."""
        return [n for p in self.chain(provider) for n in self._scoped_names().get(p, {})]

    def names(self) -> list[str]:
        return list(self._names)

    def entry(self, model_id: str) -> dict[str, Any] | None:
        found = self._names.get(model_id.lower())
        return None if found is None else self._entry(found)

    def all_models(self) -> Iterator[Model]:
        for i in range(len(self._packed)):
            yield self.model(i)

    def _entry(self, index: int) -> dict[str, Any]:
        import json

        entry = self._decoded.get(index)
        if entry is None:
            entry = json.loads(self._packed[index])
            self._decoded[index] = entry
        return entry

    def model(self, index: int) -> Model:
        built = self._built.get(index)
        if built is None:
            built = self._build(index, self._entry(index))
            self._built[index] = built
        return built

    def _build(self, index: int, entry: Mapping[str, Any]) -> Model:
        provider = self.providers[entry["provider"]]
        source = f"[GP] genai-prices {self.version}: {provider.get('url') or provider['name']}"
        prices = tuple(_price_entry(p, source) for p in entry["prices"])
        context = entry["context_window"] or UNKNOWN_LIMIT
        # Only the names that resolve to this copy: another provider's copy may own the rest.
        # Exact names only: a prefix rule (`ft:gpt-4-0`) is a rule, not a name to show.
        aliases = tuple(
            n for n in entry["names"] if n != entry["id"].lower() and self._names.get(n) == index
        )
        lifecycle = None
        if entry["deprecated"]:
            # No day is given; UNDATED makes the status `deprecated` without inventing one.
            lifecycle = Lifecycle(
                source=source,
                deprecated_on=UNDATED,
                note="marked deprecated by genai-prices (no date given)",
            )
        layer = self.layer
        unknown = f"unknown ({layer} gives none)"
        provenance = {
            "id": layer,
            "name": layer,
            "price": layer,
            "aliases": layer,
            "context_window": layer if entry["context_window"] else unknown,
            "max_output_tokens": f"unknown ({layer} gives none; the context window is used)",
            "input_modalities": f"assumed text ({layer} gives none)",
            "output_modalities": f"assumed text ({layer} gives none)",
            "tokenizer": "tiktoken's model map" if entry["tokenizer"] else unknown,
            "lifecycle": layer if lifecycle else unknown,
        }
        return Model(
            id=entry["id"],
            name=entry["name"],
            context_window=context,
            max_output_tokens=context,
            input_modalities=("text",),
            output_modalities=("text",),
            prices=prices,
            aliases=aliases,
            tokenizer=entry["tokenizer"],
            lifecycle=lifecycle,
            provider=entry["provider"],
            source_file=layer,
            provenance=tuple(sorted(provenance.items())),
            notes=tuple(entry["notes"]),
        )


def _price_entry(raw: Mapping[str, Any], source: str) -> PriceEntry:
    def dec(name: str, within: Mapping[str, Any] = raw) -> Decimal | None:
        value = within.get(name)
        return None if value is None else Decimal(value)

    batch = raw.get("batch")
    return PriceEntry(
        effective_from=date.fromisoformat(raw["effective_from"]),
        source=source,
        input=Decimal(raw["input"]),
        output=Decimal(raw["output"]),
        cached_input=dec("cached_input"),
        cache_write=dec("cache_write"),
        cache_write_1h=dec("cache_write_1h"),
        **{name: dec(name) for name in MEDIA_RATES if raw.get(name) is not None},
        per_unit_only=bool(raw.get("per_unit_only", False)),
        batch_discount=dec("batch_discount"),
        batch=None if not batch else BatchPrices(**{k: Decimal(v) for k, v in batch.items()}),
        tiers=tuple(
            PriceTier(
                above_input_tokens=t["above_input_tokens"],
                input=Decimal(t["input"]),
                output=Decimal(t["output"]),
                cached_input=dec("cached_input", t),
                cache_write=dec("cache_write", t),
                cache_write_1h=dec("cache_write_1h", t),
            )
            for t in raw.get("tiers", ())
        ),
        service_tiers=tuple(
            ServiceTierPrice(
                name=t["name"],
                input=Decimal(t["input"]),
                output=Decimal(t["output"]),
                cached_input=dec("cached_input", t),
                cache_write=dec("cache_write", t),
                cache_write_1h=dec("cache_write_1h", t),
                source=source,
            )
            for t in raw.get("service_tiers", ())
        ),
        note=None if raw["effective_from"] != UNDATED.isoformat() else "no start date upstream",
    )
