"""What a change does to a project's prompt bill: two inventories compared, entry by entry.

Pure functions over two :class:`~costlab.inventory.Inventory` objects (where they came from,
a git revision or a folder, is :mod:`costlab.gitfiles`'s business). Entries are matched by
their key (the file, or ``scenario.yaml#workload``) and model; a key whose one model changed is
one *model changed* row, priced on both sides. Money is exact ``Decimal`` throughout.

>>> parse_threshold("10%"), parse_threshold("50")
(Threshold(amount=Decimal('10'), percent=True), Threshold(amount=Decimal('50'), percent=False))
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from costlab.errors import CostlabError
from costlab.inventory import Entry, Inventory
from costlab.money import MONEY, ZERO
from costlab.records import frozen

Status = Literal["changed", "unchanged", "new", "removed", "model changed"]


@frozen
class EntryChange:
    """One entry before and after; ``before`` is None for a new entry, ``after`` for a removed one."""

    status: Status
    before: Entry | None
    after: Entry | None

    @property
    def key(self) -> str:
        return (self.after or self.before).key  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.after or self.before).name  # type: ignore[union-attr]

    @property
    def model(self) -> str:
        if self.status == "model changed":
            return f"{self.before.model} -> {self.after.model}"  # type: ignore[union-attr]
        return (self.after or self.before).model  # type: ignore[union-attr]

    @property
    def monthly_before(self) -> Decimal:
        return self.before.monthly_cost if self.before else ZERO

    @property
    def monthly_after(self) -> Decimal:
        return self.after.monthly_cost if self.after else ZERO

    @property
    def monthly_delta(self) -> Decimal:
        """USD per month: after - before."""
        return MONEY.subtract(self.monthly_after, self.monthly_before)

    def to_dict(self) -> dict[str, Any]:
        def side(entry: Entry | None) -> dict[str, Any] | None:
            return entry.to_dict() if entry else None

        return {
            "key": self.key,
            "name": self.name,
            "model": self.model,
            "status": self.status,
            "before": side(self.before),
            "after": side(self.after),
            "input_tokens_delta": _plain(
                (self.after.input_tokens if self.after else ZERO)
                - (self.before.input_tokens if self.before else ZERO)
            ),
            "monthly_cost_delta": _plain(self.monthly_delta),
        }


@frozen
class Threshold:
    """``--fail-above``: USD per month, or a percentage of the monthly cost before."""

    amount: Decimal
    percent: bool

    def __str__(self) -> str:
        return f"{_plain(self.amount)}%" if self.percent else f"${_plain(self.amount)}/month"


def parse_threshold(text: str) -> Threshold:
    """``50`` (USD per month) or ``10%`` (of the monthly cost before the change)."""
    raw = text.strip()
    percent = raw.endswith("%")
    number = raw.removesuffix("%").lstrip("$").replace(",", "").replace("_", "")
    try:
        amount = Decimal(number)
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise CostlabError(f"must be an amount in USD a month or a percentage, got {text!r}")
    return Threshold(amount, percent)


@frozen
class CostChange:
    """A monthly cost before and after a change, in USD per month."""

    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return MONEY.subtract(self.after, self.before)

    @property
    def percent(self) -> Decimal | None:
        """The change in % of the cost before; None when it was zero."""
        if not self.before:
            return None
        return MONEY.divide(MONEY.multiply(self.delta, Decimal(100)), self.before)

    def exceeds(self, threshold: Threshold) -> bool:
        """Whether the increase is above ``threshold`` (a decrease never is; from zero, any
        increase is above any percentage)."""
        if self.delta <= 0:
            return False
        if not threshold.percent:
            return self.delta > threshold.amount
        percent = self.percent
        return percent is None or percent > threshold.amount


def forecast_change(before: Any, after: Any) -> CostChange:
    """Two forecasts (:class:`costlab.Forecast`) as their mean monthly cost, so versions with
    different horizons compare fairly."""
    return CostChange(
        MONEY.divide(before.total_cost, Decimal(before.scenario.months)),
        MONEY.divide(after.total_cost, Decimal(after.scenario.months)),
    )


@frozen
class Diff:
    """Two inventories of one project compared."""

    base: Inventory
    head: Inventory
    changes: tuple[EntryChange, ...]

    @property
    def monthly_before(self) -> Decimal:
        return self.base.monthly_cost

    @property
    def monthly_after(self) -> Decimal:
        return self.head.monthly_cost

    @property
    def change(self) -> CostChange:
        return CostChange(self.monthly_before, self.monthly_after)

    @property
    def monthly_delta(self) -> Decimal:
        """USD per month, the whole project: after - before."""
        return self.change.delta

    @property
    def percent_delta(self) -> Decimal | None:
        """The change in % of the monthly cost before; None when it was zero."""
        return self.change.percent

    def exceeds(self, threshold: Threshold) -> bool:
        """Whether the monthly increase is above ``threshold`` (a decrease never is)."""
        return self.change.exceeds(threshold)

    def to_dict(self) -> dict[str, Any]:
        percent = self.percent_delta
        return {
            "base": self.base.where,
            "head": self.head.where,
            "date": self.head.on.isoformat(),
            "monthly_cost_before": _plain(self.monthly_before),
            "monthly_cost_after": _plain(self.monthly_after),
            "monthly_cost_delta": _plain(self.monthly_delta),
            "monthly_cost_delta_percent": None if percent is None else _plain(percent),
            "changes": [c.to_dict() for c in self.changes],
        }


def diff_inventories(base: Inventory, head: Inventory) -> Diff:
    """Every entry of ``base`` and ``head``, matched by key and model, in ``head``'s order
    (removed entries last)."""
    before = {e.id: e for e in base.entries}
    after = {e.id: e for e in head.entries}
    changes: list[EntryChange] = []
    gone = [e for e in base.entries if e.id not in after]
    new = [e for e in head.entries if e.id not in before]
    # A key with exactly one entry gone and one new is the same prompt on another model.
    moved: dict[str, tuple[Entry, Entry]] = {}
    for entry in new:
        old = [g for g in gone if g.key == entry.key]
        fresh = [n for n in new if n.key == entry.key]
        if len(old) == 1 and len(fresh) == 1:
            moved[entry.key] = (old[0], entry)
    for entry in head.entries:
        if entry.id in before:
            old_entry = before[entry.id]
            same = _same(old_entry, entry)
            changes.append(EntryChange("unchanged" if same else "changed", old_entry, entry))
        elif entry.key in moved:
            changes.append(EntryChange("model changed", moved[entry.key][0], entry))
        else:
            changes.append(EntryChange("new", None, entry))
    for entry in gone:
        if entry.key not in moved:
            changes.append(EntryChange("removed", entry, None))
    return Diff(base, head, tuple(changes))


def _same(a: Entry, b: Entry) -> bool:
    return (a.input_tokens, a.output_tokens, a.calls_per_month, a.monthly_cost) == (
        b.input_tokens,
        b.output_tokens,
        b.calls_per_month,
        b.monthly_cost,
    )


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
