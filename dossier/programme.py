"""The programme profile: what one year's notice fixes, read from package data.

``data/programmes/<id>.yaml`` holds dates, thresholds, materials, attachments per type, media
limits, the readings of ambiguous sentences and the sentence each rule enforces;
``data/catalogues/<name>/`` holds industries, districts, scenarios, indicators, system types.
Both are trusted package data, read once and cached.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from dossier.errors import InputError


def _read_yaml(*parts: str) -> Any:
    ref = resources.files("dossier").joinpath("data", *parts)
    return _parsed(ref.read_bytes())


def _parsed(data: bytes) -> Any:
    """The YAML in ``data``, remembered in the user cache by its content: even with the C loader,
    ruamel resolves every scalar in Python (~30 ms for a programme and its catalogues), and
    ``check`` reads them on every run. Pickled, as the values include dates and integer keys."""
    import hashlib
    import pickle

    from dossier import atomic, cache

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
        atomic.write_bytes(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
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


@dataclass(frozen=True)
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

    def attachments_for(self, mtype: str) -> list[int]:
        return list(self.raw["types"][mtype]["attachments"])

    def attachment_title(self, number: int) -> str:
        return self.raw["attachments"][number]

    def material_title(self, number: int) -> str:
        return self.raw["materials"][number]

    def clause(self, key: str) -> str:
        return self.raw["clauses"][key]

    def is_key_industry(self, key: str) -> bool:
        return key in self.raw["key_industries"]


def available() -> list[str]:
    ref = resources.files("dossier").joinpath("data", "programmes")
    return sorted(p.name[:-5] for p in ref.iterdir() if p.name.endswith(".yaml"))


@functools.lru_cache(maxsize=8)
def load_programme(programme_id: str) -> Programme:
    """Load a programme profile by id (``wuhan-2025``); unknown ids are a Chinese InputError."""
    if programme_id not in available():
        raise InputError(
            f"未知的遴选项目“{programme_id}”",
            hint="programme 可选：" + "、".join(available()),
        )
    raw = _read_yaml("programmes", f"{programme_id}.yaml")
    cat = raw["catalogues"]

    def catalogue(name: str, rows: Any = None, **kw: str) -> Catalogue:
        return Catalogue(name, rows if rows is not None else _read_yaml("catalogues", cat, f"{name}.yaml"), **kw)

    equipment = _read_yaml("catalogues", cat, "equipment_indicators.yaml")
    return Programme(
        id=raw["id"],
        title=raw["title"],
        raw=raw,
        industries=catalogue("industries"),
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
    )
