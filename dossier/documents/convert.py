"""docx → PDF through LibreOffice headless, batched, isolated, cached, verified, deterministic.

- First choice: the **office kept running** between builds (:mod:`dossier.documents.kept_office`),
  which converts every document of the build one after the other (ten documents: about half the
  CPU of two cold offices, and no start-up); a build hands each document over as soon as it is
  rendered (:class:`dossier.documents.early.EarlyConversions`), and each PDF is post-processed as soon as it is written.
  What follows is the path without one (``DOSSIER_OFFICE_IDLE=0``, no UNO Python, Windows), and for
  the documents left if the kept office goes away mid-build.
- Documents are converted in batches: one ``soffice --convert-to pdf`` call for all of them, or,
  from six documents on (:data:`MIN_PER_OFFICE` each), one call per core (:func:`workers`) run at
  once. A call per document would pay LibreOffice's start-up each time (ten files: ~18 s instead
  of ~6 s in one call); one call for ten leaves the second core idle.
- Every call gets a **fresh profile** (``-env:UserInstallation``) in a temporary folder: two soffice
  processes sharing a profile make the second exit 1 silently.
- LibreOffice runs in a **process group** of its own (``soffice`` starts ``soffice.bin``), which
  dossier kills whole on a timeout and on any exception, Ctrl-C and SIGTERM included (the CLI turns
  SIGTERM into an exception): no LibreOffice outlives the call, and its temporary profile
  (``dossier-lo-*``) is removed. A dossier killed with SIGKILL cannot do this.
- LibreOffice exits 0 even when a file could not be loaded, so **every expected PDF is checked** to
  exist and to open with pikepdf.
- ``assets/fonts.conf`` (via ``FONTCONFIG_FILE``) maps the official Chinese font names to Noto CJK
  on Linux; on every platform the fonts a document names but the machine lacks are replaced by
  installed fonts of the same kind through LibreOffice's replacement table (:mod:`dossier.documents.fontmap`).
- A **content-hash cache**: key = SHA-256 of the docx bytes, fonts.conf and the font replacements, the soffice install and
  :data:`PIPELINE`; an unchanged document is not converted again.
- **Deterministic output**: LibreOffice writes a creation date, a time-based ``/ID`` and a
  ``/DocChecksum`` trailer key (an MD5 that includes the time); the dates and the checksum are
  removed and ``/ID`` is derived from the content (pikepdf ``deterministic_id``) before storing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.util.atomic import temporary_folder, write_bytes
from dossier.util.errors import ToolError

if TYPE_CHECKING:
    from dossier.documents.early import EarlyConversions

PIPELINE = "dossier-pdf-7"  # bump when the post-processing changes, to invalidate cached PDFs
DEFAULT_TIMEOUT = 240.0
MIN_PER_OFFICE = 3  # documents per LibreOffice process when conversions run in parallel
WINDOWS_PATHS = tuple(
    str(Path(base) / "LibreOffice" / "program" / "soffice.exe")
    for base in dict.fromkeys(
        [os.environ.get("ProgramFiles", r"C:\Program Files"), os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"),
         r"C:\Program Files", r"C:\Program Files (x86)"]
    )
)
MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


def fonts_conf() -> Path:
    from dossier.util.resources import resource

    return resource("assets", "fonts.conf")


def find_soffice(explicit: str | os.PathLike | None = None) -> Path:
    """LibreOffice's ``soffice``: ``explicit``, ``$DOSSIER_SOFFICE``, PATH, then the usual install places.

    Raises :class:`ToolError` (Chinese, with how to install) when none is found.
    """
    candidates: list[str] = []
    if explicit:
        candidates.append(str(explicit))
    elif os.environ.get("DOSSIER_SOFFICE"):
        candidates.append(os.environ["DOSSIER_SOFFICE"])
    else:
        for name in ("soffice", "libreoffice"):
            found = shutil.which(name)
            if found:
                candidates.append(found)
        candidates.extend(WINDOWS_PATHS if sys.platform == "win32" else ())
        candidates.append(MAC_PATH)
    for c in candidates:
        p = Path(c)
        if p.is_file() and os.access(p, os.X_OK):
            return p
    named = explicit or os.environ.get("DOSSIER_SOFFICE")
    raise ToolError(
        "找不到 LibreOffice（soffice），无法把 Word 文书转换为 PDF"
        + ("：环境变量 DOSSIER_SOFFICE 指定的文件不存在或不能运行" if not explicit and named else ""),
        file=str(named) if named else None,
        hint="请安装免费的 LibreOffice：Windows 和 macOS 从 https://zh-cn.libreoffice.org/download/ 下载，"
        "安装到默认位置（macOS 也可运行 brew install --cask libreoffice）；"
        "Linux 运行 scripts/setup.sh 或 apt-get install libreoffice-writer-nogui fonts-noto-cjk。"
        "装在其他位置时，用环境变量 DOSSIER_SOFFICE 指定 soffice（Windows 为 soffice.exe）的完整路径。",
    )


def tool_identity(soffice: Path) -> str:
    """What the cache key knows of the installed LibreOffice (no process is started for it)."""
    real = soffice.resolve()
    parts = [str(real)]
    for p in (real, real.parent / "soffice.bin", real.parent / "libmergedlo.so"):
        if p.exists():
            st = p.stat()
            parts.append(f"{p.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def font_conf(conf_path: Path, font_pairs: dict[str, str]) -> bytes:
    """What of the font set-up goes into the cache key: fonts.conf and the replacement table."""
    import json

    return conf_path.read_bytes() + json.dumps(font_pairs, ensure_ascii=False, sort_keys=True).encode()


def seed_profile(cache_dir: Path, identity: str, conf: bytes) -> Path:
    """Where a LibreOffice profile for this install and font set-up is kept (see :func:`_run_soffice`)."""
    return cache_dir / f"profile-{hashlib.sha256(identity.encode() + conf).hexdigest()[:16]}"


def cache_key(docx: bytes, identity: str, conf: bytes) -> str:
    h = hashlib.sha256()
    for part in (PIPELINE.encode(), identity.encode(), conf, docx):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def deterministic_pdf(data: bytes) -> bytes:
    """Drop LibreOffice's time stamps (Info and XMP) and derive ``/ID`` from the content."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/CreationDate", "/ModDate"):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        from dossier.documents.pdf_fonts import normalise_type1_ids

        normalise_type1_ids(pdf)  # LibreOffice numbers its Type 1 fonts per process, not per document
        for key in ("/DocChecksum", "/ID"):
            # /DocChecksum: LibreOffice's own trailer key, an MD5 that includes the time. /ID: qpdf
            # keeps an existing first element, so it goes too and both halves come from the content.
            if key in pdf.trailer:
                del pdf.trailer[key]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version=pdf.pdf_version)
        return out.getvalue()


