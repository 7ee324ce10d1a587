"""``dossier export xlsx``: 附件6 (its tables and summary), 附件7 and 附件8/9 as a workbook with
live formulas, for districts that ask for the detail tables in Excel as well as on paper.

Figures come from :mod:`dossier.application.figures` and texts from :mod:`dossier.documents.context`, the same the
documents print; nothing is derived again here except what a formula shows: 金额 = 数量 × 单价
where the row's stated amount is exactly that product (otherwise the stated amount is written, so
the sheet never disagrees with the PDF), subtotals and totals as SUM / SUMIF. Money in 万元 with
two decimals; headers frozen; A4 landscape with the title rows repeated on every printed page.
Same input, same bytes (fixed document times and zip times).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from dossier.util.atomic import write_bytes
from dossier.util.errors import InputError

WAN = '#,##0.00'
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED = dt.datetime(2024, 1, 1)


def _width(value: Any) -> float:
    text = str(value or "")
    longest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in text.split("\n")), default=0)
    return longest


class _Sheet:
    """One titled table: title row, header row, data rows; remembers column widths."""

    def __init__(self, wb, name: str, title: str, head: list[str]) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = wb.create_sheet(name)
        self.head = head
        self.widths = [max(6, min(_width(h) + 2, 14)) for h in head]  # headers wrap
        self.thin = Side(style="thin", color="808080")
        self.border = Border(left=self.thin, right=self.thin, top=self.thin, bottom=self.thin)
        self.wrap = Alignment(wrap_text=True, vertical="center")
        ws = self.ws
        ws.append([title])
        ws.cell(1, 1).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        ws.append(head)
        for c in ws[2]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDE5F0")
            c.border = self.border
            c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True

    @property
    def row(self) -> int:
        return self.ws.max_row

    def add(self, values: list[Any], money: set[int] = frozenset(), bold: bool = False) -> int:
        from openpyxl.styles import Font

        self.ws.append([float(v) if isinstance(v, Decimal) else v for v in values])
        r = self.ws.max_row
        for i, c in enumerate(self.ws[r]):
            c.border = self.border
            c.alignment = self.wrap
            if i in money:
                c.number_format = WAN
            if bold:
                c.font = Font(bold=True)
            if not (isinstance(c.value, str) and c.value.startswith("=")):
                self.widths[i] = max(self.widths[i], min(_width(c.value) + 2, 28))  # longer text wraps
        return r

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        # Wrapped text needs its row height set: neither Excel nor LibreOffice grows rows of a
        # file on opening it.
        for r in range(2, self.ws.max_row + 1):
            lines = 1
            for i, c in enumerate(self.ws[r]):
                if isinstance(c.value, str) and not c.value.startswith("="):
                    per_line = max(1.0, self.widths[i] - 1)
                    lines = max(lines, sum(-(-_width(part) // per_line) or 1 for part in c.value.split("\n")))
            self.ws.row_dimensions[r].height = 15 * lines
        self.ws.print_area = f"A1:{get_column_letter(len(self.head))}{self.ws.max_row}"




def _amount_cell(qty: Decimal | None, price: Decimal | None, amount: Decimal | None, qcol: str, pcol: str, r: int):
    if qty is not None and price is not None and amount is not None and qty * price == amount:
        return f"={qcol}{r}*{pcol}{r}"
    return amount


def build_workbook(app, programme, figures, *, root: Path | None = None, pages=None) -> bytes:
    """The workbook. ``root`` and ``pages`` (a :class:`dossier.site.PageIndex`) fill the 现场核验
    sheet's evidence pages; without them that column says 未装订."""
    from openpyxl import Workbook

    from dossier.documents.context import document_contexts

    contexts = document_contexts(app, programme, figures)
    wb = Workbook()
    wb.remove(wb.active)
    enterprise = app.enterprise.name or ""
    # The forms' 附件 numbers are the programme's (2025: 附件6, 附件7, 附件8 or 9).
    a6, a7, a89 = (f"附件{programme.attachment_of(name, app.type)}" for name in ("investment_detail", "systems_list", "equipment_indicators"))
    basis = "含税" if figures.readings.amount_basis == "gross" else "不含税"

    # 附件6 equipment rows
    eq_head = ["序号", "编号", "类别", "设备（项目）名称", "规格型号", "数量", "单位", "单价（万元）", "金额（含税，万元）",
               f"计入金额（{basis}，万元）", "国产/进口", "供应商", "合同编号", "合同日期", "发票号码", "开票日期",
               "付款日期", "付款金额（万元）", "计入说明"]
    eq = _Sheet(wb, f"{a6} 设备投资", f"{a6} 投资明细：设备购置与改造（{enterprise}）", eq_head)
    rd_head = ["序号", "编号", "类别", "名称", "研发项目", "研发费用科目", "金额（含税，万元）", f"计入金额（{basis}，万元）",
               "付款凭证号", "付款日期", "计入说明"]
    rd = _Sheet(wb, f"{a6} 研发投入", f"{a6} 投资明细：项目相关研发投入（{enterprise}）", rd_head)
    detail = contexts["investment_detail"]
    eq_texts = iter(detail["equipment_rows"])
    rd_texts = iter(detail["rd_rows"])
    for inv, fig in zip(app.investments, figures.rows, strict=True):
        if fig.group == "rd":
            t = next(rd_texts)
            r = rd.row + 1
            rd.add([int(t["seq"]), inv.id, fig.category_label, inv.name, inv.rd_project, t["rd_subject"], inv.amount_wan,
                    fig.counted, inv.payment.voucher_no, inv.payment.date, _reason(t)], money={6, 7})
            rd.ws.cell(r, 10).number_format = "yyyy-mm-dd"
        else:
            t = next(eq_texts)
            r = eq.row + 1
            amount = _amount_cell(inv.quantity, inv.unit_price_wan, inv.amount_wan, "F", "H", r)
            eq.add([int(t["seq"]), inv.id, fig.category_label, inv.name, inv.model, inv.quantity, inv.unit, inv.unit_price_wan,
                    amount, fig.counted, t["origin"], inv.supplier, inv.contract.number, inv.contract.date,
                    inv.invoice.number, inv.invoice.date, inv.payment.date, inv.payment.amount_wan, _reason(t)],
                   money={7, 8, 9, 17})
            for c in (14, 16, 17):
                eq.ws.cell(r, c).number_format = "yyyy-mm-dd"
    eq_first, eq_last = 3, eq.row
    eq_total = eq.add(["合计", None, None, None, None, None, None, None, f"=SUM(I{eq_first}:I{eq_last})",
                       f"=SUM(J{eq_first}:J{eq_last})", *[None] * 9], money={8, 9}, bold=True)
    rd_first, rd_last = 3, rd.row
    rd_total = rd.add(["合计", None, None, None, None, None, f"=SUM(G{rd_first}:G{rd_last})", f"=SUM(H{rd_first}:H{rd_last})",
                       None, None, None], money={6, 7}, bold=True)

    # 附件6 summary: by category (SUMIF over the detail), equipment, R&D, total, ratio
    summary = _Sheet(wb, f"{a6} 汇总", f"{a6} 投资汇总", ["项目", "金额（万元）", "说明"])
    sheet_eq, sheet_rd = f"'{a6} 设备投资'", f"'{a6} 研发投入'"
    cat_rows = []
    for entry in detail["by_category"]:
        label = entry["label"]
        r = summary.row + 1
        summary.add([label, f'=SUMIF({sheet_eq}!C{eq_first}:C{eq_last},A{r},{sheet_eq}!J{eq_first}:J{eq_last})', "按类别"], money={1})
        cat_rows.append(r)
    r_eq = summary.add(["设备购置与改造投资合计", f"={sheet_eq}!J{eq_total}", f"{a6} 设备投资表合计"], money={1}, bold=True)
    r_rd = summary.add(["项目相关研发投入合计", f"={sheet_rd}!H{rd_total}", f"{a6} 研发投入表合计"], money={1}, bold=True)
    summary.add(["计入投资总额", f"=B{r_eq}+B{r_rd}", figures.readings.describe()], money={1}, bold=True)
    summary.widths[2] = max(summary.widths[2], _width(figures.readings.describe()) + 2)
    ratio = summary.add(["研发投入占设备投资比例（%）", f'=IF(B{r_eq}=0,"",ROUND(B{r_rd}/B{r_eq}*100,2))', "研发投入 ÷ 设备投资 × 100"])
    summary.ws.cell(ratio, 2).number_format = "0.00"
    summary.add(["申报企业", enterprise, None])
    wb.move_sheet(summary.ws, offset=-2)

    # 附件7 systems
    systems = contexts.get("systems_list", {}).get("systems") or contexts["application_form"]["systems"]
    sys_head = ["序号", "系统名称", "系统类型", "软件类别", "供应商", "产品名称与版本", "国产/进口", "部署方式", "上线时间",
                "新建/升级/原有", "覆盖业务环节", "覆盖范围", "集成的系统", "数据采集点数"]
    s7 = _Sheet(wb, f"{a7} 信息化系统", f"{a7} 在用信息化系统清单（{enterprise}）", sys_head)
    keys = ["seq", "name", "type", "class", "vendor", "product_version", "domestic", "deployment", "go_live", "status", "domains",
            "coverage", "integrates_with", "data_points"]
    for t, s in zip(systems["rows"], app.systems, strict=True):
        values: list[Any] = [t[k] for k in keys]
        values[0] = int(t["seq"])
        values[13] = s.data_points
        s7.add(values)
    last7 = s7.row
    s7.add(["合计", f"=COUNTA(B3:B{last7})&\" 个系统\"", None, None, None, None,
            f'="国产 "&COUNTIF(G3:G{last7},"国产")&" 个"', *[None] * 6, f"=SUM(N3:N{last7})"], bold=True)

    # 附件8/9 equipment indicators
    equip = contexts["equipment_indicators"]["equipment"]
    s8 = _Sheet(wb, f"{a89} 装备指标", f"{a89} 装备指标（{enterprise}）",
                ["序号", "编号", "设备名称", "型号", "数量", "所属产线或工序", "关键工序", "数控或数字化", "联网", "国产/进口",
                 "购置年份", "原值（万元）", f"对应{a6} 编号"])
    ledger_keys = ["seq", "id", "name", "model", "quantity", "line", "key_process", "digital", "networked", "domestic", "year",
                   "value", "investment"]
    for t, item in zip(equip["ledger"], app.equipment.ledger, strict=True):
        values = [t[k] for k in ledger_keys]
        values[0], values[4], values[10], values[11] = int(t["seq"]), item.quantity, item.year, item.value_wan
        s8.add(values, money={11})
    last8 = s8.row
    s8.add(["合计", None, None, None, f"=SUM(E3:E{last8})", *[None] * 6, f"=SUM(L3:L{last8})", None], money={11}, bold=True)
    s8.add([None] * 13)
    s8.add(["序号", "装备基础数", "数值", "单位", *[None] * 9], bold=True)
    for c in equip["counts"]:
        value = c["value"]
        s8.add([int(c["seq"]), c["label"], int(value) if value.isdigit() else value, c["unit"], *[None] * 9])
    s8.add([None] * 13)
    s8.add(["序号", "指标", "数值", "计算方法", "分子 / 分母", "要求", *[None] * 7], bold=True)
    for rate, fig in zip(equip["rates"], figures.rates, strict=True):
        # A reference value only with its source (programme data), as on the printed form.
        required = f"不低于{fig.minimum}%（{fig.minimum_source}）" if fig.minimum is not None else "—"
        s8.add([int(rate["seq"]), rate["label"], rate["value"], rate["formula"], rate["basis"], required, *[None] * 7])

    # 现场核验 (issue 18): the walk through the plant of `dossier site`, one row per investment.
    from dossier.site import investment_stops

    s9 = _Sheet(wb, "现场核验", f"现场核验准备清单：设备与投资（{enterprise}）",
                ["核对", "站", "地点", "工序 / 位置", "编号", "设备（项目）名称", "规格型号", "数量", "固定资产编号", "供应商",
                 "发票号码", "装订本页码"])
    for stop in investment_stops(app, programme, root or Path("."), pages):
        for r in stop["rows"]:
            s9.add([r["box"], int(stop["seq"]), stop["name"], r["position"], r["id"], r["name"], r["model"], r["quantity"],
                    r["asset_no"], r["supplier"], r["invoice"], r["pages"]])

    for sheet in (summary, eq, rd, s7, s8, s9):
        sheet.finish()
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = "dossier"
    wb.properties.title = f"{enterprise} 投资、系统及装备明细表"
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


