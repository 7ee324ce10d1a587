"""The dossier volume's structure: the notice's 资料清单 order as a tree of bind parts.

Pure: takes the application, the programme, the rendered documents and where files are, and
returns the cover and the parts; :mod:`dossier.bind` turns them into the volume. Order follows
通知 五、资料清单 items 1–9: 申报表; 申请报告; 自测表 with their evidence; the investment table
then each row's contract, invoice, payment voucher and bank statement; attachment 7; attachment
8/9; 生产经营情况说明; 承诺书; 简介 with the three photos.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dossier.application.load import ProjectFolder
from dossier.application.model import Application
from dossier.application.programme import Programme
from dossier.bind import Cover, Part
from dossier.documents.context import photo_captions
from dossier.util.formats import fmt_date

CN_NUMERALS = "一二三四五六七八九十"
EVIDENCE_LABEL = {"contract": "合同", "invoice": "发票", "payment_voucher": "付款凭证", "bank_statement": "银行流水", "other": "其他证明材料"}

# Which rendered document (by template name) belongs to which materials item.
ITEM_DOCUMENTS = {
    1: ["application_form"],
    2: ["report"],
    3: ["kpi_selftest", "scenario_selftest"],
    4: ["investment_detail"],
    5: ["systems_list"],
    6: ["equipment_indicators"],
    7: ["operations_statement"],
    8: ["authenticity_pledge"],
    9: ["summary"],
}


def cover_for(app: Application, programme: Programme, date_text: str) -> Cover:
    district = programme.districts.find(app.enterprise.district)
    return Cover(
        title=f"{programme.title}申报材料",
        fields=(
            ("申报企业", app.enterprise.name or ""),
            ("项目名称", app.project.name or ""),
            ("所在区", district.label if district else (app.enterprise.district or "")),
            ("智能制造类型", programme.type_label(app.type) if app.type else ""),
            ("申报日期", date_text),
        ),
    )


def volume_parts(
    project: ProjectFolder,
    programme: Programme,
    documents: dict[str, tuple[str, Path]],
    source_of: Callable[[tuple, str], str],
) -> list[Part]:
    """The volume's parts.

    ``documents`` maps a template name to (title, pdf path as the binder should record it);
    ``source_of(yaml_path, rel)`` turns a path written in enterprise.yaml into the binder's
    source string (it also confines it to the project), or None when the file is missing — a
    draft build (``--force``) binds what exists and leaves missing files out.
    """
    app = project.app
    assert app is not None
    sections = []
    for item in range(1, 10):
        children: list[Part] = []
        for name in ITEM_DOCUMENTS[item]:
            if name not in documents:
                continue
            title, pdf = documents[name]
            children.append(Part(title=title, source=str(pdf), children=tuple(_evidence_for(name, app, source_of, programme))))
        if item == 9:
            captions = photo_captions(app)
            for i, p in enumerate(app.media.photos):
                source = source_of(("media", "photos", i), p)
                if source is not None:
                    children.append(Part(title=f"典型图片{i + 1}：{captions[i]}", source=source))
        if children:
            sections.append(Part(title=f"{CN_NUMERALS[item - 1]}、{programme.material_title(item)}", children=tuple(children)))
    return sections


def _evidence_for(name: str, app: Application, source_of, programme: Programme | None = None) -> list[Part]:
    parts: list[Part] = []
    if name in ("kpi_selftest", "scenario_selftest"):
        key, label = ("indicators", "指标证明") if name == "kpi_selftest" else ("scenarios", "场景证明")
        for i, row in enumerate(getattr(app, key)):
            if key == "indicators":
                entry = programme.indicators.find(row.key) if programme else None
                subject = row.name or (entry.label if entry else row.key)
            else:
                entry = programme.scenarios.find(row.code) if programme else None
                subject = f"{entry.label}（{entry.key}）" if entry else row.code
            for j, f in enumerate(row.evidence):
                source = source_of((key, i, "evidence", j), f)
                if source is not None:
                    parts.append(Part(title=f"{label}：{subject}（{Path(f).stem}）", source=source))
    elif name == "investment_detail":
        for i, row in enumerate(app.investments):
            files = []
            counts: dict[str, int] = {}
            for kind, _j, _ref in row.evidence.items():
                counts[kind] = counts.get(kind, 0) + 1
            for kind, j, ref in row.evidence.items():
                label = EVIDENCE_LABEL[kind] + (f"（{j + 1}）" if counts[kind] > 1 else "")
                source = source_of(("investments", i, "evidence", kind, j), ref.file or "")
                if source is not None:
                    files.append(Part(title=label, source=source, password=ref.password))
            if files:
                parts.append(Part(title=f"{row.id} {row.name or ''}".strip(), children=tuple(files)))
    return parts


def relative_source(project: ProjectFolder, out: Path, missing: list[str]) -> Callable[[tuple, str], str | None]:
    """A ``source_of`` that records each file relative to the output folder (where the manifest
    is); a missing file is added to ``missing`` (as written in enterprise.yaml) and left out."""

    def source_of(path: tuple, rel: str) -> str | None:
        target = project.resolve(path, rel)
        if not target.is_file():
            missing.append(rel)
            return None
        return os.path.relpath(target.resolve(), out.resolve()).replace(os.sep, "/")

    return source_of


def cover_date(app: Application) -> str:
    return fmt_date(app.settings.application_date) if app.settings.application_date else "　　年　　月　　日"
