"""FinOps FOCUS 1.2 rows: actuals as a cost and usage dataset, forecasts in the same shape.

One row per month, model, price entry, batch, long-context tier and billed token kind
(``SkuMeter``: input, cached input, 5-minute and 1-hour cache writes, output). Columns and
types follow FOCUS 1.2 [FOCUS] (:data:`COLUMNS` lists every column of the specification
with its data type, whether it may be null and its feature level; :data:`WRITTEN` the ones
costlab fills):

* ``ConsumedQuantity`` is the tokens (``ConsumedUnit`` "Tokens"); ``PricingQuantity`` the
  tokens in millions with ``PricingUnit`` "1000000 Tokens", so ``PricingQuantity x
  ContractedUnitPrice = ContractedCost`` exactly, as the specification requires.
* ``ContractedCost`` is the cost with the price book in use (your price files included);
  ``ListCost`` with the shipped, public book alone (equal when you add no prices, and equal to
  the contracted cost for a model the public book does not have). There are no commitment
  discounts, so ``BilledCost = EffectiveCost = ContractedCost``: the cost costlab computes,
  not an invoice.
* ``x_Model``, ``x_Batch``, ``x_LongContextTier``, ``x_PriceEffectiveFrom`` and
  ``x_Source`` are costlab's own (custom columns carry the ``x_`` prefix).
* A forecast written this way is **not** a FOCUS dataset (nothing was charged): its rows carry
  ``x_Scenario``, ``x_Band`` (base, low or high) and ``x_Conformance`` "non-conformant:
  forecast", and its unit prices are left empty.

Money and quantities are exact decimals in the CSV; Parquet (when pyarrow is installed) holds
them as ``decimal128(38, 20)``, rounded half-up to 20 decimal places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from costlab.errors import CostlabError
from costlab.export import atomic_write, file_path, safe_text
from costlab.focus_columns import COLUMNS, WRITTEN, Column, DataType, Level  # noqa: F401
from costlab.money import MONEY, MTOK, ZERO, unit_cost
from costlab.prices import PriceBook, load_pricebook
from costlab.prices.rates import rates_for, tier_for
from costlab.tables import EXACT, exact_text, tidy
from costlab.usage import COMPONENTS, INPUT_PARTS, OUTPUT_PARTS, billed_tokens

#: FOCUS SkuMeter names of the billed components (rate, count, meter), in the vocabulary's
#: order (:data:`costlab.usage.COMPONENTS`).
_METER_NAMES = {
    "input": "Input Tokens",
    "cached_input": "Cached Input Tokens",
    "cache_write": "Cache Write Tokens (5 min)",
    "cache_write_1h": "Cache Write Tokens (1 h)",
    "output": "Output Tokens",
    "input_audio": "Audio Input Tokens",
    "cached_input_audio": "Cached Audio Input Tokens",
    "output_audio": "Audio Output Tokens",
    "characters": "Speech Characters",
    "audio_minute": "Transcribed Audio",
    "input_image": "Image Input Tokens",
    "output_image": "Image Output Tokens",
    "web_search": "Web Searches",
    "file_search": "File Searches",
}
_METERS = tuple((c.rate, c.tokens, _METER_NAMES[c.rate]) for c in COMPONENTS)
_COMPONENT = {c.rate: c for c in COMPONENTS}

#: FOCUS units of each kind of count: ConsumedUnit, and PricingUnit by units per price.
_CONSUMED_UNIT = {
    "tokens": "Tokens",
    "characters": "Characters",
    "seconds": "Seconds",
    "calls": "Calls",
}
_PRICING_UNIT = {
    ("tokens", 1_000_000): "1000000 Tokens",
    ("characters", 1_000_000): "1000000 Characters",
    ("seconds", 60): "Minutes",
    ("calls", 1_000): "1000 Calls",
}

_PROVIDERS = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "groq": "Groq",
}

SERVICE_CATEGORY = "AI and Machine Learning"
PRICING_UNIT = "1000000 Tokens"


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _month_bounds(label: str) -> tuple[date, date]:
    year, month = int(label[:4]), int(label[5:7])
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return start, end


def _provider_name(provider: str) -> str:
    return _PROVIDERS.get(provider, provider)


def _service_name(provider: str) -> str:
    return {
        "openai": "OpenAI API",
        "anthropic": "Claude API",
        "google": "Gemini API",
        "groq": "GroqCloud",
    }.get(provider, f"{_provider_name(provider)} API")


def focus_actuals(
    actuals: Any,
    *,
    book: PriceBook | None = None,
    list_book: PriceBook | None = None,
    account: str = "unspecified",
) -> pd.DataFrame:
    """FOCUS 1.2 rows of priced actuals (a :class:`costlab.actuals.Actuals`).

    ``book`` priced them (default: the shipped book and ``COSTLAB_PRICES``); ``list_book``
    gives the list prices (default: the shipped book alone). ``account`` fills
    ``BillingAccountId``, which a usage export does not carry.
    """
    priced = actuals.priced
    if priced is None:
        raise CostlabError(
            "a cost export has billed amounts but no token counts; FOCUS rows need a usage export",
            actuals.file.source,
        )
    book = book or load_pricebook()
    list_book = list_book or load_pricebook(use_env=False)
    spans = _charge_spans(priced.rows)
    rows: list[dict[str, Any]] = []
    for group in priced.groups.to_dict("records"):
        model = book.resolve(str(group["model"]))
        entry = next(p for p in model.prices if p.effective_from == group["price_effective_from"])
        threshold = group["long_context_tier"]
        tier = next((t for t in entry.tiers if t.above_input_tokens == threshold), None)
        batch = bool(group["batch"])
        service_tier = str(group.get("service_tier") or "standard")
        rates = rates_for(entry, batch=batch, long_context=tier, tier=service_tier)
        list_rates = _list_rates(list_book, model.id, entry.effective_from, batch, group)
        month = str(group["month"])
        billing_start, billing_end = _month_bounds(month)
        charge_start, charge_end = spans.get((month, model.id), (billing_start, billing_end))
        tokens = _billed_tokens(group)
        for rate_name, _, meter in _METERS:
            count = tokens[rate_name]
            if not count:
                continue
            component = _COMPONENT[rate_name]
            cost = tidy(unit_cost(count, rates[rate_name], component.per))
            list_rate = (
                list_rates[rate_name]
                if list_rates is not None and rate_name in list_rates
                else rates[rate_name]
            )
            list_cost = tidy(unit_cost(count, list_rate, component.per))
            sku = f"{model.id}/{'batch' if batch else 'standard'}/{rate_name}"
            rows.append(
                {
                    "BilledCost": cost,
                    "BillingAccountId": account,
                    "BillingAccountName": None,
                    "BillingCurrency": "USD",
                    "BillingPeriodEnd": _timestamp(billing_end),
                    "BillingPeriodStart": _timestamp(billing_start),
                    "ChargeCategory": "Usage",
                    "ChargeClass": None,
                    "ChargeDescription": f"{model.id} {meter.lower()}"
                    + (" (Batch API)" if batch else ""),
                    "ChargeFrequency": "Usage-Based",
                    "ChargePeriodEnd": _timestamp(charge_end),
                    "ChargePeriodStart": _timestamp(charge_start),
                    "ConsumedQuantity": Decimal(count),
                    "ConsumedUnit": _CONSUMED_UNIT[component.unit],
                    "ContractedCost": cost,
                    "ContractedUnitPrice": tidy(rates[rate_name]),
                    "EffectiveCost": cost,
                    "InvoiceIssuerName": _provider_name(model.provider),
                    "ListCost": list_cost,
                    "ListUnitPrice": tidy(list_rate),
                    "PricingCategory": "Standard",
                    # minutes of seconds may not terminate: a quotient to 80 digits, like the cost
                    "PricingQuantity": tidy(MONEY.divide(Decimal(count), Decimal(component.per))),
                    "PricingUnit": _PRICING_UNIT[(component.unit, component.per)],
                    "ProviderName": _provider_name(model.provider),
                    "PublisherName": _provider_name(model.provider),
                    "ServiceCategory": SERVICE_CATEGORY,
                    "ServiceName": _service_name(model.provider),
                    "SkuId": sku,
                    "SkuMeter": meter,
                    "SkuPriceId": f"{sku}/{entry.effective_from}"
                    + (f"/above-{tier.above_input_tokens}" if tier else ""),
                    "x_Model": model.id,
                    "x_Batch": batch,
                    "x_LongContextTier": None if tier is None else tier.above_input_tokens,
                    "x_PriceEffectiveFrom": entry.effective_from.isoformat(),
                    "x_Source": actuals.file.source,
                }
            )
    return pd.DataFrame(rows, columns=[*WRITTEN, *_X_ACTUALS])


_X_ACTUALS = ("x_Model", "x_Batch", "x_LongContextTier", "x_PriceEffectiveFrom", "x_Source")
_X_FORECAST = ("x_Model", "x_Batch", "x_Scenario", "x_Band", "x_Conformance")


def _billed_tokens(group: Mapping[str, Any]) -> dict[str, int]:
    """Units billed at each rate, from a group's summed counts (absent counts are 0)."""
    return billed_tokens(lambda name: int(group.get(name, 0) or 0))


