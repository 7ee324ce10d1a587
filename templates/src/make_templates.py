"""Generate the built-in docxtpl templates in ``templates/`` (run: ``.venv/bin/python templates/src/make_templates.py``).

The .docx files in ``templates/`` are generated: edit this script (or make_followup_templates.py,
make_deck_template.py) and regenerate, never the .docx, which the next regeneration overwrites. A
project that needs its own form (the district's official one) overrides a template per project with a
file of the same name in its own ``templates/`` folder (see README). Regenerating gives byte-identical
files; tests/test_templates_generated.py regenerates them into a temporary folder and compares bytes.

Typography follows GB/T 9704-2012 (党政机关公文格式): A4, margins top 37 mm / bottom 35 mm / left 28 mm /
right 26 mm, title 方正小标宋简体 2号 (22 pt), body 仿宋_GB2312 3号 (16 pt) on a fixed 28 pt line, headings
黑体 (一、) and 楷体_GB2312 (（一）), page numbers "— n —" in 宋体 4号. python-docx writes only
``w:ascii``/``w:hAnsi`` for a font (python-docx #154), so every font here is set through the XML
layer with ``w:eastAsia`` as well, and theme fonts (which would win over explicit names) are removed.

Tables have a fixed layout with explicit column widths, so long text wraps inside its cell, and
their header rows repeat on every page (``w:tblHeader``). Each Jinja tag sits in a run of its own
so that no tag is split across runs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
sys.path.insert(0, str(OUT.parent))

from dossier.documents.render import normalise_docx  # noqa: E402

XBS = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"

FIXED_TIME = dt.datetime(2025, 9, 30, 0, 0, 0)
PORTRAIT_WIDTH = 156  # mm of text: 210 − 28 − 26
LANDSCAPE_WIDTH = 243  # mm of text: 297 − 28 − 26


# ---------------------------------------------------------------- XML helpers


def set_fonts(rpr_parent, name: str) -> None:
    """Set all four font slots (ascii, hAnsi, eastAsia, cs) of an rPr; drop theme fonts."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def style_font(style, name: str, size: float, bold: bool = False, color: str | None = None) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    set_fonts(style.element.get_or_add_rPr(), name)


def first_line_chars(pf_element, chars: int, size: float) -> None:
    """First-line indent in characters (Word's 首行缩进 2 字符), with the twips fallback."""
    ind = pf_element.get_or_add_pPr().get_or_add_ind()  # python-docx inserts it in schema order
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * size * 20)))


def paragraph_style(doc, style_id: str, name: str, font: str, size: float, *, line: float | None = None,
                    align=None, indent_chars: int = 0, bold: bool = False, before: float = 0, after: float = 0,
                    keep_next: bool = False, color: str | None = None, base: str = "Normal"):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = styles[base]
        style.quick_style = True
    style_font(style, font, size, bold, color)
    pf = style.paragraph_format
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    if align is not None:
        pf.alignment = align
    if indent_chars:
        first_line_chars(style.element, indent_chars, size)
    return style


def no_hanging_punctuation(defaults, normal) -> None:
    """``w:overflowPunct w:val="1"`` in the document defaults and Normal (every style is based on it).

    LibreOffice's hanging punctuation drops a mark that should hang into the margin of a justified
    line: the PDF printed 环保质量 for 环保、质量 while the .docx was right. LibreOffice reads this
    element inverted (writerfilter: ``PROP_PARA_IS_HANGING_PUNCTUATION = (value == 0)``), so the value
    1 — which in Word means its usual Chinese default, 允许标点溢出边界 — is what switches hanging off in
    LibreOffice: the mark stays inside the line and the character before it moves to the next line.
    """
    for parent in (defaults.find(qn("w:pPrDefault")), normal.element):
        ppr = parent.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            parent.append(ppr)
        punct = ppr.find(qn("w:overflowPunct"))
        if punct is None:
            punct = OxmlElement("w:overflowPunct")
            ppr.append(punct)
        punct.set(qn("w:val"), "1")


