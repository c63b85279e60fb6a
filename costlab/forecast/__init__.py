"""Forecast a scenario month by month: requests, tokens and exact costs, budgets, ranges.

The rules (README "Scenario files"):

* **Calendar days**: ``requests_per_day`` x the days of each month (31 in January, 28 or 29 in
  February); ``requests_per_month`` is taken as is.
* **Growth** compounds from the second month: month *k* has ``prod(1 + rate_j, j = 2..k)``
  times the first month's volume. One rate, or a list of one rate per month from the second.
* **Retries** are extra requests: ``requests = tasks x (1 + retry_rate)``, where *tasks* is the
  volume before retries.
* **Batch**: ``batch_share`` of the requests is priced at the model's Batch API rates.
* **Caching**: ``cached_input_share`` of the input tokens is priced at the cached-input rate.
* **Reasoning** tokens are billed as output tokens and counted in ``output_tokens``
  ([OAI-REASON] in docs/sources.md).
* **Prices** in force on the first day of each month apply to that month, so dated price
  changes and retirements inside the horizon take effect.
* **Nothing is rounded**: every figure is an exact ``Decimal`` (arithmetic runs in a context
  that raises on any inexact result); round only for display.

The engine is vectorized: per-request costs come from the cost engine
(:func:`costlab.cost.price_usage`, once per distinct request shape and price), and the months
are multiplied in numpy object arrays of ``Decimal`` (C loops, no per-cell Python), so a
10,000-variant, 36-month grid prices in a few seconds, exactly (benchmarks/bench_forecast.py). :func:`price_lines` is pure and
works on any chunk of lines; chunks' tables concatenate and their totals add.
"""

from costlab.forecast.budget import with_budget
from costlab.forecast.engine import price_lines
from costlab.forecast.lines import expand, request_tokens
from costlab.forecast.result import (
    BLOCKING,
    COST_FIGURES,
    FIGURES,
    TOKEN_FIGURES,
    BudgetStatus,
    Forecast,
    ForecastFlag,
    PricedLines,
    days_in_month,
    month_label,
    regroup,
)
from costlab.forecast.run import forecast_scenario
from costlab.forecast.sensitivity import sensitivity

__all__ = [
    "BLOCKING",
    "COST_FIGURES",
    "FIGURES",
    "TOKEN_FIGURES",
    "BudgetStatus",
    "Forecast",
    "ForecastFlag",
    "PricedLines",
    "days_in_month",
    "expand",
    "forecast_scenario",
    "month_label",
    "price_lines",
    "regroup",
    "request_tokens",
    "sensitivity",
    "with_budget",
]
