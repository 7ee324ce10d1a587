"""A small on-disk cache of values derived from file contents (keyed by SHA-256).

Used where computing is slow and the input rarely changes: converted PDFs and rendered .docx of
``build``, LibreOffice's profile, the text of e-invoice PDFs, font subsets, thumbnails. A cached
value is exactly what a fresh computation gives, so output never depends on the cache; a broken or
unwritable cache is ignored. Location: ``$DOSSIER_CACHE_DIR`` or the platform's user cache folder
(platformdirs: ``~/.cache/dossier`` on Linux, ``%LOCALAPPDATA%\\dossier\\Cache`` on Windows,
``~/Library/Caches/dossier`` on macOS) — never inside an output folder a user zips or emails.
Its size is capped (``$DOSSIER_CACHE_MAX_MB``, default 1024): :func:`prune` (through :func:`prune_due`,
at most every ten minutes after a build) removes the entries used
least recently first. ``dossier cache info`` / ``dossier cache clear`` show and empty it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = "1"
DEFAULT_MAX_MB = 1024


def root() -> Path:
    """The cache folder: ``$DOSSIER_CACHE_DIR`` or the platform's user cache folder for dossier."""
    # Asked hundreds of times a check or build (every cached value): one Path per setting.
    chosen = os.environ.get("DOSSIER_CACHE_DIR")
    if chosen:
        found = _ROOTS.get(chosen)
        if found is None:
            found = _ROOTS[chosen] = Path(chosen)
        return found
    # platformdirs' answer depends on these.
    key = tuple(os.environ.get(k) for k in ("XDG_CACHE_HOME", "HOME", "LOCALAPPDATA", "USERPROFILE"))
    found = _ROOTS.get(key)
    if found is None:
        import platformdirs

        found = _ROOTS[key] = Path(platformdirs.user_cache_dir("dossier", appauthor=False))
    return found


_ROOTS: dict[str | tuple, Path] = {}


def cache_dir(kind: str) -> Path:
    return root() / kind


