"""The cost of one request of each line under each price entry, and the flags of each line."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costlab.cost import Cost, Flag, lifecycle_flags, price_usage
from costlab.errors import CostlabError
from costlab.exact import ZERO, tidy
from costlab.forecast.figures import ForecastFlag, days_in_month, month_label
from costlab.prices import Model, PriceBook
from costlab.usage import (
    COST_COLUMNS,
    INPUT_PARTS,
    MEDIA_COLUMNS,
    OUTPUT_PARTS,
    TOKEN_COLUMNS,
    Usage,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: The cost columns a request's cost is split into (the total is their sum).
_PARTS = COST_COLUMNS[:-1]

_REQUEST_FLAGS = frozenset(
    {
        "context_window",
        "max_input",
        "max_output",
        "no_batch",
        "no_cached_price",
        "no_reasoning",
        "extended_context",
    }
)


def _request_costs(
    lines: pd.DataFrame, months: Sequence[date], book: PriceBook
) -> tuple[
    dict[str, np.ndarray], list[Model], np.ndarray, np.ndarray, np.ndarray, list[ForecastFlag]
]:
    """:func:`request_costs` of a table of lines, as the engine's numpy arrays."""
    import numpy as np

    n_lines, n_months = len(lines), len(months)
    columns = {str(c): lines[c].tolist() for c in lines.columns}
    per_shape, models, line_model, line_shape, entry_of_month, flags = request_costs(
        columns, n_lines, months, book
    )
    n_entries = max((len(m.prices) for m in models), default=1)
    grids = {}
    for name, rows in per_shape.items():
        grid = np.full((len(rows), n_entries), ZERO, dtype=object)
        for s, row in enumerate(rows):
            grid[s, :] = row
        grids[name] = grid
    entry = (
        np.array(entry_of_month, dtype=np.int64)
        if entry_of_month
        else np.empty((0, n_months), dtype=np.int64)
    )
    return (
        grids,
        models,
        np.array(line_model, dtype=np.int64),
        np.array(line_shape, dtype=np.int64),
        entry,
        flags,
    )


def request_costs(
    columns: Mapping[str, Sequence[Any]], n_lines: int, months: Sequence[date], book: PriceBook
) -> tuple[
    dict[str, list[list[Decimal]]],
    list[Model],
    list[int],
    list[int],
    list[list[int]],
    list[ForecastFlag],
]:
    """Cost of one request of each distinct shape under each price entry, by component, from
    the cost engine; with each line's model and shape, and each model's entry per month.

    ``columns`` are the lines' columns (see :func:`~costlab.forecast.lines.expand_rows`) by
    name; plain Python, so small scenarios are priced without numpy."""
    n_months = len(months)
    labels = [month_label(m) for m in months]

    def col(name: str, default: Any) -> Sequence[Any]:
        return columns[name] if name in columns else [default] * n_lines

    names = col("model", "")
    where_of, field_of = col("where", ""), col("field", "")
    models: list[Model] = []
    model_code: dict[str, int] = {}
    line_model: list[int] = []
    entry_of_month: list[list[int]] = []
    flags: list[ForecastFlag] = []
    for i, name in enumerate(names):
        code = model_code.get(name)
        if code is None:
            where = (str(where_of[i]), str(field_of[i]))
            try:
                model = book.resolve(name)
            except CostlabError as exc:
                raise CostlabError(exc.what, *where) from None
            code = model_code[name] = len(models)
            models.append(model)
            entry_of_month.append(_entries(model, months, where))
        line_model.append(code)

    # Distinct request shapes (model, batch, tokens) are priced once per price entry.
    shape_of: dict[tuple[Any, ...], int] = {}
    line_shape: list[int] = []
    counted = (*TOKEN_COLUMNS, "reasoning_tokens")
    counts_of = [col(c, ZERO) for c in counted]
    batch = col("batch", False)
    tiers = col("service_tier", "standard")
    resident = col("data_residency", False)
    shapes: list[tuple[Any, ...]] = []
    shape_where: list[tuple[str, ...]] = []
    for i in range(n_lines):
        key = (
            line_model[i],
            bool(batch[i]),
            str(tiers[i]),
            bool(resident[i]),
            *(c[i] for c in counts_of),
        )
        s = shape_of.get(key)
        if s is None:
            s = shape_of[key] = len(shapes)
            shapes.append(key)
            shape_where.append((str(where_of[i]),))
        line_shape.append(s)

    n_entries = max((len(m.prices) for m in models), default=1)
    per_shape = {name: [[ZERO] * n_entries for _ in shapes] for name in _PARTS}
    shape_flags: list[list[Flag]] = []
    for s, (m, is_batch, tier, in_region, *counts) in enumerate(shapes):
        model = models[m]
        usage = Usage(
            **dict(zip(counted, counts, strict=True)),
            batch=is_batch,
            service_tier=tier,
            data_residency=in_region,
        )
        by_entry: dict[int, Cost] = {}
        unserved: list[Flag] = []
        for month_index, entry in enumerate(entry_of_month[m]):
            if entry in by_entry:
                continue
            try:
                cost = by_entry[entry] = _price_or_flag(model, usage, months[month_index], unserved)
            except CostlabError as exc:
                # a tier the model's price of a later month no longer offers
                raise CostlabError(
                    f"{exc.what} on {months[month_index]}", shape_where[s][0], *exc.where
                ) from None
            for name in _PARTS:
                per_shape[name][s][entry] = tidy(cost.costs[name])
        found = {f.code: f for c in by_entry.values() for f in c.flags if f.code in _REQUEST_FLAGS}
        found.update({f.code: f for f in unserved})
        shape_flags.append(list(found.values()))

    # Per workload: the request flags of its shapes, image input on a model without image
    # input, and the model's lifecycle over the horizon.
    seen: set[tuple[str, str, str]] = set()
    lifecycle: dict[tuple[int, int, int], list[ForecastFlag]] = {}
    windows = col("window", (0, n_months))
    notes = col("retire_note", None)
    images = col("images", ZERO)
    unruled_audio = col("unruled_audio_seconds", ZERO)
    workloads = col("workload", "")
    for i in range(n_lines):
        m = line_model[i]
        model, workload = models[m], str(workloads[i])
        found_flags = [
            ForecastFlag(workload, model.id, f.code, f.message) for f in shape_flags[line_shape[i]]
        ]
        if images[i] > 0 and "image" in model.input_modalities and model.images is None:
            found_flags.append(
                ForecastFlag(
                    workload,
                    model.id,
                    "no_image_rule",
                    f"{model.id}: the price book has no image-token rule for this model; "
                    "its images are not priced",
                )
            )
        if unruled_audio[i] > 0:
            audio = "audio" in (*model.input_modalities, *model.output_modalities)
            why = (
                "no published rule turns seconds of audio into its audio tokens (or it does "
                "not speak); give the audio as tokens"
                if audio
                else f"takes {', '.join(model.input_modalities)} and no audio"
            )
            found_flags.append(
                ForecastFlag(workload, model.id, "modality", f"{model.id}: {why}. Not priced")
            )
        if images[i] > 0 and "image" not in model.input_modalities:
            accepted = ", ".join(model.input_modalities)
            found_flags.append(
                ForecastFlag(
                    workload,
                    model.id,
                    "modality",
                    f"{model.id}: accepts {accepted} input only; this workload sends images",
                )
            )
        note = notes[i]
        if isinstance(note, str) and note:
            found_flags.append(ForecastFlag(workload, model.id, "on_retire", note))
        # Lifecycle over the months the line sends traffic (on_retire may end it early).
        start, stop = windows[i]
        if (m, start, stop) not in lifecycle:
            lifecycle[(m, start, stop)] = (
                _lifecycle(model, months[start:stop], labels[start:stop]) if stop > start else []
            )
        found_flags.extend(
            dataclasses.replace(f, workload=workload) for f in lifecycle[(m, start, stop)]
        )
        for flag in found_flags:
            seen_key = (workload, model.id, flag.code)
            if seen_key not in seen:
                seen.add(seen_key)
                flags.append(flag)
    return per_shape, models, line_model, line_shape, entry_of_month, flags


