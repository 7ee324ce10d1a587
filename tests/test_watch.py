"""``dossier watch``: a save triggers a rebuild; a broken save keeps the last good output; Ctrl-C
(even in the middle of a round) leaves no LibreOffice and no temporary profile behind; what a
round made equals a plain build's output; what the process remembers between rounds is never
served for changed input."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from build_fixtures import discrete_data, processes_mentioning, write_full_project
from dossier.bind import fonts
from dossier.build import VOLUME
from dossier.util.findings import Finding
from dossier.watch import DEBOUNCE_S, SETTLE_S, VERSION_JS, Batch, Clock, add_reload, diff, events, watched


def test_watched_paths(tmp_path):
    root, out = tmp_path, tmp_path / "build"
    assert watched(root, root / "enterprise.yaml", out)
    assert watched(root, root / "evidence" / "R01" / "合同.pdf", out)
    assert watched(root, root / "media" / "1.jpg", out)
    assert watched(root, root / "templates" / "report.docx", out)
    assert not watched(root, out / "report.html", out)  # its own output
    assert not watched(root, root / "notes.txt", out)
    assert not watched(root, root / ".enterprise.yaml.swp", out)
    assert not watched(root, root / "evidence" / "~$合同.docx", out)
    assert not watched(root, tmp_path.parent / "enterprise.yaml", out)


def test_diff_names_added_and_removed():
    a = Finding("A", "error", "旧问题", file="enterprise.yaml", line=3)
    b = Finding("B", "warning", "仍在")
    c = Finding("C", "info", "新问题")
    added, removed = diff([a, b], [b, c])
    assert added == [c] and removed == [a]


def test_report_reloads_when_rebuilt(tmp_path):
    report = tmp_path / "report.html"
    report.write_text("<html><body><p>一</p></body></html>", encoding="utf-8")
    add_reload(report)
    first = report.read_text(encoding="utf-8")
    version = (tmp_path / VERSION_JS).read_text(encoding="utf-8")
    assert VERSION_JS in first and first.index("<script>") < first.index("</body>")
    mine = first.split("var mine='")[1].split("'")[0]
    assert f"'{mine}'" in version  # the page and the version file agree until the next rebuild
    report.write_text("<html><body><p>二</p></body></html>", encoding="utf-8")
    add_reload(report)
    assert f"'{mine}'" not in (tmp_path / VERSION_JS).read_text(encoding="utf-8")


def test_a_save_is_complete_when_every_changed_file_is_closed_or_renamed_into_place():
    in_place = Batch()
    in_place.add("/p/enterprise.yaml", "modified")
    assert in_place.quiet() == DEBOUNCE_S  # still being written
    in_place.add("/p/enterprise.yaml", "modified")
    in_place.add("/p/enterprise.yaml", "closed")
    assert in_place.quiet() == SETTLE_S

    renamed = Batch()  # vim: the old file renamed away, the new one written and closed
    renamed.add("/p/enterprise.yaml", "gone")
    assert renamed.quiet() == DEBOUNCE_S
    renamed.add("/p/enterprise.yaml", "created")
    renamed.add("/p/enterprise.yaml", "closed")
    assert renamed.quiet() == SETTLE_S

    safe_write = Batch()  # JetBrains: a temporary file renamed over the original
    safe_write.add("/p/enterprise.yaml", "gone")
    safe_write.add("/p/enterprise.yaml", "closed")
    assert safe_write.quiet() == SETTLE_S

    two = Batch()  # one file closed, another still open: wait
    two.add("/p/evidence/a.pdf", "created")
    two.add("/p/evidence", "modified", is_directory=True)
    two.add("/p/enterprise.yaml", "modified")
    two.add("/p/enterprise.yaml", "closed")
    assert two.quiet() == DEBOUNCE_S and two.paths == {"/p/evidence/a.pdf", "/p/evidence", "/p/enterprise.yaml"}

    deleted = Batch()  # gone, perhaps to come back
    deleted.add("/p/media/1.jpg", "deleted")
    assert deleted.quiet() == DEBOUNCE_S


@pytest.mark.parametrize("how", ["in place", "renamed over"])
def test_events_report_a_save(tmp_path, how):
    root = tmp_path
    (root / "enterprise.yaml").write_text("a: 1\n", encoding="utf-8")
    stop = threading.Event()
    got: queue.Queue[set[str]] = queue.Queue()

    def run() -> None:
        for batch in events(root, root / "build", stop):
            got.put(batch)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # the observer is watching
        if how == "in place":
            with open(root / "enterprise.yaml", "w", encoding="utf-8") as fh:
                fh.write("a: 2\n")
        else:
            (root / "enterprise.yaml.tmp").write_text("a: 3\n", encoding="utf-8")
            os.replace(root / "enterprise.yaml.tmp", root / "enterprise.yaml")
        batch = got.get(timeout=10)
        assert str(root / "enterprise.yaml") in batch
        assert not any(p.endswith(".tmp") for p in batch)
    finally:
        stop.set()
        thread.join(timeout=10)


def test_clock_times_each_step_and_counts_the_binders_steps_as_one():
    clock = Clock()
    clock("检查")
    clock("装订：读取材料", 0, 3)
    clock("装订：读取材料", 1, 3)
    clock("装订：写出 PDF", 0, None)
    clock("转换为 PDF（LibreOffice）", 0, 2)
    clock.stop()
    assert list(clock.stages) == ["检查", "装订", "转换为 PDF"]
    assert all(v >= 0 for v in clock.stages.values())


def _change_summary(yaml_path: Path, suffix: str) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(yaml_path.read_text(encoding="utf-8"))
    data["project"]["summary"] = str(data["project"]["summary"]).rstrip() + suffix
    with open(yaml_path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


class _Lines:
    """The watch process's output, line by line, read in a thread."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.q: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.q.put(line)

    def wait_for(self, text: str, timeout: float = 300) -> list[str]:
        start, got = time.monotonic(), []
        while time.monotonic() - start < timeout:
            try:
                line = self.q.get(timeout=1)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        raise AssertionError(f"没有等到“{text}”；输出：\n{''.join(self.seen)}")


