"""File names that are not UTF-8 (a zip packed on Chinese Windows, unpacked on Linux): named by
their GBK reading with a request to rename, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import tiny_pdf

from dossier.cli.i18n import polish
from dossier.util import cache
from dossier.util.filenames import missing_hint, shown


def _gbk(folder: Path, name: str) -> bytes:
    """The path of ``name`` in ``folder`` as GBK bytes, as an unzip of a Windows archive leaves it."""
    return os.fsencode(folder) + b"/" + name.encode("gbk")


def _dossier(*args: str | bytes, cache_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOSSIER_CACHE_DIR": str(cache_dir), "DOSSIER_OFFICE_IDLE": "0"}
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, env=env)


def test_a_gbk_name_is_shown_with_its_reading():
    name = os.fsdecode("合同.pdf".encode("gbk"))
    assert shown(name) == "“\ufffd\ufffdͬ.pdf”（按 GBK 编码读作“合同.pdf”）"
    assert shown("合同.pdf") == "合同.pdf"


def test_bind_refuses_a_gbk_argument_in_chinese(tmp_path):
    tiny_pdf(tmp_path / "x.pdf")
    os.rename(tmp_path / "x.pdf", _gbk(tmp_path, "合同.pdf"))
    run = _dossier("bind", _gbk(tmp_path, "合同.pdf"), "-o", str(tmp_path / "out.pdf"), cache_dir=tmp_path / "c")
    err = run.stderr.decode("utf-8")
    assert run.returncode == 2
    assert "按 GBK 编码读作“" in err and "合同.pdf”" in err and "重命名" in err
    assert "Traceback" not in err and not (tmp_path / "out.pdf").exists()


def test_check_names_the_badly_unpacked_file_beside_a_missing_one(project, tmp_path):
    root = project()
    data = (root / "enterprise.yaml").read_text(encoding="utf-8")
    first = next(p for p in sorted((root / "evidence").rglob("*.pdf")) if p.relative_to(root).as_posix() in data)
    os.rename(first, _gbk(first.parent, first.name))
    run = _dossier("check", "--json", "--no-report", str(root), cache_dir=tmp_path / "c")
    assert run.returncode == 1, run.stderr.decode()
    assert run.stderr == b""  # nothing from the cache's save at exit either
    missing = [f for f in json.loads(run.stdout)["findings"] if f["code"] == "I-EVIDENCE-MISSING"]
    assert len(missing) == 1
    assert f"按 GBK 编码读作“{first.name}”" in missing[0]["message"] and "重命名" in missing[0]["message"]


def test_no_hint_when_the_folder_holds_only_utf8_names(tmp_path):
    tiny_pdf(tmp_path / "evidence" / "合同.pdf")
    assert missing_hint(tmp_path / "evidence" / "发票.pdf") == ""
    # A folder that is itself missing: the nearest folder that exists is looked in.
    os.mkdir(_gbk(tmp_path, "证据"))
    assert "按 GBK 编码读作“证据”" in missing_hint(tmp_path / "证据" / "合同.pdf")


def test_the_digest_index_keeps_a_gbk_name(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "c"))
    tiny_pdf(tmp_path / "x.pdf")
    path = Path(os.fsdecode(_gbk(tmp_path, "发票.pdf")))
    os.rename(tmp_path / "x.pdf", path)
    key = cache._digest_key(path, os.stat(path))
    key.encode("utf-8")  # the index is UTF-8 JSON
    assert key.startswith(str(tmp_path) + "/\\xb7\\xa2Ʊ.pdf\0")  # 发票 in GBK: b7 a2 c6 b1, "c6 b1" is UTF-8


def test_polish_ends_a_sentence_but_keeps_a_file_names_dot():
    assert polish("文件“合同.pdf”不存在.") == "文件“合同.pdf”不存在。"
    assert polish("无法读取 '报告.pdf'. 请重试.") == "无法读取 “报告.pdf”。请重试。"
