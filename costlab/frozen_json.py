"""Frozen dataclasses as tagged JSON and back, and the cache folder that holds such copies.

A validated price book or scenario is rebuilt from its copy without YAML or validation: a Decimal
is ``{"d": "0.40"}``, a date ``{"t": "2025-04-14"}``, a dict ``{"m": {...}}`` and a dataclass
``{"c": "PriceEntry", "f": {...}}``, whose class must be one of those the reader names (nothing in
a copy chooses what code runs). A copy is data only, written atomically, and read only when this
user owns it and nobody else can write it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

Classes = Mapping[str, type]

# hashlib loads OpenSSL (~3 ms, a twentieth of a whole `costlab estimate`); CPython's own
# SHA-256 module gives the same digest.
try:
    from _sha2 import sha256 as sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256 as sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:  # pragma: no cover - a Python without them
        from hashlib import sha256 as sha256  # type: ignore[assignment,unused-ignore]


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/costlab`` (``~/.cache/costlab``); a relative ``XDG_CACHE_HOME`` is
    ignored, as the XDG specification says."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        base = str(Path.home() / ".cache")
    return Path(base) / "costlab"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def trusted(st: os.stat_result) -> bool:
    """Only a file this user owns and nobody else can write (a shared cache folder is not
    a place to take prices or scenarios from)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: the profile folder is the user's
        return True
    return st.st_uid == getuid() and not st.st_mode & 0o022


#: The largest cache file read (the compiled book is about 100 KB, the genai-prices index a
#: few MB): anything bigger is not one of ours.
MAX_COPY_BYTES = 64 * 1024 * 1024


def read_copy(path: Path, max_bytes: int = MAX_COPY_BYTES) -> bytes | None:
    """The bytes of a cache file that may be trusted, else None: a regular file (never a FIFO,
    device or symlink, so reading cannot block or run on), owned by this user, writable by
    nobody else, and at most ``max_bytes``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode) or not trusted(st) or st.st_size > max_bytes:
            return None
        data = handle.read(max_bytes + 1)
    return data if len(data) <= max_bytes else None


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the ``keep`` newest files matching ``pattern`` (errors ignored)."""

    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(folder.glob(pattern), key=age)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


def digest(text: str) -> str:
    """The SHA-256 of a copy's value, stored beside it: a copy changed since it was written
    (truncated, edited, bit-flipped) no longer matches and is not read."""
    return str(sha256(text.encode("utf-8", "surrogatepass")).hexdigest())


def read_envelope(path: Path, key: str, fmt: int, classes: Classes) -> Any:
    """The decoded value of a copy written by :func:`envelope`, or None when the file is not
    trusted (:func:`read_copy`), is of another format or key, or no longer matches its digest.
    Raises on a damaged value: callers treat any exception as a miss."""
    raw = read_copy(path)
    if raw is None:
        return None
    copy = json.loads(raw)
    value = copy["value"]
    if copy["format"] != fmt or copy["key"] != key or copy["digest"] != digest(value):
        return None
    return json.loads(value, object_hook=decoder(classes))


def envelope(key: str, fmt: int, value: Any, classes: Classes) -> str:
    """A copy's file text: ``value`` encoded, with its format, key and digest. Raises
    ``TypeError``/``ValueError`` for a value the format does not know."""
    text = json.dumps(encode(value, classes), separators=(",", ":"))
    return json.dumps({"format": fmt, "key": key, "digest": digest(text), "value": text})


def encode(value: Any, classes: Classes) -> Any:
    """``value`` as tagged JSON; ``TypeError`` for a type the format does not know."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime):
        raise TypeError("datetime")
    if isinstance(value, date):
        return {"t": value.isoformat()}
    if isinstance(value, tuple):
        return [encode(v, classes) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"m": {k: encode(v, classes) for k, v in value.items()}}
    if is_dataclass(value) and classes.get(type(value).__name__) is type(value):
        return {
            "c": type(value).__name__,
            "f": {
                f.name: encode(getattr(value, f.name), classes)
                for f in fields(value)
                if f.init and not _is_default(f, getattr(value, f.name))
            },
        }
    raise TypeError(f"cannot encode a {type(value).__name__}")


def _is_default(f: Field[Any], value: Any) -> bool:
    """A field left at its plain default (None, (), "", False...): left out of the file, the
    constructor gives it back (a third of the file, and of the time to read it)."""
    default = f.default
    if default is MISSING or isinstance(value, Decimal) or type(value) is not type(default):
        return False
    return bool(value == default)


def decoder(classes: Classes) -> Callable[[dict[str, Any]], Any]:
    """The ``object_hook`` for :func:`json.loads` that rebuilds each tagged object."""

    def decode(value: dict[str, Any]) -> Any:
        if "d" in value:
            return Decimal(value["d"])
        if "t" in value:
            return date.fromisoformat(value["t"])
        if "m" in value:
            return {k: _tuples(v) if v.__class__ is list else v for k, v in value["m"].items()}
        if "c" in value:
            cls = classes[value["c"]]
            given = value["f"]
            for k, v in given.items():
                if v.__class__ is list:
                    given[k] = _tuples(v)
            return cls(**given)
        return value

    return decode


def _tuples(value: Any) -> Any:
    """JSON arrays back to the tuples they were."""
    # Called for lists only (the hot loop of reading a copy: no generator, no isinstance).
    return tuple([_tuples(v) if v.__class__ is list else v for v in value])
