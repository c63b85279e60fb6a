"""Issue 11 in a real browser: work is not lost, state follows the user, a phone sees the cost.

Each test replays what a user did in Chromium when the issue was filed (headless, Playwright
driving Debian's /usr/bin/chromium) and checks what they should have seen. Skips, saying why,
only where no Chromium is installed.
"""

from __future__ import annotations

import io
import re
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from appserver import (
    CHROMIUM_ARGS,
    chromium_path,
    planner_change_times,
    running_app,
    wait_rendered,
)

BROWSER = chromium_path()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium installed (apt-get install chromium)"
)
DATA = Path(__file__).resolve().parent / "data"
PASTE = "Text, or a Chat Completions / Responses request body (JSON)"


@pytest.fixture(scope="module")
def app() -> Iterator[tuple[Any, str]]:
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=BROWSER, args=CHROMIUM_ARGS)
        yield browser, url
        browser.close()


@pytest.fixture
def page(app: tuple[Any, str]) -> Iterator[Any]:
    """A fresh tab (a new Streamlit session) on a desktop-sized viewport."""
    browser, _ = app
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    yield context.new_page()
    context.close()


def _no_exception(page: Any) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _visible_panel(page: Any) -> Any:
    return page.locator('[data-testid="stTabs"] [role="tabpanel"]:not([hidden])').first


def _tab_labels(page: Any) -> list[str]:
    tabs = page.locator('[data-testid="stTabs"] [role="tab"]')
    return [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]


def _set_number(page: Any, scope: Any, label: str, value: str, marker: str) -> None:
    box = scope.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")
    wait_rendered(page, marker)


def _metric(page: Any, label_start: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label_start).first
    return str(metric.locator('[data-testid="stMetricValue"]').inner_text().strip())


def _grid(page: Any, index: int = 0) -> list[str]:
    cells = page.locator('[data-testid="stDataFrame"]').nth(index).locator('[role="gridcell"]')
    return [cells.nth(i).inner_text().strip() for i in range(cells.count())]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buffer, "PNG")
    return buffer.getvalue()


# --- 1. Planner: remove the right workload ----------------------------------------------------


def test_planner_removes_the_workload_asked_and_the_survivor_keeps_its_values(
    page: Any, app: tuple[Any, str]
) -> None:
    _, url = app
    page.goto(f"{url}/planner")
    wait_rendered(page, "Workload planner")
    page.get_by_role("tab", name=re.compile("Add workload")).click()
    page.get_by_role("button", name="Add a workload").click()
    wait_rendered(page, "Workload planner")
    # The new workload's tab is there at once, without another interaction.
    assert _tab_labels(page)[:2] == ["triage", "workload 2"]
    page.get_by_role("tab", name="workload 2").click()
    _set_number(page, _visible_panel(page), "Requests", "4321", "Workload planner")
    page.get_by_role("tab", name="triage").click()
    _visible_panel(page).get_by_role("button", name="Remove this workload").click()
    wait_rendered(page, "Workload planner")
    _no_exception(page)
    assert _tab_labels(page)[0] == "workload 2"
    assert "triage" not in _tab_labels(page)
    page.get_by_role("tab", name="workload 2").click()
    panel = _visible_panel(page)
    assert panel.get_by_label("Requests", exact=True).input_value() == "4321"
    assert panel.get_by_label("Workload name").input_value() == "workload 2"


# --- 2. State follows the user ---------------------------------------------------------------


def test_a_forecast_link_reloads_to_the_same_total(page: Any, app: tuple[Any, str]) -> None:
    _, url = app
    page.goto(f"{url}/planner")
    wait_rendered(page, "Workload planner")
    _set_number(page, _visible_panel(page), "Requests", "10000", "Workload planner")
    page.get_by_role("link", name="Forecast & budget").click()
    wait_rendered(page, "Forecast & budget")
    total = _metric(page, "Total, 12 months")
    assert total == "$3,696.47"  # half of the example's $7,392.93: the user's scenario
    assert "scenario=" in page.url
    page.reload()
    wait_rendered(page, "Forecast & budget")
    assert _metric(page, "Total, 12 months") == total
    # and in a new session (someone the link was shared with)
    shared = page.context.new_page()
    shared.goto(page.url)
    wait_rendered(shared, "Forecast & budget")
    assert _metric(shared, "Total, 12 months") == total


