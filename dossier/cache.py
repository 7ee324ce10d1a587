"""A small on-disk cache of values derived from file contents (keyed by SHA-256).

Used where reading a file is slow and its content rarely changes: the text of e-invoice PDFs,
font subsets. A cached value is exactly what a fresh computation gives, so output never
depends on the cache; a broken or unwritable cache is ignored. Location:
``$DOSSIER_CACHE_DIR`` or the user's cache folder (``~/.cache/dossier`` on Linux,
``%LOCALAPPDATA%\\dossier`` on Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dossier import atomic

VERSION = "1"


def cache_dir(kind: str) -> Path:
    root = os.environ.get("DOSSIER_CACHE_DIR")
    if root:
        return Path(root) / kind
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "dossier" / kind
    home = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(home) / "dossier" / kind


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cached_json(
    kind: str, path: Path, compute: Callable[[], Any], extra: str = "", digest: str | None = None
) -> Any:
    """``compute()`` for the file at ``path``, remembered by the file's content hash (and by
    ``extra``, for whatever else the result depends on).

    ``compute`` must return JSON-serialisable data (strings for Decimals and dates). ``digest``
    is the file's SHA-256 (:func:`file_digest`) when the caller has it already.
    """
    key = f"{VERSION}-{digest or file_digest(path)}"
    if extra:
        key += "-" + hashlib.sha256(extra.encode("utf-8")).hexdigest()[:16]
    target = cache_dir(kind) / f"{key}.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(target.read_text(encoding="utf-8"))["value"]
    value = compute()
    with contextlib.suppress(OSError):
        atomic.write_text(target, json.dumps({"value": value}, ensure_ascii=False))
    return value
