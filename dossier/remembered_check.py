"""A check remembered in the user cache: ``dossier check --no-report`` of a project in which nothing
has changed answers from the cache, without loading the application again (importing pydantic and
building the application's models is about half of a check's time on a sample).

A check reads the project folder (enterprise.yaml, evidence/, media/, finance/, templates/, ...),
the programme, dossier's code and data, the libraries that read PDFs, images and video, and today's
date. The key is a digest of all of them: every entry of the project folder by path, size, mtime,
ctime and inode; every file of the dossier package the same way; the names of the installed
distributions (which carry their versions) and Python's version; the folder as given and resolved;
today. Any file added, removed or written anywhere in the project folder gives another key.

Nothing is remembered (the check runs as always) when the check could read a file outside those:
when enterprise.yaml ``extends`` another file or the programme is a file, or when the project
folder holds a symbolic link or anything but files and folders. Nor when a file in the folder or
of dossier's code was written in the last two seconds (:data:`dossier.util.cache.SETTLE_NS`): the kernel stamps writes
with a timer tick, so a second write within the same tick could leave a file's stat unchanged.
Unusable input (InputError) is never remembered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.util.findings import Finding, exit_code

VERSION = 1
MAX_ENTRIES = 20_000  # a folder this large is checked afresh: walking it would cost what remembering saves


@dataclass(frozen=True)
class CheckSummary:
    """What ``check`` prints of a :class:`dossier.check.CheckResult`, as plain values."""

    heading: list[str]  # the lines above the findings (:func:`dossier.cli.output.check_heading`)
    data: dict[str, Any]  # CheckResult.to_json(), as JSON gives it back
    findings: list[Finding]

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)


def summarize(result: Any, heading: Callable[[Any], list[str]]) -> CheckSummary:
    # Through JSON (str() for what JSON has no type for, as the CLI's envelope does): the values a
    # remembered summary gives back are those a fresh one prints.
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False, default=str))
    return CheckSummary(heading(result), data, list(result.findings))


def checked(root: Path, heading: Callable[[Any], list[str]], *, today: dt.date | None = None) -> CheckSummary:
    """The summary of ``check_project(root)``: remembered when the key allows, else computed (and
    remembered when nothing outside the key was read)."""
    today = today or dt.date.today()
    key = project_key(root, today)
    target = None
    if key is not None:
        from dossier.util import cache

        target = cache.cache_dir("check") / f"{VERSION}-{key}.json"
        try:
            entry = json.loads(target.read_bytes())
            summary = CheckSummary(entry["heading"], entry["data"], [Finding(**f) for f in entry["findings"]])
            cache.touch(target)
            return summary
        except Exception:  # noqa: BLE001 - absent, unreadable, damaged: check afresh
            pass
    result = _check_project()(root, today=today)
    summary = summarize(result, heading)
    if target is not None and _read_only_the_key(result):
        from dossier.util import cache

        entry = {"heading": summary.heading, "data": summary.data, "findings": [f.to_dict() for f in summary.findings]}
        try:
            cache.store(target, json.dumps(entry, ensure_ascii=False).encode())
        except OSError:
            pass  # not remembered: the next check runs afresh
    return summary


def _check_project() -> Callable[..., Any]:
    """:func:`dossier.check.check_project`, imported with Python's cycle collector paused and what
    the import made frozen (:func:`gc.freeze`): some 35,000 objects the collector tracks, nearly all
    of which live as long as the process (modules, pydantic and its model classes). The collector
    ran ~90 times during the import and walked them again in each later collection, for a few
    hundred objects of garbage: ~4 % of a check after an edit. Done once a process, on the first import."""
    import gc

    if "dossier.check" not in sys.modules:
        collecting = gc.isenabled()
        gc.disable()
        try:
            import dossier.check  # noqa: F401
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
    from dossier.check import check_project

    return check_project


def _read_only_the_key(result: Any) -> bool:
    """True when the check read nothing outside :func:`project_key`'s inputs."""
    from dossier.application.programme import is_file_reference

    raw = result.folder.raw if isinstance(result.folder.raw, dict) else {}
    if raw.get("extends") is not None:
        return False
    programme = raw.get("programme")
    if isinstance(programme, str) and is_file_reference(programme):
        return False
    return programme is None or isinstance(programme, str)


def project_key(root: Path, today: dt.date) -> str | None:
    """The digest of everything a check of ``root`` reads (see the module's docstring); None when
    the folder cannot be keyed (a link, a special file, a file written just now, too many entries)."""
    from dossier.util.cache import SETTLE_NS

    now = time.time_ns()
    digest = hashlib.sha256()
    digest.update(f"{VERSION}\0{sys.version}\0{sys.prefix}\0{today.isoformat()}\0{root}\0".encode())
    try:
        digest.update(f"{root.resolve()}\0".encode())
        project = _tree(root, now - SETTLE_NS)
        if project is None:  # a file saved just now (the usual check after an edit): dossier's code is not walked
            return None
        code = _tree(Path(__file__).resolve().parent, now - SETTLE_NS, package=True)
    except OSError:
        return None
    if code is None:
        return None
    digest.update(project)
    digest.update(code)
    for folder in sorted({p for p in sys.path if p.endswith(("site-packages", "dist-packages"))}):
        try:
            digest.update(f"\0{folder}\0{sorted(os.listdir(folder))}".encode())
        except OSError:
            digest.update(f"\0{folder}\0-".encode())
    return digest.hexdigest()


def _tree(top: Path, settled_before: int, *, package: bool = False) -> bytes | None:
    """Every entry below ``top``: relative path, kind, and for a file its size, mtime, ctime and
    inode. None when an entry is a link or a special file, a file was written at or after
    ``settled_before`` (ns), or there are more than :data:`MAX_ENTRIES`. A ``package``'s bytecode
    caches are left out (Python writes them as it imports)."""
    parts: list[str] = []
    # Every entry's path is the folder's as scanned + separator + name: its relative path is what
    # follows the top's (os.path.relpath's answer, without normalising each of ~1,000 paths: ~4 ms).
    start = os.fspath(top)
    start = len(start if start.endswith(os.sep) else start + os.sep)
    pending = [os.fspath(top)]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            if len(parts) >= MAX_ENTRIES:
                return None
            st = e.stat(follow_symlinks=False)
            rel = e.path[start:]
            if stat.S_ISDIR(st.st_mode):
                if package and e.name == "__pycache__":
                    continue
                parts.append(f"{rel}\0d")
                pending.append(e.path)
            elif stat.S_ISREG(st.st_mode):
                if max(st.st_mtime_ns, st.st_ctime_ns) >= settled_before:
                    return None
                parts.append(f"{rel}\0f\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}")
            else:
                return None
    return "\n".join(parts).encode("utf-8", "surrogateescape")
