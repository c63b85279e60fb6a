"""Numbers for people: the one place money, counts, tokens and percentages become text.

Every figure is exact (``Decimal``) until it is shown; these functions are where it is rounded,
always half-up (commercial rounding: $1.125 shows as $1.13), and they never raise on a number:
``None``, NaN and infinities show as "—", and a sum of 10^26 dollars formats like any other.

>>> usd(Decimal("1234.565")), usd(Decimal("0.0005415")), count(953129.5), percent(0.1234)
('$1,234.57', '$0.000542', '953,130', '12.3%')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

__all__ = ["DASH", "count", "percent", "tokens", "usd"]

#: What an unknown or missing number shows as (never "None" or "nan").
DASH = "—"

# Enough digits that quantizing any amount a forecast can reach (or 1e26) to cents is exact.
_CTX = Context(prec=120, rounding=ROUND_HALF_UP, Emax=10**6, Emin=-(10**6))


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal, or None when it is missing or not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, places: int) -> str:
    """``number`` rounded half-up to ``places`` decimals, with thousands separators."""
    digits = max(number.adjusted(), 0) + places + 1
    context = _CTX
    if digits > _CTX.prec:  # a figure of more digits (a century of compounding) is kept whole
        context = _CTX.copy()
        context.prec = digits
    rounded = number.quantize(Decimal(1).scaleb(-places), context=context)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    return f"{rounded:,.{places}f}"


def usd(value: Any, *, per_unit: bool = False) -> str:
    """An amount in US dollars: ``$1,234.57``; below a dollar three significant digits.

    Amounts of a dollar or more round half-up to cents; smaller ones (and every amount when
    ``per_unit``, e.g. a cost per call) keep three significant digits and at least the cents,
    so a per-call cost of $0.0005415 reads ``$0.000542`` rather than ``$0.00``.

    >>> usd(Decimal("1.125")), usd(2.5), usd(Decimal("12.345"), per_unit=True), usd(None)
    ('$1.13', '$2.50', '$12.35', '—')
    >>> usd(Decimal("-3.005")), usd(Decimal("1e26"))
    ('-$3.01', '$100,000,000,000,000,000,000,000,000.00')
    """
    number = _decimal(value)
    if number is None:
        return DASH
    sign = "-" if number < 0 else ""
    amount = number.copy_abs()  # abs() rounds to the default context's 28 digits
    if amount == 0:
        return "$0.00"
    if amount >= 1 and not per_unit:
        text = _grouped(amount, 2)
    else:
        # three significant digits, never fewer decimals than the cents
        places = max(2, 2 - amount.adjusted())
        rounded = amount.quantize(Decimal(1).scaleb(-places), context=_CTX)
        # drop zeros beyond the cents that rounding left ("$0.500" -> "$0.50")
        text = f"{rounded:,.{places}f}"
        whole, _, frac = text.partition(".")
        text = f"{whole}.{frac.rstrip('0').ljust(2, '0')}"
    if text.strip("0.,") == "":
        sign = ""
    return f"{sign}${text}"


def count(value: Any) -> str:
    """A whole number of things (requests, calls, rows): ``953,130``, rounded half-up.

    >>> count(953129.1), count(Decimal("2.5")), count(None)
    ('953,129', '3', '—')
    """
    number = _decimal(value)
    return DASH if number is None else _grouped(number, 0)


def tokens(value: Any, *, places: int = 0) -> str:
    """A number of tokens: whole, with thousands separators (an expected 0.5 token rounds up);
    ``places`` decimals for a mean (``42.3`` tokens per request).

    >>> tokens(1047576), tokens(Decimal("1200.5")), tokens(Decimal("42.33"), places=1)
    ('1,047,576', '1,201', '42.3')
    """
    number = _decimal(value)
    return DASH if number is None else _grouped(number, places)


def percent(value: Any, *, signed: bool = False, places: int = 1) -> str:
    """A fraction as a percentage with ``places`` decimals, half-up: 0.1234 -> ``12.3%``.

    ``signed`` puts "+" on increases (for a variance); a change that rounds to zero shows none.

    >>> percent(Decimal("0.12345"), places=2), percent(-0.05, signed=True), percent(0.2, signed=True)
    ('12.35%', '-5.0%', '+20.0%')
    """
    number = _decimal(value)
    if number is None:
        return DASH
    text = _grouped(number * 100, places)
    if signed and not text.startswith("-") and text.strip("0.,") != "":
        text = "+" + text
    return f"{text}%"
