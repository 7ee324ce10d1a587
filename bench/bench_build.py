"""Time ``dossier build``: a cold build of a sample (target ≤ 15 s on 2 cores) and a warm rebuild
after one field changed (target ≤ 3 s). Whole CLI processes, as a user runs them.

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
COLD_TARGET_S = 15.0
WARM_TARGET_S = 3.0


def run(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"dossier build 失败（退出码 {proc.returncode}）：\n{proc.stdout}{proc.stderr}")
    return took


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
        cold = run(cmd, env)
        change_one_field(proj / "enterprise.yaml")
        warm = run(cmd, env)
    print(f"cold build {cold:.2f} s (target {COLD_TARGET_S:.0f} s, ratio {cold / COLD_TARGET_S:.2f}) — "
          f"{'OK' if cold <= COLD_TARGET_S else 'OVER TARGET'}")
    print(f"warm rebuild after one field changed {warm:.2f} s (target {WARM_TARGET_S:.0f} s, ratio "
          f"{warm / WARM_TARGET_S:.2f}) — {'OK' if warm <= WARM_TARGET_S else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
