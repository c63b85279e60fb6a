"""The limits of costlab.limits, where they apply, and the failures they turn into one error.

Expected values are written by hand from the limits' documented defaults and the published
image rules (the patch method: https://developers.openai.com/api/docs/guides/images-vision).
Cases whose fix belongs to another module are ``xfail(strict=True)``: they start passing, and
must be un-marked, when that module is fixed.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import pytest

from costlab import limits
from costlab.errors import CostlabError
from costlab.export import safe_text, write_csv, write_json, write_xlsx
from costlab.tokens import count_batch, count_image, parse_size
from costlab.tokens.files import Input, docx_text, read_input
from costlab.validation import build
from costlab.yaml_reader import load_yaml

# --- limits.py ----------------------------------------------------------------------------------


def test_read_bounded_refuses_devices_and_oversized_files_before_reading(tmp_path: Path) -> None:
    with pytest.raises(CostlabError, match="not a regular file"):
        limits.read_bounded("/dev/zero", "/dev/zero")
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(limits.MAX_INPUT_BYTES + 1)
    with pytest.raises(CostlabError, match="COSTLAB_MAX_INPUT_BYTES"):
        limits.read_bounded(big, "big.txt")
    with pytest.raises(CostlabError, match="no such file"):
        limits.read_bounded(tmp_path / "missing", "missing")
    with pytest.raises(CostlabError, match="is a directory"):
        limits.read_bounded(tmp_path, "folder")


def test_read_bounded_reads_a_stream_to_the_limit_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 10)
    assert limits.read_bounded(io.BytesIO(b"0123456789"), "-") == b"0123456789"
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(CostlabError, match="above the limit of 10"):
        limits.read_bounded(stream, "-")
    assert stream.tell() == 11  # never more than limit + 1 bytes
    closed = io.BytesIO()
    closed.close()
    with pytest.raises(CostlabError, match="closed"):
        limits.read_bounded(closed, "-")


def test_read_input_with_no_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", None)  # what Python sets for `costlab count - <&-`
    with pytest.raises(CostlabError, match="stdin is closed"):
        read_input("-")


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTLAB_X", "1_000")
    assert limits._env_int("COSTLAB_X", 5) == 1000
    for bad in ("-3", "0", "lots", "9" * 40):
        monkeypatch.setenv("COSTLAB_X", bad)
        assert limits._env_int("COSTLAB_X", 5) == 5  # warned, not crashed
    assert set(limits.ENV_NAMES.values()) == {f"COSTLAB_{n}" for n in limits.ENV_NAMES}


def test_nesting_depth_ignores_brackets_in_strings() -> None:
    assert limits.nesting_depth('{"a": "[[[[{{{{", "b": [[1]]}') == 3
    assert limits.nesting_depth('["\\"[[[["]') == 1
    assert limits.nesting_depth("[" * 100_000) == 100_000  # no recursion: no RecursionError


def test_loads_json_refuses_depth_digits_and_exponents_before_parsing() -> None:
    assert limits.loads_json('{"n": 12, "x": 0.5, "y": [1e3]}') == {"n": 12, "x": 0.5, "y": [1e3]}
    with pytest.raises(CostlabError, match="JSON nested 201 deep"):
        limits.loads_json("[" * 201 + "]" * 201, "f.json")
    assert limits.loads_json("[" * 200 + "]" * 200) is not None
    with pytest.raises(CostlabError, match="5,001 digits"):
        limits.loads_json('{"max_tokens": ' + "9" * 5001 + "}")
    with pytest.raises(CostlabError, match="31 digits"):
        limits.loads_json("1" + "0" * 30)
    with pytest.raises(CostlabError, match="magnitude 1e999999999"):
        limits.loads_json("[1e999999999]")
    with pytest.raises(json.JSONDecodeError):
        limits.loads_json("{not json")  # callers keep their own wording for syntax errors


def test_json_past_the_parser_under_a_raised_depth_limit_says_so(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # it said "the JSON nesting is above the limit of 1,000,000", which it was not
    monkeypatch.setattr(limits, "MAX_NESTING_DEPTH", 1_000_000)
    with pytest.raises(CostlabError) as info:
        limits.loads_json("[" * 100_000 + "]" * 100_000, "f.json")
    assert str(info.value) == (
        "f.json: JSON nested deeper than Python's parser can follow, though within the limit "
        "of 1,000,000 (COSTLAB_MAX_NESTING_DEPTH): lower it"
    )


def test_check_number_bounds_counts_and_money() -> None:
    assert limits.check_number(10**15, "requests") == 10**15
    with pytest.raises(CostlabError, match="requests: 1,000,000,000,000,001 is above"):
        limits.check_number(10**15 + 1, "requests")
    with pytest.raises(CostlabError, match="COSTLAB_MAX_USD"):
        limits.check_number(Decimal("1e13"), "budget", limit_name="MAX_USD")
    with pytest.raises(CostlabError, match="about 5,000 digits"):
        limits.check_number(10**5000, "input_tokens")
    with pytest.raises(CostlabError, match="finite"):
        limits.check_number(Decimal("NaN"), "x")


# --- images -------------------------------------------------------------------------------------


def test_a_4000x1_image_is_not_free_on_patch_models() -> None:
    # gpt-4.1-mini: patch method, max dimension 2048, multiplier 1.62 (pricing/openai.yaml).
    # 4000x1 fits 2048 px: 2048x0.512 -> 2048x1 (a side never rounds to 0 px);
    # ceil(2048/32) x ceil(1/32) = 64 x 1 = 64 patches; ceil(64 x 1.62) = ceil(103.68) = 104.
    assert count_image((4000, 1), model="gpt-4.1-mini").input_tokens == 104
    # gpt-4.1-nano: no max dimension, 1,536-patch budget, multiplier 2.46.
    # 125 x 1 patches, under the budget: ceil(125 x 2.46) = ceil(307.5) = 308.
    assert count_image((4000, 1), model="gpt-4.1-nano").input_tokens == 308
    # 100000x10: 3,125 x 1 patches, over the budget; the short side is under one patch at any
    # shrink, so the budget caps it: ceil(1536 x 2.46) = ceil(3778.56) = 3779 (was 0).
    assert count_image((100_000, 10), model="gpt-4.1-nano").input_tokens == 3779
    assert count_image((1, 1), model="gpt-4.1-mini").input_tokens == 2  # ceil(1 x 1.62)


def test_image_sizes_with_hundreds_of_digits_are_one_error() -> None:
    with pytest.raises(CostlabError, match="expected WIDTHxHEIGHT"):
        parse_size("1x" + "9" * 400)
    with pytest.raises(CostlabError, match="image width"):
        count_image((10**400, 1), model="gpt-4o")
    assert parse_size("100000x100000") == (100_000, 100_000)  # a size, not a file: no decoding


# --- documents ----------------------------------------------------------------------------------


def test_a_docx_bomb_is_refused_from_the_zip_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 2**20)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(2 * 2**20))
    with pytest.raises(CostlabError, match=r"unzipped.*COSTLAB_MAX_DECOMPRESSED_BYTES"):
        docx_text(Input("bomb.docx", out.getvalue(), ".docx"))


# --- batch --------------------------------------------------------------------------------------


def _line(custom_id: str, extra: str = "") -> str:
    body = '{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]' + extra + "}"
    return (
        f'{{"custom_id": "{custom_id}", "method": "POST", "url": "/v1/chat/completions", '
        f'"body": {body}}}'
    )


def test_bad_numbers_and_depth_fail_their_line_only() -> None:
    text = "\n".join(
        [
            _line("a", ', "max_tokens": 10'),
            _line("b", ', "max_tokens": ' + "9" * 5001),
            _line("c", ', "max_tokens": 10000000000000000'),  # 1e16 > MAX_COUNT
            _line("d", ', "n": 10000000000000000'),
            _line("e", ', "x": ' + "[" * 500 + "]" * 500),
            _line("f", ', "max_tokens": 5'),
        ]
    )
    count = count_batch(text, source="b.jsonl")
    assert count.requests == 2 and count.max_output_tokens == 15
    messages = [str(e) for e in count.errors]
    assert [m.split(": ")[1] for m in messages] == ["line 2", "line 3", "line 4", "line 5"]
    assert "5,001 digits" in messages[0]
    assert "COSTLAB_MAX_COUNT" in messages[1] and "COSTLAB_MAX_COUNT" in messages[2]
    assert "nested" in messages[3]


def test_n_choices_are_reported_so_the_cap_can_apply_per_completion() -> None:
    from costlab.tokens import count_body

    body = {
        "model": "gpt-4o",
        "n": 2,
        "max_tokens": 16384,
        "messages": [{"role": "user", "content": "hi"}],
    }
    count = count_body(body)
    assert (count.max_output_tokens, count.output_choices) == (32_768, 2)  # 2 x 16,384
    assert "output_choices" in count.to_dict()
    batch = count_batch(_line("a", ', "n": 3, "max_tokens": 10') + "\n" + _line("b"))
    assert [(p.max_output_tokens, p.output_choices) for p in batch.parts] == [(30, 3), (None, None)]
    assert "output_choices" not in count_body({**body, "n": 1}).to_dict()


# --- YAML ---------------------------------------------------------------------------------------

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_a_billion_laughs_is_refused_before_anything_is_built() -> None:
    assert len(LAUGHS) < 1024
    with pytest.raises(CostlabError, match=r"nodes with aliases expanded.*COSTLAB_MAX_YAML_NODES"):
        load_yaml(LAUGHS, "laughs.yaml")


def test_ordinary_anchors_and_merge_keys_still_work() -> None:
    text = "base: &base {input: 1.5, output: 2}\nmodel:\n  <<: *base\n  cached: 3\nmore: *base\n"
    data = load_yaml(text, "f.yaml")
    assert data["model"] == {"input": Decimal("1.5"), "output": 2, "cached": 3}
    assert data["more"] == {"input": Decimal("1.5"), "output": 2}


def test_a_recursive_alias_and_deep_nesting_are_refused() -> None:
    with pytest.raises(CostlabError, match="line 1: an alias refers to a node that contains it"):
        load_yaml("x: &a [*a]\n", "f.yaml")
    with pytest.raises(CostlabError, match="COSTLAB_MAX_NESTING_DEPTH"):
        load_yaml("x: " + "[" * 300 + "]" * 300, "f.yaml")


def test_yaml_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 100)
    with pytest.raises(CostlabError, match="COSTLAB_MAX_YAML_BYTES"):
        load_yaml("x: 1\n" * 100, "f.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a:\n  effective_from: 2024-02-30\n", "f.yaml: line 2: effective_from: not a valid date"),
        ("start: 2027-06-31\n", "f.yaml: line 1: start: not a valid date: '2027-06-31'"),
        ("n: " + "9" * 5000 + "\n", "f.yaml: line 1: n: a whole number of 5,000 digits"),
        ("x: 1.0e+400\n", "f.yaml: line 1: x: a number of magnitude 1e400"),
        ("x: 1.0e-400\n", "f.yaml: line 1: x: a number of magnitude 1e-400"),
        ("x: 0." + "1" * 40 + "\n", "f.yaml: line 1: x: a number of 40 digits"),
    ],
)
def test_yaml_scalars_past_the_limits_name_line_and_key(text: str, message: str) -> None:
    with pytest.raises(CostlabError) as raised:
        load_yaml(text, "f.yaml")
    assert str(raised.value).startswith(message)


def test_valid_yaml_numbers_and_dates_are_unchanged() -> None:
    data = load_yaml("d: 2024-02-29\nn: 123456789012345678901234567890\np: 0.40\nz: 0.0\n", "f")
    assert data == {
        "d": date(2024, 2, 29),
        "n": 123456789012345678901234567890,
        "p": Decimal("0.40"),
        "z": Decimal("0.0"),
    }


# --- typed numbers ------------------------------------------------------------------------------


def test_typed_numbers_refuse_huge_text_fast() -> None:
    from dataclasses import dataclass

    from costlab.validation import spec

    @dataclass(frozen=True)
    class Plan:
        months: int = spec("months", default=1)
        usd: Decimal = spec("usd", default=Decimal(0))

    for raw, message in [
        ({"months": "1e999999999"}, "months: a number of magnitude 1e999999999"),
        ({"months": "1e999999"}, "months: a number of magnitude 1e999999"),
        ({"months": 10**16}, "months: 10,000,000,000,000,000 is above"),
        ({"months": 10**5000}, "months: "),
        ({"usd": "1e400"}, "usd: a number of magnitude 1e400"),
        ({"usd": 1e300}, "usd: "),
        ({"usd": Decimal("1e-999999")}, "usd: a number of magnitude 1e-999999"),
    ]:
        with pytest.raises(CostlabError) as raised:
            build(Plan, raw)
        assert str(raised.value).startswith(message), (raw, str(raised.value))
    assert build(Plan, {"months": "12", "usd": "1_000.50"}) == Plan(12, Decimal("1000.50"))


# --- exports ------------------------------------------------------------------------------------

PAYLOADS = ["=1+2", '=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "workload": [*PAYLOADS, "plain"],
            "total_cost": [Decimal("-1.50")] * len(PAYLOADS) + [Decimal("2")],
            "requests": [-3] * len(PAYLOADS) + [4],
        }
    )


def test_safe_text_prefixes_formula_starts_only() -> None:
    assert [safe_text(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert safe_text("support bot") == "support bot" and safe_text("") == ""


def test_csv_cells_are_neutralised_and_numbers_stay_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_csv(_table(), path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    # a carriage return becomes a quoted newline: a bare one would split the row for readers
    expected = ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    assert [r[0] for r in rows[1:]] == [*expected, "plain"]
    assert {r[1] for r in rows[1:-1]} == {"-1.50"} and {r[2] for r in rows[1:-1]} == {"-3"}


def test_no_xlsx_cell_is_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    frame = _table()
    frame["=header"] = "x"
    write_xlsx({"t": frame}, path)
    sheet = load_workbook(path)["t"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.value for c in sheet["A"]][1:] == [*("'" + p for p in PAYLOADS), "plain"]
    assert sheet["D1"].value == "'=header"
    assert sheet["B2"].value == -1.5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -3 and sheet["C2"].data_type == "n"


def _full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("kind", ["csv", "json", "xlsx"])
def test_a_failed_write_leaves_the_previous_file(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"report.{kind}"
    path.write_bytes(b"the previous report")
    if kind == "csv":
        monkeypatch.setattr(pd.DataFrame, "to_csv", _full)
        write = lambda: write_csv(_table(), path)  # noqa: E731
    elif kind == "json":
        monkeypatch.setattr(Path, "write_text", _full)
        write = lambda: write_json({"t": _table()}, path)  # noqa: E731
    else:
        monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", _full)
        write = lambda: write_xlsx({"t": _table()}, path)  # noqa: E731
    with pytest.raises(CostlabError, match=r"report.*cannot write: No space left on device"):
        write()
    assert path.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left


def test_a_successful_write_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old")
    write_json({"t": _table()}, path)
    assert json.loads(path.read_text())["t"][0]["workload"] == "=1+2"  # JSON is data, not cells
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def test_the_folder_export_is_atomic_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from costlab.export import export_tables as export

    folder = tmp_path / "out"
    written = export({"a": _table(), "b": _table()}, folder)
    assert [p.name for p in written] == ["a.csv", "b.csv"]
    before = {p.name: p.read_bytes() for p in written}
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full)
    with pytest.raises(CostlabError, match=r"a\.csv: cannot write"):
        export({"a": _table().head(1), "b": _table().head(1)}, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    (tmp_path / "file").write_text("x")
    with pytest.raises(CostlabError, match="cannot create the folder"):
        export({"a": _table()}, tmp_path / "file" / "sub")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- the CLI boundary ---------------------------------------------------------------------------


def test_environment_errors_map_to_one_line() -> None:
    import decimal

    from PIL import Image
    from pypdf.errors import LimitReachedError

    from costlab.cli import environment_error

    cases: list[tuple[BaseException, str]] = [
        (OSError(errno.ENOSPC, "No space left on device"), "output: cannot write: No space"),
        (OSError(errno.EACCES, "Permission denied", "out.csv"), "out.csv: Permission denied"),
        (MemoryError(), "out of memory"),
        (RecursionError(), "nested too deep"),
        (Image.DecompressionBombError("Image size (1 pixels) exceeds"), "unreadable image"),
        (zipfile.BadZipFile("File is not a zip file"), "unreadable zip archive"),
        (LimitReachedError("limit reached"), "unreadable PDF"),
        (InvalidOperation([decimal.InvalidOperation]), "a number too large or too small"),
        (OverflowError("int too large to convert to float"), "a number too large or too small"),
        (ValueError("Exceeds the limit (4300 digits) for integer string conversion"), "digits"),
    ]
    for exc, expected in cases:
        assert expected in (environment_error(exc) or ""), exc
    from lxml import etree

    try:
        etree.fromstring(b"<a><b></a>")
    except etree.XMLSyntaxError as exc:
        assert "malformed XML" in (environment_error(exc) or "")
    for bug in (KeyError("x"), TypeError("x"), AttributeError("x"), ValueError("x")):
        assert environment_error(bug) is None  # a bug keeps its traceback


# --- fixes that belong to modules owned elsewhere (un-xfail when fixed) -------------------------


def test_format_usd_formats_1e26() -> None:
    from costlab import formats

    assert formats.usd(Decimal(10) ** 26).startswith("$100,000,000,000,000,000,000,000,000")


def test_resolve_none_is_a_clear_error() -> None:
    from costlab.prices import load_pricebook

    with pytest.raises((CostlabError, TypeError)):
        load_pricebook(use_env=False).resolve(None)  # type: ignore[arg-type]


def test_batch_must_be_a_bool() -> None:
    import costlab

    with pytest.raises((TypeError, CostlabError), match="batch"):
        costlab.estimate("gpt-4o", input_tokens=1000, batch="no")  # type: ignore[arg-type]


def test_price_frame_refuses_a_misspelled_token_column() -> None:
    import costlab

    frame = pd.DataFrame(
        {
            "model": ["gpt-4o"],
            "date": [date(2026, 1, 1)],
            "input_tokens": [10**6],
            "output_tokns": [10**6],  # misspelled: today its $10.00 are silently left out
        }
    )
    with pytest.raises(CostlabError, match="output_tokns"):
        costlab.price_frame(frame)


def test_usage_json_nested_deep_is_one_error() -> None:
    from costlab.actuals import parse_usage

    with pytest.raises(CostlabError):
        parse_usage("[" * 100_000 + "]" * 100_000, "u.json")


def test_a_ragged_csv_row_is_named_and_the_rest_priced(data: Path) -> None:
    from costlab.actuals import parse_usage

    lines = (data / "usage-generic.csv").read_text().splitlines()
    lines.insert(2, lines[1] + ",extra,cells")
    parsed = parse_usage("\n".join(lines) + "\n", "u.csv")
    messages = [p.message("u.csv") for p in parsed.problems]
    assert f"u.csv: line 3: more cells than the header's {lines[0].count(',') + 1}" in messages
    assert list(parsed.usage["location"][:2]) == [2, 5]  # line 4 has a problem of its own


def test_every_row_one_cell_past_the_header_is_named_not_shifted() -> None:
    """pandas made the first column an index when every row had one cell more than the header,
    so each value moved one column left: 'date: not a date' on every row (red team)."""
    from costlab.actuals import parse_usage

    text = "date,model,input_tokens,output_tokens\n" + "".join(
        f"2027-01-0{day},gpt-4.1-mini,100,10,{day}\n" for day in (5, 6)
    )
    parsed = parse_usage(text, "u.csv")
    assert [p.message("u.csv") for p in parsed.problems] == [
        "u.csv: line 2, line 3: more cells than the header's 4"
    ]
    assert len(parsed.usage) == 0


def test_n_2_at_the_model_cap_is_twice_the_cap(tmp_path: Path) -> None:
    from costlab.cli import main

    body = tmp_path / "n2.json"
    body.write_text(
        '{"model": "gpt-4o", "n": 2, "max_tokens": 16384, '
        '"messages": [{"role": "user", "content": "hi"}]}'
    )
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        main(["estimate", str(body), "--json"])
    result = json.loads(out.getvalue())
    assert result["max_output_tokens_total"] == 32_768  # 2 choices x 16,384, each within the cap
    assert "ask for more output" not in err.getvalue()


def test_the_readme_lists_every_limit_with_its_default() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Limits and safety", 1)[1].split("\n## ", 1)[0]
    rows = {
        line.split("|")[3].strip(" `"): line.split("|")[2]
        for line in section.splitlines()
        if line.startswith("| ") and "`COSTLAB_" in line
    }
    assert set(rows) == set(limits.ENV_NAMES.values())
    for name, env in limits.ENV_NAMES.items():
        assert f"{limits.current(name):,}" in rows[env], env  # the default as code has it
    assert "COSTLAB_DEBUG=1" in section


def test_a_usage_file_is_read_within_the_input_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from costlab.actuals import read_usage

    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 10)  # `costlab actuals /dev/zero` hangs today
    usage = tmp_path / "usage.csv"
    usage.write_text("date,model,input_tokens,output_tokens\n2027-01-05,gpt-4o,10,1\n")
    with pytest.raises(CostlabError, match="COSTLAB_MAX_INPUT_BYTES"):
        read_usage(usage)
