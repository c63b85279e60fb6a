"""The examples in the token modules' docstrings run, so the docs cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "costlab.tokens",
    "costlab.tokens.api",
    "costlab.tokens.encodings",
    "costlab.tokens.images",
    "costlab.tokens.text",
    "costlab.tokens.totals",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
