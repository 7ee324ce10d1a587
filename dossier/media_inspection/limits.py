"""Media limits of a programme: what item 9 of the materials list allows.

Read from the ``media:`` mapping of ``data/programmes/<id>.yaml``; the defaults are the 2025
notice (资料清单第 9 项: 简介 150 字以内、典型图片 3 张每张不小于 1M、PPT、视频 3 分钟以内).
Integers and Decimals only: a limit compared with ``>`` must not carry float noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dossier.util.errors import InputError

NOTICE_ITEM_9 = "企业智能工厂建设情况文字简介（150字以内）、典型图片（3张，每张不小于1M）、PPT、建设成果视频（3分钟以内）。"

# The keys of `media:` this module reads; anything else is a typo in the programme file.
KEYS: dict[str, tuple[str, ...]] = {
    "summary": ("max_chars",),
    "photos": ("count", "min_bytes", "warn_from_bytes", "formats", "recommended_long_edge"),
    "video": ("count", "max_seconds", "recommended_container", "recommended_codec", "recommended_height"),
    "presentation": ("count",),
}


@dataclass(frozen=True)
class MediaLimits:
    """Limits for item 9. ``clause`` is the notice's sentence, shown beside each finding."""

    summary_max_chars: int = 150
    photo_count: int = 3
    # "1M" read as 1 MiB; 1,000,000..1,048,575 bytes is a decimal megabyte: warned, not refused.
    photo_min_bytes: int = 1_048_576
    photo_warn_from_bytes: int = 1_000_000
    photo_formats: tuple[str, ...] = ("JPEG", "PNG")
    photo_recommended_long_edge: int = 1920
    video_count: int = 1
    video_max_seconds: Decimal = Decimal(180)
    video_recommended_container: str = "mp4"
    video_recommended_codec: str = "h264"
    video_recommended_height: int = 1080
    presentation_count: int = 1
    summary_count: int = 1
    clause: str = field(default=NOTICE_ITEM_9, compare=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, *, clause: str | None = None) -> MediaLimits:
        """Build from the programme's ``media:`` mapping; missing keys keep the 2025 defaults.

        Unknown sections or keys raise :class:`InputError` (a misspelt limit must not be ignored).
        """
        data = dict(data or {})
        kwargs: dict[str, Any] = {}
        for section, value in data.items():
            if section not in KEYS:
                raise InputError(f"遴选项目配置 media 中有未知的项“{section}”", hint="可用：" + "、".join(KEYS))
            if not isinstance(value, Mapping):
                raise InputError(f"遴选项目配置 media.{section} 应为映射")
            for key, raw in value.items():
                if key not in KEYS[section]:
                    raise InputError(
                        f"遴选项目配置 media.{section} 中有未知的项“{key}”",
                        hint="可用：" + "、".join(KEYS[section]),
                    )
                kwargs[_FIELD[(section, key)]] = _convert(section, key, raw)
        if clause:
            kwargs["clause"] = clause
        limits = cls(**kwargs)
        if limits.photo_warn_from_bytes > limits.photo_min_bytes:
            raise InputError("遴选项目配置 media.photos.warn_from_bytes 不能大于 min_bytes")
        return limits


_FIELD = {
    ("summary", "max_chars"): "summary_max_chars",
    ("photos", "count"): "photo_count",
    ("photos", "min_bytes"): "photo_min_bytes",
    ("photos", "warn_from_bytes"): "photo_warn_from_bytes",
    ("photos", "formats"): "photo_formats",
    ("photos", "recommended_long_edge"): "photo_recommended_long_edge",
    ("video", "count"): "video_count",
    ("video", "max_seconds"): "video_max_seconds",
    ("video", "recommended_container"): "video_recommended_container",
    ("video", "recommended_codec"): "video_recommended_codec",
    ("video", "recommended_height"): "video_recommended_height",
    ("presentation", "count"): "presentation_count",
}


def _convert(section: str, key: str, raw: Any) -> Any:
    where = f"media.{section}.{key}"
    if key == "formats":
        if isinstance(raw, str) or not all(isinstance(x, str) for x in raw):
            raise InputError(f"遴选项目配置 {where} 应为格式名列表，例如 [JPEG, PNG]")
        return tuple(x.upper() for x in raw)
    if key.startswith("recommended_") and key != "recommended_long_edge" and key != "recommended_height":
        return str(raw).lower()
    if key == "max_seconds":
        if isinstance(raw, float):
            raise InputError(f"遴选项目配置 {where} 请写成整数或带引号的小数，例如 180 或 \"180.0\"")
        try:
            return Decimal(str(raw))
        except ArithmeticError as exc:
            raise InputError(f"遴选项目配置 {where} 不是数字：{raw!r}") from exc
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise InputError(f"遴选项目配置 {where} 应为非负整数，实际为 {raw!r}")
    return raw


def limits_for_programme(programme: Any = None) -> MediaLimits:
    """The limits of a programme (a loaded Programme, a packaged id or None for the default one), with
    its item-9 sentence as the clause."""
    from dossier.application.programme import DEFAULT_PROGRAMME, load_programme

    if programme is None or isinstance(programme, str):
        programme = load_programme(programme or DEFAULT_PROGRAMME)
    clause = programme.raw.get("clauses", {}).get("materials_9")
    return MediaLimits.from_mapping(programme.raw.get("media"), clause=clause)
