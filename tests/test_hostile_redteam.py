"""A red team's leftovers on the newest surfaces (audio seconds, one-off charges, output
paths, model ids, actuals numbers): each is one line naming what the user wrote, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

VOICE = """\
name: voice-agent
start: 2027-01
months: 2
workloads:
  - name: calls
    model: gpt-realtime
    requests_per_month: 1000
    input_tokens: 200
    output_tokens: 100
    FIELD: VALUE
"""


@pytest.mark.parametrize("field", ["input_audio_seconds", "output_audio_seconds"])
@pytest.mark.parametrize("value", ["1e15", "{low: 1, base: 2, high: 1e15}"])
def test_audio_seconds_over_the_count_limit_name_the_seconds(
    cli, tmp_path: Path, field: str, value: str
) -> None:
    # 1e15 s on gpt-realtime is 1e16 (in) or 2e16 (out) audio tokens: the error used to name
    # input_tokens / output_tokens, fields the user never wrote that big
    path = tmp_path / "voice.yaml"
    path.write_text(VOICE.replace("FIELD", field).replace("VALUE", value), encoding="utf-8")
    result = cli("forecast", str(path))
    assert result.code == 2, result.out
    assert f"workloads[0] (calls): {field}: 1,000,000,000,000,000 seconds" in result.err
    assert "COSTLAB_MAX_COUNT" in result.err and "(line 10)" in result.err


@pytest.mark.parametrize("direction", ["input", "output"])
def test_audio_seconds_options_over_the_count_limit_name_the_option(cli, direction: str) -> None:
    option = f"--{direction}-audio-seconds"
    result = cli("estimate", "-m", "gpt-realtime", option, "1e15")
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: {option}: 1,000,000,000,000,000 seconds")
    assert len(result.err.strip().splitlines()) == 1


ROOT = Path(__file__).resolve().parent.parent
SUPPORT = str(ROOT / "examples" / "support-bot.yaml")
USAGE = str(ROOT / "tests" / "data" / "usage-generic.csv")
QUICK = ("--model", "gpt-4.1-mini", "--requests-per-day", "10", "--input-tokens", "10")


@pytest.mark.parametrize(
    ("args", "given"),
    [
        (("forecast", SUPPORT, "--focus"), "f.csv/"),
        (("forecast", SUPPORT, "--focus"), "f.csv/."),
        (("forecast", SUPPORT, "--focus"), "f.parquet/"),
        (("forecast", SUPPORT, "--xlsx"), "f.xlsx/"),
        (("forecast", *QUICK, "--save"), "f.yaml/"),
        (("actuals", USAGE, "--focus"), "f.csv/"),
        (("actuals", USAGE, "--export"), "f.csv/"),
        (("actuals", USAGE, "--export"), "f.json/"),
    ],
)
def test_an_output_path_ending_in_a_separator_is_refused(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], given: str
) -> None:
    # Path("f.csv/") is Path("f.csv"): the file used to be written where a folder was named
    monkeypatch.chdir(tmp_path)
    result = cli(*args, given)
    assert result.code == 2
    assert f"costlab: error: {given}: names a folder" in result.err
    assert not list(tmp_path.iterdir())


def test_an_output_path_naming_a_folder_is_refused_and_the_folder_kept(cli, tmp_path: Path) -> None:
    folder = tmp_path / "f.csv"
    folder.mkdir()
    (folder / "keep").write_text("x")
    result = cli("forecast", SUPPORT, "--focus", str(folder))
    assert result.code == 2 and f"{folder}: is a folder: give a file name" in result.err
    assert [p.name for p in folder.iterdir()] == ["keep"]


def test_an_export_folder_may_be_named_with_a_dot_when_it_ends_in_a_separator(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("actuals", USAGE, "--export", "reports.v2/", "--quiet")
    assert "wrote reports.v2/" in result.err
    assert (tmp_path / "reports.v2" / "actual_months.csv").is_file()


SPACED = "' gpt-4.1 ' has spaces around it; write 'gpt-4.1'"


@pytest.mark.parametrize(
    "args",
    [
        ("estimate", "--model", " gpt-4.1 ", "--input-tokens", "10"),
        ("prices", "--model", " gpt-4.1 "),
        ("forecast", "--model", " gpt-4.1 ", "--requests-per-day", "1", "--input-tokens", "1"),
    ],
)
def test_a_model_option_with_spaces_around_it_is_refused(cli, args: tuple[str, ...]) -> None:
    # the options used to accept it (the price book strips), while a scenario file refused it
    result = cli(*args)
    assert result.code == 2 and SPACED in result.err


@pytest.mark.parametrize(
    ("model", "field", "line"),
    [
        ("model: ' gpt-4.1 '", "model", 6),
        ("model: 'gpt-4.1 '", "model", 6),  # a trailing space used to be read as gpt-4.1
        ("routing: {legs: [{model: 'gpt-4.1 ', share: 1}]}", "routing.legs[0].model", 6),
    ],
)
def test_a_model_in_a_scenario_with_spaces_around_it_is_refused_alike(
    cli, tmp_path: Path, model: str, field: str, line: int
) -> None:
    text = VOICE.replace("model: gpt-realtime", model).replace("    FIELD: VALUE\n", "")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("forecast", str(path))
    assert result.code == 2
    shown = SPACED.replace("' gpt-4.1 '", "'gpt-4.1 '") if "'gpt" in model else SPACED
    assert f"workloads[0] (calls): {field}: {shown} (line {line})" in result.err
