"""Formatting shared by the scenario commands (forecast, compare, check, actuals).

Light imports only: this module is imported inside the commands' ``run``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from costlab.money import format_usd


def usd(value: Any) -> str:
    """``$1,234.56`` (``$0.000567`` below a dollar); empty for nothing."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return format_usd(value)


def count(value: Any) -> str:
    """A request or token count for people: whole, with thousands separators (display only)."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.quantize(Decimal(1), rounding=ROUND_HALF_EVEN):,}"


def percent(value: Any) -> str:
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN):+}%"


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
