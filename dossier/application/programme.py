"""The programme profile: what one year's notice fixes, read from package data.

``data/programmes/<id>.yaml`` holds dates, thresholds, the city's wording, the documents each
type produces and their titles, copies and seal groups, media limits, the readings of ambiguous
sentences and the sentence each rule enforces; ``data/catalogues/<name>/`` holds industries,
districts, scenarios, indicators, system types. Packaged programmes are read once and cached.
A project may instead name its own programme file (``programme: ../襄阳-2026.yaml``), which may
``extends:`` a packaged programme and override it key by key. Every programme file is checked
against :mod:`dossier.application.programme_schema` when loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dossier.application import DEFAULT_PROGRAMME  # noqa: F401 - imported from here by the rest of dossier
from dossier.util.errors import InputError


# The programme data shipped in the package (dossier/data/). A file-system install is all dossier
# supports (see dossier.util.resources), so the folder is found from this file, without importing
# importlib.resources and its readers (zipfile among them: ~4 ms of every check).
_PACKAGE = Path(__file__).parent.parent


def _read_yaml(*parts: str) -> Any:
    ref = _PACKAGE.joinpath("data", *parts)
    return _parsed(ref.read_bytes())


def _parsed(data: bytes) -> Any:
    """The YAML in ``data``, remembered in the user cache by its content: even with the C loader,
    ruamel resolves every scalar in Python (~30 ms for a programme and its catalogues), and
    ``check`` reads them on every run. Pickled, as the values include dates and integer keys."""
    import hashlib
    import pickle

    from dossier.util import cache

    key = hashlib.sha256(data + cache.module_fingerprint("ruamel.yaml")).hexdigest()
    target = cache.cache_dir("programme-data") / f"{cache.VERSION}-{key}.pickle"
    try:
        value = pickle.loads(target.read_bytes())
    except Exception:  # noqa: BLE001 - absent, unreadable or damaged: parse again
        pass
    else:
        cache.touch(target)
        return value
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")  # the C loader when ruamel.yaml.clib is installed: ~10× faster
    value = yaml.load(data.decode("utf-8"))
    try:
        cache.store(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only cache only costs the parse next time
    return value


@dataclass(frozen=True)
class Entry:
    """One catalogue row: a stable ``key`` for YAML and code, a Chinese ``label`` for documents."""

    key: str
    label: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)


class Catalogue:
    """Entries looked up by key, label or alias (users may write either)."""

    def __init__(self, name: str, rows: list[dict[str, Any]], key: str = "key", label: str = "label") -> None:
        self.name = name
        self.entries: list[Entry] = []
        self._index: dict[str, Entry] = {}
        for row in rows:
            entry = Entry(str(row[key]), str(row[label]), dict(row))
            self.entries.append(entry)
            for name_ in [entry.key, entry.label, *row.get("aliases", [])]:
                self._index.setdefault(str(name_).strip(), entry)
                self._index.setdefault(str(name_).strip().lower(), entry)

    def find(self, value: str | None) -> Entry | None:
        if value is None:
            return None
        text = str(value).strip()
        return self._index.get(text) or self._index.get(text.lower())

    def keys(self) -> list[str]:
        return [e.key for e in self.entries]

    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    def __iter__(self):
        return iter(self.entries)


@dataclass(frozen=True, eq=False)  # its catalogues compare by identity anyway; nothing compares programmes
class Programme:
    id: str
    title: str
    raw: dict[str, Any]
    industries: Catalogue
    districts: Catalogue
    scenarios: Catalogue
    indicators: Catalogue
    equipment_counts: Catalogue
    equipment_rates: Catalogue
    system_types: Catalogue
    software_classes: Catalogue
    investment_categories: Catalogue
    rd_subjects: Catalogue
    evidence_kinds: Catalogue
    source: str = field(default="", compare=False)  # the file it was read from, for messages

    @property
    def window_start(self) -> dt.date:
        return self.raw["investment_window"]["start"]

    @property
    def window_end(self) -> dt.date:
        return self.raw["investment_window"]["end"]

    @property
    def threshold_wan(self) -> Decimal:
        return Decimal(str(self.raw["threshold_wan"]))

    @property
    def rd_cap_ratio(self) -> Decimal:
        return Decimal(str(self.raw["rd_cap_ratio"]))

    @property
    def non_independent_min_output_wan(self) -> Decimal:
        return Decimal(str(self.raw["non_independent_min_output_wan"]))

    @property
    def non_independent_output_words(self) -> str:
        """The notice's words for that floor (过百亿), quoted beside the number it is read as."""
        return self.raw["non_independent_output_words"]

    @property
    def copies(self) -> int:
        return int(self.raw["copies"])

    @property
    def seam_group_sheets(self) -> int:
        return int(self.raw["seals"]["seam_group_sheets"])

    def wording(self, key: str) -> str:
        """The city's names as the notice writes them: ``city``, ``award``, ``guidance_catalogue`` …"""
        return self.raw["wording"][key]

    @property
    def key_industry_count(self) -> str:
        """How many key industries, in Chinese (六个), counted from ``key_industries``."""
        return chinese_count(len(self.raw["key_industries"])) + "个"

    def documents_for(self, mtype: str) -> list[dict[str, Any]]:
        """The documents a ``mtype`` application produces, in binding order: ``name``, ``item``
        (资料清单 item), ``attachment`` (附件 number or None) and ``title``."""
        out = []
        for doc in self.raw["documents"]:
            number = doc.get("attachment")
            if isinstance(number, dict):
                if mtype not in number:
                    continue  # not a document of this type
                number = number[mtype]
            title = doc.get("title") or self.attachment_title(number)
            out.append({"name": doc["name"], "item": int(doc["item"]), "attachment": number, "title": title})
        return out

    def attachment_of(self, name: str, mtype: str | None) -> int | None:
        """The 附件 number of document ``name`` for ``mtype`` (``kpi_selftest`` of 离散型 → 2); for a
        type not given (or not the programme's), the programme's first type's."""
        if mtype not in self.raw["types"]:
            mtype = next(iter(self.raw["types"]))
        return next((d["attachment"] for d in self.documents_for(mtype) if d["name"] == name), None)

    @property
    def non_productive_marks(self) -> dict:
        return dict(self.raw.get("non_productive_marks") or {})

    @property
    def readings(self) -> dict[str, str]:
        return dict(self.raw["readings"])

    @property
    def media(self) -> dict[str, Any]:
        return dict(self.raw["media"])

    @property
    def report_parts(self) -> list[dict[str, str]]:
        return list(self.raw["report_parts"])

    def type_label(self, mtype: str) -> str:
        return self.raw["types"][mtype]["label"]

    def item_of_attachment(self, number: int) -> int | None:
        """The 资料清单 item that 附件 ``number`` belongs to, whatever the type (附件4 → 3)."""
        for doc in self.raw["documents"]:
            numbers = doc.get("attachment")
            if number in (numbers.values() if isinstance(numbers, dict) else [numbers]):
                return int(doc["item"])
        return None

    def attachment_title(self, number: int) -> str:
        return self.raw["attachments"][number]

    def material_title(self, number: int) -> str:
        return self.raw["materials"][number]

    def clause(self, key: str) -> str:
        return self.raw["clauses"][key]

    def is_key_industry(self, key: str) -> bool:
        return key in self.raw["key_industries"]


