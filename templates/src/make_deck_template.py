"""Generate the built-in roadshow look ``templates/deck.pptx`` (run: ``.venv/bin/python templates/src/make_deck_template.py``).

A 16:9 master with its layouts, made from python-pptx's own default template: every placeholder is
widened from 4:3 to 16:9, the theme's fonts name 微软雅黑 for East Asian text (``a:ea``; the default
theme leaves it empty, and PowerPoint/WPS then pick an arbitrary Chinese font), the title slide has a
dark background, and content slides a title with an accent rule beneath it. ``dossier deck`` uses the
layouts "Title Slide" and "Title Only"; a project's own ``templates/deck.pptx`` replaces this file.
Regenerating gives byte-identical output.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
sys.path.insert(0, str(OUT.parent))

from dossier.documents.render import normalise_docx  # noqa: E402  (a generic OOXML zip normaliser)

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in
FIXED_TIME = dt.datetime(2025, 9, 30, 0, 0, 0)
NAVY = "1F3864"
ACCENT = "C55A11"
PALE = "D9E2F3"
EA_FONT = "微软雅黑"
LATIN_FONT = "Arial"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def widen(shapes, factor: float) -> None:
    for shape in shapes:
        if shape.left is not None and shape.width is not None:
            shape.left, shape.width = Emu(int(shape.left * factor)), Emu(int(shape.width * factor))


def theme_fonts(prs) -> None:
    """Latin and East Asian typefaces of the theme's major (titles) and minor (body) fonts."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for kind in ("majorFont", "minorFont"):
        font = root.find(f".//{q(A, kind)}")
        font.find(q(A, "latin")).set("typeface", LATIN_FONT)
        font.find(q(A, "ea")).set("typeface", EA_FONT)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def text_style(style, size: int, color: str, bold: bool = False) -> None:
    """Level-1 run defaults of a master text style (``p:titleStyle`` / ``p:bodyStyle``)."""
    lvl = style.find(q(A, "lvl1pPr"))
    rpr = lvl.find(q(A, "defRPr"))
    rpr.set("sz", str(size * 100))
    if bold:
        rpr.set("b", "1")
    for old in rpr.findall(q(A, "solidFill")):
        rpr.remove(old)
    fill = etree.SubElement(rpr, q(A, "solidFill"))
    etree.SubElement(fill, q(A, "srgbClr")).set("val", color)
    rpr.insert(0, fill)


def placeholder(container, kind):
    for shape in container.placeholders:
        if shape.placeholder_format.type == kind:
            return shape
    return None


def rule(prs, left, top, width, height, color: str):
    """A filled rectangle's XML, drawn on a scratch slide (master and layout shape trees have no
    ``add_shape``), to be copied into a master or layout."""
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    bar = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor.from_string(color)
    bar.line.fill.background()
    bar.shadow.inherit = False
    bar.name = "Accent Rule"
    element = copy.deepcopy(bar._element)
    sld_ids = prs.slides._sldIdLst
    prs.part.drop_rel(sld_ids[-1].rId)
    sld_ids.remove(sld_ids[-1])
    return element


def main() -> Path:
    prs = Presentation()
    pkg = prs.part.package
    for rel in list(pkg._rels.values()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.drop_rel(rel.rId)  # python-pptx's own 4:3 thumbnail would show in Explorer
    factor = WIDTH / prs.slide_width
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    master = prs.slide_master
    widen(master.shapes, factor)
    for layout in prs.slide_layouts:
        widen(layout.shapes, factor)
    theme_fonts(prs)

    # Master: title top-left in navy, body dark grey.
    title = placeholder(master, PP_PLACEHOLDER.TITLE)
    title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.3), WIDTH - Inches(1.0), Inches(0.8)
    body = placeholder(master, PP_PLACEHOLDER.BODY)
    body.left, body.top, body.width, body.height = Inches(0.5), Inches(1.35), WIDTH - Inches(1.0), HEIGHT - Inches(2.0)
    styles = master.element.find(q(P, "txStyles"))
    text_style(styles.find(q(P, "titleStyle")), 28, NAVY, bold=True)
    text_style(styles.find(q(P, "bodyStyle")), 18, "262626")
    title_ppr = styles.find(q(P, "titleStyle")).find(q(A, "lvl1pPr"))
    title_ppr.set("algn", "l")
    # A thin accent bar under the title, behind the placeholders.
    master.shapes._spTree.insert(2, rule(prs, Inches(0.5), Inches(1.12), WIDTH - Inches(1.0), Pt(3), ACCENT))

    for layout in prs.slide_layouts:
        if layout.name == "Title Only":
            t = placeholder(layout, PP_PLACEHOLDER.TITLE)
            t.left, t.top, t.width, t.height = title.left, title.top, title.width, title.height
        if layout.name == "Title Slide":
            layout.element.set("showMasterSp", "0")
            layout.background.fill.solid()
            layout.background.fill.fore_color.rgb = RGBColor.from_string(NAVY)
            ct = placeholder(layout, PP_PLACEHOLDER.CENTER_TITLE)
            ct.left, ct.top, ct.width, ct.height = Inches(0.9), Inches(2.0), WIDTH - Inches(1.8), Inches(1.6)
            sub = placeholder(layout, PP_PLACEHOLDER.SUBTITLE)
            sub.left, sub.top, sub.width, sub.height = Inches(0.9), Inches(4.0), WIDTH - Inches(1.8), Inches(2.2)
            for shape, size, color, bold in ((ct, 40, "FFFFFF", True), (sub, 20, PALE, False)):
                shape.text_frame.text = ""
                p = shape.text_frame.paragraphs[0]
                p.font.size, p.font.bold = Pt(size), bold
                p.font.color.rgb = RGBColor.from_string(color)
                lst = shape._element.txBody.find(q(A, "lstStyle"))
                lvl = etree.SubElement(lst, q(A, "lvl1pPr"))
                lvl.set("algn", "l")
                rpr = etree.SubElement(lvl, q(A, "defRPr"))
                rpr.set("sz", str(size * 100))
                rpr.set("b", "1" if bold else "0")
                fill = etree.SubElement(rpr, q(A, "solidFill"))
                etree.SubElement(fill, q(A, "srgbClr")).set("val", color)
                # The paragraph-level overrides above were only a convenience: keep the layout clean.
                for para in shape._element.txBody.findall(q(A, "p")):
                    shape._element.txBody.remove(para)
                etree.SubElement(shape._element.txBody, q(A, "p"))
            layout.shapes._spTree.append(rule(prs, Inches(0.9), Inches(3.75), Inches(2.4), Pt(4), ACCENT))

    cp = prs.core_properties
    cp.title = "dossier 路演演示文稿模板"
    cp.author = cp.last_modified_by = "dossier"
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    target = OUT / "deck.pptx"
    target.write_bytes(normalise_docx(buf.getvalue()))
    return target


if __name__ == "__main__":
    print(f"已生成 {main().relative_to(OUT.parent)}")
