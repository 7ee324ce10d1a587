"""Progress of a long verb on stderr: a live rich display on a terminal, one plain line per step
otherwise (a log, a pipe, CI), nothing when switched off (``-q``, ``--json``).

The library reports through a callback (:mod:`dossier.util.progress`); this module only draws it.
On a terminal every step keeps its line: name, bar, ``n/N`` (documents, pages, files) and the
time it took, so that the finished display is a record of where the time went.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from dossier.util.progress import Progress, silent


@contextlib.contextmanager
def progress_display(enabled: bool = True, *, stream: TextIO | None = None) -> Iterator[Progress]:
    """Yield the callback to pass to the library; ``stream`` defaults to stderr."""
    stream = stream or sys.stderr
    if not enabled:
        yield silent
    elif _is_terminal(stream):
        with _live(stream) as progress:
            yield progress
    else:
        yield _plain(stream)


def _is_terminal(stream: TextIO) -> bool:
    """As rich decides it: a TTY, or what ``TTY_COMPATIBLE``/``FORCE_COLOR`` declare one (an IDE's console).

    Without either variable rich's answer is the stream's ``isatty()`` (or False, in Jupyter and
    IDLE), so a stream that is no TTY (a log, a pipe, CI) is answered here without importing
    rich (~30 ms of a short verb's start-up)."""
    import os

    if "TTY_COMPATIBLE" not in os.environ and "FORCE_COLOR" not in os.environ:
        try:
            if not stream.isatty():
                return False
        except (AttributeError, ValueError):
            return False
    from rich.console import Console

    try:
        return Console(file=stream).is_terminal
    except (AttributeError, ValueError):
        return False


def _count(done: int, total: int | None) -> str:
    return f"{done}/{total}" if total else ""


@contextlib.contextmanager
def _live(stream: TextIO) -> Iterator[Progress]:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress as Display, SpinnerColumn, TextColumn, TimeElapsedColumn

    display = Display(
        SpinnerColumn(finished_text="[green]✓[/]"),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        console=Console(file=stream, highlight=False),
        redirect_stdout=False,
        redirect_stderr=False,
    )
    lock = threading.Lock()  # the library may report from a worker thread
    state: dict = {"step": None, "task": None, "total": None}

    def finish() -> None:
        task = state["task"]
        if task is not None:
            total = state["total"]
            display.update(task, total=total or 1, completed=total or 1, count=_count(total or 0, total))
            display.stop_task(task)

    def progress(step: str, done: int = 0, total: int | None = None) -> None:
        with lock:
            if step != state["step"]:
                finish()
                state["step"], state["total"] = step, total
                state["task"] = display.add_task(escape(step), total=total, completed=done, count=_count(done, total))
            else:
                state["total"] = total
                display.update(state["task"], total=total, completed=done, count=_count(done, total))

    display.start()
    try:
        yield progress
        with lock:
            finish()
    finally:
        display.stop()


def _plain(stream: TextIO) -> Progress:
    start = time.monotonic()
    last: list[str] = []

    def progress(step: str, done: int = 0, total: int | None = None) -> None:
        if last and last[0] == step:
            return
        last[:] = [step]
        amount = f"（共 {total} 项）" if total else ""
        stream.write(f"[{time.monotonic() - start:6.1f} 秒] {step}{amount}\n")
        stream.flush()

    return progress
