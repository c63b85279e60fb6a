"""Fuzzing each parser costlab owns for input: a result or a CostlabError, nothing else.

Small budgets (about 100 examples each, no deadline: two shared cores). The strategies mix
random text with the values that broke costlab before (huge and tiny numbers, 5,000-digit
integers, impossible dates, deep nesting, aliases, formula-like names), placed where a real
file has its values, so the examples reach validation instead of stopping at the syntax.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costlab.errors import CostlabError
from costlab.prices import PriceBook, parse_price_text
from costlab.tokens import count_batch, count_body, image_tokens, parse_size
from costlab.yaml_reader import load_yaml

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Scalars that broke costlab before, as they would be written in YAML or JSON.
HOSTILE_SCALARS = [
    "1e999999999",
    "1.0e+400",
    "1.0e-400",
    "-1",
    "0",
    "9" * 5001,
    "1" + "0" * 30,
    "2024-02-30",
    "9999-12",
    "9999-12-31",
    ".nan",
    ".inf",
    "true",
    "null",
    "[]",
    "{}",
    "'=1+2'",
    "*undefined",
    "1:30",
    "0x" + "f" * 40,
]

#: Text without control characters (YAML refuses those before any value is read).
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
scalars = st.one_of(st.sampled_from(HOSTILE_SCALARS), printable)


def _mutate(text: str, data: st.DataObject) -> str:
    """``text`` with a few values (after ``key: ``) replaced by hostile ones."""
    positions = [m.end() for m in re.finditer(r"^\s*[\w-]+: ", text, flags=re.M)]
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        if not positions:
            break
        target = data.draw(st.sampled_from(positions))
        row = text.count("\n", 0, target)
        start = target - (text.rfind("\n", 0, target) + 1)
        value = data.draw(scalars)
        lines[row] = lines[row][:start] + value
    return "\n".join(lines)


GROQ = (ROOT / "pricing" / "groq.yaml").read_text(encoding="utf-8")


@FUZZ
@given(st.data())
def test_price_yaml_gives_models_or_one_error(data: st.DataObject) -> None:
    text = _mutate(GROQ, data)
    with contextlib.suppress(CostlabError):
        parse_price_text(text, "fuzz.yaml")


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_yaml_gives_data_or_one_error(text: str) -> None:
    with contextlib.suppress(CostlabError):
        load_yaml(text, "fuzz.yaml")


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["&a ", "*a ", "", "[*a, *a] "]), scalars),
        min_size=1,
        max_size=8,
    )
)
def test_yaml_with_aliases_gives_data_or_one_error(items: list[tuple[str, str]]) -> None:
    text = "\n".join(f"k{i}: {prefix}{value}" for i, (prefix, value) in enumerate(items))
    with contextlib.suppress(CostlabError):
        load_yaml(text, "fuzz.yaml")


USAGE = """\
name: fuzz
start: 2027-01
months: 3
budget:
  monthly: 100
workloads:
  - name: support
    model: gpt-4.1-mini
    requests_per_month: 1000
    input_tokens: 1200
    cached_share: 0.5
    output_tokens: 150
