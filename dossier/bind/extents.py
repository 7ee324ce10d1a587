"""Approximate where a page draws ink, to warn when a seam slice would cover it.

Rendering every page is too slow for thousands of pages, so this reads the content stream
(qpdf's tokenizer) and tracks the CTM, path points, images, Form XObject boxes and text runs.
Text width is estimated (0.55 em per byte), clipping and white fills on white are ignored: the
result is a set of boxes that errs on the large side, which is what a warning needs.
"""

from __future__ import annotations

import pikepdf

from dossier.bind.geometry import IDENTITY, Matrix, Rect, apply, mul, transform_rect

_PATH_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_FILL_ONLY = {"f", "F", "f*"}


def ink_boxes(page: pikepdf.Page, limit: int = 200_000) -> list[Rect]:
    """Boxes of the page's marks (one per painted path, image, form or text run) in user space.

    Pages with more than ``limit`` operators are not read: their whole box is returned.
    """
    whole = [tuple(float(v) for v in page.mediabox)]
    try:
        ops = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return whole  # type: ignore[return-value]
    if len(ops) > limit:
        return whole  # type: ignore[return-value]
    xobjects = page.resources.get("/XObject", pikepdf.Dictionary())
    boxes: list[Rect] = []
    ctm: Matrix = IDENTITY
    stack: list[tuple[Matrix, bool]] = []
    white = False
    path: list[tuple[float, float]] = []
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    size = 12.0
    leading = 0.0

    def add(r: Rect) -> None:
        boxes.append(r)

    def show(nbytes: float) -> None:
        nonlocal tm
        adv = nbytes * 0.55 * size
        add(transform_rect(mul(tm, ctm), (0.0, -0.25 * size, adv, 0.9 * size)))
        tm = mul((1.0, 0.0, 0.0, 1.0, adv, 0.0), tm)

    for operands, op in ops:
        o = str(op)
        try:
            if o == "q":
                stack.append((ctm, white))
            elif o == "Q":
                if stack:
                    ctm, white = stack.pop()
            elif o == "cm":
                ctm = mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif o in ("g", "rg", "k", "sc", "scn"):
                vals = [float(v) for v in operands if isinstance(v, (int, float)) or hasattr(v, "as_integer_ratio")]
                white = bool(vals) and (all(v >= 0.999 for v in vals) if o != "k" else all(v <= 0.001 for v in vals))
            elif o in ("m", "l"):
                path.append(apply(ctm, float(operands[0]), float(operands[1])))
            elif o in ("c", "v", "y"):
                vals = [float(v) for v in operands]
                for i in range(0, len(vals), 2):
                    path.append(apply(ctm, vals[i], vals[i + 1]))
            elif o == "re":
                x, y, w, h = (float(v) for v in operands)
                r = transform_rect(ctm, (x, y, x + w, y + h))
                path.extend([(r[0], r[1]), (r[2], r[3])])
            elif o in _PATH_PAINT or o == "n":
                if path and o != "n" and not (white and o in _FILL_ONLY):
                    xs = [p[0] for p in path]
                    ys = [p[1] for p in path]
                    add((min(xs), min(ys), max(xs), max(ys)))
                path = []
            elif o == "Do":
                xo = xobjects.get(operands[0])
                if xo is not None and xo.get("/Subtype") == pikepdf.Name.Form:
                    m = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                    bb = tuple(float(v) for v in xo.BBox)
                    add(transform_rect(mul(m, ctm), bb))  # type: ignore[arg-type]
                else:
                    add(transform_rect(ctm, (0.0, 0.0, 1.0, 1.0)))
            elif o == "INLINE IMAGE":
                add(transform_rect(ctm, (0.0, 0.0, 1.0, 1.0)))
            elif o == "sh":
                return whole  # type: ignore[return-value]
            elif o == "BT":
                tm = tlm = IDENTITY
            elif o == "Tf":
                size = abs(float(operands[1])) or size
            elif o == "TL":
                leading = float(operands[0])
            elif o in ("Td", "TD"):
                tx, ty = float(operands[0]), float(operands[1])
                if o == "TD":
                    leading = -ty
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
            elif o == "Tm":
                tlm = tm = tuple(float(v) for v in operands)  # type: ignore[assignment]
            elif o == "T*":
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            elif o == "Tj":
                show(len(bytes(operands[0])))
            elif o in ("'", '"'):
                tlm = tm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                show(len(bytes(operands[-1])))
            elif o == "TJ":
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        show(len(bytes(item)))
                    else:
                        tm = mul((1.0, 0.0, 0.0, 1.0, -float(item) / 1000 * size, 0.0), tm)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            continue  # malformed operator: skip it, the box only serves a warning
    return boxes
