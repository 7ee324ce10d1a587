"""Which volume page each scan page is, by content; then missing, extra, duplicated and
out-of-order pages, named by their real numbers.

Two measures, both in [-1, 1]:

- a **fingerprint** for every pair: print darkness in 5 mm cells, band-passed (3×3-cell average
  minus 7×7-cell average), so that what all pages share (the text column, the margins) cancels
  and what tells them apart (where paragraphs, tables and figures begin and end) remains, while a
  sheet 4 mm off or turned 2° still overlaps its own fingerprint;
- a **registered correlation** for the few candidates of a page whose fingerprint leaves doubt:
  the page is registered to the candidate (:mod:`.register`) and the 1 mm darkness maps are
  correlated point by point. The pair's score is then the mean of both, if that is higher.

Over the simulation grid (tests/scan_sim.py: 150–300 dpi, ±2°, 0.97–1.03 scale, JPEG 55) a page's
own volume page scores at least 0.23 above any other for the same page, while the absolute level
varies with the page (0.45–0.95): decisions are therefore relative (``MARGIN``), not a fixed level.

Matching: a global alignment in order (Needleman–Wunsch, gap ``GAP``) pairs pages that are where
they should be, and a pair stands unless the scan page matches some other volume page clearly
better than that page's own partner does (sparse pages that look alike stay where they stand). A scan page left
over is matched to its clearly best volume page: one nobody took (a page out of place) or one
already taken (the same sheet scanned twice); a page with no clear best is extra. Pages paired out
of order are those off the longest increasing run of volume numbers; two of them that would be in
order if exchanged are one swap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CELL_MM = 5
GAP = 0.4
MARGIN = 0.1  # how much better than the runner-up a page's best match must be to be trusted
DOUBT = 0.15  # a fingerprint lead below this asks for the registered correlation
SURE = 0.5  # ... and so does a best fingerprint score below this (sparse pages score low)
CANDIDATES = 3
NEUTRAL = 0.5  # a blank scan page's score against any page: kept where it stands


def _box(a: np.ndarray, k: int) -> np.ndarray:
    p = np.pad(a, k // 2, mode="edge")
    rows, cols = a.shape
    return sum(p[dy : dy + rows, dx : dx + cols] for dy in range(k) for dx in range(k)) / (k * k)


def fingerprint(ink: np.ndarray) -> np.ndarray:
    rows, cols = ink.shape[0] // CELL_MM, ink.shape[1] // CELL_MM
    coarse = ink[: rows * CELL_MM, : cols * CELL_MM].reshape(rows, CELL_MM, cols, CELL_MM).mean(axis=(1, 3))
    return (_box(coarse, 3) - _box(coarse, 7)).astype(np.float32)


def _fit(fp: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.float32)
    r, c = min(shape[0], fp.shape[0]), min(shape[1], fp.shape[1])
    out[:r, :c] = fp[:r, :c]
    return out.ravel()


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 1e-6, norms, 1.0)


def similarity(scan: list[np.ndarray], turned: list[np.ndarray], volume: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Fingerprint similarity, scan × volume, either way up; and True where turned matched better."""
    shape = volume[0].shape
    v = _unit(np.stack([_fit(x, shape) for x in volume]))
    up = _unit(np.stack([_fit(x, shape) for x in scan])) @ v.T
    down = _unit(np.stack([_fit(x, shape) for x in turned])) @ v.T
    return np.maximum(up, down), down > up


_GRID = np.mgrid[8:289:2, 8:202:2]