def load_deterministic() -> None:
    """Import what :func:`deterministic_pdf` uses (pikepdf; numpy, ~0.1 s, for the fonts' eexec), so
    that a thread can do it while LibreOffice converts, not once the PDF is there to be post-processed."""
    import numpy  # noqa: F401
    import pikepdf  # noqa: F401

    import dossier.documents.pdf_fonts  # noqa: F401


def is_cached(docx: bytes, font_pairs: dict[str, str], cache_dir: Path, soffice: str | os.PathLike | None = None) -> bool:
    """Whether :func:`convert_all` would take the PDF of ``docx`` from ``cache_dir`` without converting."""
    key = cache_key(docx, tool_identity(find_soffice(soffice)), font_conf(fonts_conf(), font_pairs))
    return (cache_dir / f"{key}.pdf").is_file()


@dataclass(frozen=True)
class Conversion:
    docx: Path
    pdf: Path
    cached: bool


def convert_all(
    jobs: list[tuple[Path, Path]],
    *,
    cache_dir: Path | None = None,
    soffice: str | os.PathLike | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    font_pairs: dict[str, str] | None = None,
    export: str = "pdf:writer_pdf_Export",
    runner: Callable[[list[Path], dict[str, str]], list[bytes]] | None = None,
    early: EarlyConversions | None = None,
    write: Callable[[Path, bytes], Path] = write_bytes,
) -> list[Conversion]:
    """Convert each ``(docx, pdf_target)``; the targets are written atomically.

    ``export`` is LibreOffice's filter: ``pdf:impress_pdf_Export`` converts .pptx files.

    Documents whose cache entry exists are copied from the cache; the rest go to LibreOffice
    (one call, or one per core for many documents). Raises :class:`ToolError` when LibreOffice is missing, times out, or a PDF is missing or
    unreadable (naming the document). ``font_pairs``: document font → installed font (default: the
    :func:`dossier.documents.fontmap.plan_for` of these documents).
    ``runner(docs, font_pairs)``: converts the documents (default export only) instead of a fresh soffice
    call (``dossier watch`` passes :meth:`dossier.documents.warm_office.WarmOffice.convert`).
    Without a ``runner``, the documents go to the office kept running between builds
    (:mod:`dossier.documents.kept_office`) when there is one or one can be started. ``early``: the
    conversions started while the build checked and rendered (:class:`dossier.documents.early.EarlyConversions`):
    a document whose bytes and ``font_pairs`` equal a started one's gets its PDF from there.
    ``write(target, data)`` writes a target (default :func:`dossier.util.atomic.write_bytes`).
    """
    from dossier.documents.fontmap import plan_for

    if font_pairs is None:
        font_pairs = plan_for([d for d, _ in jobs]).pairs
    conf_path = fonts_conf()
    conf = font_conf(conf_path, font_pairs)
    todo: list[tuple[Path, Path, str]] = []
    done: list[Conversion] = []
    identity: str | None = None
    exe: Path | None = None
    for docx, target in jobs:
        data = docx.read_bytes()
        if cache_dir is not None:
            if identity is None:
                exe = find_soffice(soffice)
                identity = tool_identity(exe)
            key = cache_key(data, identity, conf)
            hit = cache_dir / f"{key}.pdf"
            if hit.is_file():
                write(target, hit.read_bytes())
                try:
                    os.utime(hit)  # recently used: evicted last (dossier.util.cache.prune)
                except OSError:
                    pass
                done.append(Conversion(docx, target, True))
                continue
        else:
            key = ""
        converted = early.take(data, font_pairs) if early is not None else None
        if converted is not None:
            _store(cache_dir, key, target, converted, write)
            done.append(Conversion(docx, target, False))
            continue
        todo.append((docx, target, key))
    if todo:
        exe = exe or find_soffice(soffice)
        seed = seed_profile(cache_dir, identity or tool_identity(exe), conf) if cache_dir else None

        def finish(group: list[tuple[Path, Path, str]], pdfs: list[bytes]) -> None:
            for (docx, target, key), data in zip(group, pdfs, strict=True):
                _store(cache_dir, key, target, deterministic_pdf(data), write)
                done.append(Conversion(docx, target, False))

        if runner is not None and export == "pdf:writer_pdf_Export":
            finish(todo, runner([d for d, _, _ in todo], font_pairs))
            todo = []
        elif runner is None:
            from dossier.documents.kept_office import kept_office

            identity = identity or tool_identity(exe)
            office = kept_office(exe, identity, conf, conf_path, font_pairs, seed, timeout)
            if office is not None:
                todo = _kept(office, todo, export, finish)  # what is left if the kept office went away
        if todo:
            # Another office only for a share of several documents: each start costs ~1.5 s of CPU.
            groups = _groups(todo, min(workers(), len(todo) // MIN_PER_OFFICE))

            offices = _Offices()

            def convert(group: list[tuple[Path, Path, str]]) -> None:
                docs = [d for d, _, _ in group]
                finish(group, _run_soffice(exe, docs, conf_path, timeout, seed, font_pairs, export, offices))

            if len(groups) == 1:
                convert(groups[0])
            else:
                # One LibreOffice per core, each with its share: its start-up is mostly one thread,
                # and while one office converts, the other group's PDFs are post-processed.
                from concurrent.futures import ThreadPoolExecutor

                pool = ThreadPoolExecutor(max_workers=len(groups))
                try:
                    for f in [pool.submit(convert, g) for g in groups]:
                        f.result()
                except BaseException:
                    # Ctrl-C, SIGTERM or a failed group reach this thread only: the other offices
                    # are killed (or not started) here, then their threads remove their profiles.
                    offices.stop()
                    raise
                finally:
                    pool.shutdown(wait=True)
    order = {d: i for i, (d, _) in enumerate(jobs)}
    return sorted(done, key=lambda c: order[c.docx])


def _store(cache_dir: Path | None, key: str, target: Path, data: bytes,
           write: Callable[[Path, bytes], Path] = write_bytes) -> None:
    if cache_dir is not None:
        try:
            write_bytes(cache_dir / f"{key}.pdf", data)
        except OSError:
            pass  # an unwritable cache only costs time
    write(target, data)


def kept_converter(soffice: str | os.PathLike | None = None, cache_dir: Path | None = None,
                   timeout: float = DEFAULT_TIMEOUT, slot: int = 0) -> Callable[[list[Path], dict[str, str]], list[bytes]] | None:
    """The office ``slot`` kept running between builds (:mod:`dossier.documents.kept_office`) as a function
    ``convert(docs, font_pairs) -> [raw PDF bytes]`` (a ``runner``, and the office of
    :class:`dossier.documents.early.EarlyConversions`), or None when a kept office is off
    (``DOSSIER_OFFICE_IDLE=0``) or not available on this platform. The office for ``font_pairs`` is
    started on the first call when none runs; the function raises :class:`OSError` when it cannot be
    had or goes away, :class:`ToolError` when a document cannot be converted. The PDFs are written
    beside the documents (distinct names)."""
    from dossier.documents.kept_office import KeptOffice, idle_seconds, kept_office

    if idle_seconds() <= 0 or os.name != "posix":
        return None
    exe = find_soffice(soffice)
    identity = tool_identity(exe)
    conf_path = fonts_conf()
    known: dict[bytes, KeptOffice] = {}  # font set-up → its office, found once (each look-up pings it)

    def convert(docs: list[Path], font_pairs: dict[str, str]) -> list[bytes]:
        if len({d.stem for d in docs}) != len(docs):
            raise ValueError("documents converted together need distinct names")
        conf = font_conf(conf_path, font_pairs)
        office = known.get(conf)
        if office is None:
            seed = seed_profile(cache_dir, identity, conf) if cache_dir else None
            office = kept_office(exe, identity, conf, conf_path, font_pairs, seed, timeout, slot)
            if office is None:
                raise OSError("no kept office")
            known[conf] = office
        outdir = docs[0].parent
        try:
            office.convert(docs, outdir, "pdf:writer_pdf_Export")
        except OSError:
            known.pop(conf, None)  # gone or hung: looked up (and started) again next time
            raise
        try:
            return _outputs(docs, outdir, "", None)
        finally:
            for d in docs:
                (outdir / f"{d.stem}.pdf").unlink(missing_ok=True)

    return convert


def _kept(office, todo: list[tuple[Path, Path, str]], export: str, finish: Callable) -> list[tuple[Path, Path, str]]:
    """Convert ``todo`` in the kept office (:mod:`dossier.documents.kept_office`); returns what is
    left when it went away or hung (the caller then starts an office of its own for those)."""
    docs = [d for d, _, _ in todo]
    if len({d.stem for d in docs}) != len(docs):
        raise ValueError("documents converted together need distinct names")
    finished: list[int] = []

    def done(i: int) -> None:  # post-processed while the office converts the next document
        finish([todo[i]], _outputs([docs[i]], tmp, "", None))
        finished.append(i)

    with temporary_folder("dossier-lo-") as tmp:
        try:
            office.convert(docs, tmp, export, done)
        except OSError:
            return [job for i, job in enumerate(todo) if i not in finished]
        rest = [i for i in range(len(docs)) if i not in finished]
        finish([todo[i] for i in rest], _outputs([docs[i] for i in rest], tmp, "", None))
    return []


def workers() -> int:
    """How many LibreOffice processes convert at once: one per core, at most 4 (``$DOSSIER_SOFFICE_JOBS``)."""
    try:
        n = int(os.environ.get("DOSSIER_SOFFICE_JOBS", "0"))
    except ValueError:
        n = 0
    return max(1, min(n or os.cpu_count() or 1, 4))


def _groups(todo: list, n: int) -> list[list]:
    """``todo`` dealt into at most ``n`` groups of about equal size in bytes (biggest first), each
    group in the order of ``todo``."""
    n = max(1, min(n, len(todo)))
    sizes = {id(job): job[0].stat().st_size for job in todo}
    groups: list[list] = [[] for _ in range(n)]
    loads = [0] * n
    for job in sorted(todo, key=lambda j: -sizes[id(j)]):
        k = loads.index(min(loads))
        groups[k].append(job)
        loads[k] += sizes[id(job)]
    order = {id(job): i for i, job in enumerate(todo)}
    return [sorted(g, key=lambda j: order[id(j)]) for g in groups if g]


def _run_soffice(
    exe: Path, docs: list[Path], conf: Path | None, timeout: float, seed: Path | None = None,
    font_pairs: dict[str, str] | None = None, export: str = "pdf:writer_pdf_Export",
    offices: _Offices | None = None,
) -> list[bytes]:
    """One soffice call for ``docs``. ``seed``: a profile kept from an earlier run; it is *copied* into
    this call's private folder (LibreOffice's first start, which builds a profile, costs ~0.8 s)."""
    stems = [d.stem for d in docs]
    if len(set(stems)) != len(stems):
        raise ValueError("documents converted together need distinct names")
    with temporary_folder("dossier-lo-") as tmp_path:
        tmp = str(tmp_path)
        outdir = tmp_path / "out"
        outdir.mkdir()
        profile = tmp_path / "profile"
        if seed is not None and seed.is_dir():
            try:
                shutil.copytree(seed, profile)
            except OSError:
                shutil.rmtree(profile, ignore_errors=True)
        from dossier.documents.fontmap import write_replacement_table

        write_replacement_table(profile, font_pairs or {})
        env = dict(os.environ)
        env["HOME"] = str(tmp_path)  # LibreOffice may write to $HOME; keep the user's untouched
        # Its own temporary files (lu*.tmp) too, so that they go with the folder even when it is killed.
        env["TMPDIR"] = env["TMP"] = env["TEMP"] = str(tmp_path)
        if conf is not None:
            env["FONTCONFIG_FILE"] = str(conf)
        cmd = [
            str(exe),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            export,
            "--outdir",
            str(Path(outdir).resolve()),
            # soffice runs in a temporary folder: relative paths would point there, not here.
            *[str(Path(d).resolve()) for d in docs],
        ]
        kwargs: dict = {
            "env": env, "stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "cwd": tmp,
        }
        if os.name == "posix":
            # Its own group, so that one killpg ends soffice.bin too. Not its own session: it stays
            # in dossier's, though out of the terminal's foreground group (dossier itself handles Ctrl-C).
            kwargs["process_group"] = 0
        try:
            proc = offices.start(cmd, kwargs) if offices is not None else subprocess.Popen(cmd, **kwargs)
        except OSError as exc:
            raise ToolError(f"无法启动 LibreOffice：{exc.strerror or exc}", file=str(exe),
                            hint="请确认 LibreOffice 安装完整，或重新运行 scripts/setup.sh。") from None
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException as exc:
            # Ctrl-C, SIGTERM, a timeout, anything: LibreOffice goes before its profile is removed.
            _kill(proc)
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            raise ToolError(
                f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）",
                file=str(exe),
                hint="关闭正在运行的 LibreOffice 后重试；文书很多或机器很慢时可稍后再试。",
            ) from None
        results = _outputs(docs, outdir, (err or out or b"").decode("utf-8", "replace"), proc.returncode)
        if seed is not None and not seed.is_dir() and profile.is_dir():
            _keep_seed(profile, seed)
        return results


def _outputs(docs: list[Path], outdir: Path, detail: str, returncode: int | None) -> list[bytes]:
    """The PDF bytes LibreOffice wrote into ``outdir`` for each of ``docs``, each checked to exist and
    to open (LibreOffice exits 0 even when a file could not be loaded)."""
    import pikepdf

    results = []
    for doc in docs:
        pdf = outdir / f"{doc.stem}.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            lines = detail.strip().splitlines()
            raise ToolError(
                f"LibreOffice 未能生成“{doc.name}”的 PDF" + (f"（退出码 {returncode}）" if returncode is not None else "")
                + (f"：{lines[-1][:200]}" if lines else ""),
                file=str(doc),
                hint="确认该 .docx 能在 Word 中打开；若使用了自己的模板，请先运行 dossier templates lint。",
            )
        data = pdf.read_bytes()
        try:
            with pikepdf.open(pdf) as check:
                if len(check.pages) == 0:
                    raise ValueError("no pages")
        except Exception:  # noqa: BLE001 - any unreadable output is the tool's failure
            raise ToolError(
                f"LibreOffice 生成的“{pdf.name}”无法打开", file=str(doc), hint="请重试；如仍失败，请升级 LibreOffice。"
            ) from None
        results.append(data)
    return results


def _keep_seed(profile: Path, seed: Path) -> None:
    """Store a profile for later runs: copied under a temporary name, then renamed (atomic)."""
    import threading

    staging = seed.with_name(f".{seed.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        shutil.copytree(profile, staging, ignore=shutil.ignore_patterns(".lock", "*.lock"))
        os.replace(staging, seed)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


class _Offices:
    """The LibreOffice processes of parallel conversions, for stopping them all from the main thread."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._procs: list[subprocess.Popen] = []
        self._stopped = False

    def start(self, cmd: list[str], kwargs: dict) -> subprocess.Popen:
        with self._lock:
            if self._stopped:  # the build is being abandoned: no new office
                raise ToolError("转换已中断")
            proc = subprocess.Popen(cmd, **kwargs)
            self._procs.append(proc)
            return proc

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for proc in self._procs:
                _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL LibreOffice's process group (POSIX) or process tree (Windows), without reaping it:
    the thread waiting for it does that."""
    if proc.returncode is not None:
        return  # reaped already: its process group id may belong to someone else by now
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _kill(proc: subprocess.Popen) -> None:
    """Kill LibreOffice's whole process group (POSIX) or process tree (Windows) and reap it."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    proc.communicate()