def default_binding() -> tuple[int, int]:
    """(sheets per seam-seal group, copies) of the default programme: what ``dossier bind`` of any
    files uses when not told. Read from the packaged YAML alone: building the whole programme
    (catalogues, the schema's models) cost ``dossier bind`` ~0.3 s and 10 MB it has no use for.
    The packaged file is checked against the schema whenever a project loads it, and by the tests."""
    raw = _read_yaml("programmes", f"{DEFAULT_PROGRAMME}.yaml")
    return int(raw["seals"]["seam_group_sheets"]), int(raw["copies"])


def chinese_count(n: int) -> str:
    """``6`` → ``六``, ``12`` → ``十二``: a small count as the notice writes it."""
    digits = "零一二三四五六七八九"
    if 0 <= n < 10:
        return digits[n]
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def available() -> list[str]:
    ref = _PACKAGE / "data" / "programmes"
    return sorted(p.name[:-5] for p in ref.iterdir() if p.name.endswith(".yaml"))


def is_file_reference(ref: str) -> bool:
    """``../襄阳-2026.yaml`` names a programme file; ``wuhan-2025`` a packaged programme."""
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def load_programme(ref: str, base: str | Path | None = None) -> Programme:
    """Load a programme: a packaged one by id (``wuhan-2025``) or a programme file by path.

    A path is relative to ``base`` (the project folder). Unknown ids, missing files and files that
    do not match :mod:`dossier.application.programme_schema` are a Chinese InputError naming the file and key.
    """
    if not is_file_reference(ref):
        return _packaged(ref)
    rel = Path(ref.replace("\\", "/"))  # a path written on Windows reads the same
    if base is not None and rel.is_absolute():
        raise InputError("programme 不能使用绝对路径", hint="请写相对于项目文件夹的路径，如 ../襄阳-2026.yaml，项目文件夹搬动后仍然有效。")
    path = rel if base is None else Path(base) / rel
    try:
        stat = path.stat()
    except OSError:
        raise InputError(
            f"找不到遴选项目文件“{ref}”", hint="programme 可写项目代号（" + "、".join(available()) + "）或项目文件的相对路径。"
        ) from None
    return _from_file(str(path.resolve()), ref, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _packaged(programme_id: str) -> Programme:
    if programme_id not in available():
        raise InputError(
            f"未知的遴选项目“{programme_id}”",
            hint="programme 可选：" + "、".join(available()) + "，或项目文件的相对路径（如 ../襄阳-2026.yaml）",
        )
    display = f"dossier/data/programmes/{programme_id}.yaml"
    return _build(_read_yaml("programmes", f"{programme_id}.yaml"), display)


@functools.lru_cache(maxsize=8)
def _from_file(path: str, display: str, _mtime_ns: int, _size: int) -> Programme:
    """A user's programme file; the cache key holds its mtime and size, so an edited file is reread."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        raw = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise InputError(f"无法读取遴选项目文件：{exc}", file=display, hint="文件应为 UTF-8 编码的 YAML。") from None
    if isinstance(raw, dict) and raw.get("extends") is not None:
        base_id = str(raw["extends"])
        if is_file_reference(base_id):
            raise InputError("遴选项目文件的 extends 应为内置项目代号", file=display, hint="可选：" + "、".join(available()))
        raw = merged(_packaged(base_id).raw, raw)
    return _build(raw, display)


def _validated(raw: Any, display: str) -> None:
    """:func:`dossier.application.programme_schema.validate`, remembered in the user cache when it
    passes: validating costs ~50 ms and importing the schema's pydantic models more, on every
    ``check``. The key is the programme's data (its ``repr``: dates, numbers and key order
    included), the source of the schema module and pydantic's ``version.py``,
    so an edited programme or schema is validated again. A programme that fails is never
    remembered: its error is raised afresh each time."""
    import hashlib

    from dossier.util import cache

    schema = (_PACKAGE / "application" / "programme_schema.py").read_bytes()
    digest = hashlib.sha256(repr(raw).encode("utf-8"))
    for part in (schema, _pydantic_version()):
        digest.update(b"\0" + part)
    marker = cache.cache_dir("programme-valid") / f"{cache.VERSION}-{digest.hexdigest()}"
    if marker.is_file():
        cache.touch(marker)
        return
    from dossier.application.programme_schema import validate

    validate(raw, display)
    try:
        cache.store(marker, b"valid\n")
    except OSError:
        pass  # a read-only cache only costs the validation next time


def _pydantic_version() -> bytes:
    """pydantic's ``version.py`` (which states its version and pydantic-core's), read without
    importing pydantic."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pydantic")
        return (Path(spec.origin).parent / "version.py").read_bytes() if spec and spec.origin else b"pydantic"
    except (ImportError, OSError, ValueError):
        return b"pydantic"


