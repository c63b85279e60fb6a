"""Actuals: import usage exports, price them, and set them against a forecast.

Formats, recognised by their columns (CSV) or objects (JSON):

* **Generic CSV** — ``date, model, input_tokens, cached_input_tokens, output_tokens,
  requests[, batch, service_tier]``: one row per day (or any date) and model; token columns
  are the row's totals, ``input_tokens`` includes the cached ones. ``cached_input_tokens``
  (default 0), ``requests`` (default 1), ``batch`` (default false) and ``service_tier``
  (default standard; flex, priority, scale or a provider's own tier, priced by tier) may be
  left out, and an empty cell in them reads as that default.
* **OpenAI usage export (CSV)** — the usage dashboard's activity export, one row per bucket:
  ``start_time`` (Unix seconds, UTC), ``model``, ``batch``, ``input_tokens``,
  ``input_cached_tokens``, ``output_tokens``, ``num_model_requests``, ``service_tier`` where
  the export is grouped by it (and more columns that are ignored). Buckets without usage (empty cells) are skipped.
* **OpenAI Usage API (JSON)** — pages from ``GET /v1/organization/usage/completions``:
  ``{"object": "page", "data": [{"object": "bucket", "start_time": ..., "results":
  [{"object": "organization.usage.completions.result", "input_tokens", "input_cached_tokens",
  "output_tokens", "num_model_requests", "model", "batch", ...}]}]}``, one page or a list of
  pages. Query it with ``group_by=model,batch`` so every result names its model.
* **OpenAI costs (CSV or JSON)** — the dashboard's cost export (``start_time, amount_value,
  amount_currency, line_item, ...``) or ``GET /v1/organization/costs`` pages
  (``organization.costs.result`` with ``amount.value``): billed dollars, taken as they are
  (nothing to price).

* **Anthropic usage report (JSON)** — pages from ``GET /v1/organizations/usage_report/messages``
  ([ANT-USAGE-API]): buckets (``starting_at``) of results with ``uncached_input_tokens``,
  ``cache_read_input_tokens``, ``cache_creation.ephemeral_5m_input_tokens`` and
  ``ephemeral_1h_input_tokens`` (each TTL at its own write price), ``output_tokens``, ``model``,
  ``service_tier`` (``batch`` is the Batch API) and ``context_window`` (``200k-1M`` bills at the
  long-context tier). The report gives no request counts, so its rows take the tier it names
  and no per-request limit is checked. Group it by model (and service_tier, context_window).

Field names: OpenAI API reference, "Completions usage object" and "Costs object"
([OAI-USAGE-API] in docs/sources.md), and a real dashboard export of both files reproduced
in [GUARDIAN].

Bad rows never stop the import: each problem is reported with its line (CSV, header = line 1)
or location (JSON, ``data[0].results[2]``), and the good rows are still priced. All work is
per chunk of rows, so a distributed engine can parse and price chunks apart.
"""

from __future__ import annotations

import dataclasses
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from costlab import limits
from costlab.actuals.anthropic import anthropic_row
from costlab.actuals.checks import (
    Problem,
    _batch,
    _Checker,
    _dates,
    _first_location,
    _labels,
    _service_tiers,
    refused_number,
    without_long_rows,
)
from costlab.errors import CostlabError
from costlab.money import ZERO
from costlab.records import frozen
from costlab.usage import INFO_COLUMNS, INPUT_PARTS, MEDIA_COLUMNS, OUTPUT_PARTS, TOKEN_COLUMNS
from costlab.yaml_reader import decode_text

Format = Literal[
    "generic-csv",
    "openai-usage-csv",
    "openai-usage-json",
    "openai-costs-csv",
    "openai-costs-json",
    "anthropic-usage-json",
]


#: The columns every normalized usage row has (token columns are the row's totals).
USAGE_COLUMNS = [
    "date",
    "model",
    *TOKEN_COLUMNS,
    *INFO_COLUMNS,
    "requests",
    "batch",
    "service_tier",
]

