"""``dossier batch``: every project under some folders checked and built in parallel, and one
page that says who is ready, who is blocked and why.

Public API::

    find_projects(roots) -> list[Path]                 # folders holding enterprise.yaml
    output_names(projects) -> dict[Path, str]          # OUT/<name>/, unique and deterministic
    run_project(root, out_dir, build=True) -> ProjectRow    # one project, never raises
    run_batch(roots, out, *, build=True, workers=None, on_done=None) -> BatchResult
    write_outputs(result) -> None                      # OUT/index.html and OUT/summary.csv

Each project runs in its own process (one per core): their conversions go one after the other to
the LibreOffice kept running between builds (:mod:`dossier.documents.kept_office`), or, without
one, to offices with a fresh profile per call (:mod:`dossier.documents.convert`): parallel builds
never share a profile. Whatever goes wrong in one project
— unusable input, errors, a tool failure, a bug — becomes that project's row; the others go on.
Each project's build is all or nothing (:func:`dossier.build.build_project`). Ctrl-C or SIGTERM
stops the batch: the workers ignore SIGINT and are sent SIGTERM, which each turns into an
exception, so a project being built is cut short cleanly (its LibreOffice killed, its staging
folder removed, ``OUT/<name>/`` left as it was) and no queued project starts.
``OUT/index.html`` and ``OUT/summary.csv`` list the same rows, written atomically, and are the
same bytes for the same inputs (no clock is read).
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dossier.application.load import FILENAME
from dossier.util.atomic import write_bytes, write_text
from dossier.util.errors import DossierError, InputError, ToolError
from dossier.util.formats import fmt_wan
from dossier.util.interrupt import Terminated, deliver_later, interruptible  # ready before any signal

READY = "就绪"
HAS_ERRORS = "有错误"
UNUSABLE = "输入无法使用"
FAILED = "生成失败"
# Worst first: the dashboard lists blocked projects before ready ones.
STATUS_ORDER = {UNUSABLE: 0, FAILED: 1, HAS_ERRORS: 2, READY: 3}

# Folders never searched for projects: outputs, a project's own inputs, hidden folders.
SKIP_DIRS = {"build", "evidence", "media", "templates", "node_modules", "__pycache__"}
REPORT = "report.html"
CSV_HEADER = ("项目", "客户", "类型", "错误", "警告", "合计投资（万元）", "页数", "状态", "原因", "报告",
              "所在区", "截止日期", "装订本", "张数", "份数")
MAX_REASONS = 3


@dataclass(frozen=True)
class ProjectRow:
    name: str  # the output folder OUT/<name>/
    root: str
    client: str  # enterprise name, else the folder name
    type: str  # 离散型 / 流程型 / ""
    errors: int
    warnings: int
    total_wan: str  # 合计计入投资, "1234.56"; "" when unknown
    pages: int | None  # pages of the bound volume, else of the built documents
    status: str
    reason: str  # why it is not ready (Chinese), "" when ready
    report: str  # OUT-relative link to the report, "" when none was written
    manifest: str = ""  # OUT-relative path of the build manifest, "" when nothing was built
    district: str = ""  # 所在区 as the catalogue names it (else as written)
    deadline: str = ""  # the district's deadline for the recommendation, YYYY-MM-DD
    volume: str = ""  # OUT-relative path of the bound 装订本, "" when none
    sheets: int | None = None  # sheets of paper per copy of the volume
    copies: int | None = None  # copies the notice asks for
    threshold_wan: str = ""  # the programme's minimum total, "5000.00"
    below_threshold: bool = False  # the total is known and under the threshold

    @property
    def ok(self) -> bool:
        return self.status == READY

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BatchResult:
    out: Path
    rows: list[ProjectRow] = field(default_factory=list)
    built: bool = True

    @property
    def exit_code(self) -> int:
        """1 when any project has errors, is unusable or failed to build; else 0."""
        return 0 if all(r.ok for r in self.rows) else 1

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUS_ORDER}
        for r in self.rows:
            out[r.status] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "built": self.built,
            "counts": self.counts(),
            "exit_code": self.exit_code,
            "projects": [r.to_dict() for r in self.rows],
        }


# ---------------------------------------------------------------- finding projects


def find_projects(roots: Iterable[str | Path], *, exclude: Iterable[Path] = ()) -> list[Path]:
    """Every folder under ``roots`` holding ``enterprise.yaml`` (a root may itself be one).

    Hidden folders, output folders (``build/``) and a project's own ``evidence/``, ``media/``
    and ``templates/`` are not searched, nor is anything under ``exclude``; symlinked folders
    are not followed. Sorted, without duplicates. A root that is not a folder is an InputError.
    """
    excluded = {Path(p).resolve() for p in exclude}
    found: set[Path] = set()
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            raise InputError("找不到这个文件夹", file=str(root), hint="dossier batch 后面写包含项目文件夹的目录。")
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            if here.resolve() in excluded:
                dirs[:] = []
                continue
            if FILENAME in files:
                found.add(here.resolve())
                dirs[:] = []  # a project's subfolders are its inputs, not more projects
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
    return sorted(found)


def output_names(projects: list[Path]) -> dict[Path, str]:
    """Each project's output folder name: its own folder name, with ``-2``, ``-3`` … added in
    path order when two projects under different roots share a name."""
    # Case-insensitive: OUT may be on Windows or macOS. Every folder's own name is reserved
    # first, so a generated "光芯-2" never takes the name of a project really called so.
    ordered = sorted(projects)
    used = {(p.name or "project").casefold() for p in ordered}
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for p in ordered:
        base = p.name or "project"
        name, n = base, 1
        while name.casefold() in taken or (name != base and name.casefold() in used):
            n += 1
            name = f"{base}-{n}"
        taken.add(name.casefold())
        names[p] = name
    return names


# ---------------------------------------------------------------- one project


def _reasons(findings) -> str:
    errors = [f for f in findings if f.severity == "error"]
    text = "；".join(f"{f.where()}：{f.message}" if f.where() else f.message for f in errors[:MAX_REASONS])
    if len(errors) > MAX_REASONS:
        text += f"；等共 {len(errors)} 个错误"
    return text


def _error_text(exc: DossierError) -> str:
    return exc.render().replace("\n  ", "；")


def _pages(manifest: dict[str, Any] | None, out_dir: Path) -> int | None:
    from dossier.html_report.volume import volume_manifest

    if not manifest:
        return None
    volume = volume_manifest(manifest, file=out_dir / "manifest.json")
    if volume is not None:
        return volume.page_count
    docs = manifest.get("documents") or []
    if not docs:
        return None
    import pikepdf

    total = 0
    for d in docs:
        try:
            with pikepdf.open(out_dir / d["pdf"]) as pdf:
                total += len(pdf.pages)
        except (OSError, KeyError, TypeError, pikepdf.PdfError):
            return None
    return total


def run_project(root: str | Path, out_dir: str | Path, build: bool = True, name: str | None = None) -> ProjectRow:
    """Check (and with ``build``, build) one project into ``out_dir`` and write its report there.

    Never raises: every failure is the returned row's status and reason.
    """
    root, out_dir = Path(root), Path(out_dir)
    name = name or out_dir.name
    try:
        return _run_project(root, out_dir, build, name)
    except DossierError as exc:
        status = FAILED if isinstance(exc, ToolError) else UNUSABLE
        return ProjectRow(name, str(root), root.name, "", 0, 0, "", None, status, _error_text(exc), "")
    except Exception as exc:  # noqa: BLE001 - one project's bug must not stop the batch
        return ProjectRow(name, str(root), root.name, "", 0, 0, "", None, FAILED,
                          f"内部错误：{type(exc).__name__}: {exc}（请把此信息报告给维护者）", "")


def _run_project(root: Path, out_dir: Path, build: bool, name: str) -> ProjectRow:
    from dossier.check import check_project
    from dossier.html_report import read_build_manifest, write_report

    failure = ""
    check = None
    refused = False
    if build:
        from dossier.build import build_project

        try:
            built = build_project(root, out_dir)
            check = built.check
            refused = built.refused
        except ToolError as exc:
            failure = _error_text(exc)
    if check is None:
        check = check_project(root)
    # A refused build writes nothing: a manifest in out_dir would be an earlier build's.
    built = build and not failure and not refused
    manifest = read_build_manifest(out_dir) if built else None
    if not built:  # a build wrote this very report inside its output folder already
        write_report(check, out_dir / REPORT, manifest=manifest)
    app, figures, programme = check.folder.app, check.figures, check.programme
    counts = check.counts()
    if failure:
        status, reason = FAILED, failure
    elif counts["error"]:
        status, reason = HAS_ERRORS, _reasons(check.findings)
    else:
        status, reason = READY, ""
    return ProjectRow(
        name=name,
        root=str(root),
        client=(app.enterprise.name if app and app.enterprise.name else root.name),
        type=programme.type_label(app.type) if (programme and app and app.type) else "",
        errors=counts["error"],
        warnings=counts["warning"],
        total_wan=fmt_wan(figures.qualifying_total, grouping=False) if figures else "",
        pages=_pages(manifest, out_dir),
        status=status,
        reason=reason,
        report=f"{name}/{REPORT}",
        manifest=f"{name}/manifest.json" if manifest else "",
        **_programme_columns(app, programme, figures),
        **_volume_columns(manifest, name),
    )


def _programme_columns(app, programme, figures) -> dict[str, Any]:  # noqa: ANN001 - model objects
    if programme is None:
        return {}
    district = ""
    if app is not None and app.enterprise.district:
        entry = programme.districts.find(app.enterprise.district)
        district = entry.label if entry is not None else app.enterprise.district
    deadline = programme.raw.get("district_deadline")
    threshold = programme.threshold_wan
    return {
        "district": district,
        "deadline": deadline.isoformat() if hasattr(deadline, "isoformat") else str(deadline or ""),
        "copies": int(programme.raw["copies"]) if programme.raw.get("copies") else None,
        "threshold_wan": fmt_wan(threshold, grouping=False),
        "below_threshold": bool(figures is not None and figures.qualifying_total < threshold),
    }


def _volume_columns(manifest: dict[str, Any] | None, name: str) -> dict[str, Any]:
    from dossier.html_report.volume import volume_manifest

    if not manifest or not isinstance(manifest.get("volume"), str):
        return {}
    volume = volume_manifest(manifest)
    return {"volume": f"{name}/{manifest['volume']}", "sheets": volume.sheets if volume else None}


# ---------------------------------------------------------------- the batch


def run_batch(
    roots: Iterable[str | Path],
    out: str | Path,
    *,
    build: bool = True,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[ProjectRow], None] | None = None,
) -> BatchResult:
    """Run every project under ``roots`` into ``out/<name>/``, ``workers`` at a time (default:
    one per core), then write ``out/index.html`` and ``out/summary.csv``.

    ``on_start(n)`` is called once with the number of projects, ``on_done(row)`` as each
    finishes (in the calling process, for a progress bar). Raises InputError only when there is
    nothing to do (no root, no project) or ``out`` is unusable.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("输出路径已存在且不是文件夹", file=str(out), hint="用 -o 指定一个文件夹。")
    roots = [Path(r) for r in roots]
    projects = find_projects(roots, exclude=[out])
    if not projects:
        raise InputError(
            "没有找到任何项目（含 enterprise.yaml 的文件夹）", file="、".join(str(r) for r in roots),
            hint="每个客户一个文件夹，文件夹里有 enterprise.yaml；可用 dossier init 生成。",
        )
    for p in projects:
        real_out = out.resolve()
        if real_out == p or p in real_out.parents:
            raise InputError("输出文件夹不能位于项目文件夹之内", file=str(out), hint="用 -o 指定项目文件夹之外的位置。")
    names = output_names(projects)
    out.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(projects)))
    rows: list[ProjectRow] = []
    if workers == 1:
        if on_start:
            on_start(len(projects))
        for p in projects:
            row = run_project(p, out / names[p], build, names[p])
            rows.append(row)
            if on_done:
                on_done(row)
    else:
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_init) as pool:
            # Submitting starts the workers; only then may the caller start a progress thread.
            futures = {pool.submit(_in_worker, p, out / names[p], build, names[p]): p for p in projects}
            try:
                if on_start:
                    on_start(len(projects))
                for future in cf.as_completed(futures):
                    p = futures[future]
                    try:
                        row = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory)
                        row = ProjectRow(names[p], str(p), p.name, "", 0, 0, "", None, FAILED,
                                         f"处理该项目的进程意外退出：{type(exc).__name__}", "")
                    rows.append(row)
                    if on_done:
                        on_done(row)
            except BaseException:
                _stop_workers(futures)
                raise
    result = BatchResult(out, sorted(rows, key=lambda r: (STATUS_ORDER[r.status], r.name)), build)
    write_outputs(result)
    return result


