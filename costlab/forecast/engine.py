"""The vectorized engine: lines priced over months, exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd

from costlab.forecast.requests import _PARTS, _request_costs
from costlab.forecast.result import (
    FIGURES,
    TOKEN_FIGURES,
    ForecastFlag,
    PricedLines,
    days_in_month,
    month_label,
)
from costlab.forecast.small import time_factors
from costlab.prices import Model, PriceBook, load_pricebook
from costlab.ranges import Band
from costlab.records import frozen
from costlab.tables import (
    EXACT,
    ZERO,
    tidy,
)


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


@frozen
class _Priced:
    """The engine's result in factored form, exact throughout.

    A line's requests in month ``m`` are ``weights["requests"][l] x time[line_time[l], m]``:
    ``time`` holds, per distinct (days-or-months, growth profile), the calendar units times
    the compounded growth of each month; the weight is the line's first-month volume times
    its share and attempts. Its cost in month ``m`` is that times the cost of one request
    under the price entry in force (``costs[name][line_shape[l], entry[line_model[l], m]]``).
    Month totals are sums over a few (time profile, model) groups, so a 10,000-line grid
    costs tens of thousands of Decimal operations, not millions; the per-line tables are
    built only when asked (:meth:`figure`).
    """

    months: Sequence[date]
    lines: pd.DataFrame
    models: list[Model]
    line_model: np.ndarray
    line_time: np.ndarray
    line_shape: np.ndarray
    time: np.ndarray
    """(time profiles x months) Decimal: calendar units x growth factor"""
    entry: np.ndarray
    """(models x months) int: the price entry in force"""
    weights: dict[str, np.ndarray]
    """per line: ``tasks`` and ``requests`` in the first month's units (before growth)"""
    tokens: dict[str, np.ndarray]
    """per line: each token figure per request"""
    costs: dict[str, np.ndarray]
    """(shapes x entries) Decimal: each cost column of one request"""
    totals: dict[str, np.ndarray]
    flags: tuple[ForecastFlag, ...]
    built: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    """per-line figures built so far (see :meth:`figure`)"""

    def figure(self, name: str) -> np.ndarray:
        """(lines x months) one figure of every line in every month, exact (kept once built).

        A line whose per-request figure is zero (no reasoning, no cache) shares one zero
        object across its months: a big grid then holds millions fewer Decimals."""
        cached = self.built.get(name)
        if cached is not None:
            return cached
        n, n_months = len(self.lines), len(self.months)
        out: np.ndarray
        with localcontext(EXACT):
            if not n:
                out = np.empty((0, n_months), dtype=object)
            elif name in ("tasks", "requests"):
                out = self.time[self.line_time] * self.weights[name][:, None]
            elif name == "cumulative_cost":
                out = np.cumsum(self.figure("total_cost"), axis=1)
            elif name == "total_cost":
                out = self.figure(_PARTS[0])
                for part in _PARTS[1:]:
                    out = out + self.figure(part)
            else:
                out = np.full((n, n_months), ZERO, dtype=object)
                volume = self.figure("requests")
                if name in self.tokens:
                    live = np.array([v != 0 for v in self.tokens[name]], dtype=bool)
                    out[live] = volume[live] * self.tokens[name][live][:, None]
                else:
                    table = self.costs[name]
                    live = np.array([any(v != 0 for v in row) for row in table], dtype=bool)
                    live = live[self.line_shape]
                    per_request = table[
                        self.line_shape[live][:, None], self.entry[self.line_model[live]]
                    ]
                    out[live] = volume[live] * per_request
        self.built[name] = out
        return out

    def line_totals(self, name: str) -> np.ndarray:
        """Per line, a figure summed over the horizon (exact), without the per-month table:
        a line's months share its time profile, so only the sum of the time factors under
        each price entry is needed."""
        n = len(self.lines)
        if not n:
            return np.empty(0, dtype=object)
        with localcontext(EXACT):
            weight = self.weights["tasks" if name == "tasks" else "requests"]
            pairs, pair_of = np.unique(
                np.stack([self.line_time, self.line_model]), axis=1, return_inverse=True
            )
            n_entries = next(iter(self.costs.values())).shape[1] if self.costs else 1
            # time summed over the months each price entry is in force, per (profile, model)
            in_force = np.full((pairs.shape[1], n_entries), ZERO, dtype=object)
            for i, (t, m) in enumerate(pairs.T):
                for e in range(n_entries):
                    months = self.entry[m] == e
                    if months.any():
                        in_force[i, e] = self.time[t][months].sum()
            per_line = in_force[pair_of.ravel()]
            if name in ("tasks", "requests") or name in self.tokens:
                out = weight * per_line.sum(axis=1)
                if name in self.tokens:
                    out = out * self.tokens[name]
            else:
                parts = _PARTS if name == "total_cost" else (name,)
                out = np.full(n, ZERO, dtype=object)
                for part in parts:
                    out = out + (self.costs[part][self.line_shape] * per_line).sum(axis=1)
                out = out * weight
            return np.array([tidy(v) for v in out], dtype=object)


