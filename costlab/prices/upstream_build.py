"""Building costlab's index of genai-prices' bundled data: once per installed version.

This is the only module that imports ``genai_prices`` (0.2 s); :mod:`costlab.prices.upstream`
calls :func:`build_index` when its cache has no index for the installed version. Each upstream
model becomes a plain JSON entry (names, match rules, limits, prices as decimal strings), or is
*left out with a reason* when costlab cannot represent its prices [GP]:

* prices by time of day (off-peak discounts) have no costlab shape;
* a model without a per-token input and output price (embeddings, audio, images, per request)
  is not a chat model costlab prices;
* dated prices (``ConditionalPrice`` start dates) become dated price entries, long-context tiers
  (genai-prices bills a request whole at the tier its input exceeds, as costlab does) become
  tiers, the Batch API variant becomes batch prices and the service-tier variants (flex,
  priority, ...) ``service_tiers``, where costlab's rules reproduce them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from costlab.prices.upstream_names import INDEX_FORMAT, PREFIXES, UNDATED, installed_version

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


_PRICE_KEYS = {
    "input_mtok": "input",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
    "output_mtok": "output",
}

#: genai-prices' media and per-unit prices costlab bills as components of their own, with the
#: factor from genai-prices' unit to costlab's price unit.
_MEDIA_KEYS: dict[str, tuple[str, Decimal]] = {
    "input_audio_mtok": ("input_audio", Decimal(1)),
    "cache_audio_read_mtok": ("cached_input_audio", Decimal(1)),
    "output_audio_mtok": ("output_audio", Decimal(1)),
    "input_image_mtok": ("input_image", Decimal(1)),
    "output_image_mtok": ("output_image", Decimal(1)),
    "input_mchars": ("characters", Decimal(1)),
    "web_searches_kcount": ("web_search", Decimal(1)),
    "storage_searches_kcount": ("file_search", Decimal(1)),
    # USD per hour of audio -> USD per minute (exact for every published price: cents / 60)
    "input_audio_hours": ("audio_minute", Decimal(60)),
    "audio_hours": ("audio_minute", Decimal(60)),
}


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
        # An id that starts with another provider's prefix (Avian's `deepseek/deepseek-v3.2`)
        # would read as that provider's model: it is spelled with its host too.
        head = entry["upstream_id"].split("/", 1)[0].lower() if "/" in entry["upstream_id"] else ""
        foreign = head in PREFIXES or (head in providers and head != entry["provider"])
        own = bare.get(entry["upstream_id"].lower()) == i and not foreign
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
    service = _service_tier_variants(info, notes)
    # A batch or service-tier price that starts later than the standard one starts a dated
    # entry of its own.
    for start, _ in [*batches, *[(d, v) for d, _, v in service]]:
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
        tiers_in_force: dict[str, Mapping[str, Any]] = {}
        for start, name, values in service:
            if start is None or start <= day:
                tiers_in_force[name] = values
        prices.append(_price(day, price, batch, notes, tiers_in_force))
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
        if set(when) == {"service_tier"}:
            continue  # read by _service_tier_variants
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


def _service_tier_variants(
    info: Any, notes: list[str]
) -> list[tuple[date | None, str, dict[str, Any]]]:
    """genai-prices' service-tier prices (OpenAI's flex, priority, ...; Google's flex and
    priority), each with its tier name and start date (None: always), oldest first."""
    from genai_prices.types import StartDateConstraint

    from costlab.usage import STANDARD_TIER_NAMES

    found: list[tuple[date | None, str, dict[str, Any]]] = []
    for variant in info.price_variants or ():
        when = dict(variant.when)
        if set(when) != {"service_tier"}:
            continue
        name = when["service_tier"].lower()
        values = {
            _PRICE_KEYS[k]: v
            for k, v in variant.prices.__dict__.items()
            if k in _PRICE_KEYS and v is not None
        }
        if name in STANDARD_TIER_NAMES or not values:
            continue  # the standard price itself
        constraint = variant.constraint
        if constraint is not None and not isinstance(constraint, StartDateConstraint):
            notes.append(f"upstream service tier {name} with a time-of-day price not modelled")
            continue
        found.append((None if constraint is None else constraint.start_date, name, values))
    found.sort(key=lambda x: (x[0] is not None, x[0] or UNDATED))
    return found


def _service_tier_prices(
    standard: Mapping[str, Any],
    variants: Mapping[str, Mapping[str, Any]],
    thresholds: list[int],
    notes: list[str],
) -> list[dict[str, Any]]:
    """costlab's ``service_tiers`` for genai-prices' service-tier variants.

    genai-prices replaces only the components a variant names (the rest stay standard), so
    every component is written out. At a long-context tier costlab keeps each component's
    service-tier ratio to standard; a variant whose tiered rates do not follow that rule is
    left out (with a note), never approximated.
    """
    out = []
    for name, variant in sorted(variants.items()):
        rates = {
            label: variant.get(label, standard[key])
            for key, label in _PRICE_KEYS.items()
            if key in standard
        }
        explicit = {label: _rate_at(v, 0) for label, v in rates.items()}
        reproduced = True
        for above in thresholds:
            for key, label in _PRICE_KEYS.items():
                if key not in standard:
                    continue
                base = _rate_at(standard[key], 0)
                if not base:
                    continue
                expected = _rate_at(standard[key], above + 1) * explicit[label] / base
                if _rate_at(rates[label], above + 1) != expected:
                    reproduced = False
        if not reproduced:
            notes.append(f"upstream {name} prices of long-context tiers not modelled")
            continue
        out.append({"name": name, **{k: _text(v) for k, v in explicit.items()}})
    return out


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
    day: date,
    price: Any,
    batch: Mapping[str, Any] | None,
    notes: list[str],
    service: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    values = {k: v for k, v in price.__dict__.items() if not k.startswith("_") and v is not None}
    media = _media_prices(values, notes)
    if not media and "input_mtok" not in values:
        raise _LeftOut("no per-token input price, and no per-unit price costlab bills")
    for key in values:
        if key not in _PRICE_KEYS and key not in _MEDIA_KEYS:
            notes.append(f"upstream price {key} not modelled")
    entry: dict[str, Any] = {"effective_from": day.isoformat()}
    if "input_mtok" not in values:
        # A model billed per character, minute or call only: token counts are refused.
        entry.update(input="0", output="0", per_unit_only=True)
        notes.append("billed per unit only (no token prices upstream): token counts refused")
    elif "output_mtok" not in values:
        entry["output"] = "0"  # embeddings: no output tokens
        notes.append("no upstream output price: output tokens bill at 0")
    entry.update(media)
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
    if service:
        tiers_out = _service_tier_prices(values, service, sorted(starts), notes)
        if tiers_out:
            entry["service_tiers"] = tiers_out
    for tier in (*entry.get("tiers", ()), *entry.get("service_tiers", ())):
        for name in ("input", "output"):  # a model without output tokens (embeddings)
            tier.setdefault(name, "0")
    return entry


def _media_prices(values: Mapping[str, Any], notes: list[str]) -> dict[str, str]:
    """costlab's media and per-unit rates from genai-prices' (audio and image tokens, speech
    characters, minutes of audio, search calls). A tiered or inexactly convertible price is
    left out with a note, never approximated."""
    out: dict[str, str] = {}
    for key, (name, per) in _MEDIA_KEYS.items():
        value = values.get(key)
        if value is None or name in out:
            continue
        if hasattr(value, "tiers"):
            notes.append(f"upstream tiered {key} not modelled")
            continue
        rate = Decimal(value) / per
        if rate * per != Decimal(value):
            notes.append(f"upstream {key} {value} has no exact per-minute price; not modelled")
            continue
        out[name] = _text(rate)
    return out


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
