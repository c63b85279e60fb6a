"""Forecast results: the month, workload, route and line tables, budget status and flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from decimal import Decimal, localcontext
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd

# The figures, flags and budget status live in costlab.forecast.figures (no numpy, for the
# CLI's small path); re-exported here.
from costlab.forecast.figures import BLOCKING as BLOCKING
from costlab.forecast.figures import COST_FIGURES as COST_FIGURES
from costlab.forecast.figures import FIGURES as FIGURES
from costlab.forecast.figures import TOKEN_FIGURES as TOKEN_FIGURES
from costlab.forecast.figures import BudgetStatus as BudgetStatus
from costlab.forecast.figures import ForecastFlag as ForecastFlag
from costlab.forecast.figures import days_in_month as days_in_month
from costlab.forecast.figures import forecast_json, unit_costs
from costlab.forecast.figures import month_label as month_label
from costlab.money import MONEY
from costlab.one_off import OneOffCharge
from costlab.ranges import Band
from costlab.records import frozen
from costlab.scenario import (
    Scenario,
)
from costlab.tables import (
    EXACT,
    column,
    exact_sum,
    records,
    tidy_all,
)


@frozen
class PricedLines:
    """One chunk of lines priced over the months.

    ``frame``: one row per (line, month), line-major, exact ``Decimal`` figures.
    ``totals``: one row per month, the exact sums of ``frame``'s figures.
    """

    frame: pd.DataFrame
    totals: pd.DataFrame
    flags: tuple[ForecastFlag, ...]


class LineSource(Protocol):
    """Where a forecast's line tables come from (the engine's priced lines)."""

    def frame(self) -> pd.DataFrame:
        """One row per line and month."""
        ...

    def horizon(self) -> pd.DataFrame:
        """One row per line, figures summed over the horizon."""
        ...


@frozen
class Forecast:
    """A scenario forecast; every money column is an exact ``Decimal`` (object dtype).

    * ``lines``: month x workload x route x model x batch rows — ``month`` (YYYY-MM),
      ``month_index`` (1-based), ``workload``, ``role`` (single | leg | escalation), ``leg``,
      ``model`` (canonical id), ``provider``, ``batch``, then per month ``tasks`` (requests
      before retries), ``requests``, ``input_tokens`` (cached included), ``cached_input_tokens``,
      ``cache_write_tokens`` / ``cache_write_1h_tokens`` (5-minute / 1-hour writes),
      ``output_tokens`` (reasoning included), ``reasoning_tokens``, ``input_cost`` (uncached
      input), ``cached_input_cost``, ``cache_write_cost``, ``output_cost``, ``total_cost``,
      ``cumulative_cost``, and
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
    months: pd.DataFrame
    budget: BudgetStatus
    flags: tuple[ForecastFlag, ...]
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    price_book: str = ""
    """the fingerprint of the price book that priced it (its layers and their versions)"""
    one_offs: tuple[OneOffCharge, ...] = ()
    """the scenario's one-off costs as charged (in ``months``' ``one_off_cost`` and totals)"""
    source: LineSource | None = field(default=None, repr=False, compare=False)
    """the priced lines, from which ``lines`` and ``horizon_lines`` are built when asked"""

    @cached_property
    def lines(self) -> pd.DataFrame:
        """Every line in every month (built on first use: a big grid's table is large)."""
        if self.source is None:
            raise ValueError("this forecast keeps no lines")
        return self.source.frame()

    @cached_property
    def horizon_lines(self) -> pd.DataFrame:
        """One row per line (workload, role, leg, model, provider, batch) with its figures
        summed over the horizon (and bands): what workload and route tables add up."""
        if self.source is None:
            raise ValueError("this forecast keeps no lines")
        return self.source.horizon()

    @property
    def total_cost(self) -> Decimal:
        return exact_sum(self.months["total_cost"])

    @property
    def total_cost_low(self) -> Decimal:
        return exact_sum(self.months["total_cost_low"])

    @property
    def total_cost_high(self) -> Decimal:
        return exact_sum(self.months["total_cost_high"])

    @property
    def cost_per_task(self) -> Decimal:
        """USD per task over the horizon (retries and escalations included); 0 without tasks.
        A quotient: exact to 80 significant digits."""
        tasks = self.total("tasks")
        return MONEY.divide(self.total_cost, tasks) if tasks else Decimal(0)

    @property
    def average_month_cost(self) -> Decimal:
        """USD per month on average over the horizon (a quotient, to 80 significant digits)."""
        return MONEY.divide(self.total_cost, Decimal(self.scenario.months))

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
        table = regroup(self.horizon_lines, ["workload"], bands=self.scenario.has_ranges)
        used = self.horizon_lines.groupby("workload", sort=False)["model"].unique()
        table.insert(1, "models", [", ".join(map(str, used[w])) for w in table["workload"]])
        order = {w.name: i for i, w in enumerate(self.scenario.workloads)}
        table = table.sort_values("workload", key=lambda c: c.map(order)).reset_index(drop=True)
        return _with_unit_costs(table)

    @cached_property
    def routes(self) -> pd.DataFrame:
        """Horizon totals per workload and route (role, leg, model), with unit costs."""
        table = regroup(
            self.horizon_lines,
            ["workload", "role", "leg", "model"],
            bands=self.scenario.has_ranges,
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
                "price_book": [self.price_book],
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
        return forecast_json(self, records, lines=lines)


def _figure_columns(frame: pd.DataFrame, bands: bool) -> list[str]:
    names = set(FIGURES)
    out = []
    for col in frame.columns:
        name = str(col)
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
            for col in columns:
                values = frame[col].to_numpy(dtype=object)[order]
                out[col] = tidy_all(np.add.reduceat(values, starts))
        for col in copies:
            out[col] = out[col.removesuffix("_low").removesuffix("_high")]
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
                out[stem.replace("total_cost", "cumulative_cost")] = tidy_all(
                    running - offsets.ffill().to_numpy(dtype=object)
                )
    return out[[*keys, *[c for c in out.columns if c not in keys]]]


def _with_unit_costs(table: pd.DataFrame) -> pd.DataFrame:
    """Add cost per 1,000 requests and per task (ratios, rounded to 80 significant digits)."""
    out = table.copy()
    units = [
        unit_costs(c, r, t)
        for c, r, t in zip(out["total_cost"], out["requests"], out["tasks"], strict=True)
    ]
    for name in ("cost_per_1k_requests", "cost_per_task"):
        out[name] = column(u[name] for u in units)
    return out
