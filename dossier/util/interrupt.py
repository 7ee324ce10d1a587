"""Ctrl-C and SIGTERM raised as exceptions in the main thread, but never where Python breaks when one is.

Python's default for SIGTERM is to die at once, skipping all cleanup; here it raises
:class:`Terminated` (a KeyboardInterrupt), so that every ``finally`` and ``except BaseException``
runs (LibreOffice killed, staging folders and temporary profiles removed). Installed by the CLI
(the edge of the program), and by :mod:`dossier.batch` in the worker processes it starts.

Python raises a signal's exception at whatever the main thread runs then. In three places that was
seen to go wrong, in builds interrupted at random moments:

- Inside an import. In the import system's own bookkeeping (the weak-reference callback that drops
  a module's lock takes the global import lock, then enters ``try``), the exception is swallowed,
  as any in a weak-reference callback is, and the global import lock stays held by the main thread:
  the build went on, and the next import on another thread waited for that lock forever, while the
  main thread waited for a module that thread was importing. Deadlock, Ctrl-C lost. While pikepdf's
  C++ module (pybind11) initialised, the process aborted (exit -6) or the import failed.
- Inside ``Thread.join()`` (CPython up to 3.12, ``Thread._wait_for_tstate_lock``): when the wait is
  cut by an exception and the thread's lock is found held, the lock is taken to be the caller's
  (bpo-45274), released, and the thread marked as ended, though it runs on. The interpreter's exit
  then no longer waits for it, and it is killed halfway: the folder it had made in the temporary
  folder (``dossier-ahead-*``) was left there.
- Inside tempfile's first look for the temporary folder (``tempfile._get_default_tempdir``), which
  writes a file of a random name there and deletes it: cut in between, the file was left.

So a signal that arrives there is not raised: it is delivered again a few milliseconds later,
until the main thread is out of the import, the join or the probe. The same holds for functions
marked :func:`held`: the few lines that make something (a temporary folder) and hand it to whoever
removes it, where an exception in between would leave it behind.
"""

from __future__ import annotations

import _thread
import signal
import threading
from collections.abc import Callable
from types import FrameType

RETRY_SECONDS = 0.005  # how soon a held-back signal is tried again: it waits for the end, not much longer

_IMPORT_SYSTEM = frozenset({"importlib._bootstrap", "importlib._bootstrap_external"})
# Functions an exception must not cut, as (module, qualified name): the standard library's join
# wait (gone in 3.13) and tempfile's first look for the temporary folder, which creates a file of a
# random name there, writes it and deletes it (cut in between, the file was left behind); then the
# functions marked held().
_HELD = {("threading", "Thread._wait_for_tstate_lock"), ("tempfile", "_get_default_tempdir")}


def held(func: Callable) -> Callable:
    """Mark ``func``: while it runs (with what it calls), Ctrl-C and SIGTERM are held back, and raised
    once it has returned. For short functions only, that never wait for anything."""
    _HELD.add((func.__module__, func.__qualname__))
    return func


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def install() -> None:
    """In the main thread: Ctrl-C raises KeyboardInterrupt and SIGTERM raises :class:`Terminated`,
    each only where the main thread is :func:`interruptible`. Elsewhere, nothing."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, _on_signal)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _on_signal)


def interruptible(frame: FrameType | None) -> bool:
    """Whether an exception may be raised in ``frame``: neither it nor a frame that called it belongs
    to the import system (which runs the imported module's own code too), waits in
    ``Thread.join()``, probes the temporary folder or is a :func:`held` function's (see the
    module's docstring)."""
    while frame is not None:
        module = frame.f_globals.get("__name__")
        if module in _IMPORT_SYSTEM or (module, frame.f_code.co_qualname) in _HELD:
            return False
        frame = frame.f_back
    return True


def deliver_later(signum: int) -> None:
    """Have the main thread's handler of ``signum`` called again in :data:`RETRY_SECONDS`: for a
    handler that found the main thread where it may not raise (:func:`interruptible`)."""
    retry = threading.Timer(RETRY_SECONDS, _send, (signum,))
    retry.daemon = True  # nothing to wait for at exit: the signal is raised, or the process ends
    retry.start()


def _send(signum: int) -> None:
    if hasattr(signal, "pthread_kill"):
        # A real signal: it also ends the system call the main thread waits in (a sleep, a read),
        # which _thread.interrupt_main, that only marks the handler to be called, does not.
        signal.pthread_kill(threading.main_thread().ident, signum)
    else:
        _thread.interrupt_main(signum)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if not interruptible(frame):
        deliver_later(signum)
        return
    if signum == getattr(signal, "SIGTERM", None):
        raise Terminated()
    raise KeyboardInterrupt()
