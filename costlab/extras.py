"""Optional parts of costlab and the one message that says which extra to install.

``pip install costlab`` is the library and the CLI. Reading images, PDF and DOCX files needs
``costlab[files]`` (Pillow, pypdf, python-docx), and so does reading the duration of audio
and video files (mutagen); the dashboard needs ``costlab[app]``
(Streamlit, Plotly); many files, Parquet and Dask clusters ``costlab[scale]`` (Dask, fsspec,
pyarrow); the faster exact tokenizer ``costlab[fast]`` (splintr). Code that needs an optional package
imports it through :func:`require`, so a missing one is one clear line, not an ``ImportError`` traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from costlab.errors import CostlabError

#: optional top-level module -> the extra that installs it
EXTRA_OF = {
    "PIL": "files",
    "pypdf": "files",
    "docx": "files",
    "mutagen": "files",
    "streamlit": "app",
    "plotly": "app",
    "dask": "scale",
    "distributed": "scale",
    "fsspec": "scale",
    "pyarrow": "scale",
    "splintr": "fast",
}


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` (e.g. ``"pypdf"``), or raise one error naming the extra to install.

    >>> require("json", "reading JSON").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        extra = EXTRA_OF.get(top)
        if extra is None:
            raise
        raise CostlabError(
            f"{purpose} needs the optional package {top!r}: pip install 'costlab[{extra}]'"
        ) from None
