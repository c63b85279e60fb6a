"""The layered price book: genai-prices under costlab's curated YAML under the user's files.

Expected prices come from genai-prices' own calculator (an independent implementation) and from
the curated files' published figures; no test touches the network.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest

from costlab.cost import price_usage
from costlab.errors import CostlabError
from costlab.prices import load_pricebook, upstream, upstream_build
from costlab.prices import loading as loading_module
from costlab.usage import Usage

ROOT = Path(__file__).resolve().parent.parent

#: The makers and the cloud resellers whose every model must resolve (or be left out, saying why).
PROVIDERS = (
    "openai",
    "anthropic",
    "google",
    "x-ai",
    "deepseek",
    "mistral",
    "groq",
    "aws",
    "azure",
    "together",
    "fireworks",
    "openrouter",
)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket opened while these tests run fails them: the book needs no network."""

    class Refused(socket.socket):  # a class, so that modules subclassing socket still import
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("the price book tried to open a network connection")

    monkeypatch.setattr(socket, "socket", Refused)
    monkeypatch.setattr(socket, "create_connection", Refused)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder and no index loaded in this process yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(upstream, "_loaded", {})
    monkeypatch.setattr(loading_module, "_cache", {})
    return tmp_path / "cache" / "costlab"


def genai_providers() -> dict[str, object]:
    import genai_prices.data

    return {p.id: p for p in genai_prices.data.providers}


# --- layering --------------------------------------------------------------------------------


def test_curated_figures_win_over_upstream(book) -> None:
    mini = book.resolve("gpt-4.1-mini")
    price = mini.price_on(date(2026, 11, 26))
    assert (price.input, price.cached_input, price.output) == (
        Decimal("0.40"),
        Decimal("0.10"),
        Decimal("1.60"),
    )
    assert price.batch_discount == Decimal("0.5")
    assert (mini.context_window, mini.max_output_tokens) == (1_047_576, 32_768)
    assert mini.knowledge_cutoff == date(2024, 6, 1)
    assert mini.origin("price") == "pricing/openai.yaml"
    assert book.resolve("openai/gpt-4.1-mini") is mini
    assert book.resolve("azure/gpt-4.1-mini") is mini  # Azure serves OpenAI's models


def test_upstream_fills_what_the_curated_book_lacks(book) -> None:
    gpt4 = book.resolve("gpt-4")
    version = upstream.installed_version()
    assert gpt4.provider == "openai"
    assert gpt4.origin("price") == f"genai-prices {version}"
    assert gpt4.tokenizer == "cl100k_base"  # tiktoken's map, so counts stay exact
    # OpenAI's published GPT-4 price: $30 / $60 per 1M tokens.
    assert (gpt4.current_price.input, gpt4.current_price.output) == (Decimal(30), Decimal(60))


def test_a_user_file_overrides_an_upstream_model_field_by_field(price_file) -> None:
    path = price_file(
        """\
        provider: openai
        models:
          - id: gpt-4
            price:
              effective_from: 2026-01-01
              source: our contract
              input: 20.00
              output: 40.00
        """
    )
    book = load_pricebook(path)
    gpt4 = book.resolve("gpt-4")
    assert gpt4.price_on(date(2026, 6, 1)).input == Decimal("20.00")
    assert gpt4.origin("price") == "custom.yaml"
    assert gpt4.origin("context_window") == f"genai-prices {upstream.installed_version()}"
    assert gpt4.context_window == 8192
    assert book.fingerprint.endswith(" + user:custom.yaml")


def test_fingerprint_names_every_layer(book) -> None:
    parts = book.fingerprint.split(" + ")
    assert parts[0] == f"genai-prices {upstream.installed_version()}"
    assert parts[1].startswith("costlab-curated ") and len(parts[1].split()[1]) == 8


def test_the_curated_layer_alone_has_no_upstream_models() -> None:
    curated = load_pricebook(use_env=False, upstream=False)
    assert curated.fingerprint.startswith("costlab-curated ")
    with pytest.raises(CostlabError, match="unknown model"):
        curated.resolve("gpt-4")


# --- coverage --------------------------------------------------------------------------------


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_every_upstream_model_resolves_or_is_left_out_with_a_reason(book, provider_id) -> None:
    provider = genai_providers()[provider_id]
    left_out = {(x.provider, x.id): x.reason for x in book.upstream.left_out}
    for info in provider.models:  # type: ignore[attr-defined]
        if (provider_id, info.id) in left_out:
            assert left_out[provider_id, info.id]
            continue
        model = book.resolve(f"{provider_id}/{info.id}")
        assert model.id, info.id
        if provider_id == "openrouter":  # OpenRouter's `maker/model` names need its prefix
            continue
        assert book.resolve(info.id).current_price.input is not None
        for clause in getattr(info.match, "or_", [info.match]):
            if type(clause).__name__ == "ClauseEquals":  # dated snapshots and other API names
                book.resolve(clause.equals)


