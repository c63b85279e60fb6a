"""JSON Schemas for costlab's data files, generated from the dataclasses that read them.

The ``*.schema.json`` files here ship in the wheel so editors can validate price and scenario
files (``# yaml-language-server: $schema=...``). They are generated, never edited by hand:
``python -m costlab.schemas`` rewrites them, and a test fails when they are out of date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _pricebook() -> dict[str, Any]:
    from costlab.prices import PriceFile
    from costlab.validation import json_schema

    return json_schema(
        PriceFile,
        title="costlab price file",
        schema_id="urn:costlab:schema:pricebook",
    )


def _scenario() -> dict[str, Any]:
    from costlab.scenario import Scenario
    from costlab.validation import json_schema

    return json_schema(
        Scenario,
        title="costlab scenario file",
        schema_id="urn:costlab:schema:scenario",
    )


#: file name -> generator. Other data files register their schema here.
SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "pricebook.schema.json": _pricebook,
    "scenario.schema.json": _scenario,
}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


def write_all() -> list[Path]:
    written = []
    for name in SCHEMAS:
        path = HERE / name
        path.write_text(render(name), encoding="utf-8")
        written.append(path)
    return written
