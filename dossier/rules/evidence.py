"""Evidence files named in enterprise.yaml: present, inside the project, of a usable kind, each
investment row carrying the documents the notice asks for (合同、发票、付款凭证、银行流水)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from dossier import paths
from dossier.findings import Finding
from dossier.rules.context import RuleContext

EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def referenced_files(ctx: RuleContext) -> list[tuple[tuple, str, str | None]]:
    """Every evidence path in the application: (yaml path, file as written, password)."""
    refs: list[tuple[tuple, str, str | None]] = []
    for i, row in enumerate(ctx.app.investments):
        for kind, j, ref in row.evidence.items():
            if ref.file:
                refs.append((("investments", i, "evidence", kind, j), ref.file, ref.password))
    for i, ind in enumerate(ctx.app.indicators):
        for j, f in enumerate(ind.evidence):
            refs.append((("indicators", i, "evidence", j), f, None))
    for i, sc in enumerate(ctx.app.scenarios):
        for j, f in enumerate(sc.evidence):
            refs.append((("scenarios", i, "evidence", j), f, None))
    return refs


def files_exist(ctx: RuleContext) -> Iterator[Finding]:
    by_file: dict[str, list[tuple]] = defaultdict(list)
    for path, rel, password in referenced_files(ctx):
        attachment = 6 if path[0] == "investments" else ctx.form(2, 4) if path[0] == "indicators" else ctx.form(3, 5)
        line = ctx.lines.line(path)
        target = paths.resolve(ctx.lines.folder(path, ctx.root), rel, source=ctx.lines.file(path), line=line)
        shown = paths.normalise(rel)
        by_file[shown].append(path)
        if not target.is_file():
            yield ctx.finding(
                "I-EVIDENCE-MISSING", "error", f"找不到佐证文件“{shown}”", path, clause="materials_4", attachment=attachment
            )
            continue
        if target.suffix.lower() not in EVIDENCE_SUFFIXES:
            yield ctx.finding(
                "I-EVIDENCE-TYPE", "error", f"佐证文件“{shown}”应为 PDF 或 JPG/PNG/TIFF 扫描件", path, attachment=attachment
            )
            continue
        if target.stat().st_size == 0:
            yield ctx.finding("I-EVIDENCE-EMPTY", "error", f"佐证文件“{shown}”是空文件", path, attachment=attachment)
            continue
        if target.suffix.lower() == ".pdf":
            problem = _pdf_problem(target, password)
            if problem:
                yield ctx.finding("I-EVIDENCE-PDF", "error", f"佐证文件“{shown}”{problem}", path, attachment=attachment)
    for shown, places in by_file.items():
        if len(places) > 1 and all(p[0] == "investments" for p in places):
            rows = sorted({ctx.app.investments[p[1]].id or str(p[1] + 1) for p in places})
            if len(rows) > 1:
                yield ctx.finding(
                    "I-EVIDENCE-REUSED", "warning",
                    f"同一佐证文件“{shown}”被 {'、'.join(rows)} 共同引用；若一份合同对应多行，请在备注中说明",
                    places[1], clause="materials_4", attachment=6,
                )


def _pdf_problem(target: Path, password: str | None) -> str | None:
    import pikepdf

    try:
        with pikepdf.open(target, password=password or "") as pdf:
            if len(pdf.pages) == 0:
                return "没有任何页面"
    except pikepdf.PasswordError:
        return "已加密，需要打开密码：请在该文件条目下填写 password，或提供未加密的版本" if not password else "的密码不正确"
    except Exception:  # noqa: BLE001 - any unreadable PDF is reported, never a traceback
        return "无法作为 PDF 打开（文件损坏或不是 PDF）"
    return None


def kinds_present(ctx: RuleContext) -> Iterator[Finding]:
    for i, row in enumerate(ctx.app.investments):
        group = ctx.figures.rows[i].group
        if group is None:
            continue
        for entry in ctx.programme.evidence_kinds:
            if group in entry.get("required_for", []) and not getattr(row.evidence, entry.key):
                yield ctx.finding(
                    "I-EVIDENCE-KIND", "error", f"{row.id}：缺少{entry.label}（evidence.{entry.key}）",
                    ("investments", i, "evidence"), clause="materials_4", attachment=6,
                )
        if group == "rd" and not row.evidence.items():
            yield ctx.finding(
                "I-EVIDENCE-KIND", "error", f"{row.id}：研发投入至少应提供付款凭证或研发辅助账等证明材料",
                ("investments", i, "evidence"), clause="materials_4", attachment=6,
            )


RULES = [files_exist, kinds_present]
