"""What the binder remembers between bindings (photos converted to PDF in the user cache, file
digests and per-content facts in memory) is never served for a file whose content changed, and
a volume bound from remembered facts is the same file as one bound from scratch."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pikepdf
import pytest
from PIL import Image

from bind_make import A4, make_pdf

from dossier.bind import Part, bind_volume, remember
from dossier.bind.intake import open_for_copy
from dossier.util import cache


@pytest.fixture(autouse=True)
def _fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    _new_process(monkeypatch)
    yield
    remember.forget()


def _new_process(monkeypatch) -> None:
    """Forget what this process remembers (facts, and the digests of util.cache), as a new process."""
    remember.forget()
    monkeypatch.setattr(cache, "_DIGESTS", None)
    monkeypatch.setattr(cache, "_DIGESTS_NEW", {})


def _photo(path, colour: str) -> bytes:
    Image.new("RGB", (300, 200), colour).save(path, "JPEG", quality=90, dpi=(100, 100))
    return path.read_bytes()


def _images_in(volume) -> list[bytes]:
    with pikepdf.open(volume) as pdf:
        return [
            obj.read_raw_bytes() for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image
        ]


def test_a_changed_photo_is_converted_again_not_taken_from_the_cache(tmp_path):
    red = _photo(tmp_path / "现场.jpg", "red")
    first = bind_volume([Part("现场", "现场.jpg")], tmp_path / "v1.pdf", base_dir=tmp_path)
    assert _images_in(tmp_path / "v1.pdf") == [red]
    assert len(list((tmp_path / "cache" / "bind-images").iterdir())) == 1

    blue = _photo(tmp_path / "现场.jpg", "blue")  # same name, same size in pixels
    assert blue != red
    second = bind_volume([Part("现场", "现场.jpg")], tmp_path / "v2.pdf", base_dir=tmp_path)
    assert _images_in(tmp_path / "v2.pdf") == [blue]
    assert first.manifest.inputs[0].sha256 != second.manifest.inputs[0].sha256
    assert second.manifest.inputs[0].sha256 == hashlib.sha256(blue).hexdigest()


def test_a_volume_from_the_image_cache_is_byte_identical_and_a_damaged_entry_is_remade(tmp_path):
    _photo(tmp_path / "现场.jpg", "green")
    parts = [Part("现场", "现场.jpg")]
    bind_volume(parts, tmp_path / "fresh.pdf", base_dir=tmp_path)
    (entry,) = (tmp_path / "cache" / "bind-images").iterdir()
    made = entry.read_bytes()
    bind_volume(parts, tmp_path / "cached.pdf", base_dir=tmp_path)
    assert (tmp_path / "cached.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes()

    entry.write_bytes(made[: len(made) // 2])  # cut short, as by a crash
    bind_volume(parts, tmp_path / "again.pdf", base_dir=tmp_path)
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes()
    with pikepdf.open(entry) as remade:  # whole again (img2pdf's /ID differs from run to run: not in the volume)
        assert len(remade.pages) == 1 and not remade.get_warnings()


def test_a_digest_is_remembered_only_for_a_settled_file_and_never_across_a_change(tmp_path, monkeypatch):
    f = tmp_path / "合同.pdf"
    f.write_bytes(b"%PDF-1.7 version one")
    assert cache.content_digest(f) == hashlib.sha256(b"%PDF-1.7 version one").hexdigest()
    assert cache.known_digest(f) is None  # written just now: could change again in the same clock tick

    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    cache.content_digest(f)
    assert cache.known_digest(f) == hashlib.sha256(b"%PDF-1.7 version one").hexdigest()
    st = f.stat()
    time.sleep(0.05)
    f.write_bytes(b"%PDF-1.7 version two")  # same size; modification time then set back
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.known_digest(f) is None  # the change time moved: no writer can set it back
    assert cache.content_digest(f) == hashlib.sha256(b"%PDF-1.7 version two").hexdigest()


def test_a_rebinding_in_the_same_process_sees_a_changed_page_under_the_seam(tmp_path, monkeypatch):
    """The seam-coverage answer is remembered by content: new content under the slice is warned
    about at once, and content moved away from it is no longer."""
    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # remember even files written just now
    w, _ = A4
    edge = f"0 g {w - 20:.1f} 300 20 300 re f\n".encode()
    margin = f"0 g {w - 220:.1f} 300 20 300 re f\n".encode()  # same length, away from the edge
    parts = [Part("证明", "证明.pdf")]

    def covered() -> bool:
        res = bind_volume(parts, tmp_path / "v.pdf", base_dir=tmp_path, page_numbers=False)
        return any("骑缝章切片" in x for x in res.warnings)

    make_pdf(tmp_path / "证明.pdf", [{"extra": edge}])
    assert covered() and covered()  # the second answer from memory
    time.sleep(0.05)
    make_pdf(tmp_path / "证明.pdf", [{"extra": margin}])
    assert not covered()
    time.sleep(0.05)
    make_pdf(tmp_path / "证明.pdf", [{"extra": edge}])
    assert covered()


def _scan(path, data: bytes) -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        image = pikepdf.Stream(pdf, data)
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 1000, len(data) // 1000, 8
        image.ColorSpace = pikepdf.Name.DeviceGray
        pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        pdf.pages[0].Contents = pikepdf.Stream(pdf, b"q 500 0 0 500 0 0 cm /Im0 Do Q")
        pdf.save(path, compress_streams=False)


def test_a_copied_page_reads_its_streams_from_disk_at_save_time_not_when_copied(tmp_path):
    """open_for_copy's sources are not held in memory by their copies: overwrite the image bytes
    in the file after copying, and the saved copy has the new bytes (pikepdf.open's copy would
    still have the old ones)."""
    old, new = b"\x10" * 1_000_000, b"\xe0" * 1_000_000
    _scan(tmp_path / "扫描.pdf", old)
    data = (tmp_path / "扫描.pdf").read_bytes()
    with open_for_copy(tmp_path / "扫描.pdf") as src, pikepdf.open(tmp_path / "扫描.pdf") as eager:
        lazy_out, eager_out = pikepdf.new(), pikepdf.new()
        lazy_out.pages.append(src.pages[0])
        eager_out.pages.append(eager.pages[0])
        (tmp_path / "扫描.pdf").write_bytes(data.replace(old, new))  # same offsets, other pixels
        lazy_out.save(tmp_path / "lazy.pdf", compress_streams=False)
        eager_out.save(tmp_path / "eager.pdf", compress_streams=False)
    assert new in (tmp_path / "lazy.pdf").read_bytes()
    assert old in (tmp_path / "eager.pdf").read_bytes()


@pytest.mark.parametrize("eager_bytes", [0, 1 << 40])
def test_inputs_opened_lazily_or_not_give_the_same_volume(tmp_path, monkeypatch, eager_bytes):
    from dossier.bind import volume

    _scan(tmp_path / "扫描.pdf", os.urandom(200_000))
    make_pdf(tmp_path / "合同.pdf", [{"text": "contract"}, {"rotate": 90}])
    parts = [Part("扫描", "扫描.pdf"), Part("合同", "合同.pdf")]
    bind_volume(parts, tmp_path / "default.pdf", base_dir=tmp_path)
    monkeypatch.setattr(volume, "_EAGER_BYTES", eager_bytes)
    bind_volume(parts, tmp_path / "v.pdf", base_dir=tmp_path)
    assert (tmp_path / "v.pdf").read_bytes() == (tmp_path / "default.pdf").read_bytes()


def test_a_files_digest_kept_on_disk_is_used_by_the_next_process_until_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    f = tmp_path / "扫描.pdf"
    f.write_bytes(b"%PDF-1.7 scanned pages one")
    first = cache.content_digest(f)
    cache._save_digests()  # at the process's exit
    (entry,) = (tmp_path / "cache" / "digests").iterdir()
    assert list(json.loads(entry.read_text()).values()) == [first]
    entry.write_text(json.dumps({k: "0" * 64 for k in json.loads(entry.read_text())}))
    _new_process(monkeypatch)  # what a later process finds there is what it uses: it does not hash again
    assert cache.content_digest(f) == "0" * 64

    st = f.stat()
    time.sleep(0.05)
    f.write_bytes(b"%PDF-1.7 scanned pages two")  # same size, modification time set back
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    _new_process(monkeypatch)
    assert cache.content_digest(f) == hashlib.sha256(b"%PDF-1.7 scanned pages two").hexdigest()


def test_a_rebinding_in_the_same_process_sees_a_changed_page_size(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # remember even files written just now
    parts = [Part("图纸", "图纸.pdf")]
    make_pdf(tmp_path / "图纸.pdf", [{"text": "drawing"}])
    sizes = [bind_volume(parts, tmp_path / "v.pdf", base_dir=tmp_path).manifest.pages[0].original_size for _ in range(2)]
    time.sleep(0.05)
    make_pdf(tmp_path / "图纸.pdf", [{"text": "drawing", "size": (A4[1], A4[0])}])
    sizes.append(bind_volume(parts, tmp_path / "v.pdf", base_dir=tmp_path).manifest.pages[0].original_size)
    assert sizes == [(595.28, 841.89), (595.28, 841.89), (841.89, 595.28)]
