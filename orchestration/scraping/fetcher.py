"""Polite HTTP: robots.txt, per-host delay and concurrency, retries, redirects, bounded waits.

Every request goes through ``Fetcher``: it checks each hop of a redirect chain against
the allowed hosts and robots.txt, retries 5xx answers and timeouts with exponential
backoff (tenacity), and streams bodies with a byte cap. Waiting is bounded three ways:
a connect timeout, a read timeout (no byte for that long) and a deadline for the whole
URL, every attempt and the waits between them included, so a server that stalls costs
at most ``deadline_seconds``. A fetch that cannot succeed raises ``FetchRejected`` with a
short reason; the crawler records it and goes on.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from protego import Protego
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from . import content
from .registry import Limits

__all__ = [
    "HTML_TYPES",
    "LISTING_TYPES",
    "SCRIPT_TYPES",
    "USER_AGENT",
    "FetchRejected",
    "FetchResult",
    "Fetcher",
    "normalize_url",
]

# How a portal admin can reach whoever runs the crawler (a URL or e-mail), from the environment:
# the project has no published home yet, so no address is invented here.
CONTACT = os.environ.get("BUDGET_SCRAPER_CONTACT", "").strip()
USER_AGENT = (  # ASCII only: it is an HTTP header
    "shanghai-budget-warehouse/0.1 ("
    + (f"+{CONTACT}; " if CONTACT else "")
    + "open-data archive of Shanghai budget disclosures; obeys robots.txt)"
)
ROBOTS_AGENT = "shanghai-budget-warehouse"  # the token robots.txt groups are matched against
MAX_PAGE_BYTES = 5 * 1024 * 1024  # an HTML listing or detail page larger than this is not a page
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB
MAX_ROBOTS_DELAY = 30.0  # a Crawl-delay above this is capped rather than stalling the crawl
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
TIMEOUT_ATTEMPTS = 2  # attempts at most after timeouts (5xx answers get every retry the deadline allows)
MIN_ATTEMPT_SECONDS = 0.5  # an attempt with less time than this left before the deadline is not started
# media types accepted for pages ("" is a page served without a Content-Type)
HTML_TYPES = ("", "text/html", "application/xhtml+xml", "text/plain")
LISTING_TYPES = (*HTML_TYPES, "application/json", "text/json", "text/javascript", "application/javascript")
SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "application/x-javascript", "text/plain")


class FetchRejected(Exception):
    """A fetch given up on: ``reason`` is a short tag, details follow a colon."""

    def __init__(self, reason: str, *, status: int | None = None, final_url: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.final_url = final_url


class _Retryable(Exception):
    """A 5xx or 429 answer: worth another attempt."""

    def __init__(self, status: int):
        super().__init__(f"http_{status}")
        self.status = status


class _Deadline:
    """The time one URL may take in all; the clock starts with its first request, not in the queue."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started: float | None = None

    def start(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def remaining(self) -> float:
        if self.started is None:
            return self.seconds
        return self.seconds - (time.monotonic() - self.started)

    def elapsed(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_disposition: str | None = None
    location: str | None = None  # of a redirect
    body: bytes | None = None  # pages
    temp_path: Path | None = None  # downloads
    head: bytes = b""  # first bytes of a download, for sniffing
    sha256: str | None = None
    size: int = 0


def normalize_url(url: str) -> str:
    """Drop the fragment and lower-case scheme and host, so one page has one URL."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


class HostThrottle:
    """At most ``concurrency`` requests at once per host, their starts ``delay`` apart or more."""

    def __init__(self, delay: float, concurrency: int):
        self.delay = delay
        self.concurrency = concurrency
        self._lock = threading.Lock()
        self._last_start: dict[str, float] = {}
        self._slots: dict[str, threading.Semaphore] = {}
        self._spacing: dict[str, threading.Lock] = {}
        self._delays: dict[str, float] = {}

    def set_delay(self, host: str, delay: float) -> None:
        with self._lock:
            self._delays[host] = max(self.delay, delay)

    @contextmanager
    def slot(self, host: str, on_start: Callable[[], None] | None = None) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self.concurrency))
            spacing = self._spacing.setdefault(host, threading.Lock())
        with semaphore:
            # Waiting inside the host's lock keeps the spacing exact whatever the thread scheduling.
            with spacing:
                delay = self._delays.get(host, self.delay)
                wait = self._last_start.get(host, float("-inf")) + delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self._last_start[host] = time.monotonic()
                if on_start is not None:
                    on_start()
            yield


class Fetcher:
    """One HTTP client for one crawl; safe to share between threads."""

    def __init__(
        self,
        limits: Limits,
        allowed_hosts: tuple[str, ...],
        user_agent: str = USER_AGENT,
        on_request: Callable[[str], None] | None = None,
    ):
        self.limits = limits
        self.on_request = on_request  # called with each URL as its request starts (tests, benchmarks)
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.user_agent = user_agent
        self.client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            timeout=self._timeout(limits.deadline_seconds),
            follow_redirects=False,  # followed by hand: each hop is checked and loops detected
            trust_env=False,  # never route through a proxy from the environment
        )
        self.throttle = HostThrottle(limits.delay_seconds, limits.concurrency)
        self._robots: dict[str, Protego | None] = {}
        self._robots_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- checks ---------------------------------------------------------------------------

    def check_allowed(self, url: str) -> None:
        """Raise ``FetchRejected`` for a URL off the allowed hosts or disallowed by robots.txt."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchRejected(f"bad_scheme: {parts.scheme or 'none'}")
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            raise FetchRejected(f"off_host: {host}")
        robots = self._robots_for(parts.scheme, parts.netloc.lower())
        if robots is None:
            raise FetchRejected("robots_unavailable: robots.txt answered 5xx or not at all")
        if not robots.can_fetch(url, ROBOTS_AGENT):
            raise FetchRejected("robots_disallowed")

    def _robots_for(self, scheme: str, netloc: str) -> Protego | None:
        key = f"{scheme}://{netloc}"
        with self._robots_lock:  # one robots.txt fetch per host, even with many threads
            if key not in self._robots:
                self._robots[key] = self._fetch_robots(key, netloc)
            return self._robots[key]

    def _fetch_robots(self, origin: str, netloc: str) -> Protego | None:
        # RFC 9309: 4xx means no rules; 5xx or no answer means disallow everything.
        try:
            result = self._get(origin + "/robots.txt", {}, MAX_ROBOTS_BYTES, check=False)
        except FetchRejected as err:
            if err.status is not None and 400 <= err.status < 500:
                return Protego.parse("")
            return None
        robots = Protego.parse((result.body or b"").decode("utf-8", errors="replace"))
        delay = robots.crawl_delay(ROBOTS_AGENT)
        if delay:
            self.throttle.set_delay(netloc.split(":")[0], min(float(delay), MAX_ROBOTS_DELAY))
        return robots

    # -- requests -------------------------------------------------------------------------

    def _timeout(self, remaining: float) -> httpx.Timeout:
        """Connect and read timeouts, neither past what is left of the deadline."""
        remaining = max(remaining, 0.01)  # httpx reads 0 as "no timeout"
        read = min(self.limits.read_timeout_seconds, remaining)
        connect = min(self.limits.connect_timeout_seconds, remaining)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=read)

    def get_page(self, url: str, accept: tuple[str, ...] = HTML_TYPES) -> FetchResult:
        """Fetch a page (HTML by default; a listing may also be JSON) into memory."""
        result = self._get(url, {}, MAX_PAGE_BYTES)
        mime = (result.content_type or "").split(";")[0].strip().lower()
        if mime not in accept:
            kind = "not_html" if accept == HTML_TYPES else "unexpected_type"
            raise FetchRejected(f"{kind}: {mime}", status=result.status, final_url=result.final_url)
        return result

    def download(
        self, url: str, dest_dir: Path, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Stream a file into a temp file in ``dest_dir``; a 304 comes back with no temp file."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, self.limits.max_file_bytes, dest_dir=dest_dir)

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        *,
        dest_dir: Path | None = None,
        check: bool = True,
    ) -> FetchResult:
        seen: list[str] = []
        current = normalize_url(url)
        deadline = _Deadline(self.limits.deadline_seconds)
        while True:
            if current in seen:
                raise FetchRejected(f"redirect_loop: {' -> '.join(seen + [current])}", final_url=current)
            if len(seen) > self.limits.max_redirects:
                raise FetchRejected(f"too_many_redirects: {len(seen) - 1}", final_url=current)
            seen.append(current)
            if deadline.remaining() <= 0:  # the redirect hops so far took the whole deadline
                raise FetchRejected(
                    f"timeout: deadline {self.limits.deadline_seconds:g} s passed", final_url=current
                )
            if check:
                try:
                    self.check_allowed(current)
                except FetchRejected as err:
                    if len(seen) > 1:  # say it was a redirect that led off the allowed ground
                        err.reason = f"redirect_{err.reason}"
                    err.final_url = current
                    raise
            result = self._attempts(current, headers, max_bytes, dest_dir, deadline)
            result.url = normalize_url(url)
            if result.status in REDIRECT_STATUSES:
                location = result.location
                if not location:
                    raise FetchRejected("redirect_without_location", status=result.status, final_url=current)
                current = normalize_url(urljoin(current, location))
                continue
            return result

    def _attempts(
        self, url: str, headers: dict[str, str], max_bytes: int, dest_dir: Path | None, deadline: _Deadline
    ) -> FetchResult:
        def out_of_time(state) -> bool:  # the next attempt would start too close to the deadline
            return deadline.remaining() - state.upcoming_sleep < MIN_ATTEMPT_SECONDS

        def stalled_twice(state) -> bool:  # a server that stalled twice stalls again: spare it a third wait
            return state.attempt_number >= TIMEOUT_ATTEMPTS and isinstance(
                state.outcome.exception(), httpx.TimeoutException
            )

        retrying = Retrying(
            retry=retry_if_exception_type((_Retryable, httpx.TimeoutException, httpx.TransportError)),
            stop=stop_after_attempt(self.limits.retries + 1) | out_of_time | stalled_twice,
            wait=wait_exponential(
                multiplier=self.limits.backoff_seconds, max=self.limits.backoff_max_seconds
            ),
            reraise=False,
        )
        try:
            return retrying(self._once, url, headers, max_bytes, dest_dir, deadline)
        except RetryError as err:
            cause = err.last_attempt.exception()
            attempts = err.last_attempt.attempt_number
            spent = f"{attempts} attempt{'s' if attempts > 1 else ''} in {deadline.elapsed():.1f} s"
            if isinstance(cause, _Retryable):
                raise FetchRejected(
                    f"http_{cause.status}: gave up after {spent}", status=cause.status, final_url=url
                ) from cause
            kind = "timeout" if isinstance(cause, httpx.TimeoutException) else "network_error"
            raise FetchRejected(
                f"{kind}: gave up after {spent} ({type(cause).__name__})", final_url=url
            ) from cause

    def _started(self, url: str) -> None:
        with self._count_lock:
            self.requests += 1
        if self.on_request is not None:
            self.on_request(url)

    def _once(
        self, url: str, headers: dict[str, str], max_bytes: int, dest_dir: Path | None, deadline: _Deadline
    ) -> FetchResult:
        host = (urlsplit(url).hostname or "").lower()

        def started() -> None:
            deadline.start()
            self._started(url)

        with self.throttle.slot(host, on_start=started):
            timeout = self._timeout(deadline.remaining())
            with self.client.stream("GET", url, headers=headers, timeout=timeout) as response:
                return self._answer(response, url, max_bytes, dest_dir, deadline)

    def _answer(
        self, response: httpx.Response, url: str, max_bytes: int, dest_dir: Path | None, deadline: _Deadline
    ) -> FetchResult:
        status = response.status_code
        result = FetchResult(
            url=url,
            final_url=url,
            status=status,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_disposition=response.headers.get("content-disposition"),
        )
        if status >= 500 or status == 429:  # 429: the portal asks us to slow down
            raise _Retryable(status)
        if status in REDIRECT_STATUSES:
            result.location = response.headers.get("location")
            return result
        if status == 304:
            return result
        if status != 200:
            raise FetchRejected(f"http_{status}", status=status, final_url=url)
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchRejected(
                f"too_large: Content-Length {declared} > cap {max_bytes}",
                status=status,
                final_url=url,
            )
        if dest_dir is None:
            result.body = self._read_capped(response, max_bytes, url, deadline)
            result.size = len(result.body)
        else:
            self._stream_to_file(response, max_bytes, url, dest_dir, result, deadline)
        return result

    def _check_deadline(self, deadline: _Deadline, url: str) -> None:
        if deadline.remaining() <= 0:
            raise FetchRejected(
                f"timeout: deadline {self.limits.deadline_seconds:g} s passed (stream aborted)", final_url=url
            )

    def _read_capped(self, response: httpx.Response, max_bytes: int, url: str, deadline: _Deadline) -> bytes:
        # iter_bytes() without a size yields what each read brought, so the deadline is checked as bytes come
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchRejected(f"too_large: over cap {max_bytes}", status=200, final_url=url)
            self._check_deadline(deadline, url)
            chunks.append(chunk)
        return b"".join(chunks)

    def _stream_to_file(
        self,
        response: httpx.Response,
        max_bytes: int,
        url: str,
        dest_dir: Path,
        result: FetchResult,
        deadline: _Deadline,
    ) -> None:
        digest = hashlib.sha256()
        head = bytearray()
        size = 0
        dest_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=dest_dir, suffix=".part")
        temp_path = Path(name)
        try:
            with open(fd, "wb") as handle:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchRejected(
                            f"too_large: over cap {max_bytes} (stream aborted)", status=200, final_url=url
                        )
                    self._check_deadline(deadline, url)
                    if len(head) < content.SNIFF_BYTES:
                        head.extend(chunk[: content.SNIFF_BYTES - len(head)])
                    digest.update(chunk)
                    handle.write(chunk)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        result.temp_path = temp_path
        result.head = bytes(head)
        result.sha256 = digest.hexdigest()
        result.size = size
