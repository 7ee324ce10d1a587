"""A page whose /Resources are inherited from the page tree keeps its fonts when bound: the pass-through
Form XObject (bind/volume.py `_page_form`) must carry the inherited resources, not only the page's own."""

from __future__ import annotations

import subprocess

import pikepdf
from pikepdf import Dictionary, Name

from dossier.bind import Part, bind_volume


def test_inherited_resources_survive_binding(tmp_path):
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"BT /F1 48 Tf 100 700 Td (INHERITED) Tj ET")
    if "/Resources" in page.obj:
        del page.obj["/Resources"]
    pdf.Root.Pages.Resources = Dictionary(Font=Dictionary(F1=font))
    src = tmp_path / "inherited.pdf"
    pdf.save(src)
    with pikepdf.open(src) as check:
        assert "/Resources" not in check.Root.Pages.Kids[0]  # really inherited on disk

    out = tmp_path / "vol.pdf"
    bind_volume([Part("inherited", source="inherited.pdf")], out, base_dir=tmp_path)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "INHERITED" in text
