"""Hostile images: decompression bombs, lying headers, truncation — through ``dossier bind`` (scans)
and ``dossier media`` (photos). Refused in Chinese naming the file, or reported as a finding."""

from __future__ import annotations

import io
import random
import signal
import struct
import zlib
from pathlib import Path

import pytest
from bind_make import make_jpeg_exif, make_png, make_png_bomb, make_tiff
from hostile.hostile_util import FOUND, assert_refused, files_under, run_cli, tally
from PIL import Image

from dossier.bind import bind_files
from dossier.media_inspection import inspect_media
from dossier.util.errors import InputError


def _jpeg_claiming(w: int, h: int) -> bytes:
    """A small real JPEG whose SOF0 header claims w×h pixels."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", h, w)
    return bytes(data)


def _png_chunks(w: int, h: int, idat: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _truncated_jpeg(path: Path) -> bytes:
    make_jpeg_exif(path)
    return path.read_bytes()[: len(path.read_bytes()) * 2 // 3]


def _many_frames_tiff(path: Path) -> bytes:
    ims = [Image.new("L", (1, 1)) for _ in range(2100)]
    ims[0].save(path, "TIFF", save_all=True, append_images=ims[1:])
    return path.read_bytes()


def _png_bomb_bytes(path: Path) -> bytes:
    return make_png_bomb(path).read_bytes()


# name, file suffix, maker(tmp path) → bytes, what bind must do ("ok" or words of the refusal)
CASES = {
    "png_bomb_60000": (".png", _png_bomb_bytes, "解压炸弹"),
    "png_bomb_real_zlib": (".png", lambda p: _png_chunks(20000, 20000, zlib.compress(b"\0" * 50_000_000, 9)), "解压炸弹"),
    "jpeg_claims_65500": (".jpg", lambda p: _jpeg_claiming(65500, 65500), "解压炸弹"),
    "jpeg_claims_zero": (".jpg", lambda p: _jpeg_claiming(0, 100), "图片"),
    "jpeg_truncated": (".jpg", _truncated_jpeg, "图片"),
    "png_bad_crc": (".png", lambda p: make_png(p).read_bytes()[:-8] + b"\0\0\0\0" + make_png(p).read_bytes()[-4:], "ok|图片"),
    "png_truncated": (".png", lambda p: make_png(p).read_bytes()[:120], "图片"),
    "tiff_2100_frames": (".tiff", _many_frames_tiff, "帧"),
    "gif_renamed_jpg": (".jpg", lambda p: b"GIF89a" + b"\0" * 200, "不是 PDF"),
    "empty": (".png", lambda p: b"", "空"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_scan_image_binds_or_is_refused(tmp_path, case):
    suffix, make, outcome = CASES[case]
    src = tmp_path / f"手机扫描{suffix}"
    data = make(tmp_path / f"seed{suffix}")
    src.write_bytes(data)
    res = run_cli("bind", src, "-o", tmp_path / "out" / "卷.pdf", timeout=120)
    tally("image")
    assert src.read_bytes() == data
    if res.returncode == 0:
        assert "ok" in outcome, res.stdout + res.stderr
    else:
        assert_refused(res, "手机扫描")
        assert any(w in res.stderr for w in outcome.split("|") if w != "ok"), res.stderr
        assert files_under(tmp_path / "out") == []


@pytest.mark.slow
@pytest.mark.parametrize("case", ["png_bomb_60000", "png_bomb_real_zlib", "jpeg_claims_65500", "jpeg_truncated", "png_truncated"])
def test_hostile_photo_is_a_finding_naming_the_file(tmp_path, case):
    suffix, make, _ = CASES[case]
    src = tmp_path / f"典型图片{suffix}"
    src.write_bytes(make(tmp_path / f"seed{suffix}"))
    res = run_cli("media", src, "--json")
    tally("image")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Traceback" not in res.stderr and "典型图片" in res.stdout
    assert any(code in res.stdout for code in ("M-PHOTO-PIXELS", "M-PHOTO-CORRUPT")), res.stdout


FUZZ_ITERATIONS = 150


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="the per-iteration timeout uses SIGALRM")
def test_fuzz_image_intake(tmp_path):
    """Mutated JPEG/PNG/TIFF scans and photos: bind ends in a volume or InputError naming the file;
    the photo check never raises for what is inside a file."""
    rng = random.Random(7)
    seeds = [(make_jpeg_exif(tmp_path / "s.jpg").read_bytes(), ".jpg"), (make_png(tmp_path / "s.png").read_bytes(), ".png"),
             (make_tiff(tmp_path / "s.tiff", 2).read_bytes(), ".tiff")]
    failures: list[str] = []

    def hang(*_):
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, hang)
    try:
        for it in range(FUZZ_ITERATIONS):
            data, suffix = rng.choice(seeds)
            b = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                op = rng.randrange(4)
                if op == 0:
                    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
                elif op == 1:
                    b = b[: max(8, rng.randrange(len(b)))]
                elif op == 2:
                    i, k = rng.randrange(len(b)), rng.randrange(len(b))
                    b[k:k] = b[i : i + rng.randint(1, 100)]
                elif len(b) > 9:
                    i = rng.randrange(8, len(b))
                    b[i : i + 4] = b"\xff\xff\xff\x7f"  # a size field gone wild
            src = tmp_path / f"扫描{suffix}"
            src.write_bytes(bytes(b))
            out = tmp_path / "out" / "卷.pdf"
            for what, call in (("bind", lambda: bind_files([src], out, guide=False)), ("media", lambda: inspect_media(src))):
                if what == "media" and out.parent.exists():
                    for p in out.parent.iterdir():
                        p.unlink()
                signal.alarm(20)
                try:
                    call()
                except InputError as exc:
                    if "扫描" not in exc.render():
                        failures.append(f"{what} iteration {it}: message does not name the file: {exc.render()!r}")
                    if files_under(tmp_path / "out"):
                        failures.append(f"{what} iteration {it}: output left behind")
                except TimeoutError:
                    failures.append(f"{what} iteration {it}: no answer within 20 s")
                except Exception as exc:  # noqa: BLE001 - this is what the fuzz looks for
                    failures.append(f"{what} iteration {it}: {type(exc).__name__}: {exc}")
                finally:
                    signal.alarm(0)
            if out.parent.exists():
                for p in out.parent.iterdir():
                    p.unlink()
    finally:
        signal.signal(signal.SIGALRM, old)
        tally("image-fuzz", FUZZ_ITERATIONS)
    FOUND.extend(f"image-fuzz {f}" for f in failures)
    assert not failures, "\n".join(failures[:20])
