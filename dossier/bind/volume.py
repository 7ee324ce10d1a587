"""Binding: a tree of parts (sections, documents, evidence files) into one print-ready A4 volume.

The binder works in four steps, each a function of its own:

1. :func:`plan_volume` — pure: page labels, front matter size, seal layout, TOC entries,
   bookmarks and the characters to print, from the parts and each file's page count (unit
   tests need no PDF);
2. :func:`_compose` — every source page wrapped as a Form XObject and placed on a fresh A4
   portrait page with one matrix (its /Rotate, CropBox offset, landscape turn and fit), the
   overlays (page number, seam-seal slice, 草稿) drawn over it; cover and TOC drawn by
   :mod:`dossier.bind.frontmatter` with an embedded CJK subset font;
3. :func:`_save` — active content scrubbed (:mod:`dossier.bind.sanitize`), outline, labels and
   /ID set, the volume written;
4. :func:`_manifest` — the :class:`~dossier.bind.manifest.VolumeManifest` of what was written.

Guarantees: same inputs → same bytes (/ID derived from the inputs, no dates); the volume appears
only when complete (atomic rename); inputs are opened read-only and never saved (wrapping changes
their pages in memory only). Page content and images are copied into the volume still
compressed and, past the first 16 MB of inputs, by reference: qpdf reads them from the source
files while it writes the volume (:func:`dossier.bind.intake.open_for_copy`), so peak memory
stays well below the size of the inputs (sources stay open until the volume is saved: pikepdf
#465). What is learnt about an input is remembered by its content
(:mod:`dossier.bind.remember`, the user cache), so binding the same evidence again is cheaper.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import zlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from dossier.bind import frontmatter, outline, sanitize, stamps
from dossier.bind.draw import ALPHA_RES, FONT_RES, SEAL_RES, Canvas, seal_outline
from dossier.bind.frontmatter import Cover, TocEntry
from dossier.bind.geometry import A4_H, A4_W, Placement, Rect, intersect, invert, place_on_a4, transform_rect
from dossier.bind.guide import seal_height_mm
from dossier.bind.intake import Source, open_source, sniff_file
from dossier.bind.kept import KeptSources
from dossier.bind.manifest import InputEntry, PageEntry, SealGroupEntry, VolumeManifest
from dossier.bind.seal import DEFAULT_GROUP, SEAL_DIAMETER, SealLayout, seal_layout
from dossier.util.atomic import atomic_path, temporary_folder
from dossier.util.errors import InputError
from dossier.util.following_digest import FOLLOW_MIN_BYTES, Following, follow
from dossier.util.progress import Progress, silent

if TYPE_CHECKING:
    from dossier.bind.fonts import FontSubset

PRODUCER = "dossier"


# The TOC lists sections, their documents and what is filed under a document (an investment row
# with its contract, invoice and payment records; an indicator's proof): on paper the reviewer
# finds each row's evidence from the TOC, as the bookmarks do on screen.
TOC_DEPTH = 3


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
    """What :func:`bind_volume` made: the volume's path, its manifest and the user's reminders.

    ``layout``, ``labels``, ``duplex``, ``cover_seal`` and ``toc`` are the exact figures the
    manifest records rounded; the stamping guide reads the manifest.
    """

    volume: Path
    manifest: VolumeManifest
    warnings: list[str]
    layout: SealLayout
    labels: list[str]
    duplex: bool
    cover_seal: Rect | None
    toc: list[TocEntry] = field(default_factory=list)
    # dossier's own font, subset to what the volume and ``extra_chars`` may print (volume_chars);
    # None when the volume prints nothing of its own. The stamping guide can be set in it.
    font: FontSubset | None = None


# ---------------------------------------------------------------------------------------- plan


@dataclass
class _Node:
    part: Part
    depth: int
    key: Hashable | None = None  # the file's identity (``key(source)``), None for a heading
    pages: int = 0  # the file's own pages
    first: int | None = None  # 0-based first page in the output, own or descendants'
    count: int = 0
    children: list[_Node] = field(default_factory=list)
    same_as: _Node | None = None  # the file is already bound there: this part adds no pages, it refers to them


@dataclass(frozen=True)
class PlannedFile:
    """A file bound into the volume at 0-based page ``first``, ``pages`` pages long."""

    part: Part
    key: Hashable
    first: int | None  # None: no pages (never for a file that opened)
    pages: int


@dataclass(frozen=True)
class VolumePlan:
    """Everything about the volume that follows from the parts and their page counts alone."""

    cover: Cover | None
    cover_pages: int
    toc_pages: int
    labels: tuple[str, ...]  # one per page, index = page number − 1
    layout: SealLayout
    toc: tuple[TocEntry, ...]
    marks: tuple[outline.Mark, ...]  # bookmarks, nested as the parts
    files: tuple[PlannedFile, ...]  # in binding order; a file mentioned again without children is not repeated
    chars: frozenset[str]  # what dossier's own font is subset to: see volume_chars
    warnings: tuple[str, ...]
    duplex: bool
    draft: bool
    page_numbers: bool

    @property
    def front(self) -> int:
        return self.cover_pages + self.toc_pages

    @property
    def total(self) -> int:
        return len(self.labels)


def bound_files(parts: Sequence[Part], *, key: Callable[[str | Path], Hashable] = str) -> list[Part]:
    """The parts whose file is bound, in binding order: a file already bound and mentioned again
    without children refers to those pages instead (see :func:`plan_volume`). Pure."""
    _, files = _nodes(parts, key)
    return [n.part for n in files]


def plan_volume(
    parts: Sequence[Part],
    *,
    page_counts: Mapping[Hashable, int],
    key: Callable[[str | Path], Hashable] = str,
    cover: Cover | None = None,
    toc: bool | None = None,
    duplex: bool = False,
    seal_group: int = DEFAULT_GROUP,
    draft: bool = False,
    page_numbers: bool = True,
    extra_chars: Iterable[str] = (),
) -> VolumePlan:
    """Plan the volume from ``parts`` and ``page_counts[key(part.source)]`` for each bound file.

    Pure: reads no file. ``key`` says when two sources are the same file (the binder resolves
    paths). ``toc`` defaults to True when there is a cover. A later mention of a bound file
    (without children of its own) adds no pages: its TOC entry and bookmark point at the first
    one's pages, titled "（见第 n 页）". Raises ``KeyError`` for a bound file missing from
    ``page_counts`` and ``ValueError`` for a ``seal_group`` below 1. The warnings name parts
    without pages and a seal group lowered to keep slices visible. The font subset's characters
    are :func:`volume_chars` of the parts, with ``extra_chars``.
    """
    roots, files = _nodes(parts, key)
    for n in files:
        n.pages = page_counts[n.key]
    cover_pages = 1 if cover else 0
    toc = bool(cover) if toc is None else toc
    # The TOC's length depends on its titles, which quote page numbers ("（见第12页）") that
    # depend on the TOC's length: start from none and lay out again until the count holds. More
    # TOC pages only lengthen the numbers quoted, so the count never shrinks and this ends.
    originals = [(n, n.part) for n in _walk(roots)]
    toc_pages = 0
    while True:
        for n, part in originals:
            n.part = part
        _assign(roots, cover_pages + toc_pages)
        labels = outline.labels(cover_pages, toc_pages, sum(n.pages for n in files))
        _refer_to_first(roots, labels)
        listed = [n for n in _walk(roots) if n.depth <= TOC_DEPTH and n.first is not None]  # what the TOC lists
        needed = frontmatter.toc_page_count([(n.depth, n.part.title) for n in listed]) if toc else 0
        if needed == toc_pages:
            break
        toc_pages = needed
    warnings = [f"「{n.part.title}」没有任何页面，未列入目录和书签。" for n in _walk(roots) if n.first is None]
    layout = seal_layout(len(labels), duplex=duplex, group_size=seal_group)
    entries = tuple(TocEntry(n.depth, n.part.title, labels[n.first]) for n in listed)
    if not toc:
        entries = ()
    return VolumePlan(
        cover=cover, cover_pages=cover_pages, toc_pages=toc_pages, labels=tuple(labels), layout=layout,
        toc=entries, marks=tuple(m for m in (_mark(r) for r in roots) if m is not None),
        files=tuple(PlannedFile(n.part, n.key, n.first, n.pages) for n in files),
        chars=volume_chars(parts, cover=cover, toc=toc, draft=draft, page_numbers=page_numbers, extra=extra_chars),
        warnings=(*warnings, *layout.warnings), duplex=duplex, draft=draft, page_numbers=page_numbers,
    )


def _refer_to_first(roots: list[_Node], labels: list[str]) -> None:
    """Point each later mention of a bound file at its pages: "title（见第 n 页）"; and a heading
    with nothing but such mentions below it (an investment row whose contract and invoice were
    bound under an earlier row) at the first page they refer to, titled alike, so that it keeps
    its line in the TOC and its bookmark."""
    for n in _walk(roots):
        if n.same_as is not None and n.same_as.first is not None:
            n.first = n.same_as.first
            n.part = replace(n.part, title=f"{n.part.title}（见第{labels[n.first]}页）")
    for n in roots:
        _refer_heading(n, labels)


def _refer_heading(n: _Node, labels: list[str]) -> None:
    for child in n.children:
        _refer_heading(child, labels)
    if n.first is None and n.same_as is None:
        firsts = [c.first for c in n.children if c.first is not None]
        if firsts:
            n.first = min(firsts)
            n.part = replace(n.part, title=f"{n.part.title}（见第{labels[n.first]}页）")


def _nodes(parts: Sequence[Part], key: Callable[[str | Path], Hashable]) -> tuple[list[_Node], list[_Node]]:
    """The parts as a tree, and its nodes whose file is bound (each file once, unless a later
    mention has children of its own)."""
    roots = [_tree(p, 1) for p in parts]
    files: list[_Node] = []
    bound: dict[Hashable, _Node] = {}
    for n in _walk(roots):
        if n.part.source is None:
            continue
        n.key = key(n.part.source)
        if n.key in bound and not n.children:
            n.same_as = bound[n.key]  # each file is bound once; a later mention points to its pages
            continue
        bound.setdefault(n.key, n)
        files.append(n)
    return roots, files


def volume_chars(
    parts: Sequence[Part], *, cover: Cover | None = None, toc: bool | None = None, draft: bool = False,
    page_numbers: bool = True, extra: Iterable[str] = (),
) -> frozenset[str]:
    """Every character a volume of ``parts`` may print in dossier's own font, whatever their page
    counts: all ten digits (page numbers, TOC references), each title the TOC may list with its
    "（见第…页）", both TOC headings, the cover; plus ``extra`` (the stamping guide's characters,
    so that the guide can be set in the volume's subset). Empty when the volume prints nothing of
    its own. Pure.

    Not the characters of one layout: with the page counts left out, the font subset can be made
    while LibreOffice still converts the documents (:func:`dossier.bind.fonts.subset_font`
    remembers it), and a change of page counts keeps the same subset."""
    toc = bool(cover) if toc is None else toc
    if not (cover or toc or draft or page_numbers):
        return frozenset()
    chars: set[str] = set("".join(extra))
    if page_numbers:
        chars |= set(stamps.number_text("0123456789"))
    if cover:
        chars |= cover.chars()
    if toc:
        titles = [n.part.title for n in _walk([_tree(p, 1) for p in parts]) if n.depth <= TOC_DEPTH]
        chars |= frontmatter.toc_chars([*titles, "（见第页）"], continued=True)
    if draft:
        chars |= set(stamps.DRAFT_TEXT)
    return frozenset(chars)


# ---------------------------------------------------------------------------------------- bind


def bind_volume(
    parts: Sequence[Part],
    out_pdf: str | Path,
    *,
    cover: Cover | None = None,
    toc: bool | None = None,
    duplex: bool = False,
    seal_group: int = DEFAULT_GROUP,
    passwords: Mapping[str, str] | None = None,
    draft: bool = False,
    page_numbers: bool = True,
    base_dir: str | Path | None = None,
    progress: Progress | None = None,
    kept: KeptSources | None = None,
    extra_chars: Iterable[str] = (),
) -> BindResult:
    """Bind ``parts`` into ``out_pdf`` atomically; return its manifest and the reminders.

    ``toc`` defaults to True when there is a cover. ``passwords`` maps an input's file name (or
    its path as given) to its password; a part's own ``password`` wins. ``seal_group`` is the
    number of sheets per seam seal. ``progress`` is told the files read, the pages made and
    the saving (:mod:`dossier.util.progress`). ``kept``: PDF inputs kept open between bindings
    (:class:`dossier.bind.kept.KeptSources`, ``dossier watch``); the volume is the same.
    ``extra_chars``: characters to add to the volume's font subset (:func:`volume_chars`), for text
    set in the same subset elsewhere (the stamping guide: :attr:`BindResult.font`).

    Raises :class:`InputError` / :class:`PasswordError` naming the file (and page) for any
    unusable input, or when ``out_pdf`` is one of the inputs; ``out_pdf`` is then left as it
    was. Guarantees: ``out_pdf`` is replaced whole or not at all; the same inputs give the same
    bytes; inputs are never written. Deletes: nothing of the caller's (a temporary folder for
    converted images and OFD is removed on return). The manifest is returned, not written:
    the caller decides where it goes.
    """
    out_pdf = Path(out_pdf)
    with atomic_path(out_pdf) as tmp:
        return build_volume(
            parts, tmp, volume_name=out_pdf.name, cover=cover, toc=toc, duplex=duplex,
            seal_group=seal_group, passwords=passwords, draft=draft, page_numbers=page_numbers,
            base_dir=base_dir, final_path=out_pdf, progress=progress, kept=kept, extra_chars=extra_chars,
        )


def build_volume(
    parts: Sequence[Part],
    target: Path,
    *,
    volume_name: str,
    cover: Cover | None = None,
    toc: bool | None = None,
    duplex: bool = False,
    seal_group: int = DEFAULT_GROUP,
    passwords: Mapping[str, str] | None = None,
    draft: bool = False,
    page_numbers: bool = True,
    base_dir: str | Path | None = None,
    final_path: Path | None = None,
    progress: Progress | None = None,
    kept: KeptSources | None = None,
    extra_chars: Iterable[str] = (),
) -> BindResult:
    """Like :func:`bind_volume`, but writes ``target`` directly: the caller makes it atomic
    (``final_path`` is where it will end up, refused as an input; ``volume_name`` is recorded
    in the manifest). Raises as :func:`bind_volume`; on error ``target`` may hold part of a
    volume, for the caller to discard."""
    progress = progress or silent
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    final = (final_path or target).resolve()

    resolved: dict[str | Path, Path] = {}
    folders: dict[str, str] = {}

    def where(source: str | Path) -> Path:
        """``(base / source).resolve()``: asked four times per file, and resolving walks every
        folder of the path, which most files share; so each folder is resolved once."""
        if source not in resolved:
            folder, name = os.path.split(os.path.join(base, source))
            if folder not in folders:
                folders[folder] = os.path.realpath(folder)
            path = os.path.join(folders[folder], name)
            resolved[source] = Path(os.path.realpath(path) if name in ("", ".", "..") or os.path.islink(path) else path)
        return resolved[source]

    files = bound_files(parts, key=where)
    if not files and not cover:
        raise InputError("没有任何要装订的文件。", hint="至少给出一个 PDF 或图片。")
    for part in files:
        if where(part.source) == final:
            raise InputError("输出文件与输入文件是同一个文件，拒绝覆盖输入。", file=str(part.source),
                             hint="用 -o 指定另一个输出文件名。")
    with contextlib.ExitStack() as stack:
        stack.enter_context(_collector_paused())
        tmpdir = stack.enter_context(temporary_folder("dossier-bind-"))
        # Inputs' digests (hashlib and the reads let go of the GIL).
        executor = stack.enter_context(ThreadPoolExecutor(max_workers=3))
        opened: list[Source] = []
        if kept is not None:
            stack.callback(kept.keep, opened)  # closes what it does not keep
        else:
            stack.callback(lambda: [s.pdf.close() for s in opened])
        warnings = _open_all(files, opened, base=base, passwords=dict(passwords or {}),
                             tmpdir=tmpdir, executor=executor, progress=progress,
                             open_source=kept.open if kept is not None else open_source)
        plan = plan_volume(
            parts, page_counts={where(p.source): len(s.pages) for p, s in zip(files, opened)}, key=where,
            cover=cover, toc=toc, duplex=duplex, seal_group=seal_group, draft=draft, page_numbers=page_numbers,
            extra_chars=extra_chars,
        )
        warnings.extend(plan.warnings)
        sources = opened  # one per planned file, in order
        font = None
        if plan.chars:
            from dossier.bind.fonts import subset_font

            font = subset_font(plan.chars)
        out, entries, cover_seal, placements, own = _compose(plan, sources, font=font, progress=progress)
        # In this thread: the seam check is Python, and pikepdf keeps the GIL while qpdf writes the
        # volume (see dossier.util.following_digest), so on a thread of its own it could only take
        # turns with the steps around it.
        warnings.extend(_seam_warnings(sources, placements, plan))
        digest = _save(out, target, plan=plan, sources=sources, entries=entries, own=own, progress=progress)
        manifest = _manifest(digest, volume_name=volume_name, plan=plan, sources=sources, entries=entries)
    return BindResult(
        final_path or target, manifest, warnings, plan.layout, list(plan.labels), duplex, cover_seal, list(plan.toc),
        font,
    )


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while the volume is made (if it was running).

    Binding allocates tens of thousands of small objects (page entries, pikepdf handles, content
    bytes), few if any in reference cycles, and every collection they trigger walks the young ones
    again (~5% of a binding's CPU), and now and then the whole heap (~35 ms inside a build).
    Reference counting frees them as before; anything cyclic is collected once the collector runs
    again.
    """
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Inputs are opened the faster way (whose copies hold their streams in memory) until they add up
# to this many bytes, then the lazy way (:func:`dossier.bind.intake.open_for_copy`).
_EAGER_BYTES = 16 * 1024 * 1024


