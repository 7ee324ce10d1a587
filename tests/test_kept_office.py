"""The LibreOffice kept running between builds (dossier.documents.kept_office): reused, replaced when
dead or hung, shared by two conversions at once, unharmed by an interrupted build, gone after its
idle time — and its PDFs are byte for byte those of a fresh office."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from build_fixtures import processes_mentioning
from dossier.documents import kept_office
from dossier.documents.convert import convert_all

pytestmark = pytest.mark.slow


def _docx(path: Path, text: str, paragraphs: int = 1) -> Path:
    doc = Document()
    for i in range(paragraphs):
        doc.add_paragraph(f"{text}（第{i + 1}段）")
    doc.save(path)
    return path


def _servers(cache: Path) -> list[int]:
    return processes_mentioning(str(cache / "office"))


def _wait_gone(cache: Path, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while _servers(cache) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _servers(cache)


@contextlib.contextmanager
def _office_cache():
    """A cache folder (short path: the office's Unix socket lives in it), removed afterwards with
    every office started in it, none of which may be left running."""
    folder = Path(tempfile.mkdtemp(prefix="dk-"))
    try:
        yield folder
    finally:
        for root in (folder / "office").glob("*"):
            kept_office.stop(root)
        left = _wait_gone(folder, 10)
        shutil.rmtree(folder, ignore_errors=True)
        assert not left, f"kept office processes left behind: {left}"


@pytest.fixture
def cache(monkeypatch):
    """A cache of the test's own (:func:`_office_cache`) and an idle time of 30 s."""
    with _office_cache() as folder:
        monkeypatch.setenv("DOSSIER_CACHE_DIR", str(folder))
        monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "30")
        yield folder


def _pid(cache: Path) -> int:
    (root,) = (cache / "office").glob("*")
    return int((root / "pid").read_text())


