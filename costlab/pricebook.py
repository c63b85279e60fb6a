"""The price book: load, validate, resolve aliases, pick the price in force on a date.

Prices live as data in ``pricing/*.yaml`` (one file per provider). Every figure is USD per
1 million tokens, a :class:`~decimal.Decimal` read from the file's text, dated
(``effective_from``) and sourced (``source``). Users layer their own files on top with
``COSTLAB_PRICES=PATH`` or ``--prices PATH`` (a file or a folder); an entry whose ``id`` is
already in the book overrides the fields it gives, a new id adds a model.

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
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from costlab.errors import CostlabError
from costlab.typed import build, field_name, spec
from costlab.yamlio import LineDict, load_yaml, read_text

#: The token kinds a price can name, in the order they are shown.
PRICE_COMPONENTS = ("input", "cached_input", "cache_write", "cache_write_1h", "output")

Modality = Literal["text", "image", "audio", "video", "pdf"]
Status = Literal["active", "deprecated", "retired"]

_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*"


def _usd(doc: str, *, required: bool = False) -> Any:
    if required:
        return spec(f"USD per 1M {doc}", ge=0)
    return spec(f"USD per 1M {doc}; omit when not charged separately", default=None, ge=0)


@dataclass(frozen=True)
class BatchPrices:
    """Explicit Batch API prices that override ``batch_discount`` for the components given."""

    input: Decimal | None = _usd("input tokens through the Batch API")
    cached_input: Decimal | None = _usd("cached input tokens through the Batch API")
    cache_write: Decimal | None = _usd("5-minute cache-write tokens through the Batch API")
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens through the Batch API")
    output: Decimal | None = _usd("output tokens through the Batch API")


@dataclass(frozen=True)
class PriceTier:
    """Long-context prices: a request whose input exceeds the threshold is billed whole at these."""

    above_input_tokens: int = spec(
        "the tier applies when one request's input tokens exceed this many", ge=0
    )
    input: Decimal = _usd("input tokens above the threshold", required=True)
    output: Decimal = _usd("output tokens of a request above the threshold", required=True)
    cached_input: Decimal | None = _usd("cached input tokens above the threshold")
    cache_write: Decimal | None = _usd("5-minute cache-write tokens above the threshold")
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens above the threshold")


@dataclass(frozen=True)
class PriceEntry:
    """The prices of one model from one date on (until the next entry's ``effective_from``)."""

    effective_from: date = spec("first day (UTC) on which these prices apply")
    source: str = spec("where the figures come from: a URL, with how it was read", pattern=r"\S.*")
    input: Decimal = _usd("uncached input tokens", required=True)
    output: Decimal = _usd("output tokens (reasoning and thinking tokens included)", required=True)
    cached_input: Decimal | None = _usd(
        "cached input tokens (cache reads); when omitted cached tokens bill at the input price"
    )
    cache_write: Decimal | None = _usd(
        "cache-write tokens (Anthropic 5-minute writes); when omitted they bill at the input price"
    )
    cache_write_1h: Decimal | None = _usd("1-hour cache-write tokens (Anthropic)")
    batch_discount: Decimal | None = spec(
        "fraction taken off every component through the provider's Batch API (0.5 = half "
        "price); omit when the model has no batch API",
        default=None,
        ge=0,
        le=1,
    )
    batch: BatchPrices | None = spec(
        "explicit Batch API prices overriding the discount for the components given", default=None
    )
    tiers: tuple[PriceTier, ...] = spec(
        "long-context tiers, each applying to a whole request above its input threshold",
        default=(),
    )
    note: str | None = spec("free-text remark shown with the price", default=None)

    def __post_init__(self) -> None:
        thresholds = [t.above_input_tokens for t in self.tiers]
        if len(set(thresholds)) != len(thresholds):
            raise CostlabError("two tiers share one above_input_tokens", "tiers")
        object.__setattr__(
            self, "tiers", tuple(sorted(self.tiers, key=lambda t: t.above_input_tokens))
        )

    def tier_for(self, input_tokens_per_request: int | Decimal) -> PriceTier | None:
        """The long-context tier a request of this size falls in, if any."""
        chosen = None
        for tier in self.tiers:
            if input_tokens_per_request > tier.above_input_tokens:
                chosen = tier
        return chosen

    def rates(self, *, batch: bool = False, tier: PriceTier | None = None) -> Rates:
        """Effective USD per 1M tokens for each component, after tier and batch rules."""
        base = tier or self
        input_rate = base.input
        cached = base.cached_input if base.cached_input is not None else self._fallback_cached(tier)
        write = base.cache_write if base.cache_write is not None else input_rate
        write_1h = base.cache_write_1h if base.cache_write_1h is not None else write
        rates = Rates(input_rate, cached, write, write_1h, base.output)
        if not batch or self.batch_discount is None:
            return rates
        keep = 1 - self.batch_discount
        discounted = Rates(*(value * keep for value in rates.as_tuple()))
        if self.batch is None:
            return discounted
        # An explicit batch price overrides the discount; scale it like the tier scales input.
        scale = (
            Decimal(1) if tier is None else tier.input / self.input if self.input else Decimal(1)
        )
        overrides = {
            name: getattr(self.batch, name) * scale
            for name in PRICE_COMPONENTS
            if getattr(self.batch, name) is not None
        }
        return replace(discounted, **overrides)

    def _fallback_cached(self, tier: PriceTier | None) -> Decimal:
        if tier is not None and self.cached_input is not None and self.input:
            return self.cached_input * tier.input / self.input
        return (tier or self).input


@dataclass(frozen=True)
class Rates:
    """USD per 1M tokens actually charged for each token kind in one situation."""

    input: Decimal
    cached_input: Decimal
    cache_write: Decimal
    cache_write_1h: Decimal
    output: Decimal

    def as_tuple(self) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
        return (self.input, self.cached_input, self.cache_write, self.cache_write_1h, self.output)


@dataclass(frozen=True)
class FineTuning:
    """Fine-tuning: the training price and the fine-tuned model's inference prices."""

    effective_from: date = spec("first day on which these prices apply")
    source: str = spec("where the figures come from", pattern=r"\S.*")
    input: Decimal = _usd("input tokens to the fine-tuned model", required=True)
    output: Decimal = _usd("output tokens from the fine-tuned model", required=True)
    cached_input: Decimal | None = _usd("cached input tokens to the fine-tuned model")
    training: Decimal | None = _usd("training tokens (file tokens x epochs)")
    training_per_hour: Decimal | None = spec(
        "USD per training hour, where training is billed by time", default=None, ge=0
    )
    batch_discount: Decimal | None = spec(
        "fraction off through the Batch API for the fine-tuned model", default=None, ge=0, le=1
    )

    def as_price(self) -> PriceEntry:
        return PriceEntry(
            effective_from=self.effective_from,
            source=self.source,
            input=self.input,
            cached_input=self.cached_input,
            output=self.output,
            batch_discount=self.batch_discount,
            note="fine-tuned model inference",
        )


@dataclass(frozen=True)
class Lifecycle:
    """Release, deprecation and retirement dates."""

    source: str = spec("where the dates come from", pattern=r"\S.*")
    released: date | None = spec("first day the model was available", default=None)
    deprecated_on: date | None = spec(
        "day the provider announced or marked deprecation", default=None
    )
    retires_on: date | None = spec("day the API stops (or stopped) serving the model", default=None)
    note: str | None = spec(
        "free-text remark, e.g. 'retirement not before 2026-10-15'", default=None
    )


@dataclass(frozen=True)
class ImageRule:
    """How an image input is turned into tokens for this model."""

    method: Literal["patch", "tile"] = spec(
        "patch: 32-px patches x multiplier; tile: base + tokens per 512-px tile"
    )
    source: str = spec("where the rule comes from", pattern=r"\S.*")
    multiplier: Decimal | None = spec("patch: tokens per 32-px patch", default=None, gt=0)
    patch_budget: int | None = spec(
        "patch: most patches before the image is scaled down; omit when there is no budget",
        default=None,
        gt=0,
    )
    max_dimension: int | None = spec(
        "patch: longest side in px before counting", default=None, gt=0
    )
    base_tokens: int | None = spec(
        "tile: tokens for any image (all of a low-detail image)", default=None, ge=0
    )
    tile_tokens: int | None = spec(
        "tile: tokens per 512-px tile at high detail", default=None, ge=0
    )
    note: str | None = spec("free-text remark", default=None)

    def __post_init__(self) -> None:
        needed = ("multiplier",) if self.method == "patch" else ("base_tokens", "tile_tokens")
        for name in needed:
            if getattr(self, name) is None:
                raise CostlabError(f"required for method {self.method}", name)


@dataclass(frozen=True)
class TokenEstimate:
    """How to estimate tokens for a model without a public tokenizer."""

    encoding: str = spec(
        "tiktoken encoding whose count is scaled", pattern=r"o200k_base|cl100k_base"
    )
    ratio: Decimal = spec("model tokens per token of `encoding`", gt=0)
    source: str = spec("where the ratio comes from", pattern=r"\S.*")


@dataclass(frozen=True)
class Benchmark:
    """A published benchmark score, shown with its name and source, never as one 'quality'."""

    name: str = spec("benchmark name, e.g. MMLU")
    score: Decimal = spec("score in percent", ge=0, le=100)
    source: str = spec("where the score was published", pattern=r"\S.*")


@dataclass(frozen=True)
class Model:
    """One model: limits, tokenizer, lifecycle and dated prices."""

    id: str = spec("canonical API model id", pattern=_ID_PATTERN)
    name: str = spec("display name")
    context_window: int = spec("tokens of input plus output one request may hold", gt=0)
    max_output_tokens: int = spec("most output tokens one request may produce", gt=0)
    input_modalities: tuple[Modality, ...] = spec("what the model accepts", min_items=1)
    output_modalities: tuple[Modality, ...] = spec("what the model produces", min_items=1)
    prices: tuple[PriceEntry, ...] = spec(
        "one price, or a list of dated prices (the one in force on a day is used)",
        yaml_name="price",
        one_or_many=True,
        min_items=1,
    )
    aliases: tuple[str, ...] = spec(
        "other API names resolving to this entry (dated snapshots)", default=(), pattern=_ID_PATTERN
    )
    max_input_tokens: int | None = spec(
        "most input tokens one request may hold, where lower than the context window",
        default=None,
        gt=0,
    )
    knowledge_cutoff: date | str | None = spec(
        "training-data cutoff: YYYY-MM-DD, or YYYY-MM when only the month is known",
        default=None,
        pattern=r"\d{4}-\d{2}(-\d{2})?",
    )
    tokenizer: str | None = spec(
        "tiktoken encoding that counts this model's tokens exactly; null when none is public",
        default=None,
        pattern=r"o200k_base|cl100k_base|o200k_harmony",
    )
    token_estimate: TokenEstimate | None = spec(
        "how to estimate tokens when there is no public tokenizer", default=None
    )
    lifecycle: Lifecycle | None = spec("release, deprecation and retirement dates", default=None)
    fine_tuning: FineTuning | None = spec("fine-tuning prices, where offered", default=None)
    images: ImageRule | None = spec("how image inputs become tokens", default=None)
    benchmarks: tuple[Benchmark, ...] = spec("published benchmark scores", default=())
    provider: str = spec("provider key (set from the file)", default="", internal=True)
    source_file: str = spec(
        "file the entry was read from (set by the loader)", default="", internal=True
    )

    def __post_init__(self) -> None:
        days = [p.effective_from for p in self.prices]
        if len(set(days)) != len(days):
            raise CostlabError("two prices share one effective_from", "price")
        object.__setattr__(
            self, "prices", tuple(sorted(self.prices, key=lambda p: p.effective_from))
        )
        if self.max_output_tokens > self.context_window:
            raise CostlabError("must not exceed context_window", "max_output_tokens")

    def price_on(self, day: date) -> PriceEntry:
        """The price entry in force on ``day``.

        >>> o3 = load_pricebook().resolve("o3")
        >>> o3.price_on(date(2025, 6, 9)).input, o3.price_on(date(2025, 6, 10)).input
        (Decimal('10.00'), Decimal('2.00'))
        """
        current = None
        for entry in self.prices:
            if entry.effective_from <= day:
                current = entry
        if current is None:
            first = self.prices[0].effective_from
            raise CostlabError(f"no price on {day} (first price from {first})", self.id)
        return current

    @property
    def current_price(self) -> PriceEntry:
        return self.price_on(date.today())

    def status_on(self, day: date) -> Status:
        """Lifecycle status on a day: active, deprecated or retired."""
        life = self.lifecycle
        if life is None:
            return "active"
        if life.retires_on is not None and life.retires_on <= day:
            return "retired"
        if life.deprecated_on is not None and life.deprecated_on <= day:
            return "deprecated"
        return "active"

    def to_dict(self, on: date | None = None) -> dict[str, Any]:
        """JSON-ready summary: prices (in force on ``on``, default today) in USD per 1M tokens
        as decimal strings, the batch discount as a fraction."""
        day = on or date.today()
        price = self.price_on(day)

        def text(value: Decimal | None) -> str | None:
            return None if value is None else format(value, "f")

        return {
            "id": self.id,
            "name": self.name,
            "provider": self.provider,
            "aliases": list(self.aliases),
            "context_window": self.context_window,
            "max_output_tokens": self.max_output_tokens,
            "max_input_tokens": self.max_input_tokens,
            "knowledge_cutoff": str(self.knowledge_cutoff) if self.knowledge_cutoff else None,
            "input_modalities": list(self.input_modalities),
            "output_modalities": list(self.output_modalities),
            "tokenizer": self.tokenizer,
            "status": self.status_on(day),
            "retires_on": str(self.lifecycle.retires_on)
            if self.lifecycle and self.lifecycle.retires_on
            else None,
            "batch_discount": text(price.batch_discount),
            "price": {
                "input": text(price.input),
                "cached_input": text(price.cached_input),
                "cache_write": text(price.cache_write),
                "cache_write_1h": text(price.cache_write_1h),
                "output": text(price.output),
                "batch": {
                    name: text(v)
                    for name, v in zip(
                        PRICE_COMPONENTS, price.rates(batch=True).as_tuple(), strict=True
                    )
                }
                if price.batch_discount is not None or price.batch is not None
                else None,
                "long_context_tiers": [
                    {
                        "above_input_tokens": t.above_input_tokens,
                        **{
                            name: text(v)
                            for name, v in zip(
                                PRICE_COMPONENTS, price.rates(tier=t).as_tuple(), strict=True
                            )
                        },
                    }
                    for t in price.tiers
                ],
                "effective_from": price.effective_from.isoformat(),
                "source": price.source,
            },
            "fine_tuning": None
            if self.fine_tuning is None
            else {
                "training": text(self.fine_tuning.training),
                "training_per_hour": text(self.fine_tuning.training_per_hour),
                "input": text(self.fine_tuning.input),
                "cached_input": text(self.fine_tuning.cached_input),
                "output": text(self.fine_tuning.output),
                "source": self.fine_tuning.source,
            },
            "price_history": [
                {
                    "effective_from": p.effective_from.isoformat(),
                    "input": text(p.input),
                    "cached_input": text(p.cached_input),
                    "output": text(p.output),
                    "source": p.source,
                }
                for p in self.prices
            ],
            "source_file": self.source_file,
        }

    @property
    def exact_tokens(self) -> bool:
        """Whether costlab counts this model's text tokens exactly (a public tiktoken encoding)."""
        return self.tokenizer is not None

    @property
    def input_limit(self) -> int:
        """Most input tokens one request may hold."""
        return min(self.context_window, self.max_input_tokens or self.context_window)


@dataclass(frozen=True)
class PriceFile:
    """One YAML file of the price book: a provider and its models."""

    provider: str = spec("provider key, lowercase", pattern=r"[a-z0-9][a-z0-9_.-]*")
    models: tuple[Model, ...] = spec("the provider's models", default=())
    provider_name: str | None = spec("provider display name", default=None)


#: Where the shipped price book lives inside the installed package (copied there by the build).
_PACKAGED = "pricing"


def shipped_pricing_dir() -> Path:
    """The price book shipped with costlab: ``costlab/pricing`` in a wheel, ``pricing/`` in a checkout."""
    packaged = resources.files("costlab").joinpath(_PACKAGED)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "pricing"
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
