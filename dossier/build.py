"""``dossier build``: check → contexts → .docx → PDF → ``OUT/manifest.json`` (→ bound volume).

Refuses to build when the check finds errors, unless ``force`` — then every page of every document
carries 草稿 in its header. Outputs go to ``OUT`` (default ``DIR/build``) all or nothing: they are
written into a staging folder beside it that replaces ``OUT`` whole when everything is done
(:func:`dossier.util.atomic.staged_folder`), so an interrupted or failed build leaves the previous
``OUT`` as it was, and every file listed in ``manifest.json`` has the recorded SHA-256. The user's
own files in ``OUT`` (anything a build does not make, e.g. ``package/``) are kept; the ``OUT/.cache``
of earlier versions is dropped (caches live in the user cache folder, :mod:`dossier.util.cache`). Nothing is written into the project's ``evidence/`` or ``media/``, and no
input file is modified.
The same input gives byte-identical .docx and PDF files (see :mod:`dossier.documents.render`, :mod:`dossier.documents.convert`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.application.paths import refuse_protected
from dossier.check import CheckResult, check_project
from dossier.documents.context import DocumentSpec, document_contexts, document_specs
from dossier.documents.convert import convert_all, find_soffice
from dossier.documents.fidelity import CODE as MISMATCH, check_documents
from dossier.documents.render import render_docx, template_path
from dossier.util.atomic import staged_folder, write_bytes, write_text
from dossier.util.cache import cache_dir, touch
from dossier.util.errors import DossierError, InputError
from dossier.util.findings import Finding
from dossier.util.progress import Progress, silent

if TYPE_CHECKING:
    from dossier.bind.fonts import FontSubset
    from dossier.bind.kept import KeptSources
    from dossier.bind.manifest import SectionEntry, SigningPoint, VolumeManifest
    from dossier.documents.early import EarlyConversions

MANIFEST = "manifest.json"
OLD_CACHE = ".cache"  # where earlier versions cached, inside OUT; removed when found
VOLUME = "申报材料装订本.pdf"
REPORT = "report.html"
GUIDE = "盖章指引.pdf"
# Part of the key of a cached .docx, with the source of the modules that render and of docxtpl and
# python-docx: a change to any of them renders again without a bump here.
RENDER_PIPELINE = "dossier-docx-8"
RENDER_MODULES = ("dossier.documents.render", "dossier.documents.tablefit")  # tests/test_render_cache_key.py
TEXT_PIPELINE = "dossier-pdftext-1"  # bump when the cached page texts or fidelity findings change form


@dataclass(frozen=True)
class BuiltDocument:
    name: str  # template name
    title: str
    attachment: int | None
    item: int  # materials-list item 1–9
    docx: Path
    pdf: Path
    template: Path  # the template used (a project override or the built-in one)


@dataclass
class BuildResult:
    out: Path
    refused: bool  # the check found errors and force was not given: nothing was written
    draft: bool
    findings: list[Finding]
    check: CheckResult
    documents: list[BuiltDocument] = field(default_factory=list)
    manifest: Path | None = None
    converted: int = 0  # documents LibreOffice converted in this run
    cached: int = 0  # documents whose PDF came from the cache
    volume: Path | None = None  # the bound volume
    guide: Path | None = None  # the stamping guide (盖章指引)
    binding: VolumeManifest | None = None  # the binder's manifest (pages, inputs, seal groups)
    manifest_data: dict[str, Any] | None = None  # what manifest.json holds, for the report and --json
    bind_warnings: list[str] = field(default_factory=list)
    report: Path | None = None  # the HTML report

    @property
    def mismatches(self) -> list[Finding]:
        """PDFs whose text differs from their .docx (written, but not to be signed)."""
        return [f for f in self.findings if f.code == MISMATCH]

    @property
    def exit_code(self) -> int:
        return 1 if self.refused or self.mismatches else 0


def output_dir(root: Path, out: str | Path | None) -> Path:
    """``OUT`` (default ``root/build``); refused when it would write into evidence/ or media/."""
    target = Path(out) if out is not None else root / "build"
    refuse_protected(root, target, what="输出文件夹", hint="用 -o 指定其他文件夹，例如项目下的 build/。")
    if target.resolve() == root.resolve():
        raise InputError("输出文件夹不能是项目文件夹本身", file=str(target), hint="用 -o 指定其他文件夹，例如 build/。")
    if target.exists() and not target.is_dir():
        raise InputError("输出路径已存在且不是文件夹", file=str(target), hint="请换一个输出文件夹。")
    return target


def file_stem(spec: DocumentSpec, seq: int) -> str:
    """``03 附件2 重点指标自测表``-style names: sorted in binding order, no path separators."""
    label = f"附件{spec.attachment} " if spec.attachment else ""
    title = spec.title.replace("/", "、").replace("\\", "、")
    return f"{seq:02d} {label}{title}"


def build_project(
    root: str | Path,
    out: str | Path | None = None,
    force: bool = False,
    *,
    media: bool = True,
    today: dt.date | None = None,
    soffice: str | os.PathLike | None = None,
    duplex: bool = False,
    seal_group: int | None = None,
    progress: Progress | None = None,
    check: CheckResult | None = None,
    converter: Callable[[list[Path], dict[str, str]], list[bytes]] | None = None,
    early: EarlyConversions | None = None,
    kept: KeptSources | None = None,
) -> BuildResult:
    """Build every document of the project at ``root`` into ``out``, replacing it whole.

    Returns a :class:`BuildResult`; ``refused`` is true (and nothing is written) when the check has
    errors and ``force`` is false. Raises :class:`InputError` for unusable input or templates and
    :class:`ToolError` when LibreOffice is missing or fails; then ``out`` is left as it was. Another
    process building into ``out`` is waited for. ``progress`` is told each step (:mod:`dossier.util.progress`).
    ``check``: this project's check, when the caller has just run it (``dossier watch``); ``converter``:
    see :func:`dossier.documents.convert.convert_all`'s ``runner``; ``early``: conversions the caller
    started (``dossier watch``). Without ``converter``, the build starts its own early conversions in the
    office kept running between builds: the check calls back once the project is loaded, and the
    documents are rendered and handed to the office then, before the check's rules run. ``kept``: the
    binder's inputs kept open between builds (:class:`dossier.bind.kept.KeptSources`, ``dossier watch``).
    """
    root = Path(root)
    progress = progress or silent
    own = converted = None
    if converter is None:
        from dossier.documents.kept_office import start_rest, warm_up

        warm_up(root, soffice)  # starts LibreOffice meanwhile, when none is kept running
        if early is None and check is None:
            early = own = _kept_early(root, soffice)
            # Once its conversions are done, the build starts the kept offices not running yet, each
            # to convert one of its documents as soon as it is up.
            converted = functools.partial(start_rest, root, soffice) if own is not None else None
    try:
        result = _build(root, out, force, media=media, today=today, soffice=soffice, duplex=duplex,
                        seal_group=seal_group, progress=progress, check=check, converter=converter, early=early,
                        kept=kept, converted=converted)
    except BaseException:
        if own is not None:
            own.abandon()  # no waiting for the office on an error or Ctrl-C
        raise
    if own is not None:
        own.close()
    return result


def _kept_early(root: Path, soffice: str | os.PathLike | None) -> EarlyConversions | None:
    """Early conversions shared by the kept offices (:func:`dossier.documents.kept_office.slots`; None
    when there is none to be had), in a scratch folder: the first office, started if need be, and
    the others if they are running when the build starts (each asks on its own thread; see
    :func:`dossier.documents.kept_office.start_rest`)."""
    import secrets
    import tempfile

    from dossier.documents.convert import kept_converter
    from dossier.documents.early import EarlyConversions
    from dossier.documents.kept_office import running, slots

    offices = [kept_converter(soffice, cache_dir("pdf"), slot=slot) for slot in range(slots())]
    if offices[0] is None:
        return None
    used = [slot for slot, o in enumerate(offices) if o is not None]
    ready = [None if slot == 0 else functools.partial(running, root, soffice, slot) for slot in used]
    # Named here, made by the first conversion started (inside the build's try): a folder made here
    # was left behind when Ctrl-C came before the build had it in hand.
    folder = Path(tempfile.gettempdir()) / f"dossier-early-{secrets.token_hex(8)}"
    return EarlyConversions([offices[slot] for slot in used], folder, ready=ready)


def _build(
    root: Path, out: str | Path | None, force: bool, *, media: bool, today: dt.date | None,
    soffice: str | os.PathLike | None, duplex: bool, seal_group: int | None, progress: Progress,
    check: CheckResult | None, converter: Callable[[list[Path], dict[str, str]], list[bytes]] | None,
    early: EarlyConversions | None, kept: KeptSources | None = None, converted: Callable[[Path | None], None] | None = None,
) -> BuildResult:
    progress("检查材料", 0, None)
    if check is None:
        hook = functools.partial(start_early, root, early) if early is not None else None
        check = check_project(root, today=today, media=media, loaded=hook)
    errors = [f for f in check.findings if f.severity == "error"]
    target = output_dir(root, out)
    result = BuildResult(out=target, refused=False, draft=bool(errors), findings=check.findings, check=check)
    if errors and not force:
        result.refused = True
        return result
    app, programme, figures = check.folder.app, check.programme, check.figures
    if app is None or programme is None or figures is None:
        raise InputError(
            "enterprise.yaml 的结构有错误，无法生成文书（--force 也不能跳过）",
            file="enterprise.yaml",
            hint="先运行 dossier check 并修正其中的结构错误（未知的键、类型不对等）。",
        )
    if app.type is None:
        raise InputError("未填写智能制造类型（type），无法确定要生成哪些附件", file="enterprise.yaml",
                         hint="填写 type: discrete（离散型）或 type: process（流程型）。")

    soffice = find_soffice(soffice)  # fail before writing anything when LibreOffice is missing
    contexts = document_contexts(app, programme, figures, draft=result.draft)
    specs = document_specs(programme, app.type)
    stage: Path | None = None
    try:
        waiting = lambda: progress("等待另一个 dossier 进程写完输出文件夹", 0, None)  # noqa: E731
        with staged_folder(target, carry=_carried(target), waiting=waiting) as stage:
            _build_into(stage, target, result, check, specs, contexts, root=root, soffice=soffice,
                        duplex=duplex, seal_group=seal_group, progress=progress, converter=converter, early=early,
                        kept=kept, converted=converted)
    except DossierError as exc:
        # A message names the document where the user will look for it, not in the staging folder.
        if stage is not None and exc.file:
            exc.file = exc.file.replace(str(stage), str(target))
        raise
    _moved(result, stage, target)
    return result


def _build_into(
    stage: Path, target: Path, result: BuildResult, check: CheckResult, specs: list[DocumentSpec],
    contexts: dict[str, dict[str, Any]], *, root: Path, soffice: Path, duplex: bool, seal_group: int | None,
    progress: Progress, converter: Callable[[list[Path], dict[str, str]], list[bytes]] | None = None,
    early: EarlyConversions | None = None, kept: KeptSources | None = None, converted: Callable[[Path | None], None] | None = None,
) -> None:
    """Everything a build writes, written into ``stage`` (which replaces ``target`` afterwards);
    ``converted(docx)`` is called once the documents are converted, with the first one's .docx."""
    app, programme = check.folder.app, check.programme
    result.out = stage
    write = _reusing(stage, target)
    jobs = []
    progress("生成 Word 文书", 0, len(specs))
    for seq, spec in enumerate(specs, start=1):
        template = template_path(spec.name, root)
        # bound: the volume numbers the pages, so the documents print no page numbers of their own
        data = _rendered(template, {**contexts[spec.name], "bound": True}, cache_dir("docx"))
        stem = file_stem(spec, seq)
        docx = write(stage / f"{stem}.docx", data)
        pdf = stage / f"{stem}.pdf"
        result.documents.append(BuiltDocument(spec.name, spec.title, spec.attachment, spec.item, docx, pdf, template))
        jobs.append((docx, pdf))
        progress("生成 Word 文书", seq, len(specs))

    from dossier.documents.fontmap import plan_for

    fonts = plan_for([docx for docx, _ in jobs])  # official fonts this machine lacks, and their stand-ins
    progress("转换为 PDF（LibreOffice）", 0, len(jobs))
    # While LibreOffice converts (other processes), this one would only wait: it loads the binder
    # and the report meanwhile, reads the photos and video for the report, opens the evidence for
    # the binding and subsets the font the volume and the guide print in.
    import contextlib
    import threading
    from concurrent.futures import ThreadPoolExecutor

    with contextlib.ExitStack() as stack:
        if kept is None:  # a build of its own: the sources opened ahead are closed when it ends
            from dossier.bind.kept import KeptSources

            kept = KeptSources()
            stack.callback(kept.close)
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=1) as pool:
            parts = pool.submit(_volume_parts, result, check)
            media = pool.submit(_prepare_report, check)
            pool.submit(_open_evidence_ahead, parts, kept, stage, {os.path.abspath(pdf) for _, pdf in jobs}, stop)
            pool.submit(_subset_ahead, parts, result, check, stop)
            try:
                conversions = convert_all(jobs, cache_dir=cache_dir("pdf"), soffice=soffice, font_pairs=fonts.pairs,
                                          runner=converter, early=early, write=write)
            except BaseException:
                stop.set()  # a failed conversion or Ctrl-C: the evidence is not waited for
                raise
            if converted is not None:
                converted(jobs[0][0] if jobs else None)
        result.cached = sum(1 for c in conversions if c.cached)
        result.converted = len(conversions) - result.cached
        progress("核对 PDF 与 Word 文字一致", 0, None)
        # PDF text = .docx text, read by pdftotext (other processes) while this one binds.
        with ThreadPoolExecutor(max_workers=1) as pool:
            fidelity = pool.submit(_fidelity, result.documents)
            bind_project_volume(result, check, duplex=duplex, seal_group=seal_group, progress=progress,
                                parts=parts.result(), write=write, kept=kept)
    result.findings.extend(fidelity.result())
    if fonts.warning():
        result.bind_warnings.insert(0, fonts.warning())

    progress("写出清单和报告", 0, None)
    result.manifest = write_manifest(result, app.enterprise.name, app.type, programme.id, programme.type_label(app.type))
    from dossier.html_report import write_report

    result.report = write_report(check, stage / REPORT, manifest=result.manifest_data, media=media.result())
    _prune()
    progress("替换输出文件夹", 0, None)


