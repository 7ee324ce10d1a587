"""Text fidelity: the PDF prints exactly the characters of its .docx, in the same order.

LibreOffice has dropped punctuation at line ends (a 、 or 。 that should hang into the margin of a
justified line was not drawn at all) while the .docx was right; a signed pledge whose printed text
differs from its source is unacceptable. So every build compares each converted PDF with its .docx:

- the .docx side: paragraphs and table cells of the body in reading order (``w:t`` text, fields'
  results, tabs and breaks as white space);
- the PDF side: the text of each page in content-stream order (``pdftotext -raw``, pypdf when poppler
  is missing), minus the page's header and footer (the .docx's own header/footer texts, a page
  field matching any number) and minus table header rows that LibreOffice repeats on a new page;
- both sides with white space removed and NFKC applied (full-width and compatibility forms equal).

The first difference becomes an error finding naming the document, the page and the context on
both sides; a page that prints none of the text (blank, or only a repeated table header) becomes a
warning naming the page. Costs a few tens of milliseconds per document.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from dossier.util.findings import Finding

CODE = "PDF-TEXT-MISMATCH"
BARE_CODE = "PDF-BARE-PAGE"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = re.compile(r"[\s\u200b\u2060\ufeff]+")  # white space and zero-width (format) characters
SWAP = 4  # longest stretch of characters that may be drawn out of order (fallback glyphs)
CONTEXT = 12  # characters of context shown on each side of the first difference


def normalise(text: str) -> str:
    """NFKC, then every white-space and zero-width character removed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- the .docx side


@dataclass(frozen=True)
class DocxText:
    body: str  # normalised text of the body, paragraphs and cells in reading order
    headers: tuple[re.Pattern, ...]  # a page's header text (fields: any number)
    footers: tuple[re.Pattern, ...]
    repeated_rows: tuple[str, ...]  # normalised text of table header rows (repeated on each page)


def _paragraph_text(p, field_as: str | None = None) -> str:
    """The text of ``w:p``: runs' text, fields' results (not their codes); with ``field_as`` the
    result of each field is replaced by that marker."""
    out: list[str] = []
    depth = 0  # inside a complex field: 1 = code part, 2 = result part
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}fldChar", f"{W}fldSimple",
                     f"{W}delText", f"{W}instrText"):
        tag = el.tag[len(W):]
        if tag == "fldChar":
            kind = el.get(f"{W}fldCharType")
            if kind == "begin":
                depth = 1
            elif kind == "separate":
                depth = 2
                if field_as is not None:
                    out.append(field_as)
            elif kind == "end":
                depth = 0
            continue
        if tag == "fldSimple":
            if field_as is not None:
                out.append(field_as)
            continue
        if depth == 1 or tag in ("instrText", "delText"):
            continue
        if depth == 2 and field_as is not None:
            continue
        if field_as is not None and _inside(el, "fldSimple"):
            continue
        if tag == "t":
            out.append(el.text or "")
        elif tag == "noBreakHyphen":
            out.append("-")
        else:
            out.append(" ")
    return "".join(out)


def _inside(el, tag: str) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == f"{W}{tag}":
            return True
        parent = parent.getparent()
    return False


def _blocks(container, rows_out: list[str]) -> Iterable[str]:
    """Text of the paragraphs and tables in ``container`` in reading order (cells row by row)."""
    for child in container:
        tag = child.tag[len(W):] if child.tag.startswith(W) else ""
        if tag == "p":
            yield _paragraph_text(child)
        elif tag == "tbl":
            for tr in child.iterfind(f"{W}tr"):
                trpr = tr.find(f"{W}trPr")
                row_text: list[str] = []
                for tc in tr.iterfind(f"{W}tc"):
                    row_text.extend(_blocks(tc, rows_out))
                if trpr is not None and trpr.find(f"{W}tblHeader") is not None:
                    rows_out.append(normalise("".join(row_text)))
                yield from row_text
        elif tag in ("sdt", "sdtContent", "customXml", "smartTag"):
            inner = child.find(f"{W}sdtContent") if tag == "sdt" else child
            if inner is not None:
                yield from _blocks(inner, rows_out)


def _pattern(texts: list[str]) -> re.Pattern | None:
    marker = "\x00"
    joined = normalise("".join(texts).replace("\x00", marker))
    if not joined.replace(marker, ""):
        return None
    parts = [re.escape(normalise(x)) for x in joined.split(marker)]
    return re.compile(r"[0-9ivxlcdmIVXLCDM]+".join(parts))


def docx_text(path: Path) -> DocxText:
    """What the .docx at ``path`` prints, for comparison with its PDF."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        root = etree.fromstring(z.read("word/document.xml"))
        headers, footers = [], []
        for name in names:
            m = re.fullmatch(r"word/(header|footer)\d*\.xml", name)
            if not m:
                continue
            part = etree.fromstring(z.read(name))
            pat = _pattern([_paragraph_text(p, field_as="\x00") for p in part.iter(f"{W}p")])
            if pat is not None:
                (headers if m.group(1) == "header" else footers).append(pat)
    body = root.find(f"{W}body")
    rows: list[str] = []
    text = normalise("".join(_blocks(body, rows)))
    return DocxText(text, tuple(headers), tuple(footers), tuple(r for r in dict.fromkeys(rows) if r))


# ---------------------------------------------------------------- the PDF side


def pdf_pages(path: Path) -> list[str]:
    """The text of each page in content-stream order (the order LibreOffice draws it)."""
    exe = shutil.which("pdftotext")
    if exe:
        done = subprocess.run([exe, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120)
        if done.returncode == 0:
            pages = done.stdout.decode("utf-8", "replace").split("\f")
            return pages[:-1] if pages and not pages[-1].strip() else pages
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def _strip(text: str, patterns: tuple[re.Pattern, ...], *, at_end: bool) -> str:
    for pat in patterns:
        if at_end:
            m = re.search(f"(?:{pat.pattern})\\Z", text)
            if m is not None:
                return text[: m.start()]
        else:
            m = pat.match(text)
            if m is not None:
                return text[m.end():]
    return text


# ---------------------------------------------------------------- comparison


def _body(source: DocxText, raw: str) -> str:
    """A page's normalised text without its header and footer."""
    return _strip(_strip(normalise(raw), source.headers, at_end=False), source.footers, at_end=True)