def test_pasted_text_and_model_picks_survive_a_visit_to_another_page(
    page: Any, app: tuple[Any, str]
) -> None:
    _, url = app
    page.goto(f"{url}/prompt-cost")
    wait_rendered(page, "Prompt cost")
    assert page.get_by_text("Page not found").count() == 0
    box = page.get_by_label(PASTE)
    box.fill("tiktoken is great!")
    box.press("Control+Enter")
    wait_rendered(page, "Per call (gpt-4.1-mini)")
    page.get_by_role("button", name=re.compile("^Remove gpt-4.1-nano")).click()  # a model pick
    wait_rendered(page, "Per call (gpt-4.1-mini)")
    assert "gpt-4.1-nano" not in _grid(page)
    page.get_by_role("link", name="Workload planner").click()
    wait_rendered(page, "Workload planner")
    page.get_by_role("link", name="Prompt cost").click()
    wait_rendered(page, "Per call (gpt-4.1-mini)")
    assert page.get_by_label(PASTE).input_value() == "tiktoken is great!"
    assert "gpt-4.1-mini" in _grid(page) and "gpt-4.1-nano" not in _grid(page)


# --- 3. Prompt cost ----------------------------------------------------------------------------


def test_an_image_gives_a_counted_row_for_every_default_model(
    page: Any, app: tuple[Any, str], tmp_path: Path
) -> None:
    _, url = app
    image = tmp_path / "photo.png"
    image.write_bytes(_png())
    page.goto(url)
    wait_rendered(page, "Prompt cost")
    page.get_by_role("tab", name=re.compile("Upload a file")).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(image))
    wait_rendered(page, "Counting: photo.png")
    _no_exception(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    cells = _grid(page)
    assert "gpt-4.1-mini" in cells and "770" in cells  # 25 x 19 patches x 1.62
    # every default model has an image rule: claude-haiku-4-5 800 x 600 / 750 = 640 tokens,
    # gemini-2.5-flash 2 tiles x 258 = 516
    assert "640" in cells and "516" in cells and "no image rule" not in cells
    # Removing the upload takes its results away.
    page.locator('[data-testid="stFileChipDeleteBtn"]').first.click()
    wait_rendered(page, "Prompt cost")
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.get_by_text("Counting: photo.png").count() == 0


def test_one_input_is_counted_and_the_page_says_which(
    page: Any, app: tuple[Any, str], tmp_path: Path
) -> None:
    _, url = app
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page.goto(url)
    wait_rendered(page, "Prompt cost")
    box = page.get_by_label(PASTE)
    box.fill("tiktoken is great!")
    box.press("Control+Enter")
    wait_rendered(page, "Counting: pasted text")
    page.get_by_role("tab", name=re.compile("Upload a file")).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(empty))
    wait_rendered(page, "Counting: empty.txt")
    assert page.get_by_text("empty.txt is empty").count() >= 1
    assert page.get_by_text("pasted text is not counted while a file is uploaded").count() == 1


def test_a_batch_file_says_per_request_and_whole_file(page: Any, app: tuple[Any, str]) -> None:
    _, url = app
    page.goto(url)
    wait_rendered(page, "Prompt cost")
    page.get_by_role("tab", name=re.compile("Upload a file")).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(DATA / "example_batch.jsonl")
    )
    wait_rendered(page, "The whole file: 3 requests")
    _no_exception(page)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert "Whole file, batch price" in labels and "Whole file, standard price" in labels
    assert "Input tokens, whole file" in labels and "Per request" in labels
    headers = page.locator('[data-testid="stDataFrame"] [role="columnheader"]').all_inner_texts()
    assert "per request" in headers and "whole file" in " ".join(headers)


# --- 5. Forecast -------------------------------------------------------------------------------


def test_the_forecast_page_has_budget_and_scenario_controls_and_keyboard_steps(
    page: Any, app: tuple[Any, str]
) -> None:
    _, url = app
    page.goto(f"{url}/forecast")
    wait_rendered(page, "Forecast & budget")
    assert page.get_by_label("Total budget $", exact=True).count() == 1
    assert page.locator('[data-testid="stFileUploader"]').count() == 1
    _set_number(page, page, "Total budget $", "5000", "Forecast & budget")
    assert page.get_by_text("runs out: lasts").count() == 0
    # $351.54 growing 10%/month: $4,773.7 spent by 2027-09, $5,602.6 by 2027-10.
    assert _metric(page, "Total budget runs out") == "2027-10"
    page.get_by_role("slider", name=re.compile("Horizon")).focus()
    for expected in (13, 14):
        page.keyboard.press("ArrowRight")
        wait_rendered(page, f"Total, {expected} months")
        # still focused after the redraw: the next key press steps again without a click
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused == "Horizon (months)"


# --- Every page on a phone -------------------------------------------------------------------


