"""Time ``dossier check`` on a sample, beyond interpreter start (target: ≤ 0.3 s), and show where
the import time goes (``python -X importtime``).

Runs ``python -c pass`` and ``python -m dossier check SAMPLE`` several times each and prints the
median difference; then one run with ``-X importtime``: the total import time, the slowest
top-level imports, and whether moviepy or numpy were imported (neither is needed when the video's
probe is cached, as it is after the first run). The first, uncounted run fills the user cache.
Usage: ``.venv/bin/python bench/bench_check.py [SAMPLE]``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3


def timed(args: list[str], n: int = 5) -> tuple[float, float]:
    """Median wall-clock and median CPU (user + system) seconds of ``n`` runs. On a loaded machine
    the wall clock includes waiting for a core; the CPU time is close to an idle machine's wall clock."""
    import resource

    runs, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(runs), statistics.median(cpus)


def import_times(args: list[str]) -> list[tuple[str, int, int]]:
    """(module, cumulative µs, depth) of every import of one ``-X importtime`` run."""
    proc = subprocess.run([args[0], "-X", "importtime", *args[1:]], capture_output=True, text=True, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((name.strip(), int(cumulative), depth))
    return rows


def main() -> None:
    sample = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "samples" / "guangxin-optics")
    check_args = [sys.executable, "-m", "dossier", "check", sample, "--quiet"]
    subprocess.run(check_args, capture_output=True, check=False)  # fills the caches
    base, base_cpu = timed([sys.executable, "-c", "pass"])
    check, check_cpu = timed(check_args)
    beyond, beyond_cpu = check - base, check_cpu - base_cpu

    rows = import_times(check_args)
    base_rows = {name for name, _, _ in import_times([sys.executable, "-c", "pass"])}
    top = [(name, us) for name, us, depth in rows if depth == 0 and name not in base_rows]
    total = sum(us for _, us in top)
    names = {name.split(".")[0] for name, _, _ in rows}
    print(f"imports beyond interpreter start: {total / 1e6:.3f} s (python -X importtime); slowest:")
    for name, us in sorted(top, key=lambda r: -r[1])[:8]:
        print(f"  {us / 1e6:6.3f} s  {name}")
    print(f"moviepy imported: {'yes' if 'moviepy' in names else 'no'}; numpy imported: {'yes' if 'numpy' in names else 'no'}")
    print(f"interpreter start {base:.3f} s; dossier check {check:.3f} s; beyond start {beyond:.3f} s")
    print(f"CPU time: interpreter start {base_cpu:.3f} s; dossier check {check_cpu:.3f} s; beyond start {beyond_cpu:.3f} s")
    load = os.getloadavg()
    print(f"ratio to target ({TARGET_S:.1f} s), wall clock: {beyond / TARGET_S:.2f} — {'OK' if beyond <= TARGET_S else 'OVER TARGET'}; "
          f"CPU: {beyond_cpu / TARGET_S:.2f}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