"""


@FUZZ
@given(draws=st.data())
def test_usage_yaml_reads_and_validates_or_one_error(draws: st.DataObject, book: PriceBook) -> None:
    from costlab.scenario import parse_scenario

    text = _mutate(USAGE, draws)
    if re.search(r"^start: 9999-1\d", text, flags=re.M):
        return  # a horizon past year 9999: xfail in test_hostile_cli until scenario.py checks it
    with contextlib.suppress(CostlabError):
        parse_scenario(load_yaml(text, "fuzz.yaml"), "fuzz.yaml", book=book)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**40), 10**40),
        st.floats(allow_nan=False),
        st.text(max_size=10),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)

body_fields = st.fixed_dictionaries(
    {},
    optional={
        "model": st.sampled_from(["gpt-4o", "gpt-4.1-mini", "claude-sonnet-4-5", "nope"])
        | json_values,
        "messages": st.lists(
            st.fixed_dictionaries(
                {"role": st.sampled_from(["user", "system"]) | json_values},
                optional={"content": st.text(max_size=20) | json_values, "name": json_values},
            ),
            max_size=3,
        )
        | json_values,
        "input": st.text(max_size=20) | json_values,
        "max_tokens": st.integers(-5, 10**31) | json_values,
        "n": st.integers(-2, 10**20) | json_values,
        "tools": json_values,
    },
)


@FUZZ
@given(body=body_fields)
def test_request_bodies_give_a_count_or_one_error(body: dict[str, Any], book: PriceBook) -> None:
    with contextlib.suppress(CostlabError):
        count_body(body, book=book, source="fuzz.json")


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            body_fields.map(
                lambda body: json.dumps(
                    {
                        "custom_id": "x",
                        "method": "POST",
                        "url": "/v1/chat/completions",
                        "body": body,
                    }
                )
            ),
            st.text(max_size=40),
            st.sampled_from(
                [
                    "[" * 1000 + "]" * 1000,
                    '{"custom_id": "y", "method": "POST", "url": "/v1/chat/completions", '
                    '"body": {"messages": [], "max_tokens": ' + "9" * 5001 + "}}",
                    '{"body": {"model": 1e999999999}}',
                ]
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_batch_jsonl_gives_a_count_or_one_error(lines: list[str], book: PriceBook) -> None:
    text = "\n".join(lines)
    try:
        count = count_batch(text, book=book, source="fuzz.jsonl")
    except CostlabError:
        return
    assert count.requests + len(count.errors) <= len(text.split("\n"))  # each line once


@FUZZ
@given(
    st.one_of(
        st.text(max_size=30),
        st.tuples(st.integers(-5, 10**40), st.integers(-5, 10**40)).map(lambda s: f"{s[0]}x{s[1]}"),
    )
)
def test_image_size_text_gives_a_size_or_one_error(text: str) -> None:
    try:
        width, height = parse_size(text)
    except CostlabError:
        return
    assert width > 0 and height > 0


@FUZZ
@given(
    model=st.sampled_from(["gpt-4o", "gpt-4.1-mini", "gpt-4.1-nano", "o4-mini"]),
    width=st.integers(-3, 10**40),
    height=st.integers(-3, 10**40),
    detail=st.sampled_from(["low", "high", "auto"]),
)
def test_image_tokens_give_tokens_or_one_error(
    model: str, width: int, height: int, detail: Any, book: PriceBook
) -> None:
    rule = book.resolve(model).images
    assert rule is not None
    try:
        tokens = image_tokens(rule, width, height, detail)
    except CostlabError:
        return
    assert tokens >= 1  # every non-empty image costs something


@pytest.mark.parametrize("text", ["", "---\n", "~\n", "# only a comment\n"])
def test_empty_yaml_documents(text: str) -> None:
    assert load_yaml(text, "empty.yaml") is None


def _seeds() -> dict[str, bytes]:
    """Small valid files of each binary kind costlab reads."""
    import io as _io

    from PIL import Image
    from test_hostile_cli import _docx, _pdf  # tests/ is on sys.path (rootdir-relative)

    seeds = {}
    for kind in ("PNG", "JPEG", "GIF", "WEBP"):
        buffer = _io.BytesIO()
        Image.new("RGB", (40, 30)).save(buffer, kind)
        seeds[kind.lower()] = buffer.getvalue()
    seeds["pdf"] = _pdf(2, b"BT /F1 12 Tf 10 10 Td (Hello world) Tj ET")
    seeds["docx"] = _docx(
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"
    )
    return seeds


SEEDS = _seeds()


@FUZZ
@given(
    kind=st.sampled_from(sorted(SEEDS)),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.none() | st.integers(1, 10**6),
)
def test_damaged_images_and_documents_give_a_count_or_one_error(
    kind: str, flips: list[tuple[int, int]], cut: int | None, book: PriceBook
) -> None:
    from costlab.tokens import Input, count_input

    data = bytearray(SEEDS[kind])
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: max(1, cut % len(data))]
    with contextlib.suppress(CostlabError):
        count_input(Input(f"fuzz.{kind}", bytes(data), f".{kind}"), book=book)
