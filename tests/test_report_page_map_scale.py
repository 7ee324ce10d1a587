"""The report's page map costs time in proportion to the volume's pages: each page finds its section
in one pass over the sections' ranges, not by searching every section (a manifest without a
``sections`` list has one section per source file, so the search made 3,000 pages of 600 files
cost up to 1.8 million comparisons). Counted in executed lines of dossier/html_report/volume.py, which are
the same on every machine; the timings are bench/bench_scale.py's."""

from __future__ import annotations

import sys

from dossier.bind.manifest import PageEntry, SealGroupEntry, SectionEntry, VolumeManifest
from dossier.html_report import volume
from dossier.html_report.volume import FRONT, page_map


def _manifest(pages: int, per_file: int = 2, sections: list[dict] | None = None) -> VolumeManifest:
    return VolumeManifest(
        volume="vol.pdf", sha256="0" * 64, page_count=pages, sheets=pages, duplex=False,
        pages=tuple(
            PageEntry(number=n, label=str(n), source=f"evidence/{(n - 1) // per_file:04d}.pdf", source_page=(n - 1) % per_file + 1)
            for n in range(1, pages + 1)
        ),
        inputs=(),
        seal_groups=(SealGroupEntry(first_page=1, last_page=pages, sheets=pages, slice_width=5.0, center_y=400.0, center_mm=141),),
        seal_diameter=113.4,
        sections=tuple(SectionEntry(**s) for s in sections or ()),
    )


def _lines_run(manifest: VolumeManifest) -> int:
    """Line events executed inside dossier/html_report/volume.py while building the page map."""
    count = 0
    here = volume.__file__

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != here:
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        page_map(manifest)
    finally:
        sys.settrace(previous)
    return count


def test_page_map_work_grows_linearly_with_pages_and_files():
    small, large = _lines_run(_manifest(400)), _lines_run(_manifest(1600))  # 200 and 800 source files
    assert large <= small * 4 * 1.1, (small, large)  # four times the pages: about four times the lines, not sixteen


def test_each_page_takes_the_colour_of_the_first_section_covering_it():
    given = [
        {"title": "封面与目录", "first_page": 1, "last_page": 2},
        {"title": "一、申请报告", "first_page": 3, "last_page": 5},
        {"title": "二、附件", "first_page": 5, "last_page": 8},  # overlaps page 5: the first section keeps it
        {"title": "三、越界", "first_page": 9, "last_page": 10**9},  # past the last page: no work beyond it
    ]
    pm = page_map(_manifest(10, sections=given))
    boxes = {b.number: b for g in pm.groups for b in g.pages}
    colour = {s.title: s.colour for s in pm.sections}
    assert colour["封面与目录"] == FRONT
    assert [boxes[n].colour for n in range(1, 11)] == (
        [FRONT] * 2 + [colour["一、申请报告"]] * 3 + [colour["二、附件"]] * 3 + [colour["三、越界"]] * 2
    )


def test_without_sections_every_source_file_is_its_own_section():
    pm = page_map(_manifest(6, per_file=2))
    assert [(s.title, s.first, s.last) for s in pm.sections] == [
        ("evidence/0000.pdf", 1, 2), ("evidence/0001.pdf", 3, 4), ("evidence/0002.pdf", 5, 6)
    ]
    boxes = [b for g in pm.groups for b in g.pages]
    assert [b.colour for b in boxes] == [s.colour for s in pm.sections for _ in range(2)]
