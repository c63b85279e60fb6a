"""The ``costlab`` command: argument parsing and output only, a thin client of the library.

Each subcommand lives in its own module (``costlab.cli.<name>``) with ``register(subparsers)``
and a ``run(args) -> int``. Modules import the heavy parts of costlab (pandas, tiktoken) inside
``run``, so ``costlab count`` starts without pandas, plotly or streamlit.

Exit codes: 0 success, 1 a check failed (``costlab check``), 2 bad input, with one line
``costlab: error: <where>: <what>`` on stderr.

:func:`main` is the one boundary that keeps that promise: a :class:`CostlabError`, and the few
failures caused by the input or the environment rather than by costlab (a full disk, a closed
pipe, out of memory, an image or document a third-party reader refuses, a number too large to
compute with; :func:`environment_error` lists them), become that one line and exit 2. Anything
else is a bug and keeps its traceback; ``COSTLAB_DEBUG=1`` shows a traceback for everything.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

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
    "replay",
    "inventory",
    "diff",
    "app",
)


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (and the hint where help is), exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _write_error(f"costlab: error: {one_line(message)} (see '{self.prog} --help')\n")
        raise SystemExit(2)

    def parse_args(self, args: Any = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        """As argparse's, but an unknown option is reported by the command it was given to,
        so the hint names that command's help (``costlab compare --help``)."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = getattr(self, "commands", {})
            owner = commands.get(getattr(parsed, "command", None), self)
            owner.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every option it registers (to check its metavar), and
        # HelpFormatter finds the terminal's width with shutil, whose import (bz2, lzma, zlib)
        # cost every command ~4 ms of start-up; the width is found here instead.
        # (typeshed's formatter_class type names only prog; every HelpFormatter takes width)
        return self.formatter_class(prog=self.prog, width=terminal_columns() - 2)  # type: ignore[call-arg]

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse swallows OSError here, so `--help > /dev/full` would exit 0 having written
        # nothing; let it reach main(), which reports it.
        stream = file or sys.stderr
        if message and stream is not None:
            stream.write(message)


def build_parser(only: str | None = None) -> Parser:
    """The ``costlab`` parser; with ``only``, just that subcommand's (importing and registering
    all eleven costs ~30 ms, a third of a whole ``costlab estimate``)."""
    parser = Parser(
        prog="costlab",
        description="What will these LLM API calls cost? Count tokens, price them, forecast.",
        epilog="Run 'costlab COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show costlab's version and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in (only,) if only in COMMANDS else COMMANDS:
        try:
            module = importlib.import_module(f"costlab.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"costlab.cli.{name}":
                continue  # a command not built yet in this checkout
            raise
        module.register(sub)
    from costlab.cli._progress import add_quiet_option

    for command in sub.choices.values():  # every command: --quiet silences the progress bar
        add_quiet_option(command)
    parser.commands = sub.choices  # type: ignore[attr-defined]
    return parser


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` without importing shutil: ``$COLUMNS`` when it is
    a positive number, else the width of the terminal on standard output, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


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
    """Run one command; the exit code (see the module docstring)."""
    debug = os.environ.get("COSTLAB_DEBUG", "").strip() not in ("", "0")
    command = None
    if sys.stderr is None:  # started with stderr closed (2>&-): warnings go nowhere, safely
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:  # >&-: the results would be lost without a word
        return _error("standard output is closed; costlab writes its results there")
    try:
        given = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(given[0] if given else None)
        args = parser.parse_args(given)
        command = getattr(args, "command", None)
        if not getattr(args, "run", None):
            parser.print_help(sys.stderr)
            return _finish(2)
        return _finish(int(args.run(args) or 0))
    except SystemExit as exc:  # argparse: --help, --version, a bad option
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        return _finish(code)
    except CostlabError as exc:
        if debug:
            raise
        return _error(str(exc))
    except BrokenPipeError:  # e.g. `costlab prices | head`: the reader has what it wanted
        _drop(sys.stdout)
        _drop(sys.stderr)
        return 0
    except KeyboardInterrupt:
        _write_error("costlab: interrupted\n")
        return 130
    except Exception as exc:
        message = environment_error(exc)
        if message is None or debug:
            raise  # a bug: the traceback is what a report needs
        return _error(f"{command}: {message}" if command else message)


def environment_error(exc: BaseException) -> str | None:
    """The one-line message for a failure caused by input or the environment, or None for a
    bug. Kept short and explicit, so a new kind of failure is a decision, not an accident."""
    name, module = type(exc).__name__, type(exc).__module__
    reason = str(exc).split("\n")[0].strip()
    if isinstance(exc, MemoryError):
        return "out of memory; the input is too large for this machine (see 'Limits and safety')"
    if isinstance(exc, RecursionError):
        return "the input is nested too deep to read (COSTLAB_MAX_NESTING_DEPTH)"
    if isinstance(exc, OSError) and exc.errno is not None:
        reason = exc.strerror or errno.errorcode.get(exc.errno, "error")
        if exc.filename is None:  # a write to stdout: a full disk, a device error
            return f"output: cannot write: {reason}"
        return f"{exc.filename}: {reason}"
    if module.startswith("PIL") and name in ("DecompressionBombError", "UnidentifiedImageError"):
        return f"unreadable image: {reason or name} (COSTLAB_MAX_IMAGE_PIXELS)"
    if module == "zipfile" or name in ("BadZipFile", "LargeZipFile"):
        return f"unreadable zip archive: {reason or name}"
    if module.startswith("lxml"):
        return f"malformed XML in the document: {reason or name}"
    if module.startswith("pypdf"):
        return f"unreadable PDF: {reason or name}"
    if module == "decimal" or isinstance(exc, OverflowError):
        # InvalidOperation, Overflow, Inexact... from magnitudes past what costlab computes with
        return (
            "a number too large or too small to compute with "
            f"({name}); see COSTLAB_MAX_COUNT and COSTLAB_MAX_EXPONENT"
        )
    if isinstance(exc, ValueError) and "integer string conversion" in reason:
        return "a whole number with too many digits (COSTLAB_MAX_DIGITS)"
    return None


def _finish(code: int) -> int:
    """Flush stdout inside the boundary: a full disk (``> /dev/full``) is one error, exit 2,
    instead of an 'Exception ignored' message at interpreter exit and exit 120."""
    stream = sys.stdout
    if stream is None:
        return code
    try:
        stream.flush()
    except BrokenPipeError:
        _drop(stream)
        return code
    except OSError as exc:
        _drop(stream)
        return _error(f"output: cannot write: {exc.strerror or exc}")
    except ValueError:  # stdout already closed
        return code
    return code


def _drop(stream: object) -> None:
    """Point a failed stream's file descriptor at /dev/null, so nothing more is written and
    the buffered rest is discarded quietly at exit."""
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fileno)
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _error(message: str) -> int:
    _write_error(f"costlab: error: {one_line(message)}\n")
    return 2


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(message: str) -> str:
    """An error as one line of plain text: a newline or terminal control character from the
    input (a name, a YAML parser's second line) is shown escaped, never acted on.

    >>> one_line("workloads[0] (tri\\nage): bad\\x1b[2J")
    'workloads[0] (tri\\\\nage): bad\\\\x1b[2J'
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)


def _write_error(text: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        _drop(stream)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
