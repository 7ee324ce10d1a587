"""Bench: `dossier scan` on a realistic 180-page, 200 dpi colour scan of a bound volume.

Target (issue 13): at least 20 pages/s on 2 cores. The scan is simulated once, deterministically,
into bench/out/scan/ (git-ignored) by tests/scan_sim.py: 178 document pages bound by dossier bind
with a cover and contents (9 seal groups of 20 sheets: 2.1 mm slivers of a 42 mm seal), printed
at 200 dpi, stamped across the fanned groups, scanned with up to 1.5° skew and 3 mm offset,
JPEG quality 75. The check runs once to warm caches, then the best of three whole `dossier scan`
processes is taken (start-up, rendering the volume's thumbnails and every page included).

    .venv/bin/python bench/bench_scan.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "scan"
DOC_PAGES = 178
TARGET = 20.0


def _make() -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT / "tests"))
    from scan_sim import FRESH, Case, Scanner, make_scan, make_volume

    scan = OUT / "scan-200dpi.pdf"
    manifest = OUT / "volume.manifest.json"
    if scan.exists() and manifest.exists():
        return scan, manifest
    OUT.mkdir(parents=True, exist_ok=True)
    t = time.monotonic()
    pdf, manifest, data = make_volume(OUT, DOC_PAGES, seed=13, seal_group=20)
    case = Case(Scanner(dpi=200, skew_deg=1.5, offset_mm=3.0, quality=75), ink=FRESH, seed=13)
    tmp = scan.with_suffix(".tmp")
    make_scan(pdf, data, tmp, case, cache=OUT)
    tmp.rename(scan)
    print(f"simulated {data['page_count']} pages in {time.monotonic() - t:.0f} s", file=sys.stderr)
    return scan, manifest


def main() -> int:
    scan, manifest = _make()
    exe = ROOT / ".venv" / "bin" / "dossier"
    cmd = [str(exe), "scan", str(scan), "--against", str(manifest), "-q"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    first = subprocess.run(cmd, capture_output=True, text=True, env=env)
    import resource

    times, cpus = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.monotonic()
        subprocess.run(cmd, capture_output=True, text=True, env=env)
        times.append(time.monotonic() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    import pikepdf

    with pikepdf.open(scan) as pdf:
        pages = len(pdf.pages)
    best = min(times)
    rate = pages / best
    print(f"dossier scan: {pages} pages at 200 dpi in {best:.2f} s (best of 3) = {rate:.1f} pages/s "
          f"on {os.cpu_count()} cores; target ≥ {TARGET:.0f} pages/s: {'met' if rate >= TARGET else 'NOT met'}")
    cpu = min(cpus)
    # On a machine shared with other work the wall clock says little; CPU seconds do not depend on
    # the load: over 2 cores the wall time cannot be below cpu / 2.
    print(f"CPU {cpu:.2f} s ({cpu / pages * 1000:.0f} ms a page): {pages / (cpu / 2):.1f} pages/s at most with both cores free (the matching runs on one); "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"result: {first.stdout.strip()} (exit {first.returncode})")
    return 0 if first.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
