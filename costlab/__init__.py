"""costlab: what will these LLM API calls cost?

The public Python API, imported lazily so that ``import costlab`` (and the CLI) stays fast.
Every name here is the name of its definition (``grep "def estimate"`` finds it):

>>> import costlab
>>> costlab.estimate("gpt-4.1-mini", input_tokens=1234, requests=1_000_000).total_cost
Decimal('493.60')

Price book
    ``load_pricebook(extra=None)`` -> ``PriceBook``; ``book.resolve(name)`` -> ``Model``.
Cost engine
    ``Usage``, ``estimate(model, ...)`` / ``price_usage(model, usage)`` -> ``Cost``;
    ``compare(models, usage)``; ``price_frame(df)`` -> ``FrameCost`` for a DataFrame of usage.
Token counting (offline; exact for models with a tiktoken encoding, labelled estimates else)
    ``count_text``, ``count_chat``, ``count_responses``, ``count_image``, ``count_path`` ->
    ``TokenCount``; ``price_count(count, model)`` prices a count.
Scenarios and forecasts
    ``load_scenario(path)`` -> ``Scenario``; ``forecast_scenario(scenario)`` -> ``Forecast``;
    ``compare_scenario(scenario, models)`` -> ``Comparison``; ``router_vs_single``.
Actuals and exports
    ``load_actuals(path)`` -> ``Actuals``; ``variance(actuals, forecast)``;
    ``export_tables(tables, path)``.
Errors
    ``CostlabError``: bad input, with where (file, line, field) and what.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> the module that defines it (under the same name)
_DEFINED_IN = {
    "CostlabError": "costlab.errors",
    "PriceBook": "costlab.prices",
    "Model": "costlab.prices",
    "load_pricebook": "costlab.prices",
    "Usage": "costlab.usage",
    "Cost": "costlab.cost",
    "Flag": "costlab.cost",
    "estimate": "costlab.cost",
    "price_usage": "costlab.cost",
    "compare": "costlab.cost",
    "FrameCost": "costlab.cost_frame",
    "price_frame": "costlab.cost_frame",
    "TokenCount": "costlab.tokens",
    "count_text": "costlab.tokens",
    "count_chat": "costlab.tokens",
    "count_responses": "costlab.tokens",
    "count_image": "costlab.tokens",
    "count_path": "costlab.tokens",
    "price_count": "costlab.counted_cost",
    "Scenario": "costlab.scenario",
    "load_scenario": "costlab.scenario",
    "Forecast": "costlab.forecast",
    "forecast_scenario": "costlab.forecast",
    "Comparison": "costlab.comparison",
    "compare_scenario": "costlab.comparison",
    "router_vs_single": "costlab.comparison",
    "Actuals": "costlab.actuals",
    "load_actuals": "costlab.actuals",
    "variance": "costlab.actuals",
    "export_tables": "costlab.export",
}

__all__ = [
    "Actuals",
    "Comparison",
    "Cost",
    "CostlabError",
    "Flag",
    "Forecast",
    "FrameCost",
    "Model",
    "PriceBook",
    "Scenario",
    "TokenCount",
    "Usage",
    "compare",
    "compare_scenario",
    "count_chat",
    "count_image",
    "count_path",
    "count_responses",
    "count_text",
    "estimate",
    "export_tables",
    "forecast_scenario",
    "load_actuals",
    "load_pricebook",
    "load_scenario",
    "price_count",
    "price_frame",
    "price_usage",
    "router_vs_single",
    "variance",
]

if TYPE_CHECKING:  # pragma: no cover
    from costlab.actuals import Actuals, load_actuals, variance
    from costlab.comparison import Comparison, compare_scenario, router_vs_single
    from costlab.cost import Cost, Flag, compare, estimate, price_usage
    from costlab.cost_frame import FrameCost, price_frame
    from costlab.counted_cost import price_count
    from costlab.errors import CostlabError
    from costlab.export import export_tables
    from costlab.forecast import Forecast, forecast_scenario
    from costlab.prices import Model, PriceBook, load_pricebook
    from costlab.scenario import Scenario, load_scenario
    from costlab.tokens import (
        TokenCount,
        count_chat,
        count_image,
        count_path,
        count_responses,
        count_text,
    )
    from costlab.usage import Usage


def __getattr__(name: str) -> Any:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module 'costlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_DEFINED_IN))
