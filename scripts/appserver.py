"""Start the dashboard on a free localhost port and drive it with headless Chromium.

Shared by the browser test (tests/test_browser.py) and the README screenshots
(scripts/screenshots.py), so both see the app exactly as `make run` serves it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: url path -> a text the page shows once rendered ("" is the default page, Prompt cost)
PAGES = {
    "": "Prompt cost",
    "planner": "Workload planner",
    "compare": "Compare models",
    "forecast": "Forecast & budget",
    "actuals": "Actuals vs forecast",
    "price-book": "Price book",
}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_app(port: int | None = None, timeout: float = 60) -> Iterator[str]:
    """Run `streamlit run app.py` headless on localhost; yield its base URL."""
    port = port or free_port()
    streamlit = Path(sys.executable).parent / "streamlit"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [
            str(streamlit),
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"streamlit did not start: {out[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


_IDLE = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-testid=stSkeleton]').length === 0;
}"""


def wait_rendered(page, marker: str, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has run the page script, drawn every element, and shows `marker`."""
    page.get_by_text(marker, exact=False).first.wait_for(timeout=timeout_ms)
    page.wait_for_function(_IDLE, timeout=timeout_ms)
    page.wait_for_timeout(1500)  # plotly charts draw after the script finishes
    page.wait_for_function(_IDLE, timeout=timeout_ms)


_FIRST_BAR = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  return plot && plot.data && plot.data.length ? JSON.stringify(plot.data[0].y) : null;
}"""


def planner_change_times(page, url: str, runs: int = 20) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds from a planner number change (Enter pressed) to the chart showing the new
    figures, ``runs`` times; the page is opened fresh and warmed by one change first."""
    page.goto(f"{url}/planner")
    wait_rendered(page, "Workload planner")
    box = page.get_by_label("Requests", exact=True).first
    times = []
    for i in range(runs + 1):
        before = page.evaluate(_FIRST_BAR)
        box.fill(str(20_000 + 100 * (i + 1)))
        start = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(
            f"() => ({_FIRST_BAR})() !== {before!r}", polling="raf", timeout=30_000
        )
        if i:  # the first change warms the caches
            times.append(time.perf_counter() - start)
        page.wait_for_function(_IDLE, timeout=30_000)
    return times
