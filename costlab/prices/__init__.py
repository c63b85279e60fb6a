"""The price book: the data model, loading and layering, and the one rate engine.

>>> from datetime import date
>>> load_pricebook().resolve("gpt-4.1-mini").price_on(date(2026, 1, 1)).output
Decimal('1.60')
"""

from costlab.prices.book import PriceBook, shipped_pricing_dir
from costlab.prices.loading import load_pricebook, parse_price_text, read_price_file
from costlab.prices.model import (
    Benchmark,
    FineTuning,
    ImageRule,
    Lifecycle,
    Model,
    PriceEntry,
    PriceFile,
    PriceTier,
    ServiceTierPrice,
    TokenEstimate,
)
from costlab.prices.rates import (
    Rates,
    has_batch_price,
    rates_for,
    service_tier_price,
    tier_for,
)

__all__ = [
    "Benchmark",
    "FineTuning",
    "ImageRule",
    "Lifecycle",
    "Model",
    "PriceBook",
    "PriceEntry",
    "PriceFile",
    "PriceTier",
    "Rates",
    "ServiceTierPrice",
    "TokenEstimate",
    "has_batch_price",
    "load_pricebook",
    "parse_price_text",
    "rates_for",
    "read_price_file",
    "service_tier_price",
    "shipped_pricing_dir",
    "tier_for",
]
