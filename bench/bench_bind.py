"""Bench: `dossier bind` on 1,000 mixed pages in 50 files vs `qpdf --empty --pages` on the same files.

Targets (issue 15): wall-clock ratio ≤ 1.3 (goal 1.2) and peak RSS ≤ 150 MB. CPU time (user +
sys) and its ratio are printed beside, with the load average: on a shared machine they say more
than wall-clock alone. Inputs are generated once,
deterministically, into bench/out/bind-inputs/ (git-ignored): A4 and Letter portrait, landscape,
/Rotate 90/180/270, offset CropBox, 120 scanned JPEG pages, one AES-256 file with an empty user
password. Each command runs once to warm caches (page cache; dossier's font subset and the
digests of large inputs, kept in the user cache), then five rounds run the commands in turn, as
whole processes; the best run of each is compared (the verdict), and each round's ratio printed
with their median. qpdf's time swings more than dossier's on a virtual machine: it makes ~130,000
system calls (small reads and seeks), dossier's binding ~20,000 (``strace -c``).

Bytecode: dossier's runs write and reuse ``.pyc`` files in a temporary folder
(``PYTHONPYCACHEPREFIX``), as an installed dossier does, even where ``PYTHONDONTWRITEBYTECODE`` is
set (as bench_check does); otherwise every run would compile dossier's sources again (~0.1 s) and
the bench would time the compiler. The inputs are made in a process of their own: a child forked
from a process that had made them would report that process's memory as its own peak.

    .venv/bin/python bench/bench_bind.py
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
INPUTS = OUT / "bind-inputs"
FILES, PAGES, SCANS = 50, 1000, 120
TARGET_RATIO, GOAL_RATIO, TARGET_RSS_MB = 1.3, 1.2, 150
RUNS = 5


def _vector_page(pdf, w: float, h: float, rotate: int, crop, n: int):
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    lines = [f"0 g BT /F1 11 Tf 60 {h - 80:.0f} Td 14 TL"]
    for i in range(45):
        lines.append(f"(Page {n} line {i} The quick brown fox jumps over the lazy dog 0123456789) '")
    lines.append("ET 0.2 0.3 0.8 RG 2 w")
    for i in range(60):
        lines.append(f"{60 + i * 7} 100 m {80 + i * 5} {300 + (i * 37) % 200} l S")
    content = "\n".join(lines).encode()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    page = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, w, h]), Resources=Dictionary(Font=Dictionary(F1=font)),
                      Contents=pikepdf.Stream(pdf, content))
    if rotate:
        page.Rotate = rotate
    if crop:
        page.CropBox = Array(list(crop))
    pdf.pages.append(pikepdf.Page(page))


def _scan_jpeg(seed: int) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    arr = (rng.random((1754, 1240)) * 60 + 180).astype("uint8")
    arr[200:260, 100:1100] = 20
    buf = io.BytesIO()
    Image.fromarray(arr).convert("RGB").save(buf, "JPEG", quality=90, dpi=(150, 150))
    return buf.getvalue()


def make_inputs() -> list[Path]:
    INPUTS.mkdir(parents=True, exist_ok=True)
    stamp = INPUTS / ".complete"
    files = [INPUTS / f"证据{i:02d}.pdf" for i in range(FILES)]
    if stamp.exists():
        return files
    import img2pdf
    import pikepdf

    per = PAGES // FILES  # 20 pages per file
    scans_left = SCANS
    for i, path in enumerate(files):
        if i % 8 == 3 and scans_left > 0:  # six files of scanned pages (120 JPEG pages)
            n = min(per, scans_left)
            scans_left -= n
            data = img2pdf.convert([_scan_jpeg(i * 100 + k) for k in range(n)], nodate=True)
            path.write_bytes(data)
            continue
        pdf = pikepdf.new()
        for k in range(per):
            kind = (i + k) % 6
            if kind == 0:
                _vector_page(pdf, 595.28, 841.89, 0, None, k)
            elif kind == 1:
                _vector_page(pdf, 612, 792, 0, None, k)
            elif kind == 2:
                _vector_page(pdf, 841.89, 595.28, 0, None, k)
            elif kind == 3:
                _vector_page(pdf, 595.28, 841.89, (90, 180, 270)[k % 3], None, k)
            elif kind == 4:
                _vector_page(pdf, 700, 950, 0, (50, 60, 645.28, 901.89), k)
            else:
                _vector_page(pdf, 595.28, 841.89, -90, None, k)
        if i == FILES - 1:
            pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="", R=6), static_id=True)
        else:
            pdf.save(path, deterministic_id=True)
    stamp.write_text("ok\n")
    return files


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + sys) of one whole process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"命令失败：{' '.join(cmd[:3])} …\n{err}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def rounds(cmds: list[tuple[list[str], dict[str, str] | None]], runs: int = RUNS) -> list[list[tuple[float, float, float]]]:
    """``runs`` rounds of every command in turn, after one warm-up round (page cache; dossier's
    bytecode, font subset and digests): each command's results. Taking turns, the commands share
    whatever else the machine is doing at the time, rather than one getting a quiet minute and
    the other a busy one."""
    for cmd, env in cmds:
        run(cmd, env)
    results: list[list[tuple[float, float, float]]] = [[] for _ in cmds]
    for _ in range(runs):
        for (cmd, env), out in zip(cmds, results):
            out.append(run(cmd, env))
    return results


def best(results: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Least wall and CPU seconds, and the largest peak RSS, of a command's runs."""
    return min(r[0] for r in results), max(r[1] for r in results), min(r[2] for r in results)


