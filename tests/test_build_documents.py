"""`dossier build` on real projects of both types: real docx, real LibreOffice, real PDFs.

One build per type for the whole module (LibreOffice costs seconds)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from build_fixtures import SPECIAL, discrete_data, process_data, write_full_project
from dossier.application.programme import load_programme
from dossier.build import build_project

PROGRAMME = load_programme("wuhan-2025")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = {}
    for mtype, make in (("discrete", discrete_data), ("process", process_data)):
        root = write_full_project(tmp_path_factory.mktemp(mtype) / "proj", make())
        result = build_project(root)
        assert not result.refused and not result.draft
        out[mtype] = (root, result)
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout.decode()


def manifest(result) -> dict:
    return json.loads(result.manifest.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("mtype", ["discrete", "process"])
def test_manifest_lists_exactly_the_types_attachments(built, mtype):
    root, result = built[mtype]
    data = manifest(result)
    assert data["type"] == mtype and data["programme"] == "wuhan-2025"
    assert data["enterprise"] == "武汉光芯测试科技有限公司"
    attachments = sorted(d["attachment"] for d in data["documents"] if d["attachment"] is not None)
    assert attachments == sorted(d["attachment"] for d in PROGRAMME.documents_for(mtype) if d["attachment"] is not None)
    reports = [d for d in data["documents"] if "申请报告" in d["title"]]
    assert len(reports) == 1 and reports[0]["attachment"] is None
    for d in data["documents"]:
        for key in ("docx", "pdf"):
            assert not Path(d[key]).is_absolute()
            assert (result.out / d[key]).is_file()


@pytest.mark.slow
@pytest.mark.parametrize("mtype", ["discrete", "process"])
def test_every_pdf_embeds_all_its_fonts_and_they_are_noto_cjk(built, mtype):
    _, result = built[mtype]
    for doc in result.documents:
        lines = subprocess.run(["pdffonts", str(doc.pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
        assert lines, doc.pdf.name
        for line in lines:
            name, emb = line.split()[0], line.split()[-5]
            assert emb == "yes", f"{doc.pdf.name}: {name} not embedded"
            assert "NotoS" in name and "CJK" in name, f"{doc.pdf.name}: unexpected font {name}"


@pytest.mark.slow
@pytest.mark.parametrize("mtype", ["discrete", "process"])
def test_report_holds_enterprise_name_and_the_five_parts(built, mtype):
    _, result = built[mtype]
    report = next(d for d in result.documents if d.name == "report")
    text = "".join(pdf_text(report.pdf).split())
    assert "武汉光芯测试科技有限公司" in text
    for part in PROGRAMME.report_parts:
        assert part["title"] in text, part["title"]


@pytest.mark.slow
def test_special_characters_survive_into_the_pdf(built):
    _, result = built["discrete"]
    report = next(d for d in result.documents if d.name == "report")
    assert "".join(SPECIAL.split()) in "".join(pdf_text(report.pdf).split())


@pytest.mark.slow
@pytest.mark.parametrize("mtype", ["discrete", "process"])
def test_no_english_keys_or_empty_placeholders_in_documents(built, mtype):
    _, result = built[mtype]
    for doc in result.documents:
        text = pdf_text(doc.pdf)
        for word in ("discrete", "process", "higher_better", "on_premise", "existing", "None", "True", "{{", "{%"):
            assert word not in text, f"{doc.pdf.name}: {word}"
        assert "草稿" not in text
        with pikepdf.open(doc.pdf) as pdf:
            assert len(pdf.pages) >= 1


@pytest.mark.slow
def test_titles_carry_the_types_attachment_names(built):
    _, result = built["process"]
    kpi = next(d for d in result.documents if d.name == "kpi_selftest")
    assert kpi.attachment == 4
    assert "流程型" in pdf_text(kpi.pdf)


@pytest.mark.slow
def test_same_input_gives_byte_identical_docx_and_pdf(built, tmp_path, monkeypatch):
    root, first = built["discrete"]
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "empty-cache"))  # LibreOffice runs again
    # ... as one office for all documents, where the first build split them over one per core
    monkeypatch.setenv("DOSSIER_SOFFICE_JOBS", "1")
    again = build_project(root, tmp_path / "again")
    assert again.converted == len(again.documents)
    assert not any(p.name.startswith(".") for p in again.out.rglob("*"))  # no cache in the output folder
    for a, b in zip(first.documents, again.documents, strict=True):
        assert a.docx.read_bytes() == b.docx.read_bytes(), a.docx.name
        assert a.pdf.read_bytes() == b.pdf.read_bytes(), a.pdf.name


@pytest.mark.slow
def test_warm_rebuild_converts_only_changed_documents(built, tmp_path):
    root, first = built["discrete"]
    copy = tmp_path / "proj"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    shutil.copytree(first.out, copy / "build")
    text = (copy / "enterprise.yaml").read_text(encoding="utf-8")
    # One field: the 150-字 summary, printed by the application form and the summary only.
    changed = text.replace("企业建成光模块智能工厂", "企业建成光模块智能工厂（二期）")
    assert changed != text
    (copy / "enterprise.yaml").write_text(changed, encoding="utf-8")
    result = build_project(copy)
    assert result.converted == 2, (result.converted, result.cached)
    assert result.cached == len(result.documents) - 2
    summary = next(d for d in result.documents if d.name == "summary")
    assert "（二期）" in pdf_text(summary.pdf)
