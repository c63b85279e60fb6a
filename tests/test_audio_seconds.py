"""Audio given as a duration: the model's published audio tokens per second.

OpenAI's Realtime models: 10 tokens a second of audio in, 20 a second out [OAI-RT-COSTS];
Gemini: 32 a second in [G-VISION]. A model with no published rule (GPT-4.1 mini, the audio
chat models, Gemini speaking) is refused on the CLI and flagged as not priced in a forecast,
never billed at $0. Every figure here is by hand.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from costlab.forecast import forecast_scenario
from costlab.forecast.small import small_forecast
from costlab.scenario import load_scenario

SCENARIO = """\
name: voice-agent
start: 2027-01
months: 2
workloads:
  - name: calls
    model: MODEL
    requests_per_month: 1000
    input_tokens: 200
    input_audio_seconds: 30
    output_tokens: 100
    output_audio_seconds: OUT
"""


def _scenario(tmp_path: Path, model: str = "gpt-realtime", out: str = "15") -> Path:
    path = tmp_path / "voice.yaml"
    path.write_text(SCENARIO.replace("MODEL", model).replace("OUT", out))
    return path


def test_the_cli_turns_seconds_into_realtime_audio_tokens(cli) -> None:
    # 30 s in = 300 audio tokens x $32/1M, 15 s out = 300 x $64/1M, plus 200 text in x $4/1M
    # and 100 text out x $16/1M: $0.0312 a request, $31.20 for 1,000
    result = cli(
        "estimate", "-m", "gpt-realtime", "--input-tokens", "200", "--output-tokens", "100",
        "--input-audio-seconds", "30", "--output-audio-seconds", "15", "--requests", "1000",
        "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert Decimal(data["total_cost"]) == Decimal("31.20")
    # per request: the audio tokens are added to the totals and are their audio part
    assert (data["input_tokens"], data["input_audio_tokens"]) == (500, 300)
    assert (data["output_tokens"], data["output_audio_tokens"]) == (400, 300)


def test_a_part_of_a_token_rounds_up_per_request(cli) -> None:
    # 0.25 s on Gemini 2.5 Flash: 8 tokens; 0.26 s: 8.32, billed as 9
    for seconds, tokens in (("0.25", 8), ("0.26", 9)):
        result = cli(
            "estimate", "-m", "gemini-2.5-flash", "--input-audio-seconds", seconds, "--json"
        )
        assert result.code == 0, result.err
        assert json.loads(result.out)["input_audio_tokens"] == tokens


def test_a_scenario_in_seconds_on_both_engines(tmp_path: Path, book) -> None:
    scenario = load_scenario(_scenario(tmp_path))
    fc = forecast_scenario(scenario, book=book)
    small = small_forecast(scenario, book=book)
    assert small is not None
    assert fc.total_cost == small.total_cost == Decimal("62.40")  # $31.20 a month, 2 months
    month = fc.months.to_dict("records")[0]
    assert month["input_tokens"] == 500_000 and month["output_tokens"] == 400_000
    assert month["audio_cost"] == Decimal("28.80")
    assert not fc.flags


def test_gemini_converts_its_own_rate_and_flags_speech_it_has_no_rule_for(
    tmp_path: Path, book
) -> None:
    # Gemini 2.5 Flash hears 30 s as 960 audio tokens at $1.00/1M; it has no published rate
    # for speaking, so the 15 s out are not priced and the workload cannot be served
    fc = forecast_scenario(load_scenario(_scenario(tmp_path, "gemini-2.5-flash")), book=book)
    month = fc.months.to_dict("records")[0]
    assert month["input_tokens"] == 1000 * (200 + 960)
    assert month["output_tokens"] == 1000 * 100
    assert month["audio_cost"] == Decimal("0.96")
    (flag,) = [f for f in fc.flags if f.code == "modality"]
    assert flag.blocking and "no published rule turns seconds of audio" in flag.message


def test_compare_ranks_a_model_without_a_rule_as_unable_to_serve(cli, tmp_path: Path) -> None:
    path = _scenario(tmp_path, out="0")
    result = cli("compare", str(path), "--models", "gpt-realtime,gpt-4.1-mini,gemini-2.5-flash")
    assert result.code == 0, result.err
    rows = [line.split() for line in result.out.splitlines() if line.strip()[:1].isdigit()]
    serves = {row[1]: row[-1] for row in rows}
    assert serves == {"gemini-2.5-flash": "yes", "gpt-realtime": "yes", "gpt-4.1-mini": "NO"}


def test_bad_durations_are_one_line(cli, tmp_path: Path) -> None:
    for args, message in (
        (["-m", "gpt-4.1-mini", "--input-audio-seconds", "3"], "give --input-audio-tokens"),
        (
            ["--models", "gpt-realtime,gemini-2.5-flash", "--input-audio-seconds", "3"],
            "one --model",
        ),
        (["-m", "gpt-realtime", "--input-audio-seconds", "1e999999"], "COSTLAB_MAX_EXPONENT"),
        (["-m", "gpt-realtime", "--input-audio-seconds", "-2"], "must be a number >= 0"),
        (["-m", "gpt-realtime", "--output-audio-seconds", "nan"], "--output-audio-seconds"),
    ):
        result = cli("estimate", *args)
        assert result.code == 2 and message in result.err, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1
    bad = _scenario(tmp_path, out="{low: 20, base: 10, high: 30}")
    result = cli("forecast", str(bad))
    assert result.code == 2 and "output_audio_seconds" in result.err and "line 11" in result.err


def test_the_price_book_shows_the_rule_and_its_source(cli) -> None:
    result = cli("prices", "--model", "gpt-realtime")
    assert result.code == 0, result.err
    assert "audio tokens       10 a second in, 20 a second out" in result.out
    assert "[OAI-RT-COSTS]" in result.out


def test_the_planner_prices_seconds_of_audio_on_a_realtime_model() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "from costlab.app.pages import planner\nplanner.render()\n", default_timeout=120
    ).run()
    assert not at.exception
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Model")).set_value(
        "gpt-realtime"
    ).run()
    for label, value in (
        ("Input tokens / request", 0.0),
        ("Output tokens / request", 0.0),
        ("Retry rate", 0.0),
        ("Seconds of audio in", 30.0),
        ("Seconds of speech out", 15.0),
    ):
        next(n for n in at.number_input if n.label == label).set_value(value).run()
    assert not at.exception
    assert "'input_audio_seconds': '30'" in str(at.session_state["scenario_data"])
    first = next(m for m in at.metric if m.label.startswith("First month"))
    volume = next(n for n in at.number_input if n.label == "Requests").value
    per_day = next(r for r in at.radio if r.label == "Volume").value == "per day"
    requests = Decimal(int(volume)) * (31 if per_day else 1)  # the default start is January
    # 300 tokens in x $32/1M + 300 out x $64/1M = $0.0288 a request
    assert first.value == f"${requests * Decimal('0.0288'):,.2f}"


def test_cache_shares_are_of_the_text_and_heard_audio_is_uncached(tmp_path: Path, book) -> None:
    path = _scenario(tmp_path)
    path.write_text(
        path.read_text().replace(
            "    input_tokens: 200\n", "    input_tokens: 200\n    cached_input_share: 0.5\n"
        )
    )
    fc = forecast_scenario(load_scenario(path), book=book)
    month = fc.months.to_dict("records")[0]
    # 100 of the 200 text tokens cached ($0.40/1M instead of $4): $0.36 less than $31.20
    assert month["cached_input_tokens"] == 100_000 and month["input_tokens"] == 500_000
    assert month["total_cost"] == Decimal("31.20") - Decimal("0.36")


def test_a_text_model_is_told_it_takes_no_audio(tmp_path: Path, book) -> None:
    fc = forecast_scenario(load_scenario(_scenario(tmp_path, "gpt-4.1-mini")), book=book)
    (flag,) = [f for f in fc.flags if f.code == "modality"]
    assert flag.blocking and "takes text" in flag.message and "no audio" in flag.message
    # the text is still priced: 200 in x $0.40 + 100 out x $1.60 per 1M, 1,000 requests
    assert fc.months.to_dict("records")[0]["total_cost"] == Decimal("0.24")
