"""Every finding code dossier can produce has a failing case: a test that makes it fire and names it.

The codes are the string constants of dossier/ shaped like a code ("K-PERIOD-BEFORE", "S-DUPLICATE",
"PDF-TEXT-MISMATCH"); a code is covered when a string constant of a test module (tests/**/test_*.py) names it, as the
code itself or inside an expected output (a docstring or comment mentioning it does not count).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = re.compile(r"[A-Z]{1,3}-[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
NOT_CODES = {"UTF-8"}  # an encoding name, shaped like a code

# Codes without a failing case yet, each with why. The test fails when one of them gets a case, so
# that this list only shrinks.
PENDING: dict[str, str] = {
    # The CLI's error envelope for an exception (cli/common.py), not a rule's finding: Ctrl-C and a
    # defect of dossier itself.
    "E-INTERRUPTED": "test_build_interrupted checks the message, not the JSON code",
    "E-INTERNAL": "needs a defect to trip",
}


def _strings(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


@functools.cache
def produced_codes() -> dict[str, set[str]]:
    """code → the modules of dossier/ that hold it as a string constant of its own."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "dossier").rglob("*.py")):
        for value in _strings(path):
            if CODE.fullmatch(value) and value not in NOT_CODES:
                found.setdefault(value, set()).add(str(path.relative_to(REPO)))
    return found


@functools.cache
def codes_named_in_tests() -> set[str]:
    """The codes a test module names: as a constant, or inside an expected output ("Y-NUMBER-READ 提示：…")."""
    named: set[str] = set()
    for path in sorted((REPO / "tests").rglob("test_*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue  # this module names codes (PENDING, the sample) without making them fire
        for value in _strings(path):
            named.update(re.findall(rf"(?<![A-Z0-9-]){CODE.pattern}(?![A-Z0-9-])", value))
    return named


def test_the_scan_finds_the_codes_of_every_rule_module():
    produced = produced_codes()
    # A sample from each family: rules/, media/, scan/, the CLI's own, the fidelity check.
    for code in ("K-PERIOD-BEFORE", "S-DUPLICATE", "O-YEARS", "M-VIDEO-DURATION", "S-PAGE-MISSING", "E-INPUT", "PDF-TEXT-MISMATCH"):
        assert code in produced, code
    assert len(produced) > 100


def test_every_finding_code_has_a_failing_case():
    produced, tested = produced_codes(), codes_named_in_tests()
    untested = {code: sorted(where) for code, where in produced.items() if code not in tested and code not in PENDING}
    assert not untested, f"finding codes with no test naming them (write a case that makes each fire): {untested}"


def test_the_pending_list_only_names_untested_codes():
    produced, tested = produced_codes(), codes_named_in_tests()
    stale = sorted(c for c in PENDING if c in tested or c not in produced)
    assert not stale, f"remove from PENDING (now tested, or no longer produced): {stale}"
