"""Hostile input through the real ``costlab`` process: one ``costlab: error:`` line, exit 2.

Each case runs ``python -m costlab.cli`` in a subprocess (stdout buffered as for a user, not
``PYTHONUNBUFFERED``) with a timeout that is the time budget: a case that hangs or reads an
endless device fails by timing out, not by a wall-clock assertion. The corpus is in
``tests/data/hostile/`` (small files); what would be large or needs the OS (deep JSON, a DOCX
bomb, a FIFO, a sparse file, ``/dev/zero``, ``/dev/full``, a closed stdin) is made at test time.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
#: Seconds one hostile run may take (start-up is ~0.5 s; a hang or an endless read is minutes).
BUDGET = 60


def run(
    *args: str,
    cwd: Path = HOSTILE,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
    stdout: Any = subprocess.PIPE,
) -> subprocess.CompletedProcess[str]:
    ignored = ("PYTHONUNBUFFERED", "COSTLAB_PRICES", "COSTLAB_DEBUG")
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update({"PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "costlab.cli", *args],
        cwd=cwd,
        env=environment,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=BUDGET,
    )


def assert_one_error(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, exactly one stderr line, ``costlab: error:``, no traceback; returns the line."""
    err = proc.stderr
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode == 2, (proc.returncode, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("costlab: error: "), err
    for needle in needles:
        assert needle in lines[0], err
    return lines[0]


# (arguments, words the one error line must contain)
CORPUS = [
    (("count", "bomb-100000x100000.png"), ("10,000,000,000 pixels", "COSTLAB_MAX_IMAGE_PIXELS")),
    (("count", "bomb-65535x65535.gif"), ("pixels", "COSTLAB_MAX_IMAGE_PIXELS")),
    (("prices", "--prices", "laughs-price.yaml"), ("aliases expanded", "COSTLAB_MAX_YAML_NODES")),
    (("forecast", "laughs-scenario.yaml"), ("aliases expanded", "COSTLAB_MAX_YAML_NODES")),
    (("prices", "--prices", "price-bad-date.yaml"), ("line 8", "effective_from", "2024-02-30")),
    (("prices", "--prices", "price-1e400.yaml"), ("line 9", "input", "COSTLAB_MAX_EXPONENT")),
    (
        ("prices", "--prices", "price-context-1e999999999.yaml"),
        ("context_window", "line 5", "COSTLAB_MAX_EXPONENT"),
    ),
    (
        ("prices", "--prices", "price-5000-digit-int.yaml"),
        ("max_output_tokens", "5,000 digits", "COSTLAB_MAX_DIGITS"),
    ),
    (
        ("forecast", "scenario-months-1e999999999.yaml"),
        ("months", "line 3", "COSTLAB_MAX_EXPONENT"),
    ),
    (("forecast", "scenario-budget-1e400.yaml"), ("monthly", "line 5", "COSTLAB_MAX_EXPONENT")),
    (
        ("forecast", "scenario-requests-1e30.yaml"),
        ("requests_per_month", "line 7", "COSTLAB_MAX_COUNT"),
    ),
    (("forecast", "scenario-bad-date.yaml"), ("line 3", "first_day", "2027-06-31")),
    (("count", "--image-size", (HOSTILE / "image-size-400-digits.txt").read_text().strip()), ()),
    (("estimate", "--model", "gpt-4o", "--input-tokens", "9" * 5001), ("COSTLAB_MAX_DIGITS",)),
    (("count", "/dev/zero"), ("/dev/zero", "not a regular file")),
]


@pytest.mark.parametrize(("args", "needles"), CORPUS, ids=[" ".join(a)[:60] for a, _ in CORPUS])
def test_hostile_corpus_is_one_error_line(args: tuple[str, ...], needles: tuple[str, ...]) -> None:
    assert_one_error(run(*args), *needles)


def test_a_bad_batch_line_is_named_and_the_good_lines_still_count() -> None:
    proc = run("count", "batch-5001-digit-max-tokens.jsonl", "--json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    errors = proc.stderr.splitlines()
    assert all(line.startswith("costlab: error: ") for line in errors)
    assert "line 2: a whole number of 5,001 digits" in errors[0]
    result = json.loads(proc.stdout)
    assert result["requests"] == 2  # lines 1 and 3
    assert result["max_output_tokens"] == 15  # 10 + 5, as written in the file


def test_json_nested_100000_deep(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"messages": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert_one_error(run("count", str(deep)), "100,001 deep", "COSTLAB_MAX_NESTING_DEPTH")
    batch = tmp_path / "deep.jsonl"
    batch.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    proc = run("count", str(batch))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "line 1: JSON nested 100,000 deep" in proc.stderr


def test_deep_json_on_stdin(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"input": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with deep.open() as stdin:
        assert_one_error(run("count", "-", stdin=stdin), "COSTLAB_MAX_NESTING_DEPTH")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would block forever
    assert_one_error(run("count", str(fifo)), "not a regular file")


def test_a_sparse_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as f:
        f.truncate(2**30)  # 1 GiB of nothing, no disk used
    assert_one_error(run("count", str(sparse)), "COSTLAB_MAX_INPUT_BYTES")


def test_stdin_is_read_at_most_to_the_limit() -> None:
    with open("/dev/zero", "rb") as zero:
        proc = run("count", "-", stdin=zero, env={"COSTLAB_MAX_INPUT_BYTES": "1000000"})
    assert_one_error(proc, "1,000,000", "COSTLAB_MAX_INPUT_BYTES")


def test_closed_stdin() -> None:
    command = f"exec {sys.executable} -m costlab.cli count - <&-"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    environment["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env=environment, timeout=BUDGET
    )
    assert_one_error(proc, "stdin is closed")


@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("args", [("prices",), ("prices", "--help"), ("--version",)])
def test_a_full_disk_as_stdout_is_one_error(args: tuple[str, ...], buffered: bool) -> None:
    env = {} if buffered else {"PYTHONUNBUFFERED": "1"}
    with open("/dev/full", "w") as full:
        proc = run(*args, stdout=full, env=env)
    assert_one_error(proc, "No space left on device")


def test_a_closed_pipe_is_quiet() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "costlab.cli", "prices", "--json"],
        cwd=HOSTILE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=BUDGET) == 0
    assert err == ""


def _docx(document_xml: bytes) -> bytes:
    """A real DOCX (python-docx's blank document) with ``word/document.xml`` replaced."""
    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    out = io.BytesIO()
    with zipfile.ZipFile(blank) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(
                item.filename, document_xml if item.filename == "word/document.xml" else data
            )
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(4):  # 4 MiB of zeros: ~4 KB compressed
                member.write(bytes(2**20))
    bomb.write_bytes(out.getvalue())
    assert bomb.stat().st_size < 100_000
    proc = run("count", str(bomb), env={"COSTLAB_MAX_DECOMPRESSED_BYTES": str(2**20)})
    assert_one_error(proc, "unzipped", "COSTLAB_MAX_DECOMPRESSED_BYTES")


def test_a_docx_with_malformed_xml(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(_docx(b"<w:document><w:body><w:p>unclosed"))
    assert_one_error(run("count", str(broken)), "unreadable DOCX")


def test_a_docx_with_an_entity_bomb_is_bounded(tmp_path: Path) -> None:
    laughs = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' if i else '<!ENTITY l0 "lol">' for i in range(10)
    )
    xml = (
        f"<!DOCTYPE d [{laughs}]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    bomb = tmp_path / "laughs.docx"
    bomb.write_bytes(_docx(xml.encode()))
    proc = run("count", str(bomb))
    # python-docx does not resolve entities: either a small count or one error, never a hang
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        assert_one_error(proc)


def _pdf(pages: int, stream: bytes = b"", filters: str = "") -> bytes:
    """A minimal PDF of ``pages`` pages sharing one content stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{4 + i} 0 R".encode() for i in range(pages))
        + f"] /Count {pages} >>".encode(),
        f"<< /Length {len(stream)}{filters} >>\nstream\n".encode() + stream + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 3 0 R >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_over_the_page_limit(tmp_path: Path) -> None:
    pdf = tmp_path / "pages.pdf"
    pdf.write_bytes(_pdf(5))
    proc = run("count", str(pdf), env={"COSTLAB_MAX_PDF_PAGES": "3"})
    assert_one_error(proc, "5 pages", "COSTLAB_MAX_PDF_PAGES")


def test_a_pdf_flate_bomb(tmp_path: Path) -> None:
    import zlib

    stream = zlib.compress(b"0" * 200 * 2**20, 9)  # 200 MiB of text in ~200 KB
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(_pdf(1, stream, " /Filter /FlateDecode"))
    proc = run("count", str(pdf))
    assert "Traceback" not in proc.stderr
    if proc.returncode != 0:  # pypdf's LimitReachedError, or costlab's text limit
        assert_one_error(proc, "PDF")


def test_debug_shows_the_traceback() -> None:
    proc = run("count", "bomb-100000x100000.png", env={"COSTLAB_DEBUG": "1"})
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "CostlabError" in proc.stderr


def test_an_export_to_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: s\nstart: 2027-01\nmonths: 2\nworkloads:\n  - name: w\n    model: gpt-4o\n"
        "    requests_per_month: 10\n    input_tokens: 10\n    output_tokens: 10\n"
    )
    proc = run("forecast", str(scenario), "--xlsx", str(tmp_path / "missing" / "out.xlsx"))
    assert_one_error(proc, "cannot write")


def test_a_horizon_past_year_9999_is_one_error(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: s\nstart: 9999-12\nmonths: 2\nworkloads:\n  - name: w\n    model: gpt-4o\n"
        "    requests_per_month: 10\n    input_tokens: 10\n    output_tokens: 10\n"
    )
    assert_one_error(run("forecast", str(scenario)), "start")


def test_pypdf_logs_nothing_around_the_one_line(tmp_path: Path) -> None:
    """pypdf logs what it repairs; Python printed those logs to stderr, around the error line
    (a damaged PDF) or the count (a PDF whose startxref is 3 bytes off, read all the same)."""
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\nhello")
    assert_one_error(run("count", str(damaged)), "unreadable PDF")
    pdf = _pdf(1, b"BT /F1 12 Tf 10 10 Td (Hello world) Tj ET")
    xref = int(pdf.split(b"startxref\n")[1].split(b"\n")[0])
    repaired = tmp_path / "off-by-3.pdf"
    repaired.write_bytes(pdf.replace(b"startxref\n%d" % xref, b"startxref\n%d" % (xref + 3)))
    proc = run("count", str(repaired), "--model", "gpt-4o")
    assert proc.returncode == 0, proc.stderr
    assert all(line.startswith("costlab: ") for line in proc.stderr.splitlines()), proc.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as on Linux")
def test_a_workbook_on_a_full_disk_is_one_line(tmp_path: Path) -> None:
    """Files capped at 8 KB, as a full disk caps them: openpyxl's temporary sheet files failed
    first, lxml's IO_EFBIG read 'malformed XML in the document', and the sheets' generators
    printed 'Exception ignored' tracebacks at exit."""
    import resource

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    target = tmp_path / "out.xlsx"
    environment = {k: v for k, v in os.environ.items() if k not in ("COSTLAB_DEBUG",)}
    scenario = str(ROOT / "examples" / "support-bot.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "costlab.cli", "forecast", scenario, "--xlsx", str(target)],
        env={**environment, "PYTHONPATH": str(ROOT)},
        preexec_fn=capped,
        capture_output=True,
        text=True,
        timeout=BUDGET,
    )
    assert_one_error(proc, f"{target}: cannot write: the workbook's temporary files: IO_EFBIG")
    assert not target.exists()
