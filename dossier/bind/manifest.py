"""The volume manifest: what the binder made, page by page, as one typed value.

``dossier bind`` writes it as ``vol.manifest.json``; ``dossier build`` nests it under the key
:data:`BUILD_KEY` of ``manifest.json`` and hands it to the report in memory. Every reader (the
scan check, the HTML report, the stamping guide, the district table, the site list) goes through
:meth:`VolumeManifest.from_json`, which refuses anything that is not this schema with a Chinese
message naming the file and saying to bind again.

Rectangles are in PDF points, origin bottom-left, rounded to 0.01 pt, as ``[x0, y0, x1, y1]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from dossier.util.errors import InputError

SCHEMA_VERSION = 2  # 1: the untyped dicts written before this module (no "schema_version")
BUILD_KEY = "binding"  # where manifest.json of a build holds the volume manifest

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageEntry:
    """One page of the volume: its printed label, where it came from, its seam slice."""

    number: int
    label: str
    source: str | None = None  # the input file as given (None: cover or contents)
    source_page: int | None = None
    seam: Box | None = None
    cover_seal: Box | None = None
    original_size: tuple[float, float] | None = None
    original_rotation: int | None = None

    def to_json(self) -> dict[str, Any]:
        # Spelled out: ``dataclasses.asdict`` costs ~0.3 ms a page, a third of a page's binding.
        return {
            "number": self.number, "label": self.label, "source": self.source, "source_page": self.source_page,
            "seam": _list(self.seam), "cover_seal": _list(self.cover_seal),
            "original_size": _list(self.original_size), "original_rotation": self.original_rotation,
        }


@dataclass(frozen=True)
class InputEntry:
    file: str
    kind: str  # "pdf" or "image"
    sha256: str
    bytes: int
    pages: int
    first_page: int | None  # 1-based, None when the file adds no page of its own


@dataclass(frozen=True)
class SealGroupEntry:
    first_page: int
    last_page: int
    sheets: int
    slice_width: float
    center_y: float
    center_mm: int  # 章中心距底边, as the guide and the report print it


@dataclass(frozen=True)
class SectionEntry:
    title: str
    first_page: int
    last_page: int


@dataclass(frozen=True)
class SigningPoint:
    page: int
    label: str
    document: str
    what: str


@dataclass(frozen=True)
class VolumeManifest:
    """The bound volume as data. ``signing_points`` and ``sections`` are filled in by ``build``
    (the binder knows files, not documents); a standalone ``dossier bind`` leaves them empty."""

    volume: str  # the volume's file name, beside the manifest
    sha256: str
    page_count: int
    sheets: int
    duplex: bool
    pages: tuple[PageEntry, ...]
    inputs: tuple[InputEntry, ...]
    seal_groups: tuple[SealGroupEntry, ...]
    seal_diameter: float
    signing_points: tuple[SigningPoint, ...] = ()
    sections: tuple[SectionEntry, ...] = ()
    schema_version: int = SCHEMA_VERSION

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.pages]

    @property
    def cover_seal(self) -> Box | None:
        return next((p.cover_seal for p in self.pages if p.cover_seal), None)

    def with_build_facts(
        self, *, signing_points: list[SigningPoint], sections: list[SectionEntry],
    ) -> VolumeManifest:
        """A copy carrying what ``build`` knows about the documents inside the volume."""
        return replace(self, signing_points=tuple(signing_points), sections=tuple(sections))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (lists, not tuples); :meth:`from_json` reads it back equal."""
        return {
            "schema_version": self.schema_version, "volume": self.volume, "sha256": self.sha256,
            "page_count": self.page_count, "sheets": self.sheets, "duplex": self.duplex,
            "pages": [p.to_json() for p in self.pages],
            **{key: [_flat(x) for x in getattr(self, key)] for key in ("inputs", "seal_groups")},
            "seal_diameter": self.seal_diameter,
            **{key: [_flat(x) for x in getattr(self, key)] for key in ("signing_points", "sections")},
        }

    @classmethod
    def from_json(cls, data: Any, *, file: str | Path | None = None) -> VolumeManifest:
        """Read a volume manifest, or the one nested in a build's ``manifest.json``.

        Raises :class:`InputError` naming ``file`` when ``data`` is a manifest of an older
        dossier (no ``schema_version``: the user is told to build or bind again) or is not a
        volume manifest at all. Values are checked for type; nothing is guessed or defaulted
        beyond the optional build facts.
        """
        if isinstance(data, Mapping) and BUILD_KEY in data and "schema_version" not in data:
            data = data[BUILD_KEY]
        if not isinstance(data, Mapping):
            raise _refuse("顶层应为对象", file)
        version = data.get("schema_version")
        if version is None and ("pages" in data or "seal_groups" in data):
            raise InputError(
                "清单是旧版 dossier 生成的，格式已更新，不能再读取。", file=None if file is None else str(file),
                hint="请重新运行 dossier build（或 dossier bind）生成新的装订本和清单。",
            )
        if version != SCHEMA_VERSION:
            raise _refuse(f"schema_version 应为 {SCHEMA_VERSION}", file)
        try:
            volume = cls(
                volume=_of(data, "volume", str), sha256=_of(data, "sha256", str),
                page_count=_of(data, "page_count", int), sheets=_of(data, "sheets", int),
                duplex=_of(data, "duplex", bool),
                pages=tuple(_page(p) for p in _of(data, "pages", list)),
                inputs=tuple(InputEntry(**_keys(i, InputEntry)) for i in _of(data, "inputs", list)),
                seal_groups=tuple(SealGroupEntry(**_keys(g, SealGroupEntry)) for g in _of(data, "seal_groups", list)),
                seal_diameter=float(_of(data, "seal_diameter", (int, float))),
                signing_points=tuple(SigningPoint(**_keys(s, SigningPoint)) for s in data.get("signing_points") or []),
                sections=tuple(SectionEntry(**_keys(s, SectionEntry)) for s in data.get("sections") or []),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _refuse(f"缺少或不合法的字段（{exc}）", file) from None
        if volume.page_count != len(volume.pages) or any(p.number != n for n, p in enumerate(volume.pages, 1)):
            raise _refuse("pages 应逐页列出第 1 页到第 page_count 页", file)
        return volume


def load_volume_manifest(path: str | Path) -> VolumeManifest:
    """Read ``path`` (a ``vol.manifest.json`` or a build's ``manifest.json``).

    Raises :class:`InputError` naming the file when it is missing, not JSON or not a current
    volume manifest (see :meth:`VolumeManifest.from_json`).
    """
    return VolumeManifest.from_json(read_manifest_json(path), file=Path(path))


def read_manifest_json(path: str | Path) -> Any:
    """The JSON in ``path``, whatever it holds; :class:`InputError` naming the file when it is
    missing, unreadable or not JSON."""
    import json

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("清单文件不存在", file=str(path), hint="清单由 dossier bind 生成，文件名形如 volume.manifest.json") from None
    except (OSError, UnicodeDecodeError):
        raise InputError("清单文件无法读取", file=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"清单文件不是有效的 JSON（第 {exc.lineno} 行）", file=str(path), line=exc.lineno) from None
    except RecursionError:
        raise InputError("清单文件嵌套层级过深，不是 dossier bind 生成的清单", file=str(path)) from None
    return data


def _refuse(what: str, file: str | Path | None) -> InputError:
    return InputError(
        f"清单（manifest）格式不对：{what}", file=None if file is None else str(file),
        hint="请使用 dossier bind 或 dossier build 生成的清单文件；必要时重新运行生成。",
    )


def _list(value: tuple | None) -> list | None:
    return None if value is None else list(value)


def _flat(entry: Any) -> dict[str, Any]:
    """A dataclass of plain values as a dict, in field order."""
    return {f.name: getattr(entry, f.name) for f in fields(entry)}


def _of(data: Mapping, key: str, kind) -> Any:
    value = data[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(key)
    return value


def _keys(data: Any, cls) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise TypeError(cls.__name__)
    return {f.name: data[f.name] for f in fields(cls)}


def _box(value: Any) -> Box | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise TypeError("rect")
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


def _page(data: Any) -> PageEntry:
    p = _keys(data, PageEntry)
    size = p["original_size"]
    return replace(
        PageEntry(**p), seam=_box(p["seam"]), cover_seal=_box(p["cover_seal"]),
        original_size=None if size is None else (float(size[0]), float(size[1])),
    )