# ---------------------------------------------------------------- stopping workers

_busy = False  # a worker is running a project
_stopping = False  # a worker was told to stop


def _worker_init() -> None:
    """In each worker: Ctrl-C is the batch's to handle; SIGTERM becomes an exception mid-project."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum, frame) -> None:
    global _stopping
    if _stopping:
        # Unwinding already. Another SIGTERM (the pool sends one to every worker once one has
        # exited) must not cut the cleanup short; a worker that hangs is killed by the batch.
        return
    if _busy and not interruptible(frame):
        deliver_later(signum)  # raised once out of the import or join (see dossier.util.interrupt)
        return
    _stopping = True
    if _busy:
        raise Terminated()  # unwinds the project: LibreOffice killed, staging folder removed
    os._exit(143)  # idle: nothing to clean up, and no project may start any more


def _in_worker(root: Path, out_dir: Path, build: bool, name: str) -> ProjectRow:
    global _busy
    _busy = True
    try:
        if _stopping:
            raise Terminated()
        return run_project(root, out_dir, build, name)
    except Terminated:
        # The project has unwound. Leave now: the pool would hand this worker the next project.
        os._exit(143)
    finally:
        _busy = False


def _stop_workers(futures) -> None:
    """Cancel what has not started and send the workers SIGTERM; wait for them to finish cleaning up."""
    for future in futures:
        future.cancel()
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` where it is safe (POSIX, no other thread alive): workers inherit the imported
    modules and start at once. Otherwise ``forkserver``/``spawn``, each worker importing dossier."""
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        # Import what the workers run before forking, so no worker pays for it again.
        import dossier.build  # noqa: F401
        import dossier.html_report  # noqa: F401

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


