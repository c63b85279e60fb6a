"""Count a 50,000-request Batch API file, on all cores and on one, and print the figures.

The file is generated (fixed seed): chat requests with a shared system prompt, a user message of
varying length, some with a function tool, and a max-token limit each; every tenth request is a
Responses API body. The encodings are built before timing, so both runs time the counting only.

Run: .venv/bin/python benchmarks/bench_batch.py [--requests 50000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_count import realistic_text

from costlab.prices import load_pricebook
from costlab.tokens import count_path, get_encoding, tokenizer_for
from costlab.tokens.batch import ENDPOINTS
from costlab.tokens.text import texts_tokens
from costlab.tokens.totals import tally_texts

SYSTEM = "You are a support assistant for an online shop. Answer in at most three sentences."
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup_order",
        "description": "Find an order by its number.",
        "parameters": {
            "type": "object",
            "properties": {"order": {"type": "string", "description": "The order number."}},
            "required": ["order"],
        },
    },
}


def batch_file(path: Path, requests: int, seed: int = 50_000) -> None:
    rng = random.Random(seed)
    corpus = realistic_text(2.0, seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(requests):
            start = rng.randrange(len(corpus) - 4000)
            question = corpus[start : start + rng.randint(200, 3000)]
            if i % 10 == 9:
                url = "/v1/responses"
                body: dict[str, object] = {
                    "model": "gpt-4.1-mini",
                    "instructions": SYSTEM,
                    "input": question,
                    "max_output_tokens": rng.randint(100, 800),
                }
            else:
                url = "/v1/chat/completions"
                body = {
                    "model": "gpt-4.1-mini",
                    "messages": [
                        {"role": "system", "content": SYSTEM},
                        {"role": "user", "content": question},
                    ],
                    "max_tokens": rng.randint(100, 800),
                }
                if i % 3 == 0:
                    body["tools"] = [TOOL]
            out.write(
                json.dumps({"custom_id": f"req-{i}", "method": "POST", "url": url, "body": body})
                + "\n"
            )


MINIMUM: dict[str, float] = {}


def interleaved(run: Callable[[], object], threads: int, runs: int) -> tuple[float, float]:
    """Median seconds of ``run`` on 1 thread and on ``threads``, alternating, so a change in the
    machine's load hits both alike (the minimums are kept in MINIMUM)."""
    one: list[float] = []
    many: list[float] = []
    for _ in range(runs):
        for count, times in ((1, one), (threads, many)):
            os.environ["COSTLAB_THREADS"] = str(count)
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    MINIMUM.update(one=min(one), many=min(many))
    return statistics.median(one), statistics.median(many)


def request_texts(path: Path) -> list[str]:
    """Every text the counter encodes for the file (the parallel phase's input)."""
    model = load_pricebook().resolve("gpt-4.1-mini")
    tokenizer = tokenizer_for(model)
    tallies = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        tallies.append(ENDPOINTS[entry["url"]](entry["body"], model, tokenizer))
    return tally_texts(tallies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))  # every core, whatever the load: the thing measured
    get_encoding("o200k_base")  # build once, outside the timings
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.jsonl"
        batch_file(path, args.requests)
        size = path.stat().st_size
        load = os.getloadavg()[0]
        os.environ["COSTLAB_THREADS"] = "1"
        single = count_path(path)
        os.environ["COSTLAB_THREADS"] = str(cores)
        multi = count_path(path)
        if (single.requests, single.input_tokens) != (multi.requests, multi.input_tokens):
            raise SystemExit("single- and multi-threaded counts differ")
        requests, tokens = single.requests, single.input_tokens
        one, many = interleaved(lambda: count_path(path), cores, args.runs)
        texts = request_texts(path)
        encode_one, encode_many = interleaved(lambda: texts_tokens(texts), cores, args.runs)
    print(f"batch file: {requests:,} requests, {size / 1e6:.1f} MB, {tokens:,} input tokens")
    print(
        f"1 thread:   median {one:.2f} s of {args.runs} ({requests / one:,.0f} requests/s, {tokens / one:,.0f} tokens/s)"
    )
    print(
        f"{cores} threads:  median {many:.2f} s of {args.runs} ({requests / many:,.0f} requests/s, {tokens / many:,.0f} tokens/s)"
    )
    print(f"speed-up on {cores} cores: {one / many:.2f}x overall (medians)")
    print(f"minimums:   {MINIMUM['one']:.2f} s on 1 thread, {MINIMUM['many']:.2f} s on {cores}")
    print(f"peak RSS:   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(
        f"encoding phase alone ({len(set(texts)):,} distinct texts): {encode_one:.2f} s on 1 thread, "
        f"{encode_many:.2f} s on {cores} ({encode_one / encode_many:.2f}x); parsing and walking "
        "the JSON is single-threaded Python"
    )
    print(f"(1-minute load average when starting: {load:.2f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
