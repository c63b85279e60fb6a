"""Streaming reads: counting a text block by block equals counting it whole, to the token."""

from __future__ import annotations

import itertools
import os
import random

import pytest

from costlab.errors import CostlabError
from costlab.tokens import text as text_module
from costlab.tokens.text import file_tokens, stream_tokens, text_tokens

PIECES = [
    "héllo",
    "世界",
    "  ",
    "\n",
    "\n\n",
    "abc",
    "é",
    "🙂",
    "<|endoftext|>",
    "\r\n",
    " \n ",
    "Word",
]


def _blocks(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_blocks_cut_anywhere_count_as_the_whole_text(encoding: str) -> None:
    rng = random.Random(15)
    for _ in range(150):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 300)))
        data = text.encode()
        cuts = rng.sample(range(len(data) + 1), min(len(data) + 1, rng.randint(0, 8)))
        blocks = _blocks(data, cuts)
        assert stream_tokens(blocks, encoding) == text_tokens(text, encoding)
        assert stream_tokens(blocks, encoding, allow_special=True) == text_tokens(
            text, encoding, allow_special=True
        )


def test_a_cut_inside_a_multibyte_character() -> None:
    text = "Line one\n世界 and more\nNext line 🙂\nEnd"
    data = text.encode()
    inside = data.index("界".encode()) + 1  # between the bytes of one character
    assert stream_tokens([data[:inside], data[inside:]]) == text_tokens(text)
    assert stream_tokens([data[i : i + 1] for i in range(len(data))]) == text_tokens(text)


def test_a_file_is_counted_in_bounded_blocks(tmp_path, monkeypatch) -> None:
    text = "".join(f"Line {i} ünïcode 世界 text\n" for i in range(5000))
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(text_module, "STREAM_BYTES", 1000)  # many blocks, cut mid-character
    assert file_tokens(str(path)) == text_tokens(text) == file_tokens(str(path), "o200k_base")


def test_not_utf8_and_devices_are_refused(tmp_path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(CostlabError, match="not UTF-8 text"):
        file_tokens(str(path))
    if os.path.exists("/dev/zero"):
        with pytest.raises(CostlabError, match="not a regular file"):
            file_tokens("/dev/zero")
