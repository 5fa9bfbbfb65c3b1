"""Budget-disclosure parser: a plain library, no Dagster import.

``parse_document(path)`` reads a PDF (text layer via pdfplumber) or a text extraction
and returns a ``ParsedDocument``; a file it cannot read raises ``ParseError``.
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
    return doc
