"""One LibreOffice kept running between builds, so that a rebuild skips LibreOffice's cold start.

A build that must convert asks :func:`kept_office` for the user's office: one per soffice install
and font-replacement table (its folder, ``<cache>/office/<key>``, is named by a hash of both and of
the server's code), holding the office's profile, a Unix socket and the server's pid; a build's
early conversions share the work between two such offices (slots, :func:`slots`; the second one's
folder is ``<key>-2``). Only the first is started for a build: a build converts with the others only
when they are running already, and starts them once its own conversions are done (:func:`start_rest`),
so that two LibreOffice cold starts never compete with each other and with the build for the cores.
If none is running, one is started: :mod:`dossier.documents.office_server`, run by a Python that has
LibreOffice's UNO bridge (``$DOSSIER_UNO_PYTHON``, LibreOffice's own ``program/python``, or
``/usr/bin/python3`` with Debian's python3-uno), starts ``soffice`` and converts over UNO, one
request at a time (a second build at once waits for the first one's documents). The server, and the
office with it, exit after ``$DOSSIER_OFFICE_IDLE`` seconds without a request (default 600; 0: no
kept office, every build starts its own as before).

Safety: starting is serialised by a lock file (two builds never start two servers for one folder);
a server that does not answer a ping within :data:`PING_TIMEOUT` is killed with its process group
and replaced; a dead office is restarted by the server itself; a conversion that takes longer than
the timeout kills the server. The PDFs are written by the office into the build's own temporary
folder and reach the build's output only through its atomic writes, so an interrupted build leaves
no half-written output and the office goes on serving the next one.

Not available (the build then starts its own office as before): on Windows (no Unix sockets in
Python's ``socket`` there), without a Python that can ``import uno``, or when the cache folder's
path is too long for a Unix socket.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from dossier.util.errors import ToolError

DEFAULT_IDLE = 600.0
PING_TIMEOUT = 10.0
START_TIMEOUT = 90.0
SERVER = Path(__file__).with_name("office_server.py")
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS
NO_UNO = 3  # the server's exit status when its Python has no UNO bridge (office_server.NO_UNO)
NO_UNO_RETRY_S = 86400.0


def idle_seconds() -> float:
    """``$DOSSIER_OFFICE_IDLE``: how long a kept office waits for the next build (0: no kept office)."""
    try:
        return max(0.0, float(os.environ.get("DOSSIER_OFFICE_IDLE", DEFAULT_IDLE)))
    except ValueError:
        return DEFAULT_IDLE


def uno_python(soffice: Path) -> str | None:
    """A Python that may have LibreOffice's UNO bridge, or None. Not checked here: a server that
    cannot ``import uno`` exits at once, and the folder remembers that for a day (see :func:`kept_office`)."""
    if os.environ.get("DOSSIER_UNO_PYTHON"):
        return os.environ["DOSSIER_UNO_PYTHON"]
    program = soffice.resolve().parent
    for candidate in (program / "python", program / "python.exe", Path("/usr/bin/python3")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


class KeptOffice:
    """A client of a running server (see the module's docstring)."""

    def __init__(self, root: Path, timeout: float) -> None:
        self.root = root
        self.timeout = timeout

    @property
    def socket_path(self) -> Path:
        return self.root / "socket"

    def _request(self, request: dict, timeout: float, on_done: Callable[[Path], None] | None = None) -> dict:
        """Send ``request``; the final reply. ``on_done(doc)`` is called as each document's PDF is written."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(self.socket_path))
            conn.sendall(json.dumps(request).encode() + b"\n")
            with conn.makefile("rb") as fh:
                while True:
                    conn.settimeout(max(0.001, deadline - time.monotonic()))
                    line = fh.readline()
                    if not line:
                        raise ConnectionError("the kept office closed the connection")
                    reply = json.loads(line)
                    if "done" not in reply:
                        return reply
                    if on_done is not None:
                        on_done(Path(reply["done"]))

    def ping(self) -> bool:
        try:
            return bool(self._request({"ping": True}, PING_TIMEOUT).get("ok"))
        except (OSError, ValueError):
            return False

    def convert(self, docs: list[Path], outdir: Path, export: str, on_done: Callable[[int], None] | None = None) -> None:
        """Write ``outdir/<stem>.pdf`` for each of ``docs``; ``on_done(i)`` is called as ``docs[i]``'s PDF
        is written (the caller post-processes it while the office converts the next one). Raises
        :class:`OSError` when the server is gone, failed, or does not answer in time (it is killed
        then), :class:`ToolError` when the office could not load a document."""
        filt = export.split(":", 1)[1] if ":" in export else export
        paths = [str(Path(d).resolve()) for d in docs]
        request = {"docs": paths, "outdir": str(outdir.resolve()), "filter": filt}
        done = None if on_done is None else lambda doc: on_done(paths.index(str(doc)))
        try:
            reply = self._request(request, self.timeout, done)
        except TimeoutError:
            stop(self.root)  # hung: the next build starts a new one
            raise
        except ValueError as exc:
            raise ConnectionError(str(exc)) from None
        if not reply.get("ok"):
            doc = reply.get("doc")
            if not doc:  # the office failed, not a document: the build's own office tries the rest
                raise ConnectionError(str(reply.get("error")))
            raise ToolError(
                f"LibreOffice 未能生成“{Path(doc).name}”的 PDF", file=doc,
                hint="确认该 .docx 能在 Word 中打开；若使用了自己的模板，请先运行 dossier templates lint。",
            )


def folder_for(identity: str, conf: bytes, slot: int = 0) -> Path:
    """The folder of the kept office ``slot`` (0, 1, …: see :func:`slots`) for this install and font set-up."""
    from dossier.util.cache import root

    h = hashlib.sha256()
    for part in (identity.encode(), conf, SERVER.read_bytes()):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return root() / "office" / (h.hexdigest()[:16] + (f"-{slot + 1}" if slot else ""))


def slots() -> int:
    """How many kept offices share a build's conversions: one per core, at most two
    (:func:`dossier.documents.convert.workers`). LibreOffice converts one document at a time; the
    documents a one-field change touches convert side by side in two offices. A second office costs
    its start (~2 s of CPU, once per idle time) and its memory while it waits: it is started after a
    build's conversions (:func:`start_rest`), not beside the first office's start."""
    from dossier.documents.convert import workers

    return min(2, workers())


def kept_office(soffice: Path, identity: str, conf: bytes, conf_path: Path, font_pairs: dict[str, str],
                seed: Path | None, timeout: float, slot: int = 0, prime: bytes | None = None) -> KeptOffice | None:
    """The running kept office ``slot`` for this install and font table, started when none runs (one
    started here converts the .docx ``prime`` once, when given: :func:`start_server`); None when a
    kept office is off (``$DOSSIER_OFFICE_IDLE=0``) or not available here."""
    idle = idle_seconds()
    if idle <= 0 or os.name != "posix" or not hasattr(socket, "AF_UNIX"):
        return None
    python = uno_python(soffice)
    if python is None:
        return None
    root = folder_for(identity, conf, slot)
    office = KeptOffice(root, timeout)
    if len(os.fsencode(office.socket_path)) > SOCKET_PATH_MAX:
        return None
    try:
        root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.utime(root)  # recently used: the cache's pruning evicts it last
        unavailable = root / "no-uno"
        if unavailable.is_file() and unavailable.read_text(encoding="utf-8") == _identity_of(python) \
                and time.time() - unavailable.stat().st_mtime < NO_UNO_RETRY_S:
            return None
        with _locked(root / "lock"):
            if office.ping() or (_starting(root) and _wait_started(root) and office.ping()):
                return office
            stop(root)
            status = start_server(root, python, soffice, conf_path, font_pairs, seed, idle, prime)
            if status is None and office.ping():
                return office
            stop(root)
            if status == NO_UNO:  # remembered for a day: not a failed start per build
                unavailable.write_text(_identity_of(python), encoding="utf-8")
            else:
                shutil.rmtree(root / "profile", ignore_errors=True)  # the next start gets a fresh one
            return None
    except OSError:
        return None  # an unwritable cache: the build starts its own office


def warm_up(project_root: Path, soffice: str | os.PathLike | None = None) -> None:
    """Start the first kept office in a background thread, so that its cold start overlaps the check and
    the rendering of a build (a build's conversions ask for it again and wait for this start to
    finish); the others (:func:`slots`) too when the first runs already, else the build starts them
    once its documents are converted (:func:`start_rest`).
    The font table is a guess (:func:`project_pairs`); when the build's documents need another one,
    the build asks for another office and this one goes after its idle time."""
    if idle_seconds() <= 0 or os.name != "posix":
        return
    import threading

    key = (str(project_root), str(soffice))
    if any(t.is_alive() for t in _WARMING.get(key, ())):
        return  # started a moment ago by this process (the CLI, then the build)

    def guarded(slot: int) -> None:
        with contextlib.suppress(Exception):  # only time is at stake: the build's conversion tries again
            if slot == 0 or running(project_root, soffice, 0):  # a cold start: the others after the build's conversions
                _start(project_root, soffice, slot)

    threads = _WARMING[key] = [
        threading.Thread(target=guarded, args=(slot,), name=f"dossier-office-warm-up-{slot}", daemon=True)
        for slot in range(slots())
    ]
    for t in threads:
        t.start()


def start_rest(project_root: Path, soffice: str | os.PathLike | None = None, prime: Path | None = None) -> None:
    """Start the kept offices after the first (:func:`slots`) that are not running, in background
    threads, each with its own LibreOffice start: called by a build once its conversions are done,
    so that the next build has them. A build that ends first leaves them starting on their own
    (their servers are not its children); :func:`kept_office` waits for such a start instead of
    killing it. ``prime``: one of the build's documents, which each office converts once when it is
    up (see :func:`start_server`)."""
    if idle_seconds() <= 0 or os.name != "posix":
        return
    import threading

    try:
        document = prime.read_bytes() if prime is not None else None  # read now: the build may move it
    except OSError:
        document = None

    def guarded(slot: int) -> None:
        with contextlib.suppress(Exception):  # only time is at stake
            _start(project_root, soffice, slot, document)

    for slot in range(1, slots()):
        threading.Thread(target=guarded, args=(slot,), name=f"dossier-office-start-{slot}", daemon=True).start()


def running(project_root: Path, soffice: str | os.PathLike | None, slot: int) -> bool:
    """Whether the kept office ``slot`` for the font replacements a build of ``project_root`` will likely
    use (:func:`project_pairs`) answers now."""
    if idle_seconds() <= 0 or os.name != "posix":
        return False
    exe, identity, _conf_path, _pairs, conf = _likely_setup(project_root, soffice)
    root = folder_for(identity, conf, slot)
    return (root / "socket").exists() and KeptOffice(root, PING_TIMEOUT).ping()


def _start(project_root: Path, soffice: str | os.PathLike | None, slot: int, prime: bytes | None = None) -> None:
    """The kept office ``slot`` for the likely font replacements of ``project_root``, started when none
    runs (converting the .docx ``prime`` once, when given)."""
    from dossier.documents.convert import DEFAULT_TIMEOUT, seed_profile
    from dossier.util.cache import cache_dir

    exe, identity, conf_path, pairs, conf = _likely_setup(project_root, soffice)
    kept_office(exe, identity, conf, conf_path, pairs, seed_profile(cache_dir("pdf"), identity, conf), DEFAULT_TIMEOUT,
                slot, prime=prime)


def _likely_setup(project_root: Path, soffice: str | os.PathLike | None) -> tuple[Path, str, Path, dict[str, str], bytes]:
    """(soffice, its identity, fonts.conf, font replacements, font set-up) a build of ``project_root``
    will likely convert with (:func:`project_pairs`): what names its kept offices' folders."""
    from dossier.documents.convert import find_soffice, font_conf, fonts_conf, tool_identity

    pairs = project_pairs(project_root)
    conf_path = fonts_conf()
    exe = find_soffice(soffice)
    return exe, tool_identity(exe), conf_path, pairs, font_conf(conf_path, pairs)


_WARMING: dict[tuple[str, str], list] = {}  # the warm-up threads of this process, by project and soffice


def template_pairs(project_root: Path) -> dict[str, str]:
    """The font replacements of every template a build of ``project_root`` may use: those of its
    documents, known before they are rendered."""
    from dossier.documents.fontmap import plan_for
    from dossier.util.resources import resource_dir

    templates = [*sorted(resource_dir("templates").glob("*.docx")), *sorted((project_root / "templates").glob("*.docx"))]
    signature = []
    for t in templates:
        with contextlib.suppress(OSError):
            st = t.stat()
            signature.append((str(t), st.st_size, st.st_mtime_ns))
    key = tuple(signature)
    pairs = _TEMPLATE_PAIRS.get(key)
    if pairs is None:  # asked twice per build (warm_up, EarlyConversions): ~0.1 s each
        pairs = plan_for(templates).pairs
        _TEMPLATE_PAIRS.clear()
        _TEMPLATE_PAIRS[key] = pairs
    return dict(pairs)


_TEMPLATE_PAIRS: dict[tuple, dict[str, str]] = {}


def project_pairs(project_root: Path) -> dict[str, str]:
    """The font replacements a build of ``project_root`` will likely convert with, known before its
    documents are rendered: those its documents had at the last build (:func:`remember_pairs`, in the
    user cache), else those of every template (:func:`template_pairs`, ~0.4 s of CPU in a new
    process). A guess, used to start the office and the first conversions early: a build that finds
    other replacements in its documents converts them with those."""
    try:
        found = json.loads(_pairs_entry(project_root).read_text(encoding="utf-8"))
        if isinstance(found, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in found.items()):
            return found
    except (OSError, ValueError):
        pass
    return template_pairs(project_root)


def remember_pairs(project_root: Path, pairs: dict[str, str]) -> None:
    """Remember ``pairs`` as what the documents of ``project_root`` were converted with (see :func:`project_pairs`)."""
    from dossier.util.atomic import write_text

    entry = _pairs_entry(project_root)
    text = json.dumps(pairs, ensure_ascii=False, sort_keys=True)
    with contextlib.suppress(OSError):  # a read-only cache only costs time
        if not entry.is_file() or entry.read_text(encoding="utf-8") != text:
            write_text(entry, text)


def _pairs_entry(project_root: Path) -> Path:
    from dossier.util.cache import cache_dir

    return cache_dir("font-pairs") / f"{hashlib.sha256(os.fsencode(project_root.resolve())).hexdigest()[:32]}.json"


def _identity_of(python: str) -> str:
    try:
        st = os.stat(python)
        return f"{python}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return python


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a+b") as fh:
        if os.name == "posix":  # kept_office() runs only there
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file is closed, even by a killed process
        yield


def start_server(root: Path, python: str, soffice: Path, conf_path: Path, font_pairs: dict[str, str],
                 seed: Path | None, idle: float, prime: bytes | None = None) -> int | None:
    """Start the server for the folder ``root`` and wait until its socket appears: None then, else
    its exit status (:data:`NO_UNO`: no UNO bridge in ``python``; -9: killed after
    :data:`START_TIMEOUT`). ``prime``: a .docx the server converts once it is up (the PDF unread):
    LibreOffice's first conversion loads its Writer import, its PDF export and the fonts (measured:
    0.40 s for 简介 the first time, 0.19 s later), which the next build then need not wait for."""
    from dossier.documents.fontmap import write_replacement_table

    shutil.rmtree(root / "prime", ignore_errors=True)
    if prime is not None:
        with contextlib.suppress(OSError):  # not primed: only time is at stake
            (root / "prime").mkdir()
            (root / "prime" / "prime.docx").write_bytes(prime)
    profile = root / "profile"
    if not profile.is_dir() and seed is not None and seed.is_dir():
        with contextlib.suppress(OSError):
            shutil.copytree(seed, profile, ignore=shutil.ignore_patterns(".lock", "*.lock"))
    write_replacement_table(profile, font_pairs)
    (root / "home").mkdir(exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)
    env = dict(os.environ)
    env["HOME"] = str(root / "home")  # LibreOffice may write to $HOME; keep the user's untouched
    env["TMPDIR"] = env["TMP"] = env["TEMP"] = str(root / "tmp")
    if conf_path.is_file():
        env["FONTCONFIG_FILE"] = str(conf_path)
    for var in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV"):  # the virtualenv's, not the UNO Python's
        env.pop(var, None)
    with open(root / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [python, str(SERVER), str(root), str(soffice), str(idle)], env=env, cwd=str(root),
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True,  # its own session and group, outliving this build; one killpg ends it
        )
    deadline = time.monotonic() + START_TIMEOUT
    sock = root / "socket"
    try:
        while not sock.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                _kill_group(proc.pid)
                return proc.wait()
            time.sleep(0.02)
    except BaseException:
        _kill_group(proc.pid)  # Ctrl-C while it starts: no half-started office is left
        raise
    return None


def _starting(root: Path) -> bool:
    """Whether the folder's server is still starting: its process lives, its socket is not there yet
    and it wrote its pid less than :data:`START_TIMEOUT` ago (a start a build that ended left going)."""
    try:
        pid = int((root / "pid").read_text(encoding="utf-8"))
        young = time.time() - (root / "pid").stat().st_mtime < START_TIMEOUT
    except (OSError, ValueError):
        return False
    return young and not (root / "socket").exists() and _is_server(pid)


def _wait_started(root: Path) -> bool:
    """Wait for a starting server's socket (:func:`_starting`); False when it ended or took too long."""
    while _starting(root):
        time.sleep(0.02)
    return (root / "socket").exists()


def stop(root: Path) -> None:
    """Kill the folder's server and its office (a hung or dead one), and remove its socket."""
    try:
        pid = int((root / "pid").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pid = None
    if pid is not None and _is_server(pid):
        _kill_group(pid)
    with contextlib.suppress(OSError):
        (root / "socket").unlink()
    with contextlib.suppress(OSError):
        (root / "pid").unlink()


def _is_server(pid: int) -> bool:
    """Is ``pid`` still a kept office's server (and not a process that got its number since)?"""
    if os.name == "posix":
        try:
            if os.getpgid(pid) != pid:
                return False
        except OSError:
            return False
        try:
            return str(SERVER.name) in Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            return True  # no /proc (macOS): the group leader with the recorded pid
    return False


def _kill_group(pid: int) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
