"""``costlab actuals``: price a usage export by month, optionally against a forecast."""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import add_json_option, add_prices_option

EXAMPLE = """examples:
  costlab actuals usage.csv
  costlab actuals usage.json --scenario examples/support-bot.yaml
  costlab actuals usage.csv --scenario examples/support-bot.yaml --json
  costlab actuals usage.csv --scenario examples/support-bot.yaml --explain
  costlab actuals usage.csv --scenario examples/support-bot.yaml --export actuals.xlsx
  costlab actuals usage.csv --focus focus.csv
  costlab actuals 'logs/2026-*/usage-*.csv' usage.parquet
  costlab actuals s3://bucket/usage/ --scheduler tcp://10.0.0.5:8786

formats: a generic CSV (date, model, input_tokens, cached_input_tokens, output_tokens,
requests[, batch]); OpenAI's usage export CSV or cost export CSV; the Usage API's JSON pages.
Rows with problems are listed on stderr (exit 2) after the good rows are priced.
Big CSV and JSONL files are read in 16 MB chunks; totals are exact sums of the chunks."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "actuals",
        help="price a usage export by month, against a forecast",
        description="Price a usage export month by month (OpenAI usage or cost export, Usage "
        "API JSON, or a generic CSV); with --scenario, show actual vs forecast by month.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "usage",
        metavar="USAGE",
        nargs="+",
        help="usage or cost export(s): files, folders, globs ('logs/*.csv'), Parquet or JSONL "
        "datasets, fsspec URLs (s3://...; costlab[scale])",
    )
    parser.add_argument(
        "--scenario", metavar="SCENARIO.yaml", help="compare with this scenario's forecast"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="with --scenario: split each month's variance by cause (volume, mix, batch share, "
        "tokens per request, cache rate, price, unexplained)",
    )
    parser.add_argument(
        "--export",
        metavar="PATH",
        help="also write the tables: .xlsx (a sheet each), .json, .csv (the first) or a folder",
    )
    parser.add_argument(
        "--focus",
        metavar="OUT.csv",
        help="also write the priced usage as FinOps FOCUS 1.2 rows (.csv, or .parquet with "
        "pyarrow installed)",
    )
    parser.add_argument(
        "--currency",
        metavar="CODE",
        help="show money in this currency too (e.g. EUR), at the --rate you give; USD stays "
        "the unit of every exact figure",
    )
    parser.add_argument(
        "--rate",
        metavar="RATE@DATE",
        help="units of --currency per USD and the day it is for, e.g. 0.92@2026-12-01 "
        "(no rate is fetched)",
    )
    add_scheduler_option(parser)
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def add_scheduler_option(parser: argparse.ArgumentParser) -> None:
    """``--scheduler``, shared by the commands that read logs (actuals, count, replay)."""
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on Dask: a cluster's scheduler (tcp://host:8786), or threads / processes "
        "for a local pool (default: this process; a local process pool for inputs over 2 GB "
        "when costlab[scale] is installed)",
    )


def read_actuals(args: argparse.Namespace, book: Any) -> Any:
    """One small local file as always (every row kept, for FOCUS); anything else in chunks,
    in this process or on Dask (:mod:`costlab.scale`), with the same exact totals."""
    from costlab import scale
    from costlab.actuals import load_actuals

    files = scale.expand_inputs(args.usage)
    scheduler = scale.choose_scheduler(args.scheduler, files)
    one = files[0]
    if (
        len(files) == 1
        and scheduler is None
        and not scale.is_url(one)
        and not one.lower().endswith((".parquet", ".jsonl", ".ndjson"))
        and scale.input_size(one) <= scale.CHUNK_BYTES
    ):
        return load_actuals(one, book=book)
    chunks = scale.plan_chunks(files, csv_header=True)
    prices = tuple(str(p) for p in args.prices or ())
    from costlab.cli._progress import progress_bar

    with progress_bar(args, "pricing", "chunk") as progress:
        parts = scale.run_chunks(
            scale.price_usage_chunk, chunks, prices, scheduler=scheduler, progress=progress
        )
    source = one if len(files) == 1 else f"{len(files):,} files ({', '.join(args.usage)})"
    return scale.combine_usage(parts, source)


def run(args: argparse.Namespace) -> int:
    import sys

    from costlab.actuals import variance
    from costlab.cli._common import pricebook, print_json
    from costlab.cli._report import warn_all

    book = pricebook(args)
    currency = None
    if args.currency or args.rate:
        from costlab.cli._common import fail
        from costlab.money import parse_currency

        if not (args.currency and args.rate):
            raise fail(
                "--currency and --rate go together (e.g. --currency EUR --rate 0.92@2026-12-01)"
            )
        currency = parse_currency(args.currency, args.rate)
    fc = None
    if args.scenario:
        from costlab.forecast import forecast_scenario
        from costlab.scenario import load_scenario

        fc = forecast_scenario(
            load_scenario(args.scenario, book=book, keep=True), book=book, sensitivity_table=False
        )
    elif args.explain:
        from costlab.cli._common import fail

        raise fail("--explain needs --scenario (the forecast to explain the variance against)")
    actuals = read_actuals(args, book)
    table = variance(actuals, fc) if fc is not None else None
    rate = None
    if fc is not None and len(actuals.months):
        from costlab.actuals.runrate import run_rate

        rate = run_rate(actuals, fc)
    explanation = None
    if fc is not None and args.explain:
        from costlab.actuals.explain import explain

        explanation = explain(actuals, fc, book=book)
    if args.json:
        from costlab.tables import records

        data = actuals.to_dict()
        if table is not None:
            data["variance"] = records(table)
        if explanation is not None:
            data["explain"] = explanation.to_dict()
        if rate is not None:
            data["run_rate"] = rate.to_dict()
        if currency is not None:
            from costlab.money import plain

            data["currency"] = currency.to_dict()
            data[f"total_cost_{currency.code.lower()}"] = plain(
                currency.convert(actuals.total_cost)
            )
        print_json(data)
    else:
        money = currency.format if currency is not None else None
        if currency is not None:
            print(
                f"amounts in {currency.code} at {currency.rate} per USD on "
                f"{currency.as_of.isoformat()} (given; USD is the price book's unit)"
            )
        print_actuals(actuals, table, money=money)
        if rate is not None:
            print()
            print_run_rate(rate, money=money)
        if explanation is not None:
            print()
            print_explanation(explanation, money=money)
    if args.export:
        from costlab.export import export_tables

        tables = actuals.tables()
        if table is not None:
            tables["variance"] = table
        if explanation is not None:
            tables["variance_by_cause"] = explanation.months
        if rate is not None:
            tables["run_rate"] = rate.months
        from costlab.actuals.workbook import finance_tables

        sheets = finance_tables(
            tables,
            book=book,
            scenario=fc.scenario if fc is not None else None,
            usage_source=actuals.file.source,
            currency=currency,
        )
        written = export_tables(sheets, args.export)
        sys.stderr.write(f"wrote {', '.join(map(str, written))}\n")
    if args.focus:
        from costlab.focus import focus_actuals, write_focus

        rows = focus_actuals(actuals, book=book)
        path = write_focus(rows, args.focus)
        sys.stderr.write(f"wrote {path}: {len(rows):,} FOCUS 1.2 row(s)\n")
    if explanation is not None:
        warn_all(explanation.notes)
    warn_all([*actuals.file.notes, *actuals.flags])
    for message in actuals.problem_messages():
        sys.stderr.write(f"costlab: error: {message}\n")
    return 2 if actuals.problems else 0


def print_actuals(actuals: object, table: object, *, money: Any = None) -> None:
    from costlab.actuals import Actuals
    from costlab.cli._common import table as text_table
    from costlab.cli._report import count, percent
    from costlab.cli._report import usd as as_usd

    usd = money or as_usd

    assert isinstance(actuals, Actuals)
    f = actuals.file
    bad = sum(p.count for p in f.problems)
    used = "summed" if f.format.startswith("openai-costs") else "priced"
    print(
        f"{f.source} ({f.format}): {actuals.rows_used:,} row(s) {used}"
        + (f", {bad:,} with problems" if bad else "")
    )
    print()
    billed = f.format.startswith("openai-costs")
    if billed:
        headers = ["month", "billed"]
        rows = [[r["month"], usd(r["actual_cost"])] for r in actuals.months.to_dict("records")]
    else:
        headers = ["month", "requests", "input tokens", "cached input", "output tokens", "cost"]
        rows = [
            [
                r["month"],
                count(r["requests"]),
                count(r["input_tokens"]),
                count(r["cached_input_tokens"]),
                count(r["output_tokens"]),
                usd(r["actual_cost"]),
            ]
            for r in actuals.months.to_dict("records")
        ]
    rows.append(["total", *[""] * (len(headers) - 2), usd(actuals.total_cost)])
    print(text_table(rows, headers, right=range(1, len(headers))))
    if table is not None:
        import pandas as pd

        assert isinstance(table, pd.DataFrame)
        print()
        rows = [
            [
                r["month"],
                usd(r["forecast_cost"]),
                usd(r["actual_cost"]),
                usd(r["variance_usd"]),
                percent(r["variance_pct"]),
                "" if r["within_band"] is None else ("yes" if r["within_band"] else "no"),
            ]
            for r in table.to_dict("records")
        ]
        print(
            text_table(
                rows,
                ["month", "forecast", "actual", "variance", "variance %", "within band"],
                right=(1, 2, 3, 4),
            )
        )


#: Short headers of the effects, in :data:`costlab.actuals.explain.EFFECTS` order.
_EFFECT_HEADERS = {
    "volume": "volume",
    "mix": "mix",
    "batch_share": "batch",
    "input_tokens": "input/req",
    "output_tokens": "output/req",
    "reasoning_tokens": "reasoning/req",
    "cache_rate": "cache rate",
    "service_tier": "tier",
    "price": "price",
    "unexplained": "unexplained",
}


def print_explanation(explanation: object, *, money: Any = None) -> None:
    from costlab.actuals.explain import EFFECTS, Explanation
    from costlab.cli._common import table as text_table
    from costlab.cli._report import usd as as_usd

    usd = money or as_usd

    assert isinstance(explanation, Explanation)
    headers = ["month", "forecast", "actual", "variance", *(_EFFECT_HEADERS[e] for e in EFFECTS)]
    rows = [
        [
            r["month"],
            usd(r["forecast_cost"]),
            usd(r["actual_cost"]),
            usd(r["variance_usd"]),
            *(usd(r[f"{e}_usd"]) for e in EFFECTS),
        ]
        for r in explanation.months.to_dict("records")
    ]
    print("variance by cause (each effect replaces one forecast figure by the actual, in order)")
    print(text_table(rows, headers, right=range(1, len(headers))))


def print_run_rate(rate: object, *, money: Any = None) -> None:
    from costlab.actuals.runrate import RunRate, check_projection
    from costlab.cli._report import usd as as_usd
    from costlab.money import significant
    from costlab.tables import exact_sum

    usd = money or as_usd
    assert isinstance(rate, RunRate)
    planned = (
        "" if rate.forecast_month_cost is None else f" (forecast {usd(rate.forecast_month_cost)})"
    )
    print(
        f"run-rate to {rate.as_of} ({rate.days_elapsed} of {rate.days_in_month} days): "
        f"{usd(rate.daily_pace)} a day; {rate.month} projected at "
        f"{usd(rate.projected_month_cost)}{planned}"
    )
    months = rate.months
    later = months[months["basis"] == "reforecast"]
    if len(months) and rate.forecast_month_cost is not None:
        planned_total = exact_sum(v for v in months["forecast_cost"] if v is not None)
        anchored = (
            f"; re-forecast from {later['month'].iloc[0]} at x{significant(rate.anchor_factor)}"
            if len(later) and rate.anchor_factor is not None
            else ""
        )
        print(
            f"period {months['month'].iloc[0]} to {months['month'].iloc[-1]} projected at "
            f"{usd(rate.projected_total)} (forecast {usd(planned_total)}){anchored}"
        )
    if money is None:  # the budget messages are in USD, the budget's unit
        for message in check_projection(rate).messages:
            if not message.startswith("no budget"):
                print(f"budget: {message}")
