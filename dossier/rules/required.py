"""R-REQUIRED: every value the forms need is filled in (fields marked ``required`` in the model)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from dossier.rules.context import DOCUMENT_OF, RuleContext
from dossier.util.findings import Finding

# Where a missing value shows up in the dossier, for grouping.
_ITEM_OF = {"report": 2, "operations": 7, "media": 9}
# The notice's sentence behind each part of the file (what the missing value is needed for).
_CLAUSE_OF = {
    "enterprise": "materials_1", "project": "materials_1", "report": "report", "indicators": "materials_3",
    "scenarios": "materials_3", "investments": "materials_4", "systems": "materials_5", "equipment": "materials_6",
    "operations": "materials_7", "media": "materials_9",
}


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _walk(model: BaseModel, path: tuple) -> Iterator[tuple[tuple, str]]:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        extra = info.json_schema_extra or {}
        if isinstance(extra, dict) and extra.get("required") and _empty(value):
            yield path + (name,), info.title or name
        if isinstance(value, BaseModel):
            yield from _walk(value, path + (name,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(item, path + (name, i))


def required_values(ctx: RuleContext) -> Iterator[Finding]:
    for path, title in _walk(ctx.app, ()):
        top = path[0]
        document = DOCUMENT_OF.get(top)
        where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        yield ctx.finding(
            "R-REQUIRED",
            "error",
            f"未填写“{title}”（{where}）",
            path,
            clause=_CLAUSE_OF.get(top),
            document=document,
            item=_ITEM_OF.get(top),
        )


def lists_present(ctx: RuleContext) -> Iterator[Finding]:
    """Whole tables that must not be empty."""
    app = ctx.app
    tables = [
        ("indicators", app.indicators, "重点指标", ctx.attachment("kpi_selftest"), "materials_3"),
        ("scenarios", app.scenarios, "智能化场景", ctx.attachment("scenario_selftest"), "materials_3"),
        ("investments", app.investments, "投资明细", ctx.attachment("investment_detail"), "materials_4"),
        ("systems", app.systems, "信息化系统/工业软件", ctx.attachment("systems_list"), "materials_5"),
    ]
    for key, rows, label, attachment, clause in tables:
        if not rows:
            yield ctx.finding(
                "R-TABLE-EMPTY", "error", f"{label}表（附件{attachment}）没有任何一行", (key,), clause=clause, attachment=attachment
            )


RULES = [required_values, lists_present]
