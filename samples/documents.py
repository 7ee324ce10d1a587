"""The evidence documents of one investment row, as :class:`~samples.sheet.Sheet` pages: contract,
数电发票, bank receipt (电子回单), account statement (银行流水) and the R&D papers (研发辅助账,
工资分配表, 领料单, 立项书), plus the system reports cited by indicators and scenarios.

Everything printed is derived from ``enterprise.yaml``; bank names and account numbers are
fictional and derived from the parties' codes so that they are stable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from dossier.application.model import Application, Investment
from dossier.util.formats import daxie_yuan
from samples.sheet import A4, A4_LANDSCAPE, A5_LANDSCAPE, BLUE, BROWN, GREY, INVOICE, Page, Sheet, stamp

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
CITY = {
    "11": "北京市海淀区", "31": "上海市浦东新区", "32": "江苏省", "33": "浙江省杭州市", "44": "广东省",
    "42": "湖北省武汉市", "50": "重庆市渝北区",
}
REGION_CITY = {
    "4403": "深圳市南山区", "4419": "东莞市松山湖高新区", "4401": "广州市黄埔区", "3205": "苏州市",
    "3202": "无锡市新吴区", "3204": "常州市新北区", "3101": "上海市", "3301": "杭州市",
    "1101": "北京市海淀区", "4201": "武汉市", "5001": "重庆市渝北区",
}


def yuan(wan: Decimal) -> Decimal:
    return (wan * TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def cn_date(day: dt.date, pad: bool = True) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日" if pad else f"{day.year}年{day.month}月{day.day}日"


def _digits(key: str, n: int) -> str:
    h = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return f"{h % 10**n:0{n}d}"


@dataclass(frozen=True)
class Party:
    name: str
    uscc: str
    address: str
    bank: str
    account: str
    phone: str


def party(name: str, uscc: str, address: str | None = None) -> Party:
    region = REGION_CITY.get(uscc[2:6], "武汉市")
    street = ["科技路", "创业大道", "高新大道", "工业园路", "智造路"][int(_digits(uscc + "s", 2)) % 5]
    address = address or f"{region}{street}{int(_digits(uscc, 3)) % 300 + 8}号"
    city = region[:3] if region.endswith(("区", "市")) else region
    bank = f"楚江银行{city.replace('市', '').replace('省', '')}分行营业部"
    return Party(name, uscc, address, bank, "62" + _digits(uscc + "acct", 17), "0" + _digits(uscc + "tel", 10)[:2] + "-" + _digits(uscc + "t2", 8))


@dataclass(frozen=True)
class Deal:
    """One investment row with its two parties."""

    row: Investment
    buyer: Party
    seller: Party | None
    rd_project: str | None = None

    @property
    def gross(self) -> Decimal:
        return yuan(self.row.amount_wan)

    @property
    def tax(self) -> Decimal:
        return yuan(self.row.invoice.tax_wan or Decimal(0))

    @property
    def paid(self) -> Decimal:
        return yuan(self.row.payment.amount_wan or self.row.amount_wan)

    @property
    def qty(self) -> Decimal:
        return self.row.quantity or Decimal(1)

    @property
    def rate(self) -> Decimal:
        net = self.gross - self.tax
        return (self.tax / net * 100).quantize(Decimal(1)) if net else Decimal(0)

    @property
    def purpose(self) -> str:
        kind = {"研发投入": "研发", "工业软件": "软件", "信息化硬件": "设备", "设备改造": "改造工程"}.get(self.row.category or "", "设备")
        return f"支付{self.row.contract.number or ''}{kind}款"


def deal_for(app: Application, row: Investment) -> Deal:
    ent = app.enterprise
    buyer = party(ent.name or "", ent.uscc or "", ent.registered_address)
    seller = party(row.supplier, row.supplier_uscc or "") if row.supplier else None
    return Deal(row, buyer, seller, row.rd_project)


# ---------------------------------------------------------------- flowing text


class Writer:
    """Paragraphs and simple tables flowing down A4 pages."""

    def __init__(self, sheet: Sheet, size=10.5, margin=(25.0, 22.0), page_size=A4, leading=1.75):
        self.sheet, self.size, self.margin, self.page_size, self.leading = sheet, size, margin, page_size, leading
        self.page: Page = sheet.page(page_size)
        self.y = margin[1]

    @property
    def width(self) -> float:
        return self.page_size[0] - 2 * self.margin[0]

    def need(self, h: float) -> None:
        if self.y + h > self.page_size[1] - self.margin[1] - 8:
            self.footer()
            self.page = self.sheet.page(self.page_size)
            self.y = self.margin[1]

    def footer(self) -> None:
        n = len(self.sheet.pages)
        self.page.text(self.page_size[0] / 2, self.page_size[1] - 14, f"第 {n} 页", 8, align="center", color=GREY)

    def title(self, s: str, size=18.0) -> None:
        self.page.text(self.page_size[0] / 2, self.y, s, size, bold=True, align="center")
        self.y += size * 0.353 * 2.2

    def para(self, s: str, *, indent=True, bold=False, size=None, gap=1.5) -> None:
        size = size or self.size
        lh = size * 0.353 * self.leading
        text = ("\u3000\u3000" if indent else "") + s
        for line in self.sheet.wrap(text, size, self.width):
            self.need(lh)
            self.page.text(self.margin[0], self.y, line, size, bold=bold)
            self.y += lh
        self.y += gap

    def kv(self, pairs: list[tuple[str, str]], size=None, col=32.0) -> None:
        size = size or self.size
        lh = size * 0.353 * self.leading
        for k, v in pairs:
            lines = self.sheet.wrap(v, size, self.width - col)
            self.need(lh * len(lines))
            self.page.text(self.margin[0], self.y, k, size)
            for line in lines:
                self.page.text(self.margin[0] + col, self.y, line, size)
                self.y += lh

    def table(self, head: list[str], rows: list[list[str]], widths: list[float], size=9.0, aligns=None) -> None:
        aligns = aligns or ["left"] * len(head)
        x0 = self.margin[0]
        lh = size * 0.353 * 1.5

        def draw(cells, bold=False):
            wrapped = [self.sheet.wrap(c, size, w - 2) or [""] for c, w in zip(cells, widths)]
            h = max(len(w) for w in wrapped) * lh + 2
            self.need(h)
            x = x0
            for lines, w, al in zip(wrapped, widths, aligns):
                self.page.rect(x, self.y, w, h, 0.2)
                for i, line in enumerate(lines):
                    tx = {"left": x + 1, "right": x + w - 1, "center": x + w / 2}[al if not bold else "center"]
                    self.page.text(tx, self.y + 1 + i * lh, line, size, bold=bold, align=al if not bold else "center")
                x += w
            self.y += h

        draw(head, bold=True)
        for r in rows:
            draw(r)
        self.y += 3


# ---------------------------------------------------------------- contract


def _contract_kind(row: Investment) -> tuple[str, str]:
    cat = row.category or ""
    if cat == "研发投入":
        if "委托" in (row.name or "") or "设计" in (row.name or ""):
            return "技术开发（委托）合同", "技术服务"
        return "研发物料采购合同", "物料"
    if cat == "工业软件":
        return "软件许可及实施服务合同", "软件及服务"
    if cat == "设备改造":
        return "设备改造工程合同", "改造工程"
    return "设备采购合同", "设备"


def contract(font: Path, deal: Deal) -> Sheet:
    row, buyer, seller = deal.row, deal.buyer, deal.seller
    title, kind = _contract_kind(row)
    sheet = Sheet(font, title=f"{title} {row.contract.number}")
    w = Writer(sheet)
    w.title(title)
    w.page.text(A4[0] - 25, w.y, f"合同编号：{row.contract.number}", 10, align="right")
    w.y += 6
    w.page.text(A4[0] - 25, w.y, f"签订日期：{cn_date(row.contract.date, pad=False)}", 10, align="right")
    w.y += 6
    w.page.text(A4[0] - 25, w.y, "签订地点：湖北省武汉市", 10, align="right")
    w.y += 10
    w.kv([("甲方（买方）：", buyer.name), ("统一社会信用代码：", buyer.uscc), ("地址：", buyer.address)], col=40)
    w.y += 3
    w.kv([("乙方（卖方）：", seller.name), ("统一社会信用代码：", seller.uscc), ("地址：", seller.address)], col=40)
    w.y += 4
    w.para(
        f"根据《中华人民共和国民法典》及有关法律法规，甲乙双方本着平等自愿、诚实信用的原则，就甲方“{deal.rd_project or '智能工厂建设项目'}”"
        f"所需{kind}事宜，经友好协商，订立本合同，共同遵守。"
    )
    w.para("第一条  合同标的", indent=False, bold=True)
    qty = deal.qty
    unit_gross = (deal.gross / qty).quantize(CENT)
    w.table(
        ["序号", "名称", "规格型号", "数量", "单位", "含税单价（元）", "含税金额（元）"],
        [["1", row.name or "", row.model or "—", f"{qty.normalize():f}", row.unit or "项", money(unit_gross), money(deal.gross)]],
        [10, 46, 30, 12, 12, 25, 25],
        aligns=["center", "left", "left", "right", "center", "right", "right"],
    )
    w.para(f"合同总价（含税）：人民币 ¥{money(deal.gross)} 元，大写：{daxie_yuan(row.amount_wan)}。"
           f"其中税率 {deal.rate}%，税额 ¥{money(deal.tax)} 元。合同总价包含{kind}费、包装运输费、保险费、安装调试费、培训费及税费。")
    w.para("第二条  质量标准", indent=False, bold=True)
    w.para("乙方所供标的应为全新、未使用过的合格产品，符合国家标准、行业标准及双方确认的技术协议要求。乙方随货提供产品合格证、使用说明书、"
           "出厂检验报告和装箱清单。技术协议为本合同不可分割的组成部分，与本合同具有同等法律效力。")
    w.para("第三条  交付、安装与验收", indent=False, bold=True)
    accept = row.acceptance_date
    w.para(f"乙方应于合同生效后按甲方书面通知将标的交付至{row.location or '甲方指定地点'}，并负责安装调试。"
           + (f"双方已于{cn_date(accept, pad=False)}完成验收，" if accept else "")
           + "验收以技术协议约定的性能指标为准，验收合格后双方签署验收报告。验收不合格的，乙方应在十五日内整改，整改后重新验收。")
    w.para("第四条  付款方式", indent=False, bold=True)
    share = (deal.paid / deal.gross * 100).quantize(Decimal(1)) if deal.gross else Decimal(100)
    retain = Decimal(100) - share
    w.para(f"甲方在标的验收合格并收到乙方开具的全额增值税发票后三十日内，以银行转账方式支付至合同总价的 {share}%"
           + (f"；剩余 {retain}% 作为质量保证金，在质保期满且无质量问题后十五日内无息支付。" if retain else "。")
           + f"乙方收款账户：{seller.bank}，账号 {seller.account}。")
    w.para("第五条  质量保证", indent=False, bold=True)
    w.para("质保期为验收合格之日起十二个月。质保期内因产品质量问题引起的故障，乙方负责免费维修或更换，接到甲方通知后四小时内响应、"
           "二十四小时内到达现场。质保期满后乙方提供终身有偿技术服务，备品备件价格不高于市场价。")
    w.para("第六条  知识产权与保密", indent=False, bold=True)
    w.para("乙方保证所供标的不侵犯任何第三方的知识产权。双方对在履行本合同过程中知悉的对方商业秘密和技术资料负有保密义务，"
           "保密期限自本合同签订之日起至相关信息公开之日止。")
    w.para("第七条  违约责任", indent=False, bold=True)
    w.para("乙方逾期交货的，每逾期一日按合同总价的千分之五向甲方支付违约金，累计不超过合同总价的百分之十；甲方逾期付款的，"
           "每逾期一日按逾期金额的千分之五向乙方支付违约金。任何一方违约给对方造成损失的，应予赔偿。")
    w.para("第八条  争议解决", indent=False, bold=True)
    w.para("因本合同引起的争议，双方应友好协商解决；协商不成的，任何一方均可向甲方所在地人民法院提起诉讼。")
    w.para("第九条  其他", indent=False, bold=True)
    w.para("本合同自双方法定代表人或授权代表签字并加盖公章或合同专用章之日起生效。本合同一式四份，甲乙双方各执两份，具有同等法律效力。"
           "（以下无正文）")
    w.need(62)
    y = w.y + 4
    for x, label, p in ((25, "甲方（盖章）：", buyer), (112, "乙方（盖章）：", seller)):
        w.page.text(x, y, label + p.name, 9.5)
        w.page.text(x, y + 10, "法定代表人或授权代表（签字）：", 9.5)
        w.page.text(x, y + 20, f"开户银行：{p.bank}", 8.5)
        w.page.text(x, y + 26, f"账    号：{p.account}", 8.5)
        w.page.text(x, y + 32, f"电    话：{p.phone}", 8.5)
        w.page.text(x, y + 40, f"日    期：{cn_date(row.contract.date, pad=False)}", 9.5)
        stamp(w.page, x + 52, y + 22, p.name, "合同专用章")
    w.y = y + 50
    w.footer()
    return sheet


# ---------------------------------------------------------------- 数电发票


def _tax_item(row: Investment, rate: Decimal) -> str:
    name = row.name or ""
    if rate == 9:
        return "*建筑服务*" + name
    if rate == 6:
        if "设计" in name:
            return "*设计服务*" + name
        if "研发" in name or "委托" in name:
            return "*研发和技术服务*" + name
        return "*信息技术服务*" + name
    if row.category == "工业软件":
        return "*软件*" + name
    if row.category == "信息化硬件":
        return "*计算机外部设备*" + name
    if row.category == "研发投入":
        return "*化学试剂助剂*" + name if "锂" in name or "试剂" in name else "*电子元件*" + name
    return "*专用设备*" + name


def invoice(font: Path, deal: Deal) -> Sheet:
    row, buyer, seller = deal.row, deal.buyer, deal.seller
    sheet = Sheet(font, title=f"电子发票 {row.invoice.number}")
    p = sheet.page(INVOICE)
    W = INVOICE[0]
    p.text(W / 2, 9, "电子发票（增值税专用发票）", 17, bold=True, align="center", color=BROWN)
    p.line(W / 2 - 48, 18.5, W / 2 + 48, 18.5, 0.4, BROWN)
    p.line(W / 2 - 48, 19.5, W / 2 + 48, 19.5, 0.4, BROWN)
    p.text(W - 12, 8, f"发票号码：{row.invoice.number}", 9.5, align="right")
    p.text(W - 12, 14, f"开票日期：{cn_date(row.invoice.date)}", 9.5, align="right")
    x0, x1, top = 10, W - 10, 24
    p.rect(x0, top, x1 - x0, 24, 0.35, BROWN)
    p.line(W / 2, top, W / 2, top + 24, 0.35, BROWN)
    for x, label, party_ in ((x0, "购买方信息", buyer), (W / 2, "销售方信息", seller)):
        p.line(x + 7, top, x + 7, top + 24, 0.35, BROWN)
        for i, ch in enumerate(label):
            p.text(x + 3.5, top + 1.5 + i * 4.2, ch, 8.5, align="center", color=BROWN)
        p.text(x + 9, top + 5, f"名称：{party_.name}", 9)
        p.text(x + 9, top + 13, f"统一社会信用代码/纳税人识别号：{party_.uscc}", 8.5)
    t = top + 24
    cols = [(x0, 62, "项目名称"), (72, 30, "规格型号"), (102, 12, "单 位"), (114, 18, "数 量"), (132, 26, "单 价"),
            (158, 28, "金 额"), (186, 17, "税率/征收率"), (203, 28, "税 额")]
    p.rect(x0, t, x1 - x0, 48, 0.35, BROWN)
    for x, w, label in cols:
        p.text(x + w / 2, t + 1.5, label, 8.5, align="center", color=BROWN)
    net = deal.gross - deal.tax
    qty = deal.qty
    unit_net = (net / qty).quantize(CENT)
    item = _tax_item(row, deal.rate)
    lines = sheet.wrap(item, 8.5, 60)
    for i, line in enumerate(lines):
        p.text(x0 + 1, t + 8 + i * 4, line, 8.5)
    for i, line in enumerate(sheet.wrap(row.model or "", 8, 28)):
        p.text(73, t + 8 + i * 4, line, 8)
    p.text(108, t + 8, row.unit or "项", 8.5, align="center")
    p.text(131, t + 8, f"{qty.normalize():f}", 8.5, align="right")
    p.text(157, t + 8, f"{unit_net:.2f}", 8.5, align="right")
    p.text(185, t + 8, f"{net:.2f}", 8.5, align="right")
    p.text(194.5, t + 8, f"{deal.rate}%", 8.5, align="center")
    p.text(230, t + 8, f"{deal.tax:.2f}", 8.5, align="right")
    p.text(x0 + 18, t + 41, "合    计", 9, align="center", color=BROWN)
    p.text(185, t + 41, f"¥{money(net)}", 9, align="right")
    p.text(230, t + 41, f"¥{money(deal.tax)}", 9, align="right")
    t += 48
    p.rect(x0, t, x1 - x0, 16, 0.35, BROWN)
    p.text(x0 + 2, t + 2, "价税合计（大写）", 9, color=BROWN)
    p.text(x0 + 34, t + 2, daxie_yuan(row.amount_wan).removeprefix("人民币"), 9.5)
    p.text(x0 + 130, t + 9, f"价税合计（小写）¥{money(deal.gross)}", 9.5)
    t += 16
    p.rect(x0, t, x1 - x0, 16, 0.35, BROWN)
    for i, ch in enumerate("备注"):
        p.text(x0 + 3.5, t + 2.5 + i * 5, ch, 8.5, align="center", color=BROWN)
    p.line(x0 + 7, t, x0 + 7, t + 16, 0.35, BROWN)
    p.text(x0 + 9, t + 2, f"合同编号：{row.contract.number or '—'}", 8.5)
    p.text(x0 + 9, t + 8, f"销方开户银行：{seller.bank}；银行账号：{seller.account}", 8.5)
    p.text(x0 + 2, t + 19, f"开票人：{_person(seller.uscc + 'drawer')}", 9, color=BROWN)
    return sheet


SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红辉鹏飞宇浩婷雪琳"


def _person(key: str) -> str:
    n = int(_digits(key, 6))
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 20) % len(GIVEN)] + (GIVEN[(n // 900) % len(GIVEN)] if n % 3 else "")


# ---------------------------------------------------------------- 电子回单 / 银行流水


def voucher(font: Path, deal: Deal, *, payee_label: str | None = None) -> Sheet:
    row, buyer = deal.row, deal.buyer
    payee = deal.seller or Party(payee_label or "研发人员工资（批量代发）", "", "", buyer.bank, "批量代发", "")
    sheet = Sheet(font, title=f"电子回单 {row.payment.voucher_no}")
    p = sheet.page(A5_LANDSCAPE)
    W = A5_LANDSCAPE[0]
    p.text(W / 2, 10, "楚江银行网上银行电子回单", 15, bold=True, align="center", color=BLUE)
    p.text(12, 22, f"回单编号：{row.payment.voucher_no}", 9)
    p.text(W - 12, 22, f"交易日期：{cn_date(row.payment.date)}", 9, align="right")
    top, x0, x1 = 28, 12, W - 12
    p.rect(x0, top, x1 - x0, 84, 0.3)
    p.line(W / 2, top, W / 2, top + 30, 0.3)
    p.line(x0, top + 30, x1, top + 30, 0.3)
    for x, label, who in ((x0, "付款人", buyer), (W / 2, "收款人", payee)):
        p.text(x + 2, top + 2, label, 9, bold=True)
        p.text(x + 2, top + 9, f"户名：{who.name}", 8.5)
        p.text(x + 2, top + 16, f"账号：{who.account}", 8.5)
        p.text(x + 2, top + 23, f"开户行：{who.bank}", 8.5)
    rows = [
        ("金额（小写）", f"¥{money(deal.paid)}"),
        ("金额（大写）", daxie_yuan(row.payment.amount_wan or row.amount_wan)),
        ("用途", deal.purpose if deal.seller else "代发研发人员工资"),
        ("交易流水号", "FT" + _digits((row.payment.voucher_no or "") + "ft", 18)),
        ("摘要", "网银转账" if deal.seller else "批量代发工资"),
    ]
    for i, (k, v) in enumerate(rows):
        y = top + 33 + i * 9.5
        p.text(x0 + 2, y, k, 9)
        p.text(x0 + 30, y, v, 9.5 if i < 2 else 9)
        p.line(x0, y + 7, x1, y + 7, 0.15, GREY)
    p.text(x0, top + 88, "本回单为电子回单，可通过网上银行验证真伪；重复打印无效。", 7.5, color=GREY)
    stamp(p, W - 38, top + 60, "楚江银行", "电子回单专用章", r=15)
    return sheet


def statement(font: Path, deal: Deal, *, landscape: bool) -> Sheet:
    row, buyer = deal.row, deal.buyer
    size = A4_LANDSCAPE if landscape else A4
    sheet = Sheet(font, title=f"账户交易明细 {buyer.account}")
    w = Writer(sheet, size=9.5, margin=(15.0, 16.0), page_size=size)
    w.title("楚江银行 账户交易明细（银行流水）", 15)
    day = row.payment.date
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    w.kv([("账户名称：", buyer.name), ("账    号：", buyer.account), ("开 户 行：", buyer.bank),
          ("查询期间：", f"{cn_date(start)} 至 {cn_date(end)}"), ("币    种：", "人民币")], col=22)
    w.y += 2
    seed = int(_digits((row.id or "") + "stmt", 8))
    balance = Decimal(38_000_000 + seed % 9_000_000) + Decimal(seed % 97) / 100
    entries = []
    days = sorted({max(1, (seed >> k) % end.day + 1) for k in (0, 5, 9, 13)} | {day.day})
    for i, d in enumerate(days):
        when = start.replace(day=d)
        if d == day.day:
            amount = -deal.paid
            who = deal.seller.name if deal.seller else "批量代发工资"
            acct = deal.seller.account if deal.seller else "—"
            memo = deal.purpose if deal.seller else "代发研发人员工资"
            vno = row.payment.voucher_no or ""
        else:
            amount = Decimal((seed >> (i * 3)) % 4_800_000 + 120_000) + Decimal(i * 37 % 100) / 100
            amount = amount if i % 2 == 0 else -amount / 4
            who = "供电公司（代扣）" if amount < 0 else "客户回款"
            acct = "—"
            memo = "电费" if amount < 0 else "货款"
            vno = _digits(f"{row.id}{i}v", 16)
        balance += amount
        entries.append([cn_date(when), memo, who, acct, money(-amount) if amount < 0 else "", money(amount) if amount > 0 else "",
                        money(balance), vno])
    if landscape:
        widths = [26, 30, 50, 42, 28, 28, 30, 33]
        head = ["交易日期", "摘要", "对方户名", "对方账号", "借方发生额", "贷方发生额", "余额", "凭证号"]
    else:
        widths = [24, 28, 44, 0, 25, 25, 26, 0]
        head = ["交易日期", "摘要", "对方户名", "", "借方发生额", "贷方发生额", "余额", ""]
    keep = [i for i, wd in enumerate(widths) if wd]
    w.table([head[i] for i in keep], [[e[i] for i in keep] for e in entries], [widths[i] for i in keep], size=8.5,
            aligns=[["center", "left", "left", "left", "right", "right", "right", "left"][i] for i in keep])
    w.para(f"本期共 {len(entries)} 笔交易。本明细由网上银行导出，加盖电子印章后与柜台打印件具有同等效力。", indent=False, size=8.5)
    stamp(w.page, size[0] - 50, min(w.y + 18, size[1] - 40), "楚江银行", "业务专用章", r=16)
    return sheet


# ---------------------------------------------------------------- R&D papers


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d)
        d = (d + dt.timedelta(days=32)).replace(day=1)
    return out


def _split(total: Decimal, n: int, key: str) -> list[Decimal]:
    weights = [Decimal(80 + int(_digits(f"{key}{i}", 2)) % 40) for i in range(n)]
    parts = [(total * wt / sum(weights)).quantize(CENT) for wt in weights]
    parts[-1] += total - sum(parts)
    return parts


def rd_ledger(font: Path, deal: Deal) -> Sheet:
    row = deal.row
    sheet = Sheet(font, title=f"研发支出辅助账 {row.id}")
    w = Writer(sheet, size=9.5)
    w.title("研发支出辅助账", 16)
    w.kv([("企业名称：", deal.buyer.name), ("研发项目：", deal.rd_project or ""), ("费用科目：", row.rd_subject or ""),
          ("明细项目：", row.name or "")], col=22)
    w.y += 2
    end = row.payment.date or row.invoice.date
    if row.invoice.date:
        entries = [(row.invoice.date, f"记-{end.month:02d}-{int(_digits(row.id or '', 3)):03d}", f"{row.name}（发票 {row.invoice.number[-8:]}）", deal.gross)]
    else:
        months = _months(dt.date(2024, 1, 1), dt.date(2025, 6, 30))
        amounts = _split(deal.gross, len(months), row.id or "")
        entries = [(m, f"记-{m.month:02d}-{int(_digits(f'{row.id}{m}', 3)):03d}", f"{m.year}年{m.month}月研发人员工资分摊", a)
                   for m, a in zip(months, amounts)]
    total = Decimal(0)
    rows = []
    for day, vno, memo, amount in entries:
        total += amount
        rows.append([cn_date(day), vno, memo, money(amount), money(total)])
    rows.append(["合计", "", "", money(total), ""])
    w.table(["日期", "凭证号", "摘要", "借方金额（元）", "累计（元）"], rows, [30, 24, 62, 22, 22], size=8.5,
            aligns=["left", "left", "left", "right", "right"])
    w.para("说明：按《关于完善研究开发费用税前加计扣除政策的通知》（财税〔2015〕119号）口径归集，与会计账簿核对一致。", indent=False, size=9)
    w.y += 4
    w.page.text(25, w.y, f"财务负责人：{_person(deal.buyer.uscc + 'cfo')}", 9.5)
    w.page.text(110, w.y, f"制表：{_person(deal.buyer.uscc + 'acc')}", 9.5)
    stamp(w.page, 160, w.y + 20, deal.buyer.name, "财务专用章", r=17)
    w.footer()
    return sheet


def payroll(font: Path, deal: Deal) -> Sheet:
    row = deal.row
    sheet = Sheet(font, title=f"研发人员工资分配表 {row.id}")
    w = Writer(sheet, size=9.5)
    w.title("研发人员工资分配表", 16)
    w.kv([("企业名称：", deal.buyer.name), ("研发项目：", deal.rd_project or ""), ("期间：", "2024年1月至2025年6月")], col=22)
    w.y += 2
    staff = 18
    amounts = _split(deal.gross, staff, (row.id or "") + "staff")
    roles = ["项目负责人", "配方工程师", "工艺工程师", "分析工程师", "实验员", "中试工程师"]
    rows = []
    for i, a in enumerate(amounts):
        hours = 1600 + int(_digits(f"{row.id}h{i}", 3)) % 900
        rows.append([str(i + 1), _person(f"{row.id}staff{i}"), roles[i % len(roles)] if i else roles[0], str(hours),
                     f"{60 + int(_digits(f'{row.id}p{i}', 2)) % 41}%", money(a)])
    rows.append(["", "合计", "", "", "", money(deal.gross)])
    w.table(["序号", "姓名", "岗位", "研发工时", "分摊比例", "计入研发金额（元）"], rows, [14, 24, 34, 24, 24, 40], size=8.5,
            aligns=["center", "left", "left", "right", "right", "right"])
    w.para("分摊依据：研发项目工时记录（研发管理系统导出），工资总额含基本工资、绩效工资及企业承担的社会保险和住房公积金。", indent=False, size=9)
    w.y += 4
    w.page.text(25, w.y, f"人力资源部：{_person(deal.buyer.uscc + 'hr')}", 9.5)
    w.page.text(110, w.y, f"研发中心：{_person(deal.buyer.uscc + 'rd')}", 9.5)
    stamp(w.page, 160, w.y + 20, deal.buyer.name, "财务专用章", r=17)
    w.footer()
    return sheet


def requisition(font: Path, deal: Deal) -> Sheet:
    row = deal.row
    sheet = Sheet(font, title=f"研发领料单 {row.id}")
    w = Writer(sheet, size=9.5)
    w.title("研发领料单（汇总）", 16)
    w.kv([("研发项目：", deal.rd_project or ""), ("采购合同：", row.contract.number or ""), ("供应商：", deal.seller.name if deal.seller else "")], col=22)
    w.y += 2
    parts = _split(deal.gross, 6, (row.id or "") + "req")
    when = row.invoice.date or row.payment.date
    rows = [[f"LL{when:%Y%m}{i + 1:03d}", cn_date(when + dt.timedelta(days=7 * i + 3)), f"{row.name}（第 {i + 1} 批）", money(a)]
            for i, a in enumerate(parts)]
    rows.append(["合计", "", "", money(deal.gross)])
    w.table(["领料单号", "领用日期", "物料", "金额（元）"], rows, [32, 32, 70, 26], size=8.5, aligns=["left", "left", "left", "right"])
    w.page.text(25, w.y + 4, f"领用人：{_person(row.id or 'x')}    审核：{_person((row.id or 'x') + 'a')}", 9.5)
    w.footer()
    return sheet


def approval(font: Path, deal: Deal) -> Sheet:
    sheet = Sheet(font, title="研发项目立项书")
    w = Writer(sheet)
    w.title("研发项目立项书")
    w.kv([("项目名称：", deal.rd_project or ""), ("立项编号：", f"RD-{deal.row.contract.date:%Y}-{int(_digits(deal.row.id or '', 2)):02d}"),
          ("承担部门：", "研发中心"), ("起止时间：", "2024年1月至2025年12月"), ("立项日期：", cn_date(deal.row.contract.date - dt.timedelta(days=20), pad=False))], col=26)
    w.y += 3
    w.para("一、立项背景", indent=False, bold=True)
    w.para("为支撑智能工厂新产线的量产导入，需要同步开展新产品与新工艺研究，形成可在产线直接执行的工艺参数、测试程序和质量标准。")
    w.para("二、研究内容", indent=False, bold=True)
    w.para(f"围绕“{deal.rd_project}”，开展材料与结构设计、工艺窗口试验、仿真验证和可靠性评价，其中“{deal.row.name}”委托外部专业机构承担。")
    w.para("三、预期成果", indent=False, bold=True)
    w.para("形成新产品设计规范和工艺规程各一套，申请发明专利两项以上，研究成果在智能工厂产线实现量产应用。")
    w.para("四、经费预算", indent=False, bold=True)
    w.para(f"项目总预算按研发费用加计扣除口径归集，其中本合同金额 ¥{money(deal.gross)} 元，计入“{deal.row.rd_subject}”。")
    w.y += 6
    w.page.text(25, w.y, "总经理办公会审批意见：同意立项。", 10.5)
    stamp(w.page, 150, w.y + 18, deal.buyer.name, "", r=18)
    w.footer()
    return sheet


# ---------------------------------------------------------------- indicator and scenario evidence


def system_report(font: Path, app: Application, title: str, lines: list[tuple[str, str, str]]) -> Sheet:
    """A report exported from a system: a header and a table of (item, before, after) lines."""
    sheet = Sheet(font, title=title)
    w = Writer(sheet)
    w.title(title, 16)
    w.kv([("企业名称：", app.enterprise.name or ""), ("工厂：", app.project.factory_name or ""),
          ("导出时间：", "2025年10月08日")], col=22)
    w.y += 3
    w.table(["项目", "改造前（2023年）", "改造后（2025年1-9月）"], [list(x) for x in lines], [70, 45, 45], size=9,
            aligns=["left", "right", "right"])
    w.para("数据由系统自动采集、按月汇总，统计口径在改造前后保持一致。", indent=False, size=9)
    stamp(w.page, 150, w.y + 20, app.enterprise.name or "", "", r=18)
    w.footer()
    return sheet


def scenario_record(font: Path, app: Application, title: str, facts: list[tuple[str, str]], description: str,
                    lines: list[tuple[str, str, str]]) -> Sheet:
    """A scenario's run record: what was built, since when, on which systems, and its effect lines."""
    sheet = Sheet(font, title=title)
    w = Writer(sheet)
    w.title(title, 16)
    w.kv([("企业名称：", app.enterprise.name or ""), ("工厂：", app.project.factory_name or ""), *facts], col=26)
    w.y += 3
    w.para("一、建设与运行情况", indent=False, bold=True)
    w.para(description or "场景已按设计方案建成并投入运行。")
    if lines:
        w.para("二、运行成效", indent=False, bold=True)
        w.table(["项目", "改造前（2023年）", "改造后（2025年1-9月）"], [list(x) for x in lines], [70, 45, 45], size=9,
                aligns=["left", "right", "right"])
    w.para("以上记录由系统导出，经生产、设备、质量部门确认。", indent=False, size=9)
    stamp(w.page, 150, w.y + 20, app.enterprise.name or "", "", r=18)
    w.footer()
    return sheet
