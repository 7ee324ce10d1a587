"""Projects for the build tests: the valid discrete application of conftest, a process variant, and
real media files (photos over 1 MB, a pptx deck, a 3-second H.264 video), so `check` passes."""

from __future__ import annotations

from pathlib import Path

from conftest import valid_application, write_project
from media_fixtures import jpeg_of_size, pptx_file, video

# A value with XML's special characters: it must reach the PDF intact (docxtpl autoescape).
SPECIAL = "高速光模块 & 光器件（<100G> 与 >400G）"
PART_TEXT = ("改造前，封装测试工序依赖人工上下料与纸质记录，质量追溯困难，设备数据无法实时采集。\n" * 3) + "改造后建成数字化产线，数据自动采集，质量全程追溯。"


def discrete_data() -> dict:
    data = valid_application()
    data["enterprise"]["main_products"] = SPECIAL
    data["report"] = {k: PART_TEXT for k in data["report"]}
    data["systems"][0]["deployment"] = "on_premise"
    data["equipment"]["ledger"] = [
        {"id": "EQ-01", "name": "高速贴片机", "model": "XP-200", "quantity": 4, "line": "SMT 线", "key_process": True,
         "digital": True, "networked": True, "protocol": "OPC UA", "domestic": True, "year": 2024, "value_wan": "3000.00",
         "investment": "A-01"},
    ]
    return data


def process_data() -> dict:
    data = discrete_data()
    data["type"] = "process"
    data["indicators"] = [
        {"key": k, "baseline": b, "baseline_period": "2023年", "current": c, "current_period": "2025年5-9月"}
        for k, b, c in (
            ("productivity", "100", "120"),
            ("opex", "50", "45"),
            ("dev_cycle", "180", "150"),
            ("unit_energy", "320", "290"),
            ("first_pass_yield", "95.0", "98.5"),
        )
    ]
    data["equipment"]["counts"] = {
        "equipment_total": 300, "equipment_digital": 270, "equipment_networked": 260, "key_processes": 12,
        "key_processes_controlled": 11, "direct_workers": 200, "smart_inspection": 12, "asrs_slots": 800,
        "data_items": 900, "data_items_auto": 860, "units_total": 6, "loops_total": 420, "loops_auto": 395,
        "apc_units": 4, "rtdb_tags": 12000, "online_analyzers": 18, "key_machines": 24, "key_machines_monitored": 22,
        "inspection_robots": 3,
    }
    return data


def write_full_project(root: Path, data: dict) -> Path:
    write_project(root, data)
    media = root / "media"
    media.mkdir(exist_ok=True)
    for i in (1, 2, 3):
        jpeg_of_size(media / f"{i}.jpg", 1_200_000)
    pptx_file(media / "汇报.pptx")
    video(media / "视频.mp4", "3")
    return root


def processes_mentioning(needle: str) -> list[int]:
    """PIDs of the processes whose command line contains ``needle`` (Linux: reads /proc), e.g. the
    LibreOffice started with a test's own profile folder."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids
