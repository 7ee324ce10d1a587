"""Atomic output: files and whole folders.

**A file** (:func:`atomic_path`, :func:`write_bytes`, :func:`write_text`) is written to a
temporary file beside the target, fsynced, then renamed onto it: a reader, or a run killed with
SIGKILL, sees either the previous file or the new one, never a half-written file under the final
name. Temporary names start with ``.`` and end with ``.tmp``; :func:`sweep` removes those a killed
run left behind (the user cache is swept when a build prunes it, :func:`dossier.util.cache.prune`).

**A folder** (:func:`staged_folder`) is built in a staging folder beside it
(``.OUT.dossier-new-*``, on the same file system) and swapped in whole once everything is
written. The guarantee: after Ctrl-C, SIGTERM, an exception or SIGKILL at any moment, ``OUT`` is
entirely the previous folder or entirely the new one. One exception, where the atomic exchange
below is unavailable: a SIGKILL that falls between the fallback's two renames leaves no ``OUT``
and the previous one whole beside it, which the next run puts back before it writes anything.
(Files are fsynced before the swap; the folders are not, so after a power cut the file system's
own journal decides.) How:

- A lock (``.OUT.dossier-lock``, ``flock``/``msvcrt``, released by the OS when the process dies)
  admits one writer per ``OUT``; a second one waits for it (two builds of the same project started
  together both finish, one after the other). Holding it, leftovers of killed runs are cleared
  (:func:`recover`): stale staging folders removed, a previous ``OUT`` moved aside by a cut-short
  swap moved back.
- Entries of the old ``OUT`` that the caller says to keep (``carry``: the user's own files, a
  cache, ``build/package``) are hard-linked into the staging folder (copied where the file system
  has no hard links) before the swap, so they survive it and the old ``OUT`` is never modified.
- The swap: on Linux one ``renameat2(RENAME_EXCHANGE)`` exchanges the two folders atomically.
  Elsewhere (Windows refuses to rename a folder onto an existing one; macOS, and Linux file
  systems without the exchange) ``OUT`` is renamed to ``.OUT.dossier-old-*`` and the staging
  folder to ``OUT``, with SIGINT/SIGTERM held back between the two renames; on Windows the first
  rename fails while a program holds a file in ``OUT`` open, and then ``OUT`` stays as it was.
  The old folder is deleted afterwards.
- A symlinked ``OUT`` is resolved: the swap happens at the folder it points to.

A shell whose working folder is inside ``OUT`` is left in the deleted old folder (``cd`` again).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dossier.util.interrupt import held


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    try:
        _make_file(made, target)
        tmp_path = made[0]
        # mkstemp creates 0600; outputs get the ordinary permissions the user's umask gives.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        for tmp_path in made:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
        raise


@held
def _make_file(made: list[Path], target: Path) -> None:
    """A new empty file beside ``target``, appended to ``made`` as :func:`_make_folder` does."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    made.append(Path(tmp))


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` (LF line ends) to ``target`` atomically."""
    return write_bytes(target, text.encode("utf-8"))


def sweep(folder: str | Path, older_than: float = 3600) -> None:
    """Remove temporary files a killed run may have left in ``folder``.

    Only those untouched for ``older_than`` seconds: other dossier processes may be writing into
    the same folder (the user cache is shared), and no atomic write stays open for an hour."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    now = time.time()
    for leftover in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.lstat().st_mtime < older_than:
                continue
            if leftover.is_dir() and not leftover.is_symlink():  # a profile being stored (dossier.documents.convert)
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink()


# ---------------------------------------------------------------- whole folders

NEW, OLD, LOCK = ".dossier-new-", ".dossier-old-", ".dossier-lock"


def _beside(real: Path, kind: str) -> str:
    """The name prefix of ``real``'s staging (NEW), set-aside (OLD) folders or lock (LOCK)."""
    return f".{real.name}{kind}"


@contextlib.contextmanager
def staged_folder(
    target: str | Path, *, carry: Callable[[str], bool] = lambda name: False, waiting: Callable[[], None] | None = None,
) -> Iterator[Path]:
    """Yield an empty staging folder; when the block ends without an exception, it replaces
    ``target`` whole (see the module docstring for the guarantee).

    ``carry(name)``: whether an entry of the old ``target`` that the staging folder does not hold
    is kept in the new one (hard-linked). On any exception the staging folder is removed and
    ``target`` is untouched. When another process is writing ``target``, ``waiting()`` is called
    and the call waits for it to finish.
    """
    target = Path(target)
    real = target.resolve() if target.is_symlink() else Path(os.path.abspath(target))
    real.parent.mkdir(parents=True, exist_ok=True)
    with _locked(real.parent / _beside(real, LOCK), waiting):
        recover(real)
        made: list[Path] = []
        try:
            _make_folder(made, _beside(real, NEW), real.parent)
            stage = made[0]
            os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700; OUT gets the usual permissions
            yield stage
            _carry(real, stage, carry)
            _swap(stage, real)
        except BaseException:
            for stage in made:
                shutil.rmtree(stage, ignore_errors=True)
            raise


def recover(real: Path) -> None:
    """Undo what a killed :func:`staged_folder` left beside ``real`` (call it holding the lock)."""
    parent = real.parent
    if not parent.is_dir():
        return
    new, old = _beside(real, NEW), _beside(real, OLD)
    olds = sorted(p for p in parent.iterdir() if p.name.startswith(old))
    if olds and not os.path.lexists(real):
        # Cut between the fallback swap's two renames: the previous folder comes back whole.
        os.rename(olds.pop(), real)
    for p in parent.iterdir():
        if p.name.startswith((new, old)) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _locked(lock: Path, waiting: Callable[[], None] | None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` (created, and removed again on release)."""
    told = False
    while True:
        fh = open(lock, "a+b")
        try:
            if not _try_lock(fh):
                if not told and waiting is not None:
                    waiting()
                told = True
                _wait_lock(fh)
        except BaseException:
            fh.close()
            raise
        # The holder before us may have removed the file between our open and our lock: then we
        # hold a lock on a deleted file, which nobody else sees. Lock the file at the path instead.
        try:
            same = os.path.samestat(os.fstat(fh.fileno()), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        fh.close()
    try:
        yield
    finally:
        # Removed before it is released (POSIX), so no one locks a file that is then deleted.
        # Windows refuses to delete an open file: there it is removed after closing, if no one
        # else has opened it meanwhile.
        if os.name != "nt":
            with contextlib.suppress(OSError):
                lock.unlink()
        fh.close()
        if os.name == "nt":
            with contextlib.suppress(OSError):
                lock.unlink()


def _try_lock(fh) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN, errno.EDEADLK):
            return False
        raise
    return True


def _wait_lock(fh) -> None:
    if os.name == "nt":
        import msvcrt

        while True:
            try:
                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # tries for about 10 s, then raises
                return
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EDEADLK):
                    raise
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def _carry(old: Path, new: Path, carry: Callable[[str], bool]) -> None:
    if not old.is_dir():
        return
    for entry in sorted(os.scandir(old), key=lambda e: e.name):
        dst = new / entry.name
        if os.path.lexists(dst) or not carry(entry.name):
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), dst)
        elif entry.is_dir():
            shutil.copytree(entry.path, dst, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry.path, dst)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # no hard links here (FAT, some network drives)
        shutil.copy2(src, dst)


def _swap(stage: Path, real: Path) -> None:
    """Put ``stage`` in the place of ``real``, then delete what was there."""
    if not os.path.lexists(real):
        os.rename(stage, real)
        return
    if _exchange(stage, real):
        shutil.rmtree(stage, ignore_errors=True)  # holds the previous folder now
        return
    old = Path(tempfile.mkdtemp(prefix=_beside(real, OLD), dir=real.parent))
    old.rmdir()  # only the unique name is wanted
    with _signals_held():
        os.rename(real, old)
        try:
            os.rename(stage, real)
        except BaseException:
            os.rename(old, real)
            raise
    shutil.rmtree(old, ignore_errors=True)  # what cannot be deleted now (Windows), recover() deletes later


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically with Linux's ``renameat2``; False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # glibc < 2.28, musl
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):  # the file system cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block; one that arrived is raised after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    wanted = [s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s is not None]
    saved = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in wanted}
    try:
        yield
    finally:
        for s, handler in saved.items():
            if handler is not None:  # None: a handler not set from Python, which cannot be put back
                signal.signal(s, handler)
        if caught:
            signal.raise_signal(caught[0])


@contextlib.contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder (in ``$TMPDIR``), removed afterwards even when the removal itself is
    interrupted by Ctrl-C or SIGTERM: it is finished, then the interruption goes on.
    (``tempfile.TemporaryDirectory`` leaves the rest of the folder behind then.)"""
    made: list[Path] = []
    try:
        _make_folder(made, prefix)
        yield made[0]
    finally:
        for path in made:
            _remove_tree(path)


@held
def _make_folder(made: list[Path], prefix: str, parent: Path | None = None) -> None:
    """A new temporary folder (0700), appended to ``made`` before Ctrl-C or SIGTERM can be raised:
    the caller's ``try`` removes it whenever it is there (see dossier.util.interrupt)."""
    made.append(Path(tempfile.mkdtemp(prefix=prefix, dir=parent)))


def _remove_tree(path: Path) -> None:
    try:
        shutil.rmtree(path, ignore_errors=True)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
