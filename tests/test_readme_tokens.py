"""The README's token-counting examples are real output: each ``$ costlab ...`` is re-run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from costlab.cli import main

ROOT = Path(__file__).resolve().parent.parent


def examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Token counting", 1)[1].split("\n## ", 1)[0]
    found = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        command, _, output = block.partition("\n")
        found.append((command.removeprefix("$ "), output))
    return found


def test_the_section_has_examples() -> None:
    assert len(examples()) >= 4


@pytest.mark.parametrize(("command", "output"), examples())
def test_readme_example(
    command: str, output: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)
    assert argv[0] == "costlab"
    assert main(argv[1:]) == 0
    assert capsys.readouterr().out == output
