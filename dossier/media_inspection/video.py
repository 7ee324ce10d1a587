"""Video: duration, codec, resolution read from the container by ``ffmpeg -i`` (no decoding).

imageio-ffmpeg's static ffmpeg (there is no ffprobe) prints what it knows of the file on stderr;
:func:`read_banner` reads the few facts the rules need from it: 15–20 ms, right for mp4, mov,
fragmented mp4 and mkv (a pure ``mvhd`` parse returns nothing for the last two). It reads the
banner as moviepy's ``ffmpeg_parse_infos`` did (the same patterns, the same stream chosen, the same
files refused) without importing moviepy, which loads numpy and its audio effects with it (~0.35 s
of CPU); it does not refuse a video with exactly one chapter, which moviepy's parser failed on.
Decoding every frame to count them is never done.

Duration rule: ffmpeg prints the duration to the centisecond. A player shows whole seconds with
the fraction dropped, so 180.00–180.99 s all show "3:00". The notice says "3分钟以内": a duration
that shows more than 3:00 (≥ 181.00 s for a 180 s limit) is an error; above 180.00 s but still
shown as 3:00 is a warning (a strict reviewer may count the fraction), so "exactly 3:00" passes
and "3:01" fails.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from dossier.media_inspection.kinds import sniff
from dossier.media_inspection.limits import MediaLimits
from dossier.media_inspection.result import Collector
from dossier.util.errors import ToolError

_CONTAINER_OF_EXTENSION = {
    ".mp4": "MP4", ".m4v": "MP4", ".mov": "MP4", ".3gp": "MP4",
    ".mkv": "MKV", ".webm": "MKV", ".avi": "AVI",
}

_CODEC_LABEL = {"h264": "H.264", "hevc": "H.265/HEVC", "av1": "AV1", "vp9": "VP9", "mpeg4": "MPEG-4"}


def fmt_duration(seconds: Decimal) -> str:
    """``Decimal('181.00')`` → ``'3:01（181.00 秒）'``: what a player shows, then the exact figure."""
    whole = int(seconds.to_integral_value(rounding=ROUND_FLOOR))
    return f"{whole // 60}:{whole % 60:02d}（{seconds:.2f} 秒）"


def probe(path: Path) -> dict[str, Any]:
    """ffmpeg's view of the container (:func:`read_banner`); raises OSError for what ffmpeg cannot read."""
    from dossier.util.cache import cached_json

    try:
        # ffmpeg costs ~0.15 s a file to start; a rebuild asks about the same video again.
        return cached_json("video-banner", path, lambda: read_banner(_banner(path)))
    except FileNotFoundError as exc:
        raise ToolError("无法运行 ffmpeg", hint="重新安装：pip install imageio-ffmpeg") from exc


def _banner(path: Path) -> str:
    """What ``ffmpeg -hide_banner -i PATH`` prints on stderr (it exits 1: no output file is given)."""
    import os
    import subprocess

    try:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:  # imageio-ffmpeg raises this when its binary is missing
        raise ToolError("找不到 ffmpeg（应随 imageio-ffmpeg 一起安装）", hint="重新安装：pip install imageio-ffmpeg") from exc
    name = str(path)
    # A name starting with "-" would be read as an option; CREATE_NO_WINDOW keeps Windows from opening a console.
    args = [ffmpeg, "-hide_banner", "-i", f"./{name}" if name.startswith("-") else name]
    flags = {"creationflags": 0x08000000} if os.name == "nt" else {}
    proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, check=False, **flags)
    return proc.stderr.decode("utf8", errors="ignore")


# The patterns of moviepy's FFmpegInfosParser (moviepy 2.2, MIT licence), which dossier used before.
# Kept as text: compiled (by re, once) only when a video is probed, not by every check that imports this.
_STREAM = r"^Stream\s#(\d+):(\d+)(?:\[\w+\])?\(?(\w+)?\)?:\s(\w+):"
_SIZE = r" (\d+)x(\d+)[,\s]"
_FPS = r" (\d+.?\d*) fps"
_TBR = r" (\d+.?\d*k?) tbr"
_CODEC = r"Video:\s(\w+)?\s?(\([^)]+\))?"
_DURATION = r"([0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9])"


