"""Seam coverage (:func:`dossier.bind.extents.touches`): the fast reader of content streams gives
the reference reader's answer (qpdf's parse, :class:`_Ink`) on well-formed content, and hands
anything it does not read exactly to the reference."""

from __future__ import annotations

import pikepdf
import pytest

from dossier.bind import extents

W, H = 595.0, 842.0
SLICE = (W - 15, 0.0, W, H)  # a seam slice at the right edge
TARGETS = [SLICE, (W - 40, 300.0, W, 500.0), (0.0, 0.0, 20.0, H), (200.0, 300.0, 400.0, 500.0), (0.0, H - 30, W, H)]


_OPEN: list[pikepdf.Pdf] = []


def _page(*streams: bytes, xobjects: dict | None = None) -> pikepdf.Page:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(W, H))
    page = pdf.pages[0]
    if len(streams) == 1:
        page.obj.Contents = pdf.make_stream(streams[0])
    else:
        page.obj.Contents = pikepdf.Array([pdf.make_stream(s) for s in streams])
    if xobjects:
        res = pikepdf.Dictionary()
        for name, (bbox, matrix) in xobjects.items():
            form = pdf.make_stream(b"0 0 m 10 10 l S")
            form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, pikepdf.Array(bbox)
            if matrix:
                form.Matrix = pikepdf.Array(matrix)
            res[name] = form
        page.obj.Resources = pikepdf.Dictionary(XObject=res)
    _OPEN.append(pdf)  # a page must not outlive its Pdf
    return page


WELL_FORMED = {
    "text near the edge, hex": b"BT /F1 12 Tf 560 400 Td <00410042> Tj ET",
    "text far from the edge": b"BT /F1 12 Tf 72 400 Td <00410042> Tj ET",
    "literal escapes": b"BT /F1+0 10.5 Tf 12.6 TL 1 0 0 1 540 700 Tm (\\263\\263\\(x\\)\\\\ \\0123) Tj T* (ab) Tj ET",
    "TJ array with kerning": b"BT\n79.5 714.589 Td /F2 16 Tf[<F2>-18<29>-24<4D>-18<26>-24<6D>]TJ\nET",
    "TJ reaching the edge": b"BT /F2 16 Tf 1 0 0 1 500 300 Tm [(abcdefghij) -2000 (k)] TJ ET",
    "quote operators": b"BT /F1 11 Tf 14 TL 500 800 Td (one) ' 1 2 (two) \" ET",
    "TD sets leading": b"BT /F1 11 Tf 560 800 Td 0 -14 TD T* (x) Tj ET",
    "rotated text": b"q .866025 .5 -0.5 .866025 297.6 420.9 cm BT 1 0 0 1 -150.458 0 Tm /F1 22 Tf 26.4 TL (\\001\\002\\003\\004) Tj T* ET Q",
    "path stroked at the edge": b"0.2 0.3 0.8 RG 2 w 560 100 m 590 300 l S",
    "curve": b"100 100 m 200 200 300 300 590 400 c 100 100 400 400 v 1 1 2 2 y S",
    "white fill is not ink": b"1 g 0 0 595 842 re f",
    "white fill then black": b"q 1 1 1 rg 0 0 595 842 re f Q 0 0 0 rg 580 10 10 10 re f",
    "cmyk white": b"0 0 0 0 k 0 0 595 842 re f 0 0 0 1 k 10 10 10 10 re f",
    "clip path is not painted": b"q 0 0.028 595.275 841.861 re W* n Q",
    "stroke of a white path": b"1 g 0 0 595 842 re S",
    "cm and q/Q": b"q 1 0 0 1 500 0 cm 70 70 20 20 re f Q 10 10 5 5 re f",
    "form xobject": b"q 1 0 0 1 0 0 cm /Fm1 Do Q /Fm2 Do",
    "image xobject": b"q 100 0 0 100 480 300 cm /Im0 Do Q",
    "shading": b"/Sh0 sh",
    "marked content with a dictionary": b"/P <</MCID 0 /Sub <</A 1>> >> BDC EMC /P <</MCID 1>> BDC BT 560 400 Td (x) Tj ET EMC",
    "marked content, flat dictionary": b"/Span <</MCID 0 /Lang (zh)>> BDC BT /F1 12 Tf 560 400 Td (x) Tj ET EMC",
    "comments": b"% a comment\n560 400 10 10 re % and another\nf",
    "operators the reader ignores": b"0 J 0 j 1 w [3 2] 0 d /GS0 gs 2 Tr 1 Tc 0 Tw 100 Tz 0 Ts 0.5 G 0 0 0 1 K",
    "numbers in every form": b"+560 -.5 10. .5 re f 1 0 0 1 -0 +0.0 cm",
    "font size zero keeps the size": b"BT /F1 0 Tf 560 400 Td (abc) Tj ET",
    "dash array before an operator": b"[] 0 d 560 400 m 590 400 l S",
    "empty content": b"",
    "trailing white space": b"10 10 m 20 20 l S \n\n   \r\n",
    "many numbers before an operator": b"1 2 3 4 5 6 7 8 9 10 11 12 560 400 m 590 400 l S",
    "extra operands are dropped": b"/X 1 0 0 1 500 0 cm 10 10 20 20 re f 7 7 7 7 7 re f",
}

