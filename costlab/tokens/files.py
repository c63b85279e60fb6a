"""Read what the user gives (a path or stdin) and tell what it is.

Kinds, decided from the bytes first (magic numbers), then the file name, then the text:
images (PNG, JPEG, GIF, WebP), PDF, DOCX, and UTF-8 text. Text is a Batch API input file
(``.jsonl``, or lines of ``{"custom_id", "body", ...}``), a request body (JSON with ``messages``
or ``input``), or plain text (``.txt``, ``.md``, ``.csv``, a JSON document, source code ...).
Anything else (other binary data, text that is not UTF-8) is one clear error.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, Literal

from costlab import limits
from costlab.errors import CostlabError
from costlab.extras import require
from costlab.records import frozen
from costlab.yaml_reader import decode_text

Shape = Literal["image", "pdf", "docx", "batch", "body", "text"]

#: What a body that is none of them is told.
ACCEPTED_BODIES = (
    "a request body must be one of: OpenAI Chat Completions (`messages`), OpenAI Responses "
    "(`input`), Anthropic Messages (`messages` with `system`, Anthropic content blocks or tools, "
    "or a Claude model) or Gemini generateContent (`contents`)"
)

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
#: A byte no text holds (tab, newlines and form feed are text).
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


@frozen
class Input:
    """Bytes to count and where they came from."""

    name: str
    """the path as given, or ``-`` for stdin"""
    data: bytes
    suffix: str
    """lower-case file extension (``.jsonl``), empty for stdin"""


def read_input(path_or_dash: str | Path, stdin: BinaryIO | None = None) -> Input:
    """The bytes of a file, or of stdin for ``-``; a missing or unreadable file is one error.

    At most :data:`costlab.limits.MAX_INPUT_BYTES` are read: devices and FIFOs are refused and
    a larger file is refused before it is read (:func:`costlab.limits.read_bounded`).
    """
    name = str(path_or_dash)
    if name == "-":
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:  # `costlab count - <&-`: Python sets sys.stdin to None
            raise CostlabError("stdin is closed; give a PATH or pipe the input in", "-")
        return Input("-", limits.read_bounded(stream, "-"), "")
    path = Path(name)
    return Input(name, limits.read_bounded(path, name), path.suffix.lower())


def sniff_binary(data: bytes) -> Shape | None:
    """``image``, ``pdf`` or ``docx`` from the first bytes; None for anything else."""
    head = data[:16]
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        # "GIF89a" and "RIFF" are text, and a prompt may begin with them ("GIF89a is the
        # format..."); a GIF or WebP holds control bytes in its first bytes, such a text none.
        if head[:1] in (b"G", b"R") and _CONTROL_BYTE.search(data, 0, 65536) is None:
            return None
        return "image"
    if head.startswith(b"%PDF-") and head[5:6].isdigit():  # "%PDF-1.7"; a prompt may say "%PDF- is"
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else None
    return None


#: What zipfile raises for a damaged or unsupported archive (not only BadZipFile: an unknown
#: zip version or compression method is NotImplementedError, an encrypted member RuntimeError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
)


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except _ZIP_ERRORS:
        return False


def decode(source: Input) -> str:
    """UTF-8 text of the input; binary data or another encoding is one error naming it."""
    if source.data.startswith(b"PK\x03\x04"):
        raise CostlabError(
            "a zip archive that is not a .docx document; costlab counts text, request JSON, "
            "batch JSONL, images, PDF and DOCX",
            source.name,
        )
    try:
        return decode_text(source.data, source.name)
    except CostlabError as exc:
        raise CostlabError(
            f"{exc.what}; costlab counts UTF-8 text, request JSON, batch JSONL, images (PNG, "
            "JPEG, GIF, WebP), PDF and DOCX",
            *exc.where,
        ) from None


def text_shape(source: Input, text: str) -> tuple[Shape, Any]:
    """Whether UTF-8 text is a batch file, a request body (returned parsed) or plain text."""
    if source.suffix == ".jsonl":
        return "batch", None
    stripped = text.lstrip()
    if source.suffix == ".json" or (source.suffix == "" and stripped.startswith("{")):
        try:
            value = limits.loads_json(text, source.name)
        except json.JSONDecodeError as exc:
            if _first_line_is_batch(stripped):
                return "batch", None
            raise CostlabError(
                f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", source.name
            ) from None
        if isinstance(value, Mapping):
            if "body" in value and ("url" in value or "custom_id" in value):
                return "batch", None
            if ("params" in value and "custom_id" in value) or (
                "request" in value and "key" in value
            ):  # one line of an Anthropic or Gemini batch file
                return "batch", None
            if "messages" in value or "input" in value or "contents" in value:
                return "body", value
            if "model" in value:
                raise CostlabError(ACCEPTED_BODIES, source.name)
        return "text", None
    return "text", None


def _first_line_is_batch(text: str) -> bool:
    first = text.split("\n", 1)[0]
    try:
        value = limits.loads_json(first)
    except (json.JSONDecodeError, CostlabError):
        return False
    return isinstance(value, Mapping) and (
        "body" in value or ("params" in value and "custom_id" in value) or "request" in value
    )


def pdf_text(source: Input) -> str:
    """Text of every page of a PDF (pypdf), pages separated by newlines."""
    return pdf_text_pages(source)[0]


def pdf_text_pages(source: Input) -> tuple[str, int]:
    """Text of every page of a PDF (pypdf), pages separated by newlines, and its page count.

    At most :data:`~costlab.limits.MAX_PDF_PAGES` pages and
    :data:`~costlab.limits.MAX_DECOMPRESSED_BYTES` of text; pypdf's own decompression limits
    (``LimitReachedError``) and parse errors become one error naming the file.
    """
    require("pypdf", "reading PDF files")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs ("EOF marker not found") and Python prints a library's logs
    # to stderr when nothing handles them: lines around costlab's one error, or its count.
    # A handler that drops them, unless the program using costlab handles pypdf's own.
    quiet = logging.getLogger("pypdf")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    try:
        reader = PdfReader(io.BytesIO(source.data))
        if reader.is_encrypted:
            raise CostlabError("the PDF is encrypted; decrypt it first", source.name)
        pages = len(reader.pages)
        if pages > limits.MAX_PDF_PAGES:
            raise CostlabError(limits.over("MAX_PDF_PAGES", f"{pages:,} pages"), source.name)
        texts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > limits.MAX_DECOMPRESSED_BYTES:
                raise CostlabError(
                    limits.over("MAX_DECOMPRESSED_BYTES", "the PDF's text"), source.name
                )
            texts.append(text)
        return "\n".join(texts), pages
    except CostlabError:
        raise
    except RecursionError:
        raise CostlabError("unreadable PDF: objects nested too deep", source.name) from None
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        zlib.error,
    ) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise CostlabError(f"unreadable PDF: {reason}", source.name) from None


#: Zip members python-docx parses as XML; the rest (images, fonts) it only holds as bytes.
_XML_SUFFIXES = (".xml", ".rels")


def check_docx(source: Input) -> None:
    """Refuse a DOCX whose zip directory declares more than
    :data:`~costlab.limits.MAX_DECOMPRESSED_BYTES` once unzipped, before python-docx reads it.

    The declared sizes bound what :mod:`zipfile` will ever inflate (it stops at a member's
    declared size), so this check is enough against a zip bomb.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
            members = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise CostlabError(f"unreadable DOCX: {exc}", source.name) from None
    total = sum(m.file_size for m in members)
    if total > limits.MAX_DECOMPRESSED_BYTES:
        raise CostlabError(
            limits.over("MAX_DECOMPRESSED_BYTES", f"unzipped, the document's {total:,} bytes"),
            source.name,
        )


def docx_text(source: Input) -> str:
    """Text of a DOCX document (python-docx): paragraphs, then table cells, one per line.

    Checked with :func:`check_docx` first. python-docx's parser does not expand entities, so
    an XML entity bomb stays small; malformed XML and damaged or unsupported zips are one error
    naming the file.
    """
    require("docx", "reading DOCX files")
    import docx
    from lxml import etree

    check_docx(source)
    try:
        document = docx.Document(io.BytesIO(source.data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    except RecursionError:
        raise CostlabError("unreadable DOCX: XML nested too deep", source.name) from None
    except etree.LxmlError as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise CostlabError(f"unreadable DOCX: malformed XML: {reason}", source.name) from None
    except (KeyError, AttributeError, *_ZIP_ERRORS) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise CostlabError(f"unreadable DOCX: {reason}", source.name) from None
    return "\n".join(lines)
