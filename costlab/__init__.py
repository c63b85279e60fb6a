"""costlab: what will these LLM API calls cost?

The public Python API, imported lazily so that ``import costlab`` (and the CLI) stays fast:

>>> import costlab
>>> costlab.estimate("gpt-4.1-mini", input_tokens=1234, requests=1_000_000).total_cost
Decimal('493.60')

Price book
    ``load_pricebook(extra=None)`` -> ``PriceBook``; ``book.resolve(name)`` -> ``Model``.
Cost engine
    ``Usage``, ``price_usage(model, usage, on=None)`` -> ``Cost``, ``estimate(model, ...)``,
    ``compare(models, usage)``, ``price_frame(df, ...)`` for a DataFrame of usage rows.
Errors
    ``CostlabError``: bad input, with where (file, line, field) and what.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> module that defines it
_EXPORTS = {
    "CostlabError": "costlab.errors",
    "PriceBook": "costlab.pricebook",
    "Model": "costlab.pricebook",
    "PriceEntry": "costlab.pricebook",
    "load_pricebook": "costlab.pricebook",
    "Usage": "costlab.cost",
    "Cost": "costlab.cost",
    "Flag": "costlab.cost",
    "price_usage": "costlab.cost",
    "estimate": "costlab.cost",
    "compare": "costlab.cost",
    "price_frame": "costlab.frame",
    "FrameCost": "costlab.frame",
    "format_usd": "costlab.money",
}

__all__ = [
    "Cost",
    "CostlabError",
    "Flag",
    "FrameCost",
    "Model",
    "PriceBook",
    "PriceEntry",
    "Usage",
    "compare",
    "estimate",
    "format_usd",
    "load_pricebook",
    "price_frame",
    "price_usage",
]

if TYPE_CHECKING:  # pragma: no cover
    from costlab.cost import Cost, Flag, Usage, compare, estimate, price_usage
    from costlab.errors import CostlabError
    from costlab.frame import FrameCost, price_frame
    from costlab.money import format_usd
    from costlab.pricebook import Model, PriceBook, PriceEntry, load_pricebook


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'costlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