def registered_correlation(expected: np.ndarray, scan: np.ndarray) -> float:
    """Correlation of the 1 mm darkness maps once ``scan`` is registered to ``expected``; 0 if it cannot be."""
    from dossier.scan.register import register

    t = register(expected, scan)
    if not t.registered:
        return 0.0
    yy, xx = _GRID
    yy, xx = yy[yy < expected.shape[0]], xx[yy < expected.shape[0]]
    keep = xx < expected.shape[1]
    yy, xx = yy[keep], xx[keep]
    q = t.a * (xx + 1j * yy) + t.t
    qx = np.clip(np.round(q.real).astype(int), 0, scan.shape[1] - 1)
    qy = np.clip(np.round(q.imag).astype(int), 0, scan.shape[0] - 1)
    e, s = expected[yy, xx], scan[qy, qx]
    e, s = e - e.mean(), s - s.mean()
    den = float(np.linalg.norm(e) * np.linalg.norm(s))
    return float(e @ s) / den if den > 1e-6 else 0.0


def refine(sim: np.ndarray, turned: np.ndarray, scan: list[np.ndarray], volume: list[np.ndarray]) -> np.ndarray:
    """Rows whose fingerprint leaves doubt get their candidates scored by both measures.

    Doubt: the best leads the runner-up by less than ``DOUBT`` or scores below ``SURE`` (a page
    with little print: a cover, a contents page), or the page's partner in the in-order alignment
    is not its best. Candidates: the ``CANDIDATES`` best, that partner, and the volume pages at the
    page's place if all were in order (a sparse page's own volume page may not be among the best).
    """
    out = sim.copy()
    partner = {i: j for i, j in align(sim) if i is not None and j is not None}
    for i in range(sim.shape[0]):
        order = [int(j) for j in np.argsort(-sim[i])]
        clear = (len(order) < 2 or sim[i, order[0]] - sim[i, order[1]] >= DOUBT) and sim[i, order[0]] >= SURE
        if clear and partner.get(i, order[0]) == order[0]:
            continue
        candidates = set(order[:CANDIDATES])
        if i in partner:
            candidates.add(partner[i])
        where = round(i * sim.shape[1] / sim.shape[0])  # where the page would be if all were in order
        candidates.update(j for j in (where - 1, where, where + 1) if 0 <= j < sim.shape[1])
        for j in candidates:
            page = scan[i][::-1, ::-1] if turned[i, j] else scan[i]
            # A failed registration (little print to follow) must not make a page less itself.
            out[i, j] = max(sim[i, j], 0.5 * (sim[i, j] + registered_correlation(volume[j], page)))
    return out


def align(sim: np.ndarray) -> list[tuple[int | None, int | None]]:
    """Pairs ``(scan index, volume index)`` in order, 0-based; None on one side marks a gap."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return [(i, None) for i in range(m)] + [(None, j) for j in range(n)]
    cost = np.zeros((m + 1, n + 1))
    cost[:, 0] = np.arange(m + 1) * GAP
    cost[0, :] = np.arange(n + 1) * GAP
    step = np.zeros((m + 1, n + 1), dtype=np.int8)  # 0 match, 1 scan extra, 2 volume missing
    step[1:, 0], step[0, 1:] = 1, 2
    # Row by row with numpy: the diagonal and "scan extra" moves are vectorised; the "volume
    # missing" move depends on the cell to the left and is a running minimum along the row.
    for i in range(1, m + 1):
        diag = cost[i - 1, :-1] + 1.0 - sim[i - 1]
        up = cost[i - 1, 1:] + GAP
        best = np.minimum(diag, up)
        how = np.where(diag <= up, 0, 1).astype(np.int8)
        row = cost[i]
        for j in range(1, n + 1):
            left = row[j - 1] + GAP
            if left < best[j - 1]:
                row[j], step[i, j] = left, 2
            else:
                row[j], step[i, j] = best[j - 1], how[j - 1]
    pairs: list[tuple[int | None, int | None]] = []
    i, j = m, n
    while i > 0 or j > 0:
        how = step[i, j]
        if how == 0:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]


@dataclass
class Matching:
    """Outcome, 0-based: ``pairs`` scan → volume in scan order; the rest named for findings."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # volume pages
    extra: list[int] = field(default_factory=list)  # scan pages like no volume page
    duplicates: list[tuple[int, int, int]] = field(default_factory=list)  # (scan, earlier scan, volume)
    swaps: list[tuple[int, int]] = field(default_factory=list)  # scan pages exchanged with each other
    moved: list[int] = field(default_factory=list)  # scan pages out of place (not part of a swap)


