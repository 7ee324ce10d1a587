"""Make LibreOffice's embedded Type 1 fonts independent of what the office converted before.

LibreOffice embeds the CJK fonts (CFF outlines) as Type 1 programs whose ``/UniqueID`` comes from
a counter that runs for the life of the soffice process: the same document converted alone, after
another document, or by a LibreOffice kept running (``dossier watch``) differs in those few digits,
in the clear-text part and inside the eexec-encrypted private dictionary. Each ``/UniqueID`` is
replaced by a number derived from the font program itself, so equal inputs give equal bytes.
"""

from __future__ import annotations

import hashlib
import re

import pikepdf

_EEXEC_KEY = 55665
_UNIQUE_ID = re.compile(rb"/UniqueID\s+\d+\s+def")


def _decrypt(data: bytes, r: int = _EEXEC_KEY) -> bytes:
    """Type 1 eexec decryption (Adobe Type 1 Font Format, 7.2). A plain loop: fontTools' version
    goes through per-byte helpers and is ~5× slower on a CJK subset of 200 KB."""
    out = bytearray(len(data))
    for i, c in enumerate(data):
        out[i] = c ^ (r >> 8)
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _encrypt(data: bytes, r: int = _EEXEC_KEY) -> bytes:
    out = bytearray(len(data))
    for i, p in enumerate(data):
        c = p ^ (r >> 8)
        out[i] = c
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _stable_id(clear: bytes, private: bytes) -> bytes:
    """A UniqueID in 4,000,000–4,999,999 (LibreOffice's own range; below Type 1's 2^24 limit)."""
    h = hashlib.sha256(_UNIQUE_ID.sub(b"", clear) + _UNIQUE_ID.sub(b"", private)).digest()
    return b"/UniqueID %d def" % (4_000_000 + int.from_bytes(h[:4], "big") % 1_000_000)


def normalise_type1_ids(pdf: pikepdf.Pdf) -> int:
    """Rewrite the ``/UniqueID`` of every embedded Type 1 font program; returns how many were rewritten."""
    changed = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or "/FontFile" not in obj:
            continue
        stream = obj.FontFile
        try:
            l1, l2 = int(stream.Length1), int(stream.Length2)
            data = stream.read_bytes()
        except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
            continue
        clear, encrypted, tail = data[:l1], data[l1:l1 + l2], data[l1 + l2:]
        if not _UNIQUE_ID.search(clear) or len(encrypted) != l2 or encrypted[:1].isspace():
            continue  # not a binary eexec section we understand: leave the font as it is
        private = _decrypt(encrypted)
        new_id = _stable_id(clear, private)
        new_clear = _UNIQUE_ID.sub(new_id, clear)
        new_private = _UNIQUE_ID.sub(new_id, private)
        # Always rewritten (even when the number happens to be unchanged), so that every such stream
        # is compressed the same way, by qpdf, whatever LibreOffice wrote.
        new_encrypted = _encrypt(new_private)
        stream.write(new_clear + new_encrypted + tail)
        stream.Length1, stream.Length2 = len(new_clear), len(new_encrypted)
        changed += 1
    return changed
