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
works on any chunk of lines; chunks' tables concatenate and their totals add. Small scenarios
printed by the CLI take :mod:`costlab.forecast.small` instead: the same month totals in plain
Python, without importing numpy and pandas.
"""

import importlib
from typing import TYPE_CHECKING, Any

#: Where each public name is defined. Imported on first use, so that importing a pure
#: submodule (figures, small) does not import numpy and pandas with the table engine.
_DEFINED_IN = {
    "with_budget": "costlab.forecast.budget",
    "price_lines": "costlab.forecast.engine",
    "expand": "costlab.forecast.lines",
    "request_tokens": "costlab.forecast.lines",
    "BLOCKING": "costlab.forecast.figures",
    "COST_FIGURES": "costlab.forecast.figures",
    "FIGURES": "costlab.forecast.figures",
    "TOKEN_FIGURES": "costlab.forecast.figures",
    "BudgetStatus": "costlab.forecast.figures",
    "ForecastFlag": "costlab.forecast.figures",
    "days_in_month": "costlab.forecast.figures",
    "month_label": "costlab.forecast.figures",
    "Forecast": "costlab.forecast.result",
    "PricedLines": "costlab.forecast.result",
    "regroup": "costlab.forecast.result",
    "forecast_scenario": "costlab.forecast.run",
    "sensitivity": "costlab.forecast.sensitivity",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module 'costlab.forecast' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_DEFINED_IN))


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
