"""Actuals: import usage exports, price them, and set them against a forecast.

Formats, recognised by their columns (CSV) or objects (JSON):

* **Generic CSV** — ``date, model, input_tokens, cached_input_tokens, output_tokens,
  requests[, batch]``: one row per day (or any date) and model; token columns are the row's
  totals, ``input_tokens`` includes the cached ones. ``cached_input_tokens`` (default 0),
  ``requests`` (default 1) and ``batch`` (default false) may be left out.
* **OpenAI usage export (CSV)** — the usage dashboard's activity export, one row per bucket:
  ``start_time`` (Unix seconds, UTC), ``model``, ``batch``, ``input_tokens``,
  ``input_cached_tokens``, ``output_tokens``, ``num_model_requests`` (and more columns that
  are ignored). Buckets without usage (empty cells) are skipped.
* **OpenAI Usage API (JSON)** — pages from ``GET /v1/organization/usage/completions``:
  ``{"object": "page", "data": [{"object": "bucket", "start_time": ..., "results":
  [{"object": "organization.usage.completions.result", "input_tokens", "input_cached_tokens",
  "output_tokens", "num_model_requests", "model", "batch", ...}]}]}``, one page or a list of
  pages. Query it with ``group_by=model,batch`` so every result names its model.
* **OpenAI costs (CSV or JSON)** — the dashboard's cost export (``start_time, amount_value,
  amount_currency, line_item, ...``) or ``GET /v1/organization/costs`` pages
  (``organization.costs.result`` with ``amount.value``): billed dollars, taken as they are
  (nothing to price).

Field names: OpenAI API reference, "Completions usage object" and "Costs object"
(https://developers.openai.com/api/reference/resources/organization/subresources/audit_logs/subresources/usage/methods/get_completions
and .../usage/methods/costs, checked 2026-11-26), and a real dashboard export of both files
reproduced in xavierjflanagan/Guardian (openai-usage-and-cost-report-2025-10-12.md).

Bad rows never stop the import: each problem is reported with its line (CSV, header = line 1)
or location (JSON, ``data[0].results[2]``), and the good rows are still priced. All work is
per chunk of rows, so a distributed engine can parse and price chunks apart.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from costlab.cost_frame import FrameCost, price_frame, sum_groups
from costlab.errors import CostlabError
from costlab.forecast import Forecast
from costlab.money import MONEY, ZERO
from costlab.prices import PriceBook, load_pricebook
from costlab.tables import column, exact_sum, is_money, records, tidy
from costlab.usage import COST_COLUMNS, TOKEN_COLUMNS
from costlab.yamlio import decode_text

Format = Literal[
    "generic-csv", "openai-usage-csv", "openai-usage-json", "openai-costs-csv", "openai-costs-json"
]

#: The columns every normalized usage row has (token columns are the row's totals).
USAGE_COLUMNS = [
    "date",
    "model",
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "requests",
    "batch",
]

_GENERIC_REQUIRED = ("date", "model", "input_tokens", "output_tokens")
#: OpenAI usage export / Usage API result field -> costlab column.
_OPENAI_USAGE = {
    "input_tokens": "input_tokens",
    "input_cached_tokens": "cached_input_tokens",
    "output_tokens": "output_tokens",
    "num_model_requests": "requests",
}
_AUDIO = ("input_audio_tokens", "output_audio_tokens")
_MORE_LINES = 5


@dataclass(frozen=True)
class Problem:
    """Rows that could not be used, and why (one entry per kind of problem)."""

    what: str
    field: str | None
    locations: tuple[str, ...]
    """``line 5`` (CSV) or ``data[0].results[2]`` (JSON), the first few"""
    count: int
    """how many rows have this problem"""

    def message(self, source: str) -> str:
        shown = ", ".join(self.locations)
        if self.count > len(self.locations):
            shown += f" (+{self.count - len(self.locations):,} more)"
        return ": ".join(p for p in (source, shown, self.field, self.what) if p)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Actuals:
    """A usage export priced (or, for cost exports, summed) by month.

    ``months``: ``month`` (YYYY-MM), ``requests``, token totals, cost components and
    ``actual_cost`` (exact Decimal USD). ``by_model``: the same per month and model (and
    ``batch``). For cost exports the token columns are absent and ``actual_cost`` is what was
    billed.
    """

    file: UsageFile
    months: pd.DataFrame
    by_model: pd.DataFrame
    priced: FrameCost | None = None
    flags: tuple[str, ...] = field(default=())
    rows_used: int = 0
    """rows priced (usage) or summed (costs); the others are problems or empty buckets"""

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.file.problems

    @property
    def total_cost(self) -> Decimal:
        return exact_sum(self.months["actual_cost"]) if len(self.months) else ZERO

    def problem_messages(self) -> list[str]:
        return [p.message(self.file.source) for p in self.file.problems]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"actual_months": self.months, "actual_by_model": self.by_model}

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.file.source,
            "format": self.file.format,
            "rows_used": self.rows_used,
            "total_cost": format(self.total_cost, "f"),
            "months": records(self.months),
            "by_model": records(self.by_model),
            "problems": self.problem_messages(),
            "notes": list(self.file.notes),
            "flags": list(self.flags),
        }


# --- reading ----------------------------------------------------------------------------------


def read_usage(path: str | Path) -> UsageFile:
    """Read a usage or cost export (format recognised from its content)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise CostlabError("no such usage file", str(file)) from None
    except IsADirectoryError:
        raise CostlabError("is a directory, expected a usage file", str(file)) from None
    except OSError as exc:
        raise CostlabError(f"cannot read usage file: {exc.strerror}", str(file)) from None
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
    counts = set(_OPENAI_USAGE) | {"cached_input_tokens", "requests", *_AUDIO}
    numeric = [raw for raw, low in zip(raw_header, header, strict=True) if low in counts]
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            # Text as categories: a million rows name a few models and dates, so each distinct
            # value is checked once, not once per row.
            dtype={raw: "category" for raw in raw_header if raw not in numeric},
            keep_default_na=False,
            na_values={raw: [""] for raw in numeric},
            skipinitialspace=True,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise CostlabError(f"not a readable CSV file: {exc}", source) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    # CSV lines: the header is line 1, the first row line 2 (rows hold no line breaks).
    locations = np.arange(2, len(frame) + 2)
    if "num_model_requests" in header:
        return _usage_rows(frame, locations, source, "openai-usage-csv", openai=True)
    if "amount_value" in header and "line_item" in header:
        return _billed_rows(frame, locations, source, "openai-costs-csv")
    missing = [c for c in _GENERIC_REQUIRED if c not in header]
    if missing:
        raise CostlabError(
            f"missing column(s) {', '.join(missing)}; expected a generic usage CSV (date, model, "
            "input_tokens, cached_input_tokens, output_tokens, requests[, batch]), OpenAI's "
            "usage export (num_model_requests, ...) or its cost export (amount_value, line_item)",
            source,
        )
    return _usage_rows(frame, locations, source, "generic-csv", openai=False)


