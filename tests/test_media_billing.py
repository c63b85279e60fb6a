"""Audio, image and per-call billing: components whose unit is not a text token.

Speech (per 1M characters), transcription (per minute, billed by the second), realtime and
audio models (audio tokens), image generation (image output tokens by size and quality) and
tool calls (per 1,000) are components of the one vocabulary, priced by the one engine, in
``estimate``, the CLI, scenarios, actuals and FOCUS exports. Every figure here is by hand.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

import costlab
from costlab.actuals import load_actuals
from costlab.errors import CostlabError
from costlab.focus import focus_actuals
from costlab.forecast import forecast_scenario
from costlab.money import unit_cost
from costlab.scenario import load_scenario
from costlab.tokens.generated_images import image_output_tokens
from costlab.usage import COMPONENTS, MEDIA_COLUMNS, Usage


def test_transcription_is_billed_per_minute_by_the_second(book) -> None:
    # whisper-1: $0.006 a minute [GP]; 90 s x 1,000 requests = 1,500 minutes = $9.00
    cost = costlab.estimate("whisper-1", audio_seconds=90, requests=1000, book=book)
    assert cost.total_cost == Decimal("9")
    assert cost.audio_cost == cost.total_cost
    assert cost.rates["audio_minute"] == Decimal("0.006")


def test_a_per_minute_price_that_does_not_divide_is_a_quotient_kept_to_80_digits(book) -> None:
    # $1.02 an hour = $0.017 a minute; 7 s = 7 x 0.017 / 60 = 0.00198333...
    cost = costlab.estimate("gpt-live-transcribe", audio_seconds=7, book=book)
    assert cost.rates["audio_minute"] == Decimal("0.017")
    assert str(cost.total_cost).startswith("0.0019833333333")
    assert abs(cost.total_cost * 60 - Decimal("0.119")) < Decimal("1e-70")


def test_text_to_speech_is_billed_per_million_characters(book) -> None:
    # tts-1: $15 per 1M characters; 1,200 characters x 500 = 600,000 = $9.00
    cost = costlab.estimate("tts-1", input_characters=1200, requests=500, book=book)
    assert cost.total_cost == Decimal("9")
    assert cost.input_cost == 0


def test_realtime_audio_tokens_bill_at_audio_rates(book) -> None:
    # gpt-realtime: text $4 / $16, audio $32 / $64 per 1M [GP]. Per request: 200 text in,
    # 800 audio in, 100 text out, 400 audio out.
    cost = costlab.estimate(
        "gpt-realtime",
        input_tokens=1000,
        input_audio_tokens=800,
        output_tokens=500,
        output_audio_tokens=400,
        requests=100,
        book=book,
    )
    text = Decimal(200 * 4 + 100 * 16) * 100 / 1_000_000
    audio = Decimal(800 * 32 + 400 * 64) * 100 / 1_000_000
    assert cost.input_cost + cost.output_cost == text
    assert cost.audio_cost == audio
    assert cost.total_cost == Decimal("5.36")


def test_cached_audio_has_its_own_rate(book) -> None:
    # gpt-realtime-mini: cached text $0.06, cached audio $0.30 per 1M [GP]
    cost = costlab.estimate(
        "gpt-realtime-mini",
        input_tokens=2_000_000,
        cached_input_tokens=1_000_000,
        cached_input_audio_tokens=1_000_000,
        book=book,
    )
    assert cost.cached_input_cost == Decimal("0.06")
    assert cost.audio_cost == Decimal("0.3")


def test_gemini_audio_input_has_its_own_rate_and_batch_keeps_cached_audio(book) -> None:
    # Gemini 2.5 Flash: text $0.30, audio $1.00, cached audio $0.10; batch halves all but
    # cached input [G-PRICE]
    usage = {"input_tokens": 1_000_000, "input_audio_tokens": 600_000, "book": book}
    cost = costlab.estimate("gemini-2.5-flash", **usage)
    assert cost.input_cost == Decimal("0.12")  # 400,000 text tokens x $0.30
    assert cost.audio_cost == Decimal("0.6")
    batch = costlab.estimate("gemini-2.5-flash", batch=True, **usage)
    assert batch.audio_cost == Decimal("0.3")
    cached = costlab.estimate(
        "gemini-2.5-flash", input_tokens=1_000_000, cached_input_audio_tokens=1_000_000, batch=True
    )
    assert cached.audio_cost == Decimal("0.1")


@pytest.mark.parametrize(
    ("quality", "size", "tokens", "listed"),
    [
        ("low", "1024x1024", 272, "0.011"),
        ("medium", "1024x1024", 1056, "0.042"),
        ("high", "1024x1024", 4160, "0.167"),
        ("high", "1024x1536", 6240, "0.25"),
        ("high", "1536x1024", 6208, "0.25"),
    ],
)
def test_a_generated_image_costs_its_image_tokens(
    book, quality: str, size: str, tokens: int, listed: str
) -> None:
    # [OAI-IMGGEN]: tokens per image; at $40 per 1M they are within 2% of the approximate
    # per-image prices OpenAI lists
    assert image_output_tokens("gpt-image-1", size, quality) == tokens
    cost = costlab.estimate(
        "gpt-image-1", output_tokens=tokens, output_image_tokens=tokens, book=book
    )
    assert cost.image_cost == Decimal(tokens) * 40 / 1_000_000
    assert abs(cost.image_cost - Decimal(listed)) <= Decimal(listed) * 2 / 100


def test_search_calls_are_billed_per_thousand(book) -> None:
    cost = costlab.estimate(
        "o3-deep-research", input_tokens=1000, output_tokens=100, web_searches=10, book=book
    )
    assert cost.tool_cost == Decimal("0.1")  # 10 x $10 / 1,000
    assert cost.total_cost == Decimal("0.01") + Decimal("0.004") + Decimal("0.1")


def test_a_per_unit_count_on_a_model_without_its_price_is_refused_not_free(book) -> None:
    with pytest.raises(CostlabError, match="no web searches price") as caught:
        costlab.estimate("gpt-4.1", input_tokens=100, web_searches=3, book=book)
    assert caught.value.where[:2] == ("gpt-4.1", "web_searches")
    with pytest.raises(CostlabError, match="no transcribed audio price"):
        costlab.estimate("gpt-4.1-mini", audio_seconds=60, book=book)


def test_audio_to_a_model_that_takes_none_is_refused(book) -> None:
    with pytest.raises(CostlabError, match="does not take audio"):
        costlab.estimate("gpt-4.1", input_tokens=100, input_audio_tokens=50, book=book)
    with pytest.raises(CostlabError, match="does not produce audio"):
        costlab.estimate("gemini-2.5-flash", output_tokens=100, output_audio_tokens=50, book=book)


def test_media_parts_cannot_exceed_the_totals_they_belong_to() -> None:
    with pytest.raises(CostlabError, match="exceed input_tokens"):
        Usage(input_tokens=10, input_audio_tokens=11)
    with pytest.raises(CostlabError, match="exceed output_tokens"):
        Usage(output_tokens=10, output_image_tokens=11)


def test_every_component_has_a_unit_and_a_cost_column() -> None:
    for component in COMPONENTS:
        assert component.price_unit  # 1M tokens, 1M characters, minute, 1K calls
        assert component.cost.endswith("_cost")
    assert unit_cost(2500, Decimal("10"), 1000) == Decimal("25")


def test_chat_results_keep_their_shape(book) -> None:
    """A chat usage shows no audio, image or tool figures anywhere."""
    data = costlab.estimate("gpt-4.1-mini", input_tokens=1200, output_tokens=150).to_dict()
    assert not set(MEDIA_COLUMNS) & set(data)
    assert {"audio_cost", "image_cost", "tool_cost", "rates_per_unit"}.isdisjoint(data)


# --- the command line ------------------------------------------------------------------------


def test_cli_prices_transcription_and_speech(cli) -> None:
    result = cli("estimate", "--model", "whisper-1", "--audio-seconds", "90", "--requests", "1000")
    assert result.code == 0, result.err
    assert "transcribed audio 90,000 seconds x $0.006/minute = $9.00" in result.out
    assert "input" not in result.out.splitlines()[1]  # no rows of zero tokens
    result = cli("estimate", "--model", "tts-1", "--input-characters", "1200", "--json")
    assert '"rates_per_unit"' in result.out and "USD per 1M characters" in result.out


def test_cli_images_from_size_and_quality(cli) -> None:
    result = cli(
        "estimate", "--model", "gpt-image-1", "--images", "3", "--image-quality", "low",
        "--output-size", "1024x1536",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "image output  1,224 tokens x $40.00/1M = $0.049" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--model", "gpt-image-1", "--images", "1", "--output-size", "99x99"],
            "costlab: error: --output-size: unknown size '99x99' (known: 1024x1024, "
            "1024x1536, 1536x1024)",
        ),
        (
            ["--model", "gpt-4.1", "--images", "1"],
            "costlab: error: --images: no published tokens-per-image table for gpt-4.1",
        ),
        (
            ["--model", "gpt-4.1", "--input-tokens", "5", "--web-searches", "3"],
            "costlab: error: gpt-4.1: --web-searches: the model has no web searches price",
        ),
        (
            ["--model", "gpt-4.1", "--input-tokens", "5", "--input-audio-tokens", "3"],
            "costlab: error: gpt-4.1: --input-audio-tokens: the model does not take audio",
        ),
        (
            ["--model", "gpt-4.1,o3", "--input-tokens", "5"],
            "costlab: error: model 'gpt-4.1,o3': one model id per name",
        ),
        (
            ["--model", "whisper-1", "--audio-seconds", "1e999999"],
            "costlab: error: argument --audio-seconds:",
        ),
    ],
)
def test_cli_bad_media_input_is_one_line(cli, args: list[str], message: str) -> None:
    result = cli("estimate", *args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(message), result.err
    assert len(result.err.strip().splitlines()) == 1


def test_several_models_leave_out_the_ones_without_the_modality(cli) -> None:
    result = cli(
        "estimate", "--models", "gpt-realtime,gpt-realtime-mini,gpt-4.1",
        "--input-tokens", "1000", "--input-audio-tokens", "800", "--output-tokens", "500",
        "--output-audio-tokens", "400", "--requests", "100",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "gpt-4.1: left out" in result.err and "does not take audio" in result.err
    header = result.out.splitlines()[0].split()
    assert header == ["model", "provider", "input", "output", "audio", "total", "per", "request"]
    assert "$5.36" in result.out  # gpt-realtime, as by hand above


# --- scenarios, actuals, FOCUS ----------------------------------------------------------------

VOICE = """\
name: voice-support
start: 2027-01
months: 2
workloads:
  - name: transcribe-calls
    model: whisper-1
    requests_per_day: 1000
    input_tokens: 0
    audio_seconds: 240
  - name: speak
    model: tts-1
    requests_per_day: 1000
    input_tokens: 0
    input_characters: 800
  - name: answer
    model: gpt-4.1-mini
    requests_per_day: 1000
    input_tokens: 1500
    output_tokens: 200