def read_banner(text: str) -> dict[str, Any]:
    """The facts of ffmpeg's banner for one input: ``video_found``, ``audio_found``, ``duration``
    (seconds, a float of the printed centiseconds) and, of the video stream, ``video_size``
    ([width, height] as stored, before any rotation), ``video_fps`` and ``video_codec_name``.

    The stream read is the first one of its type marked ``(default)``, else the first of its type.
    Raises OSError where the banner holds no stream, a stream line or a duration that cannot be
    read, or a video stream without a duration or a frame rate (fps, else tbr) — as moviepy did.
    """
    in_file_metadata = False
    streams: list[tuple[str, bool, str]] = []  # (type, marked default, line)
    duration: float | None = None
    for line in text.splitlines()[1:]:
        if not line.startswith(" "):
            continue  # "Input #0, …", ffmpeg's own notes, "At least one output file must be specified"
        if not in_file_metadata and line.startswith("  Metadata:"):
            in_file_metadata = True
        elif line.startswith("  Duration:"):
            in_file_metadata = False
            found = re.search(_DURATION, line.split("Duration: ")[-1])
            if found is None:  # "Duration: N/A" (a raw stream)
                raise OSError("ffmpeg gives no duration")
            parts = [float(part.replace(",", ".")) for part in found.group(1).split(":")]
            duration = sum(factor * part for factor, part in zip((1, 60, 3600), reversed(parts)))
        elif in_file_metadata:
            continue  # the container's tags (a title may even read "Stream #0:0: …")
        elif line.lstrip().startswith("Stream "):
            found = re.search(_STREAM, line.lstrip())
            if found is None:
                raise OSError(f"unreadable stream line: {line.strip()}")
            kind = found.group(4).lower()
            default = line.endswith("(default)") and not any(t == kind and d for t, d, _ in streams)
            streams.append((kind, default, line))
    if not streams:
        raise OSError("ffmpeg finds no stream")
    chosen: dict[str, str] = {}
    for kind, default, line in streams:
        if default:
            chosen.setdefault(kind, line)
    for kind, _default, line in streams:
        chosen.setdefault(kind, line)
    facts: dict[str, Any] = {"video_found": "video" in chosen, "audio_found": "audio" in chosen}
    if "video" in chosen:
        facts.update(_video_stream(chosen["video"]))
        if duration is None:
            raise OSError("ffmpeg gives no duration")
    if duration is not None:
        facts["duration"] = duration
    return facts


def _video_stream(line: str) -> dict[str, Any]:
    size = re.search(_SIZE, line)
    try:
        fps = float(re.search(_FPS, line).group(1))  # type: ignore[union-attr]
    except (AttributeError, ValueError):  # no "fps": the tbr figure
        tbr = re.search(_TBR, line)
        if tbr is None:
            raise OSError("ffmpeg gives no frame rate")
        text = tbr.group(1)
        fps = float(text[:-1]) * 1000 if text.endswith("k") else float(text)
    # ffmpeg prints 24000/1001 as 23.98: taken as the exact NTSC rate, as moviepy did.
    coef = 1000.0 / 1001.0
    for x in (23, 24, 25, 30, 50):
        if fps != x and abs(fps - x * coef) < 0.01:
            fps = x * coef
    codec = re.search(_CODEC, line.lstrip())
    return {
        "video_size": [int(n) for n in size.groups()] if size else None,
        "video_fps": fps,
        "video_codec_name": codec.group(1) if codec else None,
    }


