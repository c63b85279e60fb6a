"""`costlab prices check`: layer ages, a scenario's retired or unknown models, and curated values
whose upstream counterpart changed; exit 1 on a problem, 0 otherwise."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest

from costlab.prices.freshness import check, record

SCENARIO = """\
name: check-me
start: {start}
months: {months}
workloads:
  - name: main
    model: {model}
    requests_per_day: 1000
    input_tokens: 1000
    output_tokens: 100
"""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refused(socket.socket):  # a class, so that modules subclassing socket still import
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("the check tried to open a network connection")

    monkeypatch.setattr(socket, "socket", Refused)
    monkeypatch.setattr(socket, "create_connection", Refused)


def scenario(tmp_path: Path, model: str, start: str = "2027-01", months: int = 12) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO.format(model=model, start=start, months=months), encoding="utf-8")
    return path


def test_the_shipped_book_and_a_current_scenario_pass(cli, tmp_path: Path) -> None:
    result = cli(
        "prices",
        "check",
        "--date",
        "2026-11-26",
        "--scenario",
        str(scenario(tmp_path, "gpt-4.1-mini")),
    )
    assert result.code == 0, result.out
    assert (
        "  ok       in_service        gpt-4.1-mini: no shutdown known before 2027-12-31"
        in result.out
    )
    assert "pricing/openai.yaml: checked 2026-11-26 (0 days ago)" in result.out
    assert result.out.rstrip().endswith("no problems.")


def test_a_retired_model_in_the_scenario_fails_the_check(cli, tmp_path: Path) -> None:
    result = cli(
        "prices",
        "check",
        "--date",
        "2026-11-26",
        "--json",
        "--scenario",
        str(scenario(tmp_path, "gpt-3.5-turbo-0125")),
    )
    assert result.code == 1
    data = json.loads(result.out)
    assert data["ok"] is False
    problems = [f for f in data["findings"] if f["problem"]]
    assert problems == [
        {
            "kind": "retired",
            "subject": "gpt-3.5-turbo-0125 (gpt-3.5-turbo)",
            "message": "retired on 2026-10-23; successor gpt-4.1-mini",
            "problem": True,
        }
    ]


def test_a_shutdown_inside_the_horizon_fails_the_check(cli, tmp_path: Path) -> None:
    # Claude Sonnet 4.5 shuts down on 2026-11-30: live on 2026-10-01, gone before the scenario ends.
    path = scenario(tmp_path, "claude-sonnet-4-5", start="2026-10", months=3)
    result = cli("prices", "check", "--date", "2026-10-01", "--scenario", str(path))
    assert result.code == 1
    assert (
        "PROBLEM  retires           claude-sonnet-4-5 (claude-sonnet-4-5-20250929): shuts down on "
        "2026-11-30, inside the scenario (2026-10 to 2026-12)"
    ) in result.out


def test_an_unknown_model_fails_the_check(cli, tmp_path: Path) -> None:
    result = cli("prices", "check", "--scenario", str(scenario(tmp_path, "gpt-4.1-mnii")), "--json")
    assert result.code == 1
    unknown = [f for f in json.loads(result.out)["findings"] if f["kind"] == "unknown"]
    assert unknown[0]["subject"] == "gpt-4.1-mnii"
    assert "closest: gpt-4.1-mini" in unknown[0]["message"]


def test_a_changed_upstream_value_behind_a_curated_override_fails(book, tmp_path: Path) -> None:
    recorded = tmp_path / "recorded.json"
    data = record(book, recorded, on=date(2026, 11, 26))
    assert data["models"]["gpt-4.1-mini"]["price.input"] == "0.4"
    assert not check(book, on=date(2026, 11, 26), recorded=recorded).problems
    # As if genai-prices had said $0.35 when the curated figure was reviewed: now it differs.
    data["models"]["gpt-4.1-mini"]["price.input"] = "0.35"
    recorded.write_text(json.dumps(data), encoding="utf-8")
    problems = check(book, on=date(2026, 11, 26), recorded=recorded).problems
    assert [(p.kind, p.subject) for p in problems] == [
        ("upstream_changed", "gpt-4.1-mini price.input")
    ]
    assert "had 0.35" in problems[0].message and "has 0.4" in problems[0].message


def test_the_shipped_record_matches_the_installed_genai_prices(book) -> None:
    """Fails when an upgraded genai-prices changes a value a curated entry overrides: review
    the curated figure, then `costlab prices check --record`."""
    changed = [
        f for f in check(book, on=date(2026, 11, 26)).findings if f.kind == "upstream_changed"
    ]
    assert not changed, changed


def test_check_options_need_check(cli, tmp_path: Path) -> None:
    result = cli("prices", "--scenario", str(scenario(tmp_path, "gpt-4.1-mini")))
    assert result.code == 2 and "only with `costlab prices check`" in result.err
