"""Inputs (files, folders, globs, URLs) cut into chunks, and chunks run here or on Dask."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from costlab.errors import CostlabError
from costlab.records import frozen
from costlab.urls import is_url, local_path

if TYPE_CHECKING:
    from costlab.prices import PriceBook

T = TypeVar("T")
R = TypeVar("R")

#: Bytes of one chunk of a big local CSV or JSONL file (cut at the next line end).
CHUNK_BYTES = 16 * 2**20
#: Inputs larger than this in all run on a local Dask process pool when Dask is installed and
#: no ``--scheduler`` is given (smaller ones are faster in this process: no pool to start).
LARGE_BYTES = 2 * 2**30
#: What a folder is read for: files with these endings (any other file in it is skipped).
DATA_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".txt", ".md")


@frozen
class Chunk:
    """A piece of one input: a whole file, or bytes ``start``..``end`` of a local file."""

    path: str
    """a local path or an fsspec URL"""
    start: int = 0
    end: int | None = None
    """byte offset after the chunk; None: to the end of the file"""
    first_line: int = 1
    """the line number, in the file, of the chunk's first line"""
    header: bytes = b""
    """a CSV header line, put before a chunk that starts after it"""

    @property
    def name(self) -> str:
        """The file, for messages."""
        return self.path


def _has_magic(path: str) -> bool:
    return any(c in path for c in "*?[")


def expand_inputs(inputs: Sequence[str], *, suffixes: Sequence[str] = DATA_SUFFIXES) -> list[str]:
    """The files that paths, folders, globs and URLs name, sorted within each input.

    >>> expand_inputs(["examples/usage.csv"])
    ['examples/usage.csv']
    """
    files: list[str] = []
    for given in inputs:
        if is_url(given):
            files.extend(_expand_url(given, suffixes))
            continue
        local = local_path(given)
        if _has_magic(local) and not os.path.exists(local):  # "[1].txt" may be a real name
            found = sorted(p for p in glob.glob(local, recursive=True) if os.path.isfile(p))
            if not found:
                raise CostlabError("no file matches this pattern", given)
            files.extend(found)
        elif os.path.isdir(local):
            found = sorted(
                str(p)
                for p in Path(local).rglob("*")
                if p.is_file() and p.name.lower().endswith(tuple(suffixes))
            )
            if not found:
                raise CostlabError(f"no {', '.join(suffixes)} file in this folder", given)
            files.extend(found)
        else:
            files.append(local)
    return files


def _expand_url(url: str, suffixes: Sequence[str]) -> list[str]:
    fsspec = _require("fsspec", "reading an fsspec URL")
    found: list[str] = []
    try:
        fs, _, paths = fsspec.core.get_fs_token_paths(url)
        for path in paths:
            if fs.isdir(path):
                found.extend(
                    p for p in sorted(fs.find(path)) if p.lower().endswith(tuple(suffixes))
                )
            else:
                found.append(path)
    except Exception as exc:  # the remote store's failure (or a URL fsspec cannot parse)
        raise url_failure(exc, url) from None
    if not found:
        raise CostlabError("no file at this URL", url)
    return [fs.unstrip_protocol(p) for p in found]


def _require(module: str, purpose: str) -> Any:
    from costlab.extras import require

    return require(module, purpose)


def url_failure(exc: BaseException, url: str) -> CostlabError:
    """One error naming ``url`` for a remote store's failure to list, open or read it (missing,
    refused, a broken connection), whichever library raised it: fsspec, aiohttp, botocore..."""
    if isinstance(exc, CostlabError):
        return exc
    if isinstance(exc, FileNotFoundError):
        reason = "no such file"
    elif isinstance(exc, TimeoutError):  # fsspec's FSTimeoutError: the store stopped answering
        reason = "timed out: the store stopped answering"
    else:
        reason = type(exc).__name__
    detail = " ".join(str(exc).split())[:200]
    if detail and not isinstance(exc, FileNotFoundError | TimeoutError):
        reason += f": {detail}"
    return CostlabError(f"cannot read this URL ({reason})", url)


def _read_url(path: str, start: int, end: int | None) -> bytes:
    """Bytes ``start:end`` of a URL (``end`` None: to the end, at most the input-size limit)."""
    from costlab import limits

    fsspec = _require("fsspec", "reading an fsspec URL")
    most = limits.current("MAX_INPUT_BYTES")
    try:
        with fsspec.open(path, "rb") as stream:
            stream.seek(start)
            data = stream.read(most + 1 if end is None else end - start)
    except Exception as exc:  # the remote store's failure, not costlab's
        raise url_failure(exc, path) from None
    if end is None and len(data) > most:
        raise CostlabError(limits.over("MAX_INPUT_BYTES", "the file's size"), path)
    return data


def input_size(path: str) -> int:
    """Bytes of one input (0 when a URL's size is not known)."""
    if is_url(path):
        fsspec = _require("fsspec", "reading an fsspec URL")
        try:
            with fsspec.open(path, "rb") as stream:
                return int(getattr(stream, "size", 0) or 0)
        except Exception:  # unknown here; reading it names the failure
            return 0
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def plan_chunks(
    files: Sequence[str], *, csv_header: bool, chunk_bytes: int | None = None
) -> list[Chunk]:
    """Chunks of ``files``: a big local CSV (``csv_header``) or JSONL file is cut at line ends
    about ``chunk_bytes`` apart; JSON documents, Parquet files and URLs stay whole."""
    size = chunk_bytes or CHUNK_BYTES
    chunks: list[Chunk] = []
    for path in files:
        lower = path.lower()
        splittable = lower.endswith((".csv", ".tsv", ".jsonl", ".ndjson"))
        if is_url(path) or not splittable or input_size(path) <= size:
            chunks.append(Chunk(path))
            continue
        chunks.extend(_split_lines(path, size, csv_header and lower.endswith((".csv", ".tsv"))))
    return chunks


