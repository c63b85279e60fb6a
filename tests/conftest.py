"""Shared fixtures: the shipped price book, the CLI run in-process and as a real process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from costlab.prices import PriceBook, load_pricebook

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _no_user_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see the shipped book only, whatever the developer's environment says."""
    monkeypatch.delenv("COSTLAB_PRICES", raising=False)


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return load_pricebook(use_env=False)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``costlab ARGS`` in-process through the real ``main``; returns code, stdout, stderr."""
    from costlab.cli import main

    def run(*args: str) -> Result:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def costlab_process() -> Callable[..., Result]:
    """Run the installed ``costlab`` console script as a separate process."""
    script = Path(sys.executable).parent / "costlab"

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Result:
        proc = subprocess.run(
            [str(script), *args],
            capture_output=True,
            text=True,
            input=input,
            env=env,
            cwd=cwd,
            timeout=120,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def price_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], Path]:
    """Write a price file (dedented YAML) into a temp folder, work from there, return its path."""
    monkeypatch.chdir(tmp_path)

    def write(text: str, name: str = "custom.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def data() -> Path:
    """The folder of test fixtures (tests/data)."""
    return DATA


@pytest.fixture
def console_script() -> Path:
    """The installed ``costlab`` command of this environment."""
    return Path(sys.executable).parent / "costlab"
