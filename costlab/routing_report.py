"""Does a router (a cheap model, a main model, escalations) cost less than the main model alone?

:func:`routed` writes the router into a scenario's plain data (the form of a scenario file);
:func:`router_report` prices it beside the single models and gives the verdict, so the
dashboard's Compare page and a command print the same answer.

>>> data = {"name": "bot", "start": "2027-01", "months": 12, "workloads": [{"name": "triage",
...     "model": "gpt-4.1-mini", "requests_per_day": Decimal(20000),
...     "input_tokens": Decimal(1200), "output_tokens": Decimal(150)}]}
>>> report = router_report(data, "triage", cheap="gpt-4.1-nano", cheap_share=Decimal("0.6"),
...                        main="gpt-4.1-mini", escalation="gpt-4.1", escalation_rate=Decimal("0.05"))
>>> report.saves, report.router_cost < report.main_cost
(True, True)
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from costlab.comparison import Comparison, compare_scenario
from costlab.errors import CostlabError
from costlab.exact import EXACT
from costlab.prices import PriceBook
from costlab.records import frozen
from costlab.scenario import parse_scenario

__all__ = ["ComparisonSummary", "RouterReport", "routed", "router_report", "summarize"]


@frozen
class RouterReport:
    """The router priced beside its models over the scenario's horizon (USD, exact)."""

    comparison: Comparison
    """the ranking: the router and each of its models on the routed workload"""
    scenario_data: dict[str, Any]
    """the scenario with the router in place (plain data, ready to save or apply)"""
    main: str
    router_cost: Decimal | None
    main_cost: Decimal | None

    @property
    def saves(self) -> bool | None:
        """True when the router costs less than the main model alone (None: not comparable)."""
        if self.router_cost is None or self.main_cost is None:
            return None
        return self.router_cost < self.main_cost

    @property
    def difference(self) -> Decimal | None:
        """Main model alone minus the router: positive is what the router saves."""
        if self.router_cost is None or self.main_cost is None:
            return None
        return EXACT.subtract(self.main_cost, self.router_cost)  # "-" rounds to 28 digits


def routed(
    data: dict[str, Any],
    workload: str,
    *,
    cheap: str,
    cheap_share: Decimal,
    main: str,
    escalation: str | None = None,
    escalation_rate: Decimal = Decimal(0),
) -> dict[str, Any]:
    """``data`` with ``workload`` sent ``cheap_share`` to ``cheap``, the rest to ``main``, and
    ``escalation_rate`` of requests re-run on ``escalation`` (extra requests)."""
    if not Decimal(0) <= cheap_share <= Decimal(1):
        raise CostlabError(f"must be between 0 and 1, got {cheap_share}", "cheap share")
    if escalation_rate < 0:
        raise CostlabError(f"must be 0 or more, got {escalation_rate}", "escalation rate")
    routing: dict[str, Any] = {
        "legs": [{"model": cheap, "share": cheap_share}, {"model": main, "share": 1 - cheap_share}]
    }
    if escalation and escalation_rate > 0:
        routing["escalation"] = {"model": escalation, "rate": escalation_rate}
    variant = copy.deepcopy(data)
    found = False
    for w in variant.get("workloads") or []:
        if w.get("name") == workload:
            w.pop("model", None)
            w["routing"] = routing
            found = True
    if not found:
        raise CostlabError(f"no workload named {workload!r}", "routing")
    return variant


def router_report(
    data: dict[str, Any],
    workload: str,
    *,
    cheap: str,
    cheap_share: Decimal,
    main: str,
    escalation: str | None = None,
    escalation_rate: Decimal = Decimal(0),
    book: PriceBook | None = None,
) -> RouterReport:
    """Price the router on ``workload`` beside ``cheap``, ``main`` and ``escalation`` alone."""
    variant = routed(
        data,
        workload,
        cheap=cheap,
        cheap_share=cheap_share,
        main=main,
        escalation=escalation,
        escalation_rate=escalation_rate,
    )
    scenario = parse_scenario(variant, "scenario", book=book)
    models = list(dict.fromkeys(m for m in (cheap, main, escalation) if m))
    result = compare_scenario(scenario, models, workload=workload, book=book)
    ranking = result.ranking
    router = ranking[ranking["kind"] == "router"]
    singles = ranking[ranking["kind"] != "router"].set_index("candidate")
    main_id = book.resolve(main).id if book is not None else main
    router_cost = Decimal(str(router["compared_cost"].iloc[0])) if len(router) else None
    key = main_id if main_id in singles.index else main
    main_cost = Decimal(str(singles.loc[key, "compared_cost"])) if key in singles.index else None
    return RouterReport(result, variant, main, router_cost, main_cost)


@frozen
class ComparisonSummary:
    """The Compare page's headline: the cheapest candidate that can serve, the plan as it
    stands, and what switching saves (USD over the horizon, exact)."""

    cheapest_fit: str | None
    """the cheapest candidate whose limits fit (None: none of them can serve)"""
    cheapest_fit_cost: Decimal | None
    planned: str | None
    """the scenario as planned: its one model, or its router / mixed plan"""
    planned_cost: Decimal | None
    cannot_serve: int
    """candidates with a limit exceeded or retiring within the horizon"""
    candidates: int

    @property
    def saving(self) -> Decimal | None:
        """Planned minus the cheapest that fits (0 when the plan is already the cheapest)."""
        if self.planned_cost is None or self.cheapest_fit_cost is None:
            return None
        return max(EXACT.subtract(self.planned_cost, self.cheapest_fit_cost), Decimal(0))


def summarize(comparison: Comparison, planned_models: list[str]) -> ComparisonSummary:
    """Headline figures of ``comparison``; ``planned_models`` are the models the scenario
    uses now (one model: its row is the plan; several: the router / mixed row is)."""
    ranking = comparison.ranking
    fits = ranking[ranking["can_serve"]]
    if len(set(planned_models)) == 1:
        planned = ranking[ranking["candidate"].isin(planned_models)]
    else:
        planned = ranking[ranking["kind"] != "model"]
    return ComparisonSummary(
        cheapest_fit=str(fits.iloc[0]["candidate"]) if len(fits) else None,
        cheapest_fit_cost=Decimal(str(fits.iloc[0]["compared_cost"])) if len(fits) else None,
        planned=str(planned.iloc[0]["candidate"]) if len(planned) else None,
        planned_cost=Decimal(str(planned.iloc[0]["compared_cost"])) if len(planned) else None,
        cannot_serve=int((~ranking["can_serve"]).sum()),
        candidates=len(ranking),
    )
