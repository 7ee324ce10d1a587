"""``dossier watch``: rebuild a project after each save, with one LibreOffice kept warm.

Watched: ``enterprise.yaml``, ``evidence/``, ``media/`` and the project's ``templates/`` (through
``watchdog``). Saves are debounced (editors write a file in several steps); then the project is
checked, the findings that changed since the last run are reported, and — when the check has no
errors — the build runs. What a change does not touch is not redone: the build's caches skip
rendering an unchanged document, converting an unchanged .docx and comparing the text of an
unchanged PDF with its .docx, so a one-field change renders and converts only the documents that
show that field (the volume and the report are made again each time). A check with errors (or
unusable input) keeps the last good output as it is.

In watch mode the HTML report reloads itself: a small script in ``report.html`` loads
``watch-version.js`` (written beside it after each rebuild) every second and reloads the page when
the version differs from its own. A script file, not fetch(): browsers allow a ``file://`` page to
load a script from its own folder, but not to fetch a file.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dossier.util.atomic import write_text
from dossier.util.errors import DossierError
from dossier.util.findings import Finding

DEBOUNCE_S = 0.15  # an editor writes a file in several steps, milliseconds apart; part of each rebuild's wait
VERSION_JS = "watch-version.js"
WATCHED_DIRS = ("evidence", "media", "templates")
WATCHED_FILES = ("enterprise.yaml",)
# Editors' temporary and backup files: a save shows up as the real file's event as well.
_IGNORED_SUFFIXES = (".swp", ".swx", ".tmp", "~", ".part", ".crdownload")


def watched(root: Path, path: str | Path, out: Path | None = None) -> bool:
    """Whether a change of ``path`` can change the build of the project at ``root``."""
    p = Path(path)
    try:
        rel = p.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    if out is not None:
        try:
            p.resolve().relative_to(out.resolve())
            return False
        except ValueError:
            pass
    name = rel.name
    if not rel.parts or name.startswith((".#", "~$")) or name.endswith(_IGNORED_SUFFIXES):
        return False
    if len(rel.parts) == 1:
        return rel.parts[0] in WATCHED_FILES or rel.parts[0] in WATCHED_DIRS
    return rel.parts[0] in WATCHED_DIRS


@dataclass
class Round:
    """What one rebuild did: the findings that appeared and went, and whether the output was updated."""

    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    built: bool = False
    error: str | None = None  # unusable input or tool failure (Chinese); the last good output is kept
    result: object | None = None  # the BuildResult when built
    seconds: float = 0.0


def diff(before: Iterable[Finding], after: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(added, removed) findings, in report order."""
    from dossier.util.findings import sort_key

    old, new = set(before), set(after)
    return sorted(new - old, key=sort_key), sorted(old - new, key=sort_key)


class Watcher:
    """Check and build ``root`` into ``out`` on demand, remembering the last findings."""

    def __init__(self, root: Path, out: Path | None, convert: Callable[[list[Path]], list[bytes]] | None) -> None:
        from dossier.build import output_dir

        self.root = Path(root)
        self.out = output_dir(self.root, out)
        self.convert = convert
        self.last: list[Finding] = []

    def rebuild(self) -> Round:
        from dossier.build import build_project
        from dossier.check import check_project

        start = time.perf_counter()
        r = Round()
        try:
            check = check_project(self.root)
        except DossierError as exc:
            r.error = exc.render()
            r.seconds = time.perf_counter() - start
            return r
        if not any(f.severity == "error" for f in check.findings):
            try:
                result = build_project(self.root, self.out, check=check, converter=self.convert)
            except DossierError as exc:
                r.error = exc.render()
            else:
                r.built, r.result = True, result
                if result.report is not None:
                    add_reload(result.report)
        # After the build: it adds its own findings (a PDF whose text differs from its .docx).
        r.findings = list(r.result.findings if r.built else check.findings)
        r.added, r.removed = diff(self.last, r.findings)
        self.last = r.findings
        r.seconds = time.perf_counter() - start
        return r


def add_reload(report: Path) -> None:
    """Make ``report`` reload itself when a later rebuild writes a new version of it."""
    html = report.read_text(encoding="utf-8")
    version = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
    script = (
        "<script>/* dossier watch: reload when the report is rebuilt */(function(){"
        f"var mine='{version}';"
        "function poll(){var s=document.createElement('script');"
        f"s.src='{VERSION_JS}?t='+Date.now();"
        "s.onload=function(){s.remove();if(window.dossierWatchVersion&&window.dossierWatchVersion!==mine){location.reload();}};"
        "s.onerror=function(){s.remove();};document.head.appendChild(s);}"
        "setInterval(poll,1000);})();</script>"
    )
    if "</body>" in html:
        html = html.replace("</body>", script + "</body>", 1)
    else:
        html += script
    write_text(report, html)
    write_text(report.parent / VERSION_JS, f"window.dossierWatchVersion='{version}';\n")


def events(root: Path, out: Path, stop: threading.Event) -> Iterable[set[str]]:
    """Batches of changed paths, each after ``DEBOUNCE_S`` without a further change, until ``stop``."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changes: queue.Queue[str] = queue.Queue()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:  # noqa: ANN001 - watchdog's event type
            if event.event_type in ("opened", "closed_no_write"):
                return
            for p in (event.src_path, getattr(event, "dest_path", "")):
                if p and watched(root, p, out):
                    changes.put(str(p))

    # Not the whole folder recursively: the build replaces its output folder whole (a staged rename),
    # and watchdog's inotify thread dies on a watched folder that is renamed away.
    observer = Observer()
    handler = Handler()
    observer.schedule(handler, str(root), recursive=False)
    for name in WATCHED_DIRS:
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)
    observer.start()
    try:
        while not stop.is_set():
            try:
                first = changes.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = {first}
            while True:
                try:
                    batch.add(changes.get(timeout=DEBOUNCE_S))
                except queue.Empty:
                    break
            yield batch
    finally:
        observer.stop()
        observer.join(timeout=5)
