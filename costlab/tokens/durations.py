"""Durations from audio and video headers, read in place: WAV from its RIFF chunks, FLAC from
its ``STREAMINFO``, MP4 / M4A / MOV from the movie header box by box, WebM / Matroska from its
EBML ``Info`` element, MP3, AAC and Ogg with mutagen (``costlab[files]``).

Each reader takes bytes or a :class:`FileView` of an open file, walks a bounded number of
boxes, chunks or elements, and mutagen reads at most
:data:`~costlab.limits.MAX_MEDIA_HEADER_BYTES`, so a hostile
file costs a bounded time and memory however long it is. :mod:`costlab.tokens.media` turns a
duration into tokens.
"""

from __future__ import annotations

import io
import struct
from typing import Any, BinaryIO

from costlab import limits
from costlab.errors import CostlabError
from costlab.extras import require

#: Container formats by their first bytes, with the name shown to users.
FORMAT_NAMES = {
    "wav": "WAV",
    "mp3": "MP3",
    "aac": "AAC",
    "flac": "FLAC",
    "ogg": "Ogg",
    "mp4": "MP4/MOV",
    "webm": "WebM",
}

_EBML = b"\x1a\x45\xdf\xa3"


def duration(data: bytes | BinaryIO, fmt: str) -> tuple[float | None, bool]:
    """Seconds (None when the header gives none) and whether there is video, of ``data`` in
    container ``fmt``: bytes, or an open file of which only the header is read. Raises
    :class:`CostlabError` (without a location) or the readers' own errors for damaged data."""
    view: Any = data if isinstance(data, bytes) else FileView(data)
    if fmt == "wav":
        return _wav(view), False
    if fmt == "webm":
        return _ebml(view)
    if fmt == "mp4":
        return _mp4(view)
    if fmt == "flac":
        return _flac(view), False
    stream = io.BytesIO(data) if isinstance(data, bytes) else view.stream
    stream.seek(0)
    return _with_mutagen(_ReadBudget(stream, fmt), fmt)


