"""An installed wheel carries the price book and the schemas, and finds them without the repo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("costlab-*.whl")
    return path


def test_wheel_contains_price_book_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for provider in ("openai", "anthropic", "google", "groq"):
        assert f"costlab/pricing/{provider}.yaml" in names
    assert "costlab/schemas/pricebook.schema.json" in names


def test_unpacked_wheel_loads_its_own_price_book(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import costlab.prices as p; "
        "print(p.shipped_pricing_dir()); "
        "print(p.load_pricebook(use_env=False).resolve('gpt-4.1-mini').price_on(__import__('datetime').date(2026,1,1)).input)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    where, price = proc.stdout.split()
    assert Path(where) == site / "costlab" / "pricing"
    assert price == "0.40"
