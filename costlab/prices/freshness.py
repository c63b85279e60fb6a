"""Is the price book fresh enough to trust? ``costlab prices check`` (exit 1 on a problem).

It reports the age of each layer, and as *problems*:

* models a scenario uses that are unknown, retired, or retire within the scenario's horizon
  (deprecated ones are a warning);
* names (ids or aliases) that resolve to a retired model while the scenario uses them;
* successors that are not in the book, or retired themselves;
* curated overrides whose upstream value has changed since it was recorded: after
  ``pip install -U genai-prices`` a curated figure may now contradict a corrected upstream one.
  The recorded values live in ``pricing/upstream-recorded.json``, written by
  ``costlab prices check --record`` when the curated files are reviewed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from costlab.errors import CostlabError
from costlab.prices.book import PriceBook, shipped_pricing_dir
from costlab.prices.model import Model
from costlab.prices.rates import has_batch_price, rates_for
from costlab.records import frozen

#: The curated layer's record of the upstream values it was reviewed against.
RECORDED = "upstream-recorded.json"


@frozen
class Finding:
    """One line of the check: what, about which subject, and whether it fails the check."""

    kind: str
    """layer_age | in_service | unknown | retired | retires | deprecated | successor |
    upstream_changed | not_recorded"""
    subject: str
    message: str
    problem: bool


@frozen
class Freshness:
    """What ``costlab prices check`` found about the book's age and upstream, on a day."""

    fingerprint: str
    on: date
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem]

    def to_dict(self) -> dict[str, Any]:
        return {
            "price_book": self.fingerprint,
            "date": self.on.isoformat(),
            "ok": not self.problems,
            "findings": [asdict(f) for f in self.findings],
        }


def check(
    book: PriceBook,
    *,
    on: date,
    scenario: Path | None = None,
    recorded: Path | None = None,
) -> Freshness:
    """Check ``book`` on day ``on`` (and against a scenario's models when given)."""
    findings = [*_layer_ages(book, on)]
    if scenario is not None:
        findings.extend(_scenario(book, scenario, on))
    findings.extend(_successors(book, on))
    findings.extend(_upstream_changes(book, on, recorded or shipped_pricing_dir() / RECORDED))
    return Freshness(book.fingerprint, on, tuple(findings))


# --- layer ages ----------------------------------------------------------------------------------


def _layer_ages(book: PriceBook, on: date) -> Iterator[Finding]:
    upstream = book.upstream
    if upstream is not None:
        newest = upstream.newest_price_date(on)
        yield Finding(
            "layer_age",
            upstream.layer,
            f"newest dated price {newest} ({(on - newest).days} days old); "
            "`pip install -U genai-prices` refreshes it",
            False,
        )
    from costlab.yaml_reader import load_yaml, read_text

    for name in book.files:
        path = Path(name)
        checked = None
        try:
            raw = load_yaml(read_text(path, "price file"), name)
            value = raw.get("checked_on") if isinstance(raw, Mapping) else None
            checked = value if isinstance(value, date) else None
        except CostlabError:
            pass
        if checked is not None:
            message = f"checked {checked} ({(on - checked).days} days ago)"
        else:
            modified = date.fromtimestamp(path.stat().st_mtime) if path.exists() else None
            message = f"no checked_on; file modified {modified}" if modified else "no checked_on"
        yield Finding("layer_age", _short(path), message, False)


def _short(path: Path) -> str:
    shipped = shipped_pricing_dir()
    try:
        return f"pricing/{path.resolve().relative_to(shipped.resolve())}"
    except ValueError:
        return path.name


# --- a scenario's models -------------------------------------------------------------------------


