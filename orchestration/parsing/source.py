"""Open a file and hand out its pages of text: the one place that touches the file.

A PDF gives one ``Page`` per PDF page (text layer via pdfplumber, plus the pdfplumber
page for table extraction); a text extraction gives a single ``Page`` with no number,
whose lines keep their 1-based line numbers. Anything that cannot be read raises
``ParseError`` with a one-line reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from .errors import ParseError

__all__ = ["PDF_SUFFIXES", "TEXT_SUFFIXES", "Page", "Source", "open_source"]

TEXT_SUFFIXES = {".txt", ".md", ".text"}
PDF_SUFFIXES = {".pdf"}
# A PDF page with fewer printed characters than this is treated as having no text layer.
MIN_CHARS_PER_TEXT_PAGE = 20


@dataclass
class Page:
    number: int | None  # 1-based PDF page, None for a text extraction
    text: str
    first_line: int = 1  # line number of the first line of ``text`` in the source file
    plumber: Any = None  # pdfplumber.page.Page for PDFs

    @property
    def lines(self) -> list[tuple[int, str]]:
        return [(self.first_line + i, line) for i, line in enumerate(self.text.splitlines())]


@dataclass
class Source:
    path: Path
    sha256: str
    format: str  # "pdf" | "text"
    pages: list[Page] = field(default_factory=list)
    page_count: int | None = None
    _pdf: Any = None

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_source(path: str | Path) -> Source:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ParseError("unreadable", f"{path}: cannot read file ({err.strerror})") from err
    if not data:
        raise ParseError("empty_file", f"{path}: empty file (0 bytes)")
    digest = sha256_of(data)
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return _open_pdf(path, digest)
    if suffix in PDF_SUFFIXES:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            raise ParseError("not_pdf", f"{path}: an HTML page saved with a .pdf name, not a PDF")
        raise ParseError("not_pdf", f"{path}: not a PDF (no %PDF header)")
    if suffix in TEXT_SUFFIXES:
        return _open_text(path, digest, data)
    raise ParseError("unsupported_format", f"{path}: unsupported file type {suffix or '(none)'}")


def _open_text(path: Path, digest: str, data: bytes) -> Source:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as err:
            raise ParseError("damaged", f"{path}: text is neither UTF-8 nor GB18030") from err
    if "\x00" in text:
        raise ParseError("damaged", f"{path}: binary data in a text file")
    return Source(path=path, sha256=digest, format="text", pages=[Page(number=None, text=text)])


def _open_pdf(path: Path, digest: str) -> Source:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(path)
        plumber_pages = list(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise ParseError("encrypted", f"{path}: encrypted PDF (password required)") from err
    except PDFSyntaxError as err:
        raise ParseError("damaged", f"{path}: damaged PDF ({err})") from err
    except Exception as err:  # pdfminer raises many types on truncated files
        # pdfplumber wraps pdfminer's error (PdfminerException(PDFPasswordIncorrect())): name the inner one
        inner = err.args[0] if err.args and isinstance(err.args[0], BaseException) else err
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name:
            raise ParseError("encrypted", f"{path}: encrypted PDF (password required)") from err
        raise ParseError("damaged", f"{path}: damaged PDF ({name}: {err})") from err
    if not plumber_pages:
        pdf.close()
        raise ParseError("damaged", f"{path}: PDF has no pages")
    pages: list[Page] = []
    try:
        for i, pp in enumerate(plumber_pages, start=1):
            pages.append(Page(number=i, text=pp.extract_text() or "", plumber=pp))
    except Exception as err:
        pdf.close()
        raise ParseError(
            "damaged", f"{path}: damaged PDF, page {len(pages) + 1} unreadable ({type(err).__name__})"
        ) from err
    if sum(len(p.text.strip()) for p in pages) < MIN_CHARS_PER_TEXT_PAGE * max(1, len(pages) // 4):
        has_images = any(pp.images for pp in plumber_pages)
        pdf.close()
        reason = "image-only PDF, needs OCR" if has_images else "PDF has no text layer"
        raise ParseError("no_text_layer", f"{path}: no text layer ({reason})")
    return Source(path=path, sha256=digest, format="pdf", pages=pages, page_count=len(pages), _pdf=pdf)
