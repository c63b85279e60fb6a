"""Many files, chunks and Dask: every path gives the one-file, in-process figures to the last digit."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from costlab import scale
from costlab.actuals import load_actuals
from costlab.errors import CostlabError
from costlab.tokens.text import text_tokens

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"


def _usage_csv(path: Path, rows: int, seed: int = 7) -> Path:
    """A generic usage CSV with several models, months, batch flags and a few bad rows."""
    rng = random.Random(seed)
    models = ["gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "o3", "claude-haiku-4-5"]
    lines = ["date,model,input_tokens,cached_input_tokens,output_tokens,requests,batch"]
    for i in range(rows):
        if i % 97 == 13:
            lines.append(f"2026-0{1 + i % 9}-11,gpt-4.1-mini,-5,0,1,1,false")  # a bad row
            continue
        tokens = rng.randint(1, 10**9)
        lines.append(
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},{rng.choice(models)},{tokens},"
            f"{rng.randint(0, tokens)},{rng.randint(0, 10**7)},{rng.randint(1, 5000)},"
            f"{'true' if i % 3 == 0 else 'false'}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.total_cost == b.total_cost
    assert a.rows_used == b.rows_used
    assert a.months.to_dict("records") == b.months.to_dict("records")
    assert a.by_model.to_dict("records") == b.by_model.to_dict("records")
    assert [p.message("f") for p in a.problems] == [p.message("f") for p in b.problems]


def _actuals(inputs: list[str], chunk_bytes: int, scheduler: str | None = None):  # type: ignore[no-untyped-def]
    files = scale.expand_inputs(inputs)
    chunks = scale.plan_chunks(files, csv_header=True, chunk_bytes=chunk_bytes)
    parts = scale.run_chunks(scale.price_usage_chunk, chunks, (), scheduler=scheduler)
    return scale.combine_usage(parts, files[0] if len(files) == 1 else "inputs"), chunks


def test_a_csv_priced_in_chunks_equals_it_priced_whole(tmp_path: Path) -> None:
    path = _usage_csv(tmp_path / "usage.csv", 2000)
    whole = load_actuals(path)
    chunked, chunks = _actuals([str(path)], chunk_bytes=4096)
    assert len(chunks) > 10
    _same(chunked, whole)  # problems keep the file's line numbers too
    assert whole.problems and whole.total_cost > 0


@pytest.mark.parametrize(
    "name", ["openai-usage-export.csv", "openai-costs-export.csv", "usage-api-page.json"]
)
def test_every_export_format_in_chunks(name: str) -> None:
    whole = load_actuals(DATA / name)
    chunked, _ = _actuals([str(DATA / name)], chunk_bytes=64)
    _same(chunked, whole)


def test_a_folder_and_a_glob_add_up_the_files(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    a = _usage_csv(tmp_path / "logs" / "a.csv", 300, 1)
    b = _usage_csv(tmp_path / "logs" / "b.csv", 300, 2)
    one = _usage_csv(tmp_path / "both.csv", 0)
    one.write_text(a.read_text() + "".join(b.read_text().splitlines(keepends=True)[1:]))
    by_folder, _ = _actuals([str(tmp_path / "logs")], chunk_bytes=2048)
    by_glob, _ = _actuals([str(tmp_path / "logs" / "*.csv")], chunk_bytes=10**9)
    whole = load_actuals(one)
    assert by_folder.total_cost == by_glob.total_cost == whole.total_cost
    assert by_folder.months.to_dict("records") == whole.months.to_dict("records")
    with pytest.raises(CostlabError, match="no file matches"):
        scale.expand_inputs([str(tmp_path / "nothing-*.csv")])


def test_parquet_and_json_lines_read_as_the_csv(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = _usage_csv(tmp_path / "usage.csv", 500)
    frame = pd.read_csv(path, dtype={"date": str, "model": str})
    frame = frame[frame["input_tokens"] >= 0]
    good = tmp_path / "good.csv"
    frame.to_csv(good, index=False)
    frame.to_parquet(tmp_path / "usage.parquet", index=False)
    frame.to_json(tmp_path / "usage.jsonl", orient="records", lines=True)
    whole = load_actuals(good)
    for name in ("usage.parquet", "usage.jsonl"):
        other, _ = _actuals([str(tmp_path / name)], chunk_bytes=2048)
        assert other.total_cost == whole.total_cost
        assert other.by_model.to_dict("records") == whole.by_model.to_dict("records")


def test_dask_local_cluster_equals_this_process_to_the_last_digit(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    path = _usage_csv(tmp_path / "usage.csv", 1500)
    log = _log(tmp_path / "log.jsonl", 60)
    text = tmp_path / "prompt.txt"
    text.write_text("Some text, 世界\n" * 500)
    local, _ = _actuals([str(path)], chunk_bytes=4096)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        remote, _ = _actuals([str(path)], chunk_bytes=4096, scheduler=cluster.scheduler_address)
        chunks = scale.plan_chunks([str(log)], csv_header=False, chunk_bytes=1024)
        on_dask = scale.run_chunks(
            scale.replay_chunk, chunks, "gpt-4.1-nano", scheduler=cluster.scheduler_address
        )
        counted = scale.run_chunks(
            scale.count_file_chunk,
            [scale.Chunk(str(text))],
            "o200k_base",
            scheduler=cluster.scheduler_address,
        )
    _same(remote, local)
    here = scale.run_chunks(scale.replay_chunk, chunks, "gpt-4.1-nano")
    assert scale.combine_replay(on_dask).total_cost == scale.combine_replay(here).total_cost
    assert counted[0].tokens == text_tokens(text.read_text())
    threaded, _ = _actuals([str(path)], chunk_bytes=4096, scheduler="threads")
    _same(threaded, local)
    # the default for inputs over the scale threshold: a pool of local processes, each
    # reading its own chunks and pickling its exact sums back
    processed, _ = _actuals([str(path)], chunk_bytes=4096, scheduler="processes")
    _same(processed, local)
    pooled = scale.run_chunks(scale.replay_chunk, chunks, "gpt-4.1-nano", scheduler="processes")
    assert scale.combine_replay(pooled).total_cost == scale.combine_replay(here).total_cost


def _log(path: Path, lines: int) -> Path:
    rows = []
    for i in range(lines):
        body = {
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "You are a helpful support agent."},
                {"role": "user", "content": f"Ticket {i}: my order 世界 #{i * 7} is late."},
            ],
        }
        usage = {"prompt_tokens": 30 + i, "completion_tokens": 100 + i, "total_tokens": 130 + 2 * i}
        rows.append(
            {
                "timestamp": f"2026-{1 + i % 3:02d}-05T10:00:00Z",
                "request": body,
                "response": {"usage": usage},
            }
        )
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    return path


def test_replay_counts_with_the_target_models_encoding_and_logged_output(tmp_path: Path) -> None:
    from costlab import count_chat, estimate

    log = _log(tmp_path / "log.jsonl", 40)
    chunks = scale.plan_chunks([str(log)], csv_header=False, chunk_bytes=512)
    assert len(chunks) > 3
    result = scale.combine_replay(scale.run_chunks(scale.replay_chunk, chunks, "gpt-4.1-nano"))
    expected = Decimal(0)
    for line in log.read_text().splitlines():
        record = json.loads(line)
        tokens = count_chat(record["request"], model="gpt-4.1-nano").input_tokens
        day = record["timestamp"][:10]
        from datetime import date

        expected += estimate(
            "gpt-4.1-nano",
            input_tokens=tokens,
            output_tokens=record["response"]["usage"]["completion_tokens"],
            on=date.fromisoformat(day),
        ).total_cost
    assert result.requests == 40
    assert result.total_cost == expected


def test_a_cost_export_with_only_numeric_amounts_stays_exact(tmp_path: Path) -> None:
    # Read as a category, a column of numbers only became floats (found by the chunk tests).
    lines = (DATA / "openai-costs-export.csv").read_text().splitlines()
    path = tmp_path / "costs.csv"
    path.write_text("\n".join([lines[0], lines[4]]) + "\n")
    assert load_actuals(path).total_cost == Decimal("0.123456789012345678")


def test_the_actuals_command_reads_a_folder_as_the_joined_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from costlab.cli import main

    lines = (EXAMPLES / "usage.csv").read_text().splitlines(keepends=True)
    (tmp_path / "logs").mkdir()
    for k, start in enumerate(range(1, len(lines), 20)):
        (tmp_path / "logs" / f"part-{k}.csv").write_text(
            lines[0] + "".join(lines[start : start + 20])
        )
    args = ["--scenario", str(EXAMPLES / "support-bot.yaml"), "--explain", "--json"]
    assert main(["actuals", str(EXAMPLES / "usage.csv"), *args]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert main(["actuals", str(tmp_path / "logs"), "--scheduler", "threads", *args]) == 0
    parts = json.loads(capsys.readouterr().out)
    for key in ("total_cost", "months", "by_model", "variance", "explain", "run_rate", "rows_used"):
        assert parts[key] == whole[key], key


def test_count_adds_up_files_a_folder_and_a_big_text_streamed(
    tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from costlab.cli import main

    (tmp_path / "docs").mkdir()
    texts = ["Hello 世界\nSecond line\n" * 300, "Another file 🙂\n" * 200]
    for i, text in enumerate(texts):
        (tmp_path / "docs" / f"{i}.txt").write_text(text)
    assert main(["count", str(tmp_path / "docs"), "--model", "gpt-4o", "--json"]) == 0
    counted = json.loads(capsys.readouterr().out)
    assert counted["input_tokens"] == sum(text_tokens(t) for t in texts)
    big = tmp_path / "big.txt"
    big.write_text("".join(texts) * 3)
    monkeypatch.setattr(scale.text, "STREAM_TEXT_BYTES", 100)  # this file now counts as big
    assert scale.wants_scale([str(big)], None)
    assert main(["count", str(big), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["input_tokens"] == text_tokens(big.read_text())


def test_the_replay_command(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from costlab.cli import main

    log = _log(tmp_path / "log.jsonl", 30)
    with log.open("a") as stream:
        stream.write("{not json\n")
    code = main(["replay", str(log), "--model", "gpt-4.1-nano", "--model", "gpt-4o", "--json"])
    assert code == 2  # the bad line is named; the good ones are priced
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert "line 31: malformed JSON" in captured.err
    assert [r["model"] for r in out] == ["gpt-4.1-nano", "gpt-4o"]
    assert out[0]["requests"] == 30 and out[0]["bad_lines"] == 1
    # both models use o200k_base: the same input tokens, priced differently
    assert out[0]["input_tokens"] == out[1]["input_tokens"]
    assert Decimal(out[0]["total_cost"]) < Decimal(out[1]["total_cost"])


def test_a_batch_file_counted_in_chunks_equals_it_counted_whole(tmp_path: Path) -> None:
    from costlab.tokens import count_path

    lines = (DATA / "example_batch.jsonl").read_text().splitlines()
    out = []
    for i in range(120):
        entry = json.loads(lines[i % len(lines)])
        entry["custom_id"] = f"req-{i}"
        entry["body"]["metadata_note"] = i  # bodies differ; texts repeat across chunks
        out.append(json.dumps(entry, ensure_ascii=False))
    out[37] = '{"custom_id": "broken", "body":'  # a bad line, named by its number in the file
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(out) + "\n")
    whole = count_path(path)
    chunked = scale.count_batch_file(str(path), chunk_bytes=2000)
    for key in ("model", "input_tokens", "requests", "max_output_tokens", "parts", "exact"):
        assert getattr(chunked, key) == getattr(whole, key), key
    assert [str(e) for e in chunked.errors] == [str(e) for e in whole.errors]
    assert "line 38" in str(chunked.errors[0])


def test_estimate_of_a_big_batch_file_is_counted_in_chunks(
    tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from costlab.cli import main

    lines = (DATA / "example_batch.jsonl").read_text().splitlines()
    out = []
    for i in range(60):
        entry = json.loads(lines[i % len(lines)])
        entry["custom_id"] = f"req-{i}"
        out.append(json.dumps(entry))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(out) + "\n")
    args = ["estimate", str(path), "--output-tokens", "50", "--date", "2026-11-26", "--json"]
    assert main(args) == 0
    whole = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(scale.text, "STREAM_TEXT_BYTES", 100)
    monkeypatch.setattr(scale.chunks, "CHUNK_BYTES", 1500)
    assert scale.wants_batch_chunks([str(path)], None)
    assert main(args) == 0
    chunked = json.loads(capsys.readouterr().out)
    for key in ("input_tokens", "requests", "total_cost", "max_total_cost", "input_cost"):
        assert chunked[key] == whole[key], key


def test_without_dask_the_error_names_the_extra(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "dask", None)  # as if not installed
    path = _usage_csv(tmp_path / "usage.csv", 10)
    chunks = scale.plan_chunks([str(path)], csv_header=True)
    with pytest.raises(CostlabError, match=r"pip install 'costlab\[scale\]'"):
        scale.run_chunks(scale.price_usage_chunk, chunks, (), scheduler="threads")
    assert scale.choose_scheduler(None, [str(path)]) is None  # small input: this process


def test_replay_names_bad_dates_and_lines_without_a_traceback(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from costlab.cli import main

    body = {"messages": [{"role": "user", "content": "hi"}]}
    log = tmp_path / "log.jsonl"
    log.write_text(
        "\n".join(
            [
                json.dumps({"timestamp": "not-a-date", **body}),
                json.dumps({"timestamp": 1790000000, "usage": "{bad", **body}),
                "[1, 2]",
            ]
        )
        + "\n"
    )
    assert main(["replay", str(log), "--model", "gpt-4.1-nano", "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["requests"] == 1
    assert "line 1: timestamp: not a date or Unix time" in captured.err
    assert "line 3: each line must be a JSON object" in captured.err


@pytest.mark.parametrize(
    ("logged", "message"),
    [
        (-5, "completion_tokens: must be a whole number >= 0, got '-5'"),
        ("7", "completion_tokens: must be a whole number >= 0, got '7'"),
        (1.5, "completion_tokens: must be a whole number >= 0, got '1.5'"),
        (10**20, "completion_tokens: 100,000,000,000,000,000,000 is above the limit of"),
    ],
)
def test_replay_names_a_bad_logged_count_by_its_line(
    tmp_path: Path, capsys, logged: object, message: str
) -> None:  # type: ignore[no-untyped-def]
    """A bad logged output count was taken as 0 (a lower cost, exit 0), or, past int64, ended
    the whole replay in 'a number too large ... (OverflowError)' naming no file or line."""
    from costlab.cli import main

    body = {"messages": [{"role": "user", "content": "hi"}]}
    good = {"timestamp": "2027-01-05", "response": {"usage": {"completion_tokens": 3}}, **body}
    bad = {"timestamp": "2027-01-06", "response": {"usage": {"completion_tokens": logged}}}
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(good) + "\n" + json.dumps({**bad, **body}) + "\n")
    assert main(["replay", str(log), "--model", "gpt-4.1-nano", "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["requests"] == 1  # the good line is kept
    assert json.loads(captured.out)[0]["output_tokens"] == 3
    assert f"costlab: error: {log}: line 2: {message}" in captured.err


def test_a_file_url_is_the_local_file_alone_or_among_several(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file URL (``as_uri()``) said "no such file" when it was the only input (red team)."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("hello world\n" * 10, encoding="utf-8")
    second.write_text("one more line\n", encoding="utf-8")
    model = ("--model", "gpt-4.1-mini", "--json")
    plain = cli("count", str(first), *model)
    alone = cli("count", first.as_uri(), *model)
    assert alone.code == plain.code == 0, alone.err
    assert json.loads(alone.out)["input_tokens"] == json.loads(plain.out)["input_tokens"] > 0
    both = cli("count", first.as_uri(), second.as_uri(), *model)
    assert both.code == 0, both.err
    assert json.loads(both.out)["input_tokens"] > json.loads(plain.out)["input_tokens"]


def test_an_empty_folder_is_named_before_the_model_is_judged(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """whisper-1 counts no text; on an empty folder the user first needs to hear of the folder
    (it used to say only that whisper-1 has no tokenizer; red team)."""
    folder = tmp_path / "talk.mp3"
    folder.mkdir()
    result = cli("estimate", str(folder), "--model", "whisper-1")
    assert result.code == 2
    assert result.err.startswith(f"costlab: error: {folder}: no .txt")
