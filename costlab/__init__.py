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
Token counting (offline; exact for models with a tiktoken encoding, labelled estimates else)
    ``count_text(text, model=...)``, ``count_chat(body)``, ``count_responses(body)``,
    ``count_image((w, h) | path, model=..., detail=...)``, ``count_path(path)`` (any file a user
    pastes: text, request JSON, batch JSONL, image, PDF, DOCX) -> ``TokenCount``;
    ``price_count(count, model, output_tokens=...)`` prices a count.
Scenarios and forecasts
    ``load_scenario(path)`` -> ``Scenario``; ``forecast_scenario(scenario)`` -> ``Forecast``
    (``costlab.forecast.forecast``); ``compare_scenario(scenario, models, workload=None)`` ->
    ``Comparison`` (``costlab.comparison.compare``); ``router_vs_single``;
    ``load_actuals(path)`` -> ``Actuals``; ``actual_vs_forecast(actuals, forecast)``;
    ``export_tables(tables, path)``. (A package attribute cannot share its name with a
    submodule, hence ``forecast_scenario`` rather than ``forecast``.)
Errors
    ``CostlabError``: bad input, with where (file, line, field) and what.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> module that defines it
_EXPORTS = {
    "CostlabError": "costlab.errors",
    "PriceBook": "costlab.prices",
    "Model": "costlab.prices",
    "PriceEntry": "costlab.prices",
    "load_pricebook": "costlab.prices",
    "Usage": "costlab.cost",
    "Cost": "costlab.cost",
    "Flag": "costlab.cost",
    "price_usage": "costlab.cost",
    "estimate": "costlab.cost",
    "compare": "costlab.cost",
    "price_frame": "costlab.cost_frame",
    "FrameCost": "costlab.cost_frame",
    "format_usd": "costlab.money",
    # token counting (issue 4)
    "TokenCount": "costlab.tokens",
    "count_text": "costlab.tokens",
    "count_chat": "costlab.tokens",
    "count_responses": "costlab.tokens",
    "count_image": "costlab.tokens",
    "count_path": "costlab.tokens",
    "price_count": "costlab.counted_cost",
    # scenarios, forecasts, comparisons, actuals, exports (issue 5)
    "Scenario": "costlab.scenario",
    "load_scenario": "costlab.scenario",
    "Forecast": "costlab.forecast",
    "forecast_scenario": "costlab.forecast:forecast",
    "Comparison": "costlab.comparison",
    "compare_scenario": "costlab.comparison:compare",
    "router_vs_single": "costlab.comparison",
    "Actuals": "costlab.actuals",
    "load_actuals": "costlab.actuals",
    "actual_vs_forecast": "costlab.actuals:variance",
    "export_tables": "costlab.export:export",
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
    "PriceEntry",
    "Scenario",
    "TokenCount",
    "Usage",
    "actual_vs_forecast",
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
    "format_usd",
    "load_actuals",
    "load_pricebook",
    "load_scenario",
    "price_count",
    "price_frame",
    "price_usage",
    "router_vs_single",
]

if TYPE_CHECKING:  # pragma: no cover
    from costlab.actuals import Actuals, load_actuals
    from costlab.actuals import variance as actual_vs_forecast
    from costlab.comparison import Comparison, router_vs_single
    from costlab.comparison import compare as compare_scenario
    from costlab.cost import Cost, Flag, Usage, compare, estimate, price_usage
    from costlab.cost_frame import FrameCost, price_frame
    from costlab.counted_cost import price_count
    from costlab.errors import CostlabError
    from costlab.export import export as export_tables
    from costlab.forecast import Forecast
    from costlab.forecast import forecast as forecast_scenario
    from costlab.money import format_usd
    from costlab.prices import Model, PriceBook, PriceEntry, load_pricebook
    from costlab.scenario import Scenario, load_scenario
    from costlab.tokens import (
        TokenCount,
        count_chat,
        count_image,
        count_path,
        count_responses,
        count_text,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'costlab' has no attribute {name!r}")
    module, _, attribute = module.partition(":")  # "module:attribute" when the names differ
    value = getattr(importlib.import_module(module), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
