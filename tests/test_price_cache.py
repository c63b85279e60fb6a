"""The compiled price book: the same book as the YAML gives, or no copy at all."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from costlab.prices import compiled, load_pricebook, loading
from costlab.prices.book import shipped_pricing_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, the copy enabled, and no book kept in memory between loads."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("COSTLAB_NO_PRICE_CACHE", raising=False)
    monkeypatch.setattr(loading, "_cache", {})
    return tmp_path / "costlab"


def fresh_load(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    loading._cache.clear()
    return load_pricebook(use_env=False)


def copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("curated-book-*.json")) if folder.is_dir() else []


def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any read of a price file's YAML: the book must come from the copy."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the YAML although a compiled copy is stored")

    monkeypatch.setattr(loading, "read_price_file", refuse)


def snapshot(book) -> tuple[list[str], list[tuple[str, str]], str]:  # type: ignore[no-untyped-def]
    # repr shows every field with its exact Decimal text (Decimal('1.60'), not 1.6)
    return [repr(m) for m in book], sorted(book.patches()), book.fingerprint


def test_a_cached_load_equals_a_fresh_load_field_by_field(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSTLAB_NO_PRICE_CACHE", "1")
    fresh = fresh_load(monkeypatch)
    assert copies(cache_home) == []
    monkeypatch.delenv("COSTLAB_NO_PRICE_CACHE")
    first = fresh_load(monkeypatch)  # builds from YAML, writes the copy
    assert len(copies(cache_home)) == 1
    no_yaml(monkeypatch)
    cached = fresh_load(monkeypatch)
    assert snapshot(cached) == snapshot(fresh) == snapshot(first)
    assert [m.prices for m in cached] == [m.prices for m in fresh]
    assert dict(cached._patches) == dict(fresh._patches)
    gpt = cached.resolve("gpt-4.1-mini-2025-04-14")
    assert str(gpt.prices[0].output) == "1.60"


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "not json at all",
        lambda text: "",
        lambda text: text.replace(f'"format": {compiled.FORMAT}', '"format": 99'),
        # a price inside a model's text, which the file holds escaped twice: the digest fails
        lambda text: text.replace('\\\\\\"0.40\\\\\\"', '\\\\\\"0.41\\\\\\"', 1),
        lambda text: json.dumps({"format": compiled.FORMAT, "key": "other", "value": "{}"}),
    ],
    ids=["truncated", "garbage", "empty", "format", "edited", "key"],
)
def test_a_damaged_copy_is_ignored_and_the_yaml_read(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, damage
) -> None:  # type: ignore[no-untyped-def]
    expected = snapshot(fresh_load(monkeypatch))
    [copy] = copies(cache_home)
    damaged = damage(copy.read_text())
    assert damaged != copy.read_text()  # the damage is real
    copy.write_text(damaged)
    copy.chmod(0o600)
    reads: list[Path] = []
    original = loading.read_price_file
    monkeypatch.setattr(
        loading, "read_price_file", lambda path, **kw: reads.append(path) or original(path, **kw)
    )
    assert snapshot(fresh_load(monkeypatch)) == expected
    assert reads  # the copy was refused, the YAML read


@pytest.mark.parametrize(
    ("old", "new"),
    [('{"d":"0.40"}', '{"d":"zero"}'), ('"c":"PriceEntry"', '"c":"Path"')],
    ids=["decimal", "class"],
)
def test_a_model_damaged_behind_a_valid_digest_is_one_clear_error(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    """Only a copy rewritten with its digest recomputed gets here; each model is rebuilt when
    first used, so the damage shows then, as one error naming the file and what to do."""
    from costlab.errors import CostlabError
    from costlab.frozen_json import digest

    fresh_load(monkeypatch)
    [copy] = copies(cache_home)
    envelope = json.loads(copy.read_text())
    value = json.loads(envelope["value"])
    models = value["m"]["models"]["m"]
    assert old in models["gpt-4.1-mini"]
    models["gpt-4.1-mini"] = models["gpt-4.1-mini"].replace(old, new, 1)
    envelope["value"] = json.dumps(value, separators=(",", ":"))
    envelope["digest"] = digest(envelope["value"])
    copy.write_text(json.dumps(envelope))
    no_yaml(monkeypatch)
    book = fresh_load(monkeypatch)
    assert book.resolve("gpt-4.1").id == "gpt-4.1"  # the others are intact
    with pytest.raises(CostlabError) as raised:
        book.resolve("gpt-4.1-mini")
    assert str(raised.value) == (
        f"{copy}: the compiled price book is damaged at gpt-4.1-mini; delete the file or set "
        "COSTLAB_NO_PRICE_CACHE=1"
    )


def test_a_run_builds_only_the_models_it_uses(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each model is rebuilt from the copy on first use: pricing one builds one; iterating the
    book builds them all, in the price files' order, equal to the YAML's."""
    monkeypatch.setenv("COSTLAB_NO_PRICE_CACHE", "1")
    from_yaml = fresh_load(monkeypatch)
    monkeypatch.delenv("COSTLAB_NO_PRICE_CACHE")
    fresh_load(monkeypatch)  # writes the copy
    no_yaml(monkeypatch)
    book = fresh_load(monkeypatch)
    assert isinstance(book.models, compiled.StoredModels)
    assert book.models.built() == []
    assert "gpt-4.1-mini-2025-04-14" in book and len(book) == len(from_yaml)  # names: no build
    assert book.resolve("gpt-4.1-mini-2025-04-14").id == "gpt-4.1-mini"
    assert book.models.built() == ["gpt-4.1-mini"]
    assert book.resolve("gpt-4.1-mini") is book.resolve("GPT-4.1-mini")  # built once
    again = pickle.loads(pickle.dumps(book))  # as Dask sends it to worker processes
    assert again.resolve("gpt-4.1") == from_yaml.resolve("gpt-4.1")
    assert [repr(m) for m in book] == [repr(m) for m in from_yaml]
    assert sorted(book.models.built()) == sorted(m.id for m in from_yaml)


