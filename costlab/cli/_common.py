"""Options and output helpers shared by the subcommands (light imports only)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from costlab.errors import CostlabError


def add_prices_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--prices",
        metavar="PATH",
        action="append",
        default=[],
        help="extra price file or folder layered over the shipped book (repeatable; "
        "also COSTLAB_PRICES=PATH)",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def pricebook(args: argparse.Namespace) -> Any:
    from costlab.prices import load_pricebook

    return load_pricebook(getattr(args, "prices", None) or None)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


_GROUPED = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


def number_text(text: str) -> str:
    """An option's number as Python reads it: ASCII only, and commas only between groups of
    three digits (``20,000``), so a decimal comma (``1,5``) is refused, not read as 15."""
    cleaned = text.strip()
    if not cleaned.isascii():
        raise argparse.ArgumentTypeError(f"not a number (ASCII digits only): {_short(text)}")
    if "," in cleaned and not _GROUPED.fullmatch(cleaned.replace("_", "")):
        raise argparse.ArgumentTypeError(
            f"not a number: {_short(text)} (commas go between groups of three digits; "
            "the decimal point is '.')"
        )
    return cleaned.replace("_", "").replace(",", "")


def model_id(text: str) -> str:
    """A ``--model`` value: an id or alias, refused with spaces around it as a scenario file
    refuses it (the price book would quietly read ``' gpt-4.1 '`` as gpt-4.1)."""
    from costlab.pydantic_types import model_id_problem

    refused = model_id_problem(text)
    if refused:
        raise argparse.ArgumentTypeError(refused)
    return text


def non_negative_int(text: str) -> int:
    """A count option (tokens, requests): a whole number 0 .. ``MAX_COUNT`` (1e15)."""
    from costlab import limits

    digits = number_text(text)
    if len(digits.lstrip("+-").lstrip("0")) > limits.MAX_DIGITS:  # before int(): no 5,000-digit
        raise argparse.ArgumentTypeError(limits.over("MAX_DIGITS", "a number that long"))
    try:
        value = int(digits)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {_short(text)}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    if value > limits.MAX_COUNT:
        raise argparse.ArgumentTypeError(limits.over("MAX_COUNT", f"{value:,}"))
    return value


def non_negative_number(text: str) -> Decimal:
    """A measured amount (seconds of audio): a number 0 .. ``MAX_COUNT``, exact, refused before
    any arithmetic when its digits or exponent are absurd (``1e999999999``)."""
    from costlab import limits

    try:
        value = limits.parse_number(number_text(text))
        limits.check_number(value, "number")
    except CostlabError as exc:
        raise argparse.ArgumentTypeError(exc.what) from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {_short(text)}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def money_amount(text: str) -> Decimal:
    """An amount in USD (``--budget``): 0 .. ``MAX_USD`` (1e12), refused before any arithmetic
    when its digits or exponent are absurd (``1e999999999``)."""
    from costlab import limits

    cleaned = number_text(text.strip().lstrip("$"))
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"not an amount: {_short(text)}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"must be an amount >= 0, got {_short(text)}")
    try:
        limits.parse_number(cleaned)
        limits.check_number(value, "amount", limit_name="MAX_USD")
    except CostlabError as exc:
        raise argparse.ArgumentTypeError(exc.what) from None
    return value


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=_json_default, ensure_ascii=False)
    sys.stdout.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def table(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], *, right: Sequence[int] = ()
) -> str:
    """A plain aligned text table; columns listed in ``right`` are right-aligned (numbers)."""
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def warn(message: str) -> None:
    sys.stderr.write(f"costlab: warning: {message}\n")


def fail(message: str, *where: str) -> CostlabError:
    return CostlabError(message, *where)


def add_export_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--export",
        metavar="PATH",
        help="also write the tables: .xlsx (a sheet each), .json, .csv (the first table) or a "
        "folder (a CSV each); written whole or not at all",
    )


def export_if_asked(args: argparse.Namespace, tables: Any) -> None:
    """``--export PATH``: write ``tables`` (name -> DataFrame) and say where, on stderr."""
    if not getattr(args, "export", None):
        return
    from costlab.export import export_tables

    written = export_tables(tables, args.export)
    sys.stderr.write(f"wrote {', '.join(map(str, written))}\n")
