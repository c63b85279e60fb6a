"""Planner widget change to updated chart in a real browser (target: under 300 ms, median of
20), and the first page load: `streamlit run app.py` driven by headless Chromium (Debian's
/usr/bin/chromium through Playwright). Prints "skipped" where no Chromium is installed."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from appserver import (
    CHROMIUM_ARGS,
    chromium_path,
    planner_change_times,
    running_app,
    wait_rendered,
)


def main() -> int:
    browser_path = chromium_path()
    if browser_path is None:
        print("skipped: no Chromium installed (apt-get install chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}/planner")  # cold: imports and caches fill here
        wait_rendered(page, "Workload planner")
        start = time.perf_counter()
        page.goto(f"{url}/planner")
        page.get_by_text("First month (2027-01)").first.wait_for(timeout=60_000)
        warm_load = time.perf_counter() - start
        times = planner_change_times(page, url, runs=20)
        browser.close()
    print(f"first page load, warm (to the first figure): {warm_load * 1000:.0f} ms (target < 2000)")
    print(
        f"planner change -> updated chart: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f} over {len(times)} "
        "(target < 300)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
