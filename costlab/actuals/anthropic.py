"""Anthropic's Messages usage report ([ANT-USAGE-API]) read as generic usage rows."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

#: The report's ``context_window`` values [ANT-USAGE-API]: long context or not.
_WINDOWS = {"0-200k": "false", "200k-1M": "true"}


def anthropic_row(result: dict[str, Any], bucket: dict[str, Any], loc: str) -> dict[str, Any]:
    """One Anthropic usage-report result as a generic usage row: ``input_tokens`` is every
    prompt token (uncached + cache reads + both cache-write TTLs) [ANT-USAGE-API]."""

    def count(value: Any) -> Any:
        return 0 if value is None else value

    created = result.get("cache_creation")
    created = {} if created is None else created
    if isinstance(created, dict):
        writes = (
            created.get("ephemeral_5m_input_tokens"),
            created.get("ephemeral_1h_input_tokens"),
        )
    else:  # a list or a bare number is not the report's shape: passed on as a value no count
        writes = ([created], None)  # reads, so the row is named, not priced without its writes
    parts = {
        "uncached": count(result.get("uncached_input_tokens")),
        "read": count(result.get("cache_read_input_tokens")),
        "5m": count(writes[0]),
        "1h": count(writes[1]),
    }
    counts = [_whole(v) for v in parts.values()]
    total: Any = parts["uncached"]  # a bad count is named by the row checks
    if all(c is not None for c in counts):
        total = sum(c for c in counts if c is not None)
    elif counts[0] is not None:  # the bad one is a cache part: named under its own column
        total = counts[0]
    tier = str(result.get("service_tier") or "standard")
    window = result.get("context_window")
    return {
        "_loc": loc,
        "date": bucket.get("starting_at"),
        "model": result.get("model"),
        "input_tokens": total,
        "cached_input_tokens": parts["read"],
        "cache_write_tokens": parts["5m"],
        "cache_write_1h_tokens": parts["1h"],
        "output_tokens": count(result.get("output_tokens")),
        "batch": "true" if tier == "batch" else "false",
        "service_tier": "standard" if tier == "batch" else tier,
        # another window was billed as long context: passed on as written, the checks name it
        "long_context": _WINDOWS.get(str(window), str(window)) if window is not None else "",
    }


def _whole(value: Any) -> int | None:
    """A token count as a whole number (``12``, ``"12"``, ``12.0``); None for anything else
    (``int()`` truncated 1000.7 to 1000, and took True for 1 token)."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number.adjusted() > 18 or number != number.to_integral_value():
        return None  # past 10^18: the row checks refuse it under the count limit
    return int(number)
