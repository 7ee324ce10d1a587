"""`bind_volume` with parts, cover and TOC: the TOC's page numbers are the real pages, bookmarks
nest as the parts do, page labels read 封面 / i / 1…, fonts are embedded, drafts say 草稿."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest
from bind_make import make_pdf, make_png

from dossier.bind import Cover, Part, bind_volume, render_guide


def _text(pdf, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    d = tmp_path_factory.mktemp("vol")
    (d / "evidence").mkdir()
    sizes = {"申报表": 3, "申请报告": 5, "合同": 2, "发票": 1, "承诺书": 1}
    for name, n in sizes.items():
        make_pdf(d / "evidence" / f"{name}.pdf", [{"text": f"DOC-{name.encode().hex()[:6]}-P{i + 1}"} for i in range(n)])
    make_png(d / "evidence" / "照片.png")
    parts = [
        Part("一、申报表", "evidence/申报表.pdf"),
        Part("二、申请报告", "evidence/申请报告.pdf"),
        Part("四、投资明细表", None, children=(
            Part("A-01 合同", "evidence/合同.pdf", children=(Part("发票", "evidence/发票.pdf"),)),
        )),
        Part("八、承诺书", "evidence/承诺书.pdf"),
        Part("九、简介", None, children=(Part("照片", "evidence/照片.png"),)),
    ]
    cover = Cover("标杆智能工厂申报材料", [("企业名称", "武汉某某科技有限公司"), ("日期", "2025年10月20日")])
    res = bind_volume(parts, d / "vol.pdf", cover=cover, base_dir=d, draft=True, duplex=True)
    return d, res, sizes


def test_toc_numbers_point_at_the_documents_first_pages(volume):
    d, res, sizes = volume
    toc = _text(d / "vol.pdf", 2)
    found = {title: int(num) for title, num in re.findall(r"^[ \t]*(\S.*?)[ \t]{2,}(\d+)[ \t]*$", toc, re.M)}
    assert len(found) == 8, toc  # sections, documents, and what is filed under a document (发票)
    label_to_page = {label: i + 1 for i, label in enumerate(res.labels)}
    checks = {"一、申报表": "申报表", "二、申请报告": "申请报告", "四、投资明细表": "合同", "A-01 合同": "合同", "发票": "发票", "八、承诺书": "承诺书"}
    for title, doc in checks.items():
        number = next(n for t, n in found.items() if t.startswith(title))
        page = label_to_page[str(number)]
        assert f"DOC-{doc.encode().hex()[:6]}-P1" in _text(d / "vol.pdf", page), title


def test_labels_manifest_and_bookmarks(volume):
    d, res, _ = volume
    assert res.labels[:4] == ["1", "2", "3", "4"]  # one number per page, the cover counting as 1
    m = res.manifest.to_json()
    assert m["pages"][0]["cover_seal"] is not None and m["pages"][0]["source"] is None
    assert m["pages"][2]["source"] == "evidence/申报表.pdf" and m["pages"][2]["source_page"] == 1
    assert all((p["seam"] is None) == (p["number"] % 2 == 0) for p in m["pages"])  # duplex
    with pikepdf.open(d / "vol.pdf") as pdf:
        assert len(pdf.pages) == len(m["pages"]) == 2 + 3 + 5 + 2 + 1 + 1 + 1
        assert [pdf.pages[i].label for i in range(3)] == ["1", "2", "3"]
        with pdf.open_outline() as ol:
            top = [(i.title, [c.title for c in i.children]) for i in ol.root]
            invest = pikepdf.Page(ol.root[2].destination[0]).index
    assert top == [("一、申报表", []), ("二、申请报告", []), ("四、投资明细表", ["A-01 合同"]), ("八、承诺书", []), ("九、简介", ["照片"])]
    assert invest == m["inputs"][2]["first_page"] - 1


def test_fonts_embedded_and_draft_marked(volume):
    d, _res, _ = volume
    fonts = subprocess.run(["pdffonts", str(d / "vol.pdf")], capture_output=True, text=True, check=True).stdout
    ours = [line for line in fonts.splitlines() if "NotoSansCJK" in line]
    assert ours and all(" yes yes yes " in line for line in ours)
    page5 = _text(d / "vol.pdf", 5)
    assert "草" in page5 and "稿" in page5
    assert "企业名称" in _text(d / "vol.pdf", 1) and "此处加盖企业公章" in _text(d / "vol.pdf", 1)


@pytest.mark.slow
def test_stamping_guide_lists_groups_copies_and_duplex(volume, tmp_path):
    _d, res, _ = volume
    guide = tmp_path / "guide.pdf"
    guide.write_bytes(render_guide(res.manifest))
    text = subprocess.run(["pdftotext", str(guide), "-"], capture_output=True, text=True, check=True).stdout
    assert "一式七份" in text and "双面打印" in text and "封面章" in text
    g = res.layout.groups[0]
    assert f"{g.first_page}–{g.last_page}" in text
    assert render_guide(res.manifest) == guide.read_bytes()  # deterministic


def test_a_toc_longer_than_a_page_says_continued_in_real_glyphs(tmp_path):
    for i in range(40):
        make_pdf(tmp_path / f"{i:02d}.pdf", [{"text": f"DOC-{i}"}])
    parts = [Part(f"证明材料{i:02d}", f"{i:02d}.pdf") for i in range(40)]
    res = bind_volume(parts, tmp_path / "vol.pdf", cover=Cover("申报材料"), base_dir=tmp_path)
    assert len(res.toc) == 40 and res.labels[1:3] == ["2", "3"] and res.toc[0].page_label == "4"  # cover, 2 TOC pages
    first, second = (re.sub(r"\s+", "", _text(tmp_path / "vol.pdf", p)) for p in (2, 3))
    assert first.startswith("目录证明材料00") and second.startswith("目录（续）证明材料27")  # 续 embedded, not a box
