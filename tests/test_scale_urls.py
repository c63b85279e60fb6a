"""fsspec URLs read as the same files on disk: a folder served over HTTP on localhost.

``costlab actuals``, ``count`` and ``replay`` take fsspec URLs (``s3://``, ``gs://``, ``https://``
...). Cloud stores cannot be reached from tests, so this serves a folder with the standard
library's HTTP server on 127.0.0.1 and reads it through fsspec's HTTP filesystem (which needs
aiohttp, in the ``test`` extra): the URL path (listing a folder, globbing nothing, opening each
file in byte ranges, in this process and in Dask worker processes) against the local path, to the
last digit. Skipped, saying why, where aiohttp is not installed.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import Result

pytest.importorskip("aiohttp", reason="fsspec's HTTP filesystem needs aiohttp (the test extra)")
pytest.importorskip("fsspec", reason="costlab[scale] not installed")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder and the http://127.0.0.1 URL that serves it, for the test's duration."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _usage_parts(folder: Path) -> None:
    lines = (EXAMPLES / "usage.csv").read_text().splitlines(keepends=True)
    folder.mkdir()
    for k, start in enumerate(range(1, len(lines), 20)):
        (folder / f"part-{k}.csv").write_text(lines[0] + "".join(lines[start : start + 20]))


def _json(result: Result) -> object:
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_actuals_of_a_served_folder_equal_the_folder_on_disk(served, cli) -> None:  # type: ignore[no-untyped-def]
    root, url = served
    _usage_parts(root / "logs")
    args = ["--scenario", str(EXAMPLES / "support-bot.yaml"), "--explain", "--json"]
    local = _json(cli("actuals", str(root / "logs"), "--scheduler", "threads", *args))
    remote = _json(cli("actuals", f"{url}/logs/", "--scheduler", "threads", *args))
    one = _json(cli("actuals", f"{url}/logs/part-0.csv", *args))
    assert isinstance(local, dict) and isinstance(remote, dict) and isinstance(one, dict)
    for key in ("total_cost", "months", "by_model", "variance", "explain", "rows_used"):
        assert remote[key] == local[key], key
    assert 0 < one["rows_used"] < remote["rows_used"]


def test_dask_worker_processes_open_the_urls_themselves(served, cli) -> None:  # type: ignore[no-untyped-def]
    root, url = served
    _usage_parts(root / "logs")
    local = _json(cli("actuals", str(root / "logs"), "--json"))
    pooled = _json(cli("actuals", f"{url}/logs/", "--scheduler", "processes", "--json"))
    assert isinstance(local, dict) and isinstance(pooled, dict)
    assert pooled["total_cost"] == local["total_cost"] and pooled["months"] == local["months"]


def test_count_and_replay_read_urls_as_files(served, cli) -> None:  # type: ignore[no-untyped-def]
    root, url = served
    (root / "docs").mkdir()
    (root / "docs" / "a.txt").write_text("Hello 世界\nSecond line 🙂\n" * 400, encoding="utf-8")
    (root / "docs" / "b.txt").write_text("def f(x):\n    return x\n" * 300, encoding="utf-8")
    local = _json(cli("count", str(root / "docs"), "--model", "gpt-4o", "--json"))
    remote = _json(cli("count", f"{url}/docs/", "--model", "gpt-4o", "--json"))
    assert isinstance(local, dict) and isinstance(remote, dict)
    assert remote["input_tokens"] == local["input_tokens"] > 0
    log = root / "log.jsonl"
    rows = [
        {
            "timestamp": f"2026-0{1 + i % 3}-05T10:00:00Z",
            "request": {
                "model": "gpt-4o",
                "messages": [{"role": "user", "content": f"Ticket {i}"}],
            },
            "response": {"usage": {"prompt_tokens": 9, "completion_tokens": 40 + i}},
        }
        for i in range(25)
    ]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))
    here = _json(cli("replay", str(log), "--model", "gpt-4.1-nano", "--json"))
    there = _json(cli("replay", f"{url}/log.jsonl", "--model", "gpt-4.1-nano", "--json"))
    assert isinstance(here, list) and isinstance(there, list)
    assert there[0]["total_cost"] == here[0]["total_cost"] and there[0]["requests"] == 25


def test_a_missing_url_is_one_line_naming_it(served, cli) -> None:  # type: ignore[no-untyped-def]
    _, url = served
    result = cli("actuals", f"{url}/nothing-here.csv")
    assert result.code == 2
    assert result.err.startswith("costlab: error: ") and "nothing-here.csv" in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_an_unreachable_host_and_a_missing_text_are_one_line(served, cli) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _, url = served
    for args in (
        ("actuals", f"http://127.0.0.1:{port}/usage.csv"),
        ("count", f"{url}/missing.txt", "--json"),
        ("replay", f"{url}/missing.jsonl", "--model", "gpt-4.1-nano"),
    ):
        result = cli(*args)
        assert result.code == 2, args
        assert result.err.startswith("costlab: error: http://127.0.0.1:"), result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_a_served_file_over_the_size_limit_is_refused_not_read_whole(
    served, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from costlab import limits

    root, url = served
    (root / "usage.csv").write_bytes((EXAMPLES / "usage.csv").read_bytes())
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1000)
    result = cli("actuals", f"{url}/usage.csv")
    assert result.code == 2
    assert "above the limit of 1,000 (COSTLAB_MAX_INPUT_BYTES)" in result.err


class _Endless(SimpleHTTPRequestHandler):
    """Text without end and without a stated size (chunked): the remote /dev/zero."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        block = b"hello world " * 1000
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        except OSError:  # the reader hung up
            pass

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _count_served(cli, handler: type, name: str) -> tuple[str, Result]:  # type: ignore[no-untyped-def]
    """``costlab count`` of ``name`` served on localhost by ``handler``: its URL and the run."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{name}"
        return url, cli("count", url, "--model", "gpt-4.1-mini")
    finally:
        server.shutdown()
        server.server_close()


def test_a_served_stream_without_end_is_cut_at_the_input_limit(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Local text files stream at any size (their size is known); a URL that gives no size is
    bounded as standard input is, so an endless response ends in one line, not a hang."""
    from costlab import limits

    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 2_000_000)
    url, result = _count_served(cli, _Endless, "endless.txt")
    assert result.code == 2, result.out
    assert result.err == (
        f"costlab: error: {url}: the stream (the store gives no size) is above the limit of "
        "2,000,000 (COSTLAB_MAX_INPUT_BYTES)\n"
    )


class _Stalled(SimpleHTTPRequestHandler):
    """Headers, a few bytes, then nothing: a store that stops answering."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.wfile.write(b"hello ")
        self.wfile.flush()
        import time

        time.sleep(5)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_store_that_stops_answering_is_one_line_saying_so(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """fsspec's HTTP client gives up after its timeout (aiohttp's default is 5 minutes; here 1 s
    through fsspec's own configuration); the user reads that the store stopped answering."""
    import aiohttp
    import fsspec.config

    monkeypatch.setitem(
        fsspec.config.conf, "http", {"client_kwargs": {"timeout": aiohttp.ClientTimeout(total=1)}}
    )
    url, result = _count_served(cli, _Stalled, "slow.txt")
    assert result.code == 2, result.out
    assert result.err == (
        f"costlab: error: {url}: cannot read this URL (timed out: the store stopped answering)\n"
    )
