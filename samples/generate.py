"""Generate every evidence and media file the samples' ``enterprise.yaml`` name: ``python -m samples.generate``.

Output is byte-identical on every run and machine (fixed seeds, no timestamps, reportlab's
invariant mode, fixed zip times, bit-exact ffmpeg). A file is rebuilt only when its recipe (the
data it shows, the generator's code, the font) changed or its bytes no longer match: recipes and
hashes are kept in ``samples/.cache/<sample>.json``, so a warm run takes about a second.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dossier.application.figures import compute
from dossier.application.load import load_project
from dossier.application.model import Application
from dossier.application.programme import DEFAULT_PROGRAMME, load_programme
from dossier.util.atomic import atomic_path, write_text
from dossier.util.errors import DossierError, InputError
from samples import documents, finance, fonts, media, ofd, sheet

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
LANDSCAPE_EVERY = 4  # every fourth row's bank statement is printed landscape
OWNER_PASSWORD = "dossier-sample-owner"


@dataclass
class Job:
    rel: str  # path inside the sample, as written in enterprise.yaml
    recipe: str
    build: Callable[[Path], None]  # writes the file at the given (temporary) path
    slow: bool = False


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode())
        h.update(b"\0")
    return h.hexdigest()


def recipe_base(font: Path) -> str:
    """What every recipe shares: the generator's code and the font."""
    return _digest(*[(p.name, p.read_bytes()) for p in sorted(ROOT.glob("*.py"))], font.name)


def _bytes_job(rel: str, recipe: str, make: Callable[[], bytes]) -> Job:
    return Job(rel, recipe, lambda path: path.write_bytes(make()))


def _render(sheet_: sheet.Sheet, rel: str, password: str | None = None) -> bytes:
    if rel.lower().endswith((".jpg", ".jpeg")):
        return sheet.to_jpeg(sheet_, seed=sheet.seed_of(rel))
    data = sheet.to_pdf(sheet_)
    return _encrypt(data, password) if password else data


def _encrypt(data: bytes, password: str) -> bytes:
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # RC4-128 (R3): qpdf draws AES initialisation vectors at random, which would break byte-identity.
        enc = pikepdf.Encryption(user=password, owner=OWNER_PASSWORD, R=3, aes=False, metadata=False)
        pdf.save(out, static_id=True, encryption=enc)
    return out.getvalue()


def plan(sample: Path, app: Application, font: Path, base: str) -> list[Job]:
    """Every file the sample's enterprise.yaml references, with how to make it."""
    programme = load_programme(app.programme or DEFAULT_PROGRAMME)
    figures = compute(app, programme)
    jobs: list[Job] = []
    ent = app.enterprise.model_dump_json(include={"name", "uscc", "registered_address"})
    for index, row in enumerate(app.investments):
        deal = documents.deal_for(app, row)
        row_key = _digest(base, ent, row.model_dump_json())
        for kind, _, ref in row.evidence.items():
            rel = ref.file or ""
            landscape = index % LANDSCAPE_EVERY == 1
            recipe = _digest(row_key, kind, rel, ref.password, landscape)
            jobs.append(_bytes_job(rel, recipe, lambda k=kind, r=rel, d=deal, ls=landscape, pw=ref.password:
                                   _render(_document(k, Path(r).name, d, font, ls), r, pw)))
    jobs.extend(_finance_jobs(app, font, base, ent))
    jobs.extend(_report_jobs(app, figures, font, base))
    jobs.extend(_media_jobs(sample, app, figures, programme, font, base))
    seen: dict[str, Job] = {}
    for job in jobs:
        seen.setdefault(job.rel, job)
    return list(seen.values())


def _finance_jobs(app: Application, font: Path, base: str, ent: str) -> list[Job]:
    """The finance department's files (finance/): ledger .xlsx, invoices as OFD and XML, one OFD receipt."""
    rows_key = _digest(base, ent, app.model_dump_json(include={"investments"}))
    jobs = [_bytes_job("finance/设备采购台账.xlsx", _digest(rows_key, "ledger"), lambda: finance.ledger_xlsx(app))]
    for rel, index, form in finance.invoice_files(app):
        deal = documents.deal_for(app, app.investments[index])
        make = (lambda d=deal: ofd.to_ofd(documents.invoice(font, d))) if form == "ofd" else (lambda d=deal: finance.invoice_xml(d))
        jobs.append(_bytes_job(rel, _digest(rows_key, rel), make))
    receipt = finance.receipt_file(app)
    if receipt:
        rel, index = receipt
        deal = documents.deal_for(app, app.investments[index])
        jobs.append(_bytes_job(rel, _digest(rows_key, rel), lambda d=deal: ofd.to_ofd(documents.voucher(font, d))))
    return jobs


def _document(kind: str, name: str, deal: documents.Deal, font: Path, landscape: bool) -> sheet.Sheet:
    """The document an evidence entry names: by its kind, and for ``other`` by its file name."""
    if kind == "contract":
        return documents.contract(font, deal)
    if kind == "invoice":
        return documents.invoice(font, deal)
    if kind == "payment_voucher":
        return documents.voucher(font, deal)
    if kind == "bank_statement":
        return documents.statement(font, deal, landscape=landscape)
    for word, make in (("工资", documents.payroll), ("领料", documents.requisition), ("立项", documents.approval)):
        if word in name:
            return make(font, deal)
    return documents.rd_ledger(font, deal)


