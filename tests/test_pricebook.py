"""The price book: the shipped files load and read right; every bad file is refused in one line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml

from costlab.errors import CostlabError
from costlab.prices import load_pricebook, read_price_file, shipped_pricing_dir
from costlab.schemas import HERE as SCHEMA_DIR
from costlab.schemas import render

MODEL = """\
provider: acme
models:
  - id: acme-small
    name: Acme Small
    aliases: [acme-small-2026-01-01]
    context_window: 100000
    max_output_tokens: 8000
    input_modalities: [text]
    output_modalities: [text]
    price:
      effective_from: 2026-01-01
      source: https://acme.example/pricing
      input: 1.00
      output: 2.00
"""


def load_one(price_file, text: str) -> list:
    return read_price_file(price_file(text))


# --- the shipped book -------------------------------------------------------------------------


def test_gpt_41_mini_reads_exactly_as_published(book) -> None:
    model = book.resolve("gpt-4.1-mini")
    price = model.price_on(date(2026, 11, 26))
    assert (price.input, price.cached_input, price.output) == (
        Decimal("0.40"),
        Decimal("0.10"),
        Decimal("1.60"),
    )
    assert price.batch_discount == Decimal("0.5")
    assert model.context_window == 1_047_576
    assert model.max_output_tokens == 32_768
    assert model.knowledge_cutoff == date(2024, 6, 1)
    assert model.input_modalities == ("text", "image")
    assert model.output_modalities == ("text",)
    assert model.tokenizer == "o200k_base"
    ft = model.fine_tuning
    assert ft is not None
    assert (ft.training, ft.input, ft.cached_input, ft.output) == (
        Decimal("5.00"),
        Decimal("0.80"),
        Decimal("0.20"),
        Decimal("3.20"),
    )


def test_dated_snapshot_resolves_to_its_family(book) -> None:
    assert book.resolve("gpt-4.1-mini-2025-04-14").id == "gpt-4.1-mini"
    assert book.resolve("GPT-4.1-MINI").id == "gpt-4.1-mini"
    assert book.resolve("claude-sonnet-4-5").id == "claude-sonnet-4-5-20250929"


def test_every_alias_resolves_to_one_entry(book) -> None:
    owners: dict[str, str] = {}
    for model in book:
        for name in (model.id, *model.aliases):
            assert name.lower() not in owners, (
                f"{name} on {owners.get(name.lower())} and {model.id}"
            )
            owners[name.lower()] = model.id
            assert book.resolve(name).id == model.id


def test_o3_price_cut_takes_effect_on_its_date(book) -> None:
    o3 = book.resolve("o3")
    assert o3.price_on(date(2025, 6, 9)).input == Decimal("10.00")
    assert o3.price_on(date(2025, 6, 9)).output == Decimal("40.00")
    assert o3.price_on(date(2025, 6, 10)).input == Decimal("2.00")
    assert o3.price_on(date(2025, 6, 10)).output == Decimal("8.00")
    with pytest.raises(CostlabError, match="no price on 2025-01-01"):
        o3.price_on(date(2025, 1, 1))


def test_required_coverage(book) -> None:
    for name in [
        "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini",
        "gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5.4", "gpt-5.5", "gpt-3.5-turbo",
        "claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5",
        "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "openai/gpt-oss-120b",
    ]:  # fmt: skip
        assert name in book, name
    assert {"openai", "anthropic", "google", "groq"} <= set(book.providers)


def test_long_context_tiers_and_cache_writes_are_in_the_book(book) -> None:
    pro = book.resolve("gemini-2.5-pro").price_on(date(2026, 11, 26))
    assert [(t.above_input_tokens, t.input, t.output) for t in pro.tiers] == [
        (200_000, Decimal("2.50"), Decimal("15.00"))
    ]
    gpt54 = book.resolve("gpt-5.4").price_on(date(2026, 11, 26))
    assert gpt54.tiers[0].above_input_tokens == 272_000
    assert (gpt54.tiers[0].input, gpt54.tiers[0].output) == (Decimal("5.00"), Decimal("22.50"))
    haiku = book.resolve("claude-haiku-4-5").price_on(date(2026, 11, 26))
    assert (haiku.cache_write, haiku.cache_write_1h) == (Decimal("1.25"), Decimal("2.00"))


def test_every_price_is_dated_and_sourced(book) -> None:
    for model in book:
        for entry in model.prices:
            assert entry.source.strip()
            assert isinstance(entry.effective_from, date)


def test_lifecycle_status_on_a_date(book) -> None:
    sonnet = book.resolve("claude-sonnet-4-5")
    assert sonnet.status_on(date(2026, 9, 1)) == "active"
    assert sonnet.status_on(date(2026, 10, 1)) == "deprecated"
    assert sonnet.status_on(date(2026, 11, 30)) == "retired"


def test_fine_tuned_ids_get_the_fine_tuned_prices(book) -> None:
    model = book.resolve("ft:gpt-4.1-mini-2025-04-14:acme::abc123")
    price = model.prices[0]
    assert (price.input, price.cached_input, price.output) == (
        Decimal("0.80"),
        Decimal("0.20"),
        Decimal("3.20"),
    )


def test_unknown_model_suggests_the_closest_ids(book) -> None:
    with pytest.raises(CostlabError) as err:
        book.resolve("gpt-4.1-mnii")
    assert str(err.value).startswith("model 'gpt-4.1-mnii': unknown model; closest: gpt-4.1-mini")


# --- the schema ---------------------------------------------------------------------------------


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_shipped_schema_is_generated_from_the_types() -> None:
    shipped = (SCHEMA_DIR / "pricebook.schema.json").read_text(encoding="utf-8")
    assert shipped == render("pricebook.schema.json"), "run `python -m costlab.schemas`"


@pytest.mark.parametrize("path", sorted(shipped_pricing_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_files_validate_against_the_schema(path: Path) -> None:
    schema = json.loads((SCHEMA_DIR / "pricebook.schema.json").read_text(encoding="utf-8"))
    data = _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_schema_refuses_what_the_loader_refuses() -> None:
    schema = json.loads((SCHEMA_DIR / "pricebook.schema.json").read_text(encoding="utf-8"))
    data = _jsonable(yaml.safe_load(MODEL))
    data["models"][0]["price"]["input"] = -1  # type: ignore[index]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


# --- refusals: one line naming file, model and field ---------------------------------------------


def refusal(price_file, text: str, name: str = "custom.yaml") -> str:
    path = price_file(text, name)
    with pytest.raises(CostlabError) as err:
        read_price_file(path)
    message = str(err.value)
    assert "\n" not in message
    return message


def test_a_valid_file_loads(price_file) -> None:
    (model,) = load_one(price_file, MODEL)
    assert model.id == "acme-small"
    assert model.provider == "acme"
    assert model.price_on(date(2026, 6, 1)).input == Decimal("1.00")


def test_negative_price_names_file_model_and_field(price_file) -> None:
    message = refusal(price_file, MODEL.replace("input: 1.00", "input: -0.40"))
    assert message.startswith("custom.yaml: acme-small: price.input: must be >= 0")
    assert message.endswith("(line 13)")  # the line of `input:` in MODEL


def test_unknown_field_is_refused_with_a_suggestion(price_file) -> None:
    message = refusal(price_file, MODEL.replace("output: 2.00", "outptu: 2.00"))
    assert message.startswith(
        "custom.yaml: acme-small: price.outptu: unknown field (did you mean 'output'?)"
    )


def test_missing_source_is_refused(price_file) -> None:
    message = refusal(price_file, MODEL.replace("      source: https://acme.example/pricing\n", ""))
    assert message.startswith("custom.yaml: acme-small: price.source: required field is missing")


def test_empty_source_is_refused(price_file) -> None:
    message = refusal(price_file, MODEL.replace("https://acme.example/pricing", '" "'))
    assert message.startswith("custom.yaml: acme-small: price.source:")


def test_yaml_syntax_error_names_the_line(price_file) -> None:
    message = refusal(price_file, MODEL.replace("input: 1.00", "input: [1.00"))
    assert message.startswith("custom.yaml: line ")
    assert "YAML syntax error" in message


def test_duplicate_id_in_one_file(price_file) -> None:
    doubled = MODEL + MODEL.split("models:\n", 1)[1].replace("acme-small-2026-01-01", "other")
    message = refusal(price_file, doubled)
    assert message == "custom.yaml: acme-small: id: duplicate id in this file"


def test_duplicate_alias_across_models(price_file) -> None:
    second = MODEL.split("models:\n", 1)[1].replace("id: acme-small", "id: acme-large")
    path = price_file(MODEL + second)
    with pytest.raises(CostlabError) as err:
        load_pricebook([path], use_env=False)
    assert "acme-large: aliases: 'acme-small-2026-01-01' is already taken by acme-small" in str(
        err.value
    )


def test_alias_that_takes_a_shipped_id_is_refused(price_file) -> None:
    path = price_file(MODEL.replace("[acme-small-2026-01-01]", "[gpt-4o]"))
    with pytest.raises(
        CostlabError, match="acme-small: aliases: 'gpt-4o' is already taken by gpt-4o"
    ):
        load_pricebook([path], use_env=False)


def test_duplicate_key_in_a_mapping_is_refused(price_file) -> None:
    message = refusal(price_file, MODEL.replace("output: 2.00", "output: 2.00\n      output: 3.00"))
    assert "duplicate key 'output'" in message


def test_wrong_type_is_refused(price_file) -> None:
    message = refusal(price_file, MODEL.replace("context_window: 100000", "context_window: lots"))
    assert message.startswith(
        "custom.yaml: acme-small: context_window: must be a whole number, got 'lots'"
    )


def test_batch_discount_above_one_is_refused(price_file) -> None:
    text = MODEL.replace("output: 2.00", "output: 2.00\n      batch_discount: 1.5")
    assert "price.batch_discount: must be <= 1" in refusal(price_file, text)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(CostlabError, match=r"prices\.yaml: binary data"):
        read_price_file(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CostlabError, match=r"no such price file or folder"):
        load_pricebook([tmp_path / "nope.yaml"], use_env=False)


def test_a_list_instead_of_a_file_mapping_is_refused(price_file) -> None:
    assert "a price file is a mapping" in refusal(price_file, "- just\n- a list\n")


def test_price_history_items_are_named_by_index(price_file) -> None:
    text = MODEL.replace(
        "    price:\n      effective_from: 2026-01-01\n      source: https://acme.example/pricing\n"
        "      input: 1.00\n      output: 2.00\n",
        "    price:\n      - effective_from: 2026-01-01\n        source: s\n        input: 1.00\n"
        "        output: 2.00\n      - effective_from: 2026-03-01\n        source: s\n"
        "        input: 0.50\n        output: -1\n",
    )
    assert "acme-small: price[1].output: must be >= 0" in refusal(price_file, text)


# --- layering user files -----------------------------------------------------------------------


def test_user_file_overrides_by_id_and_keeps_the_rest(price_file) -> None:
    path = price_file(
        """\
        provider: openai
        models:
          - id: gpt-4.1-mini
            price:
              effective_from: 2026-01-01
              source: contract 2026-001 (negotiated 20% off)
              input: 0.32
              cached_input: 0.08
              output: 1.28
              batch_discount: 0.5
        """
    )
    layered = load_pricebook([path], use_env=False)
    model = layered.resolve("gpt-4.1-mini-2025-04-14")
    assert model.price_on(date(2026, 6, 1)).input == Decimal("0.32")
    assert model.context_window == 1_047_576  # not given: kept from the shipped entry
    assert model.source_file.endswith("custom.yaml")
    assert load_pricebook(use_env=False).resolve("gpt-4.1-mini").price_on(
        date(2026, 6, 1)
    ).input == Decimal("0.40")


def test_env_var_adds_a_folder_of_files(price_file, monkeypatch: pytest.MonkeyPatch) -> None:
    path = price_file(MODEL, "acme.yaml")
    monkeypatch.setenv("COSTLAB_PRICES", str(path.parent))
    book = load_pricebook()
    assert book.resolve("acme-small-2026-01-01").id == "acme-small"


def test_error_in_a_user_file_names_that_file(price_file) -> None:
    path = price_file(MODEL.replace("output: 2.00", "output: -2"), "mine.yaml")
    with pytest.raises(CostlabError) as err:
        load_pricebook([path], use_env=False)
    assert "mine.yaml: acme-small: price.output: must be >= 0" in str(err.value)
