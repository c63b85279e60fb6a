"""Text files counted in bounded blocks, one task per file; Batch API files in chunks of lines."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from costlab.errors import CostlabError
from costlab.records import frozen
from costlab.scale.chunks import (
    Chunk,
    _book,
    _has_magic,
    _require,
    choose_scheduler,
    expand_inputs,
    input_size,
    is_url,
    plan_chunks,
    read_chunk,
    run_chunks,
    url_failure,
)
from costlab.tokens.api import IMAGE_SUFFIXES
from costlab.tokens.media import MEDIA_SUFFIXES

if TYPE_CHECKING:
    from costlab.prices import PriceBook

# --- count -----------------------------------------------------------------------------------


@frozen
class TextPart:
    """The encoding tokens of one text file."""

    source: str
    tokens: int
    bytes: int


def count_file_chunk(
    chunk: Chunk,
    encoding: str,
    allow_special: bool = False,
    read: Callable[[int], None] | None = None,
) -> TextPart:
    """Tokens of one whole text file under ``encoding``, read in bounded blocks (``read(n)``:
    the bytes read so far, for a progress bar in this process)."""
    from costlab.tokens.text import STREAM_BYTES, file_tokens, stream_tokens

    if is_url(chunk.path):
        from costlab import limits

        fsspec = _require("fsspec", "reading an fsspec URL")
        size = [0]

        def blocks() -> Any:
            try:
                with fsspec.open(chunk.path, "rb") as stream:
                    # a store that gives no size may stream forever (the remote /dev/zero):
                    # bounded as standard input is; a stated size bounds the read itself
                    most = (
                        None if getattr(stream, "size", None) else limits.current("MAX_INPUT_BYTES")
                    )
                    while block := stream.read(STREAM_BYTES):
                        size[0] += len(block)
                        if most is not None and size[0] > most:
                            raise CostlabError(
                                limits.over(
                                    "MAX_INPUT_BYTES", "the stream (the store gives no size)"
                                ),
                                chunk.path,
                            )
                        if read is not None:
                            read(size[0])
                        yield block
            except GeneratorExit:
                raise
            except Exception as exc:  # the remote store's failure, not costlab's
                raise url_failure(exc, chunk.path) from None

        tokens = stream_tokens(blocks(), encoding, allow_special=allow_special, where=chunk.path)
        return TextPart(chunk.path, tokens, size[0])
    tokens = file_tokens(chunk.path, encoding, allow_special=allow_special, read=read)
    return TextPart(chunk.path, tokens, os.stat(chunk.path).st_size)


#: A single local text file over this many bytes is counted streaming (bounded memory) rather
#: than read whole; smaller files are read whole, which is a little faster.
STREAM_TEXT_BYTES = 32 * 2**20

#: Endings of files that are counted by :func:`costlab.tokens.count_path` (bodies, batch files,
#: images, documents, audio and video), never as plain text.
_NOT_TEXT = (".json", ".jsonl", ".ndjson", ".pdf", ".docx", *IMAGE_SUFFIXES, *MEDIA_SUFFIXES)


def wants_scale(inputs: Sequence[str], scheduler: str | None) -> bool:
    """Whether ``costlab count`` should take the many-files / streaming path for ``inputs``."""
    if scheduler or len(inputs) != 1:
        return True
    path = inputs[0]
    if path == "-":
        return False
    if is_url(path) or os.path.isdir(path) or (_has_magic(path) and not os.path.exists(path)):
        return True
    if path.lower().endswith(_NOT_TEXT) or input_size(path) <= STREAM_TEXT_BYTES:
        return False
    try:
        with open(path, "rb") as stream:
            head = stream.read(8192)
    except OSError:
        return False
    return b"\x00" not in head and head.lstrip()[:1] not in (b"{", b"[")


def wants_batch_chunks(inputs: Sequence[str], scheduler: str | None) -> bool:
    """Whether ``costlab count`` / ``estimate`` should count one local ``.jsonl`` batch file in
    chunks of lines: over :data:`STREAM_TEXT_BYTES`, or when a scheduler is asked for."""
    if len(inputs) != 1 or inputs[0] == "-" or not inputs[0].lower().endswith(".jsonl"):
        return False
    path = inputs[0]
    if is_url(path) or _has_magic(path) or os.path.isdir(path):
        return False
    return bool(scheduler) or input_size(path) > STREAM_TEXT_BYTES


def count_texts(
    inputs: Sequence[str],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    scheduler: str | None = None,
    allow_special: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """The input tokens of text files (paths, folders, globs, URLs), each read in bounded
    blocks, in this process or on Dask: a :class:`~costlab.tokens.TokenCount` of kind text,
    with one part per file when there are several."""
    from costlab.tokens.result import PartCount, TokenCount
    from costlab.tokens.tokenizer import resolve_model, tokenizer_for

    # the inputs first: a missing file or an empty folder is what the user must fix first
    files = expand_inputs(inputs, suffixes=(".txt", ".md", ".csv", ".tsv", ".py", ".rst", ".html"))
    tokenizer = tokenizer_for(resolve_model(model, book))
    bodies = [f for f in files if f.lower().endswith(_NOT_TEXT)]
    if bodies and len(files) > 1:  # counted as text they would be wrong, not merely slow
        raise CostlabError(
            "request bodies, batch files, images, documents, audio and video are counted one "
            "at a time; "
            "several inputs are added up as plain text",
            bodies[0],
        )
    chunks = [Chunk(f) for f in files]
    chosen_scheduler = choose_scheduler(scheduler, files)
    if chosen_scheduler is None and progress is not None:
        # in this process: bytes read over all files, block by block
        total, before = sum(input_size(f) for f in files), [0]

        def one(chunk: Chunk, encoding: str, special: bool) -> TextPart:
            part = count_file_chunk(
                chunk, encoding, special, read=lambda n: progress(before[0] + n, total)
            )
            before[0] += part.bytes
            return part

        parts = [one(chunk, tokenizer.encoding, allow_special) for chunk in chunks]
    else:
        parts = run_chunks(
            count_file_chunk,
            chunks,
            tokenizer.encoding,
            allow_special,
            scheduler=chosen_scheduler,
        )
    counted = [PartCount(p.source, tokenizer.scale(p.tokens)) for p in parts]
    return TokenCount(
        model=tokenizer.model.id,
        encoding=tokenizer.encoding,
        input_tokens=sum(p.input_tokens for p in counted),
        exact=tokenizer.exact,
        kind="text",
        estimate_source=tokenizer.estimate_note(),
        parts=tuple(counted) if len(counted) > 1 else (),
        source=files[0] if len(files) == 1 else f"{len(files):,} files",
    )


def batch_chunk(chunk: Chunk, model: str, prices: tuple[str, ...] = ()) -> Any:
    """One chunk of a Batch API file counted on ``model``, its line numbers the file's."""
    from costlab.tokens.batch import count_batch
    from costlab.yaml_reader import decode_text

    count = count_batch(
        decode_text(read_chunk(chunk), chunk.path),
        model=model,
        book=_book(prices),
        source=chunk.path,
    )
    shift = chunk.first_line - 1
    if not shift:
        return count
    parts = tuple(
        replace(p, line=p.line + shift if p.line is not None else None) for p in count.parts
    )
    errors = tuple(_shifted(e, shift) for e in count.errors)
    return replace(count, parts=parts, errors=errors)