"""


def test_a_voice_scenario_by_hand(tmp_path: Path, book) -> None:
    path = tmp_path / "voice.yaml"
    path.write_text(VOICE)
    fc = forecast_scenario(load_scenario(path), book=book)
    months = fc.months
    # January, 31 days x 1,000 requests per workload:
    #   transcription 240 s = 4 min x $0.006 = $0.024 a request; speech 800 x $15 / 1M =
    #   $0.012; answer 1,500 x $0.40 / 1M + 200 x $1.60 / 1M = $0.00092
    january = Decimal(31_000) * (Decimal("0.024") + Decimal("0.012") + Decimal("0.00092"))
    assert months["total_cost"].iloc[0] == january
    assert months["audio_cost"].iloc[0] == Decimal(31_000) * Decimal("0.036")
    assert months["audio_seconds"].iloc[0] == 31_000 * 240
    assert "image_cost" not in months and "web_searches" not in months


def test_a_chat_scenario_has_no_media_columns(book) -> None:
    fc = forecast_scenario(load_scenario("examples/support-bot.yaml"), book=book)
    assert not {*MEDIA_COLUMNS, "audio_cost", "image_cost", "tool_cost"} & set(fc.months)


def test_a_workload_checks_its_media_against_its_totals(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        VOICE.replace(
            "    input_tokens: 0\n    audio_seconds: 240",
            "    input_tokens: 10\n    input_audio_tokens: 20",
        )
    )
    with pytest.raises(CostlabError, match="input_audio_tokens: exceeds input_tokens"):
        load_scenario(path)


USAGE = """\
date,model,input_tokens,output_tokens,audio_seconds,input_characters,web_searches,requests
2027-01-01,whisper-1,0,0,90000,0,0,1000
2027-01-01,tts-1,0,0,0,600000,0,500
2027-01-02,o3-deep-research,1000,100,0,0,10,1
2027-01-02,gpt-4.1-mini,1200,150,0,0,0,10
"""


def test_actuals_price_media_columns_and_focus_rows_multiply_out(tmp_path: Path, book) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(USAGE)
    actuals = load_actuals(path, book=book)
    # counts are the rows' totals: $9 of transcription, $9 of speech, $0.114 of deep
    # research, and 1,200 in + 150 out on mini = $0.00072
    assert actuals.total_cost == Decimal("18") + Decimal("0.114") + Decimal("0.00072")
    rows = focus_actuals(actuals)
    by_meter = {r["SkuMeter"]: r for r in rows.to_dict("records")}
    searches = by_meter["Web Searches"]
    assert (searches["ConsumedUnit"], searches["PricingUnit"]) == ("Calls", "1000 Calls")
    assert searches["PricingQuantity"] * searches["ContractedUnitPrice"] == searches["BilledCost"]
    minutes = by_meter["Transcribed Audio"]
    assert (minutes["ConsumedQuantity"], minutes["PricingUnit"]) == (90000, "Minutes")
    assert minutes["BilledCost"] == Decimal("9")
    assert sum(rows["BilledCost"]) == actuals.total_cost


def test_openai_usage_exports_add_audio_to_the_text_totals(tmp_path: Path, book) -> None:
    """OpenAI's export counts text in input_tokens and audio apart [OAI-USAGE-API]."""
    path = tmp_path / "openai.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["start_time_iso", "end_time_iso", "model", "input_tokens", "input_cached_tokens",
             "output_tokens", "input_audio_tokens", "output_audio_tokens", "num_model_requests"]
        )  # fmt: skip
        writer.writerow(
            ["2027-01-01T00:00:00+00:00", "2027-01-02T00:00:00+00:00", "gpt-realtime",
             "200", "0", "100", "800", "400", "1"]
        )  # fmt: skip
    actuals = load_actuals(path, book=book)
    assert actuals.total_cost == Decimal("0.0536")  # the request priced by hand above
    assert any("audio tokens" in note for note in actuals.file.notes)


