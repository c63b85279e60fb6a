"""Output files written whole or not at all, and never where a folder was meant.

Every file costlab writes (exports, FOCUS rows, workbooks, saved scenarios) goes through
:func:`atomic_write`: written to a temporary file beside the target and renamed into place, so
a failed write (a full disk) leaves the previous file as it was. Light on purpose (no pandas):
``costlab forecast --save`` uses it on the small-scenario path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from costlab.errors import CostlabError


def file_path(path: str | Path) -> Path:
    """``path`` as a file to write, refused when it names a folder: one that ends in a
    separator or ``.`` (``out.csv/``, which :class:`~pathlib.Path` reads as ``out.csv``) or
    an existing directory, or an existing device, pipe or socket. Every output (exports,
    FOCUS, workbooks, saved scenarios) is checked here."""
    text = os.fspath(path)
    if os.path.basename(text) in ("", ".", ".."):
        raise CostlabError("names a folder (it ends in a separator or .): give a file name", text)
    target = Path(text)
    try:
        mode = target.stat().st_mode
    except OSError:
        return target  # a new file (or one the write will name the trouble with)
    if stat.S_ISDIR(mode):
        raise CostlabError("is a folder: give a file name", text)
    if not stat.S_ISREG(mode):
        # the rename would put a file in place of /dev/full or a pipe (as root, it can)
        raise CostlabError("is not a regular file (a device, pipe or socket)", text)
    return target


#: Bytes of one file name on the usual file systems (ext4, XFS, APFS, NTFS in UTF-16 units).
_NAME_MAX = 255


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary_path)`` and rename the result onto ``path``; on any failure the
    temporary file is removed and ``path`` is untouched. An OSError is one CostlabError."""
    target = file_path(path)
    token = secrets.token_hex(6)
    temporary = target.with_name(f".{target.name}.{token}.tmp")
    if len(os.fsencode(temporary.name)) > _NAME_MAX:  # a long name the target itself fits in
        temporary = target.with_name(f".costlab.{token}.tmp")
    try:
        # "x": a new file, with the usual permissions (umask), never someone else's
        with temporary.open("xb"):
            pass
        write(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise CostlabError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
