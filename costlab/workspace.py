"""A workspace: a folder of scenario and usage files that the dashboard lists, loads and saves.

Finance keeps versions of a plan between sessions without a database: `costlab app DIR` (or
``make run``, on ``./workspace``) opens a folder; every ``*.yaml`` in it that is a scenario and
every usage export (``*.csv``, ``*.json``) is listed; the current scenario is saved there as a
diff-friendly YAML file (written to a temporary file and renamed, so a failed save leaves the
previous version whole).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> path = save_scenario(folder, {"name": "support bot", "start": "2027-01", "months": 1,
...     "workloads": [{"name": "t", "model": "gpt-4.1-mini", "requests_per_day": 1,
...     "input_tokens": 1}]})
>>> path.name, [f.name for f in list_files(folder)]
('support-bot.yaml', ['support bot'])
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from costlab import scenario_io
from costlab.errors import CostlabError
from costlab.export import atomic_write
from costlab.records import frozen
from costlab.yaml_reader import read_text

#: The environment variable that names the dashboard's workspace folder.
ENV = "COSTLAB_WORKSPACE"

Kind = Literal["scenario", "usage"]


@frozen
class WorkspaceFile:
    """One file of a workspace."""

    path: Path
    kind: Kind
    name: str
    """a scenario's own name; a usage file's file name"""
    problem: str | None = None
    """why a YAML file cannot be loaded as a scenario (it is listed all the same)"""


def workspace_dir() -> Path | None:
    """The folder ``COSTLAB_WORKSPACE`` names, created when missing; None when unset."""
    named = os.environ.get(ENV, "").strip()
    if not named:
        return None
    folder = Path(named).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CostlabError(
            f"cannot use as a workspace: {exc.strerror or exc}", str(folder)
        ) from None
    if not folder.is_dir():
        raise CostlabError("not a folder", str(folder))
    return folder


def list_files(folder: Path) -> list[WorkspaceFile]:
    """Scenarios (by their names) and usage files in ``folder``, sorted by kind and name."""
    found: list[WorkspaceFile] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            try:
                data = load_scenario_data(path)
            except CostlabError as exc:
                found.append(WorkspaceFile(path, "scenario", path.stem, str(exc)))
                continue
            found.append(WorkspaceFile(path, "scenario", str(data.get("name") or path.stem)))
        elif suffix in (".csv", ".tsv", ".json"):
            found.append(WorkspaceFile(path, "usage", path.name))
    return sorted(found, key=lambda f: (f.kind, f.name.lower()))


def load_scenario_data(path: Path) -> dict[str, Any]:
    """A scenario file's data (plain values, as the dashboard keeps it)."""
    data = scenario_io.from_yaml(read_text(path, "scenario file"), path.name)
    if "workloads" not in data:
        raise CostlabError("not a scenario: no workloads", path.name)
    return data


def file_name(data: dict[str, Any]) -> str:
    """``support-bot.yaml`` for a scenario named "support bot"."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", str(data.get("name") or "scenario")).strip("-.")
    return f"{stem or 'scenario'}.yaml"


def save_scenario(folder: Path, data: dict[str, Any], name: str | None = None) -> Path:
    """Write the scenario as YAML into ``folder`` (replacing a file of the same name whole)."""
    path = folder / (name or file_name(data))
    text = scenario_io.to_yaml(data)
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return path
