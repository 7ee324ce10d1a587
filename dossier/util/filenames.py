"""File names that are not UTF-8.

A zip packed on Chinese Windows stores its names in GBK; unpacked on Linux, ``合同.pdf`` arrives as
the bytes ``\\xba\\xcf\\xcd\\xac.pdf``, which Python carries as lone surrogates (``\\udcba…``). Such a
name cannot be printed, written to JSON or handed to pikepdf (whose file description must be
UTF-8: it raises a TypeError), so dossier names it by its GBK reading and asks for a rename.
"""

from __future__ import annotations

import os
from pathlib import Path

# Windows' Chinese code page is GBK; GB 18030 reads every GBK name and a few more.
LEGACY_ENCODING = "gb18030"


def is_undecodable(name: str) -> bool:
    """True when ``name`` holds bytes that are not UTF-8 (surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(name: str) -> str:
    """``name`` fit for a message: undecodable bytes as �, followed by its GBK reading when it has one."""
    raw = os.fsencode(name)
    plain = raw.decode("utf-8", "replace")
    if plain == name:
        return name
    try:
        reading = raw.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        return f"“{plain}”"
    return f"“{plain}”（按 GBK 编码读作“{reading}”）"


def rename_advice(names: list[str]) -> str:
    """The sentence that explains undecodable ``names`` and asks for a rename."""
    listed = "、".join(shown(n) for n in names)
    return (f"文件名{listed}不是 UTF-8 编码，多见于在 Windows 上打包的 zip 解压之后："
            "请把文件按正确的名称重命名（或用“unzip -O GBK”重新解压）后再试")


def undecodable_in(folder: Path) -> list[str]:
    """The names in ``folder`` that are not UTF-8, sorted; none when it cannot be listed."""
    try:
        return sorted(n for n in os.listdir(folder) if is_undecodable(n))
    except OSError:
        return []


def missing_hint(target: Path) -> str:
    """For a file that was not found: a sentence naming the undecodable names in the nearest folder
    on its path that exists (likely the very file or folder, badly unpacked), or "" when there are none."""
    folder = target.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    names = undecodable_in(folder)
    return f"；“{folder.name or folder}”文件夹中的{rename_advice(names)}" if names else ""