def main() -> int:
    subprocess.run([sys.executable, __file__, "--inputs"], check=True)
    files = make_inputs()
    size = sum(f.stat().st_size for f in files) / 1e6
    qpdf_cmd = ["qpdf", "--empty", "--pages", *map(str, files), "--", str(OUT / "bench-qpdf.pdf")]
    bind_cmd = [str(ROOT / ".venv" / "bin" / "dossier"), "bind", *map(str, files), "-o", str(OUT / "bench-bind.pdf")]
    # The same library call without the CLI's start-up (which imports every verb's modules).
    lib_cmd = [sys.executable, "-c", "import sys; from dossier.bind import bind_files; "
               "bind_files(sys.argv[2:], sys.argv[1])", str(OUT / "bench-lib.pdf"), *map(str, files)]
    startup_cmd = [str(ROOT / ".venv" / "bin" / "dossier"), "--help"]
    pycache = tempfile.mkdtemp(prefix="dossier-bench-pyc-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    load = os.getloadavg()
    q_runs, b_runs, l_runs, s_runs = rounds([(qpdf_cmd, None), (bind_cmd, env), (lib_cmd, env), (startup_cmd, env)])
    (q_wall, q_rss, q_cpu), (b_wall, b_rss, b_cpu), (l_wall, l_rss, l_cpu), (s_wall, _, s_cpu) = map(
        best, (q_runs, b_runs, l_runs, s_runs))
    ratio = b_wall / q_wall
    paired = statistics.median(b[0] / q[0] for b, q in zip(b_runs, q_runs))
    ok = ratio <= TARGET_RATIO and b_rss <= TARGET_RSS_MB
    print(f"输入：{len(files)} 个文件，{PAGES} 页，{size:.0f} MB；开始时负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"qpdf --empty --pages：{q_wall:.2f} 秒（CPU {q_cpu:.2f} 秒），峰值内存 {q_rss:.0f} MB")
    print(f"dossier bind：        {b_wall:.2f} 秒（CPU {b_cpu:.2f} 秒），峰值内存 {b_rss:.0f} MB"
          f"（其中 dossier 命令启动 {s_wall:.2f} 秒，CPU {s_cpu:.2f} 秒）")
    print(f"bind_files() 库调用： {l_wall:.2f} 秒（CPU {l_cpu:.2f} 秒），峰值内存 {l_rss:.0f} MB，耗时比 {l_wall / q_wall:.2f}")
    print(f"每轮耗时比（dossier bind ÷ 同一轮的 qpdf）：{'、'.join(f'{b[0] / q[0]:.2f}' for b, q in zip(b_runs, q_runs))}，"
          f"中位数 {paired:.2f}")
    print(f"耗时比 {ratio:.2f}（各取 {RUNS} 轮中最快一次；目标 ≤ {TARGET_RATIO}，理想 ≤ {GOAL_RATIO}），CPU 时间比 {b_cpu / q_cpu:.2f}，"
          f"峰值内存 {b_rss:.0f} MB（目标 ≤ {TARGET_RSS_MB} MB）：{'达标' if ok else '未达标'}")
    shutil.rmtree(pycache, ignore_errors=True)
    load = os.getloadavg()
    print(f"结束时负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}（机器忙时耗时比偏高，请在空闲时复测）")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--inputs"]:
        make_inputs()
        sys.exit(0)
    sys.exit(main())
