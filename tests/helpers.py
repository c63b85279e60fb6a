"""Small builders for test inputs (images, PDFs, DOCX files, batch lines)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any


def png_bytes(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(width: int, height: int) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(width, height)).decode()


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal one-page PDF showing ``lines`` in Helvetica (objects and xref written by hand)."""
    text = " T* ".join(f"({line}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def docx_file(path: Path, paragraphs: list[str], cells: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if cells:
        table = document.add_table(rows=len(cells), cols=len(cells[0]))
        for r, row in enumerate(cells):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    document.save(str(path))
    return path


def batch_line(custom_id: str, body: dict[str, Any], url: str = "/v1/chat/completions") -> str:
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": url, "body": body})


#: The issue's support-bot scenario, as a file's text; tests refer to its line numbers
#: (line 1 is "name: ...", line 10 "cached_input_share").
SUPPORT = """\
name: support-bot
start: 2027-01
months: 12
budget: {monthly: 400}
workloads:
  - name: triage
    model: gpt-4.1-mini
    requests_per_day: 20000
    input_tokens: 1200
    cached_input_share: 0.5
    output_tokens: 150
    retry_rate: 0.05
    growth: 0.10
"""


def training_file(path: Path, examples: int = 20) -> Path:
    """A small chat fine-tuning JSONL file of support-ticket examples."""
    rows = [
        {"messages": [{"role": "user", "content": f"Ticket {i}: my order is late"},
                      {"role": "assistant", "content": "Sorry! It ships tomorrow."}]}
        for i in range(examples)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
