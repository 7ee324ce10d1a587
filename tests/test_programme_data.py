"""The programme is data: a copy with another year, city, window, threshold and wording drives both
the rules' findings and the documents' titles and text, and a malformed programme file is refused
in Chinese naming the file and key."""

from __future__ import annotations

import io

import pytest
from conftest import dump_yaml, valid_application, write_project
from docx import Document
from docx.oxml.ns import qn

from dossier.application.programme import DEFAULT_PROGRAMME, load_programme
from dossier.check import check_project
from dossier.documents.context import document_contexts, document_specs
from dossier.documents.render import render_docx, template_path
from dossier.util.errors import InputError

# A next-year notice for another city, written the way a user would: start from the packaged
# programme and override what changed. Mappings merge key by key; lists replace.
XIANGYANG = """\
extends: wuhan-2025
id: xiangyang-2026
title: 2026年襄阳标杆智能工厂遴选
notice: 市经信局关于开展2026年襄阳标杆智能工厂遴选工作的通知
issuer: 襄阳市经济和信息化局
published: 2026-09-30
investment_window:
  start: 2024-10-01
  end: 2026-09-30
threshold_wan: "6000"
district_deadline: 2026-10-20
key_industries: [optoelectronics, automotive, biomedical]
non_independent_output_words: 过五十亿
non_independent_min_output_wan: "500000"
copies: 5
wording:
  city: 襄阳市
  district_directory: 襄阳市各区（开发区）
  award: 襄阳标杆智能工厂
  guidance_catalogue: 襄阳市工业投资和技术改造指导目录清单
  scenario_guide: 智能制造典型场景参考指引（2026年版）
attachments:
  1: 2026年襄阳市标杆智能工厂申报表
  2: 2026年襄阳市标杆智能工厂遴选（离散型）-重点指标自测表
  3: 2026年襄阳市标杆智能工厂遴选（离散型）-智能化场景自测表
  8: 2026年襄阳标杆智能工厂遴选（离散型）拟申报项目所在工厂装备指标
media:
  summary:
    max_chars: 200
"""


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "".join(t.text or "" for t in doc.element.iter(qn("w:t"))).replace("\u200b", "").replace("\u2060", "")  # break marks print nothing


@pytest.fixture
def xiangyang(tmp_path):
    (tmp_path / "襄阳-2026.yaml").write_text(XIANGYANG, encoding="utf-8")
    data = valid_application()
    data["programme"] = "../襄阳-2026.yaml"
    data["settings"]["application_date"] = "2026-10-15"
    data["enterprise"]["key_industry"] = "高端装备"  # key in 2025, not among 2026's three
    data["enterprise"]["awards"] = {"benchmark_year": 2025}
    data["investments"][0]["contract"]["date"] = "2026-03-01"  # in 2026's window only
    data["investments"][0]["invoice"]["date"] = "2026-03-01"
    data["investments"][0]["payment"]["date"] = "2026-03-01"
    # No 武汉 in the enterprise's own data, so any 武汉 in a document came from the programme.
    text = dump_yaml(data).replace("武汉", "襄阳")
    root = write_project(tmp_path / "proj", data)
    (root / "enterprise.yaml").write_text(text, encoding="utf-8")
    return root


def test_a_programme_file_drives_the_findings(xiangyang):
    result = check_project(xiangyang, media=False)
    assert result.programme is not None and result.programme.id == "xiangyang-2026"
    by_code: dict[str, list[str]] = {}
    for f in result.findings:
        by_code.setdefault(f.code, []).append(f.message)
    # Row 1 (2026-03-01) counts; rows 2 and 3 (2024-05-20) fall before the shifted window.
    assert any("2024年10月1日至2026年9月30日" in m for m in by_code["I-WINDOW"]), by_code["I-WINDOW"]
    (threshold,) = by_code["I-THRESHOLD"]
    assert "3,000.00 万元" in threshold and "低于 6,000.00 万元" in threshold
    (industry,) = by_code["E-INDUSTRY"]
    assert "三个重点行业" in industry and "六个" not in industry
    assert any("2025 年获评襄阳标杆智能工厂" in m for m in by_code["E-REPEAT"])
    assert any("一式 5 份" in m for m in by_code["C-BINDING"])
    assert any("2026年10月20日" in m for m in by_code["C-DEADLINE"])
    assert not [f for f in result.findings if "武汉" in f.message], [f.message for f in result.findings if "武汉" in f.message]