def _open_evidence_ahead(parts, kept: KeptSources, stage: Path, documents: set[str], stop) -> None:  # noqa: ANN001
    """The evidence PDFs of the volume opened and wrapped into ``kept`` while LibreOffice converts the
    documents (:func:`dossier.bind.volume.open_ahead`), until ``stop`` is set; the binding takes them
    from there."""
    from dossier.bind.volume import open_ahead

    open_ahead(parts.result()[0], kept, base_dir=stage, skip=lambda path: os.path.abspath(path) in documents,
               stop=stop.is_set)


def _subset_ahead(parts, result: BuildResult, check: CheckResult, stop) -> None:  # noqa: ANN001
    """The font subset of the volume and its guide (:func:`dossier.bind.volume.volume_chars`: the
    characters do not depend on the page counts) made while LibreOffice converts, unless ``stop``
    is set; the binding then finds it in :func:`dossier.bind.fonts.subset_font`'s memory. A
    failure here is left for the binding to report."""
    from dossier.bind.fonts import subset_font
    from dossier.bind.volume import volume_chars
    from dossier.documents.assemble import cover_date, cover_for

    if stop.is_set():
        return
    app, programme = check.folder.app, check.programme
    try:
        chars = volume_chars(parts.result()[0], cover=cover_for(app, programme, cover_date(app)), draft=result.draft,
                             extra=_guide_chars(result))
        if chars:
            subset_font(chars)
    except Exception:  # noqa: BLE001 - the binding subsets again and reports it
        return


