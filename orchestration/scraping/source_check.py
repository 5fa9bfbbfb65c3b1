"""``budget scrape --check``: what a source would fetch, found the crawl's way, with no file downloaded.

It reads the listing pages and the budget posts (as a crawl does, politely, through the
same ``Fetcher``), but never an attachment, and writes nothing: no raw file, no manifest
row. The report says which pages were followed and what found each, which posts are
budgets and why the others are not, and which attachments a crawl would fetch and what
rule recognised them: the one command to run before enabling a registry entry.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from .discovery import UNSURE, Attachment, Discovery, ListingPage, Post
from .fetcher import Fetcher, FetchRejected
from .hostpool import map_per_host
from .registry import Source

__all__ = ["CheckReport", "check_source", "format_check"]

SHOWN_SKIPS = 40  # skipped posts listed one by one (the rest are counted)


@dataclass
class CheckReport:
    source: str
    start_urls: tuple[str, ...]
    pages: list[ListingPage] = field(default_factory=list)
    budget_posts: list[Post] = field(default_factory=list)
    skipped_posts: list[tuple[Post, str]] = field(default_factory=list)  # (post, why not a budget)
    attachments: list[Attachment] = field(default_factory=list)
    posts_without_attachment: list[Post] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # pages that could not be read
    stopped_by: str | None = None
    failure: str | None = None
    requests: int = 0
    elapsed_seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def summary(self) -> dict:
        """Counts and the rules that matched, as JSON-ready data."""
        return {
            "source": self.source,
            "listing_pages": [
                {"url": p.url, "found_by": p.found_by, "new_posts": p.new_posts} for p in self.pages
            ],
            "listing_found_by": dict(Counter(_rule(p.found_by) for p in self.pages)),
            "posts_seen": len(self.budget_posts) + len(self.skipped_posts),
            "budget_posts": len(self.budget_posts),
            "posts_found_by": dict(Counter(p.found_by for p in self.budget_posts)),
            "posts_skipped": dict(Counter(reason for _, reason in self.skipped_posts)),
            "attachments": [
                {"url": a.url, "link_text": a.link_text, "found_by": a.found_by, "post": a.post.title}
                for a in self.attachments
            ],
            "attachments_found_by": dict(Counter(a.found_by for a in self.attachments)),
            "posts_without_attachment": [p.url for p in self.posts_without_attachment],
            "problems": self.problems,
            "stopped_by": self.stopped_by,
            "failure": self.failure,
            "requests": self.requests,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
        }


def _rule(found_by: str) -> str:
    """The rule's name without the details in brackets or quotes (``pager link '2'`` -> ``pager link``)."""
    return found_by.split(" (")[0].split(" '")[0]


class _CheckSink:
    def __init__(self, report: CheckReport):
        self.report = report

    def page_rejected(self, kind: str, err: FetchRejected, **where: str | None) -> None:
        url = where.get("detail_url") or where.get("listing_url")
        self.report.problems.append(f"{kind} page {url}: {err.reason}")

    def event(self, name: str) -> None:
        pass


def check_source(source: Source, fetcher: Fetcher | None = None) -> CheckReport:
    """Find the source's listing pages, posts and attachments without downloading a file."""
    started = time.monotonic()
    report = CheckReport(source.name, source.start_urls)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(source.limits, source.allowed_hosts)
    discovery = Discovery(source, fetcher, _CheckSink(report))
    deadline = started + source.limits.max_seconds
    try:
        posts = discovery.walk_listing(lambda: time.monotonic() > deadline)
        report.pages, report.failure, report.stopped_by = (
            discovery.pages,
            discovery.failure,
            discovery.stopped_by,
        )
        to_read = []
        for post in posts:
            verdict = discovery.post_verdict(post)
            if verdict is None or verdict == UNSURE:
                to_read.append(post)
            else:
                report.skipped_posts.append((post, verdict))
        to_read = to_read[: source.limits.max_posts]
        readings = map_per_host(discovery.read_post, to_read, lambda p: p.url, source.limits.concurrency)
        seen: set[str] = set()
        for reading in readings:
            if reading.verdict is not None:
                report.skipped_posts.append((reading.post, reading.verdict))
                continue
            report.budget_posts.append(reading.post)
            if not reading.attachments and (reading.fetched or reading.post.is_file):
                report.posts_without_attachment.append(reading.post)
            for item in reading.attachments:
                if item.url not in seen:
                    seen.add(item.url)
                    report.attachments.append(item)
    finally:
        report.requests = fetcher.requests
        if own_fetcher:
            fetcher.close()
        report.elapsed_seconds = time.monotonic() - started
    return report


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title, *(f"  {line}" for line in lines)]


def format_check(report: CheckReport) -> str:
    """The check as text for a terminal: one section per stage, each item with the rule that found it."""
    summary = report.summary()
    status = f"FAILED ({report.failure})" if report.failed else "ok"
    out = [f"check {report.source}: {status}; {', '.join(report.start_urls)}"]
    pages = [
        f"{i:>3}. {p.url}  [{p.found_by}; {p.new_posts} new posts]" for i, p in enumerate(report.pages, 1)
    ]
    out += _section(
        f"listing pages followed: {len(report.pages)} ({_counts(summary['listing_found_by'])})", pages
    )
    posts = [f"budget  {p.title}  {p.url}  [{p.found_by}]" for p in report.budget_posts]
    posts += [f"skip    {p.title}  ({why})" for p, why in report.skipped_posts[:SHOWN_SKIPS]]
    if len(report.skipped_posts) > SHOWN_SKIPS:
        posts.append(f"... and {len(report.skipped_posts) - SHOWN_SKIPS} more skipped")
    out += _section(
        f"posts seen: {summary['posts_seen']}, budget: {len(report.budget_posts)} "
        f"({_counts(summary['posts_found_by'])}); skipped: {_counts(summary['posts_skipped'])}",
        posts,
    )
    files = [f'{a.url}  "{a.link_text}"  [{a.found_by}]  <- {a.post.title}' for a in report.attachments]
    files += [f"no attachment found on: {p.title}  {p.url}" for p in report.posts_without_attachment]
    out += _section(
        f"attachments a crawl would fetch: {len(report.attachments)} "
        f"({_counts(summary['attachments_found_by'])}); none downloaded",
        files,
    )
    if report.problems:
        out += _section(f"problems: {len(report.problems)}", report.problems)
    stopped = f"; stopped by {report.stopped_by}" if report.stopped_by else ""
    out += ["", f"{report.requests} requests in {report.elapsed_seconds:.1f} s{stopped}"]
    return "\n".join(out)


def _counts(counts: dict) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"
