"""Read and price a 1,000,000-row generic usage CSV (target: under 3 s on 2 cores), exactly.

The file has a year of daily rows over five models with cached tokens and batch rows. costlab
parses it (every row validated, bad lines named), prices it with the frame engine at the price
in force on each row's date and sums it by month exactly. The bare baseline, in the same run:
pandas.read_csv plus the same arithmetic in numpy floats at flat rates (no validation, dates,
tiers or exactness).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from _interleave import interleaved, peak_rss_mb

from costlab.actuals import load_actuals
from costlab.money import plain
from costlab.prices import load_pricebook

ROWS = 1_000_000
MODELS = ["gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-5-mini", "claude-haiku-4-5"]


def write_usage(path: Path, rows: int, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    days = np.datetime64("2027-01-01") + rng.integers(0, 365, rows)
    inputs = rng.integers(100, 100_000, rows)
    pd.DataFrame(
        {
            "date": np.datetime_as_string(days),
            "model": np.array(MODELS)[rng.integers(0, len(MODELS), rows)],
            "input_tokens": inputs,
            "cached_input_tokens": inputs // rng.integers(2, 10, rows),
            "output_tokens": rng.integers(10, 5_000, rows),
            "requests": rng.integers(1, 50, rows),
            "batch": rng.random(rows) < 0.2,
        }
    ).to_csv(path, index=False)


def bare_baseline(path: Path) -> float:
    frame = pd.read_csv(path)
    book = load_pricebook(use_env=False)
    prices = {m: book.resolve(m).price_on(date(2027, 1, 1)) for m in MODELS}
    codes, names = pd.factorize(frame["model"])
    rates = np.array(
        [
            [float(prices[n].input), float(prices[n].cached_input or 0), float(prices[n].output)]
            for n in names
        ]
    )[codes]
    cached = frame["cached_input_tokens"].to_numpy()
    uncached = frame["input_tokens"].to_numpy() - cached
    out = frame["output_tokens"].to_numpy()
    keep = np.where(frame["batch"].to_numpy(), 0.5, 1.0)
    return float(
        ((uncached * rates[:, 0] + cached * rates[:, 1] + out * rates[:, 2]) * keep).sum() / 1e6
    )


def main() -> None:
    book = load_pricebook(use_env=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "usage.csv"
        write_usage(path, ROWS)
        size = path.stat().st_size
        load_actuals(path, book=book)  # warm the page cache and imports
        measured = interleaved(
            {"costlab": lambda: load_actuals(path, book=book), "bare": lambda: bare_baseline(path)}
        )
    min_costlab, t_costlab, actuals = measured["costlab"]
    min_bare, t_bare, approx = measured["bare"]
    assert not actuals.problems
    print(f"rows:                  {ROWS:,} ({size / 1e6:.0f} MB)")
    print(
        f"costlab read + price:  min {min_costlab:.3f} s, median {t_costlab:.3f} s  (target < 3 s)"
    )
    print(f"  exact total:         ${plain(actuals.total_cost)} over {len(actuals.months)} months")
    print(
        f"bare read_csv + numpy: min {min_bare:.3f} s, median {t_bare:.3f} s  approx total ${approx:,.6f} (flat rates)"
    )
    print(f"ratio costlab / bare:  {t_costlab / t_bare:.1f}x (medians of interleaved runs)")
    print(f"peak RSS:              {peak_rss_mb():.0f} MB (both, one process)")
    print(f"rows per second:       {ROWS / t_costlab:,.0f}")


if __name__ == "__main__":
    main()
