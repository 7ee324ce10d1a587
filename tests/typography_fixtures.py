"""A stress document for Chinese typography, and a PDF check for stretched lines.

The stress document uses the built-in templates' styles and settings (it starts from one of them),
so it is set exactly as the dossier's documents are. It puts each of 、。，；：？！“”‘’（）《》【】— at
every position of a line: in body text the mark comes after every 13 characters of text, and a body
line holds 27 characters, so over 27 marks it visits each column (14 and 27 share no factor); in
table cells of four widths (4, 7, 13 and 14 characters a line) the mark comes every 5 characters.
Paragraphs that mix Latin words and numbers into Chinese text (as the samples do) follow, each at
several starting offsets, with the line-break opportunities that rendering adds to every value.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from dossier.documents.render import break_opportunities

REPO = Path(__file__).resolve().parents[1]
MARKS = "、。，；：？！“”‘’（）《》【】—"
FILLER = "智能工厂建设数据采集质量追溯设备联网排产优化能源管理产线仓储物流研发设计"
MIXED = (
    "4. 系统集成：建成MES/APS、PLM、WMS、QMS、EMS和工业互联网平台，实现ERP、PLM、MES、WMS、QMS之间数据贯通。",
    "公司主营高速光模块和100G/200G/400G/800G数据中心光模块、25G/50G DFB激光器TO封装器件，现有员工1,260人。",
    "新增设备中国产设备占比超过85%，APS排产使订单准时交付率由88.6%提高到97.2%，OEE达到80%以上。",
    "碳酸亚乙烯酯（VC）、氟代碳酸乙烯酯（FEC）等添加剂采用DCS与SIS联锁控制，单位产品碳排放0.218吨CO2/吨。",
)
CELL_WIDTHS_MM = (18, 30, 52, 56)  # 4, 7, 13 and 14 characters of 10.5 pt a line


def filler(n: int, start: int = 0) -> str:
    return "".join(FILLER[(start + i) % len(FILLER)] for i in range(n))


def drifting(mark: str, period: int, count: int) -> str:
    """``count`` marks, each after ``period`` characters of text."""
    return "".join(filler(period, k * period) + mark for k in range(count))


def stress_docx(path: Path, base: str = "authenticity_pledge") -> Path:
    doc = Document(str(REPO / "templates" / f"{base}.docx"))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for part in (doc.sections[0].header, doc.sections[0].footer):
        for p in part.paragraphs:
            if "{%" in p.text:
                for r in p.runs:
                    r.text = ""
    doc.add_paragraph("标点压力测试", style="公文标题")
    for mark in MARKS:
        doc.add_paragraph(drifting(mark, 13, 28), style="公文正文")
    for offset in range(0, 27, 3):
        for text in MIXED:
            doc.add_paragraph(break_opportunities(filler(offset) + text), style="公文正文")  # as rendering does
    table = doc.add_table(rows=0, cols=len(CELL_WIDTHS_MM))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER  # the cells' text starts inside the margin, as in the templates
    table.autofit = False
    for mark in MARKS:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # as in the templates
        cells = row.cells
        for cell, width in zip(cells, CELL_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            cell.paragraphs[0].style = doc.styles["表格文字"]
            cell.paragraphs[0].add_run(drifting(mark, 4, 14))
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), CELL_WIDTHS_MM, strict=True):
        col.set(qn("w:w"), str(int(width / 25.4 * 1440)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    doc.save(str(path))
    return path


@dataclass(frozen=True)
class Gap:
    page: int
    line: str
    em: float  # the widest gap between adjacent words of the line, in ems


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201d\u2014]+")


def wide_gaps(pdf: Path, limit: float = 1.0, left_mm: float = 28.0, right_mm: float = 26.0) -> list[Gap]:
    """Lines of running text whose adjacent words lie more than ``limit`` em apart (stretched lines).

    Words and their boxes come from poppler (``pdftotext -bbox``), which starts a new word at a
    visible gap; words with the same top form a line. Running text is a line that starts at the left
    margin (``left_mm``) or at the first-line indent of two characters after it and reaches the right
    margin (``right_mm``): a justified line. Table cells start inside their cell's padding, and lines
    set flush left with spaces in them (填报单位……　　　　填报日期……) end short of the margin. The em of a line is the advance of its
    full-width characters. The last line of a justified paragraph is set flush left, so its gaps
    stay small and need no exception.
    """
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    left = left_mm / 25.4 * 72
    found = []
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        right = float(re.match(r'width="([\d.]+)"', page).group(1)) - right_mm / 25.4 * 72
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for x0, y0, x1, _, text in _WORD.findall(page):
            lines.setdefault(round(float(y0), 1), []).append((float(x0), float(x1), text))
        for words in lines.values():
            words.sort()
            ems = [(x1 - x0) / len(t) for x0, x1, t in words if t and _CJK.fullmatch(t)]
            if len(words) < 2 or not ems:
                continue
            em = max(ems)
            if min(abs(words[0][0] - left), abs(words[0][0] - left - 2 * em)) > 1.0 or words[-1][1] < right - em:
                continue
            widest = max(b[0] - a[1] for a, b in zip(words, words[1:]))
            if widest > limit * em:
                found.append(Gap(number, " ".join(t for _, _, t in words), round(widest / em, 2)))
    return found
