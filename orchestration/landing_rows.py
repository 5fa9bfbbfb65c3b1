"""A parse into landing rows: one dict per row of each ``landing`` table, keyed by the table's name.

Plain module (no Dagster import). The field names of the parse (``parsing.model``) are renamed
here to the landing columns (``warehouse.LANDING_DDL``); amounts stay ``Decimal``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from orchestration.parsing.model import ParsedDocument, Project, _jsonable
from orchestration.warehouse import PARSER_VERSION

__all__ = ["MESSAGE_CHARS", "LandingRows", "document_to_rows", "problem_rows", "quarantine_row"]

MESSAGE_CHARS = 300  # a quarantine reason stays one short line

LandingRows = dict[str, list[dict[str, Any]]]


def quarantine_row(sha256: str, rel_path: str, reason: str, message: str) -> dict[str, Any]:
    """The landing.quarantine row of a file that could not be parsed."""
    return {
        "sha256": sha256,
        "source_file": rel_path,
        "reason": reason,
        "message": " ".join(message.split())[:MESSAGE_CHARS],  # one line, bounded
        "parser_version": PARSER_VERSION,
        "seen_at": datetime.now(UTC).replace(tzinfo=None),
    }


def document_to_rows(doc: ParsedDocument, rel_path: str, sha256: str, parsed_at: datetime) -> LandingRows:
    """Every landing row of one parsed document."""
    rows: LandingRows = {
        "documents": [document_row(doc, rel_path, sha256, parsed_at)],
        "tables": table_rows(doc, sha256),
        "cells": cell_rows(doc, sha256),
        "narrative": narrative_rows(doc, sha256),
        "projects": [],
        "indicators": [],
        "parse_problems": problem_rows(sha256, doc.problems),
    }
    for p_seq, project in enumerate(doc.projects):
        rows["projects"].append(project_row(project, p_seq, sha256))
        rows["indicators"].extend(indicator_rows(project, p_seq, sha256))
    return rows


def document_row(doc: ParsedDocument, rel_path: str, sha256: str, parsed_at: datetime) -> dict[str, Any]:
    meta = doc.document
    return {
        "sha256": sha256,
        "source_file": rel_path,
        "format": meta.format,
        "pages": meta.pages,
        "department": meta.department,
        "district": meta.district,
        "town": meta.town,
        "level": meta.level,
        "kind": meta.kind,
        "fiscal_year": meta.fiscal_year,
        "parent_department": meta.parent_department,
        "reader": meta.reader,
        "parser_version": PARSER_VERSION,
        "parsed_at": parsed_at,
    }


def table_rows(doc: ParsedDocument, sha256: str) -> list[dict[str, Any]]:
    return [
        {
            "sha256": sha256,
            "table_no": t.table_no,
            "title": t.title,
            "unit": t.unit,
            "unit_inferred": t.unit_inferred,
            "unit_evidence": t.unit_evidence,
            "is_empty": t.empty,
            "pages": t.pages,
        }
        for t in doc.tables
    ]


def cell_rows(doc: ParsedDocument, sha256: str) -> list[dict[str, Any]]:
    return [
        {
            "sha256": sha256,
            "seq": i,
            "table_no": c.table_no,
            "section": c.section,
            "code": c.code,
            "name": c.name,
            "column_label": c.column,
            "amount_yuan": c.amount_yuan,
            "printed": c.printed,
            "unit": c.unit,
            "page": c.page,
            "line": c.line,
            "source": c.source,
            "confidence": c.confidence,
        }
        for i, c in enumerate(doc.cells)
    ]


def narrative_rows(doc: ParsedDocument, sha256: str) -> list[dict[str, Any]]:
    return [
        {
            "sha256": sha256,
            "seq": i,
            "key": n.key,
            "text": n.text,
            "amount_yuan": n.amount_yuan,
            "printed": n.printed,
            "unit": n.unit,
            "page": n.page,
            "line": n.line,
            "scope": n.scope,
        }
        for i, n in enumerate(doc.narrative)
    ]


def project_row(project: Project, p_seq: int, sha256: str) -> dict[str, Any]:
    return {
        "sha256": sha256,
        "project_seq": p_seq,
        "name": project.name,
        "amount_yuan": project.amount_yuan,
        "total_amount_yuan": project.total_amount_yuan,
        "implementing_unit": project.implementing_unit,
        "period": project.period,
        "page": project.page,
        "line": project.line,
        "amounts": json.dumps(_jsonable([asdict(a) for a in project.amounts]), ensure_ascii=False),
    }


def indicator_rows(project: Project, p_seq: int, sha256: str) -> list[dict[str, Any]]:
    return [
        {
            "sha256": sha256,
            "project_seq": p_seq,
            "seq": i,
            "level1": ind.level1,
            "level2": ind.level2,
            "level3": ind.level3,
            "target": ind.target,
            "page": ind.page,
            "line": ind.line,
        }
        for i, ind in enumerate(project.indicators)
    ]


def problem_rows(sha256: str, problems: Iterable[Any]) -> list[dict[str, Any]]:
    """The landing.parse_problems rows of a parse: what the document prints that was not read."""
    return [
        {
            "sha256": sha256,
            "seq": i,
            "check_name": p.check,
            "message": " ".join(p.message.split())[:MESSAGE_CHARS],
            "table_no": p.table_no,
            "page": p.page,
            "line": p.line,
            "printed": p.printed,
        }
        for i, p in enumerate(problems)
    ]
