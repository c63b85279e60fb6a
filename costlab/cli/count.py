"""``costlab count``: the input tokens of a file or stdin (text, request JSON, batch JSONL, image,
PDF, DOCX, audio, video)."""

from __future__ import annotations

import argparse

from costlab.cli._common import add_json_option, add_prices_option

EXAMPLE = """examples:
  costlab count prompt.txt                      # text, on gpt-4.1-mini
  costlab count request.json                    # a Chat Completions / Responses body, on its model
  costlab count batch.jsonl --json              # every request of a Batch API file
  costlab count photo.png --model gpt-4o --detail low
  costlab count call.mp3 --model gpt-realtime     # audio by its duration (costlab[files])
  costlab count --image-size 1024x1024 --model gpt-4o
  pbpaste | costlab count - --model claude-sonnet-4-5
  costlab count docs/ 'notes/*.md' --model gpt-4.1-mini   # many text files, added up
  costlab count s3://bucket/corpus/ --scheduler tcp://10.0.0.5:8786"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = sub.add_parser(
        "count",
        help="count the input tokens of a file, stdin, or an image size",
        description="Count input tokens: exact for OpenAI models (offline tiktoken encodings), "
        "labelled estimates for models without a public tokenizer. The kind of input is detected.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(parser)
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="list every request of a batch file (messages are always listed for a body)",
    )
    parser.add_argument(
        "--allow-special",
        action="store_true",
        help="plain text: count special-token strings like <|endoftext|> as one token each",
    )
    parser.add_argument(
        "more_paths",
        nargs="*",
        metavar="PATH",
        help="more text files, folders, globs or fsspec URLs, counted and added up",
    )
    from costlab.cli.actuals import add_scheduler_option

    add_scheduler_option(parser)
    add_json_option(parser)
    add_prices_option(parser)
    parser.set_defaults(run=run)


def add_input_options(
    parser: argparse.ArgumentParser,
    path_help: str = "file to count, or - for stdin (default: stdin)",
    model_help: str = "model id or alias (default: the body's model, else gpt-4.1-mini)",
) -> None:
    """PATH, --model, --image-size and --detail, shared with ``costlab estimate PATH``."""
    from costlab.urls import local_path

    # a URL of scheme file is the local file, alone as among several inputs
    parser.add_argument("path", nargs="?", metavar="PATH", type=local_path, help=path_help)
    from costlab.cli._models import add_model_options

    add_model_options(parser, model_help)
    parser.add_argument(
        "--image-size",
        metavar="WxH",
        help="image size in px: with no PATH, count one such image; in a body, the size of "
        "images given only by URL",
    )
    parser.add_argument(
        "--detail",
        choices=("low", "high", "auto"),
        default="auto",
        help="image detail for an image file or --image-size (default auto)",
    )


def count_from_args(args: argparse.Namespace, book: object) -> object:
    """Run the count the arguments ask for (shared with ``costlab estimate PATH``)."""
    import sys

    from costlab.errors import CostlabError
    from costlab.tokens import count_image, count_path, parse_size

    size = parse_size(args.image_size) if args.image_size else None
    path = args.path
    if path is None:
        if size is not None:
            return count_image(size, model=args.model, book=book, detail=args.detail)  # type: ignore[arg-type]
        if sys.stdin is None or sys.stdin.isatty():
            raise CostlabError(
                "give a PATH, - for stdin, or --image-size WxH (see 'costlab count --help')",
                args.command,
            )
        path = "-"
    scheduler = getattr(args, "scheduler", None)
    paths = [path, *getattr(args, "more_paths", [])]
    from costlab.cli._progress import progress_bar

    if size is None:
        from costlab import scale

        if scale.wants_batch_chunks(paths, scheduler):  # a big batch file: chunks of lines
            with progress_bar(args, "counting", "chunk") as progress:
                return scale.count_batch_file(
                    path,
                    model=args.model,
                    book=book,  # type: ignore[arg-type]
                    prices=tuple(str(p) for p in getattr(args, "prices", None) or ()),
                    scheduler=scheduler,
                    progress=progress,
                )
        if scale.wants_scale(paths, scheduler):  # many files, a URL, or a big text: streamed
            with progress_bar(args, "counting", "B") as progress:
                return scale.count_texts(
                    paths,
                    model=args.model,
                    book=book,  # type: ignore[arg-type]
                    scheduler=scheduler,
                    allow_special=getattr(args, "allow_special", False),
                    progress=progress,
                )
    with progress_bar(args, "counting", "") as progress:
        return count_path(
            path,
            model=args.model,
            book=book,  # type: ignore[arg-type]
            detail=args.detail,
            image_size=size,
            progress=progress,
        )


def run(args: argparse.Namespace) -> int:
    import sys

    from costlab.cli._common import pricebook, print_json
    from costlab.cli._models import run_file, several
    from costlab.tokens import TokenCount

    if several(args):
        return run_file(args, count_from_args, output_tokens=None)
    book = pricebook(args)
    if getattr(args, "allow_special", False):
        return _run_special(args, book)
    count = count_from_args(args, book)
    assert isinstance(count, TokenCount)
    from costlab.cli._models import export_rows

    export_rows(args, [count])
    if args.json:
        print_json(count.to_dict(parts=count.kind != "batch" or args.breakdown))
    else:
        print_count(count, breakdown=args.breakdown)
    report(count)
    if count.errors:
        sys.stderr.write(
            f"costlab: error: {count.source}: {len(count.errors):,} bad line(s); "
            f"the count above covers the {count.requests:,} good one(s)\n"
        )
        return 2
    return 0


def _run_special(args: argparse.Namespace, book: object) -> int:
    import sys

    from costlab.cli._common import print_json
    from costlab.errors import CostlabError
    from costlab.tokens import count_text
    from costlab.tokens.files import decode, read_input

    if args.path is None and (sys.stdin is None or sys.stdin.isatty()):
        raise CostlabError("give a PATH, or - for stdin", args.command)
    source = read_input(args.path or "-")
    text = decode(source)
    if source.suffix in (".json", ".jsonl"):
        raise CostlabError("--allow-special applies to plain text only", source.name)
    count = count_text(text, model=args.model, book=book, allow_special=True, source=source.name)  # type: ignore[arg-type]
    if args.json:
        print_json(count.to_dict())
    else:
        print_count(count, breakdown=False)
    report(count)
    return 0


def report(count: object) -> None:
    """Warnings and bad lines on stderr, one line each."""
    import sys

    from costlab.tokens import TokenCount

    assert isinstance(count, TokenCount)
    for warning in count.warnings:
        sys.stderr.write(f"costlab: warning: {warning}\n")
    for error in count.errors:
        sys.stderr.write(f"costlab: error: {error}\n")


def print_count(count: object, *, breakdown: bool) -> None:
    """The human-readable count: a headline, the breakdown, and what the figure rests on."""
    from costlab import formats
    from costlab.cli._common import table
    from costlab.tokens import TokenCount

    assert isinstance(count, TokenCount)
    what = {
        "text": "text",
        "chat": "Chat Completions request",
        "responses": "Responses request",
        "anthropic": "Anthropic Messages request",
        "gemini": "Gemini generateContent request",
        "batch": f"batch of {count.requests:,} request{'s' if count.requests != 1 else ''}",
        "image": "image",
        "pdf": "PDF text",
        "docx": "DOCX text",
        "audio": "audio",
        "video": "video",
    }[count.kind]
    origin = f"{count.source}: " if count.source else ""
    print(f"{origin}{what} on {count.model} ({count.encoding})")
    show_parts = count.parts and (count.kind not in ("batch", "image") or breakdown)
    if show_parts:
        rows: list[tuple[object, ...]]
        if count.kind == "batch":
            rows = [
                (p.line, p.label, formats.tokens(p.input_tokens), _limit(p.max_output_tokens))
                for p in count.parts
            ]
            text = table(rows, ("line", "custom_id", "input", "max output"), right=(0, 2, 3))
        else:
            rows = [(p.label, formats.tokens(p.input_tokens)) for p in count.parts]
            text = table(rows, ("part", "tokens"), right=(1,))
        print("\n".join("  " + line for line in text.splitlines()))
    label = "exact" if count.exact else "estimate"
    print(f"  input tokens       {formats.tokens(count.input_tokens)}  ({label})")
    if count.kind == "batch" and count.requests:
        mean = formats.tokens(count.input_tokens_per_request, places=1)
        print(f"  per request        {mean} (mean)")
    if count.kind in ("chat", "responses", "anthropic", "gemini", "batch"):
        print(f"  max output         {_max_output(count)}")
    if count.estimate_source:
        print(f"  estimate because   {count.estimate_source}")


def _max_output(count: object) -> str:
    from costlab import formats
    from costlab.tokens import TokenCount

    assert isinstance(count, TokenCount)
    if count.max_output_tokens is None:
        return "not set (bounded by the model's max output)"
    text = formats.tokens(count.max_output_tokens)
    if count.kind != "batch":
        return text
    unset = count.requests_without_max_output
    return f"{text} (sum of the requests' limits{f'; {unset:,} set none' if unset else ''})"


def _limit(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
