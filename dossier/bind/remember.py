"""What the binder learns about a source file, remembered by its content.

A rebuild, and above all a long-running ``dossier watch``, binds the same evidence again after
every save. A file's SHA-256 is remembered under its ``stat`` by
:func:`dossier.util.cache.content_digest` (``check`` uses the same one); what is remembered under
that SHA-256, in memory: what :func:`dossier.util.cache.cached_json` keeps on disk (:func:`facts`:
content decodes, seam coverage; kept by :func:`dossier.util.cache.remembered_json`, as ``check``
keeps its facts), without reading the disk again, and an input's page boxes (:func:`in_memory`).

A changed file has a new ``stat`` and so a new SHA-256, and nothing learnt about its old
content is served for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

_LIMIT = 20_000  # entries of the table; past it the table starts again empty

_facts: dict[tuple[str, str], Any] = {}


def facts(kind: str, path: Path, compute: Callable[[], Any], *, digest: str | None, extra: str = "") -> Any:
    """``cached_json(kind, path, compute, extra, digest)``, remembered in memory too when the
    file's ``digest`` is given (:func:`dossier.util.cache.remembered_json`). The value is shared:
    callers must not change it."""
    from dossier.util.cache import cached_json, remembered_json

    if digest is None:
        return cached_json(kind, path, compute, extra=extra)
    return remembered_json(kind, path, compute, extra=extra, digest=digest)


def in_memory(kind: str, digest: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered in memory only under ``kind`` and a file's ``digest`` (for
    values that are not JSON, such as the page boxes of an opened input). Shared: callers must
    not change it."""
    key = (kind, digest)
    if key not in _facts:
        if len(_facts) >= _LIMIT:
            _facts.clear()
        _facts[key] = compute()
    return _facts[key]


def forget() -> None:
    """Forget what this process learnt of files' content (tests: as a new process)."""
    from dossier.util.cache import forget_remembered

    _facts.clear()
    forget_remembered()
