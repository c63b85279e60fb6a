"""Several models in one run: ``--model a --model b``, ``--models a,b``, ``--models all``,
``--provider openai``, shared by ``costlab count`` and ``costlab estimate``.

One row per model, cheapest first (``--json``: a list, in the same order). Models are chosen by
:func:`costlab.quick.select_models`; a model that cannot take the input (no price on the day,
no way to count it) is left out with a warning, so ``--models all`` answers for the rest.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any


class _ModelAction(argparse.Action):
    """``--model`` keeps its one-model meaning (the last one given) and remembers them all."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        namespace.model = values
        names = list(getattr(namespace, "model_names", None) or [])
        namespace.model_names = [*names, values]


def add_model_options(parser: argparse.ArgumentParser, model_help: str) -> None:
    """``--model`` (repeatable), ``--models LIST|all`` and ``--provider NAME``."""
    from costlab.cli._common import model_id

    parser.add_argument(
        "--model",
        "-m",
        metavar="M",
        type=model_id,
        action=_ModelAction,
        help=model_help + "; repeat it for several models",
    )
    parser.add_argument(
        "--models",
        metavar="LIST",
        help="several models, comma-separated, or 'all': one row per model, cheapest first",
    )
    parser.add_argument(
        "--provider",
        metavar="NAME",
        help="only this provider's models (alone: all of them), e.g. openai",
    )
    from costlab.cli._common import parse_date

    parser.add_argument(
        "--date",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="price in force on this day (default today)",
    )
    from costlab.cli._common import add_export_option

    add_export_option(parser)
    parser.set_defaults(model_names=[])


def export_rows(args: argparse.Namespace, costs: Sequence[Any]) -> None:
    """``--export``: one row per model (or the one count or cost), its JSON object's plain
    fields (nested ones flattened, lists joined)."""
    if not getattr(args, "export", None):
        return
    import pandas as pd

    from costlab.cli._common import export_if_asked

    rows = []
    for cost in costs:
        row: dict[str, Any] = {}
        for key, value in cost.to_dict().items():
            if isinstance(value, dict):
                row.update(
                    {f"{key}_{k}": v for k, v in value.items() if not isinstance(v, dict | list)}
                )
            elif isinstance(value, list):
                row[key] = "; ".join(map(str, value))
            else:
                row[key] = value
        rows.append(row)
    export_if_asked(args, {"models": pd.DataFrame(rows)})


def several(args: argparse.Namespace) -> bool:
    """Whether the arguments ask for more than one model (a table of rows)."""
    return bool(
        len(getattr(args, "model_names", [])) > 1
        or getattr(args, "models", None)
        or getattr(args, "provider", None)
    )


def chosen_models(args: argparse.Namespace, book: Any, *, media: bool = False) -> list[Any]:
    from costlab.quick import select_models

    names = [*args.model_names, *([args.models] if args.models else [])]
    return select_models(book, names, provider=args.provider, media=media)


def _skip(skipped: list[tuple[str, str]], model: Any, exc: Exception) -> None:
    from costlab.errors import CostlabError

    what = exc.what if isinstance(exc, CostlabError) else str(exc)
    skipped.append((model.id, what))


#: More models left out than this are summed up by reason, one line each.
_NAMED_SKIPS = 3


def _report_skipped(skipped: list[tuple[str, str]]) -> None:
    """The models left out: each on a line when few, else one line per reason."""
    from costlab.cli._common import warn

    if len(skipped) <= _NAMED_SKIPS:
        for model_id, what in skipped:
            warn(f"{model_id}: left out: {what}")
        return
    by_reason: dict[str, list[str]] = {}
    for model_id, what in skipped:
        by_reason.setdefault(what, []).append(model_id)
    for what, ids in by_reason.items():
        shown = ", ".join(ids[:_NAMED_SKIPS]) + (
            f" and {len(ids) - _NAMED_SKIPS} more" if len(ids) > _NAMED_SKIPS else ""
        )
        warn(f"{len(ids)} model(s) left out ({shown}): {what}")


def run_usage(args: argparse.Namespace, usage: Any) -> int:
    """``costlab estimate --models ... --input-tokens N``: the usage priced on each model."""
    from costlab import formats
    from costlab.cli._common import pricebook, print_json, table
    from costlab.cost import price_usage
    from costlab.errors import CostlabError
    from costlab.exact import EXACT, exact_sum

    book = pricebook(args)
    costs = []
    skipped: list[tuple[str, str]] = []
    for model in chosen_models(args, book, media=bool(usage.media)):
        try:
            costs.append(price_usage(model, usage, on=args.date))
        except CostlabError as exc:
            _skip(skipped, model, exc)
    _report_skipped(skipped)
    if not costs:
        raise CostlabError("no model could be priced", "estimate")
    costs.sort(key=lambda c: (c.total_cost, c.model.id))
    export_rows(args, costs)
    if args.json:
        print_json([c.to_dict() for c in costs])
        return 0
    from costlab.usage import MEDIA_COST_COLUMNS

    # audio, image and tool costs get columns of their own when any model has them
    media = [m for m in MEDIA_COST_COLUMNS if any(c.costs[m] for c in costs)]
    rows = []
    for c in costs:
        media_cost = exact_sum(c.costs[m] for m in media)
        text_input = EXACT.subtract(EXACT.subtract(c.total_cost, c.output_cost), media_cost)
        rows.append(
            (
                c.model.id,
                c.model.provider,
                formats.usd(text_input),
                formats.usd(c.output_cost),
                *(formats.usd(c.costs[m]) for m in media),
                formats.usd(c.total_cost),
                formats.usd(c.cost_per_request, per_unit=True),
            )
        )
    headers = (
        "model",
        "provider",
        "input",
        "output",
        *(
            m.removesuffix("_cost").replace("tool", "tools").replace("image", "images")
            for m in media
        ),
        "total",
        "per request",
    )
    print(table(rows, headers, right=tuple(range(2, len(headers)))))
    mode = "Batch API" if usage.batch else usage.service_tier
    print(
        f"\n{len(costs)} model(s), cheapest first; {usage.requests:,} request(s), {mode} prices "
        f"in force on {costs[0].on}"
    )
    _flags(costs)
    return 0


