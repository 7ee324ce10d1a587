"""The kept office's server: run by a Python that has LibreOffice's UNO bridge, never imported by dossier.

``python3 office_server.py DIR SOFFICE IDLE`` (Debian: /usr/bin/python3 with python3-uno) starts
``soffice`` with the profile ``DIR/profile`` and a UNO pipe, connects to it, then serves
conversions on the Unix socket ``DIR/socket``, one conversion at a time (pings are answered meanwhile): a JSON line
``{"docs": [...], "outdir": "...", "filter": "writer_pdf_Export"}`` is answered by a line
``{"done": doc}`` as each PDF is written (``outdir/<stem>.pdf``, as ``soffice --convert-to`` names
them), then ``{"ok": true}`` or ``{"ok": false, "doc": ..., "error": ...}``. ``{"ping": true}`` is answered with
this server's pid. When no request came for IDLE seconds the server ends the office and exits,
removing its socket and pid file; it exits within a second when its socket or folder is removed
(``dossier cache clear``, a temporary cache folder deleted). A client that goes away (an interrupted build) is noticed between
two documents: the rest of its documents are not converted.

Only the standard library and ``uno``: this file runs outside dossier's virtualenv. The document is
loaded and stored with the arguments ``soffice --convert-to`` uses (LibreOffice's
desktop/source/app/dispatchwatcher.cxx), so the PDFs are the ones a fresh office writes.
An office that died (crash, killed) is started again for the next request. Documents the starter
left in ``DIR/prime/`` are converted once when the office is up, the PDFs thrown away (the office's
first conversion loads its filters and fonts, which later ones find loaded), and the folder removed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

START_TIMEOUT = 60.0


NO_UNO = 3  # exit status: this Python has no UNO bridge


def main(folder: str, soffice: str, idle: float) -> None:
    try:
        import uno
        from com.sun.star.beans import PropertyValue
    except ImportError:
        sys.exit(NO_UNO)

    root = Path(folder)
    # The pipe's name is machine-wide (a socket in /tmp, per user): it must differ for every server.
    # Named after the folder's last part, the offices of two caches with the same key (a test's,
    # a bench's and the user's) took the same name; the second office then could not listen, and
    # its acceptor retried in a loop that kept both offices at ~40 % of a core each while idle.
    pipe = f"dossier-{os.getpid()}-{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]}"
    sock_path = root / "socket"

    def props(**kw):
        return tuple(PropertyValue(Name=k, Value=v) for k, v in kw.items())

    state: dict = {}
    (root / "pid").write_text(str(os.getpid()), encoding="utf-8")

    def start_office() -> None:
        env = dict(os.environ)
        cmd = [soffice, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--invisible",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        # Same process group as this server (its session leader): one killpg ends both.
        state["proc"] = subprocess.Popen(cmd, env=env, cwd=str(root), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - NoConnectException until the office listens
                if state["proc"].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("LibreOffice did not start") from None
                time.sleep(0.05)
        state["desktop"] = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def convert(docs: list[str], outdir: str, filt: str, gone, tell) -> dict:
        # LibreOffice's store creates the folders it misses: a PDF stored straight into the folder
        # of a build interrupted meanwhile (which removed it) brought that folder back, and it was
        # left in the user's temporary folder. So the office stores here, and the PDF is moved.
        scratch = Path(tempfile.mkdtemp(prefix="out-", dir=root))
        try:
            return _convert_into(docs, outdir, filt, gone, tell, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _convert_into(docs: list[str], outdir: str, filt: str, gone, tell, scratch: Path) -> dict:
        for doc in docs:
            if gone():  # the build was interrupted: the rest of its documents are not wanted
                return {"ok": False, "doc": None, "error": "client gone"}
            src = uno.systemPathToFileUrl(doc)
            made = scratch / (Path(doc).stem + ".pdf")
            dst = uno.systemPathToFileUrl(str(made))
            try:
                component = state["desktop"].loadComponentFromURL(
                    src, "_blank", 0,
                    props(Referer="private:OpenEvent", ReadOnly=True, OpenNewView=True, Hidden=True, Silent=True))
            except Exception as exc:  # noqa: BLE001 - the document's fault while the office lives
                if state["proc"].poll() is not None or "DisposedException" in type(exc).__name__:
                    raise
                return {"ok": False, "doc": doc, "error": f"{type(exc).__name__}: {exc}"}
            if component is None:
                return {"ok": False, "doc": doc, "error": "not loaded"}
            try:
                component.storeToURL(dst, props(Overwrite=True, FilterName=filt))
            finally:
                component.close(True)
            try:
                _deliver(made, Path(outdir) / made.name)
            except FileNotFoundError:  # the folder is gone: its build was interrupted
                return {"ok": False, "doc": None, "error": "output folder gone"}
            tell({"done": doc})
        return {"ok": True}

    def convert_request(req: dict, gone, tell) -> dict:
        with busy:  # one conversion at a time; pings are answered meanwhile
            state["last"] = time.monotonic()
            try:
                if state["proc"].poll() is not None:
                    start_office()
                try:
                    return convert(req["docs"], req["outdir"], req.get("filter", "writer_pdf_Export"), gone, tell)
                except Exception as exc:  # noqa: BLE001 - a dead office: once more with a new one
                    if state["proc"].poll() is None and "DisposedException" not in type(exc).__name__:
                        return {"ok": False, "doc": None, "error": f"{type(exc).__name__}: {exc}"}
                    _end(state["proc"])
                    start_office()
                    return convert(req["docs"], req["outdir"], req.get("filter", "writer_pdf_Export"), gone, tell)
            finally:
                state["last"] = time.monotonic()

    def serve(conn: socket.socket) -> None:
        def gone() -> bool:
            readable, _, _ = select.select([conn], [], [], 0)
            try:
                return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
            except OSError:
                return True

        with conn, conn.makefile("rwb") as fh:

            def tell(reply: dict) -> None:
                try:
                    fh.write(json.dumps(reply).encode() + b"\n")
                    fh.flush()
                except OSError:
                    pass  # the client went away (Ctrl-C): its PDFs are its own business

            try:
                line = fh.readline()
                if not line:
                    return
                req = json.loads(line)
                if req.get("ping"):
                    reply = {"ok": True, "pid": os.getpid()}
                    state["last"] = time.monotonic()
                else:
                    reply = convert_request(req, gone, tell)
            except Exception as exc:  # noqa: BLE001 - the office could not be started again
                reply = {"ok": False, "doc": None, "error": f"{type(exc).__name__}: {exc}"}
            tell(reply)

    busy = threading.Lock()
    start_office()
    state["last"] = time.monotonic()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = root / f"socket.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    server.bind(str(tmp))
    server.listen(16)
    os.replace(tmp, sock_path)  # the socket appears only once the office is ready

    def prime() -> None:
        # What the starter left in DIR/prime, converted once and thrown away: LibreOffice's first
        # conversion loads its filters and fonts, which the first build's documents then find loaded.
        folder = root / "prime"
        try:
            docs = sorted(str(p) for p in folder.glob("*.docx"))
            if docs:
                reply = convert_request({"docs": docs, "outdir": str(folder)}, lambda: False, lambda reply: None)
                print(f"primed: {json.dumps(reply)}", flush=True)  # to server.log
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    threading.Thread(target=prime, daemon=True).start()
    server.settimeout(min(1.0, idle))
    try:
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if not busy.locked() and time.monotonic() - state["last"] >= idle:
                    break
                if not sock_path.exists() or _owner(root) != os.getpid():
                    break  # the folder was removed (dossier cache clear, a temporary cache): nobody can reach us
                continue
            conn.settimeout(None)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
    finally:
        # The socket goes first, so that a new client starts a new server rather than wait for this one.
        if _owner(root) == os.getpid():
            sock_path.unlink(missing_ok=True)
            (root / "pid").unlink(missing_ok=True)
        server.close()
        if busy.acquire(timeout=5):  # a request that came in at the last moment gets no answer
            try:
                state["desktop"].terminate()
            except Exception:  # noqa: BLE001 - a dead or hung office is killed below
                pass
            _end(state["proc"])
        if os.name == "posix" and os.getpgid(0) == os.getpid():
            os.killpg(0, signal.SIGKILL)  # whatever of the office is left (soffice.bin), and this server


def _deliver(made: Path, target: Path) -> None:
    """Move ``made`` to ``target``, never creating ``target``'s folder (FileNotFoundError when it
    is missing); copied where the two are on different file systems (a cache in the home folder,
    a build's scratch folder on a tmpfs /tmp)."""
    try:
        os.replace(made, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with open(made, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)


def _owner(root: Path) -> int | None:
    try:
        return int((root / "pid").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _end(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