def max_bytes() -> int:
    try:
        return max(0, int(float(os.environ.get("DOSSIER_CACHE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024))
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


def touch(path: Path | str) -> None:
    """Mark an entry as just used (eviction goes by modification time, oldest first)."""
    with contextlib.suppress(OSError):
        os.utime(path)


@dataclass(frozen=True)
class Entry:
    path: Path  # a file, or a folder kept as one entry (LibreOffice's profile)
    kind: str
    size: int
    mtime: float


def entries(base: Path | None = None) -> list[Entry]:
    """The cache's entries: the files and folders directly inside each kind's folder."""
    base = base or root()
    out: list[Entry] = []
    with contextlib.suppress(OSError):
        for kind in sorted(p for p in base.iterdir() if p.is_dir()):
            for item in kind.iterdir():
                with contextlib.suppress(OSError):
                    st = item.stat()
                    size = _tree_size(item) if item.is_dir() else st.st_size
                    out.append(Entry(item, kind.name, size, st.st_mtime))
    return out


def _tree_size(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(dirpath, name)).st_size
    return total


def prune(limit: int | None = None, base: Path | None = None) -> list[Entry]:
    """Remove the oldest entries until the cache holds at most ``limit`` bytes; return those removed.

    Entries younger than a minute are kept whatever their size: a build running right now may be
    about to read them back. Temporary files that killed runs left behind are removed first.
    """
    limit = max_bytes() if limit is None else limit
    folder = root() if base is None else base
    from dossier.util import atomic

    for kind in [folder, *(p for p in folder.glob("*") if p.is_dir())] if folder.is_dir() else []:
        atomic.sweep(kind)  # temporary files of killed runs, an hour old
    items = entries(base)
    total = sum(e.size for e in items)
    removed = []
    now = time.time()
    for e in sorted(items, key=lambda e: (e.mtime, str(e.path))):
        if total <= limit:
            break
        if now - e.mtime < 60 or (e.path / "socket").exists():  # the kept office running (documents.kept_office)
            continue
        remove(e.path)
        total -= e.size
        removed.append(e)
    return removed


PRUNE_STAMP = ".pruned"  # in the cache folder; its modification time is the last prune's


def prune_due(every_s: float, limit: int | None = None, base: Path | None = None) -> list[Entry]:
    """:func:`prune`, at most once every ``every_s`` seconds across all dossier processes (the mtime
    of :data:`PRUNE_STAMP`): it stats every entry, ~0.2 s for a cache of a few thousand, which a
    rebuild after each save should not pay. The cap is soft in between: a build may pass it until
    the next prune."""
    folder = root() if base is None else base
    stamp = folder / PRUNE_STAMP
    with contextlib.suppress(OSError):
        if time.time() - stamp.stat().st_mtime < every_s:
            return []
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp)
    return prune(limit, base)


def remove(path: Path) -> None:
    import shutil  # here: a check removes nothing, and shutil (with bz2 and lzma) is ~3 ms to import

    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def clear(base: Path | None = None) -> int:
    """Empty the cache; the number of bytes freed."""
    items = entries(base)
    for e in items:
        remove(e.path)
    return sum(e.size for e in items)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# A file's digest, remembered by what ``stat`` says of it (see content_digest). Loaded once per process.
_DIGESTS: dict[str, str] | None = None
_DIGESTS_NEW: dict[str, str] = {}
MAX_DIGESTS = 5_000  # entries kept in the index (~0.7 MB); past that it starts afresh
# A file changed this recently is hashed and not remembered: the kernel stamps writes with a
# coarse clock (a timer tick), so a second write within the same tick could leave stat unchanged.
SETTLE_NS = 2_000_000_000


def content_digest(path: Path) -> str:
    """:func:`file_digest`, remembered in the user cache by the file's path, device, inode, size,
    modification and status-change times: ``check`` looks up every evidence PDF, photo and video
    in this cache on each run, and hashing them all (~15 MB for a sample) cost ~30 ms.

    Any write to a file changes its status-change time (which no program can set back) and
    usually its size and modification time; a file replaced by another gets a new inode. A file
    written less than :data:`SETTLE_NS` ago is not remembered (git's "racy" rule), so a second
    write within the same clock tick is not missed.
    """
    st = os.stat(path)
    key = _digest_key(path, st)
    index = _digest_index()
    if key in index:
        return index[key]
    digest = file_digest(path)
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLE_NS:
        if not _DIGESTS_NEW:
            import atexit

            atexit.register(_save_digests)
        index[key] = _DIGESTS_NEW[key] = digest
    return digest


def known_digest(path: Path) -> str | None:
    """:func:`content_digest`'s remembered answer for ``path`` while its ``stat`` is unchanged, else
    None; the file is not read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _digest_index().get(_digest_key(path, st))


def _digest_key(path: Path, st: os.stat_result) -> str:
    # A name that is not UTF-8 (a GBK zip unpacked) is written escaped: the index is UTF-8 JSON.
    name = os.path.abspath(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return f"{name}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"


def _digest_file() -> Path:
    return cache_dir("digests") / f"{VERSION}-index.json"


def _digest_index() -> dict[str, str]:
    global _DIGESTS
    if _DIGESTS is None:
        try:
            _DIGESTS = dict(json.loads(_digest_file().read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            _DIGESTS = {}
    return _DIGESTS


def _save_digests() -> None:
    """Add this process's new digests to the index on disk (another process's, written
    meanwhile, are kept: the file is read again first; the older states of a file are dropped)."""
    if not _DIGESTS_NEW:
        return
    target = _digest_file()
    try:
        on_disk = dict(json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        on_disk = {}
    paths = {key.split("\0", 1)[0] for key in _DIGESTS_NEW}  # a file's older states are dropped
    on_disk = {k: v for k, v in on_disk.items() if k.split("\0", 1)[0] not in paths}
    if len(on_disk) + len(_DIGESTS_NEW) > MAX_DIGESTS:
        on_disk = {}
    on_disk.update(_DIGESTS_NEW)
    _DIGESTS_NEW.clear()
    with contextlib.suppress(OSError):
        store(target, json.dumps(on_disk, ensure_ascii=False).encode("utf-8"))


def cached_json(
    kind: str, path: Path, compute: Callable[[], Any], extra: str = "", digest: str | None = None
) -> Any:
    """``compute()`` for the file at ``path``, remembered by the file's content hash (and by
    ``extra``, for whatever else the result depends on).

    ``compute`` must return JSON-serialisable data (strings for Decimals and dates). ``digest``
    is the file's SHA-256 (:func:`file_digest`) when the caller has it already; otherwise it is
    :func:`content_digest`'s.
    """
    key = f"{VERSION}-{digest or content_digest(path)}"
    if extra:
        key += "-" + _extra_key(extra)
    # A string path, not a Path: a check reads ~150 entries, and building the Paths for each was
    # about a fifth of the time of reading it.
    target = os.path.join(root(), kind, key + ".json")
    with contextlib.suppress(OSError, ValueError):
        with open(target, "rb") as fh:
            value = json.loads(fh.read().decode("utf-8"))["value"]
        touch(target)
        return value
    value = compute()
    with contextlib.suppress(OSError):
        store(Path(target), json.dumps({"value": value}, ensure_ascii=False).encode("utf-8"))
    return value


@functools.lru_cache(maxsize=256)
def _extra_key(extra: str) -> str:
    # The same few ``extra`` texts (a password, a photo's limits) come with every file of a check.
    return hashlib.sha256(extra.encode("utf-8")).hexdigest()[:16]


# Values of :func:`remembered_json` in this process: (cache folder, kind, content digest, extra) → value.
_REMEMBERED: dict[tuple[str, str, str, str], Any] = {}
_REMEMBERED_LIMIT = 20_000  # entries; past it the table starts again empty


def remembered_json(kind: str, path: Path, compute: Callable[[], Any], extra: str = "", *,
                    digest: str | None = None) -> Any:
    """:func:`cached_json`, kept in this process's memory too, under the file's content digest
    (``digest`` when the caller has it, else :func:`content_digest`, which knows an unchanged file
    by its ``stat``): ``dossier watch`` checks and binds the same evidence after every save, and
    reading its ~185 entries from the disk was about a tenth of its check. A changed file has
    another ``stat``, so another digest, and nothing remembered of its old content is served for
    it. Kept per cache folder, as the disk keeps it. The value is shared: callers must not change it."""
    digest = digest or content_digest(path)
    memo = (os.fspath(root()), kind, digest, extra)
    if memo in _REMEMBERED:
        return _REMEMBERED[memo]
    value = cached_json(kind, path, compute, extra=extra, digest=digest)
    if len(_REMEMBERED) >= _REMEMBERED_LIMIT:
        _REMEMBERED.clear()
    _REMEMBERED[memo] = value
    return value


def forget_remembered() -> None:
    """Empty what :func:`remembered_json` keeps in memory (tests: as a new process)."""
    _REMEMBERED.clear()


@functools.lru_cache(maxsize=None)
def module_fingerprint(name: str) -> bytes:
    """The source of an installed package's ``__init__.py`` (which states its version), found
    without importing the package: part of the key of entries that package's behaviour made.
    Read once a process (a check asks for ruamel's with every programme and catalogue file it
    reads): a package upgraded while a process runs is seen by the next process."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
        return Path(spec.origin).read_bytes() if spec and spec.origin else name.encode()
    except (ImportError, OSError, ValueError):
        return name.encode()


def store(target: Path, data: bytes) -> None:
    """Write a cache entry: to a temporary file renamed onto ``target`` (a reader never sees half
    an entry), but not fsynced as outputs are. A cold build writes hundreds of small entries and
    the syncs took seconds of it; an entry that a power cut leaves empty or cut short does not
    parse, and is computed again (callers read entries with a check, as :func:`cached_json` does)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_file(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _new_file(target: Path) -> tuple[int, str]:
    """A new, empty file beside ``target``, named ``.NAME.RANDOM.tmp`` (swept like atomic's), open
    for writing: what ``tempfile.mkstemp`` makes, without importing tempfile, which imports shutil
    (with bz2 and lzma, ~5 ms): a check after an edit stores one entry and nothing else of them."""
    while True:
        tmp = os.path.join(target.parent, f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _EXCLUSIVE, 0o600), tmp
        except FileExistsError:
            continue  # 48 random bits taken: another name
