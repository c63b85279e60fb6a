"""One-off costs of a scenario: a fine-tuning run, a migration, anything billed once.

A one-off is a fixed amount (``cost``) or the training cost of a chat fine-tuning file
(``training``: its tokens x epochs x the model's training price [CB-FT], as
``costlab estimate FILE`` prices it), charged in one month (default: the first). It adds to
that month's total and everything after it (cumulative cost, budget), never to a workload.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costlab import limits
from costlab.errors import CostlabError
from costlab.exact import EXACT
from costlab.pydantic_types import MODEL_ID
from costlab.records import frozen
from costlab.validation import spec

if TYPE_CHECKING:
    from costlab.finetune import TrainingCost
    from costlab.prices import PriceBook


@frozen
class OneOff:
    """A cost charged once, in one month."""

    name: str = spec("label shown in reports", pattern=r"\S.*")
    month: str | None = spec(
        "month charged, YYYY-MM (default: the first)", default=None, pattern=r"[0-9]{4}-[0-9]{2}"
    )
    cost: Decimal | None = spec("USD, exact (or give training)", default=None, ge=0)
    training: str | None = spec(
        "a chat fine-tuning JSONL file (path relative to the scenario file) whose training "
        "cost is charged: tokens x epochs x the model's training price",
        default=None,
    )
    model: str | None = spec("the model the training fine-tunes", default=None, pattern=MODEL_ID)
    epochs: int | None = spec(
        "training epochs (default: OpenAI's rule for the file's size)", default=None, ge=1
    )

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= int(self.month[5:]) <= 12:
            raise CostlabError(f"must be a month YYYY-MM, got '{self.month}'", "month")
        if self.cost is not None:  # held to COSTLAB_MAX_USD, as --budget is
            limits.check_number(self.cost, "cost", limit_name="MAX_USD")
        if (self.cost is None) == (self.training is None):
            raise CostlabError("give cost or training, one of them", "cost")
        if self.training is not None and self.model is None:
            raise CostlabError("required with training (the model fine-tuned)", "model")


@frozen
class OneOffCharge:
    """One one-off as charged: its month, exact USD and, for a training run, what was billed."""

    name: str
    month: str
    cost: Decimal
    model: str | None = None
    provider: str | None = None
    training_tokens: int | None = None
    usd_per_mtok: Decimal | None = None


def check_months(one_offs: tuple[OneOff, ...], months: list[str]) -> None:
    """Every one-off's month is inside the forecast (checked as the scenario is read, where
    the month's line is known)."""
    for i, item in enumerate(one_offs):
        if item.month is not None and item.month not in months:
            raise CostlabError(
                f"{item.month} is outside the forecast ({months[0]} to {months[-1]})",
                f"one_off[{i}]",
                "month",
            )


def one_off_charges(scenario: Any, book: PriceBook | None = None) -> tuple[OneOffCharge, ...]:
    """Every one-off of the scenario, priced, in the order written."""
    months = [f"{m.year:04d}-{m.month:02d}" for m in scenario.month_starts()]
    out: list[OneOffCharge] = []
    for i, item in enumerate(scenario.one_off):
        where = (scenario.source or scenario.label, f"one_off[{i}] ({item.name})")
        month = item.month or months[0]
        if month not in months:
            raise CostlabError(
                f"{month} is outside the forecast ({months[0]} to {months[-1]})", *where, "month"
            )
        if item.cost is not None:
            out.append(OneOffCharge(item.name, month, item.cost))
            continue
        priced = _training_cost(scenario, item, book, where)
        out.append(
            OneOffCharge(
                item.name,
                month,
                priced.total_cost,
                model=priced.model.id,
                provider=priced.model.provider,
                training_tokens=priced.training_tokens,
                usd_per_mtok=priced.usd_per_mtok
                if priced.total_cost == priced.token_cost
                else None,
            )
        )
    return tuple(out)


def one_off_costs(scenario: Any, book: PriceBook | None = None) -> dict[str, Decimal]:
    """USD charged in each month label (``2027-01``) by the scenario's one-offs."""
    return by_month(one_off_charges(scenario, book))


def by_month(charges: tuple[OneOffCharge, ...]) -> dict[str, Decimal]:
    """The charges' exact USD per month label."""
    out: dict[str, Decimal] = {}
    for charge in charges:
        out[charge.month] = EXACT.add(out.get(charge.month, Decimal(0)), charge.cost)
    return out


def _training_cost(
    scenario: Any, item: OneOff, book: PriceBook | None, where: tuple[str, ...]
) -> TrainingCost:
    from costlab.finetune import count_training, price_training
    from costlab.tokens.files import decode, read_input

    assert item.training is not None and item.model is not None
    path = Path(scenario.base_dir or ".") / item.training
    try:
        text = decode(read_input(path))
        counted = count_training(text, model=item.model, book=book, source=str(path))
        priced = price_training(
            counted, book=book, epochs=item.epochs, on=_first_day(scenario, item)
        )
    except CostlabError as exc:
        raise exc.within(*where, "training") from None
    return priced


def _first_day(scenario: Any, item: OneOff) -> date:
    year, month = (item.month or scenario.start).split("-")
    return date(int(year), int(month), 1)


def with_one_offs(rows: list[dict[str, Any]], amounts: dict[str, Decimal]) -> list[dict[str, Any]]:
    """Month rows with ``one_off_cost`` added to each total (base and bands) and the running
    totals recomputed; rows unchanged when there are no one-offs."""
    if not amounts:
        return rows
    out = []
    running: dict[str, Decimal] = {}
    for row in rows:
        amount = amounts.get(str(row["month"]), Decimal(0))
        new: dict[str, Any] = {}
        for key, value in row.items():
            if key == "total_cost":
                new["one_off_cost"] = amount
            new[key] = value
        for band in ("", "_low", "_high"):
            if f"total_cost{band}" in new:
                # exact: the default context would round a 30-digit total to 28 digits
                new[f"total_cost{band}"] = EXACT.add(new[f"total_cost{band}"], amount)
                running[band] = EXACT.add(running.get(band, Decimal(0)), new[f"total_cost{band}"])
                if f"cumulative_cost{band}" in new:
                    new[f"cumulative_cost{band}"] = running[band]
        out.append(new)
    return out