def setup_styles(doc) -> None:
    styles = doc.styles
    # Document defaults: theme fonts out, Chinese fonts in, zh-CN for line breaking rules.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FANGSONG)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    # Latin runs in en-US: with zh-CN there, LibreOffice breaks numbers and codes (USCC, 2589) anywhere.
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    paragraph_style(doc, "Normal", "Normal", FANGSONG, 16, line=28, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    no_hanging_punctuation(defaults, styles["Normal"])
    paragraph_style(doc, "DossierBody", "公文正文", FANGSONG, 16, line=28, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
    paragraph_style(doc, "DossierTitle", "公文标题", XBS, 22, line=36, align=WD_ALIGN_PARAGRAPH.CENTER, after=18)
    # Headings flush left: a balanced heading's line break must not spread its first line (justify).
    paragraph_style(doc, "DossierH1", "一级标题", HEI, 16, line=28, indent_chars=2, keep_next=True,
                    align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "DossierH2", "二级标题", KAI, 16, line=28, indent_chars=2, keep_next=True,
                    align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "DossierLabel", "附件标注", HEI, 16, line=28, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = paragraph_style(doc, "DossierSign", "落款", FANGSONG, 16, line=28, align=WD_ALIGN_PARAGRAPH.RIGHT,
                           keep_next=True)
    sign.paragraph_format.right_indent = Pt(32)
    signing = paragraph_style(doc, "DossierSigning", "签字栏", FANGSONG, 16, line=28, align=WD_ALIGN_PARAGRAPH.LEFT,
                              keep_next=True)
    signing.paragraph_format.left_indent = Mm(70)
    paragraph_style(doc, "DossierMeta", "表头信息", FANGSONG, 12, line=22, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "DossierNote", "表注", FANGSONG, 10.5, line=16, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "DossierCaption", "表题", HEI, 12, line=22, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=4,
                    keep_next=True)
    for suffix, size, line in (("", 10.5, 15), ("Small", 9, 12.5)):
        paragraph_style(doc, f"DossierCell{suffix}", f"表格文字{suffix and '（小）'}", FANGSONG, size, line=line,
                        align=WD_ALIGN_PARAGRAPH.LEFT)
        paragraph_style(doc, f"DossierCellCenter{suffix}", f"表格文字居中{suffix and '（小）'}", FANGSONG, size, line=line,
                        align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph_style(doc, f"DossierCellHead{suffix}", f"表格标题行{suffix and '（小）'}", HEI, size, line=line,
                        align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "DossierCoverTitle", "封面标题", XBS, 26, line=44, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "DossierCoverLine", "封面信息", FANGSONG, 16, line=36, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "DossierDraft", "草稿标记", HEI, 12, align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True, color="C00000")
    paragraph_style(doc, "DossierPageNumber", "页码", SONG, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name in ("Header", "Footer", "Table Grid"):
        if name in [s.name for s in styles]:
            st = styles[name]
            if st.type == WD_STYLE_TYPE.PARAGRAPH or st.type == WD_STYLE_TYPE.TABLE:
                set_fonts(st.element.get_or_add_rPr(), FANGSONG)
    # Built-in styles that carry theme fonts (headings, title) are not used; strip theme fonts anyway
    # so nothing in the file asks Word for Calibri / 等线.
    for st in styles:
        rpr = st.element.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:rFonts")) is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if any(k.endswith("Theme") for k in (qn("w:asciiTheme"), qn("w:eastAsiaTheme")) if fonts.get(k)):
                set_fonts(rpr, FANGSONG)


def page_number_field(paragraph) -> None:
    """``— PAGE —`` with a real PAGE field, so Word and LibreOffice number the pages.

    Left out when the document is rendered for the bound volume (``bound``): the volume numbers
    every page itself, and a page must not carry two numbers.
    """
    paragraph.add_run("{% if bound is not defined or not bound %}")
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")
    paragraph.add_run("{% endif %}")


def setup_section(section, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(26), Mm(24)
        section.header_distance, section.footer_distance = Mm(12), Mm(12)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.header_distance, section.footer_distance = Mm(20), Mm(24)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def new_document(title: str, landscape: bool = False, *, page_numbers: bool = True):
    doc = Document()
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[rid]  # python-docx's own thumbnail would show in Explorer
    setup_styles(doc)
    cp = doc.core_properties
    cp.title = title
    cp.author = "dossier"
    cp.last_modified_by = "dossier"
    cp.comments = ("dossier 文书模板（docxtpl）：双花括号内为填充字段，花括号百分号内为循环与条件，编辑时请勿拆开。"
                   "本文件由 templates/src/ 中的脚本生成，直接修改会在下次生成时被覆盖：请修改生成脚本，"
                   "或把改好的同名文件放入项目的 templates/ 文件夹，只覆盖该项目。")
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    compat = doc.settings.element.find(qn("w:compat"))
    if compat is not None and compat.find(qn("w:doNotExpandShiftReturn")) is None:
        # A line ended by a manual break (a value with a newline) is not spread across the width.
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")  # python-docx's default template says ja-JP
    section = doc.sections[0]
    setup_section(section, landscape)
    draft_header(doc, section.header)
    if page_numbers:
        footer = section.footer.paragraphs[0]
        footer.style = doc.styles["页码"]
        page_number_field(footer)
    # python-docx starts with one empty paragraph; reuse it as the first paragraph written.
    return doc


# Title styles and their size in points: a title in them is re-broken into balanced lines at render
# time (dossier.documents.render.balanced), so it never ends with a line of one or two characters.
BALANCED_STYLES = {"公文标题": 22, "封面标题": 26, "一级标题": 16, "二级标题": 16}
_FIELD = re.compile(r"{{\s*(.*?)\s*}}")


def balanced_title(doc, text: str, style: str) -> str:
    """``text`` (literal parts and ``{{ fields }}``) as one ``{{ (…)|balanced(N) }}`` field, N the
    characters a line of ``style`` holds in this document's type area (less a heading's indent)."""
    if "{{" not in text or "{%" in text:
        return text
    section = doc.sections[-1]
    width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    size = BALANCED_STYLES[style]
    per_line = int(width_pt / size) - (2 if style in ("一级标题", "二级标题") else 0)
    parts = _FIELD.split(text)
    pieces = [f"({p})" if k % 2 else repr(p) for k, p in enumerate(parts) if p]
    expr = pieces[0][1:-1] if len(pieces) == 1 else " ~ ".join(pieces)
    return f"{{{{ ({expr})|balanced({per_line}) }}}}"


def para(doc, text: str = "", style: str = "公文正文"):
    if style in BALANCED_STYLES:
        text = balanced_title(doc, text, style)
    body = doc.paragraphs
    if len(body) == 1 and not body[0].text and body[0].style.name == "Normal" and not getattr(doc, "_used_first", False):
        p = body[0]
        doc._used_first = True
    else:
        p = doc.add_paragraph()
    p.style = doc.styles[style]
    if text:
        p.add_run(text)
    return p


def draft_header(doc, header) -> None:
    p = header.paragraphs[0]
    p.style = doc.styles["草稿标记"]
    p.add_run("{% if draft %}草稿（未通过检查，不得用于正式申报）{% endif %}")


def cover_section_break(doc) -> None:
    """End a cover page: the cover has the draft mark but no page number; the body's pages start at 1."""
    doc.add_section(WD_SECTION.NEW_PAGE)
    body = doc.sections[-1]
    body.header.is_linked_to_previous = False
    draft_header(doc, body.header)
    body.footer.is_linked_to_previous = False
    footer = body.footer.paragraphs[0]
    footer.style = doc.styles["页码"]
    page_number_field(footer)
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:start"), "1")
    body._sectPr.append(num)


# ---------------------------------------------------------------- tables


def _tc_props(cell, width_mm: float) -> None:
    tcw = cell._tc.get_or_add_tcPr().get_or_add_tcW()
    tcw.set(qn("w:w"), str(int(width_mm / 25.4 * 1440)))
    tcw.set(qn("w:type"), "dxa")
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def make_table(doc, widths: list[float], *, small: bool = False):
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    tblpr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(int(sum(widths) / 25.4 * 1440)))
    tblw.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{edge}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "6")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, mm in (("top", 0.4), ("left", 1.2), ("bottom", 0.4), ("right", 1.2)):
        m = OxmlElement(f"w:{edge}")
        m.set(qn("w:w"), str(int(mm / 25.4 * 1440)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w / 25.4 * 1440)))
    table._widths = widths
    table._small = small
    return table


def cell_style(table, kind: str) -> str:
    names = {"head": "表格标题行", "text": "表格文字", "center": "表格文字居中"}
    return names[kind] + ("（小）" if table._small else "")


def add_row(table, cells: list[str], kind: str = "text", *, header: bool = False, kinds: list[str] | None = None,
            height_mm: float | None = None):
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        _tc_props(cell, table._widths[i])
        p = cell.paragraphs[0]
        p.style = table.part.document.styles[cell_style(table, (kinds[i] if kinds else kind))]
        if text:
            p.add_run(text)
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))  # a row is never torn across two pages
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
    if height_mm:
        row.height = Mm(height_mm)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    return row


def loop_rows(table, loop: str, cells: list[str], kinds: list[str] | None = None) -> None:
    """A ``{%tr for … %}`` row, the data row, and ``{%tr endfor %}``: docxtpl repeats the data row."""
    n = len(table._widths)
    add_row(table, [f"{{%tr for {loop} %}}"] + [""] * (n - 1))
    add_row(table, cells, kinds=kinds)
    add_row(table, ["{%tr endfor %}"] + [""] * (n - 1))


def merge(row, start: int, end: int):
    cell = row.cells[start].merge(row.cells[end])
    # A merged cell keeps the paragraphs of every cell it absorbed; keep only the first.
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    return cell


def form_row(table, pairs: list[tuple[str, str]], *, height_mm: float | None = None) -> None:
    """A 4-column form row: label | value | label | value; one pair spans the three value columns."""
    if len(pairs) == 2:
        (a, b), (c, d) = pairs
        add_row(table, [a, b, c, d], kinds=["center", "text", "center", "text"], height_mm=height_mm)
    else:
        (a, b), = pairs
        row = add_row(table, [a, b, "", ""], kinds=["center", "text", "text", "text"], height_mm=height_mm)
        merge(row, 1, 3)


def section_row(table, text: str) -> None:
    row = add_row(table, [text, "", "", ""], kind="head")
    merge(row, 0, 3)
    shade(row.cells[0], "E7E6E6")
    row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True  # a section title never ends a page


def shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def heading_rows(table, headers: list[str]) -> None:
    row = add_row(table, headers, kind="head", header=True)
    for c in row.cells:
        shade(c, "E7E6E6")


def paragraphs_loop(doc, var: str, style: str = "公文正文") -> None:
    para(doc, f"{{%p for para in {var} %}}", style)
    para(doc, "{{ para }}", style)
    para(doc, "{%p endfor %}", style)


def form_header(doc) -> None:
    """附件 label, title, and the 填报单位 / 日期 line above a form."""
    para(doc, "{{ doc.label }}", "附件标注")
    para(doc, "{{ doc.title }}", "公文标题")
    para(doc, "填报单位（盖章）：{{ enterprise.name }}　　　　填报日期：{{ filled_date }}", "表头信息")


def signature_block(doc, lines: list[str], signing: list[str] = ()) -> None:
    """Signature lines (签字, 盖章) left-aligned in the right half, then the 落款 lines right-aligned."""
    written = [para(doc, line, "签字栏") for line in signing] + [para(doc, line, "落款") for line in lines]
    written[0].paragraph_format.space_before = Pt(14)


# Element order the OOXML schema requires (Word reports "unreadable content" otherwise). python-docx's
# get_or_add_* calls insert in this order; the children it has no API for (tblW, tblBorders, shd,
# overflowPunct, pgNumType …) are appended by hand above and put back in this order before saving.
SCHEMA_ORDER = {
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
            "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
            "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
             "tcFitText", "vAlign", "hideMark"],
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
}


