"""Lines: a scenario expanded into the unit the engine prices (workload x route x batch part)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from costlab.errors import CostlabError
from costlab.exact import EXACT, ONE, ZERO, tidy
from costlab.money import MONEY
from costlab.prices import Model, PriceBook
from costlab.ranges import Band
from costlab.scenario import NumberPath, Scenario, Workload, base_number
from costlab.scenario_checks import check_models
from costlab.usage import MEDIA_COLUMNS

if TYPE_CHECKING:
    import pandas as pd


def expand(
    scenario: Scenario,
    book: PriceBook,
    band: Band = "base",
    ends: Mapping[NumberPath, Band] | None = None,
) -> pd.DataFrame:
    """:func:`expand_rows` as a table (the engine's input)."""
    import pandas as pd

    return pd.DataFrame(expand_rows(scenario, book, band, ends))


def expand_rows(
    scenario: Scenario,
    book: PriceBook,
    band: Band = "base",
    ends: Mapping[NumberPath, Band] | None = None,
) -> list[dict[str, Any]]:
    """One row per line (workload x route x batch part) with per-request tokens and shares.

    ``scenario`` may hold ranges: ``band`` picks the value each range contributes, and the
    rows are the same for every band (a batch part exists when any band sends batch traffic),
    so bands line up row by row. Columns: ``workload``, ``where`` (for errors), ``role``,
    ``leg``, ``model`` (as written), ``field`` (where it is named), ``batch``,
    ``service_tier`` (standard for the batch part), ``per_day``,
    ``volume`` (requests per day or per month, first month), ``growth`` (tuple of per-month
    rates from the second month), ``share`` (requests on this line per task, before retries),
    ``task_share`` (tasks first served here), ``attempts`` (1 + retry_rate), per-request
    token counts of :data:`costlab.usage.TOKEN_COLUMNS` and ``reasoning_tokens``, and
    ``images`` (images per request). ``ends`` forces the end of given ranged numbers (see
    :meth:`~costlab.scenario.Scenario.at`).
    """
    resolved = scenario.at(band, ends)
    models = check_models(scenario, book)
    rows: list[dict[str, Any]] = []
    for i, (template, workload) in enumerate(
        zip(scenario.workloads, resolved.workloads, strict=True)
    ):
        where = scenario.workload_where(i)
        batch_parts = _batch_parts(template, workload)
        growth = _growth_rates(workload, scenario.months)
        per_day = workload.requests_per_day is not None
        volume = base_number(workload.requests_per_day if per_day else workload.requests_per_month)
        previous_output = ZERO
        for route in workload.routes:
            model = models[route.model]
            step = route.step
            retry = step.retry_rate if step is not None and step.retry_rate is not None else None
            attempts = ONE + base_number(retry if retry is not None else workload.retry_rate)
            own = workload
            if step is not None:
                # A cascade step's own prompt and output sizes, and the previous attempt's
                # output added to its prompt when it reviews or repairs it.
                changes = {
                    name: getattr(step, name)
                    for name in ("input_tokens", "output_tokens")
                    if getattr(step, name) is not None
                }
                if changes.get("input_tokens") is not None:
                    changes["sample"] = None
                own = dataclasses.replace(workload, **changes) if changes else workload
            tokens = request_tokens(resolved, i, own, model, book)
            if step is not None and step.include_previous_output:
                tokens = _with_extra_input(tokens, previous_output)
            previous_output = tokens["output_tokens"]
            share = base_number(route.share)
            for batch, part in batch_parts:
                rows.append(
                    {
                        "workload": workload.name,
                        "where": where,
                        "role": route.role,
                        "leg": route.leg,
                        "model": route.model,
                        "field": route.field,
                        "batch": batch,
                        # Batch requests are the Batch API's own tier.
                        "service_tier": "standard" if batch else workload.service_tier,
                        "data_residency": workload.data_residency,
                        "per_day": per_day,
                        "volume": tidy(volume),
                        "growth": growth,
                        "share": tidy(EXACT.multiply(share, part)),
                        "task_share": tidy(EXACT.multiply(share, part))
                        if route.serves_tasks
                        else ZERO,
                        "attempts": tidy(attempts),
                        "window": (0, scenario.months),
                        **tokens,
                    }
                )
    return _retirements(scenario, resolved, rows, models, book)


def _retirements(
    scenario: Scenario,
    resolved: Scenario,
    rows: list[dict[str, Any]],
    models: Mapping[str, Model],
    book: PriceBook,
) -> list[dict[str, Any]]:
    """``on_retire``: a line whose model shuts down inside the horizon stops in the month of
    the shutdown (``stop``), or continues from that month on the successor the price book
    names (``successor``, following a chain of successors). ``keep`` prices it on, flagged."""
    months = scenario.month_starts()
    policy = {w.name: w.on_retire for w in resolved.workloads}
    out: list[dict[str, Any]] = []
    for row in rows:
        rule = policy[row["workload"]]
        current, start = row, 0
        for _ in range(10):  # a chain of successors, bounded
            model = models.get(current["model"]) or book.resolve(current["model"])
            stop = _shutdown_month(model, months)
            if rule == "keep" or stop is None or stop <= start:
                break
            label = f"{months[stop].year:04d}-{months[stop].month:02d}"
            shutdown = model.lifecycle.retires_on if model.lifecycle else None
            out.append({**current, "window": (start, stop)})
            if rule == "stop":
                out[-1]["retire_note"] = (
                    f"{model.id} shuts down on {shutdown}: this workload's traffic to it stops "
                    f"from {label} (on_retire: stop)"
                )
                current = {}
                break
            successor = model.lifecycle.successor if model.lifecycle else None
            if successor is None:
                raise CostlabError(
                    f"{model.id} shuts down on {model.lifecycle.retires_on if model.lifecycle else '?'} "
                    "and the price book names no successor; use on_retire: stop or keep",
                    scenario.label,
                    row["where"],
                    "on_retire",
                )
            moved = book.resolve(successor).id
            current = {
                **current,
                "model": moved,
                "window": (stop, len(months)),
                "retire_note": f"{model.id} shuts down on {shutdown}: from {label} this "
                f"workload's traffic goes to its successor {moved} (on_retire: successor)",
            }
            start = stop
        if current:
            out.append(current)
    return out


def _shutdown_month(model: Model, months: Sequence[date]) -> int | None:
    """Index of the first month in which ``model`` is shut down for at least part of it."""
    life = model.lifecycle
    if life is None or life.retires_on is None:
        return None
    for index, first in enumerate(months):
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        if life.retires_on < following:
            return index
    return None


def _with_extra_input(tokens: dict[str, Any], extra: Decimal) -> dict[str, Any]:
    """Per-request tokens with ``extra`` uncached prompt tokens added."""
    return {**tokens, "input_tokens": tidy(EXACT.add(tokens["input_tokens"], extra))}


def _batch_parts(template: Workload, workload: Workload) -> list[tuple[bool, Decimal]]:
    """(batch?, share of requests) parts present in any band, valued for this band."""
    share = base_number(workload.batch_share)
    spread = template.batch_share
    lowest = spread.low if not isinstance(spread, Decimal) else spread
    highest = spread.high if not isinstance(spread, Decimal) else spread
    parts = []
    if lowest < 1:
        parts.append((False, EXACT.subtract(ONE, share)))
    if highest > 0:
        parts.append((True, share))
    return parts


def _growth_rates(workload: Workload, months: int) -> tuple[Decimal, ...]:
    if isinstance(workload.growth, tuple):
        return tuple(base_number(r) for r in workload.growth)
    return (base_number(workload.growth),) * (months - 1)


_AUDIO_PARTS: tuple[tuple[Literal["input", "output"], str], ...] = (
    ("input", "input_audio_tokens"),
    ("output", "output_audio_tokens"),
)


def request_tokens(
    scenario: Scenario,
    index: int,
    workload: Workload,
    model: Model,
    book: PriceBook | None = None,
) -> dict[str, Decimal]:
    """Per-request tokens of a (range-free) workload on a model.

    ``input_tokens`` includes the cached part and the images' tokens; ``output_tokens``
    includes reasoning tokens. A ``sample`` is measured on this model (its mean input tokens
    per request replace ``input_tokens``); images use the model's image rule from the price
    book. Both depend on the model, so a comparison re-measures them per candidate.
    """
    where = (scenario.source or None, scenario.workload_where(index))
    if workload.sample is not None:
        input_tokens = sample_tokens(scenario, workload.sample, model, book, where)
    else:
        input_tokens = base_number(workload.input_tokens)
    images = ZERO if workload.images is None else base_number(workload.images.count)
    # A model without image input cannot serve the workload at all (flagged "modality"), and
    # a model without a published image rule gets a "no_image_rule" flag; in both cases the
    # text is still priced so a comparison shows what the text alone would cost.
    if workload.images is not None and images > 0 and model.images is not None:
        from costlab.tokens import image_tokens

        per_image = image_tokens(
            model.images, workload.images.width, workload.images.height, workload.images.detail
        )
        input_tokens = EXACT.add(input_tokens, EXACT.multiply(images, Decimal(per_image)))
    media = {
        name: tidy(base_number(value)) if (value := getattr(workload, name, ZERO)) else ZERO
        for name in MEDIA_COLUMNS
    }
    output = base_number(workload.output_tokens)
    # Audio given as a duration: the model's audio tokens per second (an estimate of its
    # billing), added to the input (after the cache shares) or output and to their audio part. Without a rule (or a
    # voice, for output) the seconds stay unpriced and the line is flagged (forecast.requests).
    unruled = heard = ZERO
    for direction, part in _AUDIO_PARTS:
        seconds = base_number(getattr(workload, f"{direction}_audio_seconds"))
        if not seconds:
            continue
        audio = model.audio.tokens(seconds, direction) if model.audio is not None else None
        if audio is None:
            unruled = EXACT.add(unruled, seconds)
            continue
        media[part] = tidy(EXACT.add(media[part], audio))
        if direction == "input":
            heard = EXACT.add(heard, audio)
        else:
            output = EXACT.add(output, audio)
    reasoning = base_number(workload.reasoning_tokens)
    if workload.reasoning_effort is not None and model.reasoning_effort is not None:
        # the book's assumption for the model at that effort (checked by check_models)
        reasoning = Decimal(model.reasoning_effort.tokens(workload.reasoning_effort))
    cached = EXACT.multiply(input_tokens, base_number(workload.cached_input_share))
    written = EXACT.multiply(input_tokens, base_number(workload.cache_write_share))
    if workload.cache_hit_rate is not None:
        # The hit-rate form: a hit reads the cacheable prefix, a miss writes it (a write bills
        # at the input price where the provider charges no write premium).
        prefix = min(base_number(workload.cacheable_prefix_tokens), input_tokens)
        hit = base_number(workload.cache_hit_rate)
        cached = EXACT.multiply(prefix, hit)
        written = EXACT.multiply(prefix, EXACT.subtract(ONE, hit))
    # the cache shares are of the text (and image) input; heard audio is uncached audio input
    input_tokens = EXACT.add(input_tokens, heard)
    one_hour = workload.cache_write_ttl == "1h"
    return {
        "input_tokens": tidy(input_tokens),
        "cached_input_tokens": tidy(cached),
        "cache_write_tokens": ZERO if one_hour else tidy(written),
        "cache_write_1h_tokens": tidy(written) if one_hour else ZERO,
        "output_tokens": tidy(EXACT.add(output, reasoning)),
        "reasoning_tokens": tidy(reasoning),
        "images": images,
        "unruled_audio_seconds": unruled,
        **media,  # 0 for chat (most lines): no tidy of a zero per line and figure
    }


def sample_tokens(
    scenario: Scenario,
    sample: str,
    model: Model,
    book: PriceBook | None,
    where: tuple[str | None, str],
) -> Decimal:
    """Mean input tokens per request of a sample file (prompt, request JSON, batch JSONL)."""
    path = Path(sample)
    if not path.is_absolute() and scenario.base_dir:
        path = Path(scenario.base_dir) / path
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise CostlabError(f"no such sample file: {path}", *where, "sample") from None
    try:
        requests, tokens = _measured(str(path), stamp, model.id, book)
    except CostlabError as exc:
        raise CostlabError(exc.what, *where, "sample", *exc.where) from None
    # The mean of a sample is a measurement, not money: 127 tokens over 3 requests has no exact
    # decimal, so it is kept to a thousandth of a token (the forecast stays exact from there).
    return tidy(MONEY.divide(Decimal(tokens), Decimal(requests)).quantize(Decimal("0.001")))


@functools.lru_cache(maxsize=256)
def _measured(path: str, stamp: int, model: str, book: PriceBook | None) -> tuple[int, int]:
    """(requests, input tokens) of a sample on a model; cached per file version and model."""
    from costlab.tokens import count_path

    count = count_path(path, model=model, book=book)
    if count.errors:
        raise CostlabError(
            f"{len(count.errors)} bad line(s) in the sample; first: {count.errors[0]}"
        )
    if not count.requests:
        raise CostlabError("the sample holds no request to measure")
    return count.requests, count.input_tokens
