"""What a forecast reports: its figures, flags and budget status, and month labels.

Pure Python (no numpy, no pandas): shared by the table engine (:mod:`costlab.forecast.result`
re-exports it) and the CLI's small-scenario path (:mod:`costlab.forecast.small`).
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, Inexact, Overflow
from typing import Any, Protocol

from costlab.errors import CostlabError
from costlab.exact import EXACT, exact_text, tidy
from costlab.money import MONEY, Quotient, plain, quotient
from costlab.ranges import Band, Range
from costlab.records import frozen
from costlab.scenario import Scenario
from costlab.usage import (
    COST_COLUMNS,
    INFO_COLUMNS,
    MEDIA_COLUMNS,
    MEDIA_COST_COLUMNS,
    TOKEN_COLUMNS,
)

#: Per-month figures of every line and month total, in the order tables show them.
TOKEN_FIGURES = (*TOKEN_COLUMNS, *INFO_COLUMNS)


COST_FIGURES = COST_COLUMNS


FIGURES = ("tasks", "requests", *TOKEN_FIGURES, *COST_FIGURES)


#: Flags that mean a model cannot serve a workload as specified (for the whole horizon).
BLOCKING = frozenset(
    {"context_window", "max_input", "max_output", "modality", "retired", "retires"}
)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


@frozen
class ForecastFlag:
    """A warning about one workload on one model (a limit, a retirement, a missing price)."""

    workload: str
    model: str
    code: str
    """context_window | max_input | max_output | modality | retired | retires | deprecated |
    no_batch | no_cached_price | no_image_rule"""
    message: str
    month: str | None = None
    """first month it applies to, YYYY-MM, where it depends on the month"""

    @property
    def blocking(self) -> bool:
        """True when the model cannot serve the workload as specified over the horizon."""
        return self.code in BLOCKING

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@frozen
class BudgetStatus:
    """The forecast (base band) against the scenario's budget."""

    monthly: Decimal | None
    """USD per month, if set"""
    total: Decimal | None
    """USD over the horizon, if set"""
    first_month_over: str | None
    """first month whose cost exceeds the monthly budget, YYYY-MM"""
    months_over: tuple[str, ...]
    total_runs_out: str | None
    """month in which the cumulative cost first exceeds the total budget"""
    first_month_over_high: str | None = None
    """the same for the high band (equal to the base without ranges)"""
    total_runs_out_high: str | None = None

    @property
    def has_budget(self) -> bool:
        return self.monthly is not None or self.total is not None

    @property
    def within(self) -> bool:
        return self.first_month_over is None and self.total_runs_out is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "monthly": None if self.monthly is None else plain(self.monthly),
            "total": None if self.total is None else plain(self.total),
            "within": self.within,
            "first_month_over": self.first_month_over,
            "months_over": list(self.months_over),
            "total_runs_out": self.total_runs_out,
            "first_month_over_high": self.first_month_over_high,
            "total_runs_out_high": self.total_runs_out_high,
        }


#: Figures the tables show only when a workload writes to the cache.
CACHE_WRITE_FIGURES = ("cache_write_tokens", "cache_write_1h_tokens", "cache_write_cost")


#: Audio, image and tool figures: shown only when a month uses them.
MEDIA_FIGURES = (*MEDIA_COLUMNS, *MEDIA_COST_COLUMNS)


def unused_media(month_totals: Callable[[str], Iterable[Any]]) -> tuple[str, ...]:
    """The audio, image and tool figures no month uses (left out of the tables, as cache
    writes are), from a lookup of a figure's monthly totals."""
    return tuple(n for n in MEDIA_FIGURES if not any(v != 0 for v in month_totals(n)))


def hidden_figures(
    scenario: Scenario, month_totals: Callable[[str], Iterable[Any]]
) -> tuple[str, ...]:
    """The figures a forecast's tables leave out: cache writes when no workload writes to the
    cache, and the audio, image and tool figures no month uses (both engines use this)."""
    cache = () if writes_cache(scenario) else CACHE_WRITE_FIGURES
    return (*cache, *unused_media(month_totals))


