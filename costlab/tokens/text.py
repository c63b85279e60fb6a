"""Count the tokens of plain text of any size, exactly as tiktoken's ``encode_ordinary`` does.

User text is counted with ``encode_ordinary`` semantics: a special-token string pasted in the
text (``<|endoftext|>``) counts as the ordinary text it is, which is how the API treats message
content. ``allow_special=True`` counts each special-token string as its single token instead.

Two things make big inputs work:

* **Parallel chunks.** tiktoken splits text into pieces with a regex and byte-pair-encodes each
  piece on its own, so the count of a text is the sum over its pieces. Text is cut only just
  after a ``\\n`` that is followed by an ASCII letter. No piece of either encoding's split
  pattern can hold ``\\n`` then a letter (letter pieces exclude ``\\r\\n``; the pieces that take
  newlines, ``[\\r\\n/]*`` after punctuation and the whitespace ones, cannot take a letter), so
  the whole text has a piece boundary there. The piece that ends at that newline is the same when
  the text stops there: it is punctuation plus newlines, or a whitespace run that ends at the
  newline, which ``\\s*[\\r\\n]+`` (o200k) and ``\\s*[\\r\\n]`` (cl100k) match whole in the
  whole text, and which cl100k's ``\\s++$`` matches whole when it ends the chunk. Text after the
  cut starts a match in the same place either way (no pattern looks behind). So the chunks
  tokenize exactly as the whole text does; a property test in tests/test_tokens_text.py checks
  it on adversarial input. Chunks are encoded across cores with tiktoken's batch encoding
  (its native ``encode_ordinary`` releases the GIL).
* **Long whitespace runs.** tiktoken's regex engine gives up (``StackOverflow`` panic) on a run
  of about 1,000,000 whitespace characters (measured with tiktoken 0.14, 2026-11-26). A chunk with
  a whitespace run of :data:`LONG_WHITESPACE_RUN` or more characters is split into pieces with
  the ``regex`` module and the same pattern, and each piece is byte-pair-encoded natively, which is
  what tiktoken does per piece; the same property test compares it with tiktoken.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from costlab.errors import CostlabError
from costlab.tokens.encodings import FAST_MIN_CHARS, fast_encoding, get_encoding

if TYPE_CHECKING:
    import tiktoken

#: Whitespace runs this long (characters) are split with the ``regex`` module (see module doc).
LONG_WHITESPACE_RUN = 100_000

#: Target size of a parallel chunk, in characters; texts shorter than this are encoded in one call.
CHUNK_CHARS = 256 * 1024

#: Below this many characters in all, many short texts are encoded on one thread.
PARALLEL_CHARS = 1 << 20

#: A safe cut: just after a newline that is followed by an ASCII letter.
_SAFE_CUT = re.compile(r"\n(?=[A-Za-z])")

#: Progress callback: (characters done, characters in all).
Progress = Callable[[int, int], None]


def workers() -> int:
    """Threads to encode with: ``COSTLAB_THREADS`` when set, else the CPU cores this process may
    use minus the cores other processes keep busy (the 1-minute load average), at least one.

    On a shared machine a thread per core only queues behind the other processes (measured on
    2 shared cores: two threads 1.25x slower than one while the machine was busy), so a core
    counts only while it is idle. ``COSTLAB_THREADS=1`` forces one thread.
    """
    configured = os.environ.get("COSTLAB_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return idle_cores()


def idle_cores() -> int:
    """Cores this process may use that the load average leaves idle (at least 1)."""
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = max(1, os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - no load average on this system
        return cores
    # The load includes this process once it runs, so round down what the others use.
    return max(1, min(cores, cores - int(busy)))


#: Bytes read from a file at a time when streaming text.
STREAM_BYTES = 8 * 2**20


def stream_tokens(
    blocks: Iterable[bytes],
    encoding: str = "o200k_base",
    *,
    allow_special: bool = False,
    where: str = "-",
) -> int:
    """Tokens in the UTF-8 text that ``blocks`` (bytes of any sizes) make when joined.

    Memory stays bounded: the text is decoded incrementally (a character split between two
    blocks waits for its last byte) and counted up to the last safe cut (see the module doc);
    the rest is carried into the next block. The total is exactly :func:`text_tokens` of the
    whole text (tests/test_tokens_text.py cuts inside multi-byte characters to check it).
    """
    import codecs

    enc = get_encoding(encoding)
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    carry = ""
    total = 0
    offset = 0
    for block in blocks:
        if offset == 0 and b"\x00" in block[:8192]:
            raise CostlabError("binary data, expected UTF-8 text", where)
        try:
            text = carry + decoder.decode(block)
        except UnicodeDecodeError as exc:
            raise CostlabError(
                f"not UTF-8 text (byte 0x{block[exc.start]:02x} at offset {offset + exc.start})",
                where,
            ) from None
        offset += len(block)
        cut = _last_safe_cut(text)
        if cut:
            # A streamed input is big: the faster tokenizer (when installed) pays for itself.
            total += _text_tokens(enc, text[:cut], allow_special, None, 0)
            carry = text[cut:]
        else:
            carry = text  # no safe cut yet: the text grows until one comes
    try:
        carry += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise CostlabError(f"not UTF-8 text (a character cut at offset {offset})", where) from None
    if carry:
        total += _text_tokens(enc, carry, allow_special, None, 0)
    return total


def _last_safe_cut(text: str) -> int:
    """The position just after the last safe cut in ``text`` (0 when there is none)."""
    end = len(text) - 1  # the letter after the newline must be in the text already
    while True:
        newline = text.rfind("\n", 0, end)
        if newline < 0:
            return 0
        following = text[newline + 1]
        if following.isascii() and following.isalpha():
            return newline + 1
        end = newline


def file_tokens(
    path: str,
    encoding: str = "o200k_base",
    *,
    allow_special: bool = False,
    read: Callable[[int], None] | None = None,
) -> int:
    """Tokens of a text file, read :data:`STREAM_BYTES` at a time (devices and FIFOs refused);
    ``read(n)`` is told the bytes read so far after each block."""
    from costlab import limits

    done = [0]

    def blocks(stream: Any) -> Iterator[bytes]:
        while block := stream.read(STREAM_BYTES):
            done[0] += len(block)
            if read is not None:
                read(done[0])
            yield block

    with limits.open_streaming(path, path) as stream:
        return stream_tokens(blocks(stream), encoding, allow_special=allow_special, where=path)


def text_tokens(
    text: str,
    encoding: str = "o200k_base",
    *,
    allow_special: bool = False,
    progress: Progress | None = None,
) -> int:
    """Tokens in ``text`` under ``encoding`` (``o200k_base``, ``cl100k_base``, ``o200k_harmony``).

    >>> text_tokens("tiktoken is great!"), text_tokens("tiktoken is great!", "cl100k_base")
    (6, 6)
    >>> text_tokens("<|endoftext|>"), text_tokens("<|endoftext|>", allow_special=True)
    (7, 1)
    """
    return _text_tokens(get_encoding(encoding), text, allow_special, progress, FAST_MIN_CHARS)


def _text_tokens(
    enc: tiktoken.Encoding,
    text: str,
    allow_special: bool,
    progress: Progress | None,
    fast_min: int,
) -> int:
    """:func:`text_tokens`; the faster tokenizer is used on texts of ``fast_min`` characters."""
    if not allow_special:
        return _count_ordinary(enc, text, progress, fast_min)
    # tiktoken splits at special tokens first and encodes the text between them on its own.
    specials = _special_regex(enc)
    segments = specials.split(text)
    return (len(segments) - 1) + sum(_count_ordinary(enc, s, None, fast_min) for s in segments if s)


def texts_tokens(
    texts: Sequence[str], encoding: str = "o200k_base", *, parallel: bool = True
) -> list[int]:
    """Tokens in each of many texts, encoded across cores unless ``parallel`` is False.

    Each distinct text is encoded once: batch files repeat their system prompts, roles and tool
    definitions in every request.
    """
    enc = get_encoding(encoding)
    unique = list(dict.fromkeys(texts))
    counted = [0] * len(unique)
    small: list[int] = []
    for i, text in enumerate(unique):
        if len(text) >= CHUNK_CHARS or (len(text) >= _RUN_STEP and _has_long_run(text)):
            counted[i] = _count_ordinary(enc, text, None)
        else:
            small.append(i)
    size = sum(len(unique[i]) for i in small)
    threads = workers() if parallel and size >= PARALLEL_CHARS else 1
    # One task per thread, each a contiguous slice: tiktoken's encode_ordinary releases the GIL,
    # so the threads encode at once; a hand-off per string would cost more than short strings.
    share = -(-len(small) // threads) if small else 1
    slices = [small[k : k + share] for k in range(0, len(small), share)]

    def run(indices: list[int]) -> list[int]:
        encode = enc.encode_ordinary
        return [len(encode(unique[i])) for i in indices]

    if len(slices) <= 1:
        results = [run(s) for s in slices]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(slices)) as pool:
            results = list(pool.map(run, slices))
    for indices, result in zip(slices, results, strict=True):
        for i, n in zip(indices, result, strict=True):
            counted[i] = n
    if len(unique) == len(texts):
        return counted
    lookup = dict(zip(unique, counted, strict=True))
    return [lookup[t] for t in texts]


def safe_cuts(text: str, every: int) -> list[int]:
    """Positions (about ``every`` characters apart) where ``text`` can be cut without changing
    its tokenization: just after a newline followed by an ASCII letter."""
    cuts: list[int] = []
    pos = every
    while pos < len(text):
        match = _SAFE_CUT.search(text, pos)
        if match is None:
            break
        cut = match.start() + 1
        cuts.append(cut)
        pos = cut + every
    return cuts


def chunks(text: str, every: int = CHUNK_CHARS) -> list[str]:
    """``text`` cut at :func:`safe_cuts`; counting each chunk and adding equals counting the text."""
    bounds = [0, *safe_cuts(text, every), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _count_ordinary(
    enc: tiktoken.Encoding, text: str, progress: Progress | None, fast_min: int = FAST_MIN_CHARS
) -> int:
    if len(text) < CHUNK_CHARS:
        return _count_chunk(enc, text)
    parts = chunks(text)
    fast = fast_encoding(enc.name) if len(text) >= fast_min else None
    if fast is not None:
        return _count_fast(enc, fast, parts, len(text), progress)
    total = 0
    done = 0
    # Groups of chunks keep every core busy and let progress be reported between groups.
    group = 4 * workers()
    for start in range(0, len(parts), group):
        batch = parts[start : start + group]
        normal = [c for c in batch if not _has_long_run(c)]
        total += sum(_count_chunk(enc, c) for c in batch if _has_long_run(c))
        if len(normal) == 1 or workers() == 1:
            total += sum(len(enc.encode_ordinary(c)) for c in normal)
        elif normal:
            total += sum(map(len, enc.encode_ordinary_batch(normal, num_threads=workers())))
        done += sum(map(len, batch))
        if progress is not None:
            progress(done, len(text))
    return total


def _count_fast(
    enc: tiktoken.Encoding, fast: Any, parts: list[str], size: int, progress: Progress | None
) -> int:
    """The chunks counted with the faster exact tokenizer (long runs included: it has no
    regex-engine limit on them), each falling back to tiktoken when it refuses one (text with a
    lone surrogate, which it cannot take as UTF-8)."""
    total = done = 0
    for part in parts:
        try:
            total += len(fast.encode_ordinary(part))
        except Exception:  # an accelerator's refusal: tiktoken counts it
            total += _count_chunk(enc, part)
        done += len(part)
        if progress is not None:
            progress(done, size)
    return total


def _count_chunk(enc: tiktoken.Encoding, text: str) -> int:
    if not _has_long_run(text):
        return len(enc.encode_ordinary(text))
    return count_by_pieces(enc, text)


def count_by_pieces(enc: tiktoken.Encoding, text: str) -> int:
    """Split ``text`` with the encoding's own pattern (``regex`` module) and byte-pair-encode each
    piece natively: tiktoken's algorithm without its regex engine's limit on long runs."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: replaced exactly as tiktoken's encode does
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    encode_piece = enc._encode_single_piece
    return sum(len(encode_piece(m.group())) for m in _piece_regex(enc).finditer(text))


def _has_long_run(text: str) -> bool:
    """Whether ``text`` may hold a whitespace run of :data:`LONG_WHITESPACE_RUN` characters.

    Looks only at every ``LONG_WHITESPACE_RUN // 2``-th character: such a run covers one of them
    and goes on for at least half its length after it. Runs of half that length may answer yes,
    which only sends the text down the exact, slower path.
    """
    step = _RUN_STEP
    for i in range(step - 1, len(text), step):
        if text[i].isspace() and _HALF_RUN.match(text, i) is not None:
            return True
    return False


# Python's \s is a superset of the \s (Unicode White_Space) of tiktoken's patterns: a false alarm
# only costs speed.
_RUN_STEP = LONG_WHITESPACE_RUN // 2
_HALF_RUN = re.compile(rf"\s{{{_RUN_STEP}}}")


@cache
def _piece_regex(enc: tiktoken.Encoding) -> Any:
    import regex

    return regex.compile(enc._pat_str)


@cache
def _special_regex(enc: tiktoken.Encoding) -> re.Pattern[str]:
    alternatives = sorted(enc.special_tokens_set, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in alternatives))
