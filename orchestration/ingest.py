"""From the raw folder to the landing tables: scan, parse in parallel, load once.

Plain module (no Dagster import). The scan lists the raw folder into ``landing.raw_files``
(``raw_folder_to_manifest``, which the ``raw_documents`` asset calls). Workers parse documents in
separate processes and return plain rows; only the calling process writes DuckDB, which allows
one writer.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.landing_rows import document_to_rows, quarantine_row
from orchestration.parsing.source import FORMAT_OF_SUFFIX
from orchestration.raw_folder import raw_entries
from orchestration.warehouse import (
    DOCUMENT_TABLES,
    PARSER_VERSION,
    Connect,
    ensure_landing,
    replace_rows,
    warehouse_lock,
)

__all__ = [
    "RETRIED_REASONS",
    "RawFile",
    "RawFolderMissing",
    "RawListing",
    "load_parses",
    "parse_many",
    "parse_rows",
    "quarantine_row",
    "raw_folder_to_manifest",
    "scan_raw",
    "up_to_date",
]

HASH_CHUNK = 1 << 20
TIMEOUT_REPEAT_SECONDS = 0.5
PARSE_TIMEOUT_SECONDS = 300  # one document; the largest real PDF parses in under a minute on a busy machine
WORKER_START_METHOD = "forkserver"
# Quarantine reasons that say more about our code than about the file (a parser bug, rows the
# warehouse refused): such documents are parsed again on every run until they pass. A timeout or a
# dead worker is the file's doing (hostile input): it stays quarantined until retried by hand.
RETRIED_REASONS = ("parser_error", "load_error")


@dataclass(frozen=True)
class RawFile:
    sha256: str
    path: str  # relative to the raw folder, POSIX separators
    size_bytes: int
    format: str  # pdf | text | xlsx | xls | docx | doc | html | other
    modified_at: datetime


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _format_of(path: Path) -> str:
    """The format the file's suffix names (the parser still decides by the bytes)."""
    return FORMAT_OF_SUFFIX.get(path.suffix.lower(), "other")


def scan_raw(root: Path) -> list[RawFile]:
    """Every file under ``root`` (recursively, hidden files and bookkeeping skipped)."""
    return [
        RawFile(
            sha256=_sha256(entry.path),
            path=entry.relative,
            size_bytes=entry.size_bytes,
            format=_format_of(entry.path),
            modified_at=datetime.fromtimestamp(entry.modified_seconds, tz=UTC).replace(tzinfo=None),
        )
        for entry in raw_entries(root)
    ]


class RawFolderMissing(FileNotFoundError):
    """The raw folder does not exist (listing it would empty the manifest)."""


@dataclass(frozen=True)
class RawListing:
    """The raw folder as ``landing.raw_files`` lists it after a scan, and what changed since the last."""

    files: list[RawFile]  # every file of the folder, by path
    new: int  # (sha256, path) pairs not listed before
    gone: int  # (sha256, path) pairs listed before, no longer in the folder
    changed: int  # paths listed before with other bytes: new and gone in the manifest, one file to a person
    by_format: dict[str, int]  # files per format, in the order the formats first appear

    @property
    def distinct_sha256(self) -> int:
        return len({f.sha256 for f in self.files})


def raw_folder_to_manifest(
    root: Path, warehouse_file: Path, connect: Connect, log: Callable[[str], None] | None = None
) -> RawListing:
    """Scan ``root`` into ``landing.raw_files`` under the warehouse lock (``log`` says when it waits).

    Scanning the same folder twice changes nothing: a (sha256, path) already listed keeps its
    first ``seen_at`` (its size, format and mtime are refreshed); files that left the folder leave
    the manifest."""
    if not root.is_dir():
        raise RawFolderMissing(f"raw folder {root} does not exist (set BUDGET_RAW_DIR)")
    files = scan_raw(root)
    seen_at = datetime.now(UTC).replace(tzinfo=None)
    with warehouse_lock(warehouse_file, log=log), connect() as con:
        ensure_landing(con)
        known = {
            (sha, path) for sha, path in con.execute("select sha256, path from landing.raw_files").fetchall()
        }
        current = {(f.sha256, f.path) for f in files}
        con.execute("begin")
        if known - current:
            con.executemany(
                "delete from landing.raw_files where sha256 = ? and path = ?",
                [list(k) for k in sorted(known - current)],
            )
        # a file seen before keeps its first seen_at; its size, format and mtime are refreshed
        if files:
            con.executemany(
                "insert into landing.raw_files values (?, ?, ?, ?, ?, ?) on conflict (sha256, path) do update set "
                "size_bytes = excluded.size_bytes, format = excluded.format, modified_at = excluded.modified_at",
                [(f.sha256, f.path, f.size_bytes, f.format, f.modified_at, seen_at) for f in files],
            )
        con.execute("commit")
    by_format: dict[str, int] = {}
    for f in files:
        by_format[f.format] = by_format.get(f.format, 0) + 1
    return RawListing(
        files=files,
        new=len(current - known),
        gone=len(known - current),
        changed=len({path for _, path in current - known} & {path for _, path in known - current}),
        by_format=by_format,
    )


