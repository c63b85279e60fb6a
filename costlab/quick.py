"""Quick answers: which models to price, and a one-workload scenario from a handful of numbers.

The command line's multi-model ``estimate``/``count`` and its ``forecast``/``check`` without a
YAML file are thin clients of these functions:

* :func:`select_models` turns ``--model a --model b``, ``--models a,b``, ``--models all`` and
  ``--provider openai`` into price-book models (aliases resolved, duplicates dropped).
* :func:`quick_scenario` builds the YAML text of a one-workload scenario and parses it with the
  same reader as a scenario file, so a scenario from flags and the same scenario written as a
  file are the same object, and forecast to the same digit.

>>> s = quick_scenario(model="gpt-4.1-mini", requests_per_day=20000, input_tokens=1200,
...                    output_tokens=150, start="2027-01", months=3)
>>> s.scenario.workloads[0].model, s.scenario.months
('gpt-4.1-mini', 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import yaml

from costlab.errors import CostlabError
from costlab.prices import Model, PriceBook
from costlab.records import frozen
from costlab.scenario import Scenario, parse_scenario
from costlab.yaml_reader import load_yaml


def select_models(
    book: PriceBook,
    names: Sequence[str] = (),
    *,
    provider: str | None = None,
    media: bool = False,
) -> list[Model]:
    """The models ``names`` ask for, in order, each once.

    A name may be a comma-separated list (``"a,b"``) and ``all`` means every model in the
    book; ``provider`` keeps only that provider's models (alone, it selects all of them).
    With ``media`` (a usage of audio, images, speech, transcription or tool calls), ``all``
    adds the speech, transcription, image and realtime models genai-prices prices.
    An unknown name or provider is a :class:`CostlabError`.
    """
    wanted = [part.strip() for name in names for part in name.split(",") if part.strip()]
    if provider is not None and provider not in book.providers:
        raise CostlabError(
            f"unknown provider '{provider}'; the price book has: {', '.join(book.providers)}",
            "--provider",
        )
    chosen: dict[str, Model] = {}
    if not wanted and provider is not None:
        wanted = ["all"]
    for name in wanted:
        if name.lower() == "all":
            for model in book:
                chosen.setdefault(model.id, model)
            if media:
                from datetime import date

                for model_id in book.media_models(date.today()):
                    chosen.setdefault(model_id, book.resolve(model_id))
        else:
            model = book.resolve(name)
            chosen.setdefault(model.id, model)
    models = [m for m in chosen.values() if provider is None or m.provider == provider]
    if wanted and not models:
        raise CostlabError(f"none of the models given is a {provider} model", "--provider")
    return models


@frozen
class QuickScenario:
    """A one-workload scenario built from numbers, and the YAML file that says the same."""

    scenario: Scenario
    yaml_text: str
    """a scenario file that :func:`costlab.load_scenario` reads back to ``scenario``"""


def quick_scenario(
    *,
    model: str,
    requests_per_day: int | Decimal,
    input_tokens: int | Decimal,
    output_tokens: int | Decimal = 0,
    cached_input_share: Decimal | str | int = 0,
    growth: Decimal | str | int = 0,
    months: int = 12,
    start: str,
    budget: Decimal | None = None,
    name: str = "quick",
    workload: str = "main",
    book: PriceBook | None = None,
) -> QuickScenario:
    """A one-workload scenario (what ``costlab forecast --model ...`` builds from its flags).

    Numbers are written into a scenario file's text and read back with the scenario reader, so
    validation, defaults and errors are a scenario file's (the error names the flag's field).
    """
    data: dict[str, Any] = {"name": name, "start": start, "months": months}
    if budget is not None:
        data["budget"] = {"monthly": _number(budget)}
    entry: dict[str, Any] = {
        "name": workload,
        "model": model,
        "requests_per_day": _number(requests_per_day),
        "input_tokens": _number(input_tokens),
        "output_tokens": _number(output_tokens),
    }
    if Decimal(str(cached_input_share)):
        entry["cached_input_share"] = _number(cached_input_share)
    if Decimal(str(growth)):
        entry["growth"] = _number(growth)
    data["workloads"] = [entry]
    text = (
        "# costlab scenario file: see the Scenario files section of costlab's README\n"
        + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    )
    scenario = parse_scenario(load_yaml(text, "flags"), "flags", book=book)
    return QuickScenario(scenario, text)


def _number(value: Any) -> int | Decimal:
    """A number for YAML: whole numbers as int, others as a Decimal written digit for digit."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise CostlabError(f"not a number: {value}", "flags") from None
    if not number.is_finite():
        raise CostlabError(f"not a number: {value}", "flags")
    if number == number.to_integral_value():
        return int(number)
    return number


class _Dumper(yaml.SafeDumper):
    """Writes a Decimal as a plain YAML float with exactly its digits (the reader turns YAML
    floats back into Decimals from their text, so nothing is rounded on the way)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Dumper.add_representer(Decimal, _represent_decimal)
