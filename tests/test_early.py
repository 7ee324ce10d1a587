"""Early conversions (dossier.documents.early): the one mechanism ``dossier build`` and ``dossier watch``
use to convert documents before the build asks for them. A started conversion is served only for the
same .docx bytes and font replacements; anything else, a failure included, is left to the build."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dossier.documents.early import EarlyConversions

FONTS = {"SimSun": "Noto Serif CJK SC"}


def _office(calls: list[list[bytes]]):
    def convert(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
        datas = [d.read_bytes() for d in docs]
        calls.append(datas)
        return [b"PDF of " + d + b" with " + repr(sorted(pairs.items())).encode() for d in datas]

    return convert


def _finished(pdf: bytes) -> bytes:
    return pdf + b" (finished)"


def test_a_started_conversion_is_served_only_for_the_same_bytes_and_fonts(tmp_path):
    calls: list[list[bytes]] = []
    early = EarlyConversions(_office(calls), tmp_path / "scratch", finish=_finished)
    try:
        early.start([("01 a.docx", b"A1"), ("02 b.docx", b"B1")], FONTS)
        assert early.take(b"A1", FONTS) == b"PDF of A1 with [('SimSun', 'Noto Serif CJK SC')] (finished)"
        assert early.take(b"B2", FONTS) is None  # changed after the conversion started: not served the old one
        assert early.take(b"A1", FONTS) is None  # taken once
        assert early.used == 1

        early.start([("01 a.docx", b"A1")], {})
        assert early.take(b"A1", FONTS) is None  # other font replacements
        early.start([("01 a.docx", b"A1")], FONTS)
        early.forget()  # the round ended (the check had errors): not served to the next one
        assert early.take(b"A1", FONTS) is None and early.used == 0
        # The office for what nothing started: raw bytes, after what was queued.
        assert early.convert([_file(tmp_path / "c.docx", b"C1")], FONTS) == [b"PDF of C1 with [('SimSun', 'Noto Serif CJK SC')]"]
        assert calls == [[b"A1", b"B1"], [b"A1"], [b"A1"], [b"C1"]]
        assert not list((tmp_path / "scratch").rglob("*.docx"))  # the started documents are removed
    finally:
        early.close()
    assert not (tmp_path / "scratch").exists()


def test_a_failed_conversion_is_left_to_the_build(tmp_path):
    def broken(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
        raise OSError("no kept office")

    early = EarlyConversions(broken, tmp_path / "scratch", finish=_finished)
    try:
        early.start([("a.docx", b"A")], {})
        assert early.take(b"A", {}) is None and early.used == 0
        with pytest.raises(OSError):
            early.convert([_file(tmp_path / "a.docx", b"A")], {})
    finally:
        early.close()


def test_the_office_converts_the_next_document_while_the_last_one_is_post_processed(tmp_path):
    second_started = threading.Event()
    calls: list[list[bytes]] = []
    office = _office(calls)

    def convert(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
        if docs[0].read_bytes() == b"B":
            second_started.set()
        return office(docs, pairs)

    def finish(pdf: bytes) -> bytes:
        if pdf.startswith(b"PDF of A"):  # would wait forever if the office waited for it
            assert second_started.wait(10), "the second conversion did not start while the first was post-processed"
        return pdf

    early = EarlyConversions(convert, tmp_path / "scratch", finish=finish)
    try:
        early.start([("a.docx", b"A")], {})
        early.start([("b.docx", b"B")], {})
        assert early.take(b"A", {}) == b"PDF of A with []"
        assert early.take(b"B", {}) == b"PDF of B with []"
    finally:
        early.close()


def test_ctrl_c_while_waiting_for_a_started_conversion_stops_the_build(tmp_path):
    """take() leaves a failed conversion to the build, but not Ctrl-C (``dossier watch`` must stop)."""

    def interrupted(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
        raise KeyboardInterrupt

    early = EarlyConversions(interrupted, tmp_path / "scratch", finish=_finished)
    try:
        early.start([("a.docx", b"A")], {})
        with pytest.raises(KeyboardInterrupt):
            early.take(b"A", {})
    finally:
        early.close()


def test_two_offices_share_the_started_conversions(tmp_path):
    both = threading.Barrier(2, timeout=10)
    seen: dict[str, list[bytes]] = {"a": [], "b": []}

    def office(name: str):
        def convert(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
            seen[name].append(docs[0].read_bytes())
            if len(seen[name]) == 1:
                both.wait()  # each office holds its first document until the other one has one too
            return [b"PDF of " + docs[0].read_bytes()]

        return convert

    early = EarlyConversions([office("a"), office("b")], tmp_path / "scratch", finish=_finished)
    try:
        for n in (b"1", b"2", b"3", b"4"):
            early.start([(f"{n.decode()}.docx", n)], {})
        assert [early.take(n, {}) for n in (b"1", b"2", b"3", b"4")] == [b"PDF of %s (finished)" % n for n in (b"1", b"2", b"3", b"4")]
        assert seen["a"] and seen["b"] and sorted(seen["a"] + seen["b"]) == [b"1", b"2", b"3", b"4"]
    finally:
        early.close()


def test_cancel_starts_nothing_queued(tmp_path):
    gate = threading.Event()
    calls: list[list[bytes]] = []
    office = _office(calls)

    def convert(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
        gate.wait(10)
        return office(docs, pairs)

    early = EarlyConversions(convert, tmp_path / "scratch", finish=_finished)
    early.start([("a.docx", b"A")], {})
    early.start([("b.docx", b"B")], {})
    early.cancel()
    gate.set()
    early.close()
    assert calls in ([], [[b"A"]])  # the one running may finish; the queued one never starts
    assert not (tmp_path / "scratch").exists()


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


class _Recorder:
    """Stands in for EarlyConversions: records what the build's ``loaded`` callback starts."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, str]]] = []

    def start(self, docs: list[tuple[str, bytes]], pairs: dict[str, str]) -> None:
        self.started.extend((name, dict(pairs)) for name, _ in docs)


