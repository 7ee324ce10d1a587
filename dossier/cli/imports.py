"""``dossier import invoices|xlsx`` and ``dossier export xlsx``: the finance department's files in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option, project_argument


def _applicant_uscc(project: Path) -> str | None:
    """The applicant's USCC from enterprise.yaml, if the project has one that loads."""
    if not (project / "enterprise.yaml").is_file():
        return None
    from dossier.application.load import load_project
    from dossier.util.errors import DossierError

    try:
        p = load_project(project)
    except DossierError:
        return None
    ent = (p.raw or {}).get("enterprise") if isinstance(p.raw, dict) else None
    uscc = ent.get("uscc") if isinstance(ent, dict) else None
    return str(uscc).strip() if uscc else None


def _json_value(value):
    from decimal import Decimal

    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)  # 150, not 1.5E+2


def _emit(verb: str, problems: list[tuple[str, str, str]], totals: dict, extra: dict, ui: Ui, text: str = "") -> None:
    """The JSON envelope (``totals``: what was read and written), or the problems on stderr and the
    rows (YAML) on stdout."""
    import json

    from dossier.util.findings import Finding

    errors = sum(1 for p in problems if p[0] == "error")
    code = 1 if errors else 0
    if ui.json:
        findings = [Finding("F-IMPORT", s, m, file=f) for s, f, m in problems]
        # Decimals as written (150, not 1.5E+2): through a JSON round trip with this module's encoder.
        plain = json.loads(json.dumps({"totals": totals, **extra}, ensure_ascii=False, default=_json_value))
        ui.emit(envelope(verb, code, findings, **plain))
    else:
        word = {"error": "错误", "warning": "警告", "info": "提示"}
        for severity, file, message in problems:
            if not ui.quiet or severity != "info":
                click.echo(f"{word[severity]}：{file}：{message}", err=True)
        if text and not ui.quiet:
            click.echo(text, nl=False)
    sys.exit(code)


def _rows_yaml(key: str, rows: list[dict]) -> str:
    import io

    from dossier.application.yamledit import _yaml

    buf = io.StringIO()
    _yaml((2, 4, 2)).dump({key: rows}, buf)
    return buf.getvalue()


@main.group("import")
def import_group() -> None:
    """从电子发票（PDF、OFD、XML）或 Excel 台账导入 enterprise.yaml。"""


@import_group.command("invoices")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="发票文件...")
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, metavar="文件夹", help="项目文件夹（含 enterprise.yaml）。")
@click.option("--write", is_flag=True, help="写入 enterprise.yaml（保留注释和排版；按发票号码合并，重复导入不变）。")
@common_options
def import_invoices(files: tuple[Path, ...], project: Path, write: bool, ui: Ui) -> None:
    """读取数电发票和增值税电子发票（PDF、OFD、XML），列出（或用 --write 写入）对应的附件6 投资明细行。

    退出码：0 成功，1 有发票无法读取或购买方不是申报企业，2 项目文件无法使用。
    """
    from dossier.importer import INVOICE_FACTS, invoice_match, read_invoices

    found = read_invoices(list(files), project, _applicant_uscc(project))
    counts = {"files": len(files), "invoices": len(found.invoices), "rows": len(found.rows)}
    extra: dict = {"rows": found.rows}
    text = ""
    if write and found.rows:
        from dossier.application.yamledit import Document, merge_rows, next_id

        target = project / "enterprise.yaml"
        if not target.is_file():
            from dossier.util.errors import InputError

            raise InputError("项目文件夹里没有 enterprise.yaml。", file=str(target), hint="先运行 dossier init 生成项目模板。")
        doc = Document.open(target)
        result = merge_rows(["investments"], doc, found.rows, match=invoice_match, new_id=next_id("A"),
                            overwrite=lambda key: key in INVOICE_FACTS)
        changed = doc.save()
        counts.update(added=len(result.added), updated=len(result.updated), unchanged=len(result.unchanged))
        extra["written"] = str(target) if changed else None
        text = (f"已写入 {target}：新增 {len(result.added)} 行，更新 {len(result.updated)} 行，"
                f"无变化 {len(result.unchanged)} 行。\n" if changed else f"{target} 已包含这些发票，未改动。\n")
    elif found.rows:
        text = _rows_yaml("investments", found.rows)
    _emit("import invoices", found.problems, counts, extra, ui, text=text)