def _price(lines: pd.DataFrame, months: Sequence[date], book: PriceBook) -> _Priced:
    n_lines, n_months = len(lines), len(months)
    with localcontext(EXACT):
        time, line_time = _time_profiles(lines, months)
        costs, models, line_model, line_shape, entry, flags = _request_costs(lines, months, book)
        weights = _weights(lines)
        tokens = {
            name: lines[name].to_numpy(dtype=object) if n_lines else np.empty(0, object)
            for name in TOKEN_FIGURES
        }
        totals = _month_totals(
            time, line_time, line_model, line_shape, entry, weights, tokens, costs
        )
        totals["cumulative_cost"] = (
            np.cumsum(totals["total_cost"]) if n_months else totals["total_cost"]
        )
    return _Priced(
        months, lines, models, line_model, line_time, line_shape, time, entry, weights,
        tokens, costs, totals, tuple(flags),
    )  # fmt: skip


def _month_totals(
    time: np.ndarray,
    line_time: np.ndarray,
    line_model: np.ndarray,
    line_shape: np.ndarray,
    entry: np.ndarray,
    weights: dict[str, np.ndarray],
    tokens: dict[str, np.ndarray],
    costs: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Every figure's total per month, summed group by group (call inside EXACT).

    Lines sharing a time profile and a model share the months' factors and price entries, so
    a group's month is ``time[m] x sum(weight x per-request figure under entry(m))``.
    """
    n_months = time.shape[1] if time.size else len(entry[0]) if len(entry) else 0
    totals = {name: np.full(n_months, ZERO, dtype=object) for name in FIGURES}
    if not len(line_model):
        return totals
    keys = line_time * (int(line_model.max()) + 1) + line_model
    for key in np.unique(keys):
        members = np.flatnonzero(keys == key)
        t = time[line_time[members[0]]]
        schedule = entry[line_model[members[0]]]
        requests = weights["requests"][members]
        sums: dict[str, Any] = {
            "tasks": weights["tasks"][members].sum(),
            "requests": requests.sum(),
        }
        for name in TOKEN_FIGURES:
            sums[name] = (requests * tokens[name][members]).sum()
        for name, value in sums.items():
            totals[name] = totals[name] + t * value
        shapes = line_shape[members]
        for e in np.unique(schedule):
            in_force = schedule == e
            for name in _PARTS:
                value = (requests * costs[name][shapes, e]).sum()
                totals[name][in_force] = totals[name][in_force] + t[in_force] * value
    total = totals[_PARTS[0]]
    for name in _PARTS[1:]:
        total = total + totals[name]
    totals["total_cost"] = total
    return {
        name: np.array([tidy(v) for v in values], dtype=object) for name, values in totals.items()
    }


def _categorical(values: np.ndarray, n_months: int) -> pd.Categorical:
    """Per-line labels repeated for every month, as a categorical (cheap for big grids)."""
    codes, categories = pd.factorize(values, sort=False)
    return pd.Categorical.from_codes(np.repeat(codes, n_months), categories=pd.Index(categories))


def line_labels(base: _Priced) -> dict[str, np.ndarray]:
    """Per line: workload, role, leg, model (canonical id), provider, batch, service tier."""
    lines = base.lines
    n = len(lines)
    if not n:
        return {
            k: np.empty(0, dtype=object)
            for k in ("workload", "role", "leg", "model", "provider", "batch", "service_tier")
        }
    return {
        "workload": lines["workload"].to_numpy(dtype=object),
        "role": lines["role"].to_numpy(dtype=object),
        "leg": lines["leg"].to_numpy(dtype=np.int64),
        "model": np.array([base.models[c].id for c in base.line_model], dtype=object),
        "provider": np.array([base.models[c].provider for c in base.line_model], dtype=object),
        "batch": lines["batch"].to_numpy(dtype=bool),
        "service_tier": lines["service_tier"].to_numpy(dtype=object),
    }


def _long_frame(base: _Priced, bands: dict[Band, _Priced]) -> pd.DataFrame:
    """The ``lines`` table: one row per (line, month), line-major, band columns included."""
    n_lines, n_months = len(base.lines), len(base.months)
    labels = [month_label(m) for m in base.months]
    per_line = line_labels(base)
    columns: dict[str, Any] = {
        "month": pd.Categorical.from_codes(
            np.tile(np.arange(n_months), n_lines), categories=pd.Index(labels), ordered=True
        ),
        "month_index": np.tile(np.arange(1, n_months + 1), n_lines),
        "workload": _categorical(per_line["workload"], n_months),
        "role": _categorical(per_line["role"], n_months),
        "leg": np.repeat(per_line["leg"], n_months),
        "model": _categorical(per_line["model"], n_months),
        "provider": _categorical(per_line["provider"], n_months),
        "batch": np.repeat(per_line["batch"], n_months),
        "service_tier": _categorical(per_line["service_tier"], n_months),
    }
    if not n_lines:
        columns = {name: [] for name in columns}
    figures = {name: base.figure(name).ravel() for name in (*FIGURES, "cumulative_cost")}
    columns.update(figures)
    for name in (*FIGURES, "cumulative_cost"):
        for band in ("low", "high"):
            columns[f"{name}_{band}"] = (
                bands[band].figure(name).ravel() if band in bands else figures[name]
            )
    # copy=False keeps one block per column: no consolidation copy of a big object grid, and
    # unranged band columns share their base arrays (pandas copies on write).
    return pd.DataFrame(columns, copy=False)


def _line_totals_frame(base: _Priced, bands: dict[Band, _Priced]) -> pd.DataFrame:
    """One row per line with its horizon totals (and bands): what workload and route tables
    sum, without building the per-month lines."""
    columns: dict[str, Any] = dict(line_labels(base))
    totals = {name: base.line_totals(name) for name in FIGURES}
    columns.update(totals)
    for name in FIGURES:
        for band in ("low", "high"):
            columns[f"{name}_{band}"] = (
                bands[band].line_totals(name) if band in bands else totals[name]
            )
    return pd.DataFrame(columns)


@frozen
class PricedSource:
    """A forecast's priced lines (base and bands), turned into tables when asked."""

    base: _Priced
    bands: dict[Band, _Priced]
    drop: tuple[str, ...] = ()
    """figures left out of the tables (cache writes in a scenario that has none)"""

    def frame(self) -> pd.DataFrame:
        return _drop(_long_frame(self.base, self.bands), self.drop)

    def horizon(self) -> pd.DataFrame:
        return _drop(_line_totals_frame(self.base, self.bands), self.drop)


def _drop(frame: pd.DataFrame, figures: tuple[str, ...]) -> pd.DataFrame:
    names = [
        c for c in frame.columns if str(c).removesuffix("_low").removesuffix("_high") in figures
    ]
    return frame.drop(columns=names) if names else frame


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


def _time_profiles(lines: pd.DataFrame, months: Sequence[date]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (per-day?, growth rates) profiles: each month's calendar units times the
    compounded growth; and each line's profile (call inside the EXACT context)."""
    n_lines, n_months = len(lines), len(months)
    if not n_lines:
        return np.empty((0, n_months), dtype=object), np.empty(0, dtype=np.int64)
    profile_of: dict[tuple[bool, tuple[Decimal, ...], tuple[int, int]], int] = {}
    line_time = np.empty(n_lines, dtype=np.int64)
    per_day = lines["per_day"].to_numpy(dtype=bool)
    windows = lines["window"] if "window" in lines else [(0, n_months)] * n_lines
    for i, (rates, window) in enumerate(zip(lines["growth"], windows, strict=True)):
        key = (bool(per_day[i]), tuple(rates), tuple(window))
        line_time[i] = profile_of.setdefault(key, len(profile_of))
    time = np.empty((len(profile_of), n_months), dtype=object)
    for (daily, rates, window), p in profile_of.items():
        time[p, :] = time_factors(daily, rates, window, months)
    return time, line_time


def _weights(lines: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per line, tasks and requests per unit of time (first-month volume x shares)."""
    if not len(lines):
        return {"tasks": np.empty(0, dtype=object), "requests": np.empty(0, dtype=object)}
    volume = lines["volume"].to_numpy(dtype=object)
    attempts = lines["attempts"].to_numpy(dtype=object)
    share = lines["share"].to_numpy(dtype=object)
    task_share = lines["task_share"].to_numpy(dtype=object)
    return {"tasks": volume * task_share, "requests": volume * attempts * share}
