"""Scenario files: typed, validated, every bad input named by file, workload, field and line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import SUPPORT

from costlab.errors import CostlabError
from costlab.ranges import Range
from costlab.scenario import Scenario, load_scenario
from costlab.schemas import HERE as SCHEMA_DIR
from costlab.schemas import render
from costlab.yaml_reader import load_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Line numbers below refer to this text (line 1 is "name: ...").


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work from the temp folder, so messages name files as `support.yaml`."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "support.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, book: Any) -> str:
    with pytest.raises(CostlabError) as info:
        load_scenario(write(tmp_path, text), book=book)
    return str(info.value)


def test_the_issue_example_reads_as_typed_exact_numbers(tmp_path: Path, book) -> None:
    scenario = load_scenario(write(tmp_path, SUPPORT), book=book)
    assert scenario.name == "support-bot"
    assert scenario.start == "2027-01"
    assert scenario.months == 12
    assert scenario.budget is not None and scenario.budget.monthly == Decimal("400")
    (triage,) = scenario.workloads
    assert triage.model == "gpt-4.1-mini"
    assert triage.requests_per_day == Decimal("20000")
    assert triage.cached_input_share == Decimal("0.5")
    assert triage.growth == Decimal("0.10")
    assert triage.batch_share == 0 and triage.reasoning_tokens == 0
    assert scenario.month_starts()[0].isoformat() == "2027-01-01"
    assert scenario.month_starts()[-1].isoformat() == "2027-12-01"


def test_the_shipped_examples_load(book) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        scenario = load_scenario(path, book=book)
        assert scenario.workloads, path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "requests_per_day: 20000",
            "requests_per_day: -5",
            "support.yaml: workloads[0] (triage): requests_per_day: must be >= 0 (line 8)",
        ),
        (
            "    input_tokens: 1200\n",
            "",
            "support.yaml: workloads[0] (triage): input_tokens: required field is missing "
            "(or give sample) (line 6)",
        ),
        (
            "    requests_per_day: 20000\n",
            "",
            "support.yaml: workloads[0] (triage): requests_per_day: required field is missing "
            "(or give requests_per_month) (line 6)",
        ),
        (
            "cached_input_share: 0.5",
            "cached_input_share: 1.5",
            "support.yaml: workloads[0] (triage): cached_input_share: must be <= 1 (line 10)",
        ),
        (
            "retry_rate: 0.05",
            "batch_share: -0.1",
            "support.yaml: workloads[0] (triage): batch_share: must be >= 0 (line 12)",
        ),
        (
            "start: 2027-01",
            "start: 2027-13",
            "support.yaml: start: must be a month YYYY-MM, got '2027-13' (line 2)",
        ),
        (
            "start: 2027-01",
            "start: January",
            "support.yaml: start: 'January' does not match [0-9]{4}-[0-9]{2} (line 2)",
        ),
        ("months: 12", "months: 0", "support.yaml: months: must be >= 1 (line 3)"),
        ("months: 12", "months: 121", "support.yaml: months: must be <= 120 (line 3)"),
        (
            "model: gpt-4.1-mini",
            "model: gpt-4.1-mimi",
            "support.yaml: workloads[0] (triage): model: unknown model 'gpt-4.1-mimi'; "
            "closest: gpt-4.1-mini, gpt-4o-mini, gpt-5.4-mini (line 7)",
        ),
        (
            "growth: 0.10",
            "growth: [0.1, 0.1, 0.1]",
            "support.yaml: workloads[0] (triage): growth: lists 3 rate(s); a 12-month scenario "
            "needs 11 (one per month from the second) (line 13)",
        ),
        (
            "growth: 0.10",
            "growth: -1",
            "support.yaml: workloads[0] (triage): growth: must be > -1 (line 13)",
        ),
        (
            "input_tokens: 1200",
            "input_tokens: lots",
            "support.yaml: workloads[0] (triage): input_tokens: must be a number, got 'lots' (line 9)",
        ),
        (
            "input_tokens: 1200",
            "input_tokens: {low: 1300, base: 1200, high: 1400}",
            "support.yaml: workloads[0] (triage): input_tokens: needs low <= base <= high, "
            "got low 1300, base 1200, high 1400 (line 9)",
        ),
        (
            "cached_input_share: 0.5",
            "cached_input_share: {low: 0.2, base: 0.5, high: 1.2}",
            "support.yaml: workloads[0] (triage): cached_input_share.high: must be <= 1 (line 10)",
        ),
        (
            "input_tokens: 1200",
            "input_tokens: {low: 1000, high: 1400}",
            "support.yaml: workloads[0] (triage): input_tokens.base: required field is missing "
            "(line 9)",
        ),
        (
            "    growth: 0.10\n",
            "    growth: 0.10\n    requests_per_month: 600000\n",
            "support.yaml: workloads[0] (triage): requests_per_month: give requests_per_day or "
            "requests_per_month, not both (line 14)",
        ),
        (
            "retry_rate: 0.05",
            "retry_rates: 0.05",
            "support.yaml: workloads[0] (triage): retry_rates: unknown field (did you mean "
            "'retry_rate'?); allowed: name, model, routing, requests_per_day, requests_per_month, "
            "input_tokens, output_tokens, reasoning_tokens, reasoning_effort, cached_input_share, "
            "cache_write_share, cache_write_ttl, cacheable_prefix_tokens, cache_hit_rate, service_tier, "
            "data_residency, images, input_audio_tokens, output_audio_tokens, output_image_tokens, "
            "input_audio_seconds, output_audio_seconds, "
            "input_characters, audio_seconds, web_searches, file_searches, "
            "batch_share, retry_rate, growth, sample, on_retire (line 12)",
        ),
        (
            "budget: {monthly: 400}",
            "budget: {monthly: -400}",
            "support.yaml: budget.monthly: must be >= 0 (line 4)",
        ),
    ],
)
def test_every_bad_input_is_one_line_naming_file_workload_field_and_line(
    tmp_path: Path, book, old: str, new: str, expected: str
) -> None:
    assert old in SUPPORT
    assert error_of(tmp_path, SUPPORT.replace(old, new), book) == expected


ROUTED = """\
name: routed
start: 2027-01
months: 3
workloads:
  - name: triage
    requests_per_month: 100000
    input_tokens: 1000
    output_tokens: 200
    routing:
      legs:
        - {model: gpt-4.1-nano, share: 0.3}
        - {model: gpt-4.1-mini, share: 0.7}
      escalation: {model: gpt-4.1, rate: 0.05}
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "share: 0.7",
            "share: 0.6",
            "support.yaml: workloads[0] (triage): routing.legs: the shares add up to 0.9; they "
            "must add up to 1 (line 10)",
        ),
        (
            "share: 0.3",
            "share: 1.3",
            "support.yaml: workloads[0] (triage): routing.legs[0].share: must be <= 1 (line 11)",
        ),
        (
            "rate: 0.05",
            "rate: 2",
            "support.yaml: workloads[0] (triage): routing.escalation.rate: must be <= 1 (line 13)",
        ),
        (
            "{model: gpt-4.1-mini, share: 0.7}",
            "{model: gpt-4.2-mini, share: 0.7}",
            "support.yaml: workloads[0] (triage): routing.legs[1].model: unknown model "
            "'gpt-4.2-mini'; closest: gpt-4.1-mini, gpt-4o-mini, gpt-5.4-mini (line 12)",
        ),
        (
            "    requests_per_month: 100000\n",
            "    requests_per_month: 100000\n    model: gpt-4.1\n",
            "support.yaml: workloads[0] (triage): routing: give model or routing, not both (line 10)",
        ),
        (
            "      legs:\n        - {model: gpt-4.1-nano, share: 0.3}\n"
            "        - {model: gpt-4.1-mini, share: 0.7}\n",
            "      legs: []\n",
            "support.yaml: workloads[0] (triage): routing.legs: must list at least 1 item(s) (line 10)",
        ),
    ],
)
def test_routing_is_validated(tmp_path: Path, book, old: str, new: str, expected: str) -> None:
    assert old in ROUTED
    assert error_of(tmp_path, ROUTED.replace(old, new), book) == expected


