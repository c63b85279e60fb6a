"""costlab.prompt_cost: one input priced on many models, a row per model (hand-checked sums)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from costlab.errors import CostlabError
from costlab.prompt_cost import price_prompt
from costlab.tokens import Input

DATA = Path(__file__).resolve().parent / "data"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_prices_one_call_a_thousand_and_a_month() -> None:
    result = price_prompt(
        Input("pasted text", b"tiktoken is great!", ""),
        ["gpt-4.1-mini"],
        output_tokens=100,
        calls_per_month=1_000_000,
    )
    row = result.rows[0]
    # 6 input tokens x $0.40 + 100 output x $1.60 per 1M tokens = $0.0001624 a call.
    assert row.input_tokens_per_call == 6
    assert row.cost_per_call == Decimal("0.0001624")
    assert row.cost_per_1k_calls == Decimal("0.1624")
    assert row.cost_per_month == Decimal("162.4")
    assert row.flags == ()


def test_an_image_on_models_without_an_image_rule_flags_those_rows_only() -> None:
    result = price_prompt(
        Input("photo.png", _png(), ".png"),
        ["gpt-4.1-mini", "claude-haiku-4-5", "gemini-2.5-flash", "claude-3-5-haiku"],
        output_tokens=0,
    )
    by_model = {r.model: r for r in result.rows}
    openai = by_model["gpt-4.1-mini"]
    # GPT-4.1 mini bills 32 px patches x 1.62: 800x600 is 25 x 19 = 475 patches -> 770 tokens.
    assert openai.input_tokens_per_call == 770
    assert openai.cost_per_call == Decimal(770) * Decimal("0.40") / 10**6
    # Claude: 800 x 600 / 750 = 640 tokens; Gemini: 2 x 1 tiles of 768 px at 258 = 516
    assert by_model["claude-haiku-4-5-20251001"].input_tokens_per_call == 640
    gemini = by_model["gemini-2.5-flash"]
    assert gemini.input_tokens_per_call == 516
    flagged = [r for r in result.rows if not r.counted]
    assert [r.model for r in flagged] == ["claude-3-5-haiku-20241022"]  # text-only: no rule
    assert all(r.flags[0].startswith("no image rule") for r in flagged)
    assert result.cheapest is gemini  # 516 x $0.30/1M is under 770 x $0.40/1M


def test_a_batch_file_is_priced_whole_at_batch_and_standard_prices() -> None:
    data = (DATA / "example_batch.jsonl").read_bytes()
    result = price_prompt(Input("batch.jsonl", data, ".jsonl"), ["gpt-4.1-mini"], output_tokens=0)
    row = result.rows[0]
    assert result.kind == "batch" and result.batch is True and row.requests == 3
    # input only: standard is $0.40 / 1M, batch half of it
    assert row.input_tokens_total is not None
    assert row.file_cost_standard == Decimal(row.input_tokens_total) * Decimal("0.40") / 10**6
    assert row.file_cost_batch == row.file_cost_standard / 2
    assert row.cost_per_call is not None
    assert (row.cost_per_call * 3).quantize(Decimal("1e-20")) == row.file_cost_batch


def test_an_empty_input_is_noted() -> None:
    result = price_prompt(Input("empty.txt", b"", ".txt"), ["gpt-4.1-mini"])
    assert result.notes and "empty.txt is empty" in result.notes[0]


def test_negative_output_tokens_are_refused_with_where() -> None:
    with pytest.raises(CostlabError, match="output tokens: must be 0 or more, got -5"):
        price_prompt(Input("t", b"hi", ""), ["gpt-4.1-mini"], output_tokens=-5)


def test_the_docstring_examples_hold() -> None:
    import doctest

    from costlab import prompt_cost

    assert doctest.testmod(prompt_cost).failed == 0


def test_typed_counts_are_priced_and_checked() -> None:
    from costlab.prompt_cost import price_token_counts

    result = price_token_counts(
        ["gpt-4.1-mini", "gpt-4.1"], input_tokens=1_000_000, output_tokens=0, batch=True
    )
    # 1M input tokens through the Batch API: half of $0.40 and half of $2.00
    assert [r.cost_per_call for r in result.rows] == [Decimal("0.20"), Decimal("1.00")]
    assert all(r.exact for r in result.rows)
    with pytest.raises(CostlabError, match="cached input tokens: 5 is more than the 4 input"):
        price_token_counts(["gpt-4.1-mini"], input_tokens=4, cached_input_tokens=5)


def test_an_audio_file_is_priced_at_the_models_audio_rate() -> None:
    # Gemini 2.5 Flash hears the 2.088 s MP3 as 67 tokens (32 a second, rounded up), billed at
    # its $1.00 audio rate, not the $0.30 text rate: 67 x $1.00 / 1M = $0.000067 (by hand).
    data = (Path(__file__).parent / "data" / "media" / "tone-2s.mp3").read_bytes()
    result = price_prompt(
        Input("tone.mp3", data, ".mp3"),
        ["gemini-2.5-flash", "gpt-4.1-mini"],
        cached_share=Decimal("0.5"),  # of the text, and there is none
    )
    gemini, mini = result.rows
    assert gemini.count is not None and gemini.count.input_audio_tokens == 67
    assert gemini.cost_per_call == Decimal("0.000067")
    assert mini.cost is None and "seconds of audio" in mini.flags[0]


def test_an_audio_file_on_a_transcription_model_is_its_seconds_at_the_minute_rate() -> None:
    # whisper-1: $0.006 a minute, by the second: the 2.088 s MP3 is 3 s, $0.0003 a call and
    # $0.30 for 1,000 calls (by hand), with no tokens in or out whatever output is expected.
    data = (Path(__file__).parent / "data" / "media" / "tone-2s.mp3").read_bytes()
    result = price_prompt(
        Input("tone.mp3", data, ".mp3"),
        ["whisper-1", "gpt-4.1-mini"],
        output_tokens=500,
        calls_per_month=1000,
        on=date(2026, 11, 26),
    )
    whisper, mini = result.rows
    assert whisper.counted and whisper.flags == ()
    assert whisper.cost_per_call == Decimal("0.0003")
    assert whisper.cost_per_month == Decimal("0.3")
    assert whisper.count is not None and "billed as 3 s" in (whisper.count.estimate_source or "")
    assert not mini.counted
