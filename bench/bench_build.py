"""Time ``dossier build``: a cold build of a sample with an empty cache (target ≤ 8 s on 2 cores) and
a warm rebuild after one field changed (target ≤ 2 s). Whole CLI processes, as a user runs them.
Prints wall time, CPU time (user + system of the process and its children: LibreOffice, pdftotext)
and the load average: on a shared machine the wall time follows the load, the CPU time much less.

The sample is copied to a temporary folder first (without its ``build/``) and the builds use an
empty cache folder there (``DOSSIER_CACHE_DIR``), so the cold build is cold; the warm rebuild changes the 150-字 summary. With ``--force`` the sample is
built even if its check has errors (e.g. before ``samples.generate`` made its evidence).
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


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"dossier build 失败（退出码 {proc.returncode}）：\n{proc.stdout}{proc.stderr}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def change_one_field(yaml_path: Path) -> None:
    """Append to ``project.summary`` (round-trip YAML: comments and layout stay)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(yaml_path.read_text(encoding="utf-8"))
    data["project"]["summary"] = str(data["project"]["summary"]).rstrip() + "（修订）"
    with open(yaml_path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--force"]
    force = ["--force"] if "--force" in sys.argv else []
    sample = Path(args[0]) if args else ROOT / "samples" / "guangxin-optics"
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        proj = Path(tmp) / sample.name
        shutil.copytree(sample, proj, ignore=shutil.ignore_patterns("build"))
        cmd = [sys.executable, "-m", "dossier", "build", str(proj), *force]
        env = {**os.environ, "DOSSIER_CACHE_DIR": str(Path(tmp) / "cache")}
        cold, cold_cpu = run(cmd, env)
        change_one_field(proj / "enterprise.yaml")
        warm, warm_cpu = run(cmd, env)
    load = os.getloadavg()
    print(f"cold build {cold:.2f} s, CPU {cold_cpu:.2f} s (target {COLD_TARGET_S:.0f} s, ratio {cold / COLD_TARGET_S:.2f}) — "
          f"{'OK' if cold <= COLD_TARGET_S else 'OVER TARGET'}")
    print(f"warm rebuild after one field changed {warm:.2f} s, CPU {warm_cpu:.2f} s (target {WARM_TARGET_S:.0f} s, ratio "
          f"{warm / WARM_TARGET_S:.2f}) — {'OK' if warm <= WARM_TARGET_S else 'OVER TARGET'}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
