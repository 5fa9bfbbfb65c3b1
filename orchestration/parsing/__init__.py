"""Budget-disclosure parser: a plain library, no Dagster import.

``parse_document(path)`` reads a PDF (text layer via pdfplumber, or OCR for a scan), a text
extraction, a spreadsheet (.xlsx, .xls), a Word document (.docx, .doc) or an HTML table page and
returns a ``ParsedDocument``; a file it cannot read raises ``ParseError``.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ParseError
from .model import (
    Cell,
    DocumentMeta,
    Indicator,
    NarrativeFigure,
    ParsedDocument,
    Problem,
    Project,
    TableInfo,
)

__all__ = [
    "Cell",
    "DocumentMeta",
    "Indicator",
    "NarrativeFigure",
    "ParseError",
    "ParsedDocument",
    "Problem",
    "Project",
    "TableInfo",
    "parse_document",
]


def parse_document(path: str | Path) -> ParsedDocument:
    """Parse one disclosure file into tables, cells, narrative figures and projects."""
    from . import metadata, narrative, projects, tables
    from .source import open_source

    with open_source(path) as source:
        meta = metadata.extract(source)
        found_tables, cells, problems = tables.read_tables(source)
        doc = ParsedDocument(document=meta, tables=found_tables, cells=cells, problems=problems)
        doc.narrative = narrative.extract(source)
        doc.projects = projects.extract(source)
        if source.reader == "ocr":  # nothing read by OCR is loaded unless the tables confirm it
            from .ocr_verify import confirmed_narrative, verify_ocr

            doc.problems += verify_ocr(doc)
            doc.narrative = confirmed_narrative(doc)
            doc.projects = []  # project texts and amounts: no identity can confirm them
    return doc
