"""``dossier site``: the 现场核验 (on-site verification) preparation list, as a printable PDF.

Public API::

    page_index(manifest_path, project_root) -> PageIndex | None   # evidence file → printed pages of the volume
    site_context(app, programme, figures, pages, *, manifest_note) -> dict   # pure: data → template context
    build_site(root, out=None, *, build_dir=None) -> SiteResult     # context → .docx (docxtpl) → PDF (LibreOffice)

The list follows the plant: investment rows are grouped into stops by the first word of their
``location`` (``封装车间 共晶贴片工序`` → stop 封装车间, position 共晶贴片工序), stops in the order the rows
first name them in enterprise.yaml (reorder the rows to change the route); rows without a location
and R&D rows (nothing to point at) come last. Each row has a check box, its asset number, model,
quantity, supplier, invoice, and the printed pages of its evidence in the bound volume — read from the
build's ``manifest.json``. Without a build the page column says so and a warning tells how to fill it.
Then each implemented scenario with the systems to demonstrate and the data to have on screen, and
each indicator with its data source and the originals to have at hand.

Same input gives the same .docx and PDF bytes; outputs are written atomically; nothing is written
into ``evidence/`` or ``media/``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.application.figures import Figures
from dossier.application.model import Application, Investment
from dossier.application.programme import Programme
from dossier.documents.context import BLANK, base_context, change_text, file_label, number, text
from dossier.util.findings import Finding, exit_code

DOCUMENT = "现场核验准备清单"
TEMPLATE = "site_visit"
BOX = "□"
NO_LOCATION = "未填写安装位置"
RD_STOP = "研发投入（无安装位置，备查资料）"
EVIDENCE_KIND = {"contract": "合同", "invoice": "发票", "payment_voucher": "付款凭证", "bank_statement": "银行流水",
                 "other": "其他"}


# ---------------------------------------------------------------- pages of the bound volume


@dataclass
class PageIndex:
    """Printed page labels of each input of a bound volume, by the input's resolved path."""

    labels: dict[Path, tuple[str, str]]
    stale: list[str] = field(default_factory=list)  # inputs changed since the volume was bound
    volume: str = ""
    page_count: int = 0

    def pages_of(self, paths: list[Path]) -> str:
        """``34–38`` (first to last printed page of the files found), ``—`` when none is bound."""
        spans = [self.labels[p] for p in paths if p in self.labels]
        if not spans:
            return BLANK
        first, last = spans[0][0], spans[-1][1]
        return first if first == last else f"{first}–{last}"


def page_index(manifest: Path, project_root: Path) -> PageIndex | None:
    """Read ``manifest.json`` of a build; ``None`` when there is none or it is not a build's manifest."""
    from dossier.util.cache import file_digest

    from dossier.bind.manifest import VolumeManifest
    from dossier.util.errors import InputError

    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        volume = VolumeManifest.from_json(data, file=manifest)
    except (OSError, ValueError, InputError):  # none, not JSON, no volume, or an older dossier's: build again
        return None
    base = manifest.parent
    labels: dict[Path, tuple[str, str]] = {}
    stale = []
    root = project_root.resolve()
    for item in volume.inputs:
        try:
            first = int(item.first_page or 0)
            path = (base / item.file).resolve()
            start, end = volume.pages[first - 1].label, volume.pages[first + item.pages - 2].label
        except (TypeError, ValueError, IndexError):
            continue
        labels[path] = (start, end)
        if root in path.parents and path.is_file() and item.sha256 and file_digest(path) != item.sha256:
            stale.append(path.relative_to(root).as_posix())
    return PageIndex(labels, sorted(stale), str(data.get("volume") or volume.volume), volume.page_count)


# ---------------------------------------------------------------- the context


# A place in the plant: everything up to a word like 车间 or 仓库 that ends a word (``SMT 车间 2 号线`` →
# ``SMT 车间``); ``电解液车间、添加剂车间`` stays one stop.
_PLACE = re.compile(r"^(.+?(?:车间|厂房|站房|机房|仓库|库房|库|罐区|区|中心|室|站))(?:\s+(.*)|$)")


def split_location(location: str | None) -> tuple[str, str]:
    """``封装车间 共晶贴片工序`` → (封装车间, 共晶贴片工序); a place alone is a stop without a position."""
    loc = (location or "").strip()
    if not loc:
        return "", ""
    m = _PLACE.match(loc)
    if m:
        return m[1].strip(), (m[2] or "").strip()
    parts = loc.split(maxsplit=1)  # any whitespace, the full-width space included
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def _evidence_paths(root: Path, refs: list[str]) -> list[Path]:
    return [(root / r.replace("\\", "/")).resolve() for r in refs if r]


def _row_evidence(root: Path, row: Investment) -> list[Path]:
    return _evidence_paths(root, [ref.file for _, _, ref in row.evidence.items() if ref.file])


def _quantity(row: Investment) -> str:
    if row.quantity is None:
        return BLANK
    return f"{number(row.quantity)}{row.unit or ''}"


