"""``costlab check``: exit 1 when a scenario's forecast goes over budget (for CI)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from costlab.cli._common import add_prices_option, money_amount

EXAMPLE = """examples:
  costlab check examples/support-bot.yaml              # the scenario's own budget
  costlab check examples/support-bot.yaml --budget 600 # USD a month
  costlab check support.yaml --max-increase 10%      # vs its version at the merge-base
  costlab check examples/support-bot.yaml --actuals usage.csv  # on this month's pace
  costlab check support.yaml --max-increase 50 --against main
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
    parser.add_argument(
        "--max-increase",
        metavar="USD|PCT%",
        help="exit 1 when the forecast's mean monthly cost rises by more than this against "
        "the scenario's version at --against (50 = $50 a month, 10%%)",
    )
    parser.add_argument(
        "--actuals",
        metavar="USAGE",
        help="a usage export so far: gate on the run-rate projection (this month's pace to its "
        "end, and the period re-forecast from the latest actual month) instead of the forecast",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="git revision to compare with (default: the merge-base with the default branch)",
    )
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook
    from costlab.cli._report import usd, warn_all
    from costlab.cli._scenario_flags import load_from_args
    from costlab.errors import CostlabError

    book = pricebook(args)
    scenario = load_from_args(args, book)
    fc: Any = None
    if args.actuals is None and args.max_increase is None and args.against is None:
        # A small scenario against its budget: plain Python, no pandas (~0.4 s).
        from costlab.forecast.budget import budgeted
        from costlab.forecast.small import small_forecast

        fc = small_forecast(budgeted(scenario, monthly=args.budget, total=args.total), book=book)
    if fc is None:
        from costlab.forecast import forecast_scenario, with_budget

        fc = with_budget(
            forecast_scenario(scenario, book=book, sensitivity_table=False),
            monthly=args.budget,
            total=args.total,
        )
    unpriced = [f for f in fc.flags if f.code == "modality"]
    if unpriced:
        # a budget gate must not pass on a forecast that leaves part of the cost unpriced
        what = unpriced[0].message.removesuffix("; not priced")
        raise CostlabError(
            f"{what}; with that cost left out, the budget cannot be checked",
            scenario.label,
            f"workload {unpriced[0].workload}",
        )
    if args.actuals is not None:
        return _gate_on_actuals(args, fc, book)
    b = fc.budget
    increased = None
    if args.max_increase is not None or args.against is not None:
        increased = _increase(args, fc, book)
        if not b.has_budget:
            return 1 if increased else 0
    if not b.has_budget:
        raise CostlabError(
            "no budget: give --budget AMOUNT (USD a month) or add budget: to the scenario",
            scenario.label,
        )
    from costlab.forecast.figures import rows_of

    months = rows_of(fc.months)
    costs = {r["month"]: r["total_cost"] for r in months}
    running = {r["month"]: r["cumulative_cost"] for r in months}
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
        return 1 if increased else 0
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


def _increase(args: argparse.Namespace, fc: object, book: Any) -> bool:
    """Compare the forecast with the scenario's version at a git revision; True when the
    mean monthly cost rises above --max-increase."""
    from pathlib import Path

    from costlab import gitfiles
    from costlab.cli._report import usd
    from costlab.diff import forecast_change, parse_threshold
    from costlab.errors import CostlabError
    from costlab.forecast import Forecast, forecast_scenario
    from costlab.scenario import parse_scenario
    from costlab.yaml_reader import load_yaml

    assert isinstance(fc, Forecast)
    if args.scenario is None:
        raise CostlabError("--max-increase compares a scenario FILE with its git history", "check")
    try:
        threshold = parse_threshold(args.max_increase) if args.max_increase else None
    except CostlabError as exc:
        raise CostlabError(exc.what, "--max-increase") from None
    path = Path(args.scenario)
    folder = path.parent
    rev = args.against or gitfiles.merge_base(gitfiles.default_branch(folder), folder)
    tree = gitfiles.GitTree(rev, folder)
    raw = tree.read(path.name)
    name = fc.scenario.name
    if raw is None:
        print(f"{name}: not in {tree.label}: nothing to compare with")
        return False
    where = f"{tree.label}:{args.scenario}"
    old = parse_scenario(
        load_yaml(raw.decode("utf-8"), where), where, book=book, base_dir=str(folder)
    )
    before = forecast_scenario(old, book=book, sensitivity_table=False)
    change = forecast_change(before, fc)
    percent = "" if change.percent is None else f", {change.percent.quantize(Decimal('0.1')):+}%"
    sign = "+" if change.delta > 0 else ""
    line = (
        f"{name}: {usd(change.before)} -> {usd(change.after)} a month on average against "
        f"{tree.label} ({sign}{usd(change.delta)}{percent})"
    )
    over = threshold is not None and change.exceeds(threshold)
    print(line + (f": above --max-increase {threshold}" if over else ""))
    return over


def _gate_on_actuals(args: argparse.Namespace, fc: object, book: Any) -> int:
    """``--actuals``: exit 1 when the run-rate projection goes over the budget."""
    import sys

    from costlab.actuals import load_actuals
    from costlab.actuals.runrate import check_projection, run_rate
    from costlab.cli._report import warn_all
    from costlab.forecast import Forecast

    assert isinstance(fc, Forecast)
    actuals = load_actuals(args.actuals, book=book)
    for message in actuals.problem_messages():
        sys.stderr.write(f"costlab: error: {message}\n")
    if actuals.problems:
        return 2
    warn_all([*actuals.file.notes, *actuals.flags])
    result = check_projection(run_rate(actuals, fc), monthly=args.budget, total=args.total)
    verdict = "within budget" if result.within else "over budget"
    print(f"{fc.scenario.name}: {verdict} at the current pace")
    for message in result.messages:
        print(f"  {message}")
    return 0 if result.within else 1
