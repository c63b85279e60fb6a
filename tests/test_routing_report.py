"""costlab.routing_report: the router verdict and the Compare headline (hand-checked sums)."""

from __future__ import annotations

import doctest
from decimal import Decimal
from typing import Any

import pytest
from helpers import SUPPORT

from costlab import routing_report
from costlab.comparison import compare_scenario
from costlab.errors import CostlabError
from costlab.routing_report import routed, router_report, summarize
from costlab.scenario import parse_scenario

CENT = Decimal("0.01")


def _data() -> dict[str, Any]:
    from costlab.scenario_io import from_yaml

    return from_yaml(SUPPORT, "support-bot.yaml")


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(routing_report).failed == 0


def test_the_router_is_the_weighted_sum_of_its_legs_and_escalations() -> None:
    report = router_report(
        _data(),
        "triage",
        cheap="gpt-4.1-nano",
        cheap_share=Decimal("0.3"),
        main="gpt-4.1-mini",
        escalation="gpt-4.1",
        escalation_rate=Decimal("0.05"),
    )
    # The example on one model, 12 months: nano $1,848.23, mini $7,392.93, gpt-4.1 $36,964.66.
    # 0.3 x 1,848.23 + 0.7 x 7,392.93 + 0.05 x 36,964.66 = 554.47 + 5,175.05 + 1,848.23
    assert report.router_cost is not None and report.main_cost is not None
    assert report.router_cost.quantize(CENT) == Decimal("7577.75")
    assert report.main_cost.quantize(CENT) == Decimal("7392.93")
    assert report.saves is False
    assert report.difference is not None and report.difference.quantize(CENT) == Decimal("-184.82")


def test_a_larger_cheap_share_saves() -> None:
    report = router_report(
        _data(),
        "triage",
        cheap="gpt-4.1-nano",
        cheap_share=Decimal("0.6"),
        main="gpt-4.1-mini",
        escalation="gpt-4.1",
        escalation_rate=Decimal("0.05"),
    )
    assert report.saves is True


def test_routed_refuses_a_share_outside_0_1_and_an_unknown_workload() -> None:
    with pytest.raises(CostlabError, match="cheap share: must be between 0 and 1"):
        routed(_data(), "triage", cheap="a", cheap_share=Decimal("1.5"), main="b")
    with pytest.raises(CostlabError, match="no workload named 'nope'"):
        routed(_data(), "nope", cheap="a", cheap_share=Decimal("0.5"), main="b")


def test_summary_names_the_cheapest_fit_and_the_saving_of_switching() -> None:
    scenario = parse_scenario(_data(), "s")
    result = compare_scenario(scenario, ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"])
    summary = summarize(result, ["gpt-4.1-mini"])
    assert summary.cheapest_fit == "gpt-4.1-nano" and summary.planned == "gpt-4.1-mini"
    assert summary.saving is not None
    assert summary.saving.quantize(CENT) == Decimal("5544.70")  # 7,392.93 - 1,848.23
    assert (summary.cannot_serve, summary.candidates) == (0, 3)
