"""Findings: what a check says about the input. Errors are values until the CLI edge.

A finding has a stable ``code`` (tests and scripts key on it), a ``severity``, a Chinese
``message``, where it is (``file`` and ``line`` for YAML, ``page`` for PDFs), and ``rule``: the
sentence of the notice (or the reading of it) that it enforces.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from dossier.util.errors import location

Severity = Literal["error", "warning", "info"]

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    page: int | None = None
    rule: str | None = None
    # Which attachment (1–9) or materials item the finding belongs to, for grouping in reports.
    attachment: int | None = None
    # The materials-list item (资料清单 1–9), when the finding is about an item rather than a form.
    item: int | None = None

    def where(self) -> str:
        return location(self.file, self.line, self.page)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items()}


def exit_code(findings: Iterable[Finding]) -> int:
    """1 if any finding is an error, else 0 (warnings and info never fail a run)."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def sort_key(f: Finding) -> tuple:
    """A total order: file, line (or page), code, message, then every other field.

    Findings in the order of the file the user edits; ties broken by every field, so that the
    same findings print in the same order whatever order the rules (or a set) produced them in.
    """
    return (
        f.file or "",
        f.line if f.line is not None else -1,
        f.page if f.page is not None else -1,
        f.code,
        f.message,
        _ORDER[f.severity],
        f.rule or "",
        f.attachment if f.attachment is not None else -1,
        f.item if f.item is not None else -1,
    )


def count(findings: Iterable[Finding]) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        result[f.severity] += 1
    return result