def test_a_routed_workload_lists_its_routes(tmp_path: Path, book) -> None:
    scenario = load_scenario(write(tmp_path, ROUTED), book=book)
    routes = scenario.workloads[0].routes
    assert [(r.role, r.leg, r.model, r.share) for r in routes] == [
        ("leg", 1, "gpt-4.1-nano", Decimal("0.3")),
        ("leg", 2, "gpt-4.1-mini", Decimal("0.7")),
        ("escalation", 0, "gpt-4.1", Decimal("0.05")),
    ]


def test_duplicate_workload_names_are_refused(tmp_path: Path, book) -> None:
    text = SUPPORT + (
        "  - name: triage\n    model: gpt-4.1-nano\n    requests_per_day: 1\n    input_tokens: 1\n"
    )
    assert error_of(tmp_path, text, book) == (
        "support.yaml: workloads[1] (triage): name: duplicate workload name 'triage' (line 14)"
    )


def test_an_empty_or_non_mapping_file_is_refused(tmp_path: Path, book) -> None:
    assert error_of(tmp_path, "- just\n- a list\n", book) == (
        "support.yaml: a scenario is a mapping with name, start, months and workloads"
    )
    assert error_of(tmp_path, "name: x\nstart: 2027-01\nmonths: 1\nworkloads: []\n", book) == (
        "support.yaml: workloads: must list at least 1 item(s) (line 4)"
    )


