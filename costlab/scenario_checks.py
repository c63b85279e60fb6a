"""What a workload asks of a model that the price book says it cannot give: a service tier it
does not offer, reasoning from a model that does not reason, an effort without effort levels.

Each check returns ``(field, what)`` or None; :func:`check_models` resolves every model a
scenario names and turns a problem into one line naming the file, workload, field and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from costlab import limits
from costlab.errors import CostlabError
from costlab.prices import Model, PriceBook, service_tier_price
from costlab.prices.book import shown_id
from costlab.validation import line_at

#: A scenario and its workload (:class:`costlab.scenario.Scenario`, ``Workload``; not
#: imported: that module imports this one).
Scenario = Any
Workload = Any


def tier_problem(workload: Workload, model: Model, first_month: date) -> tuple[str, str] | None:
    """A service tier the model's price in the first month does not offer, or data residency
    where the provider publishes no uplift."""
    if workload.service_tier == "standard" and not workload.data_residency:
        return None
    try:
        price = model.price_on(first_month)
    except CostlabError:
        return None  # reported by the forecast with its own message
    if workload.data_residency and price.data_residency_uplift is None:
        return "data_residency", f"{model.id}: no published data-residency price"
    try:
        service_tier_price(price, workload.service_tier)
    except CostlabError as exc:
        return "service_tier", f"{model.id}: {exc.what}"
    return None


def reasoning_problem(workload: Workload, model: Model) -> tuple[str, str] | None:
    """Reasoning asked of a model that does not reason, or an effort for a model without
    effort levels in the book."""
    reasoning = workload.reasoning_tokens
    most = reasoning.high if hasattr(reasoning, "high") else reasoning
    effort = workload.reasoning_effort
    if most > 0 and model.reasoning is False:
        return "reasoning_tokens", f"{model.id} produces no reasoning tokens"
    if effort in (None, "none"):
        return None
    if model.reasoning is False:
        return "reasoning_effort", f"{model.id} produces no reasoning tokens"
    if model.reasoning_effort is None:
        return (
            "reasoning_effort",
            f"{model.id} has no effort levels in the price book; give reasoning_tokens",
        )
    return None


def audio_problem(workload: Workload, model: Model) -> tuple[str, str] | None:
    """Seconds of audio that are more tokens on this model than any count may be (named by
    the seconds the user wrote, not by the token total they were added to)."""
    if model.audio is None:
        return None
    parts: tuple[tuple[Literal["input", "output"], tuple[str, ...]], ...] = (
        ("input", ("input_tokens",)),
        ("output", ("output_tokens", "reasoning_tokens")),
    )
    for direction, text_fields in parts:
        field = f"{direction}_audio_seconds"
        seconds = _high(getattr(workload, field))
        audio = model.audio.tokens(seconds, direction) if seconds else None
        if audio is None:
            continue
        text = sum((_high(getattr(workload, name)) or 0 for name in text_fields), start=0)
        if audio + text > limits.MAX_COUNT:
            with_text = f", {_shown(audio + text)} with {' and '.join(text_fields)}" if text else ""
            return field, (
                f"{_shown(seconds)} seconds of audio make {_shown(audio)} audio tokens on "
                f"{model.id}{with_text}: "
                f"above the limit of {limits.MAX_COUNT:,} ({limits.ENV_NAMES['MAX_COUNT']})"
            )
    return None


def _shown(value: Any) -> str:
    return f"{value.normalize():,f}"


def _high(value: Any) -> Any:
    """A range's high end, else the number (None stays None)."""
    return getattr(value, "high", value)


def check_hit_rate(workload: Any) -> None:
    """The hit-rate form of caching (a cacheable prefix and a hit rate) comes whole and
    replaces the two fixed shares."""
    prefix, rate = workload.cacheable_prefix_tokens, workload.cache_hit_rate
    if (prefix is None) != (rate is None):
        missing = "cache_hit_rate" if rate is None else "cacheable_prefix_tokens"
        raise CostlabError("give cacheable_prefix_tokens and cache_hit_rate together", missing)
    if prefix is None:
        return
    for name in ("cached_input_share", "cache_write_share"):
        value = getattr(workload, name)
        if getattr(value, "high", value) != 0:
            raise CostlabError(
                f"give {name} or the prefix and hit rate, not both "
                "(the hit rate sets the cached and written shares)",
                name,
            )


def check_media(workload: Any) -> None:
    """Audio input is part of the input tokens, audio and image output part of the output
    (every end of a range: the largest part within the smallest total)."""

    def high(value: Any) -> Any:  # a range's high end, else the number (None stays None)
        return getattr(value, "high", value)

    def low(value: Any) -> Any:
        return getattr(value, "low", value)

    if workload.input_tokens is not None and (
        high(workload.input_audio_tokens) > low(workload.input_tokens)
    ):
        raise CostlabError(
            "exceeds input_tokens (the input tokens include the audio)", "input_audio_tokens"
        )
    media_out = high(workload.output_audio_tokens) + high(workload.output_image_tokens)
    if media_out > low(workload.output_tokens):
        raise CostlabError(
            "audio and image output exceed output_tokens (the output tokens include them)",
            "output_audio_tokens" if workload.output_audio_tokens else "output_image_tokens",
        )


def check_growth(workload: Any, months: int, where: str) -> None:
    """A workload's growth compounds, at the high end of its ranges, to at most
    :data:`~costlab.limits.MAX_COUNT` times its first month's volume: 10x a month for ten
    years is 10^119 times, beyond what the exports and the sampled bands can carry."""
    rates = workload.growth_rates or (workload.growth,) * (months - 1)
    factor = Decimal(1)
    for month, rate in enumerate(rates, start=2):
        factor *= 1 + _high(rate)
        if factor > limits.MAX_COUNT:
            what = f"compounded to month {month}, {factor:.3g} times the first month's volume"
            raise CostlabError(limits.over("MAX_COUNT", what), where, "growth")


def check_models(
    scenario: Scenario, book: PriceBook, data: Mapping[str, Any] | None = None
) -> dict[str, Model]:
    """Resolve every model the scenario names; an unknown one is an error naming its field."""
    resolved: dict[str, Model] = {}
    for i, workload in enumerate(scenario.workloads):
        for route in workload.routes:
            try:
                resolved[route.model] = book.resolve(route.model)
            except CostlabError as exc:
                where = (f"workloads[{i}].{route.field}",)
                line = line_at(data, where) if data is not None else None
                what = exc.what
                shown = shown_id(route.model)
                if what.startswith("unknown model"):
                    what = what.replace("unknown model", f"unknown model '{shown}'", 1)
                else:
                    what = f"{what} ('{shown}')"
                if line:
                    what = f"{what} (line {line})"
                raise CostlabError(
                    what, scenario.source or None, scenario.workload_where(i), route.field
                ) from None
            model = resolved[route.model]
            problem = (
                tier_problem(workload, model, scenario.first_month)
                or reasoning_problem(workload, model)
                or audio_problem(workload, model)
            )
            if problem is not None:
                field, what = problem
                line = line_at(data, (f"workloads[{i}].{field}",)) if data is not None else None
                raise CostlabError(
                    what + (f" (line {line})" if line else ""),
                    scenario.source or None,
                    scenario.workload_where(i),
                    field,
                )
    return resolved
