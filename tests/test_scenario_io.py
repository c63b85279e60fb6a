"""costlab.scenario_io: a scenario's YAML file and link token, and the link's bounds."""

from __future__ import annotations

import base64
import json
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from costlab.errors import CostlabError
from costlab.scenario import parse_scenario
from costlab.scenario_io import (
    MAX_TOKEN_CHARS,
    from_link_token,
    from_yaml,
    to_link_token,
    to_yaml,
)

ROOT = Path(__file__).resolve().parent.parent


def _token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


@pytest.mark.parametrize("example", ["support-bot.yaml", "router.yaml", "launch-ranges.yaml"])
def test_an_example_survives_yaml_and_the_link(example: str) -> None:
    data = from_yaml((ROOT / "examples" / example).read_text(encoding="utf-8"), example)
    assert from_yaml(to_yaml(data), "again.yaml") == data
    assert from_link_token(to_link_token(data)) == data
    parse_scenario(from_link_token(to_link_token(data)), "link")  # still a valid scenario


def test_numbers_stay_exact_and_names_stay_text() -> None:
    data = {
        "name": "2027",
        "start": "2027-01",
        "months": Decimal(12),
        "workloads": [
            {"name": "1e3", "model": "gpt-4.1-mini", "cached_input_share": Decimal("0.333")}
        ],
    }
    back = from_link_token(to_link_token(data))
    assert back["name"] == "2027" and back["workloads"][0]["name"] == "1e3"
    assert back["workloads"][0]["cached_input_share"] == Decimal("0.333")
    assert "cached_input_share: 0.333" in to_yaml(data)


def test_a_yaml_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(CostlabError, match=r"list\.yaml: a scenario is a mapping"):
        from_yaml("- 1\n- 2\n", "list.yaml")


def test_a_too_long_token_is_refused_before_decoding() -> None:
    with pytest.raises(CostlabError, match="too long"):
        from_link_token("A" * (MAX_TOKEN_CHARS + 1))


def test_a_zip_bomb_is_refused() -> None:
    bomb = _token(b'{"name":"' + b"a" * 20_000_000 + b'"}')
    assert len(bomb) < MAX_TOKEN_CHARS  # small on the wire, 20 MB inflated
    with pytest.raises(CostlabError, match="expands past"):
        from_link_token(bomb)


def test_a_number_past_the_limits_in_a_link_stays_text_and_small() -> None:
    # "1e999999999" became a Decimal whose plain form (the session's copy, the YAML download)
    # is a billion characters: 60 characters of URL cost gigabytes and seconds to minutes
    data = {"name": "x", "start": "2027-01", "months": "1e999999999", "workloads": []}
    restored = from_link_token(_token(json.dumps(data).encode()))
    assert restored["months"] == "1e999999999"
    assert "months: 1e999999999" in to_yaml(restored)
    with pytest.raises(CostlabError, match="months: a number of magnitude 1e999999999"):
        parse_scenario(restored, "URL")


def test_deep_nesting_is_refused() -> None:
    deep = _token(b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}")
    with pytest.raises(CostlabError, match="nests deeper"):
        from_link_token(deep)


@pytest.mark.parametrize(
    "token", ["not base64 !!", _token(b"[1, 2]"), _token(b"{oops"), "eJzLSM3JyQ"]
)
def test_a_damaged_token_is_one_error_naming_the_url(token: str) -> None:
    with pytest.raises(CostlabError, match=r"^URL: the shared link.s scenario"):
        from_link_token(token)


def test_the_plain_form_is_json() -> None:
    data = {"name": "x", "months": Decimal("12")}
    assert (
        json.loads(
            json.dumps(
                json.loads(zlib.decompress(base64.urlsafe_b64decode(to_link_token(data) + "==")))
            )
        )["months"]
        == "12"
    )
