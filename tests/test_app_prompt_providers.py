"""The Prompt cost page with an image and the default models: every model gets its row, counted
by its provider's rule ([OAI-VIS-26], [ANT-VISION], [G-VISION] in docs/sources.md), and an
Anthropic body pasted in is read as one."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import png_bytes
from streamlit.testing.v1 import AppTest

DATA = Path(__file__).resolve().parent / "data"


def page() -> AppTest:
    at = AppTest.from_string(
        "from costlab.app.pages import prompt_cost\nprompt_cost.render()\n", default_timeout=120
    )
    return at.run()


def test_an_image_on_the_default_models_shows_every_row() -> None:
    at = page()
    at.file_uploader(key="prompt_upload").set_value(
        ("photo.png", png_bytes(1000, 1000), "image/png")
    ).run()
    assert not at.exception
    assert not at.error
    table = at.dataframe[0].value.set_index("model")
    assert len(table) == 6  # the page's six default models
    # Claude: ceil(1000 x 1000 / 750) = 1,334; Gemini: 2 x 2 tiles of 258 = 1,032
    assert table.loc["claude-haiku-4-5-20251001", "input tokens / call"] == "1,334"
    assert table.loc["gemini-2.5-flash", "input tokens / call"] == "1,032"
    # gpt-4.1 (tile method): 1000x1000 -> 768x768, 4 tiles: 85 + 4 x 170 = 765
    assert table.loc["gpt-4.1", "input tokens / call"] == "765"
    # no row flagged for the image (every default model has a rule); reasoning models carry
    # issue 12's reasoning flag, unrelated to images
    assert "no image rule" not in set(table["flags"])


def test_an_anthropic_body_is_counted_with_its_tool_prompt() -> None:
    at = page()
    at.multiselect(key="prompt_models").set_value(["claude-opus-4-5-20251101"])
    at.text_area(key="prompt_text").set_value(
        (DATA / "anthropic_tools_example.json").read_text()
    ).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("model")
    body = json.loads((DATA / "anthropic_tools_example.json").read_text())
    from costlab.tokens import count_body

    expected = count_body(body).input_tokens  # includes the 346-token tool-use prompt
    assert table.loc["claude-opus-4-5-20251101", "input tokens / call"] == f"{expected:,}"
