"""The JSON envelope and finding lines shared by ``deck``, ``site`` and ``district``.

``--json`` prints one object: ``{"schema": "dossier/1", "verb": ..., "exit_code": ..., "findings": [...],
"counts": {...}, ...}`` with the verb's own keys after these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import click

from dossier.findings import SEVERITY_LABEL, Finding, count, exit_code, sort_key

SCHEMA = "dossier/1"


def envelope(verb: str, findings: Iterable[Finding], code: int | None = None, **rest: Any) -> dict[str, Any]:
    items = sorted(findings, key=sort_key)
    return {
        "schema": SCHEMA,
        "verb": verb,
        "exit_code": exit_code(items) if code is None else code,
        "findings": [f.to_dict() for f in items],
        "counts": count(items),
        **rest,
    }


def print_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_findings(findings: Iterable[Finding]) -> None:
    for f in sorted(findings, key=sort_key):
        where = f.where()
        click.echo(f"{SEVERITY_LABEL[f.severity]}：{where + '：' if where else ''}{f.message}")
