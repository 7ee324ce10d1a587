"""Binding: a tree of parts (sections, documents, evidence files) into one print-ready A4 volume.

Every source page is wrapped as a Form XObject and placed on a fresh A4 portrait page with one
matrix that applies its /Rotate, CropBox offset, landscape turn and fit; annotations, page
actions and the source's catalog are left behind (see :mod:`dossier.bind.sanitize`). Over it go
the volume's page number, the seam-seal slice and, for drafts, 草稿. Cover and TOC are drawn by
:mod:`dossier.bind.frontmatter` with an embedded CJK subset font.

Guarantees: same inputs → same bytes (/ID derived from the inputs, no dates); the volume appears
only when complete (atomic rename); inputs are opened read-only and never saved (wrapping changes
their pages in memory only). Page content and images are copied into the volume still
compressed, so peak memory is about the size of the inputs (sources stay open until the volume
is saved: pikepdf #465).
"""

from __future__ import annotations

import contextlib
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from dossier.atomic import atomic_path, temporary_folder
from dossier.bind import frontmatter, outline, sanitize, stamps
from dossier.bind.guide import seal_height_mm
from dossier.bind.draw import ALPHA_RES, FONT_RES, SEAL_RES, Canvas, seal_outline
from dossier.bind.frontmatter import Cover, TocEntry
from dossier.bind.geometry import A4_H, A4_W, Rect, intersect, invert, place_on_a4, transform_rect
from dossier.bind.intake import Source, open_source
from dossier.bind.seal import DEFAULT_GROUP, SEAL_DIAMETER, SealLayout, seal_layout
from dossier.errors import InputError
from dossier.progress import Progress, silent

PRODUCER = "dossier"


@dataclass(frozen=True)
class Part:
    """A node of the volume: a file (PDF or image) and/or a heading with children.

    A part with ``source`` contributes that file's pages, then its children's pages; a part
    without ``source`` is a heading whose bookmark points at its first descendant page.
    ``source`` is recorded in the manifest exactly as given (e.g. ``evidence/合同.pdf``) and
    resolved against ``base_dir``.
    """

    title: str
    source: str | Path | None = None
    password: str | None = None
    children: tuple[Part, ...] = ()


@dataclass
class BindResult:
    volume: Path
    manifest: dict
    warnings: list[str]
    layout: SealLayout
    labels: list[str]
    duplex: bool
    cover_seal: Rect | None
    toc: list[TocEntry] = field(default_factory=list)


@dataclass
class _Node:
    part: Part
    depth: int
    source: Source | None = None
    first: int | None = None  # 0-based first page in the output, own or descendants'
    count: int = 0
    children: list[_Node] = field(default_factory=list)
    same_as: _Node | None = None  # the file is already bound there: this part adds no pages, it refers to them


