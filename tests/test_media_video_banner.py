"""Video facts from ffmpeg's banner (dossier.media_inspection.video.read_banner): the same facts
moviepy's ``ffmpeg_parse_infos`` gave, which dossier used before, on real videos of every shape a
user may hand in (with and without sound, rotated, variable frame rate, NTSC rates, two video
streams, a cover picture, subtitles, chapters, other containers) and the same refusals (no
video, no duration, not a video, cut short); moviepy is the oracle, installed with the tests."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import pytest
from media_fixtures import FFMPEG

from dossier.media_inspection import inspect_media
from dossier.media_inspection.video import _banner, read_banner

pytestmark = pytest.mark.slow  # encodes videos

KEYS = ("video_found", "audio_found", "video_size", "video_fps", "video_codec_name", "duration")
PICTURE = ["-f", "lavfi", "-i", "color=c=blue:s=64x36:r=5:d=3"]
SOUND = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", "3"]
X264 = ["-c:v", "libx264", "-preset", "ultrafast"]
CHAPTERS = ";FFMETADATA1\n" + "".join(
    f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={a}\nEND={b}\ntitle=第{n}章\n" for n, (a, b) in enumerate([(0, 1500), (1500, 3000)], 1)
)


def _ffmpeg(*args: str | Path) -> None:
    subprocess.run([FFMPEG, "-y", "-loglevel", "error", *map(str, args)], check=True, timeout=60)


@pytest.fixture(scope="module")
def videos(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("banner")
    v = {name: d / name for name in (
        "无声.mp4", "有声.mp4", "旋转90.mp4", "旋转270.mp4", "变帧率.mp4", "NTSC.mp4", "电影.mp4", "纯音频.mp4", "两路画面.mp4",
        "第二路为默认.mp4", "封面.mp4", "字幕.mp4", "两章.mp4", "一章.mp4", "标题.mp4", "MPEG4.avi", "VP9.webm", "Opus.mkv",
        "裸流.h264", "-横线开头.mp4", "半截.mp4", "文字.mp4",
    )}
    _ffmpeg(*PICTURE, *X264, v["无声.mp4"])
    _ffmpeg(*PICTURE, *SOUND, *X264, "-c:a", "aac", v["有声.mp4"])
    _ffmpeg("-display_rotation", "90", "-i", v["无声.mp4"], "-c", "copy", v["旋转90.mp4"])
    _ffmpeg("-display_rotation", "270", "-i", v["有声.mp4"], "-c", "copy", v["旋转270.mp4"])
    _ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=64x36:r=25:d=4,setpts='if(lt(N,50),N/25/TB,(N-50)/10/TB+2/TB)'",
            "-fps_mode", "vfr", *X264, v["变帧率.mp4"])
    _ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x36:r=30000/1001:d=3", *X264, v["NTSC.mp4"])
    _ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x36:r=24000/1001:d=3", *X264, v["电影.mp4"])
    _ffmpeg(*SOUND, "-c:a", "aac", v["纯音频.mp4"])
    small = ["-f", "lavfi", "-i", "color=c=green:s=32x18:r=10:d=3"]
    _ffmpeg(*PICTURE, *small, "-map", "0", "-map", "1", *X264, v["两路画面.mp4"])
    _ffmpeg(*PICTURE, *small, "-map", "0", "-map", "1", *X264, "-disposition:v:0", "0", "-disposition:v:1", "default",
            v["第二路为默认.mp4"])
    _ffmpeg("-i", v["有声.mp4"], "-f", "lavfi", "-i", "testsrc=s=64x36:d=0.1", "-map", "0", "-map", "1", "-c", "copy",
            "-c:v:1", "mjpeg", "-disposition:v:1", "attached_pic", v["封面.mp4"])
    srt = d / "字幕.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\n字幕\n", encoding="utf-8")
    _ffmpeg("-i", v["有声.mp4"], "-i", srt, "-map", "0", "-map", "1", "-c", "copy", "-c:s", "mov_text", v["字幕.mp4"])
    two, one = d / "两章.txt", d / "一章.txt"
    two.write_text(CHAPTERS, encoding="utf-8")
    one.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=3000\ntitle=全片\n", encoding="utf-8")
    _ffmpeg("-i", v["无声.mp4"], "-i", two, "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", v["两章.mp4"])
    _ffmpeg("-i", v["无声.mp4"], "-i", one, "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", v["一章.mp4"])
    # A container tag of two lines, one of which reads like a stream line.
    _ffmpeg("-i", v["无声.mp4"], "-c", "copy", "-metadata", "title=成果\n视频", "-metadata", "comment=Stream #0:9: Video: x",
            v["标题.mp4"])
    _ffmpeg(*PICTURE, "-c:v", "mpeg4", v["MPEG4.avi"])
    _ffmpeg(*PICTURE, "-c:v", "libvpx-vp9", v["VP9.webm"])
    _ffmpeg(*PICTURE, *SOUND, *X264, "-c:a", "libopus", "-f", "matroska", v["Opus.mkv"])
    _ffmpeg(*PICTURE, *X264, v["裸流.h264"])  # no container: "Duration: N/A"
    v["-横线开头.mp4"].write_bytes(v["无声.mp4"].read_bytes())
    v["半截.mp4"].write_bytes(v["有声.mp4"].read_bytes()[:3000])
    v["文字.mp4"].write_text("不是视频", encoding="utf-8")
    return v


def _moviepy(path: Path) -> dict:
    from moviepy.video.io.ffmpeg_reader import ffmpeg_parse_infos

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moviepy warns of the subtitle and data streams it skips
        try:
            infos = ffmpeg_parse_infos(str(path), check_duration=True, decode_file=False)
        except OSError:
            return {"refused": True}
    return {k: infos[k] for k in KEYS if k in infos}


def _ours(path: Path) -> dict:
    try:
        return read_banner(_banner(path))
    except OSError:
        return {"refused": True}


def test_the_facts_are_moviepys_on_every_kind_of_video(videos, monkeypatch):
    monkeypatch.chdir(next(iter(videos.values())).parent)  # "-横线开头.mp4" given as a bare name
    names = [name for name in videos if name != "一章.mp4"]
    ours = {name: _ours(Path(name)) for name in names}
    assert ours == {name: _moviepy(Path(name)) for name in names}
    # The cases are really there: a shape that was never met proves nothing.
    assert ours["有声.mp4"] == {"video_found": True, "audio_found": True, "video_size": [64, 36], "video_fps": 5.0,
                                "video_codec_name": "h264", "duration": 3.0}
    assert ours["无声.mp4"]["audio_found"] is False and ours["旋转90.mp4"]["video_size"] == [64, 36]
    assert ours["变帧率.mp4"]["video_fps"] == 14.45 and ours["NTSC.mp4"]["video_fps"] == 30 * 1000 / 1001
    assert ours["第二路为默认.mp4"]["video_size"] == [32, 18] and ours["两路画面.mp4"]["video_size"] == [64, 36]
    assert ours["纯音频.mp4"] == {"video_found": False, "audio_found": True, "duration": 3.0}
    assert ours["VP9.webm"]["video_codec_name"] == "vp9" and ours["MPEG4.avi"]["video_codec_name"] == "mpeg4"
    assert [n for n in names if ours[n] == {"refused": True}] == ["裸流.h264", "半截.mp4", "文字.mp4"]


def test_a_video_with_one_chapter_is_read(videos):
    """moviepy's parser failed on exactly one chapter (and called the video unreadable); two were fine."""
    assert _moviepy(videos["一章.mp4"]) == {"refused": True}
    assert _ours(videos["一章.mp4"]) == _ours(videos["无声.mp4"]) == _ours(videos["两章.mp4"])
    report = inspect_media(videos["一章.mp4"])
    assert report.facts["duration_seconds"] == "3.00"
    assert not [f for f in report.findings if f.severity == "error"]


