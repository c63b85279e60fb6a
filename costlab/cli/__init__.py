"""The ``costlab`` command: argument parsing and output only, a thin client of the library.

Each subcommand lives in its own module (``costlab.cli.<name>``) with ``register(subparsers)``
and a ``run(args) -> int``. Modules import the heavy parts of costlab (pandas, tiktoken) inside
``run``, so ``costlab count`` starts without pandas, plotly or streamlit.

Exit codes: 0 success, 1 a check failed (``costlab check``), 2 bad input, with one line
``costlab: error: <where>: <what>`` on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from costlab.errors import CostlabError

#: Subcommand modules, in the order ``costlab --help`` lists them.
COMMANDS = (
    "count",
    "estimate",
    "prices",
    "forecast",
    "compare",
    "check",
    "actuals",
    "inventory",
    "diff",
)


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (and the hint where help is), exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"costlab: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def build_parser() -> Parser:
    parser = Parser(
        prog="costlab",
        description="What will these LLM API calls cost? Count tokens, price them, forecast.",
        epilog="Run 'costlab COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show costlab's version and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"costlab.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"costlab.cli.{name}":
                continue  # a command not built yet in this checkout
            raise
        module.register(sub)
    return parser


class _Version(argparse.Action):
    """``--version``, looked up only when asked: importlib.metadata costs ~30 ms of start-up."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        sys.stdout.write(f"costlab {_version()}\n")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("costlab")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except CostlabError as exc:
        sys.stderr.write(f"costlab: error: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `costlab prices | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("costlab: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