def _reusing(stage: Path, target: Path) -> Callable[[Path, bytes], Path]:
    """A writer of files into ``stage`` that hard-links the file of the same name in ``target`` (the
    previous output, locked by this build) when it holds exactly these bytes, and writes otherwise.
    A rebuild after a one-field change makes most documents again byte for byte; each write is
    fsynced (:func:`dossier.util.atomic.write_bytes`), ~10 ms apiece on a busy disk, and the old
    file was fsynced when it was written. The old ``target`` is not modified: the link is a second
    name for its file, which stays when the old folder is deleted after the swap."""

    def write(path: Path, data: bytes) -> Path:
        old = target / path.relative_to(stage)
        try:
            if not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, path)
                return path
        except OSError:
            pass  # no old file, or no hard links here: written
        return write_bytes(path, data)

    return write


PRUNE_EVERY_S = 600.0


def _prune() -> None:
    """Keep the user cache under its cap, oldest entries first, at most once every ten minutes
    across builds (a prune stats every entry; a rebuild after each save should not pay it)."""
    from dossier.util.cache import prune_due

    prune_due(PRUNE_EVERY_S)


def start_early(root: Path, early: EarlyConversions, folder, programme, figures) -> None:  # noqa: ANN001
    """Render the documents of the loaded project and hand each one the PDF cache lacks to ``early`` as
    soon as it is rendered (each PDF is post-processed while the office converts the next):
    ``check_project``'s ``loaded`` callback, so that the office converts while the next documents
    render and the rules run. What a build renders when the check finds no errors (no 草稿); a build
    that renders other bytes converts them itself. A failure here is left for the build to report.

    The font replacements are known only once every document is rendered; the documents are started
    with a guess (:func:`dossier.documents.kept_office.project_pairs`: what this project's documents
    had last time), and when the documents' own differ, everything is started again with those."""
    from dossier.documents.convert import is_cached
    from dossier.documents.fontmap import plan_for
    from dossier.documents.kept_office import project_pairs, remember_pairs

    app = folder.app
    if any(f.severity == "error" for f in folder.findings) or app is None or programme is None or figures is None \
            or app.type is None:
        return
    try:
        guess = project_pairs(root)
        contexts = document_contexts(app, programme, figures, draft=False)
        docs = []
        for seq, spec in enumerate(document_specs(programme, app.type), start=1):
            data = _rendered(template_path(spec.name, root), {**contexts[spec.name], "bound": True}, cache_dir("docx"))
            docs.append((f"{file_stem(spec, seq)}.docx", data))
            if not is_cached(data, guess, cache_dir("pdf")):
                early.start([docs[-1]], guess)
        pairs = plan_for([data for _, data in docs]).pairs
        remember_pairs(root, pairs)
        if pairs != guess:
            for doc in docs:
                if not is_cached(doc[1], pairs, cache_dir("pdf")):
                    early.start([doc], pairs)
    except Exception:  # noqa: BLE001 - the build renders again and reports it
        return


