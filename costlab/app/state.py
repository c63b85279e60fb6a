"""The scenario the pages share: plain YAML-able data in the session, parsed on demand.

The Planner edits it with widgets, Compare / Forecast / Actuals read it. It travels as YAML
(upload / download) and in the URL (``?scenario=...``, compressed JSON), so a link reproduces
what someone sees.
"""

from __future__ import annotations

import base64
import copy
import json
import zlib
from decimal import Decimal
from typing import Any

import streamlit as st
import yaml

from costlab.app.shared import current_book
from costlab.errors import CostlabError
from costlab.forecast import Forecast, forecast_scenario
from costlab.prices import PriceBook
from costlab.scenario import Scenario, parse_scenario
from costlab.yamlio import load_yaml

KEY = "scenario_data"
GENERATION = "scenario_generation"  # bumps when the data is replaced, so widgets reset
QUERY = "scenario"

#: The issue's support-bot example: what a new user sees first.
DEFAULT: dict[str, Any] = {
    "name": "support-bot",
    "start": "2027-01",
    "months": 12,
    "budget": {"monthly": Decimal("400")},
    "workloads": [
        {
            "name": "triage",
            "model": "gpt-4.1-mini",
            "requests_per_day": Decimal("20000"),
            "input_tokens": Decimal("1200"),
            "cached_input_share": Decimal("0.5"),
            "output_tokens": Decimal("150"),
            "retry_rate": Decimal("0.05"),
            "growth": Decimal("0.10"),
        }
    ],
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()[:7] if hasattr(value, "day") else value.isoformat()
    return value


def _decimals(value: Any) -> Any:
    """Numbers kept as decimal strings in JSON/URLs back to Decimal; other text untouched."""
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return number if number.is_finite() else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


_TEXT_FIELDS = {"name", "start", "model", "sample", "description", "detail"}


def _restore(value: Any, key: str = "") -> Any:
    """Undo :func:`_jsonable`: decimal strings back to numbers, except in text fields."""
    if isinstance(value, dict):
        return {k: _restore(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, key) for v in value]
    if key in _TEXT_FIELDS:
        return value
    return _decimals(value)


def to_yaml(data: dict[str, Any]) -> str:
    """The scenario as a YAML file (numbers written as numbers)."""

    def plain(value: Any) -> Any:
        value = _jsonable(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    def numbers(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: numbers(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [numbers(v, key) for v in value]
        if isinstance(value, str) and key not in _TEXT_FIELDS:
            number = Decimal(value)
            return int(number) if number == number.to_integral_value() else float(value)
        return value

    header = "# costlab scenario file: see the Scenario files section of costlab's README\n"
    return header + yaml.safe_dump(numbers(plain(data)), sort_keys=False, allow_unicode=True)


def from_yaml(text: str, where: str) -> dict[str, Any]:
    data = load_yaml(text, where)
    if not isinstance(data, dict):
        raise CostlabError("a scenario is a mapping with name, start, months and workloads", where)
    return _restore(json.loads(json.dumps(_jsonable(data))))


def encode(data: dict[str, Any]) -> str:
    raw = json.dumps(_jsonable(data), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode(token: str) -> dict[str, Any]:
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        data = json.loads(raw)
    except (ValueError, zlib.error):
        raise CostlabError("the shared link's scenario is damaged", "URL") from None
    if not isinstance(data, dict):
        raise CostlabError("the shared link's scenario is damaged", "URL")
    return _restore(data)


def init() -> None:
    """Seed the session: from the URL when it carries a scenario, else the example."""
    if KEY in st.session_state:
        return
    token = st.query_params.get(QUERY)
    data = DEFAULT
    if token:
        try:
            data = decode(token)
        except CostlabError as exc:
            st.error(str(exc), icon=":material/error:")
    st.session_state[KEY] = json.loads(json.dumps(_jsonable(data)))
    st.session_state[GENERATION] = 0


def data() -> dict[str, Any]:
    init()
    return _restore(st.session_state[KEY])


def replace(new: dict[str, Any], *, reset_widgets: bool = True) -> None:
    """Store new scenario data (and the URL); ``reset_widgets`` when it came from outside."""
    st.session_state[KEY] = json.loads(json.dumps(_jsonable(new)))
    if reset_widgets:
        st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    st.query_params[QUERY] = encode(new)


def with_horizon(data: dict[str, Any], months: int) -> tuple[dict[str, Any], list[str]]:
    """``data`` over ``months`` months; per-month growth lists are cut, or extended with their
    last rate, to ``months - 1`` rates (and the changes are described)."""
    new = copy.deepcopy(data)
    new["months"] = months
    notes = []
    for workload in new.get("workloads", []):
        rates = workload.get("growth")
        if isinstance(rates, list) and len(rates) != months - 1:
            last = rates[-1] if rates else Decimal(0)
            workload["growth"] = (rates + [last] * months)[: months - 1]
            notes.append(
                f"{workload.get('name')}: growth list {'cut' if len(rates) > months - 1 else 'extended with its last rate'} to {months - 1} rates"
            )
    return new, notes


def generation() -> int:
    return int(st.session_state.get(GENERATION, 0))


@st.cache_resource(show_spinner=False, max_entries=64)
def _parsed(key: str, _book: PriceBook, book_id: int) -> Scenario:
    return parse_scenario(_restore(json.loads(key)), "scenario", book=_book)


@st.cache_resource(show_spinner=False, max_entries=64)
def _forecast(key: str, _book: PriceBook, book_id: int) -> Forecast:
    return forecast_scenario(_parsed(key, _book, book_id), book=_book)


def scenario() -> Scenario:
    """The session's scenario, validated against the session's price book (cached)."""
    book = current_book()
    return _parsed(json.dumps(st.session_state[KEY], sort_keys=True), book, id(book))


def current_forecast() -> Forecast:
    init()
    book = current_book()
    return _forecast(json.dumps(st.session_state[KEY], sort_keys=True), book, id(book))
