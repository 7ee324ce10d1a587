"""``dossier batch`` stopped while LibreOffice converts: the workers clean up and exit, no
LibreOffice process or profile is left, and each project's output folder is its previous state.

Ctrl-C is a SIGINT to the terminal's whole foreground group (dossier and its workers); ``kill``
is a SIGTERM to the main process only, which then stops the workers itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_fixtures import discrete_data, write_full_project
from test_build_interrupted import ours

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_batch_stopped_during_libreoffice_leaves_nothing_behind(tmp_path, sig):
    clients = tmp_path / "clients"
    for name in ("甲", "乙"):
        write_full_project(clients / name, discrete_data())
    (tmp_path / "out" / "甲").mkdir(parents=True)
    (tmp_path / "out" / "甲" / "旧文件.txt").write_text("上次的", encoding="utf-8")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    # A cache of its own: with the test session's, documents another test converted (the same
    # fixture's) were cache hits, and the batch ended without starting LibreOffice.
    env = {**os.environ, "TMPDIR": str(tmpdir), "DOSSIER_TEST_RUN": str(tmp_path), "DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dossier", "batch", str(clients), "-o", str(tmp_path / "out"), "-j", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, process_group=0,
    )
    deadline = time.monotonic() + 120
    while not list(tmpdir.glob("dossier-lo-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert list(tmpdir.glob("dossier-lo-*")), "LibreOffice never started"
    time.sleep(0.5)  # well inside the conversion
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == (130 if sig == signal.SIGINT else 143), err.decode(errors="replace")[-2000:]
    assert "已中断" in err.decode() and "Traceback" not in err.decode(), err.decode()[-2000:]

    deadline = time.monotonic() + 5
    while ours(f"DOSSIER_TEST_RUN={tmp_path}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ours(f"DOSSIER_TEST_RUN={tmp_path}") == []
    assert list(tmpdir.iterdir()) == []
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["甲"]  # no staging folder, no lock, no 乙
    # As it was; the cache (no output: content-addressed entries) may have gained entries.
    assert sorted(p.name for p in (out / "甲").iterdir() if p.name != ".cache") == ["旧文件.txt"]
