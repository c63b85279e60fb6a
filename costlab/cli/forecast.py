"""``costlab forecast``: a scenario month by month, as a table, JSON, CSV or a workbook."""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import add_prices_option
from costlab.cli._simulate import add_simulation_options, print_simulation, simulation_for

EXAMPLE = """examples:
  costlab forecast examples/support-bot.yaml
  costlab forecast examples/launch-ranges.yaml --json
  costlab forecast examples/router.yaml --csv --table routes > routes.csv
  costlab forecast examples/router.yaml --xlsx forecast.xlsx
  costlab forecast examples/launch-ranges.yaml --focus forecast-focus.csv
  costlab forecast --model gpt-4.1-mini --requests-per-day 20000 --input-tokens 1200 \\
      --output-tokens 150 --cached-share 0.5 --growth 0.10 --start 2027-01 --budget 400 \\
      --save support.yaml                    # one workload, no file needed"""

TABLES = ("months", "workloads", "routes", "lines", "budget", "flags", "sensitivity")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "forecast",
        help="forecast a scenario file month by month",
        description="Forecast a scenario file month by month: requests, tokens and exact costs, "
        "budget headroom, low/base/high bands for ranges and a sensitivity table. Without a "
        "file, one workload described by flags (--model, --requests-per-day, --input-tokens, "
        "...); --save writes it as a scenario file.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from costlab.cli._scenario_flags import add_scenario_flags

    add_scenario_flags(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json", action="store_true", help="print the forecast as JSON (money as decimal strings)"
    )
    output.add_argument("--csv", action="store_true", help="print one table as CSV (see --table)")
    output.add_argument(
        "--xlsx", metavar="OUT", help="write every table to a workbook, a sheet each"
    )
    output.add_argument(
        "--focus",
        metavar="OUT.csv",
        help="write the forecast in FinOps FOCUS 1.2's shape, one-off costs included (.csv, or "
        ".parquet with pyarrow): rows per month, model and token kind, per band; marked "
        "non-conformant, since nothing was charged",
    )
    parser.add_argument(
        "--table",
        choices=TABLES,
        default="months",
        help="table for --csv: months (default), workloads, routes, lines (per month, "
        "workload and model), budget, flags, sensitivity",
    )
    add_prices_option(parser)
    add_simulation_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook, print_json
    from costlab.cli._report import warn_all
    from costlab.cli._scenario_flags import load_from_args

    book = pricebook(args)
    scenario = load_from_args(args, book)
    focus = args.focus is not None
    if focus and not args.focus.strip():
        from costlab.errors import CostlabError

        raise CostlabError("needs a file name, .csv or .parquet", "--focus")
    if not (args.csv or args.xlsx or focus or getattr(args, "samples", None)):
        # The table or the JSON of a small scenario: plain Python, no pandas (~0.4 s).
        from costlab.forecast.budget import budgeted
        from costlab.forecast.small import small_forecast

        budget = args.budget if args.scenario is not None else None
        small = small_forecast(budgeted(scenario, monthly=budget), book=book)
        if small is not None:
            if args.json:
                print_json(small.to_dict())
            else:
                print_forecast(small)
            warn_all(_flag_text(f) for f in small.flags)
            return 0
    from costlab.forecast import forecast_scenario, with_budget

    fc = forecast_scenario(scenario, book=book)
    if args.scenario is not None and args.budget is not None:
        fc = with_budget(fc, monthly=args.budget)
    simulation = simulation_for(args, fc, book)
    if args.json:
        from costlab.cli._simulate import with_simulation

        print_json(with_simulation(fc.to_dict(), simulation))
    elif args.csv:
        import sys

        from costlab.export import write_csv

        tables = fc.tables()
        write_csv(tables.get(args.table, _empty(args.table)), sys.stdout)
    elif args.xlsx:
        from costlab.export import write_xlsx

        tables = fc.tables()
        write_xlsx(tables, args.xlsx)
        print(f"wrote {args.xlsx}: sheets {', '.join(tables)}")
    elif focus:
        from costlab.focus import focus_forecast, write_focus

        rows = focus_forecast(fc)
        path = write_focus(rows, args.focus)
        print(f"wrote {path}: {len(rows):,} FOCUS-shaped forecast row(s), not a FOCUS dataset")
    else:
        print_forecast(fc)
        print_simulation(simulation)
    warn_all(_flag_text(f) for f in fc.flags)
    return 0


def _empty(name: str) -> Any:
    import pandas as pd

    return pd.DataFrame()


def _flag_text(flag: object) -> str:
    from costlab.forecast import ForecastFlag

    assert isinstance(flag, ForecastFlag)
    where = f" (workload {flag.workload}" + (f", from {flag.month})" if flag.month else ")")
    return flag.message + where


#: Month-table headers of the audio, image and tool cost columns (shown when used).
_MEDIA_HEADERS = {"audio_cost": "audio", "image_cost": "images", "tool_cost": "tools"}
_HEADERS = {**_MEDIA_HEADERS, "one_off_cost": "one-off"}