def _parse_json(text: str, source: str) -> UsageFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CostlabError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source) from None
    pages = data if isinstance(data, list) else [data]
    usage: list[dict[str, Any]] = []
    billed: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}
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
                kind = result.get("object") if isinstance(result, dict) else None
                record = {"_loc": loc, "start_time": bucket.get("start_time")}
                if kind == "organization.usage.completions.result":
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
    if billed and not usage:
        frame = pd.DataFrame(billed)
        parsed = _billed_rows(
            _as_text(frame), frame["_loc"].to_numpy(), source, "openai-costs-json"
        )
    else:
        frame = pd.DataFrame(usage, columns=sorted({k for row in usage for k in row} | {"_loc"}))
        parsed = _usage_rows(
            _as_text(frame), frame["_loc"].to_numpy(), source, "openai-usage-json", openai=True
        )
    return UsageFile(
        parsed.source,
        parsed.format,
        parsed.usage,
        parsed.billed,
        parsed.problems,
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


class _Checker:
    """Collects bad rows per (field, problem) without stopping, in row order."""

    def __init__(self, n: int, locations: np.ndarray) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.locations = locations
        self.problems: list[Problem] = []

    def flag(self, mask: np.ndarray, field: str | None, what: str) -> None:
        mask = mask & ~self.bad  # one problem per row: the first found
        count = int(mask.sum())
        if not count:
            return
        rows = np.flatnonzero(mask)[:_MORE_LINES]
        shown = tuple(self._where(self.locations[i]) for i in rows)
        self.problems.append(Problem(what, field, shown, count))
        self.bad |= mask

    @staticmethod
    def _where(location: Any) -> str:
        return f"line {location}" if isinstance(location, int | np.integer) else str(location)

    def whole_numbers(self, values: pd.Series, name: str, *, default: int | None) -> np.ndarray:
        """A count column as whole numbers >= 0 ("59200.0" allowed), flagging the rest.

        Numeric columns (parsed in C) are checked with array operations; a column that holds
        text somewhere is converted cell by cell so each bad line can be named.
        """
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
            empty = np.isnan(numbers)
            unreadable = np.zeros(len(numbers), dtype=bool)
        else:
            text = values.astype(str).str.strip()
            empty = text.isin(["", "nan", "<NA>", "None"]).to_numpy()
            numbers = pd.to_numeric(
                text.where(~text.isin(["", "nan", "<NA>", "None"]), None), errors="coerce"
            ).to_numpy(dtype=float)
            unreadable = np.isnan(numbers) & ~empty
        if default is None:
            self.flag(empty, name, "missing value")
        numbers = np.where(empty, float(default or 0), numbers)
        self.flag(unreadable | np.isinf(numbers), name, "not a number")
        finite = np.where(np.isfinite(numbers), numbers, 0.0)
        self.flag(finite < 0, name, "must be >= 0")
        self.flag(finite != np.floor(finite), name, "must be a whole number")
        self.flag(finite > 2**53, name, "too large to count exactly")
        return finite.astype(np.int64)

    @staticmethod
    def blank(values: pd.Series) -> np.ndarray:
        """Cells with nothing in them (NaN in a numeric column, "" in a text one)."""
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            return values.isna().to_numpy()
        codes, texts = _labels(values)
        return np.isin(texts, ["", "nan", "<NA>", "None"])[codes]


def _labels(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct stripped texts) of a text column; missing cells are ""."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        texts = np.array([str(c).strip() for c in values.cat.categories] + [""], dtype=object)
        return np.where(codes < 0, len(texts) - 1, codes), texts
    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    texts = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    return np.where(codes < 0, len(texts) - 1, codes), texts


def _dates(checker: _Checker, frame: pd.DataFrame, openai: bool) -> np.ndarray:
    """Row dates as datetime64[D] (UTC): ``date`` for generic files, ``start_time`` for OpenAI.

    Each distinct text is parsed once (a usage file repeats few dates)."""
    if openai:
        name = "start_time" if "start_time" in frame else "start_time_iso"
        if name not in frame:
            raise CostlabError("missing column start_time")
    else:
        name = "date"
    codes, texts = _labels(frame[name])
    if name == "start_time":
        seconds = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
        parsed = pd.to_datetime(seconds, unit="s", utc=True, errors="coerce")
    else:
        parsed = pd.to_datetime(
            pd.Series(texts, dtype=object), errors="coerce", format="ISO8601", utc=True
        )
    distinct = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    days = distinct[codes]
    bad = np.isnat(days)
    checker.flag(bad & (texts == "")[codes], name, "missing date")
    checker.flag(bad, name, "not a date (expected YYYY-MM-DD or Unix seconds)")
    return days


_TRUE = frozenset({"true", "1", "yes", "y", "batch", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "", "f", "sync", "none", "null", "nan"})


def _batch(checker: _Checker, frame: pd.DataFrame) -> np.ndarray:
    if "batch" not in frame:
        return np.zeros(len(frame), dtype=bool)
    codes, texts = _labels(frame["batch"])
    lowered = [t.lower() for t in texts]
    truthy = np.array([t in _TRUE for t in lowered])[codes]
    falsy = np.array([t in _FALSE for t in lowered])[codes]
    checker.flag(~(truthy | falsy), "batch", "must be true or false")
    return truthy


def _usage_rows(
    frame: pd.DataFrame, locations: np.ndarray, source: str, fmt: Format, *, openai: bool
) -> UsageFile:
    n = len(frame)
    notes: list[str] = []
    names = (
        _OPENAI_USAGE
        if openai
        else {c: c for c in ("input_tokens", "cached_input_tokens", "output_tokens", "requests")}
    )
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
    for raw, name in names.items():
        if raw in frame:
            default = (
                None
                if name in ("input_tokens", "output_tokens")
                else (1 if name == "requests" else 0)
            )
            columns[name] = checker.whole_numbers(frame[raw], raw, default=default)
        elif name in ("input_tokens", "output_tokens"):
            raise CostlabError(f"missing column {raw}", source)
        else:
            columns[name] = np.full(n, 1 if name == "requests" else 0, dtype=np.int64)
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
        columns["cached_input_tokens"] > columns["input_tokens"],
        "cached_input_tokens" if not openai else "input_cached_tokens",
        "cached tokens exceed input_tokens",
    )
    batch = _batch(checker, frame)
    for audio in _AUDIO:
        if audio in frame:
            values = pd.to_numeric(frame[audio].astype(str).str.strip(), errors="coerce").fillna(0)
            if (values > 0).any():
                notes.append(
                    f"{int((values > 0).sum()):,} row(s) have {audio}; they are in the token "
                    "totals and priced at text rates (the price book has no audio prices)"
                )
    good = ~checker.bad
    usage = pd.DataFrame(
        {
            "date": days[good],
            "model": model_names[model_codes[good]],
            **{
                c: columns[c][good]
                for c in ("input_tokens", "cached_input_tokens", "output_tokens", "requests")
            },
            "batch": batch[good],
            "location": locations[good],
        },
        copy=False,
    )
    problems = sorted(checker.problems, key=_first_location)
    return UsageFile(source, fmt, usage, _empty_billed(), tuple(problems), tuple(notes))


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


