"""Dashboard rerun time after a widget change (target: well under 300 ms on the planner and
compare pages). Measured headless with streamlit's AppTest, which runs the page script the way
the server does; the bare baseline is a one-widget script rerun in the same harness."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

BARE = "import streamlit as st\nn = st.number_input('n', value=1)\nst.write(n * 2)\n"


def page(name: str) -> AppTest:
    return AppTest.from_string(
        f"from costlab.app.pages import {name}\n{name}.render()\n", default_timeout=120
    ).run()


def timed_reruns(at: AppTest, change: Callable[[AppTest, int], None], runs: int = 15) -> float:
    times = []
    for i in range(runs):
        change(at, i)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    bare = AppTest.from_string(BARE).run()
    t_bare = timed_reruns(bare, lambda at, i: at.number_input[0].set_value(i + 2))

    planner = page("planner")
    t_planner = timed_reruns(
        planner,
        lambda at, i: next(n for n in at.number_input if n.label == "Requests").set_value(
            20000 + 1000 * i
        ),
    )

    compare = page("compare")
    t_compare = timed_reruns(
        compare, lambda at, i: at.slider(key="route-share").set_value(round(0.05 * (i % 19 + 1), 2))
    )

    prompt = page("prompt_cost")
    prompt.text_area(key="prompt_text").set_value(
        "The quick brown fox jumps over the lazy dog. " * 100_000
    ).run()
    t_prompt = timed_reruns(
        prompt,
        lambda at, i: at.slider(key="prompt_cached").set_value(round(0.05 * (i % 19 + 1), 2)),
    )

    print("median rerun after a widget change (AppTest, 15 runs each)")
    print(f"  bare one-widget script:         {t_bare * 1000:7.1f} ms")
    for label, t in (
        ("workload planner (requests/day)", t_planner),
        ("compare (router share)", t_compare),
        ("prompt cost, 1M-token paste", t_prompt),
    ):
        print(f"  {label:<32} {t * 1000:7.1f} ms  ({t / t_bare:.1f}x bare; target < 300 ms)")


if __name__ == "__main__":
    main()