def _volume_parts(result: BuildResult, check: CheckResult) -> tuple[list, list[str]]:
    """The volume's parts (:func:`dossier.documents.assemble.volume_parts`) and the files not found:
    they depend on the documents' names, not on their PDFs, so they are made while LibreOffice converts."""
    from dossier.documents.assemble import relative_source, volume_parts

    out = result.out
    documents = {d.name: (d.title, _rel(d.pdf, out)) for d in result.documents}
    missing: list[str] = []
    parts = volume_parts(check.folder, check.programme, documents, relative_source(check.folder, out, missing))
    return parts, missing


def _prepare_report(check: CheckResult) -> list:
    """The report's photos and video (:func:`dossier.html_report.collect_media`), with the modules the
    rest of the build needs imported."""
    import dossier.bind  # noqa: F401 - imported here, ahead of its use
    import dossier.documents.assemble
    from dossier.html_report import collect_media

    return collect_media(check)


def _carried(out: Path):
    """What of the old ``out`` the new one keeps: everything but the outputs of a build (those of
    the previous build, as its manifest lists them, and numbered documents of any earlier one)."""
    made: set[str] = set()

    def carry(name: str) -> bool:
        if not made:  # read when the swap is near, holding the lock: the manifest is the current one
            made.update((MANIFEST, REPORT, VOLUME, GUIDE, OLD_CACHE))  # no hidden cache in a folder the user zips
            try:
                old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
                for d in old.get("documents") or []:
                    made.update(str(d.get(k)) for k in ("docx", "pdf"))
                made.update(str(old.get(k)) for k in ("volume", "stamping_guide"))
            except (OSError, ValueError, AttributeError):
                pass
        numbered = name[:2].isdigit() and name[2:3] == " " and name.endswith((".docx", ".pdf"))
        return name not in made and not numbered

    return carry


