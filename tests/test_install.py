"""What an installed dossier needs: every package and resource in the wheel, every dependency
declared, a missing resource named as an install problem; and (slow) the wheel itself, built,
installed into a fresh virtual environment and run from a folder outside the checkout."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import dossier
from dossier.cli import main

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(dossier.__path__, "dossier."))


def test_pyproject_lists_every_package_and_maps_the_resources():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dossier").rglob("__init__.py")}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {on_disk - listed}"
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"dossier.templates": "templates", "dossier.assets": "assets"}


def test_every_module_imports():
    names = _modules()
    assert len(names) > 60 and "dossier.bind.fonts" in names and "dossier.cli.cache" in names
    for name in names:
        importlib.import_module(name)


def _top_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.slow
def test_every_third_party_import_is_a_declared_dependency():
    declared = {_norm(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in PYPROJECT["project"]["dependencies"]}
    dists = importlib.metadata.packages_distributions()
    undeclared = {}
    for path in (ROOT / "dossier").rglob("*.py"):
        for top in _top_imports(path):
            if top in sys.stdlib_module_names or top in ("dossier", "__future__"):
                continue
            if path.name == "office_server.py" and top in ("uno", "com"):
                continue  # LibreOffice's UNO bridge: that file runs under the system Python (apt python3-uno)
            owners = {_norm(d) for d in dists.get(top, [top])}
            if not owners & declared:
                undeclared.setdefault(top, []).append(path.relative_to(ROOT).as_posix())
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"
    assert {"numpy", "platformdirs", "fonttools", "jinja2"} <= declared


def test_every_resource_the_code_names_is_shipped():
    from dossier.util.resources import shipped_files

    shipped = set(shipped_files())
    for name in ("templates/report.docx", "templates/report/report.html.j2", "templates/report/report.css",
                 "templates/init/enterprise.yaml.j2", "assets/fonts.conf"):
        assert name in shipped
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for rel in shipped:
        kind, _, inner = rel.partition("/")
        assert any(Path(inner).match(pattern) for pattern in data[f"dossier.{kind}"]), f"{rel} is not in package-data"


@pytest.fixture
def no_resources(monkeypatch, tmp_path):
    from dossier.util import resources

    empty = tmp_path / "site-packages" / "dossier"
    empty.mkdir(parents=True)
    monkeypatch.setattr(resources, "_package_dir", lambda: empty)
    return empty


def test_missing_init_template_is_an_install_problem(no_resources, tmp_path):
    res = CliRunner().invoke(main, ["init", str(tmp_path / "proj"), "--type", "discrete"])
    assert res.exit_code == 2
    assert "templates/init/enterprise.yaml.j2" in res.output and "安装不完整" in res.output
    assert "重新安装" in res.output and "检查磁盘" not in res.output and "Traceback" not in res.output


def test_missing_report_template_and_fonts_conf_are_named(no_resources):
    from dossier.documents.convert import fonts_conf
    from dossier.html_report import environment
    from dossier.util.errors import DossierError

    environment.cache_clear()  # one per process: an earlier test may have built it from the real templates
    for call, name in ((environment, "templates/report/report.html.j2"), (fonts_conf, "assets/fonts.conf")):
        with pytest.raises(DossierError) as err:
            call()
        assert name in err.value.render() and "安装不完整" in err.value.render()


def test_jinja_template_not_found_is_not_a_disk_error():
    import jinja2

    from dossier.util.errors import os_error

    exc = jinja2.TemplateNotFound("report.html.j2")
    assert isinstance(exc, OSError)  # why the CLI's OSError branch must know it
    text = os_error(exc).render()
    assert "report.html.j2" in text and "安装不完整" in text and "检查磁盘" not in text


def test_readme_install_commands_name_the_wheel_that_is_built():
    block = next(b for b in re.findall(r"```bash\n(.*?)```", README, re.S) if "pip wheel" in b)
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    version = PYPROJECT["project"]["version"]
    wheel = f"dist/dossier-{version}-py3-none-any.whl"
    assert lines[0] == "python -m pip wheel --no-deps -w dist ."
    assert lines[1:] == [f"pipx install {wheel}", f"python -m pip install {wheel}"]


# -- the wheel, installed (slow: LibreOffice builds a sample) ------------------------------------

SOURCES = ("pyproject.toml", "README.md", "LICENSE", "dossier", "templates", "assets")


def _run(args, cwd, env, ok=(0,)):
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode in ok, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    sample = ROOT / "samples" / "guangxin-optics"
    if not (sample / "evidence").is_dir():
        pytest.skip("the sample's evidence is generated by scripts/setup.sh")
    # Build from a copy of the sources, as pip builds an sdist: nothing of the checkout leaks in.
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    # The README's command; --no-build-isolation because the test has no network (setuptools is in .venv).
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", "dist", "."], src, None)
    wheel = next((src / "dist").glob("dossier-*-py3-none-any.whl"))
    with zipfile.ZipFile(wheel) as z:
        resources = sorted(n for n in z.namelist() if not n.endswith(".py") and ".dist-info/" not in n)
    from install_report import LINES

    LINES.append(f"resources in {wheel.name} ({len(resources)}):")
    LINES.extend(f"  {name}" for name in resources)
    for name in ("dossier/templates/report.docx", "dossier/templates/init/enterprise.yaml.j2",
                 "dossier/templates/report/report.html.j2", "dossier/templates/report/report.css",
                 "dossier/assets/fonts.conf", "dossier/data/programmes/wuhan-2025.yaml"):
        assert name in resources
    assert len([n for n in resources if n.endswith(".docx")]) >= 10
    assert not any(n.startswith("dossier/templates/src/") for n in resources)

    # A fresh venv; the dependencies come from the project's venv through a .pth (no network). A venv
    # made with --system-site-packages from .venv would see the base Python's packages, not .venv's.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, None)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, None).stdout.strip())
    deps = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "project-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    _run([py, "-m", "pip", "install", "--no-deps", "--no-index", wheel], tmp_path, None)

    work = tmp_path / "work"  # outside the checkout; nothing of it on the path
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DOSSIER_SOFFICE", "VIRTUAL_ENV")}
    env["DOSSIER_CACHE_DIR"] = str(tmp_path / "cache")
    where = _run([py, "-c", "import dossier; print(dossier.__file__)"], work, env).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    exe = bindir / "dossier"

    res = _run([exe, "init", "新项目", "--type", "discrete"], work, env)
    assert "已生成项目模板" in res.stdout and (work / "新项目" / "enterprise.yaml").is_file()
    res = _run([exe, "check", "新项目"], work, env, ok=(1,))  # a blank form has errors to fill in
    assert "错误" in res.stdout and (work / "新项目" / "build" / "report.html").is_file()

    shutil.copytree(sample, work / "样例", ignore=shutil.ignore_patterns("build"))
    res = _run([exe, "templates", "lint", "样例"], work, env)
    assert "模板检查通过" in res.stdout
    res = _run([exe, "build", "样例", "-o", "输出"], work, env)
    out = work / "输出"
    assert "装订本" in res.stdout and (out / "申报材料装订本.pdf").is_file() and (out / "report.html").is_file()
    assert len(list(out.glob("[0-9][0-9] *.pdf"))) >= 10
    assert not any(p.name.startswith(".") for p in out.rglob("*")), "nothing hidden in the output folder"
    fonts = _run(["pdffonts", out / "申报材料装订本.pdf"], work, env).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
    cover = _run(["pdftotext", "-l", "2", out / "申报材料装订本.pdf", "-"], work, env).stdout
    assert "光" in cover and "目" in cover
    info = _run([exe, "cache", "info"], work, env)
    assert str(tmp_path / "cache") in info.stdout and "pdf" in info.stdout
