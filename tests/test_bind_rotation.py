"""Pages come out upright: /Rotate, landscape, CropBox offset and EXIF orientation are honoured.

Every test page has a black band along its top as displayed. A portrait page must show the band
at the top of the A4 page; a landscape page is turned so its top lies on the binding (left) edge.
"""

from __future__ import annotations

import json

import pytest
from bind_make import A4, LETTER, bind_cli, dark_fraction, make_jpeg_exif, make_pdf, make_png, make_tiff, render
from PIL import Image

TOP = (0.2, 0.0, 0.8, 0.2)
BOTTOM = (0.2, 0.8, 0.8, 1.0)
LEFT = (0.0, 0.2, 0.2, 0.8)
RIGHT = (0.8, 0.2, 0.96, 0.8)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    d = tmp_path_factory.mktemp("rot")
    inputs = [
        make_pdf(d / "portrait.pdf", [{}, {"size": LETTER}, {"rotate": 180}]),
        make_pdf(d / "landscape.pdf", [{"size": (A4[1], A4[0])}, {"rotate": 90}, {"rotate": 270}, {"rotate": -90}]),
        make_pdf(d / "crop.pdf", [{"size": (800, 1000), "crop": (100, 150, 100 + A4[0], 150 + A4[1])}]),
        make_jpeg_exif(d / "exif.jpg"),
        make_png(d / "scan.png"),
        make_tiff(d / "scan.tiff", frames=2),
    ]
    out = d / "vol.pdf"
    assert bind_cli(inputs, out).exit_code == 0
    manifest = json.loads((d / "vol.manifest.json").read_text("utf-8"))
    pngs = render(out, d / "p", dpi=24)
    return [(p["source"].split("/")[-1], p["source_page"], Image.open(png)) for p, png in zip(manifest["pages"], pngs)]


EXPECT = {
    ("portrait.pdf", 1): TOP, ("portrait.pdf", 2): TOP, ("portrait.pdf", 3): TOP,
    ("landscape.pdf", 1): LEFT, ("landscape.pdf", 2): LEFT, ("landscape.pdf", 3): LEFT, ("landscape.pdf", 4): LEFT,
    ("crop.pdf", 1): TOP, ("exif.jpg", 1): TOP, ("scan.png", 1): TOP, ("scan.tiff", 1): TOP, ("scan.tiff", 2): TOP,
}
OPPOSITE = {id(TOP): BOTTOM, id(LEFT): RIGHT}


@pytest.mark.slow
def test_every_page_is_upright(pages):
    assert {(f, n) for f, n, _ in pages} == set(EXPECT)
    for f, n, im in pages:
        where = EXPECT[(f, n)]
        assert dark_fraction(im, where) > 0.3, (f, n)
        assert dark_fraction(im, OPPOSITE[id(where)]) < 0.05, (f, n)


def test_ink_outside_the_crop_box_is_not_shown(pages):
    im = next(im for f, _n, im in pages if f == "crop.pdf")
    # the source's off-crop black block sits at its bottom-left corner; the visible area starts later
    assert dark_fraction(im, (0.0, 0.9, 0.15, 1.0)) < 0.02
