"""The stamping guide (盖章指引): a short PDF telling whoever holds the seal what to do.

It is derived only from a :class:`~dossier.bind.manifest.VolumeManifest`: cover-seal place, seam
groups with their page ranges, simplex or duplex, copies, sheet count, the signing points a build
adds. The HTML report shows the same lines (:func:`guide_lines`).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.bind.draw import Canvas
from dossier.bind.geometry import A4_H, A4_W, MM
from dossier.bind.manifest import VolumeManifest
from dossier.util.atomic import write_bytes

if TYPE_CHECKING:
    from dossier.bind.fonts import FontSubset

_LEFT = 22 * MM
_RIGHT = A4_W - 22 * MM
_TOP = A4_H - 25 * MM
_BOTTOM = 22 * MM
_COLS = (0.0, 14 * MM, 60 * MM, 80 * MM, 106 * MM)
_STABLE_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("零一二三四五六七八九十–—")
_HEAD = ("组", "页码", "张数", "每张露出", "章中心距底边")  # 页码: printed at each page's foot, = PDF page


def seal_height_mm(center_y_pt: float) -> str:
    """章中心距底边 in whole millimetres from the manifest's figure (points to 0.01), rounded half up:
    the one conversion the guide PDF, the HTML report and the manifest share."""
    from decimal import ROUND_HALF_UP, Decimal

    mm = Decimal(str(round(center_y_pt, 2))) / Decimal(str(MM))
    return str(mm.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def guide_lines(manifest: VolumeManifest, *, copies: int | None = None) -> list[tuple[str, object]]:
    """The guide as a list of (kind, content): ``title``, ``h`` (heading), ``p`` (paragraph),
    ``row`` (table cells); figures as the manifest records them. ``copies``: how many copies the
    notice asks for; None takes the default programme's ``copies``."""
    if copies is None:
        from dossier.application.programme import default_binding

        copies = default_binding()[1]
    m = manifest
    labels = m.labels
    mode = "双面打印（沿长边翻转）" if m.duplex else "单面打印"
    items: list[tuple[str, object]] = [("title", "盖章指引")]
    items.append(("p", f"卷册：{m.volume}；共 {m.page_count} 页，{m.sheets} 张纸；{mode}；一式{_cn(copies)}份，每份都要盖章。"))
    items.append(("h", "一、打印"))
    items.append(("p", f"用 A4 纸{mode}，打印比例选“实际大小”（不要选“适合页面”或缩放），否则骑缝章的虚线位置会偏移。共需 {m.sheets * copies} 张纸（{copies} 份）。"))
    items.append(("h", "二、封面章"))
    if m.cover_seal:
        x0, y0, x1, y1 = m.cover_seal
        items.append(("p", f"在第 1 页（封面）“此处加盖企业公章”的虚线圆圈处盖企业公章：圆心距纸张左边 {(x0 + x1) / 2 / MM:.0f} 毫米、距下边 {(y0 + y1) / 2 / MM:.0f} 毫米。"))
    else:
        items.append(("p", "本卷没有封面，无需盖封面章。"))
    items.append(("h", f"三、骑缝章（共 {len(m.seal_groups)} 组，每组盖一枚完整的章）"))
    fronts = "每张纸的正面（奇数页）" if m.duplex else "每一页"
    items.append(("p", f"{fronts}右边缘都印有一段灰色虚线条（骑缝章位置）。按组把纸张按页码顺序叠齐、正面朝上，沿右边缘从上到下逐张向右错开“每张露出”的宽度，成扇形，使每张纸的虚线条都露出来；在虚线条的高度把章盖下去，让印章正好压在所有露出的虚线条上。每组一枚完整的章，各组高度不同。"))
    items.append(("row", _HEAD))
    for i, g in enumerate(m.seal_groups, 1):
        label = f"{labels[g.first_page - 1]}–{labels[g.last_page - 1]}" if g.first_page != g.last_page else labels[g.first_page - 1]
        items.append(("row", (str(i), label, str(g.sheets), f"{g.slice_width / MM:.1f} 毫米", f"{seal_height_mm(g.center_y)} 毫米")))
    points = m.signing_points
    if points:
        items.append(("h", "四、文书内的签字、盖章处（逐处签字盖章后再盖骑缝章）"))
        for point in points:
            pdf_page = "" if point.label == str(point.page) else f"PDF 第 {point.page} 页，"
            items.append(("p", f"第 {point.label} 页（{pdf_page}{point.document}）：{point.what}"))
    items.append(("h", "五、盖章以后" if points else "四、盖章以后"))
    items.append(("p", "逐张检查：每张纸右边缘都有红色印迹，封面章清楚完整。灰色虚线只是位置标记，不算盖章。然后把其中一份完整扫描为 PDF（盖章扫描件），按页码顺序，不要缺页。"))
    return items


