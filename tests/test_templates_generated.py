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
