"""Files as they are at a git revision, read by running ``git`` (no git library needed).

:class:`GitTree` and :class:`FolderTree` answer the same two questions, *which files match
this pattern* and *what bytes does this file hold*, so the prompt inventory
(:mod:`costlab.inventory`) reads a revision and the working tree the same way. Every failure
(git missing, not a repository, an unknown revision) is one :class:`CostlabError`.
"""

from __future__ import annotations

import os
import re
import subprocess
from functools import cache, cached_property
from pathlib import Path
from typing import Protocol

from costlab import limits
from costlab.errors import CostlabError


class Tree(Protocol):
    """A set of files: a folder, or a git revision."""

    label: str
    """how reports name it: a folder, ``main@1a2b3c4``, ``working tree``"""

    def glob(self, pattern: str) -> list[str]:
        """Paths (``/``-separated, relative to the project) matching ``pattern``, sorted."""
        ...

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""
        ...


def git(args: list[str], cwd: Path | str) -> bytes:
    """``git ARGS`` in ``cwd``; its stdout, or a CostlabError with git's first line."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise CostlabError("git is not installed (or not on PATH)", "git") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0] if message else f"exit code {done.returncode}"
        raise CostlabError(first.removeprefix("fatal: "), "git " + args[0])
    return done.stdout


def _text(args: list[str], cwd: Path | str) -> str:
    return git(args, cwd).decode("utf-8", "replace").strip()


def repo_root(cwd: Path | str = ".") -> Path:
    """The top folder of the repository holding ``cwd``."""
    try:
        return Path(_text(["rev-parse", "--show-toplevel"], cwd))
    except CostlabError:
        raise CostlabError("not a git repository", str(Path(cwd).resolve())) from None


def resolve(rev: str, cwd: Path | str = ".") -> str:
    """The commit a revision names (full hash); an unknown one is one error naming it."""
    try:
        return _text(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"], cwd
        )
    except CostlabError:
        raise CostlabError("unknown revision", f"'{rev}'") from None


def default_branch(cwd: Path | str = ".") -> str:
    """``origin/HEAD``'s branch when a remote says, else ``main``, else ``master``."""
    repo_root(cwd)
    try:
        ref = _text(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], cwd)
        return ref.removeprefix("refs/remotes/")
    except CostlabError:
        pass
    for name in ("main", "master"):
        try:
            _text(["rev-parse", "--verify", "--quiet", f"refs/heads/{name}"], cwd)
            return name
        except CostlabError:
            continue
    raise CostlabError(
        "cannot tell the default branch (no origin/HEAD, main or master): give BASE", "git"
    )


def merge_base(rev: str, cwd: Path | str = ".") -> str:
    """The commit where ``HEAD`` left ``rev`` (what a pull request is compared against)."""
    resolve(rev, cwd)
    try:
        return _text(["merge-base", rev, "HEAD"], cwd)
    except CostlabError:
        raise CostlabError("no common ancestor with HEAD", f"'{rev}'") from None


class GitTree:
    """The files of the project folder ``cwd`` as they are at commit ``rev``."""

    def __init__(self, rev: str, cwd: Path | str = ".") -> None:
        self.cwd = Path(cwd)
        self.root = repo_root(cwd)
        self.commit = resolve(rev, cwd)
        # The project may sit in a subfolder of the repository: paths are relative to it.
        self.prefix = _text(["rev-parse", "--show-prefix"], cwd)
        self.label = f"{rev}" if rev.startswith(self.commit[:7]) else f"{rev} ({self.commit[:7]})"

    @cached_property
    def _files(self) -> list[str]:
        raw = git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", self.commit], self.root)
        names = [n for n in raw.decode("utf-8", "replace").split("\0") if n]
        return [n[len(self.prefix) :] for n in names if n.startswith(self.prefix)]

    def glob(self, pattern: str) -> list[str]:
        match = glob_regex(pattern).fullmatch
        return sorted(n for n in self._files if match(n))

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self._files)

    def read(self, path: str) -> bytes | None:
        if path not in self._known:
            return None
        blob = f"{self.commit}:{self.prefix}{path}"
        size = int(_text(["cat-file", "-s", blob], self.root))
        if size > limits.current("MAX_INPUT_BYTES"):  # refused before git writes it all out
            raise CostlabError(
                limits.over("MAX_INPUT_BYTES", f"the file's size ({size:,} bytes)"), path
            )
        return git(["show", blob], self.root)


class IndexTree(GitTree):
    """The files staged for the next commit (git's index): what a pre-commit hook checks."""

    def __init__(self, cwd: Path | str = ".") -> None:
        self.cwd = Path(cwd)
        self.root = repo_root(cwd)
        self.commit = ""  # ``git show :path`` reads the index
        self.prefix = _text(["rev-parse", "--show-prefix"], cwd)
        self.label = "staged"

    @cached_property
    def _files(self) -> list[str]:
        raw = git(["ls-files", "-z", "--cached", "--full-name"], self.root)
        names = [n for n in raw.decode("utf-8", "replace").split("\0") if n]
        return [n[len(self.prefix) :] for n in names if n.startswith(self.prefix)]


class FolderTree:
    """The files under a folder on disk (the working tree, or a copy of a project)."""

    def __init__(self, root: Path | str, label: str | None = None) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise CostlabError("no such folder", str(root))
        self.label = label or str(root)

    def glob(self, pattern: str) -> list[str]:
        match = glob_regex(pattern).fullmatch
        # Walk only below the pattern's literal folder (``prompts/`` of ``prompts/**/*.txt``).
        literal = []
        for part in pattern.split("/")[:-1]:
            if any(c in part for c in "*?["):
                break
            literal.append(part)
        start = self.root.joinpath(*literal)
        found = []
        for folder, dirs, files in os.walk(start):
            dirs[:] = [d for d in dirs if d != ".git"]
            rel = Path(folder).relative_to(self.root).as_posix()
            for name in files:
                path = name if rel == "." else f"{rel}/{name}"
                if match(path):
                    found.append(path)
        return sorted(found)

    def read(self, path: str) -> bytes | None:
        file = self.root / path
        # bounded as every input is: a 1 GB file matched by a glob took 1.1 GB of memory
        return limits.read_bounded(file, path) if file.is_file() else None


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression over ``/``-separated paths: ``*`` and ``?`` stay inside
    one folder, ``**/`` spans any number of folders (zero included), ``[abc]`` is a set.

    >>> bool(glob_regex("prompts/**/*.txt").fullmatch("prompts/a/b/x.txt"))
    True
    >>> bool(glob_regex("prompts/*.txt").fullmatch("prompts/a/x.txt"))
    False
    """
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                out.append("[" + pattern[i + 1 : end].replace("!", "^", 1) + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))
