"""Read YAML the way costlab needs it: exact numbers, line numbers, no surprises.

* Every YAML float becomes a :class:`~decimal.Decimal` built from the text as written, so
  ``input: 0.40`` is exactly ``Decimal("0.40")`` and money stays exact from the file on.
* Every mapping remembers the line of each key, so errors can point at ``file: line N``.
* A key given twice in one mapping is refused instead of silently keeping the last one.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from costlab.errors import CostlabError

try:  # libyaml's parser when PyYAML was built with it: several times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class LineDict(dict[str, Any]):
    """A mapping read from YAML that knows the 1-based line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(_BaseLoader):
    pass


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in {".inf", "+.inf", "-.inf", ".nan"}:
        return float(lowered.replace(".", ""))  # kept as float; validation refuses it
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - YAML already matched the float pattern
        return float(text)


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
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_text(path: Path, what: str = "file") -> str:
    """The UTF-8 text of ``path``, or one clear error naming the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CostlabError(f"no such {what}", str(path)) from None
    except IsADirectoryError:
        raise CostlabError(f"is a directory, expected a {what}", str(path)) from None
    except OSError as exc:
        raise CostlabError(f"cannot read {what}: {exc.strerror}", str(path)) from None
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
    """Parse YAML text; syntax errors become one line naming ``where`` and the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except CostlabError as exc:
        raise exc.within(where) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}" if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CostlabError(f"YAML syntax error: {problem}", where, line) from None
    except yaml.YAMLError as exc:
        raise CostlabError(f"YAML syntax error: {exc}", where) from None


def load_yaml_file(path: Path) -> Any:
    return load_yaml(read_text(path, "YAML file"), str(path))
