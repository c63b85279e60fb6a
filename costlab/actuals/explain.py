"""Actual minus forecast, split by cause into additive effects that sum exactly.

Method: a sequential price-volume-mix decomposition with a fixed order (chained
substitution). Each month is described by one *state*: the requests, each model's share of
them, each model's batch share, per (model, batch) cell the tokens per request (input,
visible output, reasoning), the cache rates (cached and cache-write shares of the input) and
the effective USD per 1M tokens of every billed component. Starting from the forecast's state,
the factors are replaced by the actual ones one at a time, in this order:

    volume -> mix -> batch_share -> input_tokens -> output_tokens -> reasoning_tokens
    -> cache_rate -> price

and each effect is the cost after the replacement minus the cost before it. The cost of the
last state is the actual cost of the models the forecast planned; ``unexplained`` is the rest
(models the scenario did not plan, and anything the state cannot describe). The states are
computed with exact rational arithmetic (:class:`fractions.Fraction`) and the effects are
differences of consecutive states, so they telescope: they add up to actual - forecast to the
last digit. A state that is not a terminating decimal (a share of 1/3) is kept to 80
significant digits; the error stays inside adjacent effects and never in the sum.

* **Price** compares, per component, the forecast's rate (the price in force on the first day
  of the month, as the forecast assumes) with the actual effective rate (cost / tokens over the
  rows' own dates), so a mid-month price change shows here. A long-context tier reached by
  the actual request sizes also shows as price.
* **Reasoning**: when the usage file reports no reasoning tokens at all, the forecast's
  reasoning per request is kept and every change in output shows under ``output_tokens``.
* The mix is over models (a usage export knows models, not the scenario's workloads).
* Order matters for the split (not the sum): volume first values the whole change in requests
  at the forecast's mix, tokens and prices; price last values the price change on the actual
  quantities, as in the usual price-volume-mix analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from datetime import date
from decimal import Decimal, Inexact
from fractions import Fraction
from typing import Any

import pandas as pd

from costlab.actuals.priced import Actuals
from costlab.actuals.vs_forecast import variance
from costlab.errors import CostlabError
from costlab.forecast import Forecast
from costlab.money import MONEY, ZERO
from costlab.prices import PriceBook, load_pricebook
from costlab.prices.rates import rates_for
from costlab.records import frozen
from costlab.tables import EXACT, column, exact_sum, records, tidy
from costlab.usage import INPUT_PARTS, MEDIA_COST_COLUMNS, OUTPUT_PARTS

#: The effects, in the order they are applied; each is a column ``<effect>_usd``.
EFFECTS: tuple[str, ...] = (
    "volume",
    "mix",
    "batch_share",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cache_rate",
    "service_tier",
    "price",
    "unexplained",
)

#: What each effect means, for tables and the README.
EFFECT_LABELS: Mapping[str, str] = {
    "volume": "requests",
    "mix": "share of requests per model",
    "batch_share": "share sent through the Batch API",
    "input_tokens": "input tokens per request",
    "output_tokens": "output tokens per request",
    "reasoning_tokens": "reasoning tokens per request",
    "cache_rate": "cached and cache-write shares of the input",
    "service_tier": "service tiers of the requests (priority, flex, ...) at the book's prices",
    "price": "price in force on the actual dates vs the forecast's",
    "unexplained": "models not planned, and the rest",
}

#: Billed components as the cost tables hold them: (cost column, token count).
_COMPONENTS = ("input", "cached", "write", "output")

_MTOK = Fraction(1_000_000)


@frozen
class _Cell:
    """Per-request profile and rates of one (model, batch) cell."""

    input: Fraction
    output: Fraction
    """visible output (reasoning excluded)"""
    reasoning: Fraction
    cached_share: Fraction
    write_share: Fraction
    rates: Mapping[str, Fraction]
    """USD per 1M tokens of each of :data:`_COMPONENTS`"""
    media: Fraction = Fraction(0)
    """USD per request of audio, images and tool calls (a part of the request's profile)"""


@frozen
class _State:
    """One month as the causes see it: the forecast's, the actuals' or one between them."""

    requests: Fraction
    shares: Mapping[str, Fraction]
    batch: Mapping[str, Fraction]
    cells: Mapping[tuple[str, bool], _Cell]
    tier_rates: Mapping[tuple[str, bool], Mapping[str, Fraction]] | None = None
    """the forecast's rates scaled to the actual service-tier mix (actual states only)"""

    def cost(self) -> Fraction:
        total = Fraction(0)
        for (model, is_batch), cell in self.cells.items():
            share = self.shares.get(model, Fraction(0))
            part = self.batch.get(model, Fraction(0))
            q = self.requests * share * (part if is_batch else 1 - part)
            if not q:
                continue
            i = cell.input
            per_request = (
                i * (1 - cell.cached_share - cell.write_share) * cell.rates["input"]
                + i * cell.cached_share * cell.rates["cached"]
                + i * cell.write_share * cell.rates["write"]
                + (cell.output + cell.reasoning) * cell.rates["output"]
            )
            total += q * (per_request / _MTOK + cell.media)
        return total


@frozen
class Explanation:
    """Actual minus forecast by cause.

    ``months``: one row per month, then a ``total`` row (the whole period): ``month``,
    ``forecast_cost``, ``actual_cost``, ``variance_usd`` and one ``<effect>_usd`` column per
    :data:`EFFECTS` (exact Decimal USD); the effects of a row add up to its ``variance_usd``
    exactly. ``notes``: what the split could not see (unplanned models, unreported reasoning).
    """

    months: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> dict[str, Decimal]:
        """The whole period's row: ``variance_usd`` and each ``<effect>_usd``."""
        row = self.months.iloc[-1]
        return {c: row[c] for c in self.months.columns if str(c).endswith("_usd")}

    def waterfall(self, month: str = "total") -> pd.DataFrame:
        """``step``, ``usd`` from the forecast through each effect to the actual (for charts)."""
        row = self.months.set_index("month").loc[month]
        steps = [("forecast", row["forecast_cost"])]
        steps += [(e, row[f"{e}_usd"]) for e in EFFECTS]
        steps.append(("actual", row["actual_cost"]))
        return pd.DataFrame({"step": [s for s, _ in steps], "usd": column(v for _, v in steps)})

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "sequential price-volume-mix, order: " + " -> ".join(EFFECTS[:-1]),
            "effects": {e: EFFECT_LABELS[e] for e in EFFECTS},
            "months": records(self.months),
            "notes": list(self.notes),
        }


