"""The scan check over the whole parameter grid of tests/scan_sim.py: no threshold is tuned to one case.

Every combination of resolution (150, 200, 300 dpi), ink (fresh, faded pink, brownish), JPEG
quality (55, 85) and print scale (0.97, 1.0, 1.03), with 2° skew and 3 mm offset, on a 21-sheet
group (2 mm slivers), must pass with no error; each fault case must give exactly its findings.
Prints one line per case and the smallest seam ink seen against its threshold. Slow (minutes):
a development check, not a test.

    .venv/bin/python bench/scan_grid.py
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scan_sim import BROWNISH, FADED_PINK, FRESH, Case, Scanner, make_scan, make_volume  # noqa: E402

from dossier.scan import check_scan_files  # noqa: E402


def main() -> int:
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf, manifest_path, manifest = make_volume(folder, 19, seal_group=21)
        inks = {"fresh": FRESH, "pink": FADED_PINK, "brown": BROWNISH}
        least = []
        for n, (dpi, ink, q, scale) in enumerate(itertools.product((150, 200, 300), inks, (55, 85), (0.97, 1.0, 1.03))):
            case = Case(Scanner(dpi=dpi, skew_deg=2.0, offset_mm=3.0, quality=q, print_scale=scale), ink=inks[ink], seed=100 + n)
            t = time.monotonic()
            scan = make_scan(pdf, manifest, folder / "scan.pdf", case, cache=folder)
            report = check_scan_files(scan, manifest_path)
            errors = [(f.code, f.page) for f in report.findings if f.severity != "info"]
            low = min(p.seam_ink_mm2 for p in report.pages if p.seam_ink_mm2 is not None)
            least.append(low)
            bad += bool(errors)
            print(f"{dpi} dpi {ink:5} q{q} scale {scale}: {'OK' if not errors else errors}  least seam ink {low} mm²"
                  f"  ({time.monotonic() - t:.0f} s)", flush=True)
            from scan_sim import _SCANNED

            _SCANNED.clear()
        print(f"{bad} of {len(least)} cases with findings; least seam ink over the grid {min(least)} mm² (threshold 0.8)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
