"""Cascades: a chain of any length, retries and token profiles per step, the break-even rate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costlab.cascade import cascade_report
from costlab.errors import CostlabError
from costlab.forecast import forecast_scenario
from costlab.scenario import parse_scenario


def scenario(book, *, cascade=None, **workload):
    steps = cascade or [
        {"model": "gpt-4.1-nano", "escalation_rate": Decimal("0.3"), "retry_rate": Decimal("0.1")},
        {"model": "gpt-4.1-mini", "escalation_rate": Decimal("0.1")},
        {"model": "gpt-4.1"},
    ]
    data = {
        "name": "cascade",
        "start": "2026-01",
        "months": 1,
        "workloads": [
            {
                "name": "answers",
                "routing": {"cascade": steps},
                "requests_per_month": 1000,
                "input_tokens": 1000,
                "output_tokens": 100,
                **workload,
            }
        ],
    }
    return parse_scenario(data, "cascade.yaml", book=book)


def test_a_three_step_cascade_by_hand(book) -> None:
    # Per request: nano 1,000 x $0.10 + 100 x $0.40 = $0.00014; mini $0.40/$1.60 -> $0.00056;
    # gpt-4.1 $2.00/$8.00 -> $0.0028 (per 1M tokens).
    # Step 1: 1,000 tasks x 1.1 (nano's own 10% retries) = 1,100 requests -> $0.154.
    # Step 2: 30% reach it: 300 requests -> $0.168. Step 3: 30% x 10% = 3%: 30 -> $0.084.
    fc = forecast_scenario(scenario(book), book=book)
    assert fc.total_cost == Decimal("0.406")
    routes = fc.routes.set_index("model")
    assert routes.loc["gpt-4.1-nano", "requests"] == 1100
    assert routes.loc["gpt-4.1", "requests"] == 30
    assert fc.total("tasks") == 1000

    report = cascade_report(scenario(book), "answers", book=book)
    assert report.cost_per_task == Decimal("0.000406")
    assert [s.reach for s in report.steps] == [1, Decimal("0.3"), Decimal("0.03")]
    assert [s.served for s in report.steps] == [Decimal("0.7"), Decimal("0.27"), Decimal("0.03")]
    singles = {s.model: s for s in report.singles}
    # Alone, each with its step's retries: nano 1,100 x 0.00014; mini 0.00056; gpt-4.1 0.0028.
    assert singles["gpt-4.1-nano"].cost_per_task == Decimal("0.000154")
    assert singles["gpt-4.1-mini"].cost_per_task == Decimal("0.00056")
    # cost(r) = 0.000154 + r x R, R = 1.0 x 0.00056 + 0.1 x 0.0028 = 0.00084 per task, so the
    # cascade beats mini alone while (0.00056 - 0.000154) / 0.00084 = 0.4833... of the tasks
    # escalate from nano, and gpt-4.1 alone always.
    assert singles["gpt-4.1-mini"].break_even_rate.quantize(Decimal("0.0001")) == Decimal("0.4833")
    assert singles["gpt-4.1"].cascade_cheaper_below.startswith("always")
    assert singles["gpt-4.1-nano"].cascade_cheaper_below.startswith("never")


def test_a_step_can_read_the_previous_attempt(book) -> None:
    steps = [
        {"model": "gpt-4.1-nano", "escalation_rate": Decimal("0.5")},
        {"model": "gpt-4.1-mini", "include_previous_output": True, "output_tokens": 50},
    ]
    # nano: 1,000 x 0.00014 = $0.14; mini: 500 requests of (1,000 + 100) in and 50 out:
    # 1,100 x 0.40 + 50 x 1.60 = 440 + 80 = $0.00052 each -> $0.26. Total $0.40.
    fc = forecast_scenario(scenario(book, cascade=steps), book=book)
    assert fc.total_cost == Decimal("0.4")


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"model": "gpt-4.1-nano"}], "at least two steps"),
        (
            [{"model": "gpt-4.1-nano", "escalation_rate": 0.2}, {"model": "gpt-4.1-nano"}],
            "must not loop back",
        ),
        ([{"model": "gpt-4.1-nano"}, {"model": "gpt-4.1"}], "required for every step but the last"),
        (
            [{"model": "gpt-4.1-nano", "escalation_rate": 1.5}, {"model": "gpt-4.1"}],
            "must be <= 1",
        ),
        (
            [{"model": "gpt-4.1-nano", "escalation_rate": 0.2}, {"model": "gpt-9-ultra"}],
            "unknown model 'gpt-9-ultra'",
        ),
    ],
)
def test_bad_cascades_are_one_line_naming_the_field(book, steps, message) -> None:
    with pytest.raises(CostlabError, match=message) as err:
        scenario(book, cascade=steps)
    assert "cascade" in str(err.value) and "\n" not in str(err.value)
