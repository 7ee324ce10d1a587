"""Conversions started before the build asks for them: one mechanism for ``dossier build`` and ``dossier watch``.

LibreOffice is another process, so a document is best handed to it as soon as it is rendered, while
this process goes on checking and rendering. :class:`EarlyConversions` does that with any office
given as a function ``convert(docs, font_pairs) -> [raw PDF bytes]`` (the signature of
:func:`dossier.documents.convert.convert_all`'s ``runner``), or with several such offices that share
the work: the offices a build keeps running between builds (:func:`dossier.documents.convert.kept_converter`,
one per slot), or the office ``dossier watch`` keeps for itself
(:meth:`dossier.documents.warm_office.WarmOffice.convert`).

- :meth:`EarlyConversions.start` writes the documents into a scratch folder and queues their
  conversion; each office has a thread that takes the next queued job when its office is free (one
  job at a time per office), and each PDF is then post-processed
  (:func:`dossier.documents.convert.deterministic_pdf`) on another thread, while the office
  converts the next document.
- :meth:`EarlyConversions.take` gives :func:`~dossier.documents.convert.convert_all` the finished
  PDF of a started conversion whose .docx bytes and font replacements equal the build's (anything
  else, a failed conversion included, is converted by the build as usual, which reports errors).
  So a build's output is the one it would make without early conversions.
- :meth:`EarlyConversions.convert` has an office convert, in turn after what is queued: a
  ``runner`` for the documents nothing started.

The threads are daemons: a build that fails or is interrupted does not wait for a conversion.
"""

from __future__ import annotations

import hashlib
import json
import queue
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path

Runner = Callable[[list[Path], dict[str, str]], list[bytes]]


def docx_key(data: bytes, pairs: dict[str, str]) -> str:
    """What a started conversion is remembered by: the .docx's bytes and the font replacements."""
    return hashlib.sha256(data + json.dumps(pairs, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class _Offices:
    """One daemon thread per office, taking the jobs put here in order: a job is ``fn(office, *args)``
    run on whichever thread is free, with that thread's office, its result or error in a Future.
    ``ready[i]``, when given, is asked on office ``i``'s thread before it takes a job: False, and
    that office takes none (the others do the work)."""

    def __init__(self, offices: Sequence[Runner], name: str,
                 ready: Sequence[Callable[[], bool] | None] | None = None) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._closed = False
        ready = list(ready or [None] * len(offices))
        self._threads = [threading.Thread(target=self._run, args=(office, ok), name=f"{name}-{i}", daemon=True)
                         for i, (office, ok) in enumerate(zip(offices, ready, strict=True))]
        for t in self._threads:
            t.start()

    def submit(self, fn: Callable[..., object], *args: object) -> Future:
        future: Future = Future()
        if self._closed:
            future.cancel()
            future.set_running_or_notify_cancel()
        else:
            self._queue.put((future, fn, args))
        return future

    def _run(self, office: Runner, ready: Callable[[], bool] | None) -> None:
        if ready is not None:
            try:
                usable = ready()
            except Exception:  # noqa: BLE001 - an office that cannot say is not used
                usable = False
            if not usable:
                return
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, fn, args = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(office, *args))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever reads the Future
                future.set_exception(exc)

    def cancel(self) -> None:
        """Start nothing queued any more (the running jobs go on)."""
        self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)

    def join(self, timeout: float | None) -> None:
        for t in self._threads:
            t.join(timeout)


