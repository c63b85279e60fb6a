"""The real app in a real browser: `streamlit run app.py` opened page by page in headless
Chromium (Playwright driving Debian's /usr/bin/chromium). Each page must render its title and
no Streamlit exception box. Skips, saying why, only where no Chromium is installed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from appserver import CHROMIUM_ARGS, PAGES, chromium_path, running_app, wait_rendered

BROWSER = chromium_path()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[object, str]]:
    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=BROWSER, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, url
        browser.close()


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "prompt-cost")
def test_page_renders_without_an_exception_box(browser_page: tuple[object, str], path: str) -> None:
    page, url = browser_page
    page.goto(f"{url}/{path}")  # type: ignore[attr-defined]
    wait_rendered(page, PAGES[path])
    assert page.locator("h1").first.inner_text().strip() == PAGES[path]  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.get_by_text("Page not found").count() == 0  # type: ignore[attr-defined]


def test_pasting_a_prompt_in_the_browser_shows_its_count(browser_page: tuple[object, str]) -> None:
    page, url = browser_page
    page.goto(url)  # type: ignore[attr-defined]
    wait_rendered(page, "Prompt cost")
    box = page.get_by_label("Text, or a Chat Completions / Responses request body (JSON)")  # type: ignore[attr-defined]
    box.fill("tiktoken is great!")
    box.press("Control+Enter")
    page.get_by_text("Per call (gpt-4.1-mini)").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    wait_rendered(page, "Per call (gpt-4.1-mini)")
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.get_by_text("Input tokens (gpt-4.1-mini)").count() == 1  # type: ignore[attr-defined]
