"""Audio and video files: durations read from their headers, priced by the model's rate.

The fixtures in tests/data/media/ were made with ffmpeg 5.1 (a 440 Hz tone or silence, a 16x16
blue picture at 1 frame a second); the durations below are ffprobe's, read independently of
costlab: 2.088 s for the MP3 (LAME pads to whole frames), 2.008 / 3.008 s for the WebM files,
3.000 s for the MP4 and MOV, 2.000 s for the rest. The Opus file's 2.0 s is its last granule
position less the 312-sample pre-skip (ffprobe's 2.0065 s includes the pre-skip).
"""

from __future__ import annotations

import base64
import json
import math
import struct
import time
from pathlib import Path

import pytest

from costlab import limits
from costlab.tokens import count_body, count_path

MEDIA = Path(__file__).parent / "data" / "media"

#: file -> (kind, seconds by ffprobe); Gemini bills audio at 32 tokens a second and video at
#: 263 [G-VISION], OpenAI's Realtime models hear 10 audio tokens a second [OAI-RT-COSTS].
FIXTURES = {
    "tone-2s.mp3": ("audio", 2.088),
    "silence-2s.flac": ("audio", 2.0),
    "tone-2s.ogg": ("audio", 2.0),
    "tone-2s.opus": ("audio", 2.0),
    "tone-2s.m4a": ("audio", 2.0),
    "tone-2s.webm": ("audio", 2.008),
    "clip-3s.mp4": ("video", 3.0),
    "clip-3s.mov": ("video", 3.0),
    "clip-3s.webm": ("video", 3.008),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_gemini_counts_each_format_by_its_duration(cli, name: str) -> None:  # type: ignore[no-untyped-def]
    kind, seconds = FIXTURES[name]
    rate = 32 if kind == "audio" else 263
    result = cli("count", str(MEDIA / name), "--model", "gemini-2.5-flash", "--json")
    assert result.code == 0, result.err
    count = json.loads(result.out)
    assert count["kind"] == kind
    assert count["exact"] is False
    assert count["input_tokens"] == math.ceil(round(seconds * rate, 6))
    assert f"{seconds:.3f} s" in count["parts"][0]["label"]


def test_the_hand_counts() -> None:
    """The figures above, by hand: 2.088 s x 32 = 66.8 -> 67; 3.008 s x 263 = 791.1 -> 792."""
    assert count_path(MEDIA / "tone-2s.mp3", model="gemini-2.5-flash").input_tokens == 67
    assert count_path(MEDIA / "clip-3s.webm", model="gemini-2.5-flash").input_tokens == 792
    assert count_path(MEDIA / "clip-3s.mp4", model="gemini-2.5-flash").input_tokens == 789


def test_an_audio_file_on_gpt_realtime_is_priced_at_its_audio_rate(cli) -> None:  # type: ignore[no-untyped-def]
    """2.088 s x 10 tokens a second = 20.9 -> 21 audio tokens, x $32 per 1M = $0.000672."""
    path = str(MEDIA / "tone-2s.mp3")
    args = ("--model", "gpt-realtime", "--output-tokens", "100", "--date", "2026-11-26")
    result = cli("estimate", path, *args, "--json")
    assert result.code == 0, result.err
    cost = json.loads(result.out)
    assert cost["input_tokens"] == cost["input_audio_tokens_total"] == 21
    assert cost["input_audio_cost"] == cost["input_cost"] == "0.000672"
    assert cost["rates_usd_per_mtok"]["input_audio"] == "32.00"
    assert cost["total_cost"] == "0.002272"  # + 100 output tokens x $16 per 1M
    shown = cli("estimate", path, *args)
    assert "  audio in  21 tokens x $32.00/1M = $0.000672  (estimated)" in shown.out
    assert "  input " not in shown.out  # no text tokens: no input row at the text rate


def test_the_same_audio_rule_as_input_audio_seconds(cli) -> None:  # type: ignore[no-untyped-def]
    """A file of 2.088 s costs what --input-audio-seconds 2.088 costs: one rule, one rounding."""
    common = ("--model", "gpt-realtime", "--date", "2026-11-26", "--json")
    from_file = cli("estimate", str(MEDIA / "tone-2s.mp3"), "--output-tokens", "0", *common)
    from_flag = cli("estimate", "--input-audio-seconds", "2.088", *common)
    assert from_file.code == from_flag.code == 0, from_file.err + from_flag.err
    flag_cost = json.loads(from_flag.out)
    assert json.loads(from_file.out)["total_cost"] == flag_cost["total_cost"] == "0.000672"


def test_an_audio_file_on_a_transcription_model_is_billed_by_its_seconds(cli) -> None:  # type: ignore[no-untyped-def]
    """whisper-1 bills $0.006 a minute by the second: 2.088 s is 3 s; 1,000 of them 3,000 s,
    50 minutes, $0.30 (hand-checked), the same as --audio-seconds 3."""
    common = ("--model", "whisper-1", "--requests", "1000", "--date", "2026-11-26")
    shown = cli("estimate", str(MEDIA / "tone-2s.mp3"), *common)
    assert shown.code == 0, shown.err
    assert shown.out.startswith(f"{MEDIA / 'tone-2s.mp3'}: MP3 audio, 2.088 s, billed as 3 second")
    assert "transcribed audio 3,000 seconds x $0.006/minute = $0.30" in shown.out
    from_file = cli("estimate", str(MEDIA / "tone-2s.mp3"), *common, "--json")
    from_flag = cli("estimate", "--audio-seconds", "3", *common, "--json")
    assert json.loads(from_file.out) == json.loads(from_flag.out)
    assert json.loads(from_file.out)["total_cost"] == "0.30"


def test_a_recording_on_standard_input_is_transcribed_as_the_file_is(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``cat talk.mp3 | costlab estimate - --model whisper-1`` was refused (red team): the same
    $0.30 as the file; text on standard input is one line saying why it cannot be billed."""
    import io
    import types

    common = ("--model", "whisper-1", "--requests", "1000", "--date", "2026-11-26", "--json")
    from_file = cli("estimate", str(MEDIA / "tone-2s.mp3"), *common)
    for data in ((MEDIA / "tone-2s.mp3").read_bytes(), b"hello\n"):
        monkeypatch.setattr("sys.stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
        piped = cli("estimate", "-", *common)
        if data.startswith(b"hello"):
            assert piped.code == 2 and piped.err == (
                "costlab: error: -: whisper-1 bills audio by the minute transcribed, and this "
                "is not audio or video\n"
            )
        else:
            assert piped.code == 0, piped.err
            assert json.loads(piped.out) == json.loads(from_file.out)


def test_several_models_price_the_file_on_a_transcription_model_by_its_seconds(cli) -> None:  # type: ignore[no-untyped-def]
    """In a table of models, whisper-1 is a row of its own, as on one model: 3 s x 1,000 = 50
    minutes at $0.006 = $0.30, beside Gemini's 67 tokens x 1,000 at $1.00/1M = $0.067 (by
    hand); a text file is still left out on whisper-1, with its reason."""
    common = ("--requests", "1000", "--date", "2026-11-26", "--output-tokens", "0")
    models = ("--models", "whisper-1,gemini-2.5-flash")
    shown = cli("estimate", str(MEDIA / "tone-2s.mp3"), *models, *common)
    assert shown.code == 0, shown.err
    whisper = next(line for line in shown.out.splitlines() if line.startswith("whisper-1"))
    assert whisper.split() == ["whisper-1", "openai", "-", "3", "s", "$0.30", "$0.0003"]
    assert "billed as 3 second(s) a request" in shown.out and shown.err == ""
    rows = cli("estimate", str(MEDIA / "tone-2s.mp3"), *models, *common, "--json")
    by_model = {row["model"]: row for row in json.loads(rows.out)}
    alone = cli("estimate", "--audio-seconds", "3", "--model", "whisper-1", *common, "--json")
    assert {
        k: v for k, v in by_model["whisper-1"].items() if k not in ("source", "kind", "media")
    } == {k: v for k, v in json.loads(alone.out).items() if k != "price_book"}
    assert by_model["whisper-1"]["kind"] == "audio"
    assert by_model["gemini-2.5-flash"]["total_cost"] == "0.067"
    text = cli("estimate", "README.md", *models, *common)
    assert text.code == 0 and "whisper-1: left out" in text.err


@pytest.mark.parametrize(
    ("name", "model", "message"),
    [
        ("tone-2s.ogg", "gpt-4.1-mini", "no published rule turning seconds of audio"),
        ("clip-3s.mp4", "gpt-realtime", "no published rule turns seconds of video"),
        ("tone-2s.m4a", "claude-sonnet-4-5", "no published rule turning seconds of audio"),
        ("tone-2s.mp3", "whisper-1", "billed per minute of audio transcribed, not per token"),
    ],
)
def test_a_model_without_a_rule_is_refused_in_one_line(
    cli, name: str, model: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    result = cli("count", str(MEDIA / name), "--model", model)
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: model '{model}")
    assert message in result.err and result.err.count("\n") == 1


def test_several_models_leave_out_the_one_without_a_rule(cli) -> None:  # type: ignore[no-untyped-def]
    models = "gpt-realtime,gemini-2.5-flash,gpt-4.1-mini"
    result = cli("count", str(MEDIA / "tone-2s.mp3"), "--models", models, "--json")
    assert result.code == 0, result.err
    rows = {row["model"]: row["input_tokens"] for row in json.loads(result.out)}
    assert rows == {"gpt-realtime": 21, "gemini-2.5-flash": 67}
    assert "gpt-4.1-mini" in result.err


def test_inline_audio_and_video_in_a_gemini_body(tmp_path: Path) -> None:
    def inline(name: str, mime: str) -> dict[str, object]:
        data = base64.b64encode((MEDIA / name).read_bytes()).decode()
        return {"inlineData": {"mimeType": mime, "data": data}}

    parts = [
        {"text": "Summarise both."},
        inline("tone-2s.mp3", "audio/mp3"),
        inline("clip-3s.mp4", "video/mp4"),
    ]
    count = count_body({"contents": [{"role": "user", "parts": parts}]})
    text_only = count_body({"contents": [{"role": "user", "parts": parts[:1]}]})
    assert count.input_audio_tokens == 67
    assert count.input_tokens - text_only.input_tokens == 67 + 789
    assert not count.warnings


def test_an_inline_video_part_without_a_video_track_is_counted_as_labelled_with_a_warning() -> None:
    # an M4A sent as video/mp4 was billed at 263 tokens a second without a word (red team)
    data = base64.b64encode((MEDIA / "tone-2s.m4a").read_bytes()).decode()
    part = {"inlineData": {"mimeType": "video/mp4", "data": data}}
    count = count_body({"contents": [{"role": "user", "parts": [part]}]})
    [warning] = [w for w in count.warnings if "no video track" in w]
    assert "counted as video, as labelled; as audio it would be 32 tokens a second" in warning
    assert count.input_audio_tokens == 0


def test_damaged_inline_audio_is_one_line_naming_the_part(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    damaged = (MEDIA / "tone-2s.ogg").read_bytes()[:60]
    part = {"inline_data": {"mime_type": "audio/ogg", "data": base64.b64encode(damaged).decode()}}
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"contents": [{"role": "user", "parts": [part]}]}))
    result = cli("count", str(path))
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: {path}: contents[0].parts[0]: unreadable Ogg: ")
    assert result.err.count("\n") == 1


def _mp4_claiming(seconds: int) -> bytes:
    """An MP4 whose movie header (mvhd, version 1) says ``seconds`` at a timescale of 1."""
    body = bytes([1, 0, 0, 0]) + bytes(16) + struct.pack(">IQ", 1, seconds) + bytes(80)
    mvhd = struct.pack(">I", 8 + len(body)) + b"mvhd" + body
    moov = struct.pack(">I", 8 + len(mvhd)) + b"moov" + mvhd
    return struct.pack(">I", 16) + b"ftypisom" + bytes(4) + moov


def _flac_claiming_the_most() -> bytes:
    """The FLAC fixture with STREAMINFO at 1 Hz and 2^36 - 1 samples: 68,719,476,735 s."""
    data = bytearray((MEDIA / "silence-2s.flac").read_bytes())
    at = 8 + 10  # "fLaC", the block header, then min/max block and frame sizes
    bits = int.from_bytes(data[at : at + 8], "big")
    bits = (1 << 44) | (bits & ((1 << 44) - 1) & ~((1 << 36) - 1)) | ((1 << 36) - 1)
    data[at : at + 8] = bits.to_bytes(8, "big")
    return bytes(data)


def _webm_claiming(seconds: float) -> bytes:
    info = b"\x2a\xd7\xb1\x83\x0f\x42\x40" + b"\x44\x89\x88" + struct.pack(">d", seconds * 1000)
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"  # unknown size, as live
    return (
        b"\x1a\x45\xdf\xa3\x80" + segment + b"\x15\x49\xa9\x66" + bytes([0x80 | len(info)]) + info
    )


def _ogg_page(packet: bytes, position: int, sequence: int, flags: int) -> bytes:
    """One Ogg page of one packet (mutagen does not check the CRC)."""
    header = struct.pack("<4sBBqIIiB", b"OggS", 0, flags, position, 1, sequence, 0, 1)
    return header + bytes([len(packet)]) + packet


def _speex_at_a_sample_rate_of_0() -> bytes:
    """An Ogg Speex stream whose header says 0 Hz: mutagen divides its length by that."""
    head = b"Speex   " + bytes(28) + struct.pack("<I", 0) + bytes(8) + struct.pack("<I", 1)
    return (
        _ogg_page(head + bytes(28), 0, 0, 2)
        + _ogg_page(bytes(8), 0, 1, 0)
        + _ogg_page(b"x", 16_000, 2, 4)
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.mp3", b"", "unreadable MP3: the file is empty"),
        ("zero-hz.ogg", _speex_at_a_sample_rate_of_0(), "unreadable Ogg: a sample rate of 0"),
        ("empty.webm", b"", "unreadable WebM: the file is empty"),
        ("noise.mp3", b"\x00\x01" * 5000, "unreadable MP3: "),
        ("cut.flac", (MEDIA / "silence-2s.flac").read_bytes()[:30], "unreadable FLAC: "),
        ("cut.ogg", (MEDIA / "tone-2s.ogg").read_bytes()[:60], "unreadable Ogg: "),
        (  # one byte changed in the Vorbis header: mutagen's own IndexError, said plainly
            "mangled.ogg",
            (MEDIA / "tone-2s.ogg").read_bytes()[:127]
            + b"\xe7"
            + (MEDIA / "tone-2s.ogg").read_bytes()[128:],
            "unreadable Ogg: damaged or cut short (bytearray index out of range)",
        ),
        ("cut.mp4", (MEDIA / "clip-3s.mp4").read_bytes()[:100], "unreadable MP4/MOV: "),
        ("cut.webm", (MEDIA / "clip-3s.webm").read_bytes()[:50], "unreadable WebM: "),
        ("long.mp4", _mp4_claiming(10**12), "a duration of 1,000,000,000,000 seconds is above"),
        ("long.flac", _flac_claiming_the_most(), "a duration of 68,719,476,735 seconds is above"),
        ("long.webm", _webm_claiming(1e12), "a duration of 1,000,000,000,000 seconds is above"),
        (
            "deep.mp4",
            b"\0\0\0\x10ftypisom\0\0\0\0"
            + b"".join(struct.pack(">I", 8 * (20_000 - k)) + b"moov" for k in range(20_000)),
            "unreadable MP4/MOV: no movie header",
        ),
        (
            "flat.mp4",  # mutagen's box reader took 38 s and 1.9 GB on 64 MB of these
            b"\0\0\0\x10ftypisom\0\0\0\0" + (b"\0\0\0\x08free" * 2_000_000),
            "too many boxes before the movie header",
        ),
        ("short-box.mp4", b"\0\0\0\x10ftypisom\0\0\0\0\0\0\0\x04moov", "shorter than"),
        ("tiny.webm", b"\x1a\x45\xdf\xa3\x80" + b"\xec\x80" * 500_000, "too many elements"),
    ],
)
def test_hostile_media_is_one_line(
    cli, tmp_path: Path, name: str, data: bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    started = time.perf_counter()
    result = cli("count", str(path), "--model", "gemini-2.5-flash")
    assert time.perf_counter() - started < 10
    assert result.code == 2, result.out
    assert result.err.startswith(f"costlab: error: {path}: ")
    assert message in result.err and result.err.count("\n") == 1, result.err
    if "above" in message:
        assert "(COSTLAB_MAX_MEDIA_SECONDS)" in result.err


def test_a_recording_past_the_input_size_limit_is_read_in_place(
    cli, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Only the header is read: a WAV of 64 MiB (sparse) counts with a 4 KiB input limit.
    16-bit mono at 16 kHz is 32,000 bytes a second: (64 MiB - 44 header bytes) / 32,000 =
    2,097.150625 s, at Gemini's 32 a second 67,108.82, rounded up 67,109 tokens (by hand)."""
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 4096)
    fmt = struct.pack("<HHIIHH", 1, 1, 16_000, 32_000, 2, 16)
    header = b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", 16)
    path = tmp_path / "long.wav"
    with path.open("wb") as stream:
        stream.write(header + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF))
        stream.truncate(64 * 2**20)
    result = cli("count", str(path), "--model", "gemini-2.5-flash", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["input_tokens"] == 67_109
    # whisper-1 bills the same duration: 2,098 s rounded up, 34.9667 minutes x $0.006
    billed = cli("estimate", str(path), "--model", "whisper-1", "--date", "2026-11-26", "--json")
    assert billed.code == 0, billed.err
    assert json.loads(billed.out)["total_cost"] == "0.2098"


def test_two_gigabytes_of_nothing_named_mp3_fail_fast_without_reading_them(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "big.mp3"
    with path.open("wb") as stream:  # sparse: 2 GB claimed, nothing written
        stream.truncate(2 * 2**30)
    started = time.perf_counter()
    result = cli("count", str(path), "--model", "gemini-2.5-flash")
    assert time.perf_counter() - started < 10
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: {path}: unreadable MP3")
    assert result.err.count("\n") == 1


def test_a_flac_of_millions_of_empty_metadata_blocks_counts_from_its_first(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # mutagen walked every block: 64 MB of empty PADDING blocks took over 120 s and 1.1 GB
    data = (MEDIA / "silence-2s.flac").read_bytes()
    streaminfo = bytes([data[4] & 0x7F]) + data[5:42]  # no longer marked the last block
    path = tmp_path / "padded.flac"
    path.write_bytes(b"fLaC" + streaminfo + bytes([1, 0, 0, 0]) * 4_000_000)
    started = time.perf_counter()
    result = cli("count", str(path), "--model", "gemini-2.5-flash", "--json")
    assert time.perf_counter() - started < 10
    assert result.code == 0, result.err
    assert json.loads(result.out)["input_tokens"] == 64


def test_mutagen_reads_a_bounded_share_of_a_hostile_ogg(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A valid first page, then empty pages: mutagen walked all of them (58 MB: 10 s).
    monkeypatch.setattr(limits, "MAX_MEDIA_HEADER_BYTES", 2**20)
    data = (MEDIA / "tone-2s.ogg").read_bytes()
    first = 27 + data[26] + sum(data[27 : 27 + data[26]])
    empty = b"OggS" + bytes(2) + struct.pack("<qIII", 0, 1, 5, 0) + bytes([1, 0])
    path = tmp_path / "pages.ogg"
    path.write_bytes(data[:first] + empty * 200_000)
    result = cli("count", str(path), "--model", "gemini-2.5-flash")
    assert result.code == 2
    assert "unreadable Ogg: no duration found; the header read is above the limit of" in result.err
    assert "(COSTLAB_MAX_MEDIA_HEADER_BYTES)" in result.err
    assert result.err.count("\n") == 1
    assert cli("count", str(MEDIA / "tone-2s.ogg"), "--model", "gemini-2.5-flash").code == 0


def test_megabytes_of_noise_named_mp3_fail_fast(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "noise.mp3"
    path.write_bytes(b"\xff\xfb\x00\x00" * (16 * 2**20))  # 64 MB of broken frame headers
    started = time.perf_counter()
    result = cli("count", str(path), "--model", "gemini-2.5-flash")
    assert time.perf_counter() - started < 10
    assert result.code == 2 and result.err.count("\n") == 1, result.err


def test_the_media_limit_can_be_raised(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "long.mp4"
    path.write_bytes(_mp4_claiming(100_000))
    assert cli("count", str(path), "--model", "gemini-2.5-flash").code == 2
    monkeypatch.setattr(limits, "MAX_MEDIA_SECONDS", 200_000)
    result = cli("count", str(path), "--model", "gemini-2.5-flash", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["input_tokens"] == 100_000 * 32


@pytest.mark.parametrize(
    "text",
    [
        "ID3 tags hold an MP3's title.",
        "OggS is Ogg's capture pattern.",
        "abcdftypisom",
        "%PDF- is how a PDF begins.",  # a PDF's is %PDF-1.7: a version follows
    ],
)
def test_a_prompt_that_begins_with_a_magic_word_is_text(cli, tmp_path: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "prompt.txt"
    path.write_text(text + "\n")
    result = cli("count", str(path), "--model", "gpt-4o", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["kind"] == "text"
    assert json.loads(result.out)["exact"] is True


@pytest.mark.parametrize(
    ("command", "model", "message"),
    [
        ("count", "gemini-2.5-flash", "input tokens: 32,000,000,000,000,000,000 is above"),
        ("estimate", "gpt-realtime", "input tokens: 10,000,000,000,000,000,000 is above"),
        ("estimate", "whisper-1", "seconds transcribed: 1,000,000,000,000,000,000 is above"),
    ],
)
def test_a_raised_media_limit_still_holds_the_count_limit(
    cli, tmp_path: Path, monkeypatch, command: str, model: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    """COSTLAB_MAX_MEDIA_SECONDS raised past all sense: 10^18 s made 3.2e19 tokens, counted and
    priced ($5.9e15 on gpt-realtime) above COSTLAB_MAX_COUNT; whisper-1's were refused as
    --audio-seconds, an option not given."""
    monkeypatch.setattr(limits, "MAX_MEDIA_SECONDS", 10**30)
    path = tmp_path / "long.mp4"
    path.write_bytes(_mp4_claiming(10**18))
    result = cli(command, str(path), "--model", model)
    assert result.code == 2, result.out
    assert result.err.startswith(f"costlab: error: {path}: {message}"), result.err
    assert "(COSTLAB_MAX_COUNT)" in result.err and result.err.count("\n") == 1


def test_a_webm_value_claiming_a_gigabyte_is_never_read(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each Info value was read whole before its size was looked at: a sparse WebM whose
    TimecodeScale claimed 1 GB took 4.4 s and 1 GB of memory to refuse."""
    import tracemalloc

    size = 2**30
    scale = b"\x2a\xd7\xb1\x01" + size.to_bytes(7, "big")
    unknown = b"\x01\xff\xff\xff\xff\xff\xff\xff"  # an unknown size, as live streams have
    head = b"\x1a\x45\xdf\xa3\x80" + b"\x18\x53\x80\x67" + unknown + b"\x15\x49\xa9\x66"
    path = tmp_path / "scale.webm"
    with path.open("wb") as stream:
        stream.write(head + unknown + scale)
        stream.truncate(len(head) + len(unknown) + len(scale) + size)
    tracemalloc.start()
    try:
        result = cli("count", str(path), "--model", "gemini-2.5-flash")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    assert result.code == 2
    assert (
        result.err == f"costlab: error: {path}: unreadable WebM: a TimecodeScale of over 8 bytes\n"
    )


def test_a_long_recording_is_counted_as_audio_not_streamed_as_text(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Over 32 MiB, a file whose first 8 KiB hold no NUL byte was streamed as plain text: a
    40 MiB MP3 of frames was 'not UTF-8 text' to count, though estimate priced it. By hand:
    41,943,040 bytes at 128 kbit/s (16,000 bytes a second) are 2,621.44 s, x 32 = 83,886.08,
    rounded up 83,887 tokens."""
    from costlab.scale.text import _NOT_TEXT
    from costlab.tokens.media import MEDIA_SUFFIXES

    assert set(MEDIA_SUFFIXES) <= set(_NOT_TEXT)
    frame = bytes([0xFF, 0xFB, 0x90, 0x64]) + b"\x55" * 413  # MPEG-1 layer III, 128k, 44.1k
    path = tmp_path / "episode.mp3"
    with path.open("wb") as stream:
        stream.write(frame * 40)
        stream.truncate(40 * 2**20)
    result = cli("count", str(path), "--model", "gemini-2.5-flash", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["kind"] == "audio"
    assert json.loads(result.out)["input_tokens"] == 83_887
    several = cli("count", str(path), str(path), "--model", "gemini-2.5-flash")
    assert several.code == 2 and "audio and video are counted one at a time" in several.err
