"""A red team's leftovers on the newest surfaces (audio seconds, one-off charges, output
paths, model ids, actuals numbers): each is one line naming what the user wrote, exit 2."""

from __future__ import annotations

import errno
import json
import os
import stat
import warnings
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


@pytest.mark.parametrize("option", ["--xlsx", "--focus"])
def test_an_output_name_of_250_characters_is_written(cli, tmp_path: Path, option: str) -> None:
    # the temporary file beside it, ".NAME.<12 hex>.tmp", was past 255 bytes: 'File name
    # too long' for a name the file system takes
    target = tmp_path / ("a" * 246 + (".xlsx" if option == "--xlsx" else ".csv"))[-250:]
    result = cli("forecast", SUPPORT, option, str(target))
    assert result.code == 0, result.err
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_an_export_folder_may_be_named_with_a_dot_when_it_ends_in_a_separator(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("actuals", USAGE, "--export", "reports.v2/", "--quiet")
    assert "wrote reports.v2/" in result.err
    assert (tmp_path / "reports.v2" / "actual_months.csv").is_file()


def test_an_export_onto_an_existing_file_without_an_ending_says_why(cli, tmp_path: Path) -> None:
    # a name without an ending is a folder to write; on a file mkdir said only "File exists"
    plain = tmp_path / "report"
    plain.write_text("kept\n")
    result = cli(
        "estimate", "--model", "gpt-4.1-mini", "--input-tokens", "5", "--export", str(plain)
    )
    assert result.code == 2 and result.err.count("\n") == 1
    assert "is a folder to write, and this is a file" in result.err
    assert plain.read_text() == "kept\n"


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


PAGE = (ROOT / "tests" / "data" / "usage-api-page.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("number", ["1e300", "-1e300", "1e999999", "9" * 5000])
def test_a_number_past_the_limits_in_usage_json_names_its_record_and_field(
    cli, tmp_path: Path, number: str
) -> None:
    # one such number used to refuse the whole file, naming neither record nor field
    assert '"output_tokens": 400000' in PAGE
    path = tmp_path / "usage.json"
    path.write_text(PAGE.replace('"output_tokens": 400000', f'"output_tokens": {number}'))
    result = cli("actuals", str(path))
    assert result.code == 2
    assert f"{path}: data[0].results[1]: output_tokens: a " in result.err
    assert "COSTLAB_MAX_" in result.err
    assert "1 row(s) priced" in result.out  # the other good record is still priced


def test_usage_json_whose_every_record_is_refused_reports_the_records(cli, tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text(
        '{"object": "page", "data": [{"object": "bucket", "start_time": 1e999, "results": '
        '[{"object": "organization.usage.completions.result", "input_tokens": 1, '
        '"output_tokens": 1, "num_model_requests": 1, "model": "gpt-4.1-mini"}]}]}'
    )
    result = cli("actuals", str(path))
    assert result.code == 2 and "0 row(s) priced, 1 with problems" in result.out
    assert "data[0].results[0]: start_time: a number of magnitude 1e999" in result.err


def test_a_count_over_the_limit_in_usage_is_refused_by_its_line(cli, tmp_path: Path) -> None:
    # 5e15 tokens were priced ($2 billion) although every count in a data file is held to 1e15;
    # as text in JSON ("1e300") it printed a numpy RuntimeWarning besides the error
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,model,input_tokens,cached_input_tokens,output_tokens,requests\n"
        "2027-01-01,gpt-4.1-mini,5000000000000000,0,1,1\n"
        "2027-01-02,gpt-4.1-mini,100,0,1,1\n"
    )
    result = cli("actuals", str(path))
    assert result.code == 2 and "1 row(s) priced, 1 with problems" in result.out
    assert "line 2: input_tokens: the count is above the limit" in result.err
    text = tmp_path / "usage.json"
    text.write_text(PAGE.replace('"output_tokens": 400000', '"output_tokens": "1e300"'))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cli("actuals", str(text))
    assert result.code == 2
    assert "data[0].results[1]: output_tokens: the count is above the limit" in result.err


HEADER = "date,model,input_tokens,cached_input_tokens,output_tokens,requests\n"


@pytest.mark.parametrize(
    ("empty", "other", "error"),
    [
        # an empty optional count reads as its default (requests 1, cached 0) ...
        ("2027-01-01,gpt-4.1-mini,100,0,10,", "2027-01-02,gpt-4.1-mini,100,0,10,x", None),
        ("2027-01-01,gpt-4.1-mini,100,,10,1", "2027-01-02,gpt-4.1-mini,100,abc,10,1", None),
        # ... and an empty required one is missing, not "not a number"
        (
            "2027-01-01,gpt-4.1-mini,,0,10,1",
            "2027-01-02,gpt-4.1-mini,lots,0,10,1",
            "line 2: input_tokens: missing value",
        ),
    ],
)
def test_an_empty_usage_cell_is_judged_on_its_own(
    cli, tmp_path: Path, empty: str, other: str, error: str | None
) -> None:
    # a text cell elsewhere in the column made the empty one "not a number" (pandas keeps
    # it missing in a text column); beside numbers it read as the default
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + empty + "\n" + other + "\n")
    result = cli("actuals", str(path))
    assert result.code == 2 and "line 3:" in result.err and "not a number" in result.err
    if error is None:
        assert "line 2" not in result.err and "1 row(s) priced" in result.out
    else:
        assert error in result.err
    alone = tmp_path / "alone.csv"  # the same empty cell beside numbers: the same reading
    alone.write_text(HEADER + empty + "\n" + "2027-01-02,gpt-4.1-mini,100,0,10,1\n")
    result = cli("actuals", str(alone))
    assert (error is None) == (result.code == 0)
    assert result.code == 0 or error in result.err


@pytest.mark.parametrize("command", [("prices",), ("estimate", "--input-tokens", "3")])
@pytest.mark.parametrize("model", ["", " "])
def test_an_empty_model_option_is_refused(cli, command: tuple[str, ...], model: str) -> None:
    # prices --model '' listed every model, as if no --model were given
    result = cli(*command, "--model", model)
    assert result.code == 2 and "--model" in result.err and "needs a model id" in result.err


def test_a_very_long_model_id_is_shortened_in_its_error(cli) -> None:
    result = cli("prices", "--model", "gpt-4.1-" + "a" * 100_000)
    assert result.code == 2 and "unknown model" in result.err
    assert "(100,008 characters)" in result.err and len(result.err) < 400


@pytest.mark.parametrize(
    "body",
    [
        {"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "x" * 10**6}]}]},
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi", "x" * 10**6: 1}]},
        {"contents": [{"parts": [{"inline_data": {"mime_type": "audio/" + "x" * 10**6}}]}]},
    ],
)
def test_a_megabyte_quoted_from_a_body_is_shortened_in_its_note(
    cli, tmp_path: Path, body: dict[str, object]
) -> None:
    # a content type, field name or MIME type was quoted whole: a 1 MB warning line
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    result = cli("count", str(path), "--json")
    assert result.code == 0, result.err[:300]
    assert len(result.err) < 2000 and "characters)" in result.err
    assert len(result.out) < 5000


@pytest.mark.parametrize("kind", ["usage", "scenario"])
def test_a_very_long_model_id_in_a_file_is_shortened_too(cli, tmp_path: Path, kind: str) -> None:
    # actuals and scenarios put the whole id back into the message: a 200 KB error line
    model = "gpt-4.1-" + "a" * 100_000
    if kind == "usage":
        path = tmp_path / "usage.csv"
        path.write_text(f"date,model,input_tokens,output_tokens\n2027-01-01,{model},1,1\n")
        result = cli("actuals", str(path))
    else:
        path = tmp_path / "s.yaml"
        path.write_text(VOICE.replace("gpt-realtime", model).replace("    FIELD: VALUE\n", ""))
        result = cli("forecast", str(path))
    assert result.code == 2 and "unknown model 'gpt-4.1-aaa" in result.err
    assert "(100,008 characters)" in result.err and len(result.err) < 400


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        # --budget 1e13 was refused (COSTLAB_MAX_USD) while the file took 1e15
        ("budget: {monthly: 1e15}", "budget.monthly: 1e+15 is above the limit of"),
        ("one_off: [{name: a, cost: 1e13}]", "one_off[0] (a): cost: 1e+13 is above the limit of"),
        # a month 13 was "outside the forecast", with no line
        ("one_off: [{name: a, cost: 5, month: 2027-13}]", "month: must be a month YYYY-MM"),
        ("one_off: [{name: a, cost: 5, month: 2028-01}]", "month: 2028-01 is outside the"),
    ],
)
def test_scenario_money_and_one_off_months_are_refused_with_their_line(
    cli, tmp_path: Path, extra: str, error: str
) -> None:
    text = VOICE.replace("    FIELD: VALUE\n", "") + extra + "\n"
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("forecast", str(path))
    assert result.code == 2 and error in result.err and "(line 10)" in result.err
    if "USD" not in error and "month" not in error:
        assert "COSTLAB_MAX_USD" in result.err