#: The count columns of a usage row (all but ``input_tokens`` and ``output_tokens`` optional).
COUNT_COLUMNS = (*TOKEN_COLUMNS, *INFO_COLUMNS, "requests")


_GENERIC_REQUIRED = ("date", "model", "input_tokens", "output_tokens")


#: OpenAI usage export / Usage API result field -> costlab column.
_OPENAI_USAGE = {
    "input_tokens": "input_tokens",
    "input_cached_tokens": "cached_input_tokens",
    "output_tokens": "output_tokens",
    "num_model_requests": "requests",
}


_AUDIO = ("input_audio_tokens", "output_audio_tokens")


@frozen
class UsageFile:
    """A usage export read into normalized rows (``usage``) or billed amounts (``billed``)."""

    source: str
    format: Format
    usage: pd.DataFrame
    """date (datetime64), model, input_tokens, cached_input_tokens, output_tokens, requests,
    batch: one row per good input row, token columns as the row's totals"""
    billed: pd.DataFrame
    """date, line_item, model, billed_cost (exact Decimal USD), for cost exports"""
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    """things to know that are not errors (skipped empty buckets, audio tokens)"""

    @property
    def rows(self) -> int:
        return len(self.usage) + len(self.billed)


def read_usage(path: str | Path) -> UsageFile:
    """Read a usage or cost export (format recognised from its content)."""
    file = Path(path)
    data = limits.read_bounded(file, str(file), kind="usage file")
    return parse_usage(decode_text(data, str(file)), str(file))


def parse_usage(text: str, source: str) -> UsageFile:
    """Parse the text of a usage or cost export named ``source`` (for messages)."""
    stripped = text.lstrip()
    if not stripped:
        raise CostlabError("empty file; expected a usage CSV or Usage API JSON", source)
    if stripped[0] in "[{":
        return _parse_json(stripped, source)
    return _parse_csv(text, source)


def _parse_csv(text: str, source: str) -> UsageFile:
    end = text.find("\n")
    first = (text if end < 0 else text[:end]).rstrip("\r")
    sep = "\t" if first.count("\t") > first.count(",") else ","
    header = [h.strip().strip('"').lower() for h in first.split(sep)]
    raw_header = [h.strip().strip('"') for h in first.split(sep)]
    # Count columns parse as numbers in C (an empty cell is NaN); everything else stays text,
    # so a model called "null" or "NA" is not lost. A count column holding text falls back
    # to a slower check that names the bad lines.
    counts = set(_OPENAI_USAGE) | {*COUNT_COLUMNS, *_AUDIO}
    numeric = [raw for raw, low in zip(raw_header, header, strict=True) if low in counts]

    def read(text: str) -> pd.DataFrame:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            # Text as categories: a million rows name a few models and dates, so each distinct
            # value is checked once, not once per row.
            # Billed amounts stay text (str), so they are read as exact Decimals: a category
            # column whose values all look numeric gets float categories (0.123456789012345678
            # became 0.12345678901234568 when no amount was blank).
            dtype={
                raw: str if low == "amount_value" else "category"
                for raw, low in zip(raw_header, header, strict=True)
                if raw not in numeric
            },
            keep_default_na=False,
            na_values={raw: [""] for raw in numeric},
            skipinitialspace=True,
            engine="c",
        )
        if not isinstance(frame.index, pd.RangeIndex):  # every row a cell past the header:
            raise pd.errors.ParserError("index")  # pandas made the first cells an index
        return frame

    kept: np.ndarray | None = None
    ragged: Problem | None = None
    try:
        try:
            frame = read(text)
        except pd.errors.ParserError:
            # A row with more cells than the header stops the fast parser: such rows are
            # named and left out, and the others are read (only then is every line scanned).
            text, kept, ragged = without_long_rows(text, sep, len(raw_header))
            frame = read(text)
    except (pd.errors.ParserError, ValueError) as exc:
        raise CostlabError(f"not a readable CSV file: {exc}", source) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    # CSV lines: the header is line 1, the first row line 2 (rows hold no line breaks).
    locations = kept if kept is not None else np.arange(2, len(frame) + 2)
    if "num_model_requests" in header:
        parsed = _usage_rows(frame, locations, source, "openai-usage-csv", openai=True)
        return _with_problem(parsed, ragged)
    if "amount_value" in header and "line_item" in header:
        return _with_problem(_billed_rows(frame, locations, source, "openai-costs-csv"), ragged)
    missing = [c for c in _GENERIC_REQUIRED if c not in header]
    if missing:
        raise CostlabError(
            f"missing column(s) {', '.join(missing)}; expected a generic usage CSV (date, model, "
            "input_tokens, cached_input_tokens, output_tokens, requests[, batch]), OpenAI's "
            "usage export (num_model_requests, ...) or its cost export (amount_value, line_item)",
            source,
        )
    return _with_problem(_usage_rows(frame, locations, source, "generic-csv", openai=False), ragged)