# --- the dashboard ----------------------------------------------------------------------------


def test_the_planner_prices_a_transcription_workload() -> None:
    """Workload planner: a whisper-1 workload with seconds per request is billed per minute."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "from costlab.app.pages import planner\nplanner.render()\n", default_timeout=120
    ).run()
    assert not at.exception
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Model")).set_value(
        "whisper-1"
    ).run()
    for label, value in (
        ("Input tokens / request", 0.0),
        ("Output tokens / request", 0.0),
        ("Retry rate", 0.0),
    ):
        next(n for n in at.number_input if n.label == label).set_value(value).run()
    next(n for n in at.number_input if n.label == "Seconds transcribed").set_value(240.0).run()
    assert not at.exception
    assert "'audio_seconds': '240'" in str(at.session_state["scenario_data"])
    first = next(m for m in at.metric if m.label.startswith("First month"))
    volume = next(n for n in at.number_input if n.label == "Requests").value
    # 240 s = 4 minutes x $0.006 = $0.024 a request, every request of the first month
    days = 31  # the default scenario starts in January
    per_day = next(r for r in at.radio if r.label == "Volume").value == "per day"
    requests = Decimal(int(volume)) * (days if per_day else 1)
    assert first.value == f"${requests * Decimal('0.024'):,.2f}"
    # the monthly table has the audio cost (the chart stacks it: tests/test_browser_flows.py)
    assert any("audio $" in frame.value.columns for frame in at.dataframe)


def test_actuals_rows_a_model_cannot_price_are_problems_and_the_rest_priced(cli, tmp_path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,output_tokens,web_searches,input_audio_tokens\n"
        "2027-01-01,gpt-4.1,10,0,4,0\n"
        "2027-01-01,gpt-4.1,10,0,0,5\n"
        "2027-01-02,gpt-4.1,10,0,0,0\n"
    )
    result = cli("actuals", str(path))
    assert result.code == 2
    assert "1 row(s) priced, 2 with problems" in result.out
    assert "$0.00002" in result.out  # 10 input tokens x $2.00 / 1M
    assert result.err.splitlines() == [
        f"costlab: error: {path}: line 2: web_searches: gpt-4.1: the model has no web searches "
        "price (USD per 1K calls); pick a model billed for it or add the price with --prices",
        f"costlab: error: {path}: line 3: input_audio_tokens: gpt-4.1: the model does not take "
        "audio",
    ]


def test_a_forecast_flags_a_workload_its_model_cannot_price(tmp_path: Path, book) -> None:
    """As with images: the workload is flagged (blocking) and the rest of it still priced."""
    path = tmp_path / "voice.yaml"
    path.write_text(VOICE.replace("model: whisper-1", "model: gpt-4o-transcribe"))
    fc = forecast_scenario(load_scenario(path), book=book)
    [flag] = [f for f in fc.flags if f.code == "modality"]
    assert flag.workload == "transcribe-calls" and flag.blocking
    assert "no transcribed audio price" in flag.message


# --- found by red-teaming the new inputs ------------------------------------------------------


def _wav(data_size: int, payload: bytes, *, fmt_size: int = 16, tag: int = 1) -> bytes:
    import struct

    fmt = struct.pack("<HHIIHH", tag, 1, 8000, 8000, 1, 8)
    head = b"RIFF" + struct.pack("<I", 0) + b"WAVE" + b"fmt " + struct.pack("<I", fmt_size) + fmt
    return head + b"data" + struct.pack("<I", data_size) + payload


@pytest.mark.parametrize(
    ("wav", "audio_tokens"),
    [
        (_wav(16000, bytes(16000)), 64),  # 2 s of 8 kHz 8-bit: 32 tokens a second
        (_wav(0xFFFFFFFF, bytes(800)), 4),  # the header claims 4 GB; 0.1 s is there
        (_wav(16000, bytes(16000), tag=3), 64),  # IEEE float: Python's wave refused it
    ],
)
def test_a_wav_is_timed_by_the_bytes_it_has(wav: bytes, audio_tokens: int) -> None:
    import base64

    from costlab.tokens import count_body

    part = {"inline_data": {"mime_type": "audio/wav", "data": base64.b64encode(wav).decode()}}
    body = {"contents": [{"role": "user", "parts": [part]}]}
    assert count_body(body, model="gemini-2.5-flash").input_audio_tokens == audio_tokens


def test_a_wav_with_a_lying_fmt_chunk_is_one_line(cli, tmp_path: Path) -> None:
    import base64
    import json

    wav = _wav(16000, bytes(16000), fmt_size=0xFFFFFFF0)  # crashed Python's wave module
    part = {"inline_data": {"mime_type": "audio/wav", "data": base64.b64encode(wav).decode()}}
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"contents": [{"role": "user", "parts": [part]}]}))
    result = cli("count", str(path))
    assert result.code == 2
    assert result.err == f"costlab: error: {path}: contents[0].parts[0]: unreadable WAV audio\n"


def test_gemini_audio_for_a_model_without_audio_is_refused(cli, tmp_path: Path) -> None:
    import base64
    import json

    part = {
        "inline_data": {
            "mime_type": "audio/wav",
            "data": base64.b64encode(_wav(800, bytes(800))).decode(),
        }
    }
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"contents": [{"role": "user", "parts": [part]}]}))
    result = cli("estimate", str(path), "--model", "gpt-4.1", "--output-tokens", "10")
    assert result.code == 2
    assert (
        result.err == "costlab: error: gpt-4.1: input_audio_tokens: the model does not take audio\n"
    )


def test_a_model_billed_per_unit_only_refuses_tokens(book) -> None:
    with pytest.raises(CostlabError, match="billed for transcribed audio only, not per token"):
        costlab.estimate("whisper-1", input_tokens=1_000_000, output_tokens=1_000_000, book=book)


def test_compare_ranks_the_candidates_that_cannot_serve_last(cli) -> None:
    result = cli("compare", "examples/support-bot.yaml", "--models", "whisper-1,gpt-4.1-mini")
    assert result.code == 0, result.err
    ranks = [line.split()[:2] for line in result.out.splitlines() if line.strip()[:1].isdigit()]
    assert ranks[:2] == [["1", "gpt-4.1-mini"], ["2", "whisper-1"]]
    assert "not per token" in result.err


def test_audio_output_over_the_output_total_is_a_problem_row_not_a_negative_cost(
    cli, tmp_path: Path
) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,output_tokens,output_audio_tokens\n"
        "2027-01-01,gpt-realtime,100,10,50\n"
        "2027-01-01,gpt-realtime,100,100,50\n"
    )
    result = cli("actuals", str(path))
    assert result.code == 2
    assert "$0.0044" in result.out  # 100 x $4 + 50 x $16 + 50 x $64, per 1M
    assert "line 2: output_audio_tokens: audio and image output tokens exceed" in result.err


def test_focus_rows_of_transcribed_seconds(tmp_path: Path, book) -> None:
    """61 seconds is 1.0166... minutes: the FOCUS export failed on the inexact quantity."""
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,output_tokens,audio_seconds\n2027-01-01,whisper-1,0,0,61\n"
    )
    [row] = focus_actuals(load_actuals(path, book=book)).to_dict("records")
    assert row["BilledCost"] == Decimal("0.0061") and row["PricingUnit"] == "Minutes"
    assert abs(row["PricingQuantity"] * row["ContractedUnitPrice"] - row["BilledCost"]) < Decimal(
        "1e-70"
    )


def test_closed_stderr_keeps_the_results_and_closed_stdout_is_an_error(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = Path(sys.executable).parent / "costlab"
    args = [str(script), "estimate", "--models", "gpt-4.1,whisper-1", "--audio-seconds", "5"]
    shown = subprocess.run(
        args, stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2), timeout=120
    )
    assert shown.returncode == 0 and b"whisper-1" in shown.stdout  # the warning went nowhere
    lost = subprocess.run(
        [str(script), "count", "README.md"],
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
        timeout=120,
    )
    assert lost.returncode == 2
    assert (
        lost.stderr
        == b"costlab: error: standard output is closed; costlab writes its results there\n"
    )


def test_a_provider_finds_its_transcription_models_and_sums_up_the_rest(cli) -> None:
    """--provider openai --audio-seconds printed ~30 'left out' lines and found no model."""
    result = cli("estimate", "--provider", "openai", "--audio-seconds", "60")
    assert result.code == 0, result.err
    assert "whisper-1" in result.out and "$0.006" in result.out
    warnings = result.err.strip().splitlines()
    assert len(warnings) == 1
    assert "model(s) left out (" in warnings[0] and "no transcribed audio price" in warnings[0]


def test_media_counts_take_ranges_like_every_number(tmp_path: Path, book) -> None:
    path = tmp_path / "voice.yaml"
    path.write_text(
        VOICE.replace("audio_seconds: 240", "audio_seconds: {low: 120, base: 240, high: 300}")
    )
    fc = forecast_scenario(load_scenario(path), book=book)
    january = fc.months.iloc[0]
    # 31,000 transcriptions at $0.0001 a second: 120 / 240 / 300 seconds each
    assert january["audio_cost"] - january["audio_cost_low"] == Decimal(31_000 * 120) / 10_000
    assert january["audio_cost_high"] - january["audio_cost"] == Decimal(31_000 * 60) / 10_000
    assert any(a.label == "transcribe-calls: audio_seconds" for a in fc.scenario.ranges())
    path.write_text(
        VOICE.replace(
            "    input_tokens: 0\n    audio_seconds: 240",
            "    input_tokens: 100\n    input_audio_tokens: {low: 50, base: 80, high: 120}",
        )
    )
    with pytest.raises(CostlabError, match="input_audio_tokens: exceeds input_tokens"):
        load_scenario(path)


def test_the_variance_of_a_transcription_workload_is_explained_by_volume(
    cli, tmp_path: Path
) -> None:
    """--explain modelled tokens only, so a whisper-1 variance came out as -$1,116 of volume
    and $36 unexplained; audio, image and tool costs are now a per-request part of it."""
    scenario = tmp_path / "vt.yaml"
    scenario.write_text(
        "name: vt\nstart: 2027-01\nmonths: 1\nworkloads:\n  - name: transcribe\n"
        "    model: whisper-1\n    requests_per_day: 2000\n    input_tokens: 0\n"
        "    audio_seconds: 180\n"
    )
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "date,model,input_tokens,output_tokens,requests,audio_seconds\n"
        "2027-01-01,whisper-1,0,0,2000,360000\n"
    )
    result = cli("actuals", str(usage), "--scenario", str(scenario), "--explain", "--json")
    assert result.code == 0, result.err
    import json

    total = json.loads(result.out)["explain"]["months"][-1]
    # forecast 62,000 x 3 min x $0.006 = $1,116; actual 2,000 x 3 min x $0.006 = $36
    assert total["volume_usd"] == "-1080.00" and total["unexplained_usd"] == "0.00"


def test_check_refuses_to_pass_a_budget_with_unpriced_cost(cli, tmp_path: Path) -> None:
    """check exited 0 on a forecast that left web-search calls unpriced."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nstart: 2027-01\nmonths: 2\nbudget: {monthly: 1000}\nworkloads:\n"
        "  - name: t\n    model: gpt-4.1\n    requests_per_day: 10\n    input_tokens: 100\n"
        "    web_searches: 1\n"
    )
    result = cli("check", str(path))
    assert result.code == 2
    assert result.err.startswith(
        f"costlab: error: {path}: workload t: gpt-4.1: the model has no web"
    )
    assert result.err.rstrip().endswith("with that cost left out, the budget cannot be checked")


