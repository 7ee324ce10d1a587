"""``dossier deck``: a 路演答辩 (roadshow defence) presentation drafted from ``enterprise.yaml``.

Public API::

    build_deck(root, out=None, *, minutes=None) -> DeckResult   # check → slides → .pptx → item-9 check
    roadshow_minutes(programme) -> Decimal                        # the time limit the notes are timed to
    deck_template(root) -> Path                                   # the project's templates/deck.pptx or the built-in

The notice's 四、遴选程序 5: "进入此环节的企业结合PPT，阐述标杆智能工厂建设成效、特点、模式创新等情况". The
draft has a title slide; enterprise and project; change rates and before → after of the key indicators
as native charts; investment by category and by quarter; the implemented scenarios by stage with
their systems and equipment; the typical photos; 特点与模式创新 from the report's 行业示范意义; a closing
slide. Every figure comes from :func:`dossier.application.figures.compute`, as in the documents and ``check --json``.

Each slide's speaker notes start with its page number, the page count and a suggested time: the
programme's ``roadshow.minutes`` (default :data:`DEFAULT_MINUTES`; ``minutes`` overrides) shared out by
slide weight. The written file is checked like any item-9 PPT (:func:`dossier.media_inspection.inspect_media`).
Guarantees: written atomically; the same input and template give the same bytes; nothing is written
into the project's ``evidence/`` or ``media/`` and no input file is modified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dossier.check import CheckResult, check_project
from dossier.util.atomic import write_bytes
from dossier.util.errors import InputError
from dossier.util.findings import Finding, exit_code

DEFAULT_MINUTES = Decimal(10)
DECK_NAME = "路演演示文稿.pptx"
TEMPLATE_NAME = "deck.pptx"


@dataclass
class DeckResult:
    out: Path
    check: CheckResult
    slides: int = 0
    minutes: Decimal = DEFAULT_MINUTES
    minutes_source: str = ""  # where the time limit came from (Chinese)
    template: str = "builtin"  # builtin | project
    seconds: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the deck's own, the item-9 PPT check, the check's errors

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)


def roadshow_minutes(programme) -> tuple[Decimal, str]:
    """The roadshow time limit of the programme (``roadshow.minutes``), else :data:`DEFAULT_MINUTES`."""
    value = (programme.raw.get("roadshow") or {}).get("minutes") if programme else None
    if value is None:
        return DEFAULT_MINUTES, f"默认 {DEFAULT_MINUTES} 分钟（遴选项目配置未规定）"
    return Decimal(str(value)), f"遴选项目配置 roadshow.minutes：{value} 分钟"


def deck_template(root: Path) -> tuple[Path, str]:
    own = Path(root) / "templates" / TEMPLATE_NAME
    if own.is_file():
        return own, "project"
    from dossier.documents.render import builtin_templates_dir

    builtin = builtin_templates_dir() / TEMPLATE_NAME
    if not builtin.is_file():
        raise InputError(f"找不到演示文稿模板“{TEMPLATE_NAME}”", file=str(builtin),
                         hint="内置模板随 dossier 源码发布；请重新安装，或在项目的 templates/ 中放入 deck.pptx。")
    return builtin, "builtin"


def default_output(root: Path) -> Path:
    return Path(root) / "build" / DECK_NAME


def build_deck(root: str | Path, out: str | Path | None = None, *, minutes: Decimal | str | None = None,
               today: dt.date | None = None) -> DeckResult:
    """Write the roadshow draft of the project at ``root`` to ``out`` (default ``root/build/路演演示文稿.pptx``).

    Raises :class:`InputError` when the project is unusable (no model), the template cannot be read,
    or ``out`` would land in ``evidence/`` or ``media/``.
    """
    from dossier.application.paths import refuse_protected
    from dossier.deck.draw import Deck, draw, normalise, paginate_scenarios
    from dossier.deck.slides import clock, deck_slides, seconds_per_slide
    from dossier.media_inspection import inspect_media, limits_for_programme

    root = Path(root)
    target = Path(out) if out is not None else default_output(root)
    if target.suffix.lower() != ".pptx":
        raise InputError("演示文稿的文件名应以 .pptx 结尾", file=str(target), hint="例如 -o 路演.pptx")
    refuse_protected(root, target, what="输出文件",
                     hint="用 -o 指定其他位置；草稿完善后，由您自己另存到 media/ 并在 media.presentation 中引用。")
    check = check_project(root, today=today)
    app, programme, figures = check.folder.app, check.programme, check.figures
    if app is None or programme is None or figures is None:
        raise InputError("enterprise.yaml 的结构有错误，无法生成演示文稿", file="enterprise.yaml",
                         hint="先运行 dossier check 并修正其中的结构错误。")
    if minutes is not None:
        try:
            limit = Decimal(str(minutes))
        except InvalidOperation:
            limit = Decimal(0)
        if not limit.is_finite() or limit <= 0:
            raise InputError(f"路演时长“{minutes}”不是正数", hint="--minutes 写分钟数，例如 8。")
        source = f"命令行 --minutes：{limit} 分钟"
    else:
        limit, source = roadshow_minutes(programme)
    template, kind = deck_template(root)
    try:
        deck = Deck(template)
    except Exception as exc:  # noqa: BLE001 - python-pptx raises many kinds for a bad file
        raise InputError(f"无法打开演示文稿模板：{type(exc).__name__}", file=str(template),
                         hint="模板应是 PowerPoint 另存的 .pptx（含母版和版式）。") from None
    slides = deck_slides(app, programme, figures, root, lambda items: paginate_scenarios(deck, items))
    seconds = seconds_per_slide(slides, limit)
    n = len(slides)
    notes = [
        f"第 {i + 1}/{n} 页｜建议用时约 {clock(sec)}（路演时限 {limit} 分钟，共 {n} 页，按内容分配）\n{s.notes}"
        for i, (s, sec) in enumerate(zip(slides, seconds, strict=True))
    ]
    footer = app.enterprise.name or ""
    draw(deck, slides, notes, footer)
    cp = deck.prs.core_properties
    cp.title = app.project.name or "路演演示文稿"
    cp.author = cp.last_modified_by = app.enterprise.name or "dossier"
    cp.comments = f"dossier deck 生成的路演草稿：{n} 页，按 {limit} 分钟分配讲解时间（见备注）。"
    cp.revision = 1
    day = app.settings.application_date or dt.date(2025, 1, 1)
    data = normalise(deck.save(), f"{day.isoformat()}T00:00:00Z")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(target, data)
    report = inspect_media(target, limits_for_programme(programme))
    findings = [*content_findings(app, slides), *report.findings, *(f for f in check.findings if f.severity == "error")]
    return DeckResult(target, check, n, limit, source, kind, seconds, findings)


def content_findings(app, slides) -> list[Finding]:
    """What the draft lacks because enterprise.yaml does (each a warning: the deck is still written)."""
    kinds = {s.kind for s in slides}
    out = []
    missing = {
        "indicators": ("D-DECK-NO-INDICATORS", "没有填写重点指标（indicators），演示文稿中缺少改造前后对比图。"),
        "photos": ("D-DECK-NO-PHOTOS", "找不到典型图片（media.photos），演示文稿中缺少现场图片页。"),
        "features": ("D-DECK-NO-FEATURES", "申请报告的“行业示范意义”（report.demonstration）为空，缺少“特点与模式创新”页。"),
        "scenarios": ("D-DECK-NO-SCENARIOS", "没有已建成的智能化场景，缺少场景页。"),
        "investment": ("D-DECK-NO-INVESTMENT", "没有计入窗口期的投资，缺少投资构成页。"),
    }
    for kind, (code, message) in missing.items():
        if kind not in kinds:
            out.append(Finding(code, "warning", message, file="enterprise.yaml", item=9))
    return out