def test_a_copy_others_can_write_is_not_trusted(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_load(monkeypatch)
    [copy] = copies(cache_home)
    copy.chmod(0o666)
    reads: list[Path] = []
    original = loading.read_price_file
    monkeypatch.setattr(
        loading, "read_price_file", lambda path, **kw: reads.append(path) or original(path, **kw)
    )
    fresh_load(monkeypatch)
    assert reads  # read from the YAML, not from a file anyone may have written


def test_an_unwritable_cache_folder_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # mkdir fails: NotADirectoryError
    monkeypatch.delenv("COSTLAB_NO_PRICE_CACHE", raising=False)
    monkeypatch.setattr(loading, "_cache", {})
    assert load_pricebook(use_env=False).resolve("gpt-4.1-mini").id == "gpt-4.1-mini"


def test_a_full_disk_is_no_error(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from costlab.prices import upstream

    def full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(upstream, "_write_atomically", full)
    assert len(list(fresh_load(monkeypatch))) > 10
    assert copies(cache_home) == []


def test_the_switch_turns_the_copy_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_load(monkeypatch)
    monkeypatch.setenv("COSTLAB_NO_PRICE_CACHE", "1")
    reads: list[Path] = []
    original = loading.read_price_file
    monkeypatch.setattr(
        loading, "read_price_file", lambda path, **kw: reads.append(path) or original(path, **kw)
    )
    fresh_load(monkeypatch)
    assert len(reads) == len(list(shipped_pricing_dir().glob("*.yaml")))


def test_user_price_files_are_never_compiled(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("provider: openai\nmodels:\n  - id: gpt-4.1-mini\n    context_window: 500000\n")
    book = load_pricebook(mine, use_env=False)
    assert book.resolve("gpt-4.1-mini").context_window == 500000
    [copy] = copies(cache_home)
    assert "mine.yaml" not in copy.read_text()
    mine.write_text("provider: openai\nmodels:\n  - id: gpt-4.1-mini\n    context_window: 600000\n")
    loading._cache.clear()
    assert load_pricebook(mine, use_env=False).resolve("gpt-4.1-mini").context_window == 600000


def test_the_key_follows_the_files_their_names_and_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = tmp_path / "a.yaml"
    a.write_text("provider: x\n")
    key = compiled.cache_key([a], ["a.yaml"])
    assert compiled.cache_key([a], ["a.yaml"]) == key
    assert compiled.cache_key([a], ["pricing/a.yaml"]) != key  # shown in source_file
    a.write_text("provider: y\n")
    assert compiled.cache_key([a], ["a.yaml"]) != key
    changed = compiled.cache_key([a], ["a.yaml"])
    code = tmp_path / "code.py"
    code.write_text("X = 1\n")
    monkeypatch.setattr(compiled, "source_files", lambda: [code])
    monkeypatch.setattr(compiled, "_PACKAGE", tmp_path)
    other = compiled.cache_key([a], ["a.yaml"])
    assert other != changed
    code.write_text("X = 2\n")
    assert compiled.cache_key([a], ["a.yaml"]) != other


def test_the_key_covers_every_module_that_builds_the_book(tmp_path: Path) -> None:
    # A module that shapes the book but is left out of the key would let a stale copy live.
    script = (
        "import sys\n"
        "from costlab.prices import load_pricebook\n"
        "load_pricebook(use_env=False)\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items()\n"
        "    if n.startswith('costlab') and getattr(m, '__file__', None)))\n"
    )
    env = {**os.environ, "COSTLAB_NO_PRICE_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("COSTLAB_PRICES", None)
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    ).stdout
    used = {Path(line).resolve() for line in out.split()}
    hashed = {p.resolve() for p in compiled.source_files()}
    assert used and used <= hashed, sorted(str(p) for p in used - hashed)


def test_the_key_is_a_sha256() -> None:
    import hashlib

    data = b"provider: openai\n" * 1000
    assert compiled._sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
