"""One rule keeps every output out of the project's evidence/ and media/: dossier.application.paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dossier.application.paths import PROTECTED, protected_folder, refuse_protected
from dossier.util.errors import InputError


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "项目"
    for name in ("evidence", "media", "build"):
        (root / name).mkdir(parents=True)
    return root


def test_the_inputs_are_protected_and_nothing_else(project: Path):
    assert PROTECTED == ("evidence", "media")
    assert protected_folder(project, project / "evidence") == "evidence"
    assert protected_folder(project, project / "media" / "a" / "路演.pptx") == "media"
    assert protected_folder(project, project / "build" / "evidence.pdf") is None
    assert protected_folder(project, project / "evidence-copy") is None
    assert protected_folder(project, project.parent / "evidence") is None


def test_a_dotted_or_symlinked_path_is_resolved_first(project: Path, tmp_path: Path):
    assert protected_folder(project, project / "build" / ".." / "media" / "x.pdf") == "media"
    if hasattr(os, "symlink"):
        (project / "out").symlink_to(project / "evidence", target_is_directory=True)
        assert protected_folder(project, project / "out" / "清单.pdf") == "evidence"
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (project / "evidence2").symlink_to(elsewhere, target_is_directory=True)
        assert protected_folder(project, project / "evidence2" / "x") is None


def test_refusal_names_the_folder_and_the_target(project: Path):
    target = project / "media" / "明细表.xlsx"
    with pytest.raises(InputError) as info:
        refuse_protected(project, target, what="输出文件", hint="用 -o 指定其他位置。")
    assert "输出文件不能位于项目的 media/ 中" in str(info.value.message)
    assert info.value.file == str(target)
    refuse_protected(project, project / "build" / "明细表.xlsx", what="输出文件", hint="")  # no error


@pytest.mark.parametrize("call", ["export", "package"])
def test_export_and_package_refuse_to_write_into_media(project: Path, call: str):
    from dossier.export_xlsx import export_project
    from dossier.package import package_project

    (project / "enterprise.yaml").write_text("programme: wuhan-2025\n", encoding="utf-8")
    with pytest.raises(InputError, match="不能位于项目的 media/ 中"):
        if call == "export":
            export_project(project, project / "media" / "明细表.xlsx")
        else:
            package_project(project, project / "scan.pdf", project / "media" / "包")
    assert not any((project / "media").iterdir())
