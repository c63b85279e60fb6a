"""The progress bar: tqdm on a terminal's stderr after a delay, never with --quiet or a pipe."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from costlab.cli import _progress, build_parser
from costlab.cli._progress import progress_bar, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_and_cleared_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    screen = Terminal()
    with progress_bar(argparse.Namespace(quiet=False), "counting", "B", stream=screen) as report:
        assert report is not None
        for done in range(0, 101, 10):
            report(done, 100)
    drawn = screen.getvalue()
    assert drawn.startswith("\rcostlab: counting")
    assert drawn.rstrip("\r").endswith(" ")  # cleared: the last draw is blanks (leave=False)


def test_no_bar_with_quiet_a_pipe_or_no_stderr() -> None:
    quiet = argparse.Namespace(quiet=True)
    loud = argparse.Namespace(quiet=False)
    assert not wanted(quiet, Terminal())
    assert not wanted(loud, io.StringIO())  # a pipe or a file
    with progress_bar(loud, "counting", "B", stream=io.StringIO()) as report:
        assert report is None


def test_quick_work_draws_nothing_even_on_a_terminal() -> None:
    screen = Terminal()
    with progress_bar(argparse.Namespace(quiet=False), "counting", "B", stream=screen) as report:
        assert report is not None
        report(50, 100)
    assert screen.getvalue().strip() == ""  # under the 2-second delay


def test_every_command_takes_quiet() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert any("--quiet" in a.option_strings for a in command._actions), name


def test_a_streamed_text_reports_its_bytes(tmp_path: Path) -> None:
    from costlab import scale

    path = tmp_path / "big.txt"
    path.write_text("tiktoken is great! " * 200_000)  # 3.8 MB
    seen: list[tuple[int, int]] = []
    count = scale.count_texts(
        [str(path)], model="gpt-4.1-mini", progress=lambda d, t: seen.append((d, t))
    )
    size = path.stat().st_size
    assert seen and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert count.input_tokens == scale.count_texts([str(path)], model="gpt-4.1-mini").input_tokens


def test_the_count_command_accepts_quiet(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "note.txt"
    path.write_text("tiktoken is great!")
    result = cli("count", str(path), "--quiet")
    assert result.code == 0 and "6" in result.out and result.err == ""
