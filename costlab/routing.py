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

from decimal import Decimal
from typing import Literal

from costlab.errors import CostlabError
from costlab.pydantic_types import MODEL_ID
from costlab.ranges import Range, base
from costlab.records import frozen
from costlab.validation import spec

Role = Literal["single", "leg", "escalation", "step"]


@frozen
class RouteLeg:
    """One model serving a fixed share of a workload's requests."""

    model: str = spec("model id or alias serving this share of the requests", pattern=MODEL_ID)
    share: Decimal = spec(
        "share of the workload's requests sent to this model, 0..1 (the legs sum to 1)",
        ge=0,
        le=1,
    )


@frozen
class Escalation:
    """Requests that failed on their leg, re-run on a stronger model."""

    model: str = spec("model id or alias that re-runs failed requests", pattern=MODEL_ID)
    rate: Decimal | Range = spec(
        "share of the workload's requests re-run on this model after failing, 0..1; "
        "these are extra requests on top of the legs",
        ge=0,
        le=1,
    )


@frozen
class CascadeStep:
    """One step of a cascade: every task reaching it is tried here, and a share moves on."""

    model: str = spec("model id or alias tried at this step", pattern=MODEL_ID)
    escalation_rate: Decimal | Range | None = spec(
        "share of the tasks reaching this step that fail here and go on to the next step, "
        "0..1 (every step but the last)",
        default=None,
        ge=0,
        le=1,
    )
    retry_rate: Decimal | Range | None = spec(
        "this model's extra requests per task from retries (0.10 = 10% more); default: the "
        "workload's retry_rate",
        default=None,
        ge=0,
    )
    input_tokens: Decimal | Range | None = spec(
        "prompt tokens per request at this step; default: the workload's", default=None, ge=0
    )
    output_tokens: Decimal | Range | None = spec(
        "visible output tokens per request at this step; default: the workload's",
        default=None,
        ge=0,
    )
    include_previous_output: bool = spec(
        "the previous step's output is added to this step's prompt (it reviews or repairs it)",
        default=False,
    )


@frozen
class Routing:
    """A workload's traffic split across models (``legs``, with an optional ``escalation``),
    or a ``cascade`` of models tried in turn."""

    legs: tuple[RouteLeg, ...] = spec(
        "models and the share of requests each serves; shares sum to exactly 1", default=()
    )
    escalation: Escalation | None = spec(
        "a stronger model that re-runs the requests that failed on their leg", default=None
    )
    cascade: tuple[CascadeStep, ...] = spec(
        "models tried in turn: each task starts at the first; a step's escalation_rate of the "
        "tasks reaching it go on to the next (give this or legs)",
        default=(),
    )

    def __post_init__(self) -> None:
        if self.cascade:
            self._check_cascade()
            return
        if not self.legs:
            raise CostlabError("must list at least 1 item(s)", "legs")
        total = sum((leg.share for leg in self.legs), Decimal(0))
        if total != 1:
            raise CostlabError(f"the shares add up to {total}; they must add up to 1", "legs")

    def _check_cascade(self) -> None:
        if self.legs or self.escalation is not None:
            raise CostlabError("give legs or cascade, not both", "cascade")
        if len(self.cascade) < 2:
            raise CostlabError("a cascade needs at least two steps", "cascade")
        seen: dict[str, int] = {}
        for i, step in enumerate(self.cascade):
            key = step.model.strip().lower()
            if key in seen:
                raise CostlabError(
                    f"'{step.model}' is also step {seen[key] + 1}: a cascade must not loop "
                    "back to a model it already tried",
                    f"cascade[{i}].model",
                )
            seen[key] = i
            last = i == len(self.cascade) - 1
            if last and step.escalation_rate is not None:
                raise CostlabError(
                    "the last step serves every task that reaches it; it has no escalation_rate",
                    f"cascade[{i}].escalation_rate",
                )
            if not last and step.escalation_rate is None:
                raise CostlabError(
                    "required for every step but the last", f"cascade[{i}].escalation_rate"
                )
        if self.cascade[0].include_previous_output:
            raise CostlabError(
                "the first step has no previous output", "cascade[0].include_previous_output"
            )


@frozen
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
    step: CascadeStep | None = None
    """a cascade step's own retry rate and token profile (None: the workload's)"""

    @property
    def serves_tasks(self) -> bool:
        """Whether this route's requests are first attempts (escalations and later cascade
        steps re-run tasks)."""
        return self.role not in ("escalation", "step") or self.leg == 1


def routes(model: str | None, routing: Routing | None) -> tuple[Route, ...]:
    """The routes of a workload that names either one ``model`` or a ``routing``."""
    if routing is None:
        if model is None:
            raise CostlabError("required field is missing (or give routing)", "model")
        return (Route("single", 0, model, Decimal(1), "model"),)
    if routing.cascade:
        return _cascade_routes(routing.cascade)
    found = [
        Route("leg", i, leg.model, leg.share, f"routing.legs[{i - 1}].model")
        for i, leg in enumerate(routing.legs, start=1)
    ]
    if routing.escalation is not None:
        esc = routing.escalation
        found.append(Route("escalation", 0, esc.model, esc.rate, "routing.escalation.model"))
    return tuple(found)


def _cascade_routes(steps: tuple[CascadeStep, ...]) -> tuple[Route, ...]:
    """Each step receives the tasks that failed every step before it: its share of the tasks
    is the product of the earlier steps' escalation rates (ranges resolved beforehand)."""
    found = []
    reach: Decimal | Range = Decimal(1)
    for i, step in enumerate(steps):
        found.append(Route("step", i + 1, step.model, reach, f"routing.cascade[{i}].model", step))
        if step.escalation_rate is not None:
            reach = _times(reach, step.escalation_rate)
    return tuple(found)


def _times(a: Decimal | Range, b: Decimal | Range) -> Decimal | Range:
    if isinstance(a, Range) or isinstance(b, Range):
        lo = (a.low if isinstance(a, Range) else a) * (b.low if isinstance(b, Range) else b)
        mid = (a.base if isinstance(a, Range) else a) * (b.base if isinstance(b, Range) else b)
        hi = (a.high if isinstance(a, Range) else a) * (b.high if isinstance(b, Range) else b)
        return Range(lo, mid, hi)
    return a * b


def describe(routing: Routing) -> str:
    """A one-line label: ``gpt-4.1-nano 30% / gpt-4.1-mini 70% + gpt-4.1 on 5% failures``,
    or ``gpt-4.1-nano -> gpt-4.1-mini (30% escalate) -> gpt-4.1 (5% escalate)``."""
    if routing.cascade:
        parts = [routing.cascade[0].model]
        for before, step in zip(routing.cascade, routing.cascade[1:], strict=False):
            rate = before.escalation_rate
            parts.append(
                f"{step.model} ({_percent(base(rate) if rate is not None else Decimal(0))} escalate)"
            )
        return " -> ".join(parts)
    legs = " / ".join(f"{leg.model} {_percent(leg.share)}" for leg in routing.legs)
    if routing.escalation is None:
        return legs
    return (
        f"{legs} + {routing.escalation.model} on {_percent(base(routing.escalation.rate))} failures"
    )


def _percent(share: Decimal) -> str:
    text = format((share * 100).normalize(), "f")
    return f"{text}%"