def test_the_build_starts_each_document_as_it_is_rendered_and_again_when_the_fonts_were_guessed_wrong(tmp_path, monkeypatch):
    from build_fixtures import discrete_data, write_full_project
    from dossier.build import start_early
    from dossier.check import check_project
    from dossier.documents import kept_office

    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    root = write_full_project(tmp_path / "proj", discrete_data())
    wrong = {"NoSuchFont": "Noto Serif CJK SC"}
    monkeypatch.setattr(kept_office, "template_pairs", lambda _root: dict(wrong))
    assert kept_office.project_pairs(root) == wrong  # nothing remembered yet: every template's

    first = _Recorder()
    check_project(root, media=False, loaded=lambda *loaded: start_early(root, first, *loaded))
    right = kept_office.project_pairs(root)  # remembered from the documents
    assert right != wrong
    names = [name for name, pairs in first.started if pairs == wrong]
    assert names and names == sorted(names), "each document is started, in order, with the guess"
    assert [name for name, pairs in first.started if pairs == right] == names, "then again with the documents' own fonts"

    second = _Recorder()  # the next build guesses what the documents had last time
    check_project(root, media=False, loaded=lambda *loaded: start_early(root, second, *loaded))
    assert second.started == [(name, right) for name in names]


def test_abandon_waits_for_the_pdf_being_finished_not_for_the_office(tmp_path):
    # An interrupted build abandons its early conversions: a PDF being post-processed (pikepdf on a
    # daemon thread) is waited for, a conversion still in the office is not.
    in_office, release_office = threading.Event(), threading.Event()
    finishing, finished = threading.Event(), []

    def office(docs: list[Path], pairs: dict[str, str]) -> list[bytes]:
        if docs[0].name == "b.docx":
            in_office.set()
            release_office.wait(10)
        return [b"PDF of " + docs[0].read_bytes()]

    def finish(pdf: bytes) -> bytes:
        finishing.set()
        threading.Event().wait(0.3)
        finished.append(pdf)
        return pdf

    early = EarlyConversions(office, tmp_path / "scratch", finish=finish)
    assert not (tmp_path / "scratch").exists()  # made by the first conversion started
    early.start([("a.docx", b"A")], {})
    assert (tmp_path / "scratch").is_dir() and (tmp_path / "scratch").stat().st_mode & 0o777 == 0o700
    early.start([("b.docx", b"B")], {})
    assert finishing.wait(10) and in_office.wait(10)
    early.abandon()
    assert finished == [b"PDF of A"]  # the PDF under way was finished first
    assert not (tmp_path / "scratch").exists()
    release_office.set()
