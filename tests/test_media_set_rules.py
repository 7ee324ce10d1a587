"""Item 9 as a set: exactly 3 photos, one PPT, one video, one summary; and the limits' source."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dossier.media_inspection import MediaLimits, check_media_set, limits_for_programme
from dossier.util.errors import InputError


def names(*files: str) -> list[Path]:
    return [Path("media") / f for f in files]


def test_complete_set_passes():
    assert check_media_set(names("1.jpg", "2.JPG", "3.png", "汇报.pptx", "视频.mp4", "简介.txt")) == []


def test_two_photos_and_no_video_fail():
    found = check_media_set(names("1.jpg", "2.jpg", "汇报.pptx", "简介.txt"))
    assert {f.code for f in found} == {"M-SET-PHOTO-COUNT", "M-SET-VIDEO-COUNT"}
    photo = next(f for f in found if f.code == "M-SET-PHOTO-COUNT")
    assert "3 张" in photo.message and "实际 2 张" in photo.message and "1.jpg" in photo.message
    assert all(f.severity == "error" and f.item == 9 for f in found)


def test_four_photos_and_two_decks_fail():
    found = check_media_set(names("1.jpg", "2.jpg", "3.jpg", "4.jpg", "a.pptx", "b.pptx", "v.mov", "s.txt"))
    assert {f.code for f in found} == {"M-SET-PHOTO-COUNT", "M-SET-PPT-COUNT"}


def test_profile_limits_match_the_2025_notice():
    limits = limits_for_programme("wuhan-2025")
    assert limits == MediaLimits()  # the defaults are the notice
    assert limits.video_max_seconds == Decimal(180) and limits.photo_min_bytes == 1_048_576
    assert "3分钟以内" in limits.clause


def test_unknown_profile_key_is_refused():
    with pytest.raises(InputError, match="max_minutes"):
        MediaLimits.from_mapping({"video": {"max_minutes": 3}})


def test_float_seconds_are_refused():
    with pytest.raises(InputError):
        MediaLimits.from_mapping({"video": {"max_seconds": 180.0}})
    assert MediaLimits.from_mapping({"video": {"max_seconds": "179.5"}}).video_max_seconds == Decimal("179.5")