def bind_volume(
    parts: list[Part] | tuple[Part, ...],
    out_pdf: str | Path,
    *,
    cover: Cover | None = None,
    toc: bool | None = None,
    duplex: bool = False,
    seal_group: int = DEFAULT_GROUP,
    passwords: dict[str, str] | None = None,
    draft: bool = False,
    page_numbers: bool = True,
    base_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> BindResult:
    """Bind ``parts`` into ``out_pdf`` atomically and return the manifest and warnings.

    ``toc`` defaults to True when there is a cover. ``passwords`` maps an input's file name (or
    its path as given) to its password; a part's own ``password`` wins. ``seal_group`` is the
    number of sheets per seam seal. Raises :class:`InputError` / :class:`PasswordError` naming
    the file for any unusable input, leaving no output. The manifest dict is returned, not
    written: the caller decides where it goes.
    """
    out_pdf = Path(out_pdf)
    with atomic_path(out_pdf) as tmp:
        return build_volume(
            parts, tmp, volume_name=out_pdf.name, cover=cover, toc=toc, duplex=duplex,
            seal_group=seal_group, passwords=passwords, draft=draft, page_numbers=page_numbers,
            base_dir=base_dir, final_path=out_pdf, progress=progress,
        )


def build_volume(
    parts, target: Path, *, volume_name: str, cover=None, toc=None, duplex=False,
    seal_group=DEFAULT_GROUP, passwords=None, draft=False, page_numbers=True, base_dir=None,
    final_path: Path | None = None, progress: Progress | None = None,
) -> BindResult:
    """Like :func:`bind_volume` but writes ``target`` directly (the caller makes it atomic).

    ``progress`` is told the files read, the pages made and the saving (:mod:`dossier.progress`).
    """
    import pikepdf

    progress = progress or silent

    base = Path(base_dir) if base_dir is not None else Path.cwd()
    passwords = dict(passwords or {})
    toc = bool(cover) if toc is None else toc
    final = (final_path or target).resolve()
    roots = [_tree(p, 1) for p in parts]
    files = []
    bound: dict[Path, _Node] = {}
    for n in _walk(roots):
        if n.part.source is None:
            continue
        where = (base / n.part.source).resolve()
        if where in bound and not n.children:
            n.same_as = bound[where]  # each file is bound once; a later mention points to its pages
            continue
        bound.setdefault(where, n)
        files.append(n)
    if not files and not cover:
        raise InputError("没有任何要装订的文件。", hint="至少给出一个 PDF 或图片。")
    for n in files:
        if (base / n.part.source).resolve() == final:
            raise InputError("输出文件与输入文件是同一个文件，拒绝覆盖输入。", file=str(n.part.source),
                             hint="用 -o 指定另一个输出文件名。")

    warnings: list[str] = []
    with contextlib.ExitStack() as stack:
        tmpdir = stack.enter_context(temporary_folder("dossier-bind-"))
        executor = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        opened: list[Source] = []
        stack.callback(lambda: [s.pdf.close() for s in opened])
        for k, n in enumerate(files):
            progress("装订：读取材料", k, len(files))
            src = str(n.part.source)
            pw = n.part.password or passwords.get(src) or passwords.get(Path(src).name)
            n.source = open_source(base / src, src, password=pw, tmpdir=tmpdir, executor=executor)
            opened.append(n.source)
            warnings.extend(n.source.warnings)
            if n.source.kind == "pdf":
                found = sanitize.active_content(n.source.pdf)
                if found:
                    warnings.append(f"{src}：含有{'、'.join(found)}，装订时已去除。")

        cover_pages = 1 if cover else 0
        entries_nodes = [n for n in _walk(roots) if n.depth <= 2 and _pages_under(n)]
        toc_pages = frontmatter.toc_page_count([(n.depth, n.part.title) for n in entries_nodes]) if toc else 0
        front = cover_pages + toc_pages
        _assign(roots, front)
        for n in _walk(roots):
            if n.same_as is not None:
                continue
            if n.count == 0:
                warnings.append(f"「{n.part.title}」没有任何页面，未列入目录和书签。")
        body = sum(len(n.source.pages) for n in files)
        total = front + body
        labels = outline.labels(cover_pages, toc_pages, body)
        for n in _walk(roots):
            if n.same_as is not None and n.same_as.first is not None:
                # A file already bound: its TOC entry and bookmark point to those pages ("见第 n 页").
                n.first = n.same_as.first
                n.part = replace(n.part, title=f"{n.part.title}（见第{labels[n.first]}页）")
        layout = seal_layout(total, duplex=duplex, group_size=seal_group)
        warnings.extend(layout.warnings)
        entries = [
            TocEntry(n.depth, n.part.title, labels[n.first]) for n in entries_nodes if n.first is not None
        ] if toc else []

        chars: set[str] = set()
        if page_numbers:
            chars |= set("".join(stamps.number_text(x) for x in labels[cover_pages:]))
        if cover:
            chars |= cover.chars()
        if toc:
            chars |= frontmatter.toc_chars([e.title for e in entries])
        if draft:
            chars |= set(stamps.DRAFT_TEXT)
        font = None
        if chars:
            from dossier.bind.fonts import subset_font

            font = subset_font(chars)

        out = pikepdf.new()
        shared_res: dict = {}
        if font is not None:
            from dossier.bind.fonts import embed

            shared_res["/Font"] = out.make_indirect(pikepdf.Dictionary({FONT_RES: embed(out, font)}))
        seal_x = pikepdf.Stream(out, seal_outline(SEAL_DIAMETER))
        seal_x.Type, seal_x.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        seal_x.BBox = pikepdf.Array([0, 0, round(SEAL_DIAMETER, 4), round(SEAL_DIAMETER, 4)])
        seal_x = out.make_indirect(seal_x)
        if draft:
            gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.18, CA=0.18)
            shared_res["/ExtGState"] = out.make_indirect(pikepdf.Dictionary({ALPHA_RES: gs}))
        shared_xobjects = {SEAL_RES: seal_x}
        media = pikepdf.Array([0, 0, A4_W, A4_H])
        pages_meta: list[dict] = []
        cover_seal: Rect | None = None
        # The page tree is set in one go once every page is made (appending through ``out.pages``
        # costs ~30 µs a page); ``own`` lists the objects made here, which the scrub need not walk.
        kids: list[pikepdf.Dictionary] = []
        pages_root, page_type = out.Root.Pages, pikepdf.Name.Page
        own: set[tuple[int, int]] = set()

        def finish(c: Canvas, index: int, xobjects: dict) -> pikepdf.Dictionary:
            number = index + 1
            s = layout.slices[index]
            if s is not None:
                stamps.seal_slice(c, s)
            if page_numbers and index >= cover_pages:
                stamps.page_number(c, labels[index], number, duplex)
            if draft:
                stamps.draft(c)
            res = pikepdf.Dictionary({**shared_res, "/XObject": pikepdf.Dictionary({**shared_xobjects, **xobjects})})
            contents = _flate_stream(out, c.bytes())
            page = out.make_indirect(pikepdf.Dictionary(
                {"/Type": page_type, "/MediaBox": media, "/Resources": res, "/Contents": contents, "/Parent": pages_root}
            ))
            kids.append(page)
            own.update((page.objgen, contents.objgen))
            return page

        def meta(index: int, source=None, source_page=None, size=None, rotation=None, seal=None) -> dict:
            s = layout.slices[index]
            return {
                "number": index + 1,
                "label": labels[index],
                "source": source,
                "source_page": source_page,
                "seam": _r(s.rect) if s else None,
                "cover_seal": _r(seal) if seal else None,
                "original_size": [round(v, 2) for v in size] if size else None,
                "original_rotation": rotation,
            }

        index = 0
        progress("装订：排版页面", 0, total)
        if cover:
            assert font is not None
            content, cover_seal = frontmatter.cover_page(cover, font)
            c = Canvas(font)
            c.raw(content.decode("ascii"))
            finish(c, index, {})
            pages_meta.append(meta(index, seal=cover_seal))
            index += 1
        if toc:
            assert font is not None
            for content in frontmatter.toc_pages(entries, font):
                c = Canvas(font)
                c.raw(content.decode("ascii"))
                finish(c, index, {})
                pages_meta.append(meta(index))
                index += 1

        placements = {id(n): [place_on_a4(sp.box, sp.rotate) for sp in n.source.pages] for n in files}
        for n in files:
            src = n.source
            assert src is not None
            number = 0
            try:
                if src.kind == "pdf":
                    _check_content_decodes(src)
                    sanitize.flatten_forms(src.pdf)
                wrapped: set[tuple[int, int]] = set()
                for i, (page, sp, placement) in enumerate(zip(src.pdf.pages, src.pages, placements[id(n)])):
                    number = i + 1
                    fx = out.copy_foreign(_page_form(page, sp.box, wrapped))
                    c = Canvas(font)
                    c.save().cm(placement.matrix).xobject("/P").restore()
                    finish(c, index, {"/P": fx})
                    pages_meta.append(meta(index, src.file, i + 1, sp.original_size, sp.rotate))
                    index += 1
                    progress("装订：排版页面", index, total)
            except (pikepdf.PdfError, *_DAMAGE) as exc:
                raise _damaged(src.file, exc, number or None) from None

        pages_root.Kids = pikepdf.Array(kids)
        pages_root.Count = len(kids)
        sanitize.scrub(out, skip=own)
        marks = [m for m in (_mark(r) for r in roots) if m is not None]
        outline.set_outline(out, marks)
        outline.set_page_labels(out, cover_pages, toc_pages)
        info = {"/Producer": PRODUCER, "/Creator": PRODUCER}
        if cover:
            info["/Title"] = cover.title
        out.docinfo = out.make_indirect(pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info.items()}))
        _single_filters_as_names(out)
        versions = [str(s.pdf.pdf_version) for s in opened] + ["1.7"]
        doc_id = pikepdf.String(_volume_id(files, pages_meta, cover, entries, marks, (draft, page_numbers, duplex)))
        out.trailer.ID = pikepdf.Array([doc_id, doc_id])
        progress("装订：写出 PDF", 0, None)
        try:
            out.save(
                target,
                static_id=True,  # keeps the first /ID word set above; see _volume_id
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                compress_streams=True,
                min_version=max(versions, key=_version_key),
                fix_metadata_version=False,
            )
        except (pikepdf.PdfError, *_DAMAGE) as exc:
            # Page content is streamed from the sources only now: find the one that cannot be read.
            raise _damaged(_unreadable_source(opened), exc, None) from None
        covered = _covered_by_seam(files, placements, layout, front)
        for n in files:
            pages = sorted(covered.get(n.source.file, []))
            if pages:
                warnings.append(
                    f"{n.source.file} 第 {_ranges(pages)} 页：骑缝章切片（页面右边缘）会压住页面内容，"
                    "盖章前请确认不影响辨认，或把该材料留出右边距后重新导出。"
                )
        digest = hashlib.sha256()
        with open(target, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        inputs = [
            {
                "file": n.source.file,
                "kind": n.source.kind,
                "sha256": n.source.sha256,
                "bytes": n.source.path.stat().st_size,
                "pages": len(n.source.pages),
                "first_page": n.first + 1 if n.first is not None else None,
            }
            for n in files
            if n.source is not None
        ]
    manifest = {
        "volume": volume_name,
        "sha256": digest.hexdigest(),
        "page_count": total,
        "sheets": layout.sheets,
        "duplex": duplex,
        "pages": pages_meta,
        "inputs": inputs,
        "seal_groups": [
            {
                "first_page": g.first_page,
                "last_page": g.last_page,
                "sheets": g.sheets,
                "slice_width": round(g.slice_width, 2),
                "center_y": round(g.center_y, 2),
                "center_mm": int(seal_height_mm(g.center_y)),  # as the guide and the report print it
            }
            for g in layout.groups
        ],
        "seal_diameter": round(SEAL_DIAMETER, 2),
    }
    return BindResult(final_path or target, manifest, warnings, layout, labels, duplex, cover_seal, entries)


# What pikepdf/qpdf raise on damaged or hostile content (QpdfRuntimeError is a RuntimeError;
# a name that is not UTF-8 raises UnicodeDecodeError, a ValueError).
_DAMAGE = (RuntimeError, ValueError, TypeError, KeyError, IndexError)


# A content stream with only these keys can become the page's Form XObject in place.
_PLAIN_STREAM_KEYS = {"/Length", "/Filter", "/DecodeParms"}


def _page_form(page, box: Rect, wrapped: set[tuple[int, int]]):
    """The source page as a Form XObject (in the source ``Pdf``, ready for ``copy_foreign``).

    A page drawn by one content stream gets that very stream, turned into a form in memory (the
    source is never saved): qpdf then copies its compressed bytes through at save time instead of
    decoding, buffering and recompressing them, as ``as_form_xobject`` does (that the content
    decodes at all is checked by :func:`_check_content_decodes`). Anything else (several
    streams, a stream two pages share, a stream with keys of its own) goes through
    ``as_form_xobject``.
    """
    import pikepdf

    bbox = pikepdf.Array([round(v, 4) for v in box])
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Array) and len(contents) == 1:
        contents = contents[0]
    if (
        isinstance(contents, pikepdf.Stream)
        and contents.objgen not in wrapped
        and set(contents.keys()) <= _PLAIN_STREAM_KEYS
    ):
        wrapped.add(contents.objgen)
        contents.Type, contents.Subtype, contents.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, bbox
        for key in ("/Resources", "/Group"):
            value = page.obj.get(key)
            if isinstance(value, pikepdf.Dictionary):
                contents[key] = value
        return contents
    form = page.as_form_xobject(handle_transformations=False)
    form.BBox = bbox
    return form


