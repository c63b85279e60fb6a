"""A routed workload's forecast split by route: requests, cost and share of the cost."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from costlab.errors import CostlabError
from costlab.forecast.result import Forecast, regroup
from costlab.money import MONEY, quotient
from costlab.tables import column, exact_sum, tidy


def breakdown(forecast: Forecast, workload: str) -> pd.DataFrame:
    """Per route of one workload over the whole horizon: requests, cost and share of the cost.

    Columns: role, leg, model, requests, total_cost (exact Decimal), cost_share (fraction of
    the workload's cost, Decimal rounded to 80 digits), cost_per_request.
    """
    lines = forecast.horizon_lines[forecast.horizon_lines["workload"] == workload]
    if lines.empty:
        raise CostlabError(f"no workload named '{workload}'", forecast.scenario.name)
    table = regroup(lines, ["role", "leg", "model"])
    total = exact_sum(table["total_cost"])
    # Shares and unit costs are ratios: rounded to 80 significant digits, never shown as totals.
    table["cost_share"] = column(
        quotient(tidy(MONEY.divide(c, total))) if total else Decimal(0) for c in table["total_cost"]
    )
    table["cost_per_request"] = column(
        quotient(tidy(MONEY.divide(c, r))) if r else Decimal(0)
        for c, r in zip(table["total_cost"], table["requests"], strict=True)
    )
    return table[
        ["role", "leg", "model", "requests", "total_cost", "cost_share", "cost_per_request"]
    ]