def guide_chars(texts: Iterable[str] = ()) -> frozenset[str]:
    """Every character the guide prints in its own words (headings, sentences, the table's head:
    :func:`guide_lines` of manifests of every shape), with all digits and ASCII, plus those of
    ``texts``: what a guide quotes (the volume's file name, document titles, signing places). Added
    to the volume's font subset (:func:`dossier.bind.volume.volume_chars`), so that the guide
    can be set in it (:func:`render_guide`'s ``font``)."""
    return _own_chars() | frozenset("".join(texts))


@functools.cache
def _own_chars() -> frozenset[str]:
    from dossier.bind.manifest import PageEntry, SealGroupEntry, SigningPoint

    chars = set(_STABLE_CHARS)
    for duplex in (False, True):
        for seal in (None, (0.0, 0.0, 1.0, 1.0)):
            for points in ((), (SigningPoint(2, "2", "", ""), SigningPoint(3, "x", "", ""))):  # x: a label ≠ its page
                shape = VolumeManifest(
                    volume="", sha256="", page_count=3, sheets=2, duplex=duplex,
                    pages=(PageEntry(1, "1", cover_seal=seal), PageEntry(2, "2"), PageEntry(3, "3")), inputs=(),
                    seal_groups=(SealGroupEntry(1, 1, 1, 1.0, 1.0, 1), SealGroupEntry(2, 3, 1, 1.0, 1.0, 1)),
                    seal_diameter=1.0, signing_points=points,
                )
                for _kind, content in guide_lines(shape, copies=1):
                    chars |= set("".join(content) if isinstance(content, tuple) else str(content))
    return frozenset(chars)


def render_guide(manifest: VolumeManifest, *, copies: int | None = None, font: FontSubset | None = None) -> bytes:
    """The guide PDF's bytes: the same manifest, copies and ``font`` give the same bytes. ``font``: a
    subset to set it in when it was made for every character the guide prints (the volume's, with
    :func:`guide_chars`); otherwise the guide gets a subset of its own. Raises
    :class:`~dossier.util.errors.ToolError` when no CJK font can be found or embedded."""
    import pikepdf

    from dossier.bind.draw import FONT_RES
    from dossier.bind.fonts import embed, subset_font

    items = guide_lines(manifest, copies=copies)
    # The subset holds every digit and ASCII character whatever this guide prints, so that it
    # stays the same (and comes from the font cache) when only the figures change.
    chars: set[str] = set(_STABLE_CHARS)
    for _kind, content in items:
        chars |= set("".join(content) if isinstance(content, tuple) else str(content))
    if font is None or not chars <= font.wanted:
        font = subset_font(chars)
    pages = _lay_out(items, font)
    pdf = pikepdf.new()
    font_res = pdf.make_indirect(pikepdf.Dictionary({FONT_RES: embed(pdf, font)}))
    for canvas in pages:
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array([0, 0, A4_W, A4_H]),
            Resources=pikepdf.Dictionary(Font=font_res),
            Contents=pikepdf.Stream(pdf, canvas.bytes()),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("盖章指引"), Producer=pikepdf.String("dossier")))
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, compress_streams=True, min_version="1.7")
    return buf.getvalue()


def _lay_out(items: list[tuple[str, object]], font) -> list[Canvas]:
    """The guide's items drawn onto as many A4 pages as they take."""
    pages: list[Canvas] = []
    c: Canvas | None = None
    y = 0.0

    def new_page() -> None:
        nonlocal c, y
        c = Canvas(font)
        c.gray(fill=0)
        pages.append(c)
        y = _TOP

    new_page()
    for kind, content in items:
        assert c is not None
        if kind == "title":
            c.text(A4_W / 2, y - 10, str(content), 20, "center")
            y -= 44
        elif kind == "h":
            if y < _BOTTOM + 60:
                new_page()
            y -= 8
            c.text(_LEFT, y, str(content), 13)
            y -= 22
        elif kind == "p":
            for line in _wrap(font, str(content), 11, _RIGHT - _LEFT):
                if y < _BOTTOM:
                    new_page()
                c.text(_LEFT, y, line, 11)
                y -= 18
        elif kind == "row":
            if y < _BOTTOM:
                new_page()
            for x, cell in zip(_COLS, content):
                c.text(_LEFT + x, y, cell, 10.5)
            c.gray(stroke=0.7).line_style(0.4).line(_LEFT, y - 5, _RIGHT, y - 5)
            y -= 19
    return pages


def write_stamping_guide(manifest: VolumeManifest, out_pdf: str | Path, *, copies: int | None = None) -> Path:
    """Write the 盖章指引 for ``manifest`` to ``out_pdf`` atomically (replaced whole or left as
    it was); raises as :func:`render_guide`."""
    return write_bytes(out_pdf, render_guide(manifest, copies=copies))


def _wrap(font, text: str, size: float, width: float) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and font.width(cur + ch, size) > width:
            # keep closing punctuation on the line it closes
            if ch in "，。；：、）”":
                lines.append(cur + ch)
                cur = ""
                continue
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def _cn(n: int) -> str:
    return "零一二三四五六七八九十"[n] if 0 <= n <= 10 else str(n)