def explain(actuals: Actuals, fc: Forecast, *, book: PriceBook | None = None) -> Explanation:
    """Split actual minus forecast, for each month the usage covers and the whole period.

    Works on the forecast's ``by(["month", "model", "batch"])`` table and the actuals'
    ``by_model`` table. A cost export (billed amounts, no token counts) cannot be explained.
    """
    if actuals.file.format.startswith("openai-costs"):
        raise CostlabError(
            "a cost export has billed amounts but no token counts; explain the variance from "
            "a usage export",
            actuals.file.source,
        )
    book = book or load_pricebook()
    planned = fc.by(["month", "model", "batch"])
    used = actuals.by_model
    names: dict[str, str] = {}

    def canonical(name: str) -> str:
        if name not in names:
            try:
                names[name] = book.resolve(name).id
            except CostlabError:
                names[name] = name
        return names[name]

    reported_reasoning = bool(len(used)) and any(v != 0 for v in used["reasoning_tokens"])
    unplanned: set[str] = set()
    rows = []
    planned_rows: list[dict[str, Any]] = planned.to_dict("records")  # type: ignore[assignment]
    used_rows: list[dict[str, Any]] = used.to_dict("records")  # type: ignore[assignment]
    for r in used_rows:
        r["model"] = canonical(str(r["model"]))
    for label in variance(actuals, fc)["month"]:
        f_rows = [r for r in planned_rows if str(r["month"]) == label]
        a_rows = [r for r in used_rows if str(r["month"]) == label]
        rows.append(_explain_month(label, f_rows, a_rows, book, reported_reasoning, unplanned))
    total: dict[str, Any] = {"month": "total"}
    for name in ("forecast_cost", "actual_cost", "variance_usd", *(f"{e}_usd" for e in EFFECTS)):
        total[name] = tidy(exact_sum(r[name] for r in rows))
    rows.append(total)
    table = pd.DataFrame(rows)
    for name in table.columns[1:]:
        table[name] = column(table[name])
    notes = []
    if unplanned:
        notes.append(
            "not in the forecast (their cost is unexplained): " + ", ".join(sorted(unplanned))
        )
    if not reported_reasoning and any(v != 0 for v in planned.get("reasoning_tokens", [])):
        notes.append("the usage file reports no reasoning tokens: output includes their change")
    return Explanation(table, tuple(notes))


