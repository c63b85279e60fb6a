"""Every resource limit costlab applies to input, in one place, each with why and how to raise it.

costlab reads files from users it does not know: a batch file of 200 MB, a price file, an image, a
DOCX. These limits keep every run bounded in time and memory and turn hostile or careless input
(``/dev/zero``, a zip bomb, a number with a million digits, JSON nested 100,000 deep, a YAML alias
bomb) into one :class:`~costlab.errors.CostlabError` naming where and what, before any expensive
work starts. Each limit is a module constant read once from its environment variable
(``COSTLAB_MAX_INPUT_BYTES=1000000000 costlab count big.jsonl``); code reads the constant at call
time (``limits.MAX_INPUT_BYTES``), so tests can change it too.

>>> check_number(1200, "input_tokens")
1200
>>> check_number(10**16, "requests")
Traceback (most recent call last):
...
costlab.errors.CostlabError: requests: 10,000,000,000,000,000 is above the limit of 1,000,000,000,000,000 (COSTLAB_MAX_COUNT)
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from costlab.errors import CostlabError


def _env_int(name: str, default: int) -> int:
    """``default``, or the whole number in environment variable ``name`` (a bad one is ignored
    with a warning rather than crashing every command)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip().replace("_", "")
    if text.isdigit() and len(text) <= 30 and int(text) > 0:
        return int(text)
    sys.stderr.write(
        f"costlab: warning: {name}={raw!r} is not a whole number > 0; using {default}\n"
    )
    return default


#: Bytes read from any one input (file, stdin, upload). Above the Batch API's 200 MB file limit
#: [OAI-BATCH], so every valid batch file fits; a device or a sparse file cannot fill memory.
MAX_INPUT_BYTES = _env_int("COSTLAB_MAX_INPUT_BYTES", 256 * 2**20)
#: Nesting depth of JSON (request bodies, batch lines, usage JSON, links) and YAML: real bodies
#: nest a few dozen levels (tool schemas); Python's parsers recurse and crash near 1,000.
MAX_NESTING_DEPTH = _env_int("COSTLAB_MAX_NESTING_DEPTH", 200)
#: Digits of a whole number, and significant digits of a decimal, accepted at parse time: no
#: token count, request count or price needs more, and converting longer ones costs quadratic time.
MAX_DIGITS = _env_int("COSTLAB_MAX_DIGITS", 30)
#: Largest decimal exponent accepted at parse time (magnitudes 1e-30 .. 1e30): a price of
#: 1e-30 USD or a count of 1e30 is already absurd, and 1e999999999 would take minutes to expand.
MAX_EXPONENT = _env_int("COSTLAB_MAX_EXPONENT", 30)
#: Largest token, request or other count in a file or argument (1e15): a thousand times a large
#: provider's yearly tokens; products of two such counts still format and sum exactly.
MAX_COUNT = _env_int("COSTLAB_MAX_COUNT", 10**15)
#: Largest amount of money in USD (1e12): a budget or total above a trillion dollars is a typo.
MAX_USD = _env_int("COSTLAB_MAX_USD", 10**12)
#: Pixels of one image, read from its header before anything is decoded. Pillow's own default
#: (``PIL.Image.MAX_IMAGE_PIXELS``, 178,956,970 = a 24-bit image of 512 MiB); no API takes more.
MAX_IMAGE_PIXELS = _env_int("COSTLAB_MAX_IMAGE_PIXELS", 178_956_970)
#: Bytes a DOCX (its zip members) or a PDF's text may expand to: a 3 MB zip bomb can claim 1 GB.
MAX_DECOMPRESSED_BYTES = _env_int("COSTLAB_MAX_DECOMPRESSED_BYTES", 256 * 2**20)
#: Pages of a PDF: a book is under 2,000; more is a generated file meant to exhaust the reader.
MAX_PDF_PAGES = _env_int("COSTLAB_MAX_PDF_PAGES", 5_000)
#: Bytes of a YAML price or scenario file: the shipped price book is under 64 KB, and the parser
#: takes about 4 s and 60 MB per MB (a 50 MB file took 230 s and 3.3 GB).
MAX_YAML_BYTES = _env_int("COSTLAB_MAX_YAML_BYTES", 4 * 2**20)
#: Nodes of a YAML document once its aliases are expanded: a 1 KB "billion laughs" file expands
#: to 10^9 nodes; the whole shipped price book is about 5,000, a 1,000-workload scenario about
#: 20,000. The parser takes about 30 us a node here (a 990,000-item list took 31 s).
MAX_YAML_NODES = _env_int("COSTLAB_MAX_YAML_NODES", 200_000)
#: Seconds of one audio or video file or inline part, as its header claims (a day): no API takes
#: a day of media in one request, and a header is believed without decoding the media.
MAX_MEDIA_SECONDS = _env_int("COSTLAB_MAX_MEDIA_SECONDS", 86_400)
#: Bytes read of one MP3, AAC or Ogg file to find its duration (mutagen): a header, tags with
#: cover art and the last pages fit in a few MB; a valid Ogg page followed by 2 million empty
#: ones (58 MB) took 10 s to walk, and a file read in place may be any size.
MAX_MEDIA_HEADER_BYTES = _env_int("COSTLAB_MAX_MEDIA_HEADER_BYTES", 16 * 2**20)
#: Months a forecast may cover (ten years); also bounds calendar arithmetic on month starts.
MAX_MONTHS = _env_int("COSTLAB_MAX_MONTHS", 120)
#: Characters of a shared dashboard link's scenario token, checked before decompressing it.
MAX_LINK_CHARS = _env_int("COSTLAB_MAX_LINK_CHARS", 64 * 1024)
#: Bytes a dashboard link's token may decompress to (a scenario is a few KB).
MAX_LINK_BYTES = _env_int("COSTLAB_MAX_LINK_BYTES", 1 * 2**20)

