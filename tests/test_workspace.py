"""The workspace: a folder of scenarios and usage files the dashboard lists, loads and saves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from costlab import workspace

ROOT = Path(__file__).resolve().parent.parent


def test_the_sidebar_saves_the_scenario_and_loads_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "examples" / "router.yaml", tmp_path / "router.yaml")
    shutil.copy(ROOT / "examples" / "usage.csv", tmp_path / "usage.csv")
    (tmp_path / "notes.yaml").write_text("just: notes\n")
    monkeypatch.setenv(workspace.ENV, str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    save = next(b for b in at.sidebar.button if b.label == "Save the current scenario")
    save.click().run()
    saved = tmp_path / "support-bot.yaml"  # the default scenario, named support-bot
    assert workspace.load_scenario_data(saved)["workloads"][0]["model"] == "gpt-4.1-mini"
    names = [f.name for f in workspace.list_files(tmp_path)]
    assert names == ["notes", "support-bot", "support-router", "usage.csv"]
    problem = next(f for f in workspace.list_files(tmp_path) if f.name == "notes").problem
    assert problem is not None and "workloads" in problem

    picker = at.sidebar.selectbox(key="workspace_scenario")
    router = next(f for f in picker.options if "router.yaml" in str(f))
    picker.set_value(router).run()
    next(b for b in at.sidebar.button if b.label == "Load").click().run()
    assert not at.exception
    assert "support-router" in str(at.session_state["scenario_data"])
