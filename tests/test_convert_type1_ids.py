"""LibreOffice numbers the Type 1 fonts it embeds with a counter that runs for the life of one soffice
process; the post-processing derives each number from the font itself, so a PDF does not depend on its
batch, the cache or a LibreOffice kept running."""

from __future__ import annotations

import io

import pikepdf
from fontTools.misc import eexec

from dossier.documents.pdf_fonts import normalise_type1_ids


def _pdf_with_type1(ids: list[int]) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    fonts = pikepdf.Dictionary()
    for k, uid in enumerate(ids):
        clear = f"%!FontType1\n/FontName /F{k} def\n/UniqueID {uid} def\ncurrentfile eexec\n".encode()
        plain = b"\x00\x01\x02\x03" + f"dup /Private 8 dict dup begin /UniqueID {uid} def end".encode()
        encrypted, _ = eexec.encrypt(plain, 55665)
        stream = pikepdf.Stream(pdf, clear + encrypted + b"0" * 64 + b"\ncleartomark\n")
        stream.Length1, stream.Length2, stream.Length3 = len(clear), len(encrypted), 0
        desc = pdf.make_indirect(pikepdf.Dictionary(  # indirect, as LibreOffice writes them
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(f"/AAAAA{k}+Kana"), FontFile=stream))
        fonts[f"/F{k}"] = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, FontDescriptor=desc)
    pdf.pages[0].Resources = pikepdf.Dictionary(Font=fonts)
    normalise_type1_ids(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _ids(data: bytes) -> list[tuple[bytes, bytes]]:
    import re

    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/FontFile" in obj:
                s = obj.FontFile
                raw, l1, l2 = s.read_bytes(), int(s.Length1), int(s.Length2)
                plain, _ = eexec.decrypt(raw[l1 : l1 + l2], 55665)
                found.append((re.search(rb"UniqueID \d+", raw[:l1])[0], re.search(rb"UniqueID \d+", plain)[0]))
    return sorted(found)


def test_the_same_fonts_numbered_in_different_batches_come_out_identical():
    alone, after_others = _pdf_with_type1([4100000, 4100001]), _pdf_with_type1([4100005, 4100006])
    assert alone == after_others
    ids = _ids(alone)
    assert len(ids) == 2 and all(clear == private for clear, private in ids)  # both places rewritten alike
    assert all(4_000_000 <= int(clear.split()[1]) < 5_000_000 for clear, _ in ids)


def test_eexec_matches_fonttools_on_any_bytes():
    """The vectorised decryption and the plain encryption give fontTools' bytes (lengths around the
    scan's powers of two, both keys)."""
    import os

    from dossier.documents.pdf_fonts import _decrypt, _encrypt

    for n in (0, 1, 2, 3, 4, 5, 63, 64, 65, 1000, 4097, 65537):
        data = os.urandom(n)
        for key in (55665, 4330):
            assert _decrypt(data, key) == eexec.decrypt(data, key)[0]
            assert _encrypt(data, key) == eexec.encrypt(data, key)[0]


def test_a_remembered_encryption_is_served_only_for_the_same_private_part():
    from dossier.documents import pdf_fonts

    pdf_fonts._ENCRYPTED.clear()
    a = b"dup /Private 8 dict dup begin /UniqueID 4123456 def end" + bytes(range(256))
    b = a.replace(b"end", b"End")
    assert pdf_fonts._encrypt_remembered(a) == eexec.encrypt(a, 55665)[0]
    assert pdf_fonts._encrypt_remembered(b) == eexec.encrypt(b, 55665)[0]  # not a's, though remembered
    assert pdf_fonts._encrypt_remembered(a) == eexec.encrypt(a, 55665)[0]
    assert len(pdf_fonts._ENCRYPTED) == 2