class EarlyConversions:
    """Conversions by ``convert`` (an office, or a list of offices sharing the work) started before the
    build asks for them, remembered by the .docx's bytes and font replacements (see the module's
    docstring). ``folder``: where started documents are written (LibreOffice reads files), made by
    the first :meth:`start` if need be; each batch's subfolder goes when its conversion ends, :meth:`close` removes the folder. ``finish(pdf) -> pdf``: the post-processing of a raw PDF (default
    :func:`dossier.documents.convert.deterministic_pdf`). ``used``: the documents taken since the last
    :meth:`forget` (for tests and the benches). ``ready``: per office, whether it is to be used, asked
    on its own thread before its first job (:class:`_Offices`); at least one office must take jobs."""

    def __init__(self, convert: Runner | Sequence[Runner], folder: Path, finish: Callable[[bytes], bytes] | None = None,
                 timeout: float = 240.0, ready: Sequence[Callable[[], bool] | None] | None = None) -> None:
        self._prepare: Callable[[], None] | None = None
        if finish is None:
            from dossier.documents.convert import deterministic_pdf, load_deterministic

            finish, self._prepare = deterministic_pdf, load_deterministic
        offices = [convert] if callable(convert) else list(convert)
        self._finish = finish
        self.folder = folder
        self.timeout = timeout
        self._office = _Offices(offices, "dossier-convert", ready)
        self._post = _Offices([_nothing], "dossier-convert-finish")
        self._started: dict[str, Future] = {}
        self._batches = 0
        self.used = 0

    def start(self, docs: list[tuple[str, bytes]], pairs: dict[str, str]) -> None:
        """Convert ``docs`` (file name, .docx bytes; distinct names) with the font replacements ``pairs``
        in the next free office; returns at once."""
        if not docs:
            return
        pairs = dict(pairs)
        self._batches += 1
        batch = self.folder / f"{self._batches}-{time.monotonic_ns()}"
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the documents are the user's business
        batch.mkdir()
        paths = []
        for name, data in docs:
            path = batch / name
            path.write_bytes(data)
            paths.append(path)
        finished: list[Future] = [Future() for _ in docs]

        def run(office: Runner) -> None:
            try:
                try:
                    raw = office(paths, pairs)
                finally:
                    shutil.rmtree(batch, ignore_errors=True)
                if len(raw) != len(paths):
                    raise ValueError(f"{len(raw)} PDFs for {len(paths)} documents")
            except BaseException as exc:  # noqa: BLE001 - read by take(), which then leaves it to the build
                for f in finished:
                    f.set_exception(exc)
                return
            for f, pdf in zip(finished, raw, strict=True):
                self._post.submit(lambda _none, pdf: self._finish(pdf), pdf).add_done_callback(lambda done, f=f: _copy(done, f))

        for (_, data), f in zip(docs, finished, strict=True):
            self._started[docx_key(data, pairs)] = f
        self._office.submit(run)
        if self._prepare is not None:  # the post-processing's imports, while the office converts
            self._post.submit(lambda _none, prepare=self._prepare: prepare())
            self._prepare = None

    def take(self, data: bytes, pairs: dict[str, str]) -> bytes | None:
        """The post-processed PDF of a started conversion of the .docx bytes ``data`` with ``pairs``
        (waiting for it), or None: none was started, or it failed (the caller converts it again and
        reports what goes wrong)."""
        started = self._started.pop(docx_key(data, dict(pairs)), None)
        if started is None:
            return None
        try:
            pdf = started.result(self.timeout)
        except Exception:  # noqa: BLE001 - converted again by the caller (Ctrl-C is not caught: it stops the build)
            return None
        self.used += 1
        return pdf

    def convert(self, docs: list[Path], font_pairs: dict[str, str] | None = None) -> list[bytes]:
        """Raw PDF bytes of ``docs``, converted by the next free office after what is queued."""
        return self._office.submit(_call, list(docs), dict(font_pairs or {})).result()  # type: ignore[return-value]

    def later(self, fn: Callable[..., object], *args: object) -> None:
        """Run ``fn(*args)`` on a conversion thread, after what is queued (its result is not read)."""
        self._office.submit(lambda _office, *a: fn(*a), *args)

    def forget(self) -> None:
        """Drop the started conversions no build took (they finish on the thread, unread); ``used`` = 0."""
        self._started.clear()
        self.used = 0

    def cancel(self) -> None:
        """Forget everything and start no further conversion (those running go on)."""
        self._started.clear()
        self._office.cancel()
        self._post.cancel()

    def close(self) -> None:
        """:meth:`cancel`, wait for the running conversion to end, and :meth:`remove` the scratch folder."""
        self.cancel()
        self._office.join(self.timeout)
        self._post.join(self.timeout)
        self.remove()

    def abandon(self, wait: float = 5.0) -> None:
        """:meth:`cancel`, wait (up to ``wait`` seconds) for the post-processing of a PDF under way but
        not for the office, and :meth:`remove` the scratch folder: for a build that failed or was
        interrupted. The post-processing runs pikepdf on a daemon thread; one still inside pikepdf's
        C++ when the interpreter ends aborts the process ("terminate called without an active
        exception", exit -6)."""
        self.cancel()
        self._post.join(wait)
        self.remove()

    def remove(self) -> None:
        """Remove the scratch folder (at once: a conversion still running then fails, unread)."""
        for _ in range(3):
            shutil.rmtree(self.folder, ignore_errors=True)
            if not self.folder.exists():
                break  # else an office moved a PDF in while it was being removed: once more


def _nothing(*_args: object) -> None:
    """The post-processing thread's "office": it has none."""


def _call(office: Runner, docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
    """The job of :meth:`EarlyConversions.convert`: the office of the thread that runs it converts."""
    return office(docs, pairs)


def _copy(source: Future, target: Future) -> None:
    from concurrent.futures import CancelledError

    if source.cancelled():
        target.set_exception(CancelledError())
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())
