"""Forecast a scenario month by month: requests, tokens and exact costs, budgets, ranges.

The rules (README "Scenario files"):

* **Calendar days**: ``requests_per_day`` x the days of each month (31 in January, 28 or 29 in
  February); ``requests_per_month`` is taken as is.
* **Growth** compounds from the second month: month *k* has ``prod(1 + rate_j, j = 2..k)``
  times the first month's volume. One rate, or a list of one rate per month from the second.
* **Retries** are extra requests: ``requests = tasks x (1 + retry_rate)``, where *tasks* is the
  volume before retries.
* **Batch**: ``batch_share`` of the requests is priced at the model's Batch API rates.
* **Caching**: ``cached_input_share`` of the input tokens is priced at the cached-input rate.
* **Reasoning** tokens are billed as output tokens and counted in ``output_tokens``
  (https://platform.openai.com/docs/guides/reasoning, checked 2026-11-26).
* **Prices** in force on the first day of each month apply to that month, so dated price
  changes and retirements inside the horizon take effect.
* **Nothing is rounded**: every figure is an exact ``Decimal`` (arithmetic runs in a context
  that raises on any inexact result); round only for display.

The engine is vectorized: per-request costs come from the cost engine
(:func:`costlab.cost.price_usage`, once per distinct request shape and price), and the months
are multiplied in numpy object arrays of ``Decimal`` (C loops, no per-cell Python), so a
10,000-variant, 36-month grid prices in a few seconds, exactly (benchmarks/bench_forecast.py). :func:`price_lines` is pure and
works on any chunk of lines; chunks' tables concatenate and their totals add.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from costlab.cost import Cost, Flag, Usage, lifecycle_flags, price_usage
from costlab.errors import CostlabError
from costlab.money import MONEY, ZERO, plain
from costlab.pricebook import Model, PriceBook, load_pricebook
from costlab.ranges import BANDS, EITHER_WAY, Band
from costlab.scenario import (
    NumberPath,
    Scenario,
    Workload,
    base_number,
    check_models,
    field_of,
)

#: Exact arithmetic for forecasts: 5,000 digits hold 120 months of compounding rates with six
#: decimals each, and any result that would need rounding raises instead of being rounded.
EXACT = Context(
    prec=5000,
    rounding=ROUND_HALF_EVEN,
    traps=[Inexact, InvalidOperation, DivisionByZero, Overflow],
)

ONE = Decimal(1)

#: Per-month figures of every line and month total, in the order tables show them.
TOKEN_FIGURES = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_tokens")
COST_FIGURES = ("input_cost", "cached_input_cost", "output_cost", "total_cost")
FIGURES = ("tasks", "requests", *TOKEN_FIGURES, *COST_FIGURES)

#: Flags that mean a model cannot serve a workload as specified (for the whole horizon).
BLOCKING = frozenset(
    {"context_window", "max_input", "max_output", "modality", "retired", "retires"}
)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of Decimals (``sum()`` would round to the default 28 digits)."""
    total = ZERO
    for value in values:
        total = EXACT.add(total, value)
    return total


def column(values: Iterable[Any]) -> np.ndarray:
    """An object array of ``values`` (Decimals, None...) to assign as a DataFrame column."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


@dataclass(frozen=True)
class ForecastFlag:
    """A warning about one workload on one model (a limit, a retirement, a missing price)."""

    workload: str
    model: str
    code: str
    """context_window | max_input | max_output | modality | retired | retires | deprecated |
    no_batch | no_cached_price | no_image_rule"""
    message: str
    month: str | None = None
    """first month it applies to, YYYY-MM, where it depends on the month"""

    @property
    def blocking(self) -> bool:
        """True when the model cannot serve the workload as specified over the horizon."""
        return self.code in BLOCKING

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class BudgetStatus:
    """The forecast (base band) against the scenario's budget."""

    monthly: Decimal | None
    """USD per month, if set"""
    total: Decimal | None
    """USD over the horizon, if set"""
    first_month_over: str | None
    """first month whose cost exceeds the monthly budget, YYYY-MM"""
    months_over: tuple[str, ...]
    total_runs_out: str | None
    """month in which the cumulative cost first exceeds the total budget"""
    first_month_over_high: str | None = None
    """the same for the high band (equal to the base without ranges)"""
    total_runs_out_high: str | None = None

    @property
    def has_budget(self) -> bool:
        return self.monthly is not None or self.total is not None

    @property
    def within(self) -> bool:
        return self.first_month_over is None and self.total_runs_out is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "monthly": None if self.monthly is None else plain(self.monthly),
            "total": None if self.total is None else plain(self.total),
            "within": self.within,
            "first_month_over": self.first_month_over,
            "months_over": list(self.months_over),
            "total_runs_out": self.total_runs_out,
            "first_month_over_high": self.first_month_over_high,
            "total_runs_out_high": self.total_runs_out_high,
        }


@dataclass(frozen=True)
class PricedLines:
    """One chunk of lines priced over the months.

    ``frame``: one row per (line, month), line-major, exact ``Decimal`` figures.
    ``totals``: one row per month, the exact sums of ``frame``'s figures.
    """

    frame: pd.DataFrame
    totals: pd.DataFrame
    flags: tuple[ForecastFlag, ...]


