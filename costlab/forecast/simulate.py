"""Probabilistic forecast: every range sampled, P10/P50/P90 per month and for the total.

The low/high bands put every range at its cheap or dear end at once, which brackets the
forecast but says nothing about how likely either end is. Here each ranged number is a
triangular distribution (low, mode = base, high), drawn independently once per sample (the
uncertainty is about the number, so one draw holds for the whole horizon) from a seeded
numpy generator, so a seed reproduces the sample exactly.

Vectorized: the rates (USD per 1M tokens) of every route's model, batch part, month and
long-context tier come once from the rate engine (:func:`costlab.prices.rates.rates_for`,
the price in force on each month's first day, as the forecast uses); the volumes, tokens and
shares are numpy arrays of ``samples`` values, and every route costs ``samples x months``
array operations. The sampled figures are binary floats (quantiles of a sample are
estimates; a float's 16 digits are far finer than their sampling error); the base forecast
(:func:`costlab.forecast.forecast_scenario`) stays exact and is not touched.

Rules as the forecast's: ``requests_per_day`` x the month's days, compounding growth,
retries as extra requests, routes and escalations, batch share at batch rates, cached and
cache-write shares of the input (images' tokens included), reasoning billed as output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from costlab.errors import CostlabError
from costlab.forecast.lines import sample_tokens
from costlab.forecast.result import days_in_month, month_label
from costlab.prices import Model, PriceBook, load_pricebook
from costlab.prices.rates import rates_for
from costlab.ranges import Range
from costlab.records import frozen
from costlab.scenario import NumberPath, Scenario, Workload, base_number
from costlab.scenario_checks import check_models

#: The quantiles reported, as fractions.
QUANTILES = (0.1, 0.5, 0.9)

#: Distributions a range can be sampled from (all bounded by low and high):
#: ``triangular`` (mode = base), ``pert`` (a beta with mode = base and weight 4 on it, which
#: puts less weight on the ends than the triangular) and ``uniform`` (base ignored).
DISTRIBUTIONS = ("triangular", "pert", "uniform")


@frozen
class Simulation:
    """A sampled forecast.

    ``months``: ``month``, ``p10``, ``p50``, ``p90`` (USD, float), ``p_over_monthly`` (share of
    samples whose month exceeds the monthly budget; empty without one). ``totals``: each
    sample's horizon total (USD, float); ``costs``: samples x months.
    """

    samples: int
    seed: int | None
    months: pd.DataFrame
    distribution: str
    costs: np.ndarray = field(repr=False)
    monthly_budget: Decimal | None = None
    total_budget: Decimal | None = None

    @property
    def totals(self) -> np.ndarray:
        return self.costs.sum(axis=1)

    def total_quantiles(self) -> tuple[float, float, float]:
        p10, p50, p90 = np.quantile(self.totals, QUANTILES)
        return float(p10), float(p50), float(p90)

    @property
    def p_over_total(self) -> float | None:
        """Probability that the horizon total exceeds the total budget."""
        if self.total_budget is None:
            return None
        return float(np.mean(self.totals > float(self.total_budget)))

    @property
    def p_any_month_over(self) -> float | None:
        """Probability that at least one month exceeds the monthly budget."""
        if self.monthly_budget is None:
            return None
        return float(np.mean((self.costs > float(self.monthly_budget)).any(axis=1)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money to the cent, probabilities to 4 decimals (sampled estimates)."""
        p10, p50, p90 = self.total_quantiles()

        def share(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "samples": self.samples,
            "seed": self.seed,
            "distribution": f"{self.distribution} (low, base, high), independent",
            "total": {"p10": _cents(p10), "p50": _cents(p50), "p90": _cents(p90)},
            "p_over_total_budget": share(self.p_over_total),
            "p_any_month_over_monthly_budget": share(self.p_any_month_over),
            "months": [
                {
                    "month": r["month"],
                    "p10": _cents(r["p10"]),
                    "p50": _cents(r["p50"]),
                    "p90": _cents(r["p90"]),
                    "p_over_monthly": share(r["p_over_monthly"]),
                }
                for r in self.months.to_dict("records")
            ],
        }


