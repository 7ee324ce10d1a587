"""A rebuild interrupted at random moments leaves OUT whole: entirely the previous build or
entirely the new one, every file of manifest.json with its recorded SHA-256, and no LibreOffice
process or temporary profile left behind.

The real CLI runs as a subprocess and is interrupted the two ways a user does it: Ctrl-C (SIGINT
to the whole foreground process group, as a terminal sends it) and ``kill`` (SIGTERM to dossier
alone). Each run starts from the same old OUT, whose cache lacks the new PDFs, so that every
rebuild starts LibreOffice (two documents change) and the moments cover all of its steps.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_fixtures import discrete_data, write_full_project
from dossier.build import build_project

pytestmark = pytest.mark.slow

TRIALS = 12


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(out: Path) -> dict[str, str]:
    """Every file of OUT but the cache, with its SHA-256."""
    return {
        p.relative_to(out).as_posix(): digest(p)
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(out).parts
    }


def assert_manifest_holds(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for d in manifest["documents"]:
        assert digest(out / d["pdf"]) == d["pdf_sha256"], d["pdf"]
    assert digest(out / manifest["volume"]) == manifest["binding"]["sha256"]


def ours(marker: str) -> list[str]:
    """Processes whose environment carries ``marker``: dossier and all it started."""
    found = []
    needle = marker.encode() + b"\0"
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "environ").read_bytes():
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")[:120]
                found.append(f"{proc.name} {cmdline.decode(errors='replace')}")
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_rebuild_interrupted_at_random_moments_leaves_out_whole(tmp_path):
    root = write_full_project(tmp_path / "proj", discrete_data())
    out = root / "build"
    build_project(root)
    (out / "我的备注.txt").write_text("用户自己的文件", encoding="utf-8")  # kept through every swap
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine, symlinks=True)
    old = snapshot(out)

    text = (root / "enterprise.yaml").read_text(encoding="utf-8")
    changed = text.replace("企业建成光模块智能工厂", "企业建成光模块智能工厂（二期）")
    assert changed != text
    (root / "enterprise.yaml").write_text(changed, encoding="utf-8")

    tmpdir = tmp_path / "tmp"  # LibreOffice's profiles go here
    tmpdir.mkdir()
    marker = f"DOSSIER_TEST_RUN={tmp_path}"  # inherited by every process dossier starts
    # SOURCE_DATE_EPOCH: the report's generation time (to the minute) is the same in every run, so
    # that a run finishing a minute after the full one still makes the same new OUT.
    env = {**os.environ, "TMPDIR": str(tmpdir), "DOSSIER_TEST_RUN": str(tmp_path), "SOURCE_DATE_EPOCH": "1735689600"}
    cmd = [sys.executable, "-m", "dossier", "build", str(root), "-q"]

    def reset() -> None:
        shutil.rmtree(out)
        shutil.copytree(pristine, out, symlinks=True)

    # One full run gives the new build and how long a rebuild takes; off a terminal, its progress
    # is one line per step on stderr.
    reset()
    began = time.monotonic()
    run = subprocess.run(cmd[:-1], env=env, check=True, capture_output=True, text=True)
    full = time.monotonic() - began
    steps = [line.split("] ", 1)[1] for line in run.stderr.splitlines() if re.match(r"\[ *\d+\.\d 秒\] ", line)]
    assert steps[:3] == ["检查材料", "生成 Word 文书（共 10 项）", "转换为 PDF（LibreOffice）（共 10 项）"], run.stderr
    assert steps[-2:] == ["写出清单和报告", "替换输出文件夹"] and "装订：排版页面" in "".join(steps), run.stderr
    new = snapshot(out)
    assert new != old and set(new) == set(old)

    rng = random.Random(13)
    moments = sorted(rng.uniform(0.05, full * 1.05) for _ in range(TRIALS))
    seen = {"old": 0, "new": 0}
    for k, delay in enumerate(moments):
        sig = signal.SIGINT if k % 2 == 0 else signal.SIGTERM
        reset()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, process_group=0)
        time.sleep(delay)
        if sig == signal.SIGINT:
            with_group = True
            try:
                os.killpg(proc.pid, sig)  # what a terminal's Ctrl-C does: the foreground group
            except ProcessLookupError:
                pass
        else:
            with_group = False
            if proc.poll() is None:
                proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        assert b"\xe7\xa7\x92]" not in err  # "秒]": no progress with -q
        what = f"trial {k}: {signal.Signals(sig).name} at {delay:.2f} s of {full:.2f} s (group={with_group}), exit {proc.returncode}"
        # 130/143: interrupted and cleaned up; -2/-15: the signal came before Python set its
        # handlers (the first fraction of a second, nothing written yet); 0: it had finished.
        assert proc.returncode in (0, 130, 143, -signal.SIGINT, -signal.SIGTERM), what + "\n" + err.decode(errors="replace")[-2000:]
        if proc.returncode in (130, 143):
            assert "已中断" in err.decode(), what

        now = snapshot(out)
        assert now in (old, new), what + f": {sorted(set(now.items()) ^ set(old.items()))[:6]}"
        seen["old" if now == old else "new"] += 1
        assert_manifest_holds(out)
        assert (out / "我的备注.txt").read_text(encoding="utf-8") == "用户自己的文件"

        leftovers = [p.name for p in root.iterdir() if p.name.startswith(".build.")]
        assert leftovers == [], what
        assert list(tmpdir.iterdir()) == [], what  # no profile (dossier-lo-*), nor anything else
        deadline = time.monotonic() + 5
        while ours(marker) and time.monotonic() < deadline:
            time.sleep(0.1)  # a killed process may take a moment to be reaped by init
        assert ours(marker) == [], what

    # The moments spread over the whole rebuild (how many runs finished first depends on the load).
    assert seen["old"] >= 3, seen