def schema_order(doc) -> None:
    for tag, order in SCHEMA_ORDER.items():
        rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
        for el in [*doc.element.iter(qn(f"w:{tag}")), *doc.styles.element.iter(qn(f"w:{tag}"))]:
            children = list(el)
            children.sort(key=lambda c: rank.get(c.tag, len(rank)))
            for c in children:
                el.remove(c)
            for c in children:
                el.append(c)


def slim_styles(doc) -> None:
    """Drop what python-docx's default template carries and no template uses: its 100 table styles
    but the ones a table names, Table Grid (the plain grid a table added to any template takes) and
    what they are based on, 311 KB of styles.xml; and the Word 2010 copy of the styles
    (stylesWithEffects.xml, 438 KB). LibreOffice reads every style of every document it converts:
    without them a warm conversion takes ~0.07 s less per document, and the PDF is byte-identical
    (measured on 附件1, 简介 and 承诺书)."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rid)
    parts = [doc.part] + [rel.target_part for rel in doc.part.rels.values()
                          if not rel.is_external and rel.reltype.endswith(("/header", "/footer"))]
    keep = {"TableGrid"} | {el.get(qn("w:val")) for part in parts for el in part.element.iter(qn("w:tblStyle"))}
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style")) if s.get(qn("w:type")) == "table"}
    todo = list(keep)
    while todo:
        based = by_id.get(todo.pop())
        base = based.find(qn("w:basedOn")) if based is not None else None
        if base is not None and base.get(qn("w:val")) not in keep:
            keep.add(base.get(qn("w:val")))
            todo.append(base.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep and style.get(qn("w:default")) not in ("1", "true", "on"):
            styles.remove(style)


def save(doc, name: str) -> Path:
    slim_styles(doc)
    schema_order(doc)
    buf = io.BytesIO()
    doc.save(buf)
    target = OUT / f"{name}.docx"
    target.write_bytes(normalise_docx(buf.getvalue()))
    return target


# ---------------------------------------------------------------- the documents


def application_form() -> None:
    doc = new_document("标杆智能工厂申报表")
    para(doc, "{{ doc.label }}", "附件标注")
    para(doc, "{{ doc.title }}", "公文标题")
    para(doc, "申报单位（盖章）：{{ enterprise.name }}", "表头信息")
    t = make_table(doc, [34, 44, 34, 44])
    section_row(t, "一、企业基本情况")
    form_row(t, [("企业名称", "{{ enterprise.name }}")])
    form_row(t, [("统一社会信用代码", "{{ enterprise.uscc }}")])
    form_row(t, [("注册地址", "{{ enterprise.registered_address }}")])
    form_row(t, [("所在区（开发区）", "{{ enterprise.district }}"), ("所属重点行业", "{{ enterprise.key_industry }}")])
    form_row(t, [("法人类型", "{{ enterprise.legal_entity }}"), ("企业性质", "{{ enterprise.ownership }}")])
    form_row(t, [("国民经济行业代码", "{{ enterprise.nic_code }}"), ("从业人员数（人）", "{{ enterprise.employees }}")])
    form_row(t, [("法定代表人", "{{ enterprise.legal_rep }}"), ("联系人", "{{ enterprise.contact_name }}")])
    form_row(t, [("联系人职务", "{{ enterprise.contact_title }}"), ("联系人手机", "{{ enterprise.contact_mobile }}")])
    form_row(t, [("电子邮箱", "{{ enterprise.contact_email }}")])
    form_row(t, [("是否规上工业企业", "{{ enterprise.above_designated_size }}"),
                 ("近两年重大安全、环保、质量事故", "{{ enterprise.major_incident }}")])
    form_row(t, [("上年度营业收入（万元）", "{{ enterprise.revenue }}"), ("上年度工业总产值（万元）", "{{ enterprise.output }}")])
    form_row(t, [("上年度利润总额（万元）", "{{ enterprise.profit }}"), ("上年度纳税总额（万元）", "{{ enterprise.tax }}")])
    form_row(t, [("往年获评情况", "{{ enterprise.awards }}")])
    section_row(t, "二、项目基本情况")
    form_row(t, [("项目名称", "{{ project.name }}")])
    form_row(t, [("智能制造类型", "{{ type_label }}"), ("项目备案代码", "{{ project.filing_code }}")])
    form_row(t, [("工厂（车间）名称", "{{ project.factory_name }}")])
    form_row(t, [("工厂地址", "{{ project.factory_address }}")])
    form_row(t, [("建设起止时间", "{{ project.construction_start }}至{{ project.construction_end }}"),
                 ("竣工投产日期", "{{ project.commissioning_date }}")])
    form_row(t, [("是否纳入工业技改投资统计", "{{ project.in_stats }}"), ("统计项目代码", "{{ project.stats_project_code }}")])
    form_row(t, [("对应《{{ programme.guidance_catalogue }}》条目", "{{ project.guidance_catalog_item }}")])
    form_row(t, [("项目总投资（万元）", "{{ project.total_investment }}")])
    section_row(t, "三、近两年投资情况（{{ programme.window }}）")
    form_row(t, [("生产性设备购置与改造投资（万元）", "{{ totals.equipment }}"), ("项目相关研发投入（万元）", "{{ totals.rd }}")])
    form_row(t, [("合计（万元）", "{{ totals.total }}"), ("研发投入占设备投资比例", "{{ totals.rd_ratio }}")])
    form_row(t, [("合计（大写）", "{{ totals.total_daxie }}")])
    form_row(t, [("计算口径", "{{ totals.reading }}")])
    section_row(t, "四、建设成效")
    form_row(t, [("已建智能化场景数", "{{ scenarios.implemented }}个（部分建设{{ scenarios.partial }}个）"),
                 ("在用信息化系统数", "{{ systems.total }}个（国产{{ systems.domestic }}个，占{{ systems.domestic_ratio }}）")])
    form_row(t, [("重点指标变化", "{{ kpi_summary }}")])
    form_row(t, [("关键装备指标", "{{ rate_summary }}")])
    form_row(t, [("项目简介（{{ programme.summary_chars }}字以内）", "{{ project.summary }}")])
    keep_rows_start = len(t.rows) - 1  # the row before the section goes with it: no page of signatures only
    section_row(t, "五、企业承诺与审核意见")
    # Heights tight enough that the block fits under the rows before it (a seal may overlap the text).
    row = add_row(t, ["企业承诺", "", "", ""], kinds=["center", "text", "text", "text"], height_mm=24)
    cell = merge(row, 1, 3)
    cell.paragraphs[0].add_run("本企业承诺：本表所填内容及所附申报资料真实、准确、完整，如有不实，愿承担相应责任。")
    for text, style in (("", "表格文字"), ("法定代表人（签字）：　　　　　　　　　企业（盖章）", "表格文字"),
                        ("{{ filled_date }}", "表格文字")):
        q = cell.add_paragraph(text)
        q.style = doc.styles[style]
        q.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    row = add_row(t, ["区经信部门审核意见", "", "", ""], kinds=["center", "text", "text", "text"], height_mm=28)
    cell = merge(row, 1, 3)
    cell.paragraphs[0].add_run("")
    for text in ("", "", "经办人（签字）：　　　　　　　　　（盖章）", "　　年　　月　　日"):
        q = cell.add_paragraph(text)
        q.style = doc.styles["表格文字"]
        q.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r in t.rows[keep_rows_start:-1]:  # the signature boxes stay on one page, with the row before them
        for c in r.cells:
            for q in c.paragraphs:
                q.paragraph_format.keep_with_next = True
    save(doc, "application_form")


def report() -> None:
    doc = new_document("申请报告", page_numbers=False)
    # Cover
    for _ in range(3):
        para(doc, "", "Normal")
    para(doc, "{{ programme.title }}", "封面标题")
    para(doc, "", "Normal")
    para(doc, "申　请　报　告", "封面标题")
    for _ in range(3):
        para(doc, "", "Normal")
    for label, var in (("项目名称", "project.name"), ("申报单位", "enterprise.name"), ("所在区", "enterprise.district"),
                       ("智能制造类型", "type_label"), ("联 系 人", "enterprise.contact_name"),
                       ("联系电话", "enterprise.contact_mobile"), ("申报日期", "filled_date")):
        p = para(doc, f"{label}：{{{{ {var} }}}}", "封面信息")
        p.paragraph_format.left_indent = Mm(22)
    para(doc, "", "Normal")
    p = para(doc, "申报单位（盖章）", "封面信息")
    p.paragraph_format.left_indent = Mm(22)
    cover_section_break(doc)
    # Body
    para(doc, "{{ enterprise.name }}", "公文标题")
    para(doc, "{{ project.name }}申请报告", "公文标题")
    para(doc, "一、企业基本情况", "一级标题")
    paragraphs_loop(doc, "profile")
    para(doc, "企业统一社会信用代码{{ enterprise.uscc }}，注册地址{{ enterprise.registered_address }}，所属行业为"
              "{{ enterprise.key_industry }}，主要产品为{{ enterprise.main_products }}。上年度营业收入{{ enterprise.revenue }}万元，"
              "工业总产值{{ enterprise.output }}万元，从业人员{{ enterprise.employees }}人。")
    para(doc, "{{ parts.before_analysis.number }}、{{ parts.before_analysis.title }}", "一级标题")
    paragraphs_loop(doc, "parts.before_analysis.paragraphs")
    para(doc, "{{ parts.goals.number }}、{{ parts.goals.title }}", "一级标题")
    paragraphs_loop(doc, "parts.goals.paragraphs")
    para(doc, "{{ parts.main_content.number }}、{{ parts.main_content.title }}", "一级标题")
    paragraphs_loop(doc, "parts.main_content.paragraphs")
    para(doc, "{{ parts.benefit_analysis.number }}、{{ parts.benefit_analysis.title }}", "一级标题")
    paragraphs_loop(doc, "parts.benefit_analysis.paragraphs")
    para(doc, "表1　重点指标改造前后对比", "表题")
    t = make_table(doc, [12, 40, 24, 20, 20, 40])
    heading_rows(t, ["序号", "指标名称", "单位", "改造前", "改造后", "变化率"])
    loop_rows(t, "k in kpis", ["{{ k.seq }}", "{{ k.name }}", "{{ k.unit }}", "{{ k.baseline }}", "{{ k.current }}",
                               "{{ k.change }}"], kinds=["center", "text", "center", "center", "center", "center"])
    para(doc, "注：变化率为相对变化，越高越好的指标按（改造后−改造前）/改造前×100%计算，越低越好的指标按"
              "（改造前−改造后）/改造前×100%计算；★为核心指标；统计期和证明材料见{{ kpi_attachment }}。", "表注")
    para(doc, "{{ parts.demonstration.number }}、{{ parts.demonstration.title }}", "一级标题")
    paragraphs_loop(doc, "parts.demonstration.paragraphs")
    signature_block(doc, ["{{ enterprise.name }}（盖章）", "{{ filled_date }}"])
    save(doc, "report")


def kpi_selftest() -> None:
    doc = new_document("重点指标自测表", landscape=True)
    form_header(doc)
    widths = [9, 14, 24, 38, 16, 16, 20, 16, 20, 26, 28, 16]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "指标类别", "指标名称", "指标口径、计算方法", "单位", "改造前值", "改造前统计期", "改造后值",
                     "改造后统计期", "变化率", "数据来源及证明材料", "备注"])
    loop_rows(t, "k in kpis", ["{{ k.seq }}", "{{ k.category }}", "{{ k.name }}", "{{ k.formula }}", "{{ k.unit }}",
                               "{{ k.baseline }}", "{{ k.baseline_period }}", "{{ k.current }}", "{{ k.current_period }}",
                               "{{ k.change }}", "{{ k.source_evidence }}", "{{ k.note }}"],
              kinds=["center", "center", "text", "text", "center", "center", "center", "center", "center", "center",
                     "text", "text"])
    para(doc, "注：1. 变化率为相对变化：越高越好的指标按（改造后值−改造前值）/改造前值×100%计算，越低越好的指标按"
              "（改造前值−改造后值）/改造前值×100%计算；比率类指标另注明变化的百分点。2. 标★者为本类型核心指标。"
              "3. 改造前、后数据须同口径（相同产品、相同单位），证明材料附后。", "表注")
    signature_block(doc, ["企业负责人（签字）：　　　　　　　　填报人（签字）：　　　　　　　　企业（盖章）",
                          "{{ filled_date }}"])
    save(doc, "kpi_selftest")


def scenario_selftest() -> None:
    doc = new_document("智能化场景自测表", landscape=True)
    form_header(doc)
    widths = [8, 13, 24, 11, 44, 28, 18, 18, 25, 12, 22, 20]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "环节", "场景名称（编号）", "是否建设", "建设内容简述", "应用的装备与系统", "关键技术", "上线时间",
                     "成效指标", "自评水平", "证明材料", "投资金额（万元）"])
    loop_rows(t, "s in scenarios.rows", ["{{ s.seq }}", "{{ s.stage }}", "{{ s.name }}（{{ s.code }}）", "{{ s.implemented }}",
                                          "{{ s.description }}", "{{ s.equipment_systems }}", "{{ s.technologies }}",
                                          "{{ s.go_live }}", "{{ s.effects }}", "{{ s.self_level }}", "{{ s.evidence }}",
                                          "{{ s.investment }}"],
              kinds=["center", "center", "text", "center", "text", "text", "text", "center", "text", "center", "text",
                     "center"])
    para(doc, "合计：已建设场景{{ scenarios.implemented }}个，部分建设{{ scenarios.partial }}个，其余为未建设。场景名称与环节依据"
              "《{{ programme.scenario_guide }}》。投资金额为对应{{ programme.investment_form }}各行计入金额之和，每行只计入一个场景（按本表顺序"
              "首次对应的场景），合计{{ scenarios.investment_total }}万元。", "表注")
    signature_block(doc, ["企业负责人（签字）：　　　　　　　　填报人（签字）：　　　　　　　　企业（盖章）",
                          "{{ filled_date }}"])
    save(doc, "scenario_selftest")


def investment_detail() -> None:
    doc = new_document("投资明细表", landscape=True)
    form_header(doc)
    para(doc, "投资窗口期：{{ programme.window }}；{{ totals.reading }}。金额单位：万元。", "表头信息")
    para(doc, "表A　生产性设备购置与改造投资", "表题")
    widths = [7, 13, 34, 20, 12, 15, 18, 14, 17, 17, 11, 28, 37]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "类别", "设备（项目）名称", "规格型号", "数量", "单价", "金额（含税）", "税额", "不含税金额",
                     "计入金额", "国产/进口", "供应商", "备注"])
    loop_rows(t, "r in equipment_rows", ["{{ r.seq }}", "{{ r.category }}", "{{ r.name }}", "{{ r.model }}",
                                          "{{ r.quantity }}", "{{ r.unit_price }}", "{{ r.amount }}", "{{ r.tax }}",
                                          "{{ r.net }}", "{{ r.counted }}", "{{ r.origin }}", "{{ r.supplier }}",
                                          "{{ r.remark }}"],
              kinds=["center", "center", "text", "text", "center", "center", "center", "center", "center", "center",
                     "center", "text", "text"])
    row = add_row(t, ["小计"] + [""] * 8 + ["{{ totals.equipment }}", "", "", ""], kind="center")
    merge(row, 0, 8)
    para(doc, "表A（续）　合同、发票、付款与验收", "表题")
    widths = [7, 14, 42, 36, 42, 34, 34, 34]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "编号", "设备（项目）名称", "合同编号及签订日期", "发票号码及开票日期", "付款日期及金额",
                     "付款凭证号", "到货/验收日期"])
    loop_rows(t, "r in equipment_rows", ["{{ r.seq }}", "{{ r.id }}", "{{ r.name }}", "{{ r.contract }}", "{{ r.invoice }}",
                                          "{{ r.payment }}", "{{ r.voucher }}", "{{ r.acceptance }}"],
              kinds=["center", "center", "text", "center", "center", "center", "center", "center"])
    para(doc, "表B　项目相关研发投入", "表题")
    widths = [7, 28, 18, 34, 17, 17, 40, 36, 22, 24]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "研发项目名称", "费用科目", "费用内容", "金额", "计入金额", "发票号码及开票日期",
                     "凭证号及付款日期", "对应场景", "备注"])
    loop_rows(t, "r in rd_rows", ["{{ r.seq }}", "{{ r.rd_project }}", "{{ r.rd_subject }}", "{{ r.name }}",
                                   "{{ r.amount }}", "{{ r.counted }}", "{{ r.invoice }}", "{{ r.payment }}",
                                   "{{ r.scenarios }}", "{{ r.remark }}"],
              kinds=["center", "text", "center", "text", "center", "center", "center", "center", "text", "text"])
    row = add_row(t, ["小计"] + [""] * 4 + ["{{ totals.rd }}", "", "", "", ""], kind="center")
    merge(row, 0, 4)
    para(doc, "表C　投资汇总", "表题")
    t = make_table(doc, [90, 60, 93], small=True)
    heading_rows(t, ["项目", "金额（万元）", "说明"])
    add_row(t, ["生产性设备购置与改造投资合计", "{{ totals.equipment }}", "表A计入金额合计"], kinds=["text", "center", "text"])
    loop_rows(t, "c in by_category", ["　其中：{{ c.label }}", "{{ c.amount }}", "按类别计入金额"],
              kinds=["text", "center", "text"])
    add_row(t, ["项目相关研发投入合计", "{{ totals.rd }}", "表B计入金额合计；占设备投资{{ totals.rd_ratio }}"],
            kinds=["text", "center", "text"])
    add_row(t, ["合计", "{{ totals.total }}", "{{ totals.basis }}口径；另：含税合计{{ totals.total_gross }}，"
                                               "不含税合计{{ totals.total_net }}"], kinds=["head", "center", "text"])
    row = add_row(t, ["合计（大写）", "{{ totals.total_daxie }}", ""], kinds=["head", "text", "text"])
    merge(row, 1, 2)
    para(doc, "注：计入金额只计投资窗口期内的生产性投资；窗口期外或非生产性的行计为0.00，原因见备注。表A与表A（续）按序号"
              "对应。每行所附合同、发票、付款凭证、银行流水按序号装订于后。", "表注")
    signature_block(doc, ["企业负责人（签字）：　　　　　　　财务负责人（签字）：　　　　　　　企业（盖章）",
                          "{{ filled_date }}"])
    save(doc, "investment_detail")


def systems_list() -> None:
    doc = new_document("信息化系统清单", landscape=True)
    form_header(doc)
    widths = [8, 24, 22, 16, 26, 22, 12, 14, 19, 16, 24, 20, 20]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "系统名称", "系统类型", "工业软件大类", "供应商", "产品名称与版本", "国产/进口", "部署方式", "上线时间",
                     "建设情况", "覆盖业务环节", "覆盖范围", "集成的系统"])
    loop_rows(t, "s in systems.rows", ["{{ s.seq }}", "{{ s.name }}", "{{ s.type }}", "{{ s.class }}", "{{ s.vendor }}",
                                        "{{ s.product_version }}", "{{ s.domestic }}", "{{ s.deployment }}",
                                        "{{ s.go_live }}", "{{ s.status }}", "{{ s.domains }}", "{{ s.coverage }}",
                                        "{{ s.integrates_with }}"],
              kinds=["center", "text", "text", "center", "text", "text", "center", "center", "center", "center", "text",
                     "text", "text"])
    para(doc, "合计：在用信息化系统/工业软件{{ systems.total }}个，其中国产{{ systems.domestic }}个，"
              "国产化比例{{ systems.domestic_ratio }}。", "表注")
    signature_block(doc, ["企业负责人（签字）：　　　　　　　　填报人（签字）：　　　　　　　　企业（盖章）",
                          "{{ filled_date }}"])
    save(doc, "systems_list")


def equipment_indicators() -> None:
    doc = new_document("装备指标", landscape=True)
    form_header(doc)
    para(doc, "表1　装备基础数据", "表题")
    t = make_table(doc, [12, 121, 55, 55], small=True)
    heading_rows(t, ["序号", "项目", "数值", "单位"])
    loop_rows(t, "c in equipment.counts", ["{{ c.seq }}", "{{ c.label }}", "{{ c.value }}", "{{ c.unit }}"],
              kinds=["center", "text", "center", "center"])
    para(doc, "表2　装备指标", "表题")
    t = make_table(doc, [12, 56, 36, 99, 40], small=True)
    heading_rows(t, ["序号", "指标", "数值", "计算公式", "计算依据"])
    loop_rows(t, "r in equipment.rates", ["{{ r.seq }}", "{{ r.label }}", "{{ r.value }}", "{{ r.formula }}",
                                           "{{ r.basis }}"],
              kinds=["center", "text", "center", "text", "center"])
    para(doc, "{{ equipment.references }}", "表注")
    para(doc, "表3　设备台账", "表题")
    widths = [8, 16, 30, 26, 12, 30, 14, 16, 24, 14, 14, 18, 21]
    t = make_table(doc, widths, small=True)
    heading_rows(t, ["序号", "编号", "设备名称", "型号", "数量", "所属产线或工序", "关键工序", "数控/数字化", "联网（协议）",
                     "国产/进口", "购置年份", "原值（万元）", "对应投资"])
    loop_rows(t, "e in equipment.ledger", ["{{ e.seq }}", "{{ e.id }}", "{{ e.name }}", "{{ e.model }}", "{{ e.quantity }}",
                                            "{{ e.line }}", "{{ e.key_process }}", "{{ e.digital }}", "{{ e.networked }}",
                                            "{{ e.domestic }}", "{{ e.year }}", "{{ e.value }}", "{{ e.investment }}"],
              kinds=["center", "center", "text", "text", "center", "text", "center", "center", "center", "center",
                     "center", "center", "center"])
    para(doc, "注：{{ equipment.coverage }}", "表注")
    signature_block(doc, ["企业负责人（签字）：　　　　　　　　填报人（签字）：　　　　　　　　企业（盖章）",
                          "{{ filled_date }}"])
    save(doc, "equipment_indicators")


def operations_statement() -> None:
    doc = new_document("生产经营情况说明")
    para(doc, "{{ doc.title }}", "公文标题")
    para(doc, "一、企业生产、经营情况", "一级标题")
    paragraphs_loop(doc, "operations.statement")
    para(doc, "表1　近年主要经营数据", "表题")
    t = make_table(doc, [22, 28, 28, 26, 26, 26])
    heading_rows(t, ["年度", "营业收入（万元）", "工业总产值（万元）", "利润总额（万元）", "纳税总额（万元）", "从业人员（人）"])
    loop_rows(t, "y in operations.years", ["{{ y.year }}", "{{ y.revenue }}", "{{ y.output }}", "{{ y.profit }}",
                                            "{{ y.tax }}", "{{ y.employees }}"], kind_all("center", 6))
    para(doc, "二、企业产值在全市同行业排名情况", "一级标题")
    para(doc, "{{ operations.ranking }}")
    signature_block(doc, ["{{ enterprise.name }}（盖章）", "{{ filled_date }}"])
    save(doc, "operations_statement")


def kind_all(kind: str, n: int) -> list[str]:
    return [kind] * n


def authenticity_pledge() -> None:
    doc = new_document("真实性承诺书")
    para(doc, "{{ doc.title }}", "公文标题")
    para(doc, "{{ programme.issuer }}：", "Normal")
    para(doc, "本企业{{ enterprise.name }}（统一社会信用代码：{{ enterprise.uscc }}）自愿申报{{ programme.title }}，"
              "申报项目为“{{ project.name }}”。现郑重承诺如下：")
    para(doc, "一、所提交的申报表、申请报告、自测表、投资明细及其合同、发票、付款凭证、银行流水等全部申报资料真实、准确、"
              "完整，不存在虚假记载、误导性陈述或重大遗漏。")
    para(doc, "二、本企业诚信合法经营，近两年未发生重大安全、环保、质量事故；申报项目已完工投产，申报投资真实发生，"
              "未重复申报。")
    para(doc, "三、本企业配合主管部门和评审专家组的核查与现场核验。如有不实，愿承担相应法律责任，并接受取消申报资格、"
              "收回奖励资金等处理。")
    para(doc, "特此承诺。")
    signature_block(doc, ["{{ enterprise.name }}（盖章）", "{{ filled_date }}"], signing=["法定代表人（签字）：", ""])
    save(doc, "authenticity_pledge")


def summary() -> None:
    doc = new_document("建设情况简介")
    para(doc, "{{ doc.title }}", "公文标题")
    para(doc, "企业名称：{{ enterprise.name }}", "Normal")
    para(doc, "项目名称：{{ project.name }}", "Normal")
    para(doc, "智能制造类型：{{ type_label }}", "Normal")
    para(doc, "", "Normal")
    para(doc, "{{ summary.text }}")
    para(doc, "", "Normal")
    para(doc, "典型图片（附后）：", "表注")
    para(doc, "{%p for ph in photos %}", "表注")
    para(doc, "图{{ ph.seq }}　{{ ph.caption }}", "表注")
    para(doc, "{%p endfor %}", "表注")
    para(doc, "PPT和建设成果视频以电子版形式报送，不随本册装订。", "表注")
    signature_block(doc, ["{{ enterprise.name }}（盖章）", "{{ filled_date }}"])
    save(doc, "summary")


ALL = [application_form, report, kpi_selftest, scenario_selftest, investment_detail, systems_list,
       equipment_indicators, operations_statement, authenticity_pledge, summary]


def main() -> None:
    for make in ALL:
        make()
        print(f"已生成 templates/{make.__name__}.docx")


if __name__ == "__main__":
    main()
