"""What ``check`` remembers or shares to be fast gives what a fresh computation gives, and a
changed file is never served stale: the programme's validation (user cache), a file's digest
(user cache, by stat), each evidence path resolved once per check (symlinks still refused), and
one reading of each invoice for both invoice rules."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import require_generated_samples
from dossier.application import paths
from dossier.application.programme import load_programme
from dossier.check import check_project
from dossier.evidence.einvoice import read_einvoices
from dossier.evidence.invoices import read_invoice, read_invoice_evidence
from dossier.util import cache
from dossier.util.errors import InputError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "guangxin-optics"
TODAY = dt.date(2025, 9, 1)


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache, "_DIGESTS", None)  # this process's remembered digests, as in a new process
    monkeypatch.setattr(cache, "_DIGESTS_NEW", {})
    monkeypatch.setattr(cache, "_REMEMBERED", {})  # facts kept in memory (remembered_json), as in a new process
    return folder


# ---------------------------------------------------------------- programme validation


def _programme_file(folder: Path, text: str) -> None:
    (folder / "xy.yaml").write_text("extends: wuhan-2025\nid: xiangyang-2026\n" + text, encoding="utf-8")


def test_a_remembered_programme_validation_is_not_reused_once_the_file_changes(tmp_path, own_cache):
    load_programme("wuhan-2025")  # the packaged programme the file extends (remembered too, if not yet)
    _programme_file(tmp_path, "copies: 5\n")
    before = set((own_cache / "programme-valid").glob("*"))
    assert load_programme("xy.yaml", base=tmp_path).raw["copies"] == 5
    assert len(set((own_cache / "programme-valid").glob("*")) - before) == 1  # remembered
    _programme_file(tmp_path, "copise: 5\n")  # misspelt: must be refused, not served from the cache
    with pytest.raises(InputError) as err:
        load_programme("xy.yaml", base=tmp_path)
    assert "copise" in err.value.message and "copies" in (err.value.hint or "")
    _programme_file(tmp_path, "copies: -1\n")  # a wrong value under a known key
    with pytest.raises(InputError, match="copies"):
        load_programme("xy.yaml", base=tmp_path)
    assert len(set((own_cache / "programme-valid").glob("*")) - before) == 1  # failures are never remembered


# ---------------------------------------------------------------- digests by stat


def test_a_changed_file_gets_its_new_digest_even_with_size_and_mtime_put_back(tmp_path, own_cache, monkeypatch):
    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # remember at once (the files here are seconds old)
    f = tmp_path / "发票.pdf"
    f.write_bytes(b"A" * 100)
    first = cache.content_digest(f)
    assert first == cache.file_digest(f) and cache.content_digest(f) == first
    st = f.stat()
    f.write_bytes(b"B" * 100)  # same size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: the status-change time still moves
    assert cache.content_digest(f) == cache.file_digest(f) != first
    assert cache.cached_json("t", f, lambda: "B") == "B"
    f.write_bytes(b"C" * 100)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.cached_json("t", f, lambda: "C") == "C"  # not the value remembered for "B"


def test_facts_kept_in_memory_are_served_until_the_file_changes(tmp_path, own_cache, monkeypatch):
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    f = tmp_path / "发票.pdf"
    f.write_bytes(b"A" * 100)
    computed: list[str] = []

    def compute(value: str):
        computed.append(value)
        return {"value": value}

    assert cache.remembered_json("t", f, lambda: compute("A")) == {"value": "A"}
    shutil.rmtree(own_cache / "t")  # the disk's entry is gone: the process still knows
    assert cache.remembered_json("t", f, lambda: compute("A again")) == {"value": "A"} and computed == ["A"]
    st = f.stat()
    f.write_bytes(b"B" * 100)  # same size, and the same mtime put back: the status-change time moves
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.remembered_json("t", f, lambda: compute("B")) == {"value": "B"} and computed == ["A", "B"]
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "another"))  # kept per cache folder, as on disk
    assert cache.remembered_json("t", f, lambda: compute("B elsewhere")) == {"value": "B elsewhere"}


def test_a_second_check_in_a_process_opens_no_evidence_and_reads_no_cache_entry(tmp_path, own_cache, monkeypatch):
    require_generated_samples()
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    proj = tmp_path / "p"
    shutil.copytree(SAMPLE, proj)
    first = check_project(proj, today=TODAY, media=False)
    for kind in ("pdf-check", "invoice-reading"):
        shutil.rmtree(own_cache / kind)  # what a second check needs is in memory: `dossier watch`

    def refused(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("opened a PDF the process has read already")

    with monkeypatch.context() as patched:
        patched.setattr(pikepdf, "open", refused)
        assert check_project(proj, today=TODAY, media=False).findings == first.findings
    assert not (own_cache / "pdf-check").exists() and not (own_cache / "invoice-reading").exists()
    contract = next(iter(sorted((proj / "evidence").glob("*/合同.pdf"))))
    contract.write_bytes(b"not a PDF any more")  # a changed file is opened again
    again = check_project(proj, today=TODAY, media=False)
    assert [f.code for f in again.findings if f.code == "I-EVIDENCE-PDF"] == ["I-EVIDENCE-PDF"]


def test_a_file_written_just_now_is_hashed_but_not_remembered(tmp_path, own_cache):
    f = tmp_path / "x.pdf"
    f.write_bytes(b"new")
    assert cache.content_digest(f) == cache.file_digest(f)
    assert not any(str(f) in key for key in cache._digest_index())


def test_remembered_digests_are_written_for_the_next_process(tmp_path, own_cache, monkeypatch):
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    f = tmp_path / "x.pdf"
    f.write_bytes(b"old")
    digest = cache.content_digest(f)
    cache._save_digests()
    monkeypatch.setattr(cache, "_DIGESTS", None)  # as a new process: read from disk
    assert digest in cache._digest_index().values()
    st = f.stat()
    f.write_bytes(b"new")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns - 10**10))  # an older mtime: old enough to remember
    changed = cache.content_digest(f)
    cache._save_digests()
    monkeypatch.setattr(cache, "_DIGESTS", None)
    assert list(cache._digest_index().values()) == [changed] != [digest]  # the file's older state is dropped


# ---------------------------------------------------------------- paths resolved once


def test_the_resolver_refuses_a_symlinked_folder_leading_out_and_accepts_links_inside(tmp_path):
    root = tmp_path / "proj"
    (root / "evidence" / "A").mkdir(parents=True)
    (root / "evidence" / "A" / "合同.pdf").write_bytes(b"%PDF")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "合同.pdf").write_bytes(b"%PDF")
    (root / "evidence" / "out").symlink_to(outside, target_is_directory=True)
    (root / "evidence" / "in").symlink_to(root / "evidence" / "A", target_is_directory=True)
    linked_root = tmp_path / "link-to-proj"
    linked_root.symlink_to(root, target_is_directory=True)
    r = paths.Resolver()
    with pytest.raises(InputError, match="之外的链接"):
        r.resolve(root, "evidence/out/合同.pdf", source="enterprise.yaml", line=3)
    with pytest.raises(InputError, match="之外的链接"):  # asked again: refused again, not remembered
        r.resolve(root, "evidence/out/合同.pdf", source="enterprise.yaml", line=3)
    assert r.resolve(root, "evidence/in/合同.pdf", source="enterprise.yaml").is_file()
    # ".." after a link goes up from the link's target: resolved in full, as the OS would.
    with pytest.raises(InputError, match="之外的链接"):
        r.resolve(root, "evidence/out/../A/合同.pdf", source="enterprise.yaml")
    assert r.resolve(root, "evidence/in/../A/合同.pdf", source="enterprise.yaml").is_file()
    assert r.resolve(linked_root, "evidence/A/合同.pdf", source="enterprise.yaml").is_file()  # the project folder may be a link
    with pytest.raises(InputError, match="之外"):
        r.resolve(root, "../outside/合同.pdf", source="enterprise.yaml")
    assert r.resolve(root, "evidence/A/没有.pdf", source="enterprise.yaml") == root / "evidence" / "A" / "没有.pdf"


def test_a_check_refuses_an_evidence_folder_that_links_out(project, tmp_path, own_cache):
    root = project()
    outside = tmp_path / "outside"
    shutil.move(root / "evidence" / "A-01", outside)
    (root / "evidence" / "A-01").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="之外的链接"):
        check_project(root, today=TODAY, media=False)


# ---------------------------------------------------------------- one invoice reading


def test_the_one_reading_gives_what_both_readers_give(tmp_path):
    require_generated_samples()
    invoice = SAMPLE / "evidence" / "A01" / "发票.pdf"
    other = REPO / "samples" / "huaxin-materials" / "evidence" / "B01" / "发票.pdf"
    with pikepdf.open(invoice) as a, pikepdf.open(other) as b:
        two = pikepdf.new()
        two.pages.extend(a.pages)
        two.pages.extend(b.pages)
        two.save(tmp_path / "two.pdf")
        many = pikepdf.new()
        for _ in range(60):  # past einvoice.MAX_PAGES: no e-invoice list, yet the first page's parties
            many.pages.extend(a.pages)
        many.save(tmp_path / "many.pdf")
    pikepdf.new().save(tmp_path / "empty.pdf")
    (tmp_path / "broken.pdf").write_bytes(invoice.read_bytes()[:3000])
    ofd = next((SAMPLE / "finance" / "发票").glob("*.ofd"))
    files = [invoice, SAMPLE / "evidence" / "A01" / "合同.pdf", ofd] + [tmp_path / n for n in ("two.pdf", "many.pdf", "empty.pdf", "broken.pdf")]

    def outcome(read):
        try:
            return read()
        except InputError as exc:
            return (type(exc).__name__, exc.message)

    for f in files:
        reading = read_invoice_evidence(f)
        einv = reading.einvoices if reading.einvoices_error is None else (type(reading.einvoices_error).__name__, reading.einvoices_error.message)
        details = reading.details if reading.details_error is None else (type(reading.details_error).__name__, reading.details_error.message)
        assert einv == outcome(lambda: read_einvoices(f)), f
        assert details == outcome(lambda: read_invoice(f)), f
    assert len(read_invoice_evidence(tmp_path / "two.pdf").einvoices) == 2
    many = read_invoice_evidence(tmp_path / "many.pdf")
    assert many.einvoices_error is not None and many.details is not None and many.details.buyer_uscc


def test_a_cold_check_extracts_each_invoice_page_once(tmp_path, own_cache, monkeypatch):
    require_generated_samples()
    import pypdf

    opened: list[str] = []
    pages_read: list[int] = []
    init, extract = pypdf.PdfReader.__init__, pypdf.PageObject.extract_text

    def counted_init(self, stream, *args, **kwargs):
        opened.append(str(stream))
        return init(self, stream, *args, **kwargs)

    def counted_extract(self, *args, **kwargs):
        pages_read.append(1)
        return extract(self, *args, **kwargs)

    monkeypatch.setattr(pypdf.PdfReader, "__init__", counted_init)
    monkeypatch.setattr(pypdf.PageObject, "extract_text", counted_extract)
    proj = tmp_path / "p"
    shutil.copytree(SAMPLE, proj)
    first = check_project(proj, today=TODAY, media=False)
    invoices = sorted(str(p) for p in (proj / "evidence").glob("*/发票.pdf"))
    assert invoices and sorted(opened) == invoices  # each invoice opened once, nothing else
    assert len(pages_read) == sum(len(pikepdf.open(f).pages) for f in invoices)  # each page extracted once
    opened.clear()
    pages_read.clear()
    again = check_project(proj, today=TODAY, media=False)
    assert opened == [] and pages_read == [] and again.findings == first.findings  # the second check reads none


# ---------------------------------------------------------------- the remembered load


def test_a_remembered_load_cut_short_is_loaded_again(tmp_path, own_cache):
    """Remembered loads are written as cache entries are, without an fsync: one that a power cut
    left empty or cut short is not used (the project is parsed and validated again)."""
    from dossier.application.load import load_project

    root = tmp_path / "proj"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("build", "evidence", "media"))
    fresh = load_project(root)
    (entry,) = (own_cache / "project").iterdir()
    whole = entry.read_bytes()
    for cut in (b"", whole[: len(whole) // 2]):
        entry.write_bytes(cut)
        again = load_project(root)
        assert again.app == fresh.app and again.raw == fresh.raw and again.findings == fresh.findings
        assert entry.read_bytes() == whole  # remembered again


# ---------------------------------------------------------------- the application's validator


def _outcome(validate, data: dict):
    from pydantic import ValidationError

    try:
        return "valid", validate(data).model_dump()
    except ValidationError as exc:
        return "invalid", exc.errors(include_url=False)


def test_the_remembered_application_validator_validates_as_the_models_do(own_cache, monkeypatch):
    """The validator is unpickled from the user cache in a new process: it accepts, converts and
    refuses exactly what ``Application.model_validate`` does."""
    from conftest import valid_application

    from dossier.application import load
    from dossier.application.model import Application

    wrong = valid_application()
    wrong["enterprise"]["employees"] = "很多"
    wrong["enterprise"]["emplyees"] = 3
    wrong["investments"][0]["amount_wan"] = "1,234.5"
    wrong["type"] = "离散型"
    wrong["scenarios"][0]["implemented"] = "部分"
    cases = [valid_application(), wrong, {}, {"settings": {"amount_basis": "both"}}]
    monkeypatch.setattr(load, "_VALIDATOR", None)
    built = load.application_validator()  # built by pydantic and remembered
    assert len(list((own_cache / "validator").glob("*.pickle"))) == 1
    monkeypatch.setattr(load, "_VALIDATOR", None)  # as in a new process
    remembered = load.application_validator()
    assert remembered is not built
    for data in cases:
        expected = _outcome(Application.model_validate, data)
        assert _outcome(remembered.validate_python, data) == expected
        assert _outcome(built.validate_python, data) == expected
    assert [_outcome(remembered.validate_python, d)[0] for d in cases] == ["valid", "invalid", "valid", "invalid"]
    assert type(remembered.validate_python(cases[0])) is Application


def test_a_damaged_validator_in_the_cache_is_built_again(own_cache, monkeypatch):
    from dossier.application import load

    monkeypatch.setattr(load, "_VALIDATOR", None)
    load.application_validator()
    (entry,) = (own_cache / "validator").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    monkeypatch.setattr(load, "_VALIDATOR", None)
    validator = load.application_validator()
    assert validator.validate_python({"type": "流程型"}).type == "process"
    assert entry.read_bytes() != b"not a pickle"  # stored again


def test_the_validator_is_remembered_per_source_of_the_models(own_cache, monkeypatch, tmp_path):
    """An edited model.py (a new dossier) never gets the validator built from the old one."""
    from dossier.application import load, model

    monkeypatch.setattr(load, "_VALIDATOR", None)
    load.application_validator()
    edited = tmp_path / "model.py"
    edited.write_bytes(Path(model.__file__).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(model, "__file__", str(edited))
    monkeypatch.setattr(load, "_VALIDATOR", None)
    load.application_validator()
    assert len(list((own_cache / "validator").glob("*.pickle"))) == 2


# ---------------------------------------------------------------- YAML scalars resolved as ruamel does


def test_each_plain_scalar_gets_the_tag_ruamels_own_resolver_gives():
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver

    from dossier.application import load

    scalars = [
        "", "~", "null", "Null", "NULL", "nULL", "1", "-1", "+1", "0x1F", "0o17", "017", "1.5e3", "1.", ".5",
        "1e3", ".inf", "-.INF", "+.Inf", ".nan", ".NaN", "true", "True", "TRUE", "tRue", "yes", "no", "on",
        "2024-01-01", "2024-1-1", "2024-01-01T10:00:00Z", "2024-01-01 10:00:00.5 +08:00", "<<", "=", "1_000",
        "0b101", "1,000", "一", "12.30", "0", "00", "-0", "0.0", "1e", "e1", "3976", "2309-420118-04-02-573816",
    ]
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(scalars)) + "list:\n" + "".join(f"  - {v}\n" for v in scalars if v != "<<")

    def tags(resolver: type) -> list[tuple[str, str]]:
        yaml = YAML(typ="safe", pure=False)
        yaml.Resolver = resolver
        out: list[tuple[str, str]] = []

        def walk(node) -> None:  # noqa: ANN001
            if node.id == "scalar":
                out.append((node.value, str(node.tag)))
            for child in node.value if node.id == "sequence" else [n for pair in node.value for n in pair] if node.id == "mapping" else []:
                walk(child)

        walk(yaml.compose(text))
        return out

    ours = tags(load._resolver())
    assert ours == tags(VersionedResolver)
    assert {"tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "timestamp", "merge", "str")} <= {t for _, t in ours}


def test_a_path_form_is_what_pure_posix_path_prints_for_every_short_spelling():
    import itertools
    import unicodedata
    from pathlib import PurePosixPath

    checked = 0
    for size in range(1, 8):
        for chars in itertools.product("a/.\\", repeat=size):
            rel = "".join(chars)
            text = unicodedata.normalize("NFC", rel.strip()).replace("\\", "/")
            while text.startswith("./"):
                text = text[2:]
            assert paths.normalise(rel) == (str(PurePosixPath(text)) if text else text), rel
            checked += 1
    assert checked > 20_000
