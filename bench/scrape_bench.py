"""Scraper throughput on the test portal (127.0.0.1 only): files/s and requests/s.

    uv run python bench/scrape_bench.py [--posts 200] [--files-per-post 2] [--concurrency 4]

Crawls a clean bulk listing twice (first fetch, then the conditional re-crawl that is
answered 304), then the fault portal of the tests once. Politeness delay is 0 here: on a
real portal ``delay_seconds`` (default 1 s per host) bounds the rate, not the crawler.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "scraping"))

from scrape_portal import Portal, build_bulk_portal, build_district_portal

from orchestration.scraping import Source, crawl_source


def _source(start_url: str, concurrency: int, **changes) -> Source:
    entry = {
        "name": "bench",
        "start_urls": [start_url],
        "listing_pattern": r"/index(_\d+)?\.html$",
        "detail_pattern": r"/\d{8}/\w+\.html$",
        "attachment_pattern": r"\.(pdf|xlsx?)(\?.*)?$|_tables\.html$",
        "title_exclude": ["决算", "通知"],
        "limits": {
            "delay_seconds": 0.0,
            "concurrency": concurrency,
            "timeout_seconds": 0.3,
            "retries": 2,
            "backoff_seconds": 0.01,
            "max_file_bytes": 1024 * 1024,
            "max_pages": 1000,
            "max_posts": 100000,
            "max_files": 100000,
        },
    }
    entry.update(changes)
    return Source.from_dict(entry)


def _line(label: str, report) -> str:
    files = report.files_fetched + report.files_skipped + report.files_rejected
    seconds = report.elapsed_seconds
    return (
        f"{label:<28} {files:>5} files {report.requests:>5} requests {seconds:>6.2f} s  "
        f"{files / seconds:>7.1f} files/s {report.requests / seconds:>7.1f} requests/s "
        f"(fetched {report.files_fetched}, skipped {report.files_skipped}, rejected {report.files_rejected})"
    )


@click.command()
@click.option("--posts", default=200, show_default=True)
@click.option("--files-per-post", default=2, show_default=True)
@click.option("--concurrency", default=4, show_default=True)
def main(posts: int, files_per_post: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, Portal() as portal:
        raw, warehouse = Path(tmp) / "raw", Path(tmp) / "budget.duckdb"
        source = _source(build_bulk_portal(portal, posts, files_per_post), concurrency)
        click.echo(_line("bulk, first crawl", crawl_source(source, raw, warehouse)))
        click.echo(_line("bulk, re-crawl (304)", crawl_source(source, raw, warehouse)))
    with tempfile.TemporaryDirectory() as tmp, Portal() as portal:
        site = build_district_portal(portal)
        source = _source(site.start_url, concurrency)
        report = crawl_source(source, Path(tmp) / "raw", Path(tmp) / "budget.duckdb")
        click.echo(_line("fault portal, first crawl", report))
        click.echo(f"  rejections: {dict(sorted(report.rejections.items()))}")


if __name__ == "__main__":
    main()
