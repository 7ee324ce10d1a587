"""A LibreOffice kept running for ``dossier watch``, so a rebuild skips LibreOffice's cold start.

How, first choice: the UNO server of the kept office (:mod:`dossier.documents.office_server`, run
by a Python that has LibreOffice's UNO bridge, e.g. Debian's python3-uno), private to this watch: its
folder, profile and socket live in a temporary folder, and :meth:`WarmOffice.close` kills it. Measured
on a loaded 2-core machine (load 5.5): 0.61 s for two documents, against 0.66 s for the hand-off below
and 3.8 s for a cold start.

Without such a Python: a ``soffice`` started with a private profile and one small open document
stays alive (an instance with no open document exits after its first conversion). A later
``soffice --convert-to`` given the *same* profile does not start a second office: it hands the
conversion to the running one over LibreOffice's own single-instance pipe and exits when the PDFs
are written.

The office runs in its own process group; :meth:`WarmOffice.close` kills the group and removes
the temporary profile. ``dossier watch`` keeps one per core, at most two (as a build keeps its offices:
:func:`dossier.documents.kept_office.slots`), so that the two documents a summary edit changes convert
side by side.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from dossier.util.errors import ToolError

START_TIMEOUT = 60.0
CONVERT_TIMEOUT = 240.0


class WarmOffice:
    """A running LibreOffice; :meth:`convert` has the signature of :func:`dossier.documents.convert._run_soffice`'s
    job (``docs`` → PDF bytes) so that :func:`dossier.documents.convert.convert_all` can use it as its ``runner``."""

    def __init__(self, soffice: str | os.PathLike | None = None) -> None:
        from dossier.documents.convert import find_soffice, fonts_conf

        self.exe = find_soffice(soffice)
        conf = fonts_conf()
        self.env = dict(os.environ)
        if conf.is_file():
            self.env["FONTCONFIG_FILE"] = str(conf)
        self.tmp: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.pairs: dict[str, str] = {}  # the font replacement table the running office has
        self.uno = True  # the UNO server is tried first; False once it could not be started here
        self._converted = False  # whether the running office has converted a document
        # start() and convert() of one office from two threads (a warm-up and a conversion) take
        # turns; close() does not wait: it stops a conversion that is running.
        self._lock = threading.RLock()

    @property
    def profile(self) -> Path:
        assert self.tmp is not None
        return self.tmp / "profile"

    def _args(self) -> list[str]:
        return [str(self.exe), f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
                "--norestore", "--nologo", "--nolockcheck"]

    def start(self, font_pairs: dict[str, str] | None = None) -> WarmOffice:
        """Start the office and wait until it accepts conversions (a first, tiny one).

        The office may still be opening its document when it reports ready; a conversion handed
        over in that moment leaves it with no open document, and it exits. So a start is checked
        (the office must outlive its first conversion) and retried with a longer wait, three times.
        """
        with self._lock:
            return self._start(font_pairs)

    def warm(self, font_pairs: dict[str, str] | None = None, prime: Path | None = None) -> None:
        """Start the office unless it runs with these font replacements already. ``prime``: a .docx
        converted once (a copy; the PDF unread) when the running office has converted nothing yet:
        LibreOffice's first conversion loads its Writer import, its PDF export and the fonts (measured:
        附件1 in 0.52 s the first time, 0.25 s the second), which the user's first save then need not
        wait for."""
        with self._lock:
            self._ensure(font_pairs)
            if prime is None or self._converted:
                return
            assert self.tmp is not None
            copy = self.tmp / "prime" / f"prime{prime.suffix}"
            # A document that cannot be converted primes nothing: the build converts it and reports it.
            with contextlib.suppress(OSError, ToolError):
                copy.parent.mkdir(exist_ok=True)
                shutil.copyfile(prime, copy)
                self._convert([copy], font_pairs)

    def _ensure(self, font_pairs: dict[str, str] | None) -> None:
        if not self.alive() or dict(font_pairs or {}) != self.pairs:
            self._start(font_pairs)

    def _start(self, font_pairs: dict[str, str] | None) -> WarmOffice:
        self.pairs = dict(font_pairs or {})
        self._converted = False
        if self.uno and self._start_server():
            return self
        self.uno = False
        for settle in (0.5, 2.0, 5.0):
            if self._start_once(settle):
                return self
        self.close()
        raise ToolError("后台 LibreOffice 启动后意外退出", file=str(self.exe), hint="关闭其他 LibreOffice 后重试。")

    def _server(self):
        from dossier.documents.kept_office import KeptOffice

        assert self.tmp is not None
        return KeptOffice(self.tmp / "uno", CONVERT_TIMEOUT)

    def _start_server(self) -> bool:
        """Start the UNO server (see the module's docstring); False when this machine has no Python
        with LibreOffice's UNO bridge or the server did not come up."""
        from dossier.documents.convert import fonts_conf
        from dossier.documents.kept_office import SOCKET_PATH_MAX, start_server, stop, uno_python

        python = uno_python(self.exe)
        if python is None or os.name != "posix":
            return False
        self._stop()
        if self.tmp is None:
            self.tmp = Path(tempfile.mkdtemp(prefix="dossier-watch-lo-"))
        root = self.tmp / "uno"
        if len(os.fsencode(root / "socket")) > SOCKET_PATH_MAX:
            return False
        shutil.rmtree(root, ignore_errors=True)  # a fresh profile: the table is written once
        root.mkdir()
        # An hour without a save and the server goes by itself (a watch killed with SIGKILL cannot
        # stop it); the next conversion starts it again.
        if start_server(root, python, self.exe, fonts_conf(), self.pairs, None, 3600.0) is None and self._server().ping():
            return True
        stop(root)
        return False

    def _stop(self) -> None:
        if self.tmp is not None and (self.tmp / "uno").is_dir():
            from dossier.documents.kept_office import stop

            stop(self.tmp / "uno")

    def _start_once(self, settle: float) -> bool:
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None
        if self.tmp is None:
            self.tmp = Path(tempfile.mkdtemp(prefix="dossier-watch-lo-"))
            self.env["HOME"] = str(self.tmp)  # LibreOffice may write to $HOME; keep the user's untouched
            # Its own temporary files (lu*.tmp) too, so that they go with the folder.
            self.env["TMPDIR"] = self.env["TMP"] = self.env["TEMP"] = str(self.tmp)
        from dossier.documents.fontmap import write_replacement_table

        shutil.rmtree(self.profile, ignore_errors=True)  # a fresh profile: the table is written once
        write_replacement_table(self.profile, self.pairs)
        keep = self.tmp / "keep.txt"
        keep.write_text("dossier watch\n", encoding="utf-8")
        # Ready once the office has opened ``keep``: its document lock file appears (a stale one,
        # left by an office that was killed, is removed first).
        ready = self.tmp / f".~lock.{keep.name}#"
        ready.unlink(missing_ok=True)
        kwargs: dict = {"env": self.env, "cwd": self.tmp, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if os.name == "posix":
            kwargs["start_new_session"] = True  # its own process group: close() kills soffice.bin too
        try:
            self.proc = subprocess.Popen([*self._args(), str(keep)], **kwargs)
        except OSError as exc:
            self.close()
            raise ToolError(f"无法启动 LibreOffice：{exc.strerror or exc}", file=str(self.exe),
                            hint="请确认 LibreOffice 安装完整，或重新运行 scripts/setup.sh。") from None
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise ToolError("LibreOffice 未能在后台启动", file=str(self.exe), hint="关闭其他 LibreOffice 后重试。")
            time.sleep(0.05)
        time.sleep(settle)
        # Not ``keep`` itself: converting the open document closes it, and the office would exit.
        probe = self.tmp / "warmup.txt"
        probe.write_text("dossier\n", encoding="utf-8")
        self._client([probe], self.tmp / "warmup")
        time.sleep(0.5)  # an office left without a document exits right after the conversion
        return self.alive()

    def alive(self) -> bool:
        if self.uno:
            return self.tmp is not None and self._server().ping()
        return self.proc is not None and self.proc.poll() is None

    def convert(self, docs: list[Path], font_pairs: dict[str, str] | None = None) -> list[bytes]:
        """PDF bytes of each ``docs`` (distinct stems), converted by the running office. ``font_pairs``:
        the font replacements (:func:`dossier.documents.fontmap.plan_for`); the office is restarted when they
        differ from the ones it runs with (they live in its profile, read at start)."""
        with self._lock:
            return self._convert(docs, font_pairs)

    def _convert(self, docs: list[Path], font_pairs: dict[str, str] | None) -> list[bytes]:
        import pikepdf

        self._ensure(font_pairs)
        assert self.tmp is not None
        outdir = Path(tempfile.mkdtemp(prefix="out-", dir=self.tmp))
        try:
            if self.uno:
                try:
                    self._server().convert(docs, outdir, "pdf:writer_pdf_Export")
                except OSError:  # the server went (killed, or an hour without a save): once more
                    self._start(font_pairs)
                    self._server().convert(docs, outdir, "pdf:writer_pdf_Export")
            else:
                self._client(docs, outdir)
            results = []
            for doc in docs:
                pdf = outdir / f"{doc.stem}.pdf"
                if not pdf.is_file() or pdf.stat().st_size == 0:
                    raise ToolError(f"LibreOffice 未能生成“{doc.name}”的 PDF", file=str(doc),
                                    hint="确认该 .docx 能在 Word 中打开；若使用了自己的模板，请先运行 dossier templates lint。")
                try:
                    with pikepdf.open(pdf) as check:
                        if len(check.pages) == 0:
                            raise ValueError("no pages")
                except Exception:  # noqa: BLE001 - any unreadable output is the tool's failure
                    raise ToolError(f"LibreOffice 生成的“{pdf.name}”无法打开", file=str(doc), hint="请重试。") from None
                results.append(pdf.read_bytes())
            self._converted = True
            return results
        finally:
            shutil.rmtree(outdir, ignore_errors=True)

    def _client(self, docs: list[Path], outdir: Path) -> None:
        """``soffice --convert-to`` with the running office's profile: it forwards the job and waits."""
        cmd = [*self._args(), "--nodefault", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir.resolve()),
               *[str(Path(d).resolve()) for d in docs]]
        kwargs: dict = {"env": self.env, "cwd": self.tmp, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        if os.name == "posix":
            kwargs["start_new_session"] = True
        proc = subprocess.Popen(cmd, **kwargs)
        try:
            proc.communicate(timeout=CONVERT_TIMEOUT)
        except BaseException:
            _kill_group(proc)
            raise

    def close(self) -> None:
        """Stop the office (its whole process group) and remove the temporary profile."""
        self._stop()
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> WarmOffice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL what is left after 3 s (Windows: kill the process)."""
    if os.name == "posix":
        for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # soffice.bin may outlive oosplash (the group leader) for a moment
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
