"""``costlab estimate train.jsonl``: a chat fine-tuning file's training cost.

A ``.jsonl`` PATH is a fine-tuning file when its first line is a chat example (``messages``,
no ``custom_id``); only then is it read whole. A batch file is left to the batch count, which
reads a big one in chunks.
"""

from __future__ import annotations

import argparse

from costlab.cli._common import print_json


def training_text(args: argparse.Namespace) -> str | None:
    """The text of PATH when it is a chat fine-tuning file (or fine-tuning options are given)."""
    from costlab.errors import CostlabError
    from costlab.finetune import looks_like_training_file
    from costlab.tokens.files import decode, read_input

    options = args.epochs is not None or args.validation or args.training_hours is not None
    if args.path is None:
        if options:
            raise CostlabError("--epochs, --validation and --training-hours need PATH", "estimate")
        return None
    if not options and not str(args.path).endswith(".jsonl"):
        return None
    if not options and args.path != "-" and not looks_like_training_file(_first_line(args.path)):
        return None  # a batch file: counted in chunks when big, never read whole here
    source = read_input(args.path)
    text = decode(source)
    if looks_like_training_file(text):
        return text
    if options:
        raise CostlabError(
            'not a chat fine-tuning file (JSONL of {"messages": [...]}) ', str(args.path)
        )
    return None


#: The most of a JSONL file read to find its first line (a fine-tuning example or a request).
FIRST_LINE_BYTES = 16 * 1024 * 1024


def _first_line(path: str) -> str:
    """The first non-blank line of a file (read in blocks, at most FIRST_LINE_BYTES), or ""."""
    from costlab import limits

    with limits.open_streaming(path, path, kind="JSONL file") as stream:
        head = b""
        while len(head) < FIRST_LINE_BYTES:
            block = stream.read(1 << 16)
            if not block:
                break
            head += block
            lines = head.split(b"\n")
            complete = [line for line in lines[:-1] if line.strip()]
            if complete:
                return complete[0].decode("utf-8", errors="replace")
    return head.decode("utf-8", errors="replace") if len(head) < FIRST_LINE_BYTES else ""


def run_training(args: argparse.Namespace, text: str) -> int:
    """``costlab estimate train.jsonl``: training tokens x epochs x the training price."""
    import sys

    from costlab import formats
    from costlab.cli._common import pricebook
    from costlab.errors import CostlabError
    from costlab.finetune import count_training, price_training
    from costlab.money import plain
    from costlab.tokens.files import decode, read_input

    book = pricebook(args)
    training = count_training(text, model=args.model, book=book, source=str(args.path))
    validation = None
    if args.validation:
        source = read_input(args.validation)
        validation = count_training(
            decode(source), model=training.model, book=book, source=args.validation
        )
    try:
        cost = price_training(
            training,
            book=book,
            epochs=args.epochs,
            hours=args.training_hours,
            validation=validation,
            on=args.date,
        )
    except CostlabError as exc:
        if exc.where == ("epochs",):  # named as the user gave it
            raise CostlabError(exc.what, "--epochs") from None
        raise
    if args.json:
        print_json({**cost.to_dict(), "price_book": book.fingerprint})
    else:
        print(
            f"{args.path}: fine-tuning {cost.model.id} on {training.examples:,} "
            f"example{'s' if training.examples != 1 else ''}, "
            f"training price from {cost.model.fine_tuning.effective_from}"  # type: ignore[union-attr]
        )
        epochs = f"{cost.epochs} epoch{'s' if cost.epochs != 1 else ''}"
        if cost.usd_per_mtok is not None:
            print(
                f"  training  {formats.tokens(training.tokens)} tokens x {epochs} = "
                f"{formats.tokens(cost.training_tokens)} tokens x ${plain(cost.usd_per_mtok)}/1M = "
                f"{formats.usd(cost.token_cost)}"
            )
        if cost.hours is not None and cost.usd_per_hour is not None:
            print(
                f"  hours     {plain(cost.hours)} h x ${plain(cost.usd_per_hour)}/h = "
                f"{formats.usd(cost.hours_cost)}"
            )
        print(f"  total     {formats.usd(cost.total_cost)}")
        for note in cost.notes:
            print(f"  note      {note}")
    for error in training.errors:
        sys.stderr.write(f"costlab: error: {error}\n")
    return 2 if training.errors else 0
