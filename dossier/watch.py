"""``dossier watch``: rebuild a project after each save, with LibreOffice kept warm.

Watched: ``enterprise.yaml``, ``evidence/``, ``media/`` and the project's ``templates/`` (through
``watchdog``). Saves are debounced (:func:`events`); then the project is checked, the findings that
changed since the last run are reported, and — when the check has no errors — the build runs. What
a change does not touch is not redone: the build's caches skip rendering an unchanged document,
converting an unchanged .docx and comparing the text of an unchanged PDF with its .docx, so a
one-field change renders and converts only the documents that show that field (the volume and the
report are made again each time). A check with errors (or unusable input) keeps the last good
output as it is.

The conversion is the longest wait of a round and LibreOffice is another process, so it starts as
early as it can (:class:`EarlyConversions`): as soon as the project is loaded, before the check's
rules run, the documents are rendered and those the PDF cache lacks are handed to the office; the
rules, and the build's preparation, run while it converts. The build then takes a PDF from there
only for a .docx of exactly the same bytes (and font replacements); anything else is converted as
usual, so the output is the one a plain ``dossier build`` makes.

What the long-running process learns is kept between rounds, always keyed by content so that a
changed input is never served an old result: rendered .docx files by template and the context
they read, each .docx's fonts by its bytes, the installed fonts by the state of the font folders,
the Type 1 font encryptions by the decrypted bytes, compiled templates by their XML, the stamping
guide by its lines, the binder's opened evidence PDFs by their path and content (stat-keyed digest,
:mod:`dossier.bind.kept`); documents whose bytes did not change are hard-linked from the previous
output instead of written again.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dossier.documents.early import EarlyConversions, Runner
from dossier.util.atomic import write_text
from dossier.util.errors import DossierError
from dossier.util.findings import Finding

DEBOUNCE_S = 0.15  # quiet time after a change whose end was not seen (see events())
SETTLE_S = 0.03  # quiet time after every changed file was closed by its writer or renamed into place
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
    stages: dict[str, float] = field(default_factory=dict)  # step (Chinese) → seconds, in order
    kept: int = 0  # inputs the binding took still open from the previous round (dossier.bind.kept)


class Clock:
    """A progress callback (:mod:`dossier.util.progress`) that times each step of a round: a step
    lasts until the next one starts. The binder's own steps (``装订：…``) count as one."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._step: str | None = None
        self._since = time.perf_counter()

    def __call__(self, step: str, done: int = 0, total: int | None = None) -> None:
        name = step.split("：")[0].split("（")[0]
        if name != self._step:
            self.stop()
            self._step = name

    def stop(self) -> None:
        now = time.perf_counter()
        if self._step is not None:
            self.stages[self._step] = self.stages.get(self._step, 0.0) + now - self._since
        self._step, self._since = None, now


