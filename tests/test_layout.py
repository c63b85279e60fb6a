"""The code's shape: one-way imports, modules of one job, a library that needs no UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "costlab"

#: A module longer than this is doing more than one job (issue 9).
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """costlab modules ``path`` imports anywhere (function bodies included), as written."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(n for n in names if n in modules)
    return found


def test_no_import_cycle_in_costlab() -> None:
    modules = _modules()
    # costlab/__init__.py re-exports the public API lazily (importlib inside __getattr__);
    # nothing in costlab imports it for a name, so it is left out of the graph.
    graph = {
        name: _imports(path, modules) - {"costlab"}
        for name, path in modules.items()
        if name != "costlab"
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_the_core_imports_no_ui_and_pages_are_the_only_streamlit_users() -> None:
    modules = _modules()
    for name, path in modules.items():
        if name.startswith("costlab.app"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                mods = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for mod in mods:
                    top = mod.split(".")[0]
                    assert top not in ("streamlit", "plotly"), f"{name} imports {mod}"
                    assert not mod.startswith("costlab.app"), f"{name} imports {mod}"


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


#: Run code with the optional packages made unimportable, as on `pip install costlab`.
BLOCKED = ("streamlit", "plotly", "pypdf", "docx", "PIL", "mutagen")
_BLOCKER = f"""
import importlib.abc, sys
class _Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, _Blocked())
"""


def _without_extras(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCKER + code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_library_and_cli_work_without_the_extras() -> None:
    run = _without_extras(
        "import costlab\n"
        "assert costlab.estimate('gpt-4.1-mini', input_tokens=1234, requests=10**6)"
        ".total_cost == __import__('decimal').Decimal('493.60')\n"
        "from costlab.cli import main\n"
        "sys.exit(main(['estimate', '--model', 'gpt-4.1-mini', '--input-tokens', '1200',"
        " '--output-tokens', '150', '--date', '2026-11-26']))\n"
    )
    assert run.returncode == 0, run.stderr
    assert "total         $0.00072" in run.stdout


def test_a_missing_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    run = _without_extras(
        "from costlab.cli import main\n"
        f"sys.exit(main(['count', {str(image)!r}, '--model', 'gpt-4o']))\n"
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "pip install 'costlab[files]'" in run.stderr


def test_audio_durations_without_the_files_extra_are_one_line_naming_it() -> None:
    media = ROOT / "tests" / "data" / "media"
    run = _without_extras(
        "from costlab.cli import main\n"
        f"sys.exit(main(['count', {str(media / 'tone-2s.mp3')!r}, '--model', 'gpt-realtime']))\n"
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "reading audio and video durations needs the optional package 'mutagen'" in run.stderr
    assert "pip install 'costlab[files]'" in run.stderr
    # WebM, MP4 / M4A / MOV, FLAC and WAV are read without it
    for name in ("tone-2s.webm", "tone-2s.m4a", "silence-2s.flac"):
        run = _without_extras(
            "from costlab.cli import main\n"
            f"sys.exit(main(['count', {str(media / name)!r}, '--model', 'gpt-realtime']))\n"
        )
        assert run.returncode == 0, run.stderr


def test_costlab_app_without_the_app_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    run = _without_extras(
        f"from costlab.cli import main\nsys.exit(main(['app', {str(tmp_path / 'ws')!r}]))\n"
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "pip install 'costlab[app]'" in run.stderr
