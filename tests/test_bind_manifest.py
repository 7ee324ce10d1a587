"""The typed volume manifest: what bind writes reads back equal; build nests it under one key;
anything else — an older dossier's shape included — is refused naming the file."""

from __future__ import annotations

import json

import pikepdf
import pytest

from dossier.bind import bind_files, load_volume_manifest
from dossier.bind.manifest import SCHEMA_VERSION, VolumeManifest
from dossier.scan.manifest import parse_manifest
from dossier.util.errors import InputError


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    d = tmp_path_factory.mktemp("manifest")
    pdf = pikepdf.new()
    for _ in range(4):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(d / "a.pdf")
    result = bind_files([d / "a.pdf"], d / "卷.pdf", cover_title="申报材料")
    return d, result


def test_written_manifest_reads_back_equal_and_states_its_schema(bound):
    d, result = bound
    data = json.loads((d / "卷.manifest.json").read_text("utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert data == result.manifest.to_json()
    again = load_volume_manifest(d / "卷.manifest.json")
    assert again == result.manifest
    assert again.page_count == 6 and again.labels == ["1", "2", "3", "4", "5", "6"]
    assert again.cover_seal is not None and again.pages[0].cover_seal == again.cover_seal
    assert again.inputs[0].first_page == 3 and again.inputs[0].pages == 4


def test_a_build_manifest_is_read_through_its_binding_key(bound, tmp_path):
    _, result = bound
    build = {"volume": "卷.pdf", "documents": [], "binding": result.manifest.to_json()}
    (tmp_path / "manifest.json").write_text(json.dumps(build, ensure_ascii=False), "utf-8")
    assert load_volume_manifest(tmp_path / "manifest.json") == result.manifest
    spec = parse_manifest(build)  # what `dossier scan --against manifest.json` checks
    assert spec.page_count == 6 and spec.cover_page == 1 and all(p.seams for p in spec.pages)


def test_old_shapes_are_refused_naming_the_file_and_saying_to_rebuild(bound, tmp_path):
    _, result = bound
    old = {k: v for k, v in result.manifest.to_json().items() if k != "schema_version"}
    for name, data in (("vol.manifest.json", old), ("manifest.json", {"volume": "卷.pdf", "documents": [], **old})):
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        with pytest.raises(InputError) as err:
            load_volume_manifest(path)
        assert "旧版" in err.value.message and err.value.file == str(path) and "重新运行 dossier build" in err.value.hint


def test_anything_else_is_refused_not_guessed(bound, tmp_path):
    _, result = bound
    good = result.manifest.to_json()
    broken = [
        [],
        {**good, "schema_version": 99},
        {**good, "page_count": "6"},
        {**good, "page_count": 7},  # a page missing from the list
        {**good, "pages": [{"number": 1}]},
        {**good, "pages": [{**good["pages"][0], "seam": [1, 2, 3]}]},
    ]
    for data in broken:
        with pytest.raises(InputError, match="清单"):
            VolumeManifest.from_json(data, file="x.json")