def investment_stops(app: Application, programme: Programme, root: Path, pages: PageIndex | None) -> list[dict]:
    stops: dict[str, dict] = {}
    tail: dict[str, dict] = {}
    for i, row in enumerate(app.investments):
        entry = programme.investment_categories.find(row.category)
        is_rd = bool(entry and entry.get("group") == "rd")
        stop, position = split_location(row.location)
        if is_rd and not stop:
            bucket, stop = tail, RD_STOP
        elif not stop:
            bucket, stop = tail, NO_LOCATION
        else:
            bucket = stops
        group = bucket.setdefault(stop, {"name": stop, "rows": []})
        evidence = _row_evidence(root, row)
        group["rows"].append({
            "box": BOX,
            "id": text(row.id),
            "position": position or BLANK,
            "name": text(row.name),
            "category": entry.label if entry else text(row.category),
            "model": text(row.model),
            "quantity": _quantity(row),
            "asset_no": text(row.fixed_asset_no, "（无）" if is_rd else "（未填写）"),
            "supplier": text(row.supplier, text(row.rd_project) if is_rd else BLANK),
            "invoice": text(row.invoice.number, "无发票" if is_rd else BLANK),
            "pages": pages.pages_of(evidence) if pages else "（未装订）",
            "evidence": "、".join(EVIDENCE_KIND[k] for k, _, ref in row.evidence.items() if ref.file) or BLANK,
            "index": i,
        })
    out = []
    ordered = list(stops.values()) + [tail[k] for k in (NO_LOCATION, RD_STOP) if k in tail]
    for n, group in enumerate(ordered, start=1):
        out.append({**group, "seq": str(n), "count": str(len(group["rows"]))})
    return out


def scenario_checks(app: Application, programme: Programme, figures: Figures, root: Path,
                    pages: PageIndex | None) -> list[dict]:
    systems = {s.id: s for s in app.systems if s.id}
    indicators = {i.key: (i, app.indicators[i.index]) for i in figures.indicators}
    ledger = {e.id: e for e in app.equipment.ledger if e.id}
    investments = {r.id: r for r in app.investments if r.id}
    code_order = {entry.key: i for i, entry in enumerate(programme.scenarios)}
    out = []
    for sc in app.scenarios:
        if sc.implemented not in ("yes", "partial"):
            continue
        entry = programme.scenarios.find(sc.code)
        demo = []
        for sid in sc.systems:
            s = systems.get(sid)
            demo.append(f"{s.name}（{s.type}，{s.vendor}）" if s else sid)
        data = []
        for key in sc.indicators:
            pair = indicators.get(key)
            if pair:
                ind, src = pair
                data.append(f"{ind.name} {number(ind.baseline)}→{number(ind.current)} {ind.unit}"
                            f"（{change_text(ind).splitlines()[0]}，来源 {src.data_source or BLANK}）")
        where = []
        for eid in sc.equipment:
            e = ledger.get(eid)
            where.append(f"{e.name}（{e.line}）" if e and e.line else (e.name if e else eid))
        for rid in sc.investments:
            r = investments.get(rid)
            if r and r.location and r.name not in " ".join(where):
                where.append(f"{r.name}（{r.location}）")
        out.append({
            "box": BOX,
            "order": code_order.get(entry.key if entry else "", 999),
            "code": entry.key if entry else text(sc.code),
            "name": (entry.label if entry else text(sc.code)) + ("（部分建成）" if sc.implemented == "partial" else ""),
            "stage": entry.get("stage", BLANK) if entry else BLANK,
            "systems": "\n".join(demo) or BLANK,
            "data": "\n".join(data) or text(sc.description),
            "description": text(sc.description),
            "where": "\n".join(where) or BLANK,
            "pages": pages.pages_of(_evidence_paths(root, sc.evidence)) if pages else "（未装订）",
            "evidence": "\n".join(file_label(f) for f in sc.evidence) or BLANK,
        })
    out.sort(key=lambda r: r["order"])
    for i, r in enumerate(out, start=1):
        r["seq"] = str(i)
    return out


def indicator_checks(app: Application, figures: Figures, root: Path, pages: PageIndex | None) -> list[dict]:
    out = []
    for ind in figures.indicators:
        src = app.indicators[ind.index]
        originals = [file_label(f) for f in src.evidence]
        source = src.data_source or BLANK
        originals.append(f"{source}导出的原始报表（{src.baseline_period or BLANK}、{src.current_period or BLANK}）")
        out.append({
            "box": BOX,
            "seq": str(ind.index + 1),
            "name": ind.name,
            "before_after": f"{number(ind.baseline)} → {number(ind.current)} {ind.unit}".strip(),
            "change": change_text(ind).replace("\n", ""),
            "periods": f"{src.baseline_period or BLANK} / {src.current_period or BLANK}",
            "source": source,
            "formula": ind.formula or BLANK,
            "originals": "\n".join(originals),
            "pages": pages.pages_of(_evidence_paths(root, src.evidence)) if pages else "（未装订）",
        })
    return out


