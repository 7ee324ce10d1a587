"""Generate the templates of the steps after the paper (run: ``.venv/bin/python templates/src/make_followup_templates.py``):

- ``site_visit.docx``: the 现场核验 preparation list (``dossier site``), A4 landscape;
- ``district_recommendation.docx``: the district's draft 推荐报告 (``dossier district``), A4 portrait.

Built with the helpers of ``make_templates.py`` (same styles, fonts with ``w:eastAsia``, fixed-layout
tables whose header rows repeat), so they look like the other documents. Regenerating gives
byte-identical files. ``templates/deck.pptx`` comes from ``make_deck_template.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_templates import (  # noqa: E402
    add_row, heading_rows, loop_rows, make_table, new_document, para, save, signature_block,
)


def site_visit() -> None:
    doc = new_document("现场核验准备清单", landscape=True)
    para(doc, "{{ doc.title }}", "公文标题")
    para(doc, "企业名称：{{ enterprise.name }}　　项目名称：{{ project.name }}", "表头信息")
    para(doc, "工厂地址：{{ project.factory_address }}　　联系人：{{ enterprise.contact_name }}　{{ enterprise.contact_mobile }}",
         "表头信息")
    para(doc, "说明：按现场路线逐站核对，核对无误在“□”内打“√”。{{ volume_note }}", "表头信息")
    para(doc, "一、设备与投资（按现场路线，共{{ rows_total }}项）", "一级标题")
    para(doc, "路线：{{ route }}", "表头信息")
    para(doc, "{%p for s in stops %}", "表头信息")
    para(doc, "第{{ s.seq }}站　{{ s.name }}（{{ s.count }}项）", "二级标题")
    t = make_table(doc, [9, 11, 26, 38, 28, 13, 30, 31, 40, 16], small=True)
    heading_rows(t, ["核对", "编号", "工序 / 位置", "设备（项目）名称", "规格型号", "数量", "固定资产编号", "供应商",
                     "发票号码", "装订本页码"])
    loop_rows(t, "r in s.rows", ["{{ r.box }}", "{{ r.id }}", "{{ r.position }}", "{{ r.name }}", "{{ r.model }}",
                                  "{{ r.quantity }}", "{{ r.asset_no }}", "{{ r.supplier }}", "{{ r.invoice }}",
                                  "{{ r.pages }}"],
              kinds=["center", "center", "text", "text", "text", "center", "center", "text", "center", "center"])
    para(doc, "{%p endfor %}", "表头信息")
    para(doc, "二、智能化场景演示（共{{ scenarios|length }}个）", "一级标题")
    t = make_table(doc, [9, 9, 18, 30, 50, 62, 48, 17], small=True)
    heading_rows(t, ["核对", "序号", "环节", "场景", "演示的系统（类型，供应商）", "现场屏幕上展示的数据", "现场位置 / 装备",
                     "证明材料页码"])
    loop_rows(t, "c in scenarios", ["{{ c.box }}", "{{ c.seq }}", "{{ c.stage }}", "{{ c.code }} {{ c.name }}",
                                     "{{ c.systems }}", "{{ c.data }}", "{{ c.where }}", "{{ c.pages }}"],
              kinds=["center", "center", "center", "text", "text", "text", "text", "center"])
    para(doc, "三、重点指标的数据来源与原始资料（共{{ indicators|length }}项）", "一级标题")
    t = make_table(doc, [9, 9, 24, 32, 26, 26, 20, 44, 37, 16], small=True)
    heading_rows(t, ["核对", "序号", "指标", "改造前 → 改造后", "变化", "统计期（前 / 后）", "数据来源系统", "需备原始资料",
                     "口径", "装订本页码"])
    loop_rows(t, "m in indicators", ["{{ m.box }}", "{{ m.seq }}", "{{ m.name }}", "{{ m.before_after }}", "{{ m.change }}",
                                      "{{ m.periods }}", "{{ m.source }}", "{{ m.originals }}", "{{ m.formula }}",
                                      "{{ m.pages }}"],
              kinds=["center", "center", "text", "center", "center", "center", "center", "text", "text", "center"])
    para(doc, "四、其他备查资料", "一级标题")
    for line in ("□ 盖章的申报材料装订本一份（与报送版本一致）",
                 "□ 上表所列合同、发票、付款凭证、银行流水的原件",
                 "□ 固定资产卡片或固定资产台账（核对资产编号与实物铭牌）",
                 "□ 研发项目立项文件、研发费用辅助账",
                 "□ 营业执照、近两年财务报表、统计部门技改投资入统证明"):
        para(doc, line, "Normal")
    save(doc, "site_visit")


def district_recommendation() -> None:
    doc = new_document("推荐报告")
    para(doc, "{{ title }}", "公文标题")
    para(doc, "{{ issuer }}：", "Normal")
    para(doc, "根据《{{ notice }}》要求，我单位组织辖区企业开展申报，对申报企业的资格条件、项目真实性和合规性、"
              "项目纳统情况进行了审核。现将有关情况报告如下。")
    para(doc, "一、申报及审核情况", "一级标题")
    para(doc, "辖区共有{{ count }}家企业申报{{ programme_title }}，其中离散型{{ discrete }}家、流程型{{ process }}家；"
              "申报项目窗口期内计入投资合计{{ total }}万元。各企业申报情况见附表。")
    para(doc, "二、推荐企业", "一级标题")
    para(doc, "经审核，拟按以下顺序推荐：")
    para(doc, "{%p for a in applicants %}")
    para(doc, "{{ a.seq }}．{{ a.enterprise }}（{{ a.type }}，{{ a.industry }}）：{{ a.project }}，"
              "窗口期内计入投资{{ a.total }}万元，研发投入占设备投资{{ a.rd_ratio }}。")
    para(doc, "{%p endfor %}")
    para(doc, "三、审核意见", "一级标题")
    para(doc, "{{ opinion }}")
    para(doc, "特此报告。")
    para(doc, "附表：{{ programme_title }}申报企业汇总表", "Normal")
    signature_block(doc, ["{{ district_office }}（盖章）", "{{ date }}"])
    para(doc, "附表", "附件标注").paragraph_format.page_break_before = True
    para(doc, "{{ programme_title }}申报企业汇总表", "表题")
    t = make_table(doc, [8, 40, 13, 20, 22, 15, 24, 14], small=True)
    heading_rows(t, ["序号", "企业", "类型", "行业", "合计投资（万元）", "研发占比", "检查结果（错误/警告/提示）", "装订本（页/张）"])
    loop_rows(t, "a in applicants", ["{{ a.seq }}", "{{ a.enterprise }}", "{{ a.type }}", "{{ a.industry }}",
                                      "{{ a.total }}", "{{ a.rd_ratio }}", "{{ a.findings }}", "{{ a.sheets }}"],
              kinds=["center", "text", "center", "center", "center", "center", "center", "center"])
    add_row(t, ["", "合计", "", "", "{{ total }}", "", "", ""], kind="center")
    para(doc, "注：合计投资、研发占比（研发投入占设备购置与改造投资的比例）取自各企业 dossier build 输出的 manifest.json，"
              "与其申报材料同一计算。", "表注")
    save(doc, "district_recommendation")


def main() -> None:
    for make in (site_visit, district_recommendation):
        make()
        print(f"已生成 templates/{make.__name__}.docx")


if __name__ == "__main__":
    main()
