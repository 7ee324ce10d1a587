"""The HTML report: findings with the notice's sentence, charts with the figures' numbers,
thumbnails inside the file, the page map and stamping guide from a real bind manifest,
escaping, no network, and the same bytes for the same input."""

from __future__ import annotations

import base64
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from dossier.bind import bind_files
from dossier.check import check_project
from dossier.html_report import collect_media, render_report, write_project_report, write_report
from dossier.html_report.pictures import thumbnail_uri
from report_fixtures import media_project

CLAUSE_9 = "企业智能工厂建设情况文字简介（150字以内）、典型图片（3张，每张不小于1M）、PPT、建设成果视频（3分钟以内）。"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return media_project(tmp_path_factory.mktemp("good") / "光芯")


@pytest.fixture(scope="module")
def good_html(good) -> str:
    result = check_project(good)
    assert result.counts()["error"] == 0, [f.message for f in result.findings if f.severity == "error"]
    return render_report(result, media=collect_media(result))


@pytest.fixture(scope="module")
def volume_manifest(tmp_path_factory) -> dict:
    """A real bind manifest: cover + contents + three files, 52 pages, three seal groups."""
    d = tmp_path_factory.mktemp("vol")
    files = []
    for name, n in (("申请报告.pdf", 6), ("附件6 投资明细.pdf", 14), ("合同与发票.pdf", 30)):
        pdf = pikepdf.new()
        for _ in range(n):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(d / name)
        files.append(d / name)
    return bind_files(files, d / "vol.pdf", cover_title="申报材料").manifest.to_json()


def block(html: str, css_class: str, containing: str) -> str:
    """The element of ``css_class`` whose text contains ``containing`` (up to the next one)."""
    parts = html.split(f'<div class="{css_class}')
    hits = [p for p in parts[1:] if containing in p.split(f'<div class="{css_class}')[0]]
    assert hits, f"no {css_class} block containing {containing!r}"
    return hits[0]


def bar_widths(svg: str) -> dict[str, Decimal]:
    return {m.group(2): Decimal(m.group(1)) for m in re.finditer(r'width="([\d.]+)" height="[\d.]+" fill="#2f6db5" data-value="([^"]+)"', svg)}


@pytest.mark.slow
def test_findings_are_grouped_by_attachment_with_the_sentence_they_enforce(tmp_path):
    from media_fixtures import jpeg_of_size

    root = media_project(tmp_path / "p")
    jpeg_of_size(root / "media" / "3.jpg", 900_000)  # below 1M: an error under materials item 9
    result = check_project(root)
    html = render_report(result, media=collect_media(result, pictures=False))
    finding = block(html, "finding", "M-PHOTO-SIZE")
    assert "3.jpg" in finding and "900,000" in finding
    # The sentence it enforces heads its cluster (shared with the video's finding), shown once.
    cluster = block(html, "cluster", "M-PHOTO-SIZE")
    assert cluster.split("</p>")[0].endswith(f'<p class="rule">{CLAUSE_9}<span class="n">以下 2 条</span>')
    assert html.count(CLAUSE_9) == 1
    # It sits under its materials item's heading, after the attachment groups.
    group = html[: html.index("M-PHOTO-SIZE")].rsplit("<h3>", 1)[1]
    assert group.startswith("资料清单第9项 企业智能工厂建设情况文字简介、典型图片、PPT、建设成果视频")
    assert 'class="verdict bad"' in html and "1 个错误" in html


def test_investment_charts_carry_the_figures(good_html):
    section = good_html.split('id="investment"')[1].split("</section>")[0]
    category, quarter = section.split("<svg")[1:3]
    widths = bar_widths(category)
    # 设备购置 3000, 设备改造 2800, 研发投入 500 万元; the largest fills 400 px.
    assert widths == {"3,000.00": Decimal("400.0"), "2,800.00": Decimal("373.3"), "500.00": Decimal("66.7")}
    assert "设备购置" in category and "研发投入" in category
    assert 'data-value="6,300.00"' in quarter and ">2024年<" in quarter and ">2季度<" in quarter
    assert "6,300.00 万元" in section and "8.62%" in section  # 合计 and 研发占设备比例


def test_indicator_chart_shows_before_after_and_change_rate(good_html):
    section = good_html.split('id="indicators"')[1].split("</section>")[0]
    svg = section.split("<svg")[1].split("</svg>")[0]
    assert 'class="bar before"' in svg and 'class="bar after"' in svg
    # productivity 100 → 120: +20.00 %; opex 50 → 45 (lower is better): +10.00 %.
    assert re.search(r'data-value="100"/>.*?data-value="120"/>.*?\+20\.00%', svg, re.S)
    assert re.search(r'data-value="50"/>.*?data-value="45"/>.*?\+10\.00%', svg, re.S)
    before_120 = re.search(r'class="bar before" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*data-value="100"', svg)
    assert before_120 and Decimal(before_120.group(1)) == Decimal("275.0")  # 100/120 of 330 px


