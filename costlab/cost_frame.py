"""The vectorized cost engine: price a pandas DataFrame of usage rows in one call.

Each row is usage of one model on one day: ``model`` (any id or alias), optional ``date``,
token columns holding the row's *totals* (``input_tokens``, ``cached_input_tokens``,
``cache_write_tokens``, ``cache_write_1h_tokens``, ``output_tokens``), optional ``requests``
(default 1 per row), optional ``batch`` and optional ``service_tier`` (standard, flex,
priority, ...; priced from the tier's prices, an error where the model does not offer it)
and optional ``long_context`` (the provider's report of whether the row billed at the
long-context tier: true, false or empty; such rows are not sized per request).
Long-context tiers apply to the row's average
request (``input_tokens / requests``), so a row of one request is tiered exactly.

Token columns are summed as exact integers per group (model, price entry, batch, tier, and the
``by`` columns), and only those sums are multiplied by the Decimal prices: totals are exact to
the last digit however many rows there are. The function is pure and works on any chunk of
rows, so a distributed engine can price chunks and add their exact ``groups`` together
(:func:`combine`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from costlab.cost import Flag, check_modalities, component_costs, lifecycle_flags, price_flags
from costlab.errors import CostlabError
from costlab.prices import Model, PriceBook, load_pricebook, rates_for
from costlab.records import frozen
from costlab.row_costs import add_row_costs
from costlab.tables import exact_sum
from costlab.usage import (
    COST_COLUMNS,
    FALSE_WORDS,
    INFO_COLUMNS,
    INPUT_PARTS,
    MEDIA_COLUMNS,
    OUTPUT_PARTS,
    TOKEN_COLUMNS,
    TRUE_WORDS,
    billed_tokens,
    service_tier_name,
)

_INT_MAX = np.iinfo(np.int64).max

#: Columns a usage frame may have besides the token counts and the ``by`` columns.
_KNOWN_COLUMNS = ("model", "date", "requests", "batch", "service_tier", "long_context")


@frozen
class FrameCost:
    """The priced frame.

    ``groups`` has one row per (``by`` columns, model, price date, batch, tier) with summed
    tokens and requests (integers) and exact ``Decimal`` cost columns. ``rows`` is the input
    with the canonical ``model_id`` and, when asked for, per-row float costs for charts.
    """

    groups: pd.DataFrame
    rows: pd.DataFrame
    flags: tuple[Flag, ...]

    @property
    def total_cost(self) -> Decimal:
        return exact_sum(self.groups["total_cost"])

    def component_totals(self) -> dict[str, Decimal]:
        return {c: exact_sum(self.groups[c]) for c in COST_COLUMNS}

    def totals(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Exact totals summed to any of the ``groups`` key columns (e.g. ``["model"]``)."""
        return sum_groups(self.groups, by)