def test_a_phone_sees_the_cost_column(app: tuple[Any, str]) -> None:
    browser, url = app
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(url)
    wait_rendered(phone, "Prompt cost")
    box = phone.get_by_label(PASTE)
    box.fill("tiktoken is great!")
    box.press("Control+Enter")
    wait_rendered(phone, "Per call (gpt-4.1-mini)")
    # The table fits the screen, and the cost per call is the column right after the model's
    # name (its canvas draws the first ~350 px: name and cost, then scrolls sideways).
    frame = phone.locator('[data-testid="stDataFrame"]').first
    box_ = frame.bounding_box()
    assert box_ is not None and box_["x"] + box_["width"] <= 390
    headers = frame.locator('[role="columnheader"]')
    assert headers.nth(0).inner_text() == "model"
    assert headers.nth(1).inner_text() == "per call"
    assert headers.nth(2).inner_text() == "per month"
    context.close()


# --- Performance -----------------------------------------------------------------------------


def test_a_planner_change_redraws_the_chart_promptly(page: Any, app: tuple[Any, str]) -> None:
    """The issue's target is 300 ms (median of 20, printed with the figure by
    benchmarks/bench_app_browser.py; 270-430 ms here on 2 shared cores at load 3-6). This
    guards against a regression (a rerun that recomputes the forecast, a page that rebuilds
    its widgets) and fails at 1 s, so a busy shared machine does not make it flaky."""
    _, url = app
    times = planner_change_times(page, url, runs=20)
    median_ms = statistics.median(times) * 1000
    print(f"planner change -> updated chart: median {median_ms:.0f} ms over {len(times)}")
    assert median_ms < 1000


# --- 3. Audio in the planner's chart ----------------------------------------------------------


def test_a_transcription_workload_stacks_its_audio_cost_in_the_chart(
    page: Any, app: tuple[Any, str]
) -> None:
    """Found in the browser: the monthly chart stacked input, cached input and output only, so
    a whisper-1 workload (all audio) drew empty bars under a $14,880 month."""
    _, url = app
    page.goto(f"{url}/planner")
    wait_rendered(page, "Workload planner")
    panel = _visible_panel(page)
    panel.locator('[data-testid="stSelectbox"]').filter(has_text="Model").first.click()
    page.keyboard.type("whisper-1")
    page.keyboard.press("Enter")
    wait_rendered(page, "Workload planner")
    for label in ("Input tokens / request", "Output tokens / request", "Retry rate"):
        _set_number(page, panel, label, "0", "Workload planner")
    panel.get_by_text("Speech, transcription, images, tool calls (per request)").click()
    _set_number(page, panel, "Seconds transcribed", "240", "Workload planner")
    _no_exception(page)
    # 20,000 requests a day x 31 days x 4 minutes x $0.006
    assert _metric(page, "First month") == "$14,880.00"
    legend = page.locator(".js-plotly-plot .legendtext").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert "audio" in legend


def test_the_forecast_page_downloads_focus_rows_built_on_click(page: Any, app: Any) -> None:
    """The FOCUS-shaped CSV is made by a callable when clicked (in another thread than the
    page script), so only a real download shows it works."""
    import csv
    from decimal import Decimal

    _, url = app
    page.goto(f"{url}/forecast")
    wait_rendered(page, "FOCUS-shaped CSV")
    button = page.get_by_role("button", name="FOCUS-shaped CSV")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as download:
        button.click()
    assert download.value.suggested_filename == "support-bot-focus.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["x_Conformance"] for r in rows} == {"non-conformant: forecast"}
    total = sum(Decimal(r["BilledCost"]) for r in rows)
    assert f"${total:,.2f}" == "$7,392.93"  # the support bot's 12 months, as the CLI prints
    _no_exception(page)


def test_an_audio_file_heads_the_page_with_a_model_that_hears_it(
    page: Any, app: tuple[Any, str]
) -> None:
    # Found in Chromium: with the default models only Gemini hears audio, and the headline
    # showed GPT-4.1 mini's dashes above a table whose one counted row was below the fold.
    _, url = app
    page.goto(url)
    wait_rendered(page, "Prompt cost")
    page.get_by_role("tab", name=re.compile("Upload a file")).click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(DATA / "media" / "tone-2s.mp3")
    )
    wait_rendered(page, "Counting: tone-2s.mp3")
    _no_exception(page)
    assert page.get_by_text("Input tokens (gemini-2.5-flash)").count() == 1
    assert _metric(page, "Input tokens (gemini-2.5-flash)") == "67"  # 2.088 s x 32, rounded up
