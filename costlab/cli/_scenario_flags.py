"""A one-workload scenario from flags, for ``costlab forecast`` and ``costlab check``.

The flags only name numbers; :func:`costlab.quick.quick_scenario` builds the scenario (and the
YAML file ``--save`` writes).
"""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import model_id, money_amount, non_negative_int, positive_int

#: The flags that make a scenario, in the order ``--help`` lists them.
FLAGS = (
    "model",
    "requests_per_day",
    "input_tokens",
    "output_tokens",
    "cached_share",
    "growth",
    "months",
    "start",
)


def _decimal(text: str) -> Any:
    from decimal import Decimal, InvalidOperation

    from costlab.cli._common import number_text

    try:
        value = Decimal(number_text(text))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    return value


def add_scenario_flags(parser: argparse.ArgumentParser, *, budget: bool = True) -> None:
    """SCENARIO.yaml made optional, and the flags that replace it."""
    parser.add_argument(
        "scenario",
        metavar="SCENARIO.yaml",
        nargs="?",
        help="scenario file (or describe one workload with --model, --requests-per-day, ...)",
    )
    group = parser.add_argument_group("one workload from flags, instead of a scenario file")
    group.add_argument("--model", metavar="M", type=model_id, help="model id or alias")
    group.add_argument(
        "--requests-per-day",
        type=_decimal,
        metavar="N",
        help="requests per day in the first month",
    )
    group.add_argument(
        "--input-tokens", type=non_negative_int, metavar="N", help="input tokens per request"
    )
    group.add_argument(
        "--output-tokens",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="output tokens per request (default 0)",
    )
    group.add_argument(
        "--cached-share",
        type=_decimal,
        default=0,
        metavar="F",
        help="0..1: share of the input read from the prompt cache (default 0)",
    )
    group.add_argument(
        "--growth",
        type=_decimal,
        default=0,
        metavar="F",
        help="monthly growth from the second month: 0.10 = +10%% (default 0)",
    )
    group.add_argument(
        "--months", type=positive_int, default=12, metavar="N", help="horizon (default 12)"
    )
    group.add_argument(
        "--start", metavar="YYYY-MM", help="first month (default: the month after today)"
    )
    if budget:
        group.add_argument(
            "--budget",
            type=money_amount,
            metavar="AMOUNT",
            help="monthly budget in USD (with a scenario file: overrides budget.monthly)",
        )
    group.add_argument(
        "--save", metavar="FILE", help="also write the scenario the flags describe as YAML"
    )


def load_from_args(args: argparse.Namespace, book: Any) -> Any:
    """The scenario file, or the one-workload scenario the flags describe."""
    from datetime import date

    from costlab.errors import CostlabError
    from costlab.scenario import load_scenario

    given = [f for f in FLAGS if getattr(args, f) not in (None, 0) and f not in ("months",)]
    if args.scenario is not None:
        if given or args.save:
            flags = ", ".join("--" + f.replace("_", "-") for f in given) or "--save"
            raise CostlabError(
                f"give a scenario file or describe a workload with flags, not both ({flags})",
                args.command,
            )
        return load_scenario(args.scenario, book=book, keep=True)
    missing = [f for f in ("model", "requests_per_day", "input_tokens") if getattr(args, f) is None]
    if missing:
        need = ", ".join("--" + f.replace("_", "-") for f in missing)
        raise CostlabError(
            f"give SCENARIO.yaml, or describe one workload: {need} missing", args.command
        )
    today = date.today()
    start = args.start or (
        f"{today.year + 1}-01" if today.month == 12 else f"{today.year}-{today.month + 1:02d}"
    )
    try:
        quick = _quick(args, start, book)
    except CostlabError as exc:
        raise _as_flag_error(exc, args.command) from None
    if args.save:
        import sys

        from costlab.output_files import atomic_write

        text = quick.yaml_text
        atomic_write(args.save, lambda temporary: temporary.write_text(text, encoding="utf-8"))

        sys.stderr.write(f"costlab: wrote {args.save}\n")
    return quick.scenario


def _quick(args: argparse.Namespace, start: str, book: Any) -> Any:
    from costlab.quick import quick_scenario

    return quick_scenario(
        model=args.model,
        requests_per_day=args.requests_per_day,
        input_tokens=args.input_tokens,
        output_tokens=args.output_tokens,
        cached_input_share=args.cached_share,
        growth=args.growth,
        months=args.months,
        start=start,
        budget=getattr(args, "budget", None),
        book=book,
    )


#: Scenario fields and the flags that set them, for errors that name what the user typed.
_FLAG_OF = {
    "model": "--model",
    "requests_per_day": "--requests-per-day",
    "input_tokens": "--input-tokens",
    "output_tokens": "--output-tokens",
    "cached_input_share": "--cached-share",
    "growth": "--growth",
    "months": "--months",
    "start": "--start",
    "budget.monthly": "--budget",
    "monthly": "--budget",
}


def _as_flag_error(exc: Any, command: str) -> Any:
    """``flags: workloads[0] (main): cached_input_share: ... (line 11)`` -> ``--cached-share: ...``."""
    import re

    from costlab.errors import CostlabError

    field = exc.where[-1] if exc.where else ""
    flag = _FLAG_OF.get(field)
    if flag is None:
        return CostlabError(exc.what, command)
    return CostlabError(re.sub(r" \(line \d+\)$", "", exc.what), command, flag)
