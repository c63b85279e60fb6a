"""Run-rate: the month-to-date pace, the projected month end and period total, a re-forecast.

From the actuals to date (the last day the usage file covers, or a given ``as_of`` day):

* **pace**: the latest month's cost so far over the days elapsed (1st to ``as_of``, inclusive);
* **projected month end**: the pace times the days in that month (a complete month projects
  to its actual cost);
* **re-forecast**: the scenario re-anchored on that month, every later month of the forecast
  scaled by ``projected month end / forecast of that month`` (the observed level carried
  forward, the scenario's growth kept);
* **projected period total**: over the scenario's horizon, actual months before the latest,
  the projected latest month, the re-forecast after it (months of the horizon before the
  usage file starts take the forecast, with a note).

Money from the data is exact; the projections are quotients kept to 80 significant digits
(:data:`costlab.money.MONEY`) and rounded only for display. :func:`check_projection` turns it
into a pass/fail for ``costlab check --actuals``.
"""

from __future__ import annotations

import calendar
from dataclasses import field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from costlab import formats
from costlab.actuals.priced import Actuals
from costlab.errors import CostlabError
from costlab.forecast import Forecast
from costlab.money import MONEY, ZERO, plain, significant
from costlab.records import frozen
from costlab.tables import EXACT, column, exact_sum, records, tidy


