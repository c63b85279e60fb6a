"""Numbers and text that used to be read as something else, or printed raw (a red team's
finds): YAML 1.1's base-60, octal, hex and binary integers, a decimal comma, other scripts'
digits, and terminal control characters. Each is now one line naming the field, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = (ROOT / "examples" / "support-bot.yaml").read_text(encoding="utf-8")


def _forecast(cli, tmp_path: Path, old: str, new: str):  # type: ignore[no-untyped-def]
    assert old in SUPPORT
    path = tmp_path / "s.yaml"
    path.write_text(SUPPORT.replace(old, new), encoding="utf-8")
    return cli("forecast", str(path))


@pytest.mark.parametrize("spelling", ["1:30", "010", "0x0c", "0b1100"])
def test_yaml_integers_are_plain_decimal_digits(cli, tmp_path: Path, spelling: str) -> None:
    # months: 010 was 8 months, output_tokens: 1:30 was 90 tokens
    result = _forecast(cli, tmp_path, "months: 12", f"months: {spelling}")
    assert result.code == 2, result.out
    assert "as a plain decimal number" in result.err and "line 6" in result.err


@pytest.mark.parametrize(
    ("value", "message"),
    [("1,5", "commas only between groups of three"), ("'٣٠'", "ASCII digits")],
)
def test_text_numbers_in_a_file_take_no_decimal_comma_or_other_digits(
    cli, tmp_path: Path, value: str, message: str
) -> None:
    result = _forecast(cli, tmp_path, "input_tokens: 1200", f"input_tokens: {value}")
    assert result.code == 2 and message in result.err and "input_tokens" in result.err
    grouped = _forecast(cli, tmp_path, "input_tokens: 1200", "input_tokens: '1,200'")
    assert grouped.code == 0, grouped.err


def test_a_start_month_in_another_script_is_refused(cli, tmp_path: Path) -> None:
    result = _forecast(cli, tmp_path, "start: 2027-01", 'start: "٢٠٢٧-٠١"')
    assert result.code == 2 and "start:" in result.err and "[0-9]{4}-[0-9]{2}" in result.err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,5", "groups of three digits"),
        ("1,5,0", "groups of three digits"),
        ("٣", "ASCII digits only"),
    ],
)
def test_options_take_no_decimal_comma_or_other_digits(cli, value: str, message: str) -> None:
    result = cli("estimate", "-m", "gpt-4.1-mini", "--input-tokens", value)
    assert result.code == 2 and message in result.err
    assert cli("estimate", "-m", "gpt-4.1-mini", "--input-tokens", "20,000").code == 0


def test_control_characters_in_names_are_refused_and_errors_stay_one_line(
    cli, tmp_path: Path
) -> None:
    escape = _forecast(cli, tmp_path, "name: support-bot", 'name: "a\\e[2Jb"')
    assert escape.code == 2 and "control characters" in escape.err
    assert "\x1b" not in escape.err
    newline = _forecast(cli, tmp_path, "name: triage", 'name: "tri\\nage"')
    assert newline.code == 2 and len(newline.err.strip().splitlines()) == 1
    assert "tri\\nage" in newline.err  # shown escaped, on one line


def test_a_long_list_is_refused_by_its_length(cli, tmp_path: Path) -> None:
    """990,000 growth rates (2 MB, under the byte limit) parsed for 35 s before the error."""
    many = ", ".join(["0.01"] * 300)
    result = _forecast(cli, tmp_path, "growth: 0.10", f"growth: [{many}]")
    assert result.code == 2 and "growth: lists 300 items; at most 120" in result.err
    huge = ", ".join(["1"] * 200_001)
    result = _forecast(cli, tmp_path, "growth: 0.10", f"growth: [{huge}]")
    assert result.code == 2 and "COSTLAB_MAX_YAML_NODES" in result.err
