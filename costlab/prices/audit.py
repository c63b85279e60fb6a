"""Where the price book's layers, and other sources' files, disagree: by model and field.

* **Layers**: every field where a curated or user entry overrides a different genai-prices value
  (the override wins in the book; the audit says by how much it differs).
* **Other sources** (read from local paths, never fetched): LiteLLM's
  ``model_prices_and_context_window.json`` (USD per token) and models.dev's ``api.json``
  (USD per 1M tokens), compared with the book's winning value.

Some differences are *conventions*, not errors, and are labelled so: cached input through the
Batch API, which costlab bills at the batch input price where the provider publishes no batch
cached rate [OAI-BATCH] while other sources halve the cached price. Dates that only another
source gives (LiteLLM's ``deprecation_date``) are listed as unconfirmed, never put in the book.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from costlab.errors import CostlabError
from costlab.prices.book import PriceBook
from costlab.prices.model import Model, PriceEntry
from costlab.prices.rates import has_batch_price, rates_for
from costlab.records import frozen

#: Price fields compared, as costlab names them.
PRICE_FIELDS = ("input", "cached_input", "cache_write", "cache_write_1h", "output")

_MILLION = Decimal(1_000_000)

#: LiteLLM's per-token keys -> costlab's price fields (their values are USD per token).
_LITELLM_PRICES = {
    "input_cost_per_token": "price.input",
    "cache_read_input_token_cost": "price.cached_input",
    "cache_creation_input_token_cost": "price.cache_write",
    "cache_creation_input_token_cost_above_1hr": "price.cache_write_1h",
    "output_cost_per_token": "price.output",
    "input_cost_per_token_batches": "batch.input",
    "cache_read_input_token_cost_batches": "batch.cached_input",
    "output_cost_per_token_batches": "batch.output",
}

#: models.dev provider ids that are spelled differently in costlab's names.
_MODELS_DEV_PROVIDERS = {
    "amazon-bedrock": "aws",
    "google-vertex": "google",
    "google-vertex-anthropic": "google",
    "xai": "x-ai",
}


@frozen
class Disagreement:
    """One field of one model on which two sources differ."""

    model: str
    """the book's model id"""
    field: str
    """``price.input``, ``batch.cached_input``, ``context_window``, ``retires_on``, ..."""
    book: str | None
    """the book's value (the winning layer's), as text; None when the book has none"""
    book_layer: str
    """the layer the book's value comes from"""
    other: str
    """the other source's value, as text"""
    source: str
    """the other source: ``genai-prices 0.2.3``, ``litellm:FILE``, ``models.dev:FILE``"""
    difference: str
    """how far apart: ``+25%``, ``+8,192 tokens``, ``only in source``"""
    kind: str
    """``override`` (a curated value over upstream), ``disagreement``, ``convention`` (an
    intentional difference of billing convention) or ``unconfirmed`` (only the source says it)"""
    note: str = ""


@frozen
class Audit:
    """Every disagreement found, and the upstream models the book leaves out."""

    fingerprint: str
    disagreements: tuple[Disagreement, ...]
    left_out: tuple[tuple[str, str, str], ...]
    """(provider, upstream id, reason) of each genai-prices model not in the book"""
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "price_book": self.fingerprint,
            "sources": list(self.sources),
            "disagreements": [asdict(d) for d in self.disagreements],
            "left_out": [{"provider": p, "id": i, "reason": r} for p, i, r in self.left_out],
        }


def audit(book: PriceBook, against: list[Path] | tuple[Path, ...] = (), *, on: date) -> Audit:
    """Compare the book's layers, and the book with each file in ``against``."""
    found = list(layer_disagreements(book, on=on))
    sources = []
    for path in against:
        kind, data = read_source(path)
        label = f"{kind}:{path.name}"
        sources.append(label)
        if kind == "litellm":
            found.extend(_litellm(book, data, label, on))
        else:
            found.extend(_models_dev(book, data, label, on))
    upstream = book.upstream
    left_out = tuple((x.provider, x.id, x.reason) for x in upstream.left_out) if upstream else ()
    return Audit(book.fingerprint, tuple(found), left_out, tuple(sources))


# --- the layers ----------------------------------------------------------------------------------


def layer_disagreements(book: PriceBook, *, on: date) -> Iterator[Disagreement]:
    """Each field where a curated or user model differs from the genai-prices model it
    replaces, for the prices in force ``on`` and on each date the curated history changes."""
    upstream = book.upstream
    if upstream is None:
        return
    for model in book:
        theirs = book.replaces(model)
        if theirs is None:
            continue
        label = upstream.layer
        # Today's prices, and each earlier curated price that today's has replaced.
        current = model.price_on(on) if model.prices[0].effective_from <= on else None
        days = [
            on,
            *(p.effective_from for p in model.prices if p.effective_from < on and p is not current),
        ]
        for day in days:
            try:
                ours_price, their_price = model.price_on(day), theirs.price_on(day)
            except CostlabError:
                continue
            suffix = "" if day == on else f" on {day}"
            yield from _compare_prices(model, ours_price, their_price, label, suffix)
        if theirs.origin("context_window") == label and theirs.context_window != (
            model.context_window
        ):
            yield _tokens(
                model, "context_window", model.context_window, theirs.context_window, label
            )


