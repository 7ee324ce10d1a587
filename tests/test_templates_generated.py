"""The committed templates are what templates/src/ generates: regenerated into a temporary folder,
every .docx and .pptx is byte-identical to the one in templates/ (so an edit to a generated file,
which the next regeneration would overwrite, or a generator that drifted, fails here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GENERATORS = sorted((REPO / "templates" / "src").glob("make_*.py"))


@pytest.mark.slow
def test_regenerated_templates_equal_the_committed_ones(tmp_path):
    # The generators write beside their own folder (src/..): a copy of src/ writes into the copy.
    work = tmp_path / "templates"
    shutil.copytree(REPO / "templates" / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    assert [p.name for p in GENERATORS] == ["make_deck_template.py", "make_followup_templates.py", "make_templates.py"]
    for script in GENERATORS:
        run = subprocess.run([sys.executable, str(work / "src" / script.name)], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    made = sorted(p.name for p in work.iterdir() if p.suffix in (".docx", ".pptx"))
    committed = sorted(p.name for p in (REPO / "templates").iterdir() if p.suffix in (".docx", ".pptx"))
    assert made == committed, "every committed template comes from a generator, and nothing else is generated"
    differ = [name for name in made if (work / name).read_bytes() != (REPO / "templates" / name).read_bytes()]
    assert not differ, f"templates/ differs from what templates/src/ generates (regenerate them): {differ}"


def test_a_template_says_it_is_generated_where_word_shows_it():
    from docx import Document

    for path in sorted((REPO / "templates").glob("*.docx")):
        comments = Document(str(path)).core_properties.comments
        assert "templates/src/" in comments and "项目的 templates/ 文件夹" in comments, path.name


def test_paragraph_properties_are_in_schema_order():
    """w:ind before w:jc (and every other pPr child in CT_PPr's sequence), in styles and body."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
             "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
    rank = {w + name: i for i, name in enumerate(order)}
    checked = 0
    for path in sorted((REPO / "templates").glob("*.docx")):
        with zipfile.ZipFile(path) as z:
            for part in ("word/styles.xml", "word/document.xml"):
                for ppr in etree.fromstring(z.read(part)).iter(w + "pPr"):
                    tags = [c.tag for c in ppr]
                    assert all(t in rank for t in tags), (path.name, part, tags)
                    assert [rank[t] for t in tags] == sorted(rank[t] for t in tags), (path.name, part, tags)
                    checked += ("ind" in str(tags)) and ("jc" in str(tags))
    assert checked > 0  # styles with both w:ind and w:jc exist, so the order was really checked


def test_templates_carry_only_the_table_styles_their_tables_name():
    """python-docx's default template brings 100 table styles and a Word 2010 copy of the styles
    (stylesWithEffects.xml); LibreOffice reads them all on every conversion. The generated templates
    keep the default table style, Table Grid (for a table added to any template) and those a table
    names (with what they are based on), and every style a table names is defined."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    named_anywhere = set()
    for path in sorted((REPO / "templates").glob("*.docx")):
        with zipfile.ZipFile(path) as z:
            assert not any("stylesWithEffects" in n for n in z.namelist()), path.name
            assert b"stylesWithEffects" not in z.read("[Content_Types].xml"), path.name
            assert b"stylesWithEffects" not in z.read("word/_rels/document.xml.rels"), path.name
            named = {el.get(w + "val") for el in etree.fromstring(z.read("word/document.xml")).iter(w + "tblStyle")}
            tables = {s.get(w + "styleId"): s for s in etree.fromstring(z.read("word/styles.xml")).iter(w + "style")
                      if s.get(w + "type") == "table"}
        based = {s.find(w + "basedOn").get(w + "val") for s in tables.values() if s.find(w + "basedOn") is not None}
        default = {sid for sid, s in tables.items() if s.get(w + "default") == "1"}
        assert named <= set(tables), (path.name, named - set(tables))
        assert "TableGrid" in tables, path.name
        assert set(tables) == named | based | default | {"TableGrid"}, (path.name, set(tables) - named - based - default)
        named_anywhere |= named
    assert named_anywhere  # tables name a style, so keeping the named ones was really checked
