"""Memory and time of the streaming paths, as whole processes, interleaved with a baseline.

* ``costlab count`` of a big text file (streamed in 8 MB blocks) against a bare script that
  reads the file whole and encodes it with tiktoken;
* ``costlab actuals`` of a big usage CSV (priced in 64 MB chunks) against a bare
  ``pandas.read_csv`` plus a float multiply-and-sum (no validation, no exact money).

Each run is a fresh process; costlab and baseline runs alternate, and the minimum and median
wall time and the peak RSS (the process's ``ru_maxrss``) of each are printed. Targets: count
under 400 MB RSS whatever the size; actuals of 5M rows under 600 MB.

Run: .venv/bin/python benchmarks/bench_scale.py [--text-mb 100] [--rows 5000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_COUNT = r"""
import sys
from costlab.tokens.encodings import get_encoding  # the same verified o200k_base, built once
text = open(sys.argv[1], encoding="utf-8").read()
print(len(get_encoding("o200k_base").encode_ordinary(text)))
"""

BARE_ACTUALS = r"""
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
rate = {"input_tokens": 0.4e-6, "cached_input_tokens": 0.1e-6, "output_tokens": 1.6e-6}
print(sum(float((frame[c] * r).sum()) for c, r in rate.items()))
"""


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def text_file(path: Path, megabytes: int) -> None:
    rng = random.Random(15)
    words = [
        "the",
        "of",
        "and",
        "cost",
        "token",
        "price",
        "model",
        "request",
        "budget",
        "forecast",
        "naïve",
        "数据",
        "😀",
    ]
    block = "\n".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(3, 30))).capitalize()
        for _ in range(20_000)
    )
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < megabytes * 2**20:
            out.write(block + "\n")
            written += len(block.encode()) + 1


def usage_file(path: Path, rows: int) -> None:
    models = ["gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "o3"]
    with path.open("w") as out:
        out.write("date,model,input_tokens,cached_input_tokens,output_tokens,requests,batch\n")
        lines = []
        for i in range(rows):
            lines.append(
                f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},{models[i % 4]},{1000 + i % 977},"
                f"{i % 500},{100 + i % 313},1,{'true' if i % 5 == 0 else 'false'}\n"
            )
            if len(lines) == 100_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)


def compare(name: str, ours: list[str], bare: list[str], runs: int) -> None:
    times: dict[str, list[float]] = {"costlab": [], "baseline": []}
    peaks: dict[str, float] = {"costlab": 0.0, "baseline": 0.0}
    for _ in range(runs):  # interleaved: a slow moment of a shared machine hits both
        for label, command in (("costlab", ours), ("baseline", bare)):
            elapsed, peak = run(command)
            times[label].append(elapsed)
            peaks[label] = max(peaks[label], peak)
    for label in ("costlab", "baseline"):
        t = times[label]
        print(
            f"{name:<32} {label:<9} min {min(t):6.2f} s  median {statistics.median(t):6.2f} s"
            f"  peak RSS {peaks[label]:6.0f} MB"
        )
    ratio = statistics.median(times["costlab"]) / statistics.median(times["baseline"])
    print(f"{name:<32} median ratio costlab/baseline {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-mb", type=int, default=100)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "big.txt"
        text_file(text, args.text_mb)
        compare(
            f"count {args.text_mb} MB text",
            [python, "-m", "costlab.cli", "count", str(text)],
            [python, "-c", BARE_COUNT, str(text)],
            args.runs,
        )
        text.unlink()
        usage = Path(tmp) / "usage.csv"
        usage_file(usage, args.rows)
        compare(
            f"actuals {args.rows:,} rows",
            [python, "-m", "costlab.cli", "actuals", str(usage)],
            [python, "-c", BARE_ACTUALS, str(usage)],
            args.runs,
        )


if __name__ == "__main__":
    main()