class FileView:
    """The bytes of an open binary file, read only where they are indexed or sliced: what the
    WAV and WebM header readers walk, without reading a long recording into memory. A file
    cut short while it is read gives short slices, which the readers refuse as truncated."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self._size = stream.seek(0, io.SEEK_END)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, int):
            at = key + self._size if key < 0 else key
            chunk = self._read(at, 1) if 0 <= at < self._size else b""
            if not chunk:
                raise IndexError(key)
            return chunk[0]
        start, stop, step = key.indices(self._size)
        if step != 1:
            raise ValueError("a FileView is sliced with step 1 only")
        return self._read(start, stop - start) if stop > start else b""

    def startswith(self, prefix: bytes) -> bool:
        return bool(self[: len(prefix)] == prefix)

    def _read(self, at: int, size: int) -> bytes:
        self.stream.seek(at)
        return self.stream.read(size)


def wav_seconds(raw: Any) -> float | None:
    """The duration of WAV audio from its RIFF chunks: the audio bytes present (never more
    than the ``data`` chunk's size claims, nor than the bytes there are) over the ``fmt``
    chunk's byte rate; any encoding (PCM, float, mu-law, extensible). None when unreadable.

    >>> import struct
    >>> fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    >>> wav = b"RIFF" + struct.pack("<I", 0) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    >>> wav_seconds(wav + b"data" + struct.pack("<I", 16000) + bytes(16000))
    2.0
    >>> wav_seconds(wav + b"data" + struct.pack("<I", 0xFFFFFFFF) + bytes(800))  # header lies
    0.1
    """
    if len(raw) < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        return None
    byte_rate = None
    at = 12
    for _ in range(_MAX_ELEMENTS):  # millions of tiny chunks cost a bounded time, not millions
        if at + 8 > len(raw):
            break
        kind, size = raw[at : at + 4], struct.unpack("<I", raw[at + 4 : at + 8])[0]
        body = at + 8
        if kind == b"fmt " and size >= 16 and body + 16 <= len(raw):
            byte_rate = struct.unpack("<I", raw[body + 8 : body + 12])[0]
        elif kind == b"data":
            if not byte_rate:
                return None
            present = min(size, len(raw) - body)
            return present / byte_rate
        at = body + size + (size & 1)  # chunks are word-aligned
    return None


def _wav(data: Any) -> float | None:
    seconds = wav_seconds(data)
    if seconds is None:
        raise CostlabError("unreadable WAV audio")
    return seconds


class _ReadBudget:
    """A binary file that refuses to read past
    :data:`~costlab.limits.MAX_MEDIA_HEADER_BYTES` in all, so a hostile file costs mutagen a
    bounded time however long it is."""

    def __init__(self, stream: Any, fmt: str) -> None:
        self._stream, self._fmt = stream, fmt
        self._left = limits.current("MAX_MEDIA_HEADER_BYTES")

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._left + 1
        chunk: bytes = self._stream.read(min(size, self._left + 1))
        self._left -= len(chunk)
        if self._left < 0:
            raise CostlabError(
                f"unreadable {FORMAT_NAMES[self._fmt]}: no duration found; "
                + limits.over("MAX_MEDIA_HEADER_BYTES", "the header read")
            )
        return chunk

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return int(self._stream.seek(offset, whence))

    def tell(self) -> int:
        return int(self._stream.tell())


def _with_mutagen(stream: Any, fmt: str) -> tuple[float | None, bool]:
    """Duration of MP3, AAC and Ogg files by mutagen (which seeks: a file of any size)."""
    require("mutagen", "reading audio and video durations")
    import mutagen
    from mutagen.aac import AAC
    from mutagen.mp3 import MP3
    from mutagen.ogg import OggFileType
    from mutagen.oggflac import OggFLAC
    from mutagen.oggopus import OggOpus
    from mutagen.oggspeex import OggSpeex
    from mutagen.oggtheora import OggTheora
    from mutagen.oggvorbis import OggVorbis

    try:
        if fmt == "ogg":
            kinds: list[type[OggFileType]] = [OggVorbis, OggOpus, OggFLAC, OggSpeex, OggTheora]
            found: Any = mutagen.File(stream, options=kinds)
            if found is None:
                raise CostlabError("unreadable Ogg: no Vorbis, Opus, FLAC, Speex or Theora stream")
            return found.info.length, isinstance(found, OggTheora)
        kind: Any = {"mp3": MP3, "aac": AAC}[fmt]
        return kind(stream).info.length, False
    except mutagen.MutagenError as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise CostlabError(f"unreadable {FORMAT_NAMES[fmt]}: {reason}") from None
    except ZeroDivisionError:  # mutagen divides an Ogg Speex stream's length by its sample rate
        raise CostlabError(f"unreadable {FORMAT_NAMES[fmt]}: a sample rate of 0") from None


def _flac(data: Any) -> float | None:
    """FLAC: total samples over the sample rate, from ``STREAMINFO``, which the format puts
    first (mutagen walked every metadata block: 64 MB of empty ones took over 120 s and 1.1 GB).
    None when the encoder left the total unknown (0)."""
    block = data[4:42]
    if data[:4] != b"fLaC" or len(block) < 38 or block[0] & 0x7F != 0:
        raise CostlabError("unreadable FLAC: no STREAMINFO block first")
    fields = int.from_bytes(block[4 + 10 : 4 + 18], "big")  # after block and frame sizes
    rate, samples = fields >> 44, fields & ((1 << 36) - 1)
    if rate == 0:
        raise CostlabError("unreadable FLAC: a sample rate of 0")
    return samples / rate if samples else None


def _boxes(data: Any, start: int, end: int, budget: list[int]) -> Any:
    """(type, start of payload, end) of each ISO-BMFF box in ``data[start:end]``; every step
    moves forward and spends one of ``budget`` (a file of millions of tiny boxes costs a
    bounded time: mutagen's reader took 38 s and 1.9 GB on 64 MB of 8-byte boxes)."""
    at = start
    while at + 8 <= end:
        budget[0] -= 1
        if budget[0] < 0:
            raise CostlabError("unreadable MP4/MOV: too many boxes before the movie header")
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        body = at + 8
        if size == 1:  # a 64-bit size follows
            if body + 8 > end:
                raise CostlabError("unreadable MP4/MOV: truncated")
            size = struct.unpack(">Q", data[body : body + 8])[0]
            body += 8
        elif size == 0:  # to the end of the file
            size = end - at
        if size < body - at:
            raise CostlabError("unreadable MP4/MOV: a box shorter than its header")
        stop = min(at + size, end)
        yield kind, body, stop
        at = at + size


def _child(data: Any, start: int, end: int, kind: bytes, budget: list[int]) -> tuple[int, int]:
    for found, body, stop in _boxes(data, start, end, budget):
        if found == kind:
            return body, stop
    raise KeyError(kind)


def _mp4(data: Any) -> tuple[float | None, bool]:
    """MP4 / M4A / MOV: the movie header's (``moov/mvhd``) duration over its timescale, video
    when a track's handler (``trak/mdia/hdlr``) is ``vide``. Read box by box, seeking over
    the media data, wherever ``moov`` lies (before or after ``mdat``)."""
    budget = [_MAX_ELEMENTS]
    try:
        moov = _child(data, 0, len(data), b"moov", budget)
        body, stop = _child(data, *moov, b"mvhd", budget)
    except KeyError:
        raise CostlabError("unreadable MP4/MOV: no movie header (moov/mvhd)") from None
    header = data[body : min(stop, body + 32)]
    version = header[0] if header else None
    if version not in (0, 1) or len(header) < (32 if version == 1 else 20):
        raise CostlabError("unreadable MP4/MOV: truncated movie header")
    if version == 1:
        timescale, duration = struct.unpack(">IQ", header[20:32])
    else:
        timescale, duration = struct.unpack(">II", header[12:20])
    if timescale == 0:
        raise CostlabError("unreadable MP4/MOV: the movie header's timescale is 0")
    video = False
    for kind, trak_at, trak_end in _boxes(data, *moov, budget):
        if kind != b"trak":
            continue
        try:
            mdia = _child(data, trak_at, trak_end, b"mdia", budget)
            hdlr_at, hdlr_end = _child(data, *mdia, b"hdlr", budget)
        except KeyError:
            continue
        video = video or data[hdlr_at + 8 : min(hdlr_end, hdlr_at + 12)] == b"vide"
    return duration / timescale, video


# Matroska / WebM element ids (EBML ids, as the Matroska specification numbers them)
_SEGMENT, _INFO, _TIMESCALE, _DURATION = 0x18538067, 0x1549A966, 0x2AD7B1, 0x4489
_TRACKS, _TRACK_ENTRY, _TRACK_TYPE, _CLUSTER = 0x1654AE6B, 0xAE, 0x83, 0x1F43B675
_UNKNOWN = -1
#: Elements (WebM) or chunks (WAV) read before giving up: a header holds a few dozen before
#: the media data, and a file of millions of tiny elements must not cost millions of steps.
_MAX_ELEMENTS = 10_000


def _vint(data: Any, at: int, *, marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``at``: (value, its length); ``marker`` keeps the
    length bit (element ids) or drops it (sizes; all ones is an unknown size)."""
    if at >= len(data) or data[at] == 0:
        raise CostlabError("unreadable WebM: a bad element header")
    first = data[at]
    length = 8 - first.bit_length() + 1
    if at + length > len(data):
        raise CostlabError("unreadable WebM: truncated")
    value = int.from_bytes(data[at : at + length], "big")
    if marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (_UNKNOWN if value == (1 << (7 * length)) - 1 else value), length


def _elements(data: Any, start: int, end: int, budget: list[int]) -> Any:
    """(id, start of data, end of data) of each element in ``data[start:end]``; every step
    moves forward and spends one of ``budget``, so a hostile file costs a bounded time."""
    at = start
    while at < end:
        budget[0] -= 1
        if budget[0] < 0:
            raise CostlabError("unreadable WebM: too many elements before the duration")
        ident, size_at = _vint(data, at, marker=True)
        size, size_len = _vint(data, at + size_at, marker=False)
        body = at + size_at + size_len
        stop = end if size == _UNKNOWN else min(body + size, end)
        yield ident, body, stop
        at = stop


def _ebml(data: Any) -> tuple[float | None, bool]:
    """WebM / Matroska: ``Segment/Info/Duration`` x ``TimecodeScale`` (ns), video when a
    ``TrackEntry`` has ``TrackType`` 1."""
    if not data.startswith(_EBML):
        raise CostlabError("unreadable WebM: no EBML header")
    duration = None
    scale = 1_000_000  # the default TimecodeScale: 1 ms
    video = False
    budget = [_MAX_ELEMENTS]
    for ident, body, stop in _elements(data, 0, len(data), budget):
        if ident != _SEGMENT:
            continue
        for child, start, end in _elements(data, body, stop, budget):
            if child == _INFO:
                for field, value_at, value_end in _elements(data, start, end, budget):
                    # numbers of at most 8 bytes: a value claiming a gigabyte is never read
                    size = value_end - value_at
                    if field == _TIMESCALE and size > 8:
                        raise CostlabError("unreadable WebM: a TimecodeScale of over 8 bytes")
                    if field == _TIMESCALE and size:
                        scale = int.from_bytes(data[value_at:value_end], "big")
                    elif field == _DURATION and size in (4, 8):
                        raw = data[value_at:value_end]
                        duration = struct.unpack(">f" if size == 4 else ">d", raw)[0]
            elif child == _TRACKS:
                for entry, entry_at, entry_end in _elements(data, start, end, budget):
                    if entry != _TRACK_ENTRY:
                        continue
                    for field, value_at, value_end in _elements(data, entry_at, entry_end, budget):
                        kind = data[value_at:value_end] if value_end - value_at == 1 else b""
                        if field == _TRACK_TYPE and kind == b"\x01":
                            video = True
            elif child == _CLUSTER:
                break  # the media data: headers come before it
        break
    if duration is None:
        return None, video
    return duration * scale / 1e9, video