def _price_or_flag(model: Model, usage: Usage, day: date, flags: list[Flag]) -> Cost:
    """The request priced; audio, images or a per-unit count the model cannot take or has no
    price for is a blocking ``modality`` flag, and the rest of the request is still priced
    (as for images), so a comparison shows what the model would cost without it."""
    try:
        return price_usage(model, usage, on=day)
    except CostlabError as exc:
        tokens = ("input_tokens", "output_tokens")
        if any(w in tokens for w in exc.where) and "not per token" in exc.what:
            # a speech or transcription model asked for tokens: price its units only
            zeros: dict[str, Any] = dict.fromkeys((*tokens, *INPUT_PARTS, *OUTPUT_PARTS), 0)
            zeros.update(reasoning_tokens=0)
        elif any(w in MEDIA_COLUMNS for w in exc.where):
            zeros = dict.fromkeys(MEDIA_COLUMNS, 0)
        else:
            raise
        flags.append(Flag("modality", f"{model.id}: {exc.what}; not priced"))
        return _price_or_flag(model, dataclasses.replace(usage, **zeros), day, flags)


def _entries(model: Model, months: Sequence[date], where: tuple[str, str]) -> list[int]:
    """Index of the price entry in force on the first day of each month."""
    out = []
    for day in months:
        try:
            entry = model.price_on(day)
        except CostlabError as exc:
            raise CostlabError(exc.what, *where) from None
        out.append(model.prices.index(entry))
    return out


def _lifecycle(model: Model, months: Sequence[date], labels: Sequence[str]) -> list[ForecastFlag]:
    """Retirement and deprecation as the horizon sees them (the first month each applies)."""
    out: list[ForecastFlag] = []
    codes: set[str] = set()
    for day, label in zip(months, labels, strict=True):
        for flag in lifecycle_flags(model, day):
            if flag.code in codes:
                continue
            codes.add(flag.code)
            message = flag.message
            if flag.code == "retired":
                message += f"; months from {label} are priced at its last price"
            out.append(ForecastFlag("", model.id, flag.code, message, label))
    life = model.lifecycle
    retires = life.retires_on if life is not None else None
    if retires is not None and months[0] < retires <= _horizon_end(months):
        out.append(
            ForecastFlag(
                "",
                model.id,
                "retires",
                f"{model.id}: retires on {retires}, inside the forecast horizon "
                f"({labels[0]} to {labels[-1]})",
                month_label(retires),
            )
        )
    return out


def _horizon_end(months: Sequence[date]) -> date:
    last = months[-1]
    return date(last.year, last.month, days_in_month(last))
