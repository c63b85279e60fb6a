"""What a workload asks of a model that the price book says it cannot give: a service tier it
does not offer, reasoning from a model that does not reason, an effort without effort levels.

Each check returns ``(field, what)`` or None; :func:`costlab.scenario.check_models` turns a
problem into one line naming the file, workload, field and YAML line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from costlab.errors import CostlabError
from costlab.prices import Model, service_tier_price

#: A scenario workload (:class:`costlab.scenario.Workload`; not imported: it imports this).
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