@dataclass(frozen=True)
class Forecast:
    """A scenario forecast; every money column is an exact ``Decimal`` (object dtype).

    * ``lines``: month x workload x route x model x batch rows — ``month`` (YYYY-MM),
      ``month_index`` (1-based), ``workload``, ``role`` (single | leg | escalation), ``leg``,
      ``model`` (canonical id), ``provider``, ``batch``, then per month ``tasks`` (requests
      before retries), ``requests``, ``input_tokens`` (cached included), ``cached_input_tokens``,
      ``output_tokens`` (reasoning included), ``reasoning_tokens``, ``input_cost`` (uncached
      input), ``cached_input_cost``, ``output_cost``, ``total_cost``, ``cumulative_cost``, and
      each figure again as ``<figure>_low`` / ``<figure>_high`` (the range bands; equal to the
      base when the scenario has no ranges). The bands bracket the base for every month's
      total and every workload's; a single route's band need not (a ranged ``batch_share``
      takes the end that is cheaper for its workload as a whole).
    * ``months``: the scenario totals per month with the same figures, ``days``, and budget
      columns ``monthly_budget``, ``headroom`` (budget - cost), ``over_budget``,
      ``budget_remaining`` (total budget - cumulative cost).
    * ``sensitivity``: tornado data, one row per ranged number (see :func:`sensitivity`).

    All amounts are USD; token and request figures are expected values (Decimal, fractional
    where growth or shares make them so).
    """

    scenario: Scenario
    lines: pd.DataFrame
    months: pd.DataFrame
    budget: BudgetStatus
    flags: tuple[ForecastFlag, ...]
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def total_cost(self) -> Decimal:
        return exact_sum(self.months["total_cost"])

    @property
    def total_cost_low(self) -> Decimal:
        return exact_sum(self.months["total_cost_low"])

    @property
    def total_cost_high(self) -> Decimal:
        return exact_sum(self.months["total_cost_high"])

    def total(self, figure: str, band: Band = "base") -> Decimal:
        """The horizon total of a figure (``requests``, ``tasks``, ``input_tokens``...)."""
        column = figure if band == "base" else f"{figure}_{band}"
        return exact_sum(self.months[column])

    def by(self, keys: Sequence[str]) -> pd.DataFrame:
        """``lines`` summed to coarser keys, e.g. ``["month", "workload", "model"]``, exactly;
        with ``month`` among the keys, ``cumulative_cost`` runs over the months per group."""
        return regroup(self.lines, keys, bands=self.scenario.has_ranges)

    @cached_property
    def workloads(self) -> pd.DataFrame:
        """Horizon totals per workload (all its routes), with ``models`` (the models it uses),
        ``cost_per_1k_requests`` and ``cost_per_task`` (USD; retries and escalations included)."""
        table = regroup(self.lines, ["workload"], bands=self.scenario.has_ranges)
        used = self.lines.groupby("workload", observed=True, sort=False)["model"].unique()
        table.insert(1, "models", [", ".join(map(str, used[w])) for w in table["workload"]])
        order = {w.name: i for i, w in enumerate(self.scenario.workloads)}
        table = table.sort_values("workload", key=lambda c: c.map(order)).reset_index(drop=True)
        return _with_unit_costs(table)

    @cached_property
    def routes(self) -> pd.DataFrame:
        """Horizon totals per workload and route (role, leg, model), with unit costs."""
        table = regroup(
            self.lines, ["workload", "role", "leg", "model"], bands=self.scenario.has_ranges
        )
        return _with_unit_costs(table)

    def blocking_flags(self) -> list[ForecastFlag]:
        return [f for f in self.flags if f.blocking]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, for exports (a sheet each)."""
        flags = pd.DataFrame(
            [f.to_dict() for f in self.flags],
            columns=["workload", "model", "code", "message", "month"],
        )
        b = self.budget
        budget = pd.DataFrame(
            {
                "monthly_budget": column([b.monthly]),
                "total_budget": column([b.total]),
                "within": [b.within],
                "first_month_over": [b.first_month_over],
                "months_over": [len(b.months_over)],
                "total_runs_out": [b.total_runs_out],
            }
        )
        tables = {
            "months": self.months,
            "workloads": self.workloads,
            "routes": self.routes,
            "lines": self.lines,
            "budget": budget,
            "flags": flags,
        }
        if not self.sensitivity.empty:
            tables["sensitivity"] = self.sensitivity
        return tables

    def to_dict(self, *, lines: bool = True) -> dict[str, Any]:
        """JSON-ready: money and expected counts as exact decimal strings."""
        s = self.scenario
        return {
            "scenario": s.name,
            "source": s.source or None,
            "start": s.start,
            "months_count": s.months,
            "total_cost": plain(self.total_cost),
            "total_cost_low": plain(self.total_cost_low),
            "total_cost_high": plain(self.total_cost_high),
            "total_requests": _text(self.total("requests")),
            "total_tasks": _text(self.total("tasks")),
            "budget": self.budget.to_dict(),
            "months": records(self.months),
            "workloads": records(self.workloads),
            "routes": records(self.routes),
            **({"lines": records(self.lines)} if lines else {}),
            "sensitivity": records(self.sensitivity),
            "flags": [f.to_dict() for f in self.flags],
        }


def _text(value: Any) -> Any:
    return exact_text(value) if isinstance(value, Decimal) else value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: Decimals as exact strings, numpy scalars as Python ones."""
    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, Decimal):
                clean[str(key)] = plain(value) if is_money(str(key)) else exact_text(value)
            elif isinstance(value, np.generic):
                clean[str(key)] = value.item()
            elif isinstance(value, date):
                clean[str(key)] = value.isoformat()
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                clean[str(key)] = None
            else:
                clean[str(key)] = value
        out.append(clean)
    return out


