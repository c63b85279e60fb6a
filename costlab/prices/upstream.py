"""The base layer of the price book: genai-prices' bundled data, as a compact, lazy index.

genai-prices [GP] ships ~2,300 models of ~47 providers as a generated Python module; importing
it costs 0.2 s, more than a whole ``costlab estimate``. So the module is read **once per
installed genai-prices version**: :func:`build_index` turns it into plain JSON (names, limits,
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
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from costlab.prices.model import BatchPrices, Lifecycle, Model, PriceEntry, PriceTier

#: Bumped when the index's layout changes, so an old cache file is not read.
INDEX_FORMAT = 7

#: Day given to upstream prices that have no start date (genai-prices dates only changes).
UNDATED = date(2000, 1, 1)

#: Context window given to a model genai-prices gives none for: no limit flag can fire.
UNKNOWN_LIMIT = 1_000_000_000

#: Bare names go to the first provider in this order that has them (the model's maker before a
#: host or reseller); a reseller's own copy stays reachable as ``<provider>/<name>``.
FIRST_PARTY = (
    "openai",
    "anthropic",
    "google",
    "x-ai",
    "deepseek",
    "mistral",
    "cohere",
    "meta",
    "moonshotai",
    "zai",
    "zhipuai",
    "minimax",
    "perplexity",
    "voyageai",
    "groq",
    "cerebras",
    "aws",
    "azure",
    "together",
    "fireworks",
)
LAST = ("openrouter",)

#: Name prefixes used by gateways and usage exports (LiteLLM's spelling and others), to the
#: genai-prices provider whose names follow them. Every genai-prices provider id is a prefix too.
PREFIXES: Mapping[str, str] = {
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "amazon": "aws",
    "azure_ai": "azure",
    "azure_openai": "azure",
    "vertex_ai": "google",
    "vertex": "google",
    "gemini": "google",
    "xai": "x-ai",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "mistralai": "mistral",
}

_PRICE_KEYS = {
    "input_mtok": "input",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
    "output_mtok": "output",
}


def installed_version() -> str | None:
    """The installed genai-prices version, or None when it is not installed.

    Read from the package's ``dist-info`` folder name: ``importlib.metadata`` scans every
    installed distribution (15 ms), more than this whole layer may cost a command.
    """
    from importlib.util import find_spec

    spec = find_spec("genai_prices")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(site.glob("genai_prices-*.dist-info"))
    if len(found) == 1:
        return found[0].name[len("genai_prices-") : -len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version("genai-prices")
    except metadata.PackageNotFoundError:
        return None


def layer_name(version: str) -> str:
    return f"genai-prices {version}"


# --- building the index (once per genai-prices version) -----------------------------------------


def build_index() -> dict[str, Any]:
    """Read genai-prices' bundled data into costlab's compact JSON index (slow: imports it)."""
    import json

    import genai_prices.data as data

    version = installed_version() or "unknown"
    providers: dict[str, Any] = {}
    models: list[dict[str, Any]] = []
    left_out: list[dict[str, str]] = []
    for provider in data.providers:
        providers[provider.id] = {
            "name": provider.name,
            "url": provider.pricing_urls[0] if provider.pricing_urls else None,
            "fallback": list(provider.fallback_model_providers or []),
        }
        for info in provider.models:
            try:
                entry = _convert(provider.id, info, version)
            except _LeftOut as why:
                left_out.append({"provider": provider.id, "id": info.id, "reason": str(why)})
                continue
            models.append(entry)
    order = {p: i for i, p in enumerate(FIRST_PARTY)}
    ranked = sorted(
        range(len(models)),
        key=lambda i: (
            models[i]["provider"] in LAST,
            order.get(models[i]["provider"], len(order)),
        ),
    )
    bare: dict[str, int] = {}
    for i in ranked:  # ids and exact names first, so no prefix rule takes another model's id
        for name in models[i]["names"]:
            # `deepseek/deepseek-chat` at OpenRouter is OpenRouter's price, not DeepSeek's: there,
            # a name that starts with a provider's prefix is reachable as openrouter/... only.
            head = name.split("/", 1)[0] if "/" in name else None
            if models[i]["provider"] in LAST and (head in PREFIXES or head in providers):
                continue
            bare.setdefault(name, i)
    for i in ranked:
        for prefix in models[i]["starts_with"]:
            bare.setdefault(prefix.rstrip("-"), i)
    # A maker's own prefix rule beats a reseller's exact name: `claude-sonnet-4-5-20250929` is
    # Anthropic's (rule `claude-sonnet-4-5`), not Bedrock's regional copy that lists the name.
    rank = {i: r for r, i in enumerate(ranked)}
    prefixes = [(p, i) for i in ranked for p in models[i]["starts_with"]]
    for name, owner in list(bare.items()):
        better = [
            (len(p), -rank[i], i)
            for p, i in prefixes
            if rank[i] < rank[owner]
            and models[i]["provider"] != models[owner]["provider"]
            and name.startswith(p)
        ]
        if better:
            bare[name] = max(better)[2]
    for i, entry in enumerate(models):
        # The bare id belongs to one provider's copy; every other copy is <provider>/<id>.
        own = bare.get(entry["upstream_id"].lower()) == i
        entry["id"] = entry["upstream_id"] if own else f"{entry['provider']}/{entry['upstream_id']}"
        bare.setdefault(entry["id"].lower(), i)
    price_dates = sorted({p["effective_from"] for m in models for p in m["prices"]})
    return {
        "format": INDEX_FORMAT,
        "version": version,
        "price_dates": price_dates,
        "providers": providers,
        # What lookups scan, per entry; the rest of an entry is a JSON string decoded only when
        # its model is built (decoding all of it would cost more than a whole command may).
        "rules": [
            [m["provider"], m["names"], m["starts_with"], m["contains"], m["regex"]] for m in models
        ],
        "models": [json.dumps(m, separators=(",", ":")) for m in models],
        "names": bare,
        "ranked": ranked,
        "left_out": left_out,
    }


class _LeftOut(Exception):
    """An upstream model costlab cannot represent; the message is the reason."""


def _convert(provider_id: str, info: Any, version: str) -> dict[str, Any]:
    from genai_prices.types import ConditionalPrice, ModelPrice, StartDateConstraint

    notes: list[str] = []
    if isinstance(info.prices, ModelPrice):
        dated = [(UNDATED, info.prices)]
    else:
        dated = []
        for conditional in info.prices:
            assert isinstance(conditional, ConditionalPrice)
            constraint = conditional.constraint
            if constraint is None:
                dated.append((UNDATED, conditional.prices))
            elif isinstance(constraint, StartDateConstraint):
                dated.append((constraint.start_date, conditional.prices))
            else:
                raise _LeftOut(
                    "time-of-day prices (off-peak discounts) are not modelled by costlab"
                )
        days = [d for d, _ in dated]
        if len(set(days)) != len(days):
            raise _LeftOut("two upstream prices share one start date")
    batches = _batch_variants(info, notes)
    # A batch price that starts later than the standard one starts a dated entry of its own.
    for start, _ in batches:
        if start is not None and start not in {d for d, _ in dated}:
            in_force = [p for d, p in sorted(dated, key=lambda x: x[0]) if d <= start]
            if in_force:
                dated.append((start, in_force[-1]))
    dated.sort(key=lambda x: x[0])
    prices = []
    for day, price in dated:
        batch = None
        for start, values in batches:
            if start is None or start <= day:
                batch = values
        prices.append(_price(day, price, batch, notes))
    names = [info.id.lower()]
    starts: list[str] = []
    contains: list[str] = []
    regexes: list[str] = []
    _clause_names(info.match, names, starts, contains, regexes, notes)
    tokenizer = None
    if provider_id in ("openai", "azure"):
        tokenizer = _openai_encoding(info.id)
    return {
        "upstream_id": info.id,
        "provider": provider_id,
        "name": info.name or info.id,
        "context_window": info.context_window,
        "deprecated": bool(info.deprecated),
        "prices": prices,
        "names": list(dict.fromkeys(names)),
        "starts_with": starts,
        "contains": contains,
        "regex": regexes,
        "tokenizer": tokenizer,
        "notes": sorted(set(notes)),
    }


def _clause_names(
    clause: Any,
    names: list[str],
    starts: list[str],
    contains: list[str],
    regexes: list[str],
    notes: list[str],
) -> None:
    kind = type(clause).__name__
    if kind == "ClauseEquals":
        names.append(clause.equals.lower())
    elif kind == "ClauseStartsWith":
        starts.append(clause.starts_with.lower())
    elif kind == "ClauseContains":
        contains.append(clause.contains.lower())
    elif kind == "ClauseRegex":
        regexes.append(clause.regex)
    elif kind == "ClauseOr":
        for sub in clause.or_:
            _clause_names(sub, names, starts, contains, regexes, notes)
    else:
        notes.append(f"match rule {kind} not used for names")  # ends_with, and: too broad


def _batch_variants(info: Any, notes: list[str]) -> list[tuple[date | None, dict[str, Any]]]:
    """genai-prices' Batch API prices, each from its start date (None: always)."""
    from genai_prices.types import StartDateConstraint

    found: list[tuple[date | None, dict[str, Any]]] = []
    for variant in info.price_variants or ():
        when = dict(variant.when)
        constraint = variant.constraint
        if when == {"processing": "batch"} and (
            constraint is None or isinstance(constraint, StartDateConstraint)
        ):
            values = {
                _PRICE_KEYS[k]: v
                for k, v in variant.prices.__dict__.items()
                if k in _PRICE_KEYS and v is not None
            }
            start = None if constraint is None else constraint.start_date
            found.append((start, values))
        else:
            label = ", ".join(f"{k}={v}" for k, v in when.items())
            notes.append(f"upstream price variant {label} not modelled")
    found.sort(key=lambda x: (x[0] is not None, x[0] or UNDATED))
    return found


