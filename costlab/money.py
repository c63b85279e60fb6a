"""Exact money arithmetic and the one place it is rounded: for display.

Prices are USD per 1 million tokens, so a cost is ``tokens * usd_per_mtok / 1_000_000``. With
``Decimal`` and a generous precision that is exact for any realistic volume (a 36-month
forecast of compounding growth included); nothing is rounded until :func:`costlab.formats.usd`, which
rounds half-up (commercial rounding). Quotients (percentages, costs per request, rates) have
no exact decimal in general: they are kept to 80 significant digits and, marked as
:class:`Quotient`, written to :data:`SIGNIFICANT_DIGITS` significant digits in JSON and CSV.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, InvalidOperation

from costlab import formats
from costlab.records import frozen

#: Tokens per price unit: prices are quoted per 1M tokens.
MTOK = Decimal(1_000_000)

#: Context for money arithmetic; 80 digits keeps compounding growth and long horizons exact.
MONEY = Context(prec=80, rounding=ROUND_HALF_EVEN)

ZERO = Decimal(0)

#: Significant digits that quotients (percentages, per-request costs, rates, projections)
#: are rounded to in JSON, CSV and tables; the Python API keeps the exact value.
SIGNIFICANT_DIGITS = 6


def significant(value: Decimal, digits: int = SIGNIFICANT_DIGITS) -> Decimal:
    """``value`` rounded half-up to ``digits`` significant digits, trailing zeros dropped.

    >>> significant(Decimal("3.8961038961038961038961")), significant(Decimal("0.000540"))
    (Decimal('3.8961'), Decimal('0.00054'))
    """
    rounded = Context(prec=digits, rounding=ROUND_HALF_UP).plus(value)
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded.normalize(Context(prec=digits))


class Quotient(Decimal):
    """A quotient (a percentage, a cost per request, a rate): the value as computed (to 80
    significant digits), written as text to :data:`SIGNIFICANT_DIGITS` significant digits by
    :func:`plain` and :func:`costlab.tables.exact_text`, so JSON and CSV do not print a
    repeating decimal's 80 digits. Arithmetic on it gives plain Decimals.

    >>> plain(quotient(Decimal(100) / Decimal(3)))
    '33.3333'
    """

    __slots__ = ()


def quotient(value: Decimal) -> Quotient:
    """Mark ``value`` as a quotient (see :class:`Quotient`); the value itself is unchanged."""
    return value if isinstance(value, Quotient) else Quotient(value)


def token_cost(tokens: int | Decimal, usd_per_mtok: Decimal) -> Decimal:
    """Cost in USD of ``tokens`` at a price in USD per 1M tokens, exactly.

    >>> token_cost(1_234_000_000, Decimal("0.40"))
    Decimal('493.60')
    """
    return MONEY.divide(MONEY.multiply(Decimal(tokens), usd_per_mtok), MTOK)


def unit_cost(count: int | Decimal, rate: Decimal, per: int) -> Decimal:
    """Cost in USD of ``count`` units at ``rate`` USD per ``per`` units: exact for prices per
    1M tokens or characters and per 1,000 calls; a price per minute billed per second
    (``per=60``) is a quotient, kept to 80 significant digits like every quotient here.

    >>> unit_cost(2_500, Decimal("10"), 1_000), unit_cost(90, Decimal("0.006"), 60)
    (Decimal('25'), Decimal('0.009'))
    """
    if per == 1_000_000:
        return token_cost(count, rate)
    return MONEY.divide(MONEY.multiply(Decimal(count), rate), Decimal(per))


def plain(value: Decimal) -> str:
    """The exact value as a decimal string, no exponent, no rounding, at least two decimals.

    Trailing zeros beyond the cents carry no information and are dropped; nothing else is.

    A :class:`Quotient` is written to :data:`SIGNIFICANT_DIGITS` significant digits.

    >>> plain(Decimal("2.400")), plain(Decimal("0.00054")), plain(Decimal("493.6"))
    ('2.40', '0.00054', '493.60')
    """
    if isinstance(value, Quotient):
        value = significant(value)
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0")
    if whole == "-0" and not frac.strip("0"):
        whole = "0"
    return f"{whole}.{frac}"


@frozen
class DisplayCurrency:
    """A currency to show USD amounts in, at a rate the user gives with its date (no network:
    costlab fetches no rates). USD stays the unit of the book and of every exact figure."""

    code: str
    """ISO 4217 code, e.g. ``EUR``"""
    rate: Decimal
    """units of ``code`` per 1 USD"""
    as_of: date
    """the day the rate is for"""

    def convert(self, usd: Decimal) -> Decimal:
        """``usd`` in this currency, exactly (the product of two decimals)."""
        return MONEY.multiply(usd, self.rate)

    def format(self, usd: Decimal | None) -> str:
        """``EUR 323.45``: converted, then rounded half-up like :func:`costlab.formats.usd`."""
        if usd is None:
            return "—"
        return formats.usd(self.convert(usd)).replace("$", f"{self.code} ", 1)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "rate": plain(self.rate), "as_of": self.as_of.isoformat()}


def parse_currency(code: str, rate: str) -> DisplayCurrency:
    """``("EUR", "0.92@2026-12-01")`` -> 0.92 EUR per USD on 2026-12-01.

    >>> parse_currency("eur", "0.92@2026-12-01").format(Decimal("100"))
    'EUR 92.00'
    """
    from costlab.errors import CostlabError

    if not re.fullmatch(r"[A-Za-z]{3}", code):
        raise CostlabError(f"a currency is a 3-letter ISO code, got '{code}'", "--currency")
    value, at, day = rate.partition("@")
    try:
        number = Decimal(value)
        as_of = date.fromisoformat(day)
    except (InvalidOperation, ValueError):
        raise CostlabError(
            f"give the rate as UNITS_PER_USD@YYYY-MM-DD (e.g. 0.92@2026-12-01), got '{rate}'",
            "--rate",
        ) from None
    if not at or not number.is_finite() or number <= 0:
        raise CostlabError(
            f"give the rate as UNITS_PER_USD@YYYY-MM-DD (e.g. 0.92@2026-12-01), got '{rate}'",
            "--rate",
        )
    return DisplayCurrency(code.upper(), number, as_of)
