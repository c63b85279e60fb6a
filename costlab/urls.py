"""Which inputs are URLs: a path is read through fsspec when it names a scheme other than
``file`` (``s3``, ``gs``, ``https``...); a URL of scheme ``file`` names a local file. Kept
apart from :mod:`costlab.scale` so the command line can tell without importing it."""

from __future__ import annotations


def _scheme(path: str) -> str:
    """The URL scheme of ``path`` ("" for a plain path; a Windows drive letter is no scheme)."""
    head, sep, _ = path.partition("://")
    return head.lower() if sep and len(head) > 1 and head.isalnum() else ""


def is_url(path: str) -> bool:
    """Whether ``path`` is read through fsspec (``s3://bucket/usage.csv``...): not a local file.

    >>> is_url("s3://bucket/usage.csv"), is_url("notes.txt"), is_url("C://notes.txt")
    (True, False, False)
    """
    return _scheme(path) not in ("", "file")


def local_path(path: str) -> str:
    """``path`` as given, or the local path that a URL of scheme ``file`` names."""
    return path.partition("://")[2] if _scheme(path) == "file" else path
