"""A scenario's plain-data form, written and read as a YAML file and as a URL-safe link token.

The plain form is what a scenario file holds: a mapping with ``name``, ``start``, ``months``,
``budget`` and ``workloads``, numbers as ``Decimal``. :func:`to_yaml` / :func:`from_yaml` give
the diff-friendly file; :func:`to_link_token` / :func:`from_link_token` the compact form a
shared link carries (``?scenario=...``: JSON, zlib, URL-safe base64). A link comes from anyone,
so the decoder bounds the token, the decompressed size and the nesting before trusting it.

>>> data = {"name": "bot", "start": "2027-01", "months": 12,
...         "workloads": [{"name": "w", "model": "gpt-4.1-mini", "input_tokens": Decimal("1200")}]}
>>> from_link_token(to_link_token(data)) == data
True
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from decimal import Decimal
from typing import Any

import yaml

from costlab import limits
from costlab.errors import CostlabError
from costlab.yaml_reader import load_yaml

__all__ = [
    "MAX_DEPTH",
    "MAX_JSON_BYTES",
    "MAX_TOKEN_CHARS",
    "from_link_token",
    "from_plain_json",
    "from_yaml",
    "to_link_token",
    "to_plain_json",
    "to_yaml",
]

#: Longest link token accepted (characters); browsers and proxies cut URLs near 32k anyway.
MAX_TOKEN_CHARS = 32_768
#: Largest scenario JSON a token may expand to (bytes): a zip bomb stops here.
MAX_JSON_BYTES = 1_000_000
#: Deepest nesting of mappings and lists a token may hold (a scenario needs about 6).
MAX_DEPTH = 32

#: Fields whose values are text even when they look like numbers ("name: 2027").
TEXT_FIELDS = frozenset(
    {"name", "start", "model", "sample", "description", "detail", "id", "month", "training"}
)

_HEADER = "# costlab scenario file: see the Scenario files section of costlab's README\n"


def to_plain_json(value: Any) -> Any:
    """The plain form with JSON types only: Decimals as exact decimal strings, months as text."""
    if isinstance(value, dict):
        return {str(k): to_plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain_json(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()[:7] if hasattr(value, "day") else value.isoformat()
    return value


def _number(text: str) -> Decimal | None:
    """``text`` as a finite Decimal within costlab's digit and exponent limits, else None (the
    text is kept, and validation names it). A shared link's "1e999999999" became a Decimal
    whose plain form is a billion characters: gigabytes and minutes, for 60 in the URL."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    if not number.is_finite():
        return None
    try:
        limits.check_decimal(number)
    except ValueError:
        return None
    return number


def _decimal(value: Any) -> Any:
    if isinstance(value, str):
        number = _number(value)
        return value if number is None else number
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def from_plain_json(value: Any, key: str = "") -> Any:
    """Undo :func:`to_plain_json`: decimal strings back to ``Decimal``, except in text fields."""
    if isinstance(value, dict):
        return {k: from_plain_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [from_plain_json(v, key) for v in value]
    if key in TEXT_FIELDS:
        return value
    return _decimal(value)


def _yaml_numbers(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _yaml_numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml_numbers(v, key) for v in value]
    if isinstance(value, str) and key not in TEXT_FIELDS:
        number = _number(value)
        if number is None:
            return value
        return int(number) if number == number.to_integral_value() else float(value)
    return value


def to_yaml(data: dict[str, Any]) -> str:
    """The scenario as a YAML file, keys in their given order, numbers written as numbers."""
    plain = _yaml_numbers(to_plain_json(data))
    return _HEADER + yaml.safe_dump(plain, sort_keys=False, allow_unicode=True)


def from_yaml(text: str, where: str) -> dict[str, Any]:
    """A scenario file's text as plain data; ``where`` (the file name) prefixes any error."""
    data = load_yaml(text, where)
    if not isinstance(data, dict):
        raise CostlabError("a scenario is a mapping with name, start, months and workloads", where)
    restored: dict[str, Any] = from_plain_json(json.loads(json.dumps(to_plain_json(data))))
    return restored


def to_link_token(data: dict[str, Any]) -> str:
    """The scenario as a URL-safe token (compressed JSON, base64 without padding)."""
    raw = json.dumps(to_plain_json(data), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def _depth(text: str) -> int:
    """The deepest nesting of ``[`` / ``{`` in JSON text, brackets inside strings ignored."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def from_link_token(token: str, where: str = "URL") -> dict[str, Any]:
    """Plain scenario data from a token made by :func:`to_link_token`.

    Refuses, with a :class:`CostlabError`, a token longer than :data:`MAX_TOKEN_CHARS`, one
    that expands past :data:`MAX_JSON_BYTES` or nests deeper than :data:`MAX_DEPTH`, and any
    token that is not one of ours; the length is checked before anything is decompressed.
    """
    damaged = "the shared link's scenario is damaged"
    if len(token) > MAX_TOKEN_CHARS:
        raise CostlabError(
            f"the shared link's scenario is too long ({len(token):,} characters; at most "
            f"{MAX_TOKEN_CHARS:,}): share the scenario as a YAML file instead",
            where,
        )
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES + 1)
    except (ValueError, binascii.Error, zlib.error):
        raise CostlabError(damaged, where) from None
    if len(raw) > MAX_JSON_BYTES or inflater.unconsumed_tail:
        raise CostlabError(
            f"the shared link's scenario expands past {MAX_JSON_BYTES:,} bytes", where
        )
    if not inflater.eof:
        raise CostlabError(damaged, where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CostlabError(damaged, where) from None
    if _depth(text) > MAX_DEPTH:
        raise CostlabError(f"the shared link's scenario nests deeper than {MAX_DEPTH}", where)
    try:
        data = json.loads(text)
    except ValueError:
        raise CostlabError(damaged, where) from None
    if not isinstance(data, dict):
        raise CostlabError(damaged, where)
    restored: dict[str, Any] = from_plain_json(data)
    return restored