# ---------------------------------------------------------------- outputs


def _cell(text: str) -> str:
    """Text from the user's files, defused: Excel runs a cell starting with = + - @ as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def summary_csv(rows: list[ProjectRow]) -> bytes:
    """The rows as CSV, UTF-8 with BOM so that Excel shows the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([_cell(r.name), _cell(r.client), r.type, r.errors, r.warnings, r.total_wan,
                         "" if r.pages is None else r.pages, r.status, _cell(r.reason), _cell(r.report),
                         _cell(r.district), r.deadline, _cell(r.volume), "" if r.sheets is None else r.sheets,
                         "" if r.copies is None else r.copies])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def dashboard_html(result: BatchResult) -> str:
    from dossier.html_report import environment

    import datetime as dt
    from decimal import Decimal

    from dossier.util.formats import fmt_date

    env = environment()
    env.filters["wan"] = lambda text: fmt_wan(Decimal(text)) if text else ""
    env.filters["cn_date"] = lambda iso: fmt_date(dt.date.fromisoformat(iso)) if iso else "—"
    return env.get_template("dashboard.html.j2").render(
        rows=result.rows, counts=result.counts(), built=result.built, ready=READY,
    )


def write_outputs(result: BatchResult) -> None:
    write_bytes(result.out / "summary.csv", summary_csv(result.rows))
    write_text(result.out / "index.html", dashboard_html(result))
