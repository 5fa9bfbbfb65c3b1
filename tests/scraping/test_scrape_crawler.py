"""The crawler against the test portal: what lands, once each, and what every fault becomes."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from bench.portals.district_portal import Site, source_entry
from bench.portals.portal_server import Portal, Response
from orchestration.scraping import (
    USER_AGENT,
    Fetcher,
    FetchRejected,
    Limits,
    ManifestFile,
    Source,
    crawl_source,
    sync_warehouse,
)

EXPECTED_EXT = {".pdf": "pdf", ".xls": "xls", ".html": "html"}


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _ext(path: str) -> str:
    return EXPECTED_EXT[Path(urlsplit(path).path).suffix] if "escape" not in path else "pdf"


def _rows(raw_dir: Path) -> list[dict]:
    lines = (raw_dir / "scraped" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _by_path(rows: list[dict], key: str = "attachment_url") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        if row[key]:
            parts = urlsplit(row[key])
            out.setdefault(parts.path + (f"?{parts.query}" if parts.query else ""), []).append(row)
    return out


def test_first_crawl_stores_each_file_once_and_records_every_fault(
    site: Site, source: Source, raw_dir, warehouse
):
    report = crawl_source(source, raw_dir, warehouse)

    # exactly the good files, each once under its sha, and nothing else (no .part, no escape.pdf)
    expected = {f"{_sha(body)}.{_ext(path)}" for path, body in site.files.items()}
    assert len(expected) == 9
    assert sorted(p.name for p in (raw_dir / "scraped").iterdir()) == sorted(expected | {"manifest.jsonl"})
    assert [p for p in raw_dir.parent.rglob("*escape*")] == []
    for path, body in site.files.items():
        assert (raw_dir / "scraped" / f"{_sha(body)}.{_ext(path)}").read_bytes() == body

    rows = _rows(raw_dir)
    attachments = _by_path([r for r in rows if r["kind"] == "attachment"])
    assert set(attachments) == set(site.files) | set(site.duplicates) | set(site.rejected)
    # the re-posted PDF: a second URL, the same sha, no second file (the two download at once,
    # so either URL may be the one that stored it)
    pair = [
        attachments[p][0] for p in ("/upload/2024/02/at_cyzx_2024.pdf", "/upload/2024/03/P020240301_at.pdf")
    ]
    assert sorted(r["outcome"] for r in pair) == ["duplicate", "stored"]
    assert {r["sha256"] for r in pair} == {_sha(site.files["/upload/2024/02/at_cyzx_2024.pdf"])}
    assert {r["stored_path"] for r in pair} == {f"scraped/{pair[0]['sha256']}.pdf"}
    assert pair[1]["post_title"] == "上海市嘉定区安亭镇城市运行管理中心2024年部门预算（重新发布）"
    for path, body in site.files.items():
        (row,) = attachments[path]
        assert row["outcome"] == "stored" or row in pair
        assert (row["sha256"], row["size"], row["is_current"]) == (_sha(body), len(body), True)
        assert row["stored_path"] == f"scraped/{_sha(body)}.{_ext(path)}"
        assert row["source"] == "test_district" and row["district"] == "闵行区" and row["level"] == "district"
        assert (
            row["fetched_at"].endswith("Z") and row["post_title"] and row["detail_url"] and row["listing_url"]
        )
    # every fault is a row with its reason, nothing stored
    for path, reason in site.rejected.items():
        (row,) = attachments[path]
        assert row["outcome"] == "rejected" and row["reason"].split(":")[0] == reason, (path, row["reason"])
        assert row["sha256"] is None and row["is_current"] is False
    (gone,) = _by_path([r for r in rows if r["kind"] == "detail"], "detail_url")[
        "/zwgk/yjsgk/20240225/gone.html"
    ]
    assert (gone["outcome"], gone["reason"], gone["http_status"]) == ("rejected", "http_404", 404)

    # provenance details: redirect final URL, link text, server file name kept as text only
    (moved,) = attachments["/upload/2024/02/moved.pdf"]
    assert moved["final_url"] == site.portal.url("/upload/2024/02/P0201_moved.pdf")
    (escape,) = attachments["/upload/2024/02/..%2F..%2F..%2Fescape.pdf"]
    assert escape["server_filename"] == "escape.pdf" and escape["link_text"] == "../../escape.pdf"
    (away,) = attachments["/upload/2024/02/away.pdf"]
    assert away["final_url"] == site.portal.url("/upload/2024/02/offhost.pdf", host="localhost")
    (declared,) = attachments["/upload/2024/02/huge_declared.pdf"]
    assert declared["reason"] == f"too_large: Content-Length {3 * 1024 * 1024 + 9} > cap {1024 * 1024}"
    (error,) = attachments["/upload/2024/02/error.pdf"]
    assert error["reason"].startswith("html_error_page: declared .pdf, got HTML (text/html)")
    (mh,) = attachments["/upload/2024/02/mh_cyzx_2024.pdf"]
    assert mh["link_text"] == "2024年部门预算.pdf"
    assert mh["post_title"] == "上海市闵行区城市运行管理中心2024年部门预算"  # from title=, not the cut text
    assert mh["listing_url"] == site.start_url

    # what the server saw
    hits = site.portal.hits
    assert hits["/upload/2024/02/flaky.pdf"] == 2  # 500, then 200 on retry
    assert hits["/upload/2024/02/slow.pdf"] == 2  # timed out twice: a stalling server is not asked again
    assert hits["/upload/2024/02/missing.pdf"] == 1  # a 404 is not retried
    assert hits["/upload/2024/02/loop.pdf"] == 1 and hits["/upload/2024/02/loop_b.pdf"] == 1
    assert hits["/private/2024/internal.pdf"] == 0  # robots.txt
    assert hits["/robots.txt"] == 1
    assert all(r.host.startswith("127.0.0.1") for r in site.portal.requests)  # never the off-host link
    for path in site.not_budget_paths:
        assert hits[path] == 0  # 决算 and notices are not followed
    assert hits["/about.html"] == 0 and hits["/search?q=%E9%A2%84%E7%AE%97"] == 0
    assert all(r.headers["user-agent"] == USER_AGENT for r in site.portal.requests)

    assert report.summary() | {"elapsed_seconds": 0, "requests": 0} == {
        "source": "test_district",
        "listing_pages": 3,
        "posts_seen": 10,
        "posts_matched": 7,
        "posts_fetched": 6,
        "files_found": 19,
        "files_fetched": 9,
        "files_skipped": 1,
        "files_rejected": 9,
        "pages_rejected": 1,
        "requests": 0,
        "bytes_downloaded": sum(len(b) for b in site.files.values())
        + len(site.files["/upload/2024/02/at_cyzx_2024.pdf"]),
        "stopped_by": None,
        "failure": None,
        "elapsed_seconds": 0,
        "posts_skipped": {"excluded: 决算": 2, "excluded: 通知": 1},
        "rejections": {
            "html_error_page": 1,
            "http_404": 2,
            "off_host": 1,
            "redirect_loop": 1,
            "redirect_off_host": 1,
            "robots_disallowed": 1,
            "timeout": 1,
            "too_large": 2,
        },
    }
    assert report.requests == len(site.portal.requests)

    # the warehouse mirrors the JSONL file row for row
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_scrape_manifest").fetchone() == (len(rows),)
        current = con.execute(
            "select count(*), count(distinct sha256) from raw_scrape_manifest where is_current"
        ).fetchone()
        assert current == (10, 9)


def test_recrawl_is_conditional_and_a_corrected_file_becomes_the_current_version(
    site: Site, source, raw_dir, warehouse
):
    crawl_source(source, raw_dir, warehouse)
    files_before = sorted(p.name for p in (raw_dir / "scraped").iterdir())
    first_requests = len(site.portal.requests)

    # second crawl, nothing changed: every stored file is asked for conditionally and answers 304
    report = crawl_source(source, raw_dir, warehouse)

    assert (report.files_fetched, report.files_skipped, report.files_rejected) == (0, 10, 9)
    assert sorted(p.name for p in (raw_dir / "scraped").iterdir()) == files_before
    second = site.portal.requests[first_requests:]
    # the redirect's headers carry over to its target, which answers 304
    fetched_ok = set(site.files) | set(site.duplicates) | {"/upload/2024/02/P0201_moved.pdf"}
    conditional = {r.path: r for r in second if "if-none-match" in r.headers}
    assert set(conditional) == fetched_ok
    assert conditional.pop("/upload/2024/02/moved.pdf").status == 301
    assert all(r.status == 304 and "if-modified-since" in r.headers for r in conditional.values())
    rows = [r for r in _rows(raw_dir) if r["kind"] == "attachment"]
    assert sorted(r["outcome"] for r in rows[-19:]) == ["not_modified"] * 10 + ["rejected"] * 9
    with duckdb.connect(str(warehouse), read_only=True) as con:
        current = con.execute(
            "select outcome, count(*) from raw_scrape_manifest where is_current group by all"
        ).fetchall()
    assert current == [("not_modified", 10)]

    # third crawl: one file was corrected in place (same URL, new bytes)
    path = site.corrected_path
    old_sha, new_sha = _sha(site.files[path]), _sha(site.corrected_body)
    site.portal.file(path, site.corrected_body, "application/pdf")
    third_requests = len(site.portal.requests)

    report = crawl_source(source, raw_dir, warehouse)

    assert (report.files_fetched, report.files_skipped) == (1, 9)
    assert (raw_dir / "scraped" / f"{old_sha}.pdf").read_bytes() == site.files[path]  # both versions kept
    assert (raw_dir / "scraped" / f"{new_sha}.pdf").read_bytes() == site.corrected_body
    (request,) = [r for r in site.portal.requests[third_requests:] if r.path == path]
    assert ("if-none-match" in request.headers, request.status) == (
        True,
        200,
    )  # the old ETag no longer matches
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = con.execute(
            "select sha256, outcome, is_current from raw_scrape_manifest "
            "where attachment_url = ? order by fetched_at",
            [site.portal.url(path)],
        ).fetchall()
    assert versions == [
        (old_sha, "stored", False),
        (old_sha, "not_modified", False),
        (new_sha, "stored", True),
    ]


def test_warehouse_table_rebuilds_from_the_jsonl_manifest(site: Site, source, raw_dir, warehouse):
    crawl_source(source, raw_dir, None)  # a crawl that did not write the warehouse
    manifest = ManifestFile(raw_dir / "scraped" / "manifest.jsonl")
    assert sync_warehouse(warehouse, manifest.read(), ["test_district"]) == 20  # 19 files + 1 detail page
    assert sync_warehouse(warehouse, manifest.read(), ["test_district"]) == 0  # idempotent
    warehouse.unlink()
    assert sync_warehouse(warehouse, manifest.read(), ["test_district"]) == 20
    with duckdb.connect(str(warehouse), read_only=True) as con:
        current = con.execute(
            "select outcome, count(*) from raw_scrape_manifest where is_current group by all order by all"
        ).fetchall()
    assert current == [("duplicate", 1), ("stored", 9)]


def test_generated_listing_pages_stop_at_the_first_404(site: Site, raw_dir):
    # a pager drawn by script has no links: pages come from the template until one is missing
    # (the page of faulty files is left out by title, to keep this test quick)
    entry = source_entry(site, listing_pattern=None, page_template="index_{n}.html")
    entry["title_exclude"] = [*entry["title_exclude"], "事业单位"]
    report = crawl_source(Source.from_dict(entry), raw_dir, None)
    assert report.listing_pages == 3
    assert site.portal.hits["/zwgk/yjsgk/index_3.html"] == 1
    assert report.pages_rejected == 1  # gone.html only; the end of the listing is not an error
    assert (report.files_fetched, report.files_rejected) == (6, 0)


def test_limits_bound_the_crawl(site: Site, raw_dir):
    limits = source_entry(site)["limits"] | {"max_pages": 1, "max_files": 2}
    report = crawl_source(Source.from_dict(source_entry(site, limits=limits)), raw_dir, None)
    assert (report.listing_pages, report.files_found, report.stopped_by) == (1, 4, "max_files")
    assert (report.files_fetched, report.files_rejected, report.rejections) == (2, 2, {"limit": 2})
    assert site.portal.hits["/zwgk/yjsgk/index_1.html"] == 0
    limited = [r for r in _rows(raw_dir) if r["reason"] == "limit: max_files"]
    assert [urlsplit(r["attachment_url"]).path for r in limited] == [
        "/upload/2024/02/lt_cyzx_2024.pdf",
        "/zwgk/yjsgk/20240205/lt_2024_tables.html",
    ]


def test_per_host_delay_spaces_requests(site: Site, raw_dir):
    limits = source_entry(site)["limits"] | {"delay_seconds": 0.05, "concurrency": 2, "max_pages": 1}
    source = Source.from_dict(source_entry(site, limits=limits))
    starts: list[float] = []
    with Fetcher(
        source.limits, source.allowed_hosts, on_request=lambda _url: starts.append(time.monotonic())
    ) as f:
        crawl_source(source, raw_dir, None, fetcher=f)
    assert len(starts) == 8 == len(site.portal.requests)  # robots.txt, 1 listing, 2 detail pages, 4 files
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.05


def test_unreachable_source_fails_entirely(site: Site, raw_dir, warehouse):
    source = Source.from_dict(source_entry(site, start_urls=[site.portal.url("/nowhere/index.html")]))
    report = crawl_source(source, raw_dir, warehouse)
    assert report.failed and report.failure == "no listing page could be read"
    (row,) = _rows(raw_dir)
    assert (row["kind"], row["outcome"], row["reason"]) == ("listing", "rejected", "http_404")


def test_robots_txt_answering_5xx_disallows_everything(site: Site, raw_dir):

    site.portal.routes["/robots.txt"] = lambda _h: Response(503, b"busy")
    report = crawl_source(Source.from_dict(source_entry(site)), raw_dir, None)
    assert report.failed
    assert report.rejections == {"robots_unavailable": 1}
    assert site.portal.hits["/zwgk/yjsgk/index.html"] == 0


def test_fetcher_retries_429_and_gives_up_on_a_persistent_503(tmp_path):
    calls = []

    def busy_once(_h):
        calls.append(1)
        return Response(429, b"slow down") if len(calls) == 1 else Response(200, b"%PDF-1.4 ok")

    with Portal() as portal:
        portal.routes["/robots.txt"] = lambda _h: Response(404, b"")
        portal.routes["/a.pdf"] = busy_once
        portal.routes["/b.pdf"] = lambda _h: Response(503, b"maintenance")
        limits = Limits().replace(retries=2, backoff_seconds=0.01, delay_seconds=0, read_timeout_seconds=2)
        with Fetcher(limits, ("127.0.0.1",)) as fetcher:
            result = fetcher.download(portal.url("/a.pdf"), tmp_path)
            assert (result.status, result.size, len(calls)) == (200, 11, 2)
            with pytest.raises(FetchRejected) as err:
                fetcher.download(portal.url("/b.pdf"), tmp_path)
        assert (err.value.reason.split(" in ")[0], err.value.status) == (
            "http_503: gave up after 3 attempts",
            503,
        )
        assert portal.hits["/b.pdf"] == 3