def _open_all(
    files: list[Part], opened: list[Source], *, base: Path, passwords: dict[str, str], tmpdir: Path,
    executor: ThreadPoolExecutor, progress: Progress, open_source: Callable[..., Source] = open_source,
) -> list[str]:
    """Open each file into ``opened`` (appended as it opens, so the caller can close them);
    return the reminders about them. Raises :class:`InputError` / :class:`PasswordError` naming
    the first unusable file."""
    warnings: list[str] = []
    eager = _EAGER_BYTES
    for k, part in enumerate(files):
        progress("装订：读取材料", k, len(files))
        src = str(part.source)
        pw = part.password or passwords.get(src) or passwords.get(Path(src).name)
        try:
            size = (base / src).stat().st_size
        except OSError:
            size = 0  # open_source says what is wrong
        lazy = size > eager
        if not lazy:
            eager -= size
        source = open_source(base / src, src, password=pw, tmpdir=tmpdir, executor=executor, lazy=lazy)
        opened.append(source)
        warnings.extend(source.warnings)
        if source.kind == "pdf":
            if source.active is None:  # a kept source was read before its pages were wrapped
                source.active = sanitize.active_content(source.pdf)
            found = source.active
            if found:
                warnings.append(f"{src}：含有{'、'.join(found)}，装订时已去除。")
    return warnings