def _with_problem(parsed: UsageFile, problem: Problem | None) -> UsageFile:
    if problem is None:
        return parsed
    problems = sorted((*parsed.problems, problem), key=_first_location)
    return dataclasses.replace(parsed, problems=tuple(problems))


def _parse_json(text: str, source: str) -> UsageFile:
    try:
        # a number past the limits names its record and field, and the other records are read
        data = limits.loads_json(text, source, keep_refused=True)
    except json.JSONDecodeError as exc:
        raise CostlabError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source) from None
    pages = data if isinstance(data, list) else [data]
    usage: list[dict[str, Any]] = []
    billed: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}
    anthropic: list[dict[str, Any]] = []
    refused: dict[tuple[str, str], Problem] = {}
    for p, page in enumerate(pages):
        where = f"[{p}]." if isinstance(data, list) else ""
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise CostlabError(
                'expected a Usage API page: {"object": "page", "data": [buckets]}',
                source,
                f"{where}data" if where else None,
            )
        for b, bucket in enumerate(page["data"]):
            at = f"{where}data[{b}]"
            if not isinstance(bucket, dict):
                raise CostlabError("expected a bucket object", source, at)
            results = bucket.get("results", bucket.get("result", []))
            if not isinstance(results, list):
                raise CostlabError("expected a list of results", source, f"{at}.results")
            for r, result in enumerate(results):
                loc = f"{at}.results[{r}]"
                if refused_number(refused, bucket.get("start_time"), result, loc):
                    continue
                kind = result.get("object") if isinstance(result, dict) else None
                record = {"_loc": loc, "start_time": bucket.get("start_time")}
                if kind is None and isinstance(result, dict) and "uncached_input_tokens" in result:
                    anthropic.append(anthropic_row(result, bucket, loc))
                elif kind == "organization.usage.completions.result":
                    usage.append({**result, **record})
                elif kind == "organization.costs.result":
                    amount = result.get("amount") or {}
                    billed.append(
                        {
                            **record,
                            "amount_value": amount.get("value")
                            if isinstance(amount, dict)
                            else None,
                            "amount_currency": amount.get("currency")
                            if isinstance(amount, dict)
                            else None,
                            "line_item": result.get("line_item"),
                        }
                    )
                else:
                    skipped[str(kind)] = skipped.get(str(kind), 0) + 1
    notes = tuple(
        f"skipped {n:,} result(s) of type {kind} (not priced by costlab)"
        for kind, n in skipped.items()
    )
    if anthropic and not usage and not billed:
        frame = pd.DataFrame(anthropic)
        parsed = _usage_rows(
            _as_text(frame), frame["_loc"].to_numpy(), source, "anthropic-usage-json", openai=False
        )
    elif billed and not usage:
        frame = pd.DataFrame(billed)
        parsed = _billed_rows(
            _as_text(frame), frame["_loc"].to_numpy(), source, "openai-costs-json"
        )
    else:
        # every record refused (or none): an empty table, so the problems are what is reported
        given = {k for row in usage for k in row} or {"start_time", "model", *_OPENAI_USAGE}
        frame = pd.DataFrame(usage, columns=sorted(given | {"_loc"}))
        parsed = _usage_rows(
            _as_text(frame), frame["_loc"].to_numpy(), source, "openai-usage-json", openai=True
        )
    return UsageFile(
        parsed.source,
        parsed.format,
        parsed.usage,
        parsed.billed,
        tuple(sorted((*parsed.problems, *refused.values()), key=_first_location)),
        parsed.notes + notes,
    )


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """JSON values as the text a CSV would hold (None -> empty), so one validator serves both."""

    def text(value: Any) -> str:
        if value is None or (isinstance(value, float) and value != value):  # None or NaN
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        out[name] = [text(v) for v in frame[name].astype(object)]
    return out


