"""Price 1,000,000 usage rows in one call (target: under 2 s on 2 cores), totals exact.

Prints the time of `costlab.price_frame` on a realistic frame (5 models, dated rows across a
price change, cached tokens, batch rows, long-context rows) and, as the bare baseline measured
in the same run, the time of the same arithmetic in plain numpy floats (which is not exact).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
from _interleave import interleaved, peak_rss_mb

from costlab.cost_frame import price_frame
from costlab.money import plain
from costlab.prices import load_pricebook

ROWS = 1_000_000
MODELS = ["gpt-4.1-mini", "gpt-4o", "o3", "gemini-2.5-pro", "claude-haiku-4-5"]


def make_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    inputs = rng.integers(50, 260_000, rows)
    return pd.DataFrame(
        {
            "model": rng.choice(MODELS, rows),
            "date": pd.Timestamp("2026-01-01")
            + pd.to_timedelta(rng.integers(0, 330, rows), unit="D"),
            "input_tokens": inputs,
            "cached_input_tokens": inputs // rng.integers(2, 10, rows),
            "output_tokens": rng.integers(0, 8_000, rows),
            "batch": rng.random(rows) < 0.25,
        }
    )


def bare_baseline(frame: pd.DataFrame) -> float:
    """Same shape of work without costlab: float rates looked up per row, multiplied, summed."""
    book = load_pricebook(use_env=False)
    rates = {m: book.resolve(m).price_on(date(2026, 6, 1)) for m in MODELS}
    codes, names = pd.factorize(frame["model"])
    table = np.array(
        [
            [float(rates[n].input), float(rates[n].cached_input or 0), float(rates[n].output)]
            for n in names
        ]
    )
    r = table[codes]
    cached = frame["cached_input_tokens"].to_numpy()
    inp = frame["input_tokens"].to_numpy() - cached
    out = frame["output_tokens"].to_numpy()
    keep = np.where(frame["batch"].to_numpy(), 0.5, 1.0)
    return float(((inp * r[:, 0] + cached * r[:, 1] + out * r[:, 2]) * keep).sum() / 1e6)


def main() -> None:
    frame = make_frame(ROWS)
    book = load_pricebook(use_env=False)
    price_frame(frame.head(1000), book=book)  # warm the book and imports
    measured = interleaved(
        {"costlab": lambda: price_frame(frame, book=book), "bare": lambda: bare_baseline(frame)}
    )
    min_costlab, t_costlab, priced = measured["costlab"]
    min_bare, t_bare, approx = measured["bare"]
    total = priced.total_cost  # type: ignore[attr-defined]
    assert isinstance(total, Decimal)
    print(f"rows:                 {ROWS:,}")
    print(
        f"costlab price_frame:  min {min_costlab:.3f} s, median {t_costlab:.3f} s  (target < 2 s)  exact total ${plain(total)}"
    )
    print(
        f"bare numpy floats:    min {min_bare:.3f} s, median {t_bare:.3f} s  approx total ${approx:,.6f} (flat rates, no tiers/dates)"
    )
    print(f"ratio costlab / bare: {t_costlab / t_bare:.1f}x (medians of interleaved runs)")
    print(f"peak RSS:             {peak_rss_mb():.0f} MB (both, one process)")
    print(f"rows per second:      {ROWS / t_costlab:,.0f}")


if __name__ == "__main__":
    main()
