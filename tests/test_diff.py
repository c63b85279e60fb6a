"""``costlab diff`` over two folders and two files: model changes priced on both sides, new and
removed entries, the thresholds."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from costlab.diff import parse_threshold
from costlab.errors import CostlabError

CONFIG = """\
date = 2026-11-26
[[prompts]]
path = "prompts/*.txt"
model = "{model}"
calls_per_month = 1000000
"""


def project(root: Path, model: str, prompts: dict[str, str]) -> Path:
    (root / "prompts").mkdir(parents=True)
    (root / "costlab.toml").write_text(CONFIG.format(model=model))
    for name, text in prompts.items():
        (root / "prompts" / name).write_text(text)
    return root


def test_a_model_change_new_and_removed_entries(tmp_path: Path, cli, book) -> None:
    from costlab.tokens import count_text

    old = project(tmp_path / "old", "gpt-4.1-mini", {"a.txt": "Summarise.", "gone.txt": "Bye."})
    new = project(tmp_path / "new", "gpt-4.1", {"a.txt": "Summarise.", "b.txt": "Translate."})
    result = cli("diff", str(old), str(new), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    changes = {c["key"]: c for c in data["changes"]}
    assert {k: c["status"] for k, c in changes.items()} == {
        "prompts/a.txt": "model changed",
        "prompts/b.txt": "new",
        "prompts/gone.txt": "removed",
    }
    tokens = {t: count_text(t, model="gpt-4.1").input_tokens for t in ("Summarise.", "Bye.")}
    tokens["Translate."] = count_text("Translate.", model="gpt-4.1").input_tokens
    a = changes["prompts/a.txt"]
    assert a["model"] == "gpt-4.1-mini -> gpt-4.1"
    # priced on both sides: a million calls at $0.40 (mini) and $2.00 (4.1) per 1M input tokens
    assert Decimal(a["before"]["monthly_cost"]) == tokens["Summarise."] * Decimal("0.40")
    assert Decimal(a["after"]["monthly_cost"]) == tokens["Summarise."] * Decimal("2.00")
    removed = Decimal(changes["prompts/gone.txt"]["monthly_cost_delta"])
    assert removed == -tokens["Bye."] * Decimal("0.40")
    total = (
        tokens["Summarise."] * (Decimal("2.00") - Decimal("0.40"))
        + tokens["Translate."] * Decimal("2.00")
        - tokens["Bye."] * Decimal("0.40")
    )
    assert Decimal(data["monthly_cost_delta"]) == total
    table = cli("diff", str(old), str(new))
    assert "gpt-4.1-mini -> gpt-4.1  model changed" in table.out
    assert "prompts/gone.txt" in table.out and "removed" in table.out


def test_two_prompt_files(tmp_path: Path, cli) -> None:
    from costlab.tokens import count_text

    before, after = tmp_path / "v1.txt", tmp_path / "v2.txt"
    before.write_text("You are terse.")
    after.write_text("You are terse. Answer in French, and cite your sources.")
    result = cli(
        "diff",
        str(before),
        str(after),
        "--model",
        "gpt-4.1-nano",
        "--calls-per-month",
        "2,000,000",
        "--date",
        "2026-11-26",
        "--json",
    )
    assert result.code == 0, result.err
    [change] = json.loads(result.out)["changes"]
    grown = (
        count_text(after.read_text(), model="gpt-4.1-nano").input_tokens
        - count_text(before.read_text(), model="gpt-4.1-nano").input_tokens
    )
    # 2,000,000 calls x the extra tokens x $0.10 per 1M
    assert Decimal(change["monthly_cost_delta"]) == grown * 2 * Decimal("0.10")


def test_markdown_without_changes_and_a_new_configuration(tmp_path: Path, cli) -> None:
    same = project(tmp_path / "a", "gpt-4.1-mini", {"a.txt": "Hi."})
    result = cli("diff", str(same), str(same), "--markdown", "--fail-above", "0")
    assert result.code == 0
    assert "No prompt changed." in result.out and "**$0.00 a month**" in result.out
    bare = tmp_path / "bare"
    bare.mkdir()
    grown = cli("diff", str(bare), str(same), "--fail-above", "1000%")
    assert grown.code == 1  # from nothing: any increase is above any percentage
    assert "new" in grown.out


def test_thresholds() -> None:
    assert parse_threshold("$1,000").amount == Decimal(1000)
    with pytest.raises(CostlabError):
        parse_threshold("ten")
    with pytest.raises(CostlabError):
        parse_threshold("-5%")


SCENARIO = """\
name: bot
start: 2027-01
months: 2
workloads:
  - {{name: triage, model: gpt-4.1-mini, requests_per_month: 1000000, input_tokens: {tokens}}}
"""


def test_check_max_increase_against_a_revision(tmp_path: Path, cli, monkeypatch) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    monkeypatch.setenv("GIT_AUTHOR_NAME", "t")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "t@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "t")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "t@example.com")
    scenario = tmp_path / "bot.yaml"
    scenario.write_text(SCENARIO.format(tokens=1000))
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "bot")
    scenario.write_text(SCENARIO.format(tokens=1080))
    # 1,000,000 requests a month x 1,000 -> 1,080 tokens at $0.40/1M: $400 -> $432, +8%
    within = cli("check", str(scenario), "--max-increase", "8%", "--against", "HEAD")
    assert within.code == 0, within.err
    assert within.out.startswith("bot: $400.00 -> $432.00 a month on average against HEAD (")
    assert within.out.endswith(") (+$32.00, +8.0%)\n")
    over = cli("check", str(scenario), "--max-increase", "31.99")  # default: merge-base with main
    assert over.code == 1
    assert over.out.endswith("(+$32.00, +8.0%): above --max-increase $31.99/month\n")
    unknown = cli("check", str(scenario), "--max-increase", "1%", "--against", "nope")
    assert unknown.code == 2 and unknown.err == "costlab: error: 'nope': unknown revision\n"


def _entry(key: str, model: str, cost: Decimal, calls: int) -> object:
    from costlab.inventory import Entry

    return Entry(
        key=key,
        name=key,
        path=key,
        kind="text",
        model=model,
        provider="openai",
        input_tokens=Decimal(10),
        exact=True,
        output_tokens=Decimal(0),
        calls_per_month=Decimal(calls),
        cost_per_call=cost,
        monthly_cost=cost * calls,
    )


def test_the_total_change_is_the_sum_of_the_entry_changes() -> None:
    """Whatever matches, moves or disappears, no dollar is lost or counted twice."""
    from datetime import date

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from costlab.diff import diff_inventories
    from costlab.inventory import Inventory

    side = st.dictionaries(
        st.tuples(st.sampled_from("abcd"), st.sampled_from(["gpt-4.1-mini", "gpt-4.1"])),
        st.tuples(
            st.decimals(min_value=0, max_value=1, places=7),
            st.integers(min_value=0, max_value=10**6),
        ),
        max_size=6,
    )

    @settings(max_examples=200, deadline=None)
    @given(side, side)
    def check(before: dict, after: dict) -> None:
        def inventory(entries: dict) -> Inventory:
            items = tuple(_entry(k, m, c, n) for (k, m), (c, n) in entries.items())
            return Inventory("x", "costlab.toml", date(2026, 11, 26), items)  # type: ignore[arg-type]

        diff = diff_inventories(inventory(before), inventory(after))
        assert sum((c.monthly_delta for c in diff.changes), Decimal(0)) == diff.monthly_delta
        assert len([c for c in diff.changes if c.before]) == len(before)
        assert len([c for c in diff.changes if c.after]) == len(after)

    check()
