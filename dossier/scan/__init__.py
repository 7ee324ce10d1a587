"""Check the stamped scan (盖章扫描件) against the bound volume and its manifest.

``scan_against(scan_pdf, manifest, volume_pdf=None, progress=None) -> ScanReport``. Each scan
page is decoded once at reduced size (JPEG draft mode) and reduced to 1 mm cells of seal ink and
print (:mod:`dossier.scan.ink`); then, with the volume PDF at hand:

- **identity**: every scan page is matched to its volume page by content (:mod:`.align`), so a
  missing, extra, duplicated, swapped or misplaced page is named by its real numbers;
- **registration**: each page is registered to its volume page (:mod:`.register`) before its seal
  areas are looked at, so skew, offset and a printer's scaling do not move them out of view;
- **seams**: seal ink in the page's slice area, from the slice's inner edge to the sheet's edge
  (the seal is on the paper's edge even when the print was shrunk), at least ``seam_min_mm2``;
- whole-scan verdicts with ONE message each: the volume PDF itself given as the scan, a scan
  without colour (grey, even stored as RGB), an unstamped print, a duplex scan's blank backs.

Finding codes (stable): ``S-PAGE-COUNT`` [error] counts differ (no volume to say which page);
``S-PAGE-MISSING`` [error] volume page absent (``page`` = volume page); ``S-PAGE-EXTRA`` [error]
scan page like no volume page; ``S-PAGE-DUPLICATE`` [error] a sheet scanned twice;
``S-PAGE-ORDER`` [error] pages swapped or out of place; ``S-SEAM-MISSING`` [error];
``S-COVER-SEAL-MISSING`` [error]; ``S-NOT-STAMPED`` [error] no seal ink anywhere (one finding for
the whole scan); ``S-PAGE-BLANK`` [error]; ``S-DUPLEX-BACKS`` [info] blank backs of a duplex scan
ignored; ``S-PAGE-UPSIDE-DOWN`` [error]; ``S-PAGE-GRAYSCALE`` [error] one page scanned without colour in
a colour scan; ``S-PAGE-ORIENTATION`` [error] landscape for portrait or
the reverse; ``S-VOLUME-CHANGED`` [warning]; ``S-RESOLUTION`` [info]; ``S-RESOLUTION-LOW``
[warning] below 150 dpi; ``S-NO-VOLUME`` [info] no volume PDF to compare with.
Unusable scans (not a PDF, encrypted, no pages, no scanned image at all, no colour) raise
:class:`InputError` with one message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


from dossier.bind.manifest import VolumeManifest, read_manifest_json
from dossier.scan.align import Matching, fingerprint, match, refine, similarity
from dossier.scan.ink import MM_PER_PT, PageCells, printed_mm2, red_mm2
from dossier.scan.manifest import Manifest, PageSpec, SealRect, parse_manifest
from dossier.scan.measure import PageMeasure, measure_pages, scanned_image_pages
from dossier.scan.register import Transform, register
from dossier.util.errors import InputError
from dossier.util.findings import Finding, Severity

# The 2025 notice's sentence: cited when the manifest does not carry its programme's own (a manifest of
# `dossier bind`, or of a build older than the programme wording in manifest.json).
BINDING_CLAUSE = "企业应将申报资料装订成册，盖封面章、骑缝章，一式七份。"

# A company seal's outer ring is at least RING_MM wide (GA 241: 1.0–1.5 mm; 0.8 allows for a
# light press). A slice of width w crosses the ring twice, so it carries ≥ 2·w·RING_MM of ink.
# A quarter of that is required (SEAM_SHARE): a hand-fanned sheet may expose only 75 % of its
# slice, faded ink or a light press reads as half coverage, and an uneven press may leave one of
# the two crossings without ink. A 2 mm slice: 0.8 mm². Print without seal ink reads below 0.2 mm²
# there (the grey placeholder's colour fringes), see tests/test_scan_realistic.py.
RING_MM = 0.8
SEAM_SHARE = 0.25
COVER_MIN_MM2 = 40.0  # a whole seal's ring alone is π·42·1 ≈ 130 mm² of ink
# Where to look around a registered slice: the hand aims the seal at the printed placeholder and
# lands within a few mm vertically (SLACK_Y_MM); registration is good to about 1.5 mm
# (SLACK_X_MM inwards; outwards the window always reaches the sheet's edge). A page registered by a
# shift alone (one block of print) may be off by a printer's scaling at the page edge (3 % of
# 100 mm), an unregistered page by the placement error itself: both get UNREGISTERED_MM more.
SLACK_X_MM = 2.0
SLACK_Y_MM = 6.0
UNREGISTERED_MM = 8.0
LOW_DPI = 150
# A page number and the printed seam placeholder alone print 30–60 mm² of dark cells; one
# paragraph prints several hundred. Below SPARSE_MM2 a page cannot be told from other near-empty
# pages by content, so it is matched by its position.
SPARSE_MM2 = 100
GREY_CHROMA = 4.0  # colour spread (levels) of the most colourful 1 % of a page; grey scans: 0–2
Progress = Callable[[str, int, int], None]

__all__ = [
    "BINDING_CLAUSE", "Manifest", "PageResult", "ScanReport", "check_scan_files",
    "parse_manifest", "scan_against", "seam_min_mm2",
]


def seam_min_mm2(rect: SealRect) -> float:
    """Least seal ink (mm²) that shows a slice of width ``rect`` was stamped (see above)."""
    return SEAM_SHARE * 2 * (rect.x1 - rect.x0) * MM_PER_PT * RING_MM


@dataclass(frozen=True)
class PageResult:
    scan_page: int | None
    volume_page: int | None
    dpi: float | None = None
    seam_ink_mm2: float | None = None
    seam_ok: bool | None = None
    cover_ink_mm2: float | None = None
    blank: bool = False
    upside_down: bool = False
    registered: bool = False


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


class _Out:
    def __init__(self, file: str, clause: str) -> None:
        self.file, self.clause, self.findings = file, clause, []

    def add(self, code: str, severity: Severity, message: str, page: int | None = None) -> None:
        self.findings.append(Finding(code, severity, message, file=self.file, page=page, rule=self.clause))


def _pages(numbers: list[int]) -> str:
    from dossier.util.formats import page_ranges

    return page_ranges(numbers)


def scan_against(
    scan_pdf: str | Path,
    manifest: Mapping[str, Any] | Manifest,
    *,
    volume_pdf: str | Path | None = None,
    clause: str = BINDING_CLAUSE,
    progress: Progress | None = None,
    manifest_sha256: str | None = None,
) -> ScanReport:
    """Check a stamped scan page by page against the volume manifest (see module docstring).

    ``volume_pdf`` (the bound PDF) lets pages be identified by content and registered; without it
    pages are taken in order. ``progress(step, done, total)`` is called as pages are read.
    ``manifest_sha256`` (the volume's hash the manifest records) recognises the volume itself
    given as the scan. Never modifies its inputs.
    """
    spec = manifest if isinstance(manifest, Manifest) else parse_manifest(manifest)
    scan_pdf = Path(scan_pdf)
    out = _Out(str(scan_pdf), clause)

    images, total = scanned_image_pages(scan_pdf)
    if total == 0:
        raise InputError("扫描件没有任何页面", file=scan_pdf)
    if images == 0:
        raise _not_a_scan(scan_pdf, volume_pdf, manifest_sha256)
    measures = measure_pages(scan_pdf, progress=progress)
    _refuse_colourless(measures, scan_pdf)

    vol_cells = None
    if volume_pdf is None:
        out.add("S-NO-VOLUME", "info", "未提供成册 PDF：只按页序检查；页数不符时无法指出缺少的是哪一页。")
    else:
        from dossier.scan.volume import volume_cells

        if progress:
            progress("比对成册页面", 0, 1)
        vol_cells = volume_cells(Path(volume_pdf))
        if len(vol_cells) != spec.page_count:
            raise InputError(
                f"成册 PDF 有 {len(vol_cells)} 页，清单却写 {spec.page_count} 页",
                file=volume_pdf,
                hint="成册 PDF 和清单应来自同一次 dossier bind",
            )

    measures = _drop_duplex_backs(measures, spec, out)
    pairs = _pair(measures, spec, vol_cells, out)
    results = [_check_page(m, turned, spec.page(vp), spec, vol_cells, out) for m, vp, turned in pairs]
    _not_stamped(results, spec, out)
    if progress and vol_cells is not None:
        progress("比对成册页面", 1, 1)
    _resolution(measures, out)
    dpis = [m.dpi for m in measures if m.dpi]
    return ScanReport(
        str(scan_pdf),
        total,
        spec.page_count,
        min(dpis) if dpis else None,
        max(dpis) if dpis else None,
        tuple(results),
        tuple(out.findings),
    )


def _not_a_scan(scan_pdf: Path, volume_pdf: str | Path | None, manifest_sha256: str | None) -> InputError:
    from dossier.util.cache import file_digest

    digest = file_digest(scan_pdf)
    same = (manifest_sha256 is not None and digest == manifest_sha256) or (
        volume_pdf is not None and Path(volume_pdf).is_file() and file_digest(Path(volume_pdf)) == digest
    )
    if same:
        return InputError(
            "这是 dossier bind 生成的成册 PDF 本身，不是盖章后的扫描件",
            file=scan_pdf,
            hint="请把成册 PDF 打印、装订，盖封面章和骑缝章后，用扫描仪彩色扫描成 PDF，再检查那份扫描件",
        )
    return InputError(
        "这个 PDF 的页面都不是扫描图像（是电子文档），不是盖章后的扫描件",
        file=scan_pdf,
        hint="请用扫描仪把盖好章的纸质材料彩色扫描成 PDF，再检查那份扫描件",
    )


def _refuse_colourless(measures: list[PageMeasure], scan_pdf: Path) -> None:
    """A scan with no colour anywhere (grey mode, even saved as RGB) cannot show red seal ink."""
    if any(float(m.cells.red.sum()) >= 1.0 for m in measures):
        return  # seal ink seen: a colour scan
    if all(not m.cells.colour or m.cells.chroma <= GREY_CHROMA for m in measures):
        raise InputError(
            "扫描件没有颜色（灰度或黑白扫描，即使保存成了彩色文件），看不出红色印章",
            file=scan_pdf,
            hint="请在扫描仪上选择“彩色”模式（150–300 dpi）重新扫描；如果还没有盖章，请先盖章",
        )


def _drop_duplex_backs(measures: list[PageMeasure], spec: Manifest, out: _Out) -> list[PageMeasure]:
    """A duplex scan of single-sided sheets: every other page a blank back. Ignore them, say so once.

    Recognised when at least 40 % of the scan is blank, nearly all blanks (90 %) fall on one
    parity of scan page, and the pages left are about as many as the volume's (so the blanks are
    not the volume's own blank pages): that is the scanner's duplex setting.
    """
    blanks = [m for m in measures if m.blank]
    if len(blanks) < 2 or len(blanks) < 0.4 * len(measures):
        return measures
    parity = [m.number % 2 for m in blanks]
    if max(parity.count(0), parity.count(1)) < 0.9 * len(blanks):
        return measures
    if len(measures) - len(blanks) < 0.9 * spec.page_count:
        return measures  # without them too few pages would be left: blank pages of the volume itself
    out.add(
        "S-DUPLEX-BACKS",
        "info",
        f"扫描件是双面扫描：第 {_pages([m.number for m in blanks])} 页是纸张的空白背面，已忽略"
        f"（共 {len(blanks)} 页）。以后可在扫描仪上选择“单面”扫描。",
    )
    return [m for m in measures if not m.blank]


def _pair(measures: list[PageMeasure], spec: Manifest, vol_cells, out: _Out) -> list[tuple[PageMeasure, int, bool]]:
    m, n = len(measures), spec.page_count
    if vol_cells is None:
        if m != n:
            out.add(
                "S-PAGE-COUNT",
                "error",
                f"扫描件有 {m} 页，成册 PDF 应为 {n} 页（{'少' if m < n else '多'} {abs(m - n)} 页）；"
                "未提供成册 PDF，无法判断是哪一页，以下逐页结果按顺序对应，可能错位。",
            )
        return [(measures[i], i + 1, False) for i in range(min(m, n))]
    vol_fp = [fingerprint(v) for v in vol_cells]
    sim, turned = similarity(
        [fingerprint(x.cells.ink) for x in measures], [fingerprint(x.cells.turned().ink) for x in measures], vol_fp
    )
    sim = refine(sim, turned, [x.cells.ink for x in measures], vol_cells)
    found: Matching = match(sim, [x.blank for x in measures], [printed_mm2(x.cells) < SPARSE_MM2 for x in measures])
    num = [x.number for x in measures]
    for j in found.missing:
        out.add("S-PAGE-MISSING", "error", f"扫描件缺少成册第 {j + 1} 页；请补扫这一页并放回原位置。", page=j + 1)
    for i in found.extra:
        if measures[i].blank:
            out.add("S-PAGE-BLANK", "error", f"扫描件第 {num[i]} 页是空白页（多扫了背面或夹了白纸）；请删去后重新导出。", num[i])
        else:
            out.add("S-PAGE-EXTRA", "error", f"扫描件第 {num[i]} 页与成册 PDF 的任何一页都对不上（夹进了别的材料？）；请删去后重新导出。", num[i])
    for i, first, j in found.duplicates:
        out.add(
            "S-PAGE-DUPLICATE",
            "error",
            f"扫描件第 {num[i]} 页与第 {num[first]} 页重复，都是成册第 {j + 1} 页；请删去多余的一页。",
            num[i],
        )
    vol_of = dict(found.pairs)
    for a, b in found.swaps:
        out.add(
            "S-PAGE-ORDER",
            "error",
            f"扫描件第 {num[a]} 页和第 {num[b]} 页顺序颠倒：分别是成册第 {vol_of[a] + 1} 页和第 {vol_of[b] + 1} 页；"
            "请调换后重新导出。",
            num[a],
        )
    for i in found.moved:
        out.add(
            "S-PAGE-ORDER",
            "error",
            f"扫描件第 {num[i]} 页是成册第 {vol_of[i] + 1} 页，放错了位置；请移到成册第 {vol_of[i]} 页之后。",
            num[i],
        )
    return [(measures[i], j + 1, bool(turned[i, j]) and not measures[i].blank) for i, j in found.pairs]


def _where(scan: int, volume: int) -> str:
    return f"扫描件第 {scan} 页" if scan == volume else f"扫描件第 {scan} 页（成册第 {volume} 页）"


def _mm(rect: SealRect, height_pt: float) -> tuple[float, float, float, float]:
    """A manifest rect (points, bottom-left origin) in mm from the top-left."""
    return rect.x0 * MM_PER_PT, (height_pt - rect.y1) * MM_PER_PT, rect.x1 * MM_PER_PT, (height_pt - rect.y0) * MM_PER_PT


def _seam_window(rect: SealRect, page: PageSpec, t: Transform, cells: PageCells) -> tuple[float, float, float, float]:
    box = _mm(rect, page.height)
    x0, y0, x1, y1 = t.rect(*box)
    extra = 0.0 if t.scaled else UNREGISTERED_MM
    width_mm = cells.red.shape[1]
    at_edge = rect.x1 >= page.width - 1  # a fore-edge slice: the ink sits on the sheet's edge
    right = width_mm if at_edge else x1 + SLACK_X_MM + extra
    left = x0 - SLACK_X_MM - extra
    if at_edge:  # the slice's inner edge on the paper, wherever a printer's scaling put the print
        centre = (page.width * MM_PER_PT / 2, page.height * MM_PER_PT / 2)
        paper = min(t.paper_point(box[0], y, centre)[0] for y in (box[1], box[3]))
        left = min(left, paper - SLACK_X_MM - extra)
    if rect.x0 <= 1:  # a slice on the left edge (a page turned in the scan, or a left fore-edge)
        left = 0.0
    return left, y0 - SLACK_Y_MM - extra, right, y1 + SLACK_Y_MM + extra


def _cover_window(rect: SealRect, page: PageSpec, t: Transform) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = t.rect(*_mm(rect, page.height))
    s = SLACK_Y_MM + (0.0 if t.scaled else UNREGISTERED_MM)
    return x0 - s, y0 - s, x1 + s, y1 + s


def _seam_ink(cells: PageCells, page: PageSpec, t: Transform) -> tuple[float, bool]:
    inks = [(red_mm2(cells, _seam_window(r, page, t, cells)), seam_min_mm2(r)) for r in page.seams]
    return min(i for i, _ in inks), all(i >= need for i, need in inks)


def _check_page(m: PageMeasure, turned: bool, page: PageSpec, spec: Manifest, vol_cells, out: _Out) -> PageResult:
    where = _where(m.number, page.number)
    portrait_scan, portrait_page = m.height_pt >= m.width_pt, page.height >= page.width
    if portrait_scan != portrait_page:
        out.add("S-PAGE-ORIENTATION", "error", f"{where}方向不对（横竖颠倒了 90°）；请旋转后重新导出。", m.number)
        return PageResult(m.number, page.number, m.dpi)

    blank_in_volume = page.blank or (vol_cells is not None and float((vol_cells[page.number - 1] > 40).sum()) < 4)
    blank = m.blank and not blank_in_volume
    if blank:
        out.add("S-PAGE-BLANK", "error", f"{where}是空白页（可能漏扫了正面或多扫了背面）；请检查后补扫。", m.number)

    cells = m.cells.turned() if turned else m.cells
    t = register(vol_cells[page.number - 1], cells.ink) if vol_cells is not None and not m.blank else Transform()
    upside_down = turned
    seam_ink, seam_ok = None, None
    if page.seams and not cells.colour:
        out.add("S-PAGE-GRAYSCALE", "error", f"{where}是黑白扫描，看不出骑缝章；请用彩色模式重扫这一页。", m.number)
    elif page.seams:
        seam_ink, seam_ok = _seam_ink(cells, page, t)
        if not seam_ok and vol_cells is None:
            # Without the volume: a seam found only with the page turned means it was fed upside down.
            turned_ink, turned_ok = _seam_ink(cells.turned(), page, t)
            if turned_ok:
                upside_down, seam_ink, seam_ok = True, turned_ink, True
        if not seam_ok:
            out.add(
                "S-SEAM-MISSING",
                "error",
                f"{where}的骑缝章位置没有红色印迹（只有印好的虚线框不算）；请在这一页补盖骑缝章后重扫。",
                m.number,
            )

    cover_ink = None
    if spec.cover_seal is not None and spec.cover_page == page.number:
        cover_ink = red_mm2(cells, _cover_window(spec.cover_seal, page, t))
        if cover_ink < COVER_MIN_MM2 and vol_cells is None:
            turned_cover = red_mm2(cells.turned(), _cover_window(spec.cover_seal, page, t))
            if turned_cover >= COVER_MIN_MM2:
                upside_down, cover_ink = True, turned_cover
        if cover_ink < COVER_MIN_MM2:
            out.add("S-COVER-SEAL-MISSING", "error", f"{where}（封面）没有看到封面章；请加盖企业公章后重扫。", m.number)
    if upside_down:
        out.add("S-PAGE-UPSIDE-DOWN", "error", f"{where}上下颠倒；请在扫描软件中旋转 180° 后重新导出。", m.number)
    return PageResult(m.number, page.number, m.dpi, _r(seam_ink), seam_ok, _r(cover_ink), blank, upside_down, t.registered)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def _not_stamped(results: list[PageResult], spec: Manifest, out: _Out) -> None:
    """No seal ink on any page that should carry some: one finding instead of one per page."""
    seam = [r for r in results if r.seam_ok is not None]
    cover = [r for r in results if r.cover_ink_mm2 is not None]
    if len(seam) < 2 or any(r.seam_ok for r in seam) or any(r.cover_ink_mm2 >= COVER_MIN_MM2 for r in cover):
        return
    out.findings = [f for f in out.findings if f.code not in ("S-SEAM-MISSING", "S-COVER-SEAL-MISSING")]
    out.add(
        "S-NOT-STAMPED",
        "error",
        f"整份扫描件没有任何红色印章：{len(seam)} 页应有的骑缝章"
        + ("和封面章" if cover else "")
        + "都没有看到。这是尚未盖章的打印件的扫描；请盖好封面章和骑缝章后重新彩色扫描。",
    )


def _resolution(measures: list[PageMeasure], out: _Out) -> None:
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


def check_scan_files(
    scan_pdf: str | Path, manifest_json: str | Path, *, volume_pdf: str | Path | None = None, progress: Progress | None = None
) -> ScanReport:
    """``dossier scan``: read the manifest file, find the volume PDF beside it, run :func:`scan_against`.

    Without ``volume_pdf``, the manifest's ``volume`` (relative to the manifest) is used if present
    and, when the manifest records its ``sha256``, unchanged since binding.
    """
    manifest_json = Path(manifest_json)
    raw = read_manifest_json(manifest_json)
    data = VolumeManifest.from_json(raw, file=manifest_json)
    spec = parse_manifest(data)
    extra: list[Finding] = []
    if volume_pdf is None and spec.volume:
        candidate = manifest_json.parent / Path(spec.volume).name
        if candidate.is_file():
            if data.sha256 and _sha256(candidate) != data.sha256:
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
    report = scan_against(scan_pdf, spec, volume_pdf=volume_pdf, progress=progress, manifest_sha256=data.sha256,
                          clause=binding_clause(raw))
    if extra:
        report = ScanReport(
            report.file, report.scan_pages, report.volume_pages, report.dpi_min, report.dpi_max, report.pages,
            (*extra, *report.findings),
        )
    return report


def binding_clause(manifest: Any) -> str:
    """The binding clause of the programme the volume was built for, as ``dossier build`` wrote it into
    manifest.json (``application.programme.binding_clause``: 一式五份 for a programme with five copies);
    :data:`BINDING_CLAUSE` for a manifest without it (``dossier bind``'s, or an older build's)."""
    try:
        clause = manifest["application"]["programme"]["binding_clause"]
    except (KeyError, TypeError):
        return BINDING_CLAUSE
    return clause if isinstance(clause, str) and clause.strip() else BINDING_CLAUSE


def _sha256(path: Path) -> str:
    from dossier.util.cache import file_digest

    return file_digest(path)
