"""A kept copy of a validated scenario: the same scenario as validating gives, or no copy at all."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from costlab import validated_copy
from costlab.errors import CostlabError
from costlab.frozen_json import digest
from costlab.scenario import Scenario, load_scenario
from costlab.validation import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("COSTLAB_NO_CACHE", raising=False)
    return tmp_path / "costlab"


def kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("scenario-*.json")) if folder.is_dir() else []


def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated although a kept copy matches")

    monkeypatch.setattr(validated_copy, "build", refuse)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_kept_copy_equals_a_fresh_validation_field_by_field(
    path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_scenario(path)
    assert kept(cache_home) == []  # only asked for: the library default keeps nothing
    assert load_scenario(path, keep=True) == fresh
    assert len(kept(cache_home)) == 1
    no_validation(monkeypatch)
    again = load_scenario(path, keep=True)
    assert repr(again) == repr(fresh)  # exact Decimal text, tuples, dates and all


def test_a_second_cli_run_imports_neither_pydantic_nor_yaml(cache_home: Path) -> None:
    code = (
        "import sys; from costlab.scenario import load_scenario; "
        f"load_scenario({str(ROOT / 'examples' / 'support-bot.yaml')!r}, keep=True); "
        "print('pydantic' in sys.modules, 'yaml' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["True True", "False False"], [
        r.stderr for r in runs
    ]


def test_a_kept_scenario_whose_model_left_the_book_is_read_again_for_its_line(
    cache_home: Path, tmp_path: Path
) -> None:
    from costlab.prices import load_pricebook

    prices = tmp_path / "mine.yaml"
    prices.write_text(
        "provider: acme\nmodels:\n  - id: acme-small\n    name: Acme small\n"
        "    context_window: 100000\n    max_output_tokens: 8000\n"
        "    input_modalities: [text]\n    output_modalities: [text]\n    price:\n"
        "      - {effective_from: 2024-01-01, source: https://acme.example/p, input: 1.00,"
        " output: 2.00}\n",
        encoding="utf-8",
    )
    text = (ROOT / "examples" / "support-bot.yaml").read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(re.sub(r"model: \S+", "model: acme-small", text), encoding="utf-8")
    with_it = load_pricebook(prices)
    assert {w.model for w in load_scenario(path, book=with_it, keep=True).workloads} == {
        "acme-small"
    }
    assert len(kept(cache_home)) == 1
    with pytest.raises(CostlabError, match=r"acme-small.*\(line \d+\)"):
        load_scenario(path, keep=True)  # the kept copy is valid, but the book has no such model


def test_a_refusal_is_never_kept_and_keeps_its_line(cache_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (ROOT / "examples" / "support-bot.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("months: 12", "months: 121"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(CostlabError, match=r"months: must be <= 120 \(line \d+\)"):
            load_scenario(bad, keep=True)
    assert kept(cache_home) == []


def test_a_changed_file_is_a_new_key(cache_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = (ROOT / "examples" / "support-bot.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load_scenario(path, keep=True)
    path.write_text(text.replace("months: 12", "months: 13"), encoding="utf-8")
    second = load_scenario(path, keep=True)
    assert (first.months, second.months) == (12, 13)
    assert len(kept(cache_home)) == 2


def test_the_key_follows_the_data_the_declarations_and_pydantic() -> None:
    classes = validated_copy.reachable(Scenario)
    assert {"Scenario", "Workload", "Range", "Routing", "OneOff"} <= set(classes)
    files = {p.name for p in validated_copy._code_files(tuple(classes.values()))}
    assert {"scenario.py", "ranges.py", "routing.py", "one_off.py", "validation.py"} <= files
    assert {"pydantic_types.py", "validated_copy.py", "version.py"} <= files
    a = validated_copy.cache_key(Scenario, {"name": "a"}, classes)
    assert a == validated_copy.cache_key(Scenario, {"name": "a"}, classes)
    assert a != validated_copy.cache_key(Scenario, {"name": "b"}, classes)
    assert len(a or "") == 64


@pytest.mark.parametrize(
    "damage",
    [b"", b"{", b'{"format": 1}', b"[1, 2]", b'{"format":1,"key":"x","value":{"c":"Nope","f":{}}}'],
)
def test_a_damaged_copy_is_ignored(cache_home: Path, damage: bytes) -> None:
    path = ROOT / "examples" / "support-bot.yaml"
    fresh = load_scenario(path, keep=True)
    (copy,) = kept(cache_home)
    copy.write_bytes(damage)
    assert load_scenario(path, keep=True) == fresh


def test_a_copy_others_can_write_is_not_trusted(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ROOT / "examples" / "support-bot.yaml"
    load_scenario(path, keep=True)
    (copy,) = kept(cache_home)
    raw = json.loads(copy.read_text(encoding="utf-8"))
    value = json.loads(raw["value"])
    value["f"]["name"] = "planted"
    raw["value"] = json.dumps(value)
    raw["digest"] = digest(raw["value"])  # a consistent copy: only its owner can write one
    copy.write_text(json.dumps(raw), encoding="utf-8")
    assert load_scenario(path, keep=True).name == "planted"  # the copy is read when trusted...
    os.chmod(copy, 0o666)
    assert load_scenario(path, keep=True).name != "planted"  # ...and not when others can write


def test_a_full_disk_or_the_switch_keeps_nothing(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(validated_copy, "write_atomically", full)
    path = ROOT / "examples" / "support-bot.yaml"
    assert load_scenario(path, keep=True).months == 12
    assert kept(cache_home) == []
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home.parent))
    monkeypatch.setenv("COSTLAB_NO_CACHE", "1")
    assert load_scenario(path, keep=True).months == 12
    assert kept(cache_home) == []


def test_only_the_newest_copies_are_kept(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(validated_copy, "KEEP", 3)
    text = (ROOT / "examples" / "support-bot.yaml").read_text(encoding="utf-8")
    for months in range(1, 7):
        path = tmp_path / f"s{months}.yaml"
        path.write_text(text.replace("months: 12", f"months: {months}"), encoding="utf-8")
        load_scenario(path, keep=True)
    assert len(kept(cache_home)) == 3


def test_data_without_canonical_json_is_validated_every_time(cache_home: Path) -> None:
    data = {"name": "x", "start": "2027-01", "months": 1, "workloads": [], "odd": object()}
    with pytest.raises(CostlabError, match="unknown field"):
        validated_copy.build_kept(Scenario, data, kind="scenario")
    assert kept(cache_home) == []
    with pytest.raises(CostlabError):
        build(Scenario, data)


def test_a_copy_changed_after_it_was_written_is_not_read(cache_home: Path) -> None:
    """An edit that leaves the stored digest behind (a red team set requests_per_day to
    -20000 and got a total of -$7,392.93, or a string and got a traceback)."""
    path = ROOT / "examples" / "support-bot.yaml"
    fresh = load_scenario(path, keep=True)
    (copy,) = kept(cache_home)
    for planted in ({"d": "-20000"}, {"d": "NaN"}, "abc"):
        raw = json.loads(copy.read_text(encoding="utf-8"))
        value = json.loads(raw["value"])
        value["f"]["workloads"][0]["f"]["requests_per_day"] = planted
        raw["value"] = json.dumps(value)
        copy.write_text(json.dumps(raw), encoding="utf-8")
        assert load_scenario(path, keep=True) == fresh
        copy.write_text(json.dumps({**raw, "digest": "0" * 64}), encoding="utf-8")


def test_text_that_looks_like_a_tagged_number_is_its_own_key(tmp_path: Path, cli) -> None:
    """The key once wrote 0.10 as the text "d:0.10": a file with that text then read the
    valid file's copy and was forecast instead of refused."""
    text = (ROOT / "examples" / "support-bot.yaml").read_text(encoding="utf-8")
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(text, encoding="utf-8")
    bad.write_text(re.sub(r"growth: 0.10.*", 'growth: "d:0.10"', text), encoding="utf-8")
    assert cli("forecast", str(good)).code == 0
    for _ in range(2):
        result = cli("forecast", str(bad))
        assert result.code == 2 and "growth: must be a number" in result.err, result.err


@pytest.mark.parametrize("kind", ["fifo", "big", "symlink"])
def test_a_copy_that_is_no_plain_small_file_is_not_read(tmp_path: Path, kind: str) -> None:
    """A FIFO in the copy's place hung every run; a 3 GB file took 15 s and 3.9 GB."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "COSTLAB_NO_CACHE": ""}
    scenario = str(ROOT / "examples" / "support-bot.yaml")
    run = [sys.executable, "-m", "costlab.cli", "forecast", scenario]
    assert subprocess.run(run, env=env, capture_output=True, timeout=120).returncode == 0
    folder = tmp_path / "costlab"
    for copy in [*folder.glob("scenario-*.json"), *folder.glob("curated-book-*.json")]:
        copy.unlink()
        if kind == "fifo":
            os.mkfifo(copy, 0o600)
        elif kind == "big":
            with open(copy, "wb") as handle:
                handle.truncate(65 * 1024 * 1024)  # sparse: over the 64 MiB cap
            os.chmod(copy, 0o600)
        else:
            copy.symlink_to("/dev/stdin")
    done = subprocess.run(run, env=env, capture_output=True, timeout=60, stdin=subprocess.PIPE)
    assert done.returncode == 0, done.stderr