def _split_lines(path: str, size: int, has_header: bool) -> list[Chunk]:
    """Byte ranges of a local file ending at line ends, each with its first line number.

    One pass over the file, a block at a time, counting line ends (a C-speed ``bytes.count``).
    """
    from costlab import limits

    chunks: list[Chunk] = []
    with limits.open_streaming(path, path) as stream:
        header = b""
        start = 0
        line = 1
        if has_header:
            header = stream.readline()
            start = len(header)
            line = 2
            if header.lstrip()[:1] in (b"[", b"{"):  # a JSON document: one chunk
                return [Chunk(path)]
        position = start
        chunk_start, chunk_line = start, line
        while True:
            block = stream.read(size)
            if not block:
                break
            rest = stream.readline()  # finish the last line of the block
            block += rest
            line += block.count(b"\n")
            position += len(block)
            chunks.append(Chunk(path, chunk_start, position, chunk_line, header))
            chunk_start, chunk_line = position, line
    return chunks or [Chunk(path)]


def read_chunk(chunk: Chunk) -> bytes:
    """The bytes of a chunk (its CSV header first when it starts after the header)."""
    if is_url(chunk.path):
        data = _read_url(chunk.path, chunk.start, chunk.end)
    else:
        from costlab import limits

        with limits.open_streaming(chunk.path, chunk.path) as stream:
            stream.seek(chunk.start)
            if chunk.end is None:
                data = stream.read(limits.current("MAX_INPUT_BYTES") + 1)
                if len(data) > limits.current("MAX_INPUT_BYTES"):
                    raise CostlabError(
                        limits.over("MAX_INPUT_BYTES", "the file's size")
                        + "; a .csv or .jsonl file this big is read in chunks",
                        chunk.path,
                    )
            else:
                data = stream.read(chunk.end - chunk.start)
    return chunk.header + data if chunk.start else data


def _as_text(chunk: Chunk) -> str:
    """A chunk as usage-file text: Parquet and JSON lines become CSV, text is decoded."""
    import io

    lower = chunk.path.lower()
    if lower.endswith(".parquet"):
        import pandas as pd

        _require("pyarrow", "reading Parquet")
        frame = pd.read_parquet(io.BytesIO(read_chunk(chunk)))
        return str(frame.to_csv(index=False))
    data = read_chunk(chunk)
    from costlab.yaml_reader import decode_text

    text = decode_text(data, chunk.path)
    if lower.endswith((".jsonl", ".ndjson")):
        import pandas as pd

        lines = [line for line in text.split("\n") if line.strip()]
        frame = pd.DataFrame.from_records(
            [_json_line(line, chunk, i) for i, line in enumerate(lines)]
        )
        return str(frame.to_csv(index=False))
    return text


def _json_line(line: str, chunk: Chunk, index: int) -> dict[str, Any]:
    import json

    from costlab import limits

    where = (chunk.path, f"line {chunk.first_line + index}")
    try:
        value = limits.loads_json(line, *where)
    except json.JSONDecodeError as exc:
        raise CostlabError(f"malformed JSON: {exc.msg} (column {exc.colno})", *where) from None
    if not isinstance(value, dict):
        raise CostlabError("each line must be a JSON object", *where)
    return value


@cache
def _book(prices: tuple[str, ...]) -> PriceBook:
    """The price book a worker prices with, built once per process."""
    from costlab.prices import load_pricebook

    return load_pricebook(list(prices) or None)


# --- running -------------------------------------------------------------------------------


def choose_scheduler(scheduler: str | None, files: Sequence[str]) -> str | None:
    """``scheduler`` as given; else ``"processes"`` (a local Dask pool) when the inputs are over
    :data:`LARGE_BYTES` and Dask is installed; else None (this process)."""
    if scheduler:
        return scheduler
    if sum(input_size(f) for f in files) <= LARGE_BYTES:
        return None
    try:
        import dask  # noqa: F401
    except ImportError:
        return None  # streaming in this process is still bounded, only slower
    return "processes"


def run_chunks(
    function: Callable[..., R],
    chunks: Sequence[Chunk],
    *args: Any,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``function(chunk, *args)`` for every chunk, in order: in this process when
    ``scheduler`` is None, on a local Dask scheduler (``"threads"``, ``"processes"``,
    ``"sync"``), or on the cluster at an address (``tcp://host:8786``). In this process,
    ``progress(done, total)`` is told the chunks done after each one."""
    if scheduler is None:
        out = []
        for done, chunk in enumerate(chunks, start=1):
            out.append(function(chunk, *args))
            if progress is not None:
                progress(done, len(chunks))
        return out
    dask = _require("dask", "running on Dask")
    if scheduler in ("threads", "processes", "sync", "synchronous"):
        tasks = [dask.delayed(function, pure=True)(chunk, *args) for chunk in chunks]
        return list(dask.compute(*tasks, scheduler=scheduler))
    distributed = _require("distributed", "running on a Dask cluster")
    try:
        client = distributed.Client(scheduler, set_as_default=False, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise CostlabError(f"cannot reach the Dask scheduler: {exc}", scheduler) from None
    try:
        futures = client.map(function, chunks, *[[a] * len(chunks) for a in args], pure=False)
        return list(client.gather(futures))
    finally:
        client.close()
