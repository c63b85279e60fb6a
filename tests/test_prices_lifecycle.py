"""Lifecycle that code reads: shutdown dates, successors, retired models flagged, no alias that
points a retired id at a live model. Dates are the providers' pages' (docs/sources.md)."""

from __future__ import annotations

import json
from datetime import date

import pytest

DAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("model", "shutdown"),
    [
        ("gpt-3.5-turbo", date(2026, 10, 23)),
        ("gpt-3.5-turbo-0125", date(2026, 10, 23)),
        ("gpt-5-chat-latest", date(2026, 7, 23)),
        ("gpt-5.1-chat-latest", date(2026, 7, 23)),
        ("gpt-5.2-chat-latest", date(2026, 8, 10)),
        ("gpt-5.2-codex", date(2026, 7, 23)),
        ("gpt-4o-2024-05-13", date(2026, 10, 23)),
        ("claude-3-5-haiku-20241022", date(2026, 2, 19)),
        ("claude-opus-4-1", date(2026, 8, 5)),
        ("claude-sonnet-4", date(2026, 6, 15)),
    ],
)
def test_models_shut_down_in_2026_are_retired(book, model: str, shutdown: date) -> None:
    found = book.resolve(model)
    assert found.lifecycle is not None and found.lifecycle.shutdown == shutdown
    assert found.status_on(shutdown) == "retired"
    assert found.status_on(date.fromordinal(shutdown.toordinal() - 1)) != "retired"


def test_sonnet_4_5_retires_on_2026_11_30(book) -> None:
    sonnet = book.resolve("claude-sonnet-4-5")
    assert sonnet.status_on(date(2026, 11, 29)) == "deprecated"
    assert sonnet.status_on(date(2026, 11, 30)) == "retired"


def test_estimate_flags_a_retired_model(cli) -> None:
    result = cli(
        "estimate",
        "--model",
        "gpt-3.5-turbo",
        "--input-tokens",
        "1000",
        "--json",
        "--date",
        DAY.isoformat(),
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert "retired" in data["flags"]
    assert data["warnings"] == ["gpt-3.5-turbo: retired on 2026-10-23; the API no longer serves it"]


def test_no_alias_points_a_retired_id_at_a_live_model(book) -> None:
    # gpt-5.2-codex shut down on 2026-07-23 while gpt-5.2 lives: it is its own entry now.
    assert book.resolve("gpt-5.2-codex").id == "gpt-5.2-codex"
    assert book.resolve("gpt-5.2").status_on(DAY) == "active"
    retired = {
        name.lower() for m in book if m.status_on(DAY) == "retired" for name in (m.id, *m.aliases)
    }
    for model in book:
        if model.status_on(DAY) != "retired":
            assert not retired & {a.lower() for a in model.aliases}, model.id


def test_an_unconfirmed_shutdown_date_stays_out_of_the_book(book) -> None:
    # LiteLLM's 2027-01-14 for gpt-4.1-mini is confirmed by no provider page in the sheet: the
    # audit shows it as unconfirmed (test_prices_audit); the book does not assert it.
    mini = book.resolve("gpt-4.1-mini")
    assert mini.lifecycle is not None and mini.lifecycle.retires_on is None
    assert mini.status_on(date(2027, 6, 1)) == "active"


def test_a_claude_sonnet_is_active_today(book) -> None:
    today = date.today()
    sonnets = [
        m
        for m in book.all_models()
        if m.provider == "anthropic"
        and "sonnet" in m.id
        and m.status_on(today) == "active"
        and m.price_on(today).input > 0
    ]
    assert sonnets, "no active Claude Sonnet in the book"


def test_every_successor_leads_to_a_live_model(book) -> None:
    from costlab.prices.freshness import final_successor

    for model in book:
        if model.lifecycle is not None and model.lifecycle.successor:
            assert final_successor(book, model, DAY) is not None, model.id
    # gpt-5-chat-latest's substitute, gpt-5.3-chat-latest, shut down too: the chain ends at gpt-5.5.
    chat = book.resolve("gpt-5-chat-latest")
    assert chat.lifecycle.successor == "gpt-5.3-chat-latest"
    assert final_successor(book, chat, DAY).id == "gpt-5.5"


@pytest.mark.parametrize(
    ("name", "live"),
    [
        ("gpt-5.1-codex", "gpt-5.1"),
        ("gpt-5-codex", "gpt-5"),
        ("gpt-4o-mini-search-preview", "gpt-4o-mini"),
    ],
)
def test_a_retired_upstream_name_of_a_live_model_is_its_own_retired_model(
    book, name: str, live: str
) -> None:
    # genai-prices lists these retired ids as names of live models; the curated layer splits
    # them off with OpenAI's shutdown date, keeping the same prices.
    retired, alive = book.resolve(name), book.resolve(live)
    assert retired.id == name and retired.status_on(DAY) == "retired"
    assert alive.status_on(DAY) == "active"
    assert retired.price_on(DAY) == alive.price_on(DAY)
    assert retired.origin("lifecycle") == "pricing/openai.yaml"
    assert book.resolve(f"openai/{name}").id == name


def test_an_upstream_model_gets_the_curated_lifecycle(book) -> None:
    gpt4 = book.resolve("gpt-4-0613")
    assert gpt4.id == "gpt-4" and gpt4.lifecycle.shutdown == date(2026, 10, 23)
    assert gpt4.origin("price").startswith("genai-prices ")
    assert gpt4.origin("lifecycle") == "pricing/openai.yaml"


def test_prices_model_shows_the_lifecycle(cli) -> None:
    result = cli("prices", "--model", "gpt-5-chat-latest", "--date", DAY.isoformat())
    assert "  status on 2026-11-26  retired" in result.out
    assert "  lifecycle          deprecated 2026-04-22; shutdown 2026-07-23" in result.out
    data = json.loads(cli("prices", "--model", "gpt-5-chat-latest", "--json").out)
    assert (data["deprecated_on"], data["retires_on"]) == ("2026-04-22", "2026-07-23")
