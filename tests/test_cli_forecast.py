"""`costlab forecast` and `costlab check` through the real entry point."""

from __future__ import annotations

import json
from decimal import Context, Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import SUPPORT

from costlab.formats import usd

ROOT = Path(__file__).resolve().parent.parent
SUPPORT_BOT = str(ROOT / "examples" / "support-bot.yaml")


@pytest.fixture
def scenario_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def write(text: str = SUPPORT, name: str = "support.yaml") -> str:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return name

    return write


def test_forecast_json_has_months_with_exact_decimal_strings(cli) -> None:
    result = cli("forecast", SUPPORT_BOT, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["scenario"] == "support-bot"
    jan, feb = data["months"][:2]
    assert (jan["month"], jan["total_cost"], jan["requests"]) == ("2027-01", "351.54", "651000")
    assert (feb["month"], feb["total_cost"], feb["requests"]) == ("2027-02", "349.272", "646800")
    assert {"input_cost", "cached_input_cost", "output_cost", "cumulative_cost"} <= jan.keys()
    assert data["budget"]["first_month_over"] == "2027-03"
    assert data["total_cost"] == "7392.9310555220694"
    assert data["flags"] == []
    assert result.err == ""


def test_forecast_table_is_readable(cli) -> None:
    result = cli("forecast", SUPPORT_BOT)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "support-bot: 12 months from 2027-01 to 2027-12, 1 workload"
    jan = next(line for line in lines if line.startswith("2027-01"))
    assert jan.split() == [
        "2027-01",
        "651,000",
        "781,200,000",
        "390,600,000",
        "97,650,000",
        "$351.54",
        "$351.54",
        "$48.46",
    ]
    assert "-$25.36" in next(line for line in lines if line.startswith("2027-03"))
    assert lines[-1] == (
        "budget $400.00 a month: first exceeded in 2027-03 ($425.36); over in 10 of 12 months"
    )


def test_forecast_csv_and_xlsx(cli, tmp_path: Path) -> None:
    result = cli("forecast", SUPPORT_BOT, "--csv", "--table", "lines")
    header, first = result.out.splitlines()[:2]
    assert header.startswith(
        "month,month_index,workload,role,leg,model,provider,batch,service_tier,tasks"
    )
    assert first.startswith(
        "2027-01,1,triage,single,0,gpt-4.1-mini,openai,False,standard,620000,651000"
    )
    out = tmp_path / "f.xlsx"
    result = cli("forecast", SUPPORT_BOT, "--xlsx", str(out))
    assert result.code == 0
    assert result.out == f"wrote {out}: sheets months, workloads, routes, lines, budget, flags\n"
    assert openpyxl.load_workbook(out)["months"]["M2"].value == 351.54


def test_forecast_with_ranges_prints_bands_and_sensitivity(cli) -> None:
    result = cli("forecast", str(ROOT / "examples" / "launch-ranges.yaml"))
    assert result.code == 0
    assert "sensitivity: the total with one range at its low or high end" in result.out
    rows = [line for line in result.out.splitlines() if line.startswith("drafting: ")]
    assert rows[0].startswith("drafting: requests_per_day")  # the largest swing first
    assert result.out.rstrip().endswith(
        "at the high band the forecast runs out of the total in 2027-08"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "requests_per_day: 20000",
            "requests_per_day: -20000",
            "support.yaml: workloads[0] (triage): requests_per_day: must be >= 0 (line 8)",
        ),
        (
            "    input_tokens: 1200\n",
            "",
            "support.yaml: workloads[0] (triage): input_tokens: required field is missing "
            "(or give sample) (line 6)",
        ),
        (
            "cached_input_share: 0.5",
            "cached_input_share: 2",
            "support.yaml: workloads[0] (triage): cached_input_share: must be <= 1 (line 10)",
        ),
        (
            "start: 2027-01",
            "start: 2027-00",
            "support.yaml: start: must be a month YYYY-MM, got '2027-00' (line 2)",
        ),
        (
            "model: gpt-4.1-mini",
            "model: gpt-4.1-mimi",
            "support.yaml: workloads[0] (triage): model: unknown model 'gpt-4.1-mimi'; closest: "
            "gpt-4.1-mini, gpt-4o-mini, gpt-5.4-mini (line 7)",
        ),
        (
            "growth: 0.10",
            "growth: [0.1]",
            "support.yaml: workloads[0] (triage): growth: lists 1 rate(s); a 12-month scenario "
            "needs 11 (one per month from the second) (line 13)",
        ),
        (  # 1e10 a month compounded: 1e20 times the volume by March (the exports took
            # None and the sampled bands overflowed numpy's floats, with warnings, past 1e308)
            "growth: 0.10",
            "growth: 1e10",
            "support.yaml: workloads[0] (triage): growth: compounded to month 3, 1.00e+20 times "
            "the first month's volume is above the limit of 1,000,000,000,000,000 "
            "(COSTLAB_MAX_COUNT) (line 13)",
        ),
        (  # the high end of a range: 31^11 = 25,408,476,896,404,831
            "growth: 0.10",
            "growth: {low: 0, base: 0.1, high: 30}",
            "support.yaml: workloads[0] (triage): growth: compounded to month 12, 2.54e+16 times "
            "the first month's volume is above the limit of 1,000,000,000,000,000 "
            "(COSTLAB_MAX_COUNT) (line 13)",
        ),
        (
            "    model: gpt-4.1-mini\n",
            "    routing:\n      legs: [{model: gpt-4.1-nano, share: 0.5}, {model: gpt-4.1, share: 0.4}]\n",
            "support.yaml: workloads[0] (triage): routing.legs: the shares add up to 0.9; they "
            "must add up to 1 (line 8)",
        ),
    ],
)
@pytest.mark.parametrize("command", ["forecast", "compare", "check"])
def test_bad_scenarios_exit_2_with_one_line(
    cli, scenario_file, command: str, old: str, new: str, message: str
) -> None:
    path = scenario_file(SUPPORT.replace(old, new))
    result = cli(command, path)
    assert result.code == 2
    assert result.out == ""
    assert result.err == f"costlab: error: {message}\n"


