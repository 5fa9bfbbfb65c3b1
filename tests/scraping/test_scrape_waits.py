"""Bounded waiting, against a real server on 127.0.0.1: stalls, tricklers and a slow host among fast ones."""

from __future__ import annotations

import re
import time

import pytest

from bench.portals.portal_server import Portal, Response, tiny_pdf
from orchestration.scraping import Fetcher, FetchRejected, Limits, Source, crawl_source

FAST = Limits().replace(
    delay_seconds=0, backoff_seconds=0.05, backoff_max_seconds=0.1, read_timeout_seconds=0.5
)


def _no_robots(portal: Portal) -> None:
    portal.routes["/robots.txt"] = lambda _h: Response(404, b"")


def _timed_download(portal: Portal, path: str, limits: Limits, dest) -> tuple[FetchRejected, float]:
    """The rejection a download of ``path`` ends in, and how long it took."""
    with Fetcher(limits, ("127.0.0.1",)) as fetcher, pytest.raises(FetchRejected) as err:
        started = time.monotonic()
        try:
            fetcher.download(portal.url(path), dest)
        finally:
            elapsed = time.monotonic() - started
    return err.value, elapsed


def test_a_server_that_stalls_before_its_first_byte_costs_one_deadline_retries_included(tmp_path):
    limits = FAST.replace(read_timeout_seconds=1.2, deadline_seconds=2.0, retries=10)
    with Portal() as portal:
        _no_robots(portal)
        portal.routes["/stall.pdf"] = lambda _h: Response(200, tiny_pdf("late"), delay=30)
        rejected, elapsed = _timed_download(portal, "/stall.pdf", limits, tmp_path)
    # a 1.2 s read timeout, a 0.05 s wait, then a second attempt given only what is left of the 2 s;
    # a server that stalled twice is not asked a third time, whatever retries says
    # (the time said is measured: 2.0 s, a tenth more on a loaded machine)
    assert re.fullmatch(r"timeout: gave up after 2 attempts in 2\.[0-3] s \(ReadTimeout\)", rejected.reason)
    assert portal.hits["/stall.pdf"] == 2
    assert 1.95 <= elapsed < 2.3
    assert list(tmp_path.iterdir()) == []  # no .part file left behind


def test_a_server_answering_5xx_is_retried_until_the_deadline(tmp_path):
    limits = FAST.replace(retries=50, backoff_seconds=0.1, backoff_max_seconds=0.2, deadline_seconds=1.5)
    with Portal() as portal:
        _no_robots(portal)
        portal.routes["/busy.pdf"] = lambda _h: Response(503, b"busy", delay=0.1)
        rejected, elapsed = _timed_download(portal, "/busy.pdf", limits, tmp_path)
    attempts = portal.hits["/busy.pdf"]
    assert rejected.reason.startswith(f"http_503: gave up after {attempts} attempts in ")
    assert 3 <= attempts <= 6 and elapsed < 1.5  # far fewer than 51: the deadline decides


def test_a_server_that_trickles_is_cut_at_the_deadline(tmp_path):
    # a byte every so often never trips the read timeout: the deadline over the whole body does
    body = b"%PDF-1.4\n" + b"0" * 40 * 1024
    limits = FAST.replace(deadline_seconds=1.5, read_timeout_seconds=1.0)
    with Portal() as portal:
        _no_robots(portal)
        portal.routes["/slow.pdf"] = lambda _h: Response(
            200, body, {"Content-Type": "application/pdf"}, trickle=0.2
        )
        rejected, elapsed = _timed_download(portal, "/slow.pdf", limits, tmp_path)
    assert rejected.reason == "timeout: deadline 1.5 s passed (stream aborted)"
    assert portal.hits["/slow.pdf"] == 1  # a deadline spent is not retried
    assert 1.5 <= elapsed < 2.0
    assert list(tmp_path.iterdir()) == []


def test_a_slow_host_does_not_hold_the_others(raw_dir):
    # the listing links two files on a host that stalls (localhost) before four on one that answers
    # (127.0.0.1, the same server): each host has its own worker, so the fast files do not queue
    with Portal() as portal:
        portal.routes["/robots.txt"] = lambda _h: Response(200, b"User-agent: *\nDisallow:\n")
        slow = [portal.url(f"/slow/{n}.pdf", host="localhost") for n in (1, 2)]
        fast = [portal.url(f"/fast/{n}.pdf") for n in (1, 2, 3, 4)]
        for n in (1, 2):
            portal.routes[f"/slow/{n}.pdf"] = lambda _h, n=n: Response(200, tiny_pdf(f"slow {n}"), delay=10)
        for n in (1, 2, 3, 4):
            portal.file(f"/fast/{n}.pdf", tiny_pdf(f"fast {n}"), "application/pdf")
        links = "".join(f'<a href="{url}">2024年部门预算附件{i}.pdf</a>' for i, url in enumerate(slow + fast))
        portal.page(
            "/ys/index.html", '<html><body><a href="/ys/post.html">某局2024年部门预算</a></body></html>'
        )
        portal.page("/ys/post.html", f"<html><body>{links}</body></html>")
        limits = FAST.replace(concurrency=1, read_timeout_seconds=1.0, deadline_seconds=1.0, retries=0)
        source = Source(
            name="two_hosts",
            start_urls=(portal.url("/ys/index.html"),),
            allowed_hosts=("127.0.0.1", "localhost"),
            limits=limits,
        )
        report = crawl_source(source, raw_dir)
        first_slow = min(r.at for r in portal.requests if r.path.startswith("/slow/"))
        fast_done = max(r.at for r in portal.requests if r.path.startswith("/fast/"))
    assert (report.files_fetched, report.rejections) == (4, {"timeout": 2})
    # every fast file was asked for before the first stalled one had even timed out
    assert fast_done - first_slow < limits.read_timeout_seconds
    # the stalled host's files ran one after the other, each given up after its own deadline
    assert 2.0 <= report.elapsed_seconds < 3.0