def _cents(value: float) -> str:
    return f"{value:.2f}"


def simulate(
    scenario: Scenario,
    *,
    samples: int = 10_000,
    seed: int | None = None,
    book: PriceBook | None = None,
    distribution: str = "triangular",
) -> Simulation:
    """Sample every range of ``scenario`` ``samples`` times (seeded; see :data:`DISTRIBUTIONS`).

    >>> from costlab.scenario import Scenario, Workload
    >>> from costlab.ranges import Range
    >>> s = Scenario(name="s", start="2027-01", months=1, workloads=(Workload(
    ...     name="w", model="gpt-4.1-mini", requests_per_month=Range(Decimal(500),
    ...     Decimal(1000), Decimal(2000)), input_tokens=Decimal(1000)),))
    >>> sim = simulate(s, samples=2000, seed=1)
    >>> p10, p50, p90 = sim.total_quantiles()
    >>> 0.2 < p10 < p50 < p90 < 0.8
    True
    """
    if samples < 1:
        raise CostlabError(f"needs at least 1 sample, got {samples}", "samples")
    if distribution not in DISTRIBUTIONS:
        raise CostlabError(
            f"unknown distribution '{distribution}'; use {', '.join(DISTRIBUTIONS)}",
            "distribution",
        )
    book = book or load_pricebook()
    models = check_models(scenario, book)
    months = scenario.month_starts()
    rng = np.random.default_rng(seed)
    drawn = {
        a.path: _draw(rng, a.range, samples, distribution) for a in scenario.ranges()
    }  # file order, so a seed always draws the same numbers for the same scenario
    costs = np.zeros((samples, len(months)))
    for index, workload in enumerate(scenario.workloads):
        costs += _workload_costs(scenario, index, workload, drawn, models, months, book, samples)
    budget = scenario.budget
    monthly = budget.monthly if budget else None
    quantiles = np.quantile(costs, QUANTILES, axis=0)
    table = pd.DataFrame(
        {
            "month": [month_label(m) for m in months],
            "p10": quantiles[0],
            "p50": quantiles[1],
            "p90": quantiles[2],
            "p_over_monthly": (costs > float(monthly)).mean(axis=0)
            if monthly is not None
            else [None] * len(months),
        }
    )
    total = budget.total if budget else None
    return Simulation(samples, seed, table, distribution, costs, monthly, total)


def _draw(rng: np.random.Generator, value: Range, samples: int, distribution: str) -> np.ndarray:
    low, mode, high = float(value.low), float(value.base), float(value.high)
    if low == high:
        rng.random(samples)  # keep the stream aligned whatever the widths
        return np.full(samples, low)
    if distribution == "uniform":
        return rng.uniform(low, high, samples)
    if distribution == "pert":
        # beta(1 + 4 (mode - low) / span, 1 + 4 (high - mode) / span), scaled to the range
        span = high - low
        alpha = 1 + 4 * (mode - low) / span
        beta = 1 + 4 * (high - mode) / span
        return low + span * rng.beta(alpha, beta, samples)
    return rng.triangular(low, mode, high, samples)


