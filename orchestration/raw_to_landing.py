"""The raw folder's new or changed files parsed into the landing tables: one run of the parse step.

Plain module (no Dagster import); the ``parsed_documents`` asset calls ``raw_to_landing`` and
turns its ``LandingRun`` into materializations. Only files whose sha256 the current parser has
not yet read are parsed (plus those quarantined for a reason worth retrying, and those asked for
by sha256). Workers parse (``ingest.parse_many``); this process writes DuckDB under the
warehouse lock, a batch of whole documents per transaction, so a run stopped midway keeps what it
loaded and the next run parses only the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.ingest import RawFile, load_parses, parse_many, up_to_date
from orchestration.landing_rows import LandingRows, quarantine_row
from orchestration.warehouse import DOCUMENT_TABLES, Connect, ensure_landing, warehouse_lock

__all__ = ["MIN_SHA_PREFIX", "LandingRun", "UnknownDocument", "raw_to_landing", "resolve_sha256s"]

# Parsed documents are written in batches: whichever comes first.
FLUSH_EVERY_DOCUMENTS = 8
FLUSH_EVERY_SECONDS = 30.0
MIN_SHA_PREFIX = 8  # a sha256 asked for may be shortened to this many characters


class UnknownDocument(ValueError):
    """A sha256 (prefix) asked for that names no single document of the raw folder."""


@dataclass
class Log:
    info: Callable[[str], None] = print
    warning: Callable[[str], None] = print
    error: Callable[[str], None] = print


@dataclass
class LandingRun:
    """What one parse step did, and the landing tables' state after it."""

    files: list[RawFile]  # one per sha256 in the raw folder
    parsed: list[RawFile]  # parsed this run
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)  # sha256 → outcome
    # per landing table after the run: its rows (``dagster/row_count``) and the documents they come from
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    quarantine: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason, message)

    @property
    def quarantined_now(self) -> int:
        return sum(1 for o in self.outcomes.values() if o["status"] == "quarantined")


def resolve_sha256s(wanted: list[str], files: list[RawFile]) -> set[str]:
    """sha256s (or unique prefixes) asked for → full sha256s; one that names no single file raises."""
    chosen: set[str] = set()
    for prefix in wanted:
        prefix = prefix.strip().lower()
        matches = {f.sha256 for f in files if f.sha256.startswith(prefix)}
        if len(prefix) < MIN_SHA_PREFIX or len(matches) != 1:
            raise UnknownDocument(
                f"sha256s: {prefix!r} names {len(matches)} documents of the raw folder; give a sha256 "
                f"(or a unique prefix of ≥ {MIN_SHA_PREFIX} characters) of a file listed by raw_documents"
            )
        chosen |= matches
    return chosen


def outcome_of(rows: LandingRows) -> dict[str, Any]:
    """One document's outcome: parsed (with its cells and tables) or quarantined (with the reason)."""
    if rows.get("quarantine"):
        q = rows["quarantine"][0]
        return {"status": "quarantined", "reason": q["reason"], "message": q["message"]}
    return {"status": "parsed", "cells": len(rows.get("cells", [])), "tables": len(rows.get("tables", []))}


