"""The binder's own text in any CJK font the user has: TrueType collections (WenQuanYi Zen Hei, like
Windows' 宋体 / 微软雅黑), OpenType/CFF (Noto Sans CJK); subset, embedded, and extractable; and the
font folders of each platform are searched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest

from dossier.bind import Cover, Part, bind_volume, fonts, render_guide

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COVER = Cover("标杆智能工厂申报材料", [("企业名称", "武汉光谷精密制造有限公司"), ("申报日期", "2025年10月20日")])


def _text(pdf: Path, first: int, last: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _blank(path: Path, n: int) -> None:
    pdf = pikepdf.new()
    for _ in range(n):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


@pytest.mark.slow
@pytest.mark.parametrize(("font", "subtype", "program", "name"), [
    (WQY, "/CIDFontType2", "/FontFile2", "WenQuanYiZenHei"),
    (NOTO, "/CIDFontType0", "/FontFile3", "NotoSansCJKsc-Regular"),
])
def test_volume_in_truetype_collection_and_cff(font, subtype, program, name, tmp_path, monkeypatch):
    if not font.is_file():
        pytest.skip(f"{font} is installed by scripts/setup.sh")
    monkeypatch.setenv("DOSSIER_CJK_FONT", str(font))
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "e").mkdir()
    _blank(tmp_path / "e" / "a.pdf", 2)  # no fonts of their own: every font in the volume is the binder's
    _blank(tmp_path / "e" / "b.pdf", 3)
    parts = [Part("一、申请报告", "e/a.pdf"), Part("二、投资明细表", None, children=(Part("A-01 合同", "e/b.pdf"),))]
    res = bind_volume(parts, tmp_path / "vol.pdf", cover=COVER, base_dir=tmp_path)
    (tmp_path / "guide.pdf").write_bytes(render_guide(res.manifest))

    cover, toc = _text(tmp_path / "vol.pdf", 1, 1), _text(tmp_path / "vol.pdf", 2, 2)
    assert "标杆智能工厂申报材料" in cover and "武汉光谷精密制造有限公司" in cover and "2025年10月20日" in cover
    assert "目" in toc and "一、申请报告" in toc and "A-01 合同" in toc
    assert "骑缝章" in _text(tmp_path / "guide.pdf", 1, 1)
    for pdf in ("vol.pdf", "guide.pdf"):
        rows = _fonts(tmp_path / pdf)
        ours = [r for r in rows if name in r[0]]
        assert ours, rows
        # name, type…, encoding, emb, sub, uni: every font embedded; ours subset with ToUnicode
        assert all(r[-5] == "yes" for r in rows), rows
        assert all(r[-5:-2] == ["yes", "yes", "yes"] for r in ours), ours
    with pikepdf.open(tmp_path / "vol.pdf") as pdf:
        type0 = next(f for p in pdf.pages[:1] for f in p.Resources.Font.values())
        desc = type0.DescendantFonts[0]
        assert desc.Subtype == subtype and program in desc.FontDescriptor
        assert len(desc.FontDescriptor[program].read_bytes()) < 60_000  # a subset, not the 17–20 MB file


@pytest.mark.slow
def test_truetype_subset_widths_are_in_thousandths(tmp_path, monkeypatch):
    # WenQuanYi's em is 1024 units, Noto's 1000: widths must come out per 1000 either way.
    if not WQY.is_file():
        pytest.skip("fonts-wqy-zenhei")
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    sub = fonts.build_subset(WQY, -1, "中A")
    assert sub.outlines == "truetype"
    assert 950 <= sub.glyphs["中"][1] <= 1050 and 400 <= sub.glyphs["A"][1] <= 700


def _fake_font_dir(root: Path, names: list[str]) -> Path:
    root.mkdir(parents=True)
    for n in names:
        (root / n).write_bytes(b"\0")
    return root


def test_windows_system_fonts_are_found(monkeypatch, tmp_path):
    _fake_font_dir(tmp_path / "Windows" / "Fonts", ["simsun.ttc", "simhei.ttf", "msyh.ttc", "arial.ttf"])
    monkeypatch.delenv("DOSSIER_CJK_FONT", raising=False)
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setattr(fonts, "_CANDIDATES", ())
    assert fonts.find_font() == (tmp_path / "Windows" / "Fonts" / "msyh.ttc", -1)


def test_windows_user_font_folder_is_searched(monkeypatch, tmp_path):
    user = _fake_font_dir(tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts", ["NotoSansCJKsc-Regular.otf"])
    _fake_font_dir(tmp_path / "Windows" / "Fonts", ["simsun.ttc"])
    monkeypatch.delenv("DOSSIER_CJK_FONT", raising=False)
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setattr(fonts, "_CANDIDATES", ())
    assert fonts.find_font()[0] == user / "NotoSansCJKsc-Regular.otf"  # Noto preferred over 宋体


def test_macos_font_folders_are_searched(monkeypatch, tmp_path):
    lib = _fake_font_dir(tmp_path / "Library" / "Fonts", ["Songti.ttc", "STHeiti Medium.ttc"])
    monkeypatch.delenv("DOSSIER_CJK_FONT", raising=False)
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setattr(fonts, "_CANDIDATES", ())
    monkeypatch.setattr(fonts, "font_dirs", lambda: [lib])
    assert fonts.find_font()[0] == lib / "STHeiti Medium.ttc"


def test_environment_wins_and_a_wrong_path_is_named(monkeypatch, tmp_path):
    from dossier.util.errors import ToolError

    monkeypatch.setenv("DOSSIER_CJK_FONT", str(WQY))
    assert fonts.find_font() == (WQY, -1)
    monkeypatch.setenv("DOSSIER_CJK_FONT", str(tmp_path / "缺失.ttf"))
    with pytest.raises(ToolError, match="DOSSIER_CJK_FONT") as err:
        fonts.find_font()
    assert "缺失.ttf" in err.value.render()


def test_a_font_without_chinese_is_refused_in_chinese(monkeypatch, tmp_path):
    from dossier.util.errors import ToolError

    latin = next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf"), None)
    if latin is None:
        pytest.skip("DejaVu Sans")
    monkeypatch.setenv("DOSSIER_CJK_FONT", str(latin))
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    with pytest.raises(ToolError, match="不含中文字符"):
        fonts.subset_font("封面")


@pytest.mark.slow
def test_a_font_whose_licence_forbids_embedding_is_refused(monkeypatch, tmp_path):
    import io

    from fontTools.ttLib import TTFont

    from dossier.util.errors import ToolError

    if not WQY.is_file():
        pytest.skip("fonts-wqy-zenhei")
    small = TTFont(io.BytesIO(fonts.build_subset(WQY, -1, "封面目录第页").data))
    small["OS/2"].fsType = 0x0002  # restricted licence embedding
    small.save(tmp_path / "restricted.ttf")
    monkeypatch.setenv("DOSSIER_CJK_FONT", str(tmp_path / "restricted.ttf"))
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    with pytest.raises(ToolError, match="授权不允许嵌入"):
        fonts.subset_font("封面")


@pytest.mark.slow
@pytest.mark.parametrize("font", [WQY, NOTO], ids=["truetype", "cff"])
def test_codes_widths_and_box_are_those_of_the_embedded_program(font, monkeypatch, tmp_path):
    # The subset is read in memory (not saved and parsed back): what it records per character
    # must be what a PDF reader finds in the bytes embedded.
    import io

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    if not font.is_file():
        pytest.skip(f"{font} is installed by scripts/setup.sh")
    text = "封面目录第页标杆智能工厂申报材料AZaz09—…（）、 "
    sub = fonts.build_subset(font, -1, text)
    assert set(sub.glyphs) == set(text)
    full = fonts._open_face(font, -1)
    full_cmap, full_scale = full.getBestCmap(), 1000 / full["head"].unitsPerEm
    for ch, (_code, width) in sub.glyphs.items():  # advance widths are the face's own
        assert width == round(full["hmtx"][full_cmap[ord(ch)]][0] * full_scale), ch
    if sub.outlines == "truetype":
        embedded = TTFont(io.BytesIO(sub.data))
        cmap, scale = embedded.getBestCmap(), 1000 / embedded["head"].unitsPerEm
        for ch, (code, _width) in sub.glyphs.items():
            assert embedded.getGlyphID(cmap[ord(ch)]) == code, ch
        head = embedded["head"]
        assert sub.bbox == tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    else:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(sub.data), None)
        top = cff.topDictIndex[0]
        cids = {int(name[3:]) for name in top.charset if name.startswith("cid")}
        assert hasattr(top, "ROS") and {code for code, _w in sub.glyphs.values()} <= cids
        assert {code for code, _w in sub.glyphs.values()} == {int(full_cmap[ord(ch)][3:]) for ch in text}
        assert sub.bbox == tuple(top.FontBBox)  # 1000 units per em


def test_width_and_encoding_of_characters_the_subset_lacks():
    sub = fonts.FontSubset("X+Y", b"", "cff", {"中": (700, 980), "A": (3, 560)}, (0, 0, 1, 1))
    assert sub.width("中A", 10) == (980 + 560) * 10 / 1000
    assert sub.width("中?", 10) == (980 + 1000) * 10 / 1000  # a missing character counts one em
    assert sub.encode("A中?") == bytes([0, 3, 0x02, 0xBC, 0, 0])


@pytest.mark.slow
def test_a_truetype_subset_is_the_same_bytes_whenever_it_is_made(monkeypatch):
    # fontTools stamps a saved font's head.modified with the time (or $SOURCE_DATE_EPOCH): the
    # embedded program would differ between two machines' builds, or after the cache is emptied.
    import io

    from fontTools.ttLib import TTFont

    if not WQY.is_file():
        pytest.skip("fonts-wqy-zenhei")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = fonts.build_subset(WQY, -1, "封面目录第页12")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    second = fonts.build_subset(WQY, -1, "封面目录第页12")
    assert first.data == second.data
    face = fonts._open_face(WQY, -1)
    assert TTFont(io.BytesIO(first.data))["head"].modified == face["head"].modified


@pytest.mark.slow
def test_the_guide_takes_a_given_subset_only_when_it_holds_every_character_it_prints(tmp_path, monkeypatch):
    from dossier.bind.guide import guide_chars, guide_lines

    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "e").mkdir()
    _blank(tmp_path / "e" / "a.pdf", 3)
    extra = guide_chars(["vol.pdf"])
    res = bind_volume([Part("一、申请报告", "e/a.pdf")], tmp_path / "vol.pdf", cover=COVER, base_dir=tmp_path,
                      extra_chars=extra)
    printed = {ch for _kind, c in guide_lines(res.manifest, copies=7) for ch in ("".join(c) if isinstance(c, tuple) else c)}
    assert printed <= extra <= res.font.wanted  # guide_chars covers what this guide prints
    shared = render_guide(res.manifest, copies=7, font=res.font)
    own = render_guide(res.manifest, copies=7)
    poor = render_guide(res.manifest, copies=7, font=fonts.subset_font("封面"))  # lacks the guide's characters
    assert poor == own != shared
    for name, data in (("shared", shared), ("own", own)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
    assert _text(tmp_path / "shared.pdf", 1, 9) == _text(tmp_path / "own.pdf", 1, 9)
    assert [r[0] for r in _fonts(tmp_path / "shared.pdf")] == [r[0] for r in _fonts(tmp_path / "vol.pdf")]
