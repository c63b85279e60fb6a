"""Image input tokens, from the price book's per-model ``images`` rule.

Two published methods (OpenAI's images and vision guide, "Calculating costs": [OAI-VIS-25] and
the current [OAI-VIS-26], keys defined in docs/sources.md; checked 2026-11-26):

* **tile** (gpt-4o, gpt-4.1, gpt-4o-mini, o3, gpt-5, gpt-5.1): ``detail: low`` costs the base
  tokens; ``high`` (and ``auto``) scales the image to fit 2048 x 2048, then, only when the shortest
  side exceeds 768 px, to a 768-px shortest side, and adds ``tile_tokens`` per 512-px tile.
* **patch** (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini, gpt-5.2, gpt-5.4, ...): fit the
  model's pixel limit, count 32-px patches, scale down to the patch budget when over it, and bill
  ``ceil(patches x multiplier)``. OpenAI notes billing may differ from this by one token.

* **area** (Anthropic, [ANT-VISION]): fit a 1568-px long side and about 1,600 tokens, then
  ``ceil(width x height / 750)``; an estimate (Anthropic gives its table with "~").
* **gemini** (Google, [G-VISION]): 258 tokens when both sides are at most 384 px, else 258 per
  768-px tile.

Conflict #9 (docs/sources.md): the 2025 doc capped every patch model at 1,536
patches; the current doc gives gpt-4.1-mini a 2048-px limit and a 6,144-patch budget. costlab
follows the current doc, as the price book does (``patch_budget`` in pricing/openai.yaml).
"""

from __future__ import annotations

import io
import math
import re
import struct
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal

from costlab import limits
from costlab.errors import CostlabError
from costlab.extras import require
from costlab.prices import ImageRule

Detail = Literal["low", "high", "auto"]
DETAILS: tuple[Detail, ...] = ("low", "high", "auto")

#: Tile method: images are first fitted into this square (px). [OAI-VIS-25] [OAI-VIS-26]
TILE_FIT = 2048
#: Tile method: a shortest side above this is scaled down to it (px). [OAI-VIS-26]
TILE_SHORT_SIDE = 768
#: Tile method: tile edge (px). [OAI-VIS-25] [OAI-VIS-26]
TILE = 512
#: Patch method: patch edge (px). [OAI-VIS-25] [OAI-VIS-26]
PATCH = 32
#: The 2025 doc's patch cap, kept to flag conflict #9. [OAI-VIS-25]
PATCH_BUDGET_2025 = 1536


