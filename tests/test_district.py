"""`dossier district`: applicants read from build manifests, in the order given, totals equal to the
manifests, a CSV table and a draft 推荐报告 that leaves the opinion to the officer."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from dossier.bind.manifest import PageEntry, VolumeManifest
from dossier.district import LETTER, OPINION, TABLE, build_district

REPO = Path(__file__).resolve().parent.parent
SAMPLES = [REPO / "samples" / "guangxin-optics", REPO / "samples" / "huaxin-materials"]


def manifest(folder: Path, name: str, total: str | None, *, mtype: str = "离散型", errors: int = 0,
             uscc: str = "91420100MA4KXR2L7K", district: str = "江汉区", wording: dict | None = None) -> Path:
    folder.mkdir(parents=True)
    data = {
        "enterprise": name, "type": "discrete", "type_label": mtype, "programme": "wuhan-2025", "draft": bool(errors),
        "findings": {"error": errors, "warning": 1, "info": 2},
        "binding": VolumeManifest(
            volume="装订本.pdf", sha256="0" * 64, page_count=120, sheets=60, duplex=False,
            pages=tuple(PageEntry(n, str(n)) for n in range(1, 121)), inputs=(), seal_groups=(), seal_diameter=119.06,
        ).to_json(),
    }
    if total is not None:
        data["application"] = {"uscc": uscc, "district": district, "industry": "高端装备", "project": f"{name}项目",
                               "totals": {"qualifying_wan": total, "rd_ratio_percent": "12.50"}}
        if wording is not None:
            data["application"]["programme"] = wording
    (folder / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def letter_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_applicants_in_the_order_given_with_totals_from_their_manifests(tmp_path):
    b = manifest(tmp_path / "乙" / "build", "乙公司", "6000.5", uscc="91420100MA4K00000B")
    a = manifest(tmp_path / "甲" / "build", "甲公司", "5200.00", uscc="91420100MA4K00000A")
    result = build_district([b, a], tmp_path / "out")
    assert [x.enterprise for x in result.applicants] == ["乙公司", "甲公司"]
    assert result.total_wan == Decimal("11200.50")
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / TABLE).read_text(encoding="utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["乙公司", "甲公司"] and [r[7] for r in rows[1:]] == ["6000.50", "5200.00"]
    text = letter_text(tmp_path / "out" / LETTER)
    assert text.index("1．乙公司") < text.index("2．甲公司")
    assert "11,200.50" in text and OPINION in text and "江汉区经信部门（盖章）" in text
    by_total = build_district([tmp_path], tmp_path / "out2", order="total")  # a folder holding both builds
    assert [x.enterprise for x in by_total.applicants] == ["乙公司", "甲公司"]
    assert result.findings == []


def test_drafts_old_manifests_and_duplicates_are_flagged(tmp_path):
    manifest(tmp_path / "a", "甲公司", "5200.00", errors=2)
    manifest(tmp_path / "b", "乙公司", None)
    manifest(tmp_path / "c", "甲公司", "5200.00", errors=2)
    result = build_district([tmp_path], tmp_path / "out")
    codes = sorted(f.code for f in result.findings)
    assert codes == ["DIST-DRAFT", "DIST-DRAFT", "DIST-DUPLICATE", "DIST-OLD-MANIFEST"]
    assert result.applicants[1].total_wan is None and result.total_wan == Decimal("10400.00")


def test_a_folder_without_build_output_is_unusable(tmp_path):
    (tmp_path / "空").mkdir()
    run = subprocess.run([sys.executable, "-m", "dossier", "district", str(tmp_path / "空"), "-o", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "没有 manifest.json" in run.stderr and "dossier build" in run.stderr


@pytest.mark.slow
def test_district_view_of_the_two_built_samples(tmp_path):
    builds = []
    for root in SAMPLES:
        out = tmp_path / root.name
        run = subprocess.run([sys.executable, "-m", "dossier", "build", str(root), "-o", str(out)],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        builds.append(out)
    run = subprocess.run([sys.executable, "-m", "dossier", "district", *map(str, builds), "-o", str(tmp_path / "区"),
                          "--json"], capture_output=True, text=True, timeout=300)
    data = json.loads(run.stdout)
    assert run.returncode == data["exit_code"] == 0 and data["schema"] == "dossier/1" and data["verb"] == "district"
    manifests = [json.loads((b / "manifest.json").read_text(encoding="utf-8")) for b in builds]
    assert [a["enterprise"] for a in data["applicants"]] == [m["enterprise"] for m in manifests]
    for a, m in zip(data["applicants"], manifests):
        assert a["total_wan"] == m["application"]["totals"]["qualifying_wan"]
        assert a["rd_ratio"] == m["application"]["totals"]["rd_ratio_percent"] + "%"
        assert a["pages"] == m["binding"]["page_count"] and a["findings"] == m["findings"]
    total = sum(Decimal(m["application"]["totals"]["qualifying_wan"]) for m in manifests)
    assert Decimal(data["total_wan"]) == total
    # And the same totals as `check --json` of each sample.
    for root, m in zip(SAMPLES, manifests):
        check = json.loads(subprocess.run([sys.executable, "-m", "dossier", "check", str(root), "--json", "--no-report"],
                                          capture_output=True, text=True, timeout=300).stdout)
        assert check["totals"]["qualifying_wan"] == m["application"]["totals"]["qualifying_wan"]
    text = letter_text(Path(data["letter"]))
    assert text.index("武汉光芯精密光电科技有限公司") < text.index("武汉华昕新材料科技有限公司")


def test_applicants_of_different_programmes_are_flagged_and_the_letter_quotes_the_first(tmp_path):
    xy = {"id": "xiangyang-2026", "title": "2026年襄阳标杆智能工厂遴选", "notice": "襄阳的通知", "issuer": "襄阳市经济和信息化局",
          "type_labels": {"discrete": "离散型", "process": "流程型"}}
    a = manifest(tmp_path / "a", "甲公司", "5200.00", uscc="91420100MA4K00000A", wording=xy)
    b = manifest(tmp_path / "b", "乙公司", "6000.00", uscc="91420100MA4K00000B")  # an older manifest: wuhan-2025 by id
    c = manifest(tmp_path / "c", "丙公司", "7000.00", uscc="91420100MA4K00000C",
                 wording={**xy, "id": "wuhan-2025", "title": "2025年武汉标杆智能工厂遴选"})
    result = build_district([a, b, c], tmp_path / "out")
    (several,) = [f for f in result.findings if f.code == "DIST-SEVERAL-PROGRAMMES"]
    assert "2026年襄阳标杆智能工厂遴选、2025年武汉标杆智能工厂遴选" in several.message
    text = letter_text(tmp_path / "out" / LETTER).replace("\n", "").replace("\u2060", "")  # the title's line break, digit joiners
    assert "关于推荐2026年襄阳标杆智能工厂遴选申报企业的报告" in text and "襄阳市经济和信息化局" in text
    assert "辖区共有3家企业申报2026年襄阳标杆智能工厂遴选，其中离散型3家、流程型0家" in text
