"""Does a page draw ink inside a rectangle? Used to warn when a seam slice would cover content.

Rendering every page is too slow for thousands of pages, so this reads the content stream
and tracks the CTM, path points, images, Form XObject boxes and text runs. Text width is
estimated (0.55 em per byte); clipping is ignored and white fills are skipped: the answer errs
towards “yes”, which is what a warning needs.

Two readers give the same answer. :func:`_scan` tokenizes the decoded bytes with one regular
expression and handles well-formed instructions in one loop: turning every instruction of
qpdf's parse into Python objects cost ~5 ms a page of text. Anything it does not know exactly
as qpdf reads it (an inline image, a nested array, a string with a line continuation, an
operator with unexpected operands…) sends the page to :class:`_Ink` over
``pikepdf.parse_content_stream``, the reference reading.

:func:`covered_pages` opens the sources itself, from disk: the volume's copies are changed in
memory (flattened forms, pages turned into Form XObjects).
"""

from __future__ import annotations

import re
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
        return _scan(page, target, limit)
    except _Unsure:
        return _reference(page, target, limit)


def _reference(page: pikepdf.Page, target: Rect, limit: int) -> bool:
    """:func:`touches` by :class:`_Ink` over qpdf's parse of the content stream."""
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


class _Unsure(Exception):
    """:func:`_scan` met something it does not read exactly as qpdf and :class:`_Ink` do."""


_WS = b"\x00\t\n\x0c\r "
_W = rb"[\x00\t\n\x0c\r ]"
_NUM = rb"[+-]?(?:\d{1,18}(?:\.\d*)?|\.\d+)"
_END = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"  # a delimiter, white space or the end
_NAME = rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*+"  # without # escapes
# Possessive (no backtracking): on a string left open, trying the ways of reading an escape
# would take exponential time.
_LIT = rb"\((?:[^()\\\r]|\\[nrtbf()\\]|\\[0-7]{1,3}+)*+\)"  # a literal string without nesting
_HEX = rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*+"
# One match of a content stream, in qpdf's grammar for well-formed content: an operator with up
# to eight numbers before it (most instructions), ``/F1 12 Tf`` and ``<0102>Tj`` / ``(ab)Tj``
# whole, or one other token. The last alternative sends anything else (a malformed number
# such as 1e5, a name with # escapes, nested parentheses in a string, a stray delimiter) to
# the reference reader.
_TOKEN = re.compile(
    _W + rb"*+(?:"
    rb"((?:" + _NUM + _W + rb"+){0,8}+)([A-Za-z'\"][^\x00\t\n\x0c\r ()<>\[\]{}/%]*+)"  # 1 numbers, 2 operator
    rb"|(" + _NAME + rb")" + _W + rb"+(" + _NUM + rb")" + _W + rb"+Tf" + _END  # 3 font, 4 size
    + rb"|<(" + _HEX + rb")>" + _W + rb"*Tj" + _END  # 5 hex string shown
    + rb"|(" + _LIT + rb")" + _W + rb"*Tj" + _END  # 6 literal string shown
    + rb"|(" + _NUM + rb")" + _END  # 7 number
    + rb"|(" + _NAME + rb")" + _END  # 8 name
    + rb"|(" + _LIT + rb")"  # 9 literal string
    rb"|<(" + _HEX + rb")>"  # 10 hex string
    rb"|(\[)|(\])|(<<)|(>>)"  # 11 12 13 14
    rb"|%[^\r\n]*+"  # a comment
    rb"|([^\x00\t\n\x0c\r ]))",  # 15 anything else
    re.S,
)
_ESCAPE = re.compile(rb"\\(?:[0-7]{1,3}|.)", re.S)  # one byte each (a string's are well-formed)
# The operators :class:`_Ink` handles (:data:`_OPS`), numbered for :func:`_scan`'s dispatch,
# the most frequent first; 0: an operator (or qpdf's operand keywords) not read here.
_CODE = {
    b"TL": 1, **dict.fromkeys((b"g", b"rg", b"k"), 2), b"BT": 3, b"Tm": 4, b"q": 5, b"Q": 6,
    **dict.fromkeys((b"Td", b"TD", b"T*", b"'", b'"'), 7), b"Tf": 8, b"Tj": 9, b"re": 10,
    **dict.fromkeys((*(o.encode() for o in _PAINT), b"n"), 11), **dict.fromkeys((b"m", b"l", b"c", b"v", b"y"), 12),
    b"TJ": 13, b"cm": 14, b"Do": 15, b"sh": 16, b"BI": 0, b"true": 0, b"false": 0, b"null": 0,
}
_FILL_ONLY_B = {o.encode() for o in _FILL_ONLY}
# More operands than any real instruction has (or array items than a TJ): a stream of numbers
# without operators would otherwise pile up as Python floats, far bigger than qpdf's own parse.
_MAX_OPERANDS = 65_536


