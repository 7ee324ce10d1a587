"""Paths named in ``enterprise.yaml``: confined to the project folder, whatever the user typed.

Accepted: ``evidence/合同.pdf``, Windows-style ``evidence\\合同.pdf``, names stored on disk in NFC
or NFD (macOS). Refused: absolute paths, drive letters, ``..`` leading out, and symlinks whose
target lies outside the project.

The other way round, :func:`refuse_protected` is the one rule that keeps outputs out of the
project's ``evidence/`` and ``media/`` (:data:`PROTECTED`): ``build`` (and ``watch``), the report
``check`` writes, ``site``, ``deck``, ``package`` and ``export xlsx`` call it before writing.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from pathlib import Path, PurePosixPath

from dossier.util.errors import InputError

PROTECTED = ("evidence", "media")  # the user's inputs: no output goes in there
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@functools.lru_cache(maxsize=4096)  # pure; the rules of a check ask for each evidence path's form several times
def normalise(rel: str) -> str:
    """``.\\evidence\\合同.pdf`` → ``evidence/合同.pdf`` (the form shown in messages and manifests)."""
    text = unicodedata.normalize("NFC", rel.strip()).replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    if "//" not in text and "/./" not in text and not text.endswith(("/", "/.")):
        return text  # already what PurePosixPath would print (and building one cost more than the rest)
    return str(PurePosixPath(text)) if text else text


def escape_problem(rel: str) -> str | None:
    """Why ``rel`` would lead outside the project, or None. Pure: looks at the text only."""
    text = rel.strip().replace("\\", "/")
    if not text:
        return "路径为空"
    if _CONTROL.search(text):
        # A NUL makes every OS call raise ValueError; other control characters are typing accidents.
        return "含有不可见的控制字符"
    if text.startswith("/") or _DRIVE.match(text) or text.startswith("//"):
        return "不能使用绝对路径"
    depth = 0
    for part in text.split("/"):  # PurePosixPath(text).parts of a relative path, with "." and "" left in
        if part == "..":
            depth -= 1
            if depth < 0:
                return "路径经“..”指向了项目文件夹之外"
        elif part not in (".", ""):
            depth += 1
    return None


def resolve(root: Path, rel: str, *, source: str, line: int | None = None, must_exist: bool = False) -> Path:
    """The file ``rel`` names inside ``root``; an :class:`InputError` if it would lead outside.

    ``source``/``line`` say where the path was written, for the message. Symlinks are resolved
    and the target must stay inside the project. A name that exists on disk only in the other
    Unicode normal form (NFD from a Mac, NFC elsewhere) is found all the same.
    """
    return Resolver().resolve(root, rel, source=source, line=line, must_exist=must_exist)


class Resolver:
    """:func:`resolve` for one run over files that do not change meanwhile (a check): each
    distinct path is resolved once, and each folder on the way is looked at once.

    A check resolves every evidence path in several rules (~200 paths, ~400 ``Path.resolve``
    calls, each a ``lstat`` of every folder from ``/`` down). Containment needs less: a path
    without ``..`` whose components below ``root`` are no symlinks lies inside ``root`` (``root``
    itself may be a link); only a path that has a symlink or a ``..`` below ``root`` is resolved
    in full and its target compared with the real ``root``. Errors are raised afresh each time.
    """

    def __init__(self) -> None:
        self._done: dict[tuple[Path, str, bool], Path] = {}
        self._links: dict[str, bool] = {}  # path below a root → is a symlink

    def resolve(self, root: Path, rel: str, *, source: str, line: int | None = None, must_exist: bool = False) -> Path:
        key = (root, rel, must_exist)
        if key not in self._done:
            self._done[key] = self._resolve(root, rel, source, line, must_exist)
        return self._done[key]

    def _resolve(self, root: Path, rel: str, source: str, line: int | None, must_exist: bool) -> Path:
        problem = escape_problem(rel)
        if problem:
            raise InputError(
                f"路径“{rel}”{problem}",
                file=source,
                line=line,
                hint="所有佐证材料和媒体文件都应放在项目文件夹内（如 evidence/、media/），并写相对路径。",
            )
        candidate = root / normalise(rel)
        if not os.path.lexists(candidate):
            alt = _other_form(root, normalise(rel))
            if alt is not None:
                candidate = alt
        _probe(candidate, rel, source, line)
        if self._plainly_inside(root, candidate):
            real = candidate
        else:
            real_root = root.resolve()
            real = candidate.resolve()
            if real != real_root and real_root not in real.parents:
                raise InputError(
                    f"路径“{rel}”是指向项目文件夹之外的链接",
                    file=source,
                    line=line,
                    hint="请把文件本身复制到项目文件夹内，不要使用指向外部的快捷方式或符号链接。",
                )
        if must_exist and not real.is_file():
            raise InputError(f"找不到文件“{rel}”", file=source, line=line, hint="请检查文件名和所在文件夹。")
        return candidate

    def _plainly_inside(self, root: Path, candidate: Path) -> bool:
        """True when no component of ``candidate`` below ``root`` is a symlink or ``..``: it then
        names the same file as its real path, inside ``root``'s real path."""
        parts = candidate.parts[len(root.parts):]
        if candidate.parts[: len(root.parts)] != root.parts or ".." in parts:
            return False
        here = os.fspath(root)
        for part in parts:  # strings: joining and hashing a Path per folder on the way cost more than its lstat
            here = os.path.join(here, part)
            link = self._links.get(here)
            if link is None:
                try:
                    link = self._links[here] = stat.S_ISLNK(os.lstat(here).st_mode)
                except (FileNotFoundError, NotADirectoryError):
                    return True  # absent: nothing below it exists, so no link either
                except OSError:
                    return False  # cannot tell: resolve in full
            if link:
                return False
        return True


def _probe(candidate: Path, rel: str, source: str, line: int | None) -> None:
    """Raise InputError when the OS refuses to even look at the path (name too long, symlink loop)."""
    try:
        os.stat(candidate)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        import errno

        reason = {
            errno.ENAMETOOLONG: "文件名或路径过长",
            errno.ELOOP: "是循环的符号链接",
            errno.EACCES: "没有访问权限",
        }.get(exc.errno or 0, f"无法访问（{exc.strerror or exc}）")
        raise InputError(
            f"路径“{rel}”{reason}", file=source, line=line,
            hint="请把文件改成较短的名字、放在项目文件夹内，并写相对路径。",
        ) from None


def _other_form(root: Path, rel: str) -> Path | None:
    for form in ("NFD", "NFC"):
        other = root / unicodedata.normalize(form, rel)
        if os.path.lexists(other):
            return other
    return None


def protected_folder(root: Path, target: Path) -> str | None:
    """``"evidence"`` or ``"media"`` when ``target`` is that folder of project ``root`` or lies inside
    it, else None. Both are resolved first: a ``..`` or a symlinked folder leads nowhere else."""
    real = Path(target).resolve()
    for name in PROTECTED:
        folder = (Path(root) / name).resolve()
        if real == folder or folder in real.parents:
            return name
    return None


def refuse_protected(root: Path, target: Path, *, what: str, hint: str) -> None:
    """:class:`InputError` ``{what}不能位于项目的 evidence/ 中`` when ``target`` is in a protected folder."""
    name = protected_folder(root, target)
    if name is not None:
        raise InputError(f"{what}不能位于项目的 {name}/ 中（dossier 从不写入 {name}/）", file=str(target), hint=hint)
