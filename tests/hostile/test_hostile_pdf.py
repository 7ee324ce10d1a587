"""Hostile PDFs given to ``dossier bind``: each ends in a clean volume or a Chinese refusal naming
the file (exit 2), with no traceback and nothing written. Plus a bounded mutation fuzz of intake."""

from __future__ import annotations

import io
import random
import signal
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from bind_make import add_page, make_active, make_damaged, make_form, make_pdf
from hostile.hostile_util import FOUND, assert_refused, files_under, run_cli, tally
from pikepdf import Array, Dictionary, Name

from dossier.bind import bind_files
from dossier.util.errors import InputError

ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/EF", "/Launch", "/URI", "/A", "/Annots"}


def active_keys(pdf_path: Path) -> set[str]:
    """Keys of active content anywhere in the file (direct objects included)."""
    found: set[str] = set()

    def walk(obj, depth=0):
        if depth > 30:
            return
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            found.update(k for k in obj.keys() if k in ACTIVE_KEYS)
            for k in obj.keys():
                v = obj[k]
                if isinstance(v, (Dictionary, Array)) and not v.is_indirect:
                    walk(v, depth + 1)
        elif isinstance(obj, Array):
            for v in obj:
                if isinstance(v, (Dictionary, Array)) and not v.is_indirect:
                    walk(v, depth + 1)

    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            walk(obj)
    return found


def _bytes_of(make) -> bytes:
    pdf = pikepdf.new()
    make(pdf)
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buf.getvalue()


def _page_with(**keys):
    def make(pdf):
        page = add_page(pdf, text="x")
        for k, v in keys.items():
            page.obj[f"/{k}"] = v
    return make


def _nested(depth: int):
    def make(pdf):
        page = add_page(pdf, text="x")
        inner = Array([1])
        for _ in range(depth):
            inner = Array([inner])
        page.obj["/Deep"] = inner
    return make


def _kids_loop(pdf):
    add_page(pdf, text="x")
    pdf.Root.Pages.Kids.append(pdf.Root.Pages)
    pdf.Root.Pages.Count = 2


def _valid_bytes() -> bytes:
    return _bytes_of(lambda pdf: add_page(pdf, text="ok"))


