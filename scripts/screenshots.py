"""Regenerate the README screenshots: `make screenshots` (needs Debian's chromium).

Starts the app, opens each page in headless Chromium with some content in it (the example
request on Prompt cost, the ranged launch scenario on Forecast, the example usage file on
Actuals) and writes docs/img/<page>.png at desktop width and docs/img/<page>-phone.png at
390 px. `python scripts/screenshots.py --out DIR [page ...]` writes elsewhere (for review).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from appserver import CHROMIUM_ARGS, PAGES, ROOT, chromium_path, running_app, wait_rendered

NAMES = {"": "prompt-cost"}
#: (suffix, viewport): Streamlit scrolls inside its own container, so a tall viewport is what
#: shows a whole page.
VIEWPORTS: list[tuple[str, Any]] = [
    ("", {"width": 1280, "height": 2200}),
    ("-phone", {"width": 390, "height": 4000}),
]


def scenario_query(example: str) -> str:
    """``?scenario=...`` for an example file, as the app writes it when sharing."""
    from costlab.app.state import QUERY
    from costlab.scenario_io import from_yaml, to_link_token

    path = ROOT / "examples" / example
    return f"?{QUERY}={to_link_token(from_yaml(path.read_text(encoding='utf-8'), path.name))}"


def trim(path: Path, margin: int = 40) -> None:
    """Cut the blank space a tall viewport leaves below the page (sidebar aside)."""
    from PIL import Image, ImageChops

    with Image.open(path) as image:
        image.load()
    left = 320 if image.width > 800 else 0  # the sidebar runs the full height on desktop
    main = image.crop((left, 0, image.width, image.height)).convert("RGB")
    blank = Image.new("RGB", main.size, main.getpixel((main.width - 1, main.height - 1)))
    box = ImageChops.difference(main, blank).getbbox()
    if box is not None:
        image.crop((0, 0, image.width, min(image.height, box[3] + margin))).save(path)


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="*", help="page url paths (default: every page)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    wanted = [("" if a == "prompt-cost" else a) for a in args.pages] or list(PAGES)
    browser_path = chromium_path()
    if browser_path is None:
        print("no chromium found: apt-get install chromium", file=sys.stderr)
        return 1
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        for suffix, viewport in VIEWPORTS:
            page = browser.new_page(viewport=viewport)
            for path in wanted:
                query = scenario_query("launch-ranges.yaml") if path == "forecast" else ""
                page.goto(f"{url}/{path}{query}")
                wait_rendered(page, PAGES[path])
                if path == "":
                    page.get_by_role("button", name="Load an example request").click()
                    wait_rendered(page, "Per call (gpt-4.1-mini)")
                if path == "actuals":
                    page.get_by_role("button", name="Use the example file").click()
                    wait_rendered(page, "Against the forecast")
                target = out / f"{NAMES.get(path, path)}{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                trim(target)
                print(f"wrote {target}")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
