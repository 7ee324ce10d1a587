"""Context + docxtpl template → .docx bytes, deterministic.

Templates are looked up by name: a project's own ``DIR/templates/NAME.docx`` (for when the district
hands out official forms) wins over the built-in ``templates/NAME.docx``. Rendering always uses
``autoescape=True`` (docxtpl's default is off, and an ``&`` or ``<`` in user data would corrupt the
XML: docxtpl #557) and ``StrictUndefined``, so a variable the context lacks is an error naming the
template and the paragraph, never a silently blank cell in a submission.

python-docx stamps every zip entry with the current time; :func:`normalise_docx` rewrites the zip
with a fixed time so that the same input gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from pathlib import Path
from typing import Any

from dossier.util.errors import InputError

ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_TAGS = re.compile(r"<[^>]+>")


def builtin_templates_dir() -> Path:
    """The built-in templates (:mod:`dossier.util.resources`: in the package, or the checkout's ``templates/``)."""
    from dossier.util.resources import resource_dir

    return resource_dir("templates")


def template_path(name: str, project_root: Path | None = None) -> Path:
    """The template used for ``name``: ``project_root/templates/NAME.docx`` if present, else built-in."""
    if project_root is not None:
        own = Path(project_root) / "templates" / f"{name}.docx"
        if own.is_file():
            return own
    from dossier.util.resources import resource

    return resource("templates", f"{name}.docx")


def normalise_docx(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed entry times and attributes, entries in their original order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            out.create_system = 0
            dst.writestr(out, src.read(info.filename), compresslevel=6)
    return buf.getvalue()


# ``.key`` or ``['key']`` after a name, not followed by ``(`` (``.items()`` reads every key).
_ACCESS = re.compile(r"""\s*(?:\.\s*([A-Za-z_]\w*)(?!\w)|\[\s*(['"])(\w+)\2\s*\])(?!\s*\()""")


# The parts docxtpl renders: body, headers, footers, footnotes, document properties.
_RENDERED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml")


def template_text(data: bytes) -> str:
    """The text of the .docx parts docxtpl renders, XML tags removed: every Jinja tag it can
    see, joined again where Word split it into runs."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(
            _TAGS.sub("", z.read(name).decode("utf-8", "replace"))
            for name in z.namelist()
            if _RENDERED_PARTS.fullmatch(name)
        )


def used_context(text: str, context: dict[str, Any]) -> dict[str, Any]:
    """The part of ``context`` a template with source ``text`` can read (a superset).

    A top-level name that does not occur in the text is left out; one used only as
    ``name.key`` / ``name['key']`` keeps just those keys; any other use (a loop over it, a method
    call such as ``name.items()``, passing it whole) keeps all of it. Used as the render cache
    key, so that a new summary renders again only the documents that print it, not every
    document whose context carries it (they all carry ``project``).
    """
    used: dict[str, Any] = {}
    for name, keys in usage(text, context).items():
        value = context[name]
        if keys is None:
            used[name] = value
        elif keys:
            used[name] = {k: value[k] for k in sorted(keys) if k in value}
    return used


def usage(text: str, context: dict[str, Any]) -> dict[str, frozenset[str] | None]:
    """For each name of ``context``: the keys a template with source ``text`` reads of it, or None
    when it may read all of it (see :func:`used_context`). It depends on the text, the names and
    which values are dicts: remembered for those, as templates are rendered again and again."""
    shape = (hashlib.sha256(text.encode("utf-8")).digest(), tuple((k, isinstance(v, dict)) for k, v in context.items()))
    found = _USAGE.get(shape)
    if found is None:
        found = {}
        for name, value in context.items():
            keys: set[str] | None = set()
            for m in re.finditer(rf"(?<![\w.]){re.escape(name)}(?!\w)", text):
                access = _ACCESS.match(text, m.end())
                if access is None or not isinstance(value, dict):
                    keys = None
                    break
                keys.add(access.group(1) or access.group(3))
            found[name] = None if keys is None else frozenset(keys)
        if len(_USAGE) >= 256:
            _USAGE.clear()
        _USAGE[shape] = found
    return found


_USAGE: dict[tuple, dict[str, frozenset[str] | None]] = {}


# A Chinese closing mark (、，。；：！？ and closing brackets/quotes) directly before a Latin letter or
# digit: LibreOffice's line breaking finds no break there (en-US rules for the Latin text), so
# "建成MES/APS、PLM、WMS、QMS、EMS" became one unbreakable word and the line before it was spread
# over the whole width ("4.　　系　　统　　集　　成"). A zero-width space marks the break that
# Chinese typesetting allows; it prints nothing (the fidelity check ignores it).
_CLOSING_BEFORE_LATIN = re.compile(r"(?<=[、，。；：！？）》】”’])(?=[A-Za-z0-9])")
ZWSP = "\u200b"


def break_opportunities(value: Any) -> Any:
    """``value`` as printed into a document: strings get the line-break opportunities above."""
    if isinstance(value, str):
        return _CLOSING_BEFORE_LATIN.sub(ZWSP, value)
    return value


# Marks that may not end a line (opening) or start one (closing), as in Chinese line breaking.
_NO_LINE_END = set("（《【“‘〈「『")
_NO_LINE_START = set("、。，；：？！）》】”’〉」』—…%")


def _ems(text: str) -> float:
    """Printed width of ``text`` in ems: CJK 1, Latin letters and digits about 0.55, plus the
    quarter em LibreOffice puts between CJK and Latin (autospace)."""
    width, prev_latin = 0.0, None
    for ch in text:
        latin = ord(ch) < 0x2E80
        width += 0.55 if latin else 1.0
        if prev_latin is not None and latin != prev_latin:
            width += 0.25
        prev_latin = latin
    return width


def balanced(text: Any, per_line: float) -> str:
    """A title broken into lines of about equal width (joined by ``\n``, a line break in Word),
    so that it never ends with a line of one or two characters, as titles of official documents
    are set. ``per_line``: ems a line of the title's style holds. A title that fits is unchanged;
    no break falls inside a run of Latin letters or digits, before a closing mark or after an
    opening one."""
    text = str(text)
    total = _ems(text)
    if total <= per_line:
        return text
    lines = math.ceil(total / per_line)
    while lines < len(text):
        out = _split(text, lines, per_line)
        if out is not None:
            return "\n".join(out)
        lines += 1
    return text


def _split(text: str, lines: int, per_line: float) -> list[str] | None:
    """``text`` in ``lines`` lines that each fit ``per_line``, each break near an equal share of the
    width; a break at a phrase boundary (after a closing bracket or a dash, before 以及/和/与/及)
    is preferred to one within a few ems of the ideal place."""
    total, out, start = _ems(text), [], 0
    for k in range(1, lines):
        target = total * k / lines
        best = None
        for i in range(start + 1, len(text)):
            if not _breakable(text, i) or _ems(text[start:i]) > per_line:
                continue
            if _ems(text[i:]) > per_line * (lines - k):
                continue
            cost = abs(_ems(text[:i]) - target) - (4.0 if _phrase_break(text, i) else 0.0)
            if best is None or cost < best[0]:
                best = (cost, i)
        if best is None:
            return None
        out.append(text[start:best[1]])
        start = best[1]
    out.append(text[start:])
    return out if _ems(out[-1]) <= per_line else None


def _phrase_break(text: str, i: int) -> bool:
    if text.startswith(("以及", "及其", "和", "与", "暨"), i):
        return True
    return text[i - 1] in "）》】”、，：-—" or text[i] in "（《【“" or (text[i] == "及" and text[i - 1] != "以")


def _breakable(text: str, i: int) -> bool:
    a, b = text[i - 1], text[i]
    if a in _NO_LINE_END or b in _NO_LINE_START or b == "-":
        return False
    return not (a.isascii() and a.isalnum() and b.isascii() and b.isalnum())


_ENV = None


def jinja_env():
    """The environment documents are rendered with; one per process, and it remembers the templates
    it compiled: docxtpl hands it each part's XML as a string on every render, and compiling a
    form's XML costs ~0.1 s (``dossier watch`` renders the same templates again and again)."""
    global _ENV
    if _ENV is None:
        from jinja2 import Environment, StrictUndefined

        class _Remembering(Environment):
            compiled: dict[str, Any]

            def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - jinja's name
                if globals or template_class is not None or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                found = self.compiled.pop(source, None) or super().from_string(source)
                self.compiled[source] = found  # most recently used last
                while len(self.compiled) > 64:
                    del self.compiled[next(iter(self.compiled))]
                return found

        env = _Remembering(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False,
                           finalize=break_opportunities)
        env.compiled = {}
        env.filters["balanced"] = balanced
        _ENV = env
    return _ENV


def paragraph_at(xml: str, lineno: int | None) -> str:
    """The text of the paragraph on Jinja line ``lineno`` of docxtpl's source (one line per paragraph)."""
    if not lineno:
        return ""
    lines = xml.splitlines()
    if 0 < lineno <= len(lines):
        return _TAGS.sub("", lines[lineno - 1]).strip()
    return ""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SIGNATURE_STYLES = ("DossierSign", "DossierSigning")  # 落款, 签字栏
TOTAL_ROW = re.compile(r"^\s*(小计|合计|总计)")


def _keep_next(element) -> None:
    """``w:keepNext`` on every paragraph in ``element`` (a paragraph or a table row)."""
    from docx.oxml import OxmlElement

    paragraphs = [element] if element.tag == f"{_W}p" else list(element.iter(f"{_W}p"))
    for p in paragraphs:
        ppr = p.find(f"{_W}pPr")
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        if ppr.find(f"{_W}keepNext") is None:
            keep = OxmlElement("w:keepNext")
            style = ppr.find(f"{_W}pStyle")
            ppr.insert(1 if style is not None else 0, keep)


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t"))


def _style(p) -> str | None:
    s = p.find(f"{_W}pPr/{_W}pStyle")
    return s.get(f"{_W}val") if s is not None else None


def keep_together(body) -> None:
    """Keep-together rules for every table and signature block of a rendered document.

    - a table's first two data rows stay together, and so do its last three: no page holds a
      fragment of one or two rows of a table that goes on, or ends, elsewhere;
    - a 小计 / 合计 row stays with the row before it (never alone at the top of a page);
    - a signature block (落款 / 签字栏 lines) stays with what precedes it: the paragraph before it,
      the note under a table and the table's last row.
    Word keeps a row with the next one when its paragraphs have ``w:keepNext``.
    """
    for tbl in body.iterfind(f"{_W}tbl"):
        rows = tbl.findall(f"{_W}tr")
        data = [r for r in rows if r.find(f"{_W}trPr/{_W}tblHeader") is None]
        for r in (data[:1] + data[-3:-1]) if len(data) > 2 else data[:-1]:
            _keep_next(r)
        for before, row in zip(rows, rows[1:]):
            first = row.find(f"{_W}tc")
            if first is not None and TOTAL_ROW.match(_text(first)):
                _keep_next(before)
    children = list(body)
    for i, child in enumerate(children):
        if child.tag != f"{_W}p" or _style(child) not in SIGNATURE_STYLES:
            continue
        if i == 0 or (children[i - 1].tag == f"{_W}p" and _style(children[i - 1]) in SIGNATURE_STYLES):
            continue
        j = i - 1
        while j >= 0:
            prev = children[j]
            if prev.tag == f"{_W}tbl":
                _keep_next(prev.findall(f"{_W}tr")[-1])
                break
            _keep_next(prev)
            if _text(prev).strip() and _style(prev) != "DossierNote":
                break
            j -= 1


_PATCHED: dict[str, str] = {}
_TEMPLATE_CLASS = None


def _template_class():
    """docxtpl's ``DocxTemplate``, remembering what its ``patch_xml`` made of each part's XML (a
    function of the XML alone: regular expressions over the whole part, ~0.02 s a form, the same
    on every render of a template)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        from docxtpl import DocxTemplate

        class Remembering(DocxTemplate):
            def patch_xml(self, src_xml):  # noqa: ANN001, ANN202 - docxtpl's signature
                found = _PATCHED.pop(src_xml, None)
                if found is None:
                    found = super().patch_xml(src_xml)
                _PATCHED[src_xml] = found  # most recently used last
                while len(_PATCHED) > 64:
                    del _PATCHED[next(iter(_PATCHED))]
                return found

        _TEMPLATE_CLASS = Remembering
    return _TEMPLATE_CLASS


def render_docx(template: Path, context: dict[str, Any]) -> bytes:
    """Render one template with ``context``; bytes of a normalised .docx.

    Raises :class:`InputError` (Chinese, with the template file and the paragraph) when the template
    is not a Word file, has a Jinja syntax error, or uses a variable the context does not provide.
    """
    from jinja2 import TemplateSyntaxError, UndefinedError

    try:
        tpl = _template_class()(str(template))
        tpl.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"文书模板无法打开（{type(exc).__name__}）",
            file=str(template),
            hint="模板必须是 Word 的 .docx 文件（不是 .doc 或 WPS 格式）；请在 Word 中另存为 .docx。",
        ) from None
    try:
        tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    except TemplateSyntaxError as exc:
        where = "".join(getattr(exc, "docx_context", []) or [])
        where = _TAGS.sub("", where).strip()
        raise InputError(
            f"文书模板有语法错误：{exc.message}" + (f"（附近段落：“{where[:80]}”）" if where else ""),
            file=str(template),
            hint="检查 {{ }} 和 {% %} 是否成对、是否被 Word 拆开；可运行 dossier templates lint 定位。",
        ) from None
    except UndefinedError as exc:
        raise InputError(
            f"文书模板使用了未提供的变量：{exc.message}",
            file=str(template),
            hint="运行 dossier templates lint 查看模板中所有无法填充的变量，并按内置模板中的变量名修改。",
        ) from None
    from dossier.documents.tablefit import fit_tables

    fit_tables(tpl.docx.element.body)  # no break inside a code, number or date in a table cell
    keep_together(tpl.docx.element.body)
    buf = io.BytesIO()
    tpl.save(buf)
    return normalise_docx(buf.getvalue())
