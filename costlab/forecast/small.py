"""Small scenarios in plain Python: a forecast's tables, exactly, without numpy or pandas.

Importing pandas and numpy costs ~0.4 s, several times a small forecast's arithmetic; the CLI's
``forecast`` (its table and ``--json``), ``check`` and ``compare`` of a scenario without ranges
and of at most :data:`MAX_CELLS` lines x months use :func:`small_forecast` instead of the table
engine (:func:`costlab.forecast.forecast_scenario`). Both start from the same lines
(:func:`~costlab.forecast.lines.expand_rows`), the same per-request costs
(:func:`~costlab.forecast.requests.request_costs`), the same time factors
(:func:`time_factors`) and the same budget rules, in the same exact context: every month, line
and total is the same Decimal, to the last digit, and both write JSON with
:func:`~costlab.forecast.figures.forecast_json` (tests/test_small_forecast.py and
tests/test_small_json.py check each example)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import date
from decimal import Decimal, localcontext
from functools import cached_property
from typing import Any

from costlab.errors import CostlabError
from costlab.exact import EXACT, ONE, ZERO, exact_sum, tidy
from costlab.forecast.budget import budget_columns
from costlab.forecast.figures import (
    FIGURES,
    TOKEN_FIGURES,
    BudgetStatus,
    ForecastFlag,
    days_in_month,
    forecast_json,
    hidden_figures,
    month_label,
    scenario_errors,
    unit_costs,
)
from costlab.forecast.lines import expand_rows
from costlab.forecast.requests import _PARTS, request_costs
from costlab.json_rows import json_rows
from costlab.prices import PriceBook
from costlab.ranges import Band
from costlab.records import frozen
from costlab.scenario import Scenario

#: The most lines x months the plain path takes; larger scenarios go to the table engine.
MAX_CELLS = 5_000


@frozen
class PricedLine:
    """One line of a small forecast: its labels (``workload``, ``role``, ``leg``, ``model``,
    ``provider``, ``batch``, ``service_tier``) and its figures (:data:`FIGURES`) each month."""

    labels: dict[str, Any]
    months: list[dict[str, Decimal]]
    live: tuple[str, ...]
    """the figures not zero in every month (a chat line has no audio, images or tools)"""


@frozen
class SmallForecast:
    """A small forecast as plain rows: the tables of :class:`~costlab.forecast.Forecast`
    (same columns, same exact values), without pandas.

    ``months``, and, built when first asked, ``workloads``, ``routes`` and ``lines``, are lists
    of dicts with the columns of :attr:`Forecast.months <costlab.forecast.Forecast.months>` and
    the others; :meth:`to_dict` is what ``Forecast.to_dict`` gives for the same scenario.
    """

    scenario: Scenario
    months: list[dict[str, Any]]
    budget: BudgetStatus
    flags: tuple[ForecastFlag, ...]
    price_book: str = ""
    priced: tuple[PricedLine, ...] = field(default=(), repr=False, compare=False)
    """the priced lines, from which the workload, route and line tables are built"""
    hidden: tuple[str, ...] = ()
    """figures left out of the tables (see :func:`~costlab.forecast.figures.hidden_figures`)"""

    def total(self, figure: str, band: Band = "base") -> Decimal:
        """The horizon total of a figure (``requests``, ``input_tokens``, ``total_cost``...)."""
        name = figure if band == "base" else f"{figure}_{band}"
        return exact_sum(row[name] for row in self.months)

    @property
    def total_cost(self) -> Decimal:
        return self.total("total_cost")

    def blocking_flags(self) -> list[ForecastFlag]:
        return [f for f in self.flags if f.blocking]

    @property
    def sensitivity(self) -> list[dict[str, Any]]:
        """No rows: a small scenario has no ranges."""
        return []

    @cached_property
    def shown(self) -> tuple[str, ...]:
        """The figures the tables show, in order."""
        return tuple(name for name in FIGURES if name not in self.hidden)

    @cached_property
    def lines(self) -> list[dict[str, Any]]:
        """Every line in every month, as :attr:`Forecast.lines <costlab.forecast.Forecast.lines>`."""
        labels = [row["month"] for row in self.months]
        out = []
        for line in self.priced:
            running = ZERO
            for m, cell in enumerate(line.months):
                running = EXACT.add(running, cell["total_cost"])
                row = {"month": labels[m], "month_index": m + 1, **line.labels}
                row.update((name, cell[name]) for name in self.shown)
                row["cumulative_cost"] = running
                out.append(_with_bands(row, (*self.shown, "cumulative_cost")))
        return out

    @cached_property
    def horizon_lines(self) -> list[dict[str, Any]]:
        """One row per line with its figures summed over the horizon."""
        with localcontext(EXACT):  # sum() is exact in it, and a C loop
            return [
                {
                    **line.labels,
                    **{
                        name: sum((cell[name] for cell in line.months), ZERO)
                        if name in line.live
                        else ZERO
                        for name in self.shown
                    },
                }
                for line in self.priced
            ]

    @cached_property
    def workloads(self) -> list[dict[str, Any]]:
        """Horizon totals per workload, as :attr:`Forecast.workloads
        <costlab.forecast.Forecast.workloads>`: in the scenario's order, with ``models``."""
        models: dict[str, list[str]] = {}
        for row in self.horizon_lines:
            used = models.setdefault(row["workload"], [])
            if row["model"] not in used:
                used.append(row["model"])
        order = {w.name: i for i, w in enumerate(self.scenario.workloads)}
        groups = sorted(
            _grouped(self.horizon_lines, ("workload",), self.shown),
            key=lambda r: order[r["workload"]],
        )
        return [
            self._table_row(
                {"workload": g["workload"], "models": ", ".join(models[g["workload"]]), **g}
            )
            for g in groups
        ]

    @cached_property
    def routes(self) -> list[dict[str, Any]]:
        """Horizon totals per workload and route, as :attr:`Forecast.routes
        <costlab.forecast.Forecast.routes>`: sorted by workload, role, leg and model."""
        keys = ("workload", "role", "leg", "model")
        groups = _grouped(self.horizon_lines, keys, self.shown)
        groups.sort(key=lambda r: tuple(r[k] for k in keys))
        return [self._table_row(g) for g in groups]

    def _table_row(self, sums: dict[str, Any]) -> dict[str, Any]:
        row = _with_bands(
            {k: tidy(v) if isinstance(v, Decimal) else v for k, v in sums.items()}, self.shown
        )
        row.update(unit_costs(row["total_cost"], row["requests"], row["tasks"]))
        return row

    def to_dict(self, *, lines: bool = True) -> dict[str, Any]:
        """JSON-ready, as :meth:`Forecast.to_dict <costlab.forecast.Forecast.to_dict>` gives
        it for the same scenario, to the byte once printed."""
        return forecast_json(self, json_rows, lines=lines)