def _lead(row: np.ndarray, j: int) -> float:
    """How far ``row[j]`` is above the best of the others."""
    others = np.delete(row, j)
    return float(row[j] - others.max()) if others.size else 1.0


def match(sim: np.ndarray, blank: list[bool], sparse: list[bool] | None = None) -> Matching:
    """Match scan pages to volume pages (see module docstring). ``blank`` scan pages, and
    ``sparse`` ones (too little print to tell them from each other), match by position."""
    m, n = sim.shape
    s = sim.copy()
    is_blank = np.asarray(blank, dtype=bool) | np.asarray(sparse if sparse is not None else blank, dtype=bool)
    s[is_blank] = NEUTRAL
    nw = {i: j for i, j in align(s) if i is not None and j is not None}
    owner = np.full(n, -1)
    claim = np.full(n, -np.inf)  # how well each volume page's in-order partner matches it
    for i, j in nw.items():
        owner[j], claim[j] = i, sim[i, j]
    paired: dict[int, int] = {}
    for i, j in nw.items():
        # A rival is a volume page that i matches clearly better than its own in-order partner does
        # (pages of one template, two invoices say, match each other's scans almost equally).
        rival = (np.arange(n) != j) & ((owner == -1) | (sim[i] > claim + MARGIN))
        best_rival = float(sim[i][rival].max()) if rival.any() else -1.0
        if is_blank[i] or sim[i, j] >= best_rival - MARGIN / 2:
            paired[i] = j
    taken = {j: i for i, j in paired.items()}
    out = Matching()
    loose = [i for i in range(m) if i not in paired]
    for i in sorted(loose, key=lambda i: -float(sim[i].max())):
        j = int(np.argmax(sim[i]))
        if is_blank[i] or _lead(sim[i], j) < MARGIN:
            out.extra.append(i)
        elif j not in taken:
            paired[i], taken[j] = j, i
        else:
            # The same sheet twice: the earlier copy stands in its place, the later one is reported.
            k = taken[j]
            if i < k:
                del paired[k]
                paired[i], taken[j] = j, i
                i, k = k, i
            out.duplicates.append((i, k, j))
    out.pairs = sorted(paired.items())
    out.missing = [j for j in range(n) if j not in taken]
    out.extra.sort()
    _order(out)
    return out


def _lis(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence."""
    import bisect

    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(values)
    for k, v in enumerate(values):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tails_idx.append(k)
        else:
            tails[pos], tails_idx[pos] = v, k
        prev[k] = tails_idx[pos - 1] if pos > 0 else -1
    keep: set[int] = set()
    k = tails_idx[-1] if tails_idx else -1
    while k >= 0:
        keep.add(k)
        k = prev[k]
    return keep


def _order(out: Matching) -> None:
    vols = [j for _, j in out.pairs]
    inorder = _lis(vols)
    off = [k for k in range(len(vols)) if k not in inorder]
    if not off:
        return
    done: set[int] = set()

    def fits(seq: list[int], k: int) -> bool:
        return (k == 0 or seq[k - 1] < seq[k]) and (k == len(seq) - 1 or seq[k] < seq[k + 1])

    for k in off:
        if k in done:
            continue
        for other in range(len(vols)):
            if other == k or other in done:
                continue
            seq = vols.copy()
            seq[k], seq[other] = seq[other], seq[k]
            if fits(seq, k) and fits(seq, other):
                out.swaps.append(tuple(sorted((out.pairs[k][0], out.pairs[other][0]))))
                done.update((k, other))
                break
        else:
            out.moved.append(out.pairs[k][0])
            done.add(k)
