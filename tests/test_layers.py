"""The package's layers hold: lint-imports keeps .importlinter's contract, the contract places every
top-level module and folder of dossier/, and README.md's layer table lists the same layers."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
NOT_LAYERS = {"__init__", "__main__", "data"}  # the package's face, `python -m dossier`, the programme data


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    return str(beside) if beside.exists() else shutil.which("lint-imports") or "lint-imports"


def _run(config: Path) -> subprocess.CompletedProcess:
    # --no-cache: nothing is written into the checkout
    return subprocess.run([_lint_imports(), "--no-cache", "--no-logo", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _layers(text: str | None = None) -> list[list[str]]:
    parser = configparser.ConfigParser()
    parser.read_string(text or CONFIG.read_text(encoding="utf-8"))
    lines = parser["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [[name.strip() for name in re.split(r"[:|]", line)] for line in lines]


def test_the_import_contract_is_kept():
    run = _run(CONFIG)
    assert run.returncode == 0 and "1 kept, 0 broken" in run.stdout, run.stdout + run.stderr


def test_a_broken_layering_is_reported(tmp_path: Path):
    # The same layers upside down: the linter must see the imports, or the test above proves nothing.
    text = CONFIG.read_text(encoding="utf-8")
    head, _, body = text.partition("layers =\n")
    lines = [line for line in body.splitlines() if line.strip()]
    upside_down = tmp_path / "upside-down.ini"
    upside_down.write_text(head + "layers =\n" + "\n".join(reversed(lines)) + "\n", encoding="utf-8")
    run = _run(upside_down)
    assert run.returncode != 0 and "BROKEN" in run.stdout, run.stdout + run.stderr


def test_every_top_level_module_and_folder_has_a_layer():
    on_disk = {p.stem for p in (ROOT / "dossier").iterdir()
               if (p.suffix == ".py" or (p / "__init__.py").exists() or p.name == "data") and p.name != "__pycache__"}
    in_contract = {name for layer in _layers() for name in layer}
    assert on_disk - NOT_LAYERS == in_contract, (
        f"not in .importlinter: {sorted(on_disk - NOT_LAYERS - in_contract)}; "
        f"no such module: {sorted(in_contract - on_disk)}")


def test_the_readme_table_lists_the_same_layers():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| layer | in `dossier/` | what it does |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[2] for line in table.strip().splitlines()[1:]]
    listed = [sorted(n.rstrip("/") for n in re.findall(r"`([\w/]+)`", cell)) for cell in rows]
    assert listed == [sorted(layer) for layer in _layers()]
    for cell in rows:  # folders are written with their slash, modules without
        for name in re.findall(r"`([\w/]+)`", cell):
            assert (ROOT / "dossier" / name).is_dir() if name.endswith("/") else (ROOT / "dossier" / f"{name}.py").is_file(), name
