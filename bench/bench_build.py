"""Time ``dossier build``: a cold build of a sample with an empty cache (target ≤ 8 s on 2 cores) and
a warm rebuild after one field changed (target ≤ 2 s). Whole CLI processes, as a user runs them.
Prints wall time, CPU time and the load average: on a shared machine the wall time follows the
load, the CPU time much less. CPU time counts the build process and its children (LibreOffice,
pdftotext) and the kept offices' processes (dossier.documents.kept_office: they are not the
build's children, so they are read from /proc).

Each build says whether a LibreOffice was kept running when it started. Four builds, each
measured:
1. cold, empty cache, ``DOSSIER_OFFICE_IDLE=0`` (no kept office: as every build before it existed);
2. cold, empty cache, kept office on: none runs yet, the build starts the first while it checks and
   the second (one per core, at most two) once its documents are converted;
3. warm rebuild after one field changed, the offices kept by build 2 running (waited for: the second
   may still be starting when build 2 ends, and a user's edit takes longer than that);
4. warm rebuild after another field change, the kept offices stopped and ``DOSSIER_OFFICE_IDLE=0``:
   LibreOffice's cold start, as before.

The sample is copied to a temporary folder first (without its ``build/``) and the builds use an
empty cache folder there (``DOSSIER_CACHE_DIR``); the changed field is the 150-字 summary, with a
text new on every run (so no cache of an earlier run holds its documents). The kept offices are
stopped at the end. dossier's bytecode is compiled into a temporary folder first
(``PYTHONPYCACHEPREFIX``), as an installed dossier has it, even where ``PYTHONDONTWRITEBYTECODE``
is set. With ``--force`` the sample is built even if its check has errors.
Usage: ``.venv/bin/python bench/bench_build.py [SAMPLE] [--force]``.
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
COLD_TARGET_S = 8.0
WARM_TARGET_S = 2.0


def office_cpu(cache: Path) -> float:
    """CPU seconds used so far by the kept offices under ``cache`` (server and LibreOffice; Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    needle = str(cache / "office").encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, ValueError, IndexError):
            pass
    return total


def office_running(cache: Path) -> bool:
    return any((root / "socket").exists() for root in (cache / "office").glob("*"))


def wait_for_offices(cache: Path, timeout: float = 120.0) -> float:
    """Seconds until every kept office started in ``cache`` has its socket (is ready)."""
    from dossier.documents.kept_office import slots

    start = time.perf_counter()
    while len([r for r in (cache / "office").glob("*") if (r / "socket").exists()]) < slots():
        if time.perf_counter() - start > timeout:
            break
        time.sleep(0.05)
    return time.perf_counter() - start


def run(args: list[str], env: dict[str, str], cache: Path) -> tuple[float, float, bool]:
    """(wall seconds, CPU seconds of the build, its children and the kept office, was an office kept running)."""
    import resource

    kept = office_running(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    office_before = office_cpu(cache)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"dossier build 失败（退出码 {proc.returncode}）：\n{proc.stdout}{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu + max(0.0, office_cpu(cache) - office_before), kept


def change_one_field(yaml_path: Path) -> None:
    """Append a text new on every run to ``project.summary`` (round-trip YAML: comments and layout stay)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(yaml_path.read_text(encoding="utf-8"))
    data["project"]["summary"] = str(data["project"]["summary"]).rstrip() + f"（修订{time.time_ns() % 10**9}）"
    with open(yaml_path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


def report(label: str, took: float, cpu: float, kept: bool, target: float) -> None:
    office = "a kept office was running" if kept else "no kept office was running"
    print(f"{label}: {took:.2f} s, CPU {cpu:.2f} s ({office}; target {target:.0f} s, ratio {took / target:.2f}) — "
          f"{'OK' if took <= target else 'OVER TARGET'}")


def main() -> None:
    from dossier.documents.kept_office import stop

    args = [a for a in sys.argv[1:] if a != "--force"]
    force = ["--force"] if "--force" in sys.argv else []
    sample = Path(args[0]) if args else ROOT / "samples" / "guangxin-optics"
    # A short folder: the kept office's Unix socket lives in the cache.
    tmp = Path(tempfile.mkdtemp(prefix="dbb-"))
    # Bytecode compiled once beforehand, as pip does when it installs dossier: an editable checkout
    # where PYTHONDONTWRITEBYTECODE is set would otherwise time the compiler (~0.1 s CPU a build).
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    clean["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "dossier")], env=clean, check=True)
    try:
        results = []
        for label, idle in (("cold build, empty cache, DOSSIER_OFFICE_IDLE=0", "0"), ("cold build, empty cache", "600")):
            proj = tmp / idle / sample.name
            shutil.copytree(sample, proj, ignore=shutil.ignore_patterns("build"))
            cache = tmp / idle / "cache"
            env = {**clean, "DOSSIER_CACHE_DIR": str(cache), "DOSSIER_OFFICE_IDLE": idle}
            cmd = [sys.executable, "-m", "dossier", "build", str(proj), *force]
            results.append((label, *run(cmd, env, cache), COLD_TARGET_S))
        waited = wait_for_offices(cache)
        print(f"the kept offices of the cold build were all ready {waited:.1f} s after it ended")
        change_one_field(proj / "enterprise.yaml")
        results.append(("warm rebuild after one field changed", *run(cmd, env, cache), WARM_TARGET_S))
        for root in (cache / "office").glob("*"):
            stop(root)  # gone, as after its idle time
        change_one_field(proj / "enterprise.yaml")
        env0 = {**env, "DOSSIER_OFFICE_IDLE": "0"}
        results.append(("warm rebuild after one field changed, DOSSIER_OFFICE_IDLE=0", *run(cmd, env0, cache), WARM_TARGET_S))
    finally:
        for root in (tmp / "600" / "cache" / "office").glob("*"):
            stop(root)
        shutil.rmtree(tmp, ignore_errors=True)
    load = os.getloadavg()
    for line in results:
        report(*line)
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