#: Money columns that do not end in ``_cost`` (those that do are money too).
MONEY_COLUMNS = frozenset(
    {
        "monthly_budget",
        "total_budget",
        "headroom",
        "budget_remaining",
        "swing",
        "total_at_low",
        "total_at_high",
        "variance_usd",
        "vs_cheapest",
    }
)


def is_money(column: str) -> bool:
    """Whether a table column holds USD (for formats: $ in tables, currency in XLSX)."""
    stem = column.removesuffix("_low").removesuffix("_high")
    return stem.endswith("_cost") or stem.startswith("cost_per") or stem in MONEY_COLUMNS


def exact_text(value: Decimal) -> str:
    """A Decimal as exact text without exponent or trailing zeros: ``651000``, ``0.5``."""
    return format(value.normalize(EXACT), "f")


# --- lines: the unit the engine prices --------------------------------------------------------


def expand(
    scenario: Scenario,
    book: PriceBook,
    band: Band = "base",
    ends: Mapping[NumberPath, Band] | None = None,
) -> pd.DataFrame:
    """One row per line (workload x route x batch part) with per-request tokens and shares.

    ``scenario`` may hold ranges: ``band`` picks the value each range contributes, and the
    rows are the same for every band (a batch part exists when any band sends batch traffic),
    so bands line up row by row. Columns: ``workload``, ``where`` (for errors), ``role``,
    ``leg``, ``model`` (as written), ``field`` (where it is named), ``batch``, ``per_day``,
    ``volume`` (requests per day or per month, first month), ``growth`` (tuple of per-month
    rates from the second month), ``share`` (requests on this line per task, before retries),
    ``task_share`` (tasks first served here), ``attempts`` (1 + retry_rate), per-request
    ``input_tokens``, ``cached_input_tokens``, ``output_tokens``, ``reasoning_tokens``, and
    ``images`` (images per request). ``ends`` forces the end of given ranged numbers (see
    :meth:`~costlab.scenario.Scenario.at`).
    """
    resolved = scenario.at(band, ends)
    models = check_models(scenario, book)
    rows: list[dict[str, Any]] = []
    for i, (template, workload) in enumerate(
        zip(scenario.workloads, resolved.workloads, strict=True)
    ):
        where = scenario.workload_where(i)
        batch_parts = _batch_parts(template, workload)
        growth = _growth_rates(workload, scenario.months)
        per_day = workload.requests_per_day is not None
        volume = base_number(workload.requests_per_day if per_day else workload.requests_per_month)
        attempts = ONE + base_number(workload.retry_rate)
        for route in workload.routes:
            model = models[route.model]
            tokens = request_tokens(resolved, i, workload, model, book)
            share = base_number(route.share)
            for batch, part in batch_parts:
                rows.append(
                    {
                        "workload": workload.name,
                        "where": where,
                        "role": route.role,
                        "leg": route.leg,
                        "model": route.model,
                        "field": route.field,
                        "batch": batch,
                        "per_day": per_day,
                        "volume": tidy(volume),
                        "growth": growth,
                        "share": tidy(EXACT.multiply(share, part)),
                        "task_share": tidy(EXACT.multiply(share, part))
                        if route.serves_tasks
                        else ZERO,
                        "attempts": tidy(attempts),
                        **tokens,
                    }
                )
    return pd.DataFrame(rows)


def _batch_parts(template: Workload, workload: Workload) -> list[tuple[bool, Decimal]]:
    """(batch?, share of requests) parts present in any band, valued for this band."""
    share = base_number(workload.batch_share)
    spread = template.batch_share
    lowest = spread.low if not isinstance(spread, Decimal) else spread
    highest = spread.high if not isinstance(spread, Decimal) else spread
    parts = []
    if lowest < 1:
        parts.append((False, EXACT.subtract(ONE, share)))
    if highest > 0:
        parts.append((True, share))
    return parts


def _growth_rates(workload: Workload, months: int) -> tuple[Decimal, ...]:
    if isinstance(workload.growth, tuple):
        return tuple(base_number(r) for r in workload.growth)
    return (base_number(workload.growth),) * (months - 1)


def request_tokens(
    scenario: Scenario,
    index: int,
    workload: Workload,
    model: Model,
    book: PriceBook | None = None,
) -> dict[str, Decimal]:
    """Per-request tokens of a (range-free) workload on a model.

    ``input_tokens`` includes the cached part and the images' tokens; ``output_tokens``
    includes reasoning tokens. A ``sample`` is measured on this model (its mean input tokens
    per request replace ``input_tokens``); images use the model's image rule from the price
    book. Both depend on the model, so a comparison re-measures them per candidate.
    """
    where = (scenario.source or None, scenario.workload_where(index))
    if workload.sample is not None:
        input_tokens = sample_tokens(scenario, workload.sample, model, book, where)
    else:
        input_tokens = base_number(workload.input_tokens)
    images = ZERO if workload.images is None else base_number(workload.images.count)
    # A model without image input cannot serve the workload at all (flagged "modality"), and
    # a model without a published image rule gets a "no_image_rule" flag; in both cases the
    # text is still priced so a comparison shows what the text alone would cost.
    if workload.images is not None and images > 0 and model.images is not None:
        from costlab.tokens import image_tokens

        per_image = image_tokens(
            model.images, workload.images.width, workload.images.height, workload.images.detail
        )
        input_tokens = EXACT.add(input_tokens, EXACT.multiply(images, Decimal(per_image)))
    reasoning = base_number(workload.reasoning_tokens)
    cached = EXACT.multiply(input_tokens, base_number(workload.cached_input_share))
    return {
        "input_tokens": tidy(input_tokens),
        "cached_input_tokens": tidy(cached),
        "output_tokens": tidy(EXACT.add(base_number(workload.output_tokens), reasoning)),
        "reasoning_tokens": tidy(reasoning),
        "images": images,
    }


