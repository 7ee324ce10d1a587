"""What `dossier build` refuses, and the draft it makes with --force."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from build_fixtures import discrete_data, write_full_project
from dossier.build import build_project
from dossier.cli import main
from dossier.util.errors import InputError


@pytest.fixture
def broken(tmp_path):
    data = discrete_data()
    data["enterprise"]["legal_rep"] = None  # a required value: R-REQUIRED error
    return write_full_project(tmp_path / "proj", data)


def test_errors_refuse_the_build_and_write_nothing(broken):
    result = build_project(broken)
    assert result.refused and result.exit_code == 1
    assert any(f.code == "R-REQUIRED" for f in result.findings)
    assert not (broken / "build").exists()


@pytest.mark.slow
def test_cli_refusal_exits_1_with_a_chinese_explanation(broken):
    res = CliRunner().invoke(main, ["build", str(broken)])
    assert res.exit_code == 1
    assert "未生成文书" in res.output and "--force" in res.output


@pytest.mark.slow
def test_force_marks_every_page_as_draft(broken):
    result = build_project(broken, force=True)
    assert result.draft and not result.refused
    assert json.loads(result.manifest.read_text(encoding="utf-8"))["draft"] is True
    for doc in result.documents:
        pages = subprocess.run(["pdftotext", str(doc.pdf), "-"], check=True, capture_output=True).stdout.decode()
        pages = [p for p in pages.split("\f") if p.strip()]
        assert pages and all("草稿" in p for p in pages), doc.pdf.name
    form = next(d for d in result.documents if d.name == "application_form")
    text = subprocess.run(["pdftotext", str(form.pdf), "-"], check=True, capture_output=True).stdout.decode()
    assert "（未填写）" in text  # the missing 法定代表人 shows as such, not as an empty cell


@pytest.mark.slow
def test_output_inside_evidence_is_refused(tmp_path):
    root = write_full_project(tmp_path / "proj", discrete_data())
    with pytest.raises(InputError, match="evidence"):
        build_project(root, root / "evidence" / "out")


def test_missing_libreoffice_is_a_chinese_error_exit_2(tmp_path, monkeypatch):
    root = write_full_project(tmp_path / "proj", discrete_data())
    monkeypatch.setenv("DOSSIER_SOFFICE", str(tmp_path / "no-such-soffice"))
    res = CliRunner().invoke(main, ["build", str(root)])
    assert res.exit_code == 2
    assert "找不到 LibreOffice" in res.output and "Traceback" not in res.output
    assert not (root / "build").exists(), sorted((root / "build").rglob("*"))  # LibreOffice is looked for before anything is written