def _usage_rows(
    frame: pd.DataFrame, locations: np.ndarray, source: str, fmt: Format, *, openai: bool
) -> UsageFile:
    n = len(frame)
    notes: list[str] = []
    names = _OPENAI_USAGE if openai else {c: c for c in COUNT_COLUMNS}
    if openai:
        blank = np.ones(n, dtype=bool)
        for name in names:
            if name in frame:
                blank &= _Checker.blank(frame[name])
        model_blank = _Checker.blank(frame["model"]) if "model" in frame else blank
        empty_bucket = blank & model_blank
        if empty_bucket.any():
            notes.append(f"skipped {int(empty_bucket.sum()):,} bucket(s) without usage")
            keep = ~empty_bucket
            frame, locations = frame[keep].reset_index(drop=True), locations[keep]
            n = len(frame)
    checker = _Checker(n, locations)
    try:
        days = _dates(checker, frame, openai)
    except CostlabError as exc:
        raise exc.within(source) from None
    columns: dict[str, np.ndarray] = {}
    raw_of = {name: raw for raw, name in names.items()}
    for name in COUNT_COLUMNS:
        raw = raw_of.get(name, name)
        if raw in frame:
            default = (
                None
                if name in ("input_tokens", "output_tokens")
                else (1 if name == "requests" else 0)
            )
            columns[name] = checker.whole_numbers(frame[raw], raw, default=default)
        elif name in ("input_tokens", "output_tokens"):
            raise CostlabError(f"missing column {raw}", source)
        elif name not in MEDIA_COLUMNS:  # absent media columns stay absent: no arrays of zeros
            columns[name] = np.full(n, 1 if name == "requests" else 0, dtype=np.int64)

    def col(name: str) -> Any:
        return columns.get(name, 0)

    if openai and any(a in frame for a in _AUDIO):
        # OpenAI's usage export counts text in input_tokens / output_tokens and audio in
        # input_audio_tokens / output_audio_tokens [OAI-USAGE-API]; costlab's input and output
        # totals include the audio, billed at the audio rates.
        columns["input_tokens"] = columns["input_tokens"] + col("input_audio_tokens")
        columns["output_tokens"] = columns["output_tokens"] + col("output_audio_tokens")
        with_audio = int(np.sum((col("input_audio_tokens") + col("output_audio_tokens")) > 0))
        if with_audio:
            notes.append(
                f"{with_audio:,} row(s) have audio tokens: added to the text token totals and "
                "billed at the model's audio rates"
            )
    if "model" not in frame:
        raise CostlabError(
            "missing column model (export the usage grouped by model)"
            if openai
            else "missing column model",
            source,
        )
    model_codes, model_names = _labels(frame["model"])
    checker.flag(
        (model_names == "")[model_codes],
        "model",
        "missing model" + (" (export the usage grouped by model)" if openai else ""),
    )
    checker.flag(
        sum(col(part) for part in INPUT_PARTS) > columns["input_tokens"],
        "cached_input_tokens" if not openai else "input_cached_tokens",
        "cached tokens exceed input_tokens"
        if not any(np.any(col(part)) for part in INPUT_PARTS[3:])
        else "cached, cache-write, audio and image tokens exceed input_tokens",
    )
    checker.flag(
        sum((col(part) for part in OUTPUT_PARTS), np.zeros(n, np.int64)) > columns["output_tokens"],
        "output_audio_tokens" if np.any(col("output_audio_tokens")) else "output_image_tokens",
        "audio and image output tokens exceed output_tokens (output includes them)",
    )
    checker.flag(
        columns["reasoning_tokens"] > columns["output_tokens"],
        "reasoning_tokens",
        "reasoning tokens exceed output_tokens (output includes reasoning)",
    )
    if "long_context" in frame:  # Anthropic's context_window: 0-200k or 200k-1M, else named
        odd = ~frame["long_context"].astype(str).isin(["", "true", "false"]).to_numpy()
        checker.flag(odd, "context_window", "expected 0-200k or 200k-1M")
    batch = _batch(checker, frame)
    service_tier = _service_tiers(checker, frame)
    good = ~checker.bad
    usage = pd.DataFrame(
        {
            "date": days[good],
            "model": model_names[model_codes[good]],
            **{c: columns[c][good] for c in COUNT_COLUMNS if c in columns},
            "batch": batch[good],
            "service_tier": service_tier[good],
            **({"long_context": _long_context(frame)[good]} if "long_context" in frame else {}),
            "location": locations[good],
        },
        copy=False,
    )
    problems = sorted(checker.problems, key=_first_location)
    return UsageFile(source, fmt, usage, _empty_billed(), tuple(problems), tuple(notes))