def _compare_prices(
    model: Model, ours: PriceEntry, theirs: PriceEntry, label: str, suffix: str
) -> Iterator[Disagreement]:
    for name in PRICE_FIELDS:
        a, b = getattr(ours, name), getattr(theirs, name)
        if b is not None and a != b and (a is None or Decimal(a) != Decimal(b)):
            yield _money(model, f"price.{name}{suffix}", a, b, label, "override")
    if has_batch_price(ours) and has_batch_price(theirs):
        mine, other = rates_for(ours, batch=True), rates_for(theirs, batch=True)
        for name in ("input", "cached_input", "output"):
            if mine[name] != other[name]:
                kind, note = _batch_kind(ours, name, "override")
                yield _money(
                    model, f"batch.{name}{suffix}", mine[name], other[name], label, kind, note
                )
    for tier in ours.tiers:
        match = next(
            (t for t in theirs.tiers if t.above_input_tokens == tier.above_input_tokens), None
        )
        if match is None:
            continue
        for name in ("input", "output"):
            if getattr(tier, name) != getattr(match, name):
                field = f"tier>{tier.above_input_tokens}.{name}{suffix}"
                yield _money(
                    model, field, getattr(tier, name), getattr(match, name), label, "override"
                )


def _batch_kind(price: PriceEntry, name: str, default: str) -> tuple[str, str]:
    """Cached input through Batch billed at the batch input price is costlab's convention where
    the provider publishes no batch cached rate [OAI-BATCH]; other sources halve the cached."""
    if name == "cached_input" and price.batch is not None and price.batch.cached_input is not None:
        batch_input = rates_for(price, batch=True)["input"]
        if price.batch.cached_input == batch_input:
            return (
                "convention",
                "cached input through the Batch API: costlab bills it at the batch input price",
            )
    return default, ""


# --- other sources -------------------------------------------------------------------------------


def read_source(path: Path) -> tuple[str, Mapping[str, Any]]:
    """Read a LiteLLM or models.dev file; ('litellm' | 'models.dev', data). Anything else is
    refused in one error naming the file."""
    from costlab.yaml_reader import read_text

    text = read_text(path, "source file")
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CostlabError(f"not valid JSON: {exc.msg} (line {exc.lineno})", str(path)) from None
    if isinstance(data, dict):
        values = [v for k, v in data.items() if k != "sample_spec"]
        if values and all(isinstance(v, dict) for v in values):
            if any("litellm_provider" in v or "input_cost_per_token" in v for v in values):
                return "litellm", data
            if all(isinstance(v.get("models"), dict) for v in values):
                return "models.dev", data
    raise CostlabError(
        "neither LiteLLM's model_prices_and_context_window.json nor models.dev's api.json",
        str(path),
    )


def _litellm(
    book: PriceBook, data: Mapping[str, Any], label: str, on: date
) -> Iterator[Disagreement]:
    seen: set[tuple[str, str]] = set()
    for name, entry in data.items():
        if name == "sample_spec" or not isinstance(entry, Mapping):
            continue
        if entry.get("mode", "chat") not in ("chat", "completion", "responses"):
            continue
        model = _find(book, name, entry.get("litellm_provider"))
        if model is None or (model.id, name) in seen:
            continue
        seen.add((model.id, name))
        try:
            price = model.price_on(on)
        except CostlabError:
            continue
        for key, field in _LITELLM_PRICES.items():
            value = _number(entry.get(key))
            if value is None:
                continue
            theirs = value * _MILLION
            kind = "disagreement"
            note = ""
            if field.startswith("batch."):
                if not has_batch_price(price):
                    continue
                rate = field.split(".")[1]
                ours: Decimal | None = rates_for(price, batch=True)[rate]
                kind, note = _batch_kind(price, rate, kind)
            else:
                ours = getattr(price, field.split(".")[1])
            if ours is None or ours != theirs:
                yield _money(model, field, ours, theirs, label, kind, note, name)
        yield from _limits(
            model,
            label,
            name,
            context=entry.get("max_input_tokens"),
            output=entry.get("max_output_tokens"),
        )
        deprecation = entry.get("deprecation_date")
        if isinstance(deprecation, str):
            yield from _retirement(model, deprecation, label, name, entry.get("successor_model"))


