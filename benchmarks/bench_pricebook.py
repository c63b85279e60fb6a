"""`costlab estimate` whole-process time with the layered price book (genai-prices underneath).

Runs, interleaved so that machine noise hits every variant alike, fresh processes of:

* ``curated``: ``estimate --model gpt-4.1-mini`` (a curated model: the upstream index is never read);
* ``upstream``: ``estimate --model gpt-4`` (an upstream model, from the cached index);
* ``cold``: ``estimate --model gpt-4`` with an empty cache folder (the once-per-version build);
* ``before`` (with ``--before DIR``): the same curated command run from another checkout, e.g.
  the commit before the layered book, as the baseline.

Prints min and median seconds of each and the growth over the baseline (``before`` when given,
else ``curated``). Target: estimate grows by at most 50 ms. On a busy machine the medians are
noisy; the minimums are the steadier figure.

Run: .venv/bin/python benchmarks/bench_pricebook.py [--runs N] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--input-tokens", "1234", "--output-tokens", "300", "--requests", "1000"]


def run_once(pythonpath: Path, model: str, cache: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "XDG_CACHE_HOME": cache}
    env.pop("COSTLAB_PRICES", None)
    # As installed: with bytecode caches (a checkout run with PYTHONDONTWRITEBYTECODE would
    # compile every module on every run and measure the compiler).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "costlab.cli", "estimate", "--model", model, *ARGS],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # gpt-4 prints its retirement warning
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="a checkout to compare against")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"curated": [], "upstream": [], "cold": []}
    if args.before:
        times["before"] = []
    with tempfile.TemporaryDirectory() as warm:
        run_once(ROOT, "gpt-4", warm)  # builds the index once, as a first run would
        for _ in range(args.runs):
            if args.before:
                times["before"].append(run_once(args.before, "gpt-4.1-mini", warm))
            times["curated"].append(run_once(ROOT, "gpt-4.1-mini", warm))
            times["upstream"].append(run_once(ROOT, "gpt-4", warm))
            with tempfile.TemporaryDirectory() as cold:
                times["cold"].append(run_once(ROOT, "gpt-4", cold))
    base_name = "before" if args.before else "curated"
    base = statistics.median(times[base_name])
    print(f"costlab estimate, {args.runs} interleaved runs each (seconds)")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:<9} min {min(values):.3f}  median {median:.3f}  "
            f"({(median - base) * 1000:+.0f} ms vs {base_name})"
        )


if __name__ == "__main__":
    main()
