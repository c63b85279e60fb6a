"""The vectorized engine: lines priced over months, exactly."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd

from costlab.cost import Cost, Flag, lifecycle_flags, price_usage
from costlab.errors import CostlabError
from costlab.forecast.result import (
    FIGURES,
    TOKEN_FIGURES,
    ForecastFlag,
    PricedLines,
    days_in_month,
    month_label,
)
from costlab.prices import Model, PriceBook, load_pricebook
from costlab.ranges import Band
from costlab.tables import (
    EXACT,
    ONE,
    ZERO,
    tidy,
)
from costlab.usage import COST_COLUMNS, TOKEN_COLUMNS, Usage


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
        for name in _PARTS:
            figures[name] = _times(requests, costs[name])
        total = figures[_PARTS[0]]
        for name in _PARTS[1:]:
            total = total + figures[name]
        figures["total_cost"] = total
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


#: The cost columns a request's cost is split into (the total is their sum).
_PARTS = COST_COLUMNS[:-1]

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
    columns = [lines[c].to_numpy(dtype=object) for c in TOKEN_COLUMNS]
    batch = lines["batch"].to_numpy(dtype=bool) if n_lines else np.empty(0, dtype=bool)
    shapes: list[tuple[Any, ...]] = []
    for i in range(n_lines):
        key = (int(line_model[i]), bool(batch[i]), *(c[i] for c in columns))
        s = shape_of.get(key)
        if s is None:
            s = shape_of[key] = len(shapes)
            shapes.append(key)
        line_shape[i] = s

    per_shape = {name: np.empty((len(shapes), n_months), dtype=object) for name in _PARTS}
    shape_flags: list[list[Flag]] = []
    for s, (m, is_batch, *counts) in enumerate(shapes):
        model = models[m]
        usage = Usage(**dict(zip(TOKEN_COLUMNS, counts, strict=True)), batch=is_batch)
        by_entry: dict[int, Cost] = {}
        for month_index, entry in enumerate(entry_of_month[m]):
            cost = by_entry.get(entry)
            if cost is None:
                cost = by_entry[entry] = price_usage(model, usage, on=months[month_index])
            for name in _PARTS:
                per_shape[name][s, month_index] = tidy(cost.costs[name])
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
