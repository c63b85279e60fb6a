"""``costlab check``: exit 1 when a scenario's forecast goes over budget (for CI)."""

from __future__ import annotations

import argparse

from costlab.cli._common import add_prices_option, money_amount

EXAMPLE = """examples:
  costlab check examples/support-bot.yaml              # the scenario's own budget
  costlab check examples/support-bot.yaml --budget 600 # USD a month
  costlab check --model gpt-4.1-mini --requests-per-day 20000 --input-tokens 1200 \\
      --output-tokens 150 --start 2027-01 --budget 400  # one workload, no file

exit codes: 0 within budget, 1 over budget (the first month over is named), 2 bad input"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "check",
        help="exit 1 when a scenario goes over budget (for CI)",
        description="Forecast a scenario and check it against its budget: exit 0 within "
        "budget, 1 over budget naming the first month over, 2 on bad input. The base forecast "
        "decides; with ranges, a high band over budget is noted.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from costlab.cli._scenario_flags import add_scenario_flags

    add_scenario_flags(parser)
    parser.add_argument(
        "--total",
        type=money_amount,
        metavar="AMOUNT",
        help="budget in USD over the whole horizon (overrides budget.total)",
    )
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook
    from costlab.cli._report import usd, warn_all
    from costlab.cli._scenario_flags import load_from_args
    from costlab.errors import CostlabError
    from costlab.forecast import forecast_scenario, with_budget

    book = pricebook(args)
    scenario = load_from_args(args, book)
    fc = with_budget(
        forecast_scenario(scenario, book=book, sensitivity_table=False),
        monthly=args.budget,
        total=args.total,
    )
    b = fc.budget
    if not b.has_budget:
        raise CostlabError(
            "no budget: give --budget AMOUNT (USD a month) or add budget: to the scenario",
            scenario.label,
        )
    costs = dict(zip(fc.months["month"], fc.months["total_cost"], strict=True))
    running = dict(zip(fc.months["month"], fc.months["cumulative_cost"], strict=True))
    warn_all(f.message for f in fc.flags)
    name = scenario.name
    if b.within:
        highest = max(costs, key=lambda m: costs[m])
        limits = []
        if b.monthly is not None:
            limits.append(f"{usd(b.monthly)} a month")
        if b.total is not None:
            limits.append(f"{usd(b.total)} in total")
        print(
            f"{name}: within budget ({' and '.join(limits)}): {usd(fc.total_cost)} over "
            f"{len(costs)} months, highest month {highest} at {usd(costs[highest])}"
        )
        # The check gates on the base forecast; say so when the high band would not pass.
        if b.first_month_over_high:
            print(
                f"note: at the high band the monthly budget is exceeded from {b.first_month_over_high}"
            )
        if b.total_runs_out_high:
            print(f"note: at the high band the total runs out in {b.total_runs_out_high}")
        return 0
    if b.first_month_over is not None and b.monthly is not None:
        month = b.first_month_over
        print(
            f"{name}: over budget: {month} costs {usd(costs[month])}, over the "
            f"{usd(b.monthly)} monthly budget ({len(b.months_over)} of {len(costs)} months over)"
        )
    if b.total_runs_out is not None and b.total is not None:
        month = b.total_runs_out
        print(
            f"{name}: over budget: the {usd(b.total)} total runs out in {month} "
            f"({usd(running[month])} spent by its end)"
        )
    return 1
