"""The one exceptions module: callers catch :class:`DossierError` and nothing else.

Every error a user can cause carries a Chinese message, the file it is about, and where
possible the line (YAML) or page (PDF), plus what to do. The CLI turns it into exit code 2.
"""

from __future__ import annotations

from pathlib import Path


def location(file: str | None, line: int | None = None, page: int | None = None) -> str:
    """``enterprise.yaml:37``, ``合同.pdf 第 3 页`` or the file alone: how messages name a place."""
    if not file:
        return ""
    if line is not None:
        return f"{file}:{line}"
    if page is not None:
        return f"{file} 第 {page} 页"
    return file


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
        return location(self.file, self.line, self.page)

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


class ResourceError(DossierError):
    """A file dossier ships with is missing: the installation is incomplete, not the user's input."""


def missing(name: str, where: Path | str | None = None) -> ResourceError:
    """The error for a shipped file (template, asset) that is not where the installation put it."""
    return ResourceError(
        f"找不到 dossier 自带的资源文件“{name}”：dossier 的安装不完整",
        file=str(where) if where is not None else None,
        hint="重新安装 dossier（pip install --force-reinstall dossier，或在源码目录运行 pip install .）；"
        "从源码运行时请确认仓库中的 templates/ 和 assets/ 文件夹完整。",
    )


def os_error(exc: OSError) -> DossierError:
    """A Chinese :class:`DossierError` for an operating-system error, naming the file it concerns."""
    import errno

    if type(exc).__name__ in ("TemplateNotFound", "TemplatesNotFound"):
        # jinja2's missing template is an OSError, but the cause is an incomplete install, not the disk.
        return missing(f"templates/…/{getattr(exc, 'name', exc)}")

    reasons = {
        errno.EACCES: ("没有读写权限", "检查文件和文件夹的权限；在 Windows 上请关闭正在打开该文件的程序（如 PDF 阅读器、Word）。"),
        errno.EPERM: ("操作系统不允许此操作", "检查文件和文件夹的权限；在 Windows 上请关闭正在打开该文件的程序。"),
        errno.ENOSPC: ("磁盘空间不足", "清理磁盘空间后重新运行；之前生成的文件未被改动。"),
        errno.EROFS: ("所在磁盘是只读的", "把输出位置换到可写的文件夹。"),
        errno.ENAMETOOLONG: ("文件名或路径过长", "缩短文件名，或把项目放到层级较浅的文件夹。"),
        errno.EEXIST: ("路径中有一段已存在且不是文件夹", "检查输出路径：其中某一级是文件，不能在它下面创建文件。"),
        errno.ENOTDIR: ("路径中有一段不是文件夹", "检查输出路径：其中某一级是文件，不能在它下面创建文件。"),
        errno.EISDIR: ("这是一个文件夹，不是文件", "请给出文件的路径。"),
        errno.ENOENT: ("找不到文件或文件夹", "检查路径是否正确。"),
        errno.ELOOP: ("是循环的符号链接", "删除或改正这个符号链接。"),
    }
    what, hint = reasons.get(exc.errno or 0, (f"读写失败（{exc.strerror or exc}）", "检查磁盘和文件权限后重新运行。"))
    return DossierError(what, file=exc.filename, hint=hint)