def run_file(
    args: argparse.Namespace, count_from_args: Callable[..., Any], *, output_tokens: int | None
) -> int:
    """``costlab count|estimate PATH --models ...``: counted on each model, then priced.

    ``count`` prices the input alone (``output_tokens`` None); ``estimate`` adds the expected
    output per request. ``count_from_args`` is the command's own counting (``costlab count``'s).
    """
    import copy
    import functools
    from decimal import Decimal

    from costlab import formats
    from costlab.cli._common import pricebook, print_json, table
    from costlab.counted_cost import price_count
    from costlab.errors import CostlabError
    from costlab.tokens.media import transcribed_file

    book = pricebook(args)
    costs: list[Any] = []
    skipped: list[tuple[str, str]] = []
    recording = functools.cache(lambda: transcribed_file(args.path))  # its header, read once
    for model in chosen_models(args, book):
        one = copy.copy(args)
        one.model = model.id
        try:
            transcribed = _transcribed(args, model, recording)
            if transcribed is not None:  # whisper-1 and co: the file's seconds, not tokens
                costs.append(transcribed)
                continue
            count = count_from_args(one, book)
            costs.append(
                price_count(
                    count,
                    model,
                    output_tokens=output_tokens or 0,
                    requests=getattr(args, "requests", None),
                    batch=True if getattr(args, "batch", False) else None,
                    on=getattr(args, "date", None),
                )
            )
        except CostlabError as exc:
            if getattr(exc, "where", ()) and exc.where[0] == args.path:
                raise  # the file itself is bad: the same on every model
            _skip(skipped, model, exc)
    _report_skipped(skipped)
    if not costs:
        raise CostlabError("no model could count and price this input", args.command)
    costs.sort(key=lambda c: (c.total_cost, c.model.id))
    export_rows(args, costs)
    if args.json:
        print_json([c.to_dict() for c in costs])
        return 0
    what = "input only" if output_tokens is None else "input and expected output"
    rows = []
    for c in costs:
        if isinstance(c, _Transcribed):
            counted = ("-", f"{c.seconds:,} s")
        else:
            per_call = formats.tokens(c.count.input_tokens_per_request.quantize(Decimal(1)))
            counted = (per_call, "exact" if c.count.exact else "est.")
        rows.append(
            (
                c.model.id,
                c.model.provider,
                *counted,
                formats.usd(c.total_cost),
                formats.usd(c.cost_per_request, per_unit=True),
            )
        )
    first = next((c for c in costs if not isinstance(c, _Transcribed)), None)
    by_time = [c for c in costs if isinstance(c, _Transcribed)]
    tokens = (
        "input per request" if first is not None and first.count.kind == "batch" else "input tokens"
    )
    headers = ("model", "provider", tokens, "count", "cost", "per request")
    print(table(rows, headers, right=(2, 4, 5)))
    source = first.count.source if first is not None else args.path
    requests = first.requests if first is not None else by_time[0].cost.usage.requests
    print(
        f"\n{source + ': ' if source else ''}{len(costs)} model(s), cheapest first; cost of "
        f"{what} over {requests:,} request(s), prices in force on {costs[0].on}"
    )
    if by_time:
        print(
            f"transcription models bill the file by its length: {by_time[0].media.label}, "
            f"billed as {by_time[0].seconds:,} second(s) a request"
        )
    _flags(costs)
    return 0


class _Transcribed:
    """A recording's row on a model billed per minute of audio transcribed (whisper-1): the
    ``--audio-seconds`` cost of its duration, and what the table and JSON say of the file."""

    def __init__(self, cost: Any, media: Any, seconds: int, source: str) -> None:
        self.cost, self.media, self.seconds, self.source = cost, media, seconds, source

    model = property(lambda self: self.cost.model)
    on = property(lambda self: self.cost.on)
    total_cost = property(lambda self: self.cost.total_cost)
    cost_per_request = property(lambda self: self.cost.cost_per_request)
    warnings = property(lambda self: self.cost.warnings)

    def to_dict(self) -> dict[str, Any]:
        """``estimate --audio-seconds --json``'s object, with the file's source and kind."""
        kind = "video" if self.media.video else "audio"
        return {
            **self.cost.to_dict(),
            "source": self.source,
            "kind": kind,
            "media": self.media.label,
        }


def _transcribed(args: argparse.Namespace, model: Any, recording: Callable[[], Any]) -> Any:
    """The file's row on ``model`` when the model bills it by the minute and it is audio or
    video (``recording()``: its header and seconds, or None), else None."""
    from datetime import date

    from costlab.cost import price_usage
    from costlab.tokens.media import bills_transcription
    from costlab.usage import Usage

    on = getattr(args, "date", None) or date.today()
    if not bills_transcription(model, on) or (found := recording()) is None:
        return None
    media, seconds = found
    usage = Usage(
        audio_seconds=seconds,
        requests=getattr(args, "requests", None) or 1,
        batch=bool(getattr(args, "batch", False)),
    )
    return _Transcribed(price_usage(model, usage, on=on), media, seconds, args.path)


def _flags(costs: Sequence[Any]) -> None:
    from costlab.cli._report import warn_all

    warn_all(
        message if message.startswith(c.model.id) else f"{c.model.id}: {message}"
        for c in costs
        for message in c.warnings
    )
