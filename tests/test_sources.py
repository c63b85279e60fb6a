"""Every citation resolves inside the repository, in docs/sources.md.

Code comments, docstrings, price-book files and the README cite a source as a key in brackets
(``[OAI-VIS-26]``, ``[OAI-M:gpt-4.1]``) and a disagreement between sources as ``conflict #9``.
These tests read the files as text, so they also check files other developers are editing:
a failure names the file and line to fix.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"
THIS = Path(__file__).resolve()

#: A source key: capitals and digits in hyphen-joined parts (CB, OAI-VIS-26, G-M).
KEY = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*"
#: ``[KEY]`` or ``[KEY:page]``, not a subscript (``x[KEY]``, ``datetime64[D]``), and not a
#: markdown link or link definition (``[TEXT](url)``, ``[TEXT]: url``).
CITATION = re.compile(rf"(?<![\w\]\)\[])\[({KEY})(?::[^\]\s]+)?\](?![(\[:])")
#: ``conflict #9``, ``Conflict 9``, ``conflicts #7``.
CONFLICT = re.compile(r"\bconflicts?\s+#?(\d+)\b", re.IGNORECASE)
#: Key headings and conflict headings of docs/sources.md.
KEY_HEADING = re.compile(rf"^### ({KEY})$", re.MULTILINE)
CONFLICT_HEADING = re.compile(r"^### Conflict (\d+)$", re.MULTILINE)
URL = re.compile(r"https?://([A-Za-z0-9.-]+)")

#: Pointers to files outside the repository: the fact sheet the price book was first compiled
#: from, paths into sibling folders, and absolute paths on a developer's machine.
OUTSIDE = re.compile(
    r"shared/reference|\.\./shared|\bpricing\.md\b|\breference sheet\b|\bfact sheet\b"
    r"|(?<![\w./~-])/(?:work|home|Users|root|mnt|srv|opt|tmp)/|file://",
    re.IGNORECASE,
)
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".json", ".jsonl", ".csv", ".txt", ".cfg"}


def sources_text() -> str:
    return SOURCES.read_text(encoding="utf-8")


def defined_keys() -> set[str]:
    text = sources_text().split("\n## Conflicts\n")[0]
    return set(KEY_HEADING.findall(text))


def defined_conflicts() -> set[int]:
    return {int(n) for n in CONFLICT_HEADING.findall(sources_text())}


def cited_files() -> list[Path]:
    """Files whose citations must resolve: the code, the price book, the README, tests, examples."""
    files = [ROOT / "README.md", ROOT / "app.py", ROOT / "tests" / "data" / "SOURCES.md"]
    files += sorted((ROOT / "costlab").rglob("*.py"))
    files += sorted((ROOT / "pricing").glob("*.yaml"))
    files += sorted((ROOT / "examples").glob("*.yaml"))
    files += sorted(p for p in (ROOT / "tests").rglob("*.py") if p != THIS)
    files += sorted((ROOT / "benchmarks").rglob("*.py")) + sorted((ROOT / "scripts").rglob("*.py"))
    return [p for p in files if p.is_file()]


def prose(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of what a reader reads as prose: comments and strings of Python files,
    every line of other files."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        yield from enumerate(text.splitlines(), start=1)
        return
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.COMMENT, tokenize.STRING):
            for offset, line in enumerate(tok.string.splitlines()):
                yield tok.start[0] + offset, line


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_sources_md_defines_keys_and_conflicts() -> None:
    assert {"CB", "GP", "OAI-VIS-25", "OAI-VIS-26", "OAI-BATCH"} <= defined_keys()
    assert {7, 9} <= defined_conflicts()


def test_every_cited_key_is_defined_in_sources_md() -> None:
    keys = defined_keys()
    undefined = [
        f"{where(path, n)}: [{key}]"
        for path in cited_files()
        for n, line in prose(path)
        for key in CITATION.findall(line)
        if key not in keys
    ]
    assert not undefined, "keys not defined in docs/sources.md:\n" + "\n".join(undefined)


def test_every_cited_conflict_is_numbered_in_sources_md() -> None:
    conflicts = defined_conflicts()
    unknown = [
        f"{where(path, n)}: conflict {number}"
        for path in cited_files()
        for n, line in prose(path)
        for number in CONFLICT.findall(line)
        if int(number) not in conflicts
    ]
    assert not unknown, "conflicts not numbered in docs/sources.md:\n" + "\n".join(unknown)


def project_files() -> list[Path]:
    files = [ROOT / name for name in ("README.md", "app.py", "Makefile", "pyproject.toml")]
    for folder in ("costlab", "pricing", "docs", "tests", "examples", "benchmarks", "scripts"):
        files += sorted(p for p in (ROOT / folder).rglob("*") if p.suffix in TEXT_SUFFIXES)
    return [p for p in files if p.is_file() and p != THIS and "__pycache__" not in p.parts]


def test_nothing_points_outside_the_repository() -> None:
    found = [
        f"{where(path, n)}: {line.strip()}"
        for path in project_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not found, "pointers outside the repository:\n" + "\n".join(found)


def test_price_book_comments_do_not_cite_the_old_sheet() -> None:
    # "the sheet" meant the external fact sheet; a price file has no other sheet to mean.
    found = [
        where(path, n)
        for path in sorted((ROOT / "pricing").glob("*.yaml"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bsheet\b", line, re.IGNORECASE)
    ]
    assert not found, found


def source_fields(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "source" and isinstance(value, str):
                yield value
            else:
                yield from source_fields(value)
    elif isinstance(node, list):
        for item in node:
            yield from source_fields(item)


@pytest.mark.parametrize("path", sorted((ROOT / "pricing").glob("*.yaml")), ids=lambda p: p.name)
def test_every_site_a_price_file_cites_is_listed_in_sources_md(path: Path) -> None:
    listed = set(URL.findall(sources_text()))
    cited = {
        host
        for text in source_fields(yaml.safe_load(path.read_text(encoding="utf-8")))
        for host in URL.findall(text)
    }
    assert cited, "expected sources with addresses"
    assert cited <= listed, sorted(cited - listed)


def test_every_key_says_where_what_and_when() -> None:
    text = sources_text().split("\n## Conflicts\n")[0]
    entries = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    assert len(entries) == len(defined_keys())
    for entry in entries:
        key = entry.partition("\n")[0]
        assert "- **Address**: " in entry, key
        assert "- **costlab takes**: " in entry, key
        assert re.search(r"- \*\*Checked\*\*: \d{4}-\d{2}-\d{2}", entry), key