def sample_tokens(
    scenario: Scenario,
    sample: str,
    model: Model,
    book: PriceBook | None,
    where: tuple[str | None, str],
) -> Decimal:
    """Mean input tokens per request of a sample file (prompt, request JSON, batch JSONL)."""
    path = Path(sample)
    if not path.is_absolute() and scenario.base_dir:
        path = Path(scenario.base_dir) / path
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise CostlabError(f"no such sample file: {path}", *where, "sample") from None
    try:
        requests, tokens = _measured(str(path), stamp, model.id, book)
    except CostlabError as exc:
        raise CostlabError(exc.what, *where, "sample", *exc.where) from None
    # The mean of a sample is a measurement, not money: 127 tokens over 3 requests has no exact
    # decimal, so it is kept to a thousandth of a token (the forecast stays exact from there).
    return tidy(MONEY.divide(Decimal(tokens), Decimal(requests)).quantize(Decimal("0.001")))


@functools.lru_cache(maxsize=256)
def _measured(path: str, stamp: int, model: str, book: PriceBook | None) -> tuple[int, int]:
    """(requests, input tokens) of a sample on a model; cached per file version and model."""
    from costlab.tokens import count_path

    count = count_path(path, model=model, book=book)
    if count.errors:
        raise CostlabError(
            f"{len(count.errors)} bad line(s) in the sample; first: {count.errors[0]}"
        )
    if not count.requests:
        raise CostlabError("the sample holds no request to measure")
    return count.requests, count.input_tokens


# --- the vectorized engine --------------------------------------------------------------------


def price_lines(
    lines: pd.DataFrame, months: Sequence[date], *, book: PriceBook | None = None
) -> PricedLines:
    """Price a chunk of lines (see :func:`expand`) over the months starting on ``months``.

    Pure: depends only on its arguments, so chunks of lines can be priced apart (on other
    workers) and their tables concatenated, their ``totals`` added.
    """
    priced = _price(lines, months, book or load_pricebook())
    return PricedLines(
        frame=_long_frame(priced, {}), totals=_totals_frame(priced, {}), flags=priced.flags
    )


@dataclass(frozen=True)
class _Priced:
    """The engine's arrays: figures[name] is lines x months, totals[name] is per month."""

    months: Sequence[date]
    lines: pd.DataFrame
    models: list[Model]
    line_model: np.ndarray
    figures: dict[str, np.ndarray]
    totals: dict[str, np.ndarray]
    flags: tuple[ForecastFlag, ...]


def _price(lines: pd.DataFrame, months: Sequence[date], book: PriceBook) -> _Priced:
    n_lines, n_months = len(lines), len(months)
    with localcontext(EXACT):
        tasks, requests = _volumes(lines, months)
        costs, models, line_model, flags = _request_costs(lines, months, book)
        figures: dict[str, np.ndarray] = {"tasks": tasks, "requests": requests}
        for name in TOKEN_FIGURES:
            per_request = lines[name].to_numpy(dtype=object) if n_lines else np.empty(0, object)
            figures[name] = _times(requests, per_request[:, None])
        for name in ("input_cost", "cached_input_cost", "output_cost"):
            figures[name] = _times(requests, costs[name])
        figures["total_cost"] = (
            figures["input_cost"] + figures["cached_input_cost"] + figures["output_cost"]
        )
        figures["cumulative_cost"] = (
            np.cumsum(figures["total_cost"], axis=1) if n_lines else figures["total_cost"]
        )
        totals = {
            name: (figures[name].sum(axis=0) if n_lines else np.full(n_months, ZERO, dtype=object))
            for name in FIGURES
        }
        totals = {
            name: np.array([tidy(v) for v in values], dtype=object)
            for name, values in totals.items()
        }
        totals["cumulative_cost"] = (
            np.cumsum(totals["total_cost"]) if n_months else totals["total_cost"]
        )
    return _Priced(months, lines, models, line_model, figures, totals, tuple(flags))


