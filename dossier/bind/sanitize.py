"""Active content removal.

Two steps. Before a source page is wrapped: form fields and other visible annotations are
flattened into the page content, so values stay visible after annotations are dropped (a wrapped
page carries no annotations, no /AA, and the source's catalog — JavaScript, embedded files,
/OpenAction — is never copied). After the volume is assembled: every object of the output is
walked and any action, JavaScript, launch/URI target or embedded file that slipped in through
resources is removed. Source PDFs are only changed in memory, never saved.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Stream

_BAD_ACTIONS = {
    "/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
    "/Rendition", "/RichMediaExecute", "/Sound", "/Movie", "/ResetForm", "/Hide", "/SetOCGState",
    "/Trans", "/GoTo3DView", "/Named",
}
_BAD_KEYS = ("/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/EF", "/Launch", "/URI", "/A", "/Annots")
_BAD_KEY_SET = frozenset(_BAD_KEYS)
_BAD_TYPES = {"/EmbeddedFile", "/Filespec", "/Action"}
# Big arrays of numbers never hold actions; skipping them keeps the walk fast.
_SKIP = frozenset({"/W", "/W2", "/Widths", "/Differences", "/BBox", "/Matrix", "/Decode", "/Domain", "/Range",
                   "/Encode", "/Size", "/Bounds", "/C0", "/C1", "/Coords", "/Extend", "/FontBBox", "/Index"})


def _str(obj) -> str:
    """``str()`` of a name or string; a name holding bytes that are not UTF-8 (hostile or damaged
    files) makes ``str()`` raise, so it is shown from its PDF syntax instead."""
    try:
        return str(obj)
    except UnicodeDecodeError:
        return obj.unparse().decode("latin-1")


def flatten_forms(pdf: pikepdf.Pdf) -> bool:
    """Burn visible annotations (form fields first) into page content; True if anything was there."""
    if not any("/Annots" in page.obj for page in pdf.pages):
        return False
    acro = pdf.Root.get("/AcroForm")
    if acro is not None and bool(acro.get("/NeedAppearances", False)):
        try:
            pdf.generate_appearance_streams()
        except pikepdf.PdfError:
            pass  # fields without a usable appearance stay invisible; flattening still proceeds
    pdf.flatten_annotations("all")
    return True


def scrub(pdf: pikepdf.Pdf, skip: set[tuple[int, int]] | frozenset = frozenset()) -> int:
    """Remove actions, JavaScript and embedded files from every object of ``pdf``; return how many.

    ``skip`` names objects (by ``objgen``) the caller made itself and knows to be clean, such as
    the volume's own pages and content streams: they are not walked, but what they refer to is,
    since every indirect object is visited on its own.
    """
    removed = 0
    for obj in pdf.objects:
        if isinstance(obj, (Dictionary, Stream)):
            if obj.objgen not in skip:
                removed += _scrub_dict(obj, 0)
        elif isinstance(obj, Array):
            removed += _scrub_array(obj, 0)
    return removed


def _scrub_dict(d, depth: int) -> int:
    keys = d.keys()  # one call, a set: much cheaper than asking for each key in turn
    if ("/Type" in keys and _str(d["/Type"]) in _BAD_TYPES) or ("/S" in keys and _str(d["/S"]) in _BAD_ACTIONS):
        for key in keys:
            del d[key]
        return 1
    bad = keys & _BAD_KEY_SET
    for key in bad:
        del d[key]
    removed = len(bad)
    if depth > 12:
        return removed
    for key in keys - bad - _SKIP:
        value = d[key]
        if isinstance(value, Dictionary) and not value.is_indirect:
            removed += _scrub_dict(value, depth + 1)
        elif isinstance(value, Array) and not value.is_indirect:
            removed += _scrub_array(value, depth + 1)
    return removed


def _scrub_array(a, depth: int) -> int:
    removed = 0
    if depth > 12:
        return 0
    for value in a:
        if isinstance(value, Dictionary) and not value.is_indirect:
            removed += _scrub_dict(value, depth + 1)
        elif isinstance(value, Array) and not value.is_indirect:
            removed += _scrub_array(value, depth + 1)
    return removed


def _acts_on_open(action) -> bool:
    """An /OpenAction that does more than open at a page (LibreOffice and Word write a page
    destination or a /GoTo there: a view setting, dropped silently, not worth a warning)."""
    if action is None or isinstance(action, Array):
        return False
    if isinstance(action, Dictionary):
        return _str(action.get("/S", "")) != "/GoTo" or "/Next" in action
    return True


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """What active content a source carries, in Chinese words, for the user's report."""
    found: list[str] = []
    root = pdf.Root
    names = root.get("/Names")
    if names is not None:
        if "/JavaScript" in names:
            found.append("JavaScript 脚本")
        if "/EmbeddedFiles" in names:
            found.append("嵌入的附件")
    if "/AA" in root or _acts_on_open(root.get("/OpenAction")):
        found.append("打开时自动执行的动作")
    if "/AcroForm" in root:
        found.append("表单域（已把填写内容固定到页面上）")
    kinds: set[str] = set()
    for page in pdf.pages:
        if "/AA" in page.obj:
            kinds.add("页面动作")
        for annot in page.obj.get("/Annots", ()):
            if isinstance(annot, Dictionary):
                kinds |= _annotation_kinds(annot)
    found.extend(k for k in sorted(kinds) if k not in found)
    return found


_ACTION_WORDS = {"/Launch": "启动外部程序的链接", "/URI": "网址链接", "/JavaScript": "JavaScript 脚本"}


def _annotation_kinds(annot: Dictionary) -> set[str]:
    """What active content one annotation carries, in the words of :func:`active_content`."""
    kinds: set[str] = set()
    if _str(annot.get("/Subtype", "")) == "/FileAttachment":
        kinds.add("附件注释")
    action = annot.get("/A")
    if isinstance(action, Dictionary):
        word = _ACTION_WORDS.get(_str(action.get("/S", "")))
        if word:
            kinds.add(word)
    if "/AA" in annot:
        kinds.add("注释动作")
    return kinds