def _list_rates(
    list_book: PriceBook, model: str, day: date, batch: bool, group: Mapping[str, Any]
) -> Mapping[str, Decimal] | None:
    """The public book's rates for the same usage, or None when it has no price for it."""
    try:
        entry = list_book.resolve(model).price_on(day)
    except CostlabError:
        return None
    requests = int(group["requests"]) or 1
    tier = tier_for(entry, Decimal(int(group["input_tokens"])) / requests)
    service_tier = str(group.get("service_tier") or "standard")
    if service_tier not in entry.tier_names:
        return None
    return rates_for(entry, batch=batch, long_context=tier, tier=service_tier)


def _charge_spans(rows: pd.DataFrame) -> dict[tuple[str, str], tuple[date, date]]:
    """(month, model) -> first usage day, day after the last (the charge period)."""
    if rows.empty:
        return {}
    model_column = "model_id" if "model_id" in rows else "model"
    days = pd.to_datetime(rows["date"])
    frame = pd.DataFrame({"month": rows["month"], "model": rows[model_column], "day": days})
    spans = {}
    for (month, model), group in frame.groupby(["month", "model"], sort=False):
        first = group["day"].min().date()
        last = group["day"].max().date() + timedelta(days=1)
        spans[(str(month), str(model))] = (first, last)
    return spans