def inspect_video(path: Path, out: Collector, size: int, limits: MediaLimits) -> dict[str, Any]:
    name = path.name
    with open(path, "rb") as fh:
        content = sniff(fh.read(64))
    expected = _CONTAINER_OF_EXTENSION.get(path.suffix.lower())
    if expected and content and content != expected and content in ("MP4", "MKV", "AVI"):
        out.warning("M-VIDEO-EXT-MISMATCH", f"视频 {name} 的扩展名是 {path.suffix}，内容却是 {content}；请改用正确的扩展名。")

    try:
        infos = probe(path)
    except (OSError, ValueError, IndexError, KeyError, AttributeError) as exc:
        # read_banner raises OSError; the others would be a banner of a shape never met.
        del exc
        out.error("M-VIDEO-UNREADABLE", f"视频 {name} 无法读取（文件不完整、已损坏或不是视频）；请重新导出。")
        return {}
    if not infos.get("video_found"):
        out.error("M-VIDEO-UNREADABLE", f"视频 {name} 中没有视频画面（可能只是音频）；请重新导出。")
        return {}

    # A .mov is an ISO media file like .mp4; name the container the way the user knows it.
    container = path.suffix.lstrip(".").upper() if content and content == expected else (content or "")
    facts: dict[str, Any] = {"container": container, "codec": infos.get("video_codec_name") or ""}
    size_wh = infos.get("video_size") or [0, 0]
    facts["width"], facts["height"] = int(size_wh[0]), int(size_wh[1])
    if infos.get("video_fps"):
        # format "f": normalize() alone turns 10.00 into "1E+1"
        facts["fps"] = format(Decimal(repr(float(infos["video_fps"]))).quantize(Decimal("0.01")).normalize(), "f")
    facts["audio"] = bool(infos.get("audio_found"))

    raw = infos.get("duration")
    if raw is None:
        out.error("M-VIDEO-DURATION", f"视频 {name} 读不出时长（文件头不完整）；请用剪辑软件重新导出为 MP4。")
        return facts
    # ffmpeg prints centiseconds; read_banner hands them over as a float. Back to the printed figure.
    duration = Decimal(repr(float(raw))).quantize(Decimal("0.01"))
    facts["duration_seconds"] = str(duration)
    facts["duration_shown"] = fmt_duration(duration).split("（")[0]
    _check_duration(name, out, duration, limits)
    _recommend(name, out, facts, limits)
    return facts


def _check_duration(name: str, out: Collector, duration: Decimal, limits: MediaLimits) -> None:
    limit = limits.video_max_seconds
    shown = duration.to_integral_value(rounding=ROUND_FLOOR)
    limit_text = f"{limit // 60}分钟" if limit % 60 == 0 else f"{limit} 秒"
    shown_limit = fmt_duration(limit).split("（")[0]
    if shown > limit:
        over = duration - limit
        out.error(
            "M-VIDEO-DURATION",
            f"视频 {name} 时长 {fmt_duration(duration)}，超过通知要求的“{limit_text}以内”；请剪掉至少 {over:.2f} 秒。",
        )
    elif duration > limit:
        out.warning(
            "M-VIDEO-DURATION-NEAR",
            f"视频 {name} 时长 {fmt_duration(duration)}：播放器显示 {shown_limit}，但比 {limit} 秒多 "
            f"{duration - limit:.2f} 秒；为稳妥起见请剪到 {limit} 秒以内。",
        )


def _recommend(name: str, out: Collector, facts: dict[str, Any], limits: MediaLimits) -> None:
    container_ok = facts["container"] == limits.video_recommended_container.upper()
    codec_ok = facts["codec"].lower() == limits.video_recommended_codec
    if not (container_ok and codec_ok):
        codec = _CODEC_LABEL.get(facts["codec"], facts["codec"] or "未知编码")
        want = _CODEC_LABEL.get(limits.video_recommended_codec, limits.video_recommended_codec)
        out.info(
            "M-VIDEO-FORMAT",
            f"视频 {name} 是 {facts['container'] or '未知容器'}（{codec}）；"
            f"建议导出为 {limits.video_recommended_container.upper()}（{want}），各种电脑都能直接播放。",
        )
    short_edge = min(facts["width"], facts["height"])
    if short_edge < limits.video_recommended_height:
        out.info(
            "M-VIDEO-RESOLUTION",
            f"视频 {name} 分辨率 {facts['width']}×{facts['height']}，低于建议的 {limits.video_recommended_height}p。",
        )