# ------------------------------------------------------------------------------------- compose


class _Pages:
    """The volume's page objects as they are made: each gets the overlays of its position
    (seam slice, page number, 草稿) over what the caller drew, and the shared resources (the CJK
    subset font, the seal outline, the draft's transparency)."""

    def __init__(self, out, plan: VolumePlan, font) -> None:
        import pikepdf

        self.out, self.plan, self.font = out, plan, font
        self.shared: dict = {}
        if font is not None:
            from dossier.bind.fonts import embed

            self.shared["/Font"] = out.make_indirect(pikepdf.Dictionary({FONT_RES: embed(out, font)}))
        seal_x = pikepdf.Stream(out, seal_outline(SEAL_DIAMETER))
        seal_x.Type, seal_x.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        seal_x.BBox = pikepdf.Array([0, 0, round(SEAL_DIAMETER, 4), round(SEAL_DIAMETER, 4)])
        self.xobjects = {SEAL_RES: out.make_indirect(seal_x)}
        if plan.draft:
            gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.18, CA=0.18)
            self.shared["/ExtGState"] = out.make_indirect(pikepdf.Dictionary({ALPHA_RES: gs}))
        self.media = pikepdf.Array([0, 0, A4_W, A4_H])
        self.root, self.page_type = out.Root.Pages, pikepdf.Name.Page
        # The page tree is set in one go by ``close`` (appending through ``out.pages`` costs
        # ~30 µs a page); ``own`` lists the objects made here, which the scrub need not walk.
        self.kids: list = []
        self.own: set[tuple[int, int]] = set()

    def add(self, c: Canvas, xobjects: dict) -> None:
        """Finish the next page: ``c`` (what is drawn under the overlays) plus the overlays."""
        import pikepdf

        index, plan = len(self.kids), self.plan
        s = plan.layout.slices[index]
        if s is not None:
            stamps.seal_slice(c, s)
        if plan.page_numbers and index >= plan.cover_pages:
            stamps.page_number(c, plan.labels[index], index + 1, plan.duplex)
        if plan.draft:
            stamps.draft(c)
        res = pikepdf.Dictionary({**self.shared, "/XObject": pikepdf.Dictionary({**self.xobjects, **xobjects})})
        contents = _flate_stream(self.out, c.bytes())
        page = self.out.make_indirect(pikepdf.Dictionary(
            {"/Type": self.page_type, "/MediaBox": self.media, "/Resources": res, "/Contents": contents,
             "/Parent": self.root}
        ))
        self.kids.append(page)
        self.own.update((page.objgen, contents.objgen))

    def close(self) -> None:
        import pikepdf

        self.root.Kids = pikepdf.Array(self.kids)
        self.root.Count = len(self.kids)


