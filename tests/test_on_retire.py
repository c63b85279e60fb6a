"""on_retire: what a model's shutdown inside the horizon does to a forecast."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costlab.errors import CostlabError
from costlab.forecast import forecast_scenario
from costlab.scenario import parse_scenario


def scenario(book, rule: str):
    # gpt-5-chat-latest shuts down on 2026-07-23, successor gpt-5.3-chat-latest, which shuts
    # down on 2026-08-10, successor gpt-5.5 (pricing/openai.yaml, [OAI-DEP]).
    data = {
        "name": "retire",
        "start": "2026-06",
        "months": 4,
        "workloads": [
            {
                "name": "chat",
                "model": "gpt-5-chat-latest",
                "requests_per_month": 1000,
                "input_tokens": 1000,
                "output_tokens": 100,
                "on_retire": rule,
            }
        ],
    }
    return parse_scenario(data, "retire.yaml", book=book)


def months(book, rule: str) -> list[Decimal]:
    return list(forecast_scenario(scenario(book, rule), book=book).months["total_cost"])


def test_successor_moves_the_traffic_from_the_month_of_the_shutdown(book) -> None:
    # 1M input + 100K output tokens a month: gpt-5-chat-latest $1.25/$10 per 1M -> $2.25;
    # gpt-5.3-chat-latest $1.75/$14 -> $3.15; gpt-5.5 $5/$30 -> $8.00.
    assert months(book, "successor") == [
        Decimal("2.25"),
        Decimal("3.15"),
        Decimal("8"),
        Decimal("8"),
    ]
    fc = forecast_scenario(scenario(book, "successor"), book=book)
    assert list(fc.routes["model"]) == ["gpt-5-chat-latest", "gpt-5.3-chat-latest", "gpt-5.5"]
    notes = [f.message for f in fc.flags if f.code == "on_retire"]
    assert notes[0].startswith("gpt-5-chat-latest shuts down on 2026-07-23: from 2026-07")
    assert not fc.blocking_flags()


def test_stop_ends_the_traffic_and_keep_prices_on_flagged(book) -> None:
    assert months(book, "stop") == [Decimal("2.25"), 0, 0, 0]
    kept = forecast_scenario(scenario(book, "keep"), book=book)
    assert list(kept.months["total_cost"]) == [Decimal("2.25")] * 4
    assert {f.code for f in kept.flags} >= {"retired", "retires"}


def test_an_unknown_rule_is_one_line_naming_the_field(book) -> None:
    with pytest.raises(CostlabError, match="on_retire: must be one of keep, successor, stop"):
        scenario(book, "replace")
