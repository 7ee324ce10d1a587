"""The reference of ``enterprise.yaml``, generated from the model and the catalogues.

``python -m dossier.application.reference > docs/enterprise-yaml.md`` writes it; a test keeps the committed
file equal to what the code generates, so the documentation cannot drift from the schema.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from dossier.application import narrative
from dossier.application.model import Application
from dossier.application.programme import DEFAULT_PROGRAMME, Programme, load_programme

_SCALARS = {str: "文字", int: "整数", bool: "是/否", type(None): ""}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " / ".join(t for t in (_type_name(a) for a in args) if t)
    if origin is list:
        return f"列表（{_type_name(args[0])}）"
    if origin is dict:
        return "映射（键: 整数）"
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    name = getattr(annotation, "__name__", str(annotation))
    return {"date": "日期 YYYY-MM-DD", "Decimal": "数字（金额为万元）"}.get(name, _SCALARS.get(annotation, name))


def _models(model: type[BaseModel], seen: list[type[BaseModel]]) -> list[type[BaseModel]]:
    if model in seen:
        return seen
    seen.append(model)
    for info in model.model_fields.values():
        for arg in _flatten(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _models(arg, seen)
    return seen


def _flatten(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return [annotation] if not args else [a for arg in args for a in _flatten(arg)]


def render(programme: Programme) -> str:
    lines = [
        "# enterprise.yaml 字段说明",
        "",
        "<!-- 由 `python -m dossier.application.reference > docs/enterprise-yaml.md` 生成，请勿手工修改。 -->",
        "",
        f"适用：{programme.title}（`programme: {programme.id}`）。金额单位为万元，日期写成 YYYY-MM-DD，"
        "是/否 可写 true/false 或 是/否。“必填”的项未填写时，`dossier check` 报 R-REQUIRED。",
        "",
    ]
    for model in _models(Application, []):
        lines += [f"## {model.__name__}", "", "| 键 | 含义 | 类型 | 必填 |", "|---|---|---|---|"]
        for key, info in model.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            required = "是" if extra.get("required") else ""
            lines.append(f"| `{key}` | {info.title or ''} | {_type_name(info.annotation)} | {required} |")
        lines.append("")
    lines += [
        "## 占位符",
        "",
        "叙述性字段（`project.summary`、`enterprise.profile`、`report` 各部分、`operations.statement`、"
        "`scenarios[].description`）中可以写占位符，生成文件时填入按明细计算的数值，明细变了文字随之改变。"
        "写错的占位符是错误（`dossier check` 给出行号）；直接写在文字里的金额、场景数、指标变化率与计算值不一致时，"
        "项目简介报错误，其他字段报警告。",
        "",
        "| 占位符 | 填入 |",
        "|---|---|",
    ]
    lines += [f"| `{{{name}}}` | {text} |" for name, text in narrative.PLACEHOLDERS]
    lines += ["", "例：`两年投入设备与研发资金{合计投资}万元，建成{场景数}个智能化场景，生产效率提升{指标:生产效率}。`", ""]
    lines += ["## 取值目录", ""]
    catalogues = [
        ("所在区 `enterprise.district`", programme.districts),
        ("重点行业 `enterprise.key_industry`", programme.industries),
        ("投资类别 `investments[].category`", programme.investment_categories),
        ("研发费用科目 `investments[].rd_subject`", programme.rd_subjects),
        ("系统类型 `systems[].type`", programme.system_types),
    ]
    for title, cat in catalogues:
        lines += [f"### {title}", "", "| 填写 | 名称 |", "|---|---|"]
        lines += [f"| `{e.key}` | {e.label} |" for e in cat]
        lines.append("")
    lines += ["### 场景 `scenarios[].code`", "", "| 编号 | 环节 | 场景 | 离散型 | 流程型 |", "|---|---|---|---|---|"]
    label = {"primary": "主要适用", "possible": "可适用"}
    lines += [
        f"| `{e.key}` | {e.get('stage')} | {e.label} | {label.get(e.get('discrete'), '')} | {label.get(e.get('process'), '')} |"
        for e in programme.scenarios
    ]
    lines += ["", "### 重点指标 `indicators[].key`", "", "| 填写 | 指标 | 单位 | 方向 | 核心指标 | 口径 |", "|---|---|---|---|---|---|"]
    type_label = {"discrete": "离散型", "process": "流程型"}
    for e in programme.indicators:
        core = "、".join(type_label[t] for t in e.get("core", []))
        direction = "越高越好" if e.get("direction") == "higher_better" else "越低越好"
        lines.append(f"| `{e.key}` | {e.label} | {e.get('unit', '')} | {direction} | {core} | {e.get('formula', '')} |")
    lines += ["", "### 装备基础数 `equipment.counts`", "", "| 填写 | 名称 | 单位 | 适用 |", "|---|---|---|---|"]
    for e in programme.equipment_counts:
        lines.append(f"| `{e.key}` | {e.label} | {e.get('unit', '')} | {'、'.join(type_label[t] for t in e.get('types', []))} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    import sys

    sys.stdout.write(render(load_programme(DEFAULT_PROGRAMME)))


if __name__ == "__main__":
    main()