ODD = {
    "inline image": b"q 10 0 0 10 580 400 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",
    "name shown as text": b"BT 560 400 Td /Name Tj ET",
    "number shown as text": b"BT 560 400 Td 3 Tj ET",
    "nested parentheses": b"BT 500 400 Td (a (nested) string) Tj ET",
    "line continuation in a string": b"BT 500 400 Td (ab\\\ncd) Tj ET",
    "carriage return in a string": b"BT 500 400 Td (ab\r\ncd) Tj ET",
    "exponent is an operator": b"BT 1e5 Tf 560 400 Td (x) Tj ET",
    "name with # escape": b"/F#31 12 Tf",
    "unbalanced array": b"[1 2 560 400 m",
    "stray bracket": b"] 560 400 m 590 400 l S",
    "boolean operand": b"true 560 400 m 590 400 l S",
    "operator in an array": b"[1 m] TJ",
    "nested array": b"BT [[1] (a)] TJ ET",
    "TJ with a name inside": b"BT 500 400 Td [(a) /N (b)] TJ ET",
    "quote without a string": b"BT 500 400 Td 1 ' ET",
    "odd dictionary": b"/P <</MCID>> BDC EMC",
    "array in a dictionary": b"/P <</A [1 2]>> BDC EMC 560 400 m 590 400 l S",
    "dictionary in an array": b"BT 500 400 Td [(a) <</A 1>>] TJ ET",
    "Tm with five numbers": b"BT 1 0 0 1 560 Tm (x) Tj ET",
    "colour with a name": b"/Pattern 1 rg 10 10 10 10 re f",
    "huge integer": b"123456789012345678901 0 m",
    "damaged hex string": b"BT 560 400 Td <12G4> Tj ET",
    "brace": b"{ 1 } 10 10 m",
}


def _reference(page, target) -> bool:
    return True if extents._too_big(page) else extents._reference(page, target, 200_000)


def _outcome(f, *args):
    """What ``f(*args)`` returns, or the type of what it raises (the reference raises on some
    content, and :func:`covered_pages` then skips the file)."""
    try:
        return f(*args)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


@pytest.mark.parametrize("content", list(WELL_FORMED.values()), ids=list(WELL_FORMED))
def test_fast_reader_reads_well_formed_content_as_the_reference(content):
    page = _page(content, xobjects={"/Fm1": ([0, 0, 50, 50], [1, 0, 0, 1, 560, 0]), "/Fm2": ([0, 0, 10, 10], None),
                                    "/Im0": ([0, 0, 1, 1], None)})
    for target in TARGETS:
        fast = extents._scan(page, target, 200_000)  # no fallback: this content is read here
        assert fast == _reference(page, target) == extents.touches(page, target), (content, target)


@pytest.mark.parametrize("content", list(ODD.values()), ids=list(ODD))
def test_content_the_fast_reader_does_not_know_goes_to_the_reference(content):
    page = _page(content)
    with pytest.raises(extents._Unsure):
        extents._scan(page, SLICE, 200_000)
    for target in TARGETS:
        assert _outcome(extents.touches, page, target) == _outcome(_reference, page, target)


def test_answers_on_known_pages():
    assert extents.touches(_page(WELL_FORMED["text near the edge, hex"]), SLICE)
    assert not extents.touches(_page(WELL_FORMED["text far from the edge"]), SLICE)
    assert not extents.touches(_page(WELL_FORMED["white fill is not ink"]), SLICE)
    assert extents.touches(_page(WELL_FORMED["white fill then black"]), SLICE)
    assert not extents.touches(_page(WELL_FORMED["clip path is not painted"]), SLICE)
    assert extents.touches(_page(WELL_FORMED["shading"]), (0.0, 0.0, 1.0, 1.0))
    # The form's box is moved to the edge by its /Matrix; the same box without one is not.
    forms = {"/Fm1": ([0, 0, 50, 50], [1, 0, 0, 1, 560, 0])}
    assert extents.touches(_page(b"/Fm1 Do", xobjects=forms), SLICE)
    assert not extents.touches(_page(b"/Fm1 Do", xobjects={"/Fm1": ([0, 0, 50, 50], None)}), SLICE)


def test_content_in_several_streams_is_read_as_one():
    # qpdf reads a page's content streams one after another with a line break between them:
    # an instruction may continue in the next stream, a token may not.
    whole = _page(b"q 1 0 0 1 575 400 cm 0 0 10 10 re f Q")
    split = _page(b"q 1 0 0 1 575 400 cm 0 0 10 10 re", b"f Q")
    torn = _page(b"q 1 0 0 1 5", b"75 400 cm 0 0 10 10 re f Q")  # "5" and "75": seven operands, no cm
    for page in (whole, split, torn):
        for target in TARGETS:
            assert extents._scan(page, target, 200_000) == _reference(page, target)
    assert extents.touches(whole, SLICE) and extents.touches(split, SLICE)
    assert not extents.touches(torn, SLICE)


def test_operator_limit_answers_yes():
    content = b"q Q " * 300 + b"10 10 m 20 20 l S"
    page = _page(content)
    assert extents._scan(page, SLICE, 100) is True
    assert extents._reference(page, SLICE, 100) is True
    assert extents._scan(page, SLICE, 1000) is False


def test_an_open_string_does_not_take_exponential_time():
    # Many octal escapes and no closing parenthesis: a backtracking reader would try 3^n splits.
    page = _page(b"BT 500 400 Td (" + b"\\123" * 5000 + b" Tj ET")
    with pytest.raises(extents._Unsure):
        extents._scan(page, SLICE, 200_000)


def test_operands_without_an_operator_go_to_the_reference():
    page = _page(b"1 " * 70_000 + b"560 400 m 590 400 l S")
    with pytest.raises(extents._Unsure):
        extents._scan(page, SLICE, 200_000)
    assert extents.touches(page, SLICE) == _reference(page, SLICE)
