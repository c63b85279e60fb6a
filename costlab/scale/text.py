"""Text files counted in bounded blocks, one task per file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from costlab.prices import PriceBook

from costlab.scale.chunks import (
    Chunk,
    _has_magic,
    _require,
    choose_scheduler,
    expand_inputs,
    input_size,
    is_url,
    run_chunks,
)

# --- count -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    """The encoding tokens of one text file."""

    source: str
    tokens: int
    bytes: int


def count_file_chunk(chunk: Chunk, encoding: str, allow_special: bool = False) -> TextPart:
    """Tokens of one whole text file under ``encoding``, read in bounded blocks."""
    from costlab.tokens.text import STREAM_BYTES, file_tokens, stream_tokens

    if is_url(chunk.path):
        fsspec = _require("fsspec", "reading an fsspec URL")
        with fsspec.open(chunk.path, "rb") as stream:
            size = [0]

            def blocks() -> Any:
                while block := stream.read(STREAM_BYTES):
                    size[0] += len(block)
                    yield block

            tokens = stream_tokens(
                blocks(), encoding, allow_special=allow_special, where=chunk.path
            )
            return TextPart(chunk.path, tokens, size[0])
    tokens = file_tokens(chunk.path, encoding, allow_special=allow_special)
    return TextPart(chunk.path, tokens, os.stat(chunk.path).st_size)


#: A single local text file over this many bytes is counted streaming (bounded memory) rather
#: than read whole; smaller files are read whole, which is a little faster.
STREAM_TEXT_BYTES = 32 * 2**20

#: Endings of files that are counted by :func:`costlab.tokens.count_path` (bodies, batch files,
#: images, documents), never as plain text.
_NOT_TEXT = (
    ".json",
    ".jsonl",
    ".ndjson",
    ".pdf",
    ".docx",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
)


def wants_scale(inputs: Sequence[str], scheduler: str | None) -> bool:
    """Whether ``costlab count`` should take the many-files / streaming path for ``inputs``."""
    if scheduler or len(inputs) != 1:
        return True
    path = inputs[0]
    if path == "-":
        return False
    if is_url(path) or _has_magic(path) or os.path.isdir(path):
        return True
    if path.lower().endswith(_NOT_TEXT) or input_size(path) <= STREAM_TEXT_BYTES:
        return False
    try:
        with open(path, "rb") as stream:
            head = stream.read(8192)
    except OSError:
        return False
    return b"\x00" not in head and head.lstrip()[:1] not in (b"{", b"[")


def count_texts(
    inputs: Sequence[str],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    scheduler: str | None = None,
    allow_special: bool = False,
) -> Any:
    """The input tokens of text files (paths, folders, globs, URLs), each read in bounded
    blocks, in this process or on Dask: a :class:`~costlab.tokens.TokenCount` of kind text,
    with one part per file when there are several."""
    from costlab.tokens.result import PartCount, TokenCount
    from costlab.tokens.tokenizer import resolve_model, tokenizer_for

    tokenizer = tokenizer_for(resolve_model(model, book))
    files = expand_inputs(inputs, suffixes=(".txt", ".md", ".csv", ".tsv", ".py", ".rst", ".html"))
    chunks = [Chunk(f) for f in files]
    parts = run_chunks(
        count_file_chunk,
        chunks,
        tokenizer.encoding,
        allow_special,
        scheduler=choose_scheduler(scheduler, files),
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