def _assert_no_office_left(scratch: Path) -> None:
    """No process started with ``scratch`` as its TMPDIR (LibreOffice) is left, given 10 s: one killed
    at Ctrl-C may take a moment to be reaped."""
    deadline = time.monotonic() + 10
    while processes_mentioning(str(scratch)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_mentioning(str(scratch)), "Ctrl-C 之后不应留下 LibreOffice 进程"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_watch_rebuilds_keeps_last_good_output_and_stops_cleanly(tmp_path):
    root = write_full_project(tmp_path / "proj", discrete_data())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # An empty cache of its own, so that the first build has documents to convert (the office starts
    # with the first conversion) whatever earlier tests left in the suite's shared cache.
    env = {**os.environ, "TMPDIR": str(scratch), "DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dossier", "watch", str(root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env,
    )
    try:
        out = _Lines(proc)
        out.wait_for("正在监视")
        volume = root / "build" / VOLUME
        assert volume.is_file()
        assert processes_mentioning(str(scratch)), "后台 LibreOffice 应当在运行"
        first = volume.stat().st_mtime_ns

        # A one-field save: the documents showing it are converted again and the volume rewritten.
        _change_summary(root / "enterprise.yaml", "（修订）")
        lines = out.wait_for("已重新生成")
        assert any("enterprise.yaml" in line for line in lines)
        assert "转换 0 份" not in lines[-1]
        assert volume.stat().st_mtime_ns != first
        good = volume.read_bytes()
        # One office per core, at most two, each in its own folder (started while the first build ran).
        from dossier.documents.kept_office import slots

        offices = [f for f in scratch.glob("dossier-watch-lo-*") if processes_mentioning(str(f))]
        assert len(offices) == slots(), offices

        # What the round made (early conversions, files linked from the previous output) is what a
        # plain build of the same input makes, byte for byte (report.html aside: watch adds its reload).
        plain = root / "plain"
        subprocess.run([sys.executable, "-m", "dossier", "build", str(root), "-o", str(plain), "-q"], env=env, check=True,
                       capture_output=True)
        made = sorted(p.name for p in plain.iterdir() if p.name != "report.html")
        assert any(n.endswith(".docx") for n in made) and VOLUME in made
        for name in made:
            assert (plain / name).read_bytes() == (root / "build" / name).read_bytes(), name

        # A broken save: the findings are printed and the last good output stays.
        saved = (root / "enterprise.yaml").read_text(encoding="utf-8")
        (root / "enterprise.yaml").write_text("enterprise: [未闭合\n", encoding="utf-8")
        lines = out.wait_for("保留上次生成的文件")
        assert any("enterprise.yaml" in line and "错误" in line for line in lines), "".join(lines)
        assert volume.read_bytes() == good

        # Ctrl-C in the middle of a round (a good save, its conversion likely running on the
        # conversion thread): nothing of LibreOffice is left (checked below).
        (root / "enterprise.yaml").write_text(saved.replace("（修订）", "（修订二）"), encoding="utf-8")
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _assert_no_office_left(scratch)
    assert not list(scratch.glob("dossier-watch-lo-*")), "Ctrl-C 之后不应留下临时配置文件夹"
    assert not list(scratch.glob("dossier-watch-docx-*")), "Ctrl-C 之后不应留下提前转换用的临时文件夹"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_watch_whose_first_build_converts_nothing_still_starts_and_primes_its_offices(tmp_path):
    """A project built before: the first round takes every PDF from the cache. The offices are started
    anyway, and each converts one of the documents, so that the user's first save does not wait for
    LibreOffice to start or for its first conversion."""
    root = write_full_project(tmp_path / "proj", discrete_data())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-m", "dossier", "build", str(root), "-q"], env=env, check=True, capture_output=True)
    from dossier.documents.kept_office import slots, stop

    for kept in (tmp_path / "cache" / "office").glob("*"):
        stop(kept)  # the build's kept offices: not the watch's
    proc = subprocess.Popen(
        [sys.executable, "-m", "dossier", "watch", str(root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env,
    )
    try:
        lines = _Lines(proc).wait_for("正在监视")
        assert any("转换 0 份" in line for line in lines), "".join(lines)
        deadline = time.monotonic() + 120
        primed: list[Path] = []
        while len(primed) < slots() and time.monotonic() < deadline:
            time.sleep(0.2)
            primed = [f for f in scratch.glob("dossier-watch-lo-*")
                      if (f / "prime" / "prime.docx").is_file() and processes_mentioning(str(f))]
        assert len(primed) == slots(), list(scratch.glob("dossier-watch-lo-*"))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _assert_no_office_left(scratch)


def test_installed_fonts_are_asked_again_when_a_font_folder_changes(tmp_path, monkeypatch):
    from dossier.documents import fontmap

    monkeypatch.setattr(fontmap.Path, "home", staticmethod(lambda: tmp_path))
    monkeypatch.setattr(fontmap, "_INSTALLED", {})
    asked: list[int] = []
    monkeypatch.setattr(fontmap, "installed_families", lambda platform=None: asked.append(1) or [f"F{len(asked)}"])
    fonts = tmp_path / ".local" / "share" / "fonts"
    fonts.mkdir(parents=True)
    assert fontmap._installed_now() == ["F1"]
    assert fontmap._installed_now() == ["F1"] and len(asked) == 1  # nothing changed: remembered
    time.sleep(0.01)
    (fonts / "simsun.ttc").write_bytes(b"font")  # a font installed: its folder's time changes
    assert fontmap._installed_now() == ["F2"]


def test_a_documents_fonts_are_remembered_by_its_bytes(tmp_path):
    import io
    import zipfile

    from dossier.documents.fontmap import _fonts_of

    def docx(font: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("word/document.xml", f'<w:document><w:rFonts w:eastAsia="{font}"/></w:document>')
        return buf.getvalue()

    assert _fonts_of(docx("仿宋_GB2312")) == {"仿宋_GB2312"}
    assert _fonts_of(docx("方正小标宋简体")) == {"方正小标宋简体"}
    assert _fonts_of(docx("仿宋_GB2312")) == {"仿宋_GB2312"}


def test_a_rebuild_links_only_files_whose_bytes_are_unchanged(tmp_path):
    from dossier.build import _reusing

    old, stage = tmp_path / "build", tmp_path / "stage"
    old.mkdir()
    stage.mkdir()
    (old / "01 a.pdf").write_bytes(b"same")
    (old / "02 b.pdf").write_bytes(b"before")
    write = _reusing(stage, old)
    write(stage / "01 a.pdf", b"same")
    write(stage / "02 b.pdf", b"after")
    write(stage / "03 c.pdf", b"new")
    assert os.path.samefile(stage / "01 a.pdf", old / "01 a.pdf")  # linked, not written again
    assert not os.path.samefile(stage / "02 b.pdf", old / "02 b.pdf")
    assert (stage / "02 b.pdf").read_bytes() == b"after" and (old / "02 b.pdf").read_bytes() == b"before"
    assert (stage / "03 c.pdf").read_bytes() == b"new"


def test_a_remembered_render_is_served_only_for_the_same_template_and_context(tmp_path, monkeypatch):
    from dossier import build
    from dossier.documents.render import template_path

    rendered: list[dict] = []
    monkeypatch.setattr(build, "render_docx", lambda template, context: rendered.append(context) or repr(context).encode())
    monkeypatch.setattr(build, "_RENDERS", {})
    template = template_path("summary")
    first = build._rendered(template, {"summary": "一", "bound": True}, tmp_path)
    assert build._rendered(template, {"summary": "一", "bound": True}, tmp_path) == first and len(rendered) == 1
    assert build._rendered(template, {"summary": "二", "bound": True}, tmp_path) != first and len(rendered) == 2


def test_a_remembered_stamping_guide_is_served_only_for_the_same_lines(monkeypatch):
    from dossier import build
    from dossier.bind import guide

    lines = {"now": [("p", "共 80 页")]}
    renders: list[str] = []
    monkeypatch.setattr(guide, "guide_lines", lambda manifest, copies=None: list(lines["now"]))
    monkeypatch.setattr(guide, "render_guide",
                        lambda manifest, copies=None, font=None: renders.append("x") or repr((lines["now"], font)).encode())
    monkeypatch.setattr(build, "_GUIDES", {})
    first = build._guide(object(), 7)
    assert build._guide(object(), 7) == first and len(renders) == 1
    lines["now"] = [("p", "共 81 页")]  # a page more: rendered again
    assert build._guide(object(), 7) == repr(([("p", "共 81 页")], None)).encode() and len(renders) == 2
    # Set in another font subset (the volume's, whose titles changed): rendered again, in that one.
    subset = fonts.FontSubset("ABCDEF+Noto", b"", "cff", {}, (0, 0, 1, 1))
    assert build._guide(object(), 7, subset) == repr(([("p", "共 81 页")], subset)).encode() and len(renders) == 3


@pytest.mark.slow
def test_a_round_binds_kept_evidence_into_the_volume_a_plain_build_makes(tmp_path, monkeypatch):
    """The evidence PDFs a round keeps open serve the next round only while unchanged; the volume
    made from them is a plain build's, byte for byte, before and after an evidence file changes."""
    from dossier.bind import remember
    from dossier.build import build_project
    from dossier.util import cache
    from dossier.watch import Watcher

    from bind_make import make_pdf

    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # the files were written just now: remembered at once
    monkeypatch.setattr(cache, "_DIGESTS", None)
    monkeypatch.setattr(cache, "_DIGESTS_NEW", {})
    remember.forget()
    root = write_full_project(tmp_path / "proj", discrete_data())
    watcher = Watcher(root, None, None)
    try:
        r = watcher.rebuild()
        evidence = [i.file for i in r.result.binding.inputs if i.kind == "pdf" and "evidence/" in i.file]
        assert len(evidence) >= 2
        # The first round opens the evidence while LibreOffice converts; the next take it from there.
        assert r.built and watcher.kept.reused == 0 and watcher.kept.ahead == len(evidence)
        r = watcher.rebuild()
        assert r.built and watcher.kept.reused == r.kept == len(evidence) and watcher.kept.ahead == 0
        volume = (root / "build" / VOLUME).read_bytes()
        assert build_project(root, tmp_path / "plain").volume.read_bytes() == volume

        time.sleep(0.05)  # a later clock tick than the first write
        make_pdf(root / "build" / evidence[0], [{"text": "changed"}, {"text": "two"}])
        r = watcher.rebuild()
        assert r.built and watcher.kept.reused == len(evidence) - 1 and watcher.kept.ahead == 1
        changed = (root / "build" / VOLUME).read_bytes()
        assert changed != volume
        assert build_project(root, tmp_path / "plain2").volume.read_bytes() == changed
    finally:
        watcher.close()


def test_verbose_rounds_say_how_many_inputs_were_kept_open(capsys):
    from dossier.cli.common import Ui
    from dossier.cli.watch import _report
    from dossier.watch import Round

    ui = Ui(verb="watch", verbose=True)
    _report(ui, Round(stages={"检查": 0.2, "装订": 0.3}, kept=128))
    assert "各步用时：检查 0.20、装订 0.30 秒；装订沿用上一轮已打开的材料 128 份" in capsys.readouterr().out
    _report(ui, Round(stages={"检查": 0.2}))  # a first round, or nothing kept: not mentioned
    assert "沿用" not in capsys.readouterr().out
