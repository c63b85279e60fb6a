"""``costlab count`` through the real command: output, JSON, and every bad input path."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import batch_line, png_bytes

from costlab.cli import main
from costlab.tokens import get_encoding


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["count", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "prompt.txt"
    path.write_text("tiktoken is great!")
    code, out, err = run(capsys, str(path), "--json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert {k: data[k] for k in ("model", "encoding", "input_tokens", "exact", "kind")} == {
        "model": "gpt-4.1-mini",
        "encoding": "o200k_base",
        "input_tokens": 6,
        "exact": True,
        "kind": "text",
    }


def test_chat_body_uses_its_model_and_shows_the_breakdown(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, out, _ = run(capsys, str(data / "cookbook_chat_example.json"))
    assert code == 0
    assert "Chat Completions request on gpt-4o (o200k_base)" in out
    assert "messages[5] user" in out and "124  (exact)" in out
    code, out, _ = run(
        capsys, str(data / "cookbook_chat_example.json"), "--model", "gpt-3.5-turbo", "--json"
    )
    assert json.loads(out)["input_tokens"] == 129


def test_estimates_say_what_they_rest_on(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, str(data / "cookbook_chat_example.json"), "-m", "gemini-2.5-flash")
    assert code == 0 and "(estimate)" in out and "ai.google.dev/gemini-api/docs/tokens" in out


def test_batch_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    body = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Hi"}],
        "max_tokens": 40,
    }
    path.write_text("\n".join(batch_line(f"r{i}", body) for i in range(3)))
    code, out, err = run(capsys, str(path), "--json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert (data["model"], data["kind"], data["requests"], data["max_output_tokens"]) == (
        "gpt-4o-mini",
        "batch",
        3,
        120,
    )
    enc = get_encoding("o200k_base")
    # per request: 3 for the message + "user" + "Hi", then 3 for the reply priming
    assert data["input_tokens"] == 3 * (3 + len(enc.encode("user")) + len(enc.encode("Hi")) + 3)
    assert "parts" not in data
    code, out, _ = run(capsys, str(path), "--json", "--breakdown")
    assert [p["label"] for p in json.loads(out)["parts"]] == ["r0", "r1", "r2"]


def test_bad_batch_lines_exit_2_after_printing_the_good_result(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "jobs.jsonl"
    good = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 10}
    path.write_text(
        "\n".join(
            [batch_line("a", good), "{oops", batch_line("b", {"input": 1}, url="/v1/responses")]
        )
    )
    code, out, err = run(capsys, str(path), "--json")
    assert code == 2
    assert json.loads(out)["requests"] == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"costlab: error: {path}: line 2: malformed JSON")
    assert lines[1] == f"costlab: error: {path}: line 3: body: input: must be a list, got a number"
    assert (
        lines[2]
        == f"costlab: error: {path}: 2 bad line(s); the count above covers the 1 good one(s)"
    )


def test_image_file_and_size(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "pic.png"
    path.write_bytes(png_bytes(1024, 1024))
    code, out, _ = run(capsys, str(path), "-m", "gpt-4o", "--detail", "high", "--json")
    assert code == 0 and json.loads(out)["input_tokens"] == 765
    code, out, _ = run(capsys, "--image-size", "2048x4096", "-m", "gpt-4o", "--json")
    assert json.loads(out)["input_tokens"] == 1105


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"tiktoken is great!")))
    code, out, _ = run(capsys, "-", "--json")
    assert code == 0 and json.loads(out)["input_tokens"] == 6


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_input_at_a_terminal_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal())
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert (
        err
        == "costlab: error: count: give a PATH, - for stdin, or --image-size WxH (see 'costlab count --help')\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        (
            "latin1.txt",
            "café".encode("latin-1"),
            (),
            r"latin1.txt: not UTF-8 text \(byte 0xe9 at offset 3\)",
        ),
        ("blob.bin", b"\x00\x01binary\x00", (), "blob.bin: binary data, expected UTF-8 text"),
        (
            "bad.json",
            b'{"messages": [}',
            (),
            r"bad.json: malformed JSON: Expecting value \(line 1, column 15\)",
        ),
        (
            "nomsg.json",
            b'{"model": "gpt-4o", "temperature": 0}',
            (),
            "nomsg.json: a request body must be one of: OpenAI Chat Completions",
        ),
        (
            "ok.txt",
            b"hello",
            ("--model", "gpt-4.1-mni"),
            "model 'gpt-4.1-mni': unknown model; closest: gpt-4.1-mini",
        ),
        ("broken.png", b"\x89PNG\r\n\x1a\n\x00\x00", (), "broken.png: unreadable image"),
        ("empty.json", b'{"messages": []}', (), "empty.json: messages: is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: bytes,
    args: tuple[str, ...],
    message: str,
) -> None:
    import re

    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, str(path), *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("costlab: error: ")
    assert re.search(message, err), err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, str(tmp_path / "gone.txt"))
    assert code == 2 and err == f"costlab: error: {tmp_path / 'gone.txt'}: no such file\n"


def test_the_console_script(console_script: Path, tmp_path: Path, data: Path) -> None:
    result = subprocess.run(
        [str(console_script), "count", str(data / "cookbook_tools_example.json"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["input_tokens"] == 101
    bad = tmp_path / "b.jsonl"
    bad.write_text("not json\n" + batch_line("a", {"messages": [{"role": "user", "content": "x"}]}))
    result = subprocess.run(
        [str(console_script), "count", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "batch of 1 request on gpt-4.1-mini" in result.stdout
    assert f"{bad}: line 1: malformed JSON" in result.stderr


def test_count_imports_no_pandas_plotly_or_streamlit(data: Path) -> None:
    script = (
        "import sys\nfrom costlab.cli import main\n"
        f"main(['count', {str(data / 'cookbook_chat_example.json')!r}])\n"
        "heavy = [m for m in ('pandas', 'plotly', 'streamlit', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_allow_special(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.txt"
    path.write_text("a<|endoftext|>b")
    code, out, _ = run(capsys, str(path), "--json")
    ordinary = json.loads(out)["input_tokens"]
    code, out, _ = run(capsys, str(path), "--json", "--allow-special")
    assert code == 0 and json.loads(out)["input_tokens"] == 3 < ordinary
    monkeypatch.setattr(sys, "stdin", _Terminal())
    code, _, err = run(capsys, "--allow-special")
    assert code == 2 and "give a PATH" in err