def _explain_month(
    label: str,
    f_rows: list[dict[str, Any]],
    a_rows: list[dict[str, Any]],
    book: PriceBook,
    reported_reasoning: bool,
    unplanned: set[str],
) -> dict[str, Any]:
    forecast_cost = exact_sum(r["total_cost"] for r in f_rows)
    actual_cost = exact_sum(r["actual_cost"] for r in a_rows)
    models = {str(r["model"]) for r in f_rows if r["requests"]}
    effects = dict.fromkeys(EFFECTS, ZERO)
    if models:
        first_day = date(int(label[:4]), int(label[5:7]), 1)
        start = _state(f_rows, models, None, book, first_day, reported_reasoning)
        end = _state(
            [r for r in a_rows if r["model"] in models],
            models,
            start,
            book,
            first_day,
            reported_reasoning,
        )
        state = replace(start, requests=end.requests)
        chain = [state]
        for step in EFFECTS[1:-1]:
            state = _substitute(state, end, step)
            chain.append(state)
        previous = forecast_cost
        for step, current in zip(EFFECTS[:-1], chain, strict=True):
            value = _decimal(current.cost())
            effects[step] = tidy(EXACT.subtract(value, previous))
            previous = value
        modelled = previous
    else:
        modelled = forecast_cost  # nothing planned: the whole actual is unexplained
    effects["unexplained"] = tidy(EXACT.subtract(actual_cost, modelled))
    unplanned.update(str(r["model"]) for r in a_rows if r["model"] not in models and r["requests"])
    return {
        "month": label,
        "forecast_cost": tidy(forecast_cost),
        "actual_cost": tidy(actual_cost),
        "variance_usd": tidy(EXACT.subtract(actual_cost, forecast_cost)),
        **{f"{e}_usd": v for e, v in effects.items()},
    }


def _substitute(state: _State, end: _State, step: str) -> _State:
    """``state`` with the factor ``step`` taken from ``end``."""
    if step == "mix":
        return replace(state, shares=end.shares)
    if step == "batch_share":
        return replace(state, batch=end.batch)
    if step == "service_tier":
        tiered = end.tier_rates or {}
        cells = {
            key: replace(cell, rates=tiered.get(key, cell.rates))
            for key, cell in state.cells.items()
        }
        return replace(state, cells=cells)
    fields = {
        "input_tokens": ("input",),
        "output_tokens": ("output",),
        "reasoning_tokens": ("reasoning",),
        "cache_rate": ("cached_share", "write_share"),
        "price": ("rates",),
    }[step]
    cells = {
        key: replace(cell, **{f: getattr(end.cells[key], f) for f in fields})
        for key, cell in state.cells.items()
    }
    return replace(state, cells=cells)


def _fraction(value: Any) -> Fraction:
    return Fraction(value) if value is not None else Fraction(0)


