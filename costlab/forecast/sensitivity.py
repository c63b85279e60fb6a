"""Ranges: which end each band takes, and the sensitivity (tornado) table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from costlab.forecast.engine import _price
from costlab.forecast.lines import expand
from costlab.prices import PriceBook, load_pricebook
from costlab.ranges import EITHER_WAY, Band
from costlab.scenario import (
    NumberPath,
    Scenario,
    field_of,
)
from costlab.tables import (
    EXACT,
    ZERO,
    exact_sum,
    tidy,
)


def _empty_sensitivity() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "assumption",
            "low",
            "base",
            "high",
            "total_at_low",
            "total_at_high",
            "swing",
            "rank",
        ]
    )


def sensitivity(scenario: Scenario, *, book: PriceBook | None = None) -> pd.DataFrame:
    """For each ranged number: the total cost with it at its low and at its high end, every
    other number at its base; ranked by swing (|total_at_high - total_at_low|), largest first.

    Columns: ``assumption`` (``triage: input_tokens``), ``low``/``base``/``high`` (the input
    values), ``total_at_low``, ``total_at_high``, ``swing`` (USD, exact), ``rank``.
    """
    book = book or load_pricebook()
    months = scenario.month_starts()

    def total(variant: Scenario) -> Decimal:
        return exact_sum(_price(expand(variant, book), months, book).totals["total_cost"])

    # A workload's number moves only that workload's cost: the total at an end is the base
    # total with that workload re-priced alone, so the table costs one forecast per ranged
    # number's workload, not one of the whole scenario (100 ranged workloads took 10.7 s,
    # 300 took 55 s). Exact either way: the totals are exact sums of the same line costs.
    base_total: Decimal | None = None
    alone: dict[int, Decimal] = {}
    rows: list[dict[str, Any]] = []
    for assumption in scenario.ranges():
        totals = []
        index = assumption.path[1] if assumption.path[0] == "workloads" else None
        for value in (assumption.range.low, assumption.range.high):
            if not isinstance(index, int) or len(scenario.workloads) == 1:
                totals.append(total(scenario.with_number(assumption.path, value)))
                continue
            if base_total is None:
                base_total = total(scenario)
            if index not in alone:
                alone[index] = total(_only(scenario, index))
            # the number set on the workload alone (its path's index is then 0)
            path = ("workloads", 0, *assumption.path[2:])
            moved = total(_only(scenario, index).with_number(path, value))
            totals.append(EXACT.add(base_total, EXACT.subtract(moved, alone[index])))
        rows.append(
            {
                "assumption": assumption.label,
                "low": assumption.range.low,
                "base": assumption.range.base,
                "high": assumption.range.high,
                "total_at_low": tidy(totals[0]),
                "total_at_high": tidy(totals[1]),
                "swing": tidy(EXACT.subtract(totals[1], totals[0]).copy_abs()),  # abs(): 28 digits
            }
        )
    rows.sort(key=lambda r: (-r["swing"], r["assumption"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return pd.DataFrame(rows, columns=_empty_sensitivity().columns)


def _only(scenario: Scenario, index: int) -> Scenario:
    """The scenario with its ``index``-th workload alone (and no one-off costs)."""
    import dataclasses

    return dataclasses.replace(scenario, workloads=(scenario.workloads[index],), one_off=())


def _ends(
    scenario: Scenario, band: Band, months: Sequence[date], book: PriceBook
) -> dict[NumberPath, Band]:
    """For numbers whose cost direction depends on the workload (``batch_share``): the end
    that makes each workload cheapest (low band) or dearest (high band), with every other
    number at the band's value. Workloads add up, so each is decided on its own total."""
    paths = [a.path for a in scenario.ranges() if field_of(a.path) in EITHER_WAY]
    if band == "base" or not paths:
        return {}
    totals: dict[Band, dict[str, Decimal]] = {}
    for end in ("low", "high"):
        lines = expand(scenario, book, band, {path: end for path in paths})
        priced = _price(lines, months, book)
        per_line = priced.line_totals("total_cost")
        by_workload: dict[str, Decimal] = {}
        for name, cost in zip(lines["workload"], per_line, strict=True):
            by_workload[name] = EXACT.add(by_workload.get(name, ZERO), cost)
        totals[end] = by_workload
    chosen: dict[NumberPath, Band] = {}
    for path in paths:
        name = scenario.workloads[int(path[1])].name
        low_end, high_end = totals["low"][name], totals["high"][name]
        cheaper: Band = "low" if low_end <= high_end else "high"
        dearer: Band = "high" if cheaper == "low" else "low"
        chosen[path] = cheaper if band == "low" else dearer
    return chosen
