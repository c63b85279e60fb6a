"""``costlab forecast --samples N --seed S``: the sampled P10/P50/P90 beside the forecast.

Kept apart from :mod:`costlab.cli.forecast` so that command gains two options and two calls.
"""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import positive_int


def add_simulation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--samples",
        type=positive_int,
        metavar="N",
        help="also sample every range N times (triangular: low, mode = base, high) and show "
        "P10/P50/P90 per month and for the total, and the chance of going over budget",
    )
    parser.add_argument(
        "--seed", type=int, metavar="S", help="random seed for --samples (same seed, same sample)"
    )
    parser.add_argument(
        "--distribution",
        choices=("triangular", "pert", "uniform"),
        default="triangular",
        help="how --samples draws each range between its low and high: triangular (default, "
        "mode = base), pert (a smoother peak at base) or uniform",
    )


def simulation_for(args: argparse.Namespace, fc: Any, book: Any) -> Any:
    """The simulation the options ask for, or ``None``."""
    if not getattr(args, "samples", None):
        return None
    from costlab.forecast.simulate import simulate

    return simulate(
        fc.scenario,
        samples=args.samples,
        seed=args.seed,
        book=book,
        distribution=getattr(args, "distribution", "triangular"),
    )


def with_simulation(data: dict[str, Any], simulation: Any) -> dict[str, Any]:
    """The forecast's JSON with a ``simulation`` object when one was asked for."""
    if simulation is not None:
        data["simulation"] = simulation.to_dict()
    return data


_SHAPES = {
    "triangular": "triangular: low, mode = base, high",
    "pert": "PERT: low, mode = base, high",
    "uniform": "uniform: low to high",
}


def print_simulation(simulation: Any) -> None:
    if simulation is None:
        return
    from decimal import Decimal

    from costlab.cli._common import table
    from costlab.cli._report import usd
    from costlab.forecast.simulate import Simulation

    assert isinstance(simulation, Simulation)

    def money(value: float) -> str:
        return usd(Decimal(f"{value:.2f}"))

    def chance(value: float | None) -> str:
        return "" if value is None else f"{value:.0%}"

    sim = simulation
    monthly = sim.monthly_budget is not None
    rows = [
        [
            r["month"],
            money(r["p10"]),
            money(r["p50"]),
            money(r["p90"]),
            *([chance(r["p_over_monthly"])] if monthly else []),
        ]
        for r in sim.months.to_dict("records")
    ]
    p10, p50, p90 = sim.total_quantiles()
    rows.append(["total", money(p10), money(p50), money(p90), *([""] if monthly else [])])
    seed = "" if sim.seed is None else f", seed {sim.seed}"
    print()
    print(
        f"sampled: {sim.samples:,} draws of every range ({_SHAPES[sim.distribution]}; "
        f"independent{seed})"
    )
    headers = ["month", "P10", "P50", "P90", *(["P(over monthly)"] if monthly else [])]
    print(table(rows, headers, right=range(1, len(headers))))
    parts = []
    if sim.p_over_total is not None:
        parts.append(f"P(total over {usd(sim.total_budget)}) = {chance(sim.p_over_total)}")
    if sim.p_any_month_over is not None:
        parts.append(
            f"P(some month over {usd(sim.monthly_budget)}) = {chance(sim.p_any_month_over)}"
        )
    if parts:
        print("; ".join(parts))