def _moved(result: BuildResult, stage: Path, out: Path) -> None:
    """Point the result's paths at ``out``, where the staging folder now is."""

    def moved(path: Path | None) -> Path | None:
        return None if path is None else out / path.relative_to(stage)

    result.out = out
    result.documents = [replace(d, docx=moved(d.docx), pdf=moved(d.pdf)) for d in result.documents]
    result.manifest, result.volume = moved(result.manifest), moved(result.volume)
    result.guide, result.report = moved(result.guide), moved(result.report)


_TEMPLATE_TEXTS: dict[bytes, str] = {}


@functools.cache
def _render_code() -> bytes:
    """What a cached .docx depends on besides its template and context: the rendering code."""
    import importlib

    from dossier.util.cache import module_fingerprint

    h = hashlib.sha256(RENDER_PIPELINE.encode())
    for name in RENDER_MODULES:
        h.update(Path(importlib.import_module(name).__file__).read_bytes())
    h.update(module_fingerprint("docxtpl") + module_fingerprint("docx"))
    return h.digest()


def _rendered(template: Path, context: dict[str, Any], cache: Path) -> bytes:
    """The .docx for ``template`` + ``context``, from the cache when the template and the part of
    the context it reads are unchanged."""
    from dossier.documents.render import template_text, used_context

    data = template.read_bytes()
    h = hashlib.sha256(_render_code())
    h.update(data)
    digest = hashlib.sha256(data).digest()
    text = _TEMPLATE_TEXTS.get(digest)
    if text is None:  # unzipped once per template and process (``dossier watch`` asks on every save)
        if len(_TEMPLATE_TEXTS) >= 64:
            _TEMPLATE_TEXTS.clear()  # a template edited again and again while watched
        text = _TEMPLATE_TEXTS[digest] = template_text(data)
    used = used_context(text, context)
    h.update(json.dumps(used, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    key = h.hexdigest()
    data = _RENDERS.pop(key, None)
    if data is None:
        hit = cache / f"{key}.docx"
        if hit.is_file():
            touch(hit)
            data = hit.read_bytes()
        else:
            data = render_docx(template, context)
            _store_later(hit, data)
    _RENDERS[key] = data  # most recently used last
    while len(_RENDERS) > 32:
        del _RENDERS[next(iter(_RENDERS))]
    return data


# The last renders of this process by cache key (``dossier watch`` renders a changed document
# before the check's rules run, then the build asks for it again).
_RENDERS: dict[str, bytes] = {}
_STORES: list = []


def _store_later(path: Path, data: bytes) -> None:
    """Write a cache entry on a thread of its own: the write is fsynced, ~10 ms on a busy disk,
    and nothing of this run reads the entry back (:data:`_RENDERS` has it). The thread is waited
    for when the interpreter exits."""
    from concurrent.futures import ThreadPoolExecutor

    def store() -> None:
        try:
            write_bytes(path, data)
        except OSError:
            pass  # an unwritable cache only costs time

    if not _STORES:
        _STORES.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-cache"))
    _STORES[0].submit(store)


def bind_project_volume(
    result: BuildResult, check: CheckResult, *, duplex: bool = False, seal_group: int | None = None,
    progress: Progress | None = None, parts: tuple[list, list[str]] | None = None,
    write: Callable[[Path, bytes], Path] = write_bytes, kept: KeptSources | None = None,
) -> None:
    """Bind the documents and the evidence into the print-ready volume and its stamping guide.

    The parts follow the notice's materials list (:mod:`dossier.documents.assemble`); sources are recorded
    relative to the output folder, where manifest.json lives. ``parts``: :func:`_volume_parts` of
    ``result`` and ``check``, when the caller has made them already; ``write(path, data)`` writes the
    stamping guide (default :func:`dossier.util.atomic.write_bytes`); ``kept``: see :func:`dossier.bind.bind_volume`.
    """
    from dossier.bind import bind_volume
    from dossier.documents.assemble import cover_date, cover_for

    app, programme = check.folder.app, check.programme
    assert app is not None and programme is not None
    out = result.out
    parts, missing = parts if parts is not None else _volume_parts(result, check)
    bound = bind_volume(
        parts,
        out / VOLUME,
        cover=cover_for(app, programme, cover_date(app)),
        duplex=duplex,
        seal_group=seal_group or programme.seam_group_sheets,
        draft=result.draft,
        base_dir=out,
        progress=progress,
        kept=kept,
        extra_chars=_guide_chars(result),
    )
    manifest = bound.manifest.with_build_facts(signing_points=signing_points(bound, result, out), sections=_sections(bound))
    result.guide = write(out / GUIDE, _guide(manifest, programme.copies, bound.font))
    result.volume = out / VOLUME
    result.binding = manifest
    result.bind_warnings = [f"找不到“{m}”，装订本中未包含该文件（草稿）" for m in missing] + list(bound.warnings)


def _guide_chars(result: BuildResult) -> frozenset[str]:
    """What the stamping guide may print (:func:`dossier.bind.guide.guide_chars`): its own words and
    what it quotes, the volume's name, the documents' titles and the signing places
    (:func:`signing_points`). The volume's font subset holds them too, and the guide is set in it."""
    from dossier.bind.guide import guide_chars

    return guide_chars([VOLUME, *(d.title for d in result.documents), *_ROLES, "（签字）（盖章）、"])


_GUIDES: dict[str, bytes] = {}


def _guide(manifest: VolumeManifest, copies: int | None, subset: FontSubset | None = None) -> bytes:
    """The stamping guide's bytes (:func:`dossier.bind.guide.render_guide`, set in ``subset`` when it
    holds every character the guide prints), remembered for the life of the process by what it
    prints (its lines) and the font it is set in: a save that changes no page number, seal or
    signing place (most of them) gives the same guide."""
    from dossier.bind.fonts import find_font
    from dossier.bind.guide import guide_lines, render_guide

    font, face = find_font()
    st = font.stat()
    key = hashlib.sha256(repr((guide_lines(manifest, copies=copies), str(font), face, st.st_size, st.st_mtime_ns,
                               subset.name if subset is not None else None)).encode("utf-8")).hexdigest()
    data = _GUIDES.get(key)
    if data is None:
        data = render_guide(manifest, copies=copies, font=subset)
        _GUIDES.clear()  # one guide per watched project is enough
        _GUIDES[key] = data
    return data


# A place to sign or seal inside a document: "法定代表人（签字）", "企业（盖章）", "填报单位（盖章）".
_SIGNING = re.compile(r"([\u4e00-\u9fff]{0,6})（(签字|盖章)）")
_NOT_OURS = ("经办人",)
_ROLES = ("法定代表人", "企业负责人", "财务负责人", "填报人", "申报单位", "填报单位", "企业")  # the district's own box on the 申报表 is not the applicant's to sign


def signing_points(bound, result: BuildResult, out: Path) -> list[SigningPoint]:
    """Every signature and seal place printed in the generated documents, with its volume page."""
    from dossier.bind.manifest import SigningPoint

    first_of = {i.file: i.first_page for i in bound.manifest.inputs if i.first_page}
    points = []
    for d, pages in zip(result.documents, page_texts([d.pdf for d in result.documents]), strict=True):
        first = first_of.get(_rel(d.pdf, out))
        if first is None:
            continue
        for k, page in enumerate(pages):
            text = re.sub(r"\s+", "", page)
            found = []
            for m in _SIGNING.finditer(text):
                who = m[1]
                if any(w in who for w in _NOT_OURS) or (m[2] == "盖章" and who == "" and "经办人" in text[max(0, m.start() - 12):m.start()]):
                    continue
                role = next((r for r in _ROLES if who.endswith(r)), "企业" if m[2] == "盖章" else "")
                phrase = f"{role}（{m[2]}）"
                if phrase not in found:
                    found.append(phrase)
            if found:
                number = first + k
                points.append(SigningPoint(number, bound.labels[number - 1], d.title, "、".join(found)))
    return points


def _text_tool() -> str:
    """What the cached page texts depend on besides the PDF: pdftotext (its path and build) and
    the code that reads them."""
    import shutil

    from dossier.documents import fidelity

    exe = shutil.which("pdftotext")
    tool = f"{exe}:{os.stat(exe).st_mtime_ns}" if exe else "pypdf"
    return f"{TEXT_PIPELINE}|{tool}|{hashlib.sha256(Path(fidelity.__file__).read_bytes()).hexdigest()}"


def page_texts(pdfs: list[Path]) -> list[list[str]]:
    """Each PDF's page texts (:func:`dossier.documents.fidelity.pdf_pages`, pdftotext: a tenth of pypdf's
    time), remembered by the PDF's content: a rebuild reads only the PDFs that changed."""
    from concurrent.futures import ThreadPoolExecutor

    from dossier.documents.fidelity import pdf_pages
    from dossier.util.cache import cached_json

    extra = _text_tool()
    # pdftotext runs are separate processes: started together they overlap.
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda pdf: cached_json("pdftext", pdf, lambda: pdf_pages(pdf), extra=extra), pdfs))


