"""Bookmarks (nested as the parts tree) and page labels: one number per page, 1, 2, … from the cover.

A reader, a reviewer and every message refer to a page by one number: the one printed at its foot
(the cover carries none, but counts as page 1), the viewer's page label, the TOC's, the manifest's,
the stamping guide's and the report's are all the page's position in the volume."""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem


@dataclass
class Mark:
    title: str
    page_index: int  # 0-based page of the output
    children: list[Mark] = field(default_factory=list)


def labels(cover_pages: int, toc_pages: int, body_pages: int) -> list[str]:
    """Printed/viewer label of every page: its position in the volume, from 1."""
    return [str(i + 1) for i in range(cover_pages + toc_pages + body_pages)]


def set_page_labels(pdf: pikepdf.Pdf, cover_pages: int, toc_pages: int) -> None:
    """Viewer page labels equal to the printed numbers (decimal from 1 on the first page)."""
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D, St=1)]))


def set_outline(pdf: pikepdf.Pdf, marks: list[Mark]) -> None:
    """Write ``marks`` as the outline, each opening its page whole (/Fit).

    The destinations are built here from one list of page objects: given a page number, pikepdf
    looks the page up with ``pdf.pages[n]``, whose cost grows with the page count, which made
    bookmarks × pages (bench_scale). The array is the one pikepdf would build: [page /Fit]."""
    objs = [page.obj for page in pdf.pages]

    def build(mark: Mark) -> OutlineItem:
        item = OutlineItem(mark.title, Array([objs[mark.page_index], Name.Fit]))
        item.children.extend(build(ch) for ch in mark.children)
        return item

    with pdf.open_outline() as outline:
        outline.root.extend(build(m) for m in marks)
