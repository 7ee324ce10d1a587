"""A :class:`~samples.sheet.Sheet` written as OFD (GB/T 33190): the form 数电发票 and bank e-receipts
(电子回单) are downloaded in. Text is positioned character by character (DeltaX from the sample
font's advance widths); the font is named, not embedded, as many issuing platforms do. Fixed zip
times: the bytes are the same on every run.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

from samples.sheet import MM, WATERMARK, Sheet, _char_width

NS = "http://www.ofdspec.org/2016"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _n(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def _rgb(color) -> str:
    return " ".join(str(round(c * 255)) for c in color)


def _deltas(values: list[float]) -> str:
    out, i = [], 0
    while i < len(values):
        j = i
        while j < len(values) and _n(values[j]) == _n(values[i]):
            j += 1
        out.append(f"g {j - i} {_n(values[i])}" if j - i > 2 else " ".join(_n(v) for v in values[i:j]))
        i = j
    return " ".join(out)


class _Ids:
    def __init__(self, start: int) -> None:
        self.n = start

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _text(sheet: Sheet, ids: _Ids, x: float, y: float, s: str, size_pt: float, align: str, color, bold: bool) -> str:
    if not s:
        return ""
    size = size_pt / MM
    advances = [_char_width(sheet.font, ch) * size_pt / MM for ch in s]
    width = sum(advances)
    left = x - {"left": 0, "center": width / 2, "right": width}[align]
    baseline = y + size_pt * 0.85 / MM
    box = f"{_n(left)} {_n(baseline - size)} {_n(width + 1)} {_n(size * 1.4)}"
    font = "2" if bold else "1"
    return (f'<ofd:TextObject ID="{ids()}" Boundary="{box}" Font="{font}" Size="{_n(size)}">'
            f'<ofd:FillColor Value="{_rgb(color)}"/>'
            f'<ofd:TextCode X="0" Y="{_n(size)}" DeltaX="{_deltas(advances[:-1])}">{escape(s)}</ofd:TextCode>'
            "</ofd:TextObject>")


def _path(ids: _Ids, data: str, box: tuple[float, float, float, float], width: float, color) -> str:
    x, y, w, h = box
    return (f'<ofd:PathObject ID="{ids()}" Boundary="{_n(x)} {_n(y)} {_n(max(w, 0.01))} {_n(max(h, 0.01))}" '
            f'LineWidth="{_n(width)}"><ofd:StrokeColor Value="{_rgb(color)}"/>'
            f"<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>")


def _op(sheet: Sheet, ids: _Ids, op: tuple) -> str:
    kind = op[0]
    if kind == "text":
        _, x, y, s, size, bold, align, color = op
        return _text(sheet, ids, x, y, s, size, align, color, bold)
    if kind == "line":
        _, x1, y1, x2, y2, width, color = op
        x, y = min(x1, x2), min(y1, y2)
        return _path(ids, f"M {_n(x1 - x)} {_n(y1 - y)} L {_n(x2 - x)} {_n(y2 - y)}", (x, y, abs(x2 - x1), abs(y2 - y1)), width, color)
    if kind == "rect":
        _, x, y, w, h, width, color = op
        return _path(ids, f"M 0 0 L {_n(w)} 0 L {_n(w)} {_n(h)} L 0 {_n(h)} C", (x, y, w, h), width, color)
    if kind == "circle":
        _, cx, cy, r, width, color = op
        k = 0.5523 * r
        d = (f"M {_n(2 * r)} {_n(r)} B {_n(2 * r)} {_n(r + k)} {_n(r + k)} {_n(2 * r)} {_n(r)} {_n(2 * r)} "
             f"B {_n(r - k)} {_n(2 * r)} 0 {_n(r + k)} 0 {_n(r)} B 0 {_n(r - k)} {_n(r - k)} 0 {_n(r)} 0 "
             f"B {_n(r + k)} 0 {_n(2 * r)} {_n(r - k)} {_n(2 * r)} {_n(r)} C")
        return _path(ids, d, (cx - r, cy - r, 2 * r, 2 * r), width, color)
    raise ValueError(kind)


def to_ofd(sheet: Sheet) -> bytes:
    ids = _Ids(10)
    pages = []
    for page in sheet.pages:
        w, h = page.size
        mark = _text(sheet, ids, w / 2, h / 2, WATERMARK, 16, "center", (0.85, 0.85, 0.85), False)
        body = "".join(_op(sheet, ids, op) for op in page.ops)
        pages.append(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}"><ofd:Area>'
            f"<ofd:PhysicalBox>0 0 {_n(w)} {_n(h)}</ofd:PhysicalBox></ofd:Area>"
            f'<ofd:Content><ofd:Layer ID="{ids()}">{mark}{body}</ofd:Layer></ofd:Content></ofd:Page>'
        )
    first = sheet.pages[0].size
    page_list = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{ids.n}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {_n(first[0])} {_n(first[1])}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>"
    )
    res = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/><ofd:Font ID="2" FontName="黑体" FamilyName="黑体" Bold="true"/>'
        "</ofd:Fonts></ofd:Res>"
    )
    root = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody>'
        f"<ofd:DocInfo><ofd:DocID>{escape(sheet.title)}</ofd:DocID><ofd:Title>{escape(sheet.title)}</ofd:Title>"
        "<ofd:Creator>dossier samples</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    members = [("OFD.xml", root), ("Doc_0/Document.xml", document), ("Doc_0/PublicRes.xml", res)]
    members += [(f"Doc_0/Pages/Page_{i}/Content.xml", p) for i, p in enumerate(pages)]
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
