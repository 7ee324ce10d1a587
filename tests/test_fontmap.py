"""Which installed font stands in for the official document fonts, per platform, over fake font lists."""

from __future__ import annotations

import pytest

from dossier.documents.fontmap import (
    document_fonts, plan, registry_names, replacement_items, write_replacement_table,
)
from dossier.documents.render import builtin_templates_dir

OFFICIAL = ["仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "黑体"]

WINDOWS = ["SimSun", "NSimSun", "SimHei", "FangSong", "KaiTi", "Microsoft YaHei", "Arial", "Courier New"]
MACOS = ["Songti SC", "STSong", "Kaiti SC", "Heiti SC", "STHeiti", "PingFang SC", "Helvetica"]
LINUX = ["Noto Sans CJK SC", "Noto Serif CJK SC", "DejaVu Sans", "WenQuanYi Zen Hei"]


@pytest.mark.parametrize(
    ("platform", "installed", "expected"),
    [
        ("windows", WINDOWS, {"仿宋_GB2312": "FangSong", "方正小标宋简体": "SimSun", "楷体_GB2312": "KaiTi"}),
        ("macos", MACOS, {"仿宋_GB2312": "Songti SC", "方正小标宋简体": "Songti SC", "楷体_GB2312": "Kaiti SC",
                          "黑体": "Heiti SC"}),
        ("linux", LINUX, {"仿宋_GB2312": "Noto Serif CJK SC", "方正小标宋简体": "Noto Sans CJK SC",
                          "楷体_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}),
    ],
)
def test_official_fonts_map_to_the_platforms_own(platform, installed, expected):
    # Windows lists 黑体 under its English name SimHei: installed, so not substituted.
    assert plan(OFFICIAL, installed, platform).substitutes == expected


def test_chinese_names_of_windows_fonts_count_as_installed():
    p = plan(["仿宋", "宋体", "黑体", "楷体"], ["FangSong", "SimSun", "SimHei", "KaiTi"], "windows")
    assert p.substitutes == {} and p.warning() is None


def test_installed_official_font_is_used_as_is():
    p = plan(OFFICIAL, WINDOWS + ["仿宋_GB2312", "方正小标宋简体"], "windows")
    assert p.substitutes == {"楷体_GB2312": "KaiTi"}


def test_linux_without_noto_falls_back_to_wenquanyi():
    p = plan(OFFICIAL, ["WenQuanYi Zen Hei", "DejaVu Sans"], "linux")
    assert set(p.pairs.values()) == {"WenQuanYi Zen Hei"}


def test_one_warning_names_every_substitute_and_the_unmatched():
    p = plan(OFFICIAL + ["华康魏碑"], ["SimSun", "FangSong"], "windows")
    text = p.warning()
    assert text.count("→") == 4
    for part in ("仿宋_GB2312 → FangSong", "方正小标宋简体 → SimSun", "楷体_GB2312 → FangSong", "黑体 → FangSong"):
        assert part in text
    assert "华康魏碑（无同类字体" in text
    assert "华康魏碑" not in p.pairs


def test_latin_fonts_of_word_styles_are_left_to_the_system():
    assert plan(["Courier", "Symbol", "Times New Roman"], [], "linux").substitutes == {}


def test_no_cjk_font_at_all_names_none():
    p = plan(["仿宋_GB2312"], ["Arial"], "windows")
    assert p.substitutes == {"仿宋_GB2312": None} and p.pairs == {}


def test_registry_value_names():
    assert registry_names("SimSun & NSimSun (TrueType)") == ["SimSun", "NSimSun"]
    assert registry_names("Microsoft YaHei & Microsoft YaHei UI (TrueType)") == ["Microsoft YaHei", "Microsoft YaHei UI"]
    assert registry_names("黑体 (TrueType)") == ["黑体"]


def test_builtin_templates_name_the_official_fonts():
    used = set()
    for docx in builtin_templates_dir().glob("*.docx"):
        used |= document_fonts(docx.read_bytes())
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体"} <= used
    assert "zh-CN" not in used  # w:lang's eastAsia attribute is a language, not a font


def test_replacement_table_goes_into_the_profile(tmp_path):
    pairs = {"仿宋_GB2312": "FangSong", "方正小标宋简体": "SimSun"}
    write_replacement_table(tmp_path, pairs)
    xcu = (tmp_path / "user" / "registrymodifications.xcu").read_text("utf-8")
    assert xcu.count("<node ") == 2 and "<value>仿宋_GB2312</value>" in xcu and "<value>SimSun</value>" in xcu
    assert xcu.rstrip().endswith("</oor:items>")
    # A kept profile already has LibreOffice's own items: ours are added, theirs stay.
    write_replacement_table(tmp_path, {"楷体_GB2312": "KaiTi"})
    again = (tmp_path / "user" / "registrymodifications.xcu").read_text("utf-8")
    assert again.startswith(xcu[: xcu.rindex("</oor:items>")]) and "<value>KaiTi</value>" in again
    assert replacement_items({}) == ""