def _times(requests: np.ndarray, per_request: np.ndarray) -> np.ndarray:
    """``requests * per_request`` (broadcast), sharing one zero object where a line's
    per-request figure is zero in every month (no reasoning, no cache): a big grid then holds
    millions fewer Decimal objects."""
    zero_rows = np.array([all(v == 0 for v in row) for row in per_request], dtype=bool)
    if not zero_rows.any():
        return requests * per_request
    out = np.full(requests.shape, ZERO, dtype=object)
    live = ~zero_rows
    if live.any():
        out[live] = requests[live] * per_request[live]
    return out


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros (``351.5400`` -> ``351.54``)."""
    if value.as_tuple().exponent >= 0:  # type: ignore[operator]
        return value
    reduced = value.normalize(EXACT)
    return reduced.quantize(ONE) if reduced.as_tuple().exponent > 0 else reduced  # type: ignore[operator]


#: :func:`tidy` over an object array (C loop).
_tidy_all = np.frompyfunc(lambda v: tidy(v), 1, 1)


def _categorical(values: np.ndarray, n_months: int) -> pd.Categorical:
    """Per-line labels repeated for every month, as a categorical (cheap for big grids)."""
    codes, categories = pd.factorize(values, sort=False)
    return pd.Categorical.from_codes(np.repeat(codes, n_months), categories=pd.Index(categories))


def _long_frame(base: _Priced, bands: dict[Band, _Priced]) -> pd.DataFrame:
    """The ``lines`` table: one row per (line, month), line-major, band columns included."""
    n_lines, n_months = len(base.lines), len(base.months)
    labels = [month_label(m) for m in base.months]
    lines = base.lines
    models = base.models
    line_model = base.line_model
    model_ids = np.array([models[c].id for c in line_model], dtype=object)
    providers = np.array([models[c].provider for c in line_model], dtype=object)
    columns: dict[str, Any] = {
        "month": pd.Categorical.from_codes(
            np.tile(np.arange(n_months), n_lines), categories=pd.Index(labels), ordered=True
        ),
        "month_index": np.tile(np.arange(1, n_months + 1), n_lines),
        "workload": _categorical(lines["workload"].to_numpy(dtype=object), n_months),
        "role": _categorical(lines["role"].to_numpy(dtype=object), n_months),
        "leg": np.repeat(lines["leg"].to_numpy(dtype=np.int64), n_months),
        "model": _categorical(model_ids, n_months),
        "provider": _categorical(providers, n_months),
        "batch": np.repeat(lines["batch"].to_numpy(dtype=bool), n_months),
    }
    if not n_lines:
        columns = {name: [] for name in columns}
    for name in (*FIGURES, "cumulative_cost"):
        columns[name] = base.figures[name].ravel()
    for name in (*FIGURES, "cumulative_cost"):
        for band in ("low", "high"):
            columns[f"{name}_{band}"] = bands.get(band, base).figures[name].ravel()
    # copy=False keeps one block per column: no consolidation copy of a big object grid, and
    # unranged band columns share their base arrays (pandas copies on write).
    return pd.DataFrame(columns, copy=False)


def _totals_frame(base: _Priced, bands: dict[Band, _Priced]) -> pd.DataFrame:
    """The ``months`` table before budget columns: scenario totals per month, with bands."""
    columns: dict[str, Any] = {
        "month": [month_label(m) for m in base.months],
        "month_index": np.arange(1, len(base.months) + 1),
        "days": [days_in_month(m) for m in base.months],
    }
    for name in (*FIGURES, "cumulative_cost"):
        columns[name] = base.totals[name]
    for name in (*FIGURES, "cumulative_cost"):
        for band in ("low", "high"):
            columns[f"{name}_{band}"] = bands.get(band, base).totals[name]
    return pd.DataFrame(columns)


def _volumes(lines: pd.DataFrame, months: Sequence[date]) -> tuple[np.ndarray, np.ndarray]:
    """Tasks and requests per line and month (call inside the EXACT context)."""
    n_lines, n_months = len(lines), len(months)
    if not n_lines:
        empty = np.empty((0, n_months), dtype=object)
        return empty, empty
    # Growth: one compounding profile per distinct list of rates (usually very few).
    profile_of: dict[tuple[Decimal, ...], int] = {}
    profile_index = np.empty(n_lines, dtype=np.int64)
    for i, rates in enumerate(lines["growth"]):
        profile_index[i] = profile_of.setdefault(tuple(rates), len(profile_of))
    factors = np.empty((len(profile_of), n_months), dtype=object)
    for rates, p in profile_of.items():
        if len(rates) != n_months - 1:
            raise CostlabError(f"growth lists {len(rates)} rates for {n_months} months")
        factor = ONE
        factors[p, 0] = ONE
        for m in range(1, n_months):
            factor = tidy(factor * (ONE + rates[m - 1]))
            factors[p, m] = factor
    days = np.array([Decimal(days_in_month(m)) for m in months], dtype=object)
    ones = np.full(n_months, ONE, dtype=object)
    per_day = lines["per_day"].to_numpy(dtype=bool)
    units = np.where(per_day[:, None], days[None, :], ones[None, :])
    volume = lines["volume"].to_numpy(dtype=object)
    workload_tasks = volume[:, None] * units * factors[profile_index]
    tasks = workload_tasks * lines["task_share"].to_numpy(dtype=object)[:, None]
    per_task = lines["attempts"].to_numpy(dtype=object) * lines["share"].to_numpy(dtype=object)
    requests = workload_tasks * per_task[:, None]
    return tasks, requests


_REQUEST_FLAGS = frozenset(
    {"context_window", "max_input", "max_output", "no_batch", "no_cached_price"}
)


def _request_costs(
    lines: pd.DataFrame, months: Sequence[date], book: PriceBook
) -> tuple[dict[str, np.ndarray], list[Model], np.ndarray, list[ForecastFlag]]:
    """Cost of one request of each line in each month, by component, from the cost engine."""
    n_lines, n_months = len(lines), len(months)
    labels = [month_label(m) for m in months]
    names = lines["model"].to_numpy(dtype=object) if n_lines else np.empty(0, dtype=object)
    models: list[Model] = []
    model_code: dict[str, int] = {}
    line_model = np.empty(n_lines, dtype=np.int64)
    entry_of_month: list[list[int]] = []
    flags: list[ForecastFlag] = []
    for i, name in enumerate(names):
        code = model_code.get(name)
        if code is None:
            where = (str(lines["where"].iat[i]), str(lines["field"].iat[i]))
            try:
                model = book.resolve(name)
            except CostlabError as exc:
                raise CostlabError(exc.what, *where) from None
            code = model_code[name] = len(models)
            models.append(model)
            entry_of_month.append(_entries(model, months, where))
        line_model[i] = code

    # Distinct request shapes (model, batch, tokens) are priced once per price entry.
    shape_of: dict[tuple[Any, ...], int] = {}
    line_shape = np.empty(n_lines, dtype=np.int64)
    columns = [
        lines[c].to_numpy(dtype=object)
        for c in ("input_tokens", "cached_input_tokens", "output_tokens")
    ]
    batch = lines["batch"].to_numpy(dtype=bool) if n_lines else np.empty(0, dtype=bool)
    shapes: list[tuple[int, bool, Decimal, Decimal, Decimal]] = []
    for i in range(n_lines):
        key = (int(line_model[i]), bool(batch[i]), columns[0][i], columns[1][i], columns[2][i])
        s = shape_of.get(key)
        if s is None:
            s = shape_of[key] = len(shapes)
            shapes.append(key)
        line_shape[i] = s

    per_shape = {
        name: np.empty((len(shapes), n_months), dtype=object)
        for name in ("input_cost", "cached_input_cost", "output_cost")
    }
    shape_flags: list[list[Flag]] = []
    for s, (m, is_batch, input_tokens, cached, output) in enumerate(shapes):
        model = models[m]
        usage = Usage(
            input_tokens=input_tokens,
            cached_input_tokens=cached,
            output_tokens=output,
            requests=1,
            batch=is_batch,
        )
        by_entry: dict[int, Cost] = {}
        for month_index, entry in enumerate(entry_of_month[m]):
            cost = by_entry.get(entry)
            if cost is None:
                cost = by_entry[entry] = price_usage(model, usage, on=months[month_index])
            per_shape["input_cost"][s, month_index] = tidy(cost.input_cost)
            per_shape["cached_input_cost"][s, month_index] = tidy(cost.cached_input_cost)
            per_shape["output_cost"][s, month_index] = tidy(cost.output_cost)
        found = {f.code: f for c in by_entry.values() for f in c.flags if f.code in _REQUEST_FLAGS}
        shape_flags.append(list(found.values()))

    # Per workload: the request flags of its shapes, image input on a model without image
    # input, and the model's lifecycle over the horizon.
    seen: set[tuple[str, str, str]] = set()
    lifecycle: dict[int, list[ForecastFlag]] = {}
    images = lines["images"].to_numpy(dtype=object) if n_lines else np.empty(0, dtype=object)
    workloads = lines["workload"].to_numpy(dtype=object) if n_lines else np.empty(0, dtype=object)
    for i in range(n_lines):
        m = int(line_model[i])
        model, workload = models[m], str(workloads[i])
        found_flags = [
            ForecastFlag(workload, model.id, f.code, f.message) for f in shape_flags[line_shape[i]]
        ]
        if images[i] > 0 and "image" in model.input_modalities and model.images is None:
            found_flags.append(
                ForecastFlag(
                    workload,
                    model.id,
                    "no_image_rule",
                    f"{model.id}: the price book has no image-token rule for this model; "
                    "its images are not priced",
                )
            )
        if images[i] > 0 and "image" not in model.input_modalities:
            accepted = ", ".join(model.input_modalities)
            found_flags.append(
                ForecastFlag(
                    workload,
                    model.id,
                    "modality",
                    f"{model.id}: accepts {accepted} input only; this workload sends images",
                )
            )
        if m not in lifecycle:
            lifecycle[m] = _lifecycle(model, months, labels)
        found_flags.extend(dataclasses.replace(f, workload=workload) for f in lifecycle[m])
        for flag in found_flags:
            seen_key = (workload, model.id, flag.code)
            if seen_key not in seen:
                seen.add(seen_key)
                flags.append(flag)

    costs = {
        name: table[line_shape] if n_lines else np.empty((0, n_months), dtype=object)
        for name, table in per_shape.items()
    }
    return costs, models, line_model, flags


def _entries(model: Model, months: Sequence[date], where: tuple[str, str]) -> list[int]:
    """Index of the price entry in force on the first day of each month."""
    out = []
    for day in months:
        try:
            entry = model.price_on(day)
        except CostlabError as exc:
            raise CostlabError(exc.what, *where) from None
        out.append(model.prices.index(entry))
    return out


def _lifecycle(model: Model, months: Sequence[date], labels: Sequence[str]) -> list[ForecastFlag]:
    """Retirement and deprecation as the horizon sees them (the first month each applies)."""
    out: list[ForecastFlag] = []
    codes: set[str] = set()
    for day, label in zip(months, labels, strict=True):
        for flag in lifecycle_flags(model, day):
            if flag.code in codes:
                continue
            codes.add(flag.code)
            message = flag.message
            if flag.code == "retired":
                message += f"; months from {label} are priced at its last price"
            out.append(ForecastFlag("", model.id, flag.code, message, label))
    life = model.lifecycle
    retires = life.retires_on if life is not None else None
    if retires is not None and months[0] < retires <= _horizon_end(months):
        out.append(
            ForecastFlag(
                "",
                model.id,
                "retires",
                f"{model.id}: retires on {retires}, inside the forecast horizon "
                f"({labels[0]} to {labels[-1]})",
                month_label(retires),
            )
        )
    return out


def _horizon_end(months: Sequence[date]) -> date:
    last = months[-1]
    return date(last.year, last.month, days_in_month(last))


# --- the forecast -----------------------------------------------------------------------------


def forecast(
    scenario: Scenario, *, book: PriceBook | None = None, sensitivity_table: bool = True
) -> Forecast:
    """Forecast ``scenario`` month by month (base band, and low/high bands when it has ranges).

    >>> from costlab.scenario import Scenario, Workload
    >>> bot = Scenario(name="support-bot", start="2027-01", months=2, workloads=(Workload(
    ...     name="triage", model="gpt-4.1-mini", requests_per_day=Decimal(20000),
    ...     input_tokens=Decimal(1200), cached_input_share=Decimal("0.5"),
    ...     output_tokens=Decimal(150), retry_rate=Decimal("0.05"), growth=Decimal("0.10")),))
    >>> [str(cost) for cost in forecast(bot).months["total_cost"]]
    ['351.54', '349.272']
    """
    book = book or load_pricebook()
    months = scenario.month_starts()
    ranged = scenario.has_ranges
    try:
        priced = {
            band: _price(
                expand(scenario, book, band, _ends(scenario, band, months, book)), months, book
            )
            for band in (BANDS if ranged else ("base",))
        }
        table = (
            sensitivity(scenario, book=book)
            if (ranged and sensitivity_table)
            else _empty_sensitivity()
        )
    except CostlabError as exc:
        if scenario.source and (not exc.where or exc.where[0] != scenario.source):
            raise exc.within(scenario.source) from None
        raise
    except (Inexact, Overflow):
        raise _too_many_digits(scenario) from None
    base = priced.pop("base")
    lines = _long_frame(base, priced)
    totals = _totals_frame(base, priced)
    totals, budget = _budget(scenario, totals)
    return Forecast(
        scenario=scenario,
        lines=lines,
        months=totals,
        budget=budget,
        flags=base.flags,
        sensitivity=table,
    )


def _too_many_digits(scenario: Scenario) -> CostlabError:
    """Exactness has a limit: the EXACT context's 5,000 significant digits."""
    return CostlabError(
        f"the forecast needs more than {EXACT.prec:,} significant digits to stay exact; "
        "give growth rates and shares with fewer decimals or a shorter horizon",
        scenario.label,
    )


