"""The package's public names resolve, and importing costlab stays cheap."""

from __future__ import annotations

import subprocess
import sys

import costlab


def test_every_public_name_resolves() -> None:
    for name in costlab.__all__:
        assert getattr(costlab, name) is not None, name


def test_import_costlab_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, costlab; "
        "heavy = [m for m in ('pandas', 'numpy', 'plotly', 'streamlit', 'tiktoken') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_readme_python_example_holds() -> None:
    from datetime import date
    from decimal import Decimal

    cost = costlab.estimate(
        "gpt-4.1-mini",
        input_tokens=1200,
        cached_input_tokens=600,
        output_tokens=150,
        requests=20_000,
        on=date(2026, 11, 26),
    )
    assert cost.total_cost == Decimal("10.80")
    assert str(cost.cost_per_request) == "0.00054"
