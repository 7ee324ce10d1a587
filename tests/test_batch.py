"""``dossier batch``: two good projects (the samples once generated) and a broken one, built
in parallel for real; exit 1, the good ones built, a dashboard and a CSV naming all three with
the broken one's reason. Plus the fast promises: discovery, unique output names, isolation of
failures, determinism, JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from dossier import batch
from dossier.batch import find_projects, output_names, run_batch
from report_fixtures import media_project

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BROKEN_REASON = "enterprise.yaml:2：YAML 格式错误"  # the loader names the file, line and problem


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dossier", *args], capture_output=True, text=True, timeout=600,
        env={**os.environ, "DOSSIER_DEBUG": ""},
    )


def samples_ready() -> bool:
    """Both samples present with their generated media (``python -m samples.generate``)."""
    from dossier.application.load import load_project

    projects = sorted(p.parent for p in SAMPLES.glob("*/enterprise.yaml"))
    if len(projects) < 2:
        return False
    for p in projects:
        app = load_project(p).app
        if app is None or not app.media.photos or not all((p / f).is_file() for f in app.media.photos):
            return False
    return True


def broken_project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "enterprise.yaml").write_text("enterprise:\n\tname: 坏掉的项目\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    if samples_ready():
        good_root = SAMPLES
    else:  # before the samples are generated: two complete projects of our own
        good_root = base / "clients"
        media_project(good_root / "光芯", name="武汉光芯测试科技有限公司")
        media_project(good_root / "华鑫", name="武汉华鑫新材料有限公司")
    broken_project(base / "others" / "broken")
    out = base / "out"
    proc = run("batch", str(good_root), str(base / "others"), "-o", str(out))
    return proc, out, good_root


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to read Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


@pytest.mark.slow
def test_batch_exits_1_and_builds_the_good_ones(batch_run):
    proc, out, _ = batch_run
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = read_csv(out / "summary.csv")
    assert rows[0] == ["项目", "客户", "类型", "错误", "警告", "合计投资（万元）", "页数", "状态", "原因", "报告",
                       "所在区", "截止日期", "装订本", "张数", "份数"]
    body = {r[0]: r for r in rows[1:]}
    assert len(body) == 3 and body["broken"][7] == "输入无法使用"
    good = [r for name, r in body.items() if name != "broken"]
    for r in good:
        assert r[7] == "就绪" and r[3] == "0", r
        folder = out / r[0]
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        assert manifest["documents"] and all((folder / d["pdf"]).is_file() for d in manifest["documents"])
        assert int(r[6]) > 0 and float(r[5]) > 0
        assert r[9] == f"{r[0]}/report.html" and (folder / "report.html").is_file()
        assert r[10].endswith("区") and r[11] == "2025-10-17" and r[14] == "7", r  # 所在区 as catalogued
        volume = out / r[12]
        assert volume.is_file() and volume.name.endswith(".pdf")
        assert int(r[13]) == manifest["binding"]["sheets"] > 0
    assert not (out / "broken").exists()


@pytest.mark.slow
def test_dashboard_names_all_three_with_the_broken_ones_reason(batch_run):
    _, out, _ = batch_run
    html = (out / "index.html").read_text("utf-8")
    rows = read_csv(out / "summary.csv")[1:]
    assert html.count('<tr class="row">') == 3
    for r in rows:
        assert r[1] in html and r[0] in html
    broken = next(r for r in rows if r[0] == "broken")
    assert BROKEN_REASON in broken[8] and BROKEN_REASON in html
    # Blocked first: the broken project is the first row.
    assert html.index("broken") < min(html.index(r[1]) for r in rows if r[0] != "broken")
    for r in rows:
        if r[9]:  # the link to each built project's report, URL-quoted (Chinese folder names)
            assert f'href="{quote(r[9])}"' in html
        if r[12]:  # and to its 装订本 (not to the raw JSON manifest)
            assert f'href="{quote(r[12])}"' in html
    assert "manifest.json" not in html


@pytest.mark.slow
def test_dashboard_flags_a_total_under_the_threshold(tmp_path):
    def small(data):
        data["investments"] = data["investments"][:1]  # one row of the three: under 5,000 万元

    media_project(tmp_path / "in" / "small", mutate=small)
    media_project(tmp_path / "in" / "big")
    result = run_batch([tmp_path / "in"], tmp_path / "out", build=False, workers=1)
    rows = {r.name: r for r in result.rows}
    assert rows["small"].below_threshold and not rows["big"].below_threshold
    html = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert html.count("低于 5,000.00 万元门槛") == 1
    flagged = html.split("低于 5,000.00 万元门槛")[0].rsplit('<tr class="row">', 1)[1]
    assert "small" in flagged


def test_find_projects_skips_outputs_hidden_folders_and_inputs(tmp_path):
    for rel in ("a", "nested/b", ".hidden/c", "a/build/d", "nested/b/evidence/e", "x/build/f"):
        (tmp_path / rel).mkdir(parents=True)
        (tmp_path / rel / "enterprise.yaml").write_text("type: discrete\n", encoding="utf-8")
    found = find_projects([tmp_path])
    assert [p.relative_to(tmp_path.resolve()).as_posix() for p in found] == ["a", "nested/b"]
    assert find_projects([tmp_path / "a"]) == [(tmp_path / "a").resolve()]


def test_same_folder_name_under_two_roots_does_not_collide(tmp_path):
    one, two, three = Path("/r1/光芯"), Path("/r2/光芯"), Path("/r2/光芯-2")
    assert output_names([two, one, three]) == {one: "光芯", three: "光芯-2", two: "光芯-3"}


def test_one_projects_crash_never_stops_the_others(tmp_path, monkeypatch):
    for name in ("a", "b", "c"):
        d = tmp_path / "in" / name
        d.mkdir(parents=True)
        (d / "enterprise.yaml").write_text("type: discrete\n", encoding="utf-8")
    real = batch._run_project

    def flaky(root, out_dir, build, name):
        if name == "b":
            raise RuntimeError("boom")
        return real(root, out_dir, build, name)

    monkeypatch.setattr(batch, "_run_project", flaky)
    result = run_batch([tmp_path / "in"], tmp_path / "out", build=False, workers=1)
    by_name = {r.name: r for r in result.rows}
    assert by_name["b"].status == "生成失败" and "RuntimeError: boom" in by_name["b"].reason
    assert by_name["a"].status == by_name["c"].status == "有错误"
    assert (tmp_path / "out" / "a" / "report.html").is_file() and (tmp_path / "out" / "c" / "report.html").is_file()
    assert result.exit_code == 1


@pytest.mark.slow
def test_check_only_json_is_deterministic_and_parallel(tmp_path, monkeypatch):
    # The report's footer carries its generation time; SOURCE_DATE_EPOCH fixes it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    media_project(tmp_path / "in" / "a")
    broken_project(tmp_path / "in" / "z")
    first = run("batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--check-only", "--json")
    data = json.loads(first.stdout)
    assert first.returncode == 1 and data["exit_code"] == 1
    assert [(p["name"], p["status"]) for p in data["projects"]] == [("z", "输入无法使用"), ("a", "就绪")]
    assert data["projects"][1]["total_wan"] == "6300.00"
    not_ready = [f for f in data["findings"] if f["code"] == "B-NOT-READY"]
    assert [f["severity"] for f in not_ready] == ["error"] and "输入无法使用" in not_ready[0]["message"]
    html, table = (tmp_path / "out" / "index.html").read_bytes(), (tmp_path / "out" / "summary.csv").read_bytes()
    report = (tmp_path / "out" / "a" / "report.html").read_bytes()
    second = run("batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--check-only", "-q")
    assert second.returncode == 1 and second.stdout.startswith("共 2 个项目：")
    assert (tmp_path / "out" / "index.html").read_bytes() == html
    assert (tmp_path / "out" / "summary.csv").read_bytes() == table
    assert (tmp_path / "out" / "a" / "report.html").read_bytes() == report


@pytest.mark.slow
def test_no_project_found_exits_2(tmp_path):
    proc = run("batch", str(tmp_path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "没有找到任何项目" in proc.stderr and "Traceback" not in proc.stderr


def test_csv_defuses_formulas_from_user_text():
    from dossier.batch import ProjectRow, summary_csv

    row = ProjectRow("p", "/x/p", '=HYPERLINK("http://evil","点我")', "离散型", 0, 0, "1.00", 3, "就绪", "", "p/report.html")
    rows = read_csv_bytes(summary_csv([row]))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\",\"点我\")" and rows[1][0] == "p"


def read_csv_bytes(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


@pytest.mark.slow
def test_workers_also_start_cleanly_when_fork_is_unsafe(tmp_path):
    """With another thread alive (a progress bar, a GUI) workers come from forkserver, which
    re-imports the main module: nothing may run twice and the rows still come back."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert batch._context().get_start_method() != "fork"
        media_project(tmp_path / "in" / "a")
        broken_project(tmp_path / "in" / "b")
        result = run_batch([tmp_path / "in"], tmp_path / "out", build=False, workers=2)
    finally:
        stop.set()
    assert [(r.name, r.status) for r in result.rows] == [("b", "输入无法使用"), ("a", "就绪")]
