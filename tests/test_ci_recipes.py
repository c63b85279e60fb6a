"""The CI recipes in examples/ci/ run end to end against a temporary git repository.

A pull request's commit lengthens the support bot's system prompt and adds a tool. The
GitHub Actions workflow's own ``run:`` scripts are executed (with ``gh`` replaced by a stand-in
that records the comment), the pre-commit hook is installed and fires on ``git commit``, and
the per-call tokens the diff reports are checked against ``costlab count`` on each side.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "examples" / "ci"

PYPROJECT = """\
[project]
name = "support-bot"

[tool.costlab]
date = 2026-11-26

[[tool.costlab.prompts]]
path = "prompts/support.json"
calls_per_month = 600000
output_tokens = 150
"""

BEFORE = {
    "model": "gpt-4.1-mini",
    "messages": [
        {"role": "system", "content": "You are a support agent for Acme."},
        {"role": "user", "content": "Where is my order?"},
    ],
}
AFTER = {
    "model": "gpt-4.1-mini",
    "messages": [
        {
            "role": "system",
            "content": "You are a support agent for Acme. Be concise and friendly, cite the "
            "order number, and never promise a refund.",
        },
        {"role": "user", "content": "Where is my order?"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "get_order",
                "description": "Look up an order",
                "parameters": {
                    "type": "object",
                    "properties": {"order_id": {"type": "string"}},
                    "required": ["order_id"],
                },
            },
        }
    ],
}


def environment(tmp_path: Path) -> dict[str, str]:
    """The installed ``costlab`` script (importing this checkout), git without a user config,
    and a stand-in ``gh`` first on PATH."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    gh = fake / "gh"
    # `gh pr comment --edit-last` fails when there is no comment yet, as the real one does.
    gh.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            log={tmp_path}/gh.log
            case " $* " in *" --edit-last "*) [ -f "$log" ] || exit 1;; esac
            echo "$*" >> "$log"
            for a in "$@"; do [ -f "$a" ] && cp "$a" {tmp_path}/comment.md; done
            exit 0
            """
        )
    )
    gh.chmod(0o755)
    return {
        **os.environ,
        "PATH": os.pathsep.join([str(fake), str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PYTHONPATH": str(ROOT),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(tmp_path),
        "COSTLAB_PRICES": "",
    }


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """``origin`` with one commit on main; a clone whose branch ``feature`` changes the prompt."""
    env = environment(tmp_path)
    upstream = tmp_path / "upstream"
    (upstream / "prompts").mkdir(parents=True)
    (upstream / "pyproject.toml").write_text(PYPROJECT)
    (upstream / "prompts" / "support.json").write_text(json.dumps(BEFORE, indent=2))
    for command in ("git init -q -b main", "git add -A", "git commit -q -m 'support bot'"):
        assert sh(command, upstream, env).returncode == 0
    work = tmp_path / "work"
    assert sh(f"git clone -q {upstream} {work}", tmp_path, env).returncode == 0
    (work / "prompts" / "support.json").write_text(json.dumps(AFTER, indent=2))
    for command in ("git checkout -q -b feature", "git commit -q -am 'longer prompt, a tool'"):
        assert sh(command, work, env).returncode == 0
    return work, env


def counted(work: Path, env: dict[str, str], rev: str) -> int:
    """``costlab count`` on the prompt file as it is at ``rev``."""
    text = sh(f"git show {rev}:prompts/support.json", work, env).stdout
    path = work.parent / f"support-{rev.replace('/', '-')}.json"
    path.write_text(text)
    result = sh(f"costlab count {path} --json", work, env)
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["input_tokens"])


def workflow_steps() -> dict[str, dict[str, str]]:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text())
    [job] = workflow["jobs"].values()
    return {s["name"]: s for s in job["steps"] if "name" in s}


def run_workflow(work: Path, env: dict[str, str], fail_above: str) -> tuple[int, str]:
    """The workflow's run: steps, in order, as GitHub would run them (bash -e), with its
    expressions filled in; returns the last step's exit code and the cost step's output."""
    steps = workflow_steps()
    output = work.parent / "github-output"
    output.write_text("")
    env = {
        **env,
        "FAIL_ABOVE": fail_above,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(work.parent / "summary.md"),
        "GH_TOKEN": "token",
    }
    values = {"github.base_ref": "main", "github.event.pull_request.number": "7"}
    codes = []
    for name in ("Prompt cost of this pull request", "Comment on the pull request"):
        script = steps[name]["run"]
        for key, value in values.items():
            script = script.replace("${{ " + key + " }}", value)
        assert "${{" not in script, script
        result = sh(script, work, env)
        assert result.returncode == 0, result.stderr
        codes.append(result.returncode)
    status = dict(line.split("=", 1) for line in output.read_text().split())["status"]
    last = steps["Fail above the limit"]
    assert last["if"] == "steps.cost.outputs.status != '0'"
    final = 0
    if status != "0":
        final = sh(last["run"].replace("${{ steps.cost.outputs.status }}", status), work, env)
        return final.returncode, (work / "prompt-cost.md").read_text()
    return final, (work / "prompt-cost.md").read_text()


def test_the_workflow_comments_the_hand_checked_delta_and_gates_on_it(repo) -> None:
    work, env = repo
    before, after = counted(work, env, "origin/main"), counted(work, env, "HEAD")
    # The longer system prompt and the tool's schema, as `costlab count` counts each side:
    assert (before, after) == (25, 77)
    base = sh("git merge-base origin/main HEAD", work, env).stdout.strip()
    data = json.loads(sh(f"costlab diff {base} HEAD --json", work, env).stdout)
    [change] = data["changes"]
    assert change["status"] == "changed"
    assert (change["before"]["input_tokens"], change["after"]["input_tokens"]) == ("25", "77")
    # Per call: input x $0.40/1M + 150 output x $1.60/1M, on GPT-4.1 mini (2026-11-26).
    #   before 25 x 0.40 + 150 x 1.60 = 10 + 240 = 250 -> $0.00025
    #   after  77 x 0.40 + 150 x 1.60 = 30.8 + 240 = 270.8 -> $0.0002708
    # A month is 600,000 calls: (270.8 - 250) / 1M x 600,000 = 20.8 x 0.6 = $12.48,
    # on $150.00 (0.00025 x 600,000) before: +8.32%
    assert Decimal(change["before"]["cost_per_call"]) == Decimal("0.00025")
    assert Decimal(change["after"]["cost_per_call"]) == Decimal("0.0002708")
    assert Decimal(data["monthly_cost_delta"]) == Decimal("12.48")
    assert Decimal(data["monthly_cost_before"]) == Decimal("150")  # 0.00025 x 600,000

    code, comment = run_workflow(work, env, fail_above="50")
    assert code == 0
    assert comment.startswith("<!-- costlab-diff -->\n")
    assert (
        "**+$12.48 a month**: $150.00 -> $162.48 a month (+$12.48, +8.3%) (limit $50/month)"
        in comment
    )
    assert "| `prompts/support.json` | `gpt-4.1-mini` | changed | 25 | 77 |" in comment
    posted = (work.parent / "comment.md").read_text()
    assert posted == comment
    # No comment yet: --edit-last failed and a new one was posted.
    assert (work.parent / "gh.log").read_text().splitlines() == [
        "pr comment 7 --body-file prompt-cost.md"
    ]

    code, comment = run_workflow(work, env, fail_above="8%")  # +8.32% is above 8%
    assert code == 1
    assert ":x: above the 8% limit" in comment
    assert (work.parent / "gh.log").read_text().splitlines()[-1] == (
        "pr comment 7 --edit-last --body-file prompt-cost.md"
    )


def test_fail_above_exit_codes(repo) -> None:
    work, env = repo
    for limit, code in (("12.48", 0), ("12.47", 1), ("8.32%", 0), ("8.31%", 1), ("0", 1)):
        result = sh(f"costlab diff main HEAD --fail-above {limit}", work, env)
        assert result.returncode == code, (limit, result.stderr)
        if code:
            assert result.stderr == (
                "costlab: prompt cost rises +$12.48 a month, above --fail-above "
                + (limit if limit.endswith("%") else f"${limit}/month")
                + "\n"
            )
    # A cheaper change never fails: HEAD back to main
    assert sh("costlab diff HEAD main --fail-above 0", work, env).returncode == 0


def test_not_a_repository_and_an_unknown_revision_are_one_line(repo, tmp_path: Path) -> None:
    work, env = repo
    bad = sh("costlab diff nosuchrev", work, env)
    assert bad.returncode == 2 and bad.stderr == "costlab: error: 'nosuchrev': unknown revision\n"
    outside = tmp_path / "plain"
    outside.mkdir()
    result = sh("costlab diff", outside, env)
    assert result.returncode == 2
    assert result.stderr == f"costlab: error: {outside}: not a git repository\n"


def test_the_default_base_is_the_merge_base_with_the_default_branch(repo) -> None:
    work, env = repo
    result = sh("costlab diff", work, env)  # origin/HEAD -> origin/main, vs the working tree
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("origin/main (merge-base ")
    assert "total: $150.00 -> $162.48 a month (+$12.48, +8.3%)" in result.stdout


def test_the_pre_commit_hook_refuses_a_costlier_commit(repo) -> None:
    work, env = repo
    hook = work / ".git" / "hooks" / "pre-commit"
    hook.write_bytes((CI / "pre-commit-hook").read_bytes())
    hook.chmod(0o755)
    longer = json.loads(json.dumps(AFTER))
    longer["messages"][0]["content"] += " Always answer in English, in three sentences or fewer."
    (work / "prompts" / "support.json").write_text(json.dumps(longer, indent=2))
    assert sh("git add -A", work, env).returncode == 0
    staged = sh("costlab diff HEAD --staged --json", work, env)
    delta = Decimal(json.loads(staged.stdout)["monthly_cost_delta_percent"])
    assert Decimal(0) < delta < Decimal(10)
    refused = sh("git commit -q -m longer", work, {**env, "COSTLAB_FAIL_ABOVE": "1%"})
    assert refused.returncode == 1
    assert (
        "costlab: prompt cost rises" in refused.stderr and "above --fail-above 1%" in refused.stderr
    )
    assert sh("git log --oneline", work, env).stdout.count("\n") == 2  # no new commit
    # The default limit (10%) lets this one through; the pre-commit framework entry agrees.
    config = yaml.safe_load((CI / "pre-commit-config.yaml").read_text())
    [hook_entry] = config["repos"][0]["hooks"]
    assert sh(shlex.join(shlex.split(hook_entry["entry"])), work, env).returncode == 0
    assert sh("git commit -q -m longer", work, env).returncode == 0
    assert sh("git log --oneline", work, env).stdout.count("\n") == 3
