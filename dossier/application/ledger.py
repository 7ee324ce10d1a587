"""Rows of ``enterprise.yaml`` from a spreadsheet: the purchase ledger (设备采购台账 / 固定资产明细),
the list of systems, the equipment ledger.

Column headers are matched to fields by their usual Chinese names (exactly, else the longest
name the header contains: "供应商统一社会信用代码" is the code, not the supplier); a unit in the
header (``单价（元）``, ``金额(万元)``) converts money to 万元, exactly. A mapping file (YAML,
``列标题: 字段``) names unusual headers. The header row is found among the first rows (ledgers
carry a title above it); 合计 / 小计 rows and empty rows are skipped; a row that cannot be read is
listed with its sheet row number and left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dossier.util.errors import InputError

TEN_THOUSAND = Decimal(10000)
HEADER_SCAN = 20

# field (dotted for nested) → header names. Money fields end in _wan.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "investments": {
        "id": ("编号", "投资编号", "项目编号", "附件6编号"),
        "category": ("类别", "投资类别", "投资类型"),
        "name": ("设备名称", "名称", "设备（项目）名称", "项目名称", "资产名称", "货物名称"),
        "model": ("规格型号", "型号", "规格"),
        "quantity": ("数量",),
        "unit": ("单位", "计量单位"),
        "unit_price_wan": ("单价", "含税单价"),
        "amount_wan": ("金额", "总价", "含税金额", "合计金额", "投资金额", "价税合计"),
        "supplier": ("供应商", "销售方", "供货单位", "销售方名称", "供应商名称"),
        "supplier_uscc": ("供应商统一社会信用代码", "销售方纳税人识别号", "纳税人识别号", "统一社会信用代码", "供应商信用代码"),
        "origin": ("国产/进口", "产地", "国产或进口"),
        "second_hand": ("是否二手", "二手设备"),
        "productive": ("是否生产性", "生产性设备"),
        "contract.number": ("合同编号", "合同号"),
        "contract.date": ("合同签订日期", "合同日期", "签订日期"),
        "contract.amount_wan": ("合同金额",),
        "invoice.number": ("发票号码", "发票号"),
        "invoice.date": ("开票日期", "发票日期"),
        "invoice.gross_wan": ("发票金额", "发票价税合计"),
        "invoice.tax_wan": ("税额", "发票税额"),
        "payment.date": ("付款日期", "支付日期"),
        "payment.amount_wan": ("付款金额", "已付金额", "实付金额", "已付款金额"),
        "payment.voucher_no": ("付款凭证号", "凭证号", "回单编号", "付款凭证编号"),
        "acceptance_date": ("验收日期", "到货日期", "到货验收日期"),
        "fixed_asset_no": ("固定资产编号", "资产编号", "卡片编号", "固定资产卡片编号"),
        "location": ("安装位置", "安装地点", "使用部门"),
        "rd_project": ("研发项目", "研发项目名称"),
        "rd_subject": ("研发费用科目", "费用科目"),
        "note": ("备注", "说明"),
    },
    "systems": {
        "id": ("编号", "系统编号"),
        "name": ("系统名称", "名称", "软件名称"),
        "type": ("系统类型", "类型", "类别"),
        "vendor": ("供应商", "厂商", "开发商", "服务商"),
        "product_version": ("产品名称与版本", "版本", "产品版本"),
        "domestic": ("是否国产", "国产"),
        "deployment": ("部署方式", "部署"),
        "go_live": ("上线时间", "上线日期"),
        "status": ("本项目新建/升级/原有", "状态", "建设方式"),
        "coverage": ("覆盖范围",),
        "data_points": ("数据采集点数", "接入设备数", "采集点数"),
    },
    "equipment": {
        "id": ("编号", "设备编号"),
        "name": ("设备名称", "名称"),
        "model": ("型号", "规格型号"),
        "quantity": ("数量", "台数"),
        "line": ("所属产线或工序", "产线", "工序", "所属产线"),
        "key_process": ("是否关键工序", "关键工序"),
        "digital": ("是否数控或数字化", "是否数控", "数控", "数字化"),
        "networked": ("是否联网", "联网"),
        "protocol": ("联网协议", "协议", "通信协议"),
        "domestic": ("是否国产", "国产"),
        "year": ("购置年份", "年份"),
        "value_wan": ("原值", "资产原值"),
        "investment": ("对应投资编号", "本项目购置时对应的附件6编号", "附件6编号"),
    },
}
REQUIRED = {"investments": "name", "systems": "name", "equipment": "name"}
LABEL = {"investments": "附件6 投资明细", "systems": "附件7 信息化系统", "equipment": "附件8/9 设备台账"}
WORDS = {
    "origin": {"国产": "domestic", "进口": "imported", "domestic": "domestic", "imported": "imported"},
    "deployment": {"本地": "on_premise", "本地部署": "on_premise", "私有云": "private_cloud", "公有云": "public_cloud", "混合": "hybrid",
                   "混合云": "hybrid"},
    "status": {"新建": "new", "升级": "upgraded", "原有": "existing", "new": "new", "upgraded": "upgraded", "existing": "existing"},
}
BOOLS = {"second_hand", "productive", "domestic", "key_process", "digital", "networked"}
DATES = {"contract.date", "invoice.date", "payment.date", "acceptance_date", "go_live"}
TEXTS = {"id", "invoice.number", "payment.voucher_no", "contract.number", "fixed_asset_no", "supplier_uscc", "investment"}
INTS = {"year", "data_points"}


def _clean(header: str) -> tuple[str, str | None]:
    """Header without white space and its unit in brackets: ``单价（元）`` → ("单价", "元")."""
    text = re.sub(r"\s", "", header)
    unit = None
    m = re.search(r"[（(]([^）)]*)[）)]$", text)
    if m:
        unit = m.group(1)
        text = text[: m.start()]
    return text, unit


def match_header(header: str, table: str, mapping: dict[str, str]) -> tuple[str | None, str | None]:
    """(field, unit) of one column header."""
    raw = re.sub(r"\s", "", header)
    if raw in mapping:
        return mapping[raw], _clean(raw)[1]
    text, unit = _clean(header)
    if text in mapping:
        return mapping[text], unit
    synonyms = SYNONYMS[table]
    for name, words in synonyms.items():
        if text in words:
            return name, unit
    best: tuple[int, str] | None = None
    for name, words in synonyms.items():
        for w in words:
            if len(w) >= 2 and w in text and (best is None or len(w) > best[0]):
                best = (len(w), name)
    return (best[1], unit) if best else (None, unit)


@dataclass
class LedgerRead:
    rows: list[dict] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (severity, where, message)
    columns: dict[str, str] = field(default_factory=dict)  # header → field
    sheet: str = ""


def read_ledger(path: Path, table: str, *, sheet: str | None = None, mapping: dict[str, str] | None = None,
                file: str | None = None) -> LedgerRead:
    file = file or str(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises zipfile, KeyError, ValueError … on a bad file
        raise InputError(f"无法读取这个 Excel 文件（{type(exc).__name__}）。", file=file,
                         hint="请另存为 .xlsx（Excel 2007 及以后的格式）再导入。") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(f"没有名为“{sheet}”的工作表（有：{'、'.join(wb.sheetnames)}）。", file=file)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        cells = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return parse_rows(cells, table, mapping or {}, file, ws.title)


def parse_rows(cells: list[list[Any]], table: str, mapping: dict[str, str], file: str, sheet: str) -> LedgerRead:
    out = LedgerRead(sheet=sheet)
    mapping = {re.sub(r"\s", "", k): v for k, v in mapping.items()}
    best: tuple[int, int, list] | None = None
    for index, row in enumerate(cells[:HEADER_SCAN]):
        found = [match_header(str(c), table, mapping) if c is not None else (None, None) for c in row]
        score = len({f for f, _ in found if f})
        if score >= 2 and (best is None or score > best[0]):
            best = (score, index, found)
    if best is None:
        raise InputError(f"工作表“{sheet}”的前 {HEADER_SCAN} 行里找不到表头（如 设备名称、数量、金额）。", file=file,
                         hint="用 --map 映射文件说明各列对应的字段。")
    _, header_index, found = best
    sheet_unit = _sheet_unit(cells[:header_index])
    used: dict[str, int] = {}
    for col, (name, _unit) in enumerate(found):
        if name and name not in used:
            used[name] = col
            out.columns[str(cells[header_index][col])] = name
    if REQUIRED[table] not in used:
        raise InputError(f"工作表“{sheet}”没有名称列。", file=file, hint="用 --map 指明哪一列是名称。")
    for index in range(header_index + 1, len(cells)):
        row = cells[index]
        number = index + 1  # the sheet's own row number
        values = [v for v in row if v is not None and str(v).strip()]
        if not values:
            continue
        if any(isinstance(v, str) and re.match(r"^\s*(合\s*计|小\s*计|总\s*计)", v) for v in row[:3]):
            continue
        item: dict = {}
        errors: list[str] = []
        for name, col in used.items():
            raw = row[col] if col < len(row) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            header = str(cells[header_index][col]).strip()
            try:
                value = _convert(name, raw, found[col][1] or sheet_unit)
            except ValueError as exc:
                errors.append(f"“{header}”列的“{raw}”{exc}")
                continue
            _put(item, name, value)
        where = f"{file} 工作表“{sheet}”第 {number} 行"
        if errors:
            out.problems.append(("error", where, "；".join(errors) + "，本行未导入"))
            continue
        if not item.get(REQUIRED[table]):
            out.problems.append(("error", where, "没有名称，本行未导入"))
            continue
        out.rows.append(_ordered(item, table))
    return out


def _sheet_unit(rows: list[list[Any]]) -> str | None:
    for row in rows:
        for c in row:
            if isinstance(c, str):
                m = re.search(r"单位[:：]\s*(万元|元)", c)
                if m:
                    return m.group(1)
    return None


def _put(item: dict, name: str, value: Any) -> None:
    if "." in name:
        head, tail = name.split(".", 1)
        item.setdefault(head, {})[tail] = value
    else:
        item[name] = value


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError("不是数字")
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = re.sub(r"[\s,，¥￥]", "", str(raw))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("不是数字") from None


def _convert(name: str, raw: Any, unit: str | None) -> Any:
    key = name.rsplit(".", 1)[-1]
    if key.endswith("_wan"):
        value = _decimal(raw)
        return (value if unit == "万元" else value / TEN_THOUSAND).normalize()
    if key == "quantity":
        value = _decimal(raw).normalize()
        return int(value) if value == value.to_integral_value() else value
    if key in INTS:
        value = _decimal(raw)
        if value != value.to_integral_value():
            raise ValueError("不是整数")
        return int(value)
    if name in DATES:
        return _date(raw)
    if key in BOOLS:
        text = str(raw).strip().lower()
        if text in ("是", "有", "√", "yes", "y", "true", "1"):
            return True
        if text in ("否", "无", "×", "no", "n", "false", "0"):
            return False
        raise ValueError("应为 是 或 否")
    if key in WORDS:
        text = str(raw).strip()
        if text not in WORDS[key]:
            raise ValueError(f"应为 {' / '.join(k for k in WORDS[key] if not k.isascii())}")
        return WORDS[key][text]
    if isinstance(raw, float):
        if name in TEXTS and raw == int(raw):
            if abs(raw) >= 1e15:
                raise ValueError("是超过 15 位的数字，Excel 已丢失末几位，请把该列设为文本后重新填写")
            return str(int(raw))
        return str(raw)
    if isinstance(raw, (dt.datetime, dt.date)):
        return _date(raw).isoformat()
    return str(raw).strip()


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    m = re.match(r"^\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?\s*$", str(raw))
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValueError("不是日期（应为 2024-03-26 或 2024年3月26日）")


def _ordered(item: dict, table: str) -> dict:
    """Keys in the model's order, so new rows read like the rest of enterprise.yaml."""
    from dossier.application.model import EquipmentItem, Investment, System

    model = {"investments": Investment, "systems": System, "equipment": EquipmentItem}[table]
    order = list(model.model_fields)
    return {k: item[k] for k in sorted(item, key=lambda k: order.index(k) if k in order else len(order))}


def load_mapping(path: Path) -> dict[str, str]:
    """A YAML file ``列标题: 字段`` (字段 as in enterprise.yaml, ``contract.number`` for nested)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise InputError(f"映射文件无法读取（{type(exc).__name__}）。", file=str(path)) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError("映射文件应为“列标题: 字段”的对应表。", file=str(path), hint="例如：含税总价（元）: amount_wan")
    known = {f for table in SYNONYMS.values() for f in table}
    unknown = [v for v in data.values() if v not in known]
    if unknown:
        raise InputError(f"映射文件里有未知字段：{'、'.join(unknown)}。", file=str(path),
                         hint="字段名见 docs/enterprise-yaml.md，嵌套字段写成 contract.number。")
    return data
