"""Form values stay visible after flattening; a seam slice over page content is warned about."""

from __future__ import annotations

import subprocess

import pytest

from bind_make import A4, make_form, make_pdf

from dossier.bind import Part, bind_volume


@pytest.mark.slow
def test_filled_form_value_is_printed_in_the_volume(tmp_path):
    src = make_form(tmp_path / "表单.pdf", value="FIELDVALUE42")
    res = bind_volume([Part("表单.pdf", "表单.pdf")], tmp_path / "v.pdf", base_dir=tmp_path)
    text = subprocess.run(["pdftotext", str(tmp_path / "v.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "FIELDVALUE42" in text
    assert any("表单" in w for w in res.warnings)
    assert src.exists()


def test_content_under_the_seam_slice_is_warned_about_and_margins_are_not(tmp_path):
    w, h = A4
    edge = f"0 g {w - 20:.1f} 300 20 300 re f\n".encode()  # ink up to the right edge, mid-height
    make_pdf(tmp_path / "满版.pdf", [{"extra": edge}, {}])
    make_pdf(tmp_path / "留边.pdf", [{}])
    res = bind_volume(
        [Part("满版.pdf", "满版.pdf"), Part("留边.pdf", "留边.pdf")], tmp_path / "v.pdf", base_dir=tmp_path, page_numbers=False
    )
    covered = [x for x in res.warnings if "骑缝章切片" in x]
    assert len(covered) == 1 and "满版.pdf 第 1 页" in covered[0]
