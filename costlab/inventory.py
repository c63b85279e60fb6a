"""A project's prompt inventory: every prompt it sends, counted and priced per call and per month.

The project lists its prompt sources in ``costlab.toml`` (top level) or in ``pyproject.toml``
under ``[tool.costlab]``::

    [tool.costlab]
    date = 2026-11-26                     # optional: the prices in force that day

    [[tool.costlab.prompts]]
    path = "prompts/*.json"               # a file or a glob: text, request bodies, batch files
    models = ["gpt-4.1-mini"]             # or model = "..."; default: the body's model
    calls_per_month = 600_000             # or feeds = "scenarios/support.yaml:triage"
    output_tokens = 150                   # per call; default: the body's max-token limit
    placeholders = {user_question = 120}  # typical size of each placeholder
    placeholder_unit = "tokens"           # or "characters" (4 characters a token)

    [[tool.costlab.scenarios]]
    path = "scenarios/*.yaml"             # every workload, its first month

:func:`load_inventory` reads that from a :class:`~costlab.gitfiles.Tree` (a folder or a git
revision), so :mod:`costlab.diff` can compare two of them. One :class:`Entry` per file and
model; money is exact ``Decimal``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from costlab.counted_cost import default_output_tokens, price_count
from costlab.errors import CostlabError
from costlab.gitfiles import FolderTree, Tree
from costlab.money import MONEY, ZERO
from costlab.prices import PriceBook, load_pricebook
from costlab.pydantic_types import model_id_problem
from costlab.records import frozen
from costlab.templates import fill_json, fill_template, placeholder_sizes
from costlab.tokens import TokenCount, count_input
from costlab.tokens.files import Input

_PROMPT_KEYS = {
    "path",
    "name",
    "model",
    "models",
    "calls_per_month",
    "runs_per_month",
    "feeds",
    "output_tokens",
    "batch",
    "placeholders",
    "placeholder_unit",
}


@frozen
class Entry:
    """One prompt source on one model: its tokens and cost per call, and per month."""

    key: str
    """``path`` (``path#workload`` for a scenario), unique with ``model``; what a diff matches"""
    name: str
    """the label the configuration gives, else the path"""
    path: str
    kind: str
    """what was counted: text, chat, responses, batch, image, pdf, docx, or scenario"""
    model: str
    provider: str
    input_tokens: Decimal
    """per call (the mean over a batch file's requests), placeholders at their typical size"""
    exact: bool
    output_tokens: Decimal
    """expected per call"""
    calls_per_month: Decimal
    cost_per_call: Decimal
    """USD, input and expected output"""
    monthly_cost: Decimal
    """USD: ``cost_per_call x calls_per_month``"""
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> tuple[str, str]:
        return (self.key, self.model)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "notes"}
        data["notes"] = list(self.notes)
        return {k: _plain(v) for k, v in data.items()}


@frozen
class Inventory:
    """Every entry a project's configuration lists, counted in one tree."""

    where: str
    """the tree: a folder, a revision, the working tree"""
    config: str
    """the file the configuration came from"""
    on: date
    entries: tuple[Entry, ...]

    @property
    def monthly_cost(self) -> Decimal:
        total = ZERO
        for entry in self.entries:
            total = MONEY.add(total, entry.monthly_cost)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "config": self.config,
            "date": self.on.isoformat(),
            "entries": [e.to_dict() for e in self.entries],
            "monthly_cost": _plain(self.monthly_cost),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def read_config(tree: Tree) -> tuple[str, dict[str, Any]]:
    """``costlab.toml`` or ``pyproject.toml``'s ``[tool.costlab]``: (file, table)."""
    for name in ("costlab.toml", "pyproject.toml"):
        raw = tree.read(name)
        if raw is None:
            continue
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CostlabError(f"not valid TOML: {exc}", f"{tree.label}: {name}") from None
        if name == "pyproject.toml":
            table = data.get("tool", {}).get("costlab")
            if table is None:
                continue
            return name, table
        return name, data
    raise CostlabError(
        "no prompt inventory: add [tool.costlab] to pyproject.toml or a costlab.toml "
        "(see the README, 'Prompt cost on pull requests')",
        tree.label,
    )


def load_inventory(
    tree: Tree, *, book: PriceBook | None = None, on: date | None = None
) -> Inventory:
    """Count and price every prompt source the project's configuration lists in ``tree``.

    ``on`` (default: the configuration's ``date``, else today) picks the prices.
    """
    book = book or load_pricebook()
    config, table = read_config(tree)
    where = f"{tree.label}: {config}"
    day = on or _config_date(table.get("date"), where) or date.today()
    unknown = set(table) - {"date", "prompts", "scenarios"}
    if unknown:
        raise CostlabError(f"unknown key(s): {', '.join(sorted(unknown))}", where)
    entries: list[Entry] = []
    for i, source in enumerate(_tables(table.get("prompts", []), where, "prompts")):
        at = f"prompts[{i}]"
        try:
            entries += _prompt_entries(tree, source, book, day)
        except CostlabError as exc:
            raise exc.within(where, at) from None
    for i, source in enumerate(_tables(table.get("scenarios", []), where, "scenarios")):
        try:
            for path in _matches(tree, _required(source, "path", str)):
                entries += _scenario_entries(tree, path, book, day)
        except CostlabError as exc:
            raise exc.within(where, f"scenarios[{i}]") from None
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        if entry.id in seen:
            raise CostlabError(f"{entry.key} on {entry.model} is listed twice", where)
        seen.add(entry.id)
    return Inventory(tree.label, config, day, tuple(entries))


