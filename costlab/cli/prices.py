"""``costlab prices``: the price book as a table or JSON."""

from __future__ import annotations

import argparse
from datetime import date

from costlab.cli._common import add_json_option, add_prices_option, parse_date, print_json, table

EXAMPLE = """examples:
  costlab prices --provider openai
  costlab prices --model o3            # one model in detail, with its price history
  costlab prices --json --prices my-discounts.yaml"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "prices",
        help="list models and their prices (USD per 1M tokens)",
        description="List the price book: prices in USD per 1M tokens, limits and status.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--provider", metavar="P", help="only this provider (openai, anthropic, ...)"
    )
    parser.add_argument("--model", metavar="M", help="one model in detail (any id or alias)")
    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="prices in force on this day (default today)",
    )
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook
    from costlab.errors import CostlabError
    from costlab.money import format_tokens

    book = pricebook(args)
    day = args.date or date.today()
    if args.model:
        return _show_model(book.resolve(args.model), day, args.json)
    models = [m for m in book if not args.provider or m.provider == args.provider.lower()]
    if not models:
        raise CostlabError(
            f"no models for provider; known: {', '.join(book.providers)}",
            f"provider '{args.provider}'",
        )
    models = [m for m in models if m.prices[0].effective_from <= day]
    if args.json:
        print_json([model_json(m, day) for m in models])
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
                format_tokens(m.context_window),
                format_tokens(m.max_output_tokens),
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
    return 0


def _usd(value: object) -> str:
    return "-" if value is None else f"${value}"


def _show_model(model: object, day: date, as_json: bool) -> int:
    from costlab.money import format_tokens, plain
    from costlab.prices import Model, rates_for

    assert isinstance(model, Model)
    if as_json:
        print_json(model_json(model, day))
        return 0
    p = model.price_on(day)
    lines = [
        f"{model.name} ({model.id}, {model.provider})",
        f"  aliases            {', '.join(model.aliases) or '-'}",
        f"  context window     {format_tokens(model.context_window)} tokens",
        f"  max output         {format_tokens(model.max_output_tokens)} tokens",
    ]
    if model.max_input_tokens:
        lines.append(f"  max input          {format_tokens(model.max_input_tokens)} tokens")
    lines += [
        f"  knowledge cutoff   {model.knowledge_cutoff or '-'}",
        f"  modalities         {', '.join(model.input_modalities)} in; {', '.join(model.output_modalities)} out",
        f"  tokenizer          {model.tokenizer or 'none public (counts are estimates)'}",
        f"  status on {day}  {model.status_on(day)}",
    ]
    if model.lifecycle and (model.lifecycle.retires_on or model.lifecycle.note):
        lines.append(
            f"  lifecycle          retires {model.lifecycle.retires_on or '-'}; {model.lifecycle.note or ''}".rstrip(
                "; "
            )
        )
    lines.append(f"  price from {p.effective_from} (USD per 1M tokens; source: {p.source})")
    for name in ("input", "cached_input", "cache_write", "cache_write_1h", "output"):
        value = getattr(p, name)
        if value is not None:
            lines.append(f"    {name:<16} ${value}")
    if p.batch_discount is not None or p.batch is not None:
        r = rates_for(p, batch=True)
        lines.append(
            f"    batch            ${plain(r.input)} input, ${plain(r.cached_input)} cached, ${plain(r.output)} output"
        )
    for t in p.tiers:
        lines.append(
            f"    above {format_tokens(t.above_input_tokens)} input tokens per request: ${t.input} input, ${t.output} output"
        )
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
            lines.append(
                f"    from {entry.effective_from}: ${entry.input} input, ${entry.cached_input or '-'} cached, ${entry.output} output"
            )
    print("\n".join(lines))
    return 0


def model_json(model: object, day: date) -> dict[str, object]:
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
        "context_window": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "max_input_tokens": model.max_input_tokens,
        "knowledge_cutoff": str(model.knowledge_cutoff) if model.knowledge_cutoff else None,
        "input_modalities": list(model.input_modalities),
        "output_modalities": list(model.output_modalities),
        "tokenizer": model.tokenizer,
        "status": model.status_on(day),
        "retires_on": str(life.retires_on) if life and life.retires_on else None,
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
                    **{k: text(v) for k, v in rates_for(price, tier=t).items()},
                }
                for t in price.tiers
            ],
            "effective_from": price.effective_from.isoformat(),
            "source": price.source,
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
    }
