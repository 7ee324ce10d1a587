"""dossier scan: a stamped scan of the bound volume, page by page, against the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan_fixtures import make_scan, make_volume

from dossier.scan import check_scan_files, scan_against
from dossier.util.errors import InputError
from dossier.util.findings import exit_code

pytestmark = pytest.mark.slow  # each case renders the volume and a scan of it

PAGES = 6


@pytest.fixture(scope="module")
def volume(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("volume")
    path, manifest = make_volume(folder, pages=PAGES)
    (folder / "volume.manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path, manifest


def errors(report) -> list[tuple[str, int | None]]:
    return [(f.code, f.page) for f in report.findings if f.severity == "error"]


def test_fully_stamped_scan_passes(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", dpi=150), manifest, volume_pdf=path)
    assert errors(report) == []
    assert exit_code(report.findings) == 0
    assert report.scan_pages == report.volume_pages == PAGES
    assert report.dpi_min == report.dpi_max == 150
    assert all(p.seam_ink_mm2 >= 2 for p in report.pages)
    assert report.pages[0].cover_ink_mm2 > 40
    assert [f.code for f in report.findings if f.severity == "warning"] == []


def test_seal_missing_on_one_page_names_it(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", no_seam=frozenset({4})), manifest)
    assert errors(report) == [("S-SEAM-MISSING", 4)]
    assert "第 4 页" in next(f.message for f in report.findings if f.code == "S-SEAM-MISSING")


def test_printed_placeholder_alone_does_not_count(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", no_seam=frozenset(range(1, PAGES + 1))), manifest)
    assert [p for c, p in errors(report) if c == "S-SEAM-MISSING"] == list(range(1, PAGES + 1))
    assert all(p.seam_ink_mm2 < 1 for p in report.pages)


def test_missing_cover_seal(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", no_cover=True), manifest)
    assert errors(report) == [("S-COVER-SEAL-MISSING", 1)]


def test_missing_page_is_named_with_the_volume(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", drop=frozenset({4})), manifest, volume_pdf=path)
    assert errors(report) == [("S-PAGE-MISSING", 4)]
    assert "缺少成册第 4 页" in report.findings[0].message
    assert exit_code(report.findings) == 1


def test_missing_page_without_the_volume_still_fails(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", drop=frozenset({4})), manifest)
    assert ("S-PAGE-COUNT", None) in errors(report)
    message = next(f.message for f in report.findings if f.code == "S-PAGE-COUNT")
    assert "扫描件有 5 页" in message and "应为 6 页" in message


def test_blank_page_is_flagged(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", blank=frozenset({3})), manifest)
    assert ("S-PAGE-BLANK", 3) in errors(report)
    assert [p.blank for p in report.pages] == [False, False, True, False, False, False]


def test_upside_down_page_is_flagged_from_its_seal(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", upside_down=frozenset({5})), manifest)
    assert errors(report) == [("S-PAGE-UPSIDE-DOWN", 5)]


def test_upside_down_unstamped_page_is_flagged_from_the_volume(volume, tmp_path):
    path, manifest = volume
    scan = make_scan(path, tmp_path / "scan.pdf", upside_down=frozenset({5}), no_seam=frozenset({5}))
    report = scan_against(scan, manifest, volume_pdf=path)
    assert set(errors(report)) == {("S-PAGE-UPSIDE-DOWN", 5), ("S-SEAM-MISSING", 5)}


def test_manifest_beside_the_volume_is_found(volume, tmp_path):
    path, _ = volume
    scan = make_scan(path, tmp_path / "scan.pdf", drop=frozenset({2}))
    report = check_scan_files(scan, path.parent / "volume.manifest.json")
    assert errors(report) == [("S-PAGE-MISSING", 2)]


def test_grayscale_scan_is_unusable(volume, tmp_path):
    path, manifest = volume
    with pytest.raises(InputError, match="灰度"):
        scan_against(make_scan(path, tmp_path / "scan.pdf", gray=True), manifest)


def test_not_a_pdf_is_unusable(volume, tmp_path):
    _, manifest = volume
    bogus = tmp_path / "scan.pdf"
    bogus.write_bytes(b"\xff\xd8\xff\xe0 a jpeg, not a pdf")
    with pytest.raises(InputError, match="不是 PDF"):
        scan_against(bogus, manifest)


def test_bad_manifest_is_unusable(volume, tmp_path):
    path, _ = volume
    with pytest.raises(InputError, match="清单"):
        scan_against(path, {"pages": [{"number": 1, "seam": [1, 2, 3]}]})


def test_resolution_is_stated_and_a_low_one_warned_and_no_volume_said(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", dpi=100), manifest)
    by_code = {f.code: f for f in report.findings}
    assert by_code["S-RESOLUTION"].severity == "info" and "100 dpi" in by_code["S-RESOLUTION"].message
    assert by_code["S-RESOLUTION-LOW"].severity == "warning" and f"第 1–{PAGES} 页" in by_code["S-RESOLUTION-LOW"].message
    assert by_code["S-NO-VOLUME"].severity == "info"


def test_one_black_and_white_page_cannot_show_its_seam(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", dpi=150, gray_pages=frozenset({3})), manifest)
    assert ("S-PAGE-GRAYSCALE", 3) in errors(report)


def test_a_page_turned_90_degrees_is_named(volume, tmp_path):
    path, manifest = volume
    report = scan_against(make_scan(path, tmp_path / "scan.pdf", dpi=150, quarter_turned=frozenset({2})), manifest)
    assert ("S-PAGE-ORIENTATION", 2) in errors(report)


def test_a_volume_changed_since_binding_is_not_compared(volume, tmp_path):
    import hashlib

    path, manifest = volume
    folder = tmp_path / "build"
    folder.mkdir()
    changed = folder / "volume.pdf"
    changed.write_bytes(path.read_bytes() + b"\n% edited after binding\n")
    listed = {**manifest, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    (folder / "volume.manifest.json").write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    report = check_scan_files(make_scan(path, tmp_path / "scan.pdf", dpi=150), folder / "volume.manifest.json")
    (warned,) = [f for f in report.findings if f.code == "S-VOLUME-CHANGED"]
    assert warned.severity == "warning" and "volume.pdf" in warned.message
    assert "S-NO-VOLUME" in {f.code for f in report.findings}  # compared by page order only