def tile_count(width: int, height: int) -> int:
    """512-px tiles of an image after the tile method's scaling (high/auto detail).

    >>> tile_count(1024, 1024), tile_count(2048, 4096)
    (4, 6)
    """
    w, h = width, height
    if max(w, h) > TILE_FIT:  # fit in 2048 x 2048, aspect kept, the other side rounded down
        w, h = (TILE_FIT, h * TILE_FIT // w) if w >= h else (w * TILE_FIT // h, TILE_FIT)
    if min(w, h) > TILE_SHORT_SIDE:  # only images whose shortest side exceeds 768 are scaled
        w, h = (
            (w * TILE_SHORT_SIDE // h, TILE_SHORT_SIDE)
            if w >= h
            else (TILE_SHORT_SIDE, h * TILE_SHORT_SIDE // w)
        )
    return math.ceil(w / TILE) * math.ceil(h / TILE)


def patch_count(
    width: int, height: int, *, budget: int | None, max_dimension: int | None = None
) -> int:
    """32-px patches of an image after the patch method's scaling.

    >>> patch_count(1024, 1024, budget=1536), patch_count(1800, 2400, budget=1536)
    (1024, 1452)
    """
    w, h = float(width), float(height)
    if max_dimension is not None and max(w, h) > max_dimension:  # fit the pixel limit first
        scale = max_dimension / max(w, h)
        # Rounded down, but a side never reaches 0 px: a 4000x1 image is still one row of patches.
        w, h = max(1, math.floor(w * scale)), max(1, math.floor(h * scale))
    patches = math.ceil(w / PATCH) * math.ceil(h / PATCH)
    if budget is None or patches <= budget:
        return patches
    # Scale so the patches fit the budget, then shrink again so one side is a whole number of
    # patches; final sizes are rounded down (the adjusted_shrink_factor of [OAI-VIS-26]). A
    # side already under one patch is left out of the adjustment (it would make the factor 0)
    # and kept at >= 1 px, so every non-empty image has at least one patch.
    shrink = math.sqrt(PATCH * PATCH * budget / (w * h))
    fits = [side * shrink / PATCH for side in (w, h)]
    ratios = [math.floor(fit) / fit for fit in fits if fit >= 1]
    if ratios:
        shrink *= min(ratios)
    w, h = max(1, math.floor(w * shrink)), max(1, math.floor(h * shrink))
    return max(1, min(budget, math.ceil(w / PATCH) * math.ceil(h / PATCH)))


def check_image_size(width: int, height: int, where: str | None = None) -> None:
    """Refuse a side <= 0 or over :data:`costlab.limits.MAX_COUNT` px (the arithmetic below
    works in floats, which overflow on a 400-digit side)."""
    if width <= 0 or height <= 0:
        raise CostlabError(f"image size must be positive, got {width}x{height}", where)
    for side, name in ((width, "width"), (height, "height")):
        limits.check_number(side, f"image {name}", where)


def image_tokens(rule: ImageRule, width: int, height: int, detail: Detail = "auto") -> int:
    """Input tokens of one ``width`` x ``height`` image under ``rule``.

    Tile method: ``low`` is the base tokens whatever the size. Patch method: the budget in the
    price book applies whatever the detail. Only the size is used, so any size is fine up to
    :data:`costlab.limits.MAX_COUNT` px a side; image *files* are held to
    :data:`costlab.limits.MAX_IMAGE_PIXELS` (:func:`read_size`).
    """
    check_image_size(width, height)
    if rule.method == "area":
        return area_tokens(rule, width, height)
    if rule.method == "gemini":
        return gemini_tokens(rule, width, height)
    if rule.method == "tile":
        assert rule.base_tokens is not None and rule.tile_tokens is not None
        if detail == "low":
            return rule.base_tokens
        return rule.base_tokens + rule.tile_tokens * tile_count(width, height)
    assert rule.multiplier is not None
    patches = patch_count(width, height, budget=rule.patch_budget, max_dimension=rule.max_dimension)
    # The multiplier applies once, to image tokens only, rounded up. [OAI-VIS-26]
    return math.ceil(Decimal(patches) * rule.multiplier)


def area_fit(rule: ImageRule, width: int, height: int) -> tuple[int, int]:
    """The size Anthropic resizes an image to before counting: aspect kept, the long side at most
    ``max_dimension`` and the area at most ``max_tokens x pixels_per_token``, sides rounded down.
    [ANT-VISION]

    >>> area_fit(RULE_CLAUDE, 3000, 2000)
    (1341, 894)
    """
    assert rule.pixels_per_token is not None and rule.max_dimension is not None
    scale = min(Fraction(1), Fraction(rule.max_dimension, max(width, height)))
    if rule.max_tokens is not None:
        most = rule.max_tokens * rule.pixels_per_token
        if width * height * scale * scale > most:
            # the largest scale whose area fits; sqrt in Decimal, then floored sides below
            root = (Decimal(most) / Decimal(width * height)).sqrt()
            scale = min(scale, Fraction(root))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def area_tokens(rule: ImageRule, width: int, height: int) -> int:
    """Anthropic: ``ceil(width x height / 750)`` after :func:`area_fit`. [ANT-VISION]

    Anthropic's own table: 200x200 about 54 tokens, 1000x1000 about 1,334, 1092x1092 about 1,590.

    >>> [area_tokens(RULE_CLAUDE, n, n) for n in (200, 1000, 1092)]
    [54, 1334, 1590]
    """
    assert rule.pixels_per_token is not None
    w, h = area_fit(rule, width, height)
    return math.ceil(Fraction(w * h, rule.pixels_per_token))


def gemini_tokens(rule: ImageRule, width: int, height: int) -> int:
    """Google: ``base_tokens`` when both sides are at most ``small_side`` (384 px), else
    ``tile_tokens`` per ``tile_px`` (768-px) tile, each side rounded up to whole tiles.
    [G-VISION]

    >>> [gemini_tokens(RULE_GEMINI, *size) for size in ((384, 384), (600, 400), (1024, 1024))]
    [258, 258, 1032]
    """
    assert rule.small_side is not None and rule.tile_px is not None
    assert rule.base_tokens is not None and rule.tile_tokens is not None
    if width <= rule.small_side and height <= rule.small_side:
        return rule.base_tokens
    tiles = math.ceil(width / rule.tile_px) * math.ceil(height / rule.tile_px)
    return rule.tile_tokens * tiles


#: What an image count under each method rests on (None: a published method that reproduces
#: billing).
ESTIMATE_NOTES: dict[str, str | None] = {
    "tile": None,
    "patch": "patch method: OpenAI notes billing may differ from the formula by one token",
    "area": "Anthropic's image rule gives approximate counts ([ANT-VISION], its table shows '~'); "
    "its count_tokens endpoint (POST /v1/messages/count_tokens) returns the billed figure",
    "gemini": "Google's published image rule (258 tokens per image up to 384 px, else per "
    "768-px tile [G-VISION]); media_resolution settings are not applied; the countTokens "
    "endpoint returns the billed figure",
}


def max_image_tokens(rule: ImageRule, detail: Detail = "auto") -> int | None:
    """The most tokens any image can cost under ``rule`` (None when the rule has no bound)."""
    if rule.method == "area":
        if rule.max_tokens is not None:
            return rule.max_tokens
        assert rule.pixels_per_token is not None and rule.max_dimension is not None
        return math.ceil(Fraction(rule.max_dimension**2, rule.pixels_per_token))
    if rule.method == "gemini":
        return None  # tiles grow with the image: no bound
    if rule.method == "tile":
        assert rule.base_tokens is not None and rule.tile_tokens is not None
        if detail == "low":
            return rule.base_tokens
        # After scaling, a side is at most 2048 and the shortest at most 768: 4 x 2 tiles.
        tiles = math.ceil(TILE_FIT / TILE) * math.ceil(TILE_SHORT_SIDE / TILE)
        return rule.base_tokens + rule.tile_tokens * tiles
    if rule.patch_budget is None:
        return None
    assert rule.multiplier is not None
    return math.ceil(Decimal(rule.patch_budget) * rule.multiplier)


def conflict_note(rule: ImageRule, width: int, height: int) -> str | None:
    """Conflict #9: when the 2025 doc's 1,536-patch cap would have given another count."""
    if (
        rule.method != "patch"
        or rule.patch_budget is None
        or rule.patch_budget <= PATCH_BUDGET_2025
    ):
        return None
    assert rule.multiplier is not None
    old = patch_count(width, height, budget=PATCH_BUDGET_2025, max_dimension=rule.max_dimension)
    new = patch_count(width, height, budget=rule.patch_budget, max_dimension=rule.max_dimension)
    if old == new:
        return None
    old_tokens = math.ceil(Decimal(old) * rule.multiplier)
    return (
        f"the current OpenAI doc's {rule.patch_budget:,}-patch budget is used; the 2025 doc's "
        f"1,536-patch cap would give {old_tokens:,} tokens for this {width}x{height} image"
    )


def parse_size(text: str) -> tuple[int, int]:
    """``"1024x768"`` -> ``(1024, 768)``; at most :data:`costlab.limits.MAX_DIGITS` digits a side."""
    parts = text.lower().replace("×", "x").split("x")
    digits = limits.MAX_DIGITS
    if len(parts) == 2 and all(p.strip().isdigit() and len(p.strip()) <= digits for p in parts):
        width, height = int(parts[0]), int(parts[1])
        if width > 0 and height > 0:
            check_image_size(width, height)
            return width, height
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise CostlabError(f"expected WIDTHxHEIGHT in pixels, e.g. 1024x768, got {shown!r}")


def read_size(data: bytes | Path, where: str) -> tuple[int, int]:
    """Width and height of an image (PNG, JPEG, GIF, WebP) from its header, without decoding it.

    A header declaring more than :data:`costlab.limits.MAX_IMAGE_PIXELS` is refused (Pillow's
    decompression-bomb check fires on opening, at twice its own default of the same value).
    """
    require("PIL", "reading images")
    from PIL import Image, UnidentifiedImageError

    try:
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        with warnings.catch_warnings():
            # the header is all costlab reads; the size check below decides, not the warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"an image of {int(found.group(1)):,} pixels" if found else "the image"
        raise CostlabError(limits.over("MAX_IMAGE_PIXELS", size), where) from None
    except UnidentifiedImageError:
        raise CostlabError(
            "unreadable image: not a PNG, JPEG, GIF or WebP image, or a damaged one", where
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, OverflowError) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise CostlabError(f"unreadable image: {reason}", where) from None
    if width <= 0 or height <= 0:
        raise CostlabError(f"unreadable image: size {width}x{height}", where)
    if width * height > limits.MAX_IMAGE_PIXELS:  # Pillow only warns between 1x and 2x its limit
        raise CostlabError(
            limits.over("MAX_IMAGE_PIXELS", f"an image of {width * height:,} pixels"), where
        )
    return width, height


#: Rules the doctests above use (the price book holds the real ones).
RULE_CLAUDE = ImageRule(
    method="area", source="[ANT-VISION]", pixels_per_token=750, max_dimension=1568, max_tokens=1600
)
RULE_GEMINI = ImageRule(
    method="gemini",
    source="[G-VISION]",
    base_tokens=258,
    tile_tokens=258,
    small_side=384,
    tile_px=768,
)
