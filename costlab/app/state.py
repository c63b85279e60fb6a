"""The scenario the pages share: plain YAML-able data in the session, parsed on demand.

The Planner edits it with widgets, Compare / Forecast / Actuals read it. It travels as YAML
(upload / download) and in the URL (``?scenario=...``, compressed JSON), so a link reproduces
what someone sees.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import streamlit as st

from costlab import scenario_io
from costlab.app.shared import current_book
from costlab.errors import CostlabError
from costlab.forecast import Forecast, forecast_scenario
from costlab.prices import PriceBook
from costlab.scenario import Scenario, parse_scenario

KEY = "scenario_data"
GENERATION = "scenario_generation"  # bumps when the data is replaced, so widgets reset
QUERY = "scenario"
IDS = "workload_ids"  # stable widget ids of the workloads, in the scenario's order
_NEXT_ID = "workload_next_id"

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


def encode(data: dict[str, Any]) -> str:
    """The scenario as the URL's ``?scenario=`` token (see :mod:`costlab.scenario_io`)."""
    return scenario_io.to_link_token(data)


def _stored(data: dict[str, Any]) -> Any:
    return scenario_io.to_plain_json(data)


def _restored(stored: Any) -> dict[str, Any]:
    restored: dict[str, Any] = scenario_io.from_plain_json(stored)
    return restored


_DEFAULT_TOKEN = scenario_io.to_link_token(DEFAULT)


def init() -> None:
    """Seed the session: from the URL when it carries a scenario, else the example."""
    if KEY in st.session_state:
        return
    token = st.query_params.get(QUERY)
    data = DEFAULT
    if token:
        try:
            data = scenario_io.from_link_token(token)
        except CostlabError as exc:
            st.error(str(exc), icon=":material/error:")
    st.session_state[KEY] = _stored(data)
    st.session_state[GENERATION] = 0


def data() -> dict[str, Any]:
    init()
    return _restored(st.session_state[KEY])


def new_workload_id() -> str:
    """An id no other workload of this session has had: widget keys hang off it, so removing
    one workload never hands its widgets (and values) to another."""
    number = int(st.session_state.get(_NEXT_ID, 0))
    st.session_state[_NEXT_ID] = number + 1
    return f"w{number}"


def workload_ids() -> list[str]:
    """One stable id per workload of the session's scenario, in order."""
    init()
    count = len(st.session_state[KEY].get("workloads") or [])
    ids = list(st.session_state.get(IDS, []))
    if len(ids) != count:
        ids = [new_workload_id() for _ in range(count)]
        st.session_state[IDS] = ids
    return ids


def replace(
    new: dict[str, Any], *, reset_widgets: bool = True, ids: list[str] | None = None
) -> None:
    """Store new scenario data (and the URL); ``reset_widgets`` when it came from outside.

    ``ids`` are the workloads' stable ids when the planner added or removed one; otherwise
    the ids stay (same workloads) or, with ``reset_widgets``, start afresh.
    """
    st.session_state[KEY] = _stored(new)
    if reset_widgets:
        st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
        st.session_state.pop(IDS, None)
    if ids is not None:
        st.session_state[IDS] = list(ids)
    sync_url()


def sync_url() -> None:
    """Put the session's scenario in the URL (``?scenario=``) on whatever page is open.

    Streamlit drops query parameters when the user switches pages; the entry point calls this
    on every run so reload, back/forward and a copied link keep the scenario. A new session
    still on the example scenario keeps a clean URL.
    """
    if KEY not in st.session_state:
        return
    token = encode(_restored(st.session_state[KEY]))
    if st.query_params.get(QUERY) == token:
        return
    if QUERY in st.query_params or token != _DEFAULT_TOKEN:
        st.query_params[QUERY] = token


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
    return parse_scenario(_restored(json.loads(key)), "scenario", book=_book)


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