def test_training_epochs_past_the_count_limit_name_the_epochs(cli, tmp_path: Path) -> None:
    training = ROOT / "tests" / "data" / "finetune_example.jsonl"
    result = cli("estimate", str(training), "-m", "gpt-4.1-mini", "--epochs", "1000000000000000")
    assert (
        result.code == 2 and "error: --epochs: " in result.err and "COSTLAB_MAX_COUNT" in result.err
    )
    text = VOICE.replace("    FIELD: VALUE\n", "") + (
        f"one_off: [{{name: a, training: {training}, model: gpt-4.1-mini, epochs: 1e15}}]\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("forecast", str(path))
    assert result.code == 2 and "one_off[0] (a): training: epochs: " in result.err


@pytest.mark.parametrize(("flag", "name"), [("--xlsx", "out.xlsx"), ("--focus", "out.csv")])
def test_an_output_onto_a_device_or_pipe_is_refused_and_left_alone(
    cli, tmp_path: Path, flag: str, name: str
) -> None:
    # the rename onto it replaced a FIFO with a file; as root it would replace /dev/full
    fifo = tmp_path / name
    os.mkfifo(fifo)
    result = cli("forecast", SUPPORT, flag, str(fifo))
    assert result.code == 2 and "is not a regular file (a device, pipe or socket)" in result.err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_focus_on_a_full_disk_keeps_the_previous_file(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "focus.csv"
    path.write_text("the previous export")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    result = cli("forecast", SUPPORT, "--focus", str(path))
    assert result.code == 2
    assert result.err == f"costlab: error: {path}: cannot write: No space left on device\n"
    assert path.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["focus.csv"]  # no temporary left


@pytest.mark.parametrize("zero", ["0", "-0", "0.0"])
def test_zero_seconds_of_audio_is_given_as_any_other_duration(cli, zero: str) -> None:
    # 0.0001 s priced one token, but 0 s was "not given": --input-tokens is required
    result = cli("estimate", "-m", "gpt-realtime", "--input-audio-seconds", zero, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["input_tokens"] == 0


@pytest.mark.parametrize(
    ("models", "error"),
    [
        ("model = ' gpt-4.1 '", "prompts[0]: model: " + SPACED),
        ("models = ['gpt-4.1', '']", "prompts[0]: models: needs a model id"),
    ],
)
def test_a_model_in_costlab_toml_follows_the_same_rule(
    cli, tmp_path: Path, models: str, error: str
) -> None:
    # costlab.toml took ' gpt-4.1 ' (the price book strips) where a scenario refused it
    (tmp_path / "p.txt").write_text("hello world")
    (tmp_path / "costlab.toml").write_text(
        f"[[prompts]]\npath = 'p.txt'\n{models}\ncalls_per_month = 10\n"
    )
    result = cli("inventory", str(tmp_path))
    assert result.code == 2 and error in result.err
