"""Where dossier looks for LibreOffice, and what it says when there is none."""

from __future__ import annotations

import sys

import pytest

from dossier.documents import convert
from dossier.util.errors import ToolError


def _nothing_installed(monkeypatch):
    monkeypatch.delenv("DOSSIER_SOFFICE", raising=False)
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    monkeypatch.setattr(convert.Path, "is_file", lambda self: False)


def test_missing_libreoffice_says_where_to_get_it(monkeypatch):
    _nothing_installed(monkeypatch)
    with pytest.raises(ToolError) as err:
        convert.find_soffice()
    text = err.value.render()
    assert "找不到 LibreOffice" in text and "https://zh-cn.libreoffice.org/download/" in text
    assert "brew install --cask libreoffice" in text and "libreoffice-writer-nogui" in text
    assert "DOSSIER_SOFFICE" in text


def test_a_wrong_dossier_soffice_is_named(monkeypatch, tmp_path):
    _nothing_installed(monkeypatch)
    monkeypatch.setenv("DOSSIER_SOFFICE", str(tmp_path / "soffice.exe"))
    with pytest.raises(ToolError) as err:
        convert.find_soffice()
    assert "DOSSIER_SOFFICE 指定的文件不存在" in err.value.render() and str(tmp_path / "soffice.exe") in err.value.render()


def test_macos_application_folder(monkeypatch):
    _nothing_installed(monkeypatch)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(convert.Path, "is_file", lambda self: str(self) == convert.MAC_PATH)
    monkeypatch.setattr(convert.os, "access", lambda p, mode: True)
    assert str(convert.find_soffice()) == "/Applications/LibreOffice.app/Contents/MacOS/soffice"


def test_dossier_soffice_wins_over_path(monkeypatch, tmp_path):
    exe = tmp_path / "my-soffice"
    exe.write_bytes(b"")
    exe.chmod(0o755)
    monkeypatch.setenv("DOSSIER_SOFFICE", str(exe))
    monkeypatch.setattr(convert.shutil, "which", lambda name: "/usr/bin/soffice")
    assert convert.find_soffice() == exe
