"""Evidence intake: open each input (PDF, OFD or scan image) read-only and describe its pages.

Inputs are never written. PDFs are repaired in memory by qpdf when damaged; encrypted PDFs need
their password. Images become a one-page-per-frame PDF through img2pdf (JPEG embedded as is),
kept in the user cache by the image's content; pixel data is streamed from disk at save time,
not held in memory (:func:`open_for_copy`).

Pitfall (pikepdf #465): every :class:`Source` ``pdf`` must stay open until the volume is saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from dossier.bind.geometry import Rect, intersect, normal_rect, normal_rotation
from dossier.util.errors import InputError, PasswordError

# Pillow's own bomb threshold; an image above it is refused, not decoded.
MAX_PIXELS = 89_478_485
MAX_FRAMES = 2000
_IMAGE_KINDS = {"jpeg", "png", "tiff"}


@dataclass(frozen=True)
class SourcePage:
    box: Rect  # visible box: CropBox ∩ MediaBox, in the page's user space
    rotate: int  # /Rotate, normalised to 0/90/180/270
    original_size: tuple[float, float]  # as displayed, in points


@dataclass
class Source:
    file: str  # as the caller gave it
    path: Path
    kind: str  # pdf / ofd / jpeg / png / tiff
    pdf: object  # pikepdf.Pdf, open until the volume is saved
    pages: list[SourcePage]
    digest: Future[str] | str
    warnings: list[str] = field(default_factory=list)
    password: str | None = None
    # Set by the binder once it has read the file: the active content found (Chinese words) and
    # each page wrapped as a Form XObject (the source changed in memory). A source kept open for
    # the next binding (:mod:`dossier.bind.kept`) is not read or wrapped again.
    active: list[str] | None = None
    forms: list | None = None

    @property
    def sha256(self) -> str:
        return self.digest if isinstance(self.digest, str) else self.digest.result()


def sniff_file(path: Path) -> str | None:
    """:func:`sniff_input` of the file's first 1,024 bytes; raises :class:`OSError` when unreadable."""
    with open(path, "rb") as fh:
        return sniff_input(fh.read(1024))


