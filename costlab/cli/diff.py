"""``costlab diff``: what a change does to the project's prompt bill, per prompt and per month."""

from __future__ import annotations

import argparse
from typing import Any

from costlab.cli._common import add_json_option, add_prices_option, model_id, parse_date

EXAMPLE = """examples:
  costlab diff                          # merge-base with the default branch vs the working tree
  costlab diff main                     # main as it is now vs the working tree
  costlab diff HEAD~1 HEAD              # two revisions
  costlab diff HEAD --staged            # what the next commit changes (a pre-commit hook)
  costlab diff old/ new/                # two project folders
  costlab diff v1.txt v2.txt --model gpt-4.1-mini --calls-per-month 100000
  costlab diff --markdown --fail-above 50     # a pull-request comment; exit 1 above +$50/month
  costlab diff --fail-above 10%               # exit 1 above +10% a month

exit codes: 0 within --fail-above (or none given), 1 above it, 2 bad input (not a git
repository, an unknown revision, a bad configuration)"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "diff",
        help="the prompt cost change between two revisions or folders (for pull requests)",
        description="Compare the project's prompt inventory (costlab inventory) at BASE and "
        "HEAD: input tokens and cost per call before and after, the monthly cost change per "
        "entry and in total. BASE and HEAD are git revisions, folders or two prompt files; "
        "default BASE is the merge-base with the default branch (origin/HEAD, else main or "
        "master), default HEAD the working tree.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("base", nargs="?", metavar="BASE", help="revision, folder or file")
    parser.add_argument("head", nargs="?", metavar="HEAD", help="revision, folder or file")
    output = parser.add_mutually_exclusive_group()
    add_json_option(output)
    output.add_argument(
        "--markdown", action="store_true", help="print a Markdown pull-request comment"
    )
    parser.add_argument(
        "--fail-above",
        metavar="USD|PCT%",
        help="exit 1 when the monthly cost rises by more than this (50 = $50 a month, 10%%)",
    )
    parser.add_argument(
        "-C",
        "--project",
        default=".",
        metavar="FOLDER",
        help="the project folder, inside the repository (default .)",
    )
    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="prices in force on this day, both sides (default: the configuration's, else today)",
    )
    parser.add_argument(
        "--staged",
        action="store_true",
        help="HEAD is what is staged for the next commit (for a pre-commit hook)",
    )
    files = parser.add_argument_group("two prompt files (no configuration needed)")
    files.add_argument(
        "--model", metavar="M", type=model_id, help="model (default: the body's, else gpt-4.1-mini)"
    )
    files.add_argument(
        "--calls-per-month", default="1", metavar="N", help="calls a month (default 1)"
    )
    files.add_argument("--output-tokens", metavar="N", help="expected output tokens per call")
    add_prices_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from costlab.cli._common import pricebook, print_json
    from costlab.diff import diff_inventories, parse_threshold
    from costlab.errors import CostlabError

    try:
        threshold = parse_threshold(args.fail_above) if args.fail_above else None
    except CostlabError as exc:
        raise CostlabError(exc.what, "--fail-above") from None
    book = pricebook(args)
    base, head = _inventories(args, book)
    diff = diff_inventories(base, head)
    if args.json:
        print_json(diff.to_dict())
    elif args.markdown:
        from costlab.cli._diff_report import markdown

        sys.stdout.write(markdown(diff, threshold))
    else:
        from costlab.cli._diff_report import print_diff

        print_diff(diff)
    if threshold is not None and diff.exceeds(threshold):
        from costlab.cli._diff_report import signed_usd

        sys.stderr.write(
            f"costlab: prompt cost rises {signed_usd(diff.monthly_delta)} a month, above "
            f"--fail-above {threshold}\n"
        )
        return 1
    return 0


def _inventories(args: argparse.Namespace, book: Any) -> tuple[Any, Any]:
    """The two inventories the arguments name (same price date on both sides)."""
    from pathlib import Path

    from costlab import gitfiles
    from costlab.errors import CostlabError
    from costlab.inventory import Inventory, configured_date, load_inventory

    project = Path(args.project)
    sides = [args.base, args.head]
    if args.staged and args.head is not None:
        raise CostlabError("--staged compares BASE with the staged files: give no HEAD", "diff")
    if sides[0] is not None and Path(sides[0]).is_file():
        return _two_files(args, book)
    trees: list[Any] = []
    for i, side in enumerate(sides):
        if side is None:
            if i == 0:
                branch = gitfiles.default_branch(project)
                base = gitfiles.merge_base(branch, project)
                tree: Any = gitfiles.GitTree(base, project)
                tree.label = f"{branch} (merge-base {base[:7]})"
            elif args.staged:
                tree = gitfiles.IndexTree(project)
            else:
                tree = gitfiles.FolderTree(project, "working tree")
        elif Path(side).is_dir():
            tree = gitfiles.FolderTree(side)
        else:
            tree = gitfiles.GitTree(side, project)
        trees.append(tree)
    day = args.date
    if day is None:  # the head's configured date prices both sides, so only prompts differ
        day = configured_date(trees[1])
    inventories = []
    for tree in trees:
        try:
            inventories.append(load_inventory(tree, book=book, on=day))
        except CostlabError as exc:
            if tree is trees[1] or not exc.what.startswith("no prompt inventory"):
                raise
            # The change that adds the configuration: everything is new.
            from datetime import date

            inventories.append(Inventory(tree.label, "", day or date.today(), ()))
    return inventories[0], inventories[1]


def _two_files(args: argparse.Namespace, book: Any) -> tuple[Any, Any]:
    """Two prompt files compared as one entry, before and after."""
    import json
    import tempfile
    from pathlib import Path

    from costlab.errors import CostlabError
    from costlab.gitfiles import FolderTree
    from costlab.inventory import load_inventory

    if args.head is None or not Path(args.head).is_file():
        raise CostlabError("give two files to compare (BASE and HEAD)", "diff")
    out = []
    for side in (args.base, args.head):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            name = "prompt" + Path(side).suffix
            (root / name).write_bytes(Path(side).read_bytes())
            calls = _int(args.calls_per_month)
            lines = [f'[[prompts]]\npath = "{name}"\ncalls_per_month = {calls}']
            if args.model:
                lines.append(f"model = {json.dumps(args.model)}")
            if args.output_tokens:
                lines.append(f"output_tokens = {_int(args.output_tokens)}")
            (root / "costlab.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
            inventory = load_inventory(FolderTree(root, side), book=book, on=args.date)
        entries = tuple(
            type(e)(**{**vars(e), "name": side, "path": side}) for e in inventory.entries
        )
        out.append(type(inventory)(side, "", inventory.on, entries))
    return out[0], out[1]


def _int(text: str) -> int:
    from costlab.errors import CostlabError

    try:
        value = int(str(text).replace(",", "").replace("_", ""))
    except ValueError:
        raise CostlabError(f"not a whole number: {text!r}", "diff") from None
    if value < 0:
        raise CostlabError(f"must be >= 0, got {value}", "diff")
    return value
