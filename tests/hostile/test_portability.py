"""The package runs on Windows as well as Linux: no POSIX-only call outside a guarded branch, text
files read and written as UTF-8 explicitly, soffice and the CJK font found where Windows keeps them."""

from __future__ import annotations

import ast
import sys

import pytest
from hostile.hostile_util import ROOT, tally

PACKAGE = ROOT / "dossier"
POSIX_ONLY_ATTRS = {"fork", "killpg", "setsid", "getuid", "geteuid", "getpgid", "setpgrp", "chown", "mkfifo", "nice", "getppid_posix"}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "pty"}
# Calls that are POSIX-only but sit behind an explicit platform check (file: enclosing function).
GUARDED = {("convert.py", "_kill")}


def _guarded(node: ast.AST, parents: dict) -> bool:
    """Inside ``if os.name == "posix"`` / ``if sys.platform ...`` / ``if "fork" in ...``?"""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If):
            text = ast.unparse(node.test)
            if "os.name" in text or "sys.platform" in text or "fork" in text or "hasattr(os" in text:
                return True
    return False


def _functions(tree: ast.AST, parents: dict, node: ast.AST) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node.name
    return ""


def _problems() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        where = lambda n: f"{path.relative_to(ROOT).as_posix()}:{n.lineno}"  # noqa: E731
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] in POSIX_ONLY_MODULES for n in names) and not _guarded(node, parents):
                    found.append(f"{where(node)} imports a POSIX-only module")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id == "os" and node.attr in POSIX_ONLY_ATTRS or (node.value.id == "signal" and node.attr == "SIGKILL"):
                    if not _guarded(node, parents) and (path.name, _functions(tree, parents, node)) not in GUARDED:
                        found.append(f"{where(node)} uses {node.value.id}.{node.attr} unguarded")
            elif isinstance(node, ast.Call):
                text = ast.unparse(node.func)
                kw = {k.arg: ast.unparse(k.value) for k in node.keywords}
                if kw.get("shell") == "True":
                    found.append(f"{where(node)} runs a shell command (shell=True)")
                if text.endswith(("read_text", "write_text")) and not node.args and "encoding" not in kw and text != "atomic.write_text":
                    found.append(f"{where(node)} {text}() without an encoding (Windows would use GBK)")
                if text == "open" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                        and "b" not in str(node.args[1].value) and "encoding" not in kw:
                    found.append(f"{where(node)} opens a text file without an encoding")
                # subprocess.run(text=True) without an encoding is allowed: the tools' output read
                # that way (fc-match, pdftoppm) is ASCII.
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/tmp"):
                found.append(f"{where(node)} names /tmp (use tempfile)")
    return found


@pytest.mark.slow
def test_no_posix_only_calls_in_runtime_code():
    problems = _problems()
    tally("portability")
    assert not problems, "\n".join(problems)


def test_soffice_found_in_its_usual_windows_place(monkeypatch):
    from dossier.documents import convert

    target = convert.WINDOWS_PATHS[0]
    monkeypatch.delenv("DOSSIER_SOFFICE", raising=False)
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(convert.Path, "is_file", lambda self: str(self) == target)
    monkeypatch.setattr(convert.os, "access", lambda p, mode: True)
    tally("portability")
    assert str(convert.find_soffice()) == target


def test_soffice_on_path_wins(monkeypatch, tmp_path):
    from dossier.documents import convert

    exe = tmp_path / "soffice.exe"
    exe.write_bytes(b"")
    exe.chmod(0o755)
    monkeypatch.delenv("DOSSIER_SOFFICE", raising=False)
    monkeypatch.setattr(convert.shutil, "which", lambda name: str(exe) if name == "soffice" else None)
    tally("portability")
    assert convert.find_soffice() == exe


def test_cjk_font_named_by_environment(monkeypatch):
    from dossier.bind import fonts

    real, _ = fonts.find_font()
    monkeypatch.setenv("DOSSIER_CJK_FONT", str(real))
    monkeypatch.setattr(fonts, "_CANDIDATES", ())
    tally("portability")
    assert fonts.find_font()[0] == real


def test_windows_font_folder_is_searched(monkeypatch, tmp_path):
    from dossier.bind import fonts

    (tmp_path / "Fonts").mkdir()
    (tmp_path / "Fonts" / "NotoSansCJKsc-Regular.otf").write_bytes(b"\0")
    monkeypatch.delenv("DOSSIER_CJK_FONT", raising=False)
    monkeypatch.setenv("WINDIR", str(tmp_path))
    monkeypatch.setattr(fonts, "_CANDIDATES", ())
    tally("portability")
    assert fonts.find_font()[0] == tmp_path / "Fonts" / "NotoSansCJKsc-Regular.otf"


@pytest.mark.parametrize("rel", ["evidence\\A-01\\合同.pdf", "evidence/A-01/合同.pdf", ".\\evidence\\A-01\\合同.pdf"])
def test_windows_paths_normalise_to_one_form(rel):
    from dossier.application.paths import normalise

    tally("portability")
    assert normalise(rel) == "evidence/A-01/合同.pdf"
