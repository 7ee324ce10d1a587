"""Bookmarks (nested as the parts tree) and page labels (封面, i, ii, 1, 2, …)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem


@dataclass
class Mark:
    title: str
    page_index: int  # 0-based page of the output
    children: list[Mark] = field(default_factory=list)


def roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += sym
            n -= value
    return out


def labels(cover_pages: int, toc_pages: int, body_pages: int) -> list[str]:
    """Printed/viewer label of every page: 封面, then i, ii … for the TOC, then 1, 2 …"""
    out = ["封面"] * min(cover_pages, 1)
    out += [roman(i + 1) for i in range(toc_pages)]
    out += [str(i + 1) for i in range(body_pages)]
    return out


def set_page_labels(pdf: pikepdf.Pdf, cover_pages: int, toc_pages: int) -> None:
    nums = Array()
    start = 0
    if cover_pages:
        nums.extend([0, Dictionary(P=pikepdf.String("封面"))])
        start = 1
    if toc_pages:
        nums.extend([start, Dictionary(S=Name.r)])
        start += toc_pages
    nums.extend([start, Dictionary(S=Name.D, St=1)])
    pdf.Root.PageLabels = Dictionary(Nums=nums)


def set_outline(pdf: pikepdf.Pdf, marks: list[Mark]) -> None:
    def build(mark: Mark) -> OutlineItem:
        item = OutlineItem(mark.title, mark.page_index)
        item.children.extend(build(ch) for ch in mark.children)
        return item

    with pdf.open_outline() as outline:
        outline.root.extend(build(m) for m in marks)
