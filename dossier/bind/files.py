"""``dossier bind``: a flat list of files into a volume, its manifest and its stamping guide.

All three outputs appear together or not at all.
"""

from __future__ import annotations

from pathlib import Path

from dossier.bind.frontmatter import Cover
from dossier.bind.guide import guide_chars, render_guide
from dossier.bind.volume import BindResult, Part, build_volume
from dossier.util.atomic import atomic_path
from dossier.util.errors import InputError
from dossier.util.jsontext import dumps
from dossier.util.progress import Progress


def manifest_path(out_pdf: str | Path) -> Path:
    """``vol.pdf`` → ``vol.manifest.json``."""
    out_pdf = Path(out_pdf)
    return out_pdf.with_name(out_pdf.stem + ".manifest.json")


def guide_path(out_pdf: str | Path) -> Path:
    """``vol.pdf`` → ``vol.盖章指引.pdf``."""
    out_pdf = Path(out_pdf)
    return out_pdf.with_name(out_pdf.stem + ".盖章指引.pdf")


def parse_passwords(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``FILE=PW`` pairs (FILE is the input's file name) into a dict."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, pw = item.partition("=")
        if not sep or not name:
            raise InputError(f"密码参数“{item}”格式不对。", hint="写成 --password 文件名=密码，例如 --password 合同.pdf=1234。")
        out[name] = pw
    return out


def bind_files(
    inputs: list[str | Path],
    out_pdf: str | Path,
    *,
    passwords: dict[str, str] | None = None,
    duplex: bool = False,
    seal_group: int | None = None,
    cover_title: str | None = None,
    guide: bool = True,
    copies: int | None = None,
    progress: Progress | None = None,
) -> BindResult:
    """Bind ``inputs`` in order, one top-level bookmark per file (named after it).

    Writes ``out_pdf``, ``manifest_path(out_pdf)`` (the :class:`VolumeManifest` as JSON) and,
    with ``guide``, ``guide_path(out_pdf)``: all of them or, on any error, none (each is
    replaced whole or left as it was). No page is added unless ``cover_title`` is given (then a
    cover and a TOC). ``progress``: see :mod:`dossier.util.progress`. Raises as
    :func:`dossier.bind.bind_volume`; ``copies`` is printed in the guide. ``seal_group`` and
    ``copies`` left None are the default programme's.
    """
    if seal_group is None:
        from dossier.application.programme import default_binding

        seal_group = default_binding()[0]
    out_pdf = Path(out_pdf)
    parts = [Part(Path(str(f)).name, source=str(f)) for f in inputs]
    cover = Cover(cover_title) if cover_title else None
    with atomic_path(out_pdf) as tmp_pdf, atomic_path(manifest_path(out_pdf)) as tmp_manifest:
        result = build_volume(
            parts, tmp_pdf, volume_name=out_pdf.name, cover=cover, duplex=duplex,
            seal_group=seal_group, passwords=passwords, final_path=out_pdf, progress=progress,
            extra_chars=guide_chars([out_pdf.name]) if guide else (),  # one font subset for both
        )
        tmp_manifest.write_text(dumps(result.manifest.to_json()) + "\n", "utf-8")
        if guide:
            with atomic_path(guide_path(out_pdf)) as tmp_guide:
                tmp_guide.write_bytes(render_guide(result.manifest, copies=copies, font=result.font))
    return result
