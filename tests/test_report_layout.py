"""The report on a phone and on paper, measured in headless Chromium.

Layout is measured by the browser itself. Headless Chromium will not make a window narrower than
500 px, so the report is shown in an iframe of the width under test (its own viewport: media
queries apply to it); a script in the page around it measures the report and writes the numbers
into the DOM, which ``--dump-dom`` prints (the report itself carries no script). Printing goes
through ``--print-to-pdf``; each page's text is read back with pdftotext.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dossier import __version__
from dossier.check import check_project
from dossier.html_report import write_report
from report_fixtures import media_project

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None or shutil.which("pdftotext") is None,
                                reason="Chromium 或 pdftotext 未安装（scripts/setup.sh 会安装）")

HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" style="border:0;width:{width}px;height:900px" srcdoc="{srcdoc}"></iframe>
<script>
const frame = document.getElementById('f');
frame.addEventListener('load', () => ((window, document) => {{
{measure}
}})(frame.contentWindow, frame.contentDocument));
</script></body></html>"""

MEASURE = """
const r = e => e.getBoundingClientRect();
const texts = [...document.querySelectorAll('svg.chart text')].map(t => r(t).height).filter(h => h > 0);
const tables = [...document.querySelectorAll('table')].map(t => r(t).right);
const boxes = [...document.querySelectorAll('.scroll')].map(b => r(b).right);
document.body.setAttribute('data-m', JSON.stringify({
  page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  h1: r(document.querySelector('h1')).width, verdict: r(document.querySelector('#verdict')).width,
  smallestChartText: Math.min(...texts), widestBox: Math.max(...boxes, 0),
  tablesOutsideBoxes: [...document.querySelectorAll('table')].filter(t => !t.closest('.scroll') && r(t).right > window.innerWidth).length,
}));
window.parent.document.body.setAttribute('data-m', document.body.getAttribute('data-m'));
"""


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
           f"--user-data-dir={tmp / 'chromium-profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("layout")
    from media_fixtures import jpeg_of_size

    root = media_project(tmp / "p")
    jpeg_of_size(root / "media" / "3.jpg", 900_000)  # one error: the verdict is red
    return write_report(check_project(root), tmp / "report.html")


def measure(report: Path, width: int, tmp: Path) -> dict:
    import html

    probe = tmp / f"probe-{width}.html"
    srcdoc = html.escape(report.read_text(encoding="utf-8"), quote=True)
    probe.write_text(HARNESS.format(width=width, srcdoc=srcdoc, measure=MEASURE), encoding="utf-8")
    dom = chromium(tmp, f"--window-size={max(width, 500) + 20},1000", "--dump-dom", probe.as_uri()).stdout
    found = re.search(r'data-m="([^"]+)"', dom)
    assert found, dom[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"'))


@pytest.mark.slow
def test_phone_width(report, tmp_path):
    m = measure(report, 390, tmp_path)
    assert m["viewport"] == 390
    assert m["page"] <= 390, m  # nothing widens the page: wide content scrolls inside its box
    assert m["widestBox"] <= 390, m
    assert m["tablesOutsideBoxes"] == 0, m
    assert m["h1"] > 300, m  # the company name has the full width, not three characters a line
    assert m["verdict"] > 300, m  # the verdict sits below the name, full width
    assert m["smallestChartText"] >= 10, m  # chart labels keep their drawn size


@pytest.mark.slow
def test_desktop_width(report, tmp_path):
    m = measure(report, 1400, tmp_path)
    assert m["page"] <= 1400 and m["smallestChartText"] >= 10, m
    assert m["verdict"] < 400 < m["h1"], m  # side by side


@pytest.mark.slow
def test_printed(report, tmp_path):
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    assert pdf.is_file()
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip() or p is not pages[-1]]
    assert len(pages) >= 2
    # Each chart heading is on the same page as its chart's labels.
    for heading, label in (("按类别（窗口期内计入的投资）", "设备购置"), ("按季度", "季度"), ("三、重点指标改造前后对比", "改造前")):
        page = next(p for p in pages if heading in p)
        assert label in page.split(heading, 1)[1], (heading, page)
    # The footer shares the last page with the end of the report.
    last = pages[-1]
    assert "由 dossier" in last and "六、盖章指引" in last, last
    assert f"dossier {__version__}" in last and "生成时间" in last


@pytest.mark.slow
def test_printed_first_run_keeps_headings_with_what_follows(tmp_path):
    """A fresh scaffold's report runs over several pages; no page ends with a heading."""
    from dossier.html_report import finding_groups
    from dossier.scaffold import init_project

    init_project(tmp_path / "p", "discrete")
    result = check_project(tmp_path / "p")
    html = write_report(result, tmp_path / "report.html")
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 4
    headings = [g["title"] for g in finding_groups(result.findings, result.programme)]
    headings += ["一、检查结果", "二、投资情况", "三、重点指标改造前后对比", "四、典型图片与视频", "按类别", "按季度", "装备指标"]
    for number, page in enumerate(pages[:-1], start=1):
        last = [ln.strip() for ln in page.splitlines() if ln.strip()][-1]
        assert not any(last.startswith(h[:8]) for h in headings), (number, last)