def _with_bands(row: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """``row`` with each of ``names`` copied to its ``_low`` and ``_high`` band (equal
    without ranges), in the order the table engine writes them."""
    row.update((f"{name}_{band}", row[name]) for name in names for band in ("low", "high"))
    return row


def _grouped(
    rows: list[dict[str, Any]], keys: Sequence[str], figures: Sequence[str]
) -> list[dict[str, Any]]:
    """The exact sums of ``figures`` per distinct ``keys``, in order of first appearance."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        sums = groups.get(key)
        if sums is None:
            groups[key] = {**{k: row[k] for k in keys}, **{n: row[n] for n in figures}}
        else:
            for name in figures:
                sums[name] = EXACT.add(sums[name], row[name])
    return list(groups.values())


def small_forecast(scenario: Scenario, *, book: PriceBook) -> SmallForecast | None:
    """The forecast of ``scenario`` in plain Python, or None when it is not small (ranges,
    more than :data:`MAX_CELLS` lines x months): then use the table engine."""
    if scenario.has_ranges:
        return None
    months = scenario.month_starts()
    with scenario_errors(scenario):
        rows = expand_rows(scenario, book)
        if not rows or len(rows) * len(months) > MAX_CELLS:
            return None
        month_rows, priced, flags = _price(rows, months, book)
    figures = hidden_figures(scenario, lambda name: (r[name] for r in month_rows))
    if figures:
        dropped = {f"{n}{s}" for n in figures for s in ("", "_low", "_high")}
        month_rows = [{k: v for k, v in r.items() if k not in dropped} for r in month_rows]
    if scenario.one_off:
        from costlab.one_off import one_off_costs, with_one_offs

        with scenario_errors(scenario):
            month_rows = with_one_offs(month_rows, one_off_costs(scenario, book))
    added, status = budget_columns(
        scenario,
        [r["month"] for r in month_rows],
        [r["total_cost"] for r in month_rows],
        [r["cumulative_cost"] for r in month_rows],
        [r["total_cost_high"] for r in month_rows],
        [r["cumulative_cost_high"] for r in month_rows],
    )
    for i, row in enumerate(month_rows):
        row.update((name, values[i]) for name, values in added.items())
    return SmallForecast(
        scenario, month_rows, status, flags, book.fingerprint, priced=priced, hidden=figures
    )


def time_factors(
    per_day: bool, rates: Sequence[Decimal], window: tuple[int, int], months: Sequence[date]
) -> list[Decimal]:
    """Each month's calendar units (days, or 1 for a monthly volume) times the compounded
    growth, zero outside the line's window (call inside the EXACT context)."""
    n_months = len(months)
    if len(rates) != n_months - 1:
        raise CostlabError(f"growth lists {len(rates)} rates for {n_months} months")
    start, stop = window
    out = []
    factor = ONE
    for m in range(n_months):
        if m:
            factor = tidy(factor * (ONE + rates[m - 1]))
        # outside its window (a model shut down, on_retire) a line sends nothing
        if not start <= m < stop:
            out.append(ZERO)
        elif per_day:
            out.append(tidy(factor * Decimal(days_in_month(months[m]))))
        else:
            out.append(factor)
    return out


def _price(
    rows: list[dict[str, Any]], months: Sequence[date], book: PriceBook
) -> tuple[list[dict[str, Any]], tuple[PricedLine, ...], tuple[ForecastFlag, ...]]:
    n_lines, n_months = len(rows), len(months)
    columns = {name: [r.get(name) for r in rows] for name in rows[0]}
    for row in rows[1:]:
        for name in row.keys() - columns.keys():
            columns[name] = [r.get(name) for r in rows]
    with localcontext(EXACT):
        costs, models, line_model, line_shape, entry, flags = request_costs(
            columns, n_lines, months, book
        )
        totals = {name: [ZERO] * n_months for name in FIGURES}
        priced = []
        for i, row in enumerate(rows):
            model = models[line_model[i]]
            time = time_factors(row["per_day"], row["growth"], row["window"], months)
            per_request = {name: costs[name][line_shape[i]] for name in _PARTS}
            cells, live = _line_months(row, time, per_request, entry[line_model[i]])
            for m, cell in enumerate(cells):
                for name in live:
                    totals[name][m] += cell[name]
            labels = {
                "workload": row["workload"],
                "role": row["role"],
                "leg": int(row["leg"]),
                "model": model.id,
                "provider": model.provider,
                "batch": bool(row["batch"]),
                "service_tier": row["service_tier"],
            }
            priced.append(PricedLine(labels, cells, live))
        tidied = {name: [tidy(v) for v in values] for name, values in totals.items()}
        running: list[Decimal] = []
        for cost in tidied["total_cost"]:
            running.append(cost if not running else running[-1] + cost)
        tidied["cumulative_cost"] = running
        month_rows = []
        for m, day in enumerate(months):
            row_out: dict[str, Any] = {
                "month": month_label(day),
                "month_index": m + 1,
                "days": days_in_month(day),
            }
            names = (*FIGURES, "cumulative_cost")
            row_out.update((name, tidied[name][m]) for name in names)
            month_rows.append(_with_bands(row_out, names))
    return month_rows, tuple(priced), tuple(flags)


def _line_months(
    row: dict[str, Any],
    time: Sequence[Decimal],
    per_request: dict[str, list[Decimal]],
    schedule: Sequence[int],
) -> tuple[list[dict[str, Decimal]], tuple[str, ...]]:
    """A line's figures (:data:`FIGURES`) in each month: its tasks and requests, their tokens,
    and their cost by part under the price entry in force (call inside the EXACT context);
    and the figures that are not zero throughout (the others are all :data:`ZERO`)."""
    tasks = row["volume"] * row["task_share"]
    requests = row["volume"] * row["attempts"] * row["share"]
    tokens = [name for name in TOKEN_FIGURES if row[name]]
    parts = [name for name in _PARTS if any(per_request[name])]
    out = []
    for m, t in enumerate(time):
        month_requests = t * requests
        cell = dict.fromkeys(FIGURES, ZERO)
        cell["tasks"], cell["requests"] = t * tasks, month_requests
        for name in tokens:
            cell[name] = month_requests * row[name]
        total = ZERO
        for name in parts:
            cost = cell[name] = month_requests * per_request[name][schedule[m]]
            total += cost
        cell["total_cost"] = total
        out.append(cell)
    return out, ("tasks", "requests", *tokens, *parts, "total_cost")
