"""Slides (:mod:`dossier.deck.slides`) → a .pptx with python-pptx, on a template's master and layouts.

The template is the built-in ``templates/deck.pptx`` or the project's own ``templates/deck.pptx``. Its
"Title Slide" layout (the one with a centred-title placeholder) carries the opening and closing
slides, its "Title Only" layout (a title and no body) everything else; content is placed below the
layout's title, within the slide's own size, so a 4:3 or 16:9 master both work.

Charts are native, editable charts (the numbers sit in an embedded workbook PowerPoint and WPS open
with 编辑数据), never pictures. Every run written here names its East Asian typeface (``a:ea``), taken
from the template's theme (微软雅黑 when the theme leaves it empty): python-pptx's ``font.name`` sets
only ``a:latin``, and Chinese text would then fall back to whatever font the viewer picks.

Text is fitted by estimate, not measured: a CJK character is one em wide, Latin letters and digits
about half; font sizes shrink and tables paginate until the estimate fits the box.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

from dossier.deck.slides import Slide

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NAVY = RGBColor.from_string("1F3864")
BLUE = RGBColor.from_string("2E75B6")
GREY = RGBColor.from_string("A5A5A5")
DARK = RGBColor.from_string("262626")
MUTED = RGBColor.from_string("595959")
ACCENT = RGBColor.from_string("C55A11")
WHITE = RGBColor.from_string("FFFFFF")
PALE = RGBColor.from_string("EEF3FA")
FALLBACK_EA = "微软雅黑"
EMU_PER_PT = 12700
MARGIN = Inches(0.5)


def q(tag: str) -> str:
    return f"{{{A}}}{tag}"


# ---------------------------------------------------------------- text estimates


def char_em(ch: str) -> float:
    """Width of one character in ems (estimate)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in "il.,:;'|!()[] ":
        return 0.3
    if ch.isupper() or ch in "MW%@":
        return 0.68
    return 0.55


_TOKEN = re.compile(r"\s+|[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]+|.")


def lines_needed(text: str, width_emu: int, size_pt: float) -> int:
    """How many lines ``text`` wraps to in a box ``width_emu`` wide (greedy, per paragraph).

    A Chinese character may start a line anywhere; a run of Latin letters, digits and marks
    (``400G/800G``) moves to the next line whole, as renderers do.
    """
    # 8 % kept in hand: renderers add space where Chinese meets Latin text (LibreOffice's autospacing).
    capacity = width_emu / EMU_PER_PT / size_pt * 0.92  # ems per line
    total = 0
    for para in str(text).split("\n"):
        used, lines = 0.0, 1
        for token in _TOKEN.findall(para):
            w = sum(char_em(ch) for ch in token)
            if not token.isspace() and len(token) > 1 or char_em(token[0]) < 1.0:
                w += 0.25  # the gap a renderer puts around a Latin run between Chinese characters
            if used + w > capacity and used > 0:
                if token.isspace():
                    continue
                lines += 1
                used = 0.0
            while w > capacity:  # a run longer than a line breaks inside
                lines += 1
                w -= capacity
            used += w
        total += lines
    return total


def text_height(text: str, width_emu: int, size_pt: float, spacing: float = 1.2) -> int:
    return int(lines_needed(text, width_emu, size_pt) * size_pt * spacing * EMU_PER_PT)


# ---------------------------------------------------------------- fonts


def theme_ea_font(prs) -> tuple[str, str]:
    """(latin, East Asian) typefaces of the theme's minor font; 微软雅黑 when the theme names none."""
    try:
        part = prs.slide_master.part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
        minor = root.find(f".//{q('minorFont')}")
        latin = minor.find(q("latin")).get("typeface") or ""
        ea = minor.find(q("ea")).get("typeface") or ""
    except (KeyError, AttributeError, etree.XMLSyntaxError):
        latin, ea = "", ""
    return latin or "Arial", ea or FALLBACK_EA


def set_typefaces(rpr, latin: str, ea: str) -> None:
    """``a:latin`` and ``a:ea`` on a run's (or default run's) properties, in schema order."""
    for tag in ("latin", "ea", "cs"):
        for old in rpr.findall(q(tag)):
            rpr.remove(old)
    anchor = None
    for tag in ("sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst"):
        anchor = rpr.find(q(tag))
        if anchor is not None:
            break
    for tag, face in (("latin", latin), ("ea", ea)):
        el = etree.Element(q(tag))
        el.set("typeface", face)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            rpr.append(el)


