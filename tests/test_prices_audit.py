"""`costlab prices audit`: where the layers and other sources disagree, by model and field.

The other sources are real excerpts (tests/data/SOURCES.md); the sizes of the differences are
worked out by hand in each test.
"""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest

from costlab.errors import CostlabError
from costlab.prices import load_pricebook, upstream
from costlab.prices.audit import audit, read_source

DAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refused(socket.socket):  # a class, so that modules subclassing socket still import
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("the audit tried to open a network connection")

    monkeypatch.setattr(socket, "socket", Refused)
    monkeypatch.setattr(socket, "create_connection", Refused)


def rows(result: dict, model: str, field: str) -> list[dict]:
    return [d for d in result["disagreements"] if d["model"] == model and d["field"] == field]


def test_audit_runs_on_the_installed_genai_prices(cli) -> None:
    """An upstream upgrade that contradicts a curated value shows up here (pip install -U)."""
    result = cli("prices", "audit", "--json", "--date", DAY)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    version = upstream.installed_version()
    assert data["price_book"].startswith(f"genai-prices {version} + costlab-curated ")
    for row in data["disagreements"]:
        assert row["source"] == f"genai-prices {version}"
        assert row["book_layer"].startswith("pricing/")
        assert row["kind"] in ("override", "convention")
    # Every left-out upstream model says why.
    assert data["left_out"] and all(x["reason"] for x in data["left_out"])


def test_a_curated_override_beats_upstream_and_shows_in_the_audit(price_file) -> None:
    path = price_file(
        """\
        provider: openai
        models:
          - id: gpt-4
            price:
              effective_from: 2020-01-01
              source: a negotiated rate
              input: 24.00
              output: 60.00
        """
    )
    book = load_pricebook(path)
    assert book.resolve("gpt-4").price_on(date(2026, 11, 26)).input == 24
    found = rows(audit(book, on=date(2026, 11, 26)).to_dict(), "gpt-4", "price.input")
    # The book says $24, genai-prices $30: the upstream figure is 25% above the book's.
    assert found == [
        {
            "model": "gpt-4",
            "field": "price.input",
            "book": "24",
            "book_layer": "custom.yaml",
            "other": "30",
            "source": f"genai-prices {upstream.installed_version()}",
            "difference": "+25.0%",
            "kind": "override",
            "note": "",
        }
    ]


def test_o3s_cached_rate_before_the_price_cut_is_a_recorded_override(book) -> None:
    # costlab: $2.50 cached before 2025-06-10; genai-prices: $0.50 (-80%).
    found = rows(
        audit(book, on=date(2026, 11, 26)).to_dict(), "o3", "price.cached_input on 2025-04-16"
    )
    assert [(r["book"], r["other"], r["difference"]) for r in found] == [("2.5", "0.5", "-80.0%")]


def test_litellm_and_models_dev_disagreements_are_listed(book, data: Path) -> None:
    result = audit(
        book,
        [data / "litellm-model-prices-excerpt.json", data / "models-dev-api-excerpt.json"],
        on=date(2026, 11, 26),
    ).to_dict()
    assert result["sources"] == [
        "litellm:litellm-model-prices-excerpt.json",
        "models.dev:models-dev-api-excerpt.json",
    ]
    # gpt-4o-2024-05-13: the book says 16,384 max output, LiteLLM and models.dev 4,096.
    found = rows(result, "gpt-4o-2024-05-13", "max_output_tokens")
    assert {(r["source"].split(":")[0], r["difference"]) for r in found} == {
        ("litellm", "-12,288 tokens"),
        ("models.dev", "-12,288 tokens"),
    }
    # A date only LiteLLM gives is listed as unconfirmed, not put in the book.
    mini = rows(result, "gpt-4.1-mini", "retires_on")
    assert [(r["other"], r["kind"]) for r in mini] == [("2027-01-14", "unconfirmed")]
    assert book.resolve("gpt-4.1-mini").lifecycle.retires_on is None
    # GPT-4.1 mini's prices agree everywhere: $0.40 / $0.10 / $1.60, batch $0.20 / $0.80.
    assert not [
        r
        for r in result["disagreements"]
        if r["model"] == "gpt-4.1-mini"
        and r["field"].startswith("price.")
        and not r["source"].startswith("genai-prices")
    ]


def test_batch_cached_input_is_labelled_a_convention(book, data: Path) -> None:
    result = audit(book, on=date(2026, 11, 26)).to_dict()
    found = rows(result, "gpt-4.1-mini", "batch.cached_input")
    # costlab bills batch cached input at the batch input price ($0.20); genai-prices keeps the
    # standard cached price ($0.10) through Batch: -50%, a convention, not an error.
    assert [(r["book"], r["other"], r["difference"], r["kind"]) for r in found] == [
        ("0.2", "0.1", "-50.0%", "convention")
    ]


def test_audit_text_output(cli, data: Path) -> None:
    result = cli(
        "prices",
        "audit",
        "--date",
        DAY,
        "--against",
        str(data / "litellm-model-prices-excerpt.json"),
    )
    assert result.code == 0, result.err
    assert result.out.startswith("price book: genai-prices ")
    line = next(
        x for x in result.out.splitlines() if x.startswith("gpt-4.1-mini") and "retires_on" in x
    )
    assert "2027-01-14" in line and "unconfirmed" in line
    assert "genai-prices models are not in the book (--json lists them):" in result.out
    assert "time-of-day prices" in result.out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"gpt-4": {"input_cost_per_token": 1e-06,', "not valid JSON: "),
        ("[1, 2, 3]", "neither LiteLLM's model_prices_and_context_window.json nor models.dev"),
        ('{"a": 1}', "neither LiteLLM's"),
    ],
)
def test_a_malformed_against_file_is_one_error_line(
    cli, tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    result = cli("prices", "audit", "--against", str(bad))
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: {bad}: {message}")
    assert result.err.count("\n") == 1


def test_a_missing_against_file_is_one_error_line(cli, tmp_path: Path) -> None:
    result = cli("prices", "audit", "--against", str(tmp_path / "nope.json"))
    assert result.code == 2 and result.err.count("\n") == 1


def test_against_needs_audit(cli, data: Path) -> None:
    result = cli("prices", "--against", str(data / "litellm-model-prices-excerpt.json"))
    assert result.code == 2
    assert "only with `costlab prices audit`" in result.err


def test_read_source_tells_the_formats_apart(data: Path) -> None:
    assert read_source(data / "litellm-model-prices-excerpt.json")[0] == "litellm"
    assert read_source(data / "models-dev-api-excerpt.json")[0] == "models.dev"
    with pytest.raises(CostlabError):
        read_source(data / "SOURCES.md")
