"""Audio and video files: their format from the first bytes, their duration from the header,
and the tokens a model bills for that long.

Durations come from :mod:`costlab.tokens.durations`, read in place for a file on disk (a
recording of any size: only the parts the header needs are read) or from bytes already read.
Nothing is decoded: a header that lies is believed up to
:data:`~costlab.limits.MAX_MEDIA_SECONDS`, and refused above it.

Tokens: audio by the model's published ``audio`` rule in the price book (OpenAI's Realtime
models hear 10 tokens a second [OAI-RT-COSTS], Gemini 32 [G-VISION]); video on Gemini at 263
tokens a second [G-VISION]. Every such count is an estimate: the providers say billed counts
vary a little from the rate.
"""

from __future__ import annotations

import contextlib
import math
import struct
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from costlab import limits
from costlab.errors import CostlabError
from costlab.prices import Model
from costlab.records import frozen
from costlab.tokens.durations import _EBML, FORMAT_NAMES, FileView, duration
from costlab.tokens.files import Input, sniff_binary
from costlab.tokens.result import PartCount, TokenCount

VIDEO_TOKENS_PER_SECOND = 263  # [G-VISION]: Gemini video, frames and sound, per second

#: File extensions read as audio or video even when the bytes do not say so (an empty or
#: damaged file is then one error naming the format, not "not UTF-8 text").
MEDIA_SUFFIXES = {
    ".wav": "wav",
    ".mp3": "mp3",
    ".aac": "aac",
    ".flac": "flac",
    ".ogg": "ogg",
    ".oga": "ogg",
    ".ogv": "ogg",
    ".opus": "ogg",
    ".m4a": "mp4",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mov": "mp4",
    ".webm": "webm",
    ".mkv": "webm",
}

#: ISO base media brands of still images (HEIF, AVIF): an ``ftyp`` box alone is not video.
_IMAGE_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis")


@frozen
class Media:
    """What an audio or video file's header says."""

    format: str
    """container: ``wav``, ``mp3``, ``aac``, ``flac``, ``ogg``, ``mp4`` or ``webm``"""
    seconds: Decimal
    """duration in seconds, as the header gives it"""
    video: bool
    """whether it holds a video track (else audio only)"""

    @property
    def label(self) -> str:
        """``MP3 audio, 2.088 s``"""
        kind = "video" if self.video else "audio"
        return f"{FORMAT_NAMES[self.format]} {kind}, {self.seconds:.3f} s"