def _check_content_decodes(src: Source) -> None:
    """Refuse a PDF whose page content cannot be decoded, naming the page.

    Content is copied into the volume still compressed (see :func:`_page_form`), so nothing
    else would notice. Decoding every page costs about 10 ms per 1,000 pages; the answer is
    remembered by the file's content, so binding the same evidence again skips it.
    """
    import pikepdf

    from dossier.cache import cached_json

    def decode_all() -> bool:
        for number, page in enumerate(src.pdf.pages, 1):
            contents = page.obj.get("/Contents")
            for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
                if isinstance(stream, pikepdf.Stream):
                    try:
                        stream.read_bytes()
                    except (pikepdf.PdfError, *_DAMAGE) as exc:
                        raise _damaged(src.file, exc, number) from None
        return True

    cached_json("content-decodes", src.path, decode_all, digest=src.sha256)


def _single_filters_as_names(pdf) -> None:
    """Write ``/Filter [/FlateDecode]`` as ``/Filter /FlateDecode`` (the same, per the PDF spec).

    qpdf copies a Flate stream through as is only when its filter is a name; a one-element array
    (reportlab writes them, e.g. for every embedded font) is decoded and compressed again at save
    time: 0.25 s for the fonts of a few dozen evidence files.
    """
    import pikepdf

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = obj.get("/Filter")
        if isinstance(filters, pikepdf.Array) and len(filters) == 1 and isinstance(filters[0], pikepdf.Name):
            obj.Filter = filters[0]
            parms = obj.get("/DecodeParms")
            if isinstance(parms, pikepdf.Array):  # one filter: only the first parameters apply
                if len(parms) and isinstance(parms[0], pikepdf.Dictionary):
                    obj.DecodeParms = parms[0]
                else:
                    del obj["/DecodeParms"]


