"""``costlab inventory``: every prompt a project lists, with its tokens and monthly cost."""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import add_json_option, add_prices_option, parse_date

EXAMPLE = """examples:
  costlab inventory                      # the project in this folder (pyproject.toml or costlab.toml)
  costlab inventory path/to/project --json
  costlab inventory --rev main           # as it is on the main branch

The configuration ([tool.costlab] in pyproject.toml, or costlab.toml):
  [[tool.costlab.prompts]]
  path = "prompts/*.txt"                 # a file or glob: text, request bodies, batch files
  model = "gpt-4.1-mini"                 # or models = [...]; default: the body's model
  calls_per_month = 600000               # or feeds = "scenario.yaml:workload"
  output_tokens = 150                    # default: the body's max-token limit
  placeholders = {user_question = 120}   # templates: typical size of each placeholder
  placeholder_unit = "tokens"            # or "characters" (4 characters a token)"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "inventory",
        help="list a project's prompts with tokens and monthly cost",
        description="Count and price every prompt source a project lists in [tool.costlab] "
        "(pyproject.toml) or costlab.toml: tokens per call, cost per call and per month.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "project", nargs="?", default=".", metavar="FOLDER", help="project folder (default .)"
    )
    parser.add_argument("--rev", metavar="REV", help="read the project at this git revision")
    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="prices in force on this day (default: the configuration's date, else today)",
    )
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from costlab.cli._common import pricebook, print_json
    from costlab.gitfiles import FolderTree, GitTree
    from costlab.inventory import load_inventory

    book = pricebook(args)
    tree: Any = GitTree(args.rev, args.project) if args.rev else FolderTree(args.project)
    inventory = load_inventory(tree, book=book, on=args.date)
    if args.json:
        print_json(inventory.to_dict())
    else:
        print_inventory(inventory)
    return 0


def print_inventory(inventory: Any) -> None:
    from costlab import formats
    from costlab.cli._common import table
    from costlab.cli._report import count, usd

    entries = inventory.entries
    print(
        f"{inventory.where}: {inventory.config}, {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, "
        f"prices in force on {inventory.on}"
    )
    print()
    rows = [
        (
            e.name,
            e.model,
            e.kind,
            count(e.input_tokens) + ("" if e.exact else "*"),
            count(e.output_tokens),
            count(e.calls_per_month),
            formats.usd(e.cost_per_call, per_unit=True),
            usd(e.monthly_cost),
        )
        for e in entries
    ]
    rows.append(("total", "", "", "", "", "", "", usd(inventory.monthly_cost)))
    headers = ("entry", "model", "kind", "input/call", "output/call", "calls/month")
    print(table(rows, (*headers, "per call", "per month"), right=(3, 4, 5, 6, 7)))
    notes = [(e.name, n) for e in entries for n in e.notes]
    if any(not e.exact for e in entries):
        print("\n* an estimate (no public tokenizer, a method extended, or placeholders)")
    for name, note in dict.fromkeys(notes):
        print(f"  {name}: {note}")