def _compose(
    plan: VolumePlan, sources: list[Source], *, font: FontSubset | None, progress: Progress,
) -> tuple[object, list[PageEntry], Rect | None, list[list[Placement]], set[tuple[int, int]]]:
    """A new, unsaved ``pikepdf.Pdf`` with every page of the volume; the page entries of the
    manifest, the cover seal's rectangle, each source page's placement, and the objects made
    here (clean by construction).

    Raises :class:`InputError` naming the file and page whose content cannot be decoded or
    copied. Changes the sources in memory only (forms flattened, page content streams turned
    into Form XObjects); they must stay open until the volume is saved.
    """
    import pikepdf

    out = pikepdf.new()
    made = _Pages(out, plan, font)
    entries: list[PageEntry] = []
    cover_seal: Rect | None = None
    progress("装订：排版页面", 0, plan.total)
    front: list[bytes] = []
    if plan.cover:
        content, cover_seal = frontmatter.cover_page(plan.cover, font)
        front.append(content)
    if plan.toc_pages:
        front.extend(frontmatter.toc_pages(list(plan.toc), font))
    for k, content in enumerate(front):
        made.add(Canvas(font).raw(content.decode("ascii")), {})
        entries.append(_entry(plan, k, seal=cover_seal if k == 0 and plan.cover else None))
    placements = [[place_on_a4(sp.box, sp.rotate) for sp in src.pages] for src in sources]
    for src, places in zip(sources, placements):
        _wrap_source(made, src, places, entries, progress)
    made.close()
    return out, entries, cover_seal, placements, made.own


