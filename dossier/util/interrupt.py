"""SIGTERM handled like Ctrl-C: raised as an exception, so that every ``finally`` and ``except
BaseException`` runs (LibreOffice killed, staging folders and temporary profiles removed).

Python's default for SIGTERM is to die at once, skipping all cleanup. Installed by the CLI (the
edge of the program), and by :mod:`dossier.batch` in the worker processes it starts.
"""

from __future__ import annotations

import signal
import threading


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def _raise(signum, frame) -> None:
    raise Terminated()


def raise_on_sigterm() -> None:
    """Make SIGTERM raise :class:`Terminated` in the main thread (nothing elsewhere or without SIGTERM)."""
    if hasattr(signal, "SIGTERM") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise)