def _report_jobs(app: Application, figures, font: Path, base: str) -> list[Job]:
    """System reports cited by indicators and scenarios: one table line per indicator they support."""
    lines_of: dict[str, list[tuple[str, str, str]]] = {}
    by_key = {f.key: f for f in figures.indicators}

    def line(f) -> tuple[str, str, str]:
        unit = f" {f.unit}" if f.unit else ""
        return (f"{f.name}（{unit.strip() or '—'}）", f"{f.baseline}", f"{f.current}")

    for i, ind in enumerate(app.indicators):
        for rel in ind.evidence:
            lines_of.setdefault(rel, []).append(line(figures.indicators[i]))
    records: dict[str, object] = {}
    for sc in app.scenarios:
        for rel in sc.evidence:
            if "运行记录" in Path(rel).stem:
                records.setdefault(rel, sc)
                continue
            for key in sc.indicators:
                if key in by_key:
                    lines_of.setdefault(rel, []).append(line(by_key[key]))
    jobs = []
    ent = app.enterprise.name
    for rel, lines in lines_of.items():
        unique = list(dict.fromkeys(lines))
        title = Path(rel).stem
        recipe = _digest(base, ent, app.project.factory_name, rel, unique)
        jobs.append(_bytes_job(rel, recipe, lambda t=title, u=unique, r=rel: _render(documents.system_report(font, app, t, u), r)))
    systems = {s.id: s.name for s in app.systems}
    for rel, sc in records.items():
        facts = [("场景：", Path(rel).stem.removesuffix("运行记录")), ("上线时间：", documents.cn_date(sc.go_live, pad=False) if sc.go_live else "—"),
                 ("应用系统：", "、".join(systems.get(x, x) for x in sc.systems) or "—")]
        lines = [line(by_key[k]) for k in sc.indicators if k in by_key]
        recipe = _digest(base, ent, app.project.factory_name, rel, facts, sc.description, lines)
        jobs.append(_bytes_job(rel, recipe, lambda t=Path(rel).stem, f=facts, d=sc.description or "", u=lines, r=rel:
                               _render(documents.scenario_record(font, app, t, f, d, u), r)))
    return jobs


def _media_jobs(sample: Path, app: Application, figures, programme, font: Path, base: str) -> list[Job]:
    m = app.media
    jobs = []
    for i, rel in enumerate(m.photos):
        caption = f"{app.enterprise.name} · {Path(rel).stem.split('-', 1)[-1]}（示例合成图片）"
        seed = sheet.seed_of(sample.name + rel)
        job = _bytes_job(rel, _digest(base, rel, caption, seed), lambda s=seed, c=caption, p=i: media.photo(s, c, font, palette=p))
        job.slow = True
        jobs.append(job)
    if m.presentation:
        recipe = _digest(base, m.presentation, app.model_dump_json(include={"enterprise", "project", "report", "scenarios", "indicators", "systems", "investments", "settings"}))
        jobs.append(_bytes_job(m.presentation, recipe, lambda: media.presentation(app, figures, programme)))
    if m.video:
        title = app.enterprise.name or ""
        subtitle = f"{app.project.name} · 建设成果（示例视频）"
        seed = sheet.seed_of(sample.name) % 100000
        jobs.append(Job(m.video, _digest(base, m.video, title, subtitle, seed),
                        lambda path, t=title, s=subtitle, sd=seed: media.video(path, t, s, font, sd), slow=True))
    if app.project.summary:
        text = app.project.summary.strip() + "\n"
        jobs.append(Job("media/建设情况简介.txt", _digest(base, text), lambda path, t=text: path.write_bytes(t.encode("utf-8"))))
    return jobs


def _sha256(path: Path) -> str:
    from dossier.util.cache import file_digest

    return file_digest(path)


def _load_stamps(path: Path) -> dict[str, dict[str, str]]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def generate_sample(sample: Path, font: Path, pool: ThreadPoolExecutor, base: str) -> tuple[int, int]:
    """Bring one sample's generated files up to date. Returns (written, kept)."""
    project = load_project(sample)
    if project.app is None:
        first = project.findings[0]
        raise InputError(f"示例项目的 enterprise.yaml 结构有误：{first.message}", file=str(sample / first.file), line=first.line)
    app = project.app
    stamps_path = CACHE / f"{sample.name}.json"
    stamps = _load_stamps(stamps_path)
    fresh: dict[str, dict[str, str]] = {}
    written = kept = 0
    pending: list[tuple[Job, Future]] = []
    for job in plan(sample, app, font, base):
        target = sample / job.rel
        old = stamps.get(job.rel)
        if old and old.get("recipe") == job.recipe and target.is_file() and _sha256(target) == old.get("sha256"):
            fresh[job.rel] = old
            kept += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if job.slow:
            pending.append((job, pool.submit(_write, job, target)))
        else:
            _write(job, target)
            fresh[job.rel] = {"recipe": job.recipe, "sha256": _sha256(target)}
            written += 1
    for job, future in pending:
        future.result()
        fresh[job.rel] = {"recipe": job.recipe, "sha256": _sha256(sample / job.rel)}
        written += 1
    CACHE.mkdir(parents=True, exist_ok=True)
    write_text(stamps_path, json.dumps(dict(sorted(fresh.items())), ensure_ascii=False, indent=1) + "\n")
    return written, kept


def _write(job: Job, target: Path) -> None:
    with atomic_path(target) as tmp:
        job.build(tmp)


def samples() -> list[Path]:
    return sorted(p.parent for p in ROOT.glob("*/enterprise.yaml"))


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    try:
        font = fonts.truetype_font(CACHE)
        base = recipe_base(font)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for sample in samples():
                written, kept = generate_sample(sample, font, pool, base)
                print(f"示例 {sample.name}：生成 {written} 个文件，沿用 {kept} 个")
    except DossierError as exc:
        print(f"错误：{exc.render()}", file=sys.stderr)
        return 2
    print(f"完成，用时 {time.monotonic() - started:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