def open_ahead(
    parts: Sequence[Part], kept: KeptSources, *, base_dir: str | Path, skip: Callable[[Path], bool],
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Open and wrap the PDF files of ``parts`` into ``kept`` ahead of their binding, which then
    takes them from there (:meth:`KeptSources.open`; the volume is the same bytes): a build does it
    while LibreOffice converts the documents, when this process would only wait. A photo or scan is
    drawn into a PDF for the user cache, where the binding finds it (it is not kept open: each
    binding draws it into a temporary folder of its own). Files for which ``skip`` is true (the
    documents being converted) are left alone, and so is any file that cannot be opened or
    wrapped: the binding opens it again and names what is wrong with it. ``stop`` is asked before
    each file: once it is true, nothing more is opened."""
    import tempfile

    base = Path(base_dir)
    eager = _EAGER_BYTES  # the binding's choice (:func:`_open_all`; the bytes written are the same either way)
    opened: list[Source] = []
    with tempfile.TemporaryDirectory(prefix="dossier-ahead-") as tmpdir:
        try:
            for part in bound_files(parts):
                path = base / str(part.source)
                if stop():
                    break
                if skip(path):
                    continue
                try:
                    size = path.stat().st_size
                    kind = "pdf" if kept.holds(path) else sniff_file(path)  # a watched project's evidence: kept
                except OSError:
                    continue
                lazy = size > eager
                if not lazy:
                    eager -= size
                if kind in ("jpeg", "png", "tiff"):
                    with contextlib.suppress(Exception):  # the binding reads it again and says what is wrong
                        open_source(path, str(part.source), password=None, tmpdir=Path(tmpdir)).pdf.close()
                if kind != "pdf":
                    continue
                try:
                    src = kept.open(path, str(part.source), password=part.password, tmpdir=Path(tmpdir), lazy=lazy)
                except Exception:  # noqa: BLE001 - the binding opens it again and says what is wrong
                    continue
                opened.append(src)
                if src.forms is None:  # not kept from an earlier binding, read and wrapped
                    try:
                        src.active = sanitize.active_content(src.pdf)
                        src.forms = _wrapped(src)
                    except Exception:  # noqa: BLE001 - as above
                        src.forms = None
        finally:
            kept.hold(opened)  # what cannot serve the binding is closed


def _wrapped(src: Source) -> list:
    """Every page of ``src`` as a Form XObject (:func:`_page_form`); a PDF's content is checked to
    decode and its form fields are flattened first. Raises :class:`InputError` naming the page whose
    content cannot be decoded or wrapped, and what pikepdf raises for damage outside the pages."""
    if src.kind == "pdf":
        _check_content_decodes(src)
        sanitize.flatten_forms(src.pdf)
    wrapped: set[tuple[int, int]] = set()
    bboxes: dict = {}  # an array set into one Pdf belongs to it: shared within a source only
    forms = []
    for number, (page, sp) in enumerate(zip(src.pdf.pages, src.pages), 1):
        try:
            forms.append(_page_form(page, sp.box, wrapped, bboxes))
        except (pikepdf.PdfError, *_DAMAGE) as exc:
            raise _damaged(src.file, exc, number) from None
    return forms


def _wrap_source(made: _Pages, src: Source, places: list[Placement], entries: list[PageEntry], progress: Progress) -> None:
    """Add every page of ``src`` to the volume, each as a Form XObject (:func:`_page_form`)
    under its overlays. Raises :class:`InputError` naming the damaged page."""
    import pikepdf

    number = 0
    try:
        forms = src.forms if src.forms is not None else _wrapped(src)  # a kept source is wrapped already
        for i, (form, sp, place) in enumerate(zip(forms, src.pages, places)):
            number = i + 1
            index = len(made.kids)
            c = Canvas(made.font)
            c.save().cm(place.matrix).xobject("/P").restore()
            made.add(c, {"/P": made.out.copy_foreign(form)})
            entries.append(_entry(made.plan, index, src.file, number, sp.original_size, sp.rotate))
            progress("装订：排版页面", index + 1, made.plan.total)
        src.forms = forms
    except (pikepdf.PdfError, *_DAMAGE) as exc:
        raise _damaged(src.file, exc, number or None) from None


def _entry(plan: VolumePlan, index: int, source=None, source_page=None, size=None, rotation=None, seal=None) -> PageEntry:
    s = plan.layout.slices[index]
    return PageEntry(
        number=index + 1, label=plan.labels[index], source=source, source_page=source_page,
        seam=_r(s.rect) if s else None, cover_seal=_r(seal) if seal else None,
        original_size=(round(size[0], 2), round(size[1], 2)) if size else None, original_rotation=rotation,
    )


# ---------------------------------------------------------------------------------------- save


def _save(
    out, target: Path, *, plan: VolumePlan, sources: list[Source], entries: list[PageEntry],
    own: set[tuple[int, int]], progress: Progress,
) -> str:
    """Scrub, outline, label and write ``out`` to ``target``; return the SHA-256 of the bytes
    written. Starts the sync of ``target`` to disk, without waiting for it.

    Guarantees the same bytes for the same inputs (/ID from :func:`_volume_id`, no dates, qpdf's
    object streams). Raises :class:`InputError` naming the source whose content turns out
    unreadable while qpdf streams it from disk; ``target`` then holds part of a volume.
    """
    import pikepdf

    sanitize.scrub(out, skip=own)
    outline.set_outline(out, list(plan.marks))
    outline.set_page_labels(out, plan.cover_pages, plan.toc_pages)
    info = {"/Producer": PRODUCER, "/Creator": PRODUCER}
    if plan.cover:
        info["/Title"] = plan.cover.title
    out.docinfo = out.make_indirect(pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info.items()}))
    _single_filters_as_names(out)
    versions = [str(s.pdf.pdf_version) for s in sources] + ["1.7"]
    doc_id = pikepdf.String(_volume_id(sources, entries, plan))
    out.trailer.ID = pikepdf.Array([doc_id, doc_id])
    progress("装订：写出 PDF", 0, None)
    # The volume is about the size of its sources: large enough, it is hashed as it is written.
    large = sum(s.path.stat().st_size for s in sources) >= FOLLOW_MIN_BYTES
    try:
        hashing = _write(out, target, max(versions, key=_version_key), large=large)
    except (pikepdf.PdfError, *_DAMAGE) as exc:
        # Page content is streamed from the sources only now: find the one that cannot be read.
        raise _damaged(_unreadable_source(sources), exc, None) from None
    # The caller syncs the volume to disk before renaming it into place (:mod:`dossier.util.atomic`).
    # Started here, on a thread nobody waits for, the wait for the disk (~0.04 s per 100 MB)
    # overlaps the end of the hashing, the manifest and the guide; the caller's own sync then
    # finds little or nothing left to write.
    threading.Thread(target=_start_sync, args=(target,), name="dossier-sync", daemon=True).start()
    return hashing.result()


def _start_sync(path: Path) -> None:
    with contextlib.suppress(OSError):  # gone (an error elsewhere removed it): nothing to sync
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())


def _write(out, target: Path, min_version: str, *, large: bool) -> Following:
    """Write ``out`` to ``target``; return its SHA-256 to come (:class:`Following`), hashed by a
    child as the file grows when ``large``, else once it is written.

    Given a real file, pikepdf has qpdf write to its descriptor directly. Given any other stream
    (such as the class that hashed the blocks as they went by, before), qpdf calls into Python
    for each of its writes, a token at a time: ~90,000 calls for a 1,000-page volume, ~0.2 s.
    The bytes are the same.
    """
    import pikepdf

    with open(target, "wb") as fh:
        # Created (or emptied) before the child starts reading it.
        digest = follow(target) if large else Following(target, None)
        try:
            out.save(
                fh,
                static_id=True,  # keeps the first /ID word set above; see _volume_id
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                compress_streams=True,
                min_version=min_version,
                fix_metadata_version=False,
            )
        except BaseException:
            digest.cancel()
            raise
    return digest


# ------------------------------------------------------------------------------------ manifest


def _manifest(
    sha256: str, *, volume_name: str, plan: VolumePlan, sources: list[Source], entries: list[PageEntry],
) -> VolumeManifest:
    """The manifest of the volume just written (``sha256``: of its bytes). Pure."""
    layout = plan.layout
    return VolumeManifest(
        volume=volume_name,
        sha256=sha256,
        page_count=plan.total,
        sheets=layout.sheets,
        duplex=plan.duplex,
        pages=tuple(entries),
        inputs=tuple(
            InputEntry(file=s.file, kind=s.kind, sha256=s.sha256, bytes=s.path.stat().st_size, pages=len(s.pages),
                       first_page=f.first + 1 if f.first is not None else None)
            for s, f in zip(sources, plan.files)
        ),
        seal_groups=tuple(
            SealGroupEntry(first_page=g.first_page, last_page=g.last_page, sheets=g.sheets,
                           slice_width=round(g.slice_width, 2), center_y=round(g.center_y, 2),
                           center_mm=int(seal_height_mm(g.center_y)))  # as the guide and the report print it
            for g in layout.groups
        ),
        seal_diameter=round(SEAL_DIAMETER, 2),
    )


def _seam_warnings(sources: list[Source], placements: list[list[Placement]], plan: VolumePlan) -> list[str]:
    covered = _covered_by_seam(sources, placements, plan.layout, plan.front)
    warnings = []
    for s in sources:
        pages = sorted(covered.get(s.file, []))
        if pages:
            warnings.append(
                f"{s.file} 第 {_ranges(pages)} 页：骑缝章切片（页面右边缘）会压住页面内容，"
                "盖章前请确认不影响辨认，或把该材料留出右边距后重新导出。"
            )
    return warnings


# What pikepdf/qpdf raise on damaged or hostile content (QpdfRuntimeError is a RuntimeError;
# a name that is not UTF-8 raises UnicodeDecodeError, a ValueError).
_DAMAGE = (RuntimeError, ValueError, TypeError, KeyError, IndexError)


# A content stream with only these keys can become the page's Form XObject in place.
_PLAIN_STREAM_KEYS = {"/Length", "/Filter", "/DecodeParms"}
_XOBJECT, _FORM = pikepdf.Name.XObject, pikepdf.Name.Form


def _page_form(page, box: Rect, wrapped: set[tuple[int, int]], bboxes: dict | None = None):
    """The source page as a Form XObject (in the source ``Pdf``, ready for ``copy_foreign``).

    A page drawn by one content stream gets that very stream, turned into a form in memory (the
    source is never saved): qpdf then copies its compressed bytes through at save time instead of
    decoding, buffering and recompressing them, as ``as_form_xobject`` does (that the content
    decodes at all is checked by :func:`_check_content_decodes`). Anything else (several
    streams, a stream two pages share, a stream with keys of its own) goes through
    ``as_form_xobject``. ``bboxes`` keeps the /BBox arrays made, by value: pikepdf takes ~40 µs
    to make an array of four reals, and most pages of a volume share a few sizes.
    """
    import pikepdf

    key = tuple(round(v, 4) for v in box)
    bbox = bboxes.get(key) if bboxes is not None else None
    if bbox is None:
        bbox = pikepdf.Array(key)
        if bboxes is not None:
            bboxes[key] = bbox
    obj = page.obj
    contents = obj.get("/Contents")
    if isinstance(contents, pikepdf.Array) and len(contents) == 1:
        contents = contents[0]
    if (
        isinstance(contents, pikepdf.Stream)
        and contents.objgen not in wrapped
        and contents.keys() <= _PLAIN_STREAM_KEYS
    ):
        # Item assignment and one ``keys()`` call: pikepdf's attribute access costs ~25 µs a page more.
        wrapped.add(contents.objgen)
        contents["/Type"], contents["/Subtype"], contents["/BBox"] = _XOBJECT, _FORM, bbox
        keys = obj.keys()
        for key in ("/Resources", "/Group"):
            if key in keys:
                value = obj[key]
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

    from dossier.bind.remember import facts

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

    facts("content-decodes", src.path, decode_all, digest=src.sha256)


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
    """A content stream, compressed here with a small zlib window: ~10 µs for a page's marks,
    where qpdf's default deflate set-up at save time costs ~25 µs a stream. Each stream gets a
    compressor of its own (copying one set up once, as this did before, measured no cheaper with
    zlib 1.2.13; the bytes are the same), and its filter is set by item with a ready-made name
    (pikepdf's attribute access and ``Name.X`` look-up cost ~20 µs a page more)."""
    z = zlib.compressobj(6, zlib.DEFLATED, 12, 3)
    stream = pikepdf.Stream(pdf, z.compress(data) + z.flush())
    stream["/Filter"] = _FLATE
    return stream


_FLATE = pikepdf.Name.FlateDecode


def _volume_id(sources: list[Source], entries: list[PageEntry], plan: VolumePlan) -> bytes:
    """The first word of the volume's /ID: a digest of what the volume shows (each input's
    SHA-256 and page count, every page's label, source page and seam, the cover, TOC, bookmarks
    and stamping options), so the same inputs give the same ID and different volumes different
    ones. Where the inputs live is left out: a volume built in another folder is the same file.

    qpdf's ``deterministic_id`` would instead MD5 the whole output while writing it, 0.2 s per
    100 MB of scans. With ``static_id`` qpdf keeps an existing first word and writes a fixed
    second one.
    """
    import json

    shown = [p.to_json() for p in entries]
    for p in shown:
        del p["source"]
    seed = json.dumps(
        [PRODUCER, [(s.sha256, len(s.pages)) for s in sources], shown, repr(plan.cover),
         [repr(e) for e in plan.toc], repr(list(plan.marks)), (plan.draft, plan.page_numbers, plan.duplex)],
        ensure_ascii=False,
    )
    return hashlib.sha256(seed.encode("utf-8")).digest()[:16]


def _damaged(file: str | None, exc: BaseException, page: int | None) -> InputError:
    from dossier.bind.intake import _short

    return InputError(
        f"PDF 内容损坏，无法装订（{_short(exc)}）。", file=file, page=page,
        hint="向材料提供方重新索取，或用 PDF 阅读器“另存为”/“打印为 PDF”后再装订。",
    )


def _unreadable_source(sources: list[Source]) -> str | None:
    import os

    import pikepdf

    for s in sources:
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


def _assign(nodes: list[_Node], start: int) -> int:
    for n in nodes:
        first = start
        start += n.pages
        start = _assign(n.children, start)
        n.count = start - first
        n.first = first if n.count else None
    return start


def _mark(n: _Node) -> outline.Mark | None:
    if n.first is None:
        return None
    kids = [m for m in (_mark(c) for c in n.children) if m is not None]
    return outline.Mark(n.part.title, n.first, kids)


def _covered_by_seam(
    sources: list[Source], placements: list[list[Placement]], layout: SealLayout, front: int,
) -> dict[str, list[int]]:
    """Pages (1-based, per input file) whose content lies under their seam slice.

    Image pages are decided here (the image fills its box). PDF pages whose box reaches the
    slice need their content stream read, about a millisecond a page; the answer is remembered
    by the file's content (the SHA-256 the manifest records anyway), so a rebind of the same
    evidence only reads the cache.
    """
    covered: dict[str, list[int]] = {}
    jobs = []
    index = front
    for src, places in zip(sources, placements):
        pages = []
        for i, (sp, pl) in enumerate(zip(src.pages, places)):
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


def _r(rect: Rect) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = rect
    return (round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2))


def _ranges(pages: list[int]) -> str:
    from dossier.util.formats import page_ranges

    return page_ranges(pages)
