"""Which installed font LibreOffice uses for each font a document names, on Windows, macOS and Linux.

The templates name the fonts of Chinese official documents (GB/T 9704): 仿宋_GB2312, 方正小标宋简体,
楷体_GB2312, 黑体 (and 宋体). Few machines have the ``_GB2312`` fonts or 方正小标宋; every Windows PC has
仿宋 / 宋体 / 楷体 / 黑体, every Mac has Songti / Kaiti / Heiti, and Linux has Noto CJK. For each font a
document uses that is not installed, :func:`plan` picks the first installed font of the same kind
(宋/仿宋/楷 → serif faces, 黑体 → sans) and LibreOffice is told through its replacement table (the
profile's ``registrymodifications.xcu``: the same on every platform). ``build`` warns once, naming
each substitute, so nobody mistakes the PDF's 仿宋 for the official 仿宋_GB2312.

Pure functions take font lists; only :func:`installed_families` and :func:`document_fonts` read the
machine or files.
"""

from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

# Font name in a document → kind.
KINDS: dict[str, str] = {
    **dict.fromkeys(["仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "华文仿宋", "STFangsong"], "fangsong"),
    **dict.fromkeys(["方正小标宋简体", "方正小标宋_GBK", "方正小标宋", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"], "title"),
    **dict.fromkeys(["楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312", "华文楷体", "STKaiti"], "kai"),
    **dict.fromkeys(["黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "方正黑体_GBK"], "hei"),
    **dict.fromkeys(["宋体", "SimSun", "新宋体", "NSimSun"], "song"),
}
# Chinese and English names of the same Windows font: either in a font list means it is installed.
ALIASES = {
    "宋体": "SimSun", "新宋体": "NSimSun", "黑体": "SimHei", "仿宋": "FangSong", "楷体": "KaiTi",
    "微软雅黑": "Microsoft YaHei", "华文仿宋": "STFangsong", "华文楷体": "STKaiti", "华文中宋": "STZhongsong",
    "宋体-简": "Songti SC", "黑体-简": "Heiti SC", "楷体-简": "Kaiti SC", "苹方-简": "PingFang SC",
}
_SERIF_ANY = ["Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "AR PL SungtiL GB"]
_SANS_ANY = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback"]
# Per platform and kind, best first; after them any CJK face of the same kind, then any CJK face.
PREFERENCES: dict[str, dict[str, list[str]]] = {
    "windows": {
        "fangsong": ["仿宋", "宋体"], "title": ["方正小标宋简体", "宋体"], "kai": ["楷体", "仿宋"],
        "hei": ["黑体", "微软雅黑"], "song": ["宋体"],
    },
    "macos": {
        "fangsong": ["仿宋", "华文仿宋", "Songti SC"], "title": ["Songti SC", "华文中宋", "STSong"],
        "kai": ["Kaiti SC", "华文楷体", "Songti SC"], "hei": ["Heiti SC", "STHeiti", "PingFang SC"],
        "song": ["Songti SC", "STSong"],
    },
    "linux": {
        "fangsong": ["Noto Serif CJK SC"], "title": ["Noto Sans CJK SC"], "kai": ["Noto Serif CJK SC"],
        "hei": ["Noto Sans CJK SC"], "song": ["Noto Serif CJK SC"],
    },
}


def platform_key(name: str | None = None) -> str:
    name = name or sys.platform
    if name.startswith("win"):
        return "windows"
    return "macos" if name == "darwin" else "linux"


def _key(name: str) -> str:
    return name.strip().casefold()


def _installed_set(installed: Iterable[str]) -> dict[str, str]:
    """casefolded name → name as installed, with the Chinese/English aliases of each."""
    out: dict[str, str] = {}
    reverse = {v: k for k, v in ALIASES.items()}
    for name in installed:
        out.setdefault(_key(name), name)
        for alias in (ALIASES.get(name), reverse.get(name)):
            if alias:
                out.setdefault(_key(alias), name)
    return out


def candidates(kind: str, platform: str) -> list[str]:
    mine = PREFERENCES[platform].get(kind, [])
    same = _SANS_ANY if kind == "hei" or (kind == "title" and platform == "linux") else _SERIF_ANY
    other = _SERIF_ANY if same is _SANS_ANY else _SANS_ANY
    anything = [name for names in PREFERENCES[platform].values() for name in names]
    return list(dict.fromkeys(mine + same + other + anything))


@dataclass
class Plan:
    """For each document font that is not installed: the installed font used instead (None: none fits)."""

    substitutes: dict[str, str | None] = field(default_factory=dict)

    @property
    def pairs(self) -> dict[str, str]:
        return {k: v for k, v in self.substitutes.items() if v}

    def warning(self) -> str | None:
        """One sentence naming every substitute (None when every document font is installed)."""
        if not self.substitutes:
            return None
        parts = [f"{k} → {v}" if v else f"{k}（无同类字体，由 LibreOffice 自行选择）" for k, v in self.substitutes.items()]
        return (
            "文书使用的以下字体在本机未安装，PDF 中以替代字体排版：" + "；".join(parts)
            + "。版式可能与装有这些字体的电脑上略有不同；需要时请安装相应字体后重新生成。"
        )


def plan(used: Iterable[str], installed: Iterable[str], platform: str | None = None) -> Plan:
    """Which installed font stands in for each Chinese font in ``used`` that is not in ``installed``.

    Latin fonts (Courier, Symbol of Word's built-in styles) are left to the system's own fallback.
    """
    platform = platform if platform in PREFERENCES else platform_key(platform)
    have = _installed_set(installed)
    out = Plan()
    for name in sorted(set(used)):
        if _key(name) in have:
            continue
        kind = KINDS.get(name)
        if kind is None and not _CJK.search(name):
            continue
        choice = None
        if kind is not None:
            choice = next((have[_key(c)] for c in candidates(kind, platform) if _key(c) in have), None)
        out.substitutes[name] = choice
    return out


def installed_families(platform: str | None = None) -> list[str]:
    """Font family names installed on this machine (fontconfig; the registry on Windows; the font
    folders when there is no fontconfig, as on most Macs)."""
    platform = platform_key(platform)
    if platform == "windows":
        return _windows_registry()
    names = _fc_list()
    if names is None:
        from dossier.util.fontdirs import font_dirs

        names = _from_files(font_dirs())
    return names


def _fc_list() -> list[str] | None:
    try:
        proc = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return sorted({n.strip() for line in proc.stdout.splitlines() for n in line.split(",") if n.strip()})


def _windows_registry() -> list[str]:
    """Family names from the Fonts keys (system and per-user): ``SimSun & NSimSun (TrueType)``."""
    names: set[str] = set()
    try:
        import winreg  # type: ignore[import-not-found]
    except ImportError:
        return []
    key_path = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        with contextlib.suppress(OSError):
            with winreg.OpenKey(hive, key_path) as key:
                for i in range(winreg.QueryInfoKey(key)[1]):
                    value = winreg.EnumValue(key, i)[0]
                    names.update(registry_names(value))
    return sorted(names)


def registry_names(value: str) -> list[str]:
    """``Microsoft YaHei & Microsoft YaHei UI (TrueType)`` → the two family names."""
    value = re.sub(r"\s*\((TrueType|OpenType|All res)\)\s*$", "", value)
    return [n.strip() for n in value.split("&") if n.strip()]


def _from_files(dirs: Iterable[Path]) -> list[str]:
    from fontTools.ttLib import TTFont

    names: set[str] = set()
    for folder in dirs:
        for path in folder.rglob("*"):
            if path.suffix.lower() not in (".ttf", ".ttc", ".otf", ".otc"):
                continue
            for i in range(32):
                try:
                    font = TTFont(str(path), fontNumber=i, lazy=True)
                    for rec in font["name"].names:
                        if rec.nameID in (1, 16):
                            with contextlib.suppress(UnicodeDecodeError):
                                names.add(rec.toUnicode())
                except Exception:  # noqa: BLE001 - past the last face, or a file fontTools cannot read
                    break
                if path.suffix.lower() not in (".ttc", ".otc"):
                    break
    return sorted(names)


_CJK = re.compile(r"[\u3400-\u9fff]")
_RFONTS = re.compile(r"<w:rFonts\b([^>]*)>")
_FONT_ATTR = re.compile(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"')


def document_fonts(docx: Path | bytes) -> set[str]:
    """The font names a .docx asks for (``w:rFonts`` in the body, styles, headers and footers)."""
    import io

    names: set[str] = set()
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as z:
        for part in z.namelist():
            if part.startswith("word/") and part.endswith(".xml") and "/_rels/" not in part:
                text = z.read(part).decode("utf-8", "replace")
                for attrs in _RFONTS.findall(text):
                    names.update(_FONT_ATTR.findall(attrs))
    return names


def plan_for(docs: Iterable[Path | bytes]) -> Plan:
    """The plan for these documents (files, or the bytes of .docx files) on this machine."""
    used: set[str] = set()
    for doc in docs:
        with contextlib.suppress(OSError, zipfile.BadZipFile, KeyError):
            used |= _fonts_of(doc if isinstance(doc, bytes) else Path(doc).read_bytes())
    if not used:
        return Plan()
    return plan(used, _installed_now(), platform_key())


# What a process that plans again and again (``dossier watch``, on every save) already knows:
# each .docx's fonts by its SHA-256, and the installed families by the state of the font folders.
_FONTS_OF: dict[bytes, frozenset[str]] = {}
_INSTALLED: dict[tuple, list[str]] = {}


def _fonts_of(data: bytes) -> frozenset[str]:
    import hashlib

    key = hashlib.sha256(data).digest()
    found = _FONTS_OF.pop(key, None)
    if found is None:  # remembered across processes too: a build's office warm-up reads a dozen templates
        from dossier.util import cache

        found = frozenset(cache.cached_json("docx-fonts", Path(), lambda: sorted(document_fonts(data)), extra=_code(),
                                            digest=key.hex()))
    _FONTS_OF[key] = found  # most recently used last
    while len(_FONTS_OF) > 64:
        del _FONTS_OF[next(iter(_FONTS_OF))]
    return found


@functools.cache
def _code() -> str:
    """This module's source: part of the key of a remembered reading (a fix to the reading reads again)."""
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _installed_now() -> list[str]:
    """:func:`installed_families`, asked again only when a font folder changed: every folder under
    fontconfig's usual places and the platform's font folders, by modification time (installing
    or removing a font changes its folder's; fontconfig checks its own cache the same way)."""
    import os

    from dossier.util.fontdirs import font_dirs

    if platform_key() == "windows":
        return installed_families()  # the registry: no folder tells when it changed
    home = Path.home()
    roots = [Path("/etc/fonts"), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
             home / ".local" / "share" / "fonts", *font_dirs()]
    state: list[tuple[str, int]] = []
    for root in roots:
        for dirpath, _dirs, _files in os.walk(root):
            with contextlib.suppress(OSError):
                state.append((dirpath, os.stat(dirpath).st_mtime_ns))
    key = tuple(state)
    if key not in _INSTALLED:
        _INSTALLED.clear()
        _INSTALLED[key] = installed_families()
    return _INSTALLED[key]


def replacement_items(pairs: dict[str, str]) -> str:
    """LibreOffice's font replacement table (Tools ▸ Options ▸ Fonts) as registrymodifications items."""
    if not pairs:
        return ""
    items = [
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
    ]
    for i, (font, substitute) in enumerate(sorted(pairs.items())):
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{i}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(font)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(substitute)}</value></prop>'
            "</node></item>"
        )
    return "\n".join(items) + "\n"


def write_replacement_table(profile: Path, pairs: dict[str, str]) -> None:
    """Put the replacement table into the LibreOffice profile at ``profile`` (kept or fresh)."""
    items = replacement_items(pairs)
    if not items:
        return
    target = profile / "user" / "registrymodifications.xcu"
    target.parent.mkdir(parents=True, exist_ok=True)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    )
    text = target.read_text("utf-8") if target.is_file() else head + "</oor:items>\n"
    end = text.rfind("</oor:items>")
    if end < 0:
        text, end = head + "</oor:items>\n", len(head)
    target.write_text(text[:end] + items + text[end:], encoding="utf-8")

