"""The CLI's progress bar: tqdm on stderr, for work that takes longer than a couple of seconds.

It is drawn only when stderr is a terminal and ``--quiet`` was not given, and only once
:data:`DELAY` seconds have passed (tqdm's ``delay``), so quick commands and pipes never see
it. The library reports progress through plain callbacks, ``progress(done, total)``; this
module turns one into a bar and clears it when the work ends.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: Seconds before a bar appears: shorter work never shows one.
DELAY = 2.0

Progress = Callable[[int, int], None]


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar (none is drawn when stderr is not a terminal anyway)",
    )


def wanted(args: argparse.Namespace, stream: TextIO | None = None) -> bool:
    """Whether to draw a bar: a terminal on stderr and no ``--quiet``."""
    stream = stream if stream is not None else sys.stderr
    if getattr(args, "quiet", False) or stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # a closed or odd stream
        return False


@contextmanager
def progress_bar(
    args: argparse.Namespace, what: str, unit: str, stream: TextIO | None = None
) -> Iterator[Progress | None]:
    """A ``progress(done, total)`` callback drawing a bar of ``unit`` s (None when no bar is
    wanted); the bar is removed when the block ends."""
    stream = stream if stream is not None else sys.stderr
    if not wanted(args, stream):
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(
        desc=f"costlab: {what}",
        unit=unit,
        unit_scale=True,
        delay=DELAY,
        file=stream,
        leave=False,
        dynamic_ncols=True,
    )

    def report(done: int, total: int) -> None:
        if bar.total != (total or None):  # 0: not known (a URL that gives no size)
            bar.total = total or None
        bar.update(done - bar.n)

    try:
        yield report
    finally:
        bar.close()
