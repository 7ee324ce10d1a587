"""The application as data: what ``enterprise.yaml`` holds, typed with pydantic v2.

Knows nothing of files. Keys are English snake_case; Chinese labels come from each field's
``title`` (for messages) and from the programme's catalogues (for documents). Values that must
match a catalogue (district, industry, scenario code, system type, ...) stay strings here and
are matched by the rules, so that a typo becomes a finding with its line, not a crash.

Most fields are optional at this layer: a fresh scaffold must load and then be *checked*,
giving one finding per missing value. Fields marked ``required`` are reported by the rule
``R-REQUIRED`` when empty.
"""

# No ``from __future__ import annotations``: pydantic would compile every field's annotation from
# its text (~180 of them, each time the module is imported); written here, they are evaluated once.
import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

YES = {"是", "有", "yes", "y", "true", "t", "1", "已", "√"}
NO = {"否", "无", "no", "n", "false", "f", "0", "未", "×"}


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
    return value


_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?\s*$")


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        m = _CN_DATE.match(value)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return value
    return value


def _text(value: Any) -> Any:
    # YAML turns `编号: 2024001` into an int; identifiers and text stay text.
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return getattr(value, "source", None) or str(value)
    return value


def _decimal(value: Any) -> Any:
    if isinstance(value, float):
        # Never reached through the loader (it reads YAML floats as Decimal); code must not pass floats.
        raise ValueError("金额不能是浮点数")
    if isinstance(value, str):
        from dossier.util.formats import without_grouping

        return without_grouping(value)
    return value


