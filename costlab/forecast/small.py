"""Small scenarios in plain Python: the month totals, exactly, without importing numpy or pandas.

Importing pandas and numpy costs ~0.4 s, several times a small forecast's arithmetic; the CLI's
``forecast``, ``check`` and ``compare`` of a scenario without ranges and of at most
:data:`MAX_CELLS` lines x months use :func:`small_forecast` instead of the table engine
(:func:`costlab.forecast.forecast_scenario`). Both start from the same lines
(:func:`~costlab.forecast.lines.expand_rows`), the same per-request costs
(:func:`~costlab.forecast.requests.request_costs`), the same time factors
(:func:`time_factors`) and the same budget rules, in the same exact context: every month and
total is the same Decimal, to the last digit (tests/test_small_forecast.py checks each example).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
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
    hidden_figures,
    month_label,
    scenario_errors,
)
from costlab.forecast.lines import expand_rows
from costlab.forecast.requests import _PARTS, request_costs
from costlab.money import MONEY, quotient
from costlab.prices import PriceBook
from costlab.scenario import Scenario

#: The most lines x months the plain path takes; larger scenarios go to the table engine.
MAX_CELLS = 5_000


@dataclass(frozen=True)
class SmallForecast:
    """A forecast's month and workload totals as plain rows: what the CLI prints.

    ``months`` has the rows of :attr:`Forecast.months <costlab.forecast.Forecast.months>`
    (same columns, same exact values); ``workloads`` the columns ``workload``, ``models``,
    ``tasks``, ``requests``, ``total_cost`` (and its ``_low``/``_high``, equal without ranges),
    ``cost_per_1k_requests`` and ``cost_per_task`` of :attr:`Forecast.workloads <costlab.forecast.Forecast.workloads>`.
    """

    scenario: Scenario
    months: list[dict[str, Any]]
    workloads: list[dict[str, Any]]
    budget: BudgetStatus
    flags: tuple[ForecastFlag, ...]
    price_book: str = ""

    def total(self, figure: str) -> Decimal:
        """The horizon total of a figure (``requests``, ``input_tokens``, ``total_cost``...)."""
        return exact_sum(row[figure] for row in self.months)

    @property
    def total_cost(self) -> Decimal:
        return self.total("total_cost")

    def blocking_flags(self) -> list[ForecastFlag]:
        return [f for f in self.flags if f.blocking]


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
        month_rows, workloads, flags = _price(rows, months, book)
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
    return SmallForecast(scenario, month_rows, workloads, status, flags, book.fingerprint)


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
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[ForecastFlag, ...]]:
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
        per_workload: dict[str, dict[str, Any]] = {}
        for i, row in enumerate(rows):
            time = time_factors(row["per_day"], row["growth"], row["window"], months)
            tasks = row["volume"] * row["task_share"]
            requests = row["volume"] * row["attempts"] * row["share"]
            schedule = entry[line_model[i]]
            shape = line_shape[i]
            per_request = {name: row[name] for name in TOKEN_FIGURES}
            mine = per_workload.setdefault(
                row["workload"],
                {"models": [], "tasks": ZERO, "requests": ZERO, "total_cost": ZERO},
            )
            model_id = models[line_model[i]].id
            if model_id not in mine["models"]:
                mine["models"].append(model_id)
            for m, t in enumerate(time):
                month_tasks, month_requests = t * tasks, t * requests
                totals["tasks"][m] += month_tasks
                totals["requests"][m] += month_requests
                for name, value in per_request.items():
                    totals[name][m] += month_requests * value
                line_cost = ZERO
                for name in _PARTS:
                    cost = month_requests * costs[name][shape][schedule[m]]
                    totals[name][m] += cost
                    line_cost += cost
                mine["tasks"] += month_tasks
                mine["requests"] += month_requests
                mine["total_cost"] += line_cost
        totals["total_cost"] = [
            exact_sum(totals[name][m] for name in _PARTS) for m in range(n_months)
        ]
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
            for name in names:
                for band in ("low", "high"):
                    row_out[f"{name}_{band}"] = tidied[name][m]
            month_rows.append(row_out)
        workloads = [_workload_row(name, sums) for name, sums in per_workload.items()]
    return month_rows, workloads, tuple(flags)


def _workload_row(name: str, sums: dict[str, Any]) -> dict[str, Any]:
    """A workload's horizon totals with its unit costs, as ``Forecast.workloads`` has them."""
    tasks, requests, cost = (tidy(sums[k]) for k in ("tasks", "requests", "total_cost"))
    return {
        "workload": name,
        "models": ", ".join(sums["models"]),
        "tasks": tasks,
        "requests": requests,
        "total_cost": cost,
        "total_cost_low": cost,
        "total_cost_high": cost,
        "cost_per_1k_requests": (
            quotient(tidy(MONEY.divide(MONEY.multiply(cost, Decimal(1000)), requests)))
            if requests
            else None
        ),
        "cost_per_task": quotient(tidy(MONEY.divide(cost, tasks))) if tasks else None,
    }
