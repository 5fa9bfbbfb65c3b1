"""Document metadata: department, district, town, level, kind, fiscal year."""

from __future__ import annotations

from .model import DocumentMeta
from .source import Source


def extract(source: Source) -> DocumentMeta:
    return DocumentMeta(
        sha256=source.sha256,
        source_file=source.path.name,
        format=source.format,
        pages=source.page_count,
    )
