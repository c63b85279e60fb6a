"""What a small command loads at start-up (issue 15: ``estimate`` and ``forecast`` start fast).

Times are benchmarks (``benchmarks/bench_cli.py``); these tests check what is measurable
without a clock: the modules a command imports, and that leaving them out changed nothing.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Modules a small command does not need: the data-frame stack, pydantic (the compiled price
#: book and the validated scenario copy are read without it), OpenSSL's hashes (the book's key
#: uses CPython's own SHA-256), shutil (argparse's only use is the terminal's width) and
#: importlib.metadata (looked up only by --version).
NOT_AT_START = (
    "pandas",
    "numpy",
    "pydantic",
    "hashlib",
    "shutil",
    "importlib.metadata",
)


def _loaded_by(*argv: str) -> list[str]:
    code = (
        "import sys; from costlab.cli import main; "
        f"code = main({list(argv)!r}); "
        f"sys.stderr.write(repr((code, [m for m in {NOT_AT_START!r} if m in sys.modules])))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    code, loaded = ast.literal_eval(proc.stderr.splitlines()[-1])
    assert code == 0, proc.stderr
    return list(loaded)


@pytest.mark.parametrize(
    "argv",
    [
        ("estimate", "--model", "gpt-4.1-mini", "--input-tokens", "1200", "--json"),
        ("forecast", "examples/support-bot.yaml"),
        ("forecast", "examples/support-bot.yaml", "--json"),
    ],
)
def test_small_commands_leave_out_what_they_do_not_use(argv: tuple[str, ...]) -> None:
    _loaded_by(*argv)  # the first run may write the compiled book and the validated copy
    assert _loaded_by(*argv) == []


@pytest.mark.parametrize("columns", ["60", "100", "", "0", "-5", "wide"])
def test_help_is_what_argparse_itself_would_write(columns: str) -> None:
    """costlab gives argparse's formatter the terminal's width itself (to keep shutil out of
    start-up); the help is the same as with argparse's own formatter, at any COLUMNS."""
    code = (
        "import argparse, shutil; from costlab import cli; "
        "ours = cli.build_parser('forecast').commands['forecast'].format_help(); "
        "cli.Parser._get_formatter = argparse.ArgumentParser._get_formatter; "
        "theirs = cli.build_parser('forecast').commands['forecast'].format_help(); "
        "print(cli.terminal_columns() == shutil.get_terminal_size().columns, ours == theirs, "
        "len(ours.splitlines()))"
    )
    env = {**os.environ, "COLUMNS": columns}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    same_width, same_help, lines = proc.stdout.split()
    assert same_width == same_help == "True"
    assert int(lines) > 30
