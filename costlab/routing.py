"""Routing: one workload's traffic split across models, with failures escalated.

The pattern ([GUIDE-41-MINI] in docs/sources.md): simple requests go to a cheap model, normal ones to a
mid model, and requests that fail there are re-run on a stronger one. In a scenario file::

    routing:
      legs:                          # shares of the workload's requests; they sum to exactly 1
        - {model: gpt-4.1-nano, share: 0.3}
        - {model: gpt-4.1-mini, share: 0.7}
      escalation: {model: gpt-4.1, rate: 0.05}   # optional

Arithmetic, per month, for a workload with ``N`` requests before retries (its *tasks*) and
``retry_rate`` r:

* leg *i* sends ``N x (1 + r) x share_i`` requests to its model;
* the escalation model receives ``N x (1 + r) x rate`` more: re-runs of the requests that failed
  on their leg, retried like any other request. They are extra requests, not a share taken
  from the legs, so the workload sends ``N x (1 + r) x (1 + rate)`` requests in all;
* every route uses the workload's per-request tokens (input, cached share, output, reasoning,
  images) and its ``batch_share``.

The *router* is cheaper than a single model exactly when its blended per-task price is lower;
:func:`costlab.comparison.router_vs_single` prices the scenario both ways, and
:func:`costlab.forecast.routes.breakdown` splits a forecast's cost by route. Leg shares are plain
numbers (a range would let them stop summing to 1); the escalation rate may be a range.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from costlab.errors import CostlabError
from costlab.ranges import Range, base
from costlab.typed import spec

Role = Literal["single", "leg", "escalation"]


@dataclass(frozen=True)
class RouteLeg:
    """One model serving a fixed share of a workload's requests."""

    model: str = spec("model id or alias serving this share of the requests", pattern=r"\S.*")
    share: Decimal = spec(
        "share of the workload's requests sent to this model, 0..1 (the legs sum to 1)",
        ge=0,
        le=1,
    )


@dataclass(frozen=True)
class Escalation:
    """Requests that failed on their leg, re-run on a stronger model."""

    model: str = spec("model id or alias that re-runs failed requests", pattern=r"\S.*")
    rate: Decimal | Range = spec(
        "share of the workload's requests re-run on this model after failing, 0..1; "
        "these are extra requests on top of the legs",
        ge=0,
        le=1,
    )


@dataclass(frozen=True)
class Routing:
    """A workload's traffic split across models (``legs``), with an optional ``escalation``."""

    legs: tuple[RouteLeg, ...] = spec(
        "models and the share of requests each serves; shares sum to exactly 1", min_items=1
    )
    escalation: Escalation | None = spec(
        "a stronger model that re-runs the requests that failed on their leg", default=None
    )

    def __post_init__(self) -> None:
        total = sum((leg.share for leg in self.legs), Decimal(0))
        if total != 1:
            raise CostlabError(f"the shares add up to {total}; they must add up to 1", "legs")


@dataclass(frozen=True)
class Route:
    """Where a workload's requests go: the single model, one leg, or the escalation model."""

    role: Role
    leg: int
    """1-based leg number; 0 for a single model and for the escalation"""
    model: str
    """model name as written in the scenario"""
    share: Decimal | Range
    """requests on this route per request of the workload (before retries): 1, the leg's
    share, or the escalation rate"""
    field: str
    """where the model is named in the workload (for error messages)"""

    @property
    def serves_tasks(self) -> bool:
        """Whether this route's requests are first attempts (escalations re-run tasks)."""
        return self.role != "escalation"


def routes(model: str | None, routing: Routing | None) -> tuple[Route, ...]:
    """The routes of a workload that names either one ``model`` or a ``routing``."""
    if routing is None:
        if model is None:
            raise CostlabError("required field is missing (or give routing)", "model")
        return (Route("single", 0, model, Decimal(1), "model"),)
    found = [
        Route("leg", i, leg.model, leg.share, f"routing.legs[{i - 1}].model")
        for i, leg in enumerate(routing.legs, start=1)
    ]
    if routing.escalation is not None:
        esc = routing.escalation
        found.append(Route("escalation", 0, esc.model, esc.rate, "routing.escalation.model"))
    return tuple(found)


def describe(routing: Routing) -> str:
    """A one-line label: ``gpt-4.1-nano 30% / gpt-4.1-mini 70% + gpt-4.1 on 5% failures``."""
    legs = " / ".join(f"{leg.model} {_percent(leg.share)}" for leg in routing.legs)
    if routing.escalation is None:
        return legs
    return (
        f"{legs} + {routing.escalation.model} on {_percent(base(routing.escalation.rate))} failures"
    )


def _percent(share: Decimal) -> str:
    text = format((share * 100).normalize(), "f")
    return f"{text}%"
