"""The shape of a programme file (``data/programmes/<id>.yaml`` or a user's copy), checked when loaded.

A pydantic model (pydantic is already what validates ``enterprise.yaml``), so no second schema
library is needed at run time. :func:`validate` raises :class:`~dossier.util.errors.InputError` in
Chinese, naming the file and the key (``investment_window.end``) and what the key should hold; a
misspelt key is refused rather than ignored, since a threshold nobody reads is worse than an error.
The checks that need the catalogues (key industries) run in :func:`dossier.application.programme.load_programme`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dossier.util.errors import InputError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Window(_Section):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise ValueError("窗口期的开始日期晚于结束日期")
        return self


class Seals(_Section):
    cover: bool
    seam: bool
    seam_group_sheets: int = Field(ge=1, le=500)
    seal_diameter_mm: Decimal = Field(gt=0)


class Readings(_Section):
    amount_basis: Literal["gross", "net"]
    window_date: Literal["contract", "invoice", "payment"]
    hundred_billion: Literal["at_least", "more_than"]
    non_productive: Literal["count", "exclude"]
    photo_megabyte: Literal["mebibyte", "megabyte"]


class Wording(_Section):
    city: str = Field(min_length=1)
    district_directory: str = Field(min_length=1)
    award: str = Field(min_length=1)
    demonstration: str = Field(min_length=1)
    guidance_catalogue: str = Field(min_length=1)
    scenario_guide: str = Field(min_length=1)


class MaterialType(_Section):
    label: str = Field(min_length=1)


class Document(_Section):
    name: str = Field(min_length=1)
    item: int
    attachment: int | dict[str, int] | None = None
    title: str | None = None

    @model_validator(mode="after")
    def _titled(self) -> Document:
        if (self.attachment is None) == (self.title is None):
            raise ValueError("每个文档须写 attachment（附件编号）或 title（标题）之一")
        return self


class ReportPart(_Section):
    key: str
    title: str


class NonProductiveMarks(_Section):
    tax_rates: dict[str, str] = {}
    words: list[str] = []


class _Open(BaseModel):
    # Media limits: the keys read here are checked; MediaLimits.from_mapping (dossier.media_inspection.limits)
    # refuses unknown ones when the media rules run (importing it here would load all of dossier.media_inspection).
    model_config = ConfigDict(extra="allow")


class SummaryLimits(_Open):
    max_chars: int = Field(ge=1)


class PhotoLimits(_Open):
    count: int = Field(ge=0)
    min_bytes: int = Field(ge=1)


class VideoLimits(_Open):
    count: int = Field(ge=0)
    max_seconds: Decimal = Field(gt=0)


class Media(_Open):
    summary: SummaryLimits
    photos: PhotoLimits
    video: VideoLimits


class Roadshow(_Section):
    minutes: int = Field(ge=1)


class ProgrammeFile(_Section):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    notice: str
    issuer: str
    published: dt.date
    catalogues: str
    investment_window: Window
    threshold_wan: Decimal = Field(gt=0)
    rd_cap_ratio: Decimal = Field(ge=0)
    non_independent_min_output_wan: Decimal = Field(gt=0)
    non_independent_output_words: str = Field(min_length=1)
    key_industries: list[str] = Field(min_length=1)
    district_deadline: dt.date
    mailbox: str
    mailbox_limit_mb: int = Field(ge=1)
    copies: int = Field(ge=1, le=99)
    seals: Seals
    readings: Readings
    wording: Wording
    types: dict[str, MaterialType] = Field(min_length=1)
    documents: list[Document] = Field(min_length=1)
    attachments: dict[int, str]
    non_productive_marks: NonProductiveMarks = NonProductiveMarks()
    materials: dict[int, str]
    report_parts: list[ReportPart]
    media: Media
    clauses: dict[str, str]
    roadshow: Roadshow
    extends: str | None = None  # a user's copy may start from a packaged programme (see load_programme)

    @field_validator("threshold_wan", "rd_cap_ratio", "non_independent_min_output_wan", mode="before")
    @classmethod
    def _no_float(cls, value: Any) -> Any:
        # YAML reads 0.2 as a float; money and ratios are Decimal, read from the written digits.
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _references(self) -> ProgrammeFile:
        for i, doc in enumerate(self.documents):
            if doc.item not in self.materials:
                raise ValueError(f"documents[{i}]（{doc.name}）的 item {doc.item} 不在 materials 中")
            numbers = doc.attachment.values() if isinstance(doc.attachment, dict) else [doc.attachment]
            for n in numbers:
                if n is not None and n not in self.attachments:
                    raise ValueError(f"documents[{i}]（{doc.name}）的附件编号 {n} 不在 attachments 中")
            if isinstance(doc.attachment, dict):
                unknown = sorted(set(doc.attachment) - set(self.types))
                if unknown:
                    raise ValueError(f"documents[{i}]（{doc.name}）的 attachment 写了未知的类型 {'、'.join(unknown)}")
        from dossier.application.model import Application, ApplicationReport  # the sections and types an application can hold

        for i, part in enumerate(self.report_parts):
            if part.key not in ApplicationReport.model_fields:
                raise ValueError(f"report_parts[{i}] 的 key “{part.key}” 不是申请报告的部分；可用：{'、'.join(ApplicationReport.model_fields)}")
        kinds = typing.get_args(Application.model_fields["type"].annotation)
        allowed = next((typing.get_args(k) for k in kinds if typing.get_origin(k) is Literal), ())
        missing = [t for t in allowed if t not in self.types]
        if missing:
            raise ValueError(f"types 缺少 {'、'.join(missing)}（enterprise.yaml 的 type 可选的类型都须有标签）")
        names = [d.name for d in self.documents]
        if len(set(names)) != len(names):
            raise ValueError("documents 中有重复的 name")
        for mtype in self.types:
            if not any(isinstance(d.attachment, dict) and mtype in d.attachment or isinstance(d.attachment, int)
                       for d in self.documents):
                raise ValueError(f"documents 中没有类型 {mtype} 的附件")
        return self


_REASON = {
    "missing": "缺少此项",
    "extra_forbidden": "未知的键",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期（不含时间）",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "只能用小写字母、数字和连字符（如 wuhan-2026）",
    "list_type": "应为列表",
    "too_short": "不能为空",
    "dict_type": "应为“键: 值”形式的映射",
    "model_type": "应为“键: 值”形式的映射",
    "model_attributes_type": "应为“键: 值”形式的映射",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
}


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _reason(err: dict[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "literal_error":
        return f"应为 {ctx.get('expected', '')} 之一"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    text = _REASON.get(kind)
    if text is None:
        return err["msg"]
    try:
        return text.format(**ctx)
    except (KeyError, IndexError):
        return text


def _key_of(loc: tuple) -> tuple:
    """Drop pydantic's union branch names (``int``, ``dict[str,int]``) from an error location."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("int", "str", "none"))))


def validate(raw: Any, display: str) -> None:
    """Raise :class:`InputError` naming ``display`` and the key when ``raw`` is not a programme."""
    if not isinstance(raw, dict):
        raise InputError("遴选项目数据应为“键: 值”形式的映射", file=display)
    try:
        ProgrammeFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = _key_of(tuple(err["loc"]))
        reason = _reason(err)
        # A cross-reference check of the whole file names its key at the start of its reason.
        text = f"遴选项目数据的 {_dotted(loc)}：{reason}" if loc else f"遴选项目数据的 {reason}"
        hint = "对照 dossier/data/programmes/ 中的项目文件修改此项。"
        if err["type"] == "extra_forbidden":
            allowed = list(ProgrammeFile.model_fields) if len(loc) == 1 else []
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            if guess:
                hint = f"是否想写“{guess[0]}”？"
        more = len(exc.errors()) - 1
        if more:
            hint += f"（另有 {more} 处问题，改正此处后重新运行可见）"
        raise InputError(text, file=display, hint=hint) from None
