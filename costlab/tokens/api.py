"""The public counting functions: one per kind of input, and :func:`count_path` for any file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from costlab.errors import CostlabError
from costlab.prices import Model, PriceBook
from costlab.tokens.anthropic import looks_anthropic, tally_anthropic
from costlab.tokens.batch import count_batch
from costlab.tokens.chat import tally_chat
from costlab.tokens.files import (
    ACCEPTED_BODIES,
    Input,
    Shape,
    decode,
    docx_text,
    pdf_text,
    pdf_text_pages,
    read_input,
    sniff_binary,
    text_shape,
)
from costlab.tokens.gemini import GEMINI_DEFAULT, tally_gemini
from costlab.tokens.images import (
    ESTIMATE_NOTES,
    Detail,
    conflict_note,
    image_tokens,
    read_size,
)
from costlab.tokens.media import MEDIA_SUFFIXES, count_media, opened_media, sniff_media
from costlab.tokens.responses import tally_responses
from costlab.tokens.result import Kind, PartCount, TokenCount
from costlab.tokens.tally import ImageOptions, Tally
from costlab.tokens.text import Progress, text_tokens
from costlab.tokens.tokenizer import Tokenizer, resolve_model, tokenizer_for
from costlab.tokens.totals import finish

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")

#: What the text of a PDF or DOCX count rests on.
EXTRACTION_NOTES = {
    "pdf": "text extracted locally (pypdf); the API extracts PDF text its own way and also sends "
    "page images to vision models, which are not counted",
    "docx": "text extracted locally (python-docx); what reaches the model depends on how the "
    "document is converted before sending",
}


def count_text(
    text: str,
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    allow_special: bool = False,
    kind: Kind = "text",
    source: str | None = None,
    progress: Progress | None = None,
) -> TokenCount:
    """Tokens of plain text on a model (default gpt-4.1-mini).

    Special-token strings in the text count as ordinary text unless ``allow_special``. Exact
    when the model has a public tokenizer; otherwise scaled by the price book's ratio.

    >>> count_text("tiktoken is great!", model="gpt-4o").input_tokens
    6
    """
    tokenizer = tokenizer_for(resolve_model(model, book))
    encoded = text_tokens(text, tokenizer.encoding, allow_special=allow_special, progress=progress)
    return _text_count(tokenizer, encoded, kind, source)


def _text_count(tokenizer: Tokenizer, encoded: int, kind: Kind, source: str | None) -> TokenCount:
    return TokenCount(
        model=tokenizer.model.id,
        encoding=tokenizer.encoding,
        input_tokens=tokenizer.scale(encoded),
        exact=tokenizer.exact,
        kind=kind,
        estimate_source=tokenizer.estimate_note(),
        source=source,
    )


def count_for_models(
    source: Input,
    models: Sequence[str],
    *,
    book: PriceBook | None = None,
    detail: Detail = "auto",
    image_size: tuple[int, int] | None = None,
    flag_missing_rules: bool = False,
) -> list[TokenCount]:
    """:func:`count_input` on each of ``models``, in order.

    Plain text is encoded once per encoding however many models share it, so a 1M-token paste
    compared across six models costs one encode of o200k_base (plus cl100k_base if asked).
    An image on a model with no image rule raises, unless ``flag_missing_rules``: then that
    model's count is 0 tokens with the flag ``no_image_rule``, and the other models are counted.
    """
    if flag_missing_rules and sniff_binary(source.data) == "image":
        width, height = read_size(source.data, source.name)
        return [
            _image_count(
                chosen, tokenizer_for(chosen), width, height, detail, source.name, flag=True
            )
            for chosen in (resolve_model(name, book) for name in models)
        ]
    if (
        _binary_shape(source) is None
        and source.suffix not in IMAGE_SUFFIXES
        and sniff_media(source.data, source.suffix) is None
    ):
        text = decode(source)
        shape, _ = text_shape(source, text)
        if shape == "text":
            encoded: dict[str, int] = {}
            counts = []
            for name in models:
                tokenizer = tokenizer_for(resolve_model(name, book))
                if tokenizer.encoding not in encoded:
                    encoded[tokenizer.encoding] = text_tokens(text, tokenizer.encoding)
                counts.append(
                    _text_count(tokenizer, encoded[tokenizer.encoding], "text", source.name)
                )
            return counts
    return [
        count_input(source, model=name, book=book, detail=detail, image_size=image_size)
        for name in models
    ]


def count_chat(
    body: Mapping[str, Any],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    image_size: tuple[int, int] | None = None,
    source: str | None = None,
) -> TokenCount:
    """Prompt tokens of a Chat Completions request body (``messages``, ``tools``/``functions``).

    The model is ``model``, else the body's ``model``, else gpt-4.1-mini. ``image_size`` sizes
    images the body only links to.
    """
    return _count_body(body, tally_chat, "chat", model, book, image_size, source)


def count_responses(
    body: Mapping[str, Any],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    image_size: tuple[int, int] | None = None,
    source: str | None = None,
) -> TokenCount:
    """Input tokens of a Responses API body (``input``, ``instructions``, ``tools``); an estimate."""
    return _count_body(body, tally_responses, "responses", model, book, image_size, source)


def count_body(
    body: Mapping[str, Any],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    image_size: tuple[int, int] | None = None,
    source: str | None = None,
) -> TokenCount:
    """A request body in any format costlab reads, told apart by its shape
    (:func:`body_format`): OpenAI Chat Completions or Responses, Anthropic Messages, Gemini
    generateContent."""
    kind = body_format(body, source)
    walk = BODY_WALKERS[kind]
    return _count_body(body, walk, kind, model, book, image_size, source)


#: The body formats costlab reads, and the walker of each.
BODY_WALKERS: dict[Kind, Callable[..., Tally]] = {
    "chat": tally_chat,
    "responses": tally_responses,
    "anthropic": tally_anthropic,
    "gemini": tally_gemini,
}


def body_format(body: Mapping[str, Any], source: str | None = None) -> Kind:
    """Which API a request body is for, from its shape.

    >>> body_format({"contents": [{"parts": [{"text": "hi"}]}]})
    'gemini'
    >>> body_format({"system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]})
    'anthropic'
    """
    if not isinstance(body, Mapping):
        raise CostlabError("a request body must be a JSON object", source)
    if "messages" in body:
        return "anthropic" if looks_anthropic(body) else "chat"
    if "contents" in body:
        return "gemini"
    if "input" in body:
        return "responses"
    raise CostlabError(ACCEPTED_BODIES, source)


def count_anthropic(
    body: Mapping[str, Any],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    image_size: tuple[int, int] | None = None,
    source: str | None = None,
) -> TokenCount:
    """Input tokens of an Anthropic Messages body (``system``, ``messages``, ``tools``,
    ``tool_choice``), with Anthropic's tool-use system prompt; an estimate."""
    return _count_body(body, tally_anthropic, "anthropic", model, book, image_size, source)


def count_gemini(
    body: Mapping[str, Any],
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    image_size: tuple[int, int] | None = None,
    source: str | None = None,
) -> TokenCount:
    """Input tokens of a Gemini generateContent body (``contents``, ``systemInstruction``,
    ``tools``, inline data); an estimate."""
    return _count_body(body, tally_gemini, "gemini", model, book, image_size, source)


def count_image(
    size: tuple[int, int] | str | Path,
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    detail: Detail = "auto",
    source: str | None = None,
) -> TokenCount:
    """Input tokens of one image, given as ``(width, height)`` or an image file's path.

    Uses the model's ``images`` rule from the price book (tile or patch method). Tile-method
    counts are exact; patch-method counts may differ from billing by one token (OpenAI).

    >>> count_image((1024, 1024), model="gpt-4o", detail="high").input_tokens
    765
    """
    chosen = resolve_model(model, book)
    tokenizer = tokenizer_for(chosen)
    if isinstance(size, str | Path):
        source = source or str(size)
        width, height = read_size(Path(size), str(size))
    else:
        width, height = size
    return _image_count(chosen, tokenizer, width, height, detail, source)


def _image_count(
    model: Model,
    tokenizer: Tokenizer,
    width: int,
    height: int,
    detail: Detail,
    source: str | None,
    *,
    flag: bool = False,
) -> TokenCount:
    """One image's count; with ``flag``, a model without a rule gives a flagged empty count."""
    rule = model.images
    if rule is None and flag:
        return TokenCount(
            model=model.id,
            encoding=tokenizer.encoding,
            input_tokens=0,
            exact=False,
            kind="image",
            estimate_source="no image rule: the image is not counted",
            warnings=(f"{model.id}: no image-token rule in the price book; image not counted",),
            source=source,
            flags=("no_image_rule",),
        )
    if rule is None:
        raise CostlabError(
            "the price book has no image-token rule for this model (text-only, or no published rule)",
            f"model '{model.id}'",
        )
    warnings = []
    note = conflict_note(rule, width, height)
    if note:
        warnings.append(note)
    if rule.method == "patch" and detail == "low":
        warnings.append("patch-method models: the price book's budget is used for every detail")
    note = ESTIMATE_NOTES[rule.method]
    exact = note is None
    tokens = image_tokens(rule, width, height, detail)
    return TokenCount(
        model=model.id,
        encoding=tokenizer.encoding,
        input_tokens=tokens,
        exact=exact,
        kind="image",
        estimate_source=note,
        parts=(
            PartCount(
                f"image {width}x{height}, detail {detail}",
                tokens,
            ),
        ),
        warnings=tuple(warnings),
        source=source,
    )


def count_path(
    path_or_dash: str | Path,
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    detail: Detail = "auto",
    image_size: tuple[int, int] | None = None,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> TokenCount:
    """Count a file (or stdin for ``-``), whatever it holds: text, a request body, a batch file,
    an image, a PDF, a DOCX, or audio or video (by its duration).

    ``input_tokens / requests`` is the mean input of one request. A request body's ``model`` is
    the default model; ``model`` overrides it. Bad batch lines land in ``errors`` (the count
    covers the good lines); any other bad input raises one :class:`CostlabError`.
    """
    if str(path_or_dash) != "-":
        counted = _media_in_place(Path(path_or_dash), model, book)
        if counted is not None:
            return counted
    source = read_input(path_or_dash, stdin)
    return count_input(
        source, model=model, book=book, detail=detail, image_size=image_size, progress=progress
    )


def _media_in_place(path: Path, model: str | None, book: PriceBook | None) -> TokenCount | None:
    """An audio or video file on disk counted from its header, read where it lies (a recording
    of any size, beyond the input-size limit); None for any other file."""
    name = str(path)
    if path.suffix.lower() not in MEDIA_SUFFIXES and not path.is_file():
        return None  # reading it names what is wrong
    with opened_media(path, name) as media:
        if media is None:
            return None
        stream, fmt = media
        return count_media(stream, name, fmt, resolve_model(model, book))


def _binary_shape(source: Input) -> Shape | None:
    """``image``, ``pdf`` or ``docx`` by the file's first bytes, or ``pdf`` by its name: a PDF's
    header may come after other bytes (readers look through the first 1,024), and its syntax
    counted as text would be a wrong count."""
    return sniff_binary(source.data) or ("pdf" if source.suffix == ".pdf" else None)


def count_input(
    source: Input,
    *,
    model: str | None = None,
    book: PriceBook | None = None,
    detail: Detail = "auto",
    image_size: tuple[int, int] | None = None,
    progress: Progress | None = None,
) -> TokenCount:
    """:func:`count_path` on bytes already read."""
    binary = _binary_shape(source)
    media = sniff_media(source.data, source.suffix) if binary is None else None
    if media is not None:
        return count_media(source.data, source.name, media, resolve_model(model, book))
    if binary == "image":
        chosen = resolve_model(model, book)
        width, height = read_size(source.data, source.name)
        count = _image_count(chosen, tokenizer_for(chosen), width, height, detail, source.name)
        if image_size is not None and image_size != (width, height):
            ignored = f"the image size given is ignored: the file is {width}x{height}"
            return replace(count, warnings=(*count.warnings, ignored))
        return count
    if binary == "pdf":
        chosen = resolve_model(model, book)
        rule = chosen.images
        if rule is not None and rule.page_tokens is not None:
            return _pdf_pages_count(source, chosen, rule.method, rule.page_tokens, progress)
    if binary in ("pdf", "docx"):
        text = pdf_text(source) if binary == "pdf" else docx_text(source)
        count = count_text(
            text, model=model, book=book, kind=binary, source=source.name, progress=progress
        )
        note = EXTRACTION_NOTES[binary]
        warnings = () if text.strip() else ("no text could be extracted (a scanned document?)",)
        return replace(
            count,
            exact=False,
            estimate_source="; ".join(filter(None, [count.estimate_source, note])),
            warnings=warnings,
        )
    if source.suffix in IMAGE_SUFFIXES:
        read_size(source.data, source.name)  # raises "unreadable image" with pillow's reason
    text = decode(source)
    shape, body = text_shape(source, text)
    if shape == "batch":
        return count_batch(
            text,
            model=model,
            book=book,
            images=ImageOptions(image_size),
            source=source.name,
            size_bytes=len(source.data),
            progress=progress,
        )
    if shape == "body":
        return count_body(body, model=model, book=book, image_size=image_size, source=source.name)
    return count_text(text, model=model, book=book, source=source.name, progress=progress)


def _pdf_pages_count(
    source: Input, model: Model, method: str, page_tokens: int, progress: Progress | None
) -> TokenCount:
    """A PDF on a model whose provider bills pages as images: Gemini bills each page at
    ``page_tokens`` [G-DOCS]; Claude bills the extracted text plus each page's image, counted at
    the rule's bound [ANT-PDF]."""
    text, pages = pdf_text_pages(source)
    tokenizer = tokenizer_for(model)
    page_part = PartCount(f"{pages:,} page image{'s' if pages != 1 else ''}", pages * page_tokens)
    if method == "gemini":
        parts: tuple[PartCount, ...] = (page_part,)
        note = f"Google bills each PDF page as {page_tokens:,} tokens [G-DOCS]"
    else:
        encoded = tokenizer.scale(text_tokens(text, tokenizer.encoding, progress=progress))
        parts = (PartCount("extracted text", encoded), page_part)
        note = (
            f"the text extracted locally (pypdf) plus each page's image at its {page_tokens:,}-"
            "token bound [ANT-PDF]; page sizes are not read"
        )
    return TokenCount(
        model=model.id,
        encoding=tokenizer.encoding,
        input_tokens=sum(p.input_tokens for p in parts),
        exact=False,
        kind="pdf",
        estimate_source="; ".join(filter(None, [tokenizer.estimate_note(), note])),
        parts=parts,
        source=source.name,
    )


def _count_body(
    body: Mapping[str, Any],
    walk: Callable[..., Tally],
    kind: Kind,
    model: str | None,
    book: PriceBook | None,
    image_size: tuple[int, int] | None,
    source: str | None,
) -> TokenCount:
    if not isinstance(body, Mapping):
        raise CostlabError("a request body must be a JSON object", source)
    named = body.get("model")
    if kind == "gemini":
        # generateContent names its model in the URL, not the body: default to a Gemini model
        named = named.removeprefix("models/") if isinstance(named, str) else GEMINI_DEFAULT
    chosen = resolve_model(model, book, fallback=named if isinstance(named, str) else None)
    tokenizer = tokenizer_for(chosen)
    where = (source,) if source else ()
    tally = walk(body, chosen, tokenizer, images=ImageOptions(image_size), where=where)
    [total] = finish([tally], tokenizer)
    notes = [tokenizer.estimate_note(), *tally.approximations]
    return TokenCount(
        model=chosen.id,
        encoding=tokenizer.encoding,
        input_tokens=total.input_tokens,
        input_audio_tokens=total.audio_tokens,
        exact=tokenizer.exact and not tally.approximations,
        kind=kind,
        max_output_tokens=tally.max_output_tokens,
        requests_without_max_output=0 if tally.max_output_tokens is not None else 1,
        output_choices=tally.output_choices,
        estimate_source="; ".join(n for n in notes if n) or None,
        parts=total.parts,
        warnings=tuple(tally.warnings),
        source=source,
    )
