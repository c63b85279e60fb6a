"""The faster tokenizer (bpe-openai, ``costlab[fast]``) is used only where it gives tiktoken's ids.

A differential test: every text of an adversarial corpus encodes to the same ids (not only the
same count) under both, and costlab's counts are the same with the accelerator on and off.
Skipped, saying why, where bpe-openai is not installed.
"""

from __future__ import annotations

import random

import pytest

from costlab.tokens import encodings
from costlab.tokens import text as text_module
from costlab.tokens.encodings import fast_encoding, get_encoding

bpe_openai = pytest.importorskip("bpe_openai", reason="costlab[fast] (bpe-openai) not installed")

ENCODINGS = ["o200k_base", "cl100k_base"]


@pytest.fixture(autouse=True)
def _opted_in(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COSTLAB_TOKENIZER", "bpe-openai")


def _corpus() -> dict[str, str]:
    rng = random.Random(5)
    pieces = ["the ", "Ü", "ß", "  ", "\n", "123", "4567", "'s", "'LL", "世", "\r\n", "\u00a0"]
    pieces += ["!!", "...", "x", "\t", "🙂", "👨‍👩‍👧", "<|endoftext|>", "ﬁ", "İ", "\u200d"]
    return {
        "whitespace runs": "a" + " " * 5_000 + "b\n" + "\t\n " * 3_000 + "x" + "\n" * 4_000,
        "cjk": "日本語のテキストと中文文本，한국어 텍스트。" * 500,
        "special-token text": "<|endoftext|> hi <|fim_prefix|><|endofprompt|><|im_start|>" * 50,
        "emoji": "🙂👍🏽👨‍👩‍👧‍👦 " * 1000,
        "code": "def f(x):\r\n\treturn x ** 2  # done\n" * 500,
        "contractions": "I'LL they've it's WE'RE don't " * 500,
        "numbers": "3.14159 1,000,000 0x1F 12345678901234567890 " * 300,
        "lone surrogate": "a\ud800b\udfffc",
        "random mix": "".join(rng.choice(pieces) for _ in range(20_000)),
    }


@pytest.mark.parametrize("name", ENCODINGS)
def test_same_ids_as_tiktoken_on_an_adversarial_corpus(name: str) -> None:
    fast = fast_encoding(name)
    assert fast is not None, "bpe-openai is installed but failed its probe against tiktoken"
    reference = get_encoding(name)
    for label, text in _corpus().items():
        assert fast.encode_ordinary(text) == reference.encode_ordinary(text), label


@pytest.mark.parametrize("name", ENCODINGS)
def test_a_1mb_string_counts_the_same_with_and_without_it(name: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(9)
    words = ["Line", "of", "prose,", "世界", "🙂", "  ", "\n", "code()", "\n\n", "x=1;"]
    text = " ".join(rng.choice(words) for _ in range(260_000))[: 2**20]
    text += (
        "\n" + "9" * 300_000
    )  # a chunk bpe-openai refuses (too long a piece): tiktoken counts it
    monkeypatch.setattr(encodings, "FAST_MIN_CHARS", 0)
    monkeypatch.setattr(text_module, "FAST_MIN_CHARS", 0)
    with_fast = text_module.text_tokens(text, name)
    monkeypatch.setenv("COSTLAB_TOKENIZER", "tiktoken")
    assert fast_encoding(name) is None
    assert (
        with_fast
        == text_module.text_tokens(text, name)
        == len(get_encoding(name).encode_ordinary(text))
    )


def test_an_encoding_it_lacks_falls_back() -> None:
    assert fast_encoding("o200k_harmony") is None
