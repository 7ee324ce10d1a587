"""Summary: "150字以内" by Word's count, with the raw count shown; encodings a Windows user saves."""

from __future__ import annotations

from pathlib import Path

from media_fixtures import summary_150_words_raw_180

from dossier.media_inspection import inspect_media
from dossier.util.formats import raw_length, word_count


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "简介.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def codes(report) -> dict[str, str]:
    return {f.code: f.severity for f in report.findings}


def test_150_by_word_count_passes_even_when_raw_length_is_larger(tmp_path):
    text = summary_150_words_raw_180()
    assert (word_count(text), raw_length(text)) == (150, 180)
    report = inspect_media(write(tmp_path, text))
    assert not report.has_errors
    assert (report.facts["word_count"], report.facts["raw_length"]) == (150, 180)
    assert codes(report) == {"M-SUMMARY-RAW-LENGTH": "warning"}


def test_151_fails_and_names_the_file(tmp_path):
    report = inspect_media(write(tmp_path, summary_150_words_raw_180() + "厂"))
    f = next(f for f in report.findings if f.severity == "error")
    assert f.code == "M-SUMMARY-LENGTH"
    assert "简介.txt" in f.message and "151" in f.message and "150" in f.message


def test_plain_150_chinese_characters_pass_cleanly(tmp_path):
    report = inspect_media(write(tmp_path, "本" * 148 + "。\n" + "完"))
    assert report.facts["word_count"] == 150 and report.findings == ()


def test_gbk_is_read_and_warned(tmp_path):
    report = inspect_media(write(tmp_path, "企业建成智能工厂。", "gbk"))
    assert report.facts["word_count"] == 9
    assert codes(report) == {"M-SUMMARY-ENCODING": "warning"}
    assert "GBK" in report.findings[0].message


def test_utf16_with_bom_is_read_and_warned(tmp_path):
    report = inspect_media(write(tmp_path, "\ufeff企业建成智能工厂。", "utf-16-le"))
    assert report.facts["word_count"] == 9
    assert codes(report) == {"M-SUMMARY-ENCODING": "warning"}


def test_utf8_bom_is_fine(tmp_path):
    report = inspect_media(write(tmp_path, "\ufeff企业建成智能工厂。"))
    assert report.findings == () and report.facts["word_count"] == 9


def test_blank_summary_fails(tmp_path):
    assert codes(inspect_media(write(tmp_path, " \n\n ")))["M-SUMMARY-EMPTY"] == "error"


def test_docx_summary_is_told_to_be_txt(tmp_path):
    path = tmp_path / "简介.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    f = inspect_media(path).findings[0]
    assert f.code == "M-TYPE-UNKNOWN" and ".txt" in f.message


def test_undecodable_or_oversized_summary_is_an_error(tmp_path):
    broken = tmp_path / "乱码.txt"
    broken.write_bytes("企业".encode("gbk") + b"\x80\xff\x80")  # neither UTF-8 nor GB18030
    report = inspect_media(broken)
    assert codes(report) == {"M-SUMMARY-UNREADABLE": "error"} and "编码无法识别" in report.findings[0].message

    report = inspect_media(write(tmp_path, "企" * 400_000, name="大.txt"))  # 1.2 MB: a wrong file, not a summary
    assert codes(report) == {"M-SUMMARY-UNREADABLE": "error"} and "不像 150 字的简介" in report.findings[0].message