def _workload_costs(
    scenario: Scenario,
    index: int,
    workload: Workload,
    drawn: Mapping[NumberPath, np.ndarray],
    models: Mapping[str, Model],
    months: list[date],
    book: PriceBook,
    samples: int,
) -> np.ndarray:
    """samples x months cost of one workload, every route and batch part."""
    here: NumberPath = ("workloads", index)

    def value(name: str | tuple[str | int, ...], number: Any) -> np.ndarray | float:
        path = (*here, *((name,) if isinstance(name, str) else name))
        if path in drawn:
            return drawn[path][:, None]  # a column: one value per sample, every month
        return float(base_number(number))

    n_months = len(months)
    per_day = workload.requests_per_day is not None
    volume = value(
        "requests_per_day" if per_day else "requests_per_month",
        workload.requests_per_day if per_day else workload.requests_per_month,
    )
    units = np.array([days_in_month(m) if per_day else 1 for m in months], dtype=float)
    growth = np.ones((samples, n_months))
    rates = workload.growth_rates
    for k in range(1, n_months):
        rate = (
            value(("growth", k - 1), rates[k - 1])
            if rates is not None
            else value("growth", workload.growth)
        )
        growth[:, k] = growth[:, k - 1] * (1 + np.ravel(np.broadcast_to(rate, (samples, 1))))
    attempts = 1 + value("retry_rate", workload.retry_rate)
    tasks = volume * units[None, :] * growth * attempts  # requests before routing
    output = value("output_tokens", workload.output_tokens) + value(
        "reasoning_tokens", workload.reasoning_tokens
    )
    cached = value("cached_input_share", workload.cached_input_share)
    written = value("cache_write_share", workload.cache_write_share)
    batch = value("batch_share", workload.batch_share)
    one_hour = workload.cache_write_ttl == "1h"
    images = value(("images", "count"), workload.images.count) if workload.images else 0.0
    total = np.zeros((samples, n_months))
    for route in workload.routes:
        model = models[route.model]
        share = (
            value(("routing", "escalation", "rate"), route.share)
            if route.role == "escalation"
            else float(base_number(route.share))
        )
        if workload.sample is not None:
            where = (scenario.source or None, scenario.workload_where(index))
            inputs: np.ndarray | float = float(
                sample_tokens(scenario, workload.sample, model, book, where)
            )
        else:
            inputs = value("input_tokens", workload.input_tokens)
        if workload.images is not None and model.images is not None:
            from costlab.tokens import image_tokens

            per_image = image_tokens(
                model.images, workload.images.width, workload.images.height, workload.images.detail
            )
            inputs = inputs + images * float(per_image)
        per_request = []
        effort = workload.reasoning_effort
        # an effort is the book's per-model assumption (as in forecast.lines.request_tokens)
        thinking = (
            float(model.reasoning_effort.tokens(effort))
            if effort is not None and model.reasoning_effort is not None
            else 0.0
        )
        for is_batch in (False, True):
            tier = "standard" if is_batch else workload.service_tier
            r = _rates(model, months, is_batch, inputs, samples, tier)
            uncached = inputs * (1 - cached - written)
            cost = (
                uncached * r["input"]
                + inputs * cached * r["cached_input"]
                + inputs * written * (r["cache_write_1h"] if one_hour else r["cache_write"])
                + (output + thinking) * r["output"]
            ) / 1e6
            per_request.append(cost)
        blended = (1 - batch) * per_request[0] + batch * per_request[1]
        total += tasks * share * blended
    return total


def _rates(
    model: Model,
    months: list[date],
    batch: bool,
    inputs: np.ndarray | float,
    samples: int,
    tier: str = "standard",
) -> dict[str, np.ndarray]:
    """USD per 1M tokens of each component, per month (and per sample when a long-context
    tier depends on the sampled input tokens): months, or samples x months."""
    entries = [model.price_on(day) for day in months]
    names = ("input", "cached_input", "cache_write", "cache_write_1h", "output")
    base = {
        n: np.array([float(rates_for(e, batch=batch, tier=tier)[n]) for e in entries])
        for n in names
    }
    if not any(e.tiers for e in entries):
        return base
    out = {n: np.broadcast_to(v, (samples, len(months))).copy() for n, v in base.items()}
    size = np.broadcast_to(np.asarray(inputs, dtype=float), (samples, 1))[:, 0]
    for m, entry in enumerate(entries):
        for long_context in entry.tiers:  # sorted by threshold: a later tier overrides
            above = size > float(long_context.above_input_tokens)
            if not above.any():
                continue
            tiered = rates_for(entry, batch=batch, long_context=long_context, tier=tier)
            for n in names:
                out[n][above, m] = float(tiered[n])
    return out
