"""Unusable inputs exit 2 with a Chinese message naming the file, and leave no output."""

from __future__ import annotations

import pytest
from bind_make import make_encrypted, make_pdf, make_png_bomb, make_zero_pages
from click.testing import CliRunner

from dossier.cli import main


def _not_pdf(d):
    p = d / "说明.pdf"
    p.write_text("这不是 PDF，只是文字。", "utf-8")
    return p


def _empty(d):
    p = d / "空文件.pdf"
    p.write_bytes(b"")
    return p


def _truncated_header(d):
    p = d / "截断.pdf"
    p.write_bytes(b"%PDF-1.7\n%garbage only\n")
    return p


CASES = {
    "not_pdf": (_not_pdf, (), "不是 PDF"),
    "empty": (_empty, (), "空"),
    "zero_pages": (lambda d: make_zero_pages(d / "零页.pdf"), (), "没有任何页面"),
    "broken": (_truncated_header, (), "PDF"),
    "bomb": (lambda d: make_png_bomb(d / "炸弹.png"), (), "解压炸弹"),
    "no_password": (lambda d: make_encrypted(d / "加密.pdf", user="1234"), (), "密码"),
    "wrong_password": (lambda d: make_encrypted(d / "加密.pdf", user="1234"), ("--password", "加密.pdf=9999"), "密码不正确"),
    "missing": (lambda d: d / "不存在.pdf", (), "不存在"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unusable_input_exits_2_naming_the_file(tmp_path, case):
    make, extra, words = CASES[case]
    good = make_pdf(tmp_path / "好的.pdf", [{}])
    bad = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    out_dir = tmp_path / "out"
    res = CliRunner().invoke(main, ["bind", str(good), str(bad), "-o", str(out_dir / "vol.pdf"), *extra])
    assert res.exit_code == 2, res.output
    assert bad.name in res.output and words in res.output
    assert "Traceback" not in res.output
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "out") == before


def test_output_onto_an_input_is_refused(tmp_path):
    good = make_pdf(tmp_path / "好的.pdf", [{}])
    data = good.read_bytes()
    res = CliRunner().invoke(main, ["bind", str(good), "-o", str(good)])
    assert res.exit_code == 2 and "输入" in res.output
    assert good.read_bytes() == data