def _rate_at(value: Any, input_tokens: int) -> Decimal:
    """A flat or tiered genai-prices rate for a request with this many input tokens."""
    if not hasattr(value, "tiers"):
        return Decimal(value)
    rate = value.base
    for tier in value.tiers:
        if input_tokens > tier.start:
            rate = tier.price
    return Decimal(rate)


def _price(
    day: date, price: Any, batch: Mapping[str, Any] | None, notes: list[str]
) -> dict[str, Any]:
    values = {k: v for k, v in price.__dict__.items() if not k.startswith("_") and v is not None}
    if "input_mtok" not in values or "output_mtok" not in values:
        raise _LeftOut(
            "no per-token input and output price (embedding, audio, image or per-request pricing)"
        )
    for key in values:
        if key not in _PRICE_KEYS:
            notes.append(f"upstream price {key} not modelled")
    entry: dict[str, Any] = {"effective_from": day.isoformat()}
    starts: set[int] = set()
    for key, name in _PRICE_KEYS.items():
        value = values.get(key)
        if value is None:
            continue
        if hasattr(value, "tiers"):
            entry[name] = _text(value.base)
            starts.update(t.start for t in value.tiers)
        else:
            entry[name] = _text(value)
    tiers = []
    for start in sorted(starts):
        # genai-prices tiers bill every token of a request whose input exceeds the start [GP],
        # the same whole-request rule as costlab's tiers.
        tier: dict[str, Any] = {"above_input_tokens": start}
        for key, name in _PRICE_KEYS.items():
            value = values.get(key)
            if value is None:
                continue
            tier[name] = _text(_rate_at(value, start + 1))
        tiers.append(tier)
    if tiers:
        entry["tiers"] = tiers
    if batch and "input" in batch and Decimal(entry["input"]):
        entry.update(_batch_prices(values, batch, [0, *sorted(starts)], notes))
    return entry


