"""Run-rate: a mid-month usage file projected to the month end and over the horizon."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from costlab.actuals import load_actuals
from costlab.actuals.runrate import check_projection, run_rate
from costlab.errors import CostlabError
from costlab.forecast import forecast_scenario
from costlab.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def mid_month(tmp_path: Path) -> Path:
    """examples/usage.csv up to 2027-02-14: all of January, 14 of February's 28 days."""
    lines = (ROOT / "examples" / "usage.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0], *(line for line in lines[1:] if line[:10] <= "2027-02-14")]
    path = tmp_path / "mid.csv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fc(book):
    return forecast_scenario(load_scenario(ROOT / "examples" / "support-bot.yaml", book=book))


def test_a_mid_month_file_projects_the_month_end_and_the_period(mid_month, fc, book) -> None:
    rate = run_rate(load_actuals(mid_month, book=book), fc)
    # February: 24,000 requests a day at $0.00054 each = $12.96 a day; 14 days = $181.44.
    assert (rate.month, rate.as_of, rate.days_elapsed, rate.days_in_month) == (
        "2027-02",
        date(2027, 2, 14),
        14,
        28,
    )
    assert rate.month_to_date_cost == Decimal("181.44")
    assert rate.daily_pace == Decimal("12.96")
    assert rate.projected_month_cost == Decimal("362.88")  # 12.96 x 28
    # The forecast has February at $349.272: later months scale by 362.88 / 349.272 = 80/77.
    assert rate.forecast_month_cost == Decimal("349.272")
    assert rate.anchor_factor is not None
    assert abs(Fraction(rate.anchor_factor) - Fraction(80, 77)) < Fraction(1, 10**70)
    assert list(rate.months["basis"]) == ["actual", "projected", *["reforecast"] * 10]
    # Period: January's actual $351.54 + $362.88 + (forecast total - Jan - Feb) x 80/77.
    rest = (
        Fraction(Decimal("7392.9310555220694"))
        - Fraction(Decimal("351.54"))
        - Fraction(Decimal("349.272"))
    )
    expected = Fraction(Decimal("351.54")) + Fraction(Decimal("362.88")) + rest * Fraction(80, 77)
    assert abs(Fraction(rate.projected_total) - expected) < Fraction(1, 10**60)
    assert rate.projected_total.quantize(Decimal("0.01")) == Decimal("7667.27")


def test_the_check_gates_on_the_projection(mid_month, fc, book) -> None:
    rate = run_rate(load_actuals(mid_month, book=book), fc)
    assert check_projection(rate).within  # $362.88 projected, $400 a month
    tight = check_projection(rate, monthly=Decimal(350))
    assert not tight.within
    assert "2027-02 projected at $362.88 (over the $350.00 monthly budget" in tight.messages[0]
    assert not check_projection(rate, total=Decimal(7500)).within
    assert check_projection(rate, total=Decimal(7700)).within


def test_without_a_scenario_the_month_is_still_projected(mid_month, book) -> None:
    rate = run_rate(load_actuals(mid_month, book=book))
    assert list(rate.months["basis"]) == ["actual", "projected"]
    assert rate.projected_total == Decimal("714.42")  # 351.54 + 362.88
    with pytest.raises(CostlabError, match="not in their latest month"):
        run_rate(load_actuals(mid_month, book=book), as_of=date(2027, 1, 31))


def test_the_command_shows_the_run_rate(mid_month, cli) -> None:
    result = cli("actuals", str(mid_month), "--scenario", str(ROOT / "examples/support-bot.yaml"))
    assert result.code == 0, result.err
    assert (
        "run-rate to 2027-02-14 (14 of 28 days): $12.96 a day; 2027-02 projected at $362.88 "
        "(forecast $349.27)" in result.out
    )
    assert "period 2027-01 to 2027-12 projected at $7,667.27" in result.out


def test_check_gates_on_the_projection_from_actuals(tmp_path) -> None:
    """`costlab check --actuals`: exit 1 when this month's pace runs over the budget."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    lines = (root / "examples" / "usage.csv").read_text().splitlines()
    partial = [lines[0], *(line for line in lines[1:] if line < "2027-02-15")]
    usage = tmp_path / "usage.csv"
    usage.write_text("\n".join(partial) + "\n")

    def check(budget: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "costlab.cli", "check", "examples/support-bot.yaml",
             "--actuals", str(usage), "--budget", budget],
            capture_output=True, text=True, cwd=root, timeout=120,
        )  # fmt: skip

    # February's first 14 days at $12.96 a day: $362.88 projected for the month.
    over = check("300")
    assert over.returncode == 1, over.stderr
    assert "over budget at the current pace" in over.stdout
    assert "2027-02 projected at $362.88 (over the $300.00 monthly budget" in over.stdout
    assert check("400").returncode == 0