class BatchLoader:
    """Buffers parsed documents and writes them in batches, each document whole or not at all."""

    def __init__(self, connect: Connect, log: Log):
        self.connect = connect
        self.log = log
        self.pending: dict[str, LandingRows] = {}
        self.last_flush = time.monotonic()
        self.loaded = 0

    def add(self, sha: str, rows: LandingRows) -> None:
        self.pending[sha] = rows
        if (
            len(self.pending) >= FLUSH_EVERY_DOCUMENTS
            or time.monotonic() - self.last_flush >= FLUSH_EVERY_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, {}
        with self.connect() as con:
            try:
                load_parses(con, batch)
            except Exception as err:  # noqa: BLE001 — one document's rows DuckDB refuses: load the others alone
                self.log.warning(f"batch load failed ({type(err).__name__}: {err}); loading one by one")
                for sha, rows in batch.items():
                    self._load_alone(con, sha, rows)
        self.loaded += len(batch)
        self.last_flush = time.monotonic()
        self.log.info(f"landing: wrote {len(batch)} documents ({self.loaded} this run)")

    def _load_alone(self, con: Any, sha: str, rows: LandingRows) -> None:
        try:
            load_parses(con, {sha: rows})
        except Exception as err:  # noqa: BLE001 — quarantined instead
            source_file = (rows.get("documents") or rows.get("quarantine") or [{}])[0].get("source_file", sha)
            message = f"rows refused by the warehouse: {type(err).__name__}: {err}"
            self.log.error(f"{source_file}: {message}")
            load_parses(con, {sha: {"quarantine": [quarantine_row(sha, source_file, "load_error", message)]}})


def raw_to_landing(
    root: Path,
    warehouse_file: Path,
    connect: Connect,
    sha256s: list[str] | None = None,
    reparse_all: bool = False,
    log: Log | None = None,
    on_document: Callable[[str, str, dict[str, Any]], None] | None = None,
) -> LandingRun:
    """Parse the raw files listed in ``landing.raw_files`` that are new or changed (or asked for)
    into the landing tables; ``on_document(sha256, source_file, outcome)`` hears of each one."""
    log = log or Log()
    with warehouse_lock(warehouse_file, log=log.info):
        files, done = _listed_files(connect)
        forced = {f.sha256 for f in files} if reparse_all else resolve_sha256s(sha256s or [], files)
        run = LandingRun(files=files, parsed=[f for f in files if f.sha256 not in done or f.sha256 in forced])
        log.info(
            f"{len(files)} documents in the raw folder: {len(run.parsed)} to parse "
            f"({len(forced)} asked for again), {len(files) - len(run.parsed)} unchanged"
        )
        names = {f.sha256: f.path for f in run.parsed}
        loader = BatchLoader(connect, log)

        def arrived(sha: str, rows: LandingRows) -> None:
            run.outcomes[sha] = outcome = outcome_of(rows)
            if q := rows.get("quarantine"):
                log.warning(f"quarantined {names[sha]}: {q[0]['reason']}: {q[0]['message']}")
                if q[0].get("traceback"):
                    log.error(q[0]["traceback"])
            else:
                log.info(f"parsed {names[sha]}: {len(rows['cells'])} cells")
            if on_document:
                on_document(sha, names[sha], outcome)
            loader.add(sha, rows)

        parse_many(Path(root), run.parsed, on_done=arrived)
        loader.flush()
        _forget_gone_files(connect, {f.sha256 for f in files}, run)
    return run


def _listed_files(connect: Connect) -> tuple[list[RawFile], set[str]]:
    """The raw folder's files as ``raw_documents`` listed them (one per sha256), and the sha256s
    already up to date."""
    with connect() as con:
        ensure_landing(con)
        listed = con.execute(
            "select sha256, min(path), any_value(size_bytes), any_value(format), max(modified_at) "
            "from landing.raw_files group by sha256 order by 2"
        ).fetchall()
        done = up_to_date(con)
    return [RawFile(sha, path, size, fmt, mtime) for sha, path, size, fmt, mtime in listed], done


def _forget_gone_files(connect: Connect, present: set[str], run: LandingRun) -> None:
    """Files that left the raw folder leave the landing tables too; then measure what is there."""
    with connect() as con:
        con.execute("begin")
        for table in DOCUMENT_TABLES:
            con.execute(
                f"delete from landing.{table} where sha256 not in (select unnest(?::varchar[]))",
                [sorted(present)],
            )
        con.execute("commit")
        for table in DOCUMENT_TABLES:
            rows, documents = con.execute(
                f"select count(*), count(distinct sha256) from landing.{table}"
            ).fetchone()
            run.sizes[table] = {"dagster/row_count": rows, "documents": documents}
        run.quarantine = con.execute(
            "select source_file, reason, message from landing.quarantine order by 1"
        ).fetchall()
