"""The binder's pure plan: labels, front matter, seal groups, TOC entries and bookmarks from the
parts and their page counts alone — no PDF is opened or written here."""

from __future__ import annotations

import pytest

from dossier.bind import Cover, Part, plan_volume
from dossier.bind import stamps
from dossier.bind.volume import bound_files, volume_chars
from dossier.bind import frontmatter


def _parts() -> list[Part]:
    return [
        Part("一、申报表", source="申报表.pdf"),
        Part("二、申请报告", source="报告.pdf"),
        Part("四、投资明细表", children=(Part("A-01 合同", source="合同.pdf"), Part("A-02 发票", source="发票.pdf"))),
        Part("五、空的一节"),
        Part("六、合同（再次列出）", source="合同.pdf"),
    ]


COUNTS = {"申报表.pdf": 2, "报告.pdf": 3, "合同.pdf": 5, "发票.pdf": 1}


def test_a_file_named_twice_is_bound_once_and_its_second_mention_refers_to_its_pages():
    assert [p.source for p in bound_files(_parts())] == ["申报表.pdf", "报告.pdf", "合同.pdf", "发票.pdf"]
    plan = plan_volume(_parts(), page_counts=COUNTS, cover=Cover("申报材料"))
    assert (plan.cover_pages, plan.toc_pages) == (1, 1)
    assert plan.total == 2 + 2 + 3 + 5 + 1 and plan.labels == tuple(str(n) for n in range(1, 14))
    assert [(f.part.source, f.first, f.pages) for f in plan.files] == [
        ("申报表.pdf", 2, 2), ("报告.pdf", 4, 3), ("合同.pdf", 7, 5), ("发票.pdf", 12, 1),
    ]
    titles = [(e.level, e.title, e.page_label) for e in plan.toc]
    assert titles == [
        (1, "一、申报表", "3"), (1, "二、申请报告", "5"), (1, "四、投资明细表", "8"), (2, "A-01 合同", "8"),
        (2, "A-02 发票", "13"), (1, "六、合同（再次列出）（见第8页）", "8"),
    ]
    assert [m.title for m in plan.marks] == ["一、申报表", "二、申请报告", "四、投资明细表", "六、合同（再次列出）（见第8页）"]
    assert plan.marks[3].page_index == 7
    assert plan.warnings == ("「五、空的一节」没有任何页面，未列入目录和书签。",)


def test_seal_groups_cover_every_sheet_and_duplex_puts_slices_on_fronts_only():
    plan = plan_volume([Part("a", source="a.pdf")], page_counts={"a.pdf": 45}, seal_group=20)
    assert [(g.first_page, g.last_page, g.sheets) for g in plan.layout.groups] == [(1, 15, 15), (16, 30, 15), (31, 45, 15)]
    assert all(s is not None for s in plan.layout.slices)
    duplex = plan_volume([Part("a", source="a.pdf")], page_counts={"a.pdf": 45}, duplex=True, seal_group=20)
    assert duplex.layout.sheets == 23
    assert [s is None for s in duplex.layout.slices[:4]] == [False, True, False, True]


def test_characters_to_embed_follow_what_is_printed_whatever_the_page_counts():
    plain = plan_volume([Part("a", source="a.pdf")], page_counts={"a.pdf": 3})
    assert plain.chars == frozenset("— 0123456789")  # every digit a page number can have
    assert plan_volume([Part("a", source="a.pdf")], page_counts={"a.pdf": 3}, page_numbers=False).chars == frozenset()
    draft = plan_volume([Part("a", source="a.pdf")], page_counts={"a.pdf": 3}, draft=True, page_numbers=False)
    assert draft.chars == frozenset("草稿")
    parts = [Part("合同", source="a.pdf"), Part("空的一节"), Part("发票", source="b.pdf")]
    covered = plan_volume(parts, page_counts={"a.pdf": 1, "b.pdf": 30}, cover=Cover("申报材料"))
    assert {"申", "报", "材", "料", "合", "同", "目", "续", "见"} <= covered.chars
    # The same parts with other page counts (a TOC of one page or two, a part with pages or
    # none): the same characters, so that the subset is made before the documents are converted.
    longer = plan_volume(parts, page_counts={"a.pdf": 400, "b.pdf": 0}, cover=Cover("申报材料"))
    assert longer.chars == covered.chars == volume_chars(parts, cover=Cover("申报材料"))
    assert {"空", "节"} <= covered.chars  # a part the TOC may list
    printed = "".join(e.title + e.page_label for e in longer.toc) + "".join(stamps.number_text(x) for x in longer.labels)
    assert set(printed) <= longer.chars
    assert plan_volume(parts, page_counts={"a.pdf": 1, "b.pdf": 1}, extra_chars=["盖章指引"]).chars >= set("盖章指引")