@frozen
class RunRate:
    """The projection from actuals to date; money in exact or 80-digit Decimal USD.

    ``months``: one row per month of the period: ``month``, ``basis`` (actual | projected |
    reforecast | forecast), ``forecast_cost`` (empty without a scenario), ``cost`` (what the
    projection counts for the month), ``cumulative_cost``.
    """

    as_of: date
    month: str
    """the latest month with actuals, YYYY-MM"""
    month_to_date_cost: Decimal
    days_elapsed: int
    days_in_month: int
    daily_pace: Decimal
    """USD per day over the days elapsed"""
    projected_month_cost: Decimal
    months: pd.DataFrame
    forecast_month_cost: Decimal | None = None
    anchor_factor: Decimal | None = None
    """projected month end / forecast of that month: the re-forecast's scale"""
    monthly_budget: Decimal | None = None
    total_budget: Decimal | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def projected_total(self) -> Decimal:
        """The period total: actual, projected and re-forecast months."""
        return exact_sum(self.months["cost"]) if len(self.months) else ZERO

    @property
    def month_over_budget(self) -> bool:
        return self.monthly_budget is not None and self.projected_month_cost > self.monthly_budget

    @property
    def total_over_budget(self) -> bool:
        return self.total_budget is not None and self.projected_total > self.total_budget

    def to_dict(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            return None if value is None else plain(value)

        return {
            "as_of": self.as_of.isoformat(),
            "month": self.month,
            "month_to_date_cost": money(self.month_to_date_cost),
            "days_elapsed": self.days_elapsed,
            "days_in_month": self.days_in_month,
            "daily_pace": money(self.daily_pace),
            "projected_month_cost": money(self.projected_month_cost),
            "forecast_month_cost": money(self.forecast_month_cost),
            "anchor_factor": None
            if self.anchor_factor is None
            else format(significant(self.anchor_factor), "f"),
            "projected_total": money(self.projected_total),
            "monthly_budget": money(self.monthly_budget),
            "total_budget": money(self.total_budget),
            "month_over_budget": self.month_over_budget,
            "total_over_budget": self.total_over_budget,
            "months": records(self.months),
            "notes": list(self.notes),
        }


def _last_day(actuals: Actuals) -> date | None:
    if actuals.priced is not None and "date" in actuals.priced.rows:
        dates = actuals.priced.rows["date"]
    elif len(actuals.file.billed):
        dates = actuals.file.billed["date"]
    else:
        dates = actuals.file.usage["date"] if len(actuals.file.usage) else pd.Series([])
    if not len(dates):
        return None
    return pd.Timestamp(dates.max()).date()


def run_rate(actuals: Actuals, fc: Forecast | None = None, *, as_of: date | None = None) -> RunRate:
    """Project the latest month's end and (with a forecast) the period total from actuals.

    ``as_of`` (default: the last day in the usage file) is the day the actuals run to; it
    must fall in the latest month with actuals.
    """
    if not len(actuals.months):
        raise CostlabError("no priced usage to project from", actuals.file.source)
    month = str(max(actuals.months["month"]))
    day = as_of or _last_day(actuals)
    if day is None or f"{day.year:04d}-{day.month:02d}" != month:
        raise CostlabError(
            f"the day the actuals run to ({day}) is not in their latest month, {month}",
            actuals.file.source,
        )
    days = calendar.monthrange(day.year, day.month)[1]
    by_month = {
        str(m): c
        for m, c in zip(actuals.months["month"], actuals.months["actual_cost"], strict=True)
    }
    to_date = by_month[month]
    pace = tidy(MONEY.divide(to_date, Decimal(day.day)))
    projected = tidy(
        to_date if day.day == days else MONEY.divide(MONEY.multiply(to_date, days), day.day)
    )
    notes: list[str] = []
    if day.day < days:
        notes.append(
            f"{month} projected from {day.day} of {days} days at {formats.usd(pace)} a day"
        )
    rows: list[dict[str, Any]] = []
    forecast_month = factor = monthly = total = None
    if fc is None:
        for label in sorted(by_month):
            cost = projected if label == month else by_month[label]
            rows.append(
                {
                    "month": label,
                    "basis": "projected" if label == month else "actual",
                    "forecast_cost": None,
                    "cost": cost,
                }
            )
    else:
        budget = fc.scenario.budget
        monthly = budget.monthly if budget else None
        total = budget.total if budget else None
        forecast_by = {
            str(m): c for m, c in zip(fc.months["month"], fc.months["total_cost"], strict=True)
        }
        forecast_month = forecast_by.get(month)
        if forecast_month:
            factor = MONEY.divide(projected, forecast_month)
        elif any(label > month for label in forecast_by):
            notes.append(
                f"the forecast has no cost in {month}: later months are re-forecast unscaled"
            )
        first_actual = min(by_month)
        early = []
        for label, planned in forecast_by.items():
            if label < month:
                if label < first_actual:
                    basis, cost = "forecast", planned
                    early.append(label)
                else:
                    basis, cost = "actual", by_month.get(label, ZERO)
            elif label == month:
                basis, cost = "projected", projected
            else:
                basis = "reforecast"
                cost = tidy(MONEY.multiply(planned, factor)) if factor is not None else planned
            rows.append({"month": label, "basis": basis, "forecast_cost": planned, "cost": cost})
        if early:
            notes.append(
                f"no actuals before {first_actual}: {', '.join(early)} counted at the forecast"
            )
        if month not in forecast_by:
            notes.append(f"{month} is outside the scenario's horizon; the period is the horizon")
    table = pd.DataFrame(rows, columns=["month", "basis", "forecast_cost", "cost"])
    running = ZERO
    cumulative = []
    for cost in table["cost"]:
        running = EXACT.add(running, cost)
        cumulative.append(running)
    table["forecast_cost"] = column(table["forecast_cost"])
    table["cost"] = column(table["cost"])
    table["cumulative_cost"] = column(cumulative)
    return RunRate(
        as_of=day,
        month=month,
        month_to_date_cost=to_date,
        days_elapsed=day.day,
        days_in_month=days,
        daily_pace=pace,
        projected_month_cost=projected,
        months=table,
        forecast_month_cost=forecast_month,
        anchor_factor=factor,
        monthly_budget=monthly,
        total_budget=total,
        notes=tuple(notes),
    )


@frozen
class ProjectionCheck:
    """The run-rate against a budget: ``within`` and one line per finding."""

    within: bool
    messages: tuple[str, ...]


def check_projection(
    rate: RunRate, *, monthly: Decimal | None = None, total: Decimal | None = None
) -> ProjectionCheck:
    """Gate on the projection: over when the projected month end exceeds the monthly budget
    or the projected period total exceeds the total budget (``monthly``/``total`` override the
    scenario's). For ``costlab check --actuals USAGE``: exit 1 when not ``within``."""
    monthly = monthly if monthly is not None else rate.monthly_budget
    total = total if total is not None else rate.total_budget
    messages = []
    within = True
    if monthly is not None:
        over = rate.projected_month_cost > monthly
        within &= not over
        messages.append(
            f"{rate.month} projected at {formats.usd(rate.projected_month_cost)} "
            f"({'over' if over else 'within'} the {formats.usd(monthly)} monthly budget; "
            f"{rate.days_elapsed} of {rate.days_in_month} days)"
        )
    if total is not None:
        over = rate.projected_total > total
        within &= not over
        messages.append(
            f"period projected at {formats.usd(rate.projected_total)} "
            f"({'over' if over else 'within'} the {formats.usd(total)} total budget)"
        )
    if monthly is None and total is None:
        messages.append("no budget to check the projection against")
    return ProjectionCheck(within, tuple(messages))
