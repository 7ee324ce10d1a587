"""``dossier district``: the district bureau's view of several applicants' build outputs.

Public API::

    applicant_summary(check) -> dict          # what ``build`` writes into manifest.json under "application"
    find_manifests(roots) -> list[Path]       # manifest.json of build outputs under the given folders
    read_applicant(manifest) -> Applicant     # one row of the summary table
    build_district(roots, out, *, order="given") -> DistrictResult   # summary CSV + draft 推荐报告 (.docx)

The notice's 四、遴选程序 2: "各区经信部门对申报企业的资格条件、项目真实性和合规性、项目纳统情况进行审核并出具意见，
正式行文报市经信局". The officer runs this on the folders the enterprises' ``dossier build`` wrote: every
figure (合计投资, 研发占比, findings, pages and sheets) is read from each ``manifest.json``, the same
computation as the applicant's own documents; nothing is recomputed from enterprise.yaml. The letter's
programme wording (title, notice, issuer) is read from the manifests too, so a project built with its
own programme file needs no copy of that file here. Applicants
are listed in the order the folders are given (a folder holding several builds: sorted by path), or
by total investment with ``order="total"``. The letter leaves the district's opinion to the officer.
Outputs are written atomically; the same manifests give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dossier.util.findings import Finding, exit_code

MANIFEST = "manifest.json"
LETTER = "区级推荐报告（草稿）.docx"
TABLE = "申报企业汇总表.csv"
TEMPLATE = "district_recommendation"
DATE_TO_FILL = "　　年　　月　　日"
OPINION = ("（此处由区经信部门填写审核意见：对各申报企业资格条件、项目真实性和合规性、项目纳统情况的审核结论，"
           "以及是否同意推荐。）")
CSV_HEADER = ("序号", "企业", "统一社会信用代码", "类型", "行业", "所在区", "项目", "合计投资（万元）", "研发占比",
              "错误", "警告", "提示", "页数", "张数", "草稿", "manifest")


def applicant_summary(check) -> dict[str, Any]:
    """The facts a district needs from one application, for ``manifest.json`` (strings, no floats)."""
    app, programme, figures = check.folder.app, check.programme, check.figures
    if app is None or programme is None or figures is None:
        return {}
    district = programme.districts.find(app.enterprise.district)
    industry = programme.industries.find(app.enterprise.key_industry)
    return {
        "uscc": app.enterprise.uscc,
        "district": district.label if district else app.enterprise.district,
        "industry": industry.label if industry else app.enterprise.key_industry,
        "project": app.project.name,
        "totals": figures.as_totals(),
        # The letter's wording, so that `dossier district` needs no programme file: a project may use
        # its own (``programme: ../襄阳-2026.yaml``), which the district officer does not have.
        "programme": programme_wording(programme),
    }


def programme_wording(programme) -> dict[str, Any]:
    """What is quoted from a programme after the build: its id, title, notice, issuer and type labels
    (the district letter) and its binding clause (``dossier scan``)."""
    return {
        "id": programme.id,
        "title": programme.title,
        "notice": programme.raw.get("notice", ""),
        "issuer": programme.raw.get("issuer", ""),
        "type_labels": {t: programme.type_label(t) for t in sorted(programme.raw["types"])},
        "binding_clause": programme.clause("binding"),  # what `dossier scan` cites beside its findings
    }


# ---------------------------------------------------------------- reading build outputs


@dataclass
class Applicant:
    manifest: Path
    enterprise: str
    uscc: str
    type_label: str
    industry: str
    district: str
    project: str
    programme: str
    wording: dict[str, Any]  # programme_wording() as the build wrote it; {} in older manifests
    total_wan: Decimal | None
    rd_ratio: str  # "7.35%" or "—"
    findings: dict[str, int]
    pages: int | None
    sheets: int | None
    draft: bool


def find_manifests(roots: list[str | Path]) -> list[Path]:
    """Each root's own ``manifest.json``, else every one below it (hidden folders and caches skipped),
    roots in the order given, several under one root sorted by path, no duplicates."""
    from dossier.util.errors import InputError

    out: list[Path] = []
    seen: set[Path] = set()
    for root in roots:
        root = Path(root)
        if root.is_file() and root.name == MANIFEST:
            found = [root]
        elif root.is_dir():
            if (root / MANIFEST).is_file():
                found = [root / MANIFEST]
            else:
                found = []
                for folder, dirs, files in os.walk(root):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    if MANIFEST in files:
                        found.append(Path(folder) / MANIFEST)
                found.sort()
        else:
            raise InputError("找不到这个文件夹", file=str(root), hint="dossier district 后面写各企业 dossier build 的输出文件夹。")
        if not found:
            raise InputError("其中没有 manifest.json", file=str(root),
                             hint="请先对该企业运行 dossier build，再把其输出文件夹交给 dossier district。")
        for m in found:
            key = m.resolve()
            if key not in seen:
                seen.add(key)
                out.append(m)
    return out


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def read_applicant(manifest: Path) -> tuple[Applicant, list[Finding]]:
    from dossier.util.errors import InputError

    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"无法读取：{exc}", file=str(manifest), hint="请重新运行 dossier build 生成 manifest.json。") from None
    from dossier.bind.manifest import BUILD_KEY, VolumeManifest

    if not isinstance(data, dict) or not {"pages", BUILD_KEY} & data.keys():
        raise InputError("不是 dossier build 生成的 manifest.json", file=str(manifest))
    volume = VolumeManifest.from_json(data, file=manifest) if data.get(BUILD_KEY) is not None or "pages" in data else None
    app = data.get("application") or {}
    totals = app.get("totals") or {}
    findings: list[Finding] = []
    name = data.get("enterprise") or manifest.parent.name
    if not app:
        findings.append(Finding("DIST-OLD-MANIFEST", "warning",
                                f"{name} 的 manifest.json 中没有行业和投资汇总（由旧版 dossier 生成）；请该企业重新运行 dossier build。",
                                file=str(manifest)))
    counts = {k: int((data.get("findings") or {}).get(k, 0)) for k in ("error", "warning", "info")}
    if data.get("draft") or counts["error"]:
        findings.append(Finding("DIST-DRAFT", "warning",
                                f"{name} 的申报材料是草稿（检查有 {counts['error']} 个错误），不宜推荐报送。", file=str(manifest)))
    ratio = totals.get("rd_ratio_percent")
    applicant = Applicant(
        manifest=manifest,
        enterprise=name,
        uscc=app.get("uscc") or "",
        type_label=data.get("type_label") or "",
        industry=app.get("industry") or "",
        district=app.get("district") or "",
        project=app.get("project") or "",
        programme=data.get("programme") or "",
        wording=app.get("programme") if isinstance(app.get("programme"), dict) else {},
        total_wan=_decimal(totals.get("qualifying_wan")),
        rd_ratio=f"{ratio}%" if ratio is not None else "—",
        findings=counts,
        pages=volume.page_count if volume else None,
        sheets=volume.sheets if volume else None,
        draft=bool(data.get("draft")),
    )
    return applicant, findings


# ---------------------------------------------------------------- outputs


@dataclass
class DistrictResult:
    out: Path
    applicants: list[Applicant]
    letter: Path
    table: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def total_wan(self) -> Decimal:
        return sum((a.total_wan or Decimal(0) for a in self.applicants), Decimal(0))

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)


def _wan(value: Decimal | None) -> str:
    from dossier.util.formats import fmt_wan

    return "—" if value is None else fmt_wan(value)


def table_csv(applicants: list[Applicant], out: Path) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for i, a in enumerate(applicants, start=1):
        w.writerow([
            i, a.enterprise, a.uscc, a.type_label, a.industry, a.district, a.project,
            "" if a.total_wan is None else f"{a.total_wan:.2f}", a.rd_ratio, a.findings["error"], a.findings["warning"],
            a.findings["info"], a.pages if a.pages is not None else "", a.sheets if a.sheets is not None else "",
            "是" if a.draft else "否", os.path.relpath(a.manifest, out).replace(os.sep, "/"),
        ])
    return "\ufeff" + buf.getvalue()  # BOM: Excel on Chinese Windows then reads UTF-8


def letter_wording(applicants: list[Applicant]) -> dict[str, Any]:
    """The programme wording of the letter: from the first manifest that carries it (the build wrote it),
    else the packaged programme named by the manifests (older builds), else the default programme."""
    from dossier.application.programme import DEFAULT_PROGRAMME, load_programme

    for a in applicants:
        if a.wording.get("title"):
            return a.wording
    ids = sorted({a.programme for a in applicants if a.programme}) or [DEFAULT_PROGRAMME]
    return programme_wording(load_programme(ids[0]))


def letter_context(applicants: list[Applicant]) -> dict[str, Any]:
    wording = letter_wording(applicants)
    labels = wording.get("type_labels") or {}
    districts = list(dict.fromkeys(a.district for a in applicants if a.district))
    total = sum((a.total_wan or Decimal(0) for a in applicants), Decimal(0))
    return {
        "title": f"关于推荐{wording['title']}申报企业的报告",
        "issuer": wording.get("issuer", ""),
        "notice": wording.get("notice", ""),
        "programme_title": wording["title"],
        "count": str(len(applicants)),
        "discrete": str(sum(1 for a in applicants if a.type_label == labels.get("discrete"))),
        "process": str(sum(1 for a in applicants if a.type_label == labels.get("process"))),
        "total": _wan(total),
        "draft": False,
        "bound": False,
        "opinion": OPINION,
        "district_office": ("、".join(districts) or "××区") + "经信部门",
        "date": DATE_TO_FILL,
        "applicants": [
            {
                "seq": str(i),
                "enterprise": a.enterprise,
                "type": a.type_label or "—",
                "industry": a.industry or "—",
                "project": a.project or "—",
                "total": _wan(a.total_wan),
                "rd_ratio": a.rd_ratio,
                "findings": f"{a.findings['error']} / {a.findings['warning']} / {a.findings['info']}",
                "sheets": f"{a.pages if a.pages is not None else '—'} / {a.sheets if a.sheets is not None else '—'}",
            }
            for i, a in enumerate(applicants, start=1)
        ],
    }


def build_district(roots: list[str | Path], out: str | Path, *, order: str = "given") -> DistrictResult:
    """Read every applicant's manifest under ``roots`` and write OUT/申报企业汇总表.csv and
    OUT/区级推荐报告（草稿）.docx. Raises :class:`InputError` when a root has no build output."""
    from dossier.documents.render import render_docx, template_path
    from dossier.util.atomic import write_bytes, write_text

    out = Path(out)
    findings: list[Finding] = []
    applicants = []
    for m in find_manifests(roots):
        a, f = read_applicant(m)
        applicants.append(a)
        findings += f
    if order == "total":
        applicants.sort(key=lambda a: -(a.total_wan or Decimal(0)))
    usccs = [a.uscc for a in applicants if a.uscc]
    for u in sorted({u for u in usccs if usccs.count(u) > 1}):
        findings.append(Finding("DIST-DUPLICATE", "warning", f"统一社会信用代码 {u} 出现在多份 manifest.json 中（重复申报或重复的输出文件夹）。"))
    if len({a.district for a in applicants if a.district}) > 1:
        findings.append(Finding("DIST-SEVERAL-DISTRICTS", "info", "这些企业分属不同的区；推荐报告通常由企业所在区分别报送。"))
    titles = list(dict.fromkeys(a.wording["title"] for a in applicants if a.wording.get("title")))
    if len(titles) > 1:
        findings.append(Finding("DIST-SEVERAL-PROGRAMMES", "warning",
                                f"这些企业申报的不是同一遴选项目（{'、'.join(titles)}）；推荐报告按“{titles[0]}”起草，"
                                "请按项目分别运行 dossier district。"))
    out.mkdir(parents=True, exist_ok=True)
    table = write_text(out / TABLE, table_csv(applicants, out))
    letter = out / LETTER
    write_bytes(letter, render_docx(template_path(TEMPLATE), letter_context(applicants)))
    return DistrictResult(out, applicants, letter, table, findings)
