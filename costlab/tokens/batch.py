"""Batch input files: every request of a ``.jsonl`` counted, bad lines named.

OpenAI's Batch API, Anthropic's Message Batches (one ``{"custom_id", "params"}`` per line, the
params an Messages body [ANT-BATCH]) and Gemini's batch mode (``{"key", "request"}`` per line
[G-BATCH]) are read; all are priced at the batch rate.

Each line is ``{"custom_id", "method": "POST", "url": "/v1/chat/completions" | "/v1/responses",
"body": {...}}`` ([OAI-BATCH] in docs/sources.md: up to 50,000 requests and 200 MB per file;
checked 2026-11-26). Every good line is counted with the batch's model; a bad
line (malformed JSON, no body, no messages, an unknown url, ...) becomes an error naming its line
number, and the good lines are still counted. All texts of all requests are encoded in one
parallel call.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from costlab import limits
from costlab.errors import CostlabError
from costlab.prices import PriceBook, load_pricebook
from costlab.tokens.anthropic import tally_anthropic
from costlab.tokens.chat import tally_chat
from costlab.tokens.gemini import GEMINI_DEFAULT, tally_gemini
from costlab.tokens.responses import tally_responses
from costlab.tokens.result import PartCount, TokenCount
from costlab.tokens.tally import ImageOptions, Tally
from costlab.tokens.tokenizer import Tokenizer, resolve_model, tokenizer_for
from costlab.tokens.totals import finish

#: Batch API limits per input file. [OAI-BATCH]
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024

#: Endpoints costlab counts, and the body walker for each.
ENDPOINTS: dict[str, Callable[..., Tally]] = {
    "/v1/chat/completions": tally_chat,
    "/v1/responses": tally_responses,
}

#: Lines between two progress reports.
PROGRESS_LINES = 2_000


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

    Two phases: the lines are parsed and walked (Python, one core), then every text of every
    request is encoded in one call across all cores (tiktoken releases the GIL while encoding;
    overlapping the phases was measured slower, as the encoder threads then queue for the GIL).
    """
    book = book or load_pricebook()
    lines = text.split("\n")
    chosen = resolve_model(model, book, fallback=None if model else _first_model(lines))
    tokenizer = tokenizer_for(chosen)
    images = images or ImageOptions()
    errors: list[tuple[int, CostlabError]] = []
    seen: set[str] = set()
    kept: list[tuple[int, str]] = []
    tallies: list[Tally] = []
    # Parsing allocates millions of acyclic objects; the cyclic collector would re-scan them all
    # again and again (about a quarter of the time for 50,000 requests, measured), so it waits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    _, custom_id, walk, field, body = _parse_line(line, number, source, seen)
                    where = (source, f"line {number}", field)
                    tallies.append(walk(body, chosen, tokenizer, images=images, where=where))
                    kept.append((number, custom_id))
                except CostlabError as exc:
                    errors.append((number, exc))
            if progress is not None and number % PROGRESS_LINES == 0:
                progress(number, len(lines))
    finally:
        if collecting:
            gc.enable()
    totals = finish(tallies, tokenizer)
    parts = [
        PartCount(
            custom_id,
            total.input_tokens,
            tally.max_output_tokens,
            number,
            tally.output_choices if tally.output_choices != 1 else None,
            total.audio_tokens,
        )
        for (number, custom_id), tally, total in zip(kept, tallies, totals, strict=True)
    ]
    if not parts and not errors:
        raise CostlabError("no requests in this batch file", source)
    file_book = book if model is None else None
    return _result(chosen.id, tokenizer, parts, tallies, errors, file_book, size_bytes, source)


def _first_model(lines: list[str]) -> str | None:
    """The ``body.model`` of the first line that parses and names one."""
    for line in lines:
        try:
            entry = limits.loads_json(line)
        except (json.JSONDecodeError, CostlabError):
            continue
        if not isinstance(entry, Mapping):
            continue
        if "request" in entry and "key" in entry:
            return GEMINI_DEFAULT  # Gemini batch requests name no model (the job does)
        body = entry.get("body", entry.get("params"))
        if isinstance(body, Mapping) and isinstance(body.get("model"), str):
            return str(body["model"])
    return None


