"""Inputs kept open from one binding to the next, for a long-running ``dossier watch``, and opened
ahead of a binding while the process would otherwise wait (a build, while LibreOffice converts:
:func:`dossier.bind.volume.open_ahead` and :meth:`KeptSources.hold`).

A watched project is bound again after every save, and a save of ``enterprise.yaml`` leaves the
evidence as it was: opening the sample's 138 PDFs, reading them for active content and wrapping
each page as a Form XObject cost ~0.13 s of CPU of every round's 0.47 s binding (measured on a
loaded 2-core machine). :class:`KeptSources` keeps each opened PDF (with its wrapped pages) and
hands it to the next binding when the file is provably the same:

- its ``stat`` (path, device, inode, size, modification and status-change times) gives the SHA-256
  :func:`dossier.util.cache.known_digest` remembers, and that is the digest the source was opened
  with. Any write changes the status-change time, which no program can set back, and a file
  written in the last two seconds has no remembered digest (see
  :func:`dossier.util.cache.content_digest`), so a changed file is always opened afresh;
- it was wrapped whole by the previous binding or ahead of this one (a binding that failed
  half-way leaves its sources closed, never half-wrapped for the next one).

The volume bound from kept sources is the same file, byte for byte, as one bound from freshly
opened ones: the same wrapped page objects are copied into a new volume. Only PDFs are kept (a
photo or OFD is drawn into a PDF in a temporary folder); a source no binding asked for is closed.
Nothing is kept on Windows, where a file held open cannot be replaced by the user's editor.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from dossier.bind.intake import Source, open_source


class KeptSources:
    """Opened PDF inputs, kept between bindings while their content is unchanged (see the module)."""

    def __init__(self) -> None:
        self._kept: dict[str, Source] = {}  # absolute path → the source as last bound
        self.reused = 0  # sources the last binding took from an earlier one (tests, the bench, watch -v)
        self.ahead = 0  # sources the last binding took from :meth:`hold` (opened while it waited)
        self._reusing = 0
        self._taking_ahead = 0
        self._fresh: set[str] = set()  # held by :meth:`hold`, not yet taken by a binding

    def open(self, path: Path, file: str, *, password: str | None, **options) -> Source:
        """:func:`dossier.bind.intake.open_source` of ``path``, or the kept source of the same path,
        content, name and password, already read and wrapped (pointing at ``path`` as given now)."""
        from dossier.util.cache import known_digest

        where = os.path.abspath(path)
        kept = self._kept.get(where)
        if (
            kept is not None and kept.forms is not None and kept.file == file and kept.password == password
            and isinstance(kept.digest, str) and known_digest(path) == kept.digest
        ):
            if where in self._fresh:
                self._fresh.discard(where)
                self._taking_ahead += 1
            else:
                self._reusing += 1
            return replace(kept, path=Path(path))
        return open_source(path, file, password=password, **options)

    def holds(self, path: Path) -> bool:
        """Whether a source of ``path`` is kept (:meth:`open` then says whether it can serve)."""
        return os.path.abspath(path) in self._kept

    def keep(self, sources: list[Source]) -> None:
        """After a binding (done or failed) that opened ``sources`` through :meth:`open`: keep those
        that may serve the next binding, and close every other source, of this binding or kept before."""
        kept: dict[str, Source] = {}
        for s in sources:
            digest = _keepable(s)
            if digest is not None:
                kept[os.path.abspath(s.path)] = replace(s, digest=digest)
        keep = {id(s.pdf) for s in kept.values()}
        closed: set[int] = set()
        for s in [*sources, *self._kept.values()]:
            if id(s.pdf) not in keep and id(s.pdf) not in closed:
                closed.add(id(s.pdf))
                s.pdf.close()
        self._kept = kept
        self.reused, self._reusing = self._reusing, 0
        self.ahead, self._taking_ahead = self._taking_ahead, 0
        self._fresh.clear()

    def hold(self, sources: list[Source]) -> None:
        """Keep ``sources`` as well, beside what is kept already: PDFs opened through :meth:`open`
        and wrapped ahead of a binding (:func:`dossier.bind.volume.open_ahead`), for the binding to
        take (counted in :attr:`ahead`, not :attr:`reused`). A source that cannot serve it is closed;
        one :meth:`open` took from here stays, and is counted as reused when the binding takes it."""
        for s in sources:
            path = os.path.abspath(s.path)
            old = self._kept.get(path)
            if old is not None and old.pdf is s.pdf:
                self._reusing -= 1  # counted by open(): the binding counts it when it takes it
                continue
            digest = _keepable(s)
            if digest is None:
                s.pdf.close()
                continue
            if old is not None:
                old.pdf.close()
            self._kept[path] = replace(s, digest=digest)
            self._fresh.add(path)

    def close(self) -> None:
        """Close every kept source."""
        for s in self._kept.values():
            s.pdf.close()
        self._kept = {}


def _keepable(s: Source) -> str | None:
    """The SHA-256 the source ``s`` is kept by, or None when it cannot serve a later binding: not a
    PDF, not read and wrapped whole, its content not known to be the file's now, or on Windows."""
    from dossier.util.cache import known_digest

    if os.name != "posix" or s.kind != "pdf" or s.forms is None or len(s.forms) != len(s.pages) or s.active is None:
        return None
    digest = _digest(s)
    return digest if digest is not None and known_digest(s.path) == digest else None


def _digest(source: Source) -> str | None:
    """The source's SHA-256 when it is known by now (a binding that failed may have left it
    uncomputed, or failed computing it), else None."""
    if isinstance(source.digest, str):
        return source.digest
    try:
        return source.digest.result() if source.digest.done() else None
    except Exception:  # noqa: BLE001 - cancelled, or the file could not be read: not kept
        return None
