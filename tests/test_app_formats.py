"""The pages show numbers one way (costlab.formats), headless through AppTest: whole counts,
percentages with a stated precision, "—" for nothing, dollar axes, distinct model colours."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MONEY = re.compile(r"^-?\$\d{1,3}(,\d{3})*\.\d{2,}$|^—$")
WHOLE = re.compile(r"^\d{1,3}(,\d{3})*$")


def page(name: str) -> AppTest:
    at = AppTest.from_string(
        f"from costlab.app.pages import {name}\n{name}.render()\n", default_timeout=120
    )
    return at.run()


def _cells(frame: pd.DataFrame) -> list[str]:
    return [str(v) for v in frame.to_numpy().ravel()]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_planner_counts_are_whole_and_money_has_cents() -> None:
    at = page("planner")
    table = at.dataframe[0].value
    for column in ("requests", "input tokens", "cached tokens", "output tokens"):
        assert all(WHOLE.match(v) for v in table[column]), column
    for column in ("total", "headroom", "cumulative", "input $", "output $"):
        assert all(MONEY.match(v) for v in table[column]), column
    # 20,000 a day over January's 31 days, plus 5% retries: 651,000 requests, no fraction
    assert table.loc[0, "requests"] == "651,000"
    assert list(table.columns[:3]) == ["month", "total", "headroom"]  # money first, for phones


def test_planner_chart_has_a_dollar_axis() -> None:
    at = page("planner")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["tickformat"] == "$,.2f"


def test_actuals_variance_percent_has_one_decimal_and_a_sign() -> None:
    at = page("actuals")
    at.file_uploader(key="actuals_upload").set_value(
        ("usage.csv", (ROOT / "examples" / "usage.csv").read_bytes(), "text/csv")
    ).run()
    table = at.dataframe[0].value.set_index("month")
    assert table.loc["2027-01", "variance %"] == "0.0%"
    assert all(re.match(r"^([+-]\d+\.\d|0\.0)%$|^—$", v) for v in table["variance %"])
    assert "None" not in _cells(table)


def test_an_image_shows_dashes_not_none_for_models_that_cannot_count_it() -> None:
    at = page("prompt_cost")
    # Claude Haiku 3.5 takes no images (no rule); Claude Haiku 4.5 counts 800 x 600 / 750 = 640
    at.multiselect(key="prompt_models").set_value(
        ["gpt-4.1-mini", "claude-haiku-4-5-20251001", "claude-3-5-haiku-20241022"]
    )
    at.file_uploader(key="prompt_upload").set_value(("photo.png", _png(), "image/png")).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["gpt-4.1-mini", "input tokens / call"] == "770"
    assert table.loc["claude-haiku-4-5-20251001", "input tokens / call"] == "640"
    claude = table.loc["claude-3-5-haiku-20241022"]
    assert claude["flags"] == "no image rule"
    assert claude["per call"] == "—" and claude["input tokens / call"] == "—"
    assert "None" not in _cells(at.dataframe[0].value)
    # one warnings box, not one per model
    assert len(at.warning) == 1 and "no image-token rule" in at.warning[0].value


def test_a_batch_file_labels_per_request_and_whole_file() -> None:
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["gpt-4.1-mini"])
    at.file_uploader(key="prompt_upload").set_value(
        ("batch.jsonl", (DATA / "example_batch.jsonl").read_bytes(), "application/jsonl")
    ).run()
    labels = {m.label: m.value for m in at.metric}
    assert {"Input tokens, whole file", "Whole file, batch price", "Per request"} <= set(labels)
    row = at.dataframe[0].value.iloc[0]
    assert row["whole file, batch price"] != row["whole file, standard price"]
    assert list(at.dataframe[0].value.columns[:3]) == ["model", "per request", "per month"]


def test_compare_shows_a_saving_as_good_news_and_no_none() -> None:
    at = page("compare")
    at.multiselect(key="compare-models").set_value(
        ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"]
    ).run()
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["candidate", "cost"]
    assert "None" not in _cells(table)
    planned = next(m for m in at.metric if m.label.startswith("As planned"))
    assert planned.proto.delta.startswith("-$") and "by switching" in planned.proto.delta


def test_model_colours_are_distinct_on_a_chart() -> None:
    from costlab.app.shared import color_map, shipped_book

    ids = sorted(m.id for m in shipped_book())[:13]
    colors = color_map(["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", *ids])
    assert len(set(colors.values())) == len(colors)
    assert colors["gpt-4.1"] != colors["gpt-4.1-mini"]


def test_an_audio_file_counts_on_a_realtime_model_picked_from_the_list() -> None:
    at = page("prompt_cost")
    assert "gpt-realtime" in at.multiselect(key="prompt_models").options
    at.multiselect(key="prompt_models").set_value(["gpt-4.1-mini", "gpt-realtime"])
    data = (Path(__file__).parent / "data" / "media" / "tone-2s.mp3").read_bytes()
    at.file_uploader(key="prompt_upload").set_value(("tone.mp3", data, "audio/mpeg")).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["gpt-realtime", "input tokens / call"] == "21"  # 2.088 s x 10, rounded up
    assert table.loc["gpt-4.1-mini", "input tokens / call"] == "—"
    assert any(m.label == "Input tokens (gpt-realtime)" for m in at.metric)


def test_an_audio_file_no_model_hears_and_one_billed_per_minute() -> None:
    data = (Path(__file__).parent / "data" / "media" / "tone-2s.mp3").read_bytes()
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["gpt-4.1-mini", "gpt-4.1-nano"])
    at.file_uploader(key="prompt_upload").set_value(("tone.mp3", data, "audio/mpeg")).run()
    assert not at.exception and not at.error  # every row says why, in one warnings box
    assert len(at.warning) == 1 and "seconds of audio" in at.warning[0].value
    at = page("prompt_cost")
    at.multiselect(key="prompt_models").set_value(["whisper-1"])
    at.file_uploader(key="prompt_upload").set_value(("tone.mp3", data, "audio/mpeg")).run()
    assert not at.exception and not at.error
    row = at.dataframe[0].value.set_index("model").loc["whisper-1"]
    assert row["per call"] == "$0.0003" and row["per 1,000 calls"] == "$0.30"  # 3 s at $0.006/min
