"""Output for people and for scripts: verbs that report take ``--json`` (one JSON object on
stdout) and ``--quiet`` (one line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

REPORTING_VERBS = ("check", "bind", "media", "scan", "batch")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DOSSIER_DEBUG": ""})


@pytest.mark.parametrize("verb", REPORTING_VERBS)
def test_reporting_verbs_offer_json_and_quiet(verb):
    from click.testing import CliRunner

    from dossier.cli import main

    help_text = CliRunner().invoke(main, [verb, "--help"]).output
    assert "--json" in help_text and "--quiet" in help_text


@pytest.fixture
def pdfs(tmp_path) -> list[Path]:
    out = []
    for name, n in (("a.pdf", 2), ("b.pdf", 3)):
        pdf = pikepdf.new()
        for _ in range(n):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(tmp_path / name)
        out.append(tmp_path / name)
    return out


@pytest.mark.slow
def test_bind_json_carries_the_manifest(pdfs, tmp_path):
    proc = run("bind", *map(str, pdfs), "-o", str(tmp_path / "vol.pdf"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["manifest"]["page_count"] == 5 and data["volume"] == str(tmp_path / "vol.pdf")
    assert Path(data["manifest_file"]).is_file() and Path(data["guide_file"]).is_file()


@pytest.mark.slow
def test_bind_and_media_quiet_print_one_line(pdfs, tmp_path):
    proc = run("bind", *map(str, pdfs), "-o", str(tmp_path / "vol.pdf"), "-q")
    assert proc.returncode == 0 and proc.stdout.count("\n") == 1 and "共 5 页" in proc.stdout
    from media_fixtures import pptx_file

    deck = pptx_file(tmp_path / "汇报.pptx")
    proc = run("media", str(deck), "--quiet")
    assert proc.returncode == 0 and proc.stdout == "共 0 个错误、0 个警告、0 个提示：未发现错误\n"
