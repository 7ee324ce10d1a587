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
