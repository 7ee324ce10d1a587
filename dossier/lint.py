"""``dossier templates lint``: what a template asks for that the context cannot give.

For each template in use (a project's own ``templates/NAME.docx`` or the built-in one) this reports
Jinja syntax errors with the paragraph they are in, and every variable — including attribute paths
such as ``enterprise.nmae`` and loop items such as ``r.amout`` — that the document's context does
not provide. The context is built from the project's ``enterprise.yaml`` when a folder is given,
else from an empty application (same keys, placeholder values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.documents.context import document_contexts
from dossier.documents.render import builtin_templates_dir, paragraph_at, template_path

_UNKNOWN = object()


@dataclass(frozen=True)
class LintProblem:
    template: str  # file path as shown to the user
    kind: str  # "syntax" | "undefined" | "unknown-template"
    message: str  # Chinese
    paragraph: str = ""

    def render(self) -> str:
        text = f"{self.template}：{self.message}"
        if self.paragraph:
            text += f"\n  所在段落：“{self.paragraph[:120]}”"
        return text


def template_sources(tpl_path: Path) -> list[tuple[str, str]]:
    """(part name, Jinja source) of the body, headers, footers — as docxtpl will render them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(tpl_path))
    tpl.init_docx()
    parts = [("正文", tpl.patch_xml(tpl.get_xml()))]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            name = "页眉" if rel.reltype == RT.HEADER else "页脚"
            parts.append((name, tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))))
    # docxtpl renders with one paragraph per line; do the same so that line numbers name paragraphs.
    return [(n, re.sub(r"<w:p([ >])", r"\n<w:p\1", x)) for n, x in parts]


def _paths(node: Any, scope: dict[str, Any], found: list[tuple[str, bool]]) -> None:
    """Walk a Jinja AST; record each dotted path read and whether the context resolves it."""
    from jinja2 import nodes

    if isinstance(node, nodes.For):
        _paths(node.iter, scope, found)
        item = _resolve(node.iter, scope)
        element = _first(item)
        inner = dict(scope)
        for name in _target_names(node.target):
            inner[name] = element if not isinstance(node.target, nodes.Tuple) else _UNKNOWN
        inner["loop"] = _UNKNOWN
        for child in node.body + node.else_:
            _paths(child, inner, found)
        if node.test is not None:
            _paths(node.test, inner, found)
        return
    if isinstance(node, (nodes.Getattr, nodes.Name, nodes.Getitem)):
        dotted = _dotted(node)
        if dotted is not None:
            found.append((dotted, _resolve(node, scope) is not None))
            return
    if isinstance(node, (nodes.Assign, nodes.With, nodes.Macro, nodes.CallBlock)):
        return  # templates shipped with dossier never define variables; skip rather than guess
    for child in node.iter_child_nodes():
        _paths(child, scope, found)


def _target_names(target: Any) -> list[str]:
    from jinja2 import nodes

    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n.name for n in target.items if isinstance(n, nodes.Name)]
    return []


def _dotted(node: Any) -> str | None:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _dotted(node.node)
        return f"{base}.{node.arg.value}" if base else None
    return None


def _resolve(node: Any, scope: dict[str, Any]) -> Any:
    """The context value a Name/Getattr chain reaches; None if missing; _UNKNOWN if not knowable."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return scope.get(node.name)
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        base = _resolve(node.node, scope)
        if base is None:
            return None
        if base is _UNKNOWN:
            return _UNKNOWN
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(base, dict):
            return base.get(key) if key in base else None
        return _UNKNOWN
    return _UNKNOWN


def _first(value: Any) -> Any:
    if isinstance(value, list):
        if not value:
            return _UNKNOWN
        merged: dict[str, Any] = {}
        if all(isinstance(v, dict) for v in value):
            for v in value:
                merged.update(v)
            return merged
        return value[0]
    return _UNKNOWN


def lint_template(tpl_path: Path, context: dict[str, Any], shown: str) -> list[LintProblem]:
    from jinja2 import Environment, TemplateSyntaxError

    problems: list[LintProblem] = []
    env = Environment()
    try:
        sources = template_sources(tpl_path)
    except Exception as exc:  # noqa: BLE001 - a broken .docx is a finding, not a crash
        return [LintProblem(shown, "syntax", f"无法作为 Word 模板打开（{type(exc).__name__}）")]
    for part, source in sources:
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(
                LintProblem(shown, "syntax", f"{part}中有 Jinja 语法错误：{exc.message}", paragraph_at(source, exc.lineno))
            )
            continue
        found: list[tuple[str, bool]] = []
        _paths(tree, context, found)
        seen = set()
        for dotted, ok in found:
            if not ok and dotted not in seen:
                seen.add(dotted)
                problems.append(LintProblem(shown, "undefined", f"{part}使用了上下文没有提供的变量“{dotted}”"))
    return problems


def lint_templates(root: str | Path | None = None) -> list[LintProblem]:
    """Problems of every template a build of ``root`` would use (the built-in ones if ``root`` is None).

    Also reports ``root/templates/*.docx`` whose name matches no document (a misspelt override is
    otherwise silently ignored).
    """
    from dossier.application.figures import compute
    from dossier.application.load import load_project
    from dossier.application.model import Application
    from dossier.application.programme import DEFAULT_PROGRAMME, load_programme

    root_path = Path(root) if root is not None else None
    app = None
    if root_path is not None and (root_path / "enterprise.yaml").is_file():
        app = load_project(root_path).app
    types = [app.type] if app is not None and app.type else ["discrete", "process"]
    programme = load_programme((app.programme if app else None) or DEFAULT_PROGRAMME, base=root_path)
    problems: list[LintProblem] = []
    names: set[str] = set()
    seen_templates: set[tuple[str, str]] = set()
    for mtype in types:
        use = app if app is not None and app.type else Application(type=mtype)
        figures = compute(use, programme)
        for name, context in document_contexts(use, programme, figures, draft=True).items():
            names.add(name)
            path = template_path(name, root_path)
            key = (str(path), name)
            if key in seen_templates:
                continue
            seen_templates.add(key)
            shown = _shown(path, root_path)
            problems.extend(lint_template(path, {**context, "bound": True}, shown))  # as build renders it
        # The 现场核验 list (`dossier site`) may be overridden like the documents.
        from dossier.site import TEMPLATE as SITE, site_context

        names.add(SITE)
        path = template_path(SITE, root_path)
        if (str(path), SITE) not in seen_templates:
            seen_templates.add((str(path), SITE))
            context = site_context(use, programme, figures, root_path or Path("."), None, volume_note="")
            problems.extend(lint_template(path, context, _shown(path, root_path)))
    if root_path is not None and (root_path / "templates").is_dir():
        for extra in sorted((root_path / "templates").glob("*.docx")):
            if extra.stem not in names and not extra.name.startswith("~$"):
                problems.append(
                    LintProblem(
                        _shown(extra, root_path), "unknown-template",
                        "没有同名的文书，此模板不会被使用；可用的名称：" + "、".join(sorted(names)),
                    )
                )
    return problems


def _shown(path: Path, root: Path | None) -> str:
    for base in (root, builtin_templates_dir().parent):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)