def configured_date(tree: Tree) -> date | None:
    """The ``date`` the project's configuration pins prices to, if any."""
    config, table = read_config(tree)
    return _config_date(table.get("date"), f"{tree.label}: {config}")


def _config_date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CostlabError(f"not a date YYYY-MM-DD: {value!r}", where, "date") from None


def _tables(value: Any, where: str, name: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise CostlabError("must be a list of tables ([[...]])", where, name)
    return value


def _required(source: Mapping[str, Any], key: str, kind: type) -> Any:
    value = source.get(key)
    if value is None:
        raise CostlabError("required", key)
    if not isinstance(value, kind):
        raise CostlabError(f"must be a {kind.__name__}, got {value!r}", key)
    return value


def _matches(tree: Tree, pattern: str) -> list[str]:
    pattern = pattern.removeprefix("./")
    if not any(c in pattern for c in "*?["):
        return [pattern] if tree.read(pattern) is not None else []
    return tree.glob(pattern)


def _number(source: Mapping[str, Any], key: str) -> Decimal | None:
    value = source.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CostlabError(f"must be a number, got {value!r}", key)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise CostlabError(f"must be a number, got {value!r}", key) from None
    if not number.is_finite() or number < 0:
        raise CostlabError(f"must be a number >= 0, got {value!r}", key)
    return number


def _prompt_entries(
    tree: Tree, source: Mapping[str, Any], book: PriceBook, day: date
) -> list[Entry]:
    unknown = set(source) - _PROMPT_KEYS
    if unknown:
        raise CostlabError(f"unknown key(s): {', '.join(sorted(unknown))}")
    pattern = _required(source, "path", str)
    paths = _matches(tree, pattern)
    if not paths:
        return []  # nothing there (yet, or any more): a diff shows its entries as new or removed
    if "model" in source and "models" in source:
        raise CostlabError("give model or models, not both", "models")
    models = source.get("models", source.get("model"))
    if models is not None and not (
        isinstance(models, str)
        or (isinstance(models, list) and models and all(isinstance(m, str) for m in models))
    ):
        raise CostlabError(f"must be a model id or a list of them, got {models!r}", "models")
    names: list[str | None] = (
        [None] if models is None else [models] if isinstance(models, str) else list(models)
    )
    for name in names:  # refused as in a scenario file and on the command line
        refused = model_id_problem(name) if name is not None else None
        if refused:
            raise CostlabError(refused, "models" if "models" in source else "model")
    for key in ("batch",):
        if key in source and not isinstance(source[key], bool):
            raise CostlabError(f"must be true or false, got {source[key]!r}", key)
    if "name" in source and not isinstance(source["name"], str):
        raise CostlabError(f"must be text, got {source['name']!r}", "name")
    calls = _calls(tree, source, book)
    output = _number(source, "output_tokens")
    sizes = placeholder_sizes(source)
    entries = []
    for path in paths:
        raw = tree.read(path)
        assert raw is not None
        for name in names:
            count, notes = _count(path, raw, name, book, sizes)
            model = book.resolve(count.model)
            expected = output if output is not None else default_output_tokens(count)
            if expected is None:
                notes.append("output not priced: set output_tokens")
            cost = price_count(
                count,
                model,
                output_tokens=int(expected or 0),
                batch=source.get("batch"),
                on=day,
            )
            per_call = cost.cost_per_request
            requests = Decimal(count.requests)
            if "runs_per_month" in source and count.kind == "batch":
                monthly_calls = MONEY.multiply(_number(source, "runs_per_month") or ZERO, requests)
            elif calls is None:
                raise CostlabError("give calls_per_month, feeds or (batch files) runs_per_month")
            else:
                monthly_calls = calls
            entries.append(
                Entry(
                    key=path,
                    name=source.get("name") or path,
                    path=path,
                    kind=count.kind,
                    model=model.id,
                    provider=model.provider,
                    input_tokens=count.input_tokens_per_request,
                    exact=count.exact,
                    output_tokens=Decimal(cost.output_tokens) / requests,
                    calls_per_month=monthly_calls,
                    cost_per_call=per_call,
                    # the file's cost x calls / its requests: one division, last, so a run of a
                    # batch file stays exact
                    monthly_cost=MONEY.divide(
                        MONEY.multiply(cost.total_cost, monthly_calls), requests
                    ),
                    notes=tuple(notes) + cost.count.warnings + tuple(f.message for f in cost.flags),
                )
            )
    return entries


def _calls(tree: Tree, source: Mapping[str, Any], book: PriceBook) -> Decimal | None:
    calls = _number(source, "calls_per_month")
    feeds = source.get("feeds")
    if calls is not None and feeds is not None:
        raise CostlabError("give calls_per_month or feeds, not both", "feeds")
    if feeds is None:
        return calls
    if not isinstance(feeds, str) or ":" not in feeds:
        raise CostlabError("must be 'SCENARIO.yaml:WORKLOAD'", "feeds")
    path, _, workload = feeds.rpartition(":")
    rows = _first_month(tree, path.removeprefix("./"), book)
    requests = [r["requests"] for r in rows if r["workload"] == workload]
    if not requests:
        raise CostlabError(f"no workload '{workload}' in {path}", "feeds")
    total = ZERO
    for value in requests:
        total = MONEY.add(total, Decimal(value))
    return total


def _count(
    path: str,
    raw: bytes,
    model: str | None,
    book: PriceBook,
    sizes: Mapping[str, Decimal] | None,
) -> tuple[TokenCount, list[str]]:
    """Count a file; a template's placeholders at their declared size."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    notes: list[str] = []
    added = ZERO
    if sizes is not None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CostlabError("placeholders: a template must be UTF-8 text", path) from None
        found: list[str] = []
        if suffix == ".json":
            try:
                body = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CostlabError(f"line {exc.lineno}: malformed JSON: {exc.msg}", path) from None
            body, added, found = fill_json(body, sizes)
            raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        else:
            fixed, added, found = fill_template(text, sizes)
            raw = fixed.encode("utf-8")
        if found:
            notes.append(
                "placeholders at their typical size: "
                + ", ".join(f"{n} {_plain(sizes[n])}" for n in dict.fromkeys(found))
            )
    count = count_input(Input(path, raw, suffix), model=model, book=book)
    if count.errors:
        raise CostlabError(f"{len(count.errors)} bad line(s): {count.errors[0]}", path)
    if added:
        # Declared sizes are typical, not measured: the figure is an estimate from here on.
        whole = Decimal(count.input_tokens) + added * count.requests
        count = replace(count, exact=False)
        return _with_tokens(count, whole), notes
    return count, notes


def _with_tokens(count: TokenCount, tokens: Decimal) -> TokenCount:
    # TokenCount holds whole tokens; a declared size in characters may be fractional.
    return replace(count, input_tokens=int(tokens.to_integral_value(rounding="ROUND_CEILING")))


def _first_month(tree: Tree, path: str, book: PriceBook) -> list[dict[str, Any]]:
    """The priced lines of a scenario's first month (per workload and model)."""
    from costlab.forecast import forecast_scenario
    from costlab.scenario import parse_scenario
    from costlab.yaml_reader import load_yaml

    raw = tree.read(path)
    if raw is None:
        raise CostlabError("no such file", path)
    data = load_yaml(raw.decode("utf-8"), path)
    folder = getattr(tree, "root", None) if isinstance(tree, FolderTree) else None
    if _uses_samples(data) and folder is None:
        # Samples are measured from disk; a revision's files are not there.
        raise CostlabError(
            "a scenario with sample: files is read from a folder only, not a git revision; "
            "give input_tokens",
            path,
        )
    base_dir = str(PurePosixPath(str(folder)) / PurePosixPath(path).parent) if folder else ""
    scenario = parse_scenario(data, path, book=book, base_dir=base_dir)
    fc = forecast_scenario(scenario, book=book, sensitivity_table=False)
    lines = fc.lines
    first = lines[lines["month_index"] == 1].to_dict("records")
    return [{str(k): v for k, v in row.items()} for row in first]


def _uses_samples(data: Any) -> bool:
    workloads = data.get("workloads") if isinstance(data, Mapping) else None
    return isinstance(workloads, Sequence) and any(
        isinstance(w, Mapping) and w.get("sample") for w in workloads
    )


def _scenario_entries(tree: Tree, path: str, book: PriceBook, day: date) -> list[Entry]:
    """One entry per workload and model of a scenario file: its first month."""
    groups: dict[tuple[str, str], list[Decimal]] = {}
    providers: dict[str, str] = {}
    for row in _first_month(tree, path, book):
        key = (row["workload"], row["model"])
        providers[row["model"]] = row["provider"]
        totals = groups.setdefault(key, [ZERO, ZERO, ZERO, ZERO])
        values = (row["requests"], row["input_tokens"], row["output_tokens"], row["total_cost"])
        for i, value in enumerate(values):
            totals[i] = MONEY.add(totals[i], Decimal(value))
    del day  # a scenario's month is priced with the prices in force on its first day
    entries = []
    for (workload, model), (requests, tokens, output, cost) in groups.items():

        def per(value: Decimal, requests: Decimal = requests) -> Decimal:
            return MONEY.divide(value, requests) if requests else ZERO

        entries.append(
            Entry(
                key=f"{path}#{workload}",
                name=f"{path}#{workload}",
                path=path,
                kind="scenario",
                model=model,
                provider=providers[model],
                input_tokens=per(tokens),
                exact=False,
                output_tokens=per(output),
                calls_per_month=requests,
                cost_per_call=per(cost),
                monthly_cost=cost,
                notes=("the scenario's first month",),
            )
        )
    return entries
