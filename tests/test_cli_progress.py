"""Progress of long verbs on stderr: a live display on a terminal (step, n of N, elapsed), one
plain line per step when stderr is not a terminal, nothing with ``-q`` or ``--json``.

The terminal is a real pseudo-terminal: dossier runs with stdin, stdout and stderr on its slave
side and everything it draws is read back from the master side.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from bind_make import make_pdf
from dossier.cli.progress import progress_display
from media_fixtures import jpeg_of_size

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
PLAIN = re.compile(r"^\[ *\d+\.\d 秒\] \S")


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    e["TERM"] = "xterm-256color"
    return e


def in_terminal(args: list[str]) -> tuple[int, str]:
    """Run dossier on a pseudo-terminal of 30×140; its screen output with escape codes removed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 140, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "dossier", *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env(), close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace")
    return proc.wait(timeout=120), ANSI.sub("", text).replace("\r", "\n")


def piped(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, text=True, env=env(), timeout=120)


@pytest.fixture
def pdfs(tmp_path: Path) -> list[Path]:
    return [make_pdf(tmp_path / f"{i}.pdf", [{"text": f"P{i}"}] * 20) for i in range(3)]


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        jpeg_of_size(folder / f"{i}.jpg", 1_100_000)
    return folder


@pytest.mark.slow
def test_bind_on_a_terminal_draws_each_step_with_counts_and_elapsed_time(pdfs, tmp_path):
    code, screen = in_terminal(["bind", *map(str, pdfs), "-o", str(tmp_path / "v.pdf")])
    assert code == 0, screen
    for step in ("装订：读取材料", "装订：排版页面", "装订：写出 PDF"):
        assert step in screen, screen
    assert re.search(r"装订：读取材料 +━+ +3/3 ", screen), screen
    assert re.search(r"装订：排版页面 +━+ +60/60 ", screen), screen  # 3 files of 20 pages
    assert re.search(r"\d:\d\d:\d\d", screen), screen  # elapsed time of a step
    assert "✓" in screen and "已装订 3 个文件" in screen


@pytest.mark.slow
def test_media_on_a_terminal_counts_the_files(photos):
    code, screen = in_terminal(["media", str(photos)])
    assert code == 0, screen
    assert re.search(r"检查第 9 项材料 +━+ +3/3 ", screen), screen


@pytest.mark.slow
def test_off_a_terminal_each_step_is_one_plain_line_on_stderr(pdfs, tmp_path, photos):
    proc = piped(["bind", *map(str, pdfs), "-o", str(tmp_path / "v.pdf")])
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if PLAIN.match(line)]
    assert [line.split("] ", 1)[1] for line in lines] == [
        "装订：读取材料（共 3 项）", "装订：排版页面（共 60 项）", "装订：写出 PDF",
    ], proc.stderr
    assert "\x1b" not in proc.stderr and not PLAIN.search(proc.stdout)

    proc = piped(["media", str(photos)])
    assert [line.split("] ", 1)[1] for line in proc.stderr.splitlines() if PLAIN.match(line)] == [
        "检查第 9 项材料（共 3 项）"
    ], proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("flag", ["-q", "--json"])
def test_quiet_and_json_print_no_progress(pdfs, tmp_path, photos, flag):
    proc = piped(["bind", *map(str, pdfs), "-o", str(tmp_path / "v.pdf"), flag])
    assert proc.returncode == 0 and "秒]" not in proc.stderr + proc.stdout, proc.stderr
    code, screen = in_terminal(["media", str(photos), flag])
    assert "检查第 9 项材料" not in screen, screen


def test_plain_renderer_writes_a_line_only_when_the_step_changes():
    out = io.StringIO()
    with progress_display(stream=out) as progress:
        for n in range(5):
            progress("生成 Word 文书", n, 5)
        progress("转换为 PDF（LibreOffice）", 0, 5)
        progress("写出清单和报告", 0, None)
    steps = [line.split("] ", 1)[1] for line in out.getvalue().splitlines()]
    assert steps == ["生成 Word 文书（共 5 项）", "转换为 PDF（LibreOffice）（共 5 项）", "写出清单和报告"]


def test_disabled_renderer_writes_nothing():
    out = io.StringIO()
    with progress_display(False, stream=out) as progress:
        progress("检查材料", 0, None)
    assert out.getvalue() == ""


@pytest.mark.slow
def test_package_off_a_terminal_names_its_steps(project, tmp_path):
    from test_package import _media, _scan

    root = project()
    _media(root)
    proc = piped(["package", str(root), "--scan", str(_scan(tmp_path / "扫描件.pdf"))])
    assert proc.returncode == 0, proc.stderr
    steps = [line.split("] ", 1)[1] for line in proc.stderr.splitlines() if PLAIN.match(line)]
    assert steps == ["读取项目和扫描件", "收集材料（共 7 项）", "压缩"], proc.stderr


@pytest.mark.parametrize(("extra", "live"), [({}, False), ({"FORCE_COLOR": "1"}, True), ({"TTY_COMPATIBLE": "1"}, True)])
def test_off_a_terminal_rich_is_only_loaded_when_told_the_stream_is_one(extra, live):
    code = (
        "import io, sys\n"
        "from dossier.cli.progress import _is_terminal\n"
        "print(_is_terminal(io.StringIO()), 'rich' in sys.modules)\n"
    )
    e = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**e, **extra}, check=True)
    assert out.stdout.split() == [str(live), str(live)]
