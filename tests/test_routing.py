"""Routing: legs and escalation priced on a hand-checked case; router vs each single model."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from costlab.comparison import router_vs_single
from costlab.errors import CostlabError
from costlab.forecast import forecast_scenario
from costlab.forecast.routes import breakdown
from costlab.money import MONEY
from costlab.routing import describe
from costlab.scenario import Scenario, parse_scenario
from costlab.yaml_reader import load_yaml

# One month, no cache, no retries, 100,000 tasks of 1,000 input + 200 output tokens.
# Per request (USD per 1M tokens from the price book):
#   gpt-4.1-nano  1000 x 0.10 + 200 x 0.40 =  180 -> $0.00018
#   gpt-4.1-mini  1000 x 0.40 + 200 x 1.60 =  720 -> $0.00072
#   gpt-4.1       1000 x 2.00 + 200 x 8.00 = 3600 -> $0.0036
ROUTER = """\
name: router
start: 2027-01
months: 1
workloads:
  - name: assistant
    requests_per_month: 100000
    input_tokens: 1000
    output_tokens: 200
    routing:
      legs:
        - {model: gpt-4.1-nano, share: 0.3}
        - {model: gpt-4.1-mini, share: 0.7}
      escalation: {model: gpt-4.1, rate: 0.05}
"""


def scenario(book, text: str = ROUTER) -> Scenario:
    return parse_scenario(load_yaml(textwrap.dedent(text), "r.yaml"), "r.yaml", book=book)


def test_every_leg_and_the_escalation_are_priced(book) -> None:
    fc = forecast_scenario(scenario(book), book=book)
    routes = fc.routes.set_index("model")
    # 30,000 x 0.00018 = 5.40; 70,000 x 0.00072 = 50.40; 5,000 re-runs x 0.0036 = 18.00
    assert routes.loc["gpt-4.1-nano", "requests"] == 30_000
    assert routes.loc["gpt-4.1-nano", "total_cost"] == Decimal("5.40")
    assert routes.loc["gpt-4.1-mini", "requests"] == 70_000
    assert routes.loc["gpt-4.1-mini", "total_cost"] == Decimal("50.40")
    assert routes.loc["gpt-4.1", "requests"] == 5_000
    assert routes.loc["gpt-4.1", "total_cost"] == Decimal("18.00")
    assert routes.loc["gpt-4.1", "role"] == "escalation"
    assert fc.total_cost == Decimal("73.80")
    # escalations are extra requests, not extra tasks
    assert fc.total("requests") == 105_000 and fc.total("tasks") == 100_000
    assert fc.workloads["cost_per_task"].iloc[0] == Decimal("0.000738")


def test_retries_apply_to_every_route(book) -> None:
    text = ROUTER + "    retry_rate: 0.1\n"
    fc = forecast_scenario(scenario(book, text), book=book)
    assert fc.total("requests") == Decimal(115_500)  # 105,000 x 1.1
    assert fc.total_cost == Decimal("81.18")  # 73.80 x 1.1


def test_is_the_router_cheaper_than_mini_alone(book) -> None:
    result = router_vs_single(scenario(book), "assistant")
    ranking = result.ranking.set_index("candidate")
    router = "router: gpt-4.1-nano 30% / gpt-4.1-mini 70% + gpt-4.1 on 5% failures"
    # mini alone: 100,000 x 0.00072 = 72.00 < 73.80: the 5% escalations to GPT-4.1 eat the saving
    assert ranking.loc["gpt-4.1-mini", "compared_cost"] == Decimal("72.00")
    assert ranking.loc[router, "compared_cost"] == Decimal("73.80")
    assert list(result.ranking["candidate"]) == ["gpt-4.1-nano", "gpt-4.1-mini", router, "gpt-4.1"]
    assert ranking.loc[router, "kind"] == "router"
    assert ranking.loc[router, "vs_cheapest"] == Decimal("55.80")  # nano alone: 18.00


def test_without_escalation_the_router_wins(book) -> None:
    text = ROUTER.replace("      escalation: {model: gpt-4.1, rate: 0.05}\n", "")
    result = router_vs_single(scenario(book, text), "assistant", models=["gpt-4.1-mini"])
    ranking = result.ranking.set_index("candidate")
    router = "router: gpt-4.1-nano 30% / gpt-4.1-mini 70%"
    assert ranking.loc[router, "compared_cost"] == Decimal("55.80")  # 5.40 + 50.40
    assert list(result.ranking["candidate"]) == [router, "gpt-4.1-mini"]


def test_breakdown_shows_each_routes_share_of_the_cost(book) -> None:
    table = breakdown(forecast_scenario(scenario(book), book=book), "assistant").set_index("model")
    # 18.00 / 73.80 = 10/41, a ratio: rounded to 80 significant digits
    assert table.loc["gpt-4.1", "cost_share"] == MONEY.divide(Decimal(10), Decimal(41))
    assert table.loc["gpt-4.1-nano", "cost_per_request"] == Decimal("0.00018")
    with pytest.raises(CostlabError, match="no workload named 'nope'"):
        breakdown(forecast_scenario(scenario(book), book=book), "nope")


def test_describe_and_single_model_refusal(book) -> None:
    routing = scenario(book).workloads[0].routing
    assert routing is not None
    assert describe(routing) == "gpt-4.1-nano 30% / gpt-4.1-mini 70% + gpt-4.1 on 5% failures"
    plain = ROUTER.replace(
        "    routing:\n      legs:\n        - {model: gpt-4.1-nano, share: 0.3}\n"
        "        - {model: gpt-4.1-mini, share: 0.7}\n"
        "      escalation: {model: gpt-4.1, rate: 0.05}\n",
        "    model: gpt-4.1-mini\n",
    )
    with pytest.raises(CostlabError, match="names one model; give it a routing"):
        router_vs_single(scenario(book, plain), "assistant")
