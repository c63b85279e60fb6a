"""The forecast against a budget: headroom, the first month over, the month a total runs out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costlab.exact import EXACT
from costlab.forecast.figures import BudgetStatus
from costlab.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from costlab.forecast.result import Forecast


def _budget(scenario: Scenario, totals: pd.DataFrame) -> tuple[pd.DataFrame, BudgetStatus]:
    from costlab.tables import column

    out = totals.copy()
    added, status = budget_columns(
        scenario,
        list(out["month"]),
        list(out["total_cost"]),
        list(out["cumulative_cost"]),
        list(out["total_cost_high"]),
        list(out["cumulative_cost_high"]),
    )
    for name, values in added.items():
        out[name] = values if name == "over_budget" else column(values)
    return out, status


def budget_columns(
    scenario: Scenario,
    labels: Sequence[str],
    costs: Sequence[Decimal],
    running: Sequence[Decimal],
    costs_high: Sequence[Decimal],
    running_high: Sequence[Decimal],
) -> tuple[dict[str, list[Any]], BudgetStatus]:
    """The month table's budget columns and the budget status, from each month's cost and
    cumulative cost (base and high band); plain lists, no pandas."""
    budget = scenario.budget
    monthly = budget.monthly if budget else None
    total = budget.total if budget else None
    added: dict[str, list[Any]] = {}
    if monthly is not None:
        added["monthly_budget"] = [monthly] * len(costs)
        added["headroom"] = [EXACT.subtract(monthly, c) for c in costs]
        added["over_budget"] = [c > monthly for c in costs]
    if total is not None:
        added["total_budget"] = [total] * len(costs)
        added["budget_remaining"] = [EXACT.subtract(total, c) for c in running]
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
        first_month_over_high=first(costs_high, monthly),
        total_runs_out_high=first(running_high, total),
    )
    return added, status


def with_budget(
    fc: Forecast, *, monthly: Decimal | None = None, total: Decimal | None = None
) -> Forecast:
    """The same forecast checked against another budget (e.g. ``costlab check --budget``)."""
    scenario = budgeted(fc.scenario, monthly=monthly, total=total)
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


def budgeted(
    scenario: Scenario, *, monthly: Decimal | None = None, total: Decimal | None = None
) -> Scenario:
    """``scenario`` with the budget amounts given in place of its own (the others kept)."""
    from costlab.scenario import Budget

    current = scenario.budget or Budget()
    budget = Budget(
        monthly=monthly if monthly is not None else current.monthly,
        total=total if total is not None else current.total,
    )
    return dataclasses.replace(scenario, budget=budget)
