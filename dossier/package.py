"""``dossier package``: the email bundle the notice asks for, per district.

通知 六：申报资料盖章扫描件和资料清单中第9项，以区为单位发送到电子邮箱. The bundle holds the
stamped scan and item 9 (简介, three photos, PPT, video) under consistent names
``<区>-<企业>-<材料>.<ext>``, a checklist (清单.txt) and one zip of it all, and warns when the
total exceeds the programme's mailbox limit. Written into a staging folder that replaces the
output folder whole (:func:`dossier.util.atomic.staged_folder`): an interrupted or failed run leaves
the previous bundle, never half of a new one.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dossier.application.load import load_project
from dossier.application.paths import refuse_protected
from dossier.application.programme import DEFAULT_PROGRAMME, chinese_count, load_programme
from dossier.util.atomic import staged_folder
from dossier.util.cache import file_digest
from dossier.util.errors import InputError
from dossier.util.findings import Finding
from dossier.util.formats import raw_length, word_count
from dossier.util.progress import Progress, silent

ZIP_DATE = (2025, 1, 1, 0, 0, 0)  # fixed: the same inputs give the same zip
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass
class PackageResult:
    folder: Path
    zip_path: Path
    files: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    total_bytes: int = 0
    mailbox: str = ""

    def to_json(self) -> dict:
        return {
            "folder": str(self.folder),
            "zip": str(self.zip_path),
            "mailbox": self.mailbox,
            "total_bytes": self.total_bytes,
            "files": self.files,
            "findings": [f.to_dict() for f in self.findings],
        }


def safe(text: str) -> str:
    """A file-name-safe form of a Chinese name (no separators or characters Windows refuses)."""
    return _UNSAFE.sub("", text).strip(".") or "未命名"


def _check_scan(scan: Path) -> int:
    import pikepdf

    if not scan.is_file():
        raise InputError("找不到盖章扫描件", file=str(scan), hint="请给出扫描后的 PDF 文件路径。")
    try:
        with pikepdf.open(scan) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise InputError("盖章扫描件已加密", file=str(scan), hint="请导出未加密的 PDF 再打包。") from None
    except Exception:  # noqa: BLE001 - any unreadable scan is one Chinese error
        raise InputError("盖章扫描件无法作为 PDF 打开", file=str(scan), hint="请重新扫描或导出为 PDF。") from None
    if pages == 0:
        raise InputError("盖章扫描件没有任何页面", file=str(scan))
    return pages


def package_project(
    root: str | Path, scan: str | Path, out: str | Path | None = None, *, progress: Progress | None = None,
) -> PackageResult:
    """Assemble the email bundle for the project at ``root`` with the stamped ``scan``.

    Raises InputError when the project or the scan is unusable. Media problems (a photo under
    1 MB, a video over 3 minutes) are findings: the bundle is still written so that the user
    sees it, and the CLI exits 1. ``progress``: see :mod:`dossier.util.progress`.
    """
    from dossier.media_inspection import MediaLimits, inspect_media

    root = Path(root)
    out = Path(out) if out is not None else root / "build" / "package"
    refuse_protected(root, out, what="输出文件夹", hint="用 -o 指定其他文件夹。")
    progress = progress or silent
    progress("读取项目和扫描件", 0, None)
    project = load_project(root)
    if project.app is None:
        raise InputError(
            "enterprise.yaml 有结构错误，无法打包", file="enterprise.yaml",
            line=project.findings[0].line if project.findings else None, hint="请先运行 dossier check 并改正。",
        )
    app = project.app
    programme = load_programme(app.programme or DEFAULT_PROGRAMME, base=root)
    scan = Path(scan)
    scan_pages = _check_scan(scan)
    district = programme.districts.find(app.enterprise.district)
    prefix = f"{safe(district.label if district else app.enterprise.district or '未填区')}-{safe(app.enterprise.name or project.name)}"
    limits = MediaLimits.from_mapping(programme.media)

    entries: list[tuple[str, Path | None, str | None, tuple | None]] = [("申报材料盖章扫描件", scan, None, None)]
    from dossier.application import narrative
    from dossier.application.figures import compute

    summary_text = narrative.render(app.project.summary, compute(app, programme)) or ""  # placeholders filled, as printed
    entries.append(("建设情况简介", None, summary_text, ("project", "summary")))
    for i, photo in enumerate(app.media.photos):
        entries.append((f"典型图片{i + 1}", project.resolve(("media", "photos", i), photo), None, ("media", "photos", i)))
    if app.media.presentation:
        entries.append(("汇报PPT", project.resolve(("media", "presentation"), app.media.presentation), None, ("media", "presentation")))
    if app.media.video:
        entries.append(("建设成果视频", project.resolve(("media", "video"), app.media.video), None, ("media", "video")))

    findings: list[Finding] = []
    files: list[dict] = []
    with staged_folder(out) as tmp:
        for n, (what, source, text, ypath) in enumerate(entries, start=1):
            progress("收集材料", n - 1, len(entries))
            file, line = project.lines.at(ypath) if ypath else (str(scan), None)
            if text is not None:
                name = f"{n:02d}-{prefix}-{what}.txt"
                # UTF-8 with BOM and CRLF: opens correctly in Windows Notepad at the district office.
                (tmp / name).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
                facts = {"字数（Word）": word_count(text), "字符数": raw_length(text)}
                if word_count(text) > limits.summary_max_chars:
                    findings.append(
                        Finding(
                            "M-SUMMARY-LENGTH", "error",
                            f"建设情况简介 {word_count(text)} 字（按 Word 字数统计），超过 {limits.summary_max_chars} 字",
                            file=file, line=line, item=9,
                        )
                    )
            else:
                assert source is not None
                if not source.is_file():
                    findings.append(Finding("M-MISSING", "error", f"找不到“{what}”文件 {source.name}", file=file, line=line, item=9))
                    continue
                name = f"{n:02d}-{prefix}-{what}{source.suffix.lower()}"
                shutil.copyfile(source, tmp / name)
                facts = {}
                if ypath is not None:
                    report = inspect_media(source, limits, display=source.name)
                    facts = dict(report.facts)
                    findings.extend(
                        Finding(f.code, f.severity, f.message, file=file, line=line, item=9) for f in report.findings
                    )
                else:
                    facts = {"页数": scan_pages}
            size = (tmp / name).stat().st_size
            files.append({"name": name, "what": what, "bytes": size, "sha256": file_digest(tmp / name), "facts": facts})
        total = sum(f["bytes"] for f in files)
        limit_mb = int(programme.raw["mailbox_limit_mb"])
        if total > limit_mb * 1024 * 1024:
            findings.append(
                Finding(
                    "P-MAILBOX-SIZE", "warning",
                    f"附件合计 {total / 1024 / 1024:.1f} MB，超过常见邮箱附件上限 {limit_mb} MB：请使用超大附件或分封发送",
                    item=9,
                )
            )
        checklist = _checklist(programme, app, prefix, files, findings, total)
        (tmp / f"00-{prefix}-清单.txt").write_bytes(b"\xef\xbb\xbf" + checklist.replace("\n", "\r\n").encode("utf-8"))
        zip_name = f"{prefix}-申报材料.zip"
        progress("压缩", 0, None)
        _zip(tmp, tmp / zip_name)
    return PackageResult(out, out / zip_name, files, findings, total, programme.raw.get("mailbox", ""))


def _checklist(programme, app, prefix: str, files: list[dict], findings: list[Finding], total: int) -> str:
    lines = [
        f"{programme.title} —— 电子材料清单",
        f"申报企业：{app.enterprise.name}",
        f"报送方式：以区为单位发送至 {programme.raw.get('mailbox', '')}（{programme.clause('deadline')}）",
        "",
        "文件：",
    ]
    for f in files:
        facts = "，".join(f"{k}：{v}" for k, v in f["facts"].items() if not isinstance(v, (dict, list)))
        lines.append(f"  {f['name']}  {f['bytes'] / 1024 / 1024:.2f} MB" + (f"（{facts}）" if facts else ""))
        lines.append(f"    SHA-256 {f['sha256']}")
    lines.append(f"合计 {total / 1024 / 1024:.2f} MB")
    lines.append("")
    lines.append("核对：")
    if not findings:
        lines.append("  未发现问题。")
    for f in findings:
        label = {"error": "错误", "warning": "警告", "info": "提示"}[f.severity]
        lines.append(f"  [{label}] {f.message}")
    lines += ["", f"发送前请确认：纸质材料一式{chinese_count(programme.copies)}份均已加盖封面章和骑缝章；扫描件页数与装订本一致。"]
    return "\n".join(lines) + "\n"


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.iterdir()):
            if path == target or path.suffix == ".zip":
                continue
            info = zipfile.ZipInfo(path.name, date_time=ZIP_DATE)
            info.flag_bits |= 0x800  # names are UTF-8: Chinese names survive on Windows
            info.external_attr = 0o644 << 16
            compress = zipfile.ZIP_DEFLATED if path.suffix == ".txt" else zipfile.ZIP_STORED
            with open(path, "rb") as fh:
                zf.writestr(info, fh.read(), compress_type=compress)
