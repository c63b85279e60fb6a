"""Every dashboard page, headless (streamlit.testing AppTest): it renders without an exception,
and a key interaction changes the numbers as a hand calculation says it should."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def page(name: str) -> AppTest:
    at = AppTest.from_string(
        f"from costlab.app.pages import {name}\n{name}.render()\n", default_timeout=120
    )
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_app_entry_point_renders_the_prompt_cost_page() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Prompt cost"


# --- Prompt cost -----------------------------------------------------------------------------


def test_prompt_cost_counts_the_cookbook_conversation() -> None:
    at = page("prompt_cost")
    assert not at.exception
    at.multiselect(key="prompt_models").set_value(
        ["gpt-4o", "gpt-3.5-turbo", "claude-haiku-4-5-20251001"]
    )
    at.text_area(key="prompt_text").set_value(
        (DATA / "cookbook_chat_example.json").read_text()
    ).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("model")
    # OpenAI cookbook: this conversation bills 124 prompt tokens on gpt-4o, 129 on gpt-3.5-turbo.
    assert table.loc["gpt-4o", "input tokens / call"] == "124"
    assert table.loc["gpt-4o", "tokens are"] == "exact"
    assert table.loc["gpt-3.5-turbo", "input tokens / call"] == "129"
    assert table.loc["claude-haiku-4-5-20251001", "tokens are"] == "estimated"


def test_prompt_cost_prices_per_call_per_thousand_and_per_month() -> None:
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["gpt-4.1-mini"])
    at.text_area(key="prompt_text").set_value("tiktoken is great!").run()  # 6 tokens
    at.number_input(key="prompt_output_500").set_value(100).run()
    at.number_input(key="prompt_calls").set_value(1_000_000).run()
    # 6 x $0.40 + 100 x $1.60 per 1M tokens = $0.0001624 a call.
    row = at.dataframe[0].value.iloc[0]
    assert (row["per call"], row["per 1,000 calls"], row["per month"]) == (
        "$0.000162",
        "$0.162",
        "$162.40",
    )
    at.toggle(key="prompt_batch_False").set_value(True).run()
    assert at.dataframe[0].value.iloc[0]["per month"] == "$81.20"


def test_prompt_cost_flags_a_prompt_beyond_the_context_window() -> None:
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["gpt-4o"])
    at.text_area(key="prompt_text").set_value("word " * 130_000).run()
    assert not at.exception
    assert any("128,000-token context window" in w.value for w in at.warning)


def test_prompt_cost_counts_an_uploaded_batch_file() -> None:
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["gpt-4.1-mini"])
    at.file_uploader(key="prompt_upload").set_value(
        ("batch.jsonl", (DATA / "example_batch.jsonl").read_bytes(), "application/jsonl")
    ).run()
    assert not at.exception
    assert any("Batch input file, 3 requests" in c.value for c in at.caption)
    assert at.toggle(key="prompt_batch_True").value is True


def test_prompt_cost_reports_a_binary_upload_in_one_line() -> None:
    at = page("prompt_cost")
    at.file_uploader(key="prompt_upload").set_value(
        ("blob.bin", b"\x00\x01\x02binary", "application/octet-stream")
    ).run()
    assert not at.exception
    assert len(at.error) == 1 and "blob.bin" in at.error[0].value


# --- Workload planner ------------------------------------------------------------------------


def test_planner_shows_the_issue_example() -> None:
    at = page("planner")
    assert not at.exception
    m = metrics(at)
    assert m["First month (2027-01)"] == "$351.54"
    assert m["First month over budget"] == "2027-03"


def test_planner_doubling_requests_doubles_the_monthly_total() -> None:
    at = page("planner")
    [requests] = [n for n in at.number_input if n.label == "Requests"]
    requests.set_value(40000).run()
    assert metrics(at)["First month (2027-01)"] == "$703.08"  # 2 x $351.54
    assert metrics(at)["Total, 12 months"] == "$14,785.86"  # 2 x $7,392.93


def test_planner_loads_a_scenario_file() -> None:
    at = page("planner")
    at.file_uploader(key="scenario_upload").set_value(
        ("router.yaml", (ROOT / "examples" / "router.yaml").read_bytes(), "application/x-yaml")
    ).run()
    assert not at.exception
    assert [t.label for t in at.tabs][:2] == ["assistant", "nightly-digest"]


def test_planner_shows_an_error_for_a_broken_yaml_and_keeps_working() -> None:
    at = page("planner")
    at.file_uploader(key="scenario_upload").set_value(
        ("broken.yaml", b"name: x\nworkloads: [\n", "application/x-yaml")
    ).run()
    assert not at.exception
    assert any("broken.yaml" in e.value and "YAML syntax error" in e.value for e in at.error)
    assert metrics(at)["First month (2027-01)"] == "$351.54"  # the scenario in use is untouched


def test_planner_negative_growth_below_minus_100_percent_is_refused_by_the_widget() -> None:
    at = page("planner")
    [growth] = [n for n in at.number_input if n.label == "Monthly growth"]
    assert growth.min == -0.99


def test_planner_scenario_travels_in_the_url() -> None:
    at = page("planner")
    [requests] = [n for n in at.number_input if n.label == "Requests"]
    requests.set_value(10000).run()
    token = at.query_params["scenario"]
    again = AppTest.from_string(
        "from costlab.app.pages import planner\nplanner.render()\n", default_timeout=120
    )
    again.query_params["scenario"] = token[0] if isinstance(token, list) else token
    again.run()
    assert metrics(again)["First month (2027-01)"] == "$175.77"  # half of $351.54


# --- Compare ---------------------------------------------------------------------------------


def test_compare_ranks_the_scenario_on_each_model() -> None:
    at = page("compare")
    assert not at.exception
    at.multiselect(key="compare-models").set_value(
        ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"]
    ).run()
    table = at.dataframe[0].value
    assert list(table["candidate"]) == ["gpt-4.1-nano", "gpt-4.1-mini", "gpt-4.1"]
    # Same token mix on each: nano is 1/4 of mini's price, gpt-4.1 5x mini's.
    assert list(table["cost"]) == ["$1,848.23", "$7,392.93", "$36,964.66"]


def test_compare_router_answer_changes_with_the_cheap_share() -> None:
    at = page("compare")
    assert any("costs $184.82 more than gpt-4.1-mini alone" in w.value for w in at.warning)
    at.slider(key="route-share").set_value(0.6).run()
    assert any("router saves" in s.value for s in at.success)


# --- Forecast & budget ------------------------------------------------------------------------


def test_forecast_page_bands_and_exports() -> None:
    at = AppTest.from_string(
        "from costlab.app.pages import forecast\nforecast.render()\n", default_timeout=120
    )
    ranged = json.loads(json.dumps({
        "name": "launch", "start": "2027-03", "months": 12, "budget": {"total": "20000"},
        "workloads": [{"name": "drafting", "model": "gpt-5-mini", "requests_per_day": {"low": "5000", "base": "8000", "high": "15000"},
                       "input_tokens": "2000", "output_tokens": "400"}],
    }))  # fmt: skip
    at.session_state["scenario_data"] = ranged
    at.session_state["scenario_generation"] = 0
    at.run()
    assert not at.exception
    m = {
        k: float(v.strip("$").replace(",", "")) for k, v in metrics(at).items() if v.startswith("$")
    }
    assert m["Low band total"] < m["Total, 12 months"] < m["High band total"]
    buttons = at.get("download_button")
    assert len(buttons) == 5  # the scenario YAML and four exports
    assert "FOCUS-shaped CSV" in [b.proto.label for b in buttons]


def test_forecast_page_samples_p10_p50_p90_for_ranges() -> None:
    at = AppTest.from_string(
        "from costlab.app.pages import forecast\nforecast.render()\n", default_timeout=120
    )
    at.query_params["scenario"] = _encoded("launch-ranges.yaml")
    at.run()
    assert not at.exception
    m = {
        k: float(v.strip("$").replace(",", ""))
        for k, v in metrics(at).items()
        if k.startswith("Total, P")
    }
    assert m["Total, P10"] <= m["Total, P50"] <= m["Total, P90"]
    low = float(metrics(at)["Low band total"].strip("$").replace(",", ""))
    high = float(metrics(at)["High band total"].strip("$").replace(",", ""))
    assert low <= m["Total, P10"] and m["Total, P90"] <= high  # inside the corners


def test_forecast_horizon_slider_extends_the_scenario() -> None:
    at = page("forecast")
    at.slider(key="forecast-months").set_value(24).run()
    assert not at.exception
    assert "Total, 24 months" in metrics(at)


# --- Actuals ---------------------------------------------------------------------------------


def test_forecast_horizon_change_extends_a_growth_list() -> None:
    at = AppTest.from_string(
        "from costlab.app.pages import forecast\nforecast.render()\n", default_timeout=120
    )
    at.query_params["scenario"] = _encoded("launch-ranges.yaml")
    at.run()
    assert "Total, 9 months" in metrics(at)  # viewing does not change the scenario
    at.slider(key="forecast-months").set_value(12).run()
    assert not at.exception and not at.error
    assert "Total, 12 months" in metrics(at)
    assert any("extended with its last rate to 11 rates" in i.value for i in at.info)


def _encoded(example: str) -> str:
    from costlab.scenario_io import from_yaml
    from costlab.scenario_io import to_link_token as encode

    path = ROOT / "examples" / example
    return encode(from_yaml(path.read_text(encoding="utf-8"), path.name))


def test_actuals_against_the_forecast() -> None:
    at = page("actuals")
    assert not at.exception
    at.file_uploader(key="actuals_upload").set_value(
        ("usage.csv", (ROOT / "examples" / "usage.csv").read_bytes(), "text/csv")
    ).run()
    assert not at.exception
    variance = at.dataframe[0].value.set_index("month")
    assert variance.loc["2027-01", "forecast"] == "$351.54"
    assert variance.loc["2027-01", "variance $"] == "$0.00"
    # the variance by cause: a waterfall from the forecast to the actual, per period
    assert at.selectbox(key="actuals-cause-month").options[0] == "total"
    assert any("bars add up exactly to the variance" in c.value for c in at.caption)


def test_actuals_names_bad_rows_and_prices_the_good_ones() -> None:
    at = page("actuals")
    text = (
        b"date,model,input_tokens,cached_input_tokens,output_tokens,requests\n"
        b"2027-01-05,gpt-4.1-mini,1000000,0,0,10\n"
        b"2027-01-06,gpt-4.1-mini,-5,0,0,1\n"
    )
    at.file_uploader(key="actuals_upload").set_value(("mine.csv", text, "text/csv")).run()
    assert not at.exception
    assert any("mine.csv: line 3" in e.value for e in at.error)
    assert metrics(at)["Actual cost"] == "$0.40"


# --- Price book ------------------------------------------------------------------------------


def test_price_book_upload_validates_inline() -> None:
    at = page("price_book")
    bad = b"provider: acme\nmodels:\n  - id: x\n    name: X\n    context_window: -1\n"
    at.file_uploader(key="price_upload").set_value(("bad.yaml", bad, "application/x-yaml")).run()
    assert not at.exception
    assert any(e.value.startswith("bad.yaml: x: context_window: must be > 0") for e in at.error)


@pytest.mark.parametrize(
    "name", ["prompt_cost", "planner", "compare", "forecast", "actuals", "price_book"]
)
def test_every_page_has_a_title_and_a_how_to_read_caption(name: str) -> None:
    at = page(name)
    assert not at.exception
    assert at.title and at.caption and len(at.caption[0].value) > 60


def test_planner_keeps_a_loaded_files_exact_numbers() -> None:
    at = page("planner")
    text = (
        (ROOT / "examples" / "support-bot.yaml")
        .read_text()
        .replace("cached_input_share: 0.5", "cached_input_share: 0.333")
    )
    at.file_uploader(key="scenario_upload").set_value(
        ("precise.yaml", text.encode(), "application/x-yaml")
    ).run()
    assert not at.exception
    assert at.session_state["scenario_data"]["workloads"][0]["cached_input_share"] == "0.333"


def test_prompt_cost_prices_typed_token_counts() -> None:
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["gpt-4.1-mini"])
    at.number_input(key="prompt_typed_input").set_value(1200)
    at.number_input(key="prompt_typed_cached").set_value(600)
    at.number_input(key="prompt_typed_output").set_value(150).run()
    at.number_input(key="prompt_calls").set_value(20_000).run()
    assert not at.exception
    # README: 600 x $0.40 + 600 x $0.10 + 150 x $1.60 per 1M = $0.00054 a call, $10.80 a month
    row = at.dataframe[0].value.iloc[0]
    assert (row["per call"], row["per month"], row["tokens are"]) == ("$0.00054", "$10.80", "exact")
    assert any("Counting: typed token counts" in m.value for m in at.markdown)
    at.number_input(key="prompt_typed_cached").set_value(1300).run()
    assert any("cached input tokens: 1,300 is more than" in e.value for e in at.error)


def test_planner_removing_a_workload_keeps_the_others_values() -> None:
    at = page("planner")
    at.button(key="g0-add").click().run()
    assert [t.label for t in at.tabs][:2] == ["triage", "workload 2"]  # at once
    at.number_input(key="g0-w1-volume").set_value(4321).run()
    at.button(key="g0-w0-remove").click().run()  # remove "triage", the first one
    assert not at.exception
    [survivor] = at.session_state["scenario_data"]["workloads"]
    assert (survivor["name"], survivor["requests_per_day"]) == ("workload 2", "4321")
    assert at.number_input(key="g0-w1-volume").value == 4321


def test_compare_shows_a_cascade_step_by_step() -> None:
    at = AppTest.from_string(
        "from costlab.app.pages import compare\ncompare.render()\n", default_timeout=120
    )
    at.query_params["scenario"] = _encoded("cascade.yaml")
    at.run()
    assert not at.exception
    assert any(s.value == "Cascade: tickets" for s in at.subheader)
    steps = next(d.value for d in at.dataframe if "reached by" in d.value.columns)
    assert list(steps["model"]) == ["gpt-4.1-nano", "gpt-4.1-mini", "gpt-4.1"]
    assert list(steps["reached by"]) == ["100.0%", "30.0%", "3.0%"]
    alone = next(d.value for d in at.dataframe if "model alone" in d.value.columns)
    assert alone.set_index("model alone").loc["gpt-4.1-mini"].iloc[1] == "45.0%"


def test_actuals_offers_a_focus_export() -> None:
    at = page("actuals")
    at.file_uploader(key="actuals_upload").set_value(
        ("usage.csv", (ROOT / "examples" / "usage.csv").read_bytes(), "text/csv")
    ).run()
    assert not at.exception
    assert any(b.label == "FOCUS 1.2 CSV" for b in at.get("download_button"))


def test_planner_sets_cache_writes_a_service_tier_and_the_shutdown_rule() -> None:
    at = page("planner")
    assert not at.exception
    tier = next(s for s in at.selectbox if s.label == "Service tier")
    assert tier.options[0] == "standard" and "priority" in tier.options  # gpt-4.1-mini's tiers
    tier.set_value("priority").run()
    assert not at.exception
    stored = str(at.session_state["scenario_data"])
    assert "'service_tier': 'priority'" in stored
    write = next(n for n in at.number_input if n.label == "Cache-write share of input")
    write.set_value(0.1).run()
    assert "'cache_write_share': '0.10'" in str(at.session_state["scenario_data"])


def test_model_picks_come_from_the_url_and_go_back_into_it() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["models"] = "gpt-4.1,gpt-4o"
    at.run()
    assert not at.exception
    assert at.multiselect(key="prompt_models").value == ["gpt-4.1", "gpt-4o"]
    at.multiselect(key="prompt_models").set_value(["gpt-4o"]).run()
    assert at.query_params["models"] in ("gpt-4o", ["gpt-4o"])


def test_an_upload_is_kept_across_page_visits_until_removed() -> None:
    """Streamlit's uploader forgets its file when the user visits another page: the page keeps
    the last upload (the uploader's own x, or Remove, forgets it)."""
    at = page("prompt_cost")
    at.file_uploader(key="prompt_upload").set_value(
        ("note.txt", b"tiktoken is great!", "text/plain")
    ).run()
    assert any("Counting: note.txt" in m.value for m in at.markdown)
    # What a visit to another page leaves: the kept file, an empty uploader.
    kept = at.session_state["prompt_kept_upload"]
    again = page("prompt_cost")
    again.session_state["prompt_kept_upload"] = kept
    again.run()
    assert any("Counting: note.txt" in m.value for m in again.markdown)
    assert any("Kept from before: note.txt" in c.value for c in again.caption)
    again.button(key="prompt_upload_forget").click().run()
    assert not any("Counting: note.txt" in m.value for m in again.markdown)
