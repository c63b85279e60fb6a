"""The audio, image and tool options of ``costlab estimate``: media and per-unit counts per
request (``--audio-seconds``, ``--web-searches``...) and generated images (``--images``)."""

from __future__ import annotations

import argparse

from costlab.cli._common import non_negative_int, non_negative_number


def add_media_options(parser: argparse.ArgumentParser) -> None:
    media = parser.add_argument_group(
        "audio, images and tools", "counts per request, for the models billed for them"
    )
    for field, help_text in (
        ("input_audio_tokens", "of the input, audio tokens (uncached)"),
        ("cached_input_audio_tokens", "of the input, audio tokens read from the cache"),
        ("output_audio_tokens", "of the output, audio (speech) tokens"),
        ("input_image_tokens", "of the input, image tokens billed at an image rate"),
        ("output_image_tokens", "of the output, generated image tokens"),
        ("input_characters", "characters to speak (text-to-speech billed per 1M characters)"),
        ("audio_seconds", "seconds of audio to transcribe (billed per minute, by the second)"),
        ("web_searches", "web-search tool calls (billed per 1,000)"),
        ("file_searches", "file-search tool calls (billed per 1,000)"),
    ):
        media.add_argument(
            "--" + field.replace("_", "-"),
            type=non_negative_int,
            default=0,
            metavar="N",
            help=help_text,
        )
    for direction, help_text in (
        ("input", "seconds of audio sent per request: audio tokens by the model's published rate"),
        ("output", "seconds of speech per request: audio tokens by the model's published rate"),
    ):
        media.add_argument(
            f"--{direction}-audio-seconds",
            type=non_negative_number,
            default=None,
            metavar="S",
            help=help_text + " (one --model; rounded up to a whole token)",
        )
    media.add_argument(
        "--images",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="images generated per request (gpt-image-1: tokens from --output-size and "
        "--image-quality)",
    )
    media.add_argument(
        "--image-quality",
        default=None,
        metavar="Q",
        help="quality of generated images: low, medium (default), high",
    )
    media.add_argument(
        "--output-size",
        default=None,
        metavar="WxH",
        help="size of generated images: 1024x1024 (default), 1024x1536, 1536x1024",
    )


def media_counts(args: argparse.Namespace) -> dict[str, int]:
    """The media and per-unit counts given (``--audio-seconds``...), generated images turned
    into image output tokens (also counted in the output tokens)."""
    from costlab.errors import CostlabError
    from costlab.usage import MEDIA_COLUMNS

    counts = {name: getattr(args, name) for name in MEDIA_COLUMNS if getattr(args, name, 0)}
    for option in ("image_quality", "output_size"):
        if getattr(args, option, None) is not None and not getattr(args, "images", 0):
            raise CostlabError(
                "is for generated images: give --images N too", "--" + option.replace("_", "-")
            )
    _audio_seconds(args, counts)
    if getattr(args, "images", 0):
        from costlab.tokens.generated_images import image_output_tokens

        if not args.model or several(args):
            raise CostlabError("--images needs one --model (its tokens per image)", "--images")
        per_image = image_output_tokens(
            _model_id(args),
            args.output_size or "1024x1024",
            (args.image_quality or "medium").strip().lower(),
        )
        generated = per_image * args.images
        counts["output_image_tokens"] = counts.get("output_image_tokens", 0) + generated
        args.output_tokens = (args.output_tokens or 0) + generated
    return counts


def _audio_seconds(args: argparse.Namespace, counts: dict[str, int]) -> None:
    """``--input-audio-seconds`` / ``--output-audio-seconds`` as the model's audio tokens, added
    to the input or output tokens and to their audio part."""
    from costlab import limits
    from costlab.cli._common import pricebook
    from costlab.errors import CostlabError

    for direction in ("input", "output"):
        seconds = getattr(args, f"{direction}_audio_seconds", None)
        if seconds is None:
            continue
        if not seconds:  # 0 (or -0) seconds is given, as 0.1 is: no tokens, on any model
            setattr(args, f"{direction}_tokens", getattr(args, f"{direction}_tokens") or 0)
            continue
        option = f"--{direction}-audio-seconds"
        if not args.model or several(args):
            raise CostlabError("needs one --model (its audio tokens per second)", option)
        model = pricebook(args).resolve(args.model)
        whole = model.audio.whole_tokens(seconds, direction) if model.audio is not None else None
        if whole is None:
            raise CostlabError(
                f"{model.id}: the price book has no published rule turning seconds of audio "
                f"into its audio tokens; give --{direction}-audio-tokens",
                option,
            )
        total = f"{direction}_tokens"
        given = getattr(args, total) or 0
        if whole + given > limits.MAX_COUNT:
            # named by the seconds given, not by the token total they are added to
            with_given = f", {whole + given:,} with --{direction}-tokens" if given else ""
            raise CostlabError(
                f"{seconds.normalize():,f} seconds of audio make {whole:,} audio tokens on "
                f"{model.id}{with_given}: above the limit of {limits.MAX_COUNT:,} "
                f"({limits.ENV_NAMES['MAX_COUNT']})",
                option,
            )
        counts[f"{direction}_audio_tokens"] = counts.get(f"{direction}_audio_tokens", 0) + whole
        setattr(args, total, given + whole)


def _model_id(args: argparse.Namespace) -> str:
    from costlab.cli._common import pricebook

    return str(pricebook(args).resolve(args.model).id)


def several(args: argparse.Namespace) -> bool:
    from costlab.cli._models import several as several_models

    return bool(several_models(args))


def transcribed_seconds(args: argparse.Namespace) -> tuple[str, int] | None:
    """For ``costlab estimate FILE`` of an audio or video file on one model billed per minute of
    audio transcribed (whisper-1...): the file's description and the seconds billed. None for
    any other file or model: a model with an audio-token rule (gpt-realtime, Gemini) counts the
    file's tokens instead."""
    from datetime import date

    from costlab.cli._common import pricebook
    from costlab.tokens import media

    if args.path is None or not args.model or several(args):
        return None
    model = pricebook(args).resolve(args.model)
    if not media.bills_transcription(model, args.date or date.today()):
        return None
    if args.path == "-":  # read whole, as any standard input is (within the input limit)
        from costlab.errors import CostlabError
        from costlab.tokens.files import read_input

        found = media.transcribed_input(read_input("-"))
        if found is None:  # no count can follow: the input is read
            raise CostlabError(
                f"{model.id} bills audio by the minute transcribed, and this is not audio or video",
                "-",
            )
    else:
        found = media.transcribed_file(args.path)
    return None if found is None else (found[0].label, found[1])
