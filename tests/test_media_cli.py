"""dossier media: exit codes 0 / 1 / 2, Chinese output naming each file, --json, --set."""

from __future__ import annotations

import json

from click.testing import CliRunner
from media_fixtures import jpeg_of_size, pptx_file, summary_150_words_raw_180

from dossier.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["media", *map(str, args)])


def test_good_files_exit_0_and_warnings_do_not_change_it(tmp_path):
    photo = jpeg_of_size(tmp_path / "车间全景.jpg", 1_020_000)  # warning band
    summary = tmp_path / "简介.txt"
    summary.write_text(summary_150_words_raw_180(), encoding="utf-8")
    result = run(photo, summary)
    assert result.exit_code == 0, result.output
    assert "警告" in result.output and "车间全景.jpg" in result.output
    assert "按 Word 字数统计为 150 字" in result.output and "逐个字符数是 180" in result.output


def test_an_error_exits_1_and_names_the_file(tmp_path):
    result = run(jpeg_of_size(tmp_path / "小图.jpg", 900 * 1024), pptx_file(tmp_path / "汇报.pptx"))
    assert result.exit_code == 1
    assert "错误" in result.output and "照片 小图.jpg 大小 921,600 字节" in result.output


def test_missing_path_exits_2_in_chinese(tmp_path):
    result = run(tmp_path / "没有这个.jpg")
    assert result.exit_code == 2
    assert "不存在" in result.output
    assert "Traceback" not in result.output


def test_json_is_one_object(tmp_path):
    result = run("--json", pptx_file(tmp_path / "汇报.pptx", slides=2))
    data = json.loads(result.output)
    assert data["exit_code"] == 0 and data["files"][0]["facts"]["slides"] == 2
    assert data["files"][0]["kind"] == "presentation"


def test_folder_with_set_rules(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    for i in (1, 2):
        jpeg_of_size(folder / f"{i}.jpg", 1_100_000)
    pptx_file(folder / "汇报.pptx")
    result = run("--set", "--json", folder)
    data = json.loads(result.output)
    assert len(data["files"]) == 3
    # The set rules' findings are in the one findings list, with every file's own findings.
    set_codes = {f["code"] for f in data["findings"] if f["code"].startswith("M-SET-")}
    assert set_codes == {"M-SET-PHOTO-COUNT", "M-SET-VIDEO-COUNT", "M-SET-SUMMARY-COUNT"}
    assert data["exit_code"] == 1
