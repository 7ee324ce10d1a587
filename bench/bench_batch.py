"""``dossier batch`` of the two samples on 2 workers vs building them one after the other
(target: batch at most 0.7 × sequential).

Both sides start cold: each side has its own empty user cache (``DOSSIER_CACHE_DIR``) and no kept
LibreOffice (``DOSSIER_OFFICE_IDLE=0``), so LibreOffice converts every document on both. Usage:
``.venv/bin/python bench/bench_batch.py [PROJECT ...]`` (default: every folder of samples/ that
holds an enterprise.yaml; run ``python -m samples.generate`` first).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 0.7


def cpu() -> float:
    """CPU seconds of this process and its finished children (workers, LibreOffice, ffmpeg)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    from dossier.batch import run_batch

    projects = [Path(p).resolve() for p in sys.argv[1:]] or sorted(p.parent for p in (ROOT / "samples").glob("*/enterprise.yaml"))
    if len(projects) < 2:
        sys.exit("需要至少两个项目（先运行 python -m samples.generate）")
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    load_before = os.getloadavg()[0]
    os.environ["DOSSIER_OFFICE_IDLE"] = "0"
    try:
        os.environ["DOSSIER_CACHE_DIR"] = str(work / "cache-sequential")
        cpu0 = cpu()
        start = time.perf_counter()
        for p in projects:
            # A process per build, as a user runs them one after the other; in this process, the
            # builds' in-memory memos would reach the batch's forked workers and warm them.
            run = subprocess.run([sys.executable, "-m", "dossier", "build", str(p), "-o", str(work / "sequential" / p.name), "-q"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"{p.name} 无法生成：先修正样例\n{run.stderr}")
        sequential = time.perf_counter() - start
        cpu1 = cpu()

        os.environ["DOSSIER_CACHE_DIR"] = str(work / "cache-batch")  # the workers inherit it
        start = time.perf_counter()
        result = run_batch(projects, work / "batch", workers=2)  # a project folder is a root too
        parallel = time.perf_counter() - start
        cpu2 = cpu()
        statuses = {r.name: r.status for r in result.rows}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = parallel / sequential
    # Other work on the machine steals the second core the batch relies on: say how busy it was.
    print(f"load average before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f} (2 cores; above ~0.5 the ratio is pessimistic)")
    print(f"projects: {', '.join(p.name for p in projects)}; statuses: {statuses}")
    print(f"sequential dossier build: {sequential:.2f} s ({cpu1 - cpu0:.2f} s CPU); "
          f"batch on 2 workers: {parallel:.2f} s ({cpu2 - cpu1:.2f} s CPU)")
    print(f"ratio batch / sequential: {ratio:.2f} (target ≤ {TARGET}) — {'OK' if ratio <= TARGET else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
