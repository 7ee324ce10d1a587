"""Open a written report in the user's browser (``check --open``, ``batch --open``)."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click


def open_file(path: Path) -> None:
    """Open ``path`` with the default browser; say where it is when no browser can be started.

    ``webbrowser`` honours ``$BROWSER``, so scripts and tests can point it at a harmless command.
    """
    uri = Path(path).resolve().as_uri()
    try:
        opened = webbrowser.open(uri)
    except webbrowser.Error:
        opened = False
    if not opened:
        click.echo(f"无法自动打开浏览器，请手动打开：{Path(path).resolve()}", err=True)