def test_search_fees_stay_flat_through_batch_and_tiers(book) -> None:
    """The Batch discount and tier prices are stated for tokens; a fee per call is flat."""
    usage = {"input_tokens": 1000, "web_searches": 1000, "book": book}
    assert costlab.estimate("o3-deep-research", **usage).tool_cost == 10
    assert costlab.estimate("o3-deep-research", batch=True, **usage).tool_cost == 10


def test_image_options_without_images_are_refused(cli) -> None:
    result = cli(
        "estimate", "--model", "gpt-4.1", "--input-tokens", "5", "--image-quality", "ultra"
    )
    assert result.code == 2
    assert (
        result.err
        == "costlab: error: --image-quality: is for generated images: give --images N too\n"
    )


def test_row_costs_of_many_rows_with_and_without_media_columns(book) -> None:
    """The per-row float view of a multi-row frame ('array or 0' had no truth value)."""
    import pandas as pd

    from costlab.cost_frame import price_frame

    frame = pd.DataFrame(
        {
            "model": ["gpt-4.1-mini", "whisper-1", "gpt-4.1-mini"],
            "input_tokens": [1_000_000, 0, 2_000_000],
            "output_tokens": [0, 0, 0],
            "audio_seconds": [0, 600, 0],
        }
    )
    priced = price_frame(frame, book=book, row_costs=True)
    assert list(priced.rows["total_cost"].round(6)) == [0.4, 0.06, 0.8]
    plain = price_frame(frame.drop(columns="audio_seconds").iloc[[0, 2]], book=book, row_costs=True)
    assert list(plain.rows["total_cost"].round(6)) == [0.4, 0.8]
