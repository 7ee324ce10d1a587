"""The one exceptions module: callers catch :class:`DossierError` and nothing else.

Every error a user can cause carries a Chinese message, the file it is about, and where
possible the line (YAML) or page (PDF), plus what to do. The CLI turns it into exit code 2.
"""

from __future__ import annotations

from pathlib import Path


class DossierError(Exception):
    """Input unusable: a file missing, unreadable, malformed or hostile.

    ``message`` is Chinese and says what is wrong; ``hint`` says what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        page: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.page = page
        self.hint = hint
        super().__init__(self.render())

    def where(self) -> str:
        if self.file is None:
            return ""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.page is not None:
            return f"{self.file} 第 {self.page} 页"
        return self.file

    def render(self) -> str:
        where = self.where()
        text = f"{where}：{self.message}" if where else self.message
        if self.hint:
            text += f"\n  处理办法：{self.hint}"
        return text


class InputError(DossierError):
    """A YAML, PDF, image or path given by the user cannot be used."""


class PasswordError(InputError):
    """An encrypted PDF needs a password that was not given or is wrong."""


class ToolError(DossierError):
    """An external tool (LibreOffice, ffmpeg) is missing, failed or timed out."""
