"""Crawl one source: listing pages -> budget posts -> attachments -> store + manifest.

``crawl_source`` is the one entry point the CLI and the Dagster asset call. It never
raises for a bad page or file: each is a manifest row with a reason, and the report
says whether the source failed as a whole (no listing page could be read).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from . import content
from .fetcher import Fetcher, FetchRejected, FetchResult, normalize_url
from .manifest import MANIFEST_NAME, ManifestFile, ManifestRow, latest_by_url, sync_warehouse
from .registry import Source
from .store import ContentStore

__all__ = ["CrawlReport", "Link", "crawl_source", "extract_links", "is_budget_title"]

Progress = Callable[[str, "CrawlReport"], None]
CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
FALLBACK_CHARSET = "gb18030"  # older district portals still serve GBK pages without saying so
SKIPPED_OUTCOMES = ("duplicate", "unchanged", "not_modified")


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True)
class Post:
    url: str
    title: str
    listing_url: str


@dataclass(frozen=True)
class Attachment:
    url: str
    link_text: str
    post: Post


@dataclass
class CrawlReport:
    """What one crawl of one source did; ``summary()`` is what the CLI and Dagster show."""

    source: str
    crawl_id: str
    listing_pages: int = 0
    posts_seen: int = 0  # detail links found on listing pages
    posts_matched: int = 0  # ... whose title says budget
    posts_fetched: int = 0
    files_found: int = 0  # attachment links on budget posts
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
        return out


def is_budget_title(title: str, source: Source) -> bool:
    """A post is a budget when its title has an include word and no exclude word."""
    return any(w in title for w in source.title_include) and not any(w in title for w in source.title_exclude)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Page text from the header charset, a <meta> charset, UTF-8, or GB18030, in that order."""
    candidates = []
    for source in ((content_type or "").encode("ascii", "ignore"), body[:4096]):
        match = CHARSET_RE.search(source)
        if match:
            candidates.append(match.group(1).decode("ascii").lower())
    candidates += ["utf-8", FALLBACK_CHARSET]
    for charset in candidates:
        try:
            return body.decode("gb18030" if charset in ("gb2312", "gbk") else charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def extract_links(html: str, page_url: str) -> list[Link]:
    """Absolute http(s) links of a page, in page order, with their text (or title attribute)."""
    tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None and base_node.attributes.get("href"):
        base = urljoin(page_url, base_node.attributes["href"])
    links = []
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = normalize_url(urljoin(base, href))
        if not url.startswith(("http://", "https://")):
            continue
        # Listings truncate long titles in the text and keep the whole one in title="...".
        text = (node.attributes.get("title") or "").strip() or node.text(separator=" ", strip=True)
        links.append(Link(url, " ".join(text.split())))
    return links


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class _Crawl:
    """The state of one crawl; split from ``crawl_source`` to keep each step short."""

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
        self.detail_re = re.compile(source.detail_pattern)
        self.attachment_re = re.compile(source.attachment_pattern)
        self.listing_re = re.compile(source.listing_pattern) if source.listing_pattern else None

    # -- bookkeeping ----------------------------------------------------------------------

    def out_of_time(self) -> bool:
        if time.monotonic() - self.started > self.limits.max_seconds:
            self.report.stopped_by = self.report.stopped_by or "max_seconds"
            return True
        return False

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

    def reject_page(self, kind: str, err: FetchRejected, **where) -> None:
        with self.lock:
            self.report.pages_rejected += 1
        row = self.row(
            kind, "rejected", reason=err.reason, http_status=err.status, final_url=err.final_url, **where
        )
        self.record(row, "page_rejected")

    # -- listing pages --------------------------------------------------------------------

    def listing_pages(self, fetcher: Fetcher) -> list[Post]:
        """Walk the listing pages breadth-first; return the detail links found, first seen first."""
        queue: list[tuple[str, int | None]] = [(normalize_url(u), 0) for u in self.source.start_urls]
        seen = {url for url, _ in queue}
        posts: dict[str, Post] = {}
        read_any = False
        while queue:
            if self.report.listing_pages >= self.limits.max_pages:
                self.report.stopped_by = "max_pages"
                break
            if self.out_of_time():
                break
            url, page_no = queue.pop(0)
            try:
                page = fetcher.get_page(url)
            except FetchRejected as err:
                # A generated page past the last one answers 404: the end of the listing, not an error.
                if not (page_no and err.status == 404):
                    self.reject_page("listing", err, listing_url=url)
                continue
            read_any = True
            self.report.listing_pages += 1
            if self.progress is not None:
                self.progress("listing", self.report)
            for link in extract_links(decode_html(page.body, page.content_type), page.final_url):
                if self.detail_re.search(link.url):
                    if link.url not in posts:
                        posts[link.url] = Post(link.url, link.text, url)
                elif (
                    self.listing_re is not None and self.listing_re.search(link.url) and link.url not in seen
                ):
                    seen.add(link.url)
                    queue.append((link.url, None))
            if self.source.page_template and page_no is not None:
                # the next generated page not already queued (the start URL may be "?page=1" itself)
                n = page_no + 1
                following = normalize_url(urljoin(url, self.source.page_template.format(n=n)))
                while following in seen and n <= self.limits.max_pages:
                    n += 1
                    following = normalize_url(urljoin(url, self.source.page_template.format(n=n)))
                if following not in seen:
                    seen.add(following)
                    queue.append((following, n))
        if not read_any:
            self.report.failure = "no listing page could be read"
        self.report.posts_seen = len(posts)
        return list(posts.values())

    # -- detail pages ---------------------------------------------------------------------

    def detail_page(self, fetcher: Fetcher, post: Post) -> list[Attachment]:
        if self.out_of_time():
            self.skip_post(post, "limit: max_seconds")
            return []
        try:
            page = fetcher.get_page(post.url)
        except FetchRejected as err:
            self.reject_page(
                "detail", err, listing_url=post.listing_url, detail_url=post.url, post_title=post.title
            )
            return []
        with self.lock:
            self.report.posts_fetched += 1
        found = []
        for link in extract_links(decode_html(page.body, page.content_type), page.final_url):
            if self.attachment_re.search(link.url) and link.url != post.url:
                found.append(Attachment(link.url, link.text, post))
        return found

    # -- attachments ----------------------------------------------------------------------

    @staticmethod
    def where(item: Attachment) -> dict:
        return {
            "listing_url": item.post.listing_url,
            "detail_url": item.post.url,
            "post_title": item.post.title,
            "link_text": item.link_text,
            "attachment_url": item.url,
        }

    def attachment_limited(self, item: Attachment, reason: str) -> None:
        self.reject_file(reason, **self.where(item))

    def attachment(self, fetcher: Fetcher, item: Attachment) -> None:
        where = self.where(item)
        if self.out_of_time():
            self.reject_file("limit: max_seconds", **where)
            return
        prior = self.previous.get(item.url)
        if prior is not None and not (prior.sha256 and self.store.find(prior.sha256)):
            prior = None  # the stored copy is gone: fetch it whole again
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
            return
        if result.temp_path is None:  # a 304 we did not ask for
            self.reject_file("unexpected_304", http_status=result.status, final_url=result.final_url, **where)
            return
        self.store_download(result, prior, where)

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
        stored = self.store.commit(result.temp_path, result.sha256, ext)
        if stored.new:
            outcome = "stored"
        elif prior is not None and prior.sha256 == stored.sha256:
            outcome = "unchanged"
        else:
            outcome = "duplicate"
        row = self.row(
            "attachment",
            outcome,
            sha256=stored.sha256,
            stored_path=self.store.relative(stored.path),
            is_current=True,
            **common,
        )
        with self.lock:
            self.report.bytes_downloaded += result.size
            if stored.new:
                self.report.files_fetched += 1
            else:
                self.report.files_skipped += 1
        self.record(row, "file")

    def skip_post(self, post: Post, reason: str) -> None:
        """A budget post left unfetched by a limit: recorded, so the gap shows in the manifest."""
        with self.lock:
            self.report.pages_rejected += 1
        row = self.row(
            "detail",
            "rejected",
            reason=reason,
            listing_url=post.listing_url,
            detail_url=post.url,
            post_title=post.title,
        )
        self.record(row, "page_rejected")

    def reject_file(self, reason: str, **values) -> None:
        with self.lock:
            self.report.files_rejected += 1
        self.record(self.row("attachment", "rejected", reason=reason, **values), "file")


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
    report = crawl.report
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(source.limits, source.allowed_hosts)
    workers = source.limits.concurrency * max(1, len(source.allowed_hosts))
    try:
        posts = crawl.listing_pages(fetcher)
        budget_posts = [p for p in posts if is_budget_title(p.title, source)]
        report.posts_matched = len(budget_posts)
        if len(budget_posts) > source.limits.max_posts:
            for post in budget_posts[source.limits.max_posts :]:
                crawl.skip_post(post, "limit: max_posts")
            budget_posts = budget_posts[: source.limits.max_posts]
            report.stopped_by = "max_posts"
        if progress is not None:
            progress("posts", report)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"scrape-{source.name}") as pool:
            found = [
                a for batch in pool.map(lambda p: crawl.detail_page(fetcher, p), budget_posts) for a in batch
            ]
            unique: dict[str, Attachment] = {}
            for item in found:
                unique.setdefault(item.url, item)  # a file linked from two posts: the first post wins
            attachments = list(unique.values())
            report.files_found = len(attachments)
            if len(attachments) > source.limits.max_files:
                for item in attachments[source.limits.max_files :]:
                    crawl.attachment_limited(item, "limit: max_files")
                attachments = attachments[: source.limits.max_files]
                report.stopped_by = "max_files"
            list(pool.map(lambda a: crawl.attachment(fetcher, a), attachments))
    finally:
        report.requests = fetcher.requests
        if own_fetcher:
            fetcher.close()
        report.elapsed_seconds = time.monotonic() - crawl.started
    if warehouse_path is not None:
        report.warehouse_rows = sync_warehouse(warehouse_path, crawl.manifest.read(), [source.name])
    return report
