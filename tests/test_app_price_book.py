"""Price book page, headless (streamlit.testing AppTest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

PAGE = "from costlab.app.pages import price_book\nprice_book.render()\n"

GOOD = b"""provider: openai
models:
  - id: gpt-4.1-mini
    price:
      effective_from: 2026-01-01
      source: our contract
      input: 0.30
      output: 1.20
"""


def run_page() -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    return at.run()


def test_renders_every_active_model_without_exception() -> None:
    at = run_page()
    assert not at.exception
    table = at.dataframe[0].value
    assert "gpt-4.1-mini" in set(table["model"])
    mini = table.set_index("model").loc["gpt-4.1-mini"]
    assert (mini["input $/1M"], mini["cached $/1M"], mini["output $/1M"]) == (0.40, 0.10, 1.60)
    assert "retired" not in set(table["status"])  # hidden by default


def test_provider_filter_narrows_the_table() -> None:
    at = run_page()
    at.multiselect[0].set_value(["anthropic"]).run()
    assert set(at.dataframe[0].value["provider"]) == {"anthropic"}


def test_history_of_a_repriced_model() -> None:
    at = run_page()
    at.selectbox(key="pricebook_model").set_value("o3").run()
    history = at.dataframe[1].value
    assert list(history["input"]) == ["10.00", "2.00"]


def test_uploaded_price_file_applies_to_the_session() -> None:
    at = run_page()
    at.session_state["custom_price_files"] = [("deal.yaml", GOOD.decode())]
    at.run()
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["gpt-4.1-mini", "input $/1M"] == 0.30
    assert not at.exception


def test_a_broken_custom_file_shows_an_error_not_a_traceback() -> None:
    at = run_page()
    at.session_state["custom_price_files"] = [
        ("bad.yaml", "provider: x\nmodels:\n  - id: [unclosed\n")
    ]
    at.run()
    assert not at.exception
    assert any("bad.yaml" in e.value for e in at.error)
    assert len(at.dataframe[0].value) > 20  # the shipped book still shows