def _batch_prices(
    standard: Mapping[str, Any], batch: Mapping[str, Any], thresholds: list[int], notes: list[str]
) -> dict[str, Any]:
    """costlab's batch_discount and explicit batch prices for a genai-prices batch variant.

    genai-prices replaces only the components the variant names (a cached rate the variant
    leaves out stays the standard one); costlab discounts every component and lets explicit
    prices override, scaled at a tier like input. Where no such pair reproduces every rate at
    every tier, the batch price is left out (with a note), never approximated.
    """
    rates = {}
    for key, name in _PRICE_KEYS.items():
        if key in standard:
            rates[name] = batch.get(name, standard[key])
    base_input = _rate_at(standard["input_mtok"], 0)
    batch_input = _rate_at(rates["input"], 0)
    discount = 1 - batch_input / base_input
    if not 0 <= discount <= 1:
        notes.append("upstream batch price above the standard price not modelled")
        return {}
    explicit = {name: _text(_rate_at(v, 0)) for name, v in rates.items()}
    for above in thresholds[1:]:
        tier_input = _rate_at(standard["input_mtok"], above + 1)
        scale = tier_input / base_input
        for name, value in rates.items():
            if _rate_at(value, above + 1) != Decimal(explicit[name]) * scale:
                notes.append("upstream batch prices of long-context tiers not modelled")
                return {}
    return {"batch_discount": _text(discount.normalize()), "batch": explicit}


def _openai_encoding(model_id: str) -> str | None:
    try:
        import tiktoken.model
    except ImportError:  # pragma: no cover - tiktoken is a dependency
        return None
    try:
        name = tiktoken.model.encoding_name_for_model(model_id)
    except KeyError:
        return None
    return name if name in ("o200k_base", "cl100k_base") else None


def _text(value: Decimal) -> str:
    return format(value, "f")


# --- the cache file -----------------------------------------------------------------------------


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "costlab"


def cache_path(version: str) -> Path:
    return cache_dir() / f"genai-prices-{version}-index{INDEX_FORMAT}.json"


def _write_atomically(path: Path, text: str) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != INDEX_FORMAT or raw.get("version") != version:
                raw = None
        except (OSError, ValueError):
            raw = None
        if raw is None:
            raw = build_index()
            # A read-only cache folder: keep the index in memory for this process.
            with contextlib.suppress(OSError):
                _write_atomically(path, json.dumps(raw, separators=(",", ":")))
        index = UpstreamIndex(raw)
        _loaded[version] = index
        return index


# --- the lazy index -----------------------------------------------------------------------------


@dataclass(frozen=True)
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
            lifecycle = Lifecycle(
                source=source, note="marked deprecated by genai-prices (no date given)"
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
        note=None if raw["effective_from"] != UNDATED.isoformat() else "no start date upstream",
    )