def _flate_stream(pdf, data: bytes):
    """A content stream, compressed here with a small zlib window: a few µs for a page's marks,
    where qpdf's default deflate set-up at save time costs ~25 µs a stream."""
    import zlib

    import pikepdf

    z = zlib.compressobj(6, zlib.DEFLATED, 12, 3)
    stream = pikepdf.Stream(pdf, z.compress(data) + z.flush())
    stream.Filter = pikepdf.Name.FlateDecode
    return stream


def _volume_id(files, pages_meta, cover, entries, marks, flags) -> bytes:
    """The first word of the volume's /ID: a digest of what the volume shows (each input's
    SHA-256 and page count, every page's label, source page and seam, the cover, TOC, bookmarks
    and stamping options), so the same inputs give the same ID and different volumes different
    ones. Where the inputs live is left out: a volume built in another folder is the same file.

    qpdf's ``deterministic_id`` would instead MD5 the whole output while writing it, 0.2 s per
    100 MB of scans. With ``static_id`` qpdf keeps an existing first word and writes a fixed
    second one.
    """
    import json

    shown = [{k: v for k, v in p.items() if k != "source"} for p in pages_meta]
    seed = json.dumps(
        [PRODUCER, [(n.source.sha256, len(n.source.pages)) for n in files], shown, repr(cover),
         [repr(e) for e in entries], repr(marks), flags],
        ensure_ascii=False,
    )
    return hashlib.sha256(seed.encode("utf-8")).digest()[:16]