def test_old_models_and_dated_snapshots_resolve(book) -> None:
    for name in (
        "gpt-4",
        "gpt-4-turbo",
        "gpt-4-0613",
        "gpt-3.5-turbo-0125",
        "claude-3-opus-20240229",
        "claude-3-haiku-20240307",
        "claude-3-5-haiku-20241022",
    ):
        assert book.resolve(name).current_price.output > 0, name


def test_upstream_prices_match_genai_prices_own_calculator(book) -> None:
    """costlab's rate engine on the converted data gives genai-prices' own total, to the cent
    of a cent, for every priced model of the providers above (tiers included)."""
    from genai_prices.types import Usage as GenaiUsage

    now = datetime.now(tz=UTC)
    left_out = {(x.provider, x.id) for x in book.upstream.left_out}
    providers = genai_providers()
    checked = 0
    for provider_id in PROVIDERS:
        provider = providers[provider_id]
        for info in provider.models:  # type: ignore[attr-defined]
            if (provider_id, info.id) in left_out:
                continue
            model = book.upstream.lookup_in(provider_id, info.id)
            assert model is not None, info.id
            if model.current_price.per_unit_only:
                # billed per character, minute or call only: tokens are refused, not $0
                with pytest.raises(CostlabError, match="not per token"):
                    price_usage(model, Usage(input_tokens=1_000))
                continue
            batch_prices = model.current_price.batch_discount is not None
            for inp, batch in product((1_000, 300_000), (False, True)):
                if batch and not batch_prices:
                    continue
                usage = Usage(
                    input_tokens=inp, cached_input_tokens=inp // 4, output_tokens=500, batch=batch
                )
                theirs = info.calc_price(
                    GenaiUsage(input_tokens=inp, cache_read_tokens=inp // 4, output_tokens=500),
                    provider,
                    genai_request_timestamp=now,
                    price_context={"processing": "batch"} if batch else None,
                ).total_price
                ours = price_usage(model, usage).total_cost
                assert abs(ours - theirs) < Decimal("0.000001"), (provider_id, info.id, inp, batch)
                checked += 1
    assert checked > 1000


def test_time_of_day_prices_are_left_out_with_a_reason(book) -> None:
    reasons = {x.id: x.reason for x in book.upstream.left_out if x.provider == "deepseek"}
    assert any("time-of-day" in r for r in reasons.values())


# --- provider-prefixed names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("openai/gpt-4", "openai"),
        ("anthropic/claude-3-haiku-20240307", "anthropic"),
        ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "aws"),
        ("bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0", "aws"),
        ("vertex_ai/gemini-2.5-pro", "google"),
        ("gemini/gemini-1.5-pro", "google"),
        ("xai/grok-4", "x-ai"),
        ("openrouter/openai/gpt-4o", "openrouter"),
    ],
)
def test_provider_prefixed_names_resolve(book, name: str, provider: str) -> None:
    assert book.resolve(name).provider == provider


def test_an_unknown_prefixed_name_suggests_that_providers_ids(book) -> None:
    with pytest.raises(CostlabError) as caught:
        book.resolve("azure/gpt-4o-mni")
    message = str(caught.value)
    assert message.startswith("model 'azure/gpt-4o-mni': unknown model; closest: azure/")


def test_a_host_copy_of_another_makers_model_keeps_its_own_price(book) -> None:
    # OpenRouter's `deepseek/...` names are OpenRouter's prices, reachable under its prefix only.
    with pytest.raises(CostlabError, match="unknown model"):
        book.resolve("deepseek/deepseek-chat")


# --- the cached index ------------------------------------------------------------------------