@contextmanager
def scenario_errors(scenario: Scenario) -> Iterator[None]:
    """Errors of pricing ``scenario`` name its file, and running out of exact digits is one
    clear error (both engines use this)."""
    try:
        yield
    except CostlabError as exc:
        if scenario.source and (not exc.where or exc.where[0] != scenario.source):
            raise exc.within(scenario.source) from None
        raise
    except (Inexact, Overflow):
        raise too_many_digits(scenario) from None


def writes_cache(scenario: Scenario) -> bool:
    """Whether any workload writes to the cache (else its columns are left out, so the tables
    of every other scenario, and their exports, keep their columns)."""
    shares = (w.cache_write_share for w in scenario.workloads)
    if any(w.cache_hit_rate is not None for w in scenario.workloads):
        return True  # the misses of a cacheable prefix write it
    return any((s.high if isinstance(s, Range) else s) != 0 for s in shares)


def too_many_digits(scenario: Scenario) -> CostlabError:
    """Exactness has a limit: the EXACT context's 5,000 significant digits."""
    return CostlabError(
        f"the forecast needs more than {EXACT.prec:,} significant digits to stay exact; "
        "give growth rates and shares with fewer decimals or a shorter horizon",
        scenario.label,
    )


def rows_of(table: Any) -> list[dict[str, Any]]:
    """A table's rows as dicts: a DataFrame's records, or a small forecast's plain rows."""
    return table if isinstance(table, list) else table.to_dict("records")


def unit_costs(cost: Decimal, requests: Decimal, tasks: Decimal) -> dict[str, Quotient | None]:
    """``cost_per_1k_requests`` and ``cost_per_task`` of a cost (USD): ratios, rounded to 80
    significant digits; None without requests or tasks. The unit-cost columns of the workload,
    route and ranking tables (every engine uses this)."""
    thousand = MONEY.multiply(cost, Decimal(1000))
    return {
        "cost_per_1k_requests": quotient(tidy(MONEY.divide(thousand, requests)))
        if requests
        else None,
        "cost_per_task": quotient(tidy(MONEY.divide(cost, tasks))) if tasks else None,
    }


class Reported(Protocol):
    """What :func:`forecast_json` reads of a forecast (the table engine's or the small one)."""

    @property
    def scenario(self) -> Scenario: ...

    @property
    def price_book(self) -> str: ...

    @property
    def budget(self) -> BudgetStatus: ...

    @property
    def flags(self) -> tuple[ForecastFlag, ...]: ...

    def total(self, figure: str, band: Band = "base") -> Decimal: ...

    # its tables: DataFrames, or plain rows
    @property
    def months(self) -> Any: ...

    @property
    def workloads(self) -> Any: ...

    @property
    def routes(self) -> Any: ...

    @property
    def lines(self) -> Any: ...

    @property
    def sensitivity(self) -> Any: ...


def forecast_json(
    fc: Reported, rows: Callable[[Any], list[dict[str, Any]]], *, lines: bool = True
) -> dict[str, Any]:
    """A forecast as ``costlab forecast --json`` prints it, its tables written by ``rows``
    (``lines`` left out when False). Both engines use this, so their JSON cannot drift apart."""
    s = fc.scenario
    return {
        "scenario": s.name,
        "source": s.source or None,
        "price_book": fc.price_book,
        "start": s.start,
        "months_count": s.months,
        "total_cost": plain(fc.total("total_cost")),
        "total_cost_low": plain(fc.total("total_cost", "low")),
        "total_cost_high": plain(fc.total("total_cost", "high")),
        "total_requests": exact_text(fc.total("requests")),
        "total_tasks": exact_text(fc.total("tasks")),
        "budget": fc.budget.to_dict(),
        "months": rows(fc.months),
        "workloads": rows(fc.workloads),
        "routes": rows(fc.routes),
        **({"lines": rows(fc.lines)} if lines else {}),
        "sensitivity": rows(fc.sensitivity),
        "flags": [f.to_dict() for f in fc.flags],
    }
