"""Row checks for usage files: bad rows are collected per problem, never stop the import."""

from __future__ import annotations

import csv
import re
from typing import Any

import numpy as np
import pandas as pd

from costlab import limits
from costlab.errors import CostlabError
from costlab.records import frozen
from costlab.usage import FALSE_WORDS, TRUE_WORDS

_MORE_LINES = 5


@frozen
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
            # an empty cell is empty whatever the column's other cells hold: in a text column
            # pandas keeps it missing (NaN, not "nan"), so it is asked directly
            empty = text.isin(["", "nan", "<NA>", "None"]).to_numpy() | values.isna().to_numpy()
            numbers = pd.to_numeric(text.where(~empty, None), errors="coerce").to_numpy(dtype=float)
            unreadable = np.isnan(numbers) & ~empty
        if default is None:
            self.flag(empty, name, "missing value")
        numbers = np.where(empty, float(default or 0), numbers)
        self.flag(unreadable | np.isinf(numbers), name, "not a number")
        finite = np.where(np.isfinite(numbers), numbers, 0.0)
        self.flag(finite < 0, name, "must be >= 0")
        self.flag(finite != np.floor(finite), name, "must be a whole number")
        # any count in a data file is held to COSTLAB_MAX_COUNT, as in scenarios and options
        self.flag(finite > limits.MAX_COUNT, name, limits.over("MAX_COUNT", "the count"))
        self.flag(finite > 2**53, name, "too large to count exactly")
        # flagged rows are left out; zero them so the cast is defined (1e300 has no int64)
        return np.where(finite > 2**53, 0.0, finite).astype(np.int64)

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


def _batch(checker: _Checker, frame: pd.DataFrame) -> np.ndarray:
    if "batch" not in frame:
        return np.zeros(len(frame), dtype=bool)
    codes, texts = _labels(frame["batch"])
    lowered = [t.lower() for t in texts]
    truthy = np.array([t in TRUE_WORDS for t in lowered])[codes]
    falsy = np.array([t in FALSE_WORDS for t in lowered])[codes]
    checker.flag(~(truthy | falsy), "batch", "must be true or false")
    return truthy


def _service_tiers(checker: _Checker, frame: pd.DataFrame) -> np.ndarray:
    """Each row's service tier, normalized (``default`` and blanks read ``standard``); a name
    that is no tier is a problem of its rows."""
    from costlab.usage import SERVICE_TIERS, service_tier_name

    if "service_tier" not in frame:
        return np.full(len(frame), "standard", dtype=object)
    codes, texts = _labels(frame["service_tier"])
    names = []
    for text in texts:
        try:
            names.append(service_tier_name(str(text)))
        except CostlabError:
            names.append("")
    normalized = np.array(names, dtype=object)[codes]
    checker.flag(
        normalized == "",
        "service_tier",
        f"unknown service tier (known: {', '.join(SERVICE_TIERS)})",
    )
    return normalized


def refused_number(
    problems: dict[tuple[str, str], Problem], start_time: Any, result: Any, location: str
) -> bool:
    """Whether a JSON result (or its bucket's ``start_time``) holds a number past the limits
    (:class:`costlab.limits.RefusedNumber`); if so it is added to ``problems``, one per field
    and reason as rows are, naming the record, so the other records are still read."""
    found = limits.first_refused([start_time, result])
    if found is None:
        return False
    field = found[0].replace("[0]", "start_time").removeprefix("[1].")
    seen = problems.get((field, found[1])) or Problem(found[1], field, (), 0)
    shown = (*seen.locations, location)[:_MORE_LINES]
    problems[field, found[1]] = Problem(found[1], field, shown, seen.count + 1)
    return True


def _first_location(problem: Problem) -> list[tuple[int, str]]:
    """Sort key: problems in file order (``line 9`` before ``line 10``, JSON paths by index)."""
    first = problem.locations[0] if problem.locations else ""
    return [
        (int(part), "") if part.isdigit() else (-1, part) for part in re.findall(r"\d+|\D+", first)
    ]


def without_long_rows(
    text: str, sep: str, width: int
) -> tuple[str, np.ndarray | None, Problem | None]:
    """The text without rows holding more cells than the header (which the fast parser refuses
    outright), the line numbers of the rows kept, and the problem naming the rows left out.
    The common case, no such row, costs one scan and no copy."""
    lines = text.split("\n")
    lengths = [len(row) for row in csv.reader(lines[1:], delimiter=sep)]
    long = [i for i, n in enumerate(lengths) if n > width]
    if not long:
        return text, None, None
    dropped = set(long)
    kept_rows = [i for i, n in enumerate(lengths) if i not in dropped and n > 0]  # blank: skipped
    clean = "\n".join([lines[0], *(lines[i + 1] for i in kept_rows)])
    shown = tuple(f"line {i + 2}" for i in long[:_MORE_LINES])
    problem = Problem(f"more cells than the header's {width}", None, shown, len(long))
    return clean, np.array([i + 2 for i in kept_rows], dtype=np.int64), problem
