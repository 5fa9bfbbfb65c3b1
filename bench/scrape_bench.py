"""Scraper measurements on the test portals (127.0.0.1 only).

    uv run python -m bench.scrape_bench [--posts 200] [--files-per-post 2] [--concurrency 4]
    uv run python -m bench.scrape_bench --portals-only [--stall 90] [--delay 0.5]

1. Throughput: a clean bulk listing crawled twice (first fetch, then the conditional
   re-crawl answered 304), then the fault portal of the tests once; politeness delay 0.
2. The three CMS-family portals (TRS WCM, Hanweb JCMS, JSON API), each crawled ad hoc as
   a user would (``--start-url`` and ``--allow``) with the shipped default limits, one
   attachment stalling ``--stall`` seconds (90, as the issue saw) before its first byte:
   listing pages followed, posts seen, attachments landed, skipped and why, wall time.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

from bench.portals.district_portal import build_bulk_portal, build_district_portal
from bench.portals.hanweb_portal import build_hanweb_portal
from bench.portals.json_portal import build_json_portal
from bench.portals.portal_server import Portal
from bench.portals.trs_portal import build_trs_portal
from orchestration.scraping import Limits, Source, crawl_source

CMS_PORTALS = {"TRS WCM": build_trs_portal, "Hanweb JCMS": build_hanweb_portal, "JSON API": build_json_portal}


def _source(start_url: str, concurrency: int, **changes) -> Source:
    entry = {
        "name": "bench",
        "start_urls": [start_url],
        "listing_pattern": r"/index(_\d+)?\.html$",
        "detail_pattern": r"/\d{8}/\w+\.html$",
        "attachment_pattern": r"_tables\.html$",
        "title_exclude": ["决算", "通知"],
        "title_include": ["预算"],
        "limits": {
            "delay_seconds": 0.0,
            "concurrency": concurrency,
            "read_timeout_seconds": 0.3,
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


def throughput(posts: int, files_per_post: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, Portal() as portal:
        raw, warehouse = Path(tmp) / "raw", Path(tmp) / "budget.duckdb"
        source = _source(build_bulk_portal(portal, posts, files_per_post), concurrency)
        click.echo(_line("bulk, first crawl", crawl_source(source, raw, warehouse)))
        click.echo(_line("bulk, re-crawl (304)", crawl_source(source, raw, warehouse)))
    with tempfile.TemporaryDirectory() as tmp, Portal() as portal:
        site = build_district_portal(portal)
        report = crawl_source(
            _source(site.start_url, concurrency), Path(tmp) / "raw", Path(tmp) / "budget.duckdb"
        )
        click.echo(_line("fault portal, first crawl", report))
        click.echo(f"  rejections: {dict(sorted(report.rejections.items()))}")


def cms_portals(stall: float, delay: float | None) -> None:
    limits = Limits() if delay is None else Limits().replace(delay_seconds=delay)
    click.echo(
        f"\nCMS portals, ad hoc (--start-url, --allow), stall {stall:g} s before the first byte; limits: "
        f"delay {limits.delay_seconds:g} s, concurrency {limits.concurrency}, connect/read timeout "
        f"{limits.connect_timeout_seconds:g}/{limits.read_timeout_seconds:g} s, deadline {limits.deadline_seconds:g} s"
    )
    for family, build in CMS_PORTALS.items():
        with tempfile.TemporaryDirectory() as tmp, Portal() as portal:
            site = build(portal, stall_seconds=stall)
            source = Source(
                name="adhoc", start_urls=(site.start_url,), detail_pattern=site.allow, limits=limits
            )
            started = time.monotonic()
            report = crawl_source(source, Path(tmp) / "raw")
            wall = time.monotonic() - started
            stalled = [r for r in report.rows if r.attachment_url and r.attachment_url.endswith(site.stalled)]
        skipped = ", ".join(
            f"{k.removeprefix('excluded: ')} {v}" for k, v in sorted(report.posts_skipped.items())
        )
        click.echo(
            f"{family:<12} listing pages {report.listing_pages}, posts seen {report.posts_seen} "
            f"(budget {report.posts_matched}; skipped {skipped}), attachments found {report.files_found}: "
            f"landed {report.files_fetched}, duplicate {report.files_skipped}, rejected {report.files_rejected} "
            f"({dict(report.rejections)}); {report.requests} requests; wall {wall:.1f} s"
        )
        if stalled:
            click.echo(f"{'':<12} stalled attachment: {stalled[0].reason}")


@click.command()
@click.option("--posts", default=200, show_default=True)
@click.option("--files-per-post", default=2, show_default=True)
@click.option("--concurrency", default=4, show_default=True)
@click.option("--stall", default=90.0, show_default=True, help="Seconds the stalling attachment waits.")
@click.option("--delay", type=float, help="Politeness delay for the CMS portals. [default: Limits' 0.5]")
@click.option("--portals-only", is_flag=True, help="Only the CMS portals.")
def main(
    posts: int, files_per_post: int, concurrency: int, stall: float, delay: float | None, portals_only: bool
) -> None:
    if not portals_only:
        throughput(posts, files_per_post, concurrency)
    cms_portals(stall, delay)


if __name__ == "__main__":
    main()