def sum_groups(groups: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum priced groups to coarser keys; integer and Decimal columns stay exact."""
    numeric = [c for c in ("requests", *TOKEN_COLUMNS, *INFO_COLUMNS) if c in groups]
    if not by:
        row: dict[str, Any] = {c: int(groups[c].sum()) for c in numeric}
        row.update({c: exact_sum(groups[c]) for c in COST_COLUMNS})
        return pd.DataFrame([row])
    grouped = groups.groupby(list(by), sort=True, dropna=False)
    out = grouped[numeric].sum()
    for c in COST_COLUMNS:
        out[c] = grouped[c].agg(exact_sum)
    return out.reset_index()


def combine(parts: Sequence[FrameCost], by: Sequence[str]) -> pd.DataFrame:
    """Add the exact groups of several chunks priced separately."""
    return sum_groups(pd.concat([p.groups for p in parts], ignore_index=True), by)


def _int_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        return np.zeros(len(frame), dtype=np.int64)
    col = frame[name]
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        converted = pd.to_numeric(col, errors="coerce")
        bad = converted.isna() & ~col.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise CostlabError(f"not a number: {col.iloc[row]!r}", f"row {row + 1}", name)
        col = converted
    if col.isna().any():
        row = int(np.flatnonzero(col.isna().to_numpy())[0])
        raise CostlabError("missing value", f"row {row + 1}", name)
    values = col.to_numpy()
    if values.dtype.kind == "f":
        if not np.all(np.isfinite(values)) or np.any(values != np.floor(values)):
            row = int(np.flatnonzero(~np.isfinite(values) | (values != np.floor(values)))[0])
            raise CostlabError(f"must be a whole number, got {values[row]}", f"row {row + 1}", name)
        if np.any(np.abs(values) > 2**53):
            raise CostlabError("too large to count exactly", name)
    values = values.astype(np.int64)
    if values.size and values.min() < 0:
        row = int(np.argmax(values < 0))
        raise CostlabError(f"must be >= 0, got {values[row]}", f"row {row + 1}", name)
    return values


def _batch_column(frame: pd.DataFrame) -> np.ndarray:
    if "batch" not in frame:
        return np.zeros(len(frame), dtype=bool)
    col = frame["batch"]
    if pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=bool)
    text = col.astype(str).str.strip().str.lower()
    truthy = text.isin(list(TRUE_WORDS))
    falsy = text.isin(list(FALSE_WORDS))
    bad = ~(truthy | falsy)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CostlabError(
            f"must be true or false, got {col.iloc[row]!r}", f"row {row + 1}", "batch"
        )
    return truthy.to_numpy()


def _service_tier_column(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Codes into the normalized tier names (``standard`` first), one per row."""
    if "service_tier" not in frame:
        return np.zeros(len(frame), dtype=np.int64), ["standard"]
    col = frame["service_tier"].astype("string").fillna("")
    codes, values = pd.factorize(col, sort=False)
    names = ["standard"]
    remap = np.zeros(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        try:
            name = service_tier_name(str(value))
        except CostlabError as exc:
            row = int(np.argmax(codes == i))
            raise exc.within(f"row {row + 1}") from None
        if name not in names:
            names.append(name)
        remap[i] = names.index(name)
    return remap[codes], names


def _reported_tier_column(frame: pd.DataFrame) -> np.ndarray:
    """-1 where the row is sized per request, 0 / 1 where its provider reports the base or
    the long-context tier."""
    if "long_context" not in frame:
        return np.full(len(frame), -1, dtype=np.int64)
    text = frame["long_context"].astype("string").fillna("").str.strip().str.lower()
    out = np.full(len(frame), -1, dtype=np.int64)
    out[text.isin(list(TRUE_WORDS)).to_numpy()] = 1
    out[(text.isin(list(FALSE_WORDS)) & (text != "")).to_numpy()] = 0
    return out


def _day_column(frame: pd.DataFrame, on: date | None) -> np.ndarray:
    if "date" not in frame:
        return np.full(len(frame), np.datetime64(on or date.today(), "D"))
    col = frame["date"]
    if pd.api.types.is_datetime64_any_dtype(col):
        parsed = col
    else:
        parsed = pd.to_datetime(col, errors="coerce", format="mixed")
        bad = parsed.isna() & ~col.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise CostlabError(f"not a date: {col.iloc[row]!r}", f"row {row + 1}", "date")
    if parsed.isna().any():
        row = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise CostlabError("missing date", f"row {row + 1}", "date")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy().astype("datetime64[D]")


def price_frame(
    frame: pd.DataFrame,
    *,
    book: PriceBook | None = None,
    by: Sequence[str] = (),
    on: date | None = None,
    row_costs: bool = False,
) -> FrameCost:
    """Price every usage row of ``frame``; see the module docstring for the columns.

    ``by`` names extra columns of ``frame`` to keep in ``groups`` (e.g. a ``month`` column);
    ``on`` is the pricing date for rows without a ``date`` column (default today).
    """
    book = book or load_pricebook()
    if "model" not in frame:
        raise CostlabError("missing column 'model'", "usage")
    missing = [c for c in by if c not in frame]
    if missing:
        raise CostlabError(f"missing column '{missing[0]}'", "usage")
    # Other columns may ride along (labels, notes), but one that looks like a usage column and
    # is not one is a misspelling whose tokens would silently price at $0.
    known = [*_KNOWN_COLUMNS, *TOKEN_COLUMNS, *INFO_COLUMNS]
    for name in frame.columns:
        if name in known or name in by:
            continue
        close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.8)
        if close or "token" in str(name).lower():
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise CostlabError(
                f"unknown usage column{hint}; usage columns are {', '.join(known)}",
                "usage",
                str(name),
            )
    if not any(c in frame for c in TOKEN_COLUMNS):
        raise CostlabError(
            f"no token column; give one or more of {', '.join(TOKEN_COLUMNS)}", "usage"
        )
    n = len(frame)
    # Media and per-unit columns a file does not have stay out of the per-row arrays (1M rows
    # x 9 zero columns was 170 MB); they are 0 in the groups.
    counted = [c for c in (*TOKEN_COLUMNS, *INFO_COLUMNS) if c in frame or c not in MEDIA_COLUMNS]
    tokens = {c: _int_column(frame, c) for c in counted}
    requests = _int_column(frame, "requests") if "requests" in frame else np.ones(n, np.int64)
    parts = sum(tokens[p] for p in INPUT_PARTS if p in tokens)
    over = parts > tokens["input_tokens"]
    if over.any():
        row = int(np.argmax(over))
        raise CostlabError(
            "cached and cache-write tokens exceed input_tokens",
            f"row {row + 1}",
            "cached_input_tokens",
        )
    out_parts = sum((tokens[p] for p in OUTPUT_PARTS if p in tokens), np.zeros(n, np.int64))
    over_out = out_parts > tokens["output_tokens"]
    if over_out.any():
        row = int(np.argmax(over_out))
        raise CostlabError(
            "audio and image output tokens exceed output_tokens",
            f"row {row + 1}",
            "output_audio_tokens" if "output_audio_tokens" in tokens else "output_image_tokens",
        )
    wrong = tokens["reasoning_tokens"] > tokens["output_tokens"]
    if wrong.any():
        row = int(np.argmax(wrong))
        raise CostlabError(
            "reasoning tokens exceed output_tokens (output includes reasoning)",
            f"row {row + 1}",
            "reasoning_tokens",
        )
    batch = _batch_column(frame)
    service_codes, service_names = _service_tier_column(frame)
    reported_tier = _reported_tier_column(frame)
    days = _day_column(frame, on)

    names = frame["model"].astype("string")
    if names.isna().any():
        row = int(np.flatnonzero(names.isna().to_numpy())[0])
        raise CostlabError("missing model", f"row {row + 1}", "model")
    name_codes, name_values = pd.factorize(names, sort=False)
    models: list[Model] = []
    model_index: dict[str, int] = {}
    name_to_model = np.empty(len(name_values), dtype=np.int64)
    for i, name in enumerate(name_values):
        try:
            model = book.resolve(str(name))
        except CostlabError as exc:
            row = int(np.argmax(name_codes == i))
            raise exc.within(f"row {row + 1}") from None
        if model.id not in model_index:
            model_index[model.id] = len(models)
            models.append(model)
        name_to_model[i] = model_index[model.id]
    model_codes = name_to_model[name_codes]

    # The price entry in force on each row's day, and the long-context tier of its average request.
    entry_codes = np.zeros(n, dtype=np.int64)
    tier_codes = np.zeros(n, dtype=np.int64)
    safe_requests = np.maximum(requests, 1)
    flags: list[Flag] = []
    for m, model in enumerate(models):
        mask = model_codes == m
        starts = np.array([np.datetime64(p.effective_from, "D") for p in model.prices])
        idx = np.searchsorted(starts, days[mask], side="right") - 1
        if (idx < 0).any():
            row = int(np.flatnonzero(mask)[np.argmax(idx < 0)])
            raise CostlabError(
                f"no price for {model.id} on {days[row]} (first price from {model.prices[0].effective_from})",
                f"row {row + 1}",
                "date",
            )
        entry_codes[mask] = idx
        per_request_input = tokens["input_tokens"][mask] / safe_requests[mask]
        per_request_output = tokens["output_tokens"][mask] / safe_requests[mask]
        reported = reported_tier[mask]
        for e, entry in enumerate(model.prices):
            if entry.tiers:
                sub = idx == e
                thresholds = np.array([t.above_input_tokens for t in entry.tiers], dtype=np.float64)
                levels = np.searchsorted(thresholds, per_request_input[sub], side="left")
                # a row whose provider reports the tier takes it (the first long-context tier)
                told = reported[sub]
                levels = np.where(told < 0, levels, np.minimum(told, 1))
                local = tier_codes[mask]
                local[sub] = levels
                tier_codes[mask] = local
        last_day = days[mask].max().astype(object) if mask.any() else None
        flags.extend(
            _limit_flags(
                model,
                per_request_input[reported < 0],
                per_request_output[reported < 0],
                np.flatnonzero(mask)[reported < 0],
                last_day,
            )
        )
        if last_day is not None:
            flags.extend(lifecycle_flags(model, last_day))

    keys = pd.DataFrame(
        {
            "_model": model_codes,
            "_entry": entry_codes,
            "_batch": batch,
            "_tier": tier_codes,
            "_service": service_codes,
            **{c: frame[c].to_numpy() for c in by},
        }
    )
    columns: dict[str, np.ndarray] = {}
    for c, values in {"requests": requests, **tokens}.items():
        peak = int(values.max()) if values.size else 0
        # Values so large that an int64 sum could overflow are summed as Python ints instead.
        columns[c] = values.astype(object) if peak > _INT_MAX // max(n, 1) else values
    sums = pd.DataFrame(columns)
    group_keys = ["_model", "_entry", "_batch", "_tier", "_service", *by]
    grouped = pd.concat([keys, sums], axis=1).groupby(group_keys, sort=False, dropna=False)
    summed = grouped[["requests", *counted]].sum().reset_index()
    for c in TOKEN_COLUMNS:
        if c not in summed:
            summed[c] = 0

    records: list[dict[str, Any]] = []
    rate_cache: dict[tuple[int, int, bool, int, int], Any] = {}
    for group in summed.to_dict("records"):
        m, e, b, t, s = (
            int(group["_model"]),
            int(group["_entry"]),
            bool(group["_batch"]),
            int(group["_tier"]),
            int(group["_service"]),
        )
        model = models[m]
        entry = model.prices[e]
        tier = entry.tiers[t - 1] if t > 0 else None
        rates = rate_cache.get((m, e, b, t, s))
        if rates is None:
            try:
                rates = rates_for(entry, batch=b, long_context=tier, tier=service_names[s])
            except CostlabError as exc:
                row = _first_row(model_codes == m, entry_codes == e, service_codes == s)
                raise exc.within(f"row {row + 1}", model.id) from None
            rate_cache[(m, e, b, t, s)] = rates
        counts = {c: int(group[c]) for c in TOKEN_COLUMNS}
        try:
            check_modalities(model, counts.__getitem__)
            costs = component_costs(billed_tokens(counts.__getitem__), rates)
        except CostlabError as exc:
            row = _first_row(model_codes == m, entry_codes == e, service_codes == s)
            raise exc.within(f"row {row + 1}", model.id) from None
        record: dict[str, Any] = {c: group[c] for c in by}
        record.update(
            model=model.id,
            provider=model.provider,
            price_effective_from=entry.effective_from,
            batch=b,
            service_tier=service_names[s],
            long_context_tier=tier.above_input_tokens if tier else None,
            requests=int(group["requests"]),
            **{c: int(group[c]) for c in (*TOKEN_COLUMNS, *INFO_COLUMNS)},
            **costs,
        )
        records.append(record)
        flags.extend(price_flags(model, entry, batch=b, cached=False))
    groups = pd.DataFrame.from_records(
        records,
        columns=[
            *by,
            "model",
            "provider",
            "price_effective_from",
            "batch",
            "service_tier",
            "long_context_tier",
            "requests",
            *TOKEN_COLUMNS,
            *INFO_COLUMNS,
            *COST_COLUMNS,
        ],
    )

    rows = frame.copy(deep=False)
    rows["model_id"] = pd.Categorical.from_codes(model_codes, pd.Index([m.id for m in models]))
    if row_costs:
        add_row_costs(
            rows,
            models,
            (model_codes, entry_codes, batch, tier_codes, service_codes),
            service_names,
            tokens,
        )
    return FrameCost(groups=groups, rows=rows, flags=tuple(dict.fromkeys(flags)))


def _first_row(*masks: np.ndarray) -> int:
    both = masks[0]
    for mask in masks[1:]:
        both = both & mask
    return int(np.argmax(both))


def _limit_flags(
    model: Model,
    per_request_input: np.ndarray,
    per_request_output: np.ndarray,
    rows: np.ndarray,
    day: date | None = None,
) -> list[Flag]:
    total = per_request_input + per_request_output
    over = total > model.context_window
    extended = model.extended_context
    checks = []
    if extended is not None and extended.served_on(day):
        within = over & (total <= extended.context_window)
        over = over & ~within
        checks.append(
            (
                "extended_context",
                within,
                f"use the extended {extended.context_window:,}-token window: "
                f"{extended.requirement}",
            )
        )
    checks += [
        (
            "context_window",
            over,
            f"exceed the {model.context_window:,}-token context window",
        ),
        (
            "max_output",
            per_request_output > model.max_output_tokens,
            f"exceed the {model.max_output_tokens:,}-token max output",
        ),
    ]
    if model.max_input_tokens is not None:
        checks.append(
            (
                "max_input",
                per_request_input > model.max_input_tokens,
                f"exceed the {model.max_input_tokens:,}-token input limit",
            )
        )
    flags = []
    for code, bad, what in checks:
        count = int(bad.sum())
        if count:
            first = int(rows[np.argmax(bad)]) + 1
            flags.append(Flag(code, f"{model.id}: {count:,} row(s) {what} (first: row {first})"))
    return flags
