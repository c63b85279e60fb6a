"""A cascade priced step by step: where tasks are served, what a task costs, when it pays.

A workload whose ``routing`` is a ``cascade`` tries every task on the first model; a step's
``escalation_rate`` of the tasks reaching it fail there and go on to the next step; the last
step serves every task that reaches it. Each step has its own retry rate and token profile
(:class:`costlab.routing.CascadeStep`), so "a cheap model with many retries" is priced as
such. :func:`cascade_report` sets the cascade against each of its models used alone (with that
step's retries and prompt), and gives the *break-even* first-step escalation rate: the rate at
which the cascade costs exactly as much as that model alone. Below it the cascade is cheaper.

The cost is linear in the first escalation rate ``r``: ``cost(r) = c1 + r * R``, where ``c1``
is what the first step costs per task and ``R`` what the later steps cost per task when every
task escalates. So the break-even rate is ``(single - c1) / R``.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from costlab.errors import CostlabError
from costlab.forecast import Forecast, forecast_scenario
from costlab.money import MONEY
from costlab.prices import PriceBook, load_pricebook
from costlab.records import frozen
from costlab.routing import CascadeStep, Routing
from costlab.scenario import Scenario
from costlab.tables import exact_sum


@frozen
class StepCost:
    """One step of a cascade over the forecast horizon."""

    step: int
    model: str
    reach: Decimal
    """share of the tasks that reach this step"""
    served: Decimal
    """share of the tasks this step finishes (reach minus what it escalates)"""
    requests_per_task: Decimal
    """this step's requests per task of the workload (retries included)"""
    cost_per_task: Decimal
    """this step's cost per task of the workload (USD, exact quotient rounded to 80 digits)"""


@frozen
class SingleModel:
    """One of the cascade's models serving every task alone, with its step's retries."""

    model: str
    cost_per_task: Decimal
    break_even_rate: Decimal | None
    """first-step escalation rate at which the cascade costs the same; None when the later
    steps cost nothing"""

    @property
    def cascade_cheaper_below(self) -> str:
        """Plain words for the break-even rate."""
        if self.break_even_rate is None:
            return "always (the later steps cost nothing)"
        if self.break_even_rate <= 0:
            return "never (the first step alone costs more)"
        if self.break_even_rate >= 1:
            return "always (even if every task escalates)"
        return f"{self.break_even_rate * 100:.1f}%"


@frozen
class CascadeReport:
    """A cascade workload: per-step figures, cost per task, the single-model alternatives."""

    workload: str
    steps: tuple[StepCost, ...]
    cost_per_task: Decimal
    singles: tuple[SingleModel, ...]
    forecast: Forecast


def _per_task(fc: Forecast, workload: str) -> tuple[Decimal, Decimal]:
    row = fc.workloads[fc.workloads["workload"] == workload].iloc[0]
    return row["total_cost"], row["tasks"]


def cascade_report(
    scenario: Scenario, workload: str, *, book: PriceBook | None = None
) -> CascadeReport:
    """Price the cascade of ``workload`` per step and against each of its models alone."""
    book = book or load_pricebook()
    target = scenario.workload(workload)
    if target.routing is None or not target.routing.cascade:
        raise CostlabError("this workload has no cascade routing", scenario.label, workload)
    base = scenario.at("base")
    steps = base.workload(workload).routing.cascade  # type: ignore[union-attr]
    fc = forecast_scenario(base, book=book, sensitivity_table=False)
    cost, tasks = _per_task(fc, workload)
    if not tasks:
        raise CostlabError("the workload has no tasks to price", scenario.label, workload)
    routes = fc.routes[(fc.routes["workload"] == workload) & (fc.routes["role"] == "step")]
    reach = Decimal(1)
    rows = []
    for number, step in enumerate(steps, start=1):
        route = routes[routes["leg"] == number]
        rate = step.escalation_rate if step.escalation_rate is not None else Decimal(0)
        assert isinstance(rate, Decimal)
        rows.append(
            StepCost(
                step=number,
                model=step.model,
                reach=reach,
                served=reach * (1 - rate),
                requests_per_task=MONEY.divide(exact_sum(route["requests"]), tasks),
                cost_per_task=MONEY.divide(exact_sum(route["total_cost"]), tasks),
            )
        )
        reach *= rate
    first = rows[0].cost_per_task
    # The later steps' cost per task if every task escalated from the first step.
    everyone = _with_steps(
        base, workload, (dataclasses.replace(steps[0], escalation_rate=Decimal(1)), *steps[1:])
    )
    all_cost, all_tasks = _per_task(
        forecast_scenario(everyone, book=book, sensitivity_table=False), workload
    )
    rest = MONEY.subtract(MONEY.divide(all_cost, all_tasks), first)
    singles = []
    for step in steps:
        variant = alone(base, workload, step)
        single_cost, single_tasks = _per_task(
            forecast_scenario(variant, book=book, sensitivity_table=False), workload
        )
        per_task = MONEY.divide(single_cost, single_tasks)
        breakeven = MONEY.divide(MONEY.subtract(per_task, first), rest) if rest else None
        singles.append(SingleModel(step.model, per_task, breakeven))
    return CascadeReport(
        workload=workload,
        steps=tuple(rows),
        cost_per_task=MONEY.divide(cost, tasks),
        singles=tuple(singles),
        forecast=fc,
    )


def _with_steps(scenario: Scenario, workload: str, steps: tuple[CascadeStep, ...]) -> Scenario:
    return scenario.replace_workload(workload, routing=Routing(cascade=steps))


def alone(scenario: Scenario, workload: str, step: CascadeStep) -> Scenario:
    """The workload on ``step``'s model alone, with the step's retries and prompt size."""
    changes: dict[str, object] = {"model": step.model, "routing": None}
    if step.retry_rate is not None:
        changes["retry_rate"] = step.retry_rate
    if step.input_tokens is not None:
        changes["input_tokens"], changes["sample"] = step.input_tokens, None
    if step.output_tokens is not None:
        changes["output_tokens"] = step.output_tokens
    return scenario.replace_workload(workload, **changes)
