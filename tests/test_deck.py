"""`dossier deck`: the roadshow draft opens, is 16:9, its charts carry the figures of `check --json`,
every Chinese run names an East Asian font, the notes are timed, a project's template wins, and
LibreOffice Impress renders it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from pptx import Presentation
from pptx.util import Emu

from build_fixtures import discrete_data, write_full_project
from dossier.check import check_project
from dossier.deck import build_deck
from dossier.media_inspection import inspect_media

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "guangxin-optics"
PROCESS_SAMPLE = REPO / "samples" / "huaxin-materials"
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def sample_deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "路演.pptx"
    result = build_deck(SAMPLE, out)
    return result


def chart_series(path: Path) -> list[tuple[str, list[str], list[Decimal]]]:
    """(series name, categories, values) of every chart, read from the chart XML (not as floats)."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"ppt/charts/chart\d+\.xml", n)):
            root = etree.fromstring(z.read(name))
            for ser in root.iterfind(".//c:ser", NS):
                title = "".join(ser.xpath("c:tx//c:v/text()", namespaces=NS))
                cats = ser.xpath("c:cat//c:pt/c:v/text()", namespaces=NS)
                vals = [Decimal(v) for v in ser.xpath("c:val//c:pt/c:v/text()", namespaces=NS)]
                out.append((title, cats, vals))
    return out


@pytest.mark.slow
def test_deck_opens_16_9_with_every_part(sample_deck):
    prs = Presentation(str(sample_deck.out))
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    assert len(prs.slides) == sample_deck.slides >= 9
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[0] == "光芯高速光模块智能工厂建设项目"
    for expected in ("企业与项目概况", "建设成效：改造前后关键指标", "项目投资：按类别与按季度", "建设现场：典型图片",
                     "特点与模式创新", "谢谢！"):
        assert expected in titles
    assert any(t.startswith("智能化场景：按环节") for t in titles)
    photos = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(photos) == 3


@pytest.mark.slow
def test_chart_data_equal_the_figures_of_check_json(sample_deck):
    data = check_project(SAMPLE).to_json()
    breakdown = data["breakdown"]
    series = chart_series(sample_deck.out)
    by_name = {}
    for title, cats, vals in series:
        by_name.setdefault(title, []).append(dict(zip(cats, vals)))
    category_chart, quarter_chart = by_name["计入投资（万元）"]
    assert category_chart == {k: Decimal(v) for k, v in breakdown["by_category_wan"].items()}
    assert sum(category_chart.values()) == Decimal(data["totals"]["qualifying_wan"])
    quarters = {f"{k[:4]}年\n{k[-1]}季度": Decimal(v) for k, v in breakdown["by_quarter_wan"].items()}
    assert {k: v for k, v in quarter_chart.items() if v} == quarters
    assert any(not v for v in quarter_chart.values())  # the sample has quarters without investment ...
    with zipfile.ZipFile(sample_deck.out) as z:  # ... whose bars carry no "0.00" label (empty zero section)
        xml = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"ppt/charts/chart\d+\.xml", n)]
    (quarter_xml,) = [x for x in xml if "季度" in x]
    assert 'formatCode="#,##0.00;-#,##0.00;"' in quarter_xml.split("<c:dLbls>")[1]
    (rates,) = by_name["改善幅度（%）"]
    assert rates == {i["name"]: Decimal(i["change_rate_percent"]) for i in breakdown["indicators"]}
    for ind in breakdown["indicators"]:
        (pair,) = by_name[ind["name"]]
        assert list(pair.values()) == [Decimal(ind["baseline"]), Decimal(ind["current"])]