#: The environment variable of each limit, for messages and the README.
ENV_NAMES = {
    "MAX_INPUT_BYTES": "COSTLAB_MAX_INPUT_BYTES",
    "MAX_NESTING_DEPTH": "COSTLAB_MAX_NESTING_DEPTH",
    "MAX_DIGITS": "COSTLAB_MAX_DIGITS",
    "MAX_EXPONENT": "COSTLAB_MAX_EXPONENT",
    "MAX_COUNT": "COSTLAB_MAX_COUNT",
    "MAX_USD": "COSTLAB_MAX_USD",
    "MAX_IMAGE_PIXELS": "COSTLAB_MAX_IMAGE_PIXELS",
    "MAX_DECOMPRESSED_BYTES": "COSTLAB_MAX_DECOMPRESSED_BYTES",
    "MAX_PDF_PAGES": "COSTLAB_MAX_PDF_PAGES",
    "MAX_YAML_BYTES": "COSTLAB_MAX_YAML_BYTES",
    "MAX_YAML_NODES": "COSTLAB_MAX_YAML_NODES",
    "MAX_MEDIA_SECONDS": "COSTLAB_MAX_MEDIA_SECONDS",
    "MAX_MEDIA_HEADER_BYTES": "COSTLAB_MAX_MEDIA_HEADER_BYTES",
    "MAX_MONTHS": "COSTLAB_MAX_MONTHS",
    "MAX_LINK_CHARS": "COSTLAB_MAX_LINK_CHARS",
    "MAX_LINK_BYTES": "COSTLAB_MAX_LINK_BYTES",
}


def current(name: str) -> int:
    """The value of limit ``name`` now (``current("MAX_DIGITS")``)."""
    return int(globals()[name])


def over(name: str, what: str) -> str:
    """The message for input over limit ``name``: what it is, the limit, and how to raise it."""
    return f"{what} is above the limit of {current(name):,} ({ENV_NAMES[name]})"


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB" if size >= 2**20 else f"{size:,} bytes"


def read_bounded(
    source: str | Path | BinaryIO,
    what: str,
    *,
    kind: str = "file",
    limit_name: str = "MAX_INPUT_BYTES",
) -> bytes:
    """The bytes of a file path or an open binary stream, at most the limit ``limit_name``.

    A path is checked with ``stat`` before a byte is read: devices (``/dev/zero``), FIFOs and
    sockets, which may never end, are refused, and so is a regular file over the limit (a sparse
    1 GB file is refused without reading it). A stream (stdin) is read up to the limit plus one
    byte, so an endless one costs at most the limit. ``what`` names the input in errors,
    ``kind`` what it should be (``no such price file``).
    """
    limit = current(limit_name)
    cannot = _cannot(kind)
    if isinstance(source, str | Path):
        path = Path(source)
        info = _regular_file(path, what, kind)
        if info.st_size > limit:
            raise CostlabError(over(limit_name, f"the file's size ({_mib(info.st_size)})"), what)
        try:
            with path.open("rb") as stream:
                data = stream.read(info.st_size + 1)  # + 1: the file may have grown since stat
                if len(data) > info.st_size:
                    data += _read_chunks(stream, limit + 1 - len(data))
        except OSError as exc:
            raise CostlabError(f"{cannot}: {exc.strerror or exc}", what) from None
    else:
        try:
            data = _read_chunks(source, limit + 1)
        except (OSError, ValueError, AttributeError) as exc:
            # ValueError: a closed stream; AttributeError: no stream at all
            raise CostlabError(f"cannot read: {_reason(exc)}", what) from None
    if len(data) > limit:
        raise CostlabError(over(limit_name, "the input's size"), what)
    return data