def sniff_input(head: bytes) -> str | None:
    """What a bind input's first bytes announce: pdf, jpeg, png, tiff or zip (an OFD when it holds
    OFD.xml). Item-9 files have a sniffer of their own, :func:`dossier.media_inspection.kinds.sniff`."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # an OFD when it holds OFD.xml
    return None


def _is_ofd(path: Path) -> bool:
    from dossier.evidence.ofd import is_ofd

    return is_ofd(path)


def _open_ofd(path: Path, file: str, tmpdir: Path, lazy: bool = True):
    """An OFD (数电发票, 电子回单) drawn as a PDF with searchable text in the private folder."""
    import pikepdf

    from dossier.evidence.ofd import ofd_to_pdf

    data = ofd_to_pdf(path, file)  # InputError naming `file` when it cannot be read
    out = tmpdir / f"{hashlib.sha256(str(path).encode()).hexdigest()[:16]}.pdf"
    out.write_bytes(data)
    return open_for_copy(out, lazy=lazy)


def open_source(
    path: Path,
    file: str,
    *,
    password: str | None,
    tmpdir: Path,
    executor: Executor | None = None,
    lazy: bool = True,
) -> Source:
    """Open one input; raise :class:`InputError` / :class:`PasswordError` naming ``file`` if unusable.

    ``lazy``: see :func:`open_for_copy` (False: faster to open, but copying holds its streams
    in memory)."""
    if not path.is_file():
        raise InputError("文件不存在或不是普通文件。", file=file, hint="检查文件名和路径。")
    size = path.stat().st_size
    if size == 0:
        raise InputError("文件是空的（0 字节）。", file=file, hint="重新导出或重新扫描这份材料。")
    kind = sniff_file(path)
    if kind == "zip" and path.suffix.lower() == ".ofd" or kind == "zip" and _is_ofd(path):
        kind = "ofd"
    elif kind == "zip":
        kind = None
    if kind is None:
        raise InputError(
            "不是 PDF、OFD，也不是可识别的图片（JPEG、PNG、TIFF）。",
            file=file,
            hint="把材料另存为 PDF，或扫描为 JPEG/PNG/TIFF 后再装订。",
        )
    from dossier.util.cache import content_digest, known_digest

    digest: Future[str] | str | None = known_digest(path)
    if digest is None:
        digest = executor.submit(content_digest, path) if executor else content_digest(path)
    notes: list[str] = []
    if kind == "pdf":
        pdf = _open_pdf(path, file, password, notes, lazy)
    elif kind == "ofd":
        pdf = _open_ofd(path, file, tmpdir, lazy)
    else:
        digest = digest if isinstance(digest, str) else digest.result()
        pdf = _open_image(path, file, kind, tmpdir, digest, lazy)
    if isinstance(digest, str):  # known already: the same content was described before
        from dossier.bind.remember import in_memory

        pages = in_memory(f"pages-{kind}", digest, lambda: tuple(_describe(pdf, file)))
    else:
        pages = _describe(pdf, file)
    return Source(file, path, kind, pdf, list(pages), digest, notes, password)


def _open_pdf(path: Path, file: str, password: str | None, notes: list[str], lazy: bool = True):
    import pikepdf

    try:
        pdf = open_for_copy(path, password, lazy=lazy)
    except pikepdf.PasswordError:
        if password:
            raise PasswordError(
                "PDF 密码不正确，无法打开。", file=file, hint=f"用 --password {Path(file).name}=正确密码 重新运行。"
            ) from None
        raise PasswordError(
            "PDF 已加密，需要密码才能打开。",
            file=file,
            hint=f"向材料提供方索取密码，用 --password {Path(file).name}=密码 提供。",
        ) from None
    except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
        # qpdf reports some damage as QpdfRuntimeError (“/Count is wrong after flattening pages tree”).
        raise InputError(
            f"PDF 已损坏，无法修复（{_short(exc)}）。", file=file, hint="向材料提供方重新索取或重新导出 PDF。"
        ) from None
    try:
        count = len(pdf.pages)
    except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
        raise InputError(f"PDF 页面结构损坏（{_short(exc)}）。", file=file, hint="重新导出这份 PDF。") from None
    if count == 0:
        raise InputError("PDF 没有任何页面。", file=file, hint="检查是否导出了空文件。")
    if pdf.get_warnings():
        notes.append(f"{file}：PDF 结构有损坏，已在内存中自动修复（原文件未改动），请核对装订后的页面。")
        for number, page in enumerate(pdf.pages, 1):
            try:
                contents = page.obj.get("/Contents")
                for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
                    if isinstance(stream, pikepdf.Stream):
                        stream.read_bytes()
            except Exception as exc:  # noqa: BLE001 - any decode failure means the page is lost
                raise InputError(
                    f"PDF 页面内容损坏，无法修复（{_short(exc)}）。", file=file, page=number, hint="重新导出这份 PDF。"
                ) from None
    return pdf


_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def open_for_copy(path: Path, password: str | None = None, *, lazy: bool = True):
    """``path`` opened read-only for copying from; raises as ``pikepdf.open``. With ``lazy``, its
    stream data is read only when the volume is written; without, ``pikepdf.open`` opens it,
    ~0.3 ms a file faster (the binder opens inputs so until they add up to 16 MB).

    ``pikepdf.open`` marks every ``Pdf`` it opens for qpdf's "immediate copy": ``copy_foreign``
    then reads each copied stream into memory at once, so binding 120 MB of scans held 120 MB.
    A ``Pdf`` made by qpdf's own job machinery (``pikepdf.Job``, the code behind ``qpdf
    --pages``) is not marked: qpdf copies a reference to the source's bytes and streams them
    from disk at save time. The written bytes are the same either way.

    ``pikepdf.open`` also pushes attributes a page inherits from its page tree (/Resources,
    /MediaBox, /CropBox, /Rotate) down to the page, which the binder's page wrapping relies
    on; a file whose page tree holds any is opened by ``pikepdf.open`` instead (rare: it
    costs memory, not correctness).
    """
    import pikepdf

    name = str(Path(path).absolute())
    if not lazy or not _utf8(name):  # qpdf's job takes UTF-8 names (JSON)
        return pikepdf.open(path, password=password or "", access_mode=pikepdf.AccessMode.stream)
    spec = {"inputFile": name, "password": password or "", "outputFile": "-", "noWarn": ""}
    pdf = pikepdf.Job(spec).create_pdf()
    if _inherits(pdf):
        pdf.close()
        return pikepdf.open(path, password=password or "", access_mode=pikepdf.AccessMode.stream)
    return pdf


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name of bytes that are not UTF-8 (surrogate escapes)
        return False
    return True


def _inherits(pdf) -> bool:
    """Whether a /Pages node of ``pdf`` (not a page) holds an attribute its pages inherit."""
    import pikepdf

    todo, seen = [pdf.Root.get("/Pages")], set()
    while todo:
        node = todo.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
            continue
        seen.add(node.objgen)
        kids = node.get("/Kids")
        if not isinstance(kids, pikepdf.Array):
            continue  # a page (or a damaged node): its own attributes are not inherited
        keys = node.keys()
        if any(k in keys for k in _INHERITABLE):
            return True
        todo.extend(kids)
    return False


def _open_image(path: Path, file: str, kind: str, tmpdir: Path, digest: str | None = None, lazy: bool = True):
    """A scan or photo as a one-page-per-frame PDF (img2pdf), made once per image content.

    Checking an image (size limits, a reduced decode that catches truncation) and converting it
    cost ~20 ms a photo, every build. The PDF made is kept in the user cache (kind
    ``bind-images``) under the image's SHA-256 and the versions of img2pdf and Pillow, so a
    rebuild opens it from there; only an image that passed the checks is kept, and an entry that
    does not open cleanly (cut short by a crash) is made again.
    """
    entry = _image_entry(digest) if digest else None
    if entry is not None:
        pdf = _open_cached(entry, lazy)
        if pdf is not None:
            return pdf
    out = tmpdir / f"{hashlib.sha256(str(path).encode()).hexdigest()[:16]}.pdf"
    _image_to_pdf(path, file, kind, out)
    if entry is not None:
        from dossier.util.cache import store

        with contextlib.suppress(OSError):
            store(entry, out.read_bytes())
    return open_for_copy(out, lazy=lazy)


_IMAGE_CACHE_VERSION = "1"


def _image_entry(digest: str) -> Path:
    from dossier.util.cache import cache_dir, module_fingerprint

    global _image_tools
    if _image_tools is None:
        tools = module_fingerprint("img2pdf") + module_fingerprint("PIL")
        _image_tools = hashlib.sha256(tools).hexdigest()[:16]
    return cache_dir("bind-images") / f"{_IMAGE_CACHE_VERSION}-{digest}-{_image_tools}.pdf"


_image_tools: str | None = None


def _open_cached(entry: Path, lazy: bool = True):
    """The cached PDF at ``entry``, or None when there is none or it is damaged."""
    import pikepdf

    from dossier.util.cache import touch

    if not entry.is_file():
        return None
    try:
        pdf = open_for_copy(entry, lazy=lazy)
        if not pdf.get_warnings() and len(pdf.pages):
            touch(entry)
            return pdf
        pdf.close()
    except (pikepdf.PdfError, RuntimeError, ValueError, OSError):
        pass
    return None


def _image_to_pdf(path: Path, file: str, kind: str, out: Path) -> None:
    """Check the image at ``path`` and write it to ``out`` as a PDF; raise :class:`InputError`
    naming ``file`` if it is damaged, too large or cannot be converted."""
    import img2pdf
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                frames = getattr(im, "n_frames", 1)
                if frames > MAX_FRAMES:
                    raise InputError(f"图片有 {frames} 帧，超过上限 {MAX_FRAMES}。", file=file)
                for i in range(frames):
                    im.seek(i)
                    w, h = im.size
                    if w * h > MAX_PIXELS or w <= 0 or h <= 0:
                        raise _bomb(file, w, h)
                if kind == "jpeg":
                    # verify() misses truncation; a reduced decode catches it cheaply.
                    im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
                    im.load()
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(file, 0, 0) from None
    except Exception as exc:  # noqa: BLE001 - Pillow's parsers raise many types (TypeError, KeyError, struct.error) on broken files
        raise InputError(f"图片已损坏或无法读取（{_short(exc)}）。", file=file, hint="重新扫描或重新导出图片。") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open(out, "wb") as fh:
                img2pdf.convert(str(path), outputstream=fh, nodate=True, rotation=img2pdf.Rotation.ifvalid)
    except Exception as exc:  # noqa: BLE001 - img2pdf raises many types for bad images
        raise InputError(f"图片无法转换为 PDF 页（{_short(exc)}）。", file=file, hint="另存为 JPEG 或 PNG 后再试。") from None


def _bomb(file: str, w: int, h: int) -> InputError:
    size = f"{w}×{h} 像素，" if w and h else ""
    return InputError(
        f"图片像素过多（{size}超过 {MAX_PIXELS // 1_000_000} 百万像素），疑似解压炸弹，拒绝处理。",
        file=file,
        hint="用 300 dpi 以内的分辨率重新扫描。",
    )


def _describe(pdf, file: str) -> list[SourcePage]:
    pages = []
    for number, page in enumerate(pdf.pages, 1):
        try:
            media = normal_rect(tuple(float(v) for v in page.mediabox))
            crop = normal_rect(tuple(float(v) for v in page.cropbox))
            rotate = normal_rotation(page.rotation)
        except Exception as exc:  # noqa: BLE001 - malformed boxes
            raise InputError(f"页面尺寸信息损坏（{_short(exc)}）。", file=file, page=number) from None
        box = intersect(crop, media) or media
        if box[2] - box[0] < 1 or box[3] - box[1] < 1:
            raise InputError("页面尺寸为零。", file=file, page=number, hint="重新导出这份 PDF。")
        w, h = box[2] - box[0], box[3] - box[1]
        pages.append(SourcePage(box, rotate, (h, w) if rotate in (90, 270) else (w, h)))
    return pages


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
