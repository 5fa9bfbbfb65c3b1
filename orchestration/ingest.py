"""From the raw folder to the landing tables: scan, parse in parallel, load once.

Plain module (no Dagster import). Workers parse documents in separate processes and
return plain rows; only the calling process writes DuckDB, which allows one writer.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from orchestration.parsing.source import PDF_SUFFIXES, TEXT_SUFFIXES
from orchestration.warehouse import PARSER_VERSION, ensure_landing, replace_rows

__all__ = ["RawFile", "scan_raw", "parse_rows", "parse_many", "load_parses", "IGNORED_NAMES"]

# Files in the raw folder that are bookkeeping, not disclosures.
IGNORED_NAMES = {"README.md", "manifest.jsonl", "manifest.csv", ".gitkeep"}
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class RawFile:
    sha256: str
    path: str  # relative to the raw folder, POSIX separators
    size_bytes: int
    format: str  # pdf | text | other
    modified_at: datetime


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "other"


def scan_raw(root: Path) -> list[RawFile]:
    """Every file under ``root`` (recursively, hidden files and bookkeeping skipped)."""
    files: list[RawFile] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.name in IGNORED_NAMES or any(p.startswith(".") for p in rel.parts):
            continue
        stat = path.stat()
        files.append(
            RawFile(
                sha256=_sha256(path),
                path=rel.as_posix(),
                size_bytes=stat.st_size,
                format=_format_of(path),
                modified_at=datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc).replace(tzinfo=None),
            )
        )
    return files


def parse_rows(path: str, rel_path: str, sha256: str) -> dict[str, list[dict[str, Any]]]:
    """Parse one file into landing rows (runs in a worker process)."""
    from orchestration.parsing import ParseError, parse_document

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    try:
        doc = parse_document(path)
    except ParseError as err:
        return {
            "quarantine": [
                dict(
                    sha256=sha256,
                    source_file=rel_path,
                    reason=err.reason,
                    message=str(err).replace(str(path), rel_path),
                    parser_version=PARSER_VERSION,
                    seen_at=now,
                )
            ]
        }
    meta = doc.document
    rows: dict[str, list[dict[str, Any]]] = {
        "documents": [
            dict(
                sha256=sha256,
                source_file=rel_path,
                format=meta.format,
                pages=meta.pages,
                department=meta.department,
                district=meta.district,
                town=meta.town,
                level=meta.level,
                kind=meta.kind,
                fiscal_year=meta.fiscal_year,
                parser_version=PARSER_VERSION,
                parsed_at=now,
            )
        ],
        "tables": [
            dict(
                sha256=sha256,
                table_no=t.table_no,
                title=t.title,
                unit=t.unit,
                unit_inferred=t.unit_inferred,
                unit_evidence=t.unit_evidence,
                is_empty=t.empty,
                pages=t.pages,
            )
            for t in doc.tables
        ],
        "cells": [
            dict(
                sha256=sha256,
                seq=i,
                table_no=c.table_no,
                section=c.section,
                code=c.code,
                name=c.name,
                column_label=c.column,
                amount_yuan=c.amount_yuan,
                printed=c.printed,
                unit=c.unit,
                page=c.page,
                line=c.line,
            )
            for i, c in enumerate(doc.cells)
        ],
        "narrative": [
            dict(
                sha256=sha256,
                seq=i,
                key=n.key,
                text=n.text,
                amount_yuan=n.amount_yuan,
                printed=n.printed,
                unit=n.unit,
                page=n.page,
                line=n.line,
            )
            for i, n in enumerate(doc.narrative)
        ],
        "projects": [],
        "indicators": [],
    }
    for p_seq, p in enumerate(doc.projects):
        rows["projects"].append(
            dict(
                sha256=sha256,
                project_seq=p_seq,
                name=p.name,
                amount_yuan=p.amount_yuan,
                total_amount_yuan=p.total_amount_yuan,
                implementing_unit=p.implementing_unit,
                period=p.period,
                page=p.page,
                line=p.line,
            )
        )
        rows["indicators"].extend(
            dict(
                sha256=sha256,
                project_seq=p_seq,
                seq=i,
                level1=ind.level1,
                level2=ind.level2,
                level3=ind.level3,
                target=ind.target,
                page=ind.page,
                line=ind.line,
            )
            for i, ind in enumerate(p.indicators)
        )
    return rows


def _parse_job(args: tuple[str, str, str]) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    path, rel, sha = args
    return sha, parse_rows(path, rel, sha)


def parse_many(
    root: Path,
    files: Iterable[RawFile],
    workers: int | None = None,
    on_done: Callable[[str, dict[str, list[dict[str, Any]]]], None] | None = None,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Parse files (one per sha256) on ``workers`` processes; returns rows per sha256."""
    jobs = [(str(root / f.path), f.path, f.sha256) for f in files]
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    if workers <= 1 or len(jobs) <= 1:
        iterator = map(_parse_job, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        iterator = pool.map(_parse_job, jobs, chunksize=1)
    try:
        for sha, rows in iterator:
            results[sha] = rows
            if on_done:
                on_done(sha, rows)
    finally:
        if pool is not None:
            pool.shutdown()
    return results


def load_parses(con: Any, results: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Replace the landing rows of every parsed document, in one transaction."""
    ensure_landing(con)
    shas = list(results)
    con.execute("begin")
    try:
        for table in ("documents", "tables", "cells", "narrative", "projects", "indicators", "quarantine"):
            rows = [row for parsed in results.values() for row in parsed.get(table, [])]
            replace_rows(con, table, shas, rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