def _ends(
    scenario: Scenario, band: Band, months: Sequence[date], book: PriceBook
) -> dict[NumberPath, Band]:
    """For numbers whose cost direction depends on the workload (``batch_share``): the end
    that makes each workload cheapest (low band) or dearest (high band), with every other
    number at the band's value. Workloads add up, so each is decided on its own total."""
    paths = [a.path for a in scenario.ranges() if field_of(a.path) in EITHER_WAY]
    if band == "base" or not paths:
        return {}
    totals: dict[Band, dict[str, Decimal]] = {}
    for end in ("low", "high"):
        lines = expand(scenario, book, band, {path: end for path in paths})
        priced = _price(lines, months, book)
        with localcontext(EXACT):
            per_line = priced.figures["total_cost"].sum(axis=1)
        by_workload: dict[str, Decimal] = {}
        for name, cost in zip(lines["workload"], per_line, strict=True):
            by_workload[name] = EXACT.add(by_workload.get(name, ZERO), cost)
        totals[end] = by_workload
    chosen: dict[NumberPath, Band] = {}
    for path in paths:
        name = scenario.workloads[int(path[1])].name
        low_end, high_end = totals["low"][name], totals["high"][name]
        cheaper: Band = "low" if low_end <= high_end else "high"
        dearer: Band = "high" if cheaper == "low" else "low"
        chosen[path] = cheaper if band == "low" else dearer
    return chosen


