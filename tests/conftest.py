"""Shared fixtures: a small valid project written to disk, to be bent by each test.

``valid_application()`` returns the data of a discrete-type application that passes every rule;
``write_project(path, data)`` writes it as enterprise.yaml with real (tiny) evidence PDFs.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import os
import shlex
import shutil
import signal
import tempfile

import pikepdf
import pytest
from ruamel.yaml import YAML

from dossier.util.formats import make_uscc

# Tests never read or fill the user's cache (font subsets, e-invoice text).
os.environ.setdefault("DOSSIER_CACHE_DIR", tempfile.mkdtemp(prefix="dossier-test-cache-"))
# No LibreOffice outlives a test: builds start their own office, as with DOSSIER_OFFICE_IDLE=0 by a
# user (tests/test_kept_office.py sets an idle time of its own and waits for the office to go).
os.environ["DOSSIER_OFFICE_IDLE"] = "0"
# A suite started in the background by a non-interactive shell (`… &`) inherits SIGINT ignored, and
# every process it starts would too: the Ctrl-C tests send SIGINT, so it must reach what they start.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _hypothesis_keeps_no_database() -> None:
    """Hypothesis would keep its example database and its Unicode tables in .hypothesis/ of the
    working folder, i.e. the source tree: tests write only into temporary folders."""
    from hypothesis import settings
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tempfile.mkdtemp(prefix="dossier-test-hypothesis-"))
    settings.register_profile("dossier", database=None)
    settings.load_profile("dossier")


_hypothesis_keeps_no_database()

ENTERPRISE_USCC = make_uscc("91420100MA4K8T2Q7")
SUPPLIER_USCC = make_uscc("91320500MA1N3C5K2")
TEXT = "本项目围绕光模块封装测试产线开展智能化改造，" * 12


def _row(i: int, amount: str, category: str = "设备购置", day: str = "2024-05-20") -> dict:
    rid = f"A-{i:02d}"
    ev = f"evidence/{rid}"
    return {
        "id": rid,
        "category": category,
        "name": f"高速贴片机{i}",
        "model": "XP-200",
        "quantity": 2,
        "unit": "台",
        "unit_price_wan": str(_half(amount)),
        "amount_wan": amount,
        "supplier": "苏州精工装备有限公司",
        "supplier_uscc": SUPPLIER_USCC,
        "origin": "domestic",
        "contract": {"number": f"HT-2024-{i:03d}", "date": day, "amount_wan": amount},
        "invoice": {"number": f"2442000000012345{i:04d}", "date": day, "gross_wan": amount, "tax_wan": str(_tax(amount))},
        "payment": {"date": day, "amount_wan": amount, "voucher_no": f"PZ{i:04d}"},
        "evidence": {
            "contract": [f"{ev}/合同.pdf"],
            "invoice": [f"{ev}/发票.pdf"],
            "payment_voucher": [f"{ev}/付款凭证.pdf"],
            "bank_statement": [f"{ev}/银行流水.pdf"],
        },
    }


def _half(amount: str):
    from decimal import Decimal

    return Decimal(amount) / 2


def _tax(amount: str):
    from decimal import Decimal

    return (Decimal(amount) / Decimal("1.13") * Decimal("0.13")).quantize(Decimal("0.01"))


VALID = {
    "programme": "wuhan-2025",
    "type": "discrete",
    "settings": {"application_date": "2025-10-15"},
    "enterprise": {
        "name": "武汉光芯测试科技有限公司",
        "uscc": ENTERPRISE_USCC,
        "registered_address": "武汉市东湖新技术开发区高新大道999号",
        "district": "东湖高新区",
        "legal_entity": "independent",
        "above_designated_size": True,
        "key_industry": "光电子信息",
        "legal_rep": "张伟",
        "contact": {"name": "李娜", "title": "总经理助理", "mobile": "13800000000", "email": "lina@example.com"},
        "revenue_prev_year_wan": "86000.00",
        "output_prev_year_wan": "91000.00",
        "employees": 820,
        "main_products": "高速光模块",
        "profile": TEXT,
        "no_major_incident_2y": True,
    },
    "project": {
        "name": "高速光模块智能工厂建设项目",
        "factory_name": "光模块封装测试工厂",
        "factory_address": "武汉市东湖新技术开发区高新大道999号",
        "construction_start": "2023-10-01",
        "construction_end": "2025-03-31",
        "commissioning_date": "2025-04-15",
        "in_stats": True,
        "stats_project_code": "420100-2023-000123",
        "guidance_catalog_item": "光电子信息产业智能化改造",
        "total_investment_wan": "8000.00",
        "summary": "企业建成光模块智能工厂，实现全流程数字化管控。",
    },
    "report": {k: TEXT for k in ("before_analysis", "goals", "main_content", "benefit_analysis", "demonstration")},
    "indicators": [
        {"key": k, "baseline": b, "baseline_period": "2023年", "current": c, "current_period": "2025年5-9月",
         "evidence": [f"evidence/指标/{k}.pdf"]}
        for k, b, c in (
            ("productivity", "100", "120"),
            ("opex", "50", "45"),
            ("dev_cycle", "180", "150"),
            ("defect_rate", "2.0", "1.2"),
            ("energy_intensity", "0.050", "0.045"),
        )
    ],
    "scenarios": [
        {
            "code": "SC09",
            "implemented": "是",
            "description": "APS 与 MES 协同排产",
            "systems": ["SYS-MES"],
            "indicators": ["productivity"],
            "evidence": ["evidence/场景/SC09.pdf"],
        }
    ],
    "investments": [
        _row(1, "3000.00"),
        _row(2, "2800.00", "设备改造"),
        {**_row(3, "500.00", "研发投入"), "rd_subject": "人员人工费用", "rd_project": "光模块自动耦合工艺研发"},
    ],
    "systems": [
        {"id": "SYS-MES", "name": "制造执行系统", "type": "MES", "vendor": "武汉开目", "domestic": True, "status": "existing"}
    ],
    "equipment": {
        "counts": {
            "equipment_total": 400,
            "equipment_digital": 360,
            "equipment_networked": 340,
            "key_processes": 20,
            "key_processes_nc": 18,
            "robots": 60,
            "direct_workers": 500,
            "lines_total": 10,
            "lines_automated": 8,
            "smart_inspection": 30,
            "agv": 20,
            "asrs_slots": 2000,
            "data_items": 500,
            "data_items_auto": 450,
        }
    },
    "operations": {
        "years": [{"year": 2024, "revenue_wan": "86000.00", "output_wan": "91000.00"}],
        "ranking": {"rank": 3, "peers": 40, "scope": "武汉市光电子器件制造业", "basis": "2024年工业总产值"},
        "statement": TEXT,
    },
    "media": {"photos": ["media/1.jpg", "media/2.jpg", "media/3.jpg"], "presentation": "media/汇报.pptx", "video": "media/视频.mp4"},
}


def valid_application() -> dict:
    return copy.deepcopy(VALID)


def tiny_pdf(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    path.write_bytes(buf.getvalue())


def dump_yaml(data: dict) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def write_project(root: Path, data: dict, *, evidence: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "enterprise.yaml").write_text(dump_yaml(data), encoding="utf-8")
    if evidence:
        for row in data.get("investments", []):
            for files in row.get("evidence", {}).values():
                for f in files:
                    name = f["file"] if isinstance(f, dict) else f
                    if ".." not in name and not name.startswith("/") and "没有" not in name:
                        tiny_pdf(root / name.replace("\\", "/"))
        for key in ("indicators", "scenarios"):  # 证明材料 of the self-tests
            for item in data.get(key, []):
                for name in item.get("evidence", []):
                    if ".." not in name and not name.startswith("/"):
                        tiny_pdf(root / name)
    return root


@pytest.fixture
def project(tmp_path: Path):
    """A factory: project(mutate) writes a valid project after ``mutate(data)`` and returns its folder."""

    def make(mutate=None, *, evidence: bool = True) -> Path:
        data = valid_application()
        if mutate:
            mutate(data)
        return write_project(tmp_path / "proj", data, evidence=evidence)

    return make


def codes(result) -> set[str]:
    return {f.code for f in result.findings if f.severity != "info"}


# The hostile-input suite (tests/hostile/) counts its cases and prints them at the end of the run.
pytest_plugins = ["hostile.hostile_util"]


def pytest_terminal_summary(terminalreporter):
    """The wheel-install test's list of the resources it found inside the wheel."""
    from install_report import LINES

    if LINES:
        terminalreporter.write_sep("-", "wheel contents")
        for line in LINES:
            terminalreporter.write_line(line)


