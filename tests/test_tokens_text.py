"""Plain text: tiktoken's count at any size, chunked and parallel without changing it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costlab.tokens import count_text, get_encoding, text_tokens
from costlab.tokens import text as text_module
from costlab.tokens.text import (
    CHUNK_CHARS,
    LONG_WHITESPACE_RUN,
    chunks,
    count_by_pieces,
    safe_cuts,
    texts_tokens,
)

ENCODINGS = ("o200k_base", "cl100k_base")

# Fragments chosen to stress tiktoken's split patterns: whitespace of every kind (CRLF, NEL,
# ideographic space, the \x1c separator Python calls whitespace but Unicode does not), letters
# of each case class, marks, digits, punctuation with the newline and "/" suffixes, contractions,
# CJK, emoji, a special-token string and a lone surrogate.
FRAGMENTS = [
    "a",
    "Z",
    "hello",
    "World",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\x0b",
    "\x85",
    "\u3000",
    "\u00a0",
    "\x1c",
    "1",
    "2024",
    "!",
    ".",
    "/",
    "//",
    "'s",
    "'LL",
    "'",
    "é",
    "\u0301",
    "ǅ",
    "中文",
    "😀",
    "<|endoftext|>",
    "\ud800",
    "x\n",
    "\nA",
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join)


@pytest.mark.parametrize("encoding", ENCODINGS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, every=st.integers(min_value=1, max_value=12))
def test_chunks_count_like_the_whole_text(encoding: str, text: str, every: int) -> None:
    enc = get_encoding(encoding)
    whole = len(enc.encode_ordinary(text))
    assert sum(len(enc.encode_ordinary(c)) for c in chunks(text, every)) == whole
    assert "".join(chunks(text, every)) == text


@pytest.mark.parametrize("encoding", ENCODINGS)
@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_piece_path_counts_like_tiktoken(encoding: str, text: str) -> None:
    enc = get_encoding(encoding)
    assert count_by_pieces(enc, text) == len(enc.encode_ordinary(text))


@pytest.mark.parametrize("parallel", [True, False])
@settings(max_examples=200, deadline=None)
@given(many=st.lists(texts, max_size=12))
def test_many_texts_count_like_each_alone(parallel: bool, many: list[str]) -> None:
    enc = get_encoding("o200k_base")
    expected = [len(enc.encode_ordinary(t)) for t in many]
    assert texts_tokens(many, parallel=parallel) == expected


def test_many_texts_on_all_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTLAB_THREADS", "3")
    many = [f"Request {i}: " + "lorem ipsum dolor " * (i % 97) for i in range(20_000)]
    assert sum(len(t) for t in many) > text_module.PARALLEL_CHARS
    enc = get_encoding("o200k_base")
    assert texts_tokens(many) == [len(enc.encode_ordinary(t)) for t in many]


def test_cuts_only_after_a_newline_before_an_ascii_letter() -> None:
    text = "one\ntwo\n3\n\nfour\r\nFive"
    assert [text[c - 1 : c + 1] for c in safe_cuts(text, 1)] == ["\nt", "\nf", "\nF"]


def test_fixed_strings() -> None:
    assert count_text("tiktoken is great!", model="gpt-4o").input_tokens == 6
    assert count_text("tiktoken is great!", model="gpt-3.5-turbo").encoding == "cl100k_base"
    assert count_text("", model="gpt-4o").input_tokens == 0


def test_special_token_strings_count_as_text_unless_allowed() -> None:
    # "<|endoftext|>" as ordinary text: <, |, end, of, text, |, > in o200k_base.
    assert text_tokens("<|endoftext|>") == len(
        get_encoding("o200k_base").encode_ordinary("<|endoftext|>")
    )
    assert text_tokens("<|endoftext|>") > 1
    assert text_tokens("a<|endoftext|>b", allow_special=True) == 3
    assert count_text("x<|endofprompt|>", model="gpt-4o", allow_special=True).input_tokens == 2


def test_a_million_tokens_in_parallel_chunks() -> None:
    enc = get_encoding("o200k_base")
    line = "Token counts must add up, 1234 times over: naïve café, 数据.\n"
    text = line * 70_000
    assert len(text) > 4 * CHUNK_CHARS
    expected = len(enc.encode_ordinary(text))
    assert expected > 1_000_000
    seen: list[tuple[int, int]] = []
    assert text_tokens(text, progress=lambda done, total: seen.append((done, total))) == expected
    assert seen[-1] == (len(text), len(text))


def test_one_thread_counts_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Alpha beta.\nGamma delta.\n" * 30_000
    expected = text_tokens(text)
    monkeypatch.setenv("COSTLAB_THREADS", "1")
    assert text_module.workers() == 1
    assert text_tokens(text) == expected


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("run", [" ", "\t", " \n", "\r\n", "\u3000"])
def test_long_whitespace_runs_take_the_piece_path_and_agree(encoding: str, run: str) -> None:
    # Twice the threshold is still well within what tiktoken's own regex engine handles, so
    # tiktoken is the reference; the run sits between words so every pattern branch is used.
    text = "Before it.\n" + run * (2 * LONG_WHITESPACE_RUN // len(run)) + "after, it.\nEnd"
    assert text_module._has_long_run(text)
    expected = len(get_encoding(encoding).encode_ordinary(text))
    assert text_tokens(text, encoding) == expected


def test_runs_too_long_for_tiktokens_regex_engine_still_count() -> None:
    # tiktoken 0.14 panics (StackOverflow) on about 1,000,000 spaces followed by a letter.
    enc = get_encoding("o200k_base")
    n = 1_200_000
    # Pieces: n - 1 spaces (\s+(?!\S)), then " x"; the spaces are byte-pair-encoded as one piece.
    expected = len(enc._encode_single_piece(" " * (n - 1))) + len(enc.encode_ordinary(" x"))
    assert text_tokens(" " * n + "x") == expected


def test_count_for_models_shares_one_encode_and_matches_each_count() -> None:
    from costlab.tokens import Input, count_for_models, count_input

    text = "Summarise the attached ticket in two sentences. " * 200
    models = ["gpt-4.1-mini", "gpt-4o", "gpt-3.5-turbo", "claude-haiku-4-5", "gemini-2.5-flash"]
    source = Input("pasted", text.encode(), "")
    together = count_for_models(source, models)
    alone = [count_input(source, model=m) for m in models]
    assert [(c.model, c.input_tokens, c.exact) for c in together] == [
        (c.model, c.input_tokens, c.exact) for c in alone
    ]
    assert [c.exact for c in together] == [True, True, True, False, False]


def test_count_for_models_counts_a_body_per_model() -> None:
    import json

    from costlab.tokens import Input, count_for_models

    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello there"}]}
    counts = count_for_models(
        Input("body.json", json.dumps(body).encode(), ".json"), ["gpt-4o", "gpt-3.5-turbo"]
    )
    assert [c.kind for c in counts] == ["chat", "chat"]
    assert [c.model for c in counts] == ["gpt-4o", "gpt-3.5-turbo"]
