"""``dossier check``: load → validate → rules. Returns findings as values; the CLI makes exit codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.application.figures import Figures, breakdown, compute
from dossier.application.load import ProjectFolder, load_project
from dossier.application.programme import DEFAULT_PROGRAMME, Programme, load_programme
from dossier.rules import run_rules
from dossier.rules.context import RuleContext
from dossier.util.errors import InputError
from dossier.util.findings import Finding, count, exit_code, sort_key


@dataclass
class CheckResult:
    folder: ProjectFolder  # the loaded project folder; its YAML section is folder.app.project
    programme: Programme | None
    figures: Figures | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)

    def counts(self) -> dict[str, int]:
        return count(self.findings)

    def to_json(self) -> dict[str, Any]:
        app = self.folder.app
        return {
            "project": self.folder.name,
            "enterprise": (app.enterprise.name if app else None),
            "type": (app.type if app else self.folder.raw.get("type")),
            "programme": self.programme.id if self.programme else self.folder.raw.get("programme"),
            "reading": self.figures.readings.describe() if self.figures else None,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "totals": self.figures.as_totals() if self.figures else {},
            "breakdown": breakdown(self.figures) if self.figures else {},
        }


def check_project(
    root: str | Path, *, today: dt.date | None = None, media: bool = True,
    loaded: Callable[[ProjectFolder, Programme, Figures], None] | None = None,
) -> CheckResult:
    """Check a project folder against its programme. Raises InputError when the input is unusable.

    ``today`` is the application date used when ``settings.application_date`` is not set.
    ``media=False`` skips opening photos and videos (used by fast unit tests). ``loaded`` is called
    with the loaded project, its programme and figures before the rules run (``dossier watch``
    starts converting the documents then).
    """
    project = load_project(root)
    if project.app is None:
        return CheckResult(project, None, None, sorted(project.findings, key=sort_key))
    app = project.app
    try:  # a programme file is found relative to the project folder
        programme = load_programme(app.programme or DEFAULT_PROGRAMME, base=project.root)
    except InputError as exc:
        if exc.file is not None:
            raise
        file, line = project.lines.at(("programme",))
        raise InputError(exc.message, file=file, line=line, hint=exc.hint) from None
    figures = compute(app, programme)
    if loaded is not None:
        loaded(project, programme, figures)
    ctx = RuleContext(
        app=app, programme=programme, figures=figures, lines=project.lines, root=project.root, today=today or dt.date.today()
    )
    findings = run_rules(ctx)
    if media:
        from dossier.rules.media import media_findings

        findings = list(findings) + list(media_findings(ctx))
    # A value the schema refused was dropped before the rules ran: its "not filled" is the same news.
    refused = {(f.file, f.line) for f in project.findings if f.code == "Y-SCHEMA"}
    findings = [f for f in findings if not (f.code == "R-REQUIRED" and (f.file, f.line) in refused)]
    findings = sorted(set(findings) | set(project.findings), key=sort_key)
    return CheckResult(project, programme, figures, findings)
