"""Read YAML the way costlab needs it: exact numbers, line numbers, no surprises.

* Every YAML float becomes a :class:`~decimal.Decimal` built from the text as written, so
  ``input: 0.40`` is exactly ``Decimal("0.40")`` and money stays exact from the file on.
* Every mapping remembers the line of each key, so errors can point at ``file: line N``.
* A key given twice in one mapping is refused instead of silently keeping the last one.
* Hostile files stay cheap (:mod:`costlab.limits`): the text is at most ``MAX_YAML_BYTES``, the
  document at most ``MAX_YAML_NODES`` nodes once aliases are expanded (a 1 KB "billion laughs"
  file is refused in milliseconds, before anything is built) and ``MAX_NESTING_DEPTH`` deep;
  numbers past ``MAX_DIGITS`` / ``MAX_EXPONENT`` and impossible dates (``2024-02-30``) are one
  error naming the line and the key.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costlab import limits
from costlab.errors import CostlabError

if TYPE_CHECKING:
    import yaml


class LineDict(dict[str, Any]):
    """A mapping read from YAML that knows the 1-based line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}"


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in {".inf", "+.inf", "-.inf", ".nan"}:
        return float(lowered.replace(".", ""))  # kept as float; validation refuses it
    try:
        return limits.parse_number(text, _line(node))
    except CostlabError:
        if ":" in text:  # YAML 1.1 sexagesimal (1:30.5): kept as text, validation names it
            return text  # type: ignore[return-value]
        raise


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """A YAML int, refused past ``MAX_DIGITS`` digits before Python converts it (a 5,000-digit
    int raises ValueError in ``int()``; a 4,000-digit one costs quadratic time)."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    digits = len(text.lstrip("+-").lstrip("0"))
    if digits > limits.MAX_DIGITS:
        raise CostlabError(
            limits.over("MAX_DIGITS", f"a whole number of {digits:,} digits"), _line(node)
        )
    # YAML 1.1's other spellings read silently as another number: 1:30 as 90 (base 60),
    # 010 as 8 (octal), 0x0c and 0b1100. Only plain decimal digits are a number here.
    if not _PLAIN_INT.fullmatch(text):
        raise CostlabError(
            f"write {text!r} as a plain decimal number, or quote it to mean text", _line(node)
        )
    return int(text)


_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A YAML date; an impossible one (``2024-02-30``) is one error naming the line."""
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError) as exc:
        text = str(node.value)
        raise CostlabError(f"not a valid date: {text!r} ({exc})", _line(node)) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | Decimal):
            raise CostlabError(
                "mapping keys must be plain text", f"line {key_node.start_mark.line + 1}"
            )
        key = str(key)
        if key in result:
            raise CostlabError(f"duplicate key '{key}'", f"line {key_node.start_mark.line + 1}")
        try:
            result[key] = loader.construct_object(value_node, deep=True)
        except CostlabError as exc:
            if len(exc.where) == 1 and exc.where[0].startswith("line "):
                raise CostlabError(exc.what, exc.where[0], key) from None  # name the field
            raise
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader with costlab's constructors, built on first use: importing PyYAML
    costs ~20 ms, which commands that read no YAML (``estimate`` with the compiled price
    book) do not pay."""
    import yaml

    try:  # libyaml's parser when PyYAML was built with it: several times faster
        base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
    except AttributeError:  # pragma: no cover
        base = yaml.SafeLoader

    class _Loader(base):  # type: ignore[valid-type,misc]
        pass

    _Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
    _Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    return _Loader


def read_text(path: Path, what: str = "file") -> str:
    """The UTF-8 text of ``path``, or one clear error naming the file.

    At most :data:`costlab.limits.MAX_YAML_BYTES` (the files read here are YAML); devices and
    FIFOs are refused before reading.
    """
    data = limits.read_bounded(path, str(path), kind=what, limit_name="MAX_YAML_BYTES")
    return decode_text(data, str(path))


def decode_text(data: bytes, where: str) -> str:
    """Decode UTF-8 (a BOM is allowed); binary data gets an error naming the offset."""
    if b"\x00" in data[:8192]:
        raise CostlabError("binary data, expected UTF-8 text", where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CostlabError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", where
        ) from None


def load_yaml(text: str, where: str) -> Any:
    """Parse YAML text; syntax errors become one line naming ``where`` and the line.

    Safe loading only, checked before anything is built: the text's size, the number of nodes
    with every alias expanded, and the nesting depth (:mod:`costlab.limits`).
    """
    if len(text) > limits.MAX_YAML_BYTES:
        raise CostlabError(
            limits.over("MAX_YAML_BYTES", f"{len(text):,} characters of YAML"), where
        )
    import yaml

    loader = _loader()(text)
    try:
        _count_nodes(text)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded(node)
        return loader.construct_document(node)
    except CostlabError as exc:
        raise exc.within(where) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}" if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CostlabError(f"YAML syntax error: {problem}", where, line) from None
    except yaml.YAMLError as exc:
        raise CostlabError(f"YAML syntax error: {exc}", where) from None
    except RecursionError:  # pragma: no cover - _check_expanded bounds the depth first
        raise CostlabError(limits.over("MAX_NESTING_DEPTH", "the YAML nesting"), where) from None
    finally:
        loader.dispose()


def _count_nodes(text: str) -> None:
    """Refuse a document of more than ``MAX_YAML_NODES`` nodes as its parser reaches them:
    building the node tree first took 7 s for a 990,000-item list (2 MB), refused after."""
    import yaml

    limit, count = limits.MAX_YAML_NODES, 0
    node_events = (
        yaml.ScalarEvent,
        yaml.AliasEvent,
        yaml.SequenceStartEvent,
        yaml.MappingStartEvent,
    )
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, node_events):
            count += 1
            if count > limit:
                line = f"line {event.start_mark.line + 1}" if event.start_mark else None
                raise CostlabError(
                    limits.over("MAX_YAML_NODES", f"over {limit:,} YAML nodes"), line
                )


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expanded(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past ``MAX_YAML_NODES`` nodes, that nests past
    ``MAX_NESTING_DEPTH``, or whose alias refers to itself.

    Aliases make the node graph a DAG: each node's expanded size and depth are computed once
    (memoised, iteratively), so a billion-laughs file costs a few hundred steps to refuse.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    max_nodes, max_depth = limits.MAX_YAML_NODES, limits.MAX_NESTING_DEPTH
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            open_nodes.discard(key)
            if size[key] > max_nodes:
                raise CostlabError(
                    limits.over("MAX_YAML_NODES", f"{size[key]:,} nodes with aliases expanded"),
                    _line(node),
                )
            if depth[key] > max_depth:
                raise CostlabError(
                    limits.over("MAX_NESTING_DEPTH", f"YAML nested {depth[key]:,} deep"),
                    _line(node),
                )
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise CostlabError("an alias refers to a node that contains it", _line(node))
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in size)


def load_yaml_file(path: Path) -> Any:
    return load_yaml(read_text(path, "YAML file"), str(path))
