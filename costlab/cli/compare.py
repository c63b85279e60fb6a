"""``costlab compare``: a scenario re-priced on other models, ranked by cost."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from costlab.cli._common import add_export_option, add_json_option, add_prices_option

EXAMPLE = """examples:
  costlab compare examples/support-bot.yaml --models gpt-4.1-nano,gpt-4.1-mini,gpt-4.1
  costlab compare examples/router.yaml --workload assistant --models gpt-4.1-mini
  costlab compare examples/router.yaml --workload assistant --json"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "compare",
        help="re-price a scenario on other models, ranked by cost",
        description="Re-price a scenario with every workload (or one) on each model, ranked by "
        "cost, with cost per 1,000 requests and per task, warnings where a model cannot serve "
        "the workload, and published benchmark scores where the price book has them. A routed "
        "workload is compared as written against each single model.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scenario", metavar="SCENARIO.yaml", help="scenario file")
    parser.add_argument(
        "--models",
        metavar="A,B,C",
        help="comma-separated model ids or aliases (default: the models the scenario uses)",
    )
    parser.add_argument(
        "--workload", metavar="NAME", help="swap only this workload (default: every workload)"
    )
    add_json_option(parser)
    add_export_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook, print_json
    from costlab.cli._report import warn_all
    from costlab.errors import CostlabError
    from costlab.forecast.figures import rows_of
    from costlab.scenario import load_scenario

    book = pricebook(args)
    scenario = load_scenario(args.scenario, book=book, keep=True)
    models = [m.strip() for m in (args.models or "").split(",") if m.strip()]
    if args.models is not None and not models:
        raise CostlabError(
            "give at least one model, e.g. --models gpt-4.1-mini,gpt-4.1", "--models"
        )
    target = scenario.workload(args.workload) if args.workload else None
    cascade = target is not None and target.routing is not None and bool(target.routing.cascade)
    try:
        result: Any = None
        if not (getattr(args, "export", None) or cascade):
            # The ranking or the JSON of a small scenario: plain Python, no pandas (~0.4 s).
            from costlab.comparison import compare_small

            result = compare_small(scenario, models or None, workload=args.workload, book=book)
        if result is None:
            from costlab.comparison import compare_scenario

            result = compare_scenario(scenario, models or None, workload=args.workload, book=book)
    except CostlabError as exc:
        if exc.where and exc.where[0].startswith("model '"):
            raise CostlabError(exc.what, "--models", *exc.where) from None
        raise
    report = None
    if target is not None and cascade:
        from costlab.cascade import cascade_report

        report = cascade_report(scenario, target.name, book=book)
    if args.json:
        data = result.to_dict()
        if report is not None:
            data["cascade"] = cascade_json(report)
        print_json(data)
    else:
        print_comparison(result)
        if report is not None:
            print()
            print_cascade(report)
    from costlab.cli._common import export_if_asked

    if getattr(args, "export", None):
        export_if_asked(args, result.tables())
    warn_all(
        f"{w['message']} (candidate {w['candidate']}, workload {w['workload']})"
        for w in rows_of(result.warnings)
    )
    return 0