def _long_context(frame: pd.DataFrame) -> np.ndarray:
    """The provider's own word on whether a row billed at the long-context tier (None: not
    given, decided by the row's size)."""
    return np.array(
        [None if v == "" else v == "true" for v in frame["long_context"].astype(str)], dtype=object
    )


def _empty_billed() -> pd.DataFrame:
    return pd.DataFrame(columns=["date", "line_item", "model", "billed_cost", "location"])


def _billed_rows(frame: pd.DataFrame, locations: np.ndarray, source: str, fmt: Format) -> UsageFile:
    n = len(frame)
    checker = _Checker(n, locations)
    days = _dates(checker, frame, openai=True)
    # Amounts are read as the exact text of the file, never through a float.
    codes, texts = _labels(frame["amount_value"])
    values: list[Decimal] = []
    for text in texts:
        try:
            values.append(Decimal(text) if text else ZERO)
        except InvalidOperation:
            values.append(Decimal("NaN"))
    empty = (texts == "")[codes]
    bad_amount = np.array([not v.is_finite() for v in values])[codes]
    notes: list[str] = []
    if "amount_currency" in frame:
        currency_codes, currencies = _labels(frame["amount_currency"])
        foreign = np.array([c.lower() not in ("usd", "") for c in currencies])[currency_codes]
        checker.flag(foreign, "amount_currency", "only USD amounts are summed")
    checker.flag(bad_amount, "amount_value", "not a number")
    skip = empty & ~checker.bad
    if skip.any():
        notes.append(f"skipped {int(skip.sum()):,} bucket(s) without a cost")
    good = ~checker.bad & ~empty
    if "line_item" in frame:
        item_codes, items = _labels(frame["line_item"])
    else:
        item_codes, items = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    # "gpt-4o-2024-08-06, input" -> model "gpt-4o-2024-08-06"
    models = np.array([item.split(",", 1)[0].strip() for item in items], dtype=object)
    amounts = np.array(values, dtype=object)[codes]
    billed = pd.DataFrame(
        {
            "date": days[good],
            "line_item": items[item_codes[good]],
            "model": models[item_codes[good]],
            "billed_cost": amounts[good],
            "location": locations[good],
        }
    )
    usage = pd.DataFrame(columns=[*USAGE_COLUMNS, "location"])
    return UsageFile(source, fmt, usage, billed, tuple(checker.problems), tuple(notes))
