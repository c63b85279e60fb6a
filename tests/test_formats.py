"""costlab.formats: the one place numbers become text (expected strings written by hand)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from costlab import formats
from costlab.formats import count, percent, tokens, usd


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(formats).failed == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("351.545"), "$351.55"),  # half-up, not half-even ($351.54)
        (Decimal("1234567.891"), "$1,234,567.89"),
        (Decimal("0.00054"), "$0.00054"),
        (Decimal("0.0001624"), "$0.000162"),
        (Decimal("0.0005415"), "$0.000542"),
        (Decimal("0.5"), "$0.50"),
        (Decimal("0"), "$0.00"),
        (Decimal("-12.5"), "-$12.50"),
        (Decimal("1e26"), "$100,000,000,000,000,000,000,000,000.00"),
        (Decimal("1e-30"), "$0.000000000000000000000000000001"),
        (None, "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),
        (7, "$7.00"),
    ],
)
def test_usd(value: object, expected: str) -> None:
    assert usd(value) == expected


def test_usd_per_unit_keeps_three_significant_digits() -> None:
    assert usd(Decimal("1.23456"), per_unit=True) == "$1.23"
    assert usd(Decimal("0.000162"), per_unit=True) == "$0.000162"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (953129.1, "953,129"),
        (Decimal("2.5"), "3"),
        (0, "0"),
        (None, "—"),
        (Decimal("1e26"), "100,000,000,000,000,000,000,000,000"),
    ],
)
def test_count_is_whole_with_separators(value: object, expected: str) -> None:
    assert count(value) == expected
    assert tokens(value) == expected


def test_percent_states_its_precision() -> None:
    assert percent(Decimal("0.1")) == "10.0%"
    assert percent(Decimal("-0.0325"), signed=True, places=2) == "-3.25%"
    assert percent(Decimal("0.00001"), signed=True) == "0.0%"
    assert percent(Decimal("1") / 3, places=0) == "33%"
    assert percent(None) == "—"


def test_figures_past_28_digits_keep_every_digit() -> None:
    # abs() rounded to the default context's 28 digits: $465,...,471,100,000,000.00
    exact = Decimal("465229798524720555516332471098120601.25")
    assert usd(exact) == "$465,229,798,524,720,555,516,332,471,098,120,601.25"
    assert usd(exact.copy_negate()) == "-$465,229,798,524,720,555,516,332,471,098,120,601.25"
    # past the 120 digits the formatting context holds, a figure is still shown, not raised
    assert count(Decimal("1" + "0" * 130 + ".5")) == f"{10**130 + 1:,}"
