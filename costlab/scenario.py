"""Scenario files: a workload's volume, tokens and growth over months, as typed objects.

A scenario names a start month, a horizon, an optional budget and one or more workloads; each
workload sends requests of a given shape to one model (or a :mod:`~costlab.routing` of models).
:func:`load_scenario` reads the YAML, validates it against the same dataclasses the JSON Schema
(``costlab/schemas/scenario.schema.json``) is generated from, checks every model against the
price book, and reports a problem as one line naming file, workload and field::

    support.yaml: workloads[0] (triage): cached_input_share: must be <= 1 (line 9)

Every number may be a range ``{low, base, high}`` (:class:`~costlab.ranges.Range`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from costlab import limits
from costlab.errors import CostlabError
from costlab.one_off import OneOff, check_months
from costlab.prices import PriceBook, load_pricebook
from costlab.pydantic_types import MODEL_ID
from costlab.ranges import Band, Number, Range, base, cost_end
from costlab.records import frozen
from costlab.routing import Route, Routing, routes
from costlab.scenario_checks import check_growth, check_hit_rate, check_media, check_models
from costlab.usage import service_tier_name
from costlab.validated_copy import build_kept, find_kept
from costlab.validation import build, spec
from costlab.yaml_reader import load_yaml, read_text

#: Longest horizon a scenario may forecast, in months (``COSTLAB_MAX_MONTHS``).
MAX_MONTHS = limits.MAX_MONTHS

#: Path of a number inside a scenario: ("workloads", 0, "growth", 3).
NumberPath = tuple[str | int, ...]


@frozen
class Budget:
    """Spending limits in USD; either or both."""

    monthly: Decimal | None = spec("USD per calendar month", default=None, ge=0)
    total: Decimal | None = spec("USD over the whole horizon", default=None, ge=0)

    def __post_init__(self) -> None:
        # held to COSTLAB_MAX_USD as --budget is (the file took 1e15 the option refused)
        for name in ("monthly", "total"):
            if (value := getattr(self, name)) is not None:
                limits.check_number(value, name, limit_name="MAX_USD")


@frozen
class Images:
    """Images attached to every request; their tokens follow the model's image rule."""

    count: Decimal | Range = spec("images per request", ge=0)
    width: int = spec("image width in pixels", gt=0)
    height: int = spec("image height in pixels", gt=0)
    detail: Literal["low", "high", "auto"] = spec(
        "detail level sent with each image", default="auto"
    )


def _count(doc: str) -> Any:
    return spec(doc + ", per request (or a range)", default=Decimal(0), ge=0)


