"""The faster tokenizer (splintr, ``costlab[fast]``) is used only where it gives tiktoken's ids.

A differential test: every text of an adversarial corpus encodes to the same ids (not only the
same count) under both, and costlab's counts are the same with the accelerator on and off.
Skipped, saying why, where splintr is not installed.
"""

from __future__ import annotations

import random

import pytest

from costlab.tokens import encodings
from costlab.tokens import text as text_module
from costlab.tokens.encodings import fast_encoding, get_encoding

splintr = pytest.importorskip("splintr", reason="costlab[fast] (splintr) not installed")

ENCODINGS = ["o200k_base", "cl100k_base"]


@pytest.fixture(autouse=True)
def _not_turned_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("COSTLAB_TOKENIZER", raising=False)


def _corpus() -> dict[str, str]:
    rng = random.Random(5)
    pieces = ["the ", "Ü", "ß", "  ", "\n", "123", "4567", "'s", "'LL", "世", "\r\n", "\u00a0"]
    pieces += ["!!", "...", "x", "\t", "🙂", "👨‍👩‍👧", "<|endoftext|>", "ﬁ", "İ", "\u200d"]
    return {
        "whitespace runs": "a" + " " * 5_000 + "b\n" + "\t\n " * 3_000 + "x" + "\n" * 4_000,
        "a 300,000-space run": " " * 300_000 + "x",
        "a 200,000-letter word": "a" * 200_000,
        "cjk": "日本語のテキストと中文文本，한국어 텍스트。" * 500,
        "special-token text": "<|endoftext|> hi <|fim_prefix|><|endofprompt|><|im_start|>" * 50,
        "emoji": "🙂👍🏽👨‍👩‍👧‍👦 " * 1000,
        "code": "def f(x):\r\n\treturn x ** 2  # done\n" * 500,
        "contractions": "I'LL they've it's WE'RE don't " * 500,
        "numbers": "3.14159 1,000,000 0x1F 12345678901234567890 " * 300,
        "random mix": "".join(rng.choice(pieces) for _ in range(20_000)),
    }


@pytest.mark.parametrize("name", ENCODINGS)
def test_same_ids_as_tiktoken_on_an_adversarial_corpus(name: str) -> None:
    fast = fast_encoding(name)
    assert fast is not None, "splintr is installed but failed its probe against tiktoken"
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
    )  # a 300,000-digit run, which tiktoken's regex engine cannot take whole
    text += (
        "\n" + "x\ud800y " * 1000
    )  # lone surrogates: splintr refuses the chunk, tiktoken counts it
    monkeypatch.setattr(encodings, "FAST_MIN_CHARS", 0)
    monkeypatch.setattr(text_module, "FAST_MIN_CHARS", 0)
    real = fast_encoding(name)
    counted: list[int] = []

    class Spy:  # the chunks splintr was given (it is on by default when installed)
        def encode_ordinary(self, chunk: str) -> list[int]:
            counted.append(len(chunk))
            return list(real.encode_ordinary(chunk))

    monkeypatch.setitem(encodings._fast, name, Spy())
    with_fast = text_module.text_tokens(text, name)
    assert sum(counted) > 2**20
    monkeypatch.setenv("COSTLAB_TOKENIZER", "tiktoken")
    assert fast_encoding(name) is None
    assert (
        with_fast
        == text_module.text_tokens(text, name)
        == len(get_encoding(name).encode_ordinary(text))
    )


def test_an_encoding_it_lacks_falls_back() -> None:
    assert fast_encoding("o200k_harmony") is None
