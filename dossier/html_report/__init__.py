"""The HTML report of a project: one self-contained file a person opens in a browser.

Public API::

    render_report(result, *, manifest=None, media=None) -> str     # pure: data → HTML
    collect_media(result, pictures=True) -> list[MediaItem]         # reads the photos and video
    write_report(result, out_html, *, manifest=None, media=True) -> Path   # collect + render + write
    read_build_manifest(out_dir) -> dict | None        # OUT/manifest.json (its volume under "binding")
    write_project_report(result, out_html=None, *, out_dir=None) -> Path   # what check calls
    default_report_path(project_root) -> Path                       # <project>/build/report.html

``result`` is a :class:`dossier.check.CheckResult`; ``manifest`` the build's (or bind's)
manifest dict, for the page map and the stamping guide. Sections whose data is absent say so in
Chinese instead of disappearing. Guarantees: no network, no scripts, inline CSS and SVG, pictures
as data URIs; every user value is HTML-escaped (Jinja2 autoescape); the same inputs give the
same bytes (everything is sorted) except for the footer's generation time, which is read from
``SOURCE_DATE_EPOCH`` when that is set (the reproducible-builds convention), so that the same
inputs and the same ``SOURCE_DATE_EPOCH`` give the same bytes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jinja2

from dossier import __version__
from dossier.application.paths import refuse_protected
from dossier.html_report.charts import category_chart, indicator_chart_size, indicator_rows, quarter_chart
from dossier.html_report.media import MediaItem, collect_media
from dossier.html_report.volume import guide_items, page_map, volume_manifest
from dossier.util.atomic import write_text
from dossier.util.errors import InputError
from dossier.util.findings import SEVERITY_LABEL, Finding, count, sort_key
from dossier.util.formats import fmt_percent, fmt_wan

REPORT_NAME = "report.html"

__all__ = [
    "MediaItem", "collect_media", "default_report_path", "environment", "read_build_manifest", "render_report",
    "write_project_report", "write_report",
]


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The report templates' environment (``templates/report/``, see :mod:`dossier.util.resources`)."""
    # One per process (paid once by `dossier watch`), and the compiled templates kept in the user
    # cache: compiling the report template costs ~0.2 s of every `dossier check`. Jinja keys the
    # stored code by the template's source checksum, so an edited template is compiled again.
    from dossier.util.cache import cache_dir
    from dossier.util.resources import resource

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource("templates", "report", "report.html.j2").parent),
        bytecode_cache=_bytecode_cache(cache_dir("jinja")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _bytecode_cache(directory: Path) -> jinja2.BytecodeCache | None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: compile every time, as before
    return jinja2.FileSystemBytecodeCache(str(directory))


def default_report_path(project_root: str | Path) -> Path:
    """Where ``check`` and ``build`` put the report by default: the project's build folder."""
    return Path(project_root) / "build" / REPORT_NAME


def finding_groups(findings: list[Finding], programme=None) -> list[dict[str, Any]]:
    """Findings by attachment (附件1–9), then by materials item (资料清单), then the rest;
    within a group in :func:`dossier.util.findings.sort_key` order."""
    groups: dict[tuple, list[Finding]] = {}
    for f in sorted(findings, key=sort_key):
        if f.attachment is not None:
            key = (0, f.attachment)
        elif f.item is not None:
            key = (1, f.item)
        else:
            key = (2, 0)
        groups.setdefault(key, []).append(f)
    out = []
    for (kind, number), items in sorted(groups.items()):
        if kind == 0:
            title = f"附件{number} {programme.attachment_title(number) if programme else ''}".strip()
        elif kind == 1:
            title = f"资料清单第{number}项 {programme.material_title(number) if programme else ''}".strip()
        else:
            title = "整体要求"
        shown = [_finding(f) for f in items]
        out.append({"title": title, "counts": count(items), "findings": shown, "clusters": clusters(shown)})
    return out


def clusters(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings of one group under the notice sentence they enforce, in order of first appearance.

    A fresh scaffold has dozens of "未填写" findings citing the same sentence: it is shown once,
    above them, instead of under every one.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        out.setdefault(f["rule"], []).append(f)
    return [{"rule": rule, "findings": items} for rule, items in out.items()]


def generated_at() -> str:
    """When the report was made, to the minute: ``SOURCE_DATE_EPOCH`` if set, else now (local time)."""
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    else:
        moment = dt.datetime.now().astimezone()
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "severity": f.severity,
        "label": SEVERITY_LABEL[f.severity],
        "message": f.message,
        "where": f.where(),
        "code": f.code,
        "rule": f.rule or "",
    }


def _totals(figures) -> list[tuple[str, str]]:
    t = figures
    rows = [
        ("设备购置与改造", fmt_wan(t.equipment_total) + " 万元"),
        ("研发投入", fmt_wan(t.rd_total) + " 万元"),
        ("合计计入投资", fmt_wan(t.qualifying_total) + " 万元"),
        ("含税合计", fmt_wan(t.qualifying_total_gross) + " 万元"),
        ("不含税合计", (fmt_wan(t.qualifying_total_net) + " 万元") if t.qualifying_total_net is not None else "缺税额，无法计算"),
        ("研发占设备比例", fmt_percent(t.rd_ratio)),
    ]
    if t.rd_excess:
        rows.append(("研发超出上限部分", fmt_wan(t.rd_excess) + " 万元"))
        rows.append(("扣除超限后合计", fmt_wan(t.total_after_cap) + " 万元"))
    return rows


def _rates(figures) -> list[dict[str, str]]:
    out = []
    for r in figures.rates:
        ok = None if r.value is None or r.minimum is None else r.value >= r.minimum
        out.append({
            "label": r.label,
            "value": "—" if r.value is None else f"{r.value}{r.unit}",
            "minimum": "—" if r.minimum is None else f"{r.minimum}{r.unit}",
            "formula": r.formula,
            "ok": ok,
        })
    return out


def render_report(
    result, *, manifest: dict[str, Any] | None = None, media: list[MediaItem] | None = None, manifest_note: str = "",
    generated: str = "",
) -> str:
    """The report as one HTML string. Pure: reads nothing but its arguments.

    ``media=None`` means the photos and video were not looked at (the section says so); an
    empty list means the project names none. ``manifest_note`` says where the manifest came
    from when it is not this run's (``check`` showing the last build's volume).
    """
    project = result.folder
    app = project.app
    programme = result.programme
    figures = result.figures
    counts = result.counts()
    periods = {}
    if app is not None:
        periods = {i: (ind.baseline_period or "", ind.current_period or "") for i, ind in enumerate(app.indicators)}
    rows = indicator_rows(figures.indicators, periods) if figures else []
    refused = ""
    try:
        volume = volume_manifest(manifest)
    except InputError as exc:  # a volume manifest of an older dossier: say so, show no page map
        volume, refused = None, f"{exc.message}{exc.hint or ''}"
    pmap = page_map(volume)
    context = {
        "folder": project.name,
        "enterprise": (app.enterprise.name if app else None) or project.name,
        "project_name": app.project.name if app and app.project.name else "",
        "type_label": programme.type_label(app.type) if (programme and app and app.type) else "",
        "programme_title": programme.title if programme else "",
        "reading": figures.readings.describe() if figures else "",
        "counts": counts,
        "groups": finding_groups(result.findings, programme),
        "figures": figures,
        "totals": _totals(figures) if figures else [],
        "category_chart": category_chart(figures) if figures else None,
        "quarter_chart": quarter_chart(figures) if figures else None,
        "indicator_rows": rows,
        "indicator_size": indicator_chart_size(rows),
        "rates": _rates(figures) if figures else [],
        "media": media,
        "photos": [m for m in media or [] if m.kind == "photo"],
        "videos": [m for m in media or [] if m.kind == "video"],
        "page_map": pmap,
        "guide": guide_items(volume, copies=programme.copies if programme else None),
        "volume_refused": refused,
        "volume_name": volume.volume if volume else "",
        "manifest_note": manifest_note if pmap else "",
        "generated": generated,
        "version": __version__,
    }
    return environment().get_template("report.html.j2").render(**context)


def write_report(
    result, out_html: str | Path, *, manifest: dict[str, Any] | None = None, media: bool | list[MediaItem] = True,
    manifest_note: str = "",
) -> Path:
    """Render and write the report atomically. ``media=True`` reads the project's photos and
    video for thumbnails; ``False`` leaves that section out; a list is used as given."""
    items = collect_media(result) if media is True else (None if media is False else media)
    html = render_report(result, manifest=manifest, media=items, manifest_note=manifest_note, generated=generated_at())
    return write_text(out_html, html)


def read_build_manifest(out_dir: str | Path) -> dict[str, Any] | None:
    """The build manifest in ``out_dir`` (``manifest.json``), or None when there is none or it
    cannot be read. Its volume manifest is read by :func:`dossier.html_report.volume.volume_manifest`."""
    return _read_json(Path(out_dir) / "manifest.json")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_project_report(result, out_html: str | Path | None = None, *, out_dir: str | Path | None = None) -> Path:
    """The report ``check`` writes: photos and video read, the page map and stamping guide
    taken from the last build in ``out_dir`` (default ``<project>/build``) when there is one,
    labelled as such. Written to ``out_html`` (default ``out_dir/report.html``), atomically.
    ``build`` calls :func:`write_report` with its own fresh manifest instead."""
    root = result.folder.root
    out_dir = Path(out_dir) if out_dir is not None else root / "build"
    target = Path(out_html) if out_html is not None else out_dir / REPORT_NAME
    refuse_protected(root, target, what="报告",
                     hint="用 --report 指定其他位置，或不指定（默认写入项目下的 build/report.html）。")
    note = f"页码图和盖章指引取自上次 dossier build 的结果（{out_dir / 'manifest.json'}）；材料有改动时请重新运行 dossier build。"
    return write_report(result, target, manifest=read_build_manifest(out_dir), manifest_note=note)

