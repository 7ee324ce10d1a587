"""Seam-seal geometry: every sheet gets one slice, groups carry one whole seal, slices stay visible."""

from hypothesis import given
from hypothesis import strategies as st

from dossier.bind.geometry import A4_W, MM
from dossier.bind.seal import MIN_SLICE, SEAL_DIAMETER, seal_layout


@given(st.integers(1, 700), st.booleans(), st.integers(1, 60))
def test_every_sheet_has_one_slice_and_groups_make_whole_seals(pages, duplex, group):
    lay = seal_layout(pages, duplex=duplex, group_size=group)
    fronts = [p for p in range(1, pages + 1) if not duplex or p % 2 == 1]
    with_slice = [i + 1 for i, s in enumerate(lay.slices) if s is not None]
    assert with_slice == fronts
    assert sum(g.sheets for g in lay.groups) == len(fronts)
    for g in lay.groups:
        slices = [s for s in lay.slices if s is not None and g.first_page <= s.page <= g.last_page]
        assert len(slices) == g.sheets
        widths = {round(s.rect[2] - s.rect[0], 6) for s in slices}
        assert widths == {round(g.slice_width, 6)}
        assert abs(g.slice_width * g.sheets - SEAL_DIAMETER) < 1e-6  # one whole seal per group
        assert g.slice_width >= MIN_SLICE - 1e-9
        # consecutive sheets show consecutive parts of the seal: seal origin moves left by one slice
        xs = [s.seal_x for s in slices]
        assert all(abs((a - b) - g.slice_width) < 1e-6 for a, b in zip(xs, xs[1:]))
        assert all(abs(s.rect[2] - A4_W) < 1e-9 for s in slices)  # on the fore-edge
    # groups cover the pages without gaps
    assert lay.groups[0].first_page == 1 and lay.groups[-1].last_page == pages
    assert all(a.last_page + 1 == b.first_page for a, b in zip(lay.groups, lay.groups[1:]))
    # group sizes differ by at most one: no thin leftover group
    sizes = [g.sheets for g in lay.groups]
    assert max(sizes) - min(sizes) <= 1


def test_groups_are_staggered_vertically():
    lay = seal_layout(100, group_size=20)
    centres = [g.center_y for g in lay.groups]
    assert all(abs(a - b) > SEAL_DIAMETER for a, b in zip(centres, centres[1:]))


def test_too_many_sheets_per_group_is_lowered_with_a_warning():
    lay = seal_layout(60, group_size=40)
    assert lay.group_size == int(SEAL_DIAMETER // MIN_SLICE)
    assert all(g.slice_width >= 2 * MM - 1e-9 for g in lay.groups)
    assert lay.warnings and "毫米" in lay.warnings[0]


def test_duplex_group_ends_on_the_back_of_its_last_sheet():
    lay = seal_layout(9, duplex=True, group_size=20)
    assert [(g.first_page, g.last_page, g.sheets) for g in lay.groups] == [(1, 9, 5)]
    assert lay.slices[1] is None and lay.slices[2] is not None
