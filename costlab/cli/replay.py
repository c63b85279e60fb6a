"""``costlab replay``: logged requests re-priced on another model, prompts counted with its tokenizer."""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import (
    add_json_option,
    add_prices_option,
    model_id,
    non_negative_int,
    parse_date,
)

EXAMPLE = """examples:
  costlab replay requests.jsonl --model gpt-4.1-nano
  costlab replay 'logs/2026-q3/*.jsonl' --model gpt-4.1-mini --model claude-haiku-4-5
  costlab replay logs/ --model gpt-4.1-nano --output-tokens 200 --json
  costlab replay s3://bucket/gateway-logs/ --model gpt-4.1-nano --scheduler tcp://10.0.0.5:8786

a log line is a request body (messages or input), a Batch API line (body) or a gateway record
(request, response.usage, timestamp); Parquet rows with the same columns work too. Output tokens
are the logged ones (completion_tokens / output_tokens) unless --output-tokens is given; the
price is the one in force on each line's date (--date when a line has none)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "replay",
        help="re-price logged requests on another model",
        description="Count every logged prompt with another model's tokenizer and price it on "
        "that model, month by month: what last quarter's traffic would have cost there.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "logs",
        metavar="LOG",
        nargs="+",
        help="JSONL or Parquet request logs: files, folders, globs or fsspec URLs",
    )
    parser.add_argument(
        "--model",
        action="append",
        type=model_id,
        required=True,
        metavar="MODEL",
        help="the model to re-price on (repeatable: one row per model)",
    )
    parser.add_argument(
        "--output-tokens",
        type=non_negative_int,
        metavar="N",
        help="output tokens per request instead of the logged ones",
    )
    parser.add_argument("--batch", action="store_true", help="price through the Batch API")
    parser.add_argument(
        "--date", type=parse_date, metavar="YYYY-MM-DD", help="the day of lines without a date"
    )
    from costlab.cli.actuals import add_scheduler_option

    add_scheduler_option(parser)
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from costlab import scale
    from costlab.cli._common import pricebook, print_json

    book = pricebook(args)
    models = [book.resolve(name).id for name in args.model]  # a typo fails before any work
    files = scale.expand_inputs(args.logs)
    scheduler = scale.choose_scheduler(args.scheduler, files)
    chunks = scale.plan_chunks(files, csv_header=False)
    prices = tuple(str(p) for p in args.prices or ())
    on = args.date.isoformat() if args.date else None
    from costlab.cli._progress import progress_bar

    replays = []
    for model in models:
        with progress_bar(args, f"replaying on {model}", "chunk") as progress:
            parts = scale.run_chunks(
                scale.replay_chunk,
                chunks,
                model,
                prices,
                args.output_tokens,
                args.batch,
                on,
                scheduler=scheduler,
                progress=progress,
            )
        replays.append(scale.combine_replay(parts, model))
    source = files[0] if len(files) == 1 else f"{len(files):,} files"
    if args.json:
        print_json([_as_dict(r, source) for r in replays])
    else:
        for i, replay in enumerate(replays):
            if i:
                print()
            _print(replay, source, args)
    errors = replays[0].errors if replays else ()
    for message in errors[:20]:
        sys.stderr.write(f"costlab: error: {message}\n")
    if len(errors) > 20:
        sys.stderr.write(f"costlab: error: ... and {len(errors) - 20:,} more bad lines\n")
    for note in dict.fromkeys(n for r in replays for n in r.approximations):
        sys.stderr.write(f"costlab: note: {note}\n")
    return 2 if errors else 0


def _as_dict(replay: Any, source: str) -> dict[str, Any]:
    from costlab.tables import records

    return {
        "source": source,
        "model": replay.model,
        "requests": replay.requests,
        "input_tokens": replay.input_tokens,
        "output_tokens": replay.output_tokens,
        "logged_input_tokens": replay.logged_input_tokens,
        "total_cost": format(replay.total_cost, "f"),
        "months": records(replay.months),
        "bad_lines": len(replay.errors),
    }


def _print(replay: Any, source: str, args: argparse.Namespace) -> None:
    from costlab.cli._common import table
    from costlab.cli._report import count, usd

    output = "given" if args.output_tokens is not None else "as logged"
    print(
        f"{source}: {replay.requests:,} logged request(s) re-priced on {replay.model}"
        + (" (Batch API)" if args.batch else "")
    )
    print()
    rows = [
        [
            r["month"],
            count(r["requests"]),
            count(r["input_tokens"]),
            count(r["output_tokens"]),
            usd(r["total_cost"]),
        ]
        for r in replay.months.to_dict("records")
    ]
    rows.append(
        [
            "total",
            count(replay.requests),
            count(replay.input_tokens),
            count(replay.output_tokens),
            usd(replay.total_cost),
        ]
    )
    print(
        table(
            rows, ["month", "requests", "input tokens", "output tokens", "cost"], right=(1, 2, 3, 4)
        )
    )
    print()
    print(
        f"input counted with {replay.model}'s tokenizer; output {output}; "
        f"the log billed {replay.logged_input_tokens:,} input tokens on its own model(s)"
    )
