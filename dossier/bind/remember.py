"""What the binder learns about a source file, remembered by its content.

A rebuild, and above all a long-running ``dossier watch``, binds the same evidence again after
every save. A file's SHA-256 is remembered under its ``stat`` by
:func:`dossier.util.cache.content_digest` (``check`` uses the same one); what is remembered here
is facts derived from a file's content, under that SHA-256, in memory: what
:func:`dossier.util.cache.cached_json` keeps on disk (:func:`facts`: content decodes, seam
coverage), without reading the disk again, and an input's page boxes (:func:`in_memory`).

A changed file has a new ``stat`` and so a new SHA-256, and nothing learnt about its old
content is served for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

_LIMIT = 20_000  # entries of each table; past it the table starts again empty

_facts: dict[tuple[str, str, str], Any] = {}


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
    """Empty the table (tests)."""
    _facts.clear()
