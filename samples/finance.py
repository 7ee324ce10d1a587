"""What a finance department hands over, derived from the sample's ``enterprise.yaml``: the purchase
ledger as .xlsx (设备采购台账, amounts in 元, a title row and a 合计 row as ledgers have), and 数电发票
as XML (the tax bureau's ``EInvoice`` elements) and OFD, plus a bank e-receipt (电子回单) as OFD.

``dossier import xlsx`` and ``dossier import invoices`` read these back into the rows they came from.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from xml.sax.saxutils import escape

from dossier.application.model import Application
from dossier.export_xlsx import fixed_zip
from dossier.util.formats import daxie_yuan
from samples import documents

FIXED = dt.datetime(2024, 1, 1)
LEDGER_HEAD = [
    "编号", "类别", "设备名称", "规格型号", "数量", "单位", "单价（元）", "金额（元）", "供应商", "供应商统一社会信用代码",
    "国产/进口", "合同编号", "合同签订日期", "合同金额（元）", "发票号码", "开票日期", "税额（元）", "付款日期",
    "付款金额（元）", "付款凭证号", "验收日期", "固定资产编号", "安装位置", "是否生产性", "研发项目", "研发费用科目", "备注",
]


def _yuan(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan * 10000).normalize()


def ledger_rows(app: Application) -> list[list]:
    rows = []
    for r in app.investments:
        rows.append([
            r.id, r.category, r.name, r.model, r.quantity, r.unit, _yuan(r.unit_price_wan), _yuan(r.amount_wan), r.supplier,
            r.supplier_uscc, {"domestic": "国产", "imported": "进口"}.get(r.origin or ""), r.contract.number, r.contract.date,
            _yuan(r.contract.amount_wan), r.invoice.number, r.invoice.date, _yuan(r.invoice.tax_wan), r.payment.date,
            _yuan(r.payment.amount_wan), r.payment.voucher_no, r.acceptance_date, r.fixed_asset_no, r.location,
            "是" if r.productive else "否", r.rd_project, r.rd_subject, r.note,
        ])
    return rows


def ledger_xlsx(app: Application) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "设备采购台账"
    ws.append([f"{app.enterprise.name} 设备采购及研发投入台账（金额单位：元）"])
    ws.append(LEDGER_HEAD)
    for row in ledger_rows(app):
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    total = sum((r.amount_wan or Decimal(0)) for r in app.investments) * 10000
    ws.append(["合计", None, None, None, None, None, None, float(total)])
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = "dossier samples"
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


def _amount(v: Decimal) -> str:
    return f"{v:.2f}"


def invoice_xml(deal: documents.Deal) -> bytes:
    """The 数电发票 as the tax bureau's XML (element names of the EInvoice file, subset)."""
    row, buyer, seller = deal.row, deal.buyer, deal.seller
    net = deal.gross - deal.tax
    unit_net = (net / deal.qty).quantize(documents.CENT)
    item = documents._tax_item(row, deal.rate)
    e = escape
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header>
    <EIid>{row.invoice.number}</EIid>
    <EInvoiceTag>SWEI3200</EInvoiceTag>
    <Version>0.1</Version>
    <InherentLabel><EInvoiceType><LabelCode>01</LabelCode><LabelName>增值税专用发票</LabelName></EInvoiceType></InherentLabel>
  </Header>
  <EInvoiceData>
    <SellerInformation>
      <SellerIdNum>{e(seller.uscc)}</SellerIdNum>
      <SellerName>{e(seller.name)}</SellerName>
      <SellerAddr>{e(seller.address)}</SellerAddr>
      <SellerBankName>{e(seller.bank)}</SellerBankName>
      <SellerBankAccNum>{seller.account}</SellerBankAccNum>
    </SellerInformation>
    <BuyerInformation>
      <BuyerIdNum>{e(buyer.uscc)}</BuyerIdNum>
      <BuyerName>{e(buyer.name)}</BuyerName>
    </BuyerInformation>
    <BasicInformation>
      <TotalAmWithoutTax>{_amount(net)}</TotalAmWithoutTax>
      <TotalTaxAm>{_amount(deal.tax)}</TotalTaxAm>
      <TotalTax-includedAmount>{_amount(deal.gross)}</TotalTax-includedAmount>
      <TotalTax-includedAmountInChinese>{daxie_yuan(row.amount_wan).removeprefix("人民币")}</TotalTax-includedAmountInChinese>
      <Drawer>{documents._person(seller.uscc + 'drawer')}</Drawer>
      <RequestTime>{row.invoice.date.isoformat()} 10:00:00</RequestTime>
    </BasicInformation>
    <IssuItemInformation>
      <ItemName>{e(item)}</ItemName>
      <SpecMod>{e(row.model or '')}</SpecMod>
      <MeaUnits>{e(row.unit or '项')}</MeaUnits>
      <Quantity>{deal.qty.normalize():f}</Quantity>
      <UnPrice>{_amount(unit_net)}</UnPrice>
      <Amount>{_amount(net)}</Amount>
      <TaxRate>{(deal.rate / 100).normalize():f}</TaxRate>
      <ComTaxAm>{_amount(deal.tax)}</ComTaxAm>
    </IssuItemInformation>
    <AdditionalInformation><Remark>合同编号：{e(row.contract.number or '—')}</Remark></AdditionalInformation>
  </EInvoiceData>
  <TaxSupervisionInfo>
    <InvoiceNumber>{row.invoice.number}</InvoiceNumber>
    <IssueTime>{row.invoice.date.isoformat()}</IssueTime>
    <TaxBureauCode>14201000000</TaxBureauCode>
  </TaxSupervisionInfo>
</EInvoice>
"""
    return text.encode("utf-8")


def invoice_files(app: Application) -> list[tuple[str, int, str]]:
    """(file inside the sample, row index, form) of the invoices handed over as OFD or XML:
    every third row OFD, the next XML; the remaining rows' invoices are their evidence PDFs."""
    out = []
    for i, row in enumerate(app.investments):
        if not (row.supplier and row.invoice.number and row.invoice.date):
            continue
        if i % 3 == 0:
            out.append((f"finance/发票/{row.invoice.number}.ofd", i, "ofd"))
        elif i % 3 == 1:
            out.append((f"finance/发票/{row.invoice.number}.xml", i, "xml"))
    return out


def receipt_file(app: Application) -> tuple[str, int] | None:
    for i, row in enumerate(app.investments):
        if row.supplier and row.payment.voucher_no and row.payment.date:
            return f"finance/回单/{row.payment.voucher_no}.ofd", i
    return None