def _budget(scenario: Scenario, totals: pd.DataFrame) -> tuple[pd.DataFrame, BudgetStatus]:
    budget = scenario.budget
    monthly = budget.monthly if budget else None
    total = budget.total if budget else None
    out = totals.copy()
    costs = list(out["total_cost"])
    running = list(out["cumulative_cost"])
    if monthly is not None:
        out["monthly_budget"] = column([monthly] * len(out))
        out["headroom"] = column(EXACT.subtract(monthly, c) for c in costs)
        out["over_budget"] = [c > monthly for c in costs]
    if total is not None:
        out["total_budget"] = column([total] * len(out))
        out["budget_remaining"] = column(EXACT.subtract(total, c) for c in running)
    labels = list(out["month"])
    over = tuple(
        lbl for lbl, c in zip(labels, costs, strict=True) if monthly is not None and c > monthly
    )

    def first(values: Sequence[Decimal], limit: Decimal | None) -> str | None:
        if limit is None:
            return None
        return next((lbl for lbl, c in zip(labels, values, strict=True) if c > limit), None)

    status = BudgetStatus(
        monthly=monthly,
        total=total,
        first_month_over=over[0] if over else None,
        months_over=over,
        total_runs_out=first(running, total),
        first_month_over_high=first(list(out["total_cost_high"]), monthly),
        total_runs_out_high=first(list(out["cumulative_cost_high"]), total),
    )
    return out, status


def with_budget(
    fc: Forecast, *, monthly: Decimal | None = None, total: Decimal | None = None
) -> Forecast:
    """The same forecast checked against another budget (e.g. ``costlab check --budget``)."""
    from costlab.scenario import Budget

    current = fc.scenario.budget or Budget()
    budget = Budget(
        monthly=monthly if monthly is not None else current.monthly,
        total=total if total is not None else current.total,
    )
    scenario = dataclasses.replace(fc.scenario, budget=budget)
    plain_totals = fc.months.drop(
        columns=[
            c
            for c in (
                "monthly_budget",
                "headroom",
                "over_budget",
                "total_budget",
                "budget_remaining",
            )
            if c in fc.months
        ]
    )
    months, status = _budget(scenario, plain_totals)
    return dataclasses.replace(fc, scenario=scenario, months=months, budget=status)


