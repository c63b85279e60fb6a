"""Sampled forecast: ordered quantiles, a seed that reproduces, zero-width ranges at the base."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np

from costlab.forecast import forecast_scenario
from costlab.forecast.simulate import simulate
from costlab.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = ROOT / "examples" / "launch-ranges.yaml"


def test_quantiles_are_ordered_per_month_and_for_the_total(book) -> None:
    sim = simulate(load_scenario(LAUNCH, book=book), samples=4000, seed=7, book=book)
    months = sim.months
    assert (months["p10"] <= months["p50"]).all() and (months["p50"] <= months["p90"]).all()
    p10, p50, p90 = sim.total_quantiles()
    assert p10 < p50 < p90
    assert sim.p_over_total is not None and 0 < sim.p_over_total < 1


def test_a_seed_reproduces_the_sample(book) -> None:
    scenario = load_scenario(LAUNCH, book=book)
    first = simulate(scenario, samples=1000, seed=42, book=book)
    again = simulate(scenario, samples=1000, seed=42, book=book)
    other = simulate(scenario, samples=1000, seed=43, book=book)
    assert np.array_equal(first.costs, again.costs)
    assert not np.array_equal(first.costs, other.costs)


# Every priced feature at once, each ranged number of zero width: every sample is the base,
# which the exact engine prices on its own: long-context tier (Gemini 2.5 Pro above 200K),
# Batch with a cached share (GPT-4.1 bills it at the batch input rate), 1-hour cache writes,
# images by the model's rule, a router with an escalation, a list of growth rates.
ZERO_WIDTH = """\
name: everything
start: 2027-01
months: 4
budget: {monthly: 1000, total: 3000}
workloads:
  - name: long
    model: gemini-2.5-pro
    requests_per_day: {low: 40, base: 40, high: 40}
    input_tokens: {low: 250000, base: 250000, high: 250000}
    output_tokens: 900
    cached_input_share: 0.2
    batch_share: {low: 0.3, base: 0.3, high: 0.3}
    growth: [0.1, {low: 0.05, base: 0.05, high: 0.05}, 0]
  - name: cached
    model: claude-sonnet-4-5-20250929
    requests_per_month: 20000
    input_tokens: 3000
    cache_write_share: {low: 0.1, base: 0.1, high: 0.1}
    cache_write_ttl: 1h
    cached_input_share: 0.5
    output_tokens: 200
    reasoning_tokens: {low: 100, base: 100, high: 100}
    retry_rate: 0.03
  - name: router
    routing:
      legs: [{model: gpt-4.1-nano, share: 0.25}, {model: gpt-4.1-mini, share: 0.75}]
      escalation: {model: gpt-4.1, rate: {low: 0.04, base: 0.04, high: 0.04}}
    requests_per_day: 5000
    input_tokens: 800
    cached_input_share: 0.6
    output_tokens: 120
    batch_share: 0.5
    images: {count: {low: 2, base: 2, high: 2}, width: 1024, height: 768, detail: high}
"""


def test_zero_width_ranges_give_the_exact_base_forecast(tmp_path: Path, book) -> None:
    path = tmp_path / "everything.yaml"
    path.write_text(textwrap.dedent(ZERO_WIDTH), encoding="utf-8")
    scenario = load_scenario(path, book=book)
    fc = forecast_scenario(scenario, book=book, sensitivity_table=False)
    sim = simulate(scenario, samples=50, seed=1, book=book)
    base = np.array([float(c) for c in fc.months["total_cost"]])
    assert np.allclose(sim.costs, base[None, :], rtol=1e-12, atol=0)
    assert np.allclose(sim.months["p10"], base) and np.allclose(sim.months["p90"], base)
    assert sim.p_any_month_over == float((base > 1000).any())


def test_the_forecast_command_adds_the_quantiles(cli) -> None:
    result = cli("forecast", str(LAUNCH), "--samples", "500", "--seed", "1")
    assert result.code == 0, result.err
    assert "sampled: 500 draws of every range" in result.out
    assert "P(total over $20,000.00) = " in result.out
    data = json.loads(cli("forecast", str(LAUNCH), "--samples", "500", "--seed", "1", "--json").out)
    sim = data["simulation"]
    assert sim["samples"] == 500 and len(sim["months"]) == 9
    assert float(sim["total"]["p10"]) <= float(sim["total"]["p50"]) <= float(sim["total"]["p90"])
    assert cli("forecast", str(LAUNCH), "--samples", "0").code == 2


def test_without_a_seed_it_still_runs(book) -> None:
    sim = simulate(load_scenario(LAUNCH, book=book), samples=10, book=book)
    assert sim.costs.shape == (10, 9)


def test_other_distributions_stay_in_the_range_and_pert_peaks_at_base(book) -> None:
    scenario = load_scenario(LAUNCH, book=book)
    lows, highs = [], []
    for name in ("triangular", "pert", "uniform"):
        sim = simulate(scenario, samples=3000, seed=3, book=book, distribution=name)
        lows.append(sim.total_quantiles()[0])
        highs.append(sim.total_quantiles()[2])
    # The PERT puts less weight on the ends than the triangular, the uniform more.
    assert highs[1] < highs[0] < highs[2]
    fc = forecast_scenario(scenario, book=book, sensitivity_table=False)
    assert float(fc.total_cost_low) <= min(lows) and max(highs) <= float(fc.total_cost_high)
