"""The render cache key holds every part of the context a template can read (never less)."""

from __future__ import annotations

from dossier.documents.render import used_context

CTX = {"project": {"summary": "甲", "name": "乙"}, "rows": [{"a": 1}], "totals": {"x": "1", "y": "2"}, "unused": {"z": 1}}


def test_attribute_and_bracket_access_keep_only_those_keys():
    used = used_context("{{ project.summary }} {{ totals['x'] }}", CTX)
    assert used == {"project": {"summary": "甲"}, "totals": {"x": "1"}}


def test_names_not_in_the_template_are_left_out():
    assert "unused" not in used_context("{{ project.name }}", CTX)


def test_loops_method_calls_and_whole_use_keep_everything():
    assert used_context("{%tr for r in rows %}{{ r.a }}{%tr endfor %}", CTX)["rows"] == CTX["rows"]
    assert used_context("{% for k, v in totals.items() %}{{ v }}{% endfor %}", CTX)["totals"] == CTX["totals"]
    assert used_context("{% set p = project %}{{ p.summary }}", CTX)["project"] == CTX["project"]
    assert used_context("{{ project[key] }}", CTX)["project"] == CTX["project"]


def test_a_changed_value_the_template_reads_changes_the_key():
    text = "{{ project.summary }}"
    other = {**CTX, "project": {**CTX["project"], "summary": "丙"}}
    assert used_context(text, CTX) != used_context(text, other)
    unread = {**CTX, "project": {**CTX["project"], "name": "丁"}}
    assert used_context(text, CTX) == used_context(text, unread)


def test_the_cached_docx_is_keyed_by_the_source_of_every_module_that_renders(tmp_path):
    """A fix to rendering (say, tablefit's widths) must reach documents rendered before it: the modules
    render_docx imports are all in the cache key, so no one has to remember to bump a version."""
    import subprocess
    import sys

    code = """
import sys
from pathlib import Path
from conftest import valid_application, write_project
from dossier.check import check_project
from dossier.documents.context import document_contexts, document_specs
from dossier.documents.render import render_docx, template_path
from dossier.build import RENDER_MODULES
result = check_project(write_project(Path(sys.argv[1]), valid_application()), media=False)
contexts = document_contexts(result.folder.app, result.programme, result.figures, draft=False)
before = set(sys.modules)
for spec in document_specs(result.programme, result.folder.app.type):
    render_docx(template_path(spec.name), contexts[spec.name])
# dossier.util.resources only finds the template file, whose bytes are in the key already.
used = {m for m in set(sys.modules) - before if m.startswith("dossier.") and m != "dossier.util.resources"}
used |= {"dossier.documents.render"}
missing = used - set(RENDER_MODULES)
print(sorted(missing))
assert not missing
"""
    tests = str(__import__("pathlib").Path(__file__).parent)
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")], capture_output=True, text=True,
                         timeout=120, cwd=tests, env={**__import__("os").environ, "PYTHONPATH": tests})
    assert run.returncode == 0, run.stdout + run.stderr
