"""Time ``dossier check`` on a sample, beyond interpreter start (target: ≤ 0.3 s), and show where
the time goes: imports against the run itself, and the slowest imports (``python -X importtime``).

Measures, median of several runs each, the CPU time (user + system) of ``python -c pass`` and of
``python -m dossier check SAMPLE`` three ways: ``--json --no-report`` of the unchanged sample (the
checks alone; nothing changed since the first, uncounted run, so the check is remembered whole,
see dossier/remembered_check.py), the same on a copy of the sample whose enterprise.yaml gets one
more comment line before each run (a check after the user saved an edit: loaded, validated and
checked afresh) and ``--quiet`` (the default, which also writes the HTML report and always checks
afresh). The target applies to the first; the others are printed beside it. Then one run inside a small harness splits the CPU time of the check into
imports (every module loaded, eagerly or lazily) and the rest, and one ``-X importtime`` run lists
the slowest top-level imports and whether moviepy, numpy, pikepdf, PIL.Image and the like were loaded (none is
needed once the evidence and media facts are cached, as they are after the first, uncounted run).

Bytecode: the subprocesses write and reuse ``.pyc`` files in a temporary folder
(``PYTHONPYCACHEPREFIX``), as an installed dossier does, even where ``PYTHONDONTWRITEBYTECODE`` is
set; otherwise every run would compile dossier's sources again and the bench would time the
compiler. The user cache is a temporary folder too, filled by the first run.

Usage: ``.venv/bin/python bench/bench_check.py [SAMPLE] [-n RUNS]``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3
HEAVY = ("moviepy", "numpy", "pikepdf", "PIL.Image", "docx", "docxtpl", "rich", "jinja2", "lxml", "pypdf")

# Runs the CLI in-process, counting the CPU time spent inside outermost imports.
HARNESS = r"""
import json, sys, time
import _frozen_importlib as bootstrap
original, state, by = bootstrap._find_and_load, {"depth": 0, "imports": 0.0}, {}
def timed(name, import_):
    if state["depth"]:
        return original(name, import_)
    state["depth"] = 1
    start = time.process_time()
    try:
        return original(name, import_)
    finally:
        spent = time.process_time() - start
        state["imports"] += spent
        by[name] = by.get(name, 0.0) + spent
        state["depth"] = 0
bootstrap._find_and_load = timed
out, sys.argv = sys.argv[1], ["dossier", *sys.argv[2:]]
start = time.process_time()
try:
    from dossier.cli import main
    main()
except SystemExit:
    pass
total = time.process_time() - start
with open(out, "w") as fh:
    json.dump({"total": total, "imports": state["imports"], "by": by, "modules": sorted(sys.modules)}, fh)
"""


def environment(cache: str, pycache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": pycache, "DOSSIER_CACHE_DIR": cache}


def timed(args: list[str], env: dict[str, str], n: int, before=None) -> tuple[float, float]:  # noqa: ANN001
    """Median wall-clock and median CPU (user + system) seconds of ``n`` runs (``before(i)``, when
    given, is called ahead of run ``i``, untimed). On a loaded machine
    the wall clock includes waiting for a core; the CPU time is close to an idle machine's wall clock."""
    import resource

    runs, cpus = [], []
    for i in range(n):
        if before is not None:
            before(i)
        start_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=False, env=env)
        runs.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - start_usage.ru_utime + after.ru_stime - start_usage.ru_stime)
    return statistics.median(runs), statistics.median(cpus)


def import_times(args: list[str], env: dict[str, str]) -> list[tuple[str, int, int]]:
    """(module, cumulative µs, depth) of every import of one ``-X importtime`` run."""
    proc = subprocess.run([args[0], "-X", "importtime", *args[1:]], capture_output=True, text=True, check=False, env=env)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((name.strip(), int(cumulative), depth))
    return rows


