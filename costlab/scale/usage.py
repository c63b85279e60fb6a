"""Usage exports in chunks: each priced by one pure function, the parts added exactly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from costlab.errors import CostlabError

if TYPE_CHECKING:
    import pandas as pd

    from costlab.actuals.checks import Problem
    from costlab.actuals.priced import Actuals

from costlab.records import frozen
from costlab.scale.chunks import (
    Chunk,
    _as_text,
    _book,
)

# --- actuals ---------------------------------------------------------------------------------


@frozen
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
    price_book: str = ""
    """the fingerprint of the price book that priced it"""


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
        actuals.price_book,
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
    book = next((p.price_book for p in parts if p.price_book), "")
    return actuals_from_groups(file, table, flags, rows, days=days, price_book=book)


def _merged_problems(problems: Sequence[Problem]) -> list[Problem]:
    """One problem per (what, field), as one file gives: the first locations, the whole count."""
    from costlab.actuals.checks import _MORE_LINES, _first_location

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
