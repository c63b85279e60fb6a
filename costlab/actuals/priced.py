"""Usage files priced by month with the prices in force on each row's day; cost exports summed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from costlab.actuals.checks import _MORE_LINES, Problem, _Checker, _first_location
from costlab.actuals.readers import COUNT_COLUMNS, UsageFile, read_usage
from costlab.cost_frame import FrameCost, price_frame, sum_groups
from costlab.errors import CostlabError
from costlab.money import ZERO
from costlab.prices import PriceBook, load_pricebook
from costlab.prices.book import shown_id
from costlab.records import frozen
from costlab.tables import column, exact_sum, is_money, records, tidy
from costlab.usage import COMPONENTS, COST_COLUMNS, INFO_COLUMNS, MEDIA_COLUMNS, TOKEN_COLUMNS

#: Columns of priced groups that are sums (the others are the groups' keys).
_SUMMED = frozenset(("requests", *TOKEN_COLUMNS, *INFO_COLUMNS, *COST_COLUMNS))


@frozen
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
    price_book: str = ""
    """the fingerprint of the price book that priced it"""
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
            "price_book": self.price_book,
            "total_cost": format(self.total_cost, "f"),
            "months": records(self.months),
            "by_model": records(self.by_model),
            "problems": self.problem_messages(),
            "notes": list(self.file.notes),
            "flags": list(self.flags),
        }


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
        converted = (
            _tier_column(rows),
            rows["date"].to_numpy().astype("datetime64[D]"),
            rows["batch"].to_numpy(dtype=bool),
        )
        for i, name in enumerate(names):
            mask = codes == i
            try:
                model = book.resolve(str(name))
            except CostlabError as exc:
                shown = shown_id(str(name))
                what = exc.what.replace("unknown model", f"unknown model '{shown}'", 1)
                problems.append(_problem(rows, mask, "model", what))
                keep &= ~mask
                continue
            first = np.datetime64(model.prices[0].effective_from, "D")
            keep &= ~_tiers_not_offered(rows, mask, model, problems, converted)
            keep &= ~_media_not_priced(rows, mask, model, problems)
            if model.reasoning is False and "reasoning_tokens" in rows:
                reasoned = mask & keep & (rows["reasoning_tokens"].to_numpy() > 0)
                if reasoned.any():
                    problems.append(
                        _problem(
                            rows,
                            reasoned,
                            "reasoning_tokens",
                            f"{model.id} produces no reasoning tokens",
                        )
                    )
                    keep &= ~reasoned
            early = mask & (converted[1] < first)
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
            **{c: good[c].to_numpy(dtype=np.int64) for c in COUNT_COLUMNS if c in good},
            "batch": good["batch"].to_numpy(dtype=bool),
            "service_tier": _tier_column(good),
            **({"long_context": good["long_context"].to_numpy()} if "long_context" in good else {}),
        },
        copy=False,
    )
    problems.sort(key=_first_location)
    file = UsageFile(
        usage.source, usage.format, usage.usage, usage.billed, tuple(problems), usage.notes
    )
    if frame.empty:
        return Actuals(
            file,
            _empty_months(),
            _empty_months(["model", "batch"]),
            rows_used=0,
            price_book=book.fingerprint,
        )
    priced = price_frame(frame, book=book, by=["month"])
    flags = tuple(f.message for f in priced.flags)
    return actuals_from_groups(
        file, priced.groups, flags, len(frame), priced, price_book=book.fingerprint
    )


def actuals_from_groups(
    file: UsageFile,
    groups: pd.DataFrame,
    flags: tuple[str, ...],
    rows_used: int,
    priced: FrameCost | None = None,
    *,
    days: pd.DataFrame | None = None,
    price_book: str = "",
) -> Actuals:
    """Actuals from priced groups (:attr:`FrameCost.groups` with a ``month`` key), which may be
    the groups of many chunks concatenated: the sums by month and model are exact either way,
    so a file priced in chunks (or on Dask, :mod:`costlab.scale`) equals it priced whole."""
    if groups.empty:
        return Actuals(
            file, _empty_months(), _empty_months(["model", "batch"]), None, flags, 0, price_book
        )
    # The tier is a column of the by-model table when the file uses a tier besides standard.
    tiered = "service_tier" in groups and bool((groups["service_tier"] != "standard").any())
    keys = ["month", "model", "batch", *(["service_tier"] if tiered else [])]
    by_model = sum_groups(groups, keys)
    by_month = sum_groups(groups, ["month"])
    for table in (by_model, by_month):
        table["actual_cost"] = table["total_cost"]
    if priced is None:
        # Chunks keep no per-row table: ``days`` (the first and last day of each month and
        # model) stands for the rows, which is all the run rate and FOCUS periods read.
        # The chunks' groups are added up to one row per key, as one frame priced whole gives.
        keys = [c for c in groups.columns if c not in _SUMMED]
        whole = sum_groups(groups, keys)[list(groups.columns)]
        priced = FrameCost(whole, days if days is not None else pd.DataFrame(), ())
    return Actuals(
        file,
        _tidy_frame(by_month),
        _tidy_frame(by_model),
        priced,
        flags,
        rows_used=rows_used,
        price_book=price_book,
    )


def _tier_column(rows: pd.DataFrame) -> np.ndarray:
    if "service_tier" not in rows:
        return np.full(len(rows), "standard", dtype=object)
    return rows["service_tier"].fillna("standard").to_numpy(dtype=object)


def _tiers_not_offered(
    rows: pd.DataFrame,
    mask: np.ndarray,
    model: Any,
    problems: list[Problem],
    columns: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Rows of ``model`` whose service tier its price on the row's day does not offer: each
    tier one problem naming the tiers the model offers; never priced at the standard rate.
    ``columns`` are the rows' tiers, days and batch flags, converted once for all models."""
    bad = np.zeros(len(rows), dtype=bool)
    tiers, days, batch = columns
    tiered = mask & (tiers != "standard")
    if not tiered.any():  # the usual file: every row standard, nothing to check
        return bad
    for name in sorted(set(tiers[tiered])):
        these = mask & (tiers == name)
        missing = np.zeros(len(rows), dtype=bool)
        offers: list[str] = []
        for e, entry in enumerate(model.prices):
            start = np.datetime64(entry.effective_from, "D")
            end = (
                np.datetime64(model.prices[e + 1].effective_from, "D")
                if e + 1 < len(model.prices)
                else None
            )
            within = these & (days >= start) & (True if end is None else days < end)
            if within.any() and name not in entry.tier_names:
                missing |= within
                offers = list(entry.tier_names)
        if missing.any():
            problems.append(
                _problem(
                    rows,
                    missing,
                    "service_tier",
                    f"{model.id} does not offer the {name} tier (offers: {', '.join(offers)})",
                )
            )
            bad |= missing
    batched = tiered & batch & ~bad
    if batched.any():
        problems.append(
            _problem(rows, batched, "service_tier", "the Batch API has no service tier")
        )
        bad |= batched
    return bad