# --- pricing ----------------------------------------------------------------------------------


def _month_labels(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` per date, formatting each distinct month once."""
    codes, uniques = np.unique(days.astype("datetime64[M]"), return_inverse=True)
    return np.datetime_as_string(codes, unit="M").astype(object)[uniques]


def price_usage_file(usage: UsageFile, *, book: PriceBook | None = None) -> Actuals:
    """Price a usage file with the frame engine (prices in force on each row's date), by month.

    Rows naming an unknown model or dated before the model's first price become problems
    (the rest are priced); cost exports are summed as billed.
    """
    book = book or load_pricebook()
    if usage.format.startswith("openai-costs"):
        return _billed_actuals(usage)
    rows = usage.usage
    problems = list(usage.problems)
    keep = np.ones(len(rows), dtype=bool)
    if len(rows):
        codes, names = pd.factorize(rows["model"], sort=False)
        for i, name in enumerate(names):
            mask = codes == i
            try:
                model = book.resolve(str(name))
            except CostlabError as exc:
                what = exc.what.replace("unknown model", f"unknown model '{name}'", 1)
                problems.append(_problem(rows, mask, "model", what))
                keep &= ~mask
                continue
            first = np.datetime64(model.prices[0].effective_from, "D")
            early = mask & (rows["date"].to_numpy() < first)
            if early.any():
                problems.append(
                    _problem(
                        rows,
                        early,
                        "date",
                        f"no price for {model.id} before {model.prices[0].effective_from}",
                    )
                )
                keep &= ~early
    good = rows if keep.all() else rows[keep]
    months = _month_labels(good["date"].to_numpy().astype("datetime64[D]"))
    frame = pd.DataFrame(
        {
            "date": good["date"].to_numpy(),
            "month": months,
            "model": good["model"].to_numpy(),
            "input_tokens": good["input_tokens"].to_numpy(dtype=np.int64),
            "cached_input_tokens": good["cached_input_tokens"].to_numpy(dtype=np.int64),
            "output_tokens": good["output_tokens"].to_numpy(dtype=np.int64),
            "requests": good["requests"].to_numpy(dtype=np.int64),
            "batch": good["batch"].to_numpy(dtype=bool),
        },
        copy=False,
    )
    problems.sort(key=_first_location)
    file = UsageFile(
        usage.source, usage.format, usage.usage, usage.billed, tuple(problems), usage.notes
    )
    if frame.empty:
        return Actuals(file, _empty_months(), _empty_months(["model", "batch"]), rows_used=0)
    priced = price_frame(frame, book=book, by=["month"])
    by_model = sum_groups(priced.groups, ["month", "model", "batch"])
    by_month = sum_groups(priced.groups, ["month"])
    for table in (by_model, by_month):
        table["actual_cost"] = table["total_cost"]
    flags = tuple(f.message for f in priced.flags)
    return Actuals(
        file, _tidy_frame(by_month), _tidy_frame(by_model), priced, flags, rows_used=len(frame)
    )


def _first_location(problem: Problem) -> list[tuple[int, str]]:
    """Sort key: problems in file order (``line 9`` before ``line 10``, JSON paths by index)."""
    first = problem.locations[0] if problem.locations else ""
    return [
        (int(part), "") if part.isdigit() else (-1, part) for part in re.findall(r"\d+|\D+", first)
    ]


def _problem(rows: pd.DataFrame, mask: np.ndarray, field: str, what: str) -> Problem:
    locations = rows["location"].to_numpy()[np.flatnonzero(mask)[:_MORE_LINES]]
    shown = tuple(_Checker._where(loc) for loc in locations)
    return Problem(what, field, shown, int(mask.sum()))


def _empty_months(keys: Sequence[str] = ()) -> pd.DataFrame:
    return pd.DataFrame(
        columns=["month", *keys, "requests", *TOKEN_COLUMNS, *COST_COLUMNS, "actual_cost"]
    )


def _tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if is_money(str(name)) or name == "actual_cost":
            out[name] = column(tidy(v) for v in out[name])
    return out


def _billed_actuals(usage: UsageFile) -> Actuals:
    billed = usage.billed
    if billed.empty:
        return Actuals(
            usage,
            pd.DataFrame(columns=["month", "actual_cost"]),
            pd.DataFrame(columns=["month", "model", "actual_cost"]),
        )
    table = billed.assign(month=_month_labels(billed["date"].to_numpy().astype("datetime64[D]")))
    by_model = (
        table.groupby(["month", "model"], sort=True)["billed_cost"].agg(exact_sum).reset_index()
    )
    by_month = table.groupby(["month"], sort=True)["billed_cost"].agg(exact_sum).reset_index()
    for frame in (by_model, by_month):
        frame["actual_cost"] = column(tidy(v) for v in frame.pop("billed_cost"))
    return Actuals(usage, by_month, by_model, rows_used=len(billed))


def load_actuals(path: str | Path, *, book: PriceBook | None = None) -> Actuals:
    """Read and price a usage export: :func:`read_usage` then :func:`price_usage_file`."""
    return price_usage_file(read_usage(path), book=book)


# --- against a forecast -------------------------------------------------------------------------


def variance(actuals: Actuals, fc: Forecast) -> pd.DataFrame:
    """Actual vs forecast by month, over the months the usage file covers (from its first to
    its last month; a month inside that span with no usage counts as zero).

    Columns: ``month``, ``forecast_cost``, ``forecast_cost_low``, ``forecast_cost_high``,
    ``actual_cost``, ``variance_usd`` (actual - forecast), ``variance_pct`` (of the forecast,
    rounded to 80 significant digits; empty where the forecast is zero or absent),
    ``within_band`` (actual between the low and high bands).
    """
    forecast_by: dict[str, tuple[Decimal, Decimal, Decimal]] = {
        str(m): (base, low, high)
        for m, base, low, high in zip(
            fc.months["month"],
            fc.months["total_cost"],
            fc.months["total_cost_low"],
            fc.months["total_cost_high"],
            strict=True,
        )
    }
    actual_by = {
        str(m): c
        for m, c in zip(actuals.months["month"], actuals.months["actual_cost"], strict=True)
    }
    rows = []
    # The months the usage file covers: a forecast month outside that span has not happened
    # (or was not exported), so it is left out rather than shown as a -100% variance.
    span = (min(actual_by), max(actual_by)) if actual_by else ("", "")
    covered = {m for m in forecast_by if span[0] <= m <= span[1]}
    for label in sorted(covered | set(actual_by)):
        expected = forecast_by.get(label)
        actual = actual_by.get(label, ZERO)
        base = expected[0] if expected else None
        diff = actual - base if base is not None else None
        rows.append(
            {
                "month": label,
                "forecast_cost": base,
                "forecast_cost_low": expected[1] if expected else None,
                "forecast_cost_high": expected[2] if expected else None,
                "actual_cost": actual,
                "variance_usd": tidy(diff) if diff is not None else None,
                "variance_pct": tidy(MONEY.divide(MONEY.multiply(diff, Decimal(100)), base))
                if diff is not None and base
                else None,
                "within_band": bool(expected[1] <= actual <= expected[2]) if expected else None,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "month",
            "forecast_cost",
            "forecast_cost_low",
            "forecast_cost_high",
            "actual_cost",
            "variance_usd",
            "variance_pct",
            "within_band",
        ],
    )
    for name in out.columns[1:7]:
        out[name] = column(out[name])
    return out


def usage_from_forecast(fc: Forecast) -> pd.DataFrame:
    """The forecast written as a generic usage file: one row per month, model and batch, dated
    the first of the month. Usage counts are whole numbers, so every figure must be whole
    (a forecast with fractional requests or tokens is refused, naming the first one)."""
    table = fc.by(["month", "model", "batch"])
    out = []
    for row in table.to_dict("records"):
        record: dict[str, Any] = {"date": f"{row['month']}-01", "model": row["model"]}
        for name in ("input_tokens", "cached_input_tokens", "output_tokens", "requests"):
            value = row[name]
            if value != value.to_integral_value():
                raise CostlabError(
                    f"{name} is {value}, not a whole number; usage files hold whole counts",
                    fc.scenario.label,
                    f"{row['month']} {row['model']}",
                )
            record[name] = int(value)
        record["batch"] = bool(row["batch"])
        out.append(record)
    return pd.DataFrame(out, columns=USAGE_COLUMNS)


def write_usage_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write rows from :func:`usage_from_forecast` as a generic usage CSV."""
    frame.to_csv(path, index=False, lineterminator="\n")
