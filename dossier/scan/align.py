"""Match scan pages to volume pages when their counts differ, to name the missing or extra page.

Global alignment (Needleman–Wunsch) on thumbnail similarity: matching scan page i with volume
page j costs ``1 − similarity``; leaving a page unmatched costs ``GAP``. The volume's mean
thumbnail is subtracted first, so that what all pages share (margins, the line grid of body text)
does not make different pages look alike: then a page and its own scan score 0.6–0.95 and two
different pages below 0.35, and a GAP of 0.4 skips exactly the pages really missing or extra.
A page scanned upside down is matched by its turned thumbnail; a blank scan page matches any
page at a neutral cost. Limit: a run of pages that differ only in their words (dense body text
at the same line pitch) may make the named page off by one within that run.
"""

from __future__ import annotations

import numpy as np

GAP = 0.4


BLANK_SIMILARITY = 0.5


def _centred(rows: np.ndarray, mean: np.ndarray) -> np.ndarray:
    rows = rows - mean
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 1e-9, norms, 1.0)


def similarity(scan: list[np.ndarray], scan_turned: list[np.ndarray], volume: list[np.ndarray], blank: list[bool]) -> np.ndarray:
    """Scan × volume similarity in [-1, 1], either way up, after removing the volume's mean page."""
    vol = np.stack(volume)
    mean = vol.mean(axis=0)
    v = _centred(vol, mean)
    sim = np.maximum(_centred(np.stack(scan), mean) @ v.T, _centred(np.stack(scan_turned), mean) @ v.T)
    sim[np.asarray(blank, dtype=bool)] = BLANK_SIMILARITY
    return sim


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
    for i in range(1, m + 1):
        row_sim = sim[i - 1]
        for j in range(1, n + 1):
            best, how = cost[i - 1, j - 1] + 1.0 - row_sim[j - 1], 0
            if cost[i - 1, j] + GAP < best:
                best, how = cost[i - 1, j] + GAP, 1
            if cost[i, j - 1] + GAP < best:
                best, how = cost[i, j - 1] + GAP, 2
            cost[i, j], step[i, j] = best, how
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