def _media_not_priced(
    rows: pd.DataFrame, mask: np.ndarray, model: Any, problems: list[Problem]
) -> np.ndarray:
    """Rows of ``model`` with audio or images it neither takes nor prices, or a per-unit count
    (characters, seconds, search calls) it has no price for: problems, never billed at $0."""
    from costlab.cost import check_modalities, unpriced_message

    bad = np.zeros(len(rows), dtype=bool)
    if any(p.per_unit_only for p in model.prices):
        tokens = mask & (
            (rows["input_tokens"].to_numpy() > 0) | (rows["output_tokens"].to_numpy() > 0)
        )
        if tokens.any():
            what = f"{model.id} is billed per character, minute or call only, not per token"
            problems.append(_problem(rows, tokens, "input_tokens", what))
            bad |= tokens
    for component in COMPONENTS:
        name = component.tokens
        if name not in MEDIA_COLUMNS or name not in rows:
            continue
        used = mask & (rows[name].to_numpy() > 0)
        if not used.any():
            continue
        try:
            check_modalities(model, {name: 1}.get)
        except CostlabError as exc:
            problems.append(_problem(rows, used, name, f"{model.id}: {exc.what}"))
            bad |= used
            continue
        priced = any(getattr(p, component.rate, None) is not None for p in model.prices)
        if component.falls_back is None and not priced:
            problems.append(
                _problem(rows, used, name, f"{model.id}: {unpriced_message(component)}")
            )
            bad |= used
    return bad


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
        return actuals_from_billed(usage, billed, 0)
    table = billed.assign(month=_month_labels(billed["date"].to_numpy().astype("datetime64[D]")))
    return actuals_from_billed(
        usage,
        table[["month", "model", "billed_cost"]].rename(columns={"billed_cost": "actual_cost"}),
        len(billed),
    )


def actuals_from_billed(file: UsageFile, billed: pd.DataFrame, rows_used: int) -> Actuals:
    """Actuals of a cost export from ``month``, ``model``, ``actual_cost`` rows (billed amounts,
    or the sums of several chunks: the exact sums by month and model are the same)."""
    if billed.empty:
        return Actuals(
            file,
            pd.DataFrame(columns=["month", "actual_cost"]),
            pd.DataFrame(columns=["month", "model", "actual_cost"]),
        )
    by_model = (
        billed.groupby(["month", "model"], sort=True)["actual_cost"].agg(exact_sum).reset_index()
    )
    by_month = billed.groupby(["month"], sort=True)["actual_cost"].agg(exact_sum).reset_index()
    for frame in (by_model, by_month):
        frame["actual_cost"] = column(tidy(v) for v in frame["actual_cost"])
    return Actuals(file, by_month, by_model, rows_used=rows_used)


def load_actuals(path: str | Path, *, book: PriceBook | None = None) -> Actuals:
    """Read and price a usage export: :func:`read_usage` then :func:`price_usage_file`."""
    return price_usage_file(read_usage(path), book=book)
