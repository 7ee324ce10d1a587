"""The platform's font folders: here, apart from the binder, so that planning a document's fonts
(:mod:`dossier.documents.fontmap`, which a build's LibreOffice warm-up runs during the check) does
not import the binder and pikepdf with them."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def font_dirs() -> list[Path]:
    """The font folders of Windows (system and per-user) and macOS (system, library, user)."""
    dirs: list[Path] = []
    if os.environ.get("WINDIR"):
        dirs.append(Path(os.environ["WINDIR"]) / "Fonts")
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    if sys.platform == "darwin" or Path("/System/Library/Fonts").is_dir():
        dirs += [
            Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"), Path.home() / "Library" / "Fonts",
        ]
    return [d for d in dirs if d.is_dir()]
