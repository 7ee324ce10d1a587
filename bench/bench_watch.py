"""Time ``dossier watch``: after a one-field save, the time until the bound volume is rewritten
(target: median of 5 ≤ 1 s). A whole ``dossier watch`` process, as a user runs it.

The sample is copied to a temporary folder; the watch process builds it once (from the user cache
where it has the documents), then the 150-字 summary is changed five times. Each change is a text never used
before (a random nonce per run, so that neither this run's earlier rounds nor an earlier run left
its .docx or PDF in the user cache): each round renders and converts what a real edit does, and the
round's count of converted documents is printed. The clock starts when the new enterprise.yaml is
written (prepared beforehand, in one write, as an editor saves) and stops when the volume's
modification time changes. Prints each time, the documents converted, the watch's own stage times
(``dossier watch -v``), the median and the load average (the machine's load changes the result
several-fold on 2 cores), and on Linux the CPU time the watch process and the processes it waited
for (pdftotext, LibreOffice's hand-off client) used in each round; the warm LibreOffice's own CPU
time is not in it.
Usage: ``.venv/bin/python bench/bench_watch.py [SAMPLE]``.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0
VOLUME = "申报材料装订本.pdf"
STAGES = "各步用时"  # the line `dossier watch -v` prints after each round


def changed_yaml(yaml_path: Path, original: str, mark: str) -> bytes:
    """enterprise.yaml with the summary replaced by ``original`` + ``（修订MARK）``."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(yaml_path.read_text(encoding="utf-8"))
    data["project"]["summary"] = original + f"（修订{mark}）"
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue().encode("utf-8")


def save(path: Path, data: bytes) -> None:
    """Write ``data`` over ``path`` in one write, as an editor saves."""
    with open(path, "wb") as fh:
        fh.write(data)


def cpu_seconds(pid: int) -> float | None:
    """utime + stime + cutime + cstime of ``pid`` (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main() -> None:
    sample = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "samples" / "guangxin-optics")
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        project = Path(tmp) / sample.name
        shutil.copytree(sample, project, ignore=shutil.ignore_patterns("build"))
        yaml_path = project / "enterprise.yaml"
        from ruamel.yaml import YAML

        original = str(YAML().load(yaml_path.read_text(encoding="utf-8"))["project"]["summary"]).rstrip()
        nonce = uuid.uuid4().hex[:6]
        # Run in the temporary folder: ``-m dossier`` from a checkout would import the checkout's
        # code, not the interpreter's installed dossier (a baseline's, say).
        proc = subprocess.Popen([sys.executable, "-m", "dossier", "watch", "-v", str(project)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, cwd=tmp)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()

        def wait_for(text: str, timeout: float = 600) -> list[str]:
            got: list[str] = []
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                try:
                    line = lines.get(timeout=1)
                except queue.Empty:
                    if proc.poll() is not None:
                        break
                    continue
                got.append(line)
                if "错误" in line or text in line or line.startswith(STAGES):
                    print("  " + line.rstrip())
                if text in line:
                    return got
            proc.kill()
            sys.exit(f"dossier watch 没有输出“{text}”")

        try:
            start = time.perf_counter()
            first = "".join(wait_for("正在监视"))
            m = re.search(r"转换 (\d+) 份", first)
            print(f"first build: {time.perf_counter() - start:.1f} s, {m[1] if m else '?'} documents converted "
                  "(0: all from the user cache)")
            volume = project / "build" / VOLUME
            times, cpus, converted = [], [], []
            for n in range(1, 6):
                data = changed_yaml(yaml_path, original, f"{nonce}-{n}")
                before = volume.stat().st_mtime_ns
                time.sleep(0.5)
                cpu = cpu_seconds(proc.pid)
                start = time.perf_counter()
                save(yaml_path, data)
                while volume.stat().st_mtime_ns == before:
                    if time.perf_counter() - start > 120:
                        sys.exit("装订本在 120 秒内没有更新")
                    time.sleep(0.01)
                times.append(time.perf_counter() - start)
                done = wait_for("已重新生成")[-1]
                m = re.search(r"转换 (\d+) 份", done)
                converted.append(int(m[1]) if m else -1)
                after = cpu_seconds(proc.pid)
                if cpu is not None and after is not None:
                    cpus.append(after - cpu)
        finally:
            # SIGTERM, which dossier handles as Ctrl-C: a bench run in the background of a
            # non-interactive shell starts its children with SIGINT ignored.
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    median = statistics.median(times)
    load = os.getloadavg()
    print("save → volume rewritten: " + ", ".join(f"{t:.2f}" for t in times) + " s")
    print("documents converted per round: " + ", ".join(str(c) for c in converted)
          + ("" if all(c > 0 for c in converted) else "  (a round converted nothing: it did not do what an edit does)"))
    if cpus:
        print("CPU of the watch process per round: " + ", ".join(f"{c:.2f}" for c in cpus)
              + f" s (median {statistics.median(cpus):.2f} s)")
    print(f"median {median:.2f} s; ratio to target ({TARGET_S:.1f} s): {median / TARGET_S:.2f} — "
          f"{'OK' if median <= TARGET_S else 'OVER TARGET'}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
