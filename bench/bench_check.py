"""Time ``dossier check`` on a sample, beyond interpreter start (target: under 1 s).

Runs ``python -c pass`` and ``python -m dossier check SAMPLE`` several times each and prints the
median difference. Usage: ``.venv/bin/python bench/bench_check.py [SAMPLE]``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0


def timed(args: list[str], n: int = 5) -> float:
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    sample = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "samples" / "guangxin-optics")
    base = timed([sys.executable, "-c", "pass"])
    check = timed([sys.executable, "-m", "dossier", "check", sample, "--quiet"])
    beyond = check - base
    print(f"interpreter start {base:.3f} s; dossier check {check:.3f} s; beyond start {beyond:.3f} s")
    print(f"ratio to target ({TARGET_S:.1f} s): {beyond / TARGET_S:.2f} — {'OK' if beyond <= TARGET_S else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