def test_start_may_be_written_as_a_quoted_month(tmp_path: Path, book) -> None:
    scenario = load_scenario(write(tmp_path, SUPPORT.replace("2027-01", '"2027-01"')), book=book)
    assert scenario.first_month.isoformat() == "2027-01-01"


# --- ranges ----------------------------------------------------------------------------------

RANGED = SUPPORT.replace(
    "input_tokens: 1200", "input_tokens: {low: 1000, base: 1200, high: 1600}"
).replace("cached_input_share: 0.5", "cached_input_share: {low: 0.3, base: 0.5, high: 0.7}")


def test_ranges_are_listed_with_labels_and_picked_per_band(tmp_path: Path, book) -> None:
    scenario = load_scenario(write(tmp_path, RANGED), book=book)
    assert [a.label for a in scenario.ranges()] == [
        "triage: input_tokens",
        "triage: cached_input_share",
    ]
    assert scenario.ranges()[0].range == Range(Decimal(1000), Decimal(1200), Decimal(1600))
    low, base, high = (scenario.at(b).workloads[0] for b in ("low", "base", "high"))
    # The low band takes each range's cheaper end: fewer tokens, but MORE of them cached.
    assert (low.input_tokens, low.cached_input_share) == (Decimal(1000), Decimal("0.7"))
    assert (base.input_tokens, base.cached_input_share) == (Decimal(1200), Decimal("0.5"))
    assert (high.input_tokens, high.cached_input_share) == (Decimal(1600), Decimal("0.3"))
    assert not scenario.at("low").has_ranges


def test_a_growth_list_entry_may_be_a_range(tmp_path: Path, book) -> None:
    text = SUPPORT.replace("months: 12", "months: 3").replace(
        "growth: 0.10", "growth: [0.1, {low: 0, base: 0.05, high: 0.2}]"
    )
    scenario = load_scenario(write(tmp_path, text), book=book)
    assert [a.label for a in scenario.ranges()] == ["triage: growth (month 3)"]


# --- the schema ----------------------------------------------------------------------------------


def test_shipped_scenario_schema_is_generated_from_the_types() -> None:
    shipped = (SCHEMA_DIR / "scenario.schema.json").read_text(encoding="utf-8")
    assert shipped == render("scenario.schema.json"), "run `python -m costlab.schemas`"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def test_the_examples_validate_against_the_schema_and_bad_ones_do_not() -> None:
    schema = json.loads((SCHEMA_DIR / "scenario.schema.json").read_text(encoding="utf-8"))
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = _jsonable(load_yaml(path.read_text(encoding="utf-8"), str(path)))
        jsonschema.validate(data, schema)
    bad = _jsonable(load_yaml(SUPPORT.replace("0.5", "1.5"), "x"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    ranged = _jsonable(load_yaml(RANGED.replace("high: 0.7", "high: 1.7"), "x"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(ranged, schema)


def test_scenarios_can_be_built_in_python_too(book) -> None:
    from costlab.scenario import Workload

    scenario = Scenario(
        name="py",
        start="2027-01",
        months=2,
        workloads=(
            Workload(
                name="a",
                model="gpt-4.1-mini",
                requests_per_day=Decimal(1),
                input_tokens=Decimal(10),
            ),
        ),
    )
    assert scenario.label == "py"
    with pytest.raises(CostlabError, match=r"model: required field is missing \(or give routing\)"):
        Workload(name="b", requests_per_day=Decimal(1), input_tokens=Decimal(1))


def test_sweep_makes_one_workload_per_combination(tmp_path: Path, book) -> None:
    from costlab.sweep import sweep

    scenario = load_scenario(write(tmp_path, SUPPORT), book=book)
    grid = sweep(
        scenario, "triage", model=["gpt-4.1-mini", "gpt-4.1-nano"], input_tokens=[800, 1200]
    )
    assert [w.name for w in grid.workloads] == [
        "triage | model=gpt-4.1-mini | input_tokens=800",
        "triage | model=gpt-4.1-mini | input_tokens=1200",
        "triage | model=gpt-4.1-nano | input_tokens=800",
        "triage | model=gpt-4.1-nano | input_tokens=1200",
    ]
    assert grid.workloads[2].model == "gpt-4.1-nano"
    assert grid.workloads[2].input_tokens == Decimal(800)
    assert grid.workloads[2].retry_rate == Decimal("0.05")  # the rest is kept
    with pytest.raises(CostlabError, match="not a workload field: 'colour'"):
        sweep(scenario, "triage", colour=["red"])