def diff(before: Iterable[Finding], after: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(added, removed) findings, in report order."""
    from dossier.util.findings import sort_key

    old, new = set(before), set(after)
    return sorted(new - old, key=sort_key), sorted(old - new, key=sort_key)


class Watcher:
    """Check and build ``root`` into ``out`` on demand, remembering the last findings."""

    def __init__(self, root: Path, out: Path | None, convert: Runner | Sequence[Runner] | None) -> None:
        """``convert``: an office (``convert(docs, font_pairs) -> [PDF bytes]``), several sharing the
        work (:class:`EarlyConversions`), or None for the build's own conversion."""
        from dossier.build import output_dir

        self.root = Path(root)
        self.out = output_dir(self.root, out)
        self.early: EarlyConversions | None = None
        if convert is not None:
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="dossier-watch-docx-"))
            self.early = EarlyConversions(convert, folder)
        from dossier.bind.kept import KeptSources

        self.kept = KeptSources()  # the evidence PDFs, opened once while unchanged
        self.last: list[Finding] = []

    def close(self, stop_office: Callable[[], None] = lambda: None) -> None:
        """Stop converting: no queued conversion starts, ``stop_office`` ends the one running (called
        again once the conversion thread is done, for an office it may have restarted meanwhile),
        and the scratch folder goes."""
        self.kept.close()
        if self.early is not None:
            self.early.cancel()
        stop_office()
        if self.early is not None:
            import shutil

            self.early.close()
            shutil.rmtree(self.early.folder, ignore_errors=True)
            stop_office()

    def rebuild(self) -> Round:
        from dossier.build import build_project
        from dossier.check import check_project

        start = time.perf_counter()
        clock = Clock()
        r = Round()
        if self.early is not None:
            self.early.forget()
        try:
            clock("检查")
            check = check_project(self.root, loaded=self._convert_early if self.early is not None else None)
        except DossierError as exc:
            r.error = exc.render()
            r.seconds = time.perf_counter() - start
            return r
        if not any(f.severity == "error" for f in check.findings):
            try:
                result = build_project(self.root, self.out, check=check, progress=clock, early=self.early,
                                       converter=self.early.convert if self.early is not None else None,
                                       kept=self.kept)
            except DossierError as exc:
                r.error = exc.render()
            else:
                r.built, r.result, r.kept = True, result, self.kept.reused
                clock("报告自动刷新")
                if result.report is not None:
                    add_reload(result.report)
        clock.stop()
        r.stages = clock.stages
        # After the build: it adds its own findings (a PDF whose text differs from its .docx).
        r.findings = list(r.result.findings if r.built else check.findings)
        r.added, r.removed = diff(self.last, r.findings)
        self.last = r.findings
        r.seconds = time.perf_counter() - start
        return r

    def start_offices(self, starts: Sequence[Callable[[dict[str, str]], object]]) -> None:
        """Each ``start(font_pairs)`` on a conversion thread, with the font replacements the project's
        documents had last time (:func:`dossier.documents.kept_office.project_pairs`): the offices start
        while the first round checks and builds, instead of when a save needs them (a first build
        whose PDFs all come from the cache converts nothing, and would start no office)."""
        if self.early is None:
            return
        from dossier.documents.kept_office import project_pairs

        for start in starts:  # project_pairs on the conversion thread: it may read every template once
            self.early.later(lambda start=start: start(project_pairs(self.root)))

    def warm_up(self, starts: Sequence[Callable[[dict[str, str], Path | None], object]], r: Round) -> None:
        """After a round that built: each ``start(font_pairs, prime)`` on a conversion thread, so that the
        offices are running, with these documents' font replacements, and have converted a document
        (``prime``, one of this round's) before the next save needs them."""
        from dossier.documents.fontmap import plan_for

        if self.early is None or not r.built:
            return
        docx = [d.docx for d in r.result.documents]
        pairs = plan_for(docx).pairs
        for start in starts:
            self.early.later(start, pairs, docx[0] if docx else None)

    def _convert_early(self, folder, programme, figures) -> None:  # noqa: ANN001 - check's loaded project
        """Render the documents and start converting those the PDF cache lacks, before the rules run.

        What the build will render when the check finds no errors (no 草稿: a check with errors
        builds nothing in watch mode). A failure here is left for the build to report.
        """
        from dossier.build import start_early

        assert self.early is not None
        start_early(self.root, self.early, folder, programme, figures)


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
    """Batches of changed paths, until ``stop``.

    A batch ends after a quiet time that adapts to what was seen (:class:`Batch`): ``SETTLE_S`` once
    every changed file has been closed by its writer or renamed into place — the save is complete,
    and waiting longer only delays the rebuild — else ``DEBOUNCE_S`` (a file still being written, a
    file deleted and perhaps about to come back, or a platform that reports no closing).
    """
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changes: queue.Queue[tuple[str, str, bool]] = queue.Queue()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:  # noqa: ANN001 - watchdog's event type
            if event.event_type in ("opened", "closed_no_write"):
                return
            src, dest = event.src_path, getattr(event, "dest_path", "")
            if src and watched(root, src, out):
                changes.put((str(src), "gone" if event.event_type == "moved" else event.event_type, event.is_directory))
            if dest and watched(root, dest, out):
                changes.put((str(dest), "closed", event.is_directory))  # renamed into place: complete

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
            batch = Batch()
            batch.add(*first)
            while True:
                try:
                    batch.add(*changes.get(timeout=batch.quiet()))
                except queue.Empty:
                    break
            yield batch.paths
    finally:
        observer.stop()
        observer.join(timeout=5)


class Batch:
    """The changes of one save, and how long to wait for more (:func:`events`).

    A file is *open* from its first change (modified, created, deleted, renamed away) until its
    writer closes it (inotify's IN_CLOSE_WRITE, watchdog's ``closed``) or another file is renamed
    onto it. Editors save in one of two ways: writing the file in place and closing it (a few
    ``modified`` events, then ``closed``), or writing a temporary file and renaming it over the
    original (vim, JetBrains' safe write, gedit); either way the last event says the file is whole.
    A folder's own events (its listing changed) leave nothing open.
    """

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.open: set[str] = set()

    def add(self, path: str, kind: str, is_directory: bool = False) -> None:
        self.paths.add(path)
        if kind == "closed":
            self.open.discard(path)
        elif kind in ("deleted", "gone") or not is_directory:
            self.open.add(path)

    def quiet(self) -> float:
        return DEBOUNCE_S if self.open else SETTLE_S