def _shifted(error: CostlabError, shift: int) -> CostlabError:
    where = [
        f"line {int(w[5:]) + shift}" if w.startswith("line ") and w[5:].isdigit() else w
        for w in error.where
    ]
    return CostlabError(error.what, *where)


def count_batch_file(
    path: str,
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    prices: tuple[str, ...] = (),
    scheduler: str | None = None,
    chunk_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """A Batch API file counted in chunks of lines (bounded memory, here or on Dask): the same
    input tokens, requests, parts and bad lines as :func:`costlab.tokens.batch.count_batch` of
    the whole file. ``custom_id`` s are checked for repeats within a chunk only."""
    from costlab.tokens.batch import MAX_BYTES, MAX_REQUESTS, _first_model
    from costlab.tokens.tokenizer import resolve_model
    from costlab.yaml_reader import decode_text

    chunks = plan_chunks([path], csv_header=False, chunk_bytes=chunk_bytes)
    if model is None:
        head = decode_text(read_chunk(chunks[0]), path).split("\n")
        model = _first_model(head)
    chosen = resolve_model(model, book).id
    counts = run_chunks(
        batch_chunk,
        chunks,
        chosen,
        prices,
        scheduler=choose_scheduler(scheduler, [path]),
        progress=progress,
    )
    size = input_size(path)
    limits_set = [c.max_output_tokens for c in counts if c.max_output_tokens is not None]
    requests = sum(c.requests for c in counts)
    per_file = ("requests: the Batch API takes at most", "MB: the Batch API takes files up to")
    warnings = [w for c in counts for w in c.warnings if not any(p in w for p in per_file)]
    if requests > MAX_REQUESTS:
        warnings.append(
            f"{requests:,} requests: the Batch API takes at most {MAX_REQUESTS:,} per file"
        )
    if size > MAX_BYTES:
        warnings.append(f"{size / 2**20:,.0f} MB: the Batch API takes files up to 200 MB")
    first = counts[0]
    return replace(
        first,
        input_tokens=sum(c.input_tokens for c in counts),
        input_audio_tokens=sum(c.input_audio_tokens for c in counts),
        exact=all(c.exact for c in counts),
        requests=requests,
        max_output_tokens=sum(limits_set) if limits_set else None,
        requests_without_max_output=sum(c.requests_without_max_output for c in counts),
        estimate_source=next((c.estimate_source for c in counts if c.estimate_source), None),
        parts=tuple(p for c in counts for p in c.parts),
        warnings=tuple(dict.fromkeys(warnings)),
        errors=tuple(e for c in counts for e in c.errors),
        source=path,
    )
