"""Findings in one total order (file, line, code, message): the same bytes whatever the hash seed,
and each finding on the line of its own field."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dossier.scaffold import init_project
from dossier.util.findings import Finding, sort_key


def check_json(root, seed: str) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "dossier", "check", str(root), "--json", "--no-report"],
        capture_output=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert proc.returncode == 1, proc.stderr.decode()
    return proc.stdout


@pytest.mark.slow
def test_same_bytes_under_different_hash_seeds(tmp_path):
    root = tmp_path / "p"
    init_project(root, "discrete")
    first, second = check_json(root, "1"), check_json(root, "4242")
    assert first == second
    findings = json.loads(first)["findings"]
    keys = [sort_key(Finding(**f)) for f in findings]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@pytest.mark.slow
def test_each_missing_count_on_its_own_line(tmp_path):
    root = tmp_path / "p"
    init_project(root, "discrete")
    lines = (root / "enterprise.yaml").read_text(encoding="utf-8").splitlines()
    findings = json.loads(check_json(root, "0"))["findings"]
    missing = [f for f in findings if f["code"] == "Q-COUNT-MISSING"]
    assert len(missing) > 5
    assert len({f["line"] for f in missing}) == len(missing)
    for f in missing:
        key = f["message"].rsplit("equipment.counts.", 1)[1].rstrip("）")
        assert lines[f["line"] - 1].strip().startswith(f"{key}:"), (f, lines[f["line"] - 1])


def test_file_order_within_a_file():
    a = Finding("Z-LAST", "info", "b", file="enterprise.yaml", line=3)
    b = Finding("A-FIRST", "error", "a", file="enterprise.yaml", line=10, attachment=1)
    c = Finding("A-FIRST", "error", "a", file="enterprise.yaml", line=10, attachment=2)
    assert sorted([c, b, a], key=sort_key) == [a, b, c]
