"""Forecast a 10,000-variant grid over 36 months exactly (target: within 5x bare floats, < 200 MB).

The grid sweeps 10 models x 40 request volumes x 25 prompt sizes of one workload (cached
share, batch share, retries and growth set), so the engine prices 20,000 lines (sync and
batch parts) x 36 months = 720,000 line-months, every figure an exact Decimal. The bare
baseline, measured in the same run, does the same arithmetic in numpy floats (per-request
float costs, volumes x days x growth x retries, outer products, sums): fast and inexact.
"""

from __future__ import annotations

import calendar
import dataclasses
import resource
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from costlab.forecast import forecast_scenario
from costlab.money import plain
from costlab.prices import load_pricebook, rates_for
from costlab.scenario import Scenario, Workload
from costlab.sweep import sweep

MODELS = [
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4.1",
    "gpt-4o-mini",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5",
    "o4-mini",
    "claude-haiku-4-5",
    "gemini-2.5-flash",
]
REQUESTS_PER_DAY = [Decimal(1_000 * i) for i in range(1, 41)]
INPUT_TOKENS = [Decimal(500 + 100 * i) for i in range(25)]
MONTHS = 36
CACHED, BATCH, RETRY, GROWTH, OUTPUT = (
    Decimal("0.3"),
    Decimal("0.2"),
    Decimal("0.05"),
    Decimal("0.03"),
    Decimal(200),
)


def grid() -> Scenario:
    base = Scenario(
        name="grid",
        start="2027-01",
        months=MONTHS,
        workloads=(
            Workload(
                name="w",
                model=MODELS[0],
                requests_per_day=REQUESTS_PER_DAY[0],
                input_tokens=INPUT_TOKENS[0],
                output_tokens=OUTPUT,
                cached_input_share=CACHED,
                batch_share=BATCH,
                retry_rate=RETRY,
                growth=GROWTH,
            ),
        ),
    )
    return sweep(
        base, "w", model=MODELS, requests_per_day=REQUESTS_PER_DAY, input_tokens=INPUT_TOKENS
    )


def bare_baseline(scenario: Scenario) -> float:
    """The same months x variants arithmetic in numpy floats (no dates, tiers or flags)."""
    book = load_pricebook(use_env=False)
    months = scenario.month_starts()
    days = np.array([calendar.monthrange(m.year, m.month)[1] for m in months], dtype=float)
    growth = (1 + float(GROWTH)) ** np.arange(len(months))
    per_request = []
    volume = []
    for w in scenario.workloads:
        price = book.resolve(str(w.model)).price_on(months[0])
        tokens = float(w.input_tokens)  # type: ignore[arg-type]
        cached = tokens * float(CACHED)
        costs = []
        for is_batch in (False, True):
            r = rates_for(price, batch=is_batch)
            costs.append(
                (
                    (tokens - cached) * float(r.input)
                    + cached * float(r.cached_input)
                    + float(OUTPUT) * float(r.output)
                )
                / 1e6
            )
        per_request.append((1 - float(BATCH)) * costs[0] + float(BATCH) * costs[1])
        volume.append(float(w.requests_per_day) * (1 + float(RETRY)))  # type: ignore[arg-type]
    requests = np.outer(np.array(volume), days * growth)
    return float((requests * np.array(per_request)[:, None]).sum())


def interleaved(
    fns: dict[str, Callable[[], Any]], repeat: int = 5
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Run each function ``repeat`` times, alternating them, so load on the shared machine
    falls on both alike; the times of every run and the last result of each."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            results[name] = None  # one result alive at a time
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return times, results


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    book = load_pricebook(use_env=False)
    scenario = grid()
    forecast_scenario(
        dataclasses.replace(scenario, workloads=scenario.workloads[:10]), book=book
    )  # warm up
    before = peak_rss_mb()
    times, results = interleaved(
        {
            "costlab": lambda: forecast_scenario(scenario, book=book, sensitivity_table=False),
            "bare": lambda: bare_baseline(scenario),
        }
    )
    fc, approx = results["costlab"], results["bare"]
    total = fc.total_cost
    exact, bare = times["costlab"], times["bare"]
    print(f"variants x months:     {len(scenario.workloads):,} x {MONTHS}")
    print(
        f"costlab forecast:      min {min(exact):.3f} s, median {statistics.median(exact):.3f} s"
        "  (target < 5x bare)"
    )
    print(f"  exact total:         ${plain(total)}")
    print(
        f"bare numpy floats:     min {min(bare):.3f} s, median {statistics.median(bare):.3f} s"
        f"  approx total ${approx:,.6f}"
    )
    print(f"  float error:         ${float(total) - approx:+.3e}")
    print(
        f"ratio costlab / bare:  min {min(exact) / min(bare):.1f}x, "
        f"median {statistics.median(exact) / statistics.median(bare):.1f}x"
    )
    print(f"peak RSS:              {peak_rss_mb():.0f} MB (before the runs {before:.0f} MB)")
    start = time.perf_counter()
    lines = len(fc.lines)
    print(
        f"lines table on demand: {lines:,} line-months in {time.perf_counter() - start:.2f} s, "
        f"peak RSS then {peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