def print_comparison(result: Any) -> None:
    """A :class:`~costlab.comparison.Comparison`, or the plain rows of a
    :class:`~costlab.comparison.SmallComparison`, as a ranking table."""
    from costlab.cli._common import table
    from costlab.cli._report import usd
    from costlab.forecast.figures import rows_of

    s = result.scenario
    what = f"workload {result.workload}" if result.workload else "every workload"
    print(f"{s.name}: {what} re-priced on each candidate, {s.months} months from {s.start}")
    print()
    ranged = s.has_ranges
    headers = ["rank", "candidate", "cost"]
    if ranged:
        headers += ["low", "high"]
    headers += ["per 1k requests", "per task", "vs cheapest", "serves"]
    rows = []
    notes = []
    for r in rows_of(result.ranking):
        label = str(r["candidate"])
        if r["kind"] == "router":
            word, _, described = label.partition(": ")
            notes.append(f"{word} = {described}")
            label = word
        row = [str(r["rank"]), label, usd(r["compared_cost"])]
        if ranged:
            row += [usd(r["compared_cost_low"]), usd(r["compared_cost_high"])]
        row += [
            usd(r["cost_per_1k_requests"]),
            usd(r["cost_per_task"]),
            f"+{usd(r['vs_cheapest'])}" if r["vs_cheapest"] else "",
            "yes" if r["can_serve"] else "NO",
        ]
        rows.append(row)
    right = [i for i, h in enumerate(headers) if h not in ("candidate", "serves")]
    print(table(rows, headers, right=right))
    if result.workload and len(s.workloads) > 1:
        notes.append("cost is the compared workload's; the other workloads are unchanged")
    ranking = rows_of(result.ranking)
    if s.one_off and ranking and not result.workload:
        # total_cost is the whole scenario: the compared workloads plus its one-off costs,
        # which no candidate changes
        first = ranking[0]
        once = first["total_cost"] - first["compared_cost"]
        notes.append(
            f"plus one-off costs of {usd(once)} on every candidate (not ranked; "
            f"{usd(first['total_cost'])} in all for {first['candidate']})"
        )
    if notes:
        print()
        print("\n".join(notes))
    benchmarks = rows_of(result.benchmarks)
    if benchmarks:
        print()
        print("published benchmark scores (task-specific; not one quality number):")
        sources = list(dict.fromkeys(r["source"] for r in benchmarks))
        one_source = len(sources) == 1
        rows = [
            [r["model"], r["benchmark"], f"{r['score']}%", *([] if one_source else [r["source"]])]
            for r in benchmarks
        ]
        headers = ["model", "benchmark", "score", *([] if one_source else ["source"])]
        print(table(rows, headers, right=(2,)))
        if one_source:
            print(f"source: {sources[0]}")


def cascade_json(report: object) -> dict[str, object]:
    from costlab.cascade import CascadeReport
    from costlab.money import plain

    assert isinstance(report, CascadeReport)
    return {
        "workload": report.workload,
        "cost_per_task": plain(report.cost_per_task),
        "steps": [
            {
                "step": s.step,
                "model": s.model,
                "reach": format(s.reach, "f"),
                "served": format(s.served, "f"),
                "requests_per_task": format(s.requests_per_task.normalize(), "f"),
                "cost_per_task": plain(s.cost_per_task),
            }
            for s in report.steps
        ],
        "single_models": [
            {
                "model": s.model,
                "cost_per_task": plain(s.cost_per_task),
                "break_even_first_escalation_rate": None
                if s.break_even_rate is None
                else format(s.break_even_rate.quantize(Decimal("0.000001")).normalize(), "f"),
            }
            for s in report.singles
        ],
    }


def print_cascade(report: object) -> None:
    from costlab.cascade import CascadeReport
    from costlab.cli._common import table
    from costlab.cli._report import usd

    assert isinstance(report, CascadeReport)
    print(f"cascade of {report.workload}: {usd(report.cost_per_task)} per task")
    rows = [
        [
            str(s.step),
            s.model,
            f"{s.reach * 100:.1f}%",
            f"{s.served * 100:.1f}%",
            f"{s.requests_per_task:.3f}",
            usd(s.cost_per_task),
        ]
        for s in report.steps
    ]
    print(
        table(
            rows,
            ["step", "model", "reached by", "served", "requests/task", "cost/task"],
            right=(0, 2, 3, 4, 5),
        )
    )
    print()
    print("each model alone (with its step's retries and prompt):")
    rows = [[s.model, usd(s.cost_per_task), s.cascade_cheaper_below] for s in report.singles]
    print(table(rows, ["model", "cost/task", "cascade cheaper while step 1 escalates"], right=(1,)))