Bool = Annotated[bool, BeforeValidator(_yes_no)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Text = Annotated[str, BeforeValidator(_text)]
Money = Annotated[Decimal, BeforeValidator(_decimal)]  # 万元
Number = Annotated[Decimal, BeforeValidator(_decimal)]


def req(title: str, **kw: Any) -> Any:
    """A field the application needs: optional here, reported by R-REQUIRED when empty."""
    return Field(default=None, title=title, json_schema_extra={"required": True}, **kw)


def opt(title: str, default: Any = None, **kw: Any) -> Any:
    if "default_factory" in kw:
        return Field(title=title, **kw)
    return Field(default=default, title=title, **kw)


class Strict(BaseModel):
    """Unknown keys are refused (with a did-you-mean computed by the loader)."""

    # defer_build: the validators are built when first used, not at import: a check that finds
    # its project in the cache (dossier.application.load._remembered) never validates and never builds them.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


# ---------------------------------------------------------------- settings


class Settings(Strict):
    amount_basis: Literal["gross", "net"] | None = opt("金额口径（gross 含税 / net 不含税）")
    window_date: Literal["contract", "invoice", "payment"] | None = opt("判定窗口期所用日期（contract 合同 / invoice 开票 / payment 付款）")
    non_productive: Literal["count", "exclude"] | None = opt("土建、装修、安装工程、服务类投资行（count 计入并警告 / exclude 不计入）")
    application_date: Date | None = opt("申报日期")


# ---------------------------------------------------------------- attachment 1


class Contact(Strict):
    name: Text | None = req("联系人")
    title: Text | None = req("联系人职务")
    mobile: Text | None = req("联系人手机")
    email: Text | None = req("联系人邮箱")
    phone: Text | None = opt("办公电话")


class Award(Strict):
    benchmark_year: int | None = opt("往年获评本市标杆智能工厂的年份")
    demonstration_this_year: Bool = opt("当年度已获评工业智能化改造示范项目", False)
    note: Text | None = opt("说明")


class Enterprise(Strict):
    name: Text | None = req("企业名称")
    uscc: Text | None = req("统一社会信用代码")
    registered_address: Text | None = req("注册地址")
    district: Text | None = req("所在区（开发区）")
    legal_entity: Literal["independent", "non_independent"] | None = req("法人类型（independent 独立法人 / non_independent 非独立法人）")
    prior_year_output_wan: Money | None = opt("上一年度产值（万元，非独立法人必填）")
    pays_tax_in_wuhan: Bool | None = opt("是否对本市纳税（非独立法人必填）")
    above_designated_size: Bool | None = req("是否规上工业企业")
    key_industry: Text | None = req("所属重点行业")
    nic_code: Text | None = opt("国民经济行业代码（GB/T 4754-2017）")
    ownership: Text | None = opt("企业性质")
    founded: Date | None = opt("成立日期")
    registered_capital_wan: Money | None = opt("注册资本（万元）")
    legal_rep: Text | None = req("法定代表人")
    contact: Contact = opt("联系人", default_factory=Contact)
    revenue_prev_year_wan: Money | None = req("上年度营业收入（万元）")
    output_prev_year_wan: Money | None = req("上年度工业总产值（万元）")
    profit_prev_year_wan: Money | None = opt("上年度利润总额（万元）")
    tax_prev_year_wan: Money | None = opt("上年度纳税总额（万元）")
    employees: int | None = req("从业人员数（人）")
    main_products: Text | None = req("主要产品")
    profile: Text | None = req("企业基本情况")
    no_major_incident_2y: Bool | None = req("近两年未发生重大安全、环保、质量事故")
    awards: Award = opt("往年获评情况", default_factory=Award)
    related_parties: list[Text] = opt("关联方统一社会信用代码", default_factory=list)


class Project(Strict):
    name: Text | None = req("项目名称")
    factory_name: Text | None = req("工厂（车间）名称")
    factory_address: Text | None = req("工厂地址")
    construction_start: Date | None = req("建设开始日期")
    construction_end: Date | None = req("建设完成日期")
    commissioning_date: Date | None = req("竣工投产日期")
    filing_code: Text | None = opt("项目备案代码")
    in_stats: Bool | None = req("是否纳入工业技改投资统计")
    stats_project_code: Text | None = opt("统计项目代码")
    guidance_catalog_item: Text | None = req("对应的工业投资和技术改造指导目录清单条目")
    total_investment_wan: Money | None = req("项目总投资（万元）")
    summary: Text | None = req("建设情况简介")


# ---------------------------------------------------------------- application report


class ApplicationReport(Strict):
    before_analysis: Text | None = req("智能化改造前的情况分析")
    goals: Text | None = req("建设（改建）的目的与预期目标")
    main_content: Text | None = req("建设（改建）的主要内容")
    benefit_analysis: Text | None = req("前后效益对比分析")
    demonstration: Text | None = req("行业示范意义")


# ---------------------------------------------------------------- attachments 2 / 4


class Indicator(Strict):
    key: Text | None = req("指标（指标目录中的 key 或名称）")
    name: Text | None = opt("指标名称（不填则取目录名称）")
    unit: Text | None = opt("单位（不填则取目录单位）")
    direction: Literal["higher_better", "lower_better"] | None = opt("方向（不填则取目录）")
    formula: Text | None = opt("口径与计算方法（不填则取目录）")
    baseline: Number | None = req("改造前值")
    baseline_period: Text | None = req("改造前统计期")
    current: Number | None = req("改造后值")
    current_period: Text | None = req("改造后统计期")
    data_source: Text | None = opt("数据来源系统")
    evidence: list[Text] = opt("证明材料", default_factory=list)
    note: Text | None = opt("备注")


# ---------------------------------------------------------------- attachments 3 / 5


class Scenario(Strict):
    code: Text | None = req("场景（目录编号或名称）")
    implemented: Literal["yes", "partial", "no"] | None = req("是否建设（yes 是 / partial 部分 / no 否）")
    description: Text | None = opt("建设内容简述")
    equipment: list[Text] = opt("应用的装备（装备台账编号）", default_factory=list)
    systems: list[Text] = opt("应用的系统（附件7 编号）", default_factory=list)
    investments: list[Text] = opt("对应投资（附件6 编号）", default_factory=list)
    technologies: list[Text] = opt("关键技术", default_factory=list)
    go_live: Date | None = opt("上线时间")
    indicators: list[Text] = opt("成效指标（重点指标 key）", default_factory=list)
    self_level: Text | None = opt("自评水平")
    evidence: list[Text] = opt("证明材料", default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _implemented_words(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("implemented"), (str, bool)):
            word = data["implemented"]
            mapped = {True: "yes", False: "no", "是": "yes", "否": "no", "部分": "partial"}.get(word)
            if mapped:
                data = {**data, "implemented": mapped}
        return data


# ---------------------------------------------------------------- attachment 6


class EvidenceFile(Strict):
    file: Text | None = req("文件路径")
    password: Text | None = opt("PDF 打开密码")


def _evidence_item(value: Any) -> Any:
    return {"file": value} if isinstance(value, str) else value


EvidenceRef = Annotated[EvidenceFile, BeforeValidator(_evidence_item)]


class Evidence(Strict):
    contract: list[EvidenceRef] = opt("合同", default_factory=list)
    invoice: list[EvidenceRef] = opt("发票", default_factory=list)
    payment_voucher: list[EvidenceRef] = opt("付款凭证", default_factory=list)
    bank_statement: list[EvidenceRef] = opt("银行流水", default_factory=list)
    other: list[EvidenceRef] = opt("其他证明材料", default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: (v if isinstance(v, list) else [v]) if v is not None else [] for k, v in data.items()}
        return data

    def items(self) -> list[tuple[str, int, EvidenceFile]]:
        """(kind, index, file) in binding order: contract, invoice, payment voucher, bank statement, other."""
        out = []
        for kind in ("contract", "invoice", "payment_voucher", "bank_statement", "other"):
            for i, ref in enumerate(getattr(self, kind)):
                out.append((kind, i, ref))
        return out


class Contract(Strict):
    number: Text | None = opt("合同编号")
    date: Date | None = opt("合同签订日期")
    amount_wan: Money | None = opt("合同金额（含税，万元）")


class Invoice(Strict):
    number: Text | None = opt("发票号码")
    date: Date | None = opt("开票日期")
    gross_wan: Money | None = opt("价税合计（万元）")
    tax_wan: Money | None = opt("税额（万元）")


class Payment(Strict):
    date: Date | None = opt("付款日期")
    amount_wan: Money | None = opt("已付款金额（万元）")
    voucher_no: Text | None = opt("付款凭证号")


class Investment(Strict):
    id: Text | None = req("编号")
    category: Text | None = req("类别（设备购置 / 设备改造 / 研发投入 …）")
    name: Text | None = req("设备（项目）名称")
    model: Text | None = opt("规格型号")
    quantity: Number | None = opt("数量")
    unit: Text | None = opt("计量单位")
    unit_price_wan: Money | None = opt("单价（万元）")
    amount_wan: Money | None = req("金额（含税，万元）")
    supplier: Text | None = opt("供应商（研发投入可不填）")
    supplier_uscc: Text | None = opt("供应商统一社会信用代码")
    origin: Literal["domestic", "imported"] | None = opt("国产 / 进口")
    second_hand: Bool = opt("是否二手设备", False)
    productive: Bool = opt("是否生产性设备", True)
    rd_project: Text | None = opt("研发项目名称（研发投入）")
    rd_subject: Text | None = opt("研发费用科目（研发投入）")
    contract: Contract = opt("合同", default_factory=Contract)
    invoice: Invoice = opt("发票", default_factory=Invoice)
    payment: Payment = opt("付款", default_factory=Payment)
    acceptance_date: Date | None = opt("到货 / 验收日期")
    fixed_asset_no: Text | None = opt("固定资产卡片编号")
    location: Text | None = opt("安装位置（产线 / 工序）")
    scenarios: list[Text] = opt("对应场景", default_factory=list)
    evidence: Evidence = opt("佐证材料", default_factory=Evidence)
    note: Text | None = opt("备注")


# ---------------------------------------------------------------- attachment 7


class System(Strict):
    id: Text | None = req("编号")
    name: Text | None = req("系统名称")
    type: Text | None = req("系统类型")
    vendor: Text | None = req("供应商")
    product_version: Text | None = opt("产品名称与版本")
    domestic: Bool | None = req("是否国产")
    deployment: Literal["on_premise", "private_cloud", "public_cloud", "hybrid"] | None = opt("部署方式")
    go_live: Date | None = opt("上线时间")
    status: Literal["new", "upgraded", "existing"] | None = req("本项目新建 / 升级 / 原有（new / upgraded / existing）")
    investments: list[Text] = opt("关联投资（附件6 编号）", default_factory=list)
    domains: list[Text] = opt("覆盖业务环节", default_factory=list)
    coverage: Text | None = opt("覆盖范围")
    integrates_with: list[Text] = opt("集成的系统（编号）", default_factory=list)
    data_points: int | None = opt("数据采集点数或接入设备数")


# ---------------------------------------------------------------- attachments 8 / 9


class EquipmentItem(Strict):
    id: Text | None = req("编号")
    name: Text | None = req("设备名称")
    model: Text | None = opt("型号")
    quantity: int | None = req("数量")
    line: Text | None = opt("所属产线或工序")
    key_process: Bool = opt("是否关键工序", False)
    digital: Bool = opt("是否数控或数字化", False)
    networked: Bool = opt("是否联网", False)
    protocol: Text | None = opt("联网协议")
    domestic: Bool | None = opt("是否国产")
    year: int | None = opt("购置年份")
    value_wan: Money | None = opt("原值（万元）")
    investment: Text | None = opt("本项目购置时对应的附件6 编号")


class Equipment(Strict):
    counts: dict[str, int | None] = opt("装备基础数", default_factory=dict)
    ledger: list[EquipmentItem] = opt("设备台账", default_factory=list)


# ---------------------------------------------------------------- materials items 7–9


class OperatingYear(Strict):
    year: int | None = req("年度")
    revenue_wan: Money | None = req("营业收入（万元）")
    output_wan: Money | None = req("工业总产值（万元）")
    profit_wan: Money | None = opt("利润总额（万元）")
    tax_wan: Money | None = opt("纳税总额（万元）")
    employees: int | None = opt("从业人员（人）")


class Ranking(Strict):
    rank: int | None = req("全市同行业排名")
    peers: int | None = opt("参与排名的企业数")
    scope: Text | None = req("排名范围（行业）")
    basis: Text | None = req("排名依据（如 2024 年工业总产值）")
    source: Text | None = opt("数据来源")


class Operations(Strict):
    years: list[OperatingYear] = opt("近年经营数据", default_factory=list)
    ranking: Ranking = opt("产值排名", default_factory=Ranking)
    statement: Text | None = req("生产、经营情况说明")


class Media(Strict):
    photos: list[Text] = opt("典型图片（3张，每张不小于1M）", default_factory=list)
    captions: list[Text] = opt("典型图片的图注（与 photos 依次对应，不填则取文件名）", default_factory=list)
    presentation: Text | None = req("PPT")
    video: Text | None = req("建设成果视频（3分钟以内）")


# ---------------------------------------------------------------- the application


class Application(Strict):
    programme: Text | None = req("遴选项目（内置代号如 wuhan-2025，或项目文件的相对路径）")
    type: Literal["discrete", "process"] | None = req("智能制造类型（discrete 离散型 / process 流程型）")
    extends: Text | None = opt("继承的公司资料文件")
    settings: Settings = opt("口径设置", default_factory=Settings)
    enterprise: Enterprise = opt("企业信息", default_factory=Enterprise)
    project: Project = opt("项目信息", default_factory=Project)
    report: ApplicationReport = opt("申请报告", default_factory=ApplicationReport)
    indicators: list[Indicator] = opt("重点指标（附件2/4）", default_factory=list)
    scenarios: list[Scenario] = opt("智能化场景（附件3/5）", default_factory=list)
    investments: list[Investment] = opt("投资明细（附件6）", default_factory=list)
    systems: list[System] = opt("信息化系统（附件7）", default_factory=list)
    equipment: Equipment = opt("装备指标（附件8/9）", default_factory=Equipment)
    operations: Operations = opt("生产经营情况（资料清单第7项）", default_factory=Operations)
    media: Media = opt("资料清单第9项媒体文件", default_factory=Media)

    @model_validator(mode="before")
    @classmethod
    def _type_words(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("type") in ("离散型", "流程型"):
            data = {**data, "type": {"离散型": "discrete", "流程型": "process"}[data["type"]]}
        return data
