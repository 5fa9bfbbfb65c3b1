"""Open a file and hand out its pages of text: the one place that touches the file.

A PDF gives one ``Page`` per PDF page (text layer via pdfplumber, plus the pdfplumber
page for table extraction); a text extraction gives a single ``Page`` with no number,
whose lines keep their 1-based line numbers. Spreadsheets (.xlsx, .xls), Word documents
(.docx, .doc through LibreOffice), HTML pages and scanned PDFs (OCR) also give ``sheets``:
rows of cells that ``row_tables`` reads into the same raw grids (``docs/parse-schema.md``,
"Formats"). The format is told by the file's bytes first and its suffix second: an .xls that is
an HTML table or an .xlsx is read as what it is. Anything that cannot be read raises
``ParseError`` with a one-line reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from .errors import ParseError

__all__ = [
    "DOCUMENT_SUFFIXES",
    "FORMAT_OF_SUFFIX",
    "PDF_SUFFIXES",
    "TEXT_SUFFIXES",
    "Page",
    "Source",
    "open_source",
]

TEXT_SUFFIXES = {".txt", ".md", ".text"}
PDF_SUFFIXES = {".pdf"}
# The format a suffix names (the bytes decide when they say otherwise).
FORMAT_OF_SUFFIX = {
    **dict.fromkeys(PDF_SUFFIXES, "pdf"),
    **dict.fromkeys(TEXT_SUFFIXES, "text"),
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".et": "xls",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "doc",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
}
DOCUMENT_SUFFIXES = set(FORMAT_OF_SUFFIX)
# What a cell's figure was read from, per format (``Cell.source``); a scanned PDF's is "ocr".
READER_OF_FORMAT = {
    "pdf": "text_layer",
    "text": "text_extraction",
    "xlsx": "spreadsheet",
    "xls": "spreadsheet",
    "docx": "word",
    "doc": "word",
    "html": "html",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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
    format: str  # "pdf" | "text" | "xlsx" | "xls" | "docx" | "doc" | "html"
    pages: list[Page] = field(default_factory=list)
    page_count: int | None = None
    _pdf: Any = None
    sheets: list[Any] | None = None  # row_tables.Sheet: rows of cells, for every format but PDF and text
    reader: str = "text_layer"  # what the figures were read from (Cell.source): see READER_OF_FORMAT

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
    head = data[:512].lstrip().lower()
    is_html = head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<table" in head
    if suffix in PDF_SUFFIXES:
        if is_html:
            raise ParseError("not_pdf", f"{path}: an HTML page saved with a .pdf name, not a PDF")
        raise ParseError("not_pdf", f"{path}: not a PDF (no %PDF header)")
    if suffix in TEXT_SUFFIXES:
        return _open_text(path, digest, data)
    kind = _sniff(data, is_html) or FORMAT_OF_SUFFIX.get(suffix)
    if kind is None:
        raise ParseError("unsupported_format", f"{path}: unsupported file type {suffix or '(none)'}")
    return _open_rows(path, digest, data, kind)


def _sniff(data: bytes, is_html: bool) -> str | None:
    """The format the bytes show: a zip holding a workbook or a Word body, an OLE file, an HTML page."""
    if data.startswith(_ZIP_MAGIC):
        if b"xl/workbook" in data or b"xl/_rels" in data:
            return "xlsx"
        if b"word/document" in data or b"word/_rels" in data:
            return "docx"
        return None
    if data.startswith(_OLE_MAGIC):
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return None
    return "html" if is_html else None


def _open_rows(path: Path, digest: str, data: bytes, kind: str) -> Source:
    """A spreadsheet, Word document or HTML page: its rows of cells and its text."""
    from .html_tables import read_html
    from .spreadsheet_tables import read_xls, read_xlsx
    from .word_tables import convert_doc, read_docx

    try:
        if kind in ("xlsx", "xls"):
            sheets = read_xlsx(data) if kind == "xlsx" else read_xls(data)
            # the sheet's name first (line 0: a sheet named after its table may print no title), then its rows
            pages = [
                Page(
                    number=None, text="\n".join([s.name or "", *(_row_line(r) for r in s.rows)]), first_line=0
                )
                for s in sheets
            ]
        else:
            if kind == "doc":
                data = convert_doc(path)
            sheets, text = read_docx(data) if kind in ("docx", "doc") else read_html(data, path.name)
            pages = [Page(number=None, text=text)]
    except ParseError:
        raise
    except Exception as err:  # the readers raise many types on a damaged file
        raise ParseError("damaged", f"{path}: damaged {kind} file ({type(err).__name__}: {err})") from err
    if not sheets:
        raise ParseError("damaged", f"{path}: no visible sheet")
    return Source(
        path=path,
        sha256=digest,
        format=kind,
        pages=pages,
        sheets=sheets,
        reader=READER_OF_FORMAT[kind],
    )


def _row_line(row: Any) -> str:
    from .row_tables import row_text

    return row_text(row)


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
    return Source(
        path=path,
        sha256=digest,
        format="text",
        pages=[Page(number=None, text=text)],
        reader="text_extraction",
    )


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
        if not any(pp.images for pp in plumber_pages):
            pdf.close()
            raise ParseError("no_text_layer", f"{path}: no text layer (PDF has no text layer and no image)")
        return _open_scan(path, digest, pdf, plumber_pages)
    return Source(path=path, sha256=digest, format="pdf", pages=pages, page_count=len(pages), _pdf=pdf)


def _open_scan(path: Path, digest: str, pdf: Any, plumber_pages: list[Any]) -> Source:
    """An image-only PDF (a scan): its pages read by OCR (``ocr_tables``)."""
    from .ocr_tables import read_scan

    try:
        texts, sheets = read_scan(path)
    except Exception as err:
        pdf.close()
        raise ParseError(
            "damaged", f"{path}: scanned PDF could not be read by OCR ({type(err).__name__})"
        ) from err
    pages = [Page(number=n, text=text, plumber=plumber_pages[n - 1]) for n, text in texts]
    return Source(
        path=path,
        sha256=digest,
        format="pdf",
        pages=pages,
        page_count=len(pages),
        _pdf=pdf,
        sheets=sheets,
        reader="ocr",
    )
