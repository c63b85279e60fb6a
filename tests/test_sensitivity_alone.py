"""The tornado table re-prices each ranged number's workload alone (the rest of the scenario is
unchanged by it), so its cost grows with the ranged numbers, not with their square; its totals
must equal re-forecasting the whole scenario for every end, to the last digit."""

from __future__ import annotations

from decimal import Context
from pathlib import Path

from costlab.forecast.engine import _price
from costlab.forecast.lines import expand
from costlab.forecast.sensitivity import sensitivity
from costlab.scenario import load_scenario
from costlab.tables import exact_sum

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent


def _whole(scenario, book):  # type: ignore[no-untyped-def]
    months = scenario.month_starts()
    return {
        a.label: tuple(
            exact_sum(
                _price(expand(scenario.with_number(a.path, v), book), months, book).totals[
                    "total_cost"
                ]
            )
            for v in (a.range.low, a.range.high)
        )
        for a in scenario.ranges()
    }


def test_each_end_equals_the_whole_scenario_re_forecast(book) -> None:
    # three workloads on three providers: batch either way, cache writes, a long-context tier
    # crossed by the input range, a ranged growth list entry, a retry rate
    for path in (DATA / "mixed-ranges.yaml", ROOT / "examples" / "launch-ranges.yaml"):
        scenario = load_scenario(path)
        table = sensitivity(scenario, book=book).to_dict("records")
        whole = _whole(scenario, book)
        assert len(table) == len(whole) >= 5
        for row in table:
            assert (row["total_at_low"], row["total_at_high"]) == whole[row["assumption"]]


def test_a_swing_past_28_digits_is_exact(book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # abs() of the difference rounded it to the default context's 28 digits:
    # 901234568002621248765431997.40 for ...997.37785
    path = tmp_path / "wide.yaml"
    path.write_text(
        "name: s\nstart: 2027-01\nmonths: 12\nworkloads:\n  - name: w\n    model: gpt-4o\n"
        "    requests_per_day: 999999999999999\n"
        "    input_tokens: {low: 1, base: 123456789012345, high: 987654321098765}\n"
        "    output_tokens: 7\n"
    )
    [row] = sensitivity(load_scenario(path), book=book).to_dict("records")
    wide = Context(prec=100)
    assert row["swing"] == wide.subtract(row["total_at_high"], row["total_at_low"])
    assert len(row["swing"].as_tuple().digits) > 28
