"""``dossier build proj -o out`` with relative paths, run from another folder (as scripts/sample.sh does)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from build_fixtures import discrete_data, write_full_project


@pytest.mark.slow
def test_relative_project_and_output_paths(tmp_path):
    write_full_project(tmp_path / "项目", discrete_data())
    proc = subprocess.run(
        [sys.executable, "-m", "dossier", "build", "项目", "-o", "输出/甲"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "输出" / "甲"
    assert (out / "申报材料装订本.pdf").is_file() and (out / "manifest.json").is_file()
    assert len(list(out.glob("[0-9][0-9] *.pdf"))) == 10
