"""Logs past one machine: many files, globs and datasets, in bounded chunks, on Dask or not.

``costlab actuals``, ``costlab count`` and ``costlab replay`` take folders, globs
(``logs/2026-*/*.csv``), Parquet / CSV / JSONL files and fsspec URLs (``s3://bucket/usage/``,
with the matching fsspec package installed). The inputs are cut into :class:`Chunk` s (a file,
or a byte range of a big local CSV or JSONL file that ends at a line end), and one pure function
per command turns a chunk into a small part: a usage chunk into its exact priced groups
(:func:`price_usage_chunk`), a log chunk into its re-priced groups (:func:`replay_chunk`), a text
file into its token count (:func:`count_file_chunk`). The same functions run

* **in this process**, one chunk after another (the default for inputs under
  :data:`LARGE_BYTES`; memory is one chunk plus the parts), or
* **on Dask**: a local process pool by default when the input is large, or an existing cluster
  with ``--scheduler ADDRESS`` (``tcp://10.0.0.5:8786``); each worker reads its own chunks.

Parts are combined with integer and ``Decimal`` sums (:func:`costlab.cost_frame.sum_groups`), so
both modes give the same totals to the last digit (tests/test_scale.py checks it on a
``LocalCluster``). Dask and fsspec are the ``costlab[scale]`` extra, imported only here.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from costlab.errors import CostlabError

if TYPE_CHECKING:
    import pandas as pd

    from costlab.actuals.checks import Problem
    from costlab.actuals.priced import Actuals
    from costlab.prices import PriceBook

T = TypeVar("T")
R = TypeVar("R")

#: Bytes of one chunk of a big local CSV or JSONL file (cut at the next line end).
CHUNK_BYTES = 64 * 2**20
#: Inputs larger than this in all run on a local Dask process pool when Dask is installed and
#: no ``--scheduler`` is given (smaller ones are faster in this process: no pool to start).
LARGE_BYTES = 2 * 2**30
#: What a folder is read for: files with these endings (any other file in it is skipped).
DATA_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".txt", ".md")


@dataclass(frozen=True)
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


def is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


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
        local = given.removeprefix("file://")
        if _has_magic(local):
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
    fs, _, paths = fsspec.core.get_fs_token_paths(url)
    found: list[str] = []
    for path in paths:
        if fs.isdir(path):
            found.extend(p for p in sorted(fs.find(path)) if p.lower().endswith(tuple(suffixes)))
        else:
            found.append(path)
    if not found:
        raise CostlabError("no file at this URL", url)
    return [fs.unstrip_protocol(p) for p in found]


def _require(module: str, purpose: str) -> Any:
    from costlab.extras import require

    return require(module, purpose)


def input_size(path: str) -> int:
    """Bytes of one input (0 when a URL's size is not known)."""
    if is_url(path):
        fsspec = _require("fsspec", "reading an fsspec URL")
        try:
            with fsspec.open(path, "rb") as stream:
                return int(getattr(stream, "size", 0) or 0)
        except OSError:
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
        fsspec = _require("fsspec", "reading an fsspec URL")
        with fsspec.open(chunk.path, "rb") as stream:
            stream.seek(chunk.start)
            data = stream.read() if chunk.end is None else stream.read(chunk.end - chunk.start)
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
    from costlab.yamlio import decode_text

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


# --- actuals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsagePart:
    """One chunk of a usage export, priced: exact groups, and what could not be used."""

    source: str
    format: str
    groups: pd.DataFrame
    """price_frame groups (by month, model, price date, batch, tier): integers and Decimals"""
    billed: pd.DataFrame
    """month, model, actual_cost for cost exports (Decimal USD as billed)"""
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    rows_used: int = 0
    days: pd.DataFrame | None = None
    """the first and last day of each month and model (``date``, ``month``, ``model_id``): what
    the run rate and FOCUS charge periods need of the rows"""


def _day_span(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Two rows per key: its first and its last ``date``."""
    import pandas as pd

    if rows.empty or "date" not in rows:
        return pd.DataFrame(columns=["date", *keys])
    grouped = rows[["date", *keys]].groupby(keys, sort=False, observed=True)["date"]
    first, last = grouped.min().reset_index(), grouped.max().reset_index()
    return pd.concat([first, last], ignore_index=True)


_LINE = re.compile(r"^line (\d+)$")


def _shift(problems: Sequence[Problem], lines: int) -> tuple[Problem, ...]:
    """Problems of a chunk with their line numbers made the file's."""
    if not lines:
        return tuple(problems)

    def moved(location: str) -> str:
        match = _LINE.match(location)
        return f"line {int(match.group(1)) + lines}" if match else location

    return tuple(replace(p, locations=tuple(moved(loc) for loc in p.locations)) for p in problems)


def price_usage_chunk(chunk: Chunk, prices: tuple[str, ...] = ()) -> UsagePart:
    """Price one chunk of a usage or cost export (pure: the same in this process or on Dask)."""
    import pandas as pd

    from costlab.actuals.priced import price_usage_file
    from costlab.actuals.readers import parse_usage

    usage = parse_usage(_as_text(chunk), chunk.name)
    actuals = price_usage_file(usage, book=_book(prices))
    # A chunk after the header was read as header + rows: its row k is line k + 1 there.
    offset = chunk.first_line - 2 if chunk.header and chunk.start else 0
    if chunk.path.lower().endswith((".jsonl", ".ndjson")):
        offset = chunk.first_line - 2  # rows became CSV lines 2, 3, ...
    empty = pd.DataFrame(columns=["month", "model", "actual_cost"])
    if actuals.priced is None:
        billed = (
            actuals.by_model[["month", "model", "actual_cost"]] if len(actuals.by_model) else empty
        )
        groups = pd.DataFrame()
        days = _day_span(usage.billed.assign(all=0), ["all"])[["date"]]
    else:
        billed, groups = empty, actuals.priced.groups
        days = _day_span(actuals.priced.rows, ["month", "model_id"])
    return UsagePart(
        chunk.name,
        usage.format,
        groups,
        billed,
        _shift(actuals.problems, offset),
        usage.notes,
        actuals.flags,
        actuals.rows_used,
        days,
    )


def combine_usage(parts: Sequence[UsagePart], source: str) -> Actuals:
    """The :class:`~costlab.actuals.Actuals` of all parts: exact sums of their groups."""
    import pandas as pd

    from costlab.actuals.priced import actuals_from_billed, actuals_from_groups
    from costlab.actuals.readers import UsageFile

    formats = sorted({p.format for p in parts})
    if len(formats) > 1 and any(f.startswith("openai-costs") for f in formats):
        raise CostlabError(
            f"mixes usage and cost exports ({', '.join(formats)}); price them separately", source
        )
    problems: list[Problem] = []
    for part in parts:
        problems.extend(_named(part.problems, part.source, source))
    notes = tuple(dict.fromkeys(n for p in parts for n in p.notes))
    flags = _merged_flags(parts)
    problems = _merged_problems(problems)
    fmt = formats[0] if len(formats) == 1 else "mixed"
    spans = [p.days for p in parts if p.days is not None and len(p.days)]
    days = pd.concat(spans, ignore_index=True) if spans else pd.DataFrame(columns=["date"])
    rows = sum(p.rows_used for p in parts)
    if fmt.startswith("openai-costs"):
        # The billed days stand for the billed rows: the run rate needs only the last one.
        file = UsageFile(source, fmt, pd.DataFrame(), days, tuple(problems), notes)  # type: ignore[arg-type]
        return actuals_from_billed(
            file, pd.concat([p.billed for p in parts], ignore_index=True), rows
        )
    file = UsageFile(source, fmt, pd.DataFrame(), pd.DataFrame(), tuple(problems), notes)  # type: ignore[arg-type]
    groups = [p.groups for p in parts if len(p.groups)]
    table = pd.concat(groups, ignore_index=True) if groups else pd.DataFrame()
    return actuals_from_groups(file, table, flags, rows, days=days)


def _merged_problems(problems: Sequence[Problem]) -> list[Problem]:
    """One problem per (what, field), as one file gives: the first locations, the whole count."""
    from costlab.actuals.checks import _MORE_LINES
    from costlab.actuals.readers import _first_location

    merged: dict[tuple[str, str | None], Problem] = {}
    for problem in problems:
        key = (problem.what, problem.field)
        if key in merged:
            old = merged[key]
            locations = (*old.locations, *problem.locations)[:_MORE_LINES]
            merged[key] = replace(old, locations=locations, count=old.count + problem.count)
        else:
            merged[key] = problem
    return sorted(merged.values(), key=_first_location)


_FLAG = re.compile(
    r"^(?P<head>.*?): (?P<count>[\d,]+) row\(s\) (?P<what>.*) \(first: row (?P<first>\d+)\)$"
)


def _merged_flags(parts: Sequence[UsagePart]) -> tuple[str, ...]:
    """Row flags of the parts as the whole file gives them: counts added, the first row
    numbered among all priced rows."""
    merged: dict[tuple[str, str], list[int]] = {}
    others: list[str] = []
    before = 0
    for part in parts:
        for flag in part.flags:
            match = _FLAG.match(flag)
            if match is None:
                others.append(flag)
                continue
            key = (match["head"], match["what"])
            count, first = int(match["count"].replace(",", "")), int(match["first"]) + before
            if key in merged:
                merged[key][0] += count
            else:
                merged[key] = [count, first]
        before += part.rows_used
    rows = [f"{h}: {c:,} row(s) {w} (first: row {f})" for (h, w), (c, f) in merged.items()]
    return tuple(dict.fromkeys([*rows, *others]))


def _named(problems: Sequence[Problem], part_source: str, source: str) -> list[Problem]:
    """Problems of one file among several name the file in their first location."""
    if part_source == source:
        return list(problems)
    return [
        replace(
            p, locations=tuple(f"{part_source}: {loc}" for loc in p.locations) or (part_source,)
        )
        for p in problems
    ]


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


# --- replay ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayPart:
    """One chunk of a request log re-priced on another model."""

    source: str
    groups: pd.DataFrame
    requests: int
    logged_input_tokens: int
    """input tokens the log says were billed (on the model that served them), where given"""
    errors: tuple[str, ...] = ()
    approximations: tuple[str, ...] = field(default=())


#: Where a log line keeps the request body, the usage and the time, in the order tried.
_BODY_KEYS = ("body", "request", "request_body")
_USAGE_KEYS = ("usage",)
_DATE_KEYS = ("date", "timestamp", "created_at", "time", "start_time")


def replay_chunk(
    chunk: Chunk,
    model: str,
    prices: tuple[str, ...] = (),
    output_tokens: int | None = None,
    batch: bool = False,
    on: str | None = None,
) -> ReplayPart:
    """Count every logged request of a chunk with ``model``'s tokenizer and price it there.

    A log line is a request body, a Batch API line (``body``) or a gateway record with the
    body under ``request`` and the response's ``usage``; the output tokens are the logged ones
    (``completion_tokens`` / ``output_tokens``) unless ``output_tokens`` is given, and the
    date is the line's ``date`` / ``timestamp`` (ISO or Unix seconds), else ``on``.
    """
    import numpy as np
    import pandas as pd

    from costlab.cost_frame import price_frame
    from costlab.tokens.batch import ENDPOINTS
    from costlab.tokens.tally import ImageOptions
    from costlab.tokens.tokenizer import tokenizer_for
    from costlab.tokens.totals import finish

    book = _book(prices)
    target = book.resolve(model)
    tokenizer = tokenizer_for(target)
    lines = _log_lines(chunk)
    tallies = []
    outputs: list[int] = []
    dates: list[str] = []
    logged = 0
    errors: list[str] = []
    for number, record in lines:
        where = (chunk.path, f"line {number}")
        try:
            body, usage, day = _log_record(record, where, on)
            url = "/v1/chat/completions" if "messages" in body else "/v1/responses"
            tally = ENDPOINTS[url](body, target, tokenizer, images=ImageOptions(), where=where)
        except CostlabError as exc:
            errors.append(str(exc))
            continue
        tallies.append(tally)
        out = output_tokens if output_tokens is not None else _usage_int(usage, "output")
        outputs.append(out)
        logged += _usage_int(usage, "input")
        dates.append(day)
    totals = finish(tallies, tokenizer)
    approximations = tuple(dict.fromkeys(a for t in tallies for a in t.approximations))
    if not tallies:
        return ReplayPart(chunk.path, pd.DataFrame(), 0, 0, tuple(errors), approximations)
    days = np.array(dates, dtype="datetime64[D]")
    months = np.datetime_as_string(days.astype("datetime64[M]"), unit="M").astype(object)
    frame = pd.DataFrame(
        {
            "date": days,
            "month": months,
            "model": target.id,
            "input_tokens": np.array([t.input_tokens for t in totals], dtype=np.int64),
            "output_tokens": np.array(outputs, dtype=np.int64),
            "requests": np.ones(len(totals), dtype=np.int64),
            "batch": batch,
        }
    )
    priced = price_frame(frame, book=book, by=["month"])
    return ReplayPart(chunk.path, priced.groups, len(totals), logged, tuple(errors), approximations)


def _log_lines(chunk: Chunk) -> list[tuple[int, dict[str, Any]]]:
    """The JSON objects of a log chunk with their line numbers (Parquet rows: their index)."""
    import json

    from costlab import limits

    if chunk.path.lower().endswith(".parquet"):
        import io

        import pandas as pd

        _require("pyarrow", "reading Parquet")
        frame = pd.read_parquet(io.BytesIO(read_chunk(chunk)))
        return [
            (i + 1, {str(k): v for k, v in row.items()})
            for i, row in enumerate(frame.to_dict(orient="records"))
        ]
    from costlab.yamlio import decode_text

    text = decode_text(read_chunk(chunk), chunk.path)
    out: list[tuple[int, dict[str, Any]]] = []
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        number = chunk.first_line + i
        try:
            value = limits.loads_json(line, chunk.path, f"line {number}")
        except json.JSONDecodeError as exc:
            value = CostlabError(f"malformed JSON: {exc.msg} (column {exc.colno})")
        except CostlabError as exc:
            value = exc
        out.append((number, value))
    return out


def _log_record(
    record: Any, where: tuple[str, str], on: str | None
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The body, the usage and the day of one log record."""
    import json
    from datetime import UTC, datetime

    if isinstance(record, CostlabError):
        raise CostlabError(record.what, *where)
    if not isinstance(record, dict):
        raise CostlabError("each line must be a JSON object", *where)
    body: Any = record
    for key in _BODY_KEYS:
        if key in record:
            body = record[key]
            break
    if isinstance(body, str):  # a body stored as JSON text (a Parquet column)
        try:
            body = json.loads(body)
        except json.JSONDecodeError:
            raise CostlabError("the request body is not JSON", *where) from None
    if not isinstance(body, dict) or not ("messages" in body or "input" in body):
        raise CostlabError("no request body (`messages` or `input`)", *where)
    response = record.get("response")
    usage = record.get("usage")
    if usage is None and isinstance(response, dict):
        usage = response.get("usage")
    if isinstance(usage, str):
        usage = json.loads(usage)
    day = on
    for key in _DATE_KEYS:
        value = record.get(key)
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            day = datetime.fromtimestamp(value, UTC).date().isoformat()
        else:
            day = str(value)[:10]
        break
    if day is None:
        day = datetime.now(UTC).date().isoformat()
    return body, usage if isinstance(usage, dict) else {}, day


def _usage_int(usage: dict[str, Any], side: str) -> int:
    keys = (
        ("prompt_tokens", "input_tokens")
        if side == "input"
        else ("completion_tokens", "output_tokens")
    )
    for key in keys:
        value = usage.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return 0


@dataclass(frozen=True)
class Replay:
    """A request log re-priced on one model: exact sums of every chunk."""

    model: str
    months: pd.DataFrame
    """month, requests, token totals and exact cost columns"""
    requests: int
    logged_input_tokens: int
    errors: tuple[str, ...]
    approximations: tuple[str, ...]

    @property
    def total_cost(self) -> Decimal:
        from costlab.tables import exact_sum

        return exact_sum(self.months["total_cost"]) if len(self.months) else Decimal(0)

    @property
    def input_tokens(self) -> int:
        return int(self.months["input_tokens"].sum()) if len(self.months) else 0

    @property
    def output_tokens(self) -> int:
        return int(self.months["output_tokens"].sum()) if len(self.months) else 0


def combine_replay(parts: Sequence[ReplayPart], model: str = "") -> Replay:
    """Add the parts of a replay: integer and Decimal sums, so any chunking gives the same."""
    import pandas as pd

    from costlab.cost_frame import sum_groups

    groups = [p.groups for p in parts if len(p.groups)]
    months = (
        sum_groups(pd.concat(groups, ignore_index=True), ["month"]) if groups else pd.DataFrame()
    )
    if groups and not model:
        model = str(groups[0]["model"].iloc[0])
    return Replay(
        model,
        months,
        sum(p.requests for p in parts),
        sum(p.logged_input_tokens for p in parts),
        tuple(e for p in parts for e in p.errors),
        tuple(dict.fromkeys(a for p in parts for a in p.approximations)),
    )


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
) -> list[R]:
    """``function(chunk, *args)`` for every chunk, in order: in this process when
    ``scheduler`` is None, on a local Dask scheduler (``"threads"``, ``"processes"``,
    ``"sync"``), or on the cluster at an address (``tcp://host:8786``)."""
    if scheduler is None:
        return [function(chunk, *args) for chunk in chunks]
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