def test_a_second_conversion_reuses_the_office_and_gives_the_fresh_office_bytes(cache, tmp_path, monkeypatch):
    a = _docx(tmp_path / "a.docx", "企业智能工厂建设情况文字简介：高速光模块。")
    b = _docx(tmp_path / "b.docx", "企业提供资料真实性承诺书：本企业承诺所提供资料真实。")
    first = convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None)
    server = _pid(cache)
    convert_all([(a, tmp_path / "a2.pdf"), (b, tmp_path / "b2.pdf")], cache_dir=None)
    assert _pid(cache) == server, "the second conversion should go to the running office"
    assert [c.cached for c in first] == [False]
    monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "0")  # a fresh office of its own, as before
    convert_all([(a, tmp_path / "a0.pdf"), (b, tmp_path / "b0.pdf")], cache_dir=None)
    assert (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a2.pdf").read_bytes() == (tmp_path / "a0.pdf").read_bytes()
    assert (tmp_path / "b2.pdf").read_bytes() == (tmp_path / "b0.pdf").read_bytes()


def test_the_office_exits_after_its_idle_time(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "3")
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a.pdf")], cache_dir=None)
    (root,) = (cache / "office").glob("*")
    assert _servers(cache), "a kept office should be running right after the conversion"
    assert not _wait_gone(cache, 20), "the kept office should exit by itself after 3 s without a request"
    assert not (root / "socket").exists() and not (root / "pid").exists()


def test_idle_zero_keeps_no_office(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "0")
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a.pdf")], cache_dir=None)
    assert not (cache / "office").exists() and not _servers(cache)


def test_two_conversions_at_once_share_one_office(cache, tmp_path):
    docs = [_docx(tmp_path / f"{i}.docx", f"文书{i}", paragraphs=20) for i in range(4)]
    errors: list[BaseException] = []

    def convert(part: str) -> None:
        try:
            convert_all([(d, tmp_path / f"{d.stem}-{part}.pdf") for d in docs], cache_dir=None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=convert, args=(p,)) for p in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(list((cache / "office").glob("*"))) == 1 and len(_servers(cache)) >= 1
    for d in docs:
        assert (tmp_path / f"{d.stem}-x.pdf").read_bytes() == (tmp_path / f"{d.stem}-y.pdf").read_bytes()


def test_a_killed_office_or_server_is_replaced(cache, tmp_path):
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None)
    server = _pid(cache)
    offices = [p for p in _servers(cache) if p != server]
    assert offices
    for pid in offices:
        os.kill(pid, signal.SIGKILL)  # LibreOffice crashed: the server starts it again
    convert_all([(a, tmp_path / "a2.pdf")], cache_dir=None)
    assert _pid(cache) == server
    os.killpg(server, signal.SIGKILL)  # the whole kept office killed: the next build starts a new one
    convert_all([(a, tmp_path / "a3.pdf")], cache_dir=None)
    assert _pid(cache) != server
    assert (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a2.pdf").read_bytes() == (tmp_path / "a3.pdf").read_bytes()


def test_a_hung_office_is_replaced(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(kept_office, "PING_TIMEOUT", 1.0)
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None)
    server = _pid(cache)
    os.killpg(server, signal.SIGSTOP)  # neither the server nor its office answers any more
    try:
        convert_all([(a, tmp_path / "a2.pdf")], cache_dir=None)
    finally:
        try:
            os.killpg(server, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert _pid(cache) != server
    assert server not in _servers(cache), "the hung server should have been killed"
    assert (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a2.pdf").read_bytes()


def test_ctrl_c_of_a_conversion_leaves_no_half_written_pdf_and_a_healthy_office(cache, tmp_path):
    docs = [_docx(tmp_path / f"{i}.docx", f"文书{i}", paragraphs=400) for i in range(10)]
    out = tmp_path / "out"
    out.mkdir()
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from dossier.documents.convert import convert_all
        docs = [Path(p) for p in {[str(d) for d in docs]!r}]
        try:
            convert_all([(d, Path({str(out)!r}) / (d.stem + ".pdf")) for d in docs], cache_dir=None)
        except KeyboardInterrupt:
            sys.exit(130)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    deadline = time.monotonic() + 120
    while not list(out.glob("*.pdf")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)  # the first PDF is there: the office converts the next ones
    assert proc.wait(timeout=60) == 130
    assert len(list(out.glob("*.pdf"))) < len(docs), "the conversion should have been interrupted"
    for pdf in out.glob("*"):  # written whole or not at all
        assert pdf.suffix == ".pdf", f"a temporary file left: {pdf.name}"
        with pikepdf.open(pdf) as check:
            assert len(check.pages) > 0
    server = _pid(cache)
    assert kept_office.KeptOffice((cache / "office").glob("*").__next__(), 60).ping()
    convert_all([(docs[0], tmp_path / "after.pdf")], cache_dir=None)
    assert _pid(cache) == server, "the interrupted conversion should have left the office running"


def test_an_output_folder_removed_during_a_conversion_is_not_brought_back(cache, tmp_path):
    # What an interrupted build does: it removes its scratch folder at once, while the office still
    # converts into it. LibreOffice's store would create the folder again, left in the user's /tmp.
    docs = [_docx(tmp_path / f"{i}.docx", f"文书{i}", paragraphs=40) for i in range(3)]
    convert_all([(docs[0], tmp_path / "first.pdf")], cache_dir=None)  # the office is up
    (root,) = (cache / "office").glob("*")
    out = tmp_path / "scratch" / "batch"
    out.mkdir(parents=True)
    done: list[int] = []

    def remove_folder(i: int) -> None:
        done.append(i)
        assert (out / f"{docs[i].stem}.pdf").is_file()
        shutil.rmtree(tmp_path / "scratch")

    with pytest.raises(ConnectionError, match="output folder gone"):
        kept_office.KeptOffice(root, 60).convert(docs, out, "pdf:writer_pdf_Export", on_done=remove_folder)
    assert done == [0]
    assert not (tmp_path / "scratch").exists()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("out-")) == []  # the office's own scratch
    convert_all([(docs[1], tmp_path / "after.pdf")], cache_dir=None)
    with pikepdf.open(tmp_path / "after.pdf") as pdf:
        assert len(pdf.pages) >= 1


@pytest.mark.parametrize("uno", [True, False], ids=["uno-server", "pipe-hand-off"])
def test_the_watch_office_gives_the_fresh_office_bytes_and_leaves_nothing(tmp_path, monkeypatch, uno):
    from dossier.documents.warm_office import WarmOffice

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # mkdtemp reads TMPDIR again
    a = _docx(tmp_path / "a.docx", "企业智能工厂建设情况文字简介：高速光模块。")
    b = _docx(tmp_path / "b.docx", "企业提供资料真实性承诺书：本企业承诺所提供资料真实。")
    convert_all([(a, tmp_path / "a0.pdf"), (b, tmp_path / "b0.pdf")], cache_dir=None)  # a fresh office
    office = WarmOffice()
    office.uno = uno
    try:
        convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None, runner=office.convert)
        assert office.uno is uno, "the UNO server should have started (python3-uno installed)"
        convert_all([(b, tmp_path / "b1.pdf"), (a, tmp_path / "a2.pdf")], cache_dir=None, runner=office.convert)
        assert processes_mentioning(str(office.tmp))
        folder = office.tmp
    finally:
        office.close()
    assert (tmp_path / "a0.pdf").read_bytes() == (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a2.pdf").read_bytes()
    assert (tmp_path / "b0.pdf").read_bytes() == (tmp_path / "b1.pdf").read_bytes()
    deadline = time.monotonic() + 10
    while processes_mentioning(str(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_mentioning(str(folder)) and not folder.exists()


def test_without_a_uno_python_a_build_starts_its_own_office_and_the_folder_remembers(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_UNO_PYTHON", sys.executable)  # the project's Python: no `import uno`
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None)
    (root,) = (cache / "office").glob("*")
    assert (root / "no-uno").is_file() and not _servers(cache)
    monkeypatch.setattr(kept_office, "start_server", lambda *a, **k: pytest.fail("tried again"))
    convert_all([(a, tmp_path / "a2.pdf")], cache_dir=None)
    assert (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a2.pdf").read_bytes()


def test_a_document_the_office_cannot_load_is_named(cache, tmp_path):
    from dossier.util.errors import ToolError

    good = _docx(tmp_path / "good.docx", "申请报告")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])  # a zip cut in half
    with pytest.raises(ToolError) as err:
        convert_all([(good, tmp_path / "good.pdf"), (broken, tmp_path / "broken.pdf")], cache_dir=None)
    assert err.value.file and err.value.file.endswith("broken.docx")
    assert not (tmp_path / "broken.pdf").exists()
    assert _servers(cache), "the kept office should still be running"


def test_the_cache_pruning_leaves_a_running_office_alone(cache, tmp_path):
    from dossier.util.cache import prune

    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a.pdf")], cache_dir=None)
    (root,) = (cache / "office").glob("*")
    os.utime(root, (time.time() - 3600, time.time() - 3600))  # old enough to go
    prune(limit=0)
    assert root.is_dir() and _servers(cache)


def test_a_build_with_the_kept_office_writes_the_bytes_of_a_build_without(cache, tmp_path, monkeypatch):
    """Documents go to the kept office while the check's rules run (EarlyConversions, started from the
    check's ``loaded`` callback): every PDF taken from there, same bytes as a build without, nothing of
    it left in the output folder or the scratch folder, and every document counted as converted. With
    no office running, the build converts in the first one and starts the second after its
    conversions, for the next build (whose conversions the two share)."""
    from build_fixtures import discrete_data, write_full_project
    from dossier.build import build_project
    from dossier.documents import convert
    from dossier.documents.early import EarlyConversions

    served: list[bytes] = []
    take = EarlyConversions.take

    def counting(self, data, pairs):  # noqa: ANN001
        pdf = take(self, data, pairs)
        if pdf is not None:
            served.append(pdf)
        return pdf

    used: list[int] = []
    converter = convert.kept_converter

    def recording(*args, slot=0, **kwargs):  # noqa: ANN001, ANN002, ANN003
        office = converter(*args, slot=slot, **kwargs)
        return None if office is None else lambda docs, pairs: used.append(slot) or office(docs, pairs)

    monkeypatch.setattr(EarlyConversions, "take", counting)
    monkeypatch.setattr(convert, "kept_converter", recording)
    monkeypatch.setenv("DOSSIER_SOFFICE_JOBS", "2")  # two kept offices (one per core, at most two)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    root = write_full_project(tmp_path / "proj", discrete_data())
    kept = build_project(root, tmp_path / "kept")
    assert _servers(cache), "the build should have left its office running"
    assert used and set(used) == {0}, "a cold build converts in the first office only"
    deadline = time.monotonic() + 60
    while len(list((cache / "office").glob("*/socket"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(list((cache / "office").glob("*/socket"))) == 2, "the second office is started after the conversions"
    assert kept_office.running(root, None, 1), "the next build would convert in both"
    assert kept.converted == len(kept.documents) and kept.cached == 0
    assert len(served) == len(kept.documents), "every document should have been converted early"
    assert not list((tmp_path / "tmp").iterdir()), "the early conversions' scratch folder should be removed"
    monkeypatch.setattr(EarlyConversions, "take", take)
    monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "0")
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "fresh-cache"))
    fresh = build_project(root, tmp_path / "fresh")
    names = sorted(p.name for p in (tmp_path / "fresh").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "kept").iterdir())
    for name in names:
        if name.endswith((".pdf", ".docx")):
            assert (tmp_path / "kept" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    assert fresh.volume is not None and kept.volume is not None


def test_the_office_exits_when_its_folder_is_removed(cache, tmp_path):
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a.pdf")], cache_dir=None)
    assert _servers(cache)
    shutil.rmtree(cache / "office")  # dossier cache clear, or a temporary cache folder deleted
    assert not _wait_gone(cache, 15), "the office should exit once nobody can reach it"


def _listening_pipes() -> set[str]:
    """The names of the UNO pipes LibreOffices listen on (Linux: the bound Unix sockets in /proc/net/unix)."""
    prefix = f"/tmp/OSL_PIPE_{os.getuid()}_"
    lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    return {line.split()[-1][len(prefix):] for line in lines if line.split()[-1].startswith(prefix)}


def test_the_offices_of_two_caches_listen_on_pipes_of_their_own(cache, tmp_path, monkeypatch):
    # Two cache folders give the office folder the same name (it is keyed by the install and the
    # fonts): a test's or a bench's cache beside the user's. Sharing the pipe's name, the second
    # office could not listen and both spun at ~40 % of a core while idle.
    a = _docx(tmp_path / "a.docx", "申请报告")
    convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None)
    with _office_cache() as other:
        monkeypatch.setenv("DOSSIER_CACHE_DIR", str(other))
        convert_all([(a, tmp_path / "a2.pdf")], cache_dir=None)
        assert [p.name for p in (cache / "office").glob("*")] == [p.name for p in (other / "office").glob("*")]
        pipes = []
        for folder in (cache, other):  # soffice and soffice.bin: the same arguments
            pipes.append({arg.decode().split("name=")[1].split(";")[0]
                          for pid in _servers(folder)
                          for arg in (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
                          if arg.startswith(b"--accept=pipe")})
        assert len(pipes[0]) == len(pipes[1]) == 1 and pipes[0] != pipes[1], pipes
        assert pipes[0] | pipes[1] <= _listening_pipes(), "each office should listen on its own pipe"
        assert (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a2.pdf").read_bytes()


def test_an_office_still_starting_is_waited_for_not_replaced(cache, tmp_path):
    """A build that ends while the office it started after its conversions is still starting leaves it
    starting on its own (kept_office.start_rest); the next build's conversion waits for that office
    instead of killing it and starting another."""
    from dossier.documents.convert import find_soffice, font_conf, fonts_conf, tool_identity

    exe = find_soffice()
    identity, conf_path = tool_identity(exe), fonts_conf()
    conf = font_conf(conf_path, {})
    root = kept_office.folder_for(identity, conf, 0)
    root.mkdir(parents=True)
    python = kept_office.uno_python(exe)
    assert python is not None, "python3-uno is installed by scripts/setup.sh"
    starting = threading.Thread(target=kept_office.start_server, args=(root, python, exe, conf_path, {}, None, 30.0))
    starting.start()  # not under the folder's lock: as a build that ended left it
    deadline = time.monotonic() + 30
    while not (root / "pid").is_file() and time.monotonic() < deadline:
        time.sleep(0.01)
    pid = int((root / "pid").read_text())
    assert not (root / "socket").exists(), "the office should still be starting"
    office = kept_office.kept_office(exe, identity, conf, conf_path, {}, None, 60.0)
    starting.join(60)
    assert office is not None and office.ping()
    assert int((root / "pid").read_text()) == pid, "the starting office should have been waited for, not replaced"


@pytest.mark.parametrize("prime", ["document", "garbage"])
def test_an_office_started_with_a_document_converts_it_once_then_serves_fresh_office_bytes(cache, tmp_path, monkeypatch,
                                                                                            prime):
    """A kept office started after a build's conversions (kept_office.start_rest) is given one of its
    documents, converted once when the office is up, so that the next build's first conversion does
    not load LibreOffice's filters and fonts; a document it cannot load primes nothing and harms nothing."""
    import json

    from dossier.documents.convert import find_soffice, font_conf, fonts_conf, tool_identity

    exe = find_soffice()
    identity, conf_path = tool_identity(exe), fonts_conf()
    conf = font_conf(conf_path, {})
    data = _docx(tmp_path / "p.docx", "企业智能工厂建设情况文字简介").read_bytes()
    if prime == "garbage":
        data = data[: len(data) // 2]  # a zip cut in half: the office cannot load it
    office = kept_office.kept_office(exe, identity, conf, conf_path, {}, None, 60.0, prime=data)
    assert office is not None
    root = kept_office.folder_for(identity, conf, 0)
    deadline = time.monotonic() + 60
    while (root / "prime").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (root / "prime").exists(), "the document should be converted, then removed"
    primed = [json.loads(line.split(":", 1)[1]) for line in (root / "server.log").read_text().splitlines()
              if line.startswith("primed:")]
    assert [r["ok"] for r in primed] == [prime == "document"]
    server = _pid(cache)
    a = _docx(tmp_path / "a.docx", "企业提供资料真实性承诺书：本企业承诺所提供资料真实。")
    convert_all([(a, tmp_path / "a1.pdf")], cache_dir=None)
    assert _pid(cache) == server, "the primed office should serve the conversion"
    monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "0")  # a fresh office of its own
    convert_all([(a, tmp_path / "a0.pdf")], cache_dir=None)
    assert (tmp_path / "a1.pdf").read_bytes() == (tmp_path / "a0.pdf").read_bytes()
