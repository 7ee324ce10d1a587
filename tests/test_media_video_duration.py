"""Video: "3分钟以内" read from the container, right at the boundary, for every container."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_fixtures import video

from dossier.media_inspection import inspect_media

pytestmark = pytest.mark.slow  # encodes videos


@pytest.fixture(scope="session")
def videos(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("videos")
    return {
        "180.mp4": video(d / "成果180.mp4", "180", audio=True),
        "181.mp4": video(d / "成果181.mp4", "181"),
        "180.5.mp4": video(d / "成果180.5.mp4", "180.5", fps=10),
        "180.mov": video(d / "成果180.mov", "180"),
        "181.mkv": video(d / "成果181.mkv", "181"),
        "frag200.mp4": video(d / "分片200.mp4", "200", fragmented=True),
        "frag180.mp4": video(d / "分片180.mp4", "180", fragmented=True),
    }


def errors(report) -> list[str]:
    return [f.code for f in report.findings if f.severity == "error"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["180.mp4", "180.mov", "frag180.mp4"])
def test_exactly_three_minutes_passes(videos, name):
    report = inspect_media(videos[name])
    assert report.facts["duration_seconds"] == "180.00"
    assert report.facts["duration_shown"] == "3:00"
    assert errors(report) == []
    assert not [f for f in report.findings if f.code == "M-VIDEO-DURATION-NEAR"]


@pytest.mark.parametrize("name", ["181.mp4", "181.mkv"])
def test_three_minutes_one_second_fails_and_names_the_file(videos, name):
    report = inspect_media(videos[name])
    assert errors(report) == ["M-VIDEO-DURATION"]
    message = next(f.message for f in report.findings if f.code == "M-VIDEO-DURATION")
    assert videos[name].name in message and "3:01" in message and "3分钟以内" in message


def test_fragmented_mp4_of_200_seconds_fails(videos):
    report = inspect_media(videos["frag200.mp4"])
    assert report.facts["duration_seconds"] == "200.00"
    assert errors(report) == ["M-VIDEO-DURATION"]


def test_half_a_second_over_shows_3_00_and_is_warned(videos):
    report = inspect_media(videos["180.5.mp4"])
    assert report.facts["duration_seconds"] == "180.50"
    assert errors(report) == []
    assert [f.severity for f in report.findings if f.code == "M-VIDEO-DURATION-NEAR"] == ["warning"]


def test_codec_resolution_and_size_are_reported(videos):
    report = inspect_media(videos["180.mp4"])
    assert report.facts["codec"] == "h264"
    assert (report.facts["width"], report.facts["height"]) == (64, 36)
    assert report.facts["container"] == "MP4" and report.facts["audio"] is True
    assert report.size_bytes == videos["180.mp4"].stat().st_size
    # below 1080p is only a recommendation
    assert {f.code: f.severity for f in report.findings} == {"M-VIDEO-RESOLUTION": "info"}


def test_mkv_gets_an_mp4_recommendation(videos):
    codes = {f.code: f.severity for f in inspect_media(videos["181.mkv"]).findings}
    assert codes["M-VIDEO-FORMAT"] == "info"


def test_truncated_mp4_is_unreadable(videos, tmp_path):
    data = videos["181.mp4"].read_bytes()
    cut = tmp_path / "半截.mp4"
    cut.write_bytes(data[: len(data) // 2])  # the moov box is at the end: gone
    report = inspect_media(cut)
    assert errors(report) == ["M-VIDEO-UNREADABLE"]
    assert "半截.mp4" in report.findings[0].message


def test_text_named_mp4_is_unreadable(tmp_path):
    path = tmp_path / "假视频.mp4"
    path.write_text("不是视频", encoding="utf-8")
    assert errors(inspect_media(path)) == ["M-VIDEO-UNREADABLE"]