def _ledger_match(table: str):
    def same(existing: dict, row: dict) -> bool:
        def get(d: dict, dotted: str):
            for part in dotted.split("."):
                d = d.get(part) if isinstance(d, dict) else None
            return str(d).strip() if d is not None else None

        keys = {"investments": [("invoice.number",), ("contract.number", "name")], "systems": [("name",)],
                "equipment": [("name", "model")]}[table]
        for combo in keys:
            values = [get(row, k) for k in combo]
            if all(values) and values == [get(existing, k) for k in combo]:
                return True
        return False

    return same


@import_group.command("xlsx")
@click.argument("ledger", type=click.Path(path_type=Path, dir_okay=False), metavar="台账.xlsx")
@click.option("--table", type=click.Choice(["investments", "systems", "equipment"]), required=True,
              help="导入到哪张表：investments 附件6 / systems 附件7 / equipment 附件8/9 设备台账。")
@click.option("--sheet", default=None, metavar="工作表", help="工作表名称（默认第一张）。")
@click.option("--map", "map_file", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="文件",
              help="映射文件（YAML：列标题: 字段），用于不常见的列标题。")
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, metavar="文件夹", help="项目文件夹（含 enterprise.yaml）。")
@click.option("--write", is_flag=True, help="写入 enterprise.yaml（保留注释和排版；按编号合并，重复导入不变）。")
@common_options
def import_xlsx(ledger: Path, table: str, sheet: str | None, map_file: Path | None, project: Path, write: bool,
                ui: Ui) -> None:
    """从 Excel 台账导入附件6 投资明细、附件7 系统清单或设备台账：按常用中文列名识别各列，金额按表头单位换算为万元。

    退出码：0 成功，1 有行无法读取（列出工作表行号），2 文件无法使用。
    """
    from dossier.application.ledger import LABEL, load_mapping, read_ledger

    if not ledger.is_file():
        from dossier.util.errors import InputError

        raise InputError("文件不存在。", file=str(ledger), hint="检查文件名和路径。")
    mapping = load_mapping(map_file) if map_file else {}
    found = read_ledger(ledger, table, sheet=sheet, mapping=mapping, file=str(ledger))
    counts = {"rows": len(found.rows), "unreadable": sum(1 for p in found.problems if p[0] == "error")}
    extra: dict = {"table": table, "sheet": found.sheet, "columns": found.columns, "rows": found.rows}
    key = {"investments": ["investments"], "systems": ["systems"], "equipment": ["equipment", "ledger"]}[table]
    if write and found.rows:
        from dossier.application.yamledit import Document, merge_rows, next_id

        target = project / "enterprise.yaml"
        if not target.is_file():
            from dossier.util.errors import InputError

            raise InputError("项目文件夹里没有 enterprise.yaml。", file=str(target), hint="先运行 dossier init 生成项目模板。")
        doc = Document.open(target)
        result = merge_rows(key, doc, found.rows, match=_ledger_match(table),
                            new_id=next_id({"investments": "A", "systems": "S", "equipment": "E"}[table]), overwrite=True)
        changed = doc.save()
        counts.update(added=len(result.added), updated=len(result.updated), unchanged=len(result.unchanged))
        extra["written"] = str(target) if changed else None
        text = (f"已写入 {target}（{LABEL[table]}）：新增 {len(result.added)} 行，更新 {len(result.updated)} 行，"
                f"无变化 {len(result.unchanged)} 行。\n" if changed else f"{target} 已包含这些行，未改动。\n")
    else:
        text = f"# 工作表“{found.sheet}”：识别的列 " + "、".join(f"{h}→{f}" for h, f in found.columns.items()) + "\n"
        text += _rows_yaml(key[-1], found.rows) if found.rows else ""
    _emit("import xlsx", [(s, w, m) for s, w, m in found.problems], counts, extra, ui, text=text)


@main.group("export")
def export_group() -> None:
    """把申报数据导出为其他格式。"""


@export_group.command("xlsx")
@project_argument()
@output_option("输出的 .xlsx（默认：项目下的 build/附件6-9明细表.xlsx）。", file=True)
@common_options
def export_xlsx(directory: Path, out: Path | None, ui: Ui) -> None:
    """导出附件6（明细与汇总）、附件7、附件8/9 为 Excel 工作簿：公式实时计算，万元保留两位小数，A4 横向打印。"""
    from dossier.export_xlsx import export_project

    target = export_project(directory, out)
    _emit("export xlsx", [], {"files": 1}, {"output": str(target)}, ui, text=f"已导出：{target}\n")