def test_a_rotated_video_gives_its_stored_size():
    """The size is the stored one (a phone's portrait video is 1920×1080 turned by 90°), as before."""
    banner = (
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':\n"
        "  Duration: 00:02:59.99, start: 0.000000, bitrate: 4 kb/s\n"
        "  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv), 1920x1080, 9 kb/s, 29.97 fps, "
        "29.97 tbr, 600 tbn (default)\n"
        "    Side data:\n"
        "      Display Matrix: rotation of -90.00 degrees\n"
        "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)\n"
    )
    assert read_banner(banner) == {
        "video_found": True, "audio_found": True, "video_size": [1920, 1080], "video_fps": 30 * 1000 / 1001,
        "video_codec_name": "hevc", "duration": 179.99,
    }


def test_a_video_stream_without_a_frame_rate_takes_tbr_and_one_without_either_is_refused():
    head = "Input #0\n  Duration: 00:00:03.00, start: 0.000000\n"
    cover = "  Stream #0:0: Video: mjpeg (Baseline), yuvj444p(pc), 64x36, 90k tbr, 90k tbn (attached pic)\n"
    assert read_banner(head + cover)["video_fps"] == 90000.0
    with pytest.raises(OSError):
        read_banner(head + "  Stream #0:0: Video: h264, yuv420p, 64x36, 1k tbn\n")
