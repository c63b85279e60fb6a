"""The one exception type costlab raises for bad input.

A :class:`CostlabError` carries *where* the problem is (file, line, model, field, ...) and
*what* is wrong, and renders as a single line: ``pricing/openai.yaml: gpt-4.1-mini:
price.input: must be >= 0``. The CLI prints it as ``costlab: error: <that line>`` and exits 2;
the app shows it with ``st.error``. Anything else that escapes is a bug.
"""

from __future__ import annotations


class CostlabError(Exception):
    """Bad input, with its location.

    >>> str(CostlabError("must be >= 0", "pricing/openai.yaml", "gpt-4.1-mini", "price.input"))
    'pricing/openai.yaml: gpt-4.1-mini: price.input: must be >= 0'
    """

    def __init__(self, what: str, *where: str | None) -> None:
        self.what = what
        self.where: tuple[str, ...] = tuple(w for w in where if w)
        super().__init__(str(self))

    def __str__(self) -> str:
        return ": ".join((*self.where, self.what))

    def within(self, *outer: str | None) -> CostlabError:
        """The same error, located inside ``outer`` (e.g. the file that holds the model)."""
        return CostlabError(self.what, *outer, *self.where)


def shortened(text: str, most: int, keep: int) -> str:
    """``text`` as a one-line message quotes it: whole up to ``most`` characters, else its first
    ``keep`` and its length (a file may put a megabyte where a name belongs).

    >>> shortened("x" * 100, 80, 10)
    'xxxxxxxxxx... (100 characters)'
    """
    return text if len(text) <= most else f"{text[:keep]}... ({len(text):,} characters)"
