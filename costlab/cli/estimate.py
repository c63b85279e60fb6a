"""``costlab estimate``: price a usage (token counts per request x requests) on a model."""

from __future__ import annotations

import argparse

from costlab.cli._common import (
    add_json_option,
    add_prices_option,
    non_negative_int,
    parse_date,
    positive_int,
    print_json,
)

EXAMPLE = """examples:
  costlab estimate --model gpt-4.1-mini --input-tokens 1234 --requests 1000000
  costlab estimate --model gpt-4.1-mini --input-tokens 1200 --cached-input-tokens 600 \\
      --output-tokens 150 --requests 20000 --batch --json"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "estimate",
        help="price token counts (or a file) on a model",
        description="Price a usage on a model. Token counts are per request; --requests multiplies them.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--model", "-m", metavar="M", help="model id or alias")
    parser.add_argument(
        "--input-tokens",
        type=non_negative_int,
        metavar="N",
        help="prompt tokens per request (cached included)",
    )
    parser.add_argument(
        "--cached-input-tokens",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="of the input, tokens read from the prompt cache",
    )
    parser.add_argument(
        "--cache-write-tokens",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="of the input, tokens written to the cache (5-minute)",
    )
    parser.add_argument(
        "--cache-write-1h-tokens",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="of the input, tokens written to the 1-hour cache",
    )
    parser.add_argument(
        "--output-tokens",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="output tokens per request, reasoning included",
    )
    parser.add_argument(
        "--requests",
        type=positive_int,
        default=1,
        metavar="N",
        help="number of requests (default 1)",
    )
    parser.add_argument("--batch", action="store_true", help="through the Batch API")
    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="price in force on this day (default today)",
    )
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook
    from costlab.cost import Usage, price_usage
    from costlab.errors import CostlabError

    if not args.model:
        raise CostlabError("--model is required", "estimate")
    if args.input_tokens is None:
        raise CostlabError("--input-tokens is required", "estimate")
    book = pricebook(args)
    model = book.resolve(args.model)
    try:
        usage = Usage(
            input_tokens=args.input_tokens,
            cached_input_tokens=args.cached_input_tokens,
            cache_write_tokens=args.cache_write_tokens,
            cache_write_1h_tokens=args.cache_write_1h_tokens,
            output_tokens=args.output_tokens,
            requests=args.requests,
            batch=args.batch,
        )
    except CostlabError as exc:
        raise CostlabError(exc.what, "--" + exc.where[0].replace("_", "-")) from None
    cost = price_usage(model, usage, on=args.date)
    if args.json:
        print_json(cost.to_dict())
    else:
        print_cost(cost)
    return 0


def print_cost(cost: object) -> None:
    """The human-readable breakdown of one :class:`~costlab.cost.Cost`."""
    import sys

    from costlab.cost import Cost
    from costlab.money import format_tokens, format_usd

    assert isinstance(cost, Cost)
    u = cost.usage
    r = cost.rates
    n = u.requests
    rows = [
        ("input", u.uncached_input_tokens, r.input, cost.input_cost),
        ("cached input", u.cached_input_tokens, r.cached_input, cost.cached_input_cost),
    ]
    if u.cache_write_tokens or u.cache_write_1h_tokens:
        rows.append(
            (
                "cache write",
                u.cache_write_tokens + u.cache_write_1h_tokens,
                r.cache_write,
                cost.cache_write_cost,
            )
        )
    rows.append(("output", u.output_tokens, r.output, cost.output_cost))
    mode = "batch" if u.batch else "standard"
    tier = f", long-context tier above {cost.tier.above_input_tokens:,}" if cost.tier else ""
    print(
        f"{cost.model.id} ({cost.model.provider}), {mode} price from {cost.price.effective_from}{tier}"
    )
    width = max(len(format_tokens(t * n)) for _, t, _, _ in rows)
    for label, tokens, rate, amount in rows:
        print(
            f"  {label:<13} {format_tokens(tokens * n):>{width}} tokens x ${rate}/1M = {format_usd(amount)}"
        )
    print(
        f"  {'total':<13} {format_usd(cost.total_cost)}  ({format_tokens(n)} request(s), {format_usd(cost.cost_per_request, per_unit=True)} each)"
    )
    for flag in cost.flags:
        sys.stderr.write(f"costlab: warning: {flag.message}\n")