# --- The `slow` marker stays honest: a test that starts LibreOffice without it fails. ---------------
# A wrapper named `soffice` goes first on PATH (find_soffice looks there after $DOSSIER_SOFFICE); it
# writes $PYTEST_CURRENT_TEST, which pytest sets and child processes inherit, to a log and then
# execs the real soffice. So a start is seen whether it happens in the test's process or in a
# `dossier` it runs. Conversions cached earlier in the session start nothing: in a `-m "not slow"`
# run an unmarked converting test is the first to convert, and is caught there.
_REAL_SOFFICE = shutil.which("soffice") if os.name == "posix" else None
SOFFICE_LOG: Path | None = None
if _REAL_SOFFICE:
    _wrap_dir = Path(tempfile.mkdtemp(prefix="dossier-test-soffice-"))
    SOFFICE_LOG = _wrap_dir / "starts.log"
    SOFFICE_LOG.touch()
    _wrapper = _wrap_dir / "soffice"
    _wrapper.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$PYTEST_CURRENT_TEST\" >> {shlex.quote(str(SOFFICE_LOG))}\n"
        f"exec {shlex.quote(_REAL_SOFFICE)} \"$@\"\n"
    )
    _wrapper.chmod(0o755)
    os.environ["PATH"] = f"{_wrap_dir}{os.pathsep}{os.environ.get('PATH', '')}"


def soffice_starts() -> list[str]:
    """The ``PYTEST_CURRENT_TEST`` of every LibreOffice start so far ("tests/x.py::t (call)")."""
    return SOFFICE_LOG.read_text(encoding="utf-8").splitlines() if SOFFICE_LOG else []


@pytest.fixture(autouse=True)
def _slow_marker_is_honest(request):
    yield
    # Setup included: a module-scoped fixture that builds runs in its first test's setup.
    started = [s for s in soffice_starts() if s.rsplit(" (", 1)[0] == request.node.nodeid]
    if started and request.node.get_closest_marker("slow") is None:
        pytest.fail(f"{request.node.nodeid} started LibreOffice {len(started)}× but is not marked slow "
                    "(@pytest.mark.slow): `-m \"not slow\"` must skip it", pytrace=False)


def require_generated_samples() -> None:
    """Fail (read-only) unless samples/ holds its generated evidence and media. Tests never run the
    generator in the source tree: scripts/setup.sh (which scripts/test.sh runs first) does."""
    root = Path(__file__).resolve().parents[1] / "samples"
    for sample in sorted(p.parent for p in root.glob("*/enterprise.yaml")):
        for folder in ("evidence", "finance", "media"):
            if not (sample / folder).is_dir() or not any((sample / folder).iterdir()):
                pytest.fail(f"{sample.name}/{folder} has not been generated: run bash scripts/setup.sh "
                            "(or .venv/bin/python -m samples.generate)", pytrace=False)
