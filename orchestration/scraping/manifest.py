"""The manifest: one row per fetch event, as a JSONL file and as a warehouse table.

``<raw>/scraped/manifest.jsonl`` is append-only and is the crawler's memory (ETags,
the last sha of each URL). ``raw_scrape_manifest`` in DuckDB mirrors it; ``is_current``
there marks, per source and attachment URL, the latest successful fetch, so a file
corrected in place keeps its old row (``is_current = false``) beside the new one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import duckdb
import pyarrow as pa
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from orchestration.raw_folder import SCRAPE_MANIFEST_NAME
from orchestration.warehouse import warehouse_lock

__all__ = [
    "MANIFEST_NAME",
    "OK_OUTCOMES",
    "TABLE",
    "ManifestFile",
    "ManifestRow",
    "latest_by_url",
    "sync_warehouse",
]

MANIFEST_NAME = SCRAPE_MANIFEST_NAME  # the raw folder's walk leaves it out
TABLE = "raw_scrape_manifest"
# outcomes after which a URL has a known sha in the store
OK_OUTCOMES = ("stored", "duplicate", "unchanged", "not_modified")
LOCK_WAIT_SECONDS = 30.0  # another process (a parallel partition) may hold the DuckDB file

COLUMNS_SQL = """
    event_id varchar primary key,
    crawl_id varchar not null,
    source varchar not null,
    district varchar,
    level varchar,
    kind varchar not null,            -- listing | detail | attachment
    listing_url varchar,
    detail_url varchar,
    post_title varchar,
    link_text varchar,
    attachment_url varchar,
    final_url varchar,
    http_status integer,
    fetched_at varchar not null,      -- UTC, ISO 8601
    outcome varchar not null,         -- stored | duplicate | unchanged | not_modified | rejected
    reason varchar,
    sha256 varchar,
    size bigint,
    content_type varchar,
    etag varchar,
    last_modified varchar,
    stored_path varchar,              -- relative to BUDGET_RAW_DIR
    server_filename varchar,          -- as the server named it; text only, never a path
    is_current boolean not null
"""


@dataclass
class ManifestRow:
    event_id: str
    crawl_id: str
    source: str
    kind: str
    fetched_at: str
    outcome: str
    district: str | None = None
    level: str | None = None
    listing_url: str | None = None
    detail_url: str | None = None
    post_title: str | None = None
    link_text: str | None = None
    attachment_url: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    reason: str | None = None
    sha256: str | None = None
    size: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    stored_path: str | None = None
    server_filename: str | None = None
    is_current: bool = False

    @property
    def ok(self) -> bool:
        return self.kind == "attachment" and self.outcome in OK_OUTCOMES

    @classmethod
    def from_dict(cls, data: dict) -> ManifestRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


COLUMN_NAMES = tuple(f.name for f in fields(ManifestRow))
ARROW_SCHEMA = pa.schema(
    [
        (
            name,
            pa.int64()
            if name in ("http_status", "size")
            else pa.bool_()
            if name == "is_current"
            else pa.string(),
        )
        for name in COLUMN_NAMES
    ]
)


class ManifestFile:
    """The append-only JSONL event log beside the store."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, rows: Iterable[ManifestRow]) -> None:
        text = "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows)
        if not text:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(text)  # one write per batch: O_APPEND keeps concurrent writers' lines whole
            handle.flush()

    def read(self) -> Iterator[ManifestRow]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    yield ManifestRow.from_dict(json.loads(line))
                except (json.JSONDecodeError, TypeError):
                    continue  # a line cut short by a crash; the next crawl refetches that URL


def latest_by_url(rows: Iterable[ManifestRow], source: str) -> dict[str, ManifestRow]:
    """The latest successful fetch of each attachment URL of one source."""
    latest: dict[str, ManifestRow] = {}
    for row in rows:
        if row.source == source and row.ok and row.attachment_url:
            previous = latest.get(row.attachment_url)
            if previous is None or row.fetched_at >= previous.fetched_at:
                latest[row.attachment_url] = row
    return latest


@retry(
    retry=retry_if_exception_type(duckdb.IOException),
    wait=wait_exponential(multiplier=0.1, max=2.0),
    stop=stop_after_delay(LOCK_WAIT_SECONDS),
    reraise=True,
)
def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path))


def sync_warehouse(warehouse_path: str | Path, rows: Iterable[ManifestRow], sources: Iterable[str]) -> int:
    """Insert the rows the table lacks and recompute ``is_current``; returns rows inserted.

    Pass every JSONL row of the sources: rows already present (by ``event_id``) are
    skipped, so a warehouse rebuilt from scratch gets the whole history back.
    """
    sources = sorted(set(sources))
    rows = [r for r in rows if r.source in sources]
    # The project's writers' lock: the parse and dbt steps write the same DuckDB file.
    with warehouse_lock(warehouse_path):
        return _sync(Path(warehouse_path), rows, sources)


def _sync(path: Path, rows: list[ManifestRow], sources: list[str]) -> int:
    con = _connect(path)
    try:
        con.execute(f"create table if not exists {TABLE} ({COLUMNS_SQL})")
        con.execute("begin transaction")
        present = {
            event_id
            for (event_id,) in con.execute(
                f"select event_id from {TABLE} where list_contains(?, source)", [sources]
            ).fetchall()
        }
        new = [r for r in rows if r.event_id not in present]
        if new:
            # Bound as an Arrow table, not spliced into SQL: page text never becomes SQL,
            # and one insert of a table is far faster than executemany (5000 rows: 1 s, not 25 s).
            batch = pa.Table.from_pylist([asdict(r) for r in new], schema=ARROW_SCHEMA)
            con.register("new_manifest_rows", batch)
            con.execute(f"insert into {TABLE} by name select * from new_manifest_rows")
            con.unregister("new_manifest_rows")
        ok = ", ".join(f"'{o}'" for o in OK_OUTCOMES)  # module constants, not page text
        con.execute(
            f"""
            update {TABLE} set is_current = (event_id in (
                select event_id from (
                    select event_id, row_number() over (
                        partition by source, attachment_url order by fetched_at desc, event_id desc
                    ) as rank
                    from {TABLE}
                    where kind = 'attachment' and outcome in ({ok}) and list_contains(?, source)
                ) where rank = 1
            ))
            where list_contains(?, source)
            """,
            [sources, sources],
        )
        con.execute("commit")
        return len(new)
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # nothing was begun
        raise
    finally:
        con.close()