def _length(literal: bytes) -> int:
    """Bytes in a well-formed literal string (parentheses included in ``literal``)."""
    if b"\\" not in literal:
        return len(literal) - 2
    rest, escapes = _ESCAPE.subn(b"", literal)
    return len(rest) - 2 + escapes


def _shows(tm: Matrix, ctm: Matrix, size: float, adv: float, target: Rect) -> bool:
    """``_hits(_box(mul(tm, ctm), 0, -0.25 size, adv, 0.9 size), target)`` (:meth:`_Ink.show`), in
    one call and the same arithmetic; the y extent only computed when the x extent hits."""
    a, b, c, d, e, f = tm
    A, B, C, D, E, F = ctm
    ma, mb, mc, md = a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D
    y0, y1 = -0.25 * size, 0.9 * size
    xs = (ma * 0.0 + mc * y0, ma * adv + mc * y0, ma * 0.0 + mc * y1, ma * adv + mc * y1)
    me = e * A + f * C + E
    if not (min(xs) + me < target[2] and max(xs) + me > target[0]):
        return False
    ys = (mb * 0.0 + md * y0, mb * adv + md * y0, mb * 0.0 + md * y1, mb * adv + md * y1)
    mf = e * B + f * D + F
    return min(ys) + mf < target[3] and max(ys) + mf > target[1]