def _without_file(message: str, path: str) -> str:
    """The parser's message without its leading file name (the quarantine row has its own column)."""
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def parse_rows(path: str, rel_path: str, sha256: str) -> dict[str, list[dict[str, Any]]]:
    """Parse one file into landing rows (runs in a worker process).

    Never raises for a bad document: a ``ParseError`` quarantines it with the parser's reason;
    any other exception (a parser bug) or a parse longer than ``PARSE_TIMEOUT_SECONDS``
    quarantines it as ``parser_error`` (retried by the next run) or ``timeout``.
    """
    from orchestration.parsing import ParseError, parse_document

    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        with _time_limit(PARSE_TIMEOUT_SECONDS):
            doc = parse_document(path)
    except ParseError as err:
        return {"quarantine": [quarantine_row(sha256, rel_path, err.reason, _without_file(str(err), path))]}
    except ParseTimeout:
        message = f"parsing took longer than {PARSE_TIMEOUT_SECONDS} s"
        return {"quarantine": [quarantine_row(sha256, rel_path, "timeout", message)]}
    except Exception as err:  # noqa: BLE001 — a parser bug must not stop the other documents
        frame = traceback.extract_tb(err.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        message = f"parser error {type(err).__name__} at {where}: {err}".replace(str(path), rel_path)
        row = quarantine_row(sha256, rel_path, "parser_error", message)
        row["traceback"] = traceback.format_exc()
        return {"quarantine": [row]}
    return document_to_rows(doc, rel_path, sha256, parsed_at=now)


class ParseTimeout(BaseException):
    """A document that took longer than PARSE_TIMEOUT_SECONDS.

    A BaseException, so that the readers' ``except Exception`` (pdfminer, pdfplumber, the
    parser) cannot turn it into an ordinary error on the way out.
    """


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM; only in a main thread, else no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _expired(signum, frame):
        raise ParseTimeout()

    previous = signal.signal(signal.SIGALRM, _expired)
    # Fire again every TIMEOUT_REPEAT_SECONDS until cleared: an exception raised while Python runs
    # a weakref callback or a finaliser is swallowed, so a single alarm can be lost.
    signal.setitimer(signal.ITIMER_REAL, seconds, TIMEOUT_REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parse_job(args: tuple[str, str, str]) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    path, rel, sha = args
    return sha, parse_rows(path, rel, sha)


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver, not fork: a forked worker would inherit the warehouse lock's file descriptor
    # and keep the lock alive if the run is killed; workers are started from a clean server.
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(WORKER_START_METHOD)
    )


def parse_many(
    root: Path,
    files: Iterable[RawFile],
    workers: int | None = None,
    on_done: Callable[[str, dict[str, list[dict[str, Any]]]], None] | None = None,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Parse files (one per sha256) on ``workers`` processes; returns rows per sha256.

    With ``on_done``, each document's rows go to it as soon as they arrive and are not kept:
    the caller (the parse asset) writes them away in batches, so memory does not grow with the
    number of documents, and the returned dict is empty. Each document is parsed on its own: a bad one is quarantined (see ``parse_rows``). A worker
    that dies (out of memory, a crash in native code) breaks the pool; the documents it left
    unfinished are then parsed again one per fresh process, so only the culprit is quarantined
    (``worker_died``).
    """
    jobs = [(str(root / f.path), f.path, f.sha256) for f in files]
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def done(sha: str, rows: dict[str, list[dict[str, Any]]]) -> None:
        if on_done:
            on_done(sha, rows)
        else:
            results[sha] = rows

    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            done(*_parse_job(job))
        return results
    orphans: list[tuple[str, str, str]] = []
    with _pool(workers) as pool:
        futures = {pool.submit(_parse_job, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                done(*future.result())
            except BrokenProcessPool:
                orphans.append(futures[future])
    for job in sorted(orphans):
        try:
            with _pool(1) as alone:
                done(*alone.submit(_parse_job, job).result())
        except BrokenProcessPool:
            _path, rel, sha = job
            done(
                sha,
                {"quarantine": [quarantine_row(sha, rel, "worker_died", "the parsing process died")]},
            )
    return results


def up_to_date(con: Any) -> set[str]:
    """sha256s whose landing rows are the current parser's word on them: parsed, or quarantined for
    a reason that lies with the file. The rest (new files, an older ``PARSER_VERSION``, a
    quarantine in ``RETRIED_REASONS``) is what a run parses."""
    ensure_landing(con)
    rows = con.execute(
        "select sha256 from landing.documents where parser_version = ? "
        "union select sha256 from landing.quarantine where parser_version = ? "
        "and not list_contains(?, reason)",
        [PARSER_VERSION, PARSER_VERSION, list(RETRIED_REASONS)],
    ).fetchall()
    return {sha for (sha,) in rows}


def load_parses(con: Any, results: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Replace the landing rows of every parsed document, in one transaction."""
    ensure_landing(con)
    shas = list(results)
    con.execute("begin")
    try:
        for table in DOCUMENT_TABLES:
            rows = [row for parsed in results.values() for row in parsed.get(table, [])]
            replace_rows(con, table, shas, rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
