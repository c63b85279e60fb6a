"""A project's prompt inventory: ``[tool.costlab]`` / ``costlab.toml``, templates, globs,
scenario workloads, and ``costlab inventory``."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from costlab.errors import CostlabError
from costlab.gitfiles import FolderTree
from costlab.inventory import load_inventory
from costlab.templates import fill_template
from costlab.tokens import count_text

DAY = "2026-11-26"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_a_template_counts_its_fixed_part_exactly_and_placeholders_at_their_size(
    tmp_path: Path, book
) -> None:
    template = "Answer using the context.\nContext: {{ context }}\nQuestion: {user_question}\n"
    write(
        tmp_path,
        {
            "prompts/qa.txt": template,
            "pyproject.toml": f"""\
                [project]
                name = "demo"

                [tool.costlab]
                date = {DAY}

                [[tool.costlab.prompts]]
                path = "prompts/*.txt"
                model = "gpt-4.1-mini"
                calls_per_month = 10000
                output_tokens = 300
                placeholders = {{user_question = 120, context = 2000}}
                placeholder_unit = "characters"
                """,
        },
    )
    inventory = load_inventory(FolderTree(tmp_path), book=book)
    [entry] = inventory.entries
    fixed = count_text(
        "Answer using the context.\nContext: \nQuestion: \n", model="gpt-4.1-mini"
    ).input_tokens
    # 2,000 + 120 characters at 4 characters a token = 500 + 30 tokens
    assert entry.input_tokens == fixed + 500 + 30
    assert entry.exact is False
    # per call: (fixed + 530) x $0.40/1M + 300 x $1.60/1M; a month is 10,000 calls
    per_call = (Decimal(fixed + 530) * Decimal("0.40") + 300 * Decimal("1.60")) / 10**6
    assert entry.cost_per_call == per_call
    assert entry.monthly_cost == per_call * 10_000 == inventory.monthly_cost


def test_placeholders_in_a_request_body_and_an_undeclared_one(book) -> None:
    fixed, added, found = fill_template(
        "Hi {name}, {{ item | upper }}{% if x %}!{% endif %}",
        {
            "name": Decimal(2),
            "item": Decimal(5),
        },
    )
    assert (fixed, added, found) == ("Hi , !", Decimal(7), ["name", "item"])
    assert fill_template('JSON {"a": 1} and {{', {})[0] == 'JSON {"a": 1} and {{'
    with pytest.raises(CostlabError, match="placeholder 'who' has no typical size"):
        fill_template("Hello {who}", {})


def test_a_body_template_and_feeds_a_scenario_workload(tmp_path: Path, book, cli) -> None:
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You are a support agent."},
            {"role": "user", "content": "{question}"},
        ],
        "max_tokens": 200,
    }
    write(
        tmp_path,
        {
            "prompts/support.json": json.dumps(body),
            "support.yaml": """\
                name: s
                start: 2027-01
                months: 2
                workloads:
                  - {name: triage, model: gpt-4o, requests_per_day: 1000, input_tokens: 50}
                """,
            "costlab.toml": f"""\
                date = {DAY}
                [[prompts]]
                path = "prompts/support.json"
                feeds = "support.yaml:triage"
                placeholders = {{question = 40}}

                [[scenarios]]
                path = "*.yaml"
                """,
        },
    )
    inventory = load_inventory(FolderTree(tmp_path), book=book)
    prompt, workload = inventory.entries
    empty = dict(body, messages=[body["messages"][0], {"role": "user", "content": ""}])
    from costlab.tokens import count_chat

    assert prompt.input_tokens == count_chat(empty, model="gpt-4o").input_tokens + 40
    # feeds: the workload's first month, 1,000 a day x 31 days of January
    assert prompt.calls_per_month == 31_000
    # output defaults to the body's max_tokens (the one rule: default_output_tokens)
    assert prompt.output_tokens == 200
    assert workload.key == "support.yaml#triage" and workload.kind == "scenario"
    # 31,000 requests x 50 tokens at $2.50/1M
    assert workload.monthly_cost == Decimal(31_000 * 50) * Decimal("2.50") / 10**6
    result = cli("inventory", str(tmp_path))
    assert result.code == 0, result.err
    assert "support.yaml#triage" in result.out and "31,000" in result.out
    data = json.loads(cli("inventory", str(tmp_path), "--json").out)
    assert Decimal(data["monthly_cost"]) == inventory.monthly_cost


def test_no_configuration_is_one_error_line(tmp_path: Path, cli) -> None:
    result = cli("inventory", str(tmp_path))
    assert result.code == 2 and result.err.count("\n") == 1
    assert "no prompt inventory: add [tool.costlab] to pyproject.toml" in result.err
    write(tmp_path, {"costlab.toml": "[[prompts]]\npath = 'x.txt'\nmodle = 'gpt-4o'\n"})
    result = cli("inventory", str(tmp_path))
    assert result.code == 2
    assert result.err.endswith("costlab.toml: prompts[0]: unknown key(s): modle\n")


def test_a_scenario_with_a_sample_is_measured_from_the_folder(tmp_path: Path, book) -> None:
    write(
        tmp_path,
        {
            "scenarios/sample.txt": "Summarise this ticket.",
            "scenarios/s.yaml": """\
                name: s
                start: 2027-01
                months: 1
                workloads:
                  - {name: w, model: gpt-4.1-mini, requests_per_month: 1000, sample: sample.txt}
                """,
            "costlab.toml": '[[scenarios]]\npath = "scenarios/*.yaml"\n',
        },
    )
    [entry] = load_inventory(FolderTree(tmp_path), book=book).entries
    tokens = count_text("Summarise this ticket.", model="gpt-4.1-mini").input_tokens
    assert entry.input_tokens == tokens and entry.calls_per_month == 1000
    # 1,000 requests x the sample's tokens at $0.40 per 1M
    assert entry.monthly_cost == tokens * 1000 * Decimal("0.40") / 10**6


def test_a_batch_file_per_request_or_per_run(tmp_path: Path, book) -> None:
    from conftest import DATA

    from costlab.counted_cost import price_count
    from costlab.money import MONEY
    from costlab.tokens import count_path

    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "nightly.jsonl").write_bytes((DATA / "example_batch.jsonl").read_bytes())
    write(
        tmp_path,
        {
            "costlab.toml": f"""\
                date = {DAY}
                [[prompts]]
                path = "jobs/nightly.jsonl"
                runs_per_month = 30
                output_tokens = 120
                """
        },
    )
    [entry] = load_inventory(FolderTree(tmp_path), book=book).entries
    count = count_path(DATA / "example_batch.jsonl")
    whole = price_count(count, book.resolve(count.model), output_tokens=120)
    # per call = per request (the file's cost over its 3 requests); a month is 30 runs of 3
    assert entry.kind == "batch" and entry.calls_per_month == 30 * 3
    assert entry.cost_per_call == MONEY.divide(whole.total_cost, Decimal(3))
    assert entry.monthly_cost == whole.total_cost * 30  # exact: 30 runs of the whole file
    assert entry.input_tokens == Decimal(count.input_tokens) / 3


def test_a_prompt_file_over_the_input_limit_is_refused_before_it_is_read(
    tmp_path: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The working tree's files were read whole (a 1 GB file a glob matched took 1.1 GB of
    memory), and a revision's through `git show` whatever its size; both are held to
    COSTLAB_MAX_INPUT_BYTES, as every other input is."""
    import subprocess

    from costlab import limits

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "t")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "t@example.com")
    write(
        tmp_path,
        {
            "costlab.toml": "[[prompts]]\npath = 'prompts/*.txt'\nmodel = 'gpt-4o'\n"
            "calls_per_month = 1000\n",
            "prompts/a.txt": "hello\n",
            "prompts/big.txt": "word " * 2000,
        },
    )
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "prompts")
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 5000)
    folder = cli("inventory", str(tmp_path))
    assert folder.code == 2 and folder.err.count("\n") == 1, folder.err
    assert "prompts/big.txt: the file's size (10,000 bytes) is above the limit of 5,000" in (
        folder.err
    )
    monkeypatch.chdir(tmp_path)
    revision = cli("inventory", "--rev", "HEAD")
    assert revision.code == 2 and revision.err.count("\n") == 1, revision.err
    assert "prompts/big.txt: the file's size (10,000 bytes) is above the limit of 5,000" in (
        revision.err
    )