def _scan(page: pikepdf.Page, target: Rect, limit: int) -> bool:
    """:func:`touches` for well-formed content; raises :class:`_Unsure` otherwise.

    Each branch does what the :class:`_Ink` handler of its operator does, with the same
    arithmetic; where that handler would fail on the operands (so that :func:`_reference` skips
    the instruction) the instruction is skipped here too, and where it would do something odd
    (bytes of a name shown as text, a partly applied TJ) the page goes to :func:`_reference`.
    """
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    if not streams or not all(isinstance(st, pikepdf.Stream) for st in streams):
        raise _Unsure
    try:
        data = b"\n".join(st.read_bytes() for st in streams)  # qpdf reads them as one, a newline apart
    except pikepdf.PdfError:
        raise _Unsure from None
    ink = _Ink(target, page.resources.get("/XObject", None))  # for Do, as the reference reads it
    tx0, ty0, tx1, ty1 = target
    ctm: Matrix = IDENTITY
    stack: list[tuple[Matrix, bool]] = []
    white = False
    px: list[float] = []
    py: list[float] = []
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    size, leading = 12.0, 0.0
    # Operands since the last operator: a number is a float, a string its length in bytes (int),
    # a name bytes, an array a list, a dictionary None.
    args: list = []
    plain = True  # every operand a number
    arr: list | None = None
    dicts: list[int] = []  # items read so far in each open dictionary
    count = 0
    # Trailing white space stripped: after it no token matches, and finditer would try again at
    # each of its bytes.
    for mt in _TOKEN.finditer(data.rstrip(_WS)):
        k = mt.lastindex
        if k == 2:
            nums, op = mt.group(1, 2)
            code = _CODE.get(op)
            if code is None:
                if args:
                    args, plain = [], True
                continue
            if not code or arr is not None or dicts:
                raise _Unsure
            count += 1
            if count > limit:
                return True
            if nums:
                if args:
                    args.extend(map(float, nums.split()))
                else:
                    args = list(map(float, nums.split()))
            n = len(args)
            if code == 1:  # TL
                if n and type(args[0]) is float:
                    leading = args[0]
            elif code == 2:  # g, rg, k: any number of operands, as the reference's all()
                if not plain:
                    raise _Unsure
                white = all(v <= 0.001 for v in args) if op == b"k" else all(v >= 0.999 for v in args)
            elif code == 3:  # BT
                tm = tlm = IDENTITY
            elif code == 4:  # Tm
                if plain:
                    if n != 6:
                        raise _Unsure
                    tlm = tm = tuple(args)  # type: ignore[assignment]
            elif code == 5:  # q
                stack.append((ctm, white))
            elif code == 6:  # Q
                if stack:
                    ctm, white = stack.pop()
            elif code == 7:  # Td, TD, T*, ', "
                if op == b"Td" or op == b"TD":
                    if n < 2 or type(args[0]) is not float or type(args[1]) is not float:
                        args, plain = [], True
                        continue
                    tx, ty = args[0], args[1]
                    if op == b"TD":
                        leading = -ty
                else:
                    if op != b"T*" and (not n or type(args[-1]) is not int):
                        raise _Unsure
                    tx, ty = 0.0, -leading
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
                if op == b"'" or op == b'"':
                    adv = args[-1] * 0.55 * size
                    if _shows(tm, ctm, size, adv, target):
                        return True
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
            elif code == 8:  # Tf
                if n >= 2 and type(args[1]) is float:
                    size = abs(args[1]) or size
            elif code == 9:  # Tj
                if n:
                    if type(args[0]) is not int:
                        raise _Unsure
                    adv = args[0] * 0.55 * size
                    if _shows(tm, ctm, size, adv, target):
                        return True
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
            elif code == 10:  # re
                if plain and n == 4:
                    x, y, w, h = args
                    r = _box(ctm, x, y, x + w, y + h)
                    px.extend((r[0], r[2]))
                    py.extend((r[1], r[3]))
            elif code == 11:  # the painting operators and n
                if px and op != b"n" and not (white and op in _FILL_ONLY_B):
                    if min(px) < tx1 and max(px) > tx0 and min(py) < ty1 and max(py) > ty0:
                        return True
                px, py = [], []
            elif code == 12:  # m, l, c, v, y: any number of pairs, as the reference
                if plain:
                    a, b, c, d, e, f = ctm
                    for i in range(0, n - 1, 2):
                        x, y = args[i], args[i + 1]
                        px.append(a * x + c * y + e)
                        py.append(b * x + d * y + f)
            elif code == 13:  # TJ
                if n:
                    if type(args[0]) is not list:
                        raise _Unsure
                    for item in args[0]:
                        if type(item) is int:
                            adv = item * 0.55 * size
                            if _shows(tm, ctm, size, adv, target):
                                return True
                        elif type(item) is float:
                            adv = -item / 1000 * size
                        else:
                            raise _Unsure
                        tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
            elif code == 14:  # cm
                if plain and n == 6:
                    ctm = mul(tuple(args), ctm)  # type: ignore[arg-type]
            elif code == 15:  # Do
                if n:
                    if type(args[0]) is not bytes:
                        raise _Unsure
                    ink.ctm = ctm
                    try:
                        if ink.xobject("Do", [pikepdf.Name(args[0].decode("latin-1"))]):
                            return True
                    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
                        pass
            else:  # sh
                return True
            if args:
                args, plain = [], True
            continue
        if k is not None and k <= 6:  # Tf or Tj, whole
            if args or arr is not None or dicts:
                raise _Unsure  # operands before them, or inside an array: left to the reference
            count += 1
            if count > limit:
                return True
            if k == 4:  # Tf
                size = abs(float(mt.group(4))) or size
                continue
            if k == 5:
                adv = (len(mt.group(5).translate(None, _WS)) + 1) // 2 * 0.55 * size
            else:
                adv = _length(mt.group(6)) * 0.55 * size
            if _shows(tm, ctm, size, adv, target):
                return True
            tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
            continue
        if k == 7:
            v = float(mt.group(7))
        elif k == 10:
            v = (len(mt.group(10).translate(None, _WS)) + 1) // 2
        elif k == 9:
            v = _length(mt.group(9))
        elif k == 8:
            v = mt.group(8)
        elif k == 11:
            if arr is not None or dicts:
                raise _Unsure  # nested arrays, arrays in dictionaries: not read here
            arr = []
            continue
        elif k == 12:
            if arr is None:
                raise _Unsure
            v, arr = arr, None
        elif k == 13:
            if arr is not None:
                raise _Unsure
            dicts.append(0)
            continue
        elif k == 14:
            if not dicts or dicts[-1] % 2:
                raise _Unsure  # a key without a value
            dicts.pop()
            v = None
        elif k is None:  # a comment
            continue
        else:
            raise _Unsure
        if dicts:
            if dicts[-1] % 2 == 0 and k != 8:
                raise _Unsure  # a key that is not a name
            dicts[-1] += 1
        elif arr is not None:
            arr.append(v)
            if len(arr) > _MAX_OPERANDS:
                raise _Unsure
        else:
            args.append(v)
            if k != 7:
                plain = False
            if len(args) > _MAX_OPERANDS:
                raise _Unsure
    if arr is not None or dicts:
        raise _Unsure
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
