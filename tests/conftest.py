"""Shared fixtures: paths to test data and the real ``costlab`` console script."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def console_script() -> Path:
    """The installed ``costlab`` command of this environment."""
    return Path(sys.executable).parent / "costlab"