def site_context(app: Application, programme: Programme, figures: Figures, root: Path, pages: PageIndex | None,
                 *, volume_note: str) -> dict[str, Any]:
    ctx = base_context(app, programme, figures, draft=False)
    stops = investment_stops(app, programme, root, pages)
    return {
        **ctx,
        "doc": {"title": DOCUMENT},
        "bound": False,  # printed on its own, with its own page numbers
        "volume_note": volume_note,
        "stops": stops,
        "rows_total": str(sum(len(s["rows"]) for s in stops)),
        "route": " → ".join(f"{s['seq']} {s['name']}" for s in stops) or BLANK,
        "scenarios": scenario_checks(app, programme, figures, root, pages),
        "indicators": indicator_checks(app, figures, root, pages),
    }


# ---------------------------------------------------------------- the verb


@dataclass
class SiteResult:
    pdf: Path
    docx: Path
    manifest: Path | None
    stops: list[dict]
    scenarios: int
    indicators: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)


def default_output(root: Path) -> Path:
    return Path(root) / "build" / f"{DOCUMENT}.pdf"


def build_site(root: str | Path, out: str | Path | None = None, *, build_dir: str | Path | None = None,
               soffice: str | None = None, today: dt.date | None = None) -> SiteResult:
    """Write ``OUT`` (a .pdf; default ``DIR/build/现场核验准备清单.pdf``) and the .docx beside it.

    ``build_dir`` is where ``dossier build`` wrote ``manifest.json`` (default ``DIR/build``). Raises
    :class:`InputError` for an unusable project or an output inside ``evidence/``/``media/``, and
    :class:`ToolError` when LibreOffice is missing or fails.
    """
    from dossier.application.paths import refuse_protected
    from dossier.check import check_project
    from dossier.documents.convert import convert_all, find_soffice
    from dossier.documents.render import render_docx, template_path
    from dossier.util.atomic import write_bytes
    from dossier.util.errors import InputError

    root = Path(root)
    pdf = Path(out) if out is not None else default_output(root)
    if pdf.suffix.lower() != ".pdf":
        raise InputError("现场核验清单的文件名应以 .pdf 结尾", file=str(pdf), hint=f"例如 -o {DOCUMENT}.pdf")
    refuse_protected(root, pdf, what="输出文件", hint="用 -o 指定其他位置。")
    check = check_project(root, today=today, media=False)
    app, programme, figures = check.folder.app, check.programme, check.figures
    if app is None or programme is None or figures is None:
        raise InputError("enterprise.yaml 的结构有错误，无法生成现场核验清单", file="enterprise.yaml",
                         hint="先运行 dossier check 并修正其中的结构错误。")
    manifest = Path(build_dir) / "manifest.json" if build_dir is not None else root / "build" / "manifest.json"
    pages = page_index(manifest, root)
    findings: list[Finding] = []
    if pages is None:
        note = "尚未生成装订本：“装订本页码”一栏为空。运行 dossier build 后重新生成本清单即可填入页码。"
        findings.append(Finding("S-NO-BUILD", "warning",
                                f"找不到装订本的 manifest.json（{manifest}）：页码一栏留空；先运行 dossier build，"
                                "或用 --build 指定其输出文件夹。", file=str(manifest)))
    else:
        note = f"页码为装订本（{pages.volume or '申报材料装订本.pdf'}，共 {pages.page_count} 页）上印的页码。"
        for rel in pages.stale:
            findings.append(Finding("S-STALE-BUILD", "warning",
                                    f"{rel} 在装订后已修改，清单中的页码可能与装订本不符；请重新运行 dossier build。",
                                    file=rel))
    for row in app.investments:
        entry = programme.investment_categories.find(row.category)
        if entry and entry.get("group") == "equipment":
            if not row.location:
                findings.append(Finding("S-NO-LOCATION", "warning",
                                        f"投资 {row.id} 未填写安装位置（location），无法排入现场路线。", file="enterprise.yaml"))
            if not row.fixed_asset_no and entry.key != "industrial_software":
                findings.append(Finding("S-NO-ASSET-NO", "info",
                                        f"投资 {row.id} 未填写固定资产卡片编号，现场核对资产卡片时请备好入账凭证。",
                                        file="enterprise.yaml"))
    findings += [f for f in check.findings if f.severity == "error"]  # the list is only as good as the data
    ctx = site_context(app, programme, figures, root, pages, volume_note=note)
    template = template_path(TEMPLATE, root)
    docx = pdf.with_suffix(".docx")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(docx, render_docx(template, ctx))
    # The build's conversion cache (and its kept LibreOffice profile) when there is a build.
    cache = manifest.parent / ".cache" if pages is not None and (manifest.parent / ".cache").is_dir() else None
    convert_all([(docx, pdf)], cache_dir=cache, soffice=find_soffice(soffice))
    return SiteResult(pdf, docx, manifest if pages else None, ctx["stops"], len(ctx["scenarios"]),
                      len(ctx["indicators"]), findings)
