"""Price a token count: what a counted file (a prompt, a request body, a batch file) will cost.

Downstream of both the counter and the cost engine. Each request is priced on its own input
(so a long-context tier applies to exactly the requests above its threshold), at the batch rate
for batch files, with the output side twice: the *expected* output the user gives per request,
and the *upper bound* every request's output limit allows (``max_tokens`` /
``max_completion_tokens`` / ``max_output_tokens``; the model's max output where a request sets
none).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from costlab.cost import (
    Flag,
    check_modalities,
    component_costs,
    lifecycle_flags,
    limit_flags,
    price_flags,
)
from costlab.errors import CostlabError
from costlab.money import MONEY, ZERO, plain, quotient
from costlab.prices import Model, PriceEntry, PriceTier, Rates, rates_for, tier_for
from costlab.records import frozen
from costlab.tokens.result import TokenCount
from costlab.usage import RATE_NAMES, service_tier_name


@frozen
class CountCost:
    """The cost of a counted input, in USD (exact Decimals)."""

    count: TokenCount
    model: Model
    on: date
    price: PriceEntry
    batch: bool
    requests: int
    rates: Rates
    """rates of requests below any long-context tier"""
    input_tokens: int
    """over all requests"""
    output_tokens: int
    """expected output over all requests (the per-request figure, capped at each request's limit)"""
    max_output_tokens: int
    """upper bound of output over all requests"""
    input_cost: Decimal
    output_cost: Decimal
    """expected output"""
    max_output_cost: Decimal
    """upper-bound output"""
    tiered_requests: int
    """requests billed at a long-context tier"""
    flags: tuple[Flag, ...]
    service_tier: str = "standard"
    """the service tier priced (standard, flex, priority, ...)"""
    input_audio_tokens: int = 0
    """of ``input_tokens``, audio (an audio file, Gemini inline audio), over all requests"""
    input_audio_cost: Decimal = ZERO
    """of ``input_cost``, the audio's cost at the model's audio rate"""

    @property
    def total_cost(self) -> Decimal:
        return MONEY.add(self.input_cost, self.output_cost)

    @property
    def max_total_cost(self) -> Decimal:
        return MONEY.add(self.input_cost, self.max_output_cost)

    @property
    def cost_per_request(self) -> Decimal:
        if not self.requests:
            return ZERO
        return quotient(MONEY.divide(self.total_cost, Decimal(self.requests)))

    @property
    def warnings(self) -> list[str]:
        return [*self.count.warnings, *(f.message for f in self.flags)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the cost keys of ``costlab estimate --json`` plus token fields and
        the upper bound (``max_output_cost``, ``max_total_cost``)."""
        per_request = Decimal(self.input_tokens) / Decimal(self.requests) if self.requests else ZERO
        return {
            "model": self.model.id,
            "provider": self.model.provider,
            "date": self.on.isoformat(),
            "source": self.count.source,
            "kind": self.count.kind,
            "requests": self.requests,
            "batch": self.batch,
            "service_tier": self.service_tier,
            "encoding": self.count.encoding,
            "exact": self.count.exact,
            "estimate_source": self.count.estimate_source,
            "input_tokens": _tokens(per_request),
            "input_tokens_total": self.input_tokens,
            "cached_input_tokens": 0,
            "output_tokens": _tokens(Decimal(self.output_tokens) / Decimal(self.requests or 1)),
            "output_tokens_total": self.output_tokens,
            "max_output_tokens_total": self.max_output_tokens,
            "requests_without_max_output": self.count.requests_without_max_output,
            "input_cost": plain(self.input_cost),
            "cached_input_cost": plain(ZERO),
            "cache_write_cost": plain(ZERO),
            "output_cost": plain(self.output_cost),
            "total_cost": plain(self.total_cost),
            "cost_per_request": plain(self.cost_per_request),
            "max_output_cost": plain(self.max_output_cost),
            "max_total_cost": plain(self.max_total_cost),
            "rates_usd_per_mtok": {
                "input": plain(self.rates.input),
                "output": plain(self.rates.output),
                **(
                    {"input_audio": plain(self.rates["input_audio"])}
                    if self.input_audio_tokens
                    else {}
                ),
            },
            **(
                {
                    "input_audio_tokens_total": self.input_audio_tokens,
                    "input_audio_cost": plain(self.input_audio_cost),
                }
                if self.input_audio_tokens
                else {}
            ),
            "tiered_requests": self.tiered_requests,
            "price_effective_from": self.price.effective_from.isoformat(),
            "price_source": self.price.source,
            "warnings": self.warnings,
            "flags": [f.code for f in self.flags],
        }


def _billed(input_tokens: int, output_tokens: int, audio_tokens: int = 0) -> dict[str, int]:
    """A counted file's tokens per rate: all input uncached (a count knows no cache), its
    audio at the audio rate."""
    billed = dict.fromkeys(RATE_NAMES, 0)
    billed.update(input=input_tokens - audio_tokens, input_audio=audio_tokens, output=output_tokens)
    return billed


def _tokens(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else plain(value)


def price_count(
    count: TokenCount,
    model: Model,
    *,
    output_tokens: int = 0,
    requests: int | None = None,
    batch: bool | None = None,
    service_tier: str = "standard",
    data_residency: bool = False,
    on: date | None = None,
) -> CountCost:
    """Price ``count`` on ``model`` (the model it was counted for), at ``service_tier``.

    ``output_tokens`` is the expected output of one request. ``requests`` repeats a single
    body or text (a batch file already holds its requests). ``batch`` defaults to True for a
    batch file.
    """
    day = on or date.today()
    price = model.price_on(day)
    through_batch = count.kind == "batch" if batch is None else batch
    modifiers: dict[str, Any] = {"tier": service_tier, "data_residency": data_residency}
    try:
        rates_for(price, batch=through_batch, **modifiers)
    except CostlabError as exc:
        raise exc.within(model.id) from None
    # audio in a body (Gemini inline WAV) for a model that neither takes nor prices audio
    check_modalities(model, {"input_audio_tokens": count.input_audio_tokens}.get)
    if count.kind == "batch":
        inputs = [p.input_tokens for p in count.parts]
        audio = [p.audio_tokens for p in count.parts]
        limits = [p.max_output_tokens for p in count.parts]
        choices = [p.output_choices or 1 for p in count.parts]
    else:
        repeat = requests or 1
        inputs = [count.input_tokens] * repeat
        audio = [count.input_audio_tokens] * repeat
        limits = [count.max_output_tokens] * repeat
        choices = [count.output_choices or 1] * repeat
    # Requests grouped by the long-context tier their own input falls in:
    # [requests, input tokens, expected output tokens, upper-bound output tokens, audio].
    groups: dict[PriceTier | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    capped = 0
    for tokens, limit, n, heard in zip(inputs, limits, choices, audio, strict=True):
        # A request cannot produce more than its own limit, nor than the model's max output,
        # for each of its ``n`` choices (a request's limit here is already n x max_tokens).
        per_choice = limit // n if limit else model.max_output_tokens
        bound = min(per_choice, model.max_output_tokens) * n
        group = groups[tier_for(price, tokens)]
        group[0] += 1
        group[1] += tokens
        group[2] += min(output_tokens, bound)
        group[3] += bound
        group[4] += heard
        capped += output_tokens > bound
    input_cost = output_cost = max_output_cost = audio_cost = ZERO
    for tier, (_, tokens, expected, bound, heard) in groups.items():
        rates = rates_for(price, batch=through_batch, long_context=tier, **modifiers)
        expected_costs = component_costs(_billed(tokens, expected, heard), rates)
        # the input cost of a counted request includes its audio
        input_cost = MONEY.add(input_cost, expected_costs["input_cost"])
        input_cost = MONEY.add(input_cost, expected_costs["audio_cost"])
        audio_cost = MONEY.add(audio_cost, expected_costs["audio_cost"])
        output_cost = MONEY.add(output_cost, expected_costs["output_cost"])
        max_output_cost = MONEY.add(
            max_output_cost, component_costs(_billed(0, bound), rates)["output_cost"]
        )
    flags = [
        *limit_flags(
            model, max(inputs, default=0), min(output_tokens, model.max_output_tokens), day
        ),
        *lifecycle_flags(model, day),
        *price_flags(model, price, batch=through_batch, cached=False),
    ]
    if capped:
        flags.append(
            Flag(
                "max_output",
                f"{capped:,} request(s) cannot produce {output_tokens:,} output tokens (their "
                "max-token limit or the model's max output is lower); counted at that limit",
            )
        )
    over = sum(
        1
        for limit, n in zip(limits, choices, strict=True)
        if limit is not None and limit // n > model.max_output_tokens
    )
    if over:
        flags.append(
            Flag(
                "max_output",
                f"{model.id}: {over:,} request(s) ask for more output than the model's "
                f"{model.max_output_tokens:,}-token max output",
            )
        )
    return CountCost(
        count=count,
        model=model,
        on=day,
        price=price,
        batch=through_batch,
        requests=len(inputs),
        rates=rates_for(price, batch=through_batch, **modifiers),
        input_tokens=sum(inputs),
        output_tokens=sum(g[2] for g in groups.values()),
        max_output_tokens=sum(g[3] for g in groups.values()),
        input_cost=input_cost,
        output_cost=output_cost,
        max_output_cost=max_output_cost,
        tiered_requests=sum(g[0] for t, g in groups.items() if t is not None),
        service_tier=service_tier_name(service_tier),
        flags=tuple(flags),
        input_audio_tokens=sum(g[4] for g in groups.values()),
        input_audio_cost=audio_cost,
    )


def default_output_tokens(count: TokenCount) -> int | None:
    """The expected output per request when the user gives none: the request's own limit.

    The rule, shared by the CLI, the inventory and the dashboard: a request body that sets
    ``max_tokens``, ``max_completion_tokens`` or ``max_output_tokens`` is expected to produce
    that many output tokens (a cautious figure: the most it can be billed for); a batch file, the
    mean of the limits its requests set, rounded down; with no limit, ``None`` (no guess: the
    caller prices the input alone and says so).

    >>> from costlab.tokens import count_chat
    >>> body = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 300}
    >>> default_output_tokens(count_chat(body, model="gpt-4.1-mini"))
    300
    """
    if count.max_output_tokens is None:
        return None
    setting = count.requests - count.requests_without_max_output
    if count.kind == "batch":
        return count.max_output_tokens // setting if setting > 0 else None
    return count.max_output_tokens
