"""What inspecting one item-9 file yields: facts (size, format, resolution, duration ...) and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dossier.media_inspection.kinds import Kind
from dossier.media_inspection.limits import MediaLimits
from dossier.util.findings import Finding, Severity

MATERIALS_ITEM = 9


@dataclass(frozen=True)
class MediaInspection:
    """One file: ``facts`` are JSON-ready values (Decimals as strings), ``findings`` what is wrong."""

    file: str
    kind: Kind
    size_bytes: int
    facts: dict[str, Any] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind.value,
            "size_bytes": self.size_bytes,
            "facts": dict(self.facts),
            "findings": [f.to_dict() for f in self.findings],
        }


class Collector:
    """Findings about one file, all carrying the file name, the clause and item 9."""

    def __init__(self, file: str, limits: MediaLimits) -> None:
        self.file = file
        self.limits = limits
        self.findings: list[Finding] = []

    def add(self, code: str, severity: Severity, message: str) -> None:
        self.findings.append(
            Finding(code, severity, message, file=self.file, rule=self.limits.clause, item=MATERIALS_ITEM)
        )

    def error(self, code: str, message: str) -> None:
        self.add(code, "error", message)

    def warning(self, code: str, message: str) -> None:
        self.add(code, "warning", message)

    def info(self, code: str, message: str) -> None:
        self.add(code, "info", message)


def fmt_bytes(n: int) -> str:
    """``1048576`` → ``'1,048,576 字节（1.00 MiB）'``: both, so that "1M" cannot be misread."""
    return f"{n:,} 字节（{n / 1048576:.2f} MiB）"


def fmt_size(n: int) -> str:
    if n >= 1048576:
        return f"{n / 1048576:.2f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} 字节"


def describe(report: MediaInspection) -> str:
    """One Chinese line of what the file is: ``JPEG 4032×3024，2.31 MiB``."""
    f = report.facts
    size = fmt_size(report.size_bytes)
    kind = report.kind.value
    if kind == "photo" and "width" in f:
        # bytes, not MiB: the "1M" rule is judged on the exact byte count
        return f"{f['format']} {f['width']}×{f['height']}，{report.size_bytes:,} 字节"
    if kind == "video" and "duration_seconds" in f:
        fps = f"，{f['fps']} fps" if f.get("fps") else ""
        audio = "" if f.get("audio") else "，无声音"
        return f"{f['duration_shown']}（{f['duration_seconds']} 秒），{f['container']} {f['codec']} {f['width']}×{f['height']}{fps}{audio}，{size}"
    if kind == "presentation" and "slides" in f:
        return f"PPTX，{f['slides']} 页幻灯片，{size}"
    if kind == "summary" and "word_count" in f:
        return f"Word 字数 {f['word_count']}，字符数 {f['raw_length']}（不含空白），{f['encoding']}"
    return size
