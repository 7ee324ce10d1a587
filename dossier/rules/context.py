"""What every rule sees: the application, the programme, the derived figures, the line index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from dossier.application.figures import Figures
from dossier.application.load import LineIndex
from dossier.application.paths import Resolver
from dossier.application.model import Application
from dossier.application.programme import Programme
from dossier.util.findings import Finding, Severity



# The form each top-level part of enterprise.yaml is printed in (a name of the programme's
# ``documents``; :meth:`RuleContext.attachment` gives its 附件 number).
DOCUMENT_OF = {
    "enterprise": "application_form", "project": "application_form", "indicators": "kpi_selftest",
    "scenarios": "scenario_selftest", "investments": "investment_detail", "systems": "systems_list",
    "equipment": "equipment_indicators",
}


@dataclass
class RuleContext:
    app: Application
    programme: Programme
    figures: Figures
    lines: LineIndex
    root: Path
    today: dt.date
    # Paths named in the YAML, each resolved once for all the rules of this check.
    paths: Resolver = field(default_factory=Resolver, repr=False, compare=False)
    # Each document's 附件 number, asked for ~185 times by the findings and rules of a check.
    _attachments: dict[str, int | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def resolve(self, path: tuple, rel: str) -> Path:
        """The file ``rel`` (written at ``path``) names, confined to its declaring file's folder:
        :func:`dossier.application.paths.resolve`, once per distinct path in a check."""
        file, line = self.lines.at(path)  # the folder is the declaring file's (LineIndex.folder)
        return self.paths.resolve(self.lines.folders.get(file, self.root), rel, source=file, line=line)

    @property
    def mtype(self) -> str | None:
        return self.app.type

    @property
    def application_date(self) -> dt.date:
        return self.app.settings.application_date or self.today

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        path: tuple | None = None,
        *,
        clause: str | None = None,
        attachment: int | None = None,
        item: int | None = None,
        document: str | None = None,
    ) -> Finding:
        """A finding at ``path`` of the YAML. ``document`` names the form it belongs to (see
        :meth:`attachment`), or ``attachment`` gives its number."""
        if document is not None:
            attachment = self.attachment(document)
        if clause is None:
            # Every finding quotes the notice: by default, the materials-list sentence of its form.
            form_item = self.programme.item_of_attachment(attachment) if attachment is not None else None
            clause = (f"materials_{form_item}" if form_item else None) or (
                {2: "report"}.get(item) or (f"materials_{item}" if item else None))
        # No path: a reminder about the dossier as a whole, not about any line of the file.
        file, line = self.lines.at(path) if path is not None else (None, None)
        return Finding(
            code=code,
            severity=severity,
            message=message,
            file=file,
            line=line,
            rule=self.programme.clause(clause) if clause else None,
            attachment=attachment,
            item=item,
        )

    def attachment(self, document: str) -> int | None:
        """The 附件 number of ``document`` (a name in the programme's ``documents``: application_form,
        kpi_selftest, scenario_selftest, investment_detail, systems_list, equipment_indicators) for
        this application's type, or the programme's first type while the type is not given: the
        numbers are the programme's data, so next year's renumbering is a new programme file."""
        if document not in self._attachments:
            self._attachments[document] = self.programme.attachment_of(document, self.mtype)
        return self._attachments[document]