def breakdown(check: list[str], env: dict[str, str], n: int) -> tuple[float, float, dict[str, float], set[str]]:
    """Median CPU seconds of (imports, the rest) of the check in the harness, the median CPU
    seconds of each outermost import, and the modules loaded."""
    parts, modules, by = [], set(), {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "harness.json")
        for _ in range(n):
            subprocess.run([sys.executable, "-c", HARNESS, out, *check], capture_output=True, check=False, env=env)
            data = json.loads(Path(out).read_text())
            parts.append((data["imports"], data["total"] - data["imports"]))
            modules = set(data["modules"])
            for name, spent in data["by"].items():
                by.setdefault(name, []).append(spent)
    medians = {name: statistics.median(v + [0.0] * (n - len(v))) for name, v in by.items()}
    return statistics.median(p[0] for p in parts), statistics.median(p[1] for p in parts), medians, modules


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-n")]
    n = int(next((a[2:] for a in sys.argv[1:] if a.startswith("-n")), "5"))
    sample = args[0] if args else str(ROOT / "samples" / "guangxin-optics")
    py = sys.executable
    plain = ["check", sample, "--json", "--no-report"]
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        env = environment(os.path.join(tmp, "cache"), os.path.join(tmp, "pycache"))
        report = os.path.join(tmp, "report.html")
        with_report = ["check", sample, "--quiet", "--report", report]
        copy = os.path.join(tmp, "edited")
        shutil.copytree(sample, copy, symlinks=True)
        time.sleep(2.1)  # files written just now are neither remembered by their stat nor keyed (util.cache.SETTLE_NS)
        edited = ["check", copy, "--json", "--no-report"]
        for verb in (plain, with_report, edited):  # fills the user cache and the bytecode cache
            subprocess.run([py, "-m", "dossier", *verb], capture_output=True, check=False, env=env)

        def edit(i: int) -> None:
            with open(os.path.join(copy, "enterprise.yaml"), "a", encoding="utf-8") as fh:
                fh.write(f"# 第 {i + 1} 次修改\n")
        base, base_cpu = timed([py, "-c", "pass"], env, n)
        check, check_cpu = timed([py, "-m", "dossier", *plain], env, n)
        full, full_cpu = timed([py, "-m", "dossier", *with_report], env, n)
        after_edit, after_edit_cpu = timed([py, "-m", "dossier", *edited], env, n, before=edit)
        imports, rest, by_import, modules = breakdown(plain, env, n)
        rows = import_times([py, "-m", "dossier", *plain], env)
        base_rows = {name for name, _, _ in import_times([py, "-c", "pass"], env)}
    beyond, beyond_cpu = check - base, check_cpu - base_cpu
    top = [(name, us) for name, us, depth in rows if depth == 0 and name not in base_rows]
    total = sum(us for _, us in top)

    print(f"sample {sample}; {n} runs each, medians; bytecode cached")
    print(f"imports beyond interpreter start (python -X importtime, wall clock): {total / 1e6:.3f} s; slowest top-level:")
    for name, us in sorted(top, key=lambda r: -r[1])[:10]:
        print(f"  {us / 1e6:6.3f} s  {name}")
    loaded = [h for h in HEAVY if any(m == h or m.startswith(h + ".") for m in modules)]
    print("heavy modules loaded by check --json --no-report: " + (", ".join(loaded) or "none"))
    print(f"CPU breakdown of check --json --no-report (harness): imports {imports:.3f} s, the rest {rest:.3f} s; "
          "slowest outermost imports (CPU):")
    for name, spent in sorted(by_import.items(), key=lambda r: -r[1])[:8]:
        print(f"  {spent:6.3f} s  {name}")
    print(f"wall clock: interpreter start {base:.3f} s; check {check:.3f} s; after an edit {after_edit:.3f} s; "
          f"check with report {full:.3f} s")
    print(f"CPU time:   interpreter start {base_cpu:.3f} s; check {check_cpu:.3f} s (beyond start {beyond_cpu:.3f} s); "
          f"after an edit {after_edit_cpu:.3f} s (beyond start {after_edit_cpu - base_cpu:.3f} s); "
          f"check with report {full_cpu:.3f} s (beyond start {full_cpu - base_cpu:.3f} s)")
    load = os.getloadavg()
    verdict = "OK" if beyond_cpu <= TARGET_S else "OVER TARGET"
    print(f"ratio to target ({TARGET_S:.1f} s beyond start, check --json --no-report): CPU {beyond_cpu / TARGET_S:.2f} — {verdict}; "
          f"wall clock {beyond / TARGET_S:.2f}; after an edit, CPU {(after_edit_cpu - base_cpu) / TARGET_S:.2f}; "
          f"with report, CPU {(full_cpu - base_cpu) / TARGET_S:.2f}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