# --- ranges: sensitivity (tornado data) --------------------------------------------------------


def _empty_sensitivity() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "assumption",
            "low",
            "base",
            "high",
            "total_at_low",
            "total_at_high",
            "swing",
            "rank",
        ]
    )


def sensitivity(scenario: Scenario, *, book: PriceBook | None = None) -> pd.DataFrame:
    """For each ranged number: the total cost with it at its low and at its high end, every
    other number at its base; ranked by swing (|total_at_high - total_at_low|), largest first.

    Columns: ``assumption`` (``triage: input_tokens``), ``low``/``base``/``high`` (the input
    values), ``total_at_low``, ``total_at_high``, ``swing`` (USD, exact), ``rank``.
    """
    book = book or load_pricebook()
    months = scenario.month_starts()
    rows: list[dict[str, Any]] = []
    for assumption in scenario.ranges():
        totals = []
        for value in (assumption.range.low, assumption.range.high):
            variant = scenario.with_number(assumption.path, value)
            priced = _price(expand(variant, book), months, book)
            totals.append(exact_sum(priced.totals["total_cost"]))
        rows.append(
            {
                "assumption": assumption.label,
                "low": assumption.range.low,
                "base": assumption.range.base,
                "high": assumption.range.high,
                "total_at_low": tidy(totals[0]),
                "total_at_high": tidy(totals[1]),
                "swing": tidy(abs(EXACT.subtract(totals[1], totals[0]))),
            }
        )
    rows.sort(key=lambda r: (-r["swing"], r["assumption"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return pd.DataFrame(rows, columns=_empty_sensitivity().columns)


# --- exact regrouping -------------------------------------------------------------------------


def _figure_columns(frame: pd.DataFrame, bands: bool) -> list[str]:
    names = set(FIGURES)
    out = []
    for column in frame.columns:
        name = str(column)
        stem = name.removesuffix("_low").removesuffix("_high")
        if stem in names and (bands or stem == name):
            out.append(name)
    return out


def regroup(frame: pd.DataFrame, keys: Sequence[str], *, bands: bool = True) -> pd.DataFrame:
    """Sum a forecast table's figures to ``keys`` exactly, e.g. ``["month", "model"]``.

    Group sums are numpy ``add.reduceat`` over object arrays in the exact context: C loops,
    not a Python function per group. With ``month`` in ``keys``, ``cumulative_cost`` runs
    over the months of each group. ``bands=False`` sums only the base figures and copies them
    to the ``_low``/``_high`` columns (right when the forecast has no ranges, and faster).
    """
    keys = list(keys)
    columns = _figure_columns(frame, bands)
    copies = [] if bands else [c for c in _figure_columns(frame, True) if c not in columns]
    series_keys = [k for k in keys if k != "month"]
    ordered_keys = series_keys + (["month"] if "month" in keys else [])
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *columns, *copies])
    with localcontext(EXACT):
        if not keys:
            out = pd.DataFrame([{c: frame[c].to_numpy(dtype=object).sum() for c in columns}])
        else:
            # Group codes in key order (month last), then one stable argsort of the codes.
            codes = (
                frame.groupby(ordered_keys, sort=True, dropna=False, observed=True)
                .ngroup()
                .to_numpy()
            )
            order = np.argsort(codes, kind="stable")
            sorted_codes = codes[order]
            starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
            first_rows = order[starts]
            out = pd.DataFrame({k: frame[k].to_numpy()[first_rows] for k in ordered_keys})
            for column in columns:
                values = frame[column].to_numpy(dtype=object)[order]
                out[column] = _tidy_all(np.add.reduceat(values, starts))
        for column in copies:
            out[column] = out[column.removesuffix("_low").removesuffix("_high")]
        if "month" in keys:
            at_start = (
                out.groupby(series_keys, sort=False, dropna=False).cumcount().to_numpy() == 0
                if series_keys
                else np.r_[True, np.zeros(len(out) - 1, dtype=bool)]
            )
            for stem in ("total_cost", "total_cost_low", "total_cost_high"):
                if stem not in out:
                    continue
                values = out[stem].to_numpy(dtype=object)
                running = np.cumsum(values)
                offsets = pd.Series(np.where(at_start, running - values, None), dtype=object)
                out[stem.replace("total_cost", "cumulative_cost")] = _tidy_all(
                    running - offsets.ffill().to_numpy(dtype=object)
                )
    return out[[*keys, *[c for c in out.columns if c not in keys]]]


def _with_unit_costs(table: pd.DataFrame) -> pd.DataFrame:
    """Add cost per 1,000 requests and per task (ratios, rounded to 80 significant digits)."""
    out = table.copy()
    out["cost_per_1k_requests"] = column(
        tidy(MONEY.divide(MONEY.multiply(c, Decimal(1000)), r)) if r else None
        for c, r in zip(out["total_cost"], out["requests"], strict=True)
    )
    out["cost_per_task"] = column(
        tidy(MONEY.divide(c, t)) if t else None
        for c, t in zip(out["total_cost"], out["tasks"], strict=True)
    )
    return out


# --- float views for charts ----------------------------------------------------------------------


def as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every Decimal column as float64: for charts only, never for totals."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if (
            values.dtype == object
            and len(values)
            and all(isinstance(v, Decimal) or v is None for v in values.head(50))
        ):
            out[column] = pd.to_numeric(
                pd.Series([None if v is None else float(v) for v in values], index=out.index),
                errors="coerce",
            )
    return out
