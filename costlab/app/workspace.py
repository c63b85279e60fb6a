"""The sidebar's workspace: the folder's scenarios and usage files, to load, and a save button."""

from __future__ import annotations

import streamlit as st

from costlab import limits, workspace
from costlab.app import state
from costlab.errors import CostlabError
from costlab.yaml_reader import decode_text

#: The Actuals page's session key for the usage file in use (name, text).
ACTUALS_FILE = "actuals_file"


def render_sidebar() -> None:
    """List the workspace (when ``COSTLAB_WORKSPACE`` names one); load and save scenarios."""
    try:
        folder = workspace.workspace_dir()
    except CostlabError as exc:
        st.sidebar.error(str(exc), icon=":material/error:")
        return
    if folder is None:
        return
    with st.sidebar:
        st.subheader("Workspace")
        st.caption(f"`{folder}`: scenarios and usage files, saved between sessions.")
        files = workspace.list_files(folder)
        scenarios = [f for f in files if f.kind == "scenario"]
        if scenarios:
            chosen = st.selectbox(
                "Scenario",
                scenarios,
                format_func=lambda f: f"{f.name} ({f.path.name})",
                key="workspace_scenario",
            )
            if chosen.problem:
                st.caption(f"Cannot load: {chosen.problem}")
            elif st.button("Load", key="workspace_load", width="stretch"):
                try:
                    state.replace(workspace.load_scenario_data(chosen.path))
                except CostlabError as exc:
                    st.error(str(exc), icon=":material/error:")
                else:
                    st.rerun()
        if st.button("Save the current scenario", key="workspace_save", width="stretch"):
            try:
                saved = workspace.save_scenario(folder, state.data())
            except CostlabError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.success(f"Saved {saved.name}")
        usage = [f for f in files if f.kind == "usage"]
        if usage:
            picked = st.selectbox(
                "Usage file", usage, format_func=lambda f: f.name, key="workspace_usage"
            )
            if st.button("Use on Actuals", key="workspace_use_usage", width="stretch"):
                try:
                    data = limits.read_bounded(picked.path, picked.name, kind="usage file")
                    st.session_state[ACTUALS_FILE] = (picked.name, decode_text(data, picked.name))
                except CostlabError as exc:
                    st.error(str(exc), icon=":material/error:")