def _fidelity(documents: list[BuiltDocument]) -> list[Finding]:
    """:func:`dossier.documents.fidelity.check_documents` of each document, remembered by the contents of
    its .docx and PDF (and its title, which the message names)."""
    from dossier.util.cache import cache_dir as kind_dir, file_digest, store

    texts = page_texts([d.pdf for d in documents])
    tool = _text_tool()
    findings: list[Finding] = []
    for d, pages in zip(documents, texts, strict=True):
        key = hashlib.sha256("|".join((tool, file_digest(d.docx), file_digest(d.pdf), d.title, d.pdf.name)).encode())
        hit = kind_dir("fidelity") / f"{key.hexdigest()}.json"
        try:
            found = [Finding(**f) for f in json.loads(hit.read_text(encoding="utf-8"))]
            touch(hit)
        except (OSError, ValueError, TypeError):
            found = check_documents([(d.docx, d.pdf, d.title)], texts=[pages])
            try:
                store(hit, json.dumps([f.to_dict() for f in found], ensure_ascii=False).encode("utf-8"))
            except OSError:
                pass  # an unwritable cache only costs time
        findings.extend(found)
    return findings


def _sections(bound) -> list[SectionEntry]:
    """The volume's materials-list sections with their page ranges (for the report's page map)."""
    from dossier.bind.manifest import SectionEntry

    first_of = {label: i + 1 for i, label in reversed(list(enumerate(bound.labels)))}
    starts = [(e.title, first_of[e.page_label]) for e in bound.toc if e.level == 1 and e.page_label in first_of]
    total = len(bound.labels)
    out = []
    if starts and starts[0][1] > 1:
        out.append(SectionEntry("封面与目录", 1, starts[0][1] - 1))
    for k, (title, first) in enumerate(starts):
        last = starts[k + 1][1] - 1 if k + 1 < len(starts) else total
        out.append(SectionEntry(title, first, last))
    return out