def test_files_are_the_same_by_the_key_given():
    parts = [Part("a", source="x/../a.pdf"), Part("again", source="a.pdf")]
    same = plan_volume(parts, page_counts={"a.pdf": 2}, key=lambda s: str(s).replace("x/../", ""))
    assert same.total == 2 and [m.title for m in same.marks] == ["a", "again（见第1页）"]
    with pytest.raises(KeyError):
        plan_volume(parts, page_counts={"a.pdf": 2})  # by default the sources as given: two files


def test_a_row_whose_every_file_was_bound_earlier_keeps_its_toc_line_and_bookmark():
    # One contract and invoice covering two investment rows: A-02 has no pages of its own.
    row = (Part("合同", source="合同.pdf"), Part("发票", source="发票.pdf"))
    parts = [Part("四、投资明细表", children=(Part("A-01 数控机床", children=row), Part("A-02 数控机床", children=row)))]
    plan = plan_volume(parts, page_counts=COUNTS, cover=Cover("申报材料"))
    assert [(e.level, e.title, e.page_label) for e in plan.toc] == [
        (1, "四、投资明细表", "3"), (2, "A-01 数控机床", "3"), (3, "合同", "3"), (3, "发票", "8"),
        (2, "A-02 数控机床（见第3页）", "3"), (3, "合同（见第3页）", "3"), (3, "发票（见第8页）", "8"),
    ]
    a02 = plan.marks[0].children[1]
    assert (a02.title, a02.page_index) == ("A-02 数控机床（见第3页）", 2)
    assert [(m.title, m.page_index) for m in a02.children] == [("合同（见第3页）", 2), ("发票（见第8页）", 7)]
    assert plan.warnings == ()


def test_the_toc_has_the_pages_its_final_titles_take():
    # Titles one character short of a second TOC line: the page reference a later mention gets
    # ("（见第12页）") wraps each of them, and the TOC needs more pages than its bare titles do.
    width = 1
    while len(frontmatter.toc_lines(1, "章" * (width + 1))) == 1:
        width += 1
    parts = [Part("申报表", source="申报表.pdf")]
    parts += [Part(f"{i:02d}" + "章" * (width - 2), source="申报表.pdf") for i in range(frontmatter.TOC_ROWS - 2)]
    plan = plan_volume(parts, page_counts=COUNTS, cover=Cover("申报材料"))
    assert frontmatter.toc_page_count([(e.level, e.title) for e in plan.toc]) == plan.toc_pages == 2
    assert plan.files[0].first == 1 + plan.toc_pages and plan.toc[0].page_label == str(plan.files[0].first + 1)


def test_toc_titles_break_as_chinese_typesetting_does():
    long = "场景证明：设备故障诊断与预测（SC28）（SC28-设备故障诊断与预测运行记录）"
    for level in (1, 2, 3):
        lines = frontmatter.toc_lines(level, long + "，1,800,000.00 元；代码 ABC123456789XYZ 与 800G 光模块（备注）")
        assert "".join(lines).startswith(long)
        for a, b in zip(lines, lines[1:]):
            assert b[0] not in "）、，。；：", lines  # no line starts with closing punctuation
            assert not (a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum()), lines
            assert not (a[-1] in ",." and b[0].isdigit()) and not (a[-1].isdigit() and b[0] in ",."), lines
        assert len(lines[-1]) >= frontmatter.MIN_LAST_LINE
    assert frontmatter.toc_lines(1, "短") == ["短"]
    # A run of letters longer than a line is broken where it must be.
    assert len(frontmatter.toc_lines(1, "X" * 200)) > 1


def test_the_toc_lists_what_is_filed_under_a_document():
    parts = [Part("四、投资明细表", children=(Part("明细表", source="申报表.pdf", children=(
        Part("A-01 数控机床", children=(Part("合同", source="合同.pdf"), Part("发票", source="发票.pdf"))),)),))]
    plan = plan_volume(parts, page_counts=COUNTS, cover=Cover("申报材料"))
    assert [(e.level, e.title, e.page_label) for e in plan.toc] == [
        (1, "四、投资明细表", "3"), (2, "明细表", "3"), (3, "A-01 数控机床", "5"),
    ]
