"""Per-row costs as floats, for charts and row-level inspection of priced usage rows.

Totals are never taken from these: :func:`costlab.cost_frame.price_frame` sums exact Decimal
costs per group. The rates are the one rate engine's (:func:`costlab.prices.rates_for`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from costlab.prices import Model, rates_for
from costlab.usage import COMPONENTS, billed_tokens, cost_columns


def add_row_costs(
    rows: pd.DataFrame,
    models: list[Model],
    codes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    service_names: list[str],
    tokens: dict[str, np.ndarray],
) -> None:
    """Per-row costs as floats: for charts and row-level inspection, never for totals."""
    model_codes, entry_codes, batch, tier_codes, service_codes = codes
    width = max((len(m.prices) for m in models), default=1)
    tiers = max((len(p.tiers) for m in models for p in m.prices), default=0) + 1
    shape = (len(models), width, 2, tiers, len(service_names), len(COMPONENTS))
    table = np.full(shape, np.nan)
    for m, model in enumerate(models):
        for e, entry in enumerate(model.prices):
            for b in (0, 1):
                for t in range(len(entry.tiers) + 1):
                    tier = entry.tiers[t - 1] if t else None
                    for s, name in enumerate(service_names):
                        if name not in entry.tier_names or (b and name != "standard"):
                            continue  # never used: price_frame refused such rows
                        rates = rates_for(entry, batch=bool(b), long_context=tier, tier=name)
                        table[m, e, b, t, s] = [
                            float(rates[c.rate]) if c.rate in rates else np.nan for c in COMPONENTS
                        ]
    rates_by_row = table[
        model_codes, entry_codes, batch.astype(np.int64), tier_codes, service_codes
    ]
    billed = billed_tokens(tokens.get)
    amounts: dict[str, np.ndarray | float] = {
        # a count of 0 costs 0 even where the model has no such rate (NaN); a column the rows
        # do not have is a scalar 0, never an array of zeros
        c.rate: np.where(billed[c.rate] == 0, 0.0, billed[c.rate] * rates_by_row[:, i] / c.per)
        if isinstance(billed[c.rate], np.ndarray)
        else 0.0
        for i, c in enumerate(COMPONENTS)
    }
    zero = np.zeros(len(rows))
    for name, values in cost_columns(amounts, np.add, zero).items():
        rows[name] = values
