"""What the genai-prices layer and its index builder share: the index format, the gateway
name prefixes, and how to find the installed genai-prices version without importing it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

#: Bumped when the index's layout changes, so an old cache file is not read.
INDEX_FORMAT = 13

#: Day given to upstream prices that have no start date (genai-prices dates only changes).
UNDATED = date(2000, 1, 1)

#: Name prefixes used by gateways and usage exports (LiteLLM's spelling and others), to the
#: genai-prices provider whose names follow them. Every genai-prices provider id is a prefix too.
PREFIXES: Mapping[str, str] = {
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "amazon": "aws",
    "azure_ai": "azure",
    "azure_openai": "azure",
    "vertex_ai": "google",
    "vertex": "google",
    "gemini": "google",
    "xai": "x-ai",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "mistralai": "mistral",
}


def layer_name(version: str) -> str:
    """The upstream layer's name in a price book's fingerprint: ``genai-prices 0.2.3``."""
    return f"genai-prices {version}"


def installed_version() -> str | None:
    """The installed genai-prices version, or None when it is not installed.

    Read from the package's ``dist-info`` folder name: ``importlib.metadata`` scans every
    installed distribution (15 ms), more than this whole layer may cost a command.
    """
    from importlib.util import find_spec

    spec = find_spec("genai_prices")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(site.glob("genai_prices-*.dist-info"))
    if len(found) == 1:
        return found[0].name[len("genai_prices-") : -len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version("genai-prices")
    except metadata.PackageNotFoundError:
        return None
