"""Crawl one source: listing pages -> budget posts -> attachments -> store + manifest.

``crawl_source`` is the one entry point the CLI and the Dagster asset call. Finding the
pages, posts and attachments is ``Discovery``'s (shared with ``budget scrape --check``);
this module downloads, stores by content and writes one manifest row per fetch. It never
raises for a bad page or file: each is a manifest row with a reason, and the report says
whether the source failed as a whole (no listing page could be read).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import content
from .attachments import html_document
from .content_store import ContentStore, StoredFile
from .discovery import UNSURE, Attachment, Discovery, Post, PostReading
from .fetcher import Fetcher, FetchRejected, FetchResult
from .hostpool import map_per_host
from .manifest import MANIFEST_NAME, ManifestFile, ManifestRow, latest_by_url, sync_warehouse
from .registry import Source
from .titles import title_verdict

__all__ = ["CrawlReport", "crawl_source", "is_budget_title"]

Progress = Callable[[str, "CrawlReport"], None]


@dataclass
class CrawlReport:
    """What one crawl of one source did; ``summary()`` is what the CLI and Dagster show."""

    source: str
    crawl_id: str
    listing_pages: int = 0
    posts_seen: int = 0  # post links found on listing pages
    posts_matched: int = 0  # ... whose title says budget
    posts_fetched: int = 0
    files_found: int = 0  # attachment links on budget posts (and pages kept whole)
    files_fetched: int = 0  # new content put in the store
    files_skipped: int = 0  # 304, same sha as before, or same sha under another URL
    files_rejected: int = 0
    pages_rejected: int = 0
    requests: int = 0
    bytes_downloaded: int = 0
    elapsed_seconds: float = 0.0
    stopped_by: str | None = None  # the limit that ended the crawl early, if any
    failure: str | None = None  # set when the source failed entirely
    rejections: Counter = field(default_factory=Counter)
    posts_skipped: Counter = field(default_factory=Counter)  # why posts were not budgets
    rows: list[ManifestRow] = field(default_factory=list, repr=False)
    warehouse_rows: int = 0

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def summary(self) -> dict:
        keys = [
            "source",
            "listing_pages",
            "posts_seen",
            "posts_matched",
            "posts_fetched",
            "files_found",
            "files_fetched",
            "files_skipped",
            "files_rejected",
            "pages_rejected",
            "requests",
            "bytes_downloaded",
            "stopped_by",
            "failure",
        ]
        out = {k: getattr(self, k) for k in keys}
        out["elapsed_seconds"] = round(self.elapsed_seconds, 3)
        out["rejections"] = dict(sorted(self.rejections.items()))
        out["posts_skipped"] = dict(sorted(self.posts_skipped.items()))
        return out

    def metadata(self) -> dict:
        """The summary as asset metadata (plain values; dicts become JSON)."""
        out = self.summary()
        out["stopped_by"] = out["stopped_by"] or ""
        out["failure"] = out["failure"] or ""
        out["crawl_id"] = self.crawl_id
        return out


def is_budget_title(title: str, source: Source) -> bool:
    """A post is a budget when its title has an include word, a year, and no exclude word."""
    return title_verdict(title, source.title_include, source.title_exclude, source.require_year) is None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _where(item: Attachment) -> dict:
    return {
        "listing_url": item.post.listing_url,
        "detail_url": None if item.post.is_file else item.post.url,
        "post_title": item.post.title,
        "link_text": item.link_text,
        "attachment_url": item.url,
    }


class _Crawl:
    """The state of one crawl, and the ``Sink`` its discovery reports to."""

    def __init__(self, source: Source, raw_dir: Path, progress: Progress | None):
        self.source = source
        self.limits = source.limits
        self.store = ContentStore(raw_dir)
        self.store.ensure()
        self.manifest = ManifestFile(self.store.root / MANIFEST_NAME)
        self.previous = latest_by_url(self.manifest.read(), source.name)
        self.report = CrawlReport(source=source.name, crawl_id=uuid.uuid4().hex)
        self.progress = progress
        self.lock = threading.Lock()
        self.started = time.monotonic()

    # -- bookkeeping ----------------------------------------------------------------------

    def out_of_time(self) -> bool:
        if time.monotonic() - self.started > self.limits.max_seconds:
            self.report.stopped_by = self.report.stopped_by or "max_seconds"
            return True
        return False

    def event(self, name: str) -> None:
        if name == "listing":
            self.report.listing_pages += 1
        if self.progress is not None:
            self.progress(name, self.report)

    def record(self, row: ManifestRow, event: str) -> None:
        with self.lock:
            self.report.rows.append(row)
            if row.outcome == "rejected":
                self.report.rejections[row.reason.split(":")[0]] += 1
            self.manifest.append([row])
            if self.progress is not None:
                self.progress(event, self.report)

    def row(self, kind: str, outcome: str, **values) -> ManifestRow:
        return ManifestRow(
            event_id=uuid.uuid4().hex,
            crawl_id=self.report.crawl_id,
            source=self.source.name,
            district=self.source.district,
            level=self.source.level,
            kind=kind,
            fetched_at=_now(),
            outcome=outcome,
            **values,
        )

    def page_rejected(self, kind: str, err: FetchRejected, **where) -> None:
        with self.lock:
            self.report.pages_rejected += 1
        row = self.row(
            kind, "rejected", reason=err.reason, http_status=err.status, final_url=err.final_url, **where
        )
        self.record(row, "page_rejected")

    def skip_post(self, post: Post, reason: str) -> None:
        """A budget post left unfetched by a limit: recorded, so the gap shows in the manifest."""
        with self.lock:
            self.report.pages_rejected += 1
        where = {"listing_url": post.listing_url, "detail_url": post.url, "post_title": post.title}
        self.record(self.row("detail", "rejected", reason=reason, **where), "page_rejected")

    def reject_file(self, reason: str, **values) -> None:
        with self.lock:
            self.report.files_rejected += 1
        self.record(self.row("attachment", "rejected", reason=reason, **values), "file")

    # -- posts ----------------------------------------------------------------------------

    def select_posts(self, discovery: Discovery, posts: list[Post]) -> list[Post]:
        """The budget posts (and the cut titles their page will settle), within ``max_posts``."""
        report = self.report
        report.listing_pages, report.posts_seen = len(discovery.pages), len(posts)
        report.failure, report.stopped_by = discovery.failure, discovery.stopped_by
        chosen = []
        for post in posts:
            verdict = discovery.post_verdict(post)
            report.posts_matched += verdict is None
            if verdict is None or verdict == UNSURE:
                chosen.append(post)
            else:
                report.posts_skipped[verdict] += 1
        if len(chosen) > self.limits.max_posts:
            for post in chosen[self.limits.max_posts :]:
                self.skip_post(post, "limit: max_posts")
            chosen = chosen[: self.limits.max_posts]
            report.stopped_by = "max_posts"
        return chosen

    def read_post(self, discovery: Discovery, post: Post) -> PostReading:
        if self.out_of_time():
            self.skip_post(post, "limit: max_seconds")
            return PostReading(post)
        reading = discovery.read_post(post)
        with self.lock:
            self.report.posts_fetched += reading.fetched
            if reading.verdict is not None:
                self.report.posts_skipped[reading.verdict] += 1
            elif reading.title is not None:  # a cut title its page showed to be a budget's
                self.report.posts_matched += 1
        return reading

    def select_attachments(self, readings: list[PostReading]) -> list[Attachment]:
        """Each attachment URL once (the first post wins), within ``max_files``."""
        unique: dict[str, Attachment] = {}
        for reading in readings:
            for item in reading.attachments:
                unique.setdefault(item.url, item)
        attachments = list(unique.values())
        self.report.files_found = len(attachments)
        if len(attachments) > self.limits.max_files:
            for item in attachments[self.limits.max_files :]:
                self.reject_file("limit: max_files", **_where(item))
            attachments = attachments[: self.limits.max_files]
            self.report.stopped_by = "max_files"
        if self.progress is not None:
            self.progress("posts", self.report)
        return attachments

    # -- attachments ----------------------------------------------------------------------

    def attachment(self, fetcher: Fetcher, item: Attachment) -> None:
        where = _where(item)
        if self.out_of_time():
            self.reject_file("limit: max_seconds", **where)
            return
        prior = self.previous.get(item.url)
        if prior is not None and not (prior.sha256 and self.store.find(prior.sha256)):
            prior = None  # the stored copy is gone: fetch it whole again
        if item.page is not None:  # a post kept whole: its page is already here
            self.store_page(item.page, prior, where)
            return
        try:
            result = fetcher.download(
                item.url,
                self.store.root,
                etag=prior.etag if prior else None,
                last_modified=prior.last_modified if prior else None,
            )
        except FetchRejected as err:
            self.reject_file(err.reason, http_status=err.status, final_url=err.final_url, **where)
            return
        if result.status == 304 and prior is not None:
            self.not_modified(result, prior, where)
        elif result.temp_path is None:  # a 304 we did not ask for
            self.reject_file("unexpected_304", http_status=result.status, final_url=result.final_url, **where)
        else:
            self.store_download(result, prior, where)

    def not_modified(self, result: FetchResult, prior: ManifestRow, where: dict) -> None:
        row = self.row(
            "attachment",
            "not_modified",
            final_url=result.final_url,
            http_status=304,
            sha256=prior.sha256,
            size=prior.size,
            content_type=prior.content_type,
            etag=result.etag or prior.etag,
            last_modified=result.last_modified or prior.last_modified,
            stored_path=prior.stored_path,
            server_filename=prior.server_filename,
            is_current=True,
            **where,
        )
        with self.lock:
            self.report.files_skipped += 1
        self.record(row, "file")

    def store_download(self, result: FetchResult, prior: ManifestRow | None, where: dict) -> None:
        filename = content.disposition_filename(result.content_disposition)
        declared = content.declared_extension(result.final_url, filename)
        ext, reason = content.judge(result.head, declared, result.content_type)
        common = dict(
            final_url=result.final_url,
            http_status=result.status,
            size=result.size,
            content_type=result.content_type,
            etag=result.etag,
            last_modified=result.last_modified,
            server_filename=filename,
            **where,
        )
        if reason is not None:
            self.store.discard(result.temp_path)
            self.reject_file(reason, **common)
            return
        if ext == "html":  # keep the charset the header named inside the page
            document = html_document(result.temp_path.read_bytes(), result.content_type)
            self.store.discard(result.temp_path)
            stored, common["size"] = self.store.put(document, "html"), len(document)
        else:
            stored = self.store.commit(result.temp_path, result.sha256, ext)
        self.stored(stored, prior, common["size"], common)

    def store_page(self, page: FetchResult, prior: ManifestRow | None, where: dict) -> None:
        """A post whose page holds the budget tables: the page is the document, kept as HTML."""
        document = html_document(page.body or b"", page.content_type)
        stored = self.store.put(document, "html")
        common = dict(
            final_url=page.final_url,
            http_status=page.status,
            size=len(document),
            content_type=page.content_type,
            **where,
        )
        self.stored(stored, prior, len(document), common)

    def stored(self, stored: StoredFile, prior: ManifestRow | None, size: int, common: dict) -> None:
        if stored.new:
            outcome = "stored"
        elif prior is not None and prior.sha256 == stored.sha256:
            outcome = "unchanged"
        else:
            outcome = "duplicate"
        path = self.store.relative(stored.path)
        row = self.row(
            "attachment", outcome, sha256=stored.sha256, stored_path=path, is_current=True, **common
        )
        with self.lock:
            self.report.bytes_downloaded += size
            if stored.new:
                self.report.files_fetched += 1
            else:
                self.report.files_skipped += 1
        self.record(row, "file")


def crawl_source(
    source: Source,
    raw_dir: str | Path,
    warehouse_path: str | Path | None = None,
    *,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
) -> CrawlReport:
    """Crawl one source into ``<raw_dir>/scraped`` and its manifest; mirror to DuckDB if given.

    ``progress(event, report)`` is called after each listing page and each file
    (events: ``listing``, ``posts``, ``file``, ``page_rejected``).
    """
    crawl = _Crawl(source, Path(raw_dir), progress)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(source.limits, source.allowed_hosts)
    concurrency = source.limits.concurrency
    discovery = Discovery(source, fetcher, crawl)
    try:
        posts = crawl.select_posts(discovery, discovery.walk_listing(crawl.out_of_time))
        readings = map_per_host(lambda p: crawl.read_post(discovery, p), posts, lambda p: p.url, concurrency)
        attachments = crawl.select_attachments(readings)
        map_per_host(lambda a: crawl.attachment(fetcher, a), attachments, lambda a: a.url, concurrency)
    finally:
        crawl.report.requests = fetcher.requests
        if own_fetcher:
            fetcher.close()
        crawl.report.elapsed_seconds = time.monotonic() - crawl.started
    if warehouse_path is not None:
        crawl.report.warehouse_rows = sync_warehouse(warehouse_path, crawl.manifest.read(), [source.name])
    return crawl.report
