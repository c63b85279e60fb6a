"""Actuals: import usage exports, price them, and set them against a forecast.

:mod:`~costlab.actuals.readers` recognises and validates the formats (generic CSV, OpenAI's
usage and cost exports, the Usage API's JSON), :mod:`~costlab.actuals.priced` prices them by
month, :mod:`~costlab.actuals.vs_forecast` compares them with a forecast.
"""

from costlab.actuals.checks import Problem
from costlab.actuals.priced import Actuals, load_actuals, price_usage_file
from costlab.actuals.readers import USAGE_COLUMNS, UsageFile, parse_usage, read_usage
from costlab.actuals.vs_forecast import usage_from_forecast, variance, write_usage_csv

__all__ = [
    "USAGE_COLUMNS",
    "Actuals",
    "Problem",
    "UsageFile",
    "load_actuals",
    "parse_usage",
    "price_usage_file",
    "read_usage",
    "usage_from_forecast",
    "variance",
    "write_usage_csv",
]
