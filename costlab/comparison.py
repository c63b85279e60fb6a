"""Compare: the same scenario re-priced on other models, ranked by cost.

Every workload (or one named workload) is swapped to each candidate model in turn and the
scenario is forecast again over the same months, with the prices in force each month. The
ranking shows, for the compared workloads, the total cost, the cost per 1,000 requests and
per task (a task is a request before retries; retries and escalations are in the cost), and
whether the model can serve the workload at all: context window, max output, image input,
retirement inside the horizon. Where the price book has published benchmark scores they are
listed with their name and source, for a cost-versus-capability view; they are never folded
into one "quality" number.

A routed workload (:mod:`costlab.routing`) is compared as written against each single model,
so "is the router cheaper than GPT-4.1 mini alone?" has an answer (:func:`router_vs_single`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from costlab.errors import CostlabError
from costlab.exact import EXACT, exact_sum, tidy
from costlab.forecast.figures import unit_costs
from costlab.prices import PriceBook, load_pricebook
from costlab.records import frozen
from costlab.routing import describe
from costlab.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from costlab.forecast import Forecast

Kind = Literal["as written", "router", "model"]

RANKING_COLUMNS = [
    "rank",
    "candidate",
    "kind",
    "models",
    "compared_cost",
    "compared_cost_low",
    "compared_cost_high",
    "total_cost",
    "requests",
    "tasks",
    "cost_per_1k_requests",
    "cost_per_task",
    "vs_cheapest",
    "can_serve",
    "warnings",
]


@frozen
class Comparison:
    """A scenario re-priced on several candidates.

    * ``ranking``: one row per candidate, cheapest first — ``candidate`` (a model id, or the
      scenario as written / its router), ``kind``, ``models`` it uses, ``compared_cost`` (USD
      over the horizon for the compared workloads; ``_low``/``_high`` bands), ``total_cost``
      (the whole scenario), ``requests`` and ``tasks`` of the compared workloads,
      ``cost_per_1k_requests``, ``cost_per_task``, ``vs_cheapest`` (USD more than the first),
      ``can_serve`` (no blocking warning) and ``warnings`` (how many).
    * ``warnings``: candidate, workload, model, code, message, blocking.
    * ``benchmarks``: candidate, model, benchmark, score (percent), source, compared_cost,
      cost_per_task — published scores from the price book, where present.
    """

    scenario: Scenario
    workload: str | None
    ranking: pd.DataFrame
    warnings: pd.DataFrame
    benchmarks: pd.DataFrame
    forecasts: dict[str, Forecast]

    @property
    def cheapest(self) -> str:
        return str(self.ranking["candidate"].iloc[0])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"ranking": self.ranking, "warnings": self.warnings, "benchmarks": self.benchmarks}

    def to_dict(self) -> dict[str, Any]:
        from costlab.tables import records

        return _json(self, records(self.ranking), records(self.warnings), records(self.benchmarks))


def compare_scenario(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    workload: str | None = None,
    book: PriceBook | None = None,
) -> Comparison:
    """Re-price ``scenario`` with every workload (or only ``workload``) on each of ``models``.

    ``models`` default to the models the compared workloads use. The scenario as written is a
    candidate too when it is not simply one of the models (a router, or workloads on
    different models).
    """
    import pandas as pd

    from costlab.forecast import forecast_scenario
    from costlab.tables import column

    book = book or load_pricebook()
    forecasts: dict[str, Forecast] = {}

    def forecast(label: str, variant: Scenario) -> Forecast:
        fc = forecasts[label] = forecast_scenario(variant, book=book, sensitivity_table=False)
        return fc

    ranked = _rank(scenario, models, workload, book, forecast)
    assert ranked is not None
    rows, warnings = ranked
    ranking = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    for name in ("compared_cost", "vs_cheapest", "cost_per_task", "cost_per_1k_requests"):
        ranking[name] = column(ranking[name])
    return Comparison(
        scenario=scenario,
        workload=workload,
        ranking=ranking,
        warnings=pd.DataFrame(warnings, columns=WARNING_COLUMNS),
        benchmarks=pd.DataFrame(_benchmarks(rows, book), columns=BENCHMARK_COLUMNS),
        forecasts=forecasts,
    )


@frozen
class SmallComparison:
    """A :class:`Comparison` of a small scenario as plain rows (``ranking``, ``warnings``,
    ``benchmarks``: lists of dicts with the same columns and values), made without pandas."""

    scenario: Scenario
    workload: str | None
    ranking: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    benchmarks: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as :meth:`Comparison.to_dict` gives it for the same scenario."""
        from costlab.json_rows import json_rows

        return _json(
            self, json_rows(self.ranking), json_rows(self.warnings), json_rows(self.benchmarks)
        )


def _json(
    result: Comparison | SmallComparison,
    ranking: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
    benchmarks: list[dict[str, Any]],
) -> dict[str, Any]:
    """A comparison as ``costlab compare --json`` prints it, from its tables as JSON rows."""
    return {
        "scenario": result.scenario.name,
        "workload": result.workload,
        "months": result.scenario.months,
        "start": result.scenario.start,
        "ranking": ranking,
        "warnings": warnings,
        "benchmarks": benchmarks,
    }


def compare_small(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    workload: str | None = None,
    book: PriceBook,
) -> SmallComparison | None:
    """:func:`compare_scenario` in plain Python (:mod:`costlab.forecast.small`), or None when
    a candidate is not a small scenario (then use :func:`compare_scenario`)."""
    from costlab.forecast.small import small_forecast

    ranked = _rank(scenario, models, workload, book, lambda label, v: small_forecast(v, book=book))
    if ranked is None:
        return None
    rows, warnings = ranked
    return SmallComparison(scenario, workload, rows, warnings, _benchmarks(rows, book))


