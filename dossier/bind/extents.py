"""Does a page draw ink inside a rectangle? Used to warn when a seam slice would cover content.

Rendering every page is too slow for thousands of pages, so this reads the content stream
(qpdf's tokenizer) and tracks the CTM, path points, images, Form XObject boxes and text runs.
Text width is estimated (0.55 em per byte); clipping is ignored and white fills are skipped:
the answer errs towards “yes”, which is what a warning needs.

:func:`covered_pages` opens the sources itself, from disk: the volume's copies are changed in
memory (flattened forms, pages turned into Form XObjects).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from dossier.bind.geometry import IDENTITY, Matrix, Rect, mul

_OPS = "q Q cm g rg k m l c v y re S s f F f* B B* b b* n Do INLINE\\ IMAGE BI sh BT Tf TL Td TD Tm T* Tj ' \" TJ"
_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_FILL_ONLY = {"f", "F", "f*"}


def _box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Rect:
    a, b, c, d, e, f = m
    xs = (a * x0 + c * y0, a * x1 + c * y0, a * x0 + c * y1, a * x1 + c * y1)
    ys = (b * x0 + d * y0, b * x1 + d * y0, b * x0 + d * y1, b * x1 + d * y1)
    return (min(xs) + e, min(ys) + f, max(xs) + e, max(ys) + f)


def _hits(r: Rect, t: Rect) -> bool:
    return r[0] < t[2] and r[2] > t[0] and r[1] < t[3] and r[3] > t[1]


def touches(page: pikepdf.Page, target: Rect, limit: int = 200_000) -> bool:
    """True if the page (probably) draws something inside ``target`` (page user space)."""
    if _too_big(page):
        return True
    try:
        ops = pikepdf.parse_content_stream(page, _OPS)
    except pikepdf.PdfError:
        return True
    if len(ops) > limit:
        return True
    xobjects = page.resources.get("/XObject", None)
    ctm: Matrix = IDENTITY
    stack: list[tuple[Matrix, bool]] = []
    white = False
    px: list[float] = []
    py: list[float] = []
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    size = 12.0
    leading = 0.0

    def show(nbytes: int) -> bool:
        nonlocal tm
        adv = nbytes * 0.55 * size
        hit = _hits(_box(mul(tm, ctm), 0.0, -0.25 * size, adv, 0.9 * size), target)
        tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
        return hit

    for operands, op in ops:
        try:
            o = str(op)
        except UnicodeDecodeError:  # an operator of non-UTF-8 bytes in a damaged stream: not ours
            continue
        try:
            if o in ("m", "l", "c", "v", "y"):
                a, b, c, d, e, f = ctm
                vals = [float(v) for v in operands]
                for i in range(0, len(vals) - 1, 2):
                    x, y = vals[i], vals[i + 1]
                    px.append(a * x + c * y + e)
                    py.append(b * x + d * y + f)
            elif o == "re":
                x, y, w, h = (float(v) for v in operands)
                r = _box(ctm, x, y, x + w, y + h)
                px.extend((r[0], r[2]))
                py.extend((r[1], r[3]))
            elif o in _PAINT or o == "n":
                if px and o != "n" and not (white and o in _FILL_ONLY):
                    if _hits((min(px), min(py), max(px), max(py)), target):
                        return True
                px, py = [], []
            elif o == "Tj":
                if show(len(bytes(operands[0]))):
                    return True
            elif o == "TJ":
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        if show(len(bytes(item))):
                            return True
                    else:
                        adj = -float(item) / 1000 * size
                        tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adj * tm[0], tm[5] + adj * tm[1])
            elif o in ("Td", "TD"):
                tx, ty = float(operands[0]), float(operands[1])
                if o == "TD":
                    leading = -ty
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
            elif o in ("'", '"'):
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                if show(len(bytes(operands[-1]))):
                    return True
            elif o == "T*":
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            elif o == "Tm":
                tlm = tm = tuple(float(v) for v in operands)  # type: ignore[assignment]
            elif o == "BT":
                tm = tlm = IDENTITY
            elif o == "Tf":
                size = abs(float(operands[1])) or size
            elif o == "TL":
                leading = float(operands[0])
            elif o == "q":
                stack.append((ctm, white))
            elif o == "Q":
                if stack:
                    ctm, white = stack.pop()
            elif o == "cm":
                ctm = mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif o in ("g", "rg"):
                white = all(float(v) >= 0.999 for v in operands)
            elif o == "k":
                white = all(float(v) <= 0.001 for v in operands)
            elif o == "Do":
                xo = xobjects.get(operands[0]) if xobjects is not None else None
                if xo is not None and xo.get("/Subtype") == pikepdf.Name.Form:
                    m = tuple(float(v) for v in xo.get("/Matrix", (1, 0, 0, 1, 0, 0)))
                    bb = [float(v) for v in xo.BBox]
                    if _hits(_box(mul(m, ctm), *bb), target):  # type: ignore[arg-type]
                        return True
                elif _hits(_box(ctm, 0.0, 0.0, 1.0, 1.0), target):
                    return True
            elif o in ("INLINE IMAGE", "BI"):
                if _hits(_box(ctm, 0.0, 0.0, 1.0, 1.0), target):
                    return True
            elif o == "sh":
                return True
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            continue  # malformed operator: skip it, the answer only serves a warning
    return False


# Content larger than this is not parsed (the answer is "yes"): 389 KB of Flate can hold 200 MB of
# operators, which parse into tens of GB of Python objects (a decompression bomb).
MAX_CONTENT_BYTES = 8 * 1024 * 1024
# How far a filter other than Flate can expand its input, at most, for the bound below.
_OTHER_FILTER_RATIO = 4096


def _too_big(page: pikepdf.Page) -> bool:
    """Whether the page's content streams decode to more than :data:`MAX_CONTENT_BYTES`, found
    without decoding more than that."""
    import zlib

    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    total = 0
    for stream in streams:
        if not isinstance(stream, pikepdf.Stream):
            continue
        filters = stream.get("/Filter")
        filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
        raw = stream.read_raw_bytes()
        if not filters:
            total += len(raw)
        elif filters == [pikepdf.Name.FlateDecode]:
            out = zlib.decompressobj().decompress(raw, MAX_CONTENT_BYTES - total + 1)
            total += len(out)
        else:
            total += len(raw) * _OTHER_FILTER_RATIO
        if total > MAX_CONTENT_BYTES:
            return True
    return False


def covered_pages(
    jobs: list[tuple[str, str, str | None, list[tuple[int, Rect]], str | None]],
) -> list[tuple[str, list[int]]]:
    """For each (file, path, password, [(page index, target rect in source space)], SHA-256 of
    the file or None): pages hit (1-based)."""
    import json

    from dossier.cache import cached_json

    out = []
    for file, path, password, pages, digest in jobs:

        def compute(path=path, password=password, pages=pages) -> list[int]:
            with pikepdf.open(Path(path), password=password or "") as pdf:
                return [i + 1 for i, rect in pages if touches(pdf.pages[i], rect)]

        # Reading content streams costs ~1 ms a page; a rebuild binds the same evidence again,
        # so the answer is remembered by the file's content and the rectangles asked about.
        asked = json.dumps([[i, [round(v, 2) for v in rect]] for i, rect in pages])
        try:
            hit = cached_json("coverage", Path(path), compute, extra=asked, digest=digest)
        except Exception:  # noqa: BLE001 - a warning check must never fail the binding
            continue
        if hit:
            out.append((file, hit))
    return out
