"""Conversions split over several LibreOffice processes: how documents are dealt out, and that
Ctrl-C while two offices run leaves neither of them (nor their profiles) behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from build_fixtures import processes_mentioning
from dossier.documents.convert import _groups, workers


def _jobs(tmp_path: Path, sizes: list[int]) -> list[tuple[Path, Path, str]]:
    jobs = []
    for i, size in enumerate(sizes):
        doc = tmp_path / f"{i:02d}.docx"
        doc.write_bytes(b"x" * size)
        jobs.append((doc, tmp_path / f"{i:02d}.pdf", ""))
    return jobs


def test_groups_share_the_bytes_and_keep_the_order(tmp_path):
    jobs = _jobs(tmp_path, [900, 100, 500, 400, 300, 200])
    groups = _groups(jobs, 2)
    assert sorted(j for g in groups for j in g) == sorted(jobs)  # every document once
    assert [sum(j[0].stat().st_size for j in g) for g in groups] == [1200, 1200]
    for g in groups:
        assert g == sorted(g, key=jobs.index)  # each group in the order given
    assert _groups(jobs[:1], 2) == [jobs[:1]]
    assert _groups(jobs, 1) == [jobs]


def test_workers_one_per_core_unless_told(monkeypatch):
    monkeypatch.setenv("DOSSIER_SOFFICE_JOBS", "1")
    assert workers() == 1
    monkeypatch.setenv("DOSSIER_SOFFICE_JOBS", "99")
    assert workers() == 4
    monkeypatch.delenv("DOSSIER_SOFFICE_JOBS")
    assert workers() == max(1, min(os.cpu_count() or 1, 4))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_ctrl_c_during_parallel_conversion_leaves_no_office(tmp_path):
    from docx import Document

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):
        d = Document()
        for k in range(40):
            d.add_paragraph(f"第{i}份文书，第{k}段：企业建成光模块智能工厂。")
        d.save(str(docs / f"{i}.docx"))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from dossier.documents.convert import convert_all
        docs = sorted(Path({str(docs)!r}).glob("*.docx"))
        convert_all([(d, d.with_suffix(".pdf")) for d in docs], font_pairs={{}})
        """
    )
    env = {**os.environ, "TMPDIR": str(scratch), "DOSSIER_SOFFICE_JOBS": "2"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Both offices running at once: two private profiles under the scratch folder.
        deadline = time.monotonic() + 120
        profiles: set[str] = set()
        while len(profiles) < 2 and time.monotonic() < deadline and proc.poll() is None:
            for pid in processes_mentioning(str(scratch)):
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
                except OSError:
                    continue
                profiles.update(p for p in cmd.split("\0") if p.startswith("-env:UserInstallation="))
            time.sleep(0.05)
        assert len(profiles) == 2, f"应有两个 LibreOffice 同时转换：{profiles}"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    deadline = time.monotonic() + 10
    while processes_mentioning(str(scratch)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_mentioning(str(scratch)), "Ctrl-C 之后不应留下 LibreOffice 进程"
    assert not list(scratch.glob("dossier-lo-*")), "Ctrl-C 之后不应留下临时配置文件夹"
