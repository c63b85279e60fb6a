"""Whole-process time of small CLI commands against a bare ``python -c pass``.

Runs fresh processes, interleaved (a slow moment of a shared machine hits every command alike):

* ``bare python``: ``python -c pass``, the floor no command can go below;
* ``stdlib imports``: the standard library modules ``estimate`` needs (typing, dataclasses,
  pathlib, argparse, decimal, json, datetime, math, operator, re), the floor under costlab's own
  code;
* ``estimate``: ``costlab estimate --model gpt-4.1-mini --input-tokens 1200 --output-tokens 150``;
* ``forecast``: ``costlab forecast examples/support-bot.yaml``;
* ``forecast --json``: the same with ``--json`` (the tables as JSON, lines included);
* ``... (--before)``: the same commands run from another checkout (e.g. main), when
  ``--before DIR`` is given.

Prints min and median wall seconds, the min's ratio to bare python's and the peak RSS of each.
Goals (issue 15): estimate under 60 ms, forecast of the support bot under 150 ms, set when bare
python took 10 ms (6x and 15x it; this shared machine's speed varies twofold between days, so
the ratios are the figures to compare across days). The price book's compiled copy is written once
before the runs (as a first run would); ``--no-cache`` measures with ``COSTLAB_NO_PRICE_CACHE=1``.

Run: .venv/bin/python benchmarks/bench_cli.py [--runs N] [--before DIR] [--no-cache]
(a checkout to compare with: ``git archive main | tar -x -C DIR`` into an empty DIR)
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
ESTIMATE = [
    "estimate",
    "--model",
    "gpt-4.1-mini",
    "--input-tokens",
    "1200",
    "--output-tokens",
    "150",
]
FORECAST = ["forecast", str(ROOT / "examples" / "support-bot.yaml")]
FORECAST_JSON = [*FORECAST, "--json"]
#: The standard library modules `estimate` imports (dataclasses brings inspect, ast and dis;
#: pathlib brings urllib.parse; argparse brings gettext and, parsing, locale).
STDLIB = (
    "import argparse, dataclasses, datetime, decimal, json, math, operator, pathlib, re, typing; "
    "argparse.ArgumentParser().parse_args([])"
)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process, run in its checkout (``python -m``
    puts the working directory first on the path)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=env["PYTHONPATH"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="a checkout to compare against")
    parser.add_argument("--no-cache", action="store_true", help="without the compiled price book")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache, "PYTHONPATH": str(ROOT)}
        env.pop("COSTLAB_PRICES", None)
        # As installed: with bytecode caches (a checkout run with PYTHONDONTWRITEBYTECODE would
        # compile every module on every run and measure the compiler).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.no_cache:
            env["COSTLAB_NO_PRICE_CACHE"] = "1"
        # What users run: the console script `pip install` writes beside the interpreter
        # (`python -m costlab.cli` would add runpy's ~9 ms); it imports costlab from PYTHONPATH.
        script = Path(sys.executable).with_name("costlab")
        costlab = [str(script)] if script.exists() else [sys.executable, "-m", "costlab.cli"]
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "bare python": ([sys.executable, "-c", "pass"], env),
            # What any typed, exact, argparse CLI of this shape imports before it does anything:
            # the floor under `estimate` that costlab's own code cannot remove.
            "stdlib imports": ([sys.executable, "-c", STDLIB], env),
            "estimate": ([*costlab, *ESTIMATE], env),
            "forecast": ([*costlab, *FORECAST], env),
            "forecast --json": ([*costlab, *FORECAST_JSON], env),
        }
        if args.before:
            before = {**env, "PYTHONPATH": str(args.before)}
            commands["estimate (before)"] = ([*costlab, *ESTIMATE], before)
            commands["forecast (before)"] = ([*costlab, *FORECAST], before)
            commands["forecast --json (before)"] = ([*costlab, *FORECAST_JSON], before)
        for argv, command_env in commands.values():
            run_once(argv, command_env)  # warm: bytecode, the compiled price book, the page cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, float] = dict.fromkeys(commands, 0.0)
        for _ in range(args.runs):
            for name, (argv, command_env) in commands.items():
                seconds, peak = run_once(argv, command_env)
                times[name].append(seconds)
                rss[name] = max(rss[name], peak)
    print(f"whole-process time, {args.runs} interleaved runs each (seconds; peak RSS)")
    floor = min(times["bare python"])
    for name, values in times.items():
        print(
            f"  {name:<24} min {min(values):.3f}  median {statistics.median(values):.3f}  "
            f"(+{(min(values) - floor) * 1000:.0f} ms over bare min, {min(values) / floor:.1f}x)  "
            f"{rss[name]:.0f} MB"
        )


if __name__ == "__main__":
    main()
