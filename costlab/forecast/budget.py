"""The forecast against a budget: headroom, the first month over, the month a total runs out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from costlab.forecast.result import (
    BudgetStatus,
    Forecast,
)
from costlab.scenario import (
    Scenario,
)
from costlab.tables import (
    EXACT,
    column,
)


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