def test_index_is_built_once_per_version_and_then_read_from_the_cache(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = upstream.load_upstream()
    assert index is not None
    files = list(fresh_cache.glob("genai-prices-*.json"))
    assert [f.name for f in files] == [upstream.cache_path(index.version).name]
    assert json.loads(files[0].read_text())["version"] == index.version

    def no_build() -> dict[str, object]:
        raise AssertionError("rebuilt although the cache holds this version")

    monkeypatch.setattr(upstream_build, "build_index", no_build)
    monkeypatch.setattr(upstream, "_loaded", {})
    again = upstream.load_upstream()
    assert again is not None and again.lookup("gpt-4") is not None


def test_a_cache_for_another_version_is_not_read(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream.load_upstream()
    monkeypatch.setattr(upstream, "installed_version", lambda: "9.9.9")
    monkeypatch.setattr(upstream, "_loaded", {})
    index = upstream.load_upstream()
    assert index is not None
    assert upstream.cache_path("9.9.9").exists()


def test_an_unwritable_cache_keeps_the_index_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(upstream, "_loaded", {})
    index = upstream.load_upstream()
    assert index is not None and index.lookup("gpt-4") is not None


def test_resolving_one_model_builds_only_that_model(fresh_cache: Path) -> None:
    book = load_pricebook(use_env=False)
    book.resolve("gpt-4")
    assert book.upstream is not None
    assert len(book.upstream._built) < 100  # the curated models' pairs and gpt-4, not ~2,000


# --- the command line ------------------------------------------------------------------------


def test_estimate_prices_an_upstream_model(cli) -> None:
    result = cli("estimate", "--model", "gpt-4", "--input-tokens", "1000", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["total_cost"] == "0.03"  # 1,000 tokens x $30/1M
    assert data["price_book"].startswith("genai-prices ")


def test_prices_model_shows_each_fields_layer(cli) -> None:
    result = cli("prices", "--model", "gpt-4", "--json")
    data = json.loads(result.out)
    version = upstream.installed_version()
    assert data["provenance"]["price"] == f"genai-prices {version}"
    assert data["max_output_tokens"] is None  # genai-prices gives none; not invented
    assert data["price_book"].startswith(f"genai-prices {version} + costlab-curated ")
    text = cli("prices", "--model", "gpt-4.1-mini").out
    assert "    price              pricing/openai.yaml" in text
    assert "  price book         genai-prices " in text


def test_prices_lists_a_provider_only_upstream_covers(cli) -> None:
    result = cli("prices", "--provider", "azure", "--json")
    assert result.code == 0, result.err
    assert {m["provider"] for m in json.loads(result.out)} == {"azure"}


def test_building_the_index_uses_no_network_and_no_http_client(tmp_path: Path) -> None:
    """A fresh process with an empty cache, sockets refused: the index builds, genai-prices'
    updater never starts and its HTTP client is never imported."""
    import subprocess
    import sys

    code = (
        "import socket, sys\n"
        "class Refused(socket.socket):\n"
        "    def __init__(self, *a, **k): raise SystemExit('network used')\n"
        "socket.socket = Refused\n"
        "socket.create_connection = Refused\n"
        "from costlab.prices import load_pricebook\n"
        "assert load_pricebook(use_env=False).resolve('gpt-4').id == 'gpt-4'\n"
        "assert 'httpx' not in sys.modules, 'httpx imported'\n"
        "print('ok')\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.stdout == "ok\n", proc.stderr
    assert list((tmp_path / "costlab").glob("genai-prices-*.json"))


def test_a_hosts_copy_named_after_another_provider_is_spelled_with_the_host(book) -> None:
    # Avian serves `deepseek/deepseek-v3.2`; that name means DeepSeek's own model, and Avian's
    # copy is `avian/deepseek/deepseek-v3.2`.
    assert book.resolve("deepseek/deepseek-v3.2").provider == "deepseek"
    avian = book.resolve("avian/deepseek/deepseek-v3.2")
    assert (avian.id, avian.provider) == ("avian/deepseek/deepseek-v3.2", "avian")


def test_upstream_deprecation_without_a_date_reads_deprecated(cli) -> None:
    result = cli("prices", "--model", "avian/deepseek/deepseek-v3.2", "--date", "2026-11-26")
    assert "  status on 2026-11-26  deprecated" in result.out
    assert "  lifecycle          deprecated (no date given)" in result.out


def test_every_priced_output_names_the_price_book(book) -> None:
    """A finance reviewer can tell which book produced a number: forecasts, actuals and their
    exports carry the book's fingerprint."""
    from costlab.actuals import load_actuals
    from costlab.forecast import forecast_scenario
    from costlab.scenario import load_scenario

    fc = forecast_scenario(
        load_scenario(ROOT / "examples" / "support-bot.yaml", book=book), book=book
    )
    assert fc.price_book == book.fingerprint
    assert fc.to_dict(lines=False)["price_book"] == book.fingerprint
    assert list(fc.tables()["budget"]["price_book"]) == [book.fingerprint]
    actuals = load_actuals(ROOT / "examples" / "usage.csv", book=book)
    assert actuals.to_dict()["price_book"] == book.fingerprint
