"""Time ``dossier import invoices`` on 60 invoices, mixed PDF / OFD / XML (target: under 5 s).

The invoices are the samples' (generate them first: ``bash scripts/sample.sh``): their evidence
PDFs and the OFD and XML files under ``finance/发票/``, 20 of each form (fewer PDFs exist only if
the samples shrink). One run of the whole command, wall time, median of three, the cache of
earlier runs not involved (import reads every file). Usage: ``.venv/bin/python bench/bench_import.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 5.0
COUNT = 60


def invoices() -> list[Path]:
    samples = sorted(p for p in (ROOT / "samples").iterdir() if (p / "finance").is_dir())
    by_form: dict[str, list[Path]] = {".pdf": [], ".ofd": [], ".xml": []}
    for s in samples:
        by_form[".pdf"] += sorted(s.glob("evidence/*/发票.pdf"))
        by_form[".ofd"] += sorted(s.glob("finance/发票/*.ofd"))
        by_form[".xml"] += sorted(s.glob("finance/发票/*.xml"))
    picked: list[Path] = []
    while len(picked) < COUNT and any(by_form.values()):
        for form in by_form.values():
            if form and len(picked) < COUNT:
                picked.append(form.pop(0))
    return picked


def main() -> None:
    files = invoices()
    if len(files) < COUNT:
        sys.exit(f"only {len(files)} sample invoices found: run bash scripts/sample.sh first")
    forms = {s: sum(1 for f in files if f.suffix == s) for s in (".pdf", ".ofd", ".xml")}
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(3):
            start = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "dossier", "import", "invoices", *map(str, files), "--project", tmp, "-q"],
                                 capture_output=True, text=True, env={"DOSSIER_CACHE_DIR": tmp, "PATH": "/usr/bin:/bin"})
            runs.append(time.perf_counter() - start)
            if run.returncode != 0:
                sys.exit(run.stderr)
    took = statistics.median(runs)
    print(f"{len(files)} invoices ({forms['.pdf']} PDF, {forms['.ofd']} OFD, {forms['.xml']} XML): {took:.2f} s")
    print(f"ratio to target ({TARGET_S:.0f} s): {took / TARGET_S:.2f} — {'OK' if took <= TARGET_S else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
