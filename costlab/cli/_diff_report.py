"""``costlab diff`` as a table and as a Markdown pull-request comment (presentation only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costlab import formats

#: First line of the Markdown comment: lets a workflow find and update its earlier comment.
MARKER = "<!-- costlab-diff -->"


def signed_usd(value: Decimal) -> str:
    """``+$12.50``, ``-$0.00031``, ``$0.00``."""
    if value == 0:
        return "$0.00"
    return ("+" if value > 0 else "") + formats.usd(value)


def _tokens(entry: Any) -> str:
    if entry is None:
        return "-"
    value: Decimal = entry.input_tokens
    return formats.tokens(value.quantize(Decimal("0.1")) if value % 1 else int(value))


def _per_call(entry: Any) -> str:
    return "-" if entry is None else formats.usd(entry.cost_per_call, per_unit=True)


def _total(diff: Any) -> str:
    percent = diff.percent_delta
    share = "" if percent is None else f", {percent.quantize(Decimal('0.1')):+}%"
    return (
        f"{formats.usd(diff.monthly_before)} -> {formats.usd(diff.monthly_after)} a month "
        f"({signed_usd(diff.monthly_delta)}{share})"
    )


def _rows(diff: Any) -> list[tuple[str, ...]]:
    return [
        (
            c.name,
            c.model,
            c.status,
            _tokens(c.before),
            _tokens(c.after),
            _per_call(c.before),
            _per_call(c.after),
            signed_usd(c.monthly_delta),
        )
        for c in diff.changes
    ]


HEADERS = (
    "entry",
    "model",
    "change",
    "input/call before",
    "after",
    "per call before",
    "after",
    "monthly delta",
)


def print_diff(diff: Any) -> None:
    from costlab.cli._common import table

    print(f"{diff.base.where} -> {diff.head.where}, prices in force on {diff.head.on}")
    print()
    if diff.changes:
        print(table(_rows(diff), HEADERS, right=(3, 4, 5, 6, 7)))
        print()
    print(f"total: {_total(diff)}")


def markdown(diff: Any, threshold: Any = None) -> str:
    """A pull-request comment: the total first, then one table row per entry that changed."""
    changed = [c for c in diff.changes if c.status != "unchanged"]
    lines = [MARKER, "### Prompt cost (costlab)", ""]
    verdict = ""
    if threshold is not None:
        verdict = (
            f" :x: above the {threshold} limit"
            if diff.exceeds(threshold)
            else f" (limit {threshold})"
        )
    lines.append(f"**{signed_usd(diff.monthly_delta)} a month**: {_total(diff)}{verdict}")
    lines.append("")
    if changed:
        lines.append("| " + " | ".join(HEADERS) + " |")
        lines.append("|" + "---|" * 2 + "---|" + "---:|" * 5)
        for c, row in zip(diff.changes, _rows(diff), strict=True):
            if c.status != "unchanged":
                cells = [f"`{row[0]}`", f"`{row[1]}`", *row[2:]]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    else:
        lines += ["No prompt changed.", ""]
    unchanged = len(diff.changes) - len(changed)
    lines.append(
        f"{unchanged} unchanged entr{'y' if unchanged == 1 else 'ies'}; "
        f"{diff.base.where} -> {diff.head.where}; prices in force on {diff.head.on}."
    )
    return "\n".join(lines) + "\n"