def _models_dev(
    book: PriceBook, data: Mapping[str, Any], label: str, on: date
) -> Iterator[Disagreement]:
    for provider_id, provider in data.items():
        for model_id, entry in (provider.get("models") or {}).items():
            if not isinstance(entry, Mapping):
                continue
            provider_key = _MODELS_DEV_PROVIDERS.get(provider_id, provider_id)
            model = _find(book, model_id, provider_key)
            if model is None:
                continue
            try:
                price = model.price_on(on)
            except CostlabError:
                continue
            cost = entry.get("cost") or {}
            for key, name in (
                ("input", "input"),
                ("cache_read", "cached_input"),
                ("cache_write", "cache_write"),
                ("output", "output"),
            ):
                theirs = _number(cost.get(key))
                if theirs is None:
                    continue
                ours = getattr(price, name)
                if ours is None and theirs == 0:
                    continue  # models.dev's 0 means "no such price", as the book's null does
                if ours is None or ours != theirs:
                    yield _money(
                        model, f"price.{name}", ours, theirs, label, "disagreement", "", model_id
                    )
            limit = entry.get("limit") or {}
            yield from _limits(
                model, label, model_id, context=limit.get("context"), output=limit.get("output")
            )
            knowledge = entry.get("knowledge")
            ours_cutoff = str(model.knowledge_cutoff) if model.knowledge_cutoff else None
            if isinstance(knowledge, str) and (
                ours_cutoff is None or not _same_month(ours_cutoff, knowledge)
            ):
                yield Disagreement(
                    model.id,
                    "knowledge_cutoff",
                    ours_cutoff,
                    model.origin("knowledge_cutoff"),
                    knowledge,
                    label,
                    "only in source"
                    if ours_cutoff is None
                    else _months_apart(ours_cutoff, knowledge),
                    "disagreement",
                    "" if model_id == model.id else f"as {model_id}",
                )


def _find(book: PriceBook, name: str, provider: object) -> Model | None:
    for candidate in (f"{provider}/{name}" if isinstance(provider, str) else None, name):
        if candidate is None:
            continue
        try:
            return book.resolve(candidate)
        except CostlabError:
            continue
    return None


def _limits(
    model: Model, label: str, as_name: str, *, context: object, output: object
) -> Iterator[Disagreement]:
    if isinstance(context, int) and not isinstance(context, bool):
        if model.origin("context_window").startswith("unknown"):
            yield _tokens(model, "context_window", None, context, label, as_name)
        elif context != model.context_window:
            yield _tokens(model, "context_window", model.context_window, context, label, as_name)
    if isinstance(output, int) and not isinstance(output, bool):
        if model.origin("max_output_tokens").startswith("unknown"):
            yield _tokens(model, "max_output_tokens", None, output, label, as_name)
        elif output != model.max_output_tokens:
            yield _tokens(
                model, "max_output_tokens", model.max_output_tokens, output, label, as_name
            )


def _retirement(
    model: Model, day_text: str, label: str, as_name: str, successor: object
) -> Iterator[Disagreement]:
    life = model.lifecycle
    ours = life.retires_on if life is not None else None
    try:
        theirs = date.fromisoformat(day_text)
    except ValueError:
        return
    if ours == theirs:
        return
    notes = [] if as_name == model.id else [f"as {as_name}"]
    if isinstance(successor, str):
        notes.append(f"successor {successor} per the source")
    note = "; ".join(notes)
    if ours is None:
        yield Disagreement(
            model.id,
            "retires_on",
            None,
            model.origin("lifecycle"),
            theirs.isoformat(),
            label,
            "only in source",
            "unconfirmed",
            "; ".join([*notes, "not in the book until a provider page confirms it"]),
        )
    else:
        yield Disagreement(
            model.id,
            "retires_on",
            ours.isoformat(),
            model.origin("lifecycle"),
            theirs.isoformat(),
            label,
            f"{(theirs - ours).days:+,} days",
            "disagreement",
            note,
        )


# --- values and their differences ----------------------------------------------------------------


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def _money(
    model: Model,
    field: str,
    ours: Decimal | None,
    theirs: Decimal,
    source: str,
    kind: str,
    note: str = "",
    as_name: str | None = None,
) -> Disagreement:
    if ours is None:
        difference = "only in source"
    elif ours == 0:
        difference = f"{_text(theirs - ours)} USD/1M"
    else:
        percent = (theirs - ours) / ours * 100
        difference = f"{percent:+.1f}%"
    if as_name is not None and as_name != model.id:
        note = f"as {as_name}" + (f"; {note}" if note else "")
    base = field.split(" ")[0].split(".")[0]
    layer = model.origin("price" if base in ("price", "batch") or base.startswith("tier") else base)
    return Disagreement(
        model.id, field, _text(ours), layer, _text(theirs) or "", source, difference, kind, note
    )


def _tokens(
    model: Model,
    field: str,
    ours: int | None,
    theirs: int,
    source: str,
    as_name: str | None = None,
) -> Disagreement:
    difference = "only in source" if ours is None else f"{theirs - ours:+,} tokens"
    note = f"as {as_name}" if as_name is not None and as_name != model.id else ""
    kind = "override" if source.startswith("genai-prices") else "disagreement"
    return Disagreement(
        model.id,
        field,
        None if ours is None else str(ours),
        model.origin(field),
        str(theirs),
        source,
        difference,
        kind,
        note,
    )


def _same_month(ours: str, theirs: str) -> bool:
    return ours[:7] == theirs[:7]


def _months_apart(ours: str, theirs: str) -> str:
    try:
        a = int(ours[:4]) * 12 + int(ours[5:7])
        b = int(theirs[:4]) * 12 + int(theirs[5:7])
    except ValueError:
        return "differs"
    return f"{b - a:+d} months"
