"""Finish body counts: encode every text of many tallies at once, then add up per part."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from costlab.records import frozen
from costlab.tokens.result import PartCount
from costlab.tokens.tally import Tally
from costlab.tokens.text import texts_tokens
from costlab.tokens.tokenizer import Tokenizer


@frozen
class BodyTotal:
    """One body's input tokens (model tokens: scaled when the tokenizer is an estimate)."""

    input_tokens: int
    parts: tuple[PartCount, ...]
    audio_tokens: int = 0
    """of the input, audio tokens"""


def tally_texts(tallies: Sequence[Tally]) -> list[str]:
    """Every text of ``tallies``, in the order :func:`finish` consumes their counts."""
    return [text for tally in tallies for part in tally.parts for text in part.texts]


def finish(
    tallies: Sequence[Tally], tokenizer: Tokenizer, text_counts: Sequence[int] | None = None
) -> list[BodyTotal]:
    """Total each body; its texts' counts are ``text_counts`` (from :func:`tally_texts`), or are
    encoded here in one parallel call."""
    if text_counts is None:
        text_counts = texts_tokens(tally_texts(tallies), tokenizer.encoding)
    counts = iter(text_counts)
    totals = []
    for tally in tallies:
        raw = [p.fixed + sum(next(counts) for _ in p.texts) for p in tally.parts]
        scaled = tokenizer.scale(sum(raw))
        shares = apportion(raw, scaled)
        # tokens already in the model's units (an image rule, a documented prompt) are added
        # after scaling
        parts = tuple(
            PartCount(p.label, n + p.model_fixed) for p, n in zip(tally.parts, shares, strict=True)
        )
        audio = sum(p.audio for p in tally.parts)
        totals.append(BodyTotal(scaled + sum(p.model_fixed for p in tally.parts), parts, audio))
    return totals


def apportion(raw: Sequence[int], total: int) -> list[int]:
    """Split ``total`` over parts in proportion to ``raw`` (largest remainders), so a scaled
    breakdown adds up to its scaled total.

    >>> apportion([21, 17, 3], 48)
    [25, 20, 3]
    """
    whole = sum(raw)
    if whole == total or whole == 0:
        return list(raw) if whole == total else [0] * len(raw)
    exact = [Fraction(n * total, whole) for n in raw]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(raw)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares
