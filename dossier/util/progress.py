"""Progress of long steps, reported through a callback the caller passes (the CLI draws it).

A library function that takes ``progress`` calls ``progress(step, done, total)``: ``step`` is the
Chinese name of what it is doing, shown to the user; ``done`` of ``total`` units (documents, pages,
files) are finished, ``total`` None when unknown. A call with a new ``step`` means the previous
step is over. Nothing is printed here, so the data flow stays the same with or without it.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]


def silent(step: str, done: int = 0, total: int | None = None) -> None:
    """The progress callback of a caller that does not want any."""
