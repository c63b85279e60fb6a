"""``costlab prices audit`` and ``costlab prices check``: the library's reports, laid out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from costlab.cli._common import print_json, table


def run_audit(book: Any, against: Sequence[Path], day: date, as_json: bool) -> int:
    from costlab.prices.audit import audit

    report = audit(book, list(against), on=day)
    if as_json:
        print_json(report.to_dict())
        return 0
    rows = [
        [
            d.model,
            d.field,
            "-" if d.book is None else d.book,
            "unknown" if d.book_layer.startswith("unknown") else d.book_layer,
            d.other,
            d.source,
            d.difference,
            d.kind,
        ]
        for d in report.disagreements
    ]
    print(f"price book: {report.fingerprint}")
    if rows:
        print(
            table(
                rows,
                ["model", "field", "book", "from", "other", "source", "difference", "kind"],
                right=(2, 4, 6),
            )
        )
    notes = sorted({(d.model, d.field, d.note) for d in report.disagreements if d.note})
    if notes:
        print("\nnotes")
        for model, field, note in notes:
            print(f"  {model} {field}: {note}")
    kinds: dict[str, int] = {}
    for d in report.disagreements:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    print(f"\n{len(rows)} differences ({summary}); prices in USD per 1M tokens in force on {day}.")
    if report.left_out:
        by_reason: dict[str, dict[str, int]] = {}
        for provider, _, reason in report.left_out:
            counts = by_reason.setdefault(reason, {})
            counts[provider] = counts.get(provider, 0) + 1
        print(
            f"\n{len(report.left_out)} genai-prices models are not in the book (--json lists them):"
        )
        for reason, counts in sorted(by_reason.items()):
            total = sum(counts.values())
            spread = ", ".join(f"{p} {n}" for p, n in sorted(counts.items()))
            print(f"  {reason}: {total} ({spread})")
    return 0


def run_check(
    book: Any, scenario: Path | None, day: date, as_json: bool, *, record: bool = False
) -> int:
    from costlab.prices.freshness import RECORDED, check
    from costlab.prices.freshness import record as write_record

    if record:
        from costlab.prices import shipped_pricing_dir

        path = shipped_pricing_dir() / RECORDED
        data = write_record(book, path, on=day)
        print(f"recorded {len(data['models'])} models' genai-prices values in {path}")
        return 0
    result = check(book, on=day, scenario=scenario)
    if as_json:
        print_json(result.to_dict())
        return 1 if result.problems else 0
    print(f"price book: {result.fingerprint}")
    print(f"on {day}:")
    for f in result.findings:
        mark = "PROBLEM" if f.problem else "ok" if f.kind in ("layer_age", "in_service") else "note"
        print(f"  {mark:<8} {f.kind:<17} {f.subject}: {f.message}")
    count = len(result.problems)
    print(f"\n{count} problem{'s' if count != 1 else ''}." if count else "\nno problems.")
    return 1 if count else 0
