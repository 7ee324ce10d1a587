"""A page whose /Resources are inherited from the page tree keeps its fonts when bound: the pass-through
Form XObject (bind/volume.py `_page_form`) must carry the inherited resources, not only the page's own."""

from __future__ import annotations

import subprocess

from dossier.bind import Part, bind_volume


def test_inherited_resources_survive_binding(tmp_path):
    # Written by hand: pikepdf pushes inherited attributes down to the pages when it saves.
    content = b"BT /F1 48 Tf 100 700 Td (INHERITED) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R >> >> /MediaBox [0 0 595 842] >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    src = tmp_path / "inherited.pdf"
    src.write_bytes(body)

    out = tmp_path / "vol.pdf"
    bind_volume([Part("inherited", source="inherited.pdf")], out, base_dir=tmp_path)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "INHERITED" in text
