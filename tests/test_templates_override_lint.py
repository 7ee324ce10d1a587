"""Project templates override the built-in ones by name; `templates lint` finds what they get wrong."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document

from build_fixtures import SPECIAL, discrete_data, write_full_project
from dossier.check import check_project
from dossier.cli import main
from dossier.documents.context import document_contexts
from dossier.documents.render import builtin_templates_dir, render_docx, template_path
from dossier.lint import lint_templates
from dossier.util.errors import InputError


@pytest.fixture
def project(tmp_path):
    return write_full_project(tmp_path / "proj", discrete_data())


def contexts(root):
    r = check_project(root, media=False)
    return document_contexts(r.folder.app, r.programme, r.figures)


def own_template(root, name: str, extra: str):
    """The built-in template with one paragraph added, saved as the project's own."""
    doc = Document(str(builtin_templates_dir() / f"{name}.docx"))
    doc.add_paragraph(extra)
    (root / "templates").mkdir(exist_ok=True)
    doc.save(str(root / "templates" / f"{name}.docx"))


def document_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_project_template_overrides_builtin_by_name(project):
    own_template(project, "summary", "区经信局下发表样：{{ enterprise.name }}")
    assert template_path("summary", project) == project / "templates" / "summary.docx"
    assert template_path("report", project) == builtin_templates_dir() / "report.docx"
    xml = document_xml(render_docx(template_path("summary", project), contexts(project)["summary"]))
    assert "区经信局下发表样：武汉光芯测试科技有限公司" in xml


def test_render_escapes_special_characters_and_is_deterministic(project):
    ctx = contexts(project)["report"]
    a = render_docx(template_path("report"), ctx)
    b = render_docx(template_path("report"), ctx)
    assert a == b
    xml = document_xml(a)
    assert "高速光模块 &amp; 光器件（&lt;100G&gt; 与 &gt;400G）" in xml
    assert all(info.date_time == (2025, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(io.BytesIO(a)).infolist())
    assert SPECIAL not in xml  # raw, unescaped text would have broken the XML


def test_builtin_templates_lint_clean():
    assert lint_templates() == []


@pytest.mark.slow
def test_lint_finds_undeclared_variable_and_syntax_error(project):
    own_template(project, "summary", "联系人：{{ enterprise.contact_nmae }}")
    own_template(project, "authenticity_pledge", "法定代表人：{{ enterprise.legal_rep }")
    problems = lint_templates(project)
    undefined = [p for p in problems if p.kind == "undefined"]
    syntax = [p for p in problems if p.kind == "syntax"]
    assert [p.template for p in undefined] == ["templates/summary.docx"]
    assert "enterprise.contact_nmae" in undefined[0].message
    assert [p.template for p in syntax] == ["templates/authenticity_pledge.docx"]
    assert "法定代表人" in syntax[0].paragraph
    res = CliRunner().invoke(main, ["templates", "lint", str(project)])
    assert res.exit_code == 1
    assert "enterprise.contact_nmae" in res.output and "所在段落" in res.output


def test_lint_names_a_misspelt_override(project):
    (project / "templates").mkdir()
    shutil.copy(builtin_templates_dir() / "summary.docx", project / "templates" / "sumary.docx")
    problems = lint_templates(project)
    assert [p.kind for p in problems] == ["unknown-template"]


def test_render_of_broken_override_is_a_chinese_input_error(project):
    own_template(project, "summary", "{% for x in %}")
    with pytest.raises(InputError, match="语法错误"):
        render_docx(template_path("summary", project), contexts(project)["summary"])
