"""``costlab estimate``: price a usage (token counts per request x requests) on a model."""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import (
    add_json_option,
    add_prices_option,
    non_negative_int,
    positive_int,
    print_json,
)

EXAMPLE = """examples:
  costlab estimate --model gpt-4.1-mini --input-tokens 1234 --requests 1000000
  costlab estimate --model gpt-4.1-mini --input-tokens 1200 --cached-input-tokens 600 \\
      --output-tokens 150 --requests 20000 --batch --json
  costlab estimate --model gpt-5 --input-tokens 2000 --output-tokens 800 --tier flex
  costlab estimate --model o4-mini --input-tokens 2000 --output-tokens 800 --reasoning-tokens 500
  costlab estimate prompt.txt --model gpt-4.1 --output-tokens 500 --requests 10000
  costlab estimate batch.jsonl --output-tokens 200     # batch rate; output as expected and as max"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "estimate",
        help="price token counts (or a file) on a model",
        description="Price a usage on a model. Token counts are per request; --requests multiplies "
        "them. With PATH, the input is counted from the file (text, a request body, a batch "
        "file, an image, PDF, DOCX, audio or video by its duration) and priced; a batch file is priced at the batch rate, its "
        "output both as expected (--output-tokens) and at the requests' max-token limits.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from costlab.cli.count import add_input_options

    add_input_options(
        parser,
        path_help="file to count and price, or - for stdin (without PATH: the flags form)",
        model_help="model id or alias (required without PATH; with PATH the default is the "
        "body's model, else gpt-4.1-mini)",
    )
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
        default=None,
        metavar="N",
        help="output tokens per request, reasoning included (default 0)",
    )
    parser.add_argument(
        "--reasoning-tokens",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="of the output, hidden reasoning tokens (billed as output once; a reasoning model "
        "only)",
    )
    parser.add_argument(
        "--requests",
        type=positive_int,
        default=None,
        metavar="N",
        help="number of requests (default 1; a batch file holds its own)",
    )
    parser.add_argument("--batch", action="store_true", help="through the Batch API")
    parser.add_argument(
        "--tier",
        default="standard",
        metavar="NAME",
        help="service tier: standard (default), flex, priority, scale, or a provider's own name "
        "(`costlab prices --model M` lists a model's tiers)",
    )
    parser.add_argument(
        "--data-residency",
        action="store_true",
        help="processed in a data-residency region, at the provider's published uplift",
    )
    from costlab.cli._media import add_media_options

    add_media_options(parser)
    training = parser.add_argument_group(
        "fine-tuning", 'with PATH a chat fine-tuning file (JSONL of {"messages": [...]})'
    )
    training.add_argument(
        "--epochs",
        type=positive_int,
        default=None,
        metavar="N",
        help="training epochs (default: the cookbook's rule for the file's size)",
    )
    training.add_argument(
        "--validation", metavar="FILE", default=None, help="validation file, counted and shown"
    )
    training.add_argument(
        "--training-hours",
        type=non_negative_decimal,
        default=None,
        metavar="H",
        help="hours of an hourly-billed method (reinforcement fine-tuning)",
    )
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook
    from costlab.cli._models import export_rows, run_usage, several
    from costlab.cost import Usage, price_usage
    from costlab.errors import CostlabError

    if args.path is not None or (args.input_tokens is None and args.image_size):
        return run_file(args)
    if not args.model and not several(args):
        raise CostlabError("--model is required", "estimate")
    from costlab.cli._media import media_counts

    media = media_counts(args)
    if args.input_tokens is None and not media:
        raise CostlabError("--input-tokens is required (or give a PATH to count)", "estimate")
    try:
        usage = Usage(
            input_tokens=args.input_tokens or 0,
            cached_input_tokens=args.cached_input_tokens,
            cache_write_tokens=args.cache_write_tokens,
            cache_write_1h_tokens=args.cache_write_1h_tokens,
            output_tokens=args.output_tokens or 0,
            reasoning_tokens=args.reasoning_tokens,
            requests=args.requests or 1,
            batch=args.batch,
            service_tier=args.tier,
            data_residency=args.data_residency,
            **media,
        )
    except CostlabError as exc:
        raise CostlabError(exc.what, _option(exc.where[0])) from None
    if several(args):
        return run_usage(args, usage)
    book = pricebook(args)
    try:
        cost = price_usage(book.resolve(args.model), usage, on=args.date)
    except CostlabError as exc:
        # name the option the user typed: --tier, --reasoning-tokens, --data-residency
        raise CostlabError(exc.what, *(_option(w) for w in exc.where)) from None
    export_rows(args, [cost])
    if args.json:
        print_json({**cost.to_dict(), "price_book": book.fingerprint})
    else:
        print_cost(cost)
    return 0


_OPTIONS = {"service_tier": "--tier"}


def _option(field: str) -> str:
    """The option that sets a usage field (``service_tier`` -> ``--tier``)."""
    from costlab.usage import INFO_COLUMNS, TOKEN_COLUMNS

    if field in _OPTIONS:
        return _OPTIONS[field]
    if field in (*TOKEN_COLUMNS, *INFO_COLUMNS, "requests", "data_residency"):
        return "--" + field.replace("_", "-")
    return field


def _since(price: Any) -> str:
    """``from 2025-04-14``, or that genai-prices gives the price no start date."""
    from costlab.prices.upstream_names import UNDATED

    if price.effective_from == UNDATED:
        return "(genai-prices gives no start date)"
    return f"from {price.effective_from}"


def print_cost(cost: object) -> None:
    """The human-readable breakdown of one :class:`~costlab.cost.Cost`."""
    import sys

    from costlab import formats
    from costlab.cost import Cost
    from costlab.money import plain, unit_cost
    from costlab.usage import COMPONENTS

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
    media = u.media
    rows.append(
        (
            "output",
            u.text_output_tokens if media else u.output_tokens,
            r.output,
            cost.output_cost,
        )
    )
    mode = "batch" if u.batch else u.service_tier
    if u.data_residency and cost.price.data_residency_uplift is not None:
        uplift = (cost.price.data_residency_uplift * 100).normalize()
        mode += f" + data residency (+{uplift:f}%)"
    tier = f", long-context tier above {cost.tier.above_input_tokens:,}" if cost.tier else ""
    print(f"{cost.model.id} ({cost.model.provider}), {mode} price {_since(cost.price)}{tier}")
    lines = [
        (label, tokens, "tokens", rate, "1M", amount)
        for label, tokens, rate, amount in rows
        # a speech or transcription model bills no tokens: no rows of zeros
        if tokens or not media
    ]
    for component in COMPONENTS:
        count = getattr(u, component.tokens, 0) if component.tokens in media else 0
        if count:
            per = "1M" if component.unit == "tokens" else component.price_unit
            amount = unit_cost(count * n, r[component.rate], component.per)
            lines.append((component.label, count, component.unit, r[component.rate], per, amount))
    label_width = max(13, *(len(line[0]) for line in lines))
    width = max(len(formats.tokens(line[1] * n)) for line in lines)
    for label, count, unit, rate, per, amount in lines:
        print(
            f"  {label:<{label_width}} {formats.tokens(count * n):>{width}} {unit} x "
            f"${plain(rate)}/{per} = {formats.usd(amount)}"
        )
    rows = [(label, count, rate, amount) for label, count, _, rate, _, amount in lines]
    print(
        f"  {'total':<{label_width}} {formats.usd(cost.total_cost)}  ({formats.tokens(n)} request(s), {formats.usd(cost.cost_per_request, per_unit=True)} each)"
    )
    if u.reasoning_tokens:
        print(
            f"  {'':<13} of the output, {formats.tokens(u.reasoning_tokens * n)} are reasoning "
            "tokens (billed as output, once)"
        )
    for flag in cost.flags:
        sys.stderr.write(f"costlab: warning: {flag.message}\n")


def run_file(args: argparse.Namespace) -> int:
    """``costlab estimate PATH``: count the file, then price it."""
    import sys

    from costlab.cli._common import pricebook
    from costlab.cli._models import export_rows, several
    from costlab.cli._models import run_file as run_models
    from costlab.cli._training import run_training, training_text
    from costlab.cli.count import count_from_args, report
    from costlab.counted_cost import default_output_tokens, price_count
    from costlab.errors import CostlabError
    from costlab.tokens import TokenCount
    from costlab.usage import MEDIA_COLUMNS

    training = training_text(args)
    if training is not None:
        return run_training(args, training)
    for name in (
        "input_tokens",
        "cached_input_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "reasoning_tokens",
        *MEDIA_COLUMNS,
        "images",
    ):
        if getattr(args, name):
            option = "--" + name.replace("_", "-")
            raise CostlabError(
                f"{option} is for the flags form; with PATH the input is counted", "estimate"
            )
    if several(args):
        return run_models(args, count_from_args, output_tokens=args.output_tokens or 0)
    from costlab.cli._media import transcribed_seconds

    transcribed = transcribed_seconds(args)
    if transcribed is not None:  # whisper-1 and co: the file's duration, billed per minute
        label, seconds = transcribed
        if not args.json:
            print(f"{args.path}: {label}, billed as {seconds:,} second(s) of transcription")
        args.path, args.audio_seconds = None, seconds
        return run(args)
    book = pricebook(args)
    count = count_from_args(args, book)
    assert isinstance(count, TokenCount)
    if count.kind == "batch" and args.requests is not None:
        raise CostlabError("--requests: a batch file holds its own requests", "estimate")
    output_tokens = args.output_tokens
    note = "expected"
    if output_tokens is None:
        # The one rule for a default (README, "Token counting"): the request's own limit.
        output_tokens = default_output_tokens(count)
        note = (
            "expected output not given: --output-tokens N"
            if output_tokens is None
            else "default: the max-token limit in the file, --output-tokens N to change"
        )
    cost = price_count(
        count,
        book.resolve(count.model),
        output_tokens=output_tokens or 0,
        requests=args.requests,
        batch=True if args.batch else None,
        service_tier=args.tier,
        data_residency=args.data_residency,
        on=args.date,
    )
    export_rows(args, [cost])
    if args.json:
        print_json({**cost.to_dict(), "price_book": book.fingerprint})
    else:
        print_count_cost(cost, output_note=note)
    report(count)
    for flag in cost.flags:
        sys.stderr.write(f"costlab: warning: {flag.message}\n")
    if count.errors:
        sys.stderr.write(
            f"costlab: error: {count.source}: {len(count.errors):,} bad line(s); "
            f"the estimate above covers the {count.requests:,} good one(s)\n"
        )
        return 2
    return 0


def print_count_cost(cost: object, *, output_note: str = "expected") -> None:
    """The human-readable price of a counted file."""
    from costlab import formats
    from costlab.counted_cost import CountCost
    from costlab.money import MONEY, plain

    assert isinstance(cost, CountCost)
    count = cost.count
    mode = "batch" if cost.batch else cost.service_tier
    plural = "s" if cost.requests != 1 else ""
    origin = f"{count.source}: " if count.source else ""
    print(
        f"{origin}{cost.requests:,} {count.kind} request{plural} on {cost.model.id} "
        f"({cost.model.provider}), {mode} price {_since(cost.price)}"
    )
    label = "counted exactly" if count.exact else "estimated"
    heard = cost.input_audio_tokens  # shown on its own row, at the audio rate
    text_tokens = cost.input_tokens - heard
    text_cost = MONEY.subtract(cost.input_cost, cost.input_audio_cost)
    rows = [
        *(
            [("input", text_tokens, cost.rates.input, text_cost, label)]
            if text_tokens or not heard
            else []
        ),
        *(
            [("audio in", heard, cost.rates["input_audio"], cost.input_audio_cost, label)]
            if heard
            else []
        ),
        (
            "output",
            cost.output_tokens,
            cost.rates.output,
            cost.output_cost,
            output_note,
        ),
    ]
    width = max(len(formats.tokens(r[1])) for r in rows)
    for name, tokens, rate, amount, note in rows:
        print(
            f"  {name:<8} {formats.tokens(tokens):>{width}} tokens x ${plain(rate)}/1M = "
            f"{formats.usd(amount)}  ({note})"
        )
    print(f"  {'total':<8} {formats.usd(cost.total_cost)}")
    unset = count.requests_without_max_output
    if count.max_output_tokens is None:
        basis = f"{cost.model.id}'s max output per request"
    else:
        basis = "the max-token limits in the file"
        if unset:
            basis += f"; {cost.model.id}'s max output for the {unset:,} request(s) setting none"
    print(
        f"  {'at most':<8} {formats.usd(cost.max_total_cost)}  (output {formats.tokens(cost.max_output_tokens)} "
        f"tokens = {formats.usd(cost.max_output_cost)}, from {basis})"
    )
    if cost.tiered_requests:
        print(f"  {cost.tiered_requests:,} request(s) billed at a long-context tier")
    if count.estimate_source:
        print(f"  estimate because {count.estimate_source}")


def non_negative_decimal(text: str) -> object:
    """An argparse type: a Decimal >= 0."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text!r}")
    return value