@pytest.mark.slow
def test_charts_are_native_and_editable(sample_deck):
    with zipfile.ZipFile(sample_deck.out) as z:
        names = z.namelist()
    charts = [n for n in names if re.fullmatch(r"ppt/charts/chart\d+\.xml", n)]
    workbooks = [n for n in names if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")]
    assert len(charts) >= 3 and len(workbooks) == len(charts)  # 编辑数据 opens each chart's workbook
    assert not [n for n in names if n.startswith("ppt/media/") and n.endswith(".png")]  # no chart pictures


@pytest.mark.slow
def test_every_chinese_run_names_an_east_asian_font(sample_deck):
    checked = 0
    with zipfile.ZipFile(sample_deck.out) as z:
        for name in z.namelist():
            if not re.fullmatch(r"ppt/(slides|notesSlides|charts)/\w+\.xml", name):
                continue
            root = etree.fromstring(z.read(name))
            for run in root.iterfind(".//a:r", NS):
                text = "".join(run.xpath("a:t/text()", namespaces=NS))
                if CJK.search(text):
                    checked += 1
                    assert run.find("a:rPr/a:ea", NS) is not None, (name, text)
    assert checked > 100
    theme = zipfile.ZipFile(sample_deck.out).read("ppt/theme/theme1.xml").decode()
    assert '<a:ea typeface="微软雅黑"/>' in theme


@pytest.mark.slow
def test_notes_give_page_count_and_timing(sample_deck):
    prs = Presentation(str(sample_deck.out))
    n = len(prs.slides)
    seconds = 0
    for i, slide in enumerate(prs.slides, start=1):
        first = slide.notes_slide.notes_text_frame.text.splitlines()[0]
        m = re.fullmatch(rf"第 {i}/{n} 页｜建议用时约 (?:(\d+) 分 )?(\d+) 秒（路演时限 10 分钟，共 {n} 页，按内容分配）", first)
        assert m, first
        seconds += int(m[1] or 0) * 60 + int(m[2])
    assert seconds == 600 == sum(sample_deck.seconds)
    assert sample_deck.minutes_source == "遴选项目配置 roadshow.minutes：10 分钟"


@pytest.mark.slow
def test_minutes_option_retimes_the_notes(tmp_path):
    result = build_deck(SAMPLE, tmp_path / "d.pptx", minutes="8")
    assert sum(result.seconds) == 480 and result.minutes_source.startswith("命令行")


@pytest.mark.slow
def test_passes_the_item9_ppt_check_and_is_deterministic(sample_deck, tmp_path):
    report = inspect_media(sample_deck.out)
    assert report.findings == () or list(report.findings) == []
    assert report.facts["slides"] == sample_deck.slides
    assert sample_deck.findings == []
    again = build_deck(SAMPLE, tmp_path / "again.pptx")
    assert again.out.read_bytes() == sample_deck.out.read_bytes()


@pytest.mark.slow
def test_project_template_overrides_the_built_in_look(tmp_path):
    root = write_full_project(tmp_path / "p", discrete_data())
    (root / "templates").mkdir()
    own = Presentation()  # python-pptx's default: 4:3, with an example slide to be dropped
    own.slides.add_slide(own.slide_layouts[1]).shapes.title.text = "示例页"
    own.save(str(root / "templates" / "deck.pptx"))
    result = build_deck(root, tmp_path / "out.pptx")
    assert result.template == "project"
    prs = Presentation(str(result.out))
    assert (prs.slide_width, prs.slide_height) == (Emu(9144000), Emu(6858000))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert "示例页" not in titles and titles[-1] == "谢谢！"
    assert {s.slide_layout.name for s in prs.slides} == {"Title Slide", "Title Only"}


@pytest.mark.slow
def test_output_in_media_is_refused(tmp_path):
    root = write_full_project(tmp_path / "p", discrete_data())
    run = subprocess.run([sys.executable, "-m", "dossier", "deck", str(root), "-o", str(root / "media" / "新.pptx")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "media/" in run.stderr
    assert not (root / "media" / "新.pptx").exists()


@pytest.mark.slow
def test_cli_json_envelope(tmp_path):
    run = subprocess.run([sys.executable, "-m", "dossier", "deck", str(PROCESS_SAMPLE), "-o", str(tmp_path / "d.pptx"),
                          "--json"], capture_output=True, text=True, timeout=300)
    data = json.loads(run.stdout)
    assert run.returncode == data["exit_code"] == 0
    assert data["schema"] == "dossier/1" and data["verb"] == "deck"
    assert data["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert data["slides"] == len(Presentation(data["output"]).slides)


@pytest.mark.slow
def test_libreoffice_impress_converts_the_deck(sample_deck, tmp_path):
    from dossier.documents.convert import convert_all

    pdf = tmp_path / "deck.pdf"
    convert_all([(sample_deck.out, pdf)], export="pdf:impress_pdf_Export")
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == sample_deck.slides
        box = doc.pages[0].mediabox
        assert round(float(box[2]) / float(box[3]), 2) == round(16 / 9, 2)


def test_a_fresh_scaffold_gives_a_short_deck_and_says_what_is_missing(tmp_path):
    from dossier.scaffold import init_project

    init_project(tmp_path / "新项目", "process", "wuhan-2025")
    result = build_deck(tmp_path / "新项目", tmp_path / "d.pptx")
    assert result.exit_code == 1  # the scaffold's own errors
    codes = {f.code for f in result.findings}
    assert {"D-DECK-NO-PHOTOS", "D-DECK-NO-INVESTMENT", "D-DECK-NO-SCENARIOS"} <= codes
    titles = [s.shapes.title.text_frame.text for s in Presentation(str(result.out)).slides]
    assert titles[-1] == "谢谢！" and "企业与项目概况" in titles


@pytest.mark.slow
def test_a_project_without_indicators_or_demonstration_text_is_told_what_the_deck_lacks(project, tmp_path):
    def strip(data):
        data["indicators"] = []
        data["report"]["demonstration"] = ""

    result = build_deck(project(strip), tmp_path / "d.pptx")
    lacks = {f.code: f for f in result.findings if f.code.startswith("D-DECK")}
    assert {"D-DECK-NO-INDICATORS", "D-DECK-NO-FEATURES"} <= set(lacks)
    assert all(f.severity == "warning" for f in lacks.values()) and (tmp_path / "d.pptx").is_file()
