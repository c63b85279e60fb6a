"""Sample a 36-month scenario's ranges 10,000 times (target: under 2 s on 2 cores).

The scenario has three workloads (one a router with an escalation) and ten ranged numbers
(volumes, tokens, cache and batch shares, retries, growth, the escalation rate), so every
sample draws twelve triangulars and prices five routes x two batch parts x 36 months. Runs
are interleaved with a bare baseline measured in the same process (the same number of
triangular draws and one samples x months float product, nothing priced), min and median of
each are printed, and the peak resident memory of the process.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

import numpy as np

from costlab.forecast.simulate import simulate
from costlab.prices import load_pricebook
from costlab.scenario import parse_scenario

SAMPLES, MONTHS, RUNS = 10_000, 36, 7


def r(low: float, base: float, high: float) -> dict[str, float]:
    return {"low": low, "base": base, "high": high}


SCENARIO = {
    "name": "bench",
    "start": "2027-01",
    "months": MONTHS,
    "budget": {"monthly": 4_000, "total": 100_000},
    "workloads": [
        {
            "name": "support",
            "model": "gpt-4.1-mini",
            "requests_per_day": r(20_000, 30_000, 60_000),
            "input_tokens": r(900, 1200, 2000),
            "output_tokens": r(100, 150, 300),
            "cached_input_share": r(0.3, 0.5, 0.7),
            "batch_share": r(0, 0.1, 0.3),
            "retry_rate": 0.05,
            "growth": r(0, 0.03, 0.08),
        },
        {
            "name": "agent",
            "model": "gpt-5-mini",
            "requests_per_month": r(50_000, 100_000, 300_000),
            "input_tokens": 6000,
            "reasoning_tokens": r(500, 1500, 4000),
            "output_tokens": 500,
            "retry_rate": r(0.01, 0.03, 0.1),
        },
        {
            "name": "router",
            "routing": {
                "legs": [
                    {"model": "gpt-4.1-nano", "share": 0.3},
                    {"model": "gpt-4.1-mini", "share": 0.7},
                ],
                "escalation": {"model": "gpt-4.1", "rate": r(0.02, 0.05, 0.1)},
            },
            "requests_per_day": 10_000,
            "input_tokens": 800,
            "output_tokens": 120,
        },
    ],
}


def bare_baseline(draws: int) -> float:
    """The draws and one samples x months product in numpy: the floor any sampler pays."""
    rng = np.random.default_rng(1)
    values = [rng.triangular(1.0, 2.0, 3.0, SAMPLES) for _ in range(draws)]
    months = np.linspace(1.0, 2.0, MONTHS)
    return float((np.prod(values, axis=0)[:, None] * months[None, :]).sum())


def main() -> None:
    book = load_pricebook(use_env=False)
    scenario = parse_scenario(SCENARIO, "bench", book=book)
    ranged = len(scenario.ranges())
    simulate(scenario, samples=100, seed=0, book=book)  # warm up (price entries, imports)
    t_sim, t_bare = [], []
    sim = None
    for run in range(RUNS):  # interleaved, so machine load hits both alike
        start = time.perf_counter()
        sim = simulate(scenario, samples=SAMPLES, seed=run, book=book)
        t_sim.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_baseline(ranged)
        t_bare.append(time.perf_counter() - start)
    assert sim is not None
    p10, p50, p90 = sim.total_quantiles()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
    print(f"samples x months:      {SAMPLES:,} x {MONTHS}, {ranged} ranged numbers, {RUNS} runs")
    print(
        f"costlab simulate:      min {min(t_sim):.3f} s, median {statistics.median(t_sim):.3f} s"
        "  (target < 2 s)"
    )
    print(
        f"bare numpy draws:      min {min(t_bare):.3f} s, median {statistics.median(t_bare):.3f} s"
    )
    print(f"ratio (medians):       {statistics.median(t_sim) / statistics.median(t_bare):.1f}x")
    print(f"total P10/P50/P90:     ${p10:,.0f} / ${p50:,.0f} / ${p90:,.0f}")
    print(f"P(total over budget):  {sim.p_over_total:.1%}")
    print(f"peak RSS:              {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