def test_missing_and_unreadable_files(cli, scenario_file) -> None:
    result = cli("forecast", "nope.yaml")
    assert (result.code, result.err) == (2, "costlab: error: nope.yaml: no such scenario file\n")
    path = scenario_file("name: [unclosed\n")
    result = cli("forecast", path)
    assert (result.code, result.err) == (
        2,
        "costlab: error: support.yaml: line 2: YAML syntax error: did not find expected ',' or ']'\n",
    )


# --- check -------------------------------------------------------------------------------------


def test_check_exits_1_naming_the_first_month_over(cli) -> None:
    result = cli("check", SUPPORT_BOT)
    assert result.code == 1
    assert result.out == (
        "support-bot: over budget: 2027-03 costs $425.36, over the $400.00 monthly budget "
        "(10 of 12 months over)\n"
    )


def test_check_within_a_budget_given_on_the_command_line(cli) -> None:
    result = cli("check", SUPPORT_BOT, "--budget", "1100")
    assert result.code == 0
    assert result.out == (
        "support-bot: within budget ($1,100.00 a month): $7,392.93 over 12 months, highest "
        "month 2027-12 at $1,002.98\n"
    )


def test_check_a_total_budget(cli) -> None:
    result = cli("check", SUPPORT_BOT, "--budget", "5000", "--total", "1000")
    assert result.code == 1
    assert result.out == (
        "support-bot: over budget: the $1,000.00 total runs out in 2027-03 ($1,126.18 spent by "
        "its end)\n"
    )


def test_check_without_any_budget_is_bad_input(cli, scenario_file) -> None:
    path = scenario_file(SUPPORT.replace("budget: {monthly: 400}\n", ""))
    result = cli("check", path)
    assert result.code == 2
    assert result.err == (
        "costlab: error: support.yaml: no budget: give --budget AMOUNT (USD a month) or add "
        "budget: to the scenario\n"
    )
    result = cli("check", path, "--budget", "-3")
    assert result.code == 2 and "must be an amount >= 0" in result.err


def test_the_real_console_script(costlab_process) -> None:
    over = costlab_process("check", SUPPORT_BOT)
    assert over.code == 1 and "2027-03" in over.out
    forecast = costlab_process("forecast", SUPPORT_BOT, "--json")
    assert forecast.code == 0
    assert json.loads(forecast.out)["months"][0]["total_cost"] == "351.54"


@pytest.mark.parametrize("command", ["forecast", "compare", "check", "actuals"])
def test_every_scenario_command_has_help_with_an_example(cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert "examples:" in result.out and f"costlab {command} " in result.out


def test_scenario_commands_keep_pandas_out_of_the_estimate_path() -> None:
    """The parser imports every command module; only `run` may import pandas."""
    import subprocess
    import sys

    code = (
        "import sys; from costlab.cli import main; "
        "main(['estimate', '--model', 'gpt-4.1-mini', '--input-tokens', '10', '--json']); "
        "heavy = [m for m in ('pandas', 'numpy', 'costlab.forecast', 'costlab.scenario') "
        "if m in sys.modules]; sys.stderr.write(repr(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "[]"


def test_check_gates_on_the_base_and_notes_the_high_band(cli) -> None:
    result = cli("check", str(ROOT / "examples" / "launch-ranges.yaml"))
    assert result.code == 0
    assert result.out.splitlines() == [
        "launch: within budget ($20,000.00 in total): $12,146.18 over 9 months, highest month "
        "2027-11 at $1,776.91",
        "note: at the high band the total runs out in 2027-08",
    ]


def test_thirty_months_of_tripling_are_exact_in_json_and_in_the_table(cli, scenario_file) -> None:
    """A quadrillion requests of a quadrillion tokens, x3 a month for 30 months: exact.tidy
    quantized in the default 28-digit context, so --json ended in 'a number too large or too
    small to compute with'. By hand, the horizon is the first month's cost times
    1 + 3 + ... + 3^29 = (3^30 - 1) / 2."""
    path = scenario_file(
        "name: s\nstart: 2027-01\nmonths: 30\nworkloads:\n  - name: w\n    model: gpt-4o\n"
        "    requests_per_month: 1000000000000000\n    input_tokens: 1000000000000000\n"
        "    output_tokens: 10\n"
        "    growth: 2\n"
    )
    result = cli("forecast", path, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    first = Decimal(data["months"][0]["total_cost"])
    wide = Context(prec=200)  # the default context would round the hand count to 28 digits
    expected = wide.divide(wide.multiply(first, Decimal(3**30 - 1)), Decimal(2))
    assert Decimal(data["total_cost"]) == expected
    table = cli("forecast", path)
    assert table.code == 0, table.err
    assert f"total {usd(Decimal(data['total_cost']))}; no budget set" in table.out
