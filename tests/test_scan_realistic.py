"""dossier scan against realistic scans: print → fanned stamping → scanner (tests/scan_sim.py).

The volume is bound by dossier bind with one seal group of 21 sheets, so each page carries a 2 mm
sliver of one 42 mm seal, the thinnest bind allows (a short 8-sheet volume serves the cases whose
point is not the slice width). Each case states what was done and what the check must say: no
false alarm on a good scan however degraded, and each real fault named once, by its real numbers.

=================================================  =========================================
case                                               expected outcome
=================================================  =========================================
200 dpi, fresh ink, 1.2° skew, 3 mm offset, q85    no finding
150 dpi, faded pink ink, 2° skew, q55 ("HARD")     no finding
150 dpi, brownish ink, print grown 1.03, q55       no finding
300 dpi, 2° skew, 4 mm offset, print shrunk 0.97   no finding (read by two worker processes)
HARD, volume pages 5 and 6 swapped                 one S-PAGE-ORDER naming both
HARD, volume pages 4 and 15 swapped                one S-PAGE-ORDER naming both
HARD, volume page 9 missing                        S-PAGE-MISSING 9 only
HARD, volume page 12 scanned twice                 S-PAGE-DUPLICATE (scan page 13) only
HARD, a sheet of another document after page 16    S-PAGE-EXTRA (scan page 17) only
HARD, page 7 upside down, no sliver on page 10,    S-PAGE-UPSIDE-DOWN 7, S-SEAM-MISSING 10,
no cover seal                                      S-COVER-SEAL-MISSING 1
duplex scan (a blank back after every sheet)       one S-DUPLEX-BACKS info, no error
unstamped print, scanned in colour                 one S-NOT-STAMPED error
grey scan, stored as grey or as RGB                one InputError asking for a colour scan
the bound volume PDF itself                        one InputError: not a scan
=================================================  =========================================
"""

from __future__ import annotations

from scan_sim import BROWNISH, FADED_PINK, FRESH, Case, Scanner, make_scan, make_volume

import pytest

from dossier.scan import check_scan_files, scan_against
from dossier.util.errors import InputError

DOC_PAGES = 19  # + cover + contents = 21 pages, one group of 21 sheets


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realistic")
    pdf, manifest_path, manifest = make_volume(folder, DOC_PAGES, seal_group=21)
    assert manifest["page_count"] == 21 and manifest["seal_groups"][0]["sheets"] == 21
    return folder, pdf, manifest_path, manifest


@pytest.fixture(scope="module")
def short_volume(tmp_path_factory):
    """Eight sheets in one group (5 mm slices): for the costly cases (300 dpi, duplex) whose point is
    not the slice width; the 2 mm slivers are covered at 150 and 200 dpi, and in bench_scan."""
    folder = tmp_path_factory.mktemp("short")
    pdf, manifest_path, manifest = make_volume(folder, 6, seed=9, seal_group=21)
    assert manifest["page_count"] == 8
    return folder, pdf, manifest_path, manifest


def check(volume, case: Case, name: str = "scan.pdf"):
    folder, pdf, manifest_path, manifest = volume
    scan = make_scan(pdf, manifest, folder / name, case, cache=folder)
    return check_scan_files(scan, manifest_path)


def problems(report) -> list[tuple[str, int | None]]:
    return sorted((f.code, f.page) for f in report.findings if f.severity != "info")


# Hard but honest conditions: 150 dpi, JPEG quality 55, 2° skew, faded pink ink pressed unevenly.
HARD = Case(Scanner(dpi=150, skew_deg=2.0, offset_mm=3.0, quality=55), ink=FADED_PINK)