def _damaged(file: str | None, exc: BaseException, page: int | None) -> InputError:
    from dossier.bind.intake import _short

    return InputError(
        f"PDF 内容损坏，无法装订（{_short(exc)}）。", file=file, page=page,
        hint="向材料提供方重新索取，或用 PDF 阅读器“另存为”/“打印为 PDF”后再装订。",
    )


def _unreadable_source(opened: list[Source]) -> str | None:
    import os

    import pikepdf

    for s in opened:
        if s.kind != "pdf":
            continue
        try:
            with open(os.devnull, "wb") as sink:
                s.pdf.save(sink)
        except (pikepdf.PdfError, *_DAMAGE):
            return s.file
    return None


def _version_key(v: str) -> tuple[int, ...]:
    parts = []
    for x in v.split("."):
        try:
            parts.append(int(x))
        except ValueError:
            break
    return tuple(parts)


def _tree(part: Part, depth: int) -> _Node:
    return _Node(part, depth, children=[_tree(ch, depth + 1) for ch in part.children])


def _walk(nodes: list[_Node]):
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _pages_under(n: _Node) -> bool:
    return any(m.part.source is not None for m in _walk([n]))



def _assign(nodes: list[_Node], start: int) -> int:
    for n in nodes:
        first = start
        if n.source is not None:
            start += len(n.source.pages)
        start = _assign(n.children, start)
        n.count = start - first
        n.first = first if n.count else None
    return start


def _mark(n: _Node) -> outline.Mark | None:
    if n.first is None:
        return None
    kids = [m for m in (_mark(c) for c in n.children) if m is not None]
    return outline.Mark(n.part.title, n.first, kids)


def _covered_by_seam(files, placements, layout: SealLayout, front: int) -> dict[str, list[int]]:
    """Pages (1-based, per input file) whose content lies under their seam slice.

    Image pages are decided here (the image fills its box). PDF pages whose box reaches the
    slice need their content stream read, about a millisecond a page; the answer is remembered
    by the file's content (the SHA-256 the manifest records anyway), so a rebind of the same
    evidence only reads the cache.
    """
    covered: dict[str, list[int]] = {}
    jobs = []
    index = front
    for n in files:
        src = n.source
        pages = []
        for i, (sp, pl) in enumerate(zip(src.pages, placements[id(n)])):
            s = layout.slices[index + i]
            if s is not None and intersect(pl.rect, s.rect):
                if src.kind != "pdf":
                    covered.setdefault(src.file, []).append(i + 1)
                else:
                    target = intersect(transform_rect(invert(pl.matrix), s.rect), sp.box)
                    if target:
                        pages.append((i, target))
        index += len(src.pages)
        if pages:
            jobs.append((src.file, str(src.path), src.password, pages, src.sha256))
    if jobs:
        from dossier.bind.extents import covered_pages

        for file, pages in covered_pages(jobs):
            covered.setdefault(file, []).extend(pages)
    return covered


def _r(rect: Rect) -> list[float]:
    return [round(v, 2) for v in rect]


def _ranges(pages: list[int]) -> str:
    from dossier.formats import page_ranges

    return page_ranges(pages)
