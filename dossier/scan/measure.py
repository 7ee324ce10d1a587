"""Decode each scan page once, at reduced size, and keep only its 1 mm cells (:mod:`.ink`).

A 200 dpi colour A4 page is a 1654×2339 JPEG: decoded in draft mode at half size (the JPEG
decoder skips the finest DCT coefficients: 4× fewer pixels, a third of the time) it is still
100 dpi, where a 1 mm ring of seal ink is 4 pixels wide. Pages are spread over two worker
processes when there are many (the decoding is CPU-bound and releases no lock).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

from dossier.scan.ink import PageCells, is_blank, page_cells
from dossier.scan.pages import _displayed_size, _extract, _render, open_scan
from dossier.util.errors import InputError

PARALLEL_FROM = 24  # pages; below this, starting worker processes costs more than it saves
CHUNK = 12
WORKERS = 2


@dataclass
class PageMeasure:
    number: int
    width_pt: float
    height_pt: float
    dpi: float | None
    cells: PageCells
    blank: bool
    rendered: bool


def _single_image(page: pikepdf.Page) -> bool:
    getter = getattr(page, "get_images", None)
    try:
        images = (getter(recursive=False) if getter else page.images)
        return len(images) == 1
    except (pikepdf.PdfError, ValueError, TypeError, KeyError):
        return False


def scanned_image_pages(path: Path) -> tuple[int, int]:
    """(pages holding exactly one image, all pages), without decoding anything."""
    with open_scan(path) as pdf:
        return sum(1 for p in pdf.pages if _single_image(p)), len(pdf.pages)


def _measure_range(path: str, first: int, last: int) -> list[PageMeasure]:
    path_ = Path(path)
    out = []
    with open_scan(path_) as pdf:
        for number in range(first, last + 1):
            page = pdf.pages[number - 1]
            w_pt, h_pt, rotate = _displayed_size(page, path_, number)
            try:
                got = _extract(page, rotate, w_pt, h_pt)
            except Image.DecompressionBombError as exc:
                raise InputError(
                    f"扫描件第 {number} 页的图片像素过多（{exc}），疑似解压炸弹，拒绝处理",
                    file=path_, page=number, hint="请用 150–300 dpi 重新扫描",
                ) from None
            except (pikepdf.PdfError, OSError, ValueError, NotImplementedError, TypeError, KeyError, ZeroDivisionError):
                got = None
            if got is not None:
                im, dpi = got
                rendered = False
            else:
                im, dpi, rendered = _render(path_, number), None, True
            cells = page_cells(im, w_pt, h_pt)
            out.append(PageMeasure(number, w_pt, h_pt, round(dpi) if dpi else None, cells, is_blank(cells), rendered))
    return out


def measure_pages(path: Path, progress: Callable[[str, int, int], None] | None = None) -> list[PageMeasure]:
    """Every page of the scan measured, in order; ``progress("读取扫描页", done, total)`` as they come."""
    with open_scan(path) as pdf:
        total = len(pdf.pages)
    step = "读取扫描页"
    if progress:
        progress(step, 0, total)
    chunks = [(c, min(total, c + CHUNK - 1)) for c in range(1, total + 1, CHUNK)]
    workers = min(WORKERS, os.cpu_count() or 1)
    results: list[PageMeasure] = []
    if total < PARALLEL_FROM or workers < 2:
        for first, last in chunks:
            results.extend(_measure_range(str(path), first, last))
            if progress:
                progress(step, last, total)
        return results
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_measure_range, str(path), first, last) for first, last in chunks]
            done = 0
            for fut in futures:
                part = fut.result()
                results.extend(part)
                done += len(part)
                if progress:
                    progress(step, done, total)
        return results
    except BrokenProcessPool:
        # Workers could not start (e.g. a caller whose main module cannot be re-imported): read here.
        results = []
        for first, last in chunks:
            results.extend(_measure_range(str(path), first, last))
            if progress:
                progress(step, last, total)
        return results