def _cannot(kind: str) -> str:
    return "cannot read" if kind == "file" else f"cannot read {kind}"


def _regular_file(path: Path, what: str, kind: str) -> os.stat_result:
    """The file's stat, after refusing what may never end or is not a file: a missing path, a
    folder, a device, a pipe or a socket, each named."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CostlabError(f"no such {kind}", what) from None
    except OSError as exc:
        raise CostlabError(f"{_cannot(kind)}: {exc.strerror or exc}", what) from None
    if stat.S_ISDIR(info.st_mode):
        raise CostlabError(f"is a directory, expected a {kind}", what)
    if not stat.S_ISREG(info.st_mode):
        raise CostlabError(
            "not a regular file (a device, pipe or socket); save the input to a file, "
            "or pipe it to stdin with -",
            what,
        )
    return info


def open_streaming(source: str | Path, what: str, *, kind: str = "file") -> BinaryIO:
    """A regular file opened for reading in chunks, with :func:`read_bounded`'s refusals.

    Devices, FIFOs and sockets are refused (they may never end) and a folder is named as one;
    unlike :func:`read_bounded` there is no size limit, because the caller reads a bounded
    chunk at a time (``costlab count`` of a 1 GB text, ``costlab actuals`` of 5M rows).
    """
    path = Path(source)
    cannot = _cannot(kind)
    _regular_file(path, what, kind)
    try:
        return path.open("rb")
    except OSError as exc:
        raise CostlabError(f"{cannot}: {exc.strerror or exc}", what) from None


#: Bytes read from a stream at a time: a small pipe does not cost a limit-sized buffer.
_CHUNK = 2**20


def _read_chunks(stream: BinaryIO, most: int) -> bytes:
    """At most ``most`` bytes of ``stream``, read in chunks until the end or ``most``."""
    buffer = io.BytesIO()  # getvalue() hands over its buffer: no second copy of 200 MB
    left = most
    while left > 0:
        chunk = stream.read(min(_CHUNK, left))
        if not chunk:
            break
        buffer.write(chunk)
        left -= len(chunk)
    return buffer.getvalue()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, ValueError | AttributeError):
        return "the stream is closed"
    return str(exc) or type(exc).__name__


def nesting_depth(text: str | bytes) -> int:
    """The deepest ``[``/``{`` nesting in JSON text, ignoring brackets inside strings.

    A linear scan without recursion, run before :func:`json.loads` (which recurses once per
    level and raises ``RecursionError`` near 1,000).

    >>> nesting_depth('{"a": [1, {"b": "[[["}]}')
    3
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if b"[" not in data and b"{" not in data:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_json_depth(text: str | bytes, *where: str | None) -> None:
    """Refuse JSON nested deeper than :data:`MAX_NESTING_DEPTH`, before parsing it.

    The scan is skipped for text too short to reach the limit; otherwise it is a C-speed count
    of brackets first, and the exact scan only when brackets alone could exceed the limit.
    """
    limit = current("MAX_NESTING_DEPTH")
    if len(text) <= limit:  # too short to hold that many brackets
        return
    if isinstance(text, str):
        brackets = text.count("[") + text.count("{")
    else:
        brackets = text.count(b"[") + text.count(b"{")
    if brackets <= limit:
        return
    depth = nesting_depth(text)
    if depth > limit:
        raise CostlabError(over("MAX_NESTING_DEPTH", f"JSON nested {depth:,} deep"), *where)


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("+-").lstrip("0"))
    if digits > current("MAX_DIGITS"):
        raise ValueError(over("MAX_DIGITS", f"a whole number of {digits:,} digits"))
    return int(text)


def _parse_float(text: str) -> float:
    number = _decimal_text(text)
    return float(number)


def _decimal_text(text: str) -> Decimal:
    """``text`` as a Decimal, refused when its digits or exponent are past the limits."""
    try:
        value = Decimal(text)  # linear in the text, whatever its exponent
    except ArithmeticError:
        raise ValueError(f"not a number: {text[:40]!r}") from None
    check_decimal(value)
    digits = len(value.as_tuple().digits) if value.is_finite() and not value.is_zero() else 0
    if digits > current("MAX_DIGITS"):
        raise ValueError(over("MAX_DIGITS", f"a number of {digits:,} digits"))
    return value


def check_decimal(value: Decimal) -> None:
    """Raise ValueError when a finite decimal's exponent or digits are past the limits."""
    if not value.is_finite() or value.is_zero():
        return
    exponent = value.adjusted()
    limit = current("MAX_EXPONENT")
    if not -limit <= exponent <= limit:
        raise ValueError(
            f"a number of magnitude 1e{exponent} is outside 1e-{limit}..1e{limit} "
            "(COSTLAB_MAX_EXPONENT)"
        )
    if len(value.as_tuple().digits) > current("MAX_DIGITS") + limit:
        digits = len(value.as_tuple().digits)
        raise ValueError(over("MAX_DIGITS", f"a number of {digits:,} digits"))


#: One decoder with the number hooks: json.loads with hooks builds a new one per call, which
#: cost a third of a 50,000-line batch file's parse time (measured).
_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float)