def scenario_models(path: Path) -> tuple[list[str], date, date]:
    """The model names a scenario file uses, and its first and last forecast month."""
    from costlab.scenario import Scenario
    from costlab.validation import build
    from costlab.yaml_reader import load_yaml, read_text

    where = str(path)
    data = load_yaml(read_text(path, "scenario file"), where)
    if not isinstance(data, Mapping):
        raise CostlabError("a scenario is a mapping with name, start, months and workloads", where)
    try:
        scenario = build(Scenario, data)
    except CostlabError as exc:
        raise exc.within(where) from None
    year, month = (int(x) for x in scenario.start.split("-"))
    first = date(year, month, 1)
    last_index = year * 12 + month - 1 + scenario.months - 1
    last = date(last_index // 12, last_index % 12 + 1, 1)
    names = [route.model for w in scenario.workloads for route in w.routes]
    return list(dict.fromkeys(names)), first, last


def _scenario(book: PriceBook, path: Path, on: date) -> Iterator[Finding]:
    names, first, last = scenario_models(path)
    for name in names:
        try:
            model = book.resolve(name)
        except CostlabError as exc:
            yield Finding("unknown", name, exc.what, True)
            continue
        label = name if name == model.id else f"{name} ({model.id})"
        life = model.lifecycle
        shutdown = life.retires_on if life is not None else None
        status = model.status_on(on)
        if status == "retired":
            yield Finding("retired", label, f"retired on {shutdown}{_successor(model)}", True)
        elif shutdown is not None and shutdown <= _month_end(last):
            yield Finding(
                "retires",
                label,
                f"shuts down on {shutdown}, inside the scenario ({first:%Y-%m} to {last:%Y-%m})"
                f"{_successor(model)}",
                True,
            )
        elif status == "deprecated":
            since = life.deprecated_on if life is not None else None
            when = f"since {since}" if since and since.year > 2000 else "(no date given)"
            yield Finding("deprecated", label, f"deprecated {when}", False)
        else:
            yield Finding(
                "in_service", label, f"no shutdown known before {_month_end(last)}", False
            )


def _successor(model: Model) -> str:
    successor = model.lifecycle.successor if model.lifecycle else None
    return f"; successor {successor}" if successor else ""


def _month_end(first_of_month: date) -> date:
    index = first_of_month.year * 12 + first_of_month.month  # the next month
    return date.fromordinal(date(index // 12, index % 12 + 1, 1).toordinal() - 1)


def final_successor(book: PriceBook, model: Model, on: date) -> Model | None:
    """Where a retired model's workload ends up: its successor, or that one's successor while
    the successor is retired too (gpt-5-chat-latest -> gpt-5.3-chat-latest -> gpt-5.5). None when
    the chain ends at an unknown or retired model."""
    seen = {model.id}
    current = model
    while current.lifecycle is not None and current.lifecycle.successor:
        try:
            current = book.resolve(current.lifecycle.successor)
        except CostlabError:
            return None
        if current.id in seen:
            return None
        seen.add(current.id)
        if current.status_on(on) != "retired":
            return current
    return None


def _successors(book: PriceBook, on: date) -> Iterator[Finding]:
    for model in _with_lifecycle(book):
        successor = model.lifecycle.successor if model.lifecycle else None
        if successor is None:
            continue
        if final_successor(book, model, on) is None:
            yield Finding(
                "successor",
                model.id,
                f"successor {successor} is not in the book, or leads only to retired models",
                True,
            )
    for patch_id, where in book.unknown_patches():
        yield Finding(
            "unknown", f"{where}: upstream {patch_id}", "no such genai-prices model", True
        )


def _with_lifecycle(book: PriceBook) -> Iterator[Model]:
    """The curated models, and the upstream models the curated layer gives a lifecycle."""
    yield from book
    for patch_id, _ in book.patches():
        try:
            yield book.resolve(patch_id)
        except CostlabError:
            continue


# --- curated overrides against the upstream values they were reviewed with -----------------------


def upstream_values(book: PriceBook, on: date) -> dict[str, dict[str, str]]:
    """For each curated model that replaces an upstream one: the upstream value of each field
    the curated layer decides (prices in force ``on``, batch rates, context window)."""
    values: dict[str, dict[str, str]] = {}
    for model in book:
        theirs = book.replaces(model)
        if theirs is None:
            continue
        fields: dict[str, str] = {}
        try:
            price = theirs.price_on(on)
        except CostlabError:
            continue
        for name in ("input", "cached_input", "cache_write", "cache_write_1h", "output"):
            value = getattr(price, name)
            if value is not None:
                fields[f"price.{name}"] = _text(value)
        if has_batch_price(price):
            for name, value in rates_for(price, batch=True).items():
                fields[f"batch.{name}"] = _text(value)
        if not theirs.origin("context_window").startswith("unknown"):
            fields["context_window"] = str(theirs.context_window)
        values[model.id] = fields
    return values


def record(book: PriceBook, path: Path, *, on: date) -> dict[str, Any]:
    """Write the upstream values the curated layer is reviewed against (``--record``)."""
    upstream = book.upstream
    if upstream is None:
        raise CostlabError("genai-prices is not installed: nothing to record", str(path))
    data = {
        "genai_prices": upstream.version,
        "recorded_on": on.isoformat(),
        "models": upstream_values(book, on),
    }
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return data


def _upstream_changes(book: PriceBook, on: date, path: Path) -> Iterator[Finding]:
    upstream = book.upstream
    if upstream is None:
        return
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        yield Finding("not_recorded", str(path.name), "no recorded upstream values", False)
        return
    except (OSError, ValueError) as exc:
        raise CostlabError(f"cannot read recorded upstream values: {exc}", str(path)) from None
    was = recorded.get("genai_prices", "?")
    now = upstream_values(book, on)
    for model_id, fields in (recorded.get("models") or {}).items():
        current = now.get(model_id, {})
        for field, old in fields.items():
            new = current.get(field)
            if new != old:
                yield Finding(
                    "upstream_changed",
                    f"{model_id} {field}",
                    f"genai-prices {was} had {old}, {upstream.version} has {new or 'none'}; "
                    "review the curated value (then `costlab prices check --record`)",
                    True,
                )


def _text(value: Any) -> str:
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
