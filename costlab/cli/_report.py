"""Formatting shared by the scenario commands (forecast, compare, check, actuals).

Light imports only: this module is imported inside the commands' ``run``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from costlab import formats


def _blank(text: str) -> str:
    """Text tables leave a missing figure empty (the dashboard shows a dash)."""
    return "" if text == formats.DASH else text


def usd(value: Any) -> str:
    """``$1,234.56`` (``$0.000567`` below a dollar); empty for nothing."""
    return _blank(formats.usd(value))


def count(value: Any) -> str:
    """A request or token count for people: whole, with thousands separators (display only)."""
    return _blank(formats.count(value))


def percent(value: Any) -> str:
    """A value already in percentage points (a variance): ``+3.9%``."""
    number = None if value is None else Decimal(str(value)) / 100
    return _blank(formats.percent(number, signed=True)) if number is not None else ""


def number(value: Any) -> str:
    """An input value as written (``0.05``, ``1500``)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def warn_all(messages: Iterable[str]) -> None:
    for message in dict.fromkeys(messages):
        sys.stderr.write(f"costlab: warning: {message}\n")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
