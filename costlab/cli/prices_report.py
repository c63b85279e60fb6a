"""``costlab prices audit`` and ``costlab prices check``: the output of the library's reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any


def run_audit(book: Any, against: Sequence[Path], day: date, as_json: bool) -> int:
    raise NotImplementedError


def run_check(book: Any, scenario: Path | None, day: date, as_json: bool) -> int:
    raise NotImplementedError