def _result(
    model_id: str,
    tokenizer: Tokenizer,
    parts: list[PartCount],
    tallies: list[Tally],
    errors: list[tuple[int, CostlabError]],
    book: PriceBook | None,
    size_bytes: int | None,
    source: str,
) -> TokenCount:
    limits = [t.max_output_tokens for t in tallies if t.max_output_tokens is not None]
    warnings = _merged([w for t in tallies for w in t.warnings])
    approximations = _merged([a for t in tallies for a in t.approximations])
    if book is not None:  # the model came from the file: say when requests name another
        named = Counter(t.model_name for t in tallies if t.model_name)
        for name, n in sorted(named.items()):
            if _names_another_model(name, model_id, book):
                warnings.append(
                    f"{n:,} requests name model {name!r}; all are counted as {model_id}"
                )
    if len(parts) > MAX_REQUESTS:
        warnings.append(
            f"{len(parts):,} requests: the Batch API takes at most {MAX_REQUESTS:,} per file"
        )
    if size_bytes is not None and size_bytes > MAX_BYTES:
        warnings.append(f"{size_bytes / 2**20:,.0f} MB: the Batch API takes files up to 200 MB")
    notes = [tokenizer.estimate_note(), *approximations]
    return TokenCount(
        model=model_id,
        encoding=tokenizer.encoding,
        input_tokens=sum(p.input_tokens for p in parts),
        input_audio_tokens=sum(p.audio_tokens for p in parts),
        exact=tokenizer.exact and not approximations and bool(parts),
        kind="batch",
        requests=len(parts),
        max_output_tokens=sum(limits) if limits else None,
        requests_without_max_output=len(parts) - len(limits),
        estimate_source="; ".join(n for n in notes if n) or None,
        parts=tuple(parts),
        warnings=tuple(warnings),
        errors=tuple(e for _, e in sorted(errors, key=lambda item: item[0])),
        source=source,
    )


def _names_another_model(name: str, model_id: str, book: PriceBook) -> bool:
    """Whether a body's ``model`` is neither ``model_id`` nor one of its aliases."""
    if name == model_id:
        return False
    try:
        return book.resolve(name).id != model_id
    except CostlabError:
        return True


def _parse_line(
    line: str, number: int, source: str, seen: set[str]
) -> tuple[int, str, Callable[..., Tally], str, Mapping[str, Any]]:
    """One line of an OpenAI (``custom_id``, ``url``, ``body``), Anthropic Message Batches
    (``custom_id``, ``params``) [ANT-BATCH] or Gemini batch (``key``, ``request``) [G-BATCH]
    file: its id, body walker, the body's field name and the body."""
    where = (source, f"line {number}")
    try:
        entry = limits.loads_json(line, *where)
    except json.JSONDecodeError as exc:
        raise CostlabError(f"malformed JSON: {exc.msg} (column {exc.colno})", *where) from None
    if not isinstance(entry, Mapping):
        raise CostlabError("each line must be a JSON object", *where)
    if "params" in entry or "request" in entry:
        anthropic = "params" in entry
        name, field = ("custom_id", "params") if anthropic else ("key", "request")
        key = entry.get(name)
        if not isinstance(key, str) or not key:
            raise CostlabError(f"no `{name}`", *where)
        if key in seen:
            raise CostlabError(f"{name} {key!r} is used by an earlier line", *where)
        seen.add(key)
        body = entry.get(field)
        if not isinstance(body, Mapping):
            raise CostlabError(f"no `{field}` object", *where)
        return number, key, tally_anthropic if anthropic else tally_gemini, field, body
    custom_id = entry.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        if "messages" in entry:  # a chat fine-tuning example, not a batch request
            raise CostlabError(
                "no `custom_id`: this looks like a fine-tuning file; "
                "`costlab estimate FILE` prices the training run",
                *where,
            )
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
    return number, custom_id, ENDPOINTS[url], "body", body


def _merged(messages: list[str]) -> list[str]:
    """Each distinct message once, with how many requests raised it when more than one."""
    counts = Counter(messages)
    return [m if n == 1 else f"{m} ({n:,} requests)" for m, n in counts.items()]
