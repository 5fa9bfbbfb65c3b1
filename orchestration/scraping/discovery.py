"""Find what a source publishes without downloading it: listing pages -> posts -> attachments.

``Discovery`` is shared by the crawl (which then downloads) and by ``budget scrape --check``
(which only reports). It walks the listing pages breadth first, following the pagination
found on each page (``pagination.py``) and the JSON API behind a page drawn by script
(``json_listing.py``); every post keeps the rule that found it, so a check can say what
matched. Failures go to a ``Sink``: the crawl writes them to the manifest, a check lists them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from posixpath import dirname
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from . import json_listing, pagination
from .attachments import attachment_clue, budget_table_count, files_named_in_scripts, is_file_url
from .fetcher import LISTING_TYPES, Fetcher, FetchRejected, FetchResult, normalize_url
from .pages import Page, decode_html
from .registry import Source
from .titles import title_verdict, worth_resolving

__all__ = ["Attachment", "Discovery", "ListingPage", "Post", "PostReading", "Sink"]

MIN_UNMATCHED_TITLE = 6  # without --allow, a shorter link text is navigation (首页, 关于我们), not a post
UNSURE = "unsure: title cut short"


@dataclass(frozen=True)
class Post:
    url: str
    title: str
    listing_url: str
    found_by: str
    is_file: bool = False  # the listing links the file itself
    link_text: str = ""  # of a file linked from a listing (its own name), else empty


@dataclass(frozen=True)
class Attachment:
    url: str
    link_text: str
    post: Post
    found_by: str
    page: FetchResult | None = field(default=None, compare=False)  # a post kept whole: its page


@dataclass
class ListingPage:
    url: str
    found_by: str
    kind: str = "html"  # html | json
    new_posts: int = 0


@dataclass
class PostReading:
    post: Post
    attachments: list[Attachment] = field(default_factory=list)
    fetched: bool = False
    title: str | None = None  # the full title read on the page, when the listing cut it short
    verdict: str | None = None  # why a post resolved on its page is not a budget after all


class Sink(Protocol):
    def page_rejected(self, kind: str, err: FetchRejected, **where: str | None) -> None: ...

    def event(self, name: str) -> None: ...


def _better_title(old: str, new: str) -> bool:
    return len(new) > len(old) and not pagination.is_pager_text(new)


class Discovery:
    """The listing walk and post reading of one source, through one ``Fetcher``."""

    def __init__(self, source: Source, fetcher: Fetcher, sink: Sink):
        self.source = source
        self.limits = source.limits
        self.fetcher = fetcher
        self.sink = sink
        self.detail_re = re.compile(source.detail_pattern) if source.detail_pattern else None
        self.attachment_re = re.compile(source.attachment_pattern) if source.attachment_pattern else None
        self.listing_re = re.compile(source.listing_pattern) if source.listing_pattern else None
        self.start_urls = {normalize_url(u) for u in source.start_urls}
        self.folders = {
            (urlsplit(u).hostname or "", dirname(urlsplit(u).path) + "/") for u in source.start_urls
        }
        self.pages: list[ListingPage] = []
        self.posts: dict[str, Post] = {}
        self.stopped_by: str | None = None
        self.failure: str | None = None
        self._template_numbers: dict[str, int] = {}
        self._read_fingerprints: set[int] = set()

    # -- scope ----------------------------------------------------------------------------

    def on_allowed_host(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() in self.source.allowed_hosts

    def in_listing_scope(self, url: str) -> bool:
        """A listing page stays on the allowed hosts, inside --allow / --listing or a start URL's folder."""
        if not self.on_allowed_host(url):
            return False
        if any(rule is not None and rule.search(url) for rule in (self.listing_re, self.detail_re)):
            return True
        parts = urlsplit(url)
        return any(parts.hostname == host and parts.path.startswith(folder) for host, folder in self.folders)

    def verdict(self, title: str) -> str | None:
        source = self.source
        return title_verdict(title, source.title_include, source.title_exclude, source.require_year)

    def post_verdict(self, post: Post) -> str | None:
        """None for a budget post, ``UNSURE`` for a cut title its page will settle, else why not."""
        verdict = self.verdict(post.title)
        return UNSURE if worth_resolving(post.title, verdict) else verdict

    # -- listing pages --------------------------------------------------------------------

    def _start_links(self) -> list[pagination.ListingLink]:
        links = []
        for url in self.source.start_urls:
            url = normalize_url(url)
            links.append(pagination.ListingLink(url, "start URL"))
            if self.source.page_template:
                self._template_numbers[url] = 0
        return links

    def walk_listing(self, out_of_time: Callable[[], bool]) -> list[Post]:
        """Read the listing pages breadth first; returns the posts found, first seen first."""
        queue = deque(self._start_links())
        seen = {link.url for link in queue}
        while queue:
            if len(self.pages) >= self.limits.max_pages:
                self.stopped_by = "max_pages"
                break
            if out_of_time():
                break
            link = queue.popleft()
            try:
                result = self.fetcher.get_page(link.url, accept=LISTING_TYPES)
            except FetchRejected as err:
                # a generated page past the last one answers 404: the end of the listing, not an error
                if not ((link.tentative or link.url in self._template_numbers) and err.status == 404):
                    self.sink.page_rejected("listing", err, listing_url=link.url)
                continue
            pages_before = len(self.pages)
            for found in self._read_listing(link, result):
                if found.url not in seen:
                    seen.add(found.url)
                    queue.append(found)
            if len(self.pages) > pages_before:
                self.sink.event("listing")
        if not self.pages:
            self.failure = "no listing page could be read"
        return list(self.posts.values())

    def _read_listing(
        self, link: pagination.ListingLink, result: FetchResult
    ) -> list[pagination.ListingLink]:
        text = decode_html(result.body or b"", result.content_type)
        data = json_listing.parse_json(text) if not text.lstrip().startswith("<") else None
        fingerprint = hash(text)
        if (link.kind == "json" and data is None) or fingerprint in self._read_fingerprints:
            return []  # a guessed API that is not one, or a page read under another URL (?pageNum=1)
        self._read_fingerprints.add(fingerprint)
        listing = ListingPage(link.url, link.found_by, "json" if data is not None else "html")
        before = len(self.posts)
        self.pages.append(listing)
        if data is not None:
            found = self._read_json_listing(link, result, data)
        else:
            found = self._read_html_listing(link, Page(result.final_url, text))
        listing.new_posts = len(self.posts) - before
        return found

    def _read_html_listing(self, link: pagination.ListingLink, page: Page) -> list[pagination.ListingLink]:
        found = pagination.listing_links(page, self.in_listing_scope)
        if self.listing_re is not None:
            found += [
                pagination.ListingLink(item.url, "listing_pattern")
                for item in page.links
                if self.listing_re.search(item.url) and self.on_allowed_host(item.url)
            ]
        found += [
            pagination.ListingLink(url, "JSON API in the page's script", tentative=True, kind="json")
            for url in json_listing.api_endpoints(page)
            if self.on_allowed_host(url)
        ]
        found += self._template_next(link.url)
        listing_urls = {item.url for item in found} | {page.url, link.url}
        for item in page.links:
            if item.url not in listing_urls and item.tag in ("a", "onclick"):
                self._add_post(item.url, item.text, page.url)
        return found

    def _template_next(self, url: str) -> list[pagination.ListingLink]:
        """The next page generated from ``page_template`` (registry), after one read from it."""
        if url not in self._template_numbers:
            return []
        number = self._template_numbers[url] + 1
        following = normalize_url(urljoin(url, self.source.page_template.format(n=number)))
        while following == url or following in self._template_numbers:  # the start may be "?page=1"
            number += 1
            if number > self.limits.max_pages:
                return []
            following = normalize_url(urljoin(url, self.source.page_template.format(n=number)))
        self._template_numbers[following] = number
        return [pagination.ListingLink(following, "page_template", tentative=True)]

    def _read_json_listing(self, link, result: FetchResult, data) -> list[pagination.ListingLink]:
        entries = json_listing.json_entries(data, result.final_url)
        new = 0
        for entry in entries:
            if entry.url not in self.posts:
                new += 1
            self._add_post(entry.url, entry.title, link.url, link_text=entry.link_text, from_json=True)
        following = json_listing.next_json_page(link.url, data, new)
        if following is None:
            return []
        return [pagination.ListingLink(following, "JSON next page", tentative=True, kind="json")]

    def _may_be_post(self, url: str, title: str, from_json: bool) -> bool:
        if self.detail_re is not None:
            return bool(self.detail_re.search(url))
        return from_json or len(title) >= MIN_UNMATCHED_TITLE

    def _add_post(
        self, url: str, title: str, listing_url: str, *, link_text: str = "", from_json: bool = False
    ) -> None:
        if not self.on_allowed_host(url) or url in self.start_urls or urlsplit(url).path.endswith("/"):
            return  # a folder is a column (the site, this listing, another column), never a post
        if is_file_url(url):
            post = Post(url, title, listing_url, "file linked from the listing", True, link_text or title)
        elif not self._may_be_post(url, title, from_json):
            return
        else:
            by = "JSON entry" if from_json else ("--allow / detail_pattern" if self.detail_re else "link")
            post = Post(url, title, listing_url, by)
        existing = self.posts.get(url)
        if existing is None:
            self.posts[url] = post
        elif _better_title(existing.title, title):  # a "more" link first, the titled link after
            self.posts[url] = Post(
                url, title, existing.listing_url, existing.found_by, post.is_file, post.link_text
            )

    # -- posts ----------------------------------------------------------------------------

    def read_post(self, post: Post) -> PostReading:
        """The attachments of one budget (or unsure) post; a file linked from a listing is its own."""
        if post.is_file:
            return PostReading(post, [Attachment(post.url, post.link_text, post, post.found_by)])
        try:
            result = self.fetcher.get_page(post.url)
        except FetchRejected as err:
            where = {"listing_url": post.listing_url, "detail_url": post.url, "post_title": post.title}
            self.sink.page_rejected("detail", err, **where)
            return PostReading(post)
        page = Page(result.final_url, decode_html(result.body or b"", result.content_type))
        reading = PostReading(post, fetched=True)
        if self.post_verdict(post) == UNSURE:
            reading.title = page.title
            reading.verdict = self.verdict(page.title)
            if reading.verdict is not None:
                return reading
            post = Post(post.url, page.title, post.listing_url, post.found_by)
            reading.post = post
        for link in page.links:
            if link.url in (post.url, page.url):
                continue
            clue = attachment_clue(link, self.attachment_re)
            if clue is not None:
                reading.attachments.append(Attachment(clue[0], link.text, post, clue[1]))
        if not reading.attachments:  # a file list drawn by script: the files are named in it
            reading.attachments += [
                Attachment(url, "", post, "file named in a script") for url in files_named_in_scripts(page)
            ]
        tables = 0 if reading.attachments else budget_table_count(page)  # with files, tables are a preview
        if tables:
            text = f"budget tables in the page ({tables})"
            reading.attachments.append(Attachment(post.url, text, post, "budget tables in the page", result))
        return reading