def test_photos_are_small_jpeg_data_uris_with_size_and_resolution(good_html):
    section = good_html.split('id="media"')[1].split("</section>")[0]
    uris = re.findall(r'<img src="(data:image/jpeg;base64,[^"]+)" alt="([^"]+)"', section)
    assert [alt for _, alt in uris] == ["media/1.jpg", "media/2.jpg", "media/3.jpg", "media/视频.mp4 的画面"]
    sizes = []
    for uri, _ in uris:
        with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
            assert im.format == "JPEG"
            sizes.append(im.size)
    assert sizes[0] == (320, 213) and sizes[1] == (213, 320)  # 1921×1280 and a portrait photo
    assert max(sizes[3]) <= 320
    assert "JPEG 1921×1280" in section and "JPEG 1280×1921" in section
    assert "0:03（3.00 秒）" in section and "64×36" in section


def test_same_input_gives_the_same_bytes(good, tmp_path):
    result = check_project(good)
    a = write_report(result, tmp_path / "a.html").read_bytes()
    b = write_report(check_project(good), tmp_path / "b.html").read_bytes()
    assert a == b


@pytest.mark.slow
def test_user_text_is_escaped_and_nothing_is_fetched(tmp_path):
    def mutate(data):
        data["enterprise"]["name"] = '武汉<script>alert("x")</script>&有限公司'
        data["indicators"][0]["name"] = "<img src=x onerror=alert(1)>"

    root = media_project(tmp_path / "p", mutate=mutate)
    html = render_report(check_project(root), media=None)
    assert "<script" not in html and "<img src=x" not in html
    assert "武汉&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;有限公司" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html


@pytest.mark.slow
def test_page_map_and_stamping_guide_come_from_the_manifest(good, volume_manifest):
    html = render_report(check_project(good), manifest={"volume": "vol.pdf", "binding": volume_manifest}, media=None)
    section = html.split('id="volume"')[1].split("</section>")[0]
    assert section.count('class="pg') == volume_manifest["page_count"] == 52
    caps = re.findall(r"第 (\d+) 组骑缝章：第 (\d+)–(\d+) 页", section)
    assert [(int(a), int(b), int(c)) for a, b, c in caps] == [
        (i, g["first_page"], g["last_page"]) for i, g in enumerate(volume_manifest["seal_groups"], 1)
    ]
    assert "合同与发票.pdf（第 23–52 页）" in section
    assert section.count(" seam") == 52 and section.count(" cover") == 1
    guide = html.split('id="guide"')[1].split("</section>")[0]
    assert "一、打印" in guide and "二、封面章" in guide
    assert guide.count("<tr><td>") == len(volume_manifest["seal_groups"])


def test_sections_without_data_say_so(good):
    html = render_report(check_project(good), manifest=None, media=None)
    assert "尚未装订：运行 dossier build 生成装订卷后" in html
    assert "尚未装订：盖章指引由装订卷生成" in html
    assert "本报告未读取图片和视频" in html


def test_a_decompression_bomb_gets_no_thumbnail_quickly(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(bomb)  # 144 MP, a few KB on disk
    start = time.perf_counter()
    assert thumbnail_uri(bomb) is None
    assert time.perf_counter() - start < 1


def test_report_is_never_written_into_evidence(good):
    from dossier.util.errors import InputError

    with pytest.raises(InputError, match="evidence"):
        write_project_report(check_project(good), good / "evidence" / "report.html")
    assert not (good / "evidence" / "report.html").exists()


@pytest.mark.slow
def test_the_volume_is_read_from_the_build_manifest_and_old_shapes_are_refused(good, tmp_path):
    """A build's manifest.json nests the volume manifest under "binding" (read through
    VolumeManifest.from_json); one written by an older dossier (the binder's keys at the top
    level, no schema_version) gets no page map but a note saying to build again."""
    import json

    from dossier.html_report import read_build_manifest

    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(tmp_path / "a.pdf")
    bound = bind_files([tmp_path / "a.pdf"], tmp_path / "out" / "卷.pdf").manifest.to_json()
    (tmp_path / "out" / "manifest.json").write_text(json.dumps({"volume": "卷.pdf", "binding": bound}), "utf-8")
    loaded = read_build_manifest(tmp_path / "out")
    result = check_project(good)
    for manifest in (loaded, bound):
        html = render_report(result, manifest=manifest, media=None)
        assert html.count('class="pg') == 3 and "卷.pdf：共 3 页" in html
    old = {"volume": "卷.pdf", "documents": [], **{k: v for k, v in bound.items() if k != "schema_version"}}
    html = render_report(result, manifest=old, media=None)
    assert 'class="pg' not in html and html.count("清单是旧版 dossier 生成的") == 2 and "重新运行 dossier build" in html
    assert read_build_manifest(tmp_path / "nothing") is None