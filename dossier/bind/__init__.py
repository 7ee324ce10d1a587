"""Bind evidence and documents into one print-ready A4 volume (装订成册).

Public API::

    Part(title, source=None, password=None, children=())    # tree of the volume
    Cover(title, fields=((label, value), ...))                # optional cover with 封面章 place
    bind_volume(parts, out_pdf, *, cover=None, toc=None, duplex=False, seal_group=20,
                passwords=None, draft=False, page_numbers=True, base_dir=None) -> BindResult
    plan_volume(parts, *, page_counts, ...) -> VolumePlan       # pure: labels, layout, TOC, bookmarks
    write_stamping_guide(manifest, out_pdf, *, copies=None)   # 盖章指引 PDF (None: the default programme's copies)
    VolumeManifest.to_json() / VolumeManifest.from_json(data, *, file=None)
    bind_files(inputs, out_pdf, ...) -> BindResult            # what `dossier bind` does

The PDF layer knows nothing of the enterprise model: callers describe the volume as parts.
"""

from dossier.bind.files import bind_files, guide_path, manifest_path
from dossier.bind.frontmatter import Cover, TocEntry
from dossier.bind.guide import render_guide, write_stamping_guide
from dossier.bind.manifest import VolumeManifest, load_volume_manifest
from dossier.bind.seal import SealGroup, SealLayout, Slice, seal_layout
from dossier.bind.volume import BindResult, Part, VolumePlan, bind_volume, build_volume, plan_volume

__all__ = [
    "BindResult", "Cover", "Part", "SealGroup", "SealLayout", "Slice", "TocEntry", "bind_files",
    "bind_volume", "build_volume", "guide_path", "manifest_path", "render_guide", "seal_layout",
    "write_stamping_guide", "VolumeManifest", "VolumePlan", "load_volume_manifest", "plan_volume",
]
