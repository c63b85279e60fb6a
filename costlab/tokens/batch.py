"""OpenAI Batch API input files: every request of a ``.jsonl`` counted, bad lines named.

Each line is ``{"custom_id", "method": "POST", "url": "/v1/chat/completions" | "/v1/responses",
"body": {...}}`` (https://developers.openai.com/api/docs/guides/batch; up to 50,000 requests and
200 MB per file; checked 2026-11-26). Every good line is counted with the batch's model; a bad
line (malformed JSON, no body, no messages, an unknown url, ...) becomes an error naming its line
number, and the good lines are still counted. All texts of all requests are encoded in one
parallel call.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from costlab.errors import CostlabError
from costlab.pricebook import PriceBook, load_pricebook
from costlab.tokens.chat import tally_chat
from costlab.tokens.responses import tally_responses
from costlab.tokens.result import PartCount, TokenCount
from costlab.tokens.tally import ImageOptions, Tally
from costlab.tokens.tokenizer import resolve_model, tokenizer_for
from costlab.tokens.totals import finish

#: Batch API limits per input file. [OAI-BATCH], checked 2026-11-26
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024

#: Endpoints costlab counts, and the body walker for each.
ENDPOINTS: dict[str, Callable[..., Tally]] = {
    "/v1/chat/completions": tally_chat,
    "/v1/responses": tally_responses,
}

#: Lines between two progress reports.
PROGRESS_EVERY = 2_000


def count_batch(
    text: str,
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    images: ImageOptions | None = None,
    source: str = "-",
    size_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TokenCount:
    """Count a Batch API input file's text.

    The model is ``model``, else the first good line's ``body.model``, else the default. The
    result's ``errors`` hold one :class:`CostlabError` per bad line (``FILE: line N: ...``).
    """
    book = book or load_pricebook()
    lines = text.split("\n")
    errors: list[tuple[int, CostlabError]] = []
    entries: list[tuple[int, str, str, Mapping[str, Any]]] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(_parse_line(line, number, source, seen))
        except CostlabError as exc:
            errors.append((number, exc))
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, len(lines))
    first_model = next(
        (e[3].get("model") for e in entries if isinstance(e[3].get("model"), str)), None
    )
    chosen = resolve_model(model, book, fallback=first_model)
    tokenizer = tokenizer_for(chosen)
    images = images or ImageOptions()
    tallies: list[Tally] = []
    kept: list[tuple[int, str]] = []
    others: Counter[str] = Counter()
    for number, custom_id, url, body in entries:
        try:
            tally = ENDPOINTS[url](
                body, chosen, tokenizer, images=images, where=(source, f"line {number}", "body")
            )
        except CostlabError as exc:
            errors.append((number, exc))
            continue
        if model is None and tally.model_name and tally.model_name != first_model:
            others[tally.model_name] += 1
        tallies.append(tally)
        kept.append((number, custom_id))
    totals = finish(tallies, tokenizer)
    parts = tuple(
        PartCount(custom_id, total.input_tokens, tally.max_output_tokens, number)
        for (number, custom_id), tally, total in zip(kept, tallies, totals, strict=True)
    )
    limits = [t.max_output_tokens for t in tallies if t.max_output_tokens is not None]
    warnings = _merged([w for t in tallies for w in t.warnings])
    approximations = _merged([a for t in tallies for a in t.approximations])
    for name, n in sorted(others.items()):
        warnings.append(f"{n:,} requests name model {name!r}; all are counted as {chosen.id}")
    if len(tallies) > MAX_REQUESTS:
        warnings.append(
            f"{len(tallies):,} requests: the Batch API takes at most {MAX_REQUESTS:,} per file"
        )
    if size_bytes is not None and size_bytes > MAX_BYTES:
        warnings.append(f"{size_bytes / 2**20:,.0f} MB: the Batch API takes files up to 200 MB")
    if not entries and not errors:
        raise CostlabError("no requests in this batch file", source)
    notes = [tokenizer.estimate_note(), *approximations]
    return TokenCount(
        model=chosen.id,
        encoding=tokenizer.encoding,
        input_tokens=sum(p.input_tokens for p in parts),
        exact=tokenizer.exact and not approximations and bool(parts),
        kind="batch",
        requests=len(parts),
        max_output_tokens=sum(limits) if limits else None,
        requests_without_max_output=len(parts) - len(limits),
        estimate_source="; ".join(n for n in notes if n) or None,
        parts=parts,
        warnings=tuple(warnings),
        errors=tuple(e for _, e in sorted(errors, key=lambda item: item[0])),
        source=source,
    )


def _parse_line(
    line: str, number: int, source: str, seen: set[str]
) -> tuple[int, str, str, Mapping[str, Any]]:
    where = (source, f"line {number}")
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CostlabError(f"malformed JSON: {exc.msg} (column {exc.colno})", *where) from None
    if not isinstance(entry, Mapping):
        raise CostlabError("each line must be a JSON object", *where)
    custom_id = entry.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise CostlabError("no `custom_id`", *where)
    if custom_id in seen:
        raise CostlabError(f"custom_id {custom_id!r} is used by an earlier line", *where)
    seen.add(custom_id)
    method = entry.get("method")
    if method != "POST":
        raise CostlabError(f"method must be POST, got {method!r}", *where)
    url = entry.get("url")
    if url not in ENDPOINTS:
        raise CostlabError(
            f"unsupported url {url!r}; costlab counts {' and '.join(ENDPOINTS)}", *where
        )
    body = entry.get("body")
    if not isinstance(body, Mapping):
        raise CostlabError("no `body` object", *where)
    return number, custom_id, url, body


def _merged(messages: list[str]) -> list[str]:
    """Each distinct message once, with how many requests raised it when more than one."""
    counts = Counter(messages)
    return [m if n == 1 else f"{m} ({n:,} requests)" for m, n in counts.items()]
