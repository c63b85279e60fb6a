"""Prompt templates: the fixed text counted exactly, each placeholder at a declared typical size.

A template holds placeholders, ``{user_question}`` (``str.format``) or ``{{ user_question }}``
(Jinja, filters allowed); Jinja statements and comments (``{% if %}``, ``{# #}``) count as
nothing and the text between them is kept (the cautious reading: every branch is sent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from costlab.errors import CostlabError
from costlab.money import ZERO

#: Characters per token when a placeholder's typical size is given in characters: OpenAI's
#: "a token is about 4 characters of English" [OAI-PRICE-25].
CHARS_PER_TOKEN = 4

#: ``{{ name }}`` (Jinja, filters allowed) or ``{name}`` (str.format); ``{{`` alone is literal.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)[^{}]*\}\}|(?<!\{)\{([A-Za-z_]\w*)\}(?!\})")
#: Jinja statements and comments: ``{% if x %}``, ``{# note #}`` (counted as nothing).
JINJA_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)


def placeholder_sizes(source: Mapping[str, Any]) -> dict[str, Decimal] | None:
    """An inventory entry's declared ``placeholders`` in tokens (None: not a template)."""
    declared = source.get("placeholders")
    if declared is None:
        return None
    if not isinstance(declared, Mapping):
        raise CostlabError("must be a table {name = typical size}", "placeholders")
    unit = source.get("placeholder_unit", "tokens")
    if unit not in ("tokens", "characters"):
        raise CostlabError(f"must be 'tokens' or 'characters', got {unit!r}", "placeholder_unit")
    sizes = {}
    for name in declared:
        value = _size(declared, name)
        # Characters become tokens at OpenAI's 4 characters a token [OAI-PRICE-25].
        sizes[name] = value / CHARS_PER_TOKEN if unit == "characters" else value
    return sizes


def _size(declared: Mapping[str, Any], name: str) -> Decimal:
    value = declared[name]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CostlabError(f"must be a number, got {value!r}", "placeholders", name)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise CostlabError(f"must be a number, got {value!r}", "placeholders", name) from None
    if not number.is_finite() or number < 0:
        raise CostlabError(f"must be a number >= 0, got {value!r}", "placeholders", name)
    return number


def fill_template(text: str, sizes: Mapping[str, Decimal] | None) -> tuple[str, Decimal, list[str]]:
    """The fixed part of a template and the declared tokens of its placeholders.

    Placeholders (``{name}``, ``{{ name }}``) are cut out and Jinja tags dropped; each
    occurrence adds its declared typical size. Without declared sizes, a text is not a
    template and is returned as it is.

    >>> fill_template("Answer: {user_question}", {"user_question": Decimal(50)})[1:]
    (Decimal('50'), ['user_question'])
    """
    if sizes is None:
        return text, ZERO, []
    found: list[str] = []
    added = ZERO

    def cut(match: re.Match[str]) -> str:
        nonlocal added
        name = match.group(1) or match.group(2)
        key = name.split(".")[0]
        if key not in sizes:
            raise CostlabError(
                f"placeholder '{name}' has no typical size: add it to placeholders", "placeholders"
            )
        found.append(key)
        added += sizes[key]
        return ""

    fixed = PLACEHOLDER.sub(cut, JINJA_TAG.sub("", text))
    return fixed, added, found


def fill_json(value: Any, sizes: Mapping[str, Decimal]) -> tuple[Any, Decimal, list[str]]:
    """Every string of a request body with its placeholders cut (their sizes summed)."""
    if isinstance(value, str):
        return fill_template(value, sizes)
    added = ZERO
    found: list[str] = []
    if isinstance(value, list):
        out = []
        for item in value:
            item, more, names = fill_json(item, sizes)
            out.append(item)
            added += more
            found += names
        return out, added, found
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            item, more, names = fill_json(item, sizes)
            result[key] = item
            added += more
            found += names
        return result, added, found
    return value, ZERO, []