def focus_forecast(fc: Any, *, account: str = "forecast") -> pd.DataFrame:
    """A forecast in FOCUS's shape, per month, model, batch, band and token kind.

    **Not a FOCUS dataset** (nothing was charged): rows carry ``x_Conformance``
    "non-conformant: forecast", ``x_Scenario`` and ``x_Band``; unit prices are empty.
    """
    from costlab.forecast.result import FIGURES

    table = fc.by(["month", "model", "provider", "batch"])
    bands: Sequence[str] = ("base", "low", "high") if fc.scenario.has_ranges else ("base",)
    kinds = (
        ("input_cost", "Input Tokens"),
        ("cached_input_cost", "Cached Input Tokens"),
        ("cache_write_cost", "Cache Write Tokens"),
        ("output_cost", "Output Tokens"),
        # mixed units (audio tokens, characters, seconds; image tokens; search calls): the
        # cost without a quantity
        ("audio_cost", "Audio"),
        ("image_cost", "Images"),
        ("tool_cost", "Tool Calls"),
    )
    token_of = {
        "input_cost": None,  # uncached input: input minus cached and writes
        "cached_input_cost": ("cached_input_tokens",),
        "cache_write_cost": ("cache_write_tokens", "cache_write_1h_tokens"),
        "output_cost": ("output_tokens",),
        "audio_cost": (),
        "image_cost": (),
        "tool_cost": (),
    }
    rows: list[dict[str, Any]] = []
    for band in bands:
        suffix = "" if band == "base" else f"_{band}"

        def get(row: Mapping[str, Any], name: str, suffix: str = suffix) -> Decimal:
            key = f"{name}{suffix}"
            return row[key] if key in row and name in FIGURES else ZERO

        for r in table.to_dict("records"):
            start, end = _month_bounds(str(r["month"]))
            provider = str(r["provider"])
            for cost_name, meter in kinds:
                cost = get(r, cost_name)
                names = token_of[cost_name]
                if names is None or cost_name == "output_cost":
                    # the plain input or output: the total minus the parts billed apart
                    whole, parts = (
                        ("input_tokens", INPUT_PARTS)
                        if names is None
                        else ("output_tokens", OUTPUT_PARTS)
                    )
                    count = get(r, whole)
                    for part in parts:
                        count = EXACT.subtract(count, get(r, part))
                else:
                    count = ZERO
                    for name in names:
                        count = EXACT.add(count, get(r, name))
                if not count and not cost:
                    continue
                measured = names != ()
                rows.append(
                    {
                        "BilledCost": cost,
                        "BillingAccountId": account,
                        "BillingAccountName": None,
                        "BillingCurrency": "USD",
                        "BillingPeriodEnd": _timestamp(end),
                        "BillingPeriodStart": _timestamp(start),
                        "ChargeCategory": "Usage",
                        "ChargeClass": None,
                        "ChargeDescription": f"forecast: {r['model']} {meter.lower()}",
                        "ChargeFrequency": "Usage-Based",
                        "ChargePeriodEnd": _timestamp(end),
                        "ChargePeriodStart": _timestamp(start),
                        "ConsumedQuantity": tidy(count) if measured else None,
                        "ConsumedUnit": "Tokens" if measured else None,
                        "ContractedCost": cost,
                        "ContractedUnitPrice": None,
                        "EffectiveCost": cost,
                        "InvoiceIssuerName": _provider_name(provider),
                        "ListCost": cost,
                        "ListUnitPrice": None,
                        "PricingCategory": "Standard",
                        "PricingQuantity": tidy(EXACT.divide(count, MTOK)) if measured else None,
                        "PricingUnit": PRICING_UNIT if measured else None,
                        "ProviderName": _provider_name(provider),
                        "PublisherName": _provider_name(provider),
                        "ServiceCategory": SERVICE_CATEGORY,
                        "ServiceName": _service_name(provider),
                        "SkuId": f"{r['model']}/{'batch' if r['batch'] else 'standard'}",
                        "SkuMeter": meter,
                        "SkuPriceId": None,
                        "x_Model": r["model"],
                        "x_Batch": bool(r["batch"]),
                        "x_Scenario": fc.scenario.name,
                        "x_Band": band,
                        "x_Conformance": "non-conformant: forecast",
                    }
                )
        rows.extend(_one_off_rows(fc, band, account))
    return pd.DataFrame(rows, columns=[*WRITTEN, *_X_FORECAST])