GOOD_SCANS = {
    "200dpi-fresh-skew1.2-q85": Case(Scanner(dpi=200, skew_deg=1.2, offset_mm=3.0, quality=85), ink=FRESH, seed=1),
    "150dpi-pink-faded-q55-skew2": HARD,
    "150dpi-brownish-q55-grown1.03": Case(
        Scanner(dpi=150, skew_deg=1.5, offset_mm=3.0, print_scale=1.03, quality=55), ink=BROWNISH, seed=4
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(GOOD_SCANS))
def test_good_scan_passes(volume, name):
    report = check(volume, GOOD_SCANS[name], f"{name}.pdf")
    assert problems(report) == []
    assert all(p.seam_ok for p in report.pages), [(p.scan_page, p.seam_ink_mm2) for p in report.pages]
    assert report.pages[0].cover_ink_mm2 >= 40


@pytest.mark.slow
def test_300dpi_skewed_shrunk_print_passes_read_by_two_workers(short_volume, monkeypatch):
    import dossier.scan.measure as measure

    monkeypatch.setattr(measure, "PARALLEL_FROM", 2)  # long scans are read by worker processes
    monkeypatch.setattr(measure, "CHUNK", 3)
    report = check(short_volume, Case(Scanner(dpi=300, skew_deg=2.0, offset_mm=4.0, print_scale=0.97), seed=2))
    assert problems(report) == []
    assert report.dpi_min == report.dpi_max == 300
    assert [p.scan_page for p in report.pages] == list(range(1, 9))


@pytest.mark.slow
def test_swapped_neighbours_are_named_once(volume):
    report = check(volume, HARD.but(swap=((5, 6),)), "swap-near.pdf")
    assert problems(report) == [("S-PAGE-ORDER", 5)]
    message = next(f.message for f in report.findings if f.code == "S-PAGE-ORDER")
    assert "第 5 页和第 6 页顺序颠倒" in message and "成册第 6 页和第 5 页" in message


@pytest.mark.slow
def test_swapped_distant_pages_are_named_once(volume):
    report = check(volume, HARD.but(swap=((4, 15),)), "swap-far.pdf")
    assert problems(report) == [("S-PAGE-ORDER", 4)]
    assert "成册第 15 页和第 4 页" in next(f.message for f in report.findings if f.code == "S-PAGE-ORDER")


@pytest.mark.slow
def test_missing_page_is_named_without_touching_neighbours(volume):
    report = check(volume, HARD.but(drop=frozenset({9})), "missing.pdf")
    assert problems(report) == [("S-PAGE-MISSING", 9)]


@pytest.mark.slow
def test_foreign_page_is_extra(volume):
    report = check(volume, HARD.but(foreign_after=frozenset({16})), "foreign.pdf")
    assert problems(report) == [("S-PAGE-EXTRA", 17)]


@pytest.mark.slow
def test_duplicated_page_is_named(volume):
    report = check(volume, HARD.but(duplicate=frozenset({12})), "duplicate.pdf")
    assert problems(report) == [("S-PAGE-DUPLICATE", 13)]
    assert "扫描件第 13 页与第 12 页重复" in next(f.message for f in report.findings if f.code == "S-PAGE-DUPLICATE")
    assert "都是成册第 12 页" in next(f.message for f in report.findings if f.code == "S-PAGE-DUPLICATE")


@pytest.mark.slow
def test_upside_down_unsealed_and_uncovered_pages(volume):
    case = HARD.but(upside_down=frozenset({7}), no_seam=frozenset({10}), no_cover=True)
    report = check(volume, case, "faults.pdf")
    assert problems(report) == [("S-COVER-SEAL-MISSING", 1), ("S-PAGE-UPSIDE-DOWN", 7), ("S-SEAM-MISSING", 10)]


@pytest.mark.slow
def test_duplex_blank_backs_are_ignored_with_one_line(short_volume):
    report = check(short_volume, HARD.but(scanner=Scanner(dpi=150, skew_deg=1.5, quality=70, duplex=True)), "duplex.pdf")
    assert problems(report) == []
    infos = [f for f in report.findings if f.code == "S-DUPLEX-BACKS"]
    assert len(infos) == 1 and "共 8 页" in infos[0].message and report.scan_pages == 16


# Whole-scan verdicts do not depend on the slice width: the short volume keeps them cheap.
@pytest.mark.slow
def test_unstamped_print_is_one_message(short_volume):
    report = check(short_volume, HARD.but(stamped=False), "unstamped.pdf")
    assert problems(report) == [("S-NOT-STAMPED", None)]


@pytest.mark.slow
@pytest.mark.parametrize("as_rgb", [True, False], ids=["grey-stored-as-rgb", "grey"])
def test_grey_scan_is_one_message(short_volume, as_rgb):
    case = HARD.but(ink=FRESH, scanner=Scanner(dpi=150, quality=70, gray=True, gray_as_rgb=as_rgb))
    with pytest.raises(InputError, match="没有颜色") as caught:
        check(short_volume, case, f"grey-{as_rgb}.pdf")
    assert "彩色" in caught.value.hint


@pytest.mark.slow
def test_the_volume_itself_is_not_a_scan(volume):
    _, pdf, manifest_path, manifest = volume
    with pytest.raises(InputError, match="成册 PDF 本身"):
        check_scan_files(pdf, manifest_path)
    with pytest.raises(InputError, match="不是扫描图像"):
        scan_against(pdf, manifest)  # without the volume or its hash: still not a scan
