"""`dossier site`: every investment row and implemented scenario of a sample on the list, rows grouped
into stops by location, evidence pages read from the build's manifest (or said to be missing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.bind.manifest import InputEntry, PageEntry, VolumeManifest
from dossier.check import check_project
from dossier.site import NO_LOCATION, RD_STOP, PageIndex, page_index, site_context, split_location

REPO = Path(__file__).resolve().parent.parent
SAMPLES = [REPO / "samples" / "guangxin-optics", REPO / "samples" / "huaxin-materials"]


def context(root: Path, pages: PageIndex | None = None) -> tuple[dict, object]:
    result = check_project(root, media=False)
    return site_context(result.folder.app, result.programme, result.figures, root, pages, volume_note=""), result


@pytest.mark.slow
@pytest.mark.parametrize("root", SAMPLES, ids=lambda p: p.name)
def test_every_investment_row_once_grouped_by_location_in_walk_order(root):
    ctx, result = context(root)
    app = result.folder.app
    listed = [r["id"] for s in ctx["stops"] for r in s["rows"]]
    assert sorted(listed) == sorted(r.id for r in app.investments)
    names = [s["name"] for s in ctx["stops"]]
    assert len(names) == len(set(names))  # one stop per place
    by_id = {r.id: r for r in app.investments}
    for stop in ctx["stops"]:
        for row in stop["rows"]:
            place, position = split_location(by_id[row["id"]].location)
            assert stop["name"] == (place or stop["name"]) and stop["name"] in (place, RD_STOP, NO_LOCATION)
    # Stops follow the order in which enterprise.yaml first names each place.
    first = list(dict.fromkeys(split_location(r.location)[0] for r in app.investments if r.location))
    assert [n for n in names if n not in (RD_STOP, NO_LOCATION)] == first
    assert ctx["rows_total"] == str(len(app.investments))


@pytest.mark.slow
@pytest.mark.parametrize("root", SAMPLES, ids=lambda p: p.name)
def test_every_implemented_scenario_and_indicator_is_listed(root):
    ctx, result = context(root)
    app = result.folder.app
    done = [s for s in app.scenarios if s.implemented in ("yes", "partial")]
    assert sorted(c["code"] for c in ctx["scenarios"]) == sorted(s.code for s in done)
    for c, sc in ((c, next(s for s in done if s.code == c["code"])) for c in ctx["scenarios"]):
        systems = {s.id: s for s in app.systems}
        for sid in sc.systems:
            assert systems[sid].name in c["systems"]
    assert [m["name"] for m in ctx["indicators"]] == [i.name for i in result.figures.indicators]
    assert all(m["source"] and m["originals"] for m in ctx["indicators"])


def test_locations_split_into_place_and_position():
    assert split_location("SMT 车间 2 号线") == ("SMT 车间", "2 号线")
    assert split_location("封装车间 共晶贴片工序") == ("封装车间", "共晶贴片工序")
    assert split_location("电解液车间、添加剂车间") == ("电解液车间、添加剂车间", "")
    assert split_location("全厂") == ("全厂", "")
    assert split_location(None) == ("", "")


def test_pages_come_from_the_manifest_and_changes_are_noticed(tmp_path):
    root = SAMPLES[0]
    out = tmp_path / "build"
    out.mkdir()
    a01 = ["evidence/A01/合同.pdf", "evidence/A01/发票.pdf"]
    files = [root / f for f in a01]
    labels = ["封面", "i", "1", "2", "3", "4"]
    digest = __import__("dossier.util.cache", fromlist=["file_digest"]).file_digest(files[1])
    volume = VolumeManifest(
        volume="申报材料装订本.pdf", sha256="0" * 64, page_count=6, sheets=6, duplex=False,
        pages=tuple(PageEntry(i + 1, lab) for i, lab in enumerate(labels)),
        inputs=(
            InputEntry(str(Path("..") / "nowhere" / "x.pdf"), "pdf", "0", 1, 1, 3),
            InputEntry(str(files[0]), "pdf", "stale", 1, 2, 4),
            InputEntry(str(files[1]), "pdf", digest, 1, 1, 6),
        ),
        seal_groups=(), seal_diameter=119.06,
    )
    manifest = {"volume": "申报材料装订本.pdf", "binding": volume.to_json()}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    pages = page_index(out / "manifest.json", root)
    assert pages.pages_of([p.resolve() for p in files]) == "2–4"
    assert pages.stale == ["evidence/A01/合同.pdf"]
    ctx, _ = context(root, pages)
    row = next(r for s in ctx["stops"] for r in s["rows"] if r["id"] == "A01")
    assert row["pages"] == "2–4"
    assert page_index(tmp_path / "missing.json", root) is None


def _without_libreoffice(monkeypatch) -> list:
    """The findings are made before the checklist is converted; the conversion is left out (not slow)."""
    import dossier.documents.convert

    calls: list = []
    monkeypatch.setattr(dossier.documents.convert, "convert_all", lambda jobs, **kw: calls.append(jobs))
    return calls


def test_site_findings_stale_build_and_rows_without_location_or_asset_card(project, tmp_path, monkeypatch):
    from dossier.site import build_site

    calls = _without_libreoffice(monkeypatch)
    root = project()  # the fixture's rows have neither location nor fixed_asset_no
    result = build_site(root, tmp_path / "out" / "清单.pdf", build_dir=tmp_path / "no-build")
    found: dict[str, list] = {}
    for f in result.findings:
        found.setdefault(f.code, []).append(f)
    assert [f.severity for f in found["S-NO-BUILD"]] == ["warning"]
    assert {f.severity for f in found["S-NO-LOCATION"]} == {"warning"} and len(found["S-NO-LOCATION"]) == 2
    assert {f.severity for f in found["S-NO-ASSET-NO"]} == {"info"} and "A-01" in found["S-NO-ASSET-NO"][0].message
    assert len(calls) == 1

    build = tmp_path / "build"
    build.mkdir()
    contract = root / "evidence" / "A-01" / "合同.pdf"
    volume = VolumeManifest(
        volume="申报材料装订本.pdf", sha256="0" * 64, page_count=1, sheets=1, duplex=False,
        pages=(PageEntry(1, "1"),), inputs=(InputEntry(str(contract), "pdf", "changed since", 1, 1, 1),),
        seal_groups=(), seal_diameter=119.06,
    )
    manifest = {"volume": "申报材料装订本.pdf", "binding": volume.to_json()}
    (build / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    result = build_site(root, tmp_path / "out" / "清单.pdf", build_dir=build)
    (stale,) = [f for f in result.findings if f.code == "S-STALE-BUILD"]
    assert stale.severity == "warning" and stale.file == "evidence/A-01/合同.pdf"
    assert "S-NO-BUILD" not in {f.code for f in result.findings}


@pytest.mark.slow
def test_site_pdf_of_a_built_sample_lists_rows_with_volume_pages(tmp_path):
    root = SAMPLES[0]
    build = tmp_path / "build"
    run = subprocess.run([sys.executable, "-m", "dossier", "build", str(root), "-o", str(build)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([sys.executable, "-m", "dossier", "site", str(root), "-o", str(tmp_path / "清单.pdf"),
                          "--build", str(build), "--json"], capture_output=True, text=True, timeout=300)
    data = json.loads(run.stdout)
    assert run.returncode == data["exit_code"] == 0 and data["verb"] == "site"
    assert data["counts"]["error"] == 0 and data["manifest"]
    assert data["investment_rows"] == 26 and data["scenarios"] == 18
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "清单.pdf").pages)
    compact = text.replace(" ", "").replace("\u3000", "").replace("\n", "")
    for rid in [f"A{i:02d}" for i in range(1, 24)] + ["R01", "R02", "R03"]:
        assert rid in compact
    assert "第1站封装车间" in compact and "（未装订）" not in compact
    # A01's evidence pages, as the volume prints them.
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    pages = page_index(build / "manifest.json", root)
    a01 = pages.pages_of([(root / "evidence/A01" / n).resolve() for n in ("合同.pdf", "银行流水.pdf")])
    assert a01 != "—" and a01 in compact
    assert manifest["binding"]["page_count"] == pages.page_count


@pytest.mark.slow
def test_site_without_a_build_warns_and_leaves_pages_empty(tmp_path):
    run = subprocess.run([sys.executable, "-m", "dossier", "site", str(SAMPLES[1]), "-o", str(tmp_path / "s.pdf"),
                          "--build", str(tmp_path / "none")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0
    assert "找不到装订本的 manifest.json" in run.stdout
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "s.pdf").pages)
    assert "尚未生成装订本" in text.replace(" ", "")


def test_a_project_site_template_is_linted_like_the_documents(tmp_path):
    from docx import Document

    from build_fixtures import discrete_data, write_full_project
    from dossier.documents.render import builtin_templates_dir
    from dossier.lint import lint_templates

    root = write_full_project(tmp_path / "p", discrete_data())
    doc = Document(str(builtin_templates_dir() / "site_visit.docx"))
    doc.add_paragraph("区里的表样：{{ enterprise.no_such_field }}")
    (root / "templates").mkdir()
    doc.save(str(root / "templates" / "site_visit.docx"))
    problems = lint_templates(root)
    assert [p.template for p in problems] == ["templates/site_visit.docx"]
    assert "no_such_field" in problems[0].message


@pytest.mark.slow
def test_the_exported_workbook_has_the_walk_as_a_sheet(tmp_path):
    from openpyxl import load_workbook

    from dossier.export_xlsx import export_project

    root = SAMPLES[1]
    book = load_workbook(export_project(root, tmp_path / "明细.xlsx"))
    rows = list(book["现场核验"].iter_rows(min_row=3, values_only=True))
    ctx, result = context(root)
    assert [r[4] for r in rows] == [r["id"] for s in ctx["stops"] for r in s["rows"]]
    assert sorted(r[4] for r in rows) == sorted(i.id for i in result.folder.app.investments)
    assert all(r[0] == "□" for r in rows)
