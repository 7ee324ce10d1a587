"""Verbs about a project folder: ``init`` and ``check``."""

from __future__ import annotations

import click

from dossier.cli import handle_errors, main