@frozen
class Workload:
    """One kind of request, its volume and growth, sent to one model or a routing."""

    name: str = spec("label shown in tables, unique within the scenario", pattern=r"\S.*")
    model: str | None = spec(
        "model id or alias (give this or routing)", default=None, pattern=MODEL_ID
    )
    routing: Routing | None = spec(
        "traffic split across models with an optional escalation (give this or model)",
        default=None,
    )
    requests_per_day: Decimal | Range | None = spec(
        "requests per calendar day in the first month, before retries (or requests_per_month)",
        default=None,
        ge=0,
    )
    requests_per_month: Decimal | Range | None = spec(
        "requests per calendar month in the first month, before retries (or requests_per_day)",
        default=None,
        ge=0,
    )
    input_tokens: Decimal | Range | None = spec(
        "prompt tokens per request, cached ones included (or measure a sample)",
        default=None,
        ge=0,
    )
    output_tokens: Decimal | Range = spec(
        "visible output tokens per request (reasoning tokens go in reasoning_tokens)",
        default=Decimal(0),
        ge=0,
    )
    reasoning_tokens: Decimal | Range = spec(
        "hidden reasoning tokens per request; billed as output tokens (or reasoning_effort)",
        default=Decimal(0),
        ge=0,
    )
    reasoning_effort: Literal["none", "low", "medium", "high"] | None = spec(
        "instead of reasoning_tokens: the book's reasoning tokens per request at this effort",
        default=None,
    )
    cached_input_share: Decimal | Range = spec(
        "share of the input tokens billed at the cached-input price, 0..1",
        default=Decimal(0),
        ge=0,
        le=1,
    )
    cache_write_share: Decimal | Range = spec(
        "share of the input tokens written to the prompt cache per request, 0..1, billed at "
        "the model's cache-write price (Anthropic: 1.25x input for 5 minutes, 2x for 1 hour)",
        default=Decimal(0),
        ge=0,
        le=1,
    )
    cache_write_ttl: Literal["5m", "1h"] = spec(
        "lifetime of the cache writes: 5m (5 minutes) or 1h (1 hour)", default="5m"
    )
    cacheable_prefix_tokens: Decimal | Range | None = spec(
        "instead of the two shares: tokens per request in a stable prompt prefix (system "
        "prompt, tools) that the provider can cache; give with cache_hit_rate",
        default=None,
        ge=0,
    )
    cache_hit_rate: Decimal | Range | None = spec(
        "share of requests whose prefix is read from the cache, 0..1; the others write it "
        "(cached share = hit rate x prefix / input)",
        default=None,
        ge=0,
        le=1,
    )
    service_tier: str = spec(
        "service tier of the non-Batch requests: standard, flex, priority, scale or a "
        "provider's own; priced at the tier's rates",
        default="standard",
    )
    data_residency: bool = spec("in a data-residency region, at its uplift", default=False)
    images: Images | None = spec("images sent with every request", default=None)
    # Media and per-unit counts per request (0 for plain chat), as in costlab.usage.
    input_audio_tokens: Decimal | Range = _count("of the input tokens, audio tokens")
    output_audio_tokens: Decimal | Range = _count("of the output tokens, generated speech tokens")
    output_image_tokens: Decimal | Range = _count("of the output tokens, generated image tokens")
    input_audio_seconds: Decimal | Range = _count("seconds of audio in: audio tokens by the model")
    output_audio_seconds: Decimal | Range = _count("seconds of speech out: audio tokens by model")
    input_characters: Decimal | Range = _count("characters to speak (billed per 1M characters)")
    audio_seconds: Decimal | Range = _count("seconds of audio to transcribe (billed per minute)")
    web_searches: Decimal | Range = _count("web-search tool calls (billed per 1,000)")
    file_searches: Decimal | Range = _count("file-search tool calls (billed per 1,000)")
    batch_share: Decimal | Range = spec(
        "share of the requests sent through the Batch API, 0..1", default=Decimal(0), ge=0, le=1
    )
    retry_rate: Decimal | Range = spec(
        "extra requests per request from retries (failed validations, timeouts): 0.05 = 5% more",
        default=Decimal(0),
        ge=0,
    )
    growth: Decimal | Range | tuple[Decimal | Range, ...] = spec(
        "monthly compound growth of the volume from the second month (0.10 = +10% a month), "
        "or a list of rates, one per month from the second",
        default=Decimal(0),
        gt=-1,
        max_items=limits.MAX_MONTHS,
    )
    sample: str | None = spec(
        "a prompt file, request JSON or batch JSONL whose measured input tokens per request "
        "replace input_tokens (path relative to the scenario file)",
        default=None,
    )
    on_retire: Literal["keep", "successor", "stop"] = spec(
        "when a model shuts down inside the horizon: keep pricing it (flagged, the default), "
        "move the traffic to the successor the price book names, or stop the traffic",
        default="keep",
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_tier", service_tier_name(self.service_tier))
        if self.model is not None and self.routing is not None:
            raise CostlabError("give model or routing, not both", "routing")
        if self.model is None and self.routing is None:
            raise CostlabError("required field is missing (or give routing)", "model")
        per_day, per_month = self.requests_per_day, self.requests_per_month
        if per_day is not None and per_month is not None:
            raise CostlabError(
                "give requests_per_day or requests_per_month, not both", "requests_per_month"
            )
        if per_day is None and per_month is None:
            raise CostlabError(
                "required field is missing (or give requests_per_month)", "requests_per_day"
            )
        if self.input_tokens is None and self.sample is None:
            raise CostlabError("required field is missing (or give sample)", "input_tokens")
        if self.input_tokens is not None and self.sample is not None:
            raise CostlabError("give input_tokens or sample, not both", "sample")
        if self.reasoning_effort is not None and _ends(self.reasoning_tokens) != (0, 0):
            raise CostlabError(
                "give reasoning_tokens or reasoning_effort, not both", "reasoning_effort"
            )
        check_hit_rate(self)
        check_media(self)
        cached, written = self.cached_input_share, self.cache_write_share
        # Every band pairs the two shares' ends (a cheaper cache read with a smaller write
        # and the other way round), so each pairing must fit in the input.
        pairs = [(base(cached), base(written))]
        if isinstance(cached, Range) or isinstance(written, Range):
            pairs += [(c, w) for c in _ends(cached) for w in _ends(written)]
        if any(c + w > 1 for c, w in pairs):
            raise CostlabError(
                "cached_input_share and cache_write_share add up to more than 1 (both are "
                "shares of the same input tokens)",
                "cache_write_share",
            )

    @property
    def routes(self) -> tuple[Route, ...]:
        """Where the requests go (see :mod:`costlab.routing`)."""
        return routes(self.model, self.routing)

    @property
    def growth_rates(self) -> tuple[Decimal | Range, ...] | None:
        """The per-month list when growth is given as one, else ``None``."""
        return self.growth if isinstance(self.growth, tuple) else None


def _ends(value: Decimal | Range) -> tuple[Decimal, Decimal]:
    return (value.low, value.high) if isinstance(value, Range) else (value, value)


@frozen
class Scenario:
    """Workloads forecast month by month from ``start`` over ``months`` calendar months."""

    name: str = spec("scenario name, shown in reports", pattern=r"\S.*")
    start: str = spec("first month forecast, YYYY-MM", pattern=r"[0-9]{4}-[0-9]{2}")
    months: int = spec("horizon in calendar months", ge=1, le=MAX_MONTHS)
    workloads: tuple[Workload, ...] = spec("the kinds of request forecast", min_items=1)
    budget: Budget | None = spec("spending limits to check the forecast against", default=None)
    one_off: tuple[OneOff, ...] = spec("costs charged once (a fine-tuning run)", default=())
    description: str | None = spec("free-text note", default=None)
    source: str = spec("file the scenario was read from", default="", internal=True)
    base_dir: str = spec("folder that relative sample paths start from", default="", internal=True)

    def __post_init__(self) -> None:
        valid = re.fullmatch(r"(\d{4})-(\d{2})", self.start)
        if not valid or not 1 <= int(valid.group(2)) <= 12 or int(valid.group(1)) < 1:
            raise CostlabError(f"must be a month YYYY-MM, got '{self.start}'", "start")
        if not 1 <= self.months <= MAX_MONTHS:
            raise CostlabError(f"must be 1 to {MAX_MONTHS} months, got {self.months}", "months")
        last_year = int(valid.group(1)) + (int(valid.group(2)) - 1 + self.months - 1) // 12
        if last_year > 9999:
            raise CostlabError(
                f"a {self.months}-month horizon from {self.start} ends after 9999-12", "start"
            )
        seen: set[str] = set()
        for i, workload in enumerate(self.workloads):
            if workload.name in seen:
                raise CostlabError(
                    f"duplicate workload name '{workload.name}'", f"workloads[{i}]", "name"
                )
            seen.add(workload.name)
            rates = workload.growth_rates
            if rates is not None and len(rates) != self.months - 1:
                raise CostlabError(
                    f"lists {len(rates)} rate(s); a {self.months}-month scenario needs "
                    f"{self.months - 1} (one per month from the second)",
                    f"workloads[{i}]",
                    "growth",
                )
            check_growth(workload, self.months, f"workloads[{i}]")
        check_months(self.one_off, [f"{m.year:04d}-{m.month:02d}" for m in self.month_starts()])

    @property
    def first_month(self) -> date:
        year, month = (int(part) for part in self.start.split("-"))
        return date(year, month, 1)

    def month_starts(self) -> list[date]:
        """The first day of every month of the horizon."""
        first = self.first_month
        out = []
        for i in range(self.months):
            index = first.month - 1 + i
            out.append(date(first.year + index // 12, index % 12 + 1, 1))
        return out

    @property
    def label(self) -> str:
        """The file the scenario came from, else its name (for error messages)."""
        return self.source or self.name

    def workload(self, name: str) -> Workload:
        for workload in self.workloads:
            if workload.name == name:
                return workload
        names = ", ".join(w.name for w in self.workloads)
        raise CostlabError(f"no workload named '{name}'; the scenario has: {names}", self.label)

    def workload_where(self, index: int) -> str:
        """``workloads[0] (triage)``: how errors name a workload."""
        return f"workloads[{index}] ({self.workloads[index].name})"

    # --- ranges -----------------------------------------------------------------------------

    def ranges(self) -> list[Assumption]:
        """Every ranged number, in file order."""
        return list(self._ranges)

    @cached_property
    def _ranges(self) -> tuple[Assumption, ...]:
        found: list[Assumption] = []

        def collect(path: NumberPath, value: Range) -> Decimal:
            found.append(Assumption(path, _label(self, path), value))
            return value.base

        _map_numbers(self, (), collect)
        return tuple(found)

    @property
    def has_ranges(self) -> bool:
        return bool(self._ranges)

    def at(self, band: Band, ends: Mapping[NumberPath, Band] | None = None) -> Scenario:
        """This scenario with every range replaced by the value the ``band`` forecast uses.

        ``low`` takes each range's cheaper end (the low end; the high end of
        ``cached_input_share``), ``high`` the dearer end; ``ends`` forces the end of given
        numbers (the forecast uses it for ``batch_share``, whose cheaper end depends on the
        workload).
        """
        if not self.has_ranges:
            return self
        chosen = ends or {}

        def pick(path: NumberPath, value: Range) -> Decimal:
            return value.at(chosen.get(path) or cost_end(field_of(path), band))

        return _map_numbers(self, (), pick)

    def with_number(self, path: NumberPath, value: Decimal) -> Scenario:
        """The base scenario with the ranged number at ``path`` set to ``value``."""
        return _map_numbers(self, (), lambda p, r: value if p == path else r.base)

    def replace_workload(self, name: str, **changes: Any) -> Scenario:
        """A copy with one workload's fields changed (e.g. ``model=..., routing=None``)."""
        self.workload(name)  # refuses unknown names
        workloads = tuple(
            dataclasses.replace(w, **changes) if w.name == name else w for w in self.workloads
        )
        return dataclasses.replace(self, workloads=workloads)


@frozen
class Assumption:
    """A ranged number of a scenario: where it is and its bounds."""

    path: NumberPath
    label: str
    """``triage: input_tokens``, ``triage: growth (month 3)``"""
    range: Range


def field_of(path: NumberPath) -> str:
    """The field name a number path ends in (list indexes skipped)."""
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return ""


def _label(scenario: Scenario, path: NumberPath) -> str:
    if len(path) >= 2 and path[0] == "workloads" and isinstance(path[1], int):
        workload = scenario.workloads[path[1]].name
        rest = list(path[2:])
        if rest[:1] == ["growth"] and len(rest) == 2 and isinstance(rest[1], int):
            return f"{workload}: growth (month {rest[1] + 2})"
        return f"{workload}: " + ".".join(str(p) for p in rest)
    return ".".join(str(p) for p in path)


def _map_numbers(obj: Any, path: NumberPath, fn: Callable[[NumberPath, Range], Decimal]) -> Any:
    """A copy of ``obj`` with every :class:`Range` inside replaced by ``fn(path, range)``."""
    if obj is None or isinstance(obj, str | Decimal | int):
        return obj
    if isinstance(obj, Range):
        return fn(path, obj)
    if isinstance(obj, tuple):
        return tuple(_map_numbers(item, (*path, i), fn) for i, item in enumerate(obj))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            mapped = _map_numbers(value, (*path, f.name), fn)
            if mapped is not value:
                changes[f.name] = mapped
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj


# --- reading ----------------------------------------------------------------------------------

_WORKLOAD_PATH = re.compile(r"(workloads|one_off)\[(\d+)\](?:\.(.*))?")


def parse_scenario(
    data: Any,
    where: str,
    *,
    book: PriceBook | None = None,
    base_dir: str = "",
    keep: bool = False,
    text: str | None = None,
) -> Scenario:
    """Build and check a scenario from parsed YAML/JSON ``data`` read from ``where``; ``keep``
    reads and keeps a validated copy (:mod:`costlab.validated_copy`), keyed by the file
    ``text`` the data was parsed from when given."""
    if not isinstance(data, Mapping):
        raise CostlabError("a scenario is a mapping with name, start, months and workloads", where)
    try:
        if keep:
            scenario = build_kept(Scenario, data, kind="scenario", text=text)
        else:
            scenario = build(Scenario, data)
    except CostlabError as exc:
        raise _locate(exc, data, where) from None
    scenario = dataclasses.replace(scenario, source=where, base_dir=base_dir)
    check_models(scenario, book or load_pricebook(), data)
    return scenario


def load_scenario(
    path: str | Path, *, book: PriceBook | None = None, keep: bool = False
) -> Scenario:
    """Read, validate and check a scenario file; errors name file, workload, field and line."""
    file = Path(path)
    where = _display(file)
    text = read_text(file, "scenario file")
    if keep:  # an unchanged file: its kept copy, without parsing or validating it again
        found = find_kept(Scenario, text, kind="scenario")
        if found is not None:
            scenario = dataclasses.replace(found, source=where, base_dir=str(file.parent))
            try:
                check_models(scenario, book or load_pricebook())
                return scenario
            except CostlabError:
                pass  # e.g. a model the price book no longer has: read the file for its line
    data = load_yaml(text, where)
    return parse_scenario(
        data, where, book=book, base_dir=str(file.parent), keep=keep, text=text if keep else None
    )


def _display(path: Path) -> str:
    """How messages name a file: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _locate(exc: CostlabError, data: Mapping[str, Any], where: str) -> CostlabError:
    """``workloads[0].x`` -> ``workloads[0] (triage): x`` (a one-off alike), inside the file."""
    if exc.where:
        match = _WORKLOAD_PATH.fullmatch(".".join(exc.where))
        if match:
            key, index, rest = match.group(1), int(match.group(2)), match.group(3)
            return CostlabError(exc.what, where, _workload_label(data, index, key), rest)
    return exc.within(where)


def _workload_label(data: Mapping[str, Any], index: int, key: str = "workloads") -> str:
    items = data.get(key)
    name = None
    if isinstance(items, list) and index < len(items):
        entry = items[index]
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            name = entry["name"]
    return f"{key}[{index}] ({name})" if name else f"{key}[{index}]"


def base_number(value: Number | None) -> Decimal:
    """A plain number from a field that may hold a range (its base) or nothing (zero)."""
    return Decimal(0) if value is None else base(value)