def _state(
    rows: Iterable[dict[str, Any]],
    models: set[str],
    fallback: _State | None,
    book: PriceBook,
    first_day: date,
    reported_reasoning: bool,
) -> _State:
    """The state of a month from forecast rows (``fallback`` None) or actual rows.

    A cell without requests takes its profile from the same model's other cell, else from
    ``fallback`` (the forecast); a component without tokens keeps the fallback's rate (for the
    forecast: the book's rate on the month's first day)."""
    sums: dict[tuple[str, bool], dict[str, Fraction]] = {}
    by_tier: dict[tuple[str, bool], dict[str, dict[str, Fraction]]] = {}
    for r in rows:
        key = (str(r["model"]), bool(r["batch"]))
        tier = str(r.get("service_tier") or "standard")
        kinds = by_tier.setdefault(key, {}).setdefault(
            tier, dict.fromkeys(_COMPONENTS, Fraction(0))
        )
        for kind, amount in _tokens_by_kind(r).items():
            kinds[kind] += amount
        acc = sums.setdefault(key, {})
        for name, amount in _text_figures(r).items():
            acc[name] = acc.get(name, Fraction(0)) + amount
    total = sum((s["requests"] for s in sums.values()), Fraction(0))
    per_model: dict[str, Fraction] = {}
    batched: dict[str, Fraction] = {}
    for (model, is_batch), s in sums.items():
        per_model[model] = per_model.get(model, Fraction(0)) + s["requests"]
        if is_batch:
            batched[model] = batched.get(model, Fraction(0)) + s["requests"]
    shares = {m: (per_model.get(m, Fraction(0)) / total if total else Fraction(0)) for m in models}
    batch = {
        m: batched.get(m, Fraction(0)) / per_model[m] if per_model.get(m) else Fraction(0)
        for m in models
    }
    if fallback is not None:  # a model with no actual requests keeps the forecast's batch share
        batch = {m: batch[m] if per_model.get(m) else fallback.batch[m] for m in models}
    cells: dict[tuple[str, bool], _Cell] = {}
    for model in sorted(models):
        for is_batch in (False, True):
            key = (model, is_batch)
            own = sums.get(key)
            other = sums.get((model, not is_batch))
            source = own if own and own["requests"] else other
            base = fallback.cells[key] if fallback is not None else None
            if source is not None and source["requests"]:
                profile = _profile(source, reported_reasoning or fallback is None, base)
            elif base is not None:
                profile = (
                    base.input,
                    base.output,
                    base.reasoning,
                    base.cached_share,
                    base.write_share,
                    base.media,
                )
            else:
                profile = (Fraction(0),) * 6
            rates = _rates(own, base, book, model, is_batch, first_day)
            cells[key] = _Cell(*profile[:5], rates=rates, media=profile[5])
    tier_rates = None
    if fallback is not None:
        tier_rates = {
            key: _tier_scaled(fallback.cells[key].rates, by_tier.get(key, {}), book, key, first_day)
            for key in fallback.cells
        }
    return _State(total, shares, batch, cells, tier_rates)


#: The figures of a row the explanation adds up (tokens, then their costs).
_SUMMED: tuple[str, ...] = ("requests", "input_tokens", "cached_input_tokens", "cache_write_tokens")
_SUMMED += ("cache_write_1h_tokens", "output_tokens", "reasoning_tokens", "input_cost")
_SUMMED += ("cached_input_cost", "cache_write_cost", "output_cost")


def _text_figures(row: Mapping[str, Any]) -> dict[str, Fraction]:
    """A row's figures as the explanation models them: text tokens (audio and image parts
    taken out of the input and output) and their costs, and ``media_cost`` (the audio, image
    and tool costs, a per-request part of the profile)."""
    out = {name: _fraction(row.get(name)) for name in _SUMMED}
    out["input_tokens"] -= sum((_fraction(row.get(n)) for n in INPUT_PARTS[3:]), Fraction(0))
    out["output_tokens"] -= sum((_fraction(row.get(n)) for n in OUTPUT_PARTS), Fraction(0))
    out["media_cost"] = sum((_fraction(row.get(c)) for c in MEDIA_COST_COLUMNS), Fraction(0))
    return out