@dataclass(frozen=True)
class Mismatch:
    page: int  # 1-based page of the PDF where the texts part
    expected: str  # context from the .docx
    printed: str  # context from the PDF


def compare(source: DocxText, pages: list[str]) -> Mismatch | None:
    """The first place where the PDF's text departs from the .docx's, or None."""
    doc = source.body
    i = 0
    for number, raw in enumerate(pages, start=1):
        text = _body(source, raw)
        j = 0
        if i > 0:  # a table's header rows repeated at the top of a continuation page
            for row in source.repeated_rows:
                if text.startswith(row, j) and not doc.startswith(row, i):
                    j += len(row)
        while j < len(text):
            n = len(text) - j
            if doc[i:i + n] == text[j:]:
                i += n
                break
            k = next(k for k in range(n) if i + k >= len(doc) or doc[i + k] != text[j + k])
            i, j = i + k, j + k
            swap = _swapped(doc, i, text, j)
            if not swap:
                return _mismatch(number, doc, i, text, j)
            i, j = i + swap, j + swap
    if i < len(doc):
        last = normalise(pages[-1]) if pages else ""
        return Mismatch(len(pages), _context(doc, i), _context(last, len(last)))
    return None


def bare_pages(source: DocxText, pages: list[str]) -> list[int]:
    """The 1-based pages that print nothing of the document's own: no text once the header, the
    footer and a table's repeated header rows are taken away — an empty paragraph or a section
    break pushed onto a page of its own, or a table's continuation that holds only its heading.
    Printed, each is a sheet the reviewer turns over for nothing (and a seam seal on a blank
    sheet). The documents carry no pictures, so a page without text is a page without content."""
    bare = []
    for number, raw in enumerate(pages, start=1):
        text = _body(source, raw)
        for row in source.repeated_rows:
            if text.startswith(row):
                text = text[len(row):]
        if not text:
            bare.append(number)
    return bare


def _swapped(doc: str, i: int, text: str, j: int) -> int:
    """Length of a short stretch printed in another order (LibreOffice draws a glyph from a
    fallback font, such as the ₂ of CO₂, after the rest of its line), else 0."""
    for k in range(2, SWAP + 1):
        a, b = doc[i:i + k], text[j:j + k]
        if len(a) == k and sorted(a) == sorted(b):
            return k
    return 0


def _context(s: str, at: int) -> str:
    before = s[max(0, at - CONTEXT):at]
    after = s[at:at + CONTEXT]
    return ("…" if at > CONTEXT else "") + before + "▲" + after + ("…" if at + CONTEXT < len(s) else "")


def _mismatch(page: int, doc: str, i: int, text: str, j: int) -> Mismatch:
    return Mismatch(page, _context(doc, i), _context(text, j))


def check_pdf(docx: Path, pdf: Path) -> Mismatch | None:
    return compare(docx_text(docx), pdf_pages(pdf))


def check_documents(pairs: Iterable[tuple[Path, Path, str]], texts: list[list[str]] | None = None) -> list[Finding]:
    """One error finding per ``(docx, pdf, title)`` whose PDF does not print the .docx's text, and a
    warning for each page that prints none of it (:func:`bare_pages`).
    ``texts``: each PDF's :func:`pdf_pages`, when the caller has them already."""
    from concurrent.futures import ThreadPoolExecutor

    pairs = list(pairs)
    if texts is None:
        # pdftotext runs are separate processes: started together they overlap (a build waits ~0.1 s each).
        with ThreadPoolExecutor(max_workers=4) as pool:
            texts = list(pool.map(lambda pair: pdf_pages(pair[1]), pairs))
    findings = []
    for (docx, pdf, title), pages in zip(pairs, texts, strict=True):
        source = docx_text(docx)
        for page in bare_pages(source, pages):
            findings.append(Finding(
                BARE_CODE, "warning",
                f"“{title}”的 PDF 第 {page} 页没有正文（空白页，或只有续表的表头）：打印会多出一张纸。"
                "请检查该处的分页（多余的空段落、分节符或表格末尾）后重新生成。",
                file=pdf.name, page=page,
            ))
        m = compare(source, pages)
        if m is None:
            continue
        findings.append(
            Finding(
                CODE,
                "error",
                f"“{title}”的 PDF 第 {m.page} 页与 Word 文书的文字不一致：Word 为“{m.expected}”，"
                f"PDF 为“{m.printed}”（▲处起不同）。请勿签字盖章，检查该处排版或字体后重新生成。",
                file=pdf.name,
                page=m.page,
            )
        )
    return findings
