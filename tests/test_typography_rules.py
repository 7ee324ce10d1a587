"""Rules of Chinese typesetting applied when rendering: balanced titles, break opportunities,
unbreakable codes and dates in tables, keep-together rows, TOC titles that wrap."""

from __future__ import annotations

from lxml import etree

from dossier.bind.frontmatter import TOC_ROWS, toc_lines, toc_page_count
from dossier.documents.render import ZWSP, balanced, break_opportunities, keep_together
from dossier.documents.tablefit import WJ, ems, fit_table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

TITLES = [
    "2025年武汉标杆智能工厂遴选（离散型）拟申报项目所在工厂装备指标",
    "2025年武汉标杆智能工厂遴选（流程型）拟申报项目所在工厂装备指标",
    "生产性设备购置与改造投资以及项目相关的研发投入明细表",
    "企业生产、经营情况说明及产值在全市同行业排名情况说明",
    "华昕新材料电解液及添加剂智能工厂建设项目申请报告",
    "光芯高速光模块智能工厂建设项目申请报告",
    "一二三四五六七八九十一二三四五六七八九十一",
]


def test_balanced_titles_fit_and_never_end_with_one_or_two_characters():
    for title in TITLES:
        for per_line in (17, 20, 25, 31):
            out = balanced(title, per_line)
            lines = out.split("\n")
            assert "".join(lines) == title
            assert all(ems(line) <= per_line for line in lines), (title, per_line, lines)
            if len(lines) > 1:
                assert all(len(line) > 2 for line in lines), (title, per_line, lines)
                assert max(map(len, lines)) - min(map(len, lines)) <= 10, lines


def test_a_title_that_fits_is_unchanged_and_breaks_prefer_phrase_boundaries():
    assert balanced("企业提供资料真实性承诺书", 20) == "企业提供资料真实性承诺书"
    assert balanced(TITLES[0], 31) == "2025年武汉标杆智能工厂遴选\n（离散型）拟申报项目所在工厂装备指标"
    assert balanced(TITLES[2], 20) == "生产性设备购置与改造投资\n以及项目相关的研发投入明细表"


def test_break_opportunity_after_a_chinese_mark_before_latin_text_only():
    assert break_opportunities("建成MES/APS、PLM、WMS，ERP") == f"建成MES/APS、{ZWSP}PLM、{ZWSP}WMS，{ZWSP}ERP"
    assert break_opportunities("数据贯通。") == "数据贯通。"
    assert break_opportunities(12) == 12


def _tbl(rows: list[list[str]], widths_pt: list[float], header: int = 1, style: str = "DossierCellSmall"):
    grid = "".join(f'<w:gridCol w:w="{round(w * 20)}"/>' for w in widths_pt)
    trs = []
    for i, row in enumerate(rows):
        tr_pr = "<w:trPr><w:tblHeader/></w:trPr>" if i < header else ""
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{round(w * 20)}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>'
            for text, w in zip(row, widths_pt)
        )
        trs.append(f"<w:tr>{tr_pr}{tcs}</w:tr>")
    return etree.fromstring(f'<w:tbl xmlns:w="{W_NS}"><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{"".join(trs)}</w:tbl>')


def test_columns_widen_for_codes_and_dates_taking_room_from_free_text_and_tie_the_tokens():
    long_text = "高精度自动共晶贴片机用于光器件封装工序的自动上下料与贴装" * 2
    tbl = _tbl([["序号", "发票号码", "说明"], ["1", "24332000000780378874 2023年10月19日", long_text]], [20, 60, 300])
    fit_table(tbl)
    widths = [int(c.get(f"{W}w")) / 20 for c in tbl.iter(f"{W}gridCol")]
    assert abs(sum(widths) - 380) < 0.2
    assert widths[0] >= 2 * 9 and widths[1] >= ems("24332000000780378874") * 9 and 240 <= widths[2] < 300
    cell_widths = [int(tc.get(f"{W}w")) / 20 for tc in tbl.iter(f"{W}tcW")]
    assert cell_widths[:3] == [round(w * 20) / 20 for w in widths]
    text = "".join(t.text for t in tbl.iter(f"{W}t"))
    assert WJ.join("24332000000780378874") in text and WJ.join("2023年10月19日") in text