def _one_off_rows(fc: Any, band: str, account: str) -> list[dict[str, Any]]:
    """The scenario's one-off costs, in every band alike, as one-time charges: a fine-tuning
    run as usage of training tokens (with its quantity and unit price), a fixed amount as a
    purchase whose provider the scenario does not say ("unspecified")."""
    rows = []
    for charge in fc.one_offs:
        start, end = _month_bounds(charge.month)
        provider = _provider_name(charge.provider) if charge.provider else "unspecified"
        tokens = charge.training_tokens
        priced = tokens is not None and charge.usd_per_mtok is not None
        rows.append(
            {
                "BilledCost": charge.cost,
                "BillingAccountId": account,
                "BillingAccountName": None,
                "BillingCurrency": "USD",
                "BillingPeriodEnd": _timestamp(end),
                "BillingPeriodStart": _timestamp(start),
                "ChargeCategory": "Usage" if charge.model else "Purchase",
                "ChargeClass": None,
                "ChargeDescription": f"forecast: one-off {charge.name}",
                "ChargeFrequency": "One-Time",
                "ChargePeriodEnd": _timestamp(end),
                "ChargePeriodStart": _timestamp(start),
                "ConsumedQuantity": tokens,
                "ConsumedUnit": "Tokens" if tokens is not None else None,
                "ContractedCost": charge.cost,
                "ContractedUnitPrice": charge.usd_per_mtok if priced else None,
                "EffectiveCost": charge.cost,
                "InvoiceIssuerName": provider,
                "ListCost": charge.cost,
                "ListUnitPrice": charge.usd_per_mtok if priced else None,
                "PricingCategory": "Standard",
                "PricingQuantity": tidy(EXACT.divide(Decimal(tokens), MTOK)) if priced else None,
                "PricingUnit": PRICING_UNIT if priced else None,
                "ProviderName": provider,
                "PublisherName": provider,
                "ServiceCategory": SERVICE_CATEGORY,
                "ServiceName": _service_name(charge.provider) if charge.provider else "unspecified",
                "SkuId": f"{charge.model}/fine-tuning"
                if charge.model
                else f"one-off/{charge.name}",
                "SkuMeter": "Training Tokens" if charge.model else "One-Time",
                "SkuPriceId": None,
                "x_Model": charge.model,
                "x_Batch": False,
                "x_Scenario": fc.scenario.name,
                "x_Band": band,
                "x_Conformance": "non-conformant: forecast",
            }
        )
    return rows


