"""forecast_scenario(): a scenario month by month, base band and (with ranges) low and high bands."""

from __future__ import annotations

from typing import Any

from costlab.forecast.budget import _budget
from costlab.forecast.engine import PricedSource, _drop, _price, _totals_frame
from costlab.forecast.figures import hidden_figures, scenario_errors
from costlab.forecast.lines import expand
from costlab.forecast.result import Forecast
from costlab.forecast.sensitivity import _empty_sensitivity, _ends, sensitivity
from costlab.prices import PriceBook, load_pricebook
from costlab.ranges import BANDS
from costlab.scenario import (
    Scenario,
)


def forecast_scenario(
    scenario: Scenario, *, book: PriceBook | None = None, sensitivity_table: bool = True
) -> Forecast:
    """Forecast ``scenario`` month by month (base band, and low/high bands when it has ranges).

    >>> from decimal import Decimal
    >>> from costlab.scenario import Scenario, Workload
    >>> bot = Scenario(name="support-bot", start="2027-01", months=2, workloads=(Workload(
    ...     name="triage", model="gpt-4.1-mini", requests_per_day=Decimal(20000),
    ...     input_tokens=Decimal(1200), cached_input_share=Decimal("0.5"),
    ...     output_tokens=Decimal(150), retry_rate=Decimal("0.05"), growth=Decimal("0.10")),))
    >>> [str(cost) for cost in forecast_scenario(bot).months["total_cost"]]
    ['351.54', '349.272']
    """
    book = book or load_pricebook()
    months = scenario.month_starts()
    ranged = scenario.has_ranges
    with scenario_errors(scenario):
        priced = {
            band: _price(
                expand(scenario, book, band, _ends(scenario, band, months, book)), months, book
            )
            for band in (BANDS if ranged else ("base",))
        }
        table = (
            sensitivity(scenario, book=book)
            if (ranged and sensitivity_table)
            else _empty_sensitivity()
        )
    base = priced.pop("base")
    totals = _totals_frame(base, priced)
    # Cache-write, audio, image and tool columns appear only when used, so the tables of
    # every other scenario (and their exports) keep their columns.
    drop = hidden_figures(scenario, base.totals.__getitem__)
    totals = _drop(totals, drop)
    charges: tuple[Any, ...] = ()
    if scenario.one_off:  # costs charged once: in their month's total and all after
        import pandas as pd

        from costlab.one_off import by_month, one_off_charges, with_one_offs

        with scenario_errors(scenario):
            charges = one_off_charges(scenario, book)
        records = [{str(k): v for k, v in r.items()} for r in totals.to_dict("records")]
        rows = with_one_offs(records, by_month(charges))
        totals = pd.DataFrame(rows, columns=list(rows[0]))
    totals, budget = _budget(scenario, totals)
    return Forecast(
        scenario=scenario,
        source=PricedSource(base, priced, drop),
        months=totals,
        budget=budget,
        flags=base.flags,
        sensitivity=table,
        price_book=book.fingerprint,
        one_offs=charges,
    )
