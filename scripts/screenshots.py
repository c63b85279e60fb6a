"""Regenerate the README screenshots: `make screenshots` (needs Debian's chromium).

Starts the app, opens pages in headless Chromium and writes docs/img/<page>.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from appserver import CHROMIUM_ARGS, PAGES, ROOT, chromium_path, running_app, wait_rendered

SHOTS = sys.argv[1:] or list(PAGES)


def main() -> int:
    from playwright.sync_api import sync_playwright

    browser_path = chromium_path()
    if browser_path is None:
        print("no chromium found: apt-get install chromium", file=sys.stderr)
        return 1
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path in SHOTS:
            page.goto(f"{url}/{path}")
            wait_rendered(page, PAGES[path])
            target = out / f"{path}.png"
            page.screenshot(path=str(target), full_page=True)
            print(f"wrote {target.relative_to(ROOT)}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
