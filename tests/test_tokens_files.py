"""Files of every kind: detection, text extraction, and one clear error for anything else."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import docx_file, pdf_bytes, png_bytes

from costlab.errors import CostlabError
from costlab.tokens import count_path, count_text
from costlab.tokens.api import count_for_models
from costlab.tokens.files import read_input


@pytest.mark.parametrize(
    "name", ["notes.txt", "README.md", "table.csv", "script.py", "data.json", "noext"]
)
def test_text_files(tmp_path: Path, name: str) -> None:
    text = (
        '["a list", "is a JSON document, not a request"]'
        if name.endswith(".json")
        else "id,name\n1,Ada\n"
    )
    path = tmp_path / name
    path.write_text(text)
    count = count_path(path, model="gpt-4o")
    assert (count.kind, count.input_tokens) == (
        "text",
        count_text(text, model="gpt-4o").input_tokens,
    )


def test_a_text_file_that_starts_like_json_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("{not json} just notes")
    assert count_path(path).kind == "text"


def test_request_bodies_by_content(tmp_path: Path) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    stdin = io.BytesIO(json.dumps(body).encode())
    assert count_path("-", stdin=stdin).kind == "chat"
    path = tmp_path / "req.json"
    path.write_text(json.dumps({"model": "gpt-4o", "input": "hi"}))
    assert count_path(path).kind == "responses"


def test_pdf_text(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_bytes(["Quarterly report", "Revenue grew"]))
    count = count_path(path, model="gpt-4o")
    assert count.kind == "pdf" and not count.exact and "pypdf" in (count.estimate_source or "")
    assert (
        count.input_tokens
        == count_text("Quarterly report\nRevenue grew", model="gpt-4o").input_tokens
    )


def test_a_pdf_after_a_junk_line_is_read_as_a_pdf(tmp_path: Path) -> None:
    """Readers look for the header in the first 1,024 bytes; a PDF after a junk line was
    counted as text: its raw syntax, hundreds of tokens, exact, for two lines of text."""
    path = tmp_path / "mailed.pdf"
    path.write_bytes(
        b"junk from a mail gateway\n" + pdf_bytes(["Quarterly report", "Revenue grew"])
    )
    count = count_path(path, model="gpt-4o")
    assert count.kind == "pdf" and not count.exact
    assert (
        count.input_tokens
        == count_text("Quarterly report\nRevenue grew", model="gpt-4o").input_tokens
    )
    several = count_for_models(read_input(path), ["gpt-4o", "gpt-4o-mini"])
    assert [c.kind for c in several] == ["pdf", "pdf"]


def test_docx_text(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "memo.docx", ["Dear team,", "Ship it."], cells=[["a", "b"]])
    count = count_path(path, model="gpt-4o")
    assert count.kind == "docx" and not count.exact
    assert (
        count.input_tokens == count_text("Dear team,\nShip it.\na\tb", model="gpt-4o").input_tokens
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("latin1.txt", "café".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 at offset 3\)"),
        ("blob.bin", b"\x00\x01\x02binary", "binary data, expected UTF-8 text"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "a zip archive that is not a .docx"),
        ("bad.json", b'{"messages": [', r"malformed JSON: Expecting value \(line 1, column 15\)"),
        (
            "nomsg.json",
            b'{"model": "gpt-4o"}',
            "must be one of: OpenAI Chat Completions \\(`messages`\\), OpenAI Responses",
        ),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "unreadable image"),
        ("fake.png", b"just text", "unreadable image"),
        ("broken.pdf", b"%PDF-1.4\n garbage", "unreadable PDF"),
        ("fake.pdf", b"just text", "unreadable PDF"),  # as fake.png: counted as text, exit 0
    ],
)
def test_bad_files_are_one_clear_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CostlabError, match=message) as info:
        count_path(path)
    assert str(info.value).startswith(str(path))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(CostlabError, match="no such file"):
        count_path(tmp_path / "nope.txt")
    with pytest.raises(CostlabError, match="is a directory"):
        count_path(tmp_path)


def test_a_real_png_is_an_image(tmp_path: Path) -> None:
    path = tmp_path / "pic.webp"  # the bytes decide, not the name
    path.write_bytes(png_bytes(100, 50))
    assert count_path(path, model="gpt-4o").kind == "image"


@pytest.mark.parametrize(
    "prompt",
    [
        "GIF89a is the image format from 1989; summarise its history.",
        "GIF87a came first.\n\tIt had no animation.",
        "RIFF....WEBP is how a WebP file begins: RIFF, its size, then WEBP.",
    ],
)
def test_a_prompt_that_begins_like_an_image_is_text(tmp_path: Path, prompt: str) -> None:
    """'GIF89a' and 'RIFF' are text: such a prompt was refused as an unreadable image."""
    path = tmp_path / "prompt.txt"
    path.write_text(prompt, encoding="utf-8")
    count = count_path(path, model="gpt-4o")
    assert count.kind == "text" and count.exact
    assert count.input_tokens == count_text(prompt, model="gpt-4o").input_tokens


@pytest.mark.parametrize("kind", ["GIF", "WEBP"])
@pytest.mark.parametrize("size", [(1, 1), (300, 300), (2000, 20)])
def test_real_gifs_and_webps_are_still_images(
    tmp_path: Path, kind: str, size: tuple[int, int]
) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    path = tmp_path / "pic.bin"
    path.write_bytes(buffer.getvalue())
    assert count_path(path, model="gpt-4o").kind == "image"