def _null(value: Any) -> bool:
    """None, or the NaN / NA pandas 3 puts for a None in a text column (its string dtype)."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _cell(value: Any) -> str:
    if _null(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return exact_text(value)
    # Text from a usage file or a scenario (a model or workload name) never becomes a formula.
    return safe_text(str(value))


def focus_csv(rows: pd.DataFrame) -> str:
    """FOCUS rows as CSV text: exact decimals, empty cells for nulls, no live formulas."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in rows.columns])
    for row in rows.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def write_focus(rows: pd.DataFrame, path: str | Path) -> Path:
    """Write FOCUS rows as CSV (exact decimals, empty cells for nulls) or, for a ``.parquet``
    path, Parquet (needs pyarrow: ``pip install pyarrow``)."""
    target = file_path(path)  # not Path(path): that reads out.csv/ as out.csv
    if target.suffix.lower() == ".parquet":
        return _write_parquet(rows, target)
    if target.suffix.lower() != ".csv":
        raise CostlabError("FOCUS exports are .csv or .parquet", str(target))
    text = focus_csv(rows)
    # written whole or not at all: a failed write leaves an earlier file as it was
    atomic_write(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return target


_PARQUET_SCALE = 20


def _write_parquet(rows: pd.DataFrame, target: Path) -> Path:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CostlabError(
            "Parquet needs pyarrow (pip install pyarrow); or write .csv", str(target)
        ) from None
    types = {c.id: c.data_type for c in COLUMNS}
    quantum = Decimal(1).scaleb(-_PARQUET_SCALE)
    wide = Context(prec=EXACT.prec, rounding=ROUND_HALF_UP)
    arrays = {}
    for name in rows.columns:
        values = list(rows[name])
        kind = types.get(str(name))
        if kind == "Decimal":
            arrays[str(name)] = pa.array(
                [None if v is None else v.quantize(quantum, context=wide) for v in values],
                type=pa.decimal128(38, _PARQUET_SCALE),
            )
        elif kind == "Date/Time":
            arrays[str(name)] = pa.array(
                [None if v is None else pd.Timestamp(v).to_pydatetime() for v in values],
                type=pa.timestamp("s", tz="UTC"),
            )
        elif str(name) == "x_Batch":
            arrays[str(name)] = pa.array(values, type=pa.bool_())
        else:
            arrays[str(name)] = pa.array(
                [None if _null(v) else str(v) for v in values], type=pa.string()
            )
    table = pa.table(arrays)
    # written whole or not at all, and never into a FIFO or device in the target's place
    atomic_write(target, lambda temporary: pq.write_table(table, temporary))
    return target
