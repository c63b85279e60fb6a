"""``costlab app DIR``: start the dashboard on a workspace folder of scenarios and usage files."""

from __future__ import annotations

import argparse

EXAMPLE = """examples:
  costlab app                      # ./workspace, on http://localhost:8501
  costlab app plans/ --port 9000   # a folder of scenario and usage files

needs the dashboard's packages: pip install 'costlab[app]'"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "app",
        help="start the dashboard on a workspace folder",
        description="Start the dashboard on http://localhost:PORT with DIR as its workspace: "
        "the sidebar lists the folder's scenarios and usage files, loads them and saves the "
        "current scenario there as YAML.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", nargs="?", default="workspace", metavar="DIR")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    import subprocess
    import sys
    from pathlib import Path

    from costlab.errors import CostlabError
    from costlab.extras import require

    require("streamlit", "the dashboard")
    folder = Path(args.folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CostlabError(
            f"cannot use as a workspace: {exc.strerror or exc}", str(folder)
        ) from None
    entry = Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py"
    env = {**os.environ, "COSTLAB_WORKSPACE": str(folder.resolve())}
    command = [
        sys.executable, "-m", "streamlit", "run", str(entry),
        "--server.port", str(args.port), "--server.address", "localhost",
        "--server.headless", "true", "--client.showErrorDetails", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return subprocess.call(command, env=env)