def sniff_media(data: bytes, suffix: str = "") -> str | None:
    """The container format from the first bytes, else from the file extension; None when
    neither says audio or video. A magic word alone is not enough where text may begin with
    it: the byte after it must be one the format allows (a prompt "ID3 tags hold..." is text).

    >>> sniff_media(b"fLaC" + bytes(40))
    'flac'
    >>> sniff_media(b"", ".mp3")
    'mp3'
    >>> sniff_media(b"ID3 tags hold the title", ".txt") is None
    True
    """
    head = data[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") and head[3:4] in (b"\x02", b"\x03", b"\x04"):  # ID3v2.2 - 2.4
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF0 == 0xF0:  # frame sync
        return "aac" if head[1] & 0x06 == 0 else "mp3"  # ADTS has layer 00
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"  # MPEG 2.5
    if head.startswith(b"fLaC") and head[4:5] in (b"\x00", b"\x80"):  # STREAMINFO first
        return "flac"
    if head.startswith(b"OggS\x00"):  # stream structure version 0
        return "ogg"
    if head[:1] == b"\x00" and head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return "mp4"
    if head[4:8] in (b"moov", b"wide", b"mdat", b"free", b"skip") and suffix in (".mov", ".mp4"):
        return "mp4"  # QuickTime files without ftyp
    if head.startswith(_EBML):
        return "webm"
    return MEDIA_SUFFIXES.get(suffix)


def read_media(data: bytes | BinaryIO, where: str, fmt: str) -> Media:
    """The duration (and whether there is video) of ``data``, a file of format ``fmt``: its
    bytes, or the file itself opened for reading (only its header is read).

    Unreadable, empty or damaged data, a header without a duration, and a duration above
    :data:`~costlab.limits.MAX_MEDIA_SECONDS` are each one :class:`CostlabError` at ``where``.
    """
    name = FORMAT_NAMES[fmt]
    if not len(data if isinstance(data, bytes) else FileView(data)):
        raise CostlabError(f"unreadable {name}: the file is empty", where)
    try:
        seconds, video = duration(data, fmt)
    except CostlabError as exc:
        raise CostlabError(exc.what, where) from None
    except RecursionError:
        raise CostlabError(f"unreadable {name}: nested too deep", where) from None
    except (
        ValueError,
        KeyError,
        IndexError,
        struct.error,
        OverflowError,
        EOFError,
        OSError,
    ) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        if not isinstance(exc, ValueError | OSError):  # a reader's own slip, not a message
            reason = f"damaged or cut short ({reason})"
        raise CostlabError(f"unreadable {name}: {reason}", where) from None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise CostlabError(f"unreadable {name}: the header gives no duration", where)
    if seconds > limits.MAX_MEDIA_SECONDS:
        shown = f"a duration of {seconds:,.0f} seconds"
        raise CostlabError(limits.over("MAX_MEDIA_SECONDS", shown), where)
    return Media(fmt, Decimal(repr(float(seconds))), video)


def video_tokens(seconds: Decimal | float) -> int:
    """Gemini video input tokens: 263 a second, rounded up. [G-VISION]

    >>> video_tokens(10)
    2630
    """
    return math.ceil(Decimal(str(seconds)) * VIDEO_TOKENS_PER_SECOND)


@contextlib.contextmanager
def opened_media(path: Path, where: str) -> Iterator[tuple[BinaryIO, str] | None]:
    """A file on disk opened for its header, with its container format, when its first bytes
    (else its extension) say audio or video and not an image or document; None otherwise.
    Devices, FIFOs and folders are refused as every input is (:func:`limits.open_streaming`)."""
    with limits.open_streaming(path, where) as stream:
        head = stream.read(16)
        fmt = media_format(head, path.suffix.lower())
        yield (stream, fmt) if fmt is not None else None


def media_format(head: bytes, suffix: str = "") -> str | None:
    """The container format when the first bytes (else the extension) say audio or video and
    not an image or a document: an image named ``.mp3`` is an image."""
    return sniff_media(head, suffix) if sniff_binary(head) is None else None


def bills_transcription(model: Model, on: date) -> bool:
    """Whether ``model`` bills an audio file as minutes transcribed on ``on`` (whisper-1): a
    per-minute price and no rule turning seconds into audio tokens."""
    return model.audio is None and model.price_on(on).audio_minute is not None


def transcribed_seconds(data: bytes | BinaryIO, where: str, fmt: str) -> tuple[Media, int]:
    """An audio or video file's header and the seconds a per-minute model bills for it: its
    duration rounded up to the second (transcription is billed by the second)."""
    media = read_media(data, where, fmt)
    seconds = math.ceil(media.seconds)
    # a raised COSTLAB_MAX_MEDIA_SECONDS still leaves the seconds billed a count like any other
    limits.check_number(seconds, "seconds transcribed", where)
    return media, seconds


def transcribed_input(source: Input) -> tuple[Media, int] | None:
    """:func:`transcribed_seconds` of input read whole (standard input, an upload); None when
    it is not audio or video."""
    fmt = media_format(source.data[:16], source.suffix)
    return None if fmt is None else transcribed_seconds(source.data, source.name, fmt)


def transcribed_file(name: str | None) -> tuple[Media, int] | None:
    """:func:`transcribed_seconds` of a file on disk, read from its header where it lies; None
    for standard input (``-``), a file that is not audio or video, or a path that is not a file
    (counting it names what is wrong)."""
    if name in (None, "-") or not Path(name).is_file():
        return None
    with opened_media(Path(name), name) as found:
        if found is None:
            return None
        stream, fmt = found
        return transcribed_seconds(stream, name, fmt)


def count_media(data: bytes | BinaryIO, where: str, fmt: str, model: Model) -> TokenCount:
    """Input tokens of one audio or video file on ``model``: its duration (:func:`read_media`)
    by the model's published rate. Audio needs the model's ``audio`` rule in the price book
    (the one ``--input-audio-seconds`` uses); video is Gemini's 263 tokens a second."""
    media = read_media(data, where, fmt)
    # no text is encoded: a model without a tokenizer (gpt-realtime) is counted all the same
    estimate = model.token_estimate
    encoding = model.tokenizer or (estimate.encoding if estimate is not None else "-")
    if media.video:
        if model.images is None or model.images.method != "gemini":
            raise CostlabError(
                "no published rule turns seconds of video into its tokens (Gemini's does: "
                f"{VIDEO_TOKENS_PER_SECOND} a second); count it on a Gemini model",
                f"model '{model.id}'",  # the model, not the file: other models may count it
            )
        tokens, audio = video_tokens(media.seconds), 0
        rule = f"Gemini video at {VIDEO_TOKENS_PER_SECOND} tokens a second [G-VISION]"
    else:
        whole = model.audio.whole_tokens(media.seconds, "input") if model.audio else None
        if whole is None or model.audio is None:
            if any(price.audio_minute is not None for price in model.prices):
                raise CostlabError(
                    f"billed per minute of audio transcribed, not per token: this file is "
                    f"{media.seconds:.3f} s (costlab estimate FILE --model {model.id} prices it, "
                    "as does a transcription workload in the planner)",
                    f"model '{model.id}'",
                )
            raise CostlabError(
                "the price book has no published rule turning seconds of audio into its audio "
                "tokens (costlab prices --model M shows a model's rule: gpt-realtime, "
                "gemini-2.5-flash ...)",
                f"model '{model.id}'",  # the model, not the file: other models may count it
            )
        tokens = audio = whole
        cited = model.audio.source.split(" ", 1)[0]  # the source key, "[OAI-RT-COSTS]"
        rule = f"audio at {model.audio.input_per_second} tokens a second {cited}"
    # a raised COSTLAB_MAX_MEDIA_SECONDS still leaves the tokens a count like any other
    limits.check_number(tokens, "input tokens", where)
    return TokenCount(
        model=model.id,
        encoding=encoding,
        input_tokens=tokens,
        input_audio_tokens=audio,
        exact=False,
        kind="video" if media.video else "audio",
        estimate_source=f"tokens from the duration in the file's header, {rule}; the "
        "provider's billed count may differ a little from the rate",
        parts=(PartCount(media.label, tokens),),
        source=where,
    )