def _tokens_by_kind(row: Mapping[str, Any]) -> dict[str, Fraction]:
    """A row's text tokens of each billed kind (the uncached input is what the others leave)."""
    text = _text_figures(row)
    writes = text["cache_write_tokens"] + text["cache_write_1h_tokens"]
    cached = text["cached_input_tokens"]
    return {
        "input": text["input_tokens"] - cached - writes,
        "cached": cached,
        "write": writes,
        "output": text["output_tokens"],
    }


def _tier_scaled(
    rates: Mapping[str, Fraction],
    tiers: Mapping[str, Mapping[str, Fraction]],
    book: PriceBook,
    key: tuple[str, bool],
    first_day: date,
) -> dict[str, Fraction]:
    """``rates`` times what the actual tier mix costs over standard at the book's prices, per
    kind of token (weighted by that kind's tokens at each tier): a cell all at standard keeps
    its rates, so the effect is zero; one at priority moves by the priority premium."""
    model, is_batch = key
    try:
        entry = book.resolve(model).price_on(first_day)
        standard = rates_for(entry, batch=is_batch)
        priced = {t: rates_for(entry, batch=is_batch, tier=t) for t in tiers}
    except CostlabError:
        return dict(rates)
    names = {"input": "input", "cached": "cached_input", "write": "cache_write", "output": "output"}
    out = {}
    for kind, rate in rates.items():
        at_tiers = sum(
            (tokens[kind] * Fraction(priced[t][names[kind]]) for t, tokens in tiers.items()),
            Fraction(0),
        )
        at_standard = sum(
            (tokens[kind] * Fraction(standard[names[kind]]) for tokens in tiers.values()),
            Fraction(0),
        )
        out[kind] = rate * at_tiers / at_standard if at_standard else rate
    return out


def _profile(
    s: Mapping[str, Fraction], with_reasoning: bool, base: _Cell | None
) -> tuple[Fraction, Fraction, Fraction, Fraction, Fraction, Fraction]:
    n = s["requests"]
    inputs = s["input_tokens"]
    writes = s["cache_write_tokens"] + s["cache_write_1h_tokens"]
    output = s["output_tokens"] / n
    reasoning = s["reasoning_tokens"] / n if with_reasoning or base is None else base.reasoning
    return (
        inputs / n,
        output - reasoning,
        reasoning,
        s["cached_input_tokens"] / inputs if inputs else Fraction(0),
        writes / inputs if inputs else Fraction(0),
        s["media_cost"] / n,
    )


def _rates(
    s: Mapping[str, Fraction] | None,
    base: _Cell | None,
    book: PriceBook,
    model: str,
    is_batch: bool,
    first_day: date,
) -> dict[str, Fraction]:
    if base is not None:
        fallback = dict(base.rates)
    else:
        try:
            entry = book.resolve(model).price_on(first_day)
            book_rates = rates_for(entry, batch=is_batch)
            fallback = {
                "input": Fraction(book_rates.input),
                "cached": Fraction(book_rates.cached_input),
                "write": Fraction(book_rates.cache_write),
                "output": Fraction(book_rates.output),
            }
        except CostlabError:
            fallback = dict.fromkeys(_COMPONENTS, Fraction(0))
    if s is None:
        return fallback
    writes = s["cache_write_tokens"] + s["cache_write_1h_tokens"]
    tokens = {
        "input": s["input_tokens"] - s["cached_input_tokens"] - writes,
        "cached": s["cached_input_tokens"],
        "write": writes,
        "output": s["output_tokens"],
    }
    costs = {
        "input": s["input_cost"],
        "cached": s["cached_input_cost"],
        "write": s["cache_write_cost"],
        "output": s["output_cost"],
    }
    return {c: costs[c] * _MTOK / tokens[c] if tokens[c] else fallback[c] for c in _COMPONENTS}


def _decimal(value: Fraction) -> Decimal:
    """Exactly, when the value is a terminating decimal; else to 80 significant digits."""
    num, den = Decimal(value.numerator), Decimal(value.denominator)
    try:
        return tidy(EXACT.divide(num, den))
    except Inexact:
        return tidy(MONEY.divide(num, den))
