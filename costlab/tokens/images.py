"""Image input tokens, from the price book's per-model ``images`` rule.

Two published methods (OpenAI's images and vision guide, "Calculating costs": [OAI-VIS-25] and
the current [OAI-VIS-26], keys defined in docs/sources.md; checked 2026-11-26):

* **tile** (gpt-4o, gpt-4.1, gpt-4o-mini, o3, gpt-5, gpt-5.1): ``detail: low`` costs the base
  tokens; ``high`` (and ``auto``) scales the image to fit 2048 x 2048, then, only when the shortest
  side exceeds 768 px, to a 768-px shortest side, and adds ``tile_tokens`` per 512-px tile.
* **patch** (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini, gpt-5.2, gpt-5.4, ...): fit the
  model's pixel limit, count 32-px patches, scale down to the patch budget when over it, and bill
  ``ceil(patches x multiplier)``. OpenAI notes billing may differ from this by one token.

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
    if rule.method == "tile":
        assert rule.base_tokens is not None and rule.tile_tokens is not None
        if detail == "low":
            return rule.base_tokens
        return rule.base_tokens + rule.tile_tokens * tile_count(width, height)
    assert rule.multiplier is not None
    patches = patch_count(width, height, budget=rule.patch_budget, max_dimension=rule.max_dimension)
    # The multiplier applies once, to image tokens only, rounded up. [OAI-VIS-26]
    return math.ceil(Decimal(patches) * rule.multiplier)


def max_image_tokens(rule: ImageRule, detail: Detail = "auto") -> int | None:
    """The most tokens any image can cost under ``rule`` (None when the rule has no bound)."""
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
