"""The README's `console` examples are real: each `$ costlab ...` line is run and its output
must match the block exactly, so the documentation cannot drift from the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def examples() -> list[tuple[str, str]]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        command, _, output = block.partition("\n")
        assert command.startswith("$ costlab "), command
        found.append((command[2:], output))
    return found


@pytest.mark.parametrize(
    ("command", "expected"), examples(), ids=lambda v: v[:60] if isinstance(v, str) else ""
)
def test_readme_example_output_is_current(
    cli, command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(README.parent)
    args = shlex.split(command)[1:]
    result = cli(*args)
    assert _stable(result.out) == _stable(expected), f"README example drifted: {command}"


def _stable(text: str) -> str:
    """The curated layer's fingerprint is a hash of pricing/*.yaml: any edit of a price file
    changes it, and the README shows it only as an example of its shape."""
    return re.sub(r"costlab-curated [0-9a-f]{8}", "costlab-curated <sha8>", text)


def test_readme_has_examples() -> None:
    assert len(examples()) >= 2


def python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block runs, top to bottom, in one namespace (its asserts included)."""
    import shutil
    from decimal import Decimal

    import pandas as pd

    shutil.copytree(README.parent / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"Decimal": Decimal, "pd": pd}
    blocks = python_examples()
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "forecast.xlsx").is_file()