def merged(base: Any, override: Any) -> Any:
    """``override`` over ``base``, mapping by mapping; any other value (a list too) replaces whole."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merged(base[key], value) if key in base else value
        return out
    return override


def _build(raw: Any, display: str) -> Programme:
    _validated(raw, display)
    cat = raw["catalogues"]
    ref = _PACKAGE / "data" / "catalogues" / cat
    if not ref.is_dir():
        raise InputError(f"遴选项目数据的 catalogues：没有名为“{cat}”的目录", file=display,
                         hint="可用：" + "、".join(sorted(p.name for p in ref.parent.iterdir() if p.is_dir())))

    def catalogue(name: str, rows: Any = None, **kw: str) -> Catalogue:
        return Catalogue(name, rows if rows is not None else _read_yaml("catalogues", cat, f"{name}.yaml"), **kw)

    equipment = _read_yaml("catalogues", cat, "equipment_indicators.yaml")
    industries = catalogue("industries")
    unknown = [k for k in raw["key_industries"] if industries.find(k) is None]
    if unknown:
        raise InputError(f"遴选项目数据的 key_industries：“{'、'.join(map(str, unknown))}”不在行业目录中", file=display,
                         hint="可用：" + "、".join(industries.keys()))
    return Programme(
        id=raw["id"],
        title=raw["title"],
        raw=raw,
        industries=industries,
        districts=catalogue("districts"),
        scenarios=catalogue("scenarios", key="code", label="name"),
        indicators=catalogue("indicators", label="name"),
        equipment_counts=catalogue("equipment_counts", equipment["counts"]),
        equipment_rates=catalogue("equipment_rates", equipment["rates"]),
        system_types=catalogue("system_types"),
        software_classes=catalogue("software_classes"),
        investment_categories=catalogue("investment_categories"),
        rd_subjects=catalogue("rd_subjects"),
        evidence_kinds=catalogue("evidence_kinds"),
        source=display,
    )