def test_a_programme_file_drives_the_documents_titles_and_wording(xiangyang):
    result = check_project(xiangyang, media=False)
    app, programme, figures = result.folder.app, result.programme, result.figures
    contexts = document_contexts(app, programme, figures, draft=False)
    texts = {name: _docx_text(render_docx(template_path(name), ctx)) for name, ctx in contexts.items()}
    assert list(texts) == [s.name for s in document_specs(programme, "discrete")]
    assert "2026年襄阳市标杆智能工厂申报表" in texts["application_form"]
    assert "2026年襄阳市标杆智能工厂遴选（离散型）-重点指标自测表" in texts["kpi_selftest"]
    assert "2026年襄阳市标杆智能工厂遴选（离散型）-智能化场景自测表" in texts["scenario_selftest"]
    assert "2026年襄阳标杆智能工厂遴选（离散型）拟申报项目所在工厂装备指标" in texts["equipment_indicators"]
    assert "2026年襄阳标杆智能工厂遴选" in texts["report"]  # the cover
    form = texts["application_form"]
    assert "《襄阳市工业投资和技术改造指导目录清单》" in form
    assert "2024年10月1日至2026年9月30日" in form
    assert "项目简介（200字以内）" in form
    assert "2025年获评襄阳标杆智能工厂" in form
    assert "2024年10月1日至2026年9月30日" in texts["investment_detail"]
    assert "《智能制造典型场景参考指引（2026年版）》" in texts["scenario_selftest"]
    assert "襄阳市经济和信息化局" in texts["authenticity_pledge"]
    assert "自愿申报2026年襄阳标杆智能工厂遴选" in texts["authenticity_pledge"]
    # Nothing of the 2025 Wuhan programme is left, except what the shared catalogues themselves cite
    # (an equipment rate's reference value quotes a Wuhan document).
    cited = [r.get("minimum_source") for r in programme.equipment_rates if r.get("minimum_source")]
    for name, text in texts.items():
        for source in cited:
            text = text.replace(source, "")
        assert "武汉" not in text, (name, text[max(0, text.find("武汉") - 40):text.find("武汉") + 40])
        assert "2023年10月1日至2025年9月30日" not in text and "2025年武汉" not in text, name


def test_a_district_letter_for_a_project_with_its_own_programme_file_quotes_that_programme(xiangyang, tmp_path):
    """The officer has the build outputs, not the applicant's programme file: the manifest carries the wording."""
    import json

    from dossier.bind.manifest import PageEntry, VolumeManifest
    from dossier.district import LETTER, applicant_summary, build_district

    result = check_project(xiangyang, media=False)
    build = tmp_path / "build"
    build.mkdir()
    binding = VolumeManifest(volume="装订本.pdf", sha256="0" * 64, page_count=2, sheets=1, duplex=True,
                             pages=(PageEntry(1, "1"), PageEntry(2, "2")),
                             inputs=(), seal_groups=(), seal_diameter=119.06).to_json()
    (build / "manifest.json").write_text(json.dumps({
        "enterprise": "甲公司", "type": "discrete", "type_label": result.programme.type_label("discrete"),
        "programme": result.programme.id, "draft": False, "findings": {"error": 0, "warning": 0, "info": 0},
        "application": applicant_summary(result), "binding": binding}, ensure_ascii=False), encoding="utf-8")
    district = build_district([build], tmp_path / "out")
    doc = Document(str(tmp_path / "out" / LETTER))
    text = "".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    text = text.replace("\n", "")  # the title's line break
    assert "关于推荐2026年襄阳标杆智能工厂遴选申报企业的报告" in text and "襄阳市经济和信息化局" in text
    assert "武汉" not in text and district.findings == []


