"""What the binder learns about a source file, remembered by its content.

A rebuild, and above all a long-running ``dossier watch``, binds the same evidence again after
every save. Two things are remembered:

- a file's SHA-256, under its path and ``stat`` (device, inode, size, modification and change
  times in nanoseconds), in memory, and for a file of :data:`ON_DISK` bytes or more also in the
  user cache (kind ``digests``). Writing to a file sets its change time, which no program can
  set back; only a file whose times were at least :data:`SETTLED` seconds old when it was
  looked at is remembered, so a write in the same clock tick cannot go unnoticed (git's "racy
  clean" rule);
- facts derived from a file's content, under the content's SHA-256, in memory: what
  :func:`dossier.util.cache.cached_json` keeps on disk (:func:`facts`: content decodes, seam
  coverage), without reading the disk again, and an input's page boxes (:func:`in_memory`).

A changed file has a new ``stat`` and so a new SHA-256, and nothing learnt about its old
content is served for it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SETTLED = 2.0  # seconds
_LIMIT = 20_000  # entries of each table; past it the table starts again empty

_digests: dict[tuple, str] = {}
_facts: dict[tuple[str, str, str], Any] = {}


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path`` (hex), read again only when its ``stat`` changed.

    A settled file of :data:`ON_DISK` bytes or more also has its digest kept in the user cache
    (kind ``digests``, under its path and ``stat``), so that another process does not read it
    again either: hashing 100 MB of scans costs ~0.08 s; for a small file, reading the entry
    would cost more than hashing.
    """
    from dossier.util.cache import file_digest

    path = os.path.abspath(path)
    st = os.stat(path)
    key = (path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    found = _digests.get(key)
    if found is not None:
        return found
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) >= SETTLED * 1e9
    entry = _entry(key) if settled and st.st_size >= ON_DISK else None
    digest = _read_entry(entry) if entry else None
    if digest is None:
        digest = file_digest(path)
        if entry:
            _write_entry(entry, digest)
    if settled:
        if len(_digests) >= _LIMIT:
            _digests.clear()
        _digests[key] = digest
    return digest


ON_DISK = 1 << 20
_ENTRY_VERSION = "1"


def _entry(key: tuple) -> Path:
    import hashlib

    from dossier.util.cache import cache_dir

    name = hashlib.sha256(repr((_ENTRY_VERSION, *key)).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir("digests") / f"{name}.txt"


def _read_entry(entry: Path) -> str | None:
    import contextlib
    import string

    from dossier.util.cache import touch

    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = entry.read_text("ascii")
        if len(text) == 64 and set(text) <= set(string.hexdigits.lower()):
            touch(entry)
            return text
    return None


def _write_entry(entry: Path, digest: str) -> None:
    import contextlib

    from dossier.util.cache import store

    with contextlib.suppress(OSError):
        store(entry, digest.encode("ascii"))


def known_sha256(path: Path) -> str | None:
    """The remembered SHA-256 of ``path`` if its ``stat`` is unchanged, else None (nothing is read)."""
    path = os.path.abspath(path)
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _digests.get((path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))


def facts(kind: str, path: Path, compute: Callable[[], Any], *, digest: str | None, extra: str = "") -> Any:
    """``cached_json(kind, path, compute, extra, digest)``, remembered in memory too when the
    file's ``digest`` is given. The value is shared: callers must not change it."""
    from dossier.util.cache import cached_json

    if digest is None:
        return cached_json(kind, path, compute, extra=extra)
    key = (kind, digest, extra)
    if key in _facts:
        return _facts[key]
    value = cached_json(kind, path, compute, extra=extra, digest=digest)
    if len(_facts) >= _LIMIT:
        _facts.clear()
    _facts[key] = value
    return value


def in_memory(kind: str, digest: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered in memory only under ``kind`` and a file's ``digest`` (for
    values that are not JSON, such as the page boxes of an opened input). Shared: callers must
    not change it."""
    key = (kind, digest, "")
    if key not in _facts:
        if len(_facts) >= _LIMIT:
            _facts.clear()
        _facts[key] = compute()
    return _facts[key]


def forget() -> None:
    """Empty both tables (tests)."""
    _digests.clear()
    _facts.clear()
