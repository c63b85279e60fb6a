"""Logged requests re-counted with another model's tokenizer and re-priced there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costlab.errors import CostlabError

if TYPE_CHECKING:
    import pandas as pd


from costlab.records import frozen
from costlab.scale.chunks import (
    Chunk,
    _book,
    _require,
    read_chunk,
)

# --- replay ----------------------------------------------------------------------------------


@frozen
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
            out = output_tokens if output_tokens is not None else _usage_int(usage, "output", where)
            logged_input = _usage_int(usage, "input", where)
        except CostlabError as exc:
            errors.append(str(exc))
            continue
        tallies.append(tally)
        outputs.append(out)
        logged += logged_input
        dates.append(day)
    totals = finish(tallies, tokenizer)
    notes = [tokenizer.estimate_note(), *(a for t in tallies for a in t.approximations)]
    approximations = tuple(dict.fromkeys(n for n in notes if n))
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
    from costlab.yaml_reader import decode_text

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
    from datetime import UTC, date, datetime

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
        try:
            usage = json.loads(usage)
        except json.JSONDecodeError:
            usage = None  # no usable usage: the output counts as 0 unless --output-tokens
    day = on
    for key in _DATE_KEYS:
        value = record.get(key)
        if value is None:
            continue
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                day = datetime.fromtimestamp(value, UTC).date().isoformat()
            else:
                day = date.fromisoformat(str(value)[:10]).isoformat()
        except (ValueError, OverflowError, OSError):
            raise CostlabError(
                f"not a date or Unix time: {str(value)[:40]!r}", *where, key
            ) from None
        break
    if day is None:
        day = datetime.now(UTC).date().isoformat()
    return body, usage if isinstance(usage, dict) else {}, day


def _usage_int(usage: dict[str, Any], side: str, where: tuple[str, str]) -> int:
    """The logged input or output tokens of a record's usage, 0 when it logs none; a count that
    is not a whole number >= 0, or is past the count limit, is an error naming its field (it
    was taken as 0, a silently lower cost, or overflowed the int64 column with no line)."""
    import math
    import numbers

    from costlab import limits

    keys = (
        ("prompt_tokens", "input_tokens")
        if side == "input"
        else ("completion_tokens", "output_tokens")
    )
    for key in keys:
        value = usage.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):  # Parquet: missing
            continue
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            value = int(value)  # numpy's integers too
        whole = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value == int(value)
            and value >= 0
        )
        if not whole:
            shown = str(value)[:40]
            raise CostlabError(f"must be a whole number >= 0, got {shown!r}", *where, key)
        return int(limits.check_number(int(value), key, *where))
    return 0


@frozen
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