def test_the_packaged_programme_keeps_its_documents():
    programme = load_programme(DEFAULT_PROGRAMME)
    numbers = {t: [d["attachment"] for d in programme.documents_for(t) if d["attachment"]] for t in ("discrete", "process")}
    assert numbers == {"discrete": [1, 2, 3, 6, 7, 8], "process": [1, 4, 5, 6, 7, 9]}
    assert [s.name for s in document_specs(programme, "process")] == [
        "application_form", "report", "kpi_selftest", "scenario_selftest", "investment_detail", "systems_list",
        "equipment_indicators", "operations_statement", "authenticity_pledge", "summary",
    ]
    assert (programme.copies, programme.seam_group_sheets, programme.key_industry_count) == (7, 20, "六个")


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        ("threshold_wan: 五千\n", "threshold_wan", "应为数字"),
        ("threshhold_wan: '6000'\n", "threshhold_wan", "未知的键"),
        ("investment_window:\n  start: 2026-10-01\n  end: 2026-09-30\n", "investment_window", "开始日期晚于结束日期"),
        ("readings:\n  hundred_billion: over\n", "readings.hundred_billion", "'at_least'"),
        ("copies: 0\n", "copies", "应不小于 1"),
        ("wording:\n  city: ''\n", "wording.city", "不能为空"),
        ("documents:\n- {name: report, item: 2}\n", "documents", "attachment（附件编号）或 title（标题）"),
        ("documents:\n- {name: report, item: 12, title: 申请报告}\n", "documents", "item 12 不在 materials 中"),
        ("key_industries: [spaceflight]\n", "key_industries", "不在行业目录中"),
        ("media:\n  photos:\n    count: many\n", "media.photos.count", "应为整数"),
    ],
)
def test_a_malformed_programme_file_is_refused_naming_file_and_key(tmp_path, change, key, reason):
    (tmp_path / "坏.yaml").write_text("extends: wuhan-2025\n" + change, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_programme("坏.yaml", base=tmp_path)
    err = info.value
    assert err.file == "坏.yaml"
    assert f"遴选项目数据的 {key}" in err.message, err.message
    assert reason in err.message, err.message


def test_a_missing_programme_file_names_the_line_that_asks_for_it(tmp_path):
    data = valid_application()
    data["programme"] = "../没有这个文件.yaml"
    root = write_project(tmp_path / "proj", data)
    with pytest.raises(InputError, match="找不到遴选项目文件") as info:
        check_project(root, media=False)
    assert info.value.file == "enterprise.yaml" and info.value.line is not None


def test_a_programme_must_label_every_type_and_report_part(tmp_path):
    (tmp_path / "p.yaml").write_text("extends: wuhan-2025\nreport_parts:\n- {key: outlook, title: 展望}\n", encoding="utf-8")
    with pytest.raises(InputError, match="report_parts\\[0\\] 的 key “outlook” 不是申请报告的部分"):
        load_programme("p.yaml", base=tmp_path)
    full = (tmp_path / "q.yaml")
    full.write_text("extends: wuhan-2025\ntypes:\n  process: {label: 流程型}\n", encoding="utf-8")
    # Mappings merge: the packaged discrete label stays, so this copy is valid.
    assert load_programme("q.yaml", base=tmp_path).type_label("discrete") == "离散型"


def test_a_full_copy_of_the_packaged_programme_loads_and_is_checked(tmp_path):
    from importlib import resources

    text = resources.files("dossier").joinpath("data", "programmes", "wuhan-2025.yaml").read_text(encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(text.replace("id: wuhan-2025", "id: wuhan-copy"), encoding="utf-8")
    copy = load_programme("copy.yaml", base=tmp_path)
    assert copy.id == "wuhan-copy" and copy.raw == {**load_programme(DEFAULT_PROGRAMME).raw, "id": "wuhan-copy"}
    (tmp_path / "bad.yaml").write_text(text.replace("  discrete:\n    label: 离散型\n", ""), encoding="utf-8")
    with pytest.raises(InputError, match="discrete") as info:
        load_programme("bad.yaml", base=tmp_path)
    assert info.value.file == "bad.yaml"


def test_a_programme_path_is_relative_to_the_project_and_may_use_backslashes(tmp_path):
    (tmp_path / "xy.yaml").write_text(XIANGYANG, encoding="utf-8")
    (tmp_path / "proj").mkdir()
    assert load_programme("..\\xy.yaml", base=tmp_path / "proj").id == "xiangyang-2026"
    with pytest.raises(InputError, match="绝对路径"):
        load_programme(str(tmp_path / "xy.yaml"), base=tmp_path / "proj")


def test_dossier_binds_any_files_with_the_default_programmes_seal_group_and_copies():
    from dossier.application.programme import DEFAULT_PROGRAMME, default_binding, load_programme

    programme = load_programme(DEFAULT_PROGRAMME)
    assert default_binding() == (programme.seam_group_sheets, programme.copies) == (20, 7)


def test_a_programme_that_renumbers_the_attachments_renumbers_the_findings(tmp_path):
    # Next year's notice moves the investment table to 附件4 and the systems list to 附件5.
    (tmp_path / "renumbered.yaml").write_text("""\
extends: wuhan-2025
id: renumbered-2026
documents:
  - {name: application_form, item: 1, attachment: 1}
  - {name: report, item: 2, title: 申请报告}
  - {name: kpi_selftest, item: 3, attachment: {discrete: 2, process: 6}}
  - {name: scenario_selftest, item: 3, attachment: {discrete: 3, process: 7}}
  - {name: investment_detail, item: 4, attachment: 4}
  - {name: systems_list, item: 5, attachment: 5}
  - {name: equipment_indicators, item: 6, attachment: {discrete: 8, process: 9}}
  - {name: operations_statement, item: 7, title: 企业生产、经营情况说明及产值在全市同行业排名情况说明}
  - {name: authenticity_pledge, item: 8, title: 企业提供资料真实性承诺书}
  - {name: summary, item: 9, title: 企业智能工厂建设情况文字简介}
attachments:
  6: 流程型重点指标自测表
  7: 流程型智能化场景自测表
""", encoding="utf-8")
    data = valid_application()
    data["programme"] = "../renumbered.yaml"
    data["systems"][0]["investments"] = ["A-99"]  # no such row
    data["investments"][1]["amount_wan"] = "0"
    result = check_project(write_project(tmp_path / "proj", data), media=False)
    (ref,) = [f for f in result.findings if f.code == "Y-REF"]
    assert "附件4 编号“A-99”" in ref.message and ref.attachment == 5
    assert ref.rule == result.programme.clause("consistency")
    arith = [f for f in result.findings if f.code == "I-ARITH"]
    assert arith and {f.attachment for f in arith} == {4}
    assert not [f for f in result.findings if f.attachment in (6, 7)]
    # The workbook's sheets are named by the same numbers.
    from openpyxl import load_workbook

    from dossier.export_xlsx import build_workbook

    book = load_workbook(io.BytesIO(build_workbook(result.folder.app, result.programme, result.figures)))
    assert book.sheetnames[:4] == ["附件4 汇总", "附件4 设备投资", "附件4 研发投入", "附件5 信息化系统"]