class Deck:
    """A presentation being written: the template's layouts, sizes and fonts."""

    def __init__(self, template: Path) -> None:
        self.prs = Presentation(str(template))
        self._drop_slides()
        self.width, self.height = self.prs.slide_width, self.prs.slide_height
        self.latin, self.ea = theme_ea_font(self.prs)
        self.title_layout = self._layout(title=True)
        self.content_layout = self._layout(title=False)
        top = Inches(1.35)
        ph = self._placeholder(self.content_layout, (PP_PLACEHOLDER.TITLE,))
        if ph is not None and ph.top is not None and ph.height is not None:
            top = max(top, ph.top + ph.height + Inches(0.2))
        self.left, self.top = MARGIN, top
        self.area_w = self.width - 2 * MARGIN
        self.bottom = self.height - Inches(0.55)  # room for the footer line
        self.area_h = self.bottom - self.top

    # -- template

    def _drop_slides(self) -> None:
        """A template may carry example slides: the deck starts from its master and layouts only."""
        ids = self.prs.slides._sldIdLst
        for sld in list(ids):
            self.prs.part.drop_rel(sld.rId)
            ids.remove(sld)

    @staticmethod
    def _placeholder(layout, kinds):
        for ph in layout.placeholders:
            if ph.placeholder_format.type in kinds:
                return ph
        return None

    def _layout(self, *, title: bool):
        layouts = list(self.prs.slide_layouts)
        if title:
            for layout in layouts:
                if self._placeholder(layout, (PP_PLACEHOLDER.CENTER_TITLE,)) is not None:
                    return layout
        else:
            for name in ("Title Only", "仅标题"):
                for layout in layouts:
                    if layout.name == name:
                        return layout
            for layout in layouts:
                kinds = {ph.placeholder_format.type for ph in layout.placeholders}
                if PP_PLACEHOLDER.TITLE in kinds and not kinds & {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}:
                    return layout
        return layouts[0]

    # -- text

    def style(self, run, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
        set_typefaces(run._r.get_or_add_rPr(), self.latin, self.ea)

    def write(self, frame, paras: list[tuple[str, float, bool, RGBColor | None]], *, align=None, space: float = 0) -> None:
        """Replace a text frame's text with ``(text, size, bold, color)`` paragraphs."""
        frame.word_wrap = True
        for i, (text, size, bold, color) in enumerate(paras):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            if i == 0:
                for r in list(p.runs):
                    p._p.remove(r._r)
            if align is not None:
                p.alignment = align
            if space and i:
                p.space_before = Pt(space)
            run = p.add_run()
            run.text = text
            self.style(run, size, bold=bold, color=color)

    def textbox(self, slide, x, y, w, h, paras, *, align=None, anchor=MSO_ANCHOR.TOP, space: float = 0, fill=None):
        box = slide.shapes.add_textbox(x, y, w, h)
        tf = box.text_frame
        tf.vertical_anchor = anchor
        for side in ("margin_left", "margin_right"):
            setattr(tf, side, Inches(0.08))
        if fill is not None:
            box.fill.solid()
            box.fill.fore_color.rgb = fill
        self.write(tf, paras, align=align, space=space)
        return box

    # -- slides

    def new_slide(self, slide: Slide, *, opening: bool = False):
        layout = self.title_layout if opening else self.content_layout
        s = self.prs.slides.add_slide(layout)
        title = s.shapes.title
        if title is not None:
            size = 40 if opening else 28
            if not opening:
                while size > 20 and lines_needed(slide.title, title.width or self.area_w, size) > 1:
                    size -= 2
            else:
                while size > 28 and lines_needed(slide.title, title.width or self.area_w, size) > 2:
                    size -= 2
            self.write(title.text_frame, [(slide.title, size, True, None)])
        else:
            self.textbox(s, self.left, Inches(0.3), self.area_w, Inches(0.8), [(slide.title, 28, True, NAVY)])
        return s

    def footer(self, s, text: str) -> None:
        self.textbox(s, self.left, self.height - Inches(0.45), self.area_w, Inches(0.3), [(text, 10, False, MUTED)],
                     align=PP_ALIGN.RIGHT)

    def notes(self, s, text: str) -> None:
        frame = s.notes_slide.notes_text_frame
        self.write(frame, [(line, 12, False, None) for line in text.split("\n")])

    # -- charts

    def chart_fonts(self, chart, size: float) -> None:
        chart.font.size = Pt(size)
        rpr = chart._chartSpace.find(".//" + q("defRPr"))
        if rpr is not None:
            set_typefaces(rpr, self.latin, self.ea)

    def chart(self, s, kind, x, y, w, h, categories: list[str], series: list[tuple[str, list[Decimal | None]]],
              *, number_format: str = "General", title: str | None = None, font: float = 12,
              colors: list[RGBColor] | None = None, reverse: bool = False, legend: bool = False,
              headroom: bool = False):
        data = CategoryChartData(number_format=number_format)
        data.categories = categories
        for name, values in series:
            data.add_series(name, values, number_format)
        frame = s.shapes.add_chart(kind, x, y, w, h, data)
        chart = frame.chart
        self.chart_fonts(chart, font)
        chart.has_legend = legend
        if title:
            chart.has_title = True
            tf = chart.chart_title.text_frame
            self.write(tf, [(title, font + 2, True, NAVY)])
        else:
            chart.has_title = False
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(font)
        set_typefaces(labels._element.get_or_add_txPr().find(".//" + q("defRPr")), self.latin, self.ea)
        plot.gap_width = 60
        va = chart.value_axis
        va.has_major_gridlines = False
        va.visible = False
        values = [v for _, vals in series for v in vals if v is not None]
        if values and min(values) >= 0:
            va.minimum_scale = 0
            if headroom and max(values) > 0:
                va.maximum_scale = float(max(values)) * 1.3  # room for the value label above the bar
        ca = chart.category_axis
        ca.tick_labels.font.size = Pt(font)
        set_typefaces(ca._element.get_or_add_txPr().find(".//" + q("defRPr")), self.latin, self.ea)
        ca.has_major_gridlines = False
        if reverse:
            ca.reverse_order = True
        ser = plot.series[0]
        ser.format.fill.solid()
        ser.format.fill.fore_color.rgb = BLUE
        if colors:
            for i, c in enumerate(colors):
                pt = ser.points[i]
                pt.format.fill.solid()
                pt.format.fill.fore_color.rgb = c
        return chart

    # -- tables

    def table(self, s, x, y, widths: list[int], rows: list[list[str]], heights: list[int], *, size: float,
              header_size: float):
        shape = s.shapes.add_table(len(rows), len(widths), x, y, sum(widths), sum(heights))
        table = shape.table
        for i, w in enumerate(widths):
            table.columns[i].width = Emu(w)
        for r, h in enumerate(heights):
            table.rows[r].height = Emu(h)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.margin_left = cell.margin_right = Inches(0.06)
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                head = r == 0
                self.write(cell.text_frame, [(text, header_size if head else size, head, WHITE if head else DARK)])
                cell.fill.solid()
                cell.fill.fore_color.rgb = NAVY if head else (PALE if r % 2 == 0 else WHITE)
        return table

    # -- output

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


# ---------------------------------------------------------------- one function per slide kind


def draw_title(deck: Deck, slide: Slide):
    s = deck.new_slide(slide, opening=True)
    sub = next((ph for ph in s.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE), None)
    lines = [(t, 20 if i == 0 else 16, i == 0, None) for i, t in enumerate(slide.data["subtitle"])]
    if sub is not None:
        deck.write(sub.text_frame, lines, space=6)
    else:
        deck.textbox(s, deck.left, deck.height // 2 + Inches(0.6), deck.area_w, Inches(2), lines, space=6)
    return s


def draw_closing(deck: Deck, slide: Slide):
    s = deck.new_slide(slide, opening=True)
    lines = [(t, 20 if i == 0 else 16, i == 0, None) for i, t in enumerate(slide.data["lines"])]
    sub = next((ph for ph in s.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE), None)
    if sub is not None:
        deck.write(sub.text_frame, lines, space=6)
    else:
        deck.textbox(s, deck.left, deck.height // 2 + Inches(0.6), deck.area_w, Inches(2), lines, space=6)
    return s


def fact_row_height(label: str, value: str, label_w: int, value_w: int, size: float) -> int:
    text = max(text_height(label, label_w - Inches(0.12), size), text_height(value, value_w - Inches(0.12), size))
    return max(Inches(0.34), text + Inches(0.1))


def fact_table(deck: Deck, s, x, y, w, heading: str, name: str, rows: list[tuple[str, str]], size: float) -> int:
    """A heading line, a name line and label/value rows; returns the height used."""
    label_w = int(w * 0.34)
    value_w = w - label_w
    deck.textbox(s, x, y, w, Inches(0.4), [(heading, size + 2, True, ACCENT)])
    y2 = y + Inches(0.4)
    name_h = text_height(name, w - Inches(0.16), size + 2) + Inches(0.1)
    deck.textbox(s, x, y2, w, name_h, [(name, size + 2, True, NAVY)])
    y3 = y2 + name_h + Inches(0.05)
    heights = [fact_row_height(label, value, label_w, value_w, size) for label, value in rows]
    shape = s.shapes.add_table(len(rows), 2, x, y3, w, sum(heights))
    t = shape.table
    t.columns[0].width, t.columns[1].width = Emu(label_w), Emu(value_w)
    t.first_row = False
    t.horz_banding = False
    for r, ((label, value), h) in enumerate(zip(rows, heights)):
        t.rows[r].height = Emu(h)
        for c, text in enumerate((label, value)):
            cell = t.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            deck.write(cell.text_frame, [(text, size, c == 0, MUTED if c == 0 else DARK)])
            cell.fill.solid()
            cell.fill.fore_color.rgb = PALE if r % 2 == 0 else WHITE
    return y3 + sum(heights) - y


def draw_overview(deck: Deck, slide: Slide):
    s = deck.new_slide(slide)
    d = slide.data
    gap = Inches(0.4)
    col_w = (deck.area_w - gap) // 2
    for size in (14, 13, 12, 11, 10):
        summary_h = text_height(d["summary"], deck.area_w - Inches(0.3), size) + Inches(0.25)
        used = []
        # Dry run: heights only.
        for heading, name, rows in (("企业", d["enterprise_name"], d["enterprise"]), ("项目", d["project_name"], d["project"])):
            label_w = int(col_w * 0.34)
            h = Inches(0.45) + text_height(name, col_w - Inches(0.16), size + 2) + Inches(0.15)
            h += sum(fact_row_height(k, v, label_w, col_w - label_w, size) for k, v in rows)
            used.append(h)
        if max(used) + Inches(0.2) + summary_h <= deck.area_h:
            break
    h1 = fact_table(deck, s, deck.left, deck.top, col_w, "企业", d["enterprise_name"], d["enterprise"], size)
    h2 = fact_table(deck, s, deck.left + col_w + gap, deck.top, col_w, "项目", d["project_name"], d["project"], size)
    y = deck.top + max(h1, h2) + Inches(0.2)
    deck.textbox(s, deck.left, y, deck.area_w, summary_h, [(d["summary"], size, False, DARK)], fill=PALE,
                 anchor=MSO_ANCHOR.MIDDLE)
    return s


def draw_effects(deck: Deck, slide: Slide):
    s = deck.new_slide(slide)
    d = slide.data
    cap_h = Inches(0.45)
    names = [n for n, _ in d["points"]]
    values = [v for _, v in d["points"]]
    font = 14 if len(names) <= 8 else 12
    deck.chart(s, XL_CHART_TYPE.BAR_CLUSTERED, deck.left, deck.top, deck.area_w, deck.area_h - cap_h, names,
               [(d["series"], values)], number_format='0.00"%"', font=font, reverse=True)
    deck.textbox(s, deck.left, deck.bottom - cap_h, deck.area_w, cap_h, [(d["caption"], 11, False, MUTED)])
    return s


def draw_indicators(deck: Deck, slide: Slide):
    s = deck.new_slide(slide)
    charts = slide.data["charts"]
    rows = 1 if len(charts) <= 4 else 2
    cols = math.ceil(len(charts) / rows)
    gap = Inches(0.2)
    cell_w = (deck.area_w - gap * (cols - 1)) // cols
    cell_h = (deck.area_h - gap * (rows - 1)) // rows
    change_h = Inches(0.62)
    for i, c in enumerate(charts):
        x = deck.left + (i % cols) * (cell_w + gap)
        y = deck.top + (i // cols) * (cell_h + gap)
        title = c["name"] + (f"（{c['unit']}）" if c["unit"] else "")
        font = 11 if rows > 1 else 13
        deck.chart(s, XL_CHART_TYPE.COLUMN_CLUSTERED, x, y, cell_w, cell_h - change_h, c["categories"],
                   [(c["name"], c["values"])], title=title, font=font, colors=[GREY, BLUE], headroom=True)
        lines = [(c["change"], 15, True, ACCENT)]
        if c["points"]:
            lines.append((c["points"], 11, False, MUTED))
        deck.textbox(s, x, y + cell_h - change_h, cell_w, change_h, lines, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.TOP)
    if slide.data.get("caption"):
        deck.textbox(s, deck.left, deck.bottom, deck.area_w // 2, Inches(0.3), [(slide.data["caption"], 10, False, MUTED)])
    return s


def draw_investment(deck: Deck, slide: Slide):
    s = deck.new_slide(slide)
    d = slide.data
    head_h = text_height(d["headline"], deck.area_w - Inches(0.16), 16) + Inches(0.15)
    deck.textbox(s, deck.left, deck.top, deck.area_w, head_h, [(d["headline"], 16, True, NAVY)])
    y = deck.top + head_h + Inches(0.1)
    h = deck.bottom - y
    gap = Inches(0.3)
    left_w = (deck.area_w - gap) * 9 // 20
    right_w = deck.area_w - gap - left_w
    cats = [k for k, _ in d["by_category"]]
    deck.chart(s, XL_CHART_TYPE.BAR_CLUSTERED, deck.left, y, left_w, h, cats,
               [("计入投资（万元）", [v for _, v in d["by_category"]])], number_format="#,##0.00",
               title="按类别（万元）", font=12, reverse=True)
    if d["by_quarter"]:
        deck.chart(s, XL_CHART_TYPE.COLUMN_CLUSTERED, deck.left + left_w + gap, y, right_w, h,
                   [k.replace("年", "年\n", 1) for k, _ in d["by_quarter"]],
                   # A quarter with no investment shows its empty bar, not a "0.00" label (the empty
                   # third section of the format is the zero case).
                   [("计入投资（万元）", [v for _, v in d["by_quarter"]])], number_format="#,##0.00;-#,##0.00;",
                   title=f"按季度（万元，按{d['quarter_basis']}）", font=11 if len(d["by_quarter"]) > 6 else 12)
    return s


SCENARIO_COLS = (("环节", 0.10), ("场景", 0.15), ("建设内容", 0.37), ("应用系统", 0.19), ("应用装备", 0.19))
SCENARIO_SIZE = 10.5


def scenario_widths(deck: Deck) -> list[int]:
    widths = [int(deck.area_w * share) for _, share in SCENARIO_COLS]
    widths[-1] = deck.area_w - sum(widths[:-1])
    return widths


def scenario_row_height(item: dict[str, str], widths: list[int]) -> int:
    texts = (item["stage"], item["name"], item["description"], item["systems"], item["equipment"])
    return max(text_height(t, w - Inches(0.12), SCENARIO_SIZE) for t, w in zip(texts, widths)) + Inches(0.1)


def paginate_scenarios(deck: Deck, items: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    widths = scenario_widths(deck)
    room = deck.area_h - Inches(0.45)
    pages: list[list[dict[str, str]]] = [[]]
    used = 0
    for it in items:
        h = scenario_row_height(it, widths)
        if pages[-1] and used + h > room:
            pages.append([])
            used = 0
        pages[-1].append(it)
        used += h
    if len(pages) > 1:
        pages = balance(items, [scenario_row_height(it, widths) for it in items], len(pages), room)
    return pages


def balance(items: list, heights: list[int], n: int, room: int) -> list[list]:
    """Split ``items`` into at most ``n`` pages, in order, the fullest page as short as possible."""

    def pack(cap: float) -> list[list]:
        pages: list[list] = [[]]
        used = 0
        for it, h in zip(items, heights):
            if pages[-1] and used + h > cap:
                pages.append([])
                used = 0
            pages[-1].append(it)
            used += h
        return pages

    cap = max(max(heights), sum(heights) / n)
    while cap < room:
        pages = pack(cap)
        if len(pages) <= n:
            return pages
        cap *= 1.02
    return pack(room)


def draw_scenarios(deck: Deck, slide: Slide):
    s = deck.new_slide(slide)
    items = slide.data["rows"]
    widths = scenario_widths(deck)
    rows = [[name for name, _ in SCENARIO_COLS]]
    heights = [Inches(0.42)]
    for it in items:
        rows.append([it["stage"], it["name"], it["description"], it["systems"], it["equipment"]])
        heights.append(scenario_row_height(it, widths))
    table = deck.table(s, deck.left, deck.top, widths, rows, heights, size=SCENARIO_SIZE, header_size=11.5)
    # One stage cell per run of the same stage on this slide.
    start = 1
    for r in range(2, len(rows) + 1):
        if r == len(rows) or rows[r][0] != rows[start][0]:
            if r - 1 > start:
                for k in range(start + 1, r):
                    deck.write(table.cell(k, 0).text_frame, [("", SCENARIO_SIZE, False, None)])
                cell = table.cell(start, 0)
                cell.merge(table.cell(r - 1, 0))
                deck.write(cell.text_frame, [(rows[start][0], SCENARIO_SIZE, True, NAVY)])
            else:
                deck.write(table.cell(start, 0).text_frame, [(rows[start][0], SCENARIO_SIZE, True, NAVY)])
            start = r
    return s


def draw_photos(deck: Deck, slide: Slide):
    from PIL import Image

    s = deck.new_slide(slide)
    photos = slide.data["photos"]
    gap = Inches(0.25)
    n = len(photos)
    cell_w = (deck.area_w - gap * (n - 1)) // n
    cap_h = Inches(0.5)
    room_h = deck.area_h - cap_h
    for i, p in enumerate(photos):
        with Image.open(p["path"]) as im:
            w, h = im.size
        scale = min(cell_w / w, room_h / h)
        pw, ph = int(w * scale), int(h * scale)
        x = deck.left + i * (cell_w + gap) + (cell_w - pw) // 2
        y = deck.top + (room_h - ph) // 2
        s.shapes.add_picture(str(p["path"]), x, y, pw, ph)
        deck.textbox(s, deck.left + i * (cell_w + gap), y + ph + Inches(0.05), cell_w, cap_h,
                     [(p["caption"], 14, True, NAVY)], align=PP_ALIGN.CENTER)
    return s


def draw_features(deck: Deck, slide: Slide):
    s = deck.new_slide(slide)
    points = slide.data["points"]
    w = deck.area_w - Inches(0.16)
    for head, detail in ((22, 16), (20, 15), (18, 14), (16, 13), (15, 12), (14, 11), (12, 10)):
        total = sum(
            text_height(p["head"], w, head) + (text_height(p["detail"], w, detail, 1.3) if p["detail"] else 0)
            + Pt(head)
            for p in points
        )
        if total <= deck.area_h:
            break
    paras: list[tuple[str, float, bool, RGBColor | None]] = []
    for p in points:
        paras.append((p["head"], head, True, NAVY))
        if p["detail"]:
            paras.append((p["detail"], detail, False, MUTED))
    box = deck.textbox(s, deck.left, deck.top, deck.area_w, deck.area_h, [])
    tf = box.text_frame
    first = True
    for text, size, bold, color in paras:
        para = tf.paragraphs[0] if first else tf.add_paragraph()
        if not first and bold:
            para.space_before = Pt(head)
        if not bold:
            para.space_before = Pt(4)
            para.line_spacing = 1.1
        first = False
        run = para.add_run()
        run.text = text
        deck.style(run, size, bold=bold, color=color)
    return s


DRAW = {
    "title": draw_title,
    "overview": draw_overview,
    "effects": draw_effects,
    "indicators": draw_indicators,
    "investment": draw_investment,
    "scenarios": draw_scenarios,
    "photos": draw_photos,
    "features": draw_features,
    "closing": draw_closing,
}


def draw(deck: Deck, slides: list[Slide], notes: list[str], footer: str) -> None:
    for i, (slide, note) in enumerate(zip(slides, notes, strict=True)):
        s = DRAW[slide.kind](deck, slide)
        if slide.kind not in ("title", "closing"):
            deck.footer(s, f"{footer}　{i + 1}")
        deck.notes(s, note)


# ---------------------------------------------------------------- determinism


ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise(data: bytes, stamp: str = "2025-01-01T00:00:00Z") -> bytes:
    """Fixed zip times and document dates, in the package and in every embedded chart workbook
    (xlsxwriter stamps the time it wrote them), so the same input gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.endswith(".xlsx"):
                body = normalise(body, stamp)
            elif info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + stamp.encode() + m.group(3), body)
            out = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            out.create_system = 0
            dst.writestr(out, body, compresslevel=6)
    return buf.getvalue()

