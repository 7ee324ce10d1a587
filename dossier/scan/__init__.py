"""Check the stamped scan (盖章扫描件) against the bound volume's manifest.

``scan_against(scan_pdf, manifest, volume_pdf=None) -> ScanReport``: the page count matches; each
page with a seam area shows red seal ink there (the grey printed placeholder does not count); the
cover shows its seal; blank and upside-down pages are flagged; the scan resolution is reported.
Pages are decoded one at a time and reduced to a few measures, so memory stays flat.

Finding codes (stable): ``S-PAGE-COUNT`` [error] counts differ (no volume to say which page);
``S-PAGE-MISSING`` [error] volume page absent from the scan (``page`` = volume page);
``S-PAGE-EXTRA`` [error] scan page matching no volume page; ``S-SEAM-MISSING`` [error] no seal ink
in a seam area; ``S-COVER-SEAL-MISSING`` [error]; ``S-PAGE-BLANK`` [error]; ``S-PAGE-UPSIDE-DOWN``
[error]; ``S-VOLUME-CHANGED`` [warning] the volume PDF no longer matches the manifest's hash;
``S-PAGE-ORIENTATION`` [error] landscape scan of a portrait page or the reverse;
``S-PAGE-GRAYSCALE`` [error] a page scanned without colour; ``S-RESOLUTION`` [info];
``S-RESOLUTION-LOW`` [warning] below 150 dpi; ``S-NO-VOLUME`` [info] no volume PDF to compare with.

Upside-down heuristic: a page whose seam (or cover) area has no ink while the same area turned
by 180° has it was fed upside down; when the volume PDF is at hand, every page is also compared
with its volume page both ways up. A page with neither a seam nor a volume to compare is not judged.
Unusable scans (not a PDF, encrypted, no pages, every page without colour) raise InputError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dossier.errors import InputError
from dossier.findings import Finding, Severity
from dossier.scan.align import align, similarity
from dossier.scan.ink import ink_fraction, red_area_mm2, red_grid, rotated_thumbnail, thumbnail
from dossier.scan.manifest import Manifest, PageSpec, Rect, load_manifest, parse_manifest
from dossier.scan.pages import PageImage, iter_pages, open_scan

BINDING_CLAUSE = "企业应将申报资料装订成册，盖封面章、骑缝章，一式七份。"

SEAM_MIN_MM2 = 2.0  # a 2 mm slice of a 42 mm seal crosses its ring twice: ≥ 4 mm² of ink
COVER_MIN_MM2 = 40.0  # a whole company seal is several hundred mm² of ink
BLANK_INK = 0.0003  # share of dark pixels below which a page is blank (≈ 14 mm² on A4)
LOW_DPI = 150
UPSIDE_MARGIN = 0.15  # how much better the turned thumbnail must match

__all__ = [
    "BINDING_CLAUSE", "SEAM_MIN_MM2", "Manifest", "PageResult", "ScanReport", "check_scan_files", "load_manifest", "parse_manifest",
    "scan_against",
]


@dataclass
class _Measure:
    number: int
    width_pt: float
    height_pt: float
    dpi: float | None
    grayscale: bool
    ink: float
    grid: np.ndarray
    thumb: np.ndarray
    thumb_rot: np.ndarray


@dataclass(frozen=True)
class PageResult:
    scan_page: int | None
    volume_page: int | None
    dpi: float | None = None
    seam_ink_mm2: float | None = None
    cover_ink_mm2: float | None = None
    blank: bool = False
    upside_down: bool = False


@dataclass(frozen=True)
class ScanReport:
    file: str
    scan_pages: int
    volume_pages: int
    dpi_min: float | None
    dpi_max: float | None
    pages: tuple[PageResult, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "scan_pages": self.scan_pages,
            "volume_pages": self.volume_pages,
            "dpi_min": self.dpi_min,
            "dpi_max": self.dpi_max,
            "pages": [asdict(p) for p in self.pages],
            "findings": [f.to_dict() for f in self.findings],
        }


def _measure(page: PageImage) -> _Measure:
    im = page.image
    return _Measure(
        page.number,
        page.width_pt,
        page.height_pt,
        round(page.source_dpi) if page.source_dpi else None,
        page.grayscale,
        ink_fraction(im),
        red_grid(im, page.width_pt, page.height_pt),
        thumbnail(im),
        rotated_thumbnail(im),
    )


class _Out:
    def __init__(self, file: str, clause: str) -> None:
        self.file, self.clause, self.findings = file, clause, []

    def add(self, code: str, severity: Severity, message: str, page: int | None = None) -> None:
        self.findings.append(Finding(code, severity, message, file=self.file, page=page, rule=self.clause))


def scan_against(
    scan_pdf: str | Path,
    manifest: Mapping[str, Any] | Manifest,
    *,
    volume_pdf: str | Path | None = None,
    clause: str = BINDING_CLAUSE,
) -> ScanReport:
    """Check a stamped scan page by page against the volume manifest (see module docstring).

    ``volume_pdf`` (the bound PDF) lets a missing or extra page be named and upside-down pages be
    found on pages without a seam. Never modifies its inputs.
    """
    spec = manifest if isinstance(manifest, Manifest) else parse_manifest(manifest)
    scan_pdf = Path(scan_pdf)
    out = _Out(str(scan_pdf), clause)

    pdf = open_scan(scan_pdf)
    with pdf:
        if len(pdf.pages) == 0:
            raise InputError("扫描件没有任何页面", file=scan_pdf)
        measures = [_measure(p) for p in iter_pages(scan_pdf, pdf)]
    if all(m.grayscale for m in measures):
        raise InputError(
            "扫描件是黑白/灰度的，看不出红色印章",
            file=scan_pdf,
            hint="请在扫描仪上选择“彩色”模式重新扫描（150–300 dpi）",
        )

    vol_thumbs, vol_inks = None, None
    if volume_pdf is None:
        out.add("S-NO-VOLUME", "info", "未提供成册 PDF：只按清单检查；页数不符时无法指出缺少的是哪一页。")
    else:
        from dossier.scan.volume import volume_thumbnails

        vol_thumbs, vol_inks = volume_thumbnails(Path(volume_pdf))
        if len(vol_thumbs) != spec.page_count:
            raise InputError(
                f"成册 PDF 有 {len(vol_thumbs)} 页，清单却写 {spec.page_count} 页",
                file=volume_pdf,
                hint="成册 PDF 和清单应来自同一次 dossier bind",
            )

    pairs = _pair(measures, spec, vol_thumbs, out)
    results = [_check_page(sm, spec.page(vp), spec, vol_thumbs, vol_inks, out) for sm, vp in pairs]
    _resolution(measures, out)
    dpis = [m.dpi for m in measures if m.dpi]
    return ScanReport(
        str(scan_pdf),
        len(measures),
        spec.page_count,
        min(dpis) if dpis else None,
        max(dpis) if dpis else None,
        tuple(results),
        tuple(out.findings),
    )


def _pair(measures, spec: Manifest, vol_thumbs, out: _Out) -> list[tuple[_Measure | None, int | None]]:
    m, n = len(measures), spec.page_count
    if m == n:
        return [(measures[i], i + 1) for i in range(n)]
    if vol_thumbs is None:
        out.add(
            "S-PAGE-COUNT",
            "error",
            f"扫描件有 {m} 页，成册 PDF 应为 {n} 页（{'少' if m < n else '多'} {abs(m - n)} 页）；"
            "未提供成册 PDF，无法判断是哪一页，以下逐页结果按顺序对应，可能错位。",
        )
        return [(measures[i], i + 1) for i in range(min(m, n))]
    sim = similarity(
        [x.thumb for x in measures], [x.thumb_rot for x in measures], vol_thumbs, [x.ink < BLANK_INK for x in measures]
    )
    pairs = align(sim)
    result: list[tuple[_Measure | None, int | None]] = []
    for si, vj in pairs:
        if si is None:
            out.add("S-PAGE-MISSING", "error", f"扫描件缺少成册第 {vj + 1} 页；请补扫这一页并放回原位置。", page=vj + 1)
        elif vj is None:
            out.add(
                "S-PAGE-EXTRA",
                "error",
                f"扫描件第 {si + 1} 页与成册 PDF 的任何一页都对不上（重复扫描或多余的页）。",
                page=si + 1,
            )
        result.append((measures[si] if si is not None else None, vj + 1 if vj is not None else None))
    return [p for p in result if p[0] is not None and p[1] is not None]


def _where(scan: int, volume: int) -> str:
    return f"扫描件第 {scan} 页" if scan == volume else f"扫描件第 {scan} 页（成册第 {volume} 页）"


def _check_page(m: _Measure, page: PageSpec, spec: Manifest, vol_thumbs, vol_inks, out: _Out) -> PageResult:
    where = _where(m.number, page.number)
    portrait_scan, portrait_page = m.height_pt >= m.width_pt, page.height >= page.width
    if portrait_scan != portrait_page:
        out.add("S-PAGE-ORIENTATION", "error", f"{where}方向不对（横竖颠倒了 90°）；请旋转后重新导出。", m.number)
        return PageResult(m.number, page.number, m.dpi)

    # A page blank in the volume too (a blank page of an evidence PDF) is not a scanning fault.
    blank_in_volume = page.blank or (vol_inks is not None and vol_inks[page.number - 1] < 3 * BLANK_INK)
    blank = m.ink < BLANK_INK and not blank_in_volume
    if blank:
        out.add("S-PAGE-BLANK", "error", f"{where}是空白页（可能漏扫了正面或多扫了背面）；请检查后补扫。", m.number)

    upside_down = False
    seam_ink = None
    if page.seams:
        if m.grayscale:
            out.add("S-PAGE-GRAYSCALE", "error", f"{where}是黑白扫描，看不出骑缝章；请用彩色模式重扫这一页。", m.number)
        else:
            seam_ink = min(red_area_mm2(m.grid, r, m.width_pt, m.height_pt) for r in page.seams)
            if seam_ink < SEAM_MIN_MM2:
                if _turned_has_ink(m, page.seams, SEAM_MIN_MM2):
                    upside_down = True
                else:
                    out.add(
                        "S-SEAM-MISSING",
                        "error",
                        f"{where}的骑缝章位置没有红色印迹（只有印好的虚线框不算）；请在这一页补盖骑缝章后重扫。",
                        m.number,
                    )

    cover_ink = None
    if spec.cover_seal is not None and spec.cover_page == page.number and not m.grayscale:
        cover_ink = red_area_mm2(m.grid, spec.cover_seal, m.width_pt, m.height_pt)
        if cover_ink < COVER_MIN_MM2:
            if _turned_has_ink(m, (spec.cover_seal,), COVER_MIN_MM2):
                upside_down = True
            else:
                out.add("S-COVER-SEAL-MISSING", "error", f"{where}（封面）没有看到封面章；请加盖企业公章后重扫。", m.number)

    if not upside_down and vol_thumbs is not None and m.ink >= BLANK_INK:
        target = vol_thumbs[page.number - 1]
        upright, turned = float(m.thumb @ target), float(m.thumb_rot @ target)
        upside_down = turned > upright + UPSIDE_MARGIN
    if upside_down:
        out.add("S-PAGE-UPSIDE-DOWN", "error", f"{where}上下颠倒；请在扫描软件中旋转 180° 后重新导出。", m.number)
    return PageResult(m.number, page.number, m.dpi, _r(seam_ink), _r(cover_ink), blank, upside_down)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def _turned_has_ink(m: _Measure, rects: tuple[Rect, ...], threshold: float) -> bool:
    return all(
        red_area_mm2(m.grid, r.rotated_180(m.width_pt, m.height_pt), m.width_pt, m.height_pt) >= threshold for r in rects
    )


def _resolution(measures: list[_Measure], out: _Out) -> None:
    dpis = [m.dpi for m in measures if m.dpi]
    if not dpis:
        out.add("S-RESOLUTION", "info", "扫描件页面不是单张扫描图像，无法给出扫描分辨率。")
        return
    lo, hi = min(dpis), max(dpis)
    text = f"{lo} dpi" if lo == hi else f"{lo}–{hi} dpi"
    out.add("S-RESOLUTION", "info", f"扫描分辨率 {text}，共 {len(measures)} 页。")
    low = [m.number for m in measures if m.dpi and m.dpi < LOW_DPI]
    if low:
        out.add(
            "S-RESOLUTION-LOW",
            "warning",
            f"第 {_pages(low)} 页扫描分辨率低于 {LOW_DPI} dpi，印章和小字可能看不清；建议用 200–300 dpi 重扫。",
        )


def _pages(numbers: list[int]) -> str:
    from dossier.formats import page_ranges

    return page_ranges(numbers)


def check_scan_files(scan_pdf: str | Path, manifest_json: str | Path, *, volume_pdf: str | Path | None = None) -> ScanReport:
    """``dossier scan``: read the manifest file, find the volume PDF beside it, run :func:`scan_against`.

    Without ``volume_pdf``, the manifest's ``volume`` (relative to the manifest) is used if present
    and, when the manifest records its ``sha256``, unchanged since binding.
    """
    manifest_json = Path(manifest_json)
    data = load_manifest(manifest_json)
    try:
        spec = parse_manifest(data)
    except InputError as exc:
        if exc.file is not None:
            raise
        raise InputError(exc.message, file=manifest_json, line=exc.line, page=exc.page, hint=exc.hint) from None
    extra: list[Finding] = []
    if volume_pdf is None and spec.volume:
        candidate = manifest_json.parent / Path(spec.volume).name
        if candidate.is_file():
            if data.get("sha256") and _sha256(candidate) != data["sha256"]:
                extra.append(
                    Finding(
                        "S-VOLUME-CHANGED",
                        "warning",
                        f"{candidate.name} 在生成清单之后被改动过，未用它逐页比对；请重新运行 dossier bind。",
                        file=str(candidate),
                    )
                )
            else:
                volume_pdf = candidate
    report = scan_against(scan_pdf, spec, volume_pdf=volume_pdf)
    if extra:
        report = ScanReport(
            report.file, report.scan_pages, report.volume_pages, report.dpi_min, report.dpi_max, report.pages,
            (*extra, *report.findings),
        )
    return report


def _sha256(path: Path) -> str:
    from dossier.cache import file_digest

    return file_digest(path)