def print_forecast(fc: Any) -> None:
    """A forecast as tables: a :class:`~costlab.forecast.Forecast` or, for a small scenario,
    a :class:`~costlab.forecast.small.SmallForecast` (the same rows, no pandas)."""
    from costlab.cli._common import table
    from costlab.cli._report import count, number, plural, usd
    from costlab.forecast.figures import rows_of

    s = fc.scenario
    months = rows_of(fc.months)
    ranged = s.has_ranges
    budget = fc.budget
    print(
        f"{s.name}: {plural(s.months, 'month')} from {months[0]['month']} to "
        f"{months[-1]['month']}, {plural(len(s.workloads), 'workload')}"
    )
    print()
    writes = "cache_write_cost" in months[0]
    headers = ["month", "requests", "input tokens", "cached input"]
    headers += ["cache writes"] if writes else []
    media = [c for c in (*_MEDIA_HEADERS, "one_off_cost") if c in months[0]]
    headers += ["output tokens", *(_HEADERS[c] for c in media), "cost"]
    if ranged:
        headers += ["low", "high"]
    headers.append("cumulative")
    if budget.monthly is not None:
        headers.append("headroom")
    if budget.total is not None:
        headers.append("budget left")
    rows = []
    for r in months:
        row = [
            r["month"],
            count(r["requests"]),
            count(r["input_tokens"]),
            count(r["cached_input_tokens"]),
            *([count(r["cache_write_tokens"] + r["cache_write_1h_tokens"])] if writes else []),
            count(r["output_tokens"]),
            *(usd(r[c]) for c in media),
            usd(r["total_cost"]),
        ]
        if ranged:
            row += [usd(r["total_cost_low"]), usd(r["total_cost_high"])]
        row.append(usd(r["cumulative_cost"]))
        if budget.monthly is not None:
            row.append(usd(r["headroom"]))
        if budget.total is not None:
            row.append(usd(r["budget_remaining"]))
        rows.append(row)
    total = [
        "total",
        count(fc.total("requests")),
        count(fc.total("input_tokens")),
        count(fc.total("cached_input_tokens")),
        *(
            [count(fc.total("cache_write_tokens") + fc.total("cache_write_1h_tokens"))]
            if writes
            else []
        ),
        count(fc.total("output_tokens")),
        *(usd(fc.total(c)) for c in media),
        usd(fc.total_cost),
    ]
    if ranged:
        total += [usd(fc.total_cost_low), usd(fc.total_cost_high)]
    rows.append(total + [""] * (len(headers) - len(total)))
    print(table(rows, headers, right=range(1, len(headers))))

    if len(s.workloads) > 1 or any(w.routing is not None for w in s.workloads):
        print()
        rows = [
            [
                r["workload"],
                r["models"],
                count(r["requests"]),
                usd(r["total_cost"]),
                usd(r["cost_per_1k_requests"]),
                usd(r["cost_per_task"]),
            ]
            for r in rows_of(fc.workloads)
        ]
        print(
            table(
                rows,
                ["workload", "models", "requests", "cost", "per 1k requests", "per task"],
                right=(2, 3, 4, 5),
            )
        )

    if ranged:
        print()
        print("sensitivity: the total with one range at its low or high end, the rest at base")
        rows = [
            [
                r["assumption"],
                number(r["low"]),
                number(r["high"]),
                usd(r["total_at_low"]),
                usd(r["total_at_high"]),
                usd(r["swing"]),
            ]
            for r in fc.sensitivity.to_dict("records")
        ]
        print(
            table(
                rows,
                ["assumption", "low", "high", "total at low", "total at high", "swing"],
                right=(1, 2, 3, 4, 5),
            )
        )

    print()
    print(_budget_line(fc))


def _budget_line(fc: Any) -> str:
    from costlab.cli._report import usd
    from costlab.forecast.figures import rows_of

    b = fc.budget
    costs = {r["month"]: r["total_cost"] for r in rows_of(fc.months)}
    parts = []
    if b.monthly is not None:
        if b.first_month_over:
            parts.append(
                f"{usd(b.monthly)} a month: first exceeded in {b.first_month_over} "
                f"({usd(costs[b.first_month_over])}); over in {len(b.months_over)} of "
                f"{len(costs)} months"
            )
        else:
            parts.append(f"{usd(b.monthly)} a month: never exceeded")
    if b.total is not None:
        if b.total_runs_out:
            parts.append(f"{usd(b.total)} in total: runs out in {b.total_runs_out}")
        else:
            parts.append(f"{usd(b.total)} in total: {usd(b.total - fc.total_cost)} left at the end")
    if not parts:
        return f"total {usd(fc.total_cost)}; no budget set (add budget: to the scenario)"
    line = "budget " + "; ".join(parts)
    if fc.scenario.has_ranges:
        high = []
        if b.monthly is not None and b.first_month_over_high != b.first_month_over:
            high.append(f"exceeds the monthly budget from {b.first_month_over_high or 'never'}")
        if b.total is not None and b.total_runs_out_high != b.total_runs_out:
            high.append(f"runs out of the total in {b.total_runs_out_high or 'no month'}")
        if high:
            line += "\nat the high band the forecast " + " and ".join(high)
    return line
