"""``costlab prices``: the price book as a table or JSON."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from costlab.cli._common import (
    add_export_option,
    add_json_option,
    add_prices_option,
    export_if_asked,
    model_id,
    parse_date,
    print_json,
    table,
)

EXAMPLE = """examples:
  costlab prices --provider openai
  costlab prices --model o3            # one model in detail: each field's layer, price history
  costlab prices --provider azure      # a provider only genai-prices covers
  costlab prices --all --json          # every model, genai-prices' included
  costlab prices --json --prices my-discounts.yaml
  costlab prices audit --against model_prices_and_context_window.json
  costlab prices check --scenario support-bot.yaml

layers: genai-prices' bundled data, then costlab's pricing/*.yaml, then COSTLAB_PRICES and
--prices files; later layers override earlier ones by model id and field."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "prices",
        help="list models and their prices (USD per 1M tokens)",
        description="List the price book: prices in USD per 1M tokens, limits and status; "
        "`audit` lists where the layers (and other sources' files) disagree, `check` "
        "whether the book is fresh enough for a scenario.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=("audit", "check"),
        help="audit: disagreements between layers and sources; check: freshness (exit 1 on a "
        "problem)",
    )
    parser.add_argument(
        "--provider", metavar="P", help="only this provider (openai, anthropic, azure, ...)"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="list genai-prices' models too, not only the curated ones",
    )
    parser.add_argument(
        "--against",
        action="append",
        metavar="FILE",
        type=Path,
        help="audit: also compare with this file (LiteLLM's model_prices_and_context_window.json "
        "or models.dev's api.json); repeatable",
    )
    parser.add_argument(
        "--scenario", metavar="FILE", type=Path, help="check: the models this scenario uses"
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="check: record genai-prices' current values of the curated models (after a review)",
    )
    parser.add_argument(
        "--model", metavar="M", type=model_id, help="one model in detail (any id or alias)"
    )
    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="prices in force on this day (default today)",
    )
    add_json_option(parser)
    add_export_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook
    from costlab.errors import CostlabError

    if args.against and args.action != "audit":
        raise CostlabError("only with `costlab prices audit`", "--against")
    if (args.scenario or args.record) and args.action != "check":
        flag = "--scenario" if args.scenario else "--record"
        raise CostlabError("only with `costlab prices check`", flag)
    book = pricebook(args)
    day = args.date or date.today()
    if args.action == "audit":
        from costlab.cli.prices_report import run_audit

        return run_audit(book, args.against or [], day, args.json)
    if args.action == "check":
        from costlab.cli.prices_report import run_check

        return run_check(book, args.scenario, day, args.json, record=args.record)
    if args.model:
        return _show_model(book, book.resolve(args.model), day, args.json)
    wanted = args.provider.lower() if args.provider else None
    models = [m for m in book if not wanted or m.provider == wanted]
    if args.all or (wanted and not models):
        # A provider only genai-prices covers (azure, aws, ...) is listed from it.
        models = [m for m in book.all_models() if not wanted or m.provider == wanted]
    if not models:
        raise CostlabError(
            f"no models for provider; known: {', '.join(_providers(book))}",
            f"provider '{args.provider}'",
        )
    models = [m for m in models if m.prices[0].effective_from <= day]
    export_if_asked(args, {"prices": price_table(models, day, book)})
    if args.json:
        print_json([model_json(m, day, book) for m in models])
        return 0
    rows = []
    for m in sorted(models, key=lambda m: (m.provider, m.price_on(day).input, m.id)):
        p = m.price_on(day)
        rows.append(
            [
                m.id,
                m.provider,
                _usd(p.input),
                _usd(p.cached_input),
                _usd(p.output),
                f"{int(p.batch_discount * 100)}%" if p.batch_discount is not None else "-",
                _limit(m, "context_window"),
                _limit(m, "max_output_tokens"),
                "yes" if m.tokenizer else "est.",
                m.status_on(day),
            ]
        )
    print(
        table(
            rows,
            [
                "model",
                "provider",
                "input",
                "cached",
                "output",
                "batch",
                "context",
                "max out",
                "exact",
                "status",
            ],
            right=(2, 3, 4, 5, 6, 7),
        )
    )
    print(f"\n{len(rows)} models; prices in USD per 1M tokens in force on {day}.")
    print(f"price book: {book.fingerprint}")
    return 0


def _providers(book: Any) -> list[str]:
    upstream = book.upstream
    return sorted({*book.providers, *(upstream.providers if upstream is not None else ())})


def _known(model: Any, field: str) -> bool:
    """Whether a limit is a real figure (genai-prices gives no max output, some no window)."""
    return not model.origin(field).startswith("unknown")


def _limit(model: Any, field: str) -> str:
    from costlab import formats

    return formats.tokens(getattr(model, field)) if _known(model, field) else "?"


def _day(day: date | None) -> str | None:
    """A lifecycle day; genai-prices' undated deprecations read as such."""
    from costlab.prices.upstream_names import UNDATED

    return "(no date given)" if day == UNDATED else None if day is None else str(day)


def _since(day: date) -> str:
    """``from 2025-06-10``; genai-prices' prices before their first dated change have no day."""
    from costlab.prices.upstream_names import UNDATED

    return "undated" if day == UNDATED else f"from {day}"


def _usd(value: object) -> str:
    return "-" if value is None else f"${value}"


def _reasoning_lines(model: Any) -> list[str]:
    """Whether the model reasons, its effort assumption, and an extended context window."""
    from costlab import formats

    lines = []
    effort = model.reasoning_effort
    if model.reasoning is False:
        lines.append("  reasoning          no (reasoning tokens are refused)")
    elif effort is not None:
        levels = " / ".join(
            f"{name} {formats.tokens(effort.tokens(name))}" for name in ("low", "medium", "high")
        )
        lines.append(
            f"  reasoning          yes; tokens per request at effort {levels} "
            f"(default {effort.default}; {effort.source})"
        )
    elif model.reasoning:
        lines.append("  reasoning          yes")
    extended = model.extended_context
    if extended is not None:
        until = f", until {extended.until}" if extended.until else ""
        lines.append(
            f"  extended context   {formats.tokens(extended.context_window)} tokens with "
            f"{extended.requirement}{until}"
        )
    return lines


def _show_model(book: Any, model: object, day: date, as_json: bool) -> int:
    from costlab import formats
    from costlab.money import plain
    from costlab.prices import Model, rates_for
    from costlab.usage import COMPONENTS, CORE_RATES

    assert isinstance(model, Model)
    if as_json:
        print_json(model_json(model, day, book))
        return 0
    p = model.price_on(day)

    def tokens(field: str) -> str:
        if not _known(model, field):
            return "unknown"
        return f"{formats.tokens(getattr(model, field))} tokens"

    lines = [
        f"{model.name} ({model.id}, {model.provider})",
        f"  aliases            {', '.join(model.aliases) or '-'}",
        f"  context window     {tokens('context_window')}",
        f"  max output         {tokens('max_output_tokens')}",
    ]
    if model.max_input_tokens:
        lines.append(f"  max input          {formats.tokens(model.max_input_tokens)} tokens")
    lines += [
        f"  knowledge cutoff   {model.knowledge_cutoff or '-'}",
        f"  modalities         {', '.join(model.input_modalities)} in; {', '.join(model.output_modalities)} out",
        f"  tokenizer          {model.tokenizer or 'none public (counts are estimates)'}",
        f"  status on {day}  {model.status_on(day)}",
    ]
    lines += _reasoning_lines(model)
    life = model.lifecycle
    if life is not None:
        parts = [
            f"{label} {value}"
            for label, value in (
                ("released", life.released),
                ("deprecated", _day(life.deprecated_on)),
                ("shutdown", _day(life.retires_on)),
                ("successor", life.successor),
            )
            if value
        ]
        lines.append(f"  lifecycle          {'; '.join(parts) or '-'}")
        if life.note:
            lines.append(f"                     {life.note}")
    lines.append(f"  price {_since(p.effective_from)} (USD per 1M tokens; source: {p.source})")
    for name in ("input", "cached_input", "cache_write", "cache_write_1h", "output"):
        value = getattr(p, name)
        if value is not None:
            lines.append(f"    {name:<16} ${value}")
    lines += [  # audio, image, speech and tool rates, each in its own unit
        f"    {c.rate:<16} ${value} per {c.price_unit}"
        for c in COMPONENTS
        if c.rate not in CORE_RATES and (value := getattr(p, c.rate, None)) is not None
    ]
    if model.audio is not None:
        out = model.audio.output_per_second
        lines.append(
            f"  audio tokens       {model.audio.input_per_second} a second in"
            + (f", {out} a second out" if out is not None else "")
            + f" (source: {model.audio.source})"
        )
    if p.batch_discount is not None or p.batch is not None:
        r = rates_for(p, batch=True)
        lines.append(
            f"    batch            ${plain(r.input)} input, ${plain(r.cached_input)} cached, ${plain(r.output)} output"
        )
    for t in p.tiers:
        lines.append(
            f"    above {formats.tokens(t.above_input_tokens)} input tokens per request: ${t.input} input, ${t.output} output"
        )
    for offered in p.service_tiers:
        r = rates_for(p, tier=offered.name)
        lines.append(
            f"    {offered.name:<16} ${plain(r.input)} input, ${plain(r.cached_input)} cached, "
            f"${plain(r.output)} output"
        )
    if p.data_residency_uplift is not None:
        uplift = (p.data_residency_uplift * 100).normalize()
        lines.append(f"    data residency   +{uplift:f}% on every component")
    if model.fine_tuning:
        ft = model.fine_tuning
        training = (
            f"${ft.training} per 1M training tokens"
            if ft.training is not None
            else f"${ft.training_per_hour} per training hour"
        )
        lines.append(
            f"  fine-tuning        {training}; inference ${ft.input} / ${ft.cached_input or '-'} / ${ft.output}"
        )
    if len(model.prices) > 1:
        lines.append("  price history")
        for entry in model.prices:
            since = _since(entry.effective_from)
            lines.append(
                f"    {since}: ${entry.input} input, ${entry.cached_input or '-'} cached, ${entry.output} output"
            )
    if model.notes:
        lines.append("  not modelled       " + "; ".join(model.notes))
    lines.append("  where each field comes from")
    for field, layer in _provenance(model).items():
        lines.append(f"    {field:<18} {layer}")
    lines.append(f"  price book         {book.fingerprint}")
    print("\n".join(lines))
    return 0


#: Fields shown with their layer, in the order of a price file.
_FIELDS = (
    "name",
    "aliases",
    "context_window",
    "max_output_tokens",
    "max_input_tokens",
    "knowledge_cutoff",
    "input_modalities",
    "output_modalities",
    "tokenizer",
    "token_estimate",
    "lifecycle",
    "price",
    "fine_tuning",
    "images",
    "audio",
    "benchmarks",
)


def _provenance(model: Any) -> dict[str, str]:
    """Each field that has a value, with the layer it came from."""
    shown = {}
    for field in _FIELDS:
        value = getattr(model, "prices" if field == "price" else field)
        if value in (None, (), ""):
            continue
        shown[field] = model.origin(field)
    return shown


def model_json(model: object, day: date, book: Any = None) -> dict[str, object]:
    """``costlab prices --json``: a model with the prices in force on ``day`` in USD per 1M
    tokens as decimal strings, the batch discount as a fraction."""
    from decimal import Decimal

    from costlab.prices import Model, has_batch_price, rates_for

    assert isinstance(model, Model)
    price = model.price_on(day)

    def text(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    life = model.lifecycle
    return {
        "id": model.id,
        "name": model.name,
        "provider": model.provider,
        "aliases": list(model.aliases),
        "context_window": model.context_window if _known(model, "context_window") else None,
        "max_output_tokens": model.max_output_tokens
        if _known(model, "max_output_tokens")
        else None,
        "max_input_tokens": model.max_input_tokens,
        "knowledge_cutoff": str(model.knowledge_cutoff) if model.knowledge_cutoff else None,
        "input_modalities": list(model.input_modalities),
        "output_modalities": list(model.output_modalities),
        "tokenizer": model.tokenizer,
        "status": model.status_on(day),
        "retires_on": str(life.retires_on) if life and life.retires_on else None,
        "deprecated_on": str(life.deprecated_on) if life and life.deprecated_on else None,
        "successor": life.successor if life else None,
        "batch_discount": text(price.batch_discount),
        "price": {
            "input": text(price.input),
            "cached_input": text(price.cached_input),
            "cache_write": text(price.cache_write),
            "cache_write_1h": text(price.cache_write_1h),
            "output": text(price.output),
            "batch": {k: text(v) for k, v in rates_for(price, batch=True).items()}
            if has_batch_price(price)
            else None,
            "long_context_tiers": [
                {
                    "above_input_tokens": t.above_input_tokens,
                    **{k: text(v) for k, v in rates_for(price, long_context=t).items()},
                }
                for t in price.tiers
            ],
            "service_tiers": {
                t.name: {k: text(v) for k, v in rates_for(price, tier=t.name).items()}
                for t in price.service_tiers
            },
            "data_residency_uplift": text(price.data_residency_uplift),
            "effective_from": price.effective_from.isoformat(),
            "source": price.source,
        },
        "reasoning": model.reasoning,
        "reasoning_effort": None
        if model.reasoning_effort is None
        else {
            **{n: model.reasoning_effort.tokens(n) for n in ("low", "medium", "high")},
            "default": model.reasoning_effort.default,
            "source": model.reasoning_effort.source,
        },
        "extended_context": None
        if model.extended_context is None
        else {
            "context_window": model.extended_context.context_window,
            "requirement": model.extended_context.requirement,
            "until": _day(model.extended_context.until),
        },
        "fine_tuning": None
        if model.fine_tuning is None
        else {
            "training": text(model.fine_tuning.training),
            "training_per_hour": text(model.fine_tuning.training_per_hour),
            "input": text(model.fine_tuning.input),
            "cached_input": text(model.fine_tuning.cached_input),
            "output": text(model.fine_tuning.output),
            "source": model.fine_tuning.source,
        },
        "price_history": [
            {
                "effective_from": p.effective_from.isoformat(),
                "input": text(p.input),
                "cached_input": text(p.cached_input),
                "output": text(p.output),
                "source": p.source,
            }
            for p in model.prices
        ],
        "source_file": model.source_file,
        "provenance": _provenance(model),
        "not_modelled": list(model.notes),
        **({"price_book": book.fingerprint} if book is not None else {}),
    }


def price_table(models: list[Any], day: date, book: Any) -> Any:
    """The listed models as a table for ``--export``: prices in USD per 1M tokens (exact)."""
    import pandas as pd

    from costlab.prices import has_batch_price, rates_for

    rows = []
    for m in models:
        p = m.price_on(day)
        batch = rates_for(p, batch=True) if has_batch_price(p) else None
        rows.append(
            {
                "model": m.id,
                "provider": m.provider,
                "input_usd_per_mtok": p.input,
                "cached_input_usd_per_mtok": p.cached_input,
                "output_usd_per_mtok": p.output,
                "batch_input_usd_per_mtok": batch["input"] if batch else None,
                "batch_output_usd_per_mtok": batch["output"] if batch else None,
                "context_window": m.context_window,
                "max_output_tokens": m.max_output_tokens,
                "status": m.status_on(day),
                "price_effective_from": p.effective_from,
                "source": p.source,
                "price_book": book.fingerprint,
            }
        )
    return pd.DataFrame(rows)
