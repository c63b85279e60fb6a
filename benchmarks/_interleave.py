"""One way for the in-process benchmarks to measure: costlab and its baseline run alternately
(a slow moment of a shared machine then hits both alike), and each reports its minimum and
median time; the peak RSS of the process is printed with them."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from typing import Any


def interleaved(
    runs: dict[str, Callable[[], Any]], repeat: int = 5
) -> dict[str, tuple[float, float, Any]]:
    """``{name: (min s, median s, last result)}``, the callables run in turn ``repeat`` times."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - start)
    return {n: (min(t), statistics.median(t), results[n]) for n, t in times.items()}


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
