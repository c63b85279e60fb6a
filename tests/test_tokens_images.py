"""Image tokens: OpenAI's documented worked examples, both methods, and the patch-budget conflict."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import png_bytes
from hypothesis import given
from hypothesis import strategies as st

from costlab.errors import CostlabError
from costlab.prices import ImageRule, load_pricebook
from costlab.tokens import count_image, count_path, image_tokens, parse_size
from costlab.tokens.images import max_image_tokens, patch_count, tile_count

BOOK = load_pricebook()


def rule(model: str) -> ImageRule:
    images = BOOK.resolve(model).images
    assert images is not None
    return images


# Worked examples of OpenAI's "Calculating costs" ([OAI-VIS-25] in docs/sources.md).
@pytest.mark.parametrize(
    ("size", "detail", "tokens"),
    [
        ((1024, 1024), "high", 765),
        ((2048, 4096), "high", 1105),
        ((2048, 4096), "low", 85),
        ((4096, 8192), "low", 85),
    ],
)
def test_tile_method_worked_examples(size: tuple[int, int], detail: str, tokens: int) -> None:
    assert image_tokens(rule("gpt-4o"), *size, detail) == tokens  # type: ignore[arg-type]
    assert count_image(size, model="gpt-4o", detail=detail).input_tokens == tokens  # type: ignore[arg-type]


def test_auto_is_high_on_tile_models_and_small_images_are_not_enlarged() -> None:
    assert image_tokens(rule("gpt-4.1"), 1024, 1024, "auto") == 765
    assert tile_count(512, 512) == 1 and tile_count(300, 200) == 1
    assert tile_count(800, 700) == 4  # shortest side 700 <= 768: not scaled, 2x2 tiles


def test_gpt_4o_mini_tiles() -> None:
    assert image_tokens(rule("gpt-4o-mini"), 1024, 1024, "high") == 2833 + 4 * 5667


def test_patch_method_worked_examples_under_the_1536_budget() -> None:
    assert patch_count(1024, 1024, budget=1536) == 1024
    assert (
        patch_count(1800, 2400, budget=1536) == 1452
    )  # 4,275 patches, scaled to 1056x1408 = 33x44
    budget_2025 = ImageRule(
        method="patch", source="2025 doc", multiplier=Decimal("1.62"), patch_budget=1536
    )
    # By hand, the 2025 rule [OAI-VIS-25] on gpt-4.1-mini: ceil(1,024 x 1.62) = 1,659 and
    # ceil(1,452 x 1.62) = 2,353
    assert image_tokens(budget_2025, 1024, 1024) == 1659
    assert image_tokens(budget_2025, 1800, 2400) == 2353
    nano = rule("gpt-4.1-nano")  # the book keeps 1,536 for nano
    assert (image_tokens(nano, 1024, 1024), image_tokens(nano, 1800, 2400)) == (2520, 3572)
    assert image_tokens(rule("o4-mini"), 1800, 2400) == 2498


def test_gpt_4_1_mini_follows_the_current_doc_and_flags_conflict_9() -> None:
    mini = rule("gpt-4.1-mini")
    assert (mini.patch_budget, mini.max_dimension) == (6144, 2048)
    # 1800x2400 fits 2048 px as 1536x2048 = 48 x 64 = 3,072 patches (under 6,144); x 1.62 = 4,976.64
    assert image_tokens(mini, 1800, 2400) == 4977
    count = count_image((1800, 2400), model="gpt-4.1-mini")
    assert count.input_tokens == 4977 and not count.exact
    assert any("1,536-patch cap would give 2,353" in w for w in count.warnings)


def test_gpt_5_4_worked_examples() -> None:
    # Current doc: 1024x1024 -> ceil(1024 x 1.2) = 1,229; 2048x2048 -> 1600x1600 = 2,500 patches -> 3,000.
    assert image_tokens(rule("gpt-5.4"), 1024, 1024) == 1229
    assert image_tokens(rule("gpt-5.4"), 2048, 2048) == 3000


@given(st.integers(1, 12000), st.integers(1, 12000), st.sampled_from([1536, 2500, 6144]))
def test_patches_never_exceed_the_budget(width: int, height: int, budget: int) -> None:
    patches = patch_count(width, height, budget=budget)
    assert 1 <= patches <= budget
    if math.ceil(width / 32) * math.ceil(height / 32) <= budget:
        assert patches == math.ceil(width / 32) * math.ceil(height / 32)


@given(st.integers(1, 20000), st.integers(1, 20000))
def test_tile_tokens_stay_under_the_bound(width: int, height: int) -> None:
    gpt4o = rule("gpt-4o")
    bound = max_image_tokens(gpt4o)
    assert bound is not None and image_tokens(gpt4o, width, height, "high") <= bound


def test_image_files_are_read_for_their_size(tmp_path: Path) -> None:
    path = tmp_path / "shot.png"
    path.write_bytes(png_bytes(2048, 4096))
    count = count_path(path, model="gpt-4o", detail="high")
    assert (count.kind, count.input_tokens, count.exact) == ("image", 1105, True)
    assert count_image(path, model="gpt-4o", detail="low").input_tokens == 85


def test_models_without_an_image_rule() -> None:
    with pytest.raises(CostlabError, match="no image-token rule"):
        count_image((512, 512), model="gpt-3.5-turbo")


def test_sizes() -> None:
    assert parse_size("1024x768") == (1024, 768) and parse_size("10X20") == (10, 20)
    for bad in ("1024", "0x10", "axb", "10x10x10"):
        with pytest.raises(CostlabError, match="WIDTHxHEIGHT"):
            parse_size(bad)


def test_a_files_own_size_wins_over_a_given_size(tmp_path: Path) -> None:
    path = tmp_path / "shot.png"
    path.write_bytes(png_bytes(1024, 1024))
    count = count_path(path, model="gpt-4o", detail="high", image_size=(2048, 4096))
    assert count.input_tokens == 765
    assert count.warnings == ("the image size given is ignored: the file is 1024x1024",)
