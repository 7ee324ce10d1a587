"""SIGTERM handled like Ctrl-C: raised as an exception, so that every ``finally`` and ``except
BaseException`` runs (LibreOffice killed, staging folders and temporary profiles removed).

Python's default for SIGTERM is to die at once, skipping all cleanup. Installed by the CLI (the
edge of the program), and by :mod:`dossier.batch` in the worker processes it starts.

:func:`deferred` keeps Ctrl-C and SIGTERM out of a block that must not be cut halfway, such as
pikepdf's first import: its C++ module aborts the process when interrupted while it initialises.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def _raise(signum, frame) -> None:
    raise Terminated()


def raise_on_sigterm() -> None:
    """Make SIGTERM raise :class:`Terminated` in the main thread (nothing elsewhere or without SIGTERM)."""
    if hasattr(signal, "SIGTERM") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """SIGINT and SIGTERM that arrive inside the block are raised when it ends, as the handlers in place
    would have raised them then (one whose handler is the default is sent again, with its default
    effect).

    For what must not be interrupted halfway: when KeyboardInterrupt is raised while pikepdf's C++
    module (pybind11) initialises, the process aborts (exit -6) or the import fails ("pikepdf's
    extension library failed to import"), both seen when a build was interrupted at random moments.
    Python runs signal handlers in the main thread only; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    signals = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    previous = {s: signal.getsignal(s) for s in signals}
    for s in signals:
        signal.signal(s, lambda signum, _frame: got.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if got:
            handler = previous[got[0]]
            if callable(handler):
                handler(got[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(got[0])

