"""What-if grids: one workload copied over every combination of some of its fields."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from costlab.errors import CostlabError
from costlab.scenario import Scenario, Workload


def sweep(scenario: Scenario, workload: str, **axes: Sequence[Any]) -> Scenario:
    """A scenario with one copy of ``workload`` per combination of the ``axes`` values.

    Each axis names a workload field (``model``, ``requests_per_day``, ``input_tokens``...);
    the copies are named ``triage | model=gpt-4.1-mini | input_tokens=1200``. Other workloads
    are kept. For what-if grids: forecast the result and group ``lines`` by workload.

    >>> one = Scenario(name="s", start="2027-01", months=1, workloads=(Workload(
    ...     name="triage", model="gpt-4.1-mini", requests_per_day=Decimal(100),
    ...     input_tokens=Decimal(1000)),))
    >>> grid = sweep(one, "triage", model=["gpt-4.1-mini", "gpt-4.1-nano"], input_tokens=[800])
    >>> [w.name for w in grid.workloads]
    ['triage | model=gpt-4.1-mini | input_tokens=800', 'triage | model=gpt-4.1-nano | input_tokens=800']
    """
    template = scenario.workload(workload)
    names = {f.name for f in dataclasses.fields(Workload)}
    for axis in axes:
        if axis not in names or axis == "name":
            raise CostlabError(f"not a workload field: '{axis}'", "sweep")
    variants = []
    for values in itertools.product(*axes.values()):
        changes: dict[str, Any] = {
            axis: Decimal(str(v)) if isinstance(v, int | float) else v
            for axis, v in zip(axes, values, strict=True)
        }
        label = " | ".join(f"{axis}={v}" for axis, v in zip(axes, values, strict=True))
        variants.append(dataclasses.replace(template, name=f"{workload} | {label}", **changes))
    workloads = tuple(w for w in scenario.workloads if w.name != workload) + tuple(variants)
    return dataclasses.replace(scenario, workloads=workloads)
