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

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from dossier.errors import InputError

ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_TAGS = re.compile(r"<[^>]+>")


def builtin_templates_dir() -> Path:
    """``templates/`` beside the package (a source checkout or an editable install)."""
    return Path(__file__).resolve().parent.parent / "templates"


def template_path(name: str, project_root: Path | None = None) -> Path:
    """The template used for ``name``: ``project_root/templates/NAME.docx`` if present, else built-in."""
    if project_root is not None:
        own = Path(project_root) / "templates" / f"{name}.docx"
        if own.is_file():
            return own
    builtin = builtin_templates_dir() / f"{name}.docx"
    if not builtin.is_file():
        raise InputError(
            f"找不到文书模板“{name}.docx”",
            file=str(builtin),
            hint="内置模板随 dossier 源码发布；请重新安装，或在项目的 templates/ 文件夹中放入同名模板。",
        )
    return builtin


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
    for name, value in context.items():
        keys: set[str] | None = set()
        for m in re.finditer(rf"(?<![\w.]){re.escape(name)}(?!\w)", text):
            access = _ACCESS.match(text, m.end())
            if access is None or not isinstance(value, dict):
                keys = None
                break
            keys.add(access.group(1) or access.group(3))
        if keys is None:
            used[name] = value
        elif keys:
            used[name] = {k: value[k] for k in sorted(keys) if k in value}
    return used


def jinja_env():
    from jinja2 import Environment, StrictUndefined

    return Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)


def paragraph_at(xml: str, lineno: int | None) -> str:
    """The text of the paragraph on Jinja line ``lineno`` of docxtpl's source (one line per paragraph)."""
    if not lineno:
        return ""
    lines = xml.splitlines()
    if 0 < lineno <= len(lines):
        return _TAGS.sub("", lines[lineno - 1]).strip()
    return ""


def render_docx(template: Path, context: dict[str, Any]) -> bytes:
    """Render one template with ``context``; bytes of a normalised .docx.

    Raises :class:`InputError` (Chinese, with the template file and the paragraph) when the template
    is not a Word file, has a Jinja syntax error, or uses a variable the context does not provide.
    """
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError

    try:
        tpl = DocxTemplate(str(template))
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
    buf = io.BytesIO()
    tpl.save(buf)
    return normalise_docx(buf.getvalue())
