"""Tokens of a generated image: what image generation bills as image output.

GPT Image models bill a generated image as *image output tokens* at the model's output-image
rate (output rate where no separate one is published), so the price of one image follows from
its size and quality. OpenAI's image-generation guide gives the tokens per image for
``gpt-image-1`` [OAI-IMGGEN]; an image at 1024x1024, high quality, is 4,160 tokens: at $40 per
1M that is $0.1664, where OpenAI's table of approximate per-image prices lists $0.167.

Only the models the guide's table is published for are listed; another image model's tokens
per image must be given as ``output_image_tokens``.
"""

from __future__ import annotations

from typing import Literal

from costlab.errors import CostlabError

Quality = Literal["low", "medium", "high"]

#: Image output tokens per generated image, by quality and size [OAI-IMGGEN].
GPT_IMAGE_1: dict[str, dict[str, int]] = {
    "low": {"1024x1024": 272, "1024x1536": 408, "1536x1024": 400},
    "medium": {"1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568},
    "high": {"1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208},
}

#: Model id -> its table.
TABLES: dict[str, dict[str, dict[str, int]]] = {"gpt-image-1": GPT_IMAGE_1}

QUALITIES: tuple[str, ...] = ("low", "medium", "high")
SIZES: tuple[str, ...] = ("1024x1024", "1024x1536", "1536x1024")


def image_output_tokens(model_id: str, size: str = "1024x1024", quality: str = "medium") -> int:
    """Image output tokens of one generated image on ``model_id``.

    >>> image_output_tokens("gpt-image-1", "1024x1024", "high")
    4160
    """
    table = TABLES.get(model_id)
    if table is None:
        known = ", ".join(TABLES)
        raise CostlabError(
            f"no published tokens-per-image table for {model_id} (known: {known}); give "
            "--output-image-tokens per image instead",
            "--images",
        )
    if quality not in table:
        raise CostlabError(
            f"unknown quality {quality!r} (known: {', '.join(table)})", "--image-quality"
        )
    sizes = table[quality]
    if size not in sizes:
        raise CostlabError(f"unknown size {size!r} (known: {', '.join(sizes)})", "--output-size")
    return sizes[size]