WARNING_COLUMNS = ["candidate", "workload", "model", "code", "message", "blocking"]

BENCHMARK_COLUMNS = [
    "candidate",
    "model",
    "benchmark",
    "score",
    "source",
    "compared_cost",
    "cost_per_task",
]


def _rank(
    scenario: Scenario,
    models: Sequence[str] | None,
    workload: str | None,
    book: PriceBook,
    forecast: Callable[[str, Scenario], Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """Ranking and warning rows of every candidate, each forecast with ``forecast`` (None
    when it gives None for one)."""
    from costlab.forecast.figures import rows_of

    compared = [scenario.workload(workload)] if workload else list(scenario.workloads)
    names = [w.name for w in compared]
    if models is None or not list(models):
        models = [route.model for w in compared for route in w.routes]
    ids: list[str] = []
    for name in models:
        model_id = book.resolve(name).id
        if model_id not in ids:
            ids.append(model_id)

    candidates: list[tuple[str, Kind, Scenario]] = []
    written = {book.resolve(r.model).id for w in compared for r in w.routes}
    routed = [w for w in compared if w.routing is not None]
    if routed or len(written) > 1:
        if len(routed) == 1 and len(compared) == 1:
            assert routed[0].routing is not None
            routing = routed[0].routing
            word = "cascade" if routing.cascade else "router"
            label, kind = f"{word}: {describe(routing)}", "router"
        else:
            label, kind = "as written", "as written"
        candidates.append((label, kind, scenario))  # type: ignore[arg-type]
    for model_id in ids:
        variant = scenario
        for name in names:
            variant = _alone(variant, name, model_id, book)
        candidates.append((model_id, "model", variant))

    rows: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for label, kind, variant in candidates:
        try:
            fc = forecast(label, variant)
        except CostlabError as exc:
            if kind != "model":
                raise
            # e.g. a candidate without a price at the start: say which candidate it was
            raise CostlabError(f"{exc.what} (candidate {label})", *exc.where) from None
        if fc is None:
            return None
        table = [r for r in rows_of(fc.workloads) if r["workload"] in names]
        flags = [f for f in fc.flags if f.workload in names]
        for flag in flags:
            warnings.append(
                {
                    "candidate": label,
                    "workload": flag.workload,
                    "model": flag.model,
                    "code": flag.code,
                    "message": flag.message,
                    "blocking": flag.blocking,
                }
            )
        cost = exact_sum(r["total_cost"] for r in table)
        requests = exact_sum(r["requests"] for r in table)
        tasks = exact_sum(r["tasks"] for r in table)
        used = list(dict.fromkeys(m for r in table for m in str(r["models"]).split(", ")))
        rows.append(
            {
                "candidate": label,
                "kind": kind,
                "models": ", ".join(used),
                "compared_cost": cost,
                "compared_cost_low": exact_sum(r["total_cost_low"] for r in table),
                "compared_cost_high": exact_sum(r["total_cost_high"] for r in table),
                "total_cost": fc.total_cost,
                "requests": requests,
                "tasks": tasks,
                # ratios: rounded to 80 significant digits (totals stay exact)
                **unit_costs(cost, requests, tasks),
                "can_serve": not any(f.blocking for f in flags),
                "warnings": len(flags),
            }
        )
    # A candidate that cannot serve the workload (a modality it lacks, a price it has not)
    # ranks after every one that can, however little its priced part costs.
    rows.sort(key=lambda r: (not r["can_serve"], r["compared_cost"], r["candidate"]))
    cheapest = rows[0]["compared_cost"] if rows else Decimal(0)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["vs_cheapest"] = tidy(EXACT.subtract(row["compared_cost"], cheapest))  # "-": 28 digits
    return [{c: row[c] for c in RANKING_COLUMNS} for row in rows], warnings


def _alone(scenario: Scenario, workload: str, model_id: str, book: PriceBook) -> Scenario:
    """The workload on one model. A model that is a step of the workload's cascade keeps that
    step's retries and prompt size, so a cheap model with many retries is priced as such."""
    routing = scenario.workload(workload).routing
    for step in routing.cascade if routing is not None else ():
        if book.resolve(step.model).id == model_id:
            from costlab.cascade import alone

            return alone(scenario, workload, step)
    return scenario.replace_workload(workload, model=model_id, routing=None)


def _benchmarks(ranking: list[dict[str, Any]], book: PriceBook) -> list[dict[str, Any]]:
    rows = []
    for row in ranking:
        if row["kind"] != "model":
            continue
        model = book.resolve(str(row["candidate"]))
        for bench in model.benchmarks:
            rows.append(
                {
                    "candidate": row["candidate"],
                    "model": model.id,
                    "benchmark": bench.name,
                    "score": bench.score,
                    "source": bench.source,
                    "compared_cost": row["compared_cost"],
                    "cost_per_task": row["cost_per_task"],
                }
            )
    return rows


def router_vs_single(
    scenario: Scenario,
    workload: str,
    *,
    models: Sequence[str] | None = None,
    book: PriceBook | None = None,
) -> Comparison:
    """A routed workload as written against each single model (default: its own models)."""
    target = scenario.workload(workload)
    if target.routing is None:
        raise CostlabError(
            "this workload names one model; give it a routing to compare a router",
            scenario.label,
            f"workload '{workload}'",
        )
    return compare_scenario(scenario, models, workload=workload, book=book)