# name → (file bytes, outcome: "ok" or the words of the refusal)
CASES = {
    "truncated_10pct": (lambda: _valid_bytes()[: len(_valid_bytes()) // 10], "PDF"),
    "truncated_half": (lambda: _valid_bytes()[: len(_valid_bytes()) // 2], "ok|PDF"),
    "truncated_90pct": (lambda: _valid_bytes()[: len(_valid_bytes()) * 9 // 10], "ok|PDF"),
    "header_only": (lambda: b"%PDF-1.7\n", "PDF"),
    "header_then_garbage": (lambda: b"%PDF-1.4\n" + bytes(range(256)) * 50, "PDF"),
    "not_a_pdf_renamed": (lambda: "合同正文".encode() * 100, "不是 PDF"),
    "zero_mediabox": (lambda: _bytes_of(_page_with(MediaBox=Array([0, 0, 0, 0]))), "尺寸为零"),
    "line_mediabox": (lambda: _bytes_of(_page_with(MediaBox=Array([0, 0, 595, 0]))), "尺寸为零"),
    "huge_mediabox": (lambda: _bytes_of(_page_with(MediaBox=Array([0, 0, 14400, 14400]))), "ok"),
    "absurd_mediabox": (lambda: _bytes_of(_page_with(MediaBox=Array([0, 0, 1e30, 1e30]))), "ok|尺寸|PDF"),
    "inverted_mediabox": (lambda: _bytes_of(_page_with(MediaBox=Array([595, 842, 0, 0]))), "ok"),
    "mediabox_of_names": (lambda: _bytes_of(_page_with(MediaBox=Array([Name.A, Name.B, Name.C, Name.D]))), "ok|尺寸"),
    "mediabox_short": (lambda: _bytes_of(_page_with(MediaBox=Array([0, 0, 5]))), "ok|尺寸"),
    "rotate_45": (lambda: _bytes_of(_page_with(Rotate=45)), "ok"),
    "rotate_name": (lambda: _bytes_of(_page_with(Rotate=Name.Left)), "ok|尺寸"),
    "usersunit_huge": (lambda: _bytes_of(_page_with(UserUnit=75000)), "ok"),
    "deep_nesting_100": (lambda: _bytes_of(_nested(100)), "ok"),
    "deep_nesting_5000": (lambda: _bytes_of(_nested(5000)), "ok|PDF"),
    "pages_tree_loop": (lambda: _bytes_of(_kids_loop), "ok|PDF"),
    "flate_bomb_content": (lambda: _bytes_of(_bomb_page), "ok"),
}


def _bomb_page(pdf):
    page = add_page(pdf, text="bomb")
    page.obj.Contents = pikepdf.Stream(pdf, zlib.compress(b"0 0 m 1 1 l S\n" * (60_000_000 // 14), 9))
    page.obj.Contents.Filter = Name.FlateDecode


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_pdf_binds_or_is_refused(tmp_path, case):
    make, outcome = CASES[case]
    src = tmp_path / "供应商材料.pdf"
    src.write_bytes(make())
    data = src.read_bytes()
    out = tmp_path / "out" / "卷.pdf"
    res = run_cli("bind", src, "-o", out, timeout=120)
    tally("pdf")
    assert src.read_bytes() == data
    if res.returncode == 0:
        assert "ok" in outcome.split("|"), res.stdout + res.stderr
        with pikepdf.open(out) as vol:
            assert len(vol.pages) >= 1
            assert all(abs(float(p.mediabox[2]) - 595.28) < 1 for p in vol.pages)  # normalised to A4
        assert not active_keys(out)
    else:
        words = [w for w in outcome.split("|") if w != "ok"]
        assert words, f"expected success:\n{res.stdout}{res.stderr}"
        assert_refused(res, "供应商材料.pdf")
        assert any(w in res.stderr for w in words), res.stderr
        assert files_under(tmp_path / "out") == []


@pytest.mark.slow
@pytest.mark.parametrize("maker", [make_active, make_form], ids=["javascript_launch_embedded", "form_fields"])
def test_active_content_never_reaches_the_volume(tmp_path, maker):
    src = maker(tmp_path / "带脚本.pdf")
    out = tmp_path / "卷.pdf"
    res = run_cli("bind", src, "-o", out)
    tally("pdf")
    assert res.returncode == 0, res.stderr
    assert not active_keys(out)
    raw = out.read_bytes()
    for needle in (b"app.alert", b"calc.exe", b"MZ-not-really", b"example.invalid"):
        assert needle not in raw and needle not in zlib_inflated(out), needle


def zlib_inflated(pdf_path: Path) -> bytes:
    """All stream data of the file, decoded: hidden payloads would show here."""
    chunks = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(obj.read_raw_bytes())
    return b"".join(chunks)


# ---------------------------------------------------------------- bounded mutation fuzz of PDF intake

FUZZ_ITERATIONS = 300
FUZZ_SEED = 20251015
_TOKENS = [b"0", b"9999999999", b"-1", b"<<", b">>", b"[", b"]", b"/Rotate 45", b" R ", b" 0 obj", b"endobj",
           b"stream\n", b"/Length 99999999", b"/MediaBox [0 0 0 0]", b"/MediaBox [0 0 1e308 1e308]", b"/Type /Fon\xf4",
           b"/S /JavaScript /JS (x)", b"/Filter /FlateDecode", b"%%EOF", b"xref\n0 1\n"]


def _seeds(folder: Path) -> list[bytes]:
    out = [
        make_pdf(folder / "a.pdf", [{"text": "x"}, {"rotate": 90}, {"size": (612, 792), "crop": (10, 10, 500, 700)}]),
        make_active(folder / "b.pdf"), make_form(folder / "c.pdf"), make_damaged(folder / "d.pdf"),
    ]
    seeds = [p.read_bytes() for p in out]
    with pikepdf.open(out[0]) as pdf:  # uncompressed: mutations hit structure, not just Flate data
        buf = io.BytesIO()
        pdf.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False)
        seeds.append(buf.getvalue())
    return seeds


def mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        if op == 0 and b:  # bit flip
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and len(b) > 1:  # truncation
            b = b[: rng.randrange(1, len(b))]
        elif op == 2 and b:  # chunk duplication
            i = rng.randrange(len(b))
            k = rng.randrange(len(b))
            b[k:k] = b[i : i + rng.randint(1, 200)]
        elif op == 3 and b:  # chunk deletion
            i = rng.randrange(len(b))
            del b[i : i + rng.randint(1, 50)]
        else:  # a PDF token where it does not belong
            i = rng.randrange(len(b) + 1)
            b[i:i] = rng.choice(_TOKENS)
    return bytes(b)


class _Hang(Exception):
    pass


def _alarm(*_):
    raise _Hang


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="the per-iteration timeout uses SIGALRM")
def test_fuzz_pdf_intake(tmp_path):
    """Mutated small PDFs: each binds, or raises InputError naming the file in Chinese; never
    another exception, never a hang (20 s per iteration), never output left behind."""
    rng = random.Random(FUZZ_SEED)
    seeds = _seeds(tmp_path)
    src = tmp_path / "来件.pdf"
    out_dir = tmp_path / "out"
    old = signal.signal(signal.SIGALRM, _alarm)
    failures: list[str] = []
    outcomes = {"bound": 0, "refused": 0}
    try:
        for it in range(FUZZ_ITERATIONS):
            data = mutate(rng, rng.choice(seeds))
            src.write_bytes(data)
            signal.alarm(20)
            try:
                bind_files([src], out_dir / "卷.pdf", guide=it % 10 == 0)
                outcomes["bound"] += 1
                left = active_keys(out_dir / "卷.pdf")
                if left:
                    failures.append(f"iteration {it}: active content {left} in the volume")
            except InputError as exc:
                outcomes["refused"] += 1
                text = exc.render()
                if "来件.pdf" not in text or not any("\u4e00" <= c <= "\u9fff" for c in exc.message):
                    failures.append(f"iteration {it}: message does not name the file: {text!r}")
                if files_under(out_dir):
                    failures.append(f"iteration {it}: output left behind: {files_under(out_dir)}")
            except _Hang:
                failures.append(f"iteration {it}: no answer within 20 s")
            except Exception as exc:  # noqa: BLE001 - this is what the fuzz looks for
                failures.append(f"iteration {it}: {type(exc).__name__}: {exc}")
                (tmp_path / f"crash-{it}.pdf").write_bytes(data)
            finally:
                signal.alarm(0)
            assert src.read_bytes() == data  # the input is never modified
            if out_dir.exists():
                for p in out_dir.iterdir():
                    p.unlink()
    finally:
        signal.signal(signal.SIGALRM, old)
        tally("pdf-fuzz", FUZZ_ITERATIONS)
    FOUND.extend(f"pdf-fuzz {f}" for f in failures)
    print(f"pdf fuzz: {FUZZ_ITERATIONS} iterations, {outcomes}", file=sys.stderr)
    assert not failures, "\n".join(failures[:20])
    assert outcomes["bound"] and outcomes["refused"]  # the mutations reach both outcomes
