"""The vectorized engine agrees with the single-usage engine, exactly, and names bad rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costlab.cost import Usage, price_usage
from costlab.cost_frame import combine, price_frame
from costlab.errors import CostlabError

TODAY = date(2026, 11, 26)


def test_a_million_rows_total_exactly(book) -> None:
    n = 1_000_000
    frame = pd.DataFrame({"model": ["gpt-4.1-mini"] * n, "input_tokens": np.full(n, 1234)})
    priced = price_frame(frame, book=book, on=TODAY)
    assert priced.total_cost == Decimal("493.60")
    assert priced.groups["requests"].sum() == n


rows = st.lists(
    st.tuples(
        st.sampled_from(
            ["gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", "gemini-2.5-pro", "o3", "claude-haiku-4-5"]
        ),
        st.dates(min_value=date(2025, 11, 1), max_value=date(2026, 11, 1)),
        st.integers(0, 400_000),
        st.integers(0, 100),
        st.integers(0, 50_000),
        st.integers(1, 3),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(rows=rows)
def test_frame_equals_the_sum_of_single_usages(book, rows) -> None:
    frame = pd.DataFrame(
        rows,
        columns=[
            "model",
            "date",
            "input_tokens",
            "cached_pct",
            "output_tokens",
            "requests",
            "batch",
        ],
    )
    frame["cached_input_tokens"] = frame.input_tokens * frame.cached_pct // 100
    # Per-request counts multiplied by requests, so each row's average request is exact.
    for col in ("input_tokens", "cached_input_tokens", "output_tokens"):
        frame[col] = frame[col] * frame["requests"]
    expected = Decimal(0)
    for r in frame.itertuples():
        usage = Usage(
            input_tokens=r.input_tokens // r.requests,
            cached_input_tokens=r.cached_input_tokens // r.requests,
            output_tokens=r.output_tokens // r.requests,
            requests=r.requests,
            batch=r.batch,
        )
        expected += price_usage(book.resolve(r.model), usage, on=r.date).total_cost
    assert price_frame(frame, book=book).total_cost == expected


def test_groups_by_extra_columns_and_regroups_exactly(book) -> None:
    frame = pd.DataFrame(
        {
            "model": ["gpt-4.1-mini", "gpt-4o", "gpt-4.1-mini"],
            "month": ["2026-01", "2026-01", "2026-02"],
            "input_tokens": [1_000_000, 1_000_000, 2_000_000],
            "output_tokens": [0, 0, 1_000_000],
        }
    )
    priced = price_frame(frame, book=book, by=["month"], on=TODAY)
    by_month = priced.totals(["month"]).set_index("month")["total_cost"]
    assert by_month["2026-01"] == Decimal("2.90")  # 0.40 + 2.50
    assert by_month["2026-02"] == Decimal("2.40")  # 0.80 + 1.60


def test_chunks_priced_separately_combine_to_the_whole(book) -> None:
    frame = pd.DataFrame(
        {
            "model": ["gpt-4.1-mini", "o3"] * 50,
            "input_tokens": range(100),
            "output_tokens": range(100),
        }
    )
    whole = price_frame(frame, book=book, on=TODAY).totals(["model"])
    parts = [price_frame(frame.iloc[i : i + 30], book=book, on=TODAY) for i in range(0, 100, 30)]
    assert combine(parts, ["model"])["total_cost"].tolist() == whole["total_cost"].tolist()


def test_row_costs_are_a_float_view_of_the_same_prices(book) -> None:
    frame = pd.DataFrame(
        {"model": ["gpt-4.1-mini"], "input_tokens": [1_000_000], "output_tokens": [1_000_000]}
    )
    priced = price_frame(frame, book=book, on=TODAY, row_costs=True)
    assert priced.rows["total_cost"].iloc[0] == pytest.approx(2.00)


def test_limits_are_flagged_with_the_first_row(book) -> None:
    frame = pd.DataFrame(
        {"model": ["gpt-4o", "gpt-4o"], "input_tokens": [10, 200_000], "output_tokens": [0, 0]}
    )
    priced = price_frame(frame, book=book, on=TODAY)
    assert [f.message for f in priced.flags if f.code == "context_window"] == [
        "gpt-4o: 1 row(s) exceed the 128,000-token context window (first: row 2)"
    ]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            {"model": ["gpt-4o", "gpt-4o"], "input_tokens": [1, -2]},
            "row 2: input_tokens: must be >= 0, got -2",
        ),
        (
            {"model": ["gpt-4o", "nope"], "input_tokens": [1, 2]},
            "row 2: model 'nope': unknown model",
        ),
        (
            {"model": ["gpt-4o"], "input_tokens": ["ten"]},
            "row 1: input_tokens: not a number: 'ten'",
        ),
        (
            {"model": ["gpt-4o"], "input_tokens": [1.5]},
            "row 1: input_tokens: must be a whole number",
        ),
        (
            {"model": ["gpt-4o"], "input_tokens": [1], "date": ["someday"]},
            "row 1: date: not a date: 'someday'",
        ),
        (
            {"model": ["gpt-4o"], "input_tokens": [1], "batch": ["maybe"]},
            "row 1: batch: must be true or false",
        ),
        ({"input_tokens": [1]}, "usage: missing column 'model'"),
        (
            {"model": ["o3"], "input_tokens": [1], "date": ["2025-01-01"]},
            "row 1: date: no price for o3 on 2025-01-01",
        ),
    ],
)
def test_bad_rows_are_named(book, frame: dict, message: str) -> None:
    with pytest.raises(CostlabError) as err:
        price_frame(pd.DataFrame(frame), book=book, on=TODAY)
    assert str(err.value).startswith(message)
