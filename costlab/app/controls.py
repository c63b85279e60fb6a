"""Scenario controls more than one page shows: the budget inputs, and load / save / share.

The Planner and the Forecast page both put them where the user needs them; each page passes
its own key prefix so the two sets of widgets never collide.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import streamlit as st

from costlab import scenario_io
from costlab.app import state
from costlab.app.shared import current_book
from costlab.errors import CostlabError
from costlab.scenario import parse_scenario
from costlab.yaml_reader import decode_text


def _cents(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def budget_inputs(data: dict[str, Any], prefix: str, columns: list[Any]) -> dict[str, Any]:
    """Monthly and total budget widgets in ``columns`` (two); ``data`` with the budget set."""
    gen = state.generation()
    budget = dict(data.get("budget") or {})
    monthly = columns[0].number_input(
        "Monthly budget $",
        0.0,
        None,
        float(budget.get("monthly", 0)),
        50.0,
        "%.2f",
        key=f"{prefix}g{gen}-monthly",
        help="0 = none",
    )
    total = columns[1].number_input(
        "Total budget $",
        0.0,
        None,
        float(budget.get("total", 0)),
        500.0,
        "%.2f",
        key=f"{prefix}g{gen}-total",
        help="over the whole horizon; 0 = none",
    )
    new = copy.deepcopy(data)
    new_budget = {}
    # An untouched widget keeps the file's exact amount.
    if monthly > 0:
        same = budget.get("monthly") is not None and float(budget["monthly"]) == monthly
        new_budget["monthly"] = budget["monthly"] if same else _cents(monthly)
    if total > 0:
        same = budget.get("total") is not None and float(budget["total"]) == total
        new_budget["total"] = budget["total"] if same else _cents(total)
    if new_budget:
        new["budget"] = new_budget
    else:
        new.pop("budget", None)
    return new


def load_save(data: dict[str, Any], upload_key: str) -> None:
    """Upload a scenario YAML (validated before it replaces anything), download this one."""
    c1, c2 = st.columns([1, 1])
    with c1:
        upload = st.file_uploader("Load a scenario (.yaml)", type=["yaml", "yml"], key=upload_key)
        done = f"{upload_key}_done"
        if upload is not None and st.session_state.get(done) != upload.file_id:
            st.session_state[done] = upload.file_id
            try:
                loaded = scenario_io.from_yaml(
                    decode_text(upload.getvalue(), upload.name), upload.name
                )
                parse_scenario(loaded, upload.name, book=current_book())
            except CostlabError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                state.replace(loaded)
                st.rerun()
    with c2:
        st.download_button(
            "Download scenario YAML",
            scenario_io.to_yaml(data),
            file_name=f"{data.get('name', 'scenario')}.yaml",
            mime="application/x-yaml",
            width="stretch",
            key=f"{upload_key}_download",
        )
        st.caption("Share: the page URL carries the scenario; copy it from the address bar.")
