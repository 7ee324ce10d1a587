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
    ink = _Ink(target, page.resources.get("/XObject", None))
    for operands, op in ops:
        try:
            name = str(op)
        except UnicodeDecodeError:  # an operator of non-UTF-8 bytes in a damaged stream: not ours
            continue
        handler = _HANDLERS.get(name)
        if handler is None:
            continue
        try:
            if handler(ink, name, operands):
                return True
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            continue  # malformed operator: skip it, the answer only serves a warning
    return False


class _Ink:
    """The graphics and text state :func:`touches` tracks while reading a content stream. Each
    handler takes (operator, operands) and returns True once something is drawn in ``target``."""

    def __init__(self, target: Rect, xobjects) -> None:
        self.target, self.xobjects = target, xobjects
        self.ctm: Matrix = IDENTITY
        self.stack: list[tuple[Matrix, bool]] = []
        self.white = False
        self.px: list[float] = []
        self.py: list[float] = []
        self.tm: Matrix = IDENTITY
        self.tlm: Matrix = IDENTITY
        self.size = 12.0
        self.leading = 0.0

    def hits(self, m: Matrix, x0: float, y0: float, x1: float, y1: float) -> bool:
        return _hits(_box(m, x0, y0, x1, y1), self.target)

    # -- paths

    def points(self, op: str, operands) -> bool:
        a, b, c, d, e, f = self.ctm
        vals = [float(v) for v in operands]
        for i in range(0, len(vals) - 1, 2):
            x, y = vals[i], vals[i + 1]
            self.px.append(a * x + c * y + e)
            self.py.append(b * x + d * y + f)
        return False

    def rect(self, op: str, operands) -> bool:
        x, y, w, h = (float(v) for v in operands)
        r = _box(self.ctm, x, y, x + w, y + h)
        self.px.extend((r[0], r[2]))
        self.py.extend((r[1], r[3]))
        return False

    def paint(self, op: str, operands) -> bool:
        px, py = self.px, self.py
        self.px, self.py = [], []
        if not px or op == "n" or (self.white and op in _FILL_ONLY):
            return False
        return _hits((min(px), min(py), max(px), max(py)), self.target)

    # -- text

    def show(self, nbytes: int) -> bool:
        adv = nbytes * 0.55 * self.size
        hit = self.hits(mul(self.tm, self.ctm), 0.0, -0.25 * self.size, adv, 0.9 * self.size)
        self.advance(adv)
        return hit

    def advance(self, dx: float) -> None:
        tm = self.tm
        self.tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + dx * tm[0], tm[5] + dx * tm[1])

    def show_text(self, op: str, operands) -> bool:
        return self.show(len(bytes(operands[0])))

    def show_array(self, op: str, operands) -> bool:
        for item in operands[0]:
            if isinstance(item, pikepdf.String):
                if self.show(len(bytes(item))):
                    return True
            else:
                self.advance(-float(item) / 1000 * self.size)
        return False

    def next_line(self, op: str, operands) -> bool:
        """``Td``/``TD`` (move), ``T*`` (next line) and ``'``/``"`` (next line, then show)."""
        if op in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                self.leading = -ty
        else:
            tx, ty = 0.0, -self.leading
        self.tlm = self.tm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), self.tlm)
        return op in ("'", '"') and self.show(len(bytes(operands[-1])))

    def text_state(self, op: str, operands) -> bool:
        """``Tm``, ``BT``, ``Tf``, ``TL``."""
        if op == "Tm":
            self.tlm = self.tm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op == "BT":
            self.tm = self.tlm = IDENTITY
        elif op == "Tf":
            self.size = abs(float(operands[1])) or self.size
        else:
            self.leading = float(operands[0])
        return False

    # -- graphics state

    def graphics_state(self, op: str, operands) -> bool:
        """``q``, ``Q``, ``cm`` and the fill colours that decide what counts as white."""
        if op == "q":
            self.stack.append((self.ctm, self.white))
        elif op == "Q":
            if self.stack:
                self.ctm, self.white = self.stack.pop()
        elif op == "cm":
            self.ctm = mul(tuple(float(v) for v in operands), self.ctm)  # type: ignore[arg-type]
        elif op == "k":
            self.white = all(float(v) <= 0.001 for v in operands)
        else:  # g, rg
            self.white = all(float(v) >= 0.999 for v in operands)
        return False

    # -- images, forms, shadings

    def xobject(self, op: str, operands) -> bool:
        xo = self.xobjects.get(operands[0]) if self.xobjects is not None else None
        if xo is not None and xo.get("/Subtype") == pikepdf.Name.Form:
            m = tuple(float(v) for v in xo.get("/Matrix", (1, 0, 0, 1, 0, 0)))
            bb = [float(v) for v in xo.BBox]
            return self.hits(mul(m, self.ctm), *bb)  # type: ignore[arg-type]
        return self.hits(self.ctm, 0.0, 0.0, 1.0, 1.0)

    def inline_image(self, op: str, operands) -> bool:
        return self.hits(self.ctm, 0.0, 0.0, 1.0, 1.0)

    def shading(self, op: str, operands) -> bool:
        return True


_HANDLERS = {
    **dict.fromkeys(("m", "l", "c", "v", "y"), _Ink.points),
    "re": _Ink.rect,
    **dict.fromkeys((*_PAINT, "n"), _Ink.paint),
    "Tj": _Ink.show_text,
    "TJ": _Ink.show_array,
    **dict.fromkeys(("Td", "TD", "T*", "'", '"'), _Ink.next_line),
    **dict.fromkeys(("Tm", "BT", "Tf", "TL"), _Ink.text_state),
    **dict.fromkeys(("q", "Q", "cm", "g", "rg", "k"), _Ink.graphics_state),
    "Do": _Ink.xobject,
    **dict.fromkeys(("INLINE IMAGE", "BI"), _Ink.inline_image),
    "sh": _Ink.shading,
}


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

    from dossier.bind.remember import facts

    out = []
    for file, path, password, pages, digest in jobs:

        def compute(path=path, password=password, pages=pages) -> list[int]:
            with pikepdf.open(Path(path), password=password or "") as pdf:
                # One walk over the pages: pdf.pages[i] costs time in the page count (k² per file).
                wanted = {i for i, _ in pages}
                page_of = {i: page for i, page in enumerate(pdf.pages) if i in wanted}
                return [i + 1 for i, rect in pages if touches(page_of[i], rect)]

        # Reading content streams costs ~1 ms a page; a rebuild binds the same evidence again,
        # so the answer is remembered by the file's content and the rectangles asked about.
        asked = json.dumps([[i, [round(v, 2) for v in rect]] for i, rect in pages])
        try:
            hit = facts("coverage", Path(path), compute, extra=asked, digest=digest)
        except Exception:  # noqa: BLE001 - a warning check must never fail the binding
            continue
        if hit:
            out.append((file, hit))
    return out
