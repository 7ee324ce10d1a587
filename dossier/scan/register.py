"""Register a scanned page to its expected page: where does a point of the volume page land in the scan?

Both pages are darkness maps in 1 mm cells. The page is covered by twelve overlapping blocks; in each, phase
correlation finds how far the printed content moved. A similarity transform (turn, scale,
shift) is then fitted to the blocks' moves by least squares, a block disagreeing by more than
``OUTLIER_MM`` with the fit is dropped and the fit repeated. Physical bounds reject nonsense: a
sheet is turned by at most ``MAX_TURN_DEG`` (an ADF skew or a hand-placed sheet: ±2°, margin
included), scaled by at most ``MAX_SCALE`` (a printer's fit-to-page shrinks by about 3 %), and
moved by at most ``MAX_SHIFT_MM`` at any block (a few mm of placement plus what the turn and the
scale move a point 150 mm from the centre). A page with too little print to correlate (a cover,
a nearly empty page) keeps the identity transform and is marked unregistered, so that the
caller searches a wider area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_TURN_DEG = 3.0
MAX_SCALE = 0.05
MAX_SHIFT_MM = 14
OUTLIER_MM = 2.5
BLOCK = 64  # mm: large enough to hold a few lines of text, small enough that a 2° turn is a shift
MIN_PEAK = 0.12  # a correlation peak below this is noise (text moved coherently gives 0.3–0.9)


@dataclass(frozen=True)
class Transform:
    """Expected page (mm, top-left origin) → scan page (mm): ``q = a·p + t`` with complex ``a``."""

    a: complex = 1 + 0j
    t: complex = 0j
    registered: bool = False
    blocks: int = 0

    @property
    def scaled(self) -> bool:
        """Turn and scale were measured (two blocks or more), not only a shift."""
        return self.registered and self.blocks >= 2

    def point(self, x: float, y: float) -> tuple[float, float]:
        q = self.a * complex(x, y) + self.t
        return q.real, q.imag

    def paper_point(self, x: float, y: float, centre: tuple[float, float]) -> tuple[float, float]:
        """Where a point of the *sheet* lands: a printer scales the content about the sheet's
        centre, not the paper, so the paper follows the turn and shift without the scale."""
        c = complex(*centre)
        r = self.a / abs(self.a) if abs(self.a) > 1e-9 else 1 + 0j
        q = r * (complex(x, y) - c) + self.t + self.a * c
        return q.real, q.imag

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """Bounding box in the scan of a rectangle of the expected page."""
        pts = [self.point(x, y) for x in (x0, x1) for y in (y0, y1)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)


def _window(n: int) -> np.ndarray:
    return np.hanning(n).astype(np.float32)


_WIN = np.outer(_window(BLOCK), _window(BLOCK))


def _shifts(expected: np.ndarray, scan: np.ndarray) -> list[tuple[float, float, float] | None]:
    """Per block pair (stacked along axis 0): (dx, dy, peak) moving ``expected``'s content to
    ``scan``'s, by phase correlation; None where the peak is too weak. One batched FFT."""
    a = (expected - expected.mean(axis=(1, 2), keepdims=True)) * _WIN
    b = (scan - scan.mean(axis=(1, 2), keepdims=True)) * _WIN
    cross = np.fft.rfft2(b) * np.conj(np.fft.rfft2(a))
    cross /= np.abs(cross) + 1e-6
    r = np.fft.fftshift(np.fft.irfft2(cross, s=a.shape[1:]), axes=(1, 2))
    c, lim = BLOCK // 2, MAX_SHIFT_MM
    out: list[tuple[float, float, float] | None] = []

    def refine(m1: float, m0: float, p1: float) -> float:
        d = m1 - 2 * m0 + p1
        return 0.0 if abs(d) < 1e-9 else 0.5 * (m1 - p1) / d

    for k in range(r.shape[0]):
        sub = r[k, c - lim : c + lim + 1, c - lim : c + lim + 1]
        iy, ix = np.unravel_index(int(np.argmax(sub)), sub.shape)
        peak = float(sub[iy, ix])
        if peak < MIN_PEAK:
            out.append(None)
            continue
        y, x = iy + c - lim, ix + c - lim
        rk = r[k]
        fx = refine(rk[y, x - 1], rk[y, x], rk[y, x + 1]) if 0 < x < BLOCK - 1 else 0.0
        fy = refine(rk[y - 1, x], rk[y, x], rk[y + 1, x]) if 0 < y < BLOCK - 1 else 0.0
        out.append((x - c + fx, y - c + fy, peak))
    return out


def _blocks(shape: tuple[int, int]) -> list[tuple[int, int]]:
    rows, cols = shape
    xs = np.linspace(0, max(0, cols - BLOCK), 3).round().astype(int)
    ys = np.linspace(0, max(0, rows - BLOCK), 4).round().astype(int)
    return [(int(x), int(y)) for y in ys for x in xs]


def _fit(p: np.ndarray, q: np.ndarray, w: np.ndarray) -> tuple[complex, complex]:
    pm, qm = (p * w).sum() / w.sum(), (q * w).sum() / w.sum()
    dp, dq = p - pm, q - qm
    den = float((w * np.abs(dp) ** 2).sum())
    a = complex((w * dq * np.conj(dp)).sum() / den) if den > 1e-6 else 1 + 0j
    return a, qm - a * pm


def register(expected: np.ndarray, scan: np.ndarray) -> Transform:
    """The transform taking ``expected`` (darkness, 1 mm cells) onto ``scan``; identity when unsure."""
    rows, cols = min(expected.shape[0], scan.shape[0]), min(expected.shape[1], scan.shape[1])
    if rows < BLOCK or cols < BLOCK:
        return Transform()
    p, q, w = [], [], []
    spots = [(x, y) for x, y in _blocks((rows, cols)) if float(expected[y : y + BLOCK, x : x + BLOCK].std()) >= 4.0]
    if not spots:
        return Transform()
    found = _shifts(
        np.stack([expected[y : y + BLOCK, x : x + BLOCK] for x, y in spots]),
        np.stack([scan[y : y + BLOCK, x : x + BLOCK] for x, y in spots]),
    )
    for (x, y), got in zip(spots, found):
        if got is None:
            continue
        dx, dy, peak = got
        centre = complex(x + BLOCK / 2, y + BLOCK / 2)
        p.append(centre)
        q.append(centre + complex(dx, dy))
        w.append(peak)
    if not p:
        return Transform()
    pa, qa, wa = np.array(p), np.array(q), np.array(w)
    keep = np.ones(len(pa), dtype=bool)
    for _ in range(2):
        if keep.sum() >= 2:
            a, t = _fit(pa[keep], qa[keep], wa[keep])
            turn = abs(np.degrees(np.angle(a)))
            if turn > MAX_TURN_DEG or abs(abs(a) - 1) > MAX_SCALE:
                a, t = 1 + 0j, complex(((qa - pa)[keep] * wa[keep]).sum() / wa[keep].sum())
        else:
            a, t = 1 + 0j, complex(((qa - pa)[keep] * wa[keep]).sum() / wa[keep].sum())
        resid = np.abs(a * pa + t - qa)
        new = resid <= OUTLIER_MM
        if new.sum() == 0 or (new == keep).all():
            break
        keep = new
    if keep.sum() == 0:
        return Transform()
    return Transform(a, t, True, int(keep.sum()))