def _reason(row: dict) -> str:
    """计入说明: the form's 备注 (why a row counts less, and the user's note), or 计入."""
    return row["remark"] if row.get("remark") not in (None, "", "—") else "计入"


def fixed_zip(data: bytes) -> bytes:
    """An .xlsx made reproducible: openpyxl stamps the save time into docProps/core.xml
    (dcterms:modified) and into every zip entry; both are set to a fixed date."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2024-01-01T00:00:00Z\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def export_project(root: Path, out: Path | None) -> Path:
    from dossier.application.figures import compute
    from dossier.application.load import load_project
    from dossier.application.paths import refuse_protected
    from dossier.application.programme import DEFAULT_PROGRAMME, load_programme

    target = out or root / "build" / "附件6-9明细表.xlsx"
    refuse_protected(root, target, what="输出文件", hint="用 -o 指定其他位置。")
    project = load_project(root)
    if project.app is None:
        first = project.findings[0]
        raise InputError(f"enterprise.yaml 有结构错误，无法导出：{first.message}", file=str(root / (first.file or "enterprise.yaml")),
                         line=first.line, hint="先运行 dossier check 修正。")
    app = project.app
    programme = load_programme(app.programme or DEFAULT_PROGRAMME, base=root)
    figures = compute(app, programme)
    target.parent.mkdir(parents=True, exist_ok=True)
    from dossier.site import page_index

    pages = page_index(root / "build" / "manifest.json", root)  # the default build's pages, when there is one
    write_bytes(target, build_workbook(app, programme, figures, root=root, pages=pages))
    return target