def test_a_token_that_cannot_get_the_width_is_set_smaller_and_short_label_columns_give_nothing():
    tbl = _tbl([["项目备案代码", "2309-420118-04-02-573816"], ["企业名称", "武汉光芯"]], [60, 120], header=0,
               style="DossierCell")
    fit_table(tbl)
    assert [int(c.get(f"{W}w")) / 20 for c in tbl.iter(f"{W}gridCol")] == [60, 120]
    sizes = {int(sz.get(f"{W}val")) / 2 for sz in tbl.iter(f"{W}sz")}
    assert sizes and all(7 <= s < 10.5 for s in sizes)
    assert ems("2309-420118-04-02-573816") * max(sizes) <= 120


def test_a_closing_bracket_counts_with_its_code_so_the_opening_one_is_not_left_alone():
    """是（SECS/GEM） in a 68 pt column: the width of （SECS/GEM） including its closing bracket, which
    may not start a line; counted without it, LibreOffice printed 是 / （ / SECS/GEM）."""
    from dossier.documents.tablefit import TOKEN

    assert [m.group(0) for m in TOKEN.finditer("是（SECS/GEM）")] == ["（SECS/GEM）"]
    tbl = _tbl([["联网（协议）"], ["是（SECS/GEM）"]], [68], header=1)
    fit_table(tbl)
    (size,) = {int(sz.get(f"{W}val")) / 2 for sz in tbl.iter(f"{W}sz")}
    assert ems("（SECS/GEM）") * size + 8.3 <= 68 < ems("（SECS/GEM）") * 9 + 8.3


def test_dates_of_one_column_are_set_in_one_size():
    tbl = _tbl([["上线时间"], ["2019年7月1日"], ["2024年11月25日"], ["本项目新建"]], [72], header=1)
    fit_table(tbl)
    runs = {"".join(t.text for t in r.iter(f"{W}t")).replace(WJ, ""): r.find(f"{W}rPr/{W}sz") for r in tbl.iter(f"{W}r")}
    assert runs["本项目新建"] is None  # no token: its size is the style's
    sizes = {runs[d].get(f"{W}val") for d in ("2019年7月1日", "2024年11月25日")}
    assert len(sizes) == 1 and int(sizes.pop()) / 2 < 9
    form = _tbl([["上线时间", "2019年7月1日"], ["竣工投产日期", "2024年11月25日"]], [60, 80], header=0)
    fit_table(form)  # a form, not a list: only the value that does not fit is smaller
    assert [r.find(f"{W}rPr/{W}sz") is not None for r in form.iter(f"{W}r")] == [False, False, False, True]


def _body(xml: str):
    return etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>')


def _p(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _kept(element) -> bool:
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in element.iter(f"{W}p"))


def test_keep_together_rows_of_table_ends_subtotals_and_signature_blocks():
    rows = "".join(f"<w:tr><w:tc>{_p(t)}</w:tc></w:tr>" for t in ("a", "b", "c", "d", "e", "f", "小计"))
    body = _body(f"<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc>{_p('序号')}</w:tc></w:tr>{rows}</w:tbl>"
                 + _p("注：说明。", "DossierNote") + _p("企业（盖章）", "DossierSign") + _p("2025年10月15日", "DossierSign"))
    keep_together(body)
    trs = body.find(f"{W}tbl").findall(f"{W}tr")
    kept = [_kept(tr) for tr in trs]
    # header repeats on its own; first data row with the second; last three rows together; 小计
    # with the row before; the last row with the note and the note with the signature block.
    assert kept == [False, True, False, False, False, True, True, True]
    note = body.findall(f"{W}p")[0]
    assert _kept(note)


def test_toc_titles_wrap_instead_of_being_cut_and_the_page_count_knows_it():
    long = "近两年生产性设备购置与改造投资以及项目相关的研发投入明细表及合同、发票、付款凭证、银行流水"
    lines = toc_lines(1, long)
    assert len(lines) == 2 and "".join(lines) == long and not any("…" in x for x in lines)
    assert toc_page_count([(1, "短标题")] * TOC_ROWS) == 1
    assert toc_page_count([(1, long)] + [(1, "短标题")] * (TOC_ROWS - 1)) == 2
