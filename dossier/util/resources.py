"""Where dossier finds the files it ships: ``templates/`` (docx, report HTML/CSS, init) and ``assets/``
(fonts.conf). The programme data lives inside the package already (``dossier/data/``).

In the repository ``templates/`` and ``assets/`` sit at the top level, where people look for them.
pyproject.toml maps them into the package at build time (``dossier/templates``, ``dossier/assets``
in the wheel and sdist), so one copy serves every case: an installed wheel finds them inside the
package, an editable install or a plain checkout finds them beside it.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from dossier.util.errors import missing

KINDS = ("templates", "assets")


def _package_dir() -> Path:
    # A file-system install is all dossier supports (LibreOffice and fontconfig need real paths), so
    # the package's Traversable is a Path.
    return Path(str(importlib.resources.files("dossier")))


def resource_dir(kind: str) -> Path:
    """The folder holding ``kind`` (``templates`` or ``assets``): inside the installed package, or at
    the top of the checkout for an editable install or a run from the source tree."""
    if kind not in KINDS:
        raise ValueError(kind)
    package = _package_dir()
    inside = package / kind
    if inside.is_dir():
        return inside
    return package.parent / kind


def resource(kind: str, *parts: str) -> Path:
    """The shipped file ``kind/parts…``; a :class:`ResourceError` in Chinese when it is missing."""
    path = resource_dir(kind).joinpath(*parts)
    if not path.is_file():
        raise missing(f"{kind}/{'/'.join(parts)}", path)
    return path


def shipped_files() -> list[str]:
    """Every shipped resource, as ``kind/relative/path`` (tests compare it with package-data)."""
    out = []
    for kind in KINDS:
        base = resource_dir(kind)
        if base.is_dir():
            out += [f"{kind}/{p.relative_to(base).as_posix()}" for p in sorted(base.rglob("*")) if p.is_file()
                    and "__pycache__" not in p.parts and p.suffix != ".py"]
    return out