class RefusedNumber(str):
    """A JSON number past the limits, kept in place (as its first 40 characters) by
    ``loads_json(..., keep_refused=True)``; ``what`` says why it is refused."""

    what = ""


def _keeping(parse: Any) -> Any:
    def hook(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            refused = RefusedNumber(text[:40])
            refused.what = str(exc)
            return refused

    return hook


_KEEPING = json.JSONDecoder(parse_int=_keeping(_parse_int), parse_float=_keeping(_parse_float))


def first_refused(value: Any, path: str = "") -> tuple[str, str] | None:
    """(dotted field, why) of the first :class:`RefusedNumber` inside parsed JSON, or None."""
    if isinstance(value, RefusedNumber):
        return path, value.what
    items = value.items() if isinstance(value, dict) else ()
    if isinstance(value, list):
        items = ((f"[{i}]", v) for i, v in enumerate(value))  # type: ignore[assignment]
    for key, item in items:
        found = first_refused(item, f"{path}.{key}" if path and key[0] != "[" else path + key)
        if found is not None:
            return found
    return None


def loads_json(text: str | bytes, *where: str | None, keep_refused: bool = False) -> Any:
    """``json.loads`` with costlab's limits: nesting depth checked first, without recursion;
    integers over :data:`MAX_DIGITS` digits and numbers outside the exponent range refused
    (``costlab: error: batch.jsonl: line 3: a whole number of 5,001 digits ...``), or, with
    ``keep_refused``, kept as :class:`RefusedNumber` for the caller to name the record
    (:func:`first_refused`) and read the rest.

    Floats stay floats, as :func:`json.loads` gives them. Malformed JSON raises
    :class:`json.JSONDecodeError`, as it does, so callers keep their own wording for it.
    """
    check_json_depth(text, *where)
    try:
        decoder = _KEEPING if keep_refused else _DECODER
        if isinstance(text, bytes):
            return json.loads(text, parse_int=decoder.parse_int, parse_float=decoder.parse_float)
        return decoder.decode(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        raise CostlabError(str(exc), *where) from None
    except RecursionError:  # the depth check comes first, unless the limit was raised
        raise CostlabError(
            f"JSON nested deeper than Python's parser can follow, though within the limit of "
            f"{current('MAX_NESTING_DEPTH'):,} ({ENV_NAMES['MAX_NESTING_DEPTH']}): lower it",
            *where,
        ) from None


def parse_number(text: str, *where: str | None) -> Decimal:
    """A decimal from text, refused fast when its digits or exponent are past the limits.

    ``Decimal("1e999999999")`` is instant, but turning it into an ``int`` or formatting it
    is not; this check runs before either.
    """
    try:
        return _decimal_text(text.strip())
    except ValueError as exc:
        raise CostlabError(str(exc), *where) from None


def _shown(value: int | Decimal | float) -> str:
    """A number for a message; a whole number too long to print is described by its size."""
    if isinstance(value, int):
        if value.bit_length() > 200:  # str() of a 5,000-digit int raises ValueError
            return f"a whole number of about {int(value.bit_length() * 0.30103):,} digits"
        return f"{value:,}"
    return f"{value:.3g}"


def check_number(
    value: int | Decimal | float, field: str, *where: str | None, limit_name: str = "MAX_COUNT"
) -> int | Decimal | float:
    """``value`` back when ``abs(value)`` is at most the limit ``limit_name`` (a count by
    default; ``MAX_USD`` for money), else one error naming ``field``."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise CostlabError("must be a finite number", *where, field)
    if isinstance(value, float) and value != value:
        raise CostlabError("must be a finite number", *where, field)
    if isinstance(value, Decimal) and not value.is_zero():
        try:
            check_decimal(value)
        except ValueError as exc:
            raise CostlabError(str(exc), *where, field) from None
    if abs(value) > current(limit_name):  # type: ignore[operator]
        shown = _shown(value)
        raise CostlabError(over(limit_name, shown), *where, field)
    return value