def _rel(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


def _sha256(path: Path) -> str:
    from dossier.util.cache import file_digest

    return file_digest(path)


def manifest_data(result: BuildResult, enterprise: str | None, mtype: str, programme: str, type_label: str) -> dict[str, Any]:
    from dossier.bind.manifest import BUILD_KEY

    out = result.out
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in result.findings:
        counts[f.severity] += 1
    return {
        "enterprise": enterprise,
        "type": mtype,
        "type_label": type_label,
        "programme": programme,
        "draft": result.draft,
        "findings": counts,
        # What a district's `dossier district` reads: industry, district and the totals (issue 18).
        "application": _application(result.check),
        "documents": [
            {
                "attachment": d.attachment,
                "item": d.item,
                "name": d.name,
                "title": d.title,
                "docx": _rel(d.docx, out),
                "pdf": _rel(d.pdf, out),
                "pdf_sha256": _sha256(d.pdf),
                "template": "project" if d.template.resolve().parent.parent == result.check.folder.root.resolve() else "builtin",
            }
            for d in result.documents
        ],
        "volume": _rel(result.volume, out) if result.volume else None,
        "stamping_guide": _rel(result.guide, out) if result.guide else None,
        # The binder's manifest, as `dossier scan --against manifest.json` reads it (VolumeManifest.from_json).
        BUILD_KEY: result.binding.to_json() if result.binding else None,
        "bind_warnings": result.bind_warnings,
    }


def _application(check: CheckResult) -> dict[str, Any]:
    from dossier.district import applicant_summary

    return applicant_summary(check)


def write_manifest(result: BuildResult, enterprise: str | None, mtype: str, programme: str, type_label: str) -> Path:
    data = result.manifest_data = manifest_data(result, enterprise, mtype, programme, type_label)
    return write_text(result.out / MANIFEST, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
