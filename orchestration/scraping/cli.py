"""``budget scrape``: crawl the registry's enabled sources, one by name, or an ad-hoc portal.

Honours ``BUDGET_RAW_DIR`` and ``BUDGET_WAREHOUSE``; shows a progress bar per source on
stderr and a summary at the end. Exit code 0 on success, 1 if a source failed entirely.
"""

from __future__ import annotations

import dataclasses
import json
import sys

import click
from tqdm import tqdm

from orchestration import settings

from .crawler import CrawlReport, crawl_source
from .registry import (
    DEFAULT_TITLE_EXCLUDE,
    DEFAULT_TITLE_INCLUDE,
    REGISTRY_PATH,
    Limits,
    RegistryError,
    Source,
    load_registry,
)

__all__ = ["scrape"]

DEFAULT_ATTACHMENT = r"\.(pdf|xlsx?|docx?|et|wps)(\?.*)?$"
ADHOC_NAME = "adhoc"


def _limits(base: Limits, **overrides: float | None) -> Limits:
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "max_file_bytes" in changes:
        changes["max_file_bytes"] = int(changes["max_file_bytes"] * 1024 * 1024)
    return base.replace(**changes) if changes else base


class _Bar:
    """A tqdm bar over one source's files, its postfix the running counts."""

    def __init__(self, name: str):
        self.bar = tqdm(desc=name, unit="file", file=sys.stderr, dynamic_ncols=True, leave=True)

    def __call__(self, event: str, report: CrawlReport) -> None:
        if event == "posts":
            self.bar.set_description(f"{report.source} ({report.posts_matched} budget posts)")
        elif event == "file":
            if report.files_found and self.bar.total != report.files_found:
                self.bar.total = report.files_found
            self.bar.n = report.files_fetched + report.files_skipped + report.files_rejected
        self.bar.set_postfix(
            pages=report.listing_pages,
            found=report.files_found,
            fetched=report.files_fetched,
            skipped=report.files_skipped,
            rejected=report.files_rejected,
            refresh=False,
        )
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _summary_line(report: CrawlReport) -> str:
    status = f"FAILED ({report.failure})" if report.failed else "ok"
    rejections = ", ".join(f"{k} {v}" for k, v in sorted(report.rejections.items())) or "none"
    return (
        f"{report.source}: {status}; {report.listing_pages} listing pages, {report.posts_matched} budget posts, "
        f"{report.files_found} files found, {report.files_fetched} fetched, {report.files_skipped} skipped, "
        f"{report.files_rejected} rejected ({rejections}); {report.requests} requests "
        f"in {report.elapsed_seconds:.1f} s"
    )


@click.command("scrape")
@click.option(
    "--source", "names", multiple=True, help="Registry source to crawl (repeatable). Default: all enabled."
)
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False),
    default=str(REGISTRY_PATH),
    show_default=True,
    help="Source registry YAML.",
)
@click.option(
    "--start-url", "start_urls", multiple=True, help="Ad-hoc crawl: first listing page (repeatable)."
)
@click.option("--allow", "allow", help="Ad-hoc crawl: regex of post (detail page) links to follow.")
@click.option(
    "--attachment",
    default=DEFAULT_ATTACHMENT,
    show_default=True,
    help="Ad-hoc crawl: regex of attachment links on a post.",
)
@click.option("--listing", help="Ad-hoc crawl: regex of next-listing-page links (index_1.html, ?page=2).")
@click.option("--page-template", help='Ad-hoc crawl: generated listing pages, e.g. "index_{n}.html".')
@click.option(
    "--title-include", multiple=True, help="Ad-hoc crawl: a budget title has one of these. Default: 预算."
)
@click.option("--title-exclude", multiple=True, help="Ad-hoc crawl: and none of these. Default: 决算.")
@click.option(
    "--name", default=ADHOC_NAME, show_default=True, help="Ad-hoc crawl: source name in the manifest."
)
@click.option("--delay", type=float, help="Seconds between requests to one host.")
@click.option("--timeout", type=float, help="Seconds before one request times out.")
@click.option("--retries", type=int, help="Further attempts after a 5xx or a timeout.")
@click.option("--backoff", type=float, help="First wait between attempts, seconds (doubles).")
@click.option("--max-pages", type=int, help="Listing pages to follow.")
@click.option("--max-files", type=int, help="Attachments to fetch.")
@click.option("--max-file-mb", type=float, help="Abort a download past this size.")
@click.option("--no-warehouse", is_flag=True, help="Write the JSONL manifest only, not the DuckDB table.")
@click.option("--json", "as_json", is_flag=True, help="Print the summaries as JSON on stdout.")
def scrape(
    names: tuple[str, ...],
    registry: str,
    start_urls: tuple[str, ...],
    allow: str | None,
    attachment: str,
    listing: str | None,
    page_template: str | None,
    title_include: tuple[str, ...],
    title_exclude: tuple[str, ...],
    name: str,
    delay: float | None,
    timeout: float | None,
    retries: int | None,
    backoff: float | None,
    max_pages: int | None,
    max_files: int | None,
    max_file_mb: float | None,
    no_warehouse: bool,
    as_json: bool,
) -> None:
    """Crawl disclosure portals into BUDGET_RAW_DIR/scraped and the manifest."""
    overrides = {
        "delay_seconds": delay,
        "timeout_seconds": timeout,
        "retries": retries,
        "backoff_seconds": backoff,
        "max_pages": max_pages,
        "max_files": max_files,
        "max_file_bytes": max_file_mb,
    }
    try:
        if start_urls:
            if names:
                raise click.UsageError("use either --source or --start-url, not both")
            if not allow:
                raise click.UsageError("--start-url needs --allow REGEX (the post links to follow)")
            sources = [
                Source(
                    name=name,
                    start_urls=start_urls,
                    detail_pattern=allow,
                    attachment_pattern=attachment,
                    listing_pattern=listing,
                    page_template=page_template,
                    title_include=title_include or DEFAULT_TITLE_INCLUDE,
                    title_exclude=title_exclude or DEFAULT_TITLE_EXCLUDE,
                    limits=_limits(Limits(), **overrides),
                )
            ]
        else:
            registered = load_registry(registry)
            unknown = sorted(set(names) - set(registered))
            if unknown:
                raise click.UsageError(f"unknown source(s) {unknown}; known: {sorted(registered)}")
            chosen = (
                [registered[n] for n in names] if names else [s for s in registered.values() if s.enabled]
            )
            for source in chosen:
                if not source.enabled:
                    click.echo(
                        f"warning: {source.name} is disabled in the registry; crawling it as asked", err=True
                    )
            sources = [
                dataclasses.replace(source, limits=_limits(source.limits, **overrides)) for source in chosen
            ]
    except RegistryError as err:
        raise click.UsageError(str(err)) from err

    if not sources:
        click.echo("no enabled source in the registry: nothing to crawl", err=True)
        return
    raw_dir = settings.raw_dir()
    warehouse = None if no_warehouse else settings.warehouse_path()
    reports = []
    for source in sources:
        bar = _Bar(source.name)
        try:
            reports.append(crawl_source(source, raw_dir, warehouse, progress=bar))
        finally:
            bar.close()
    if as_json:
        click.echo(json.dumps([r.summary() for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            click.echo(_summary_line(report))
        click.echo(f"raw files: {raw_dir / 'scraped'}; warehouse: {warehouse or 'not written'}")
    if any(r.failed for r in reports):
        sys.exit(1)
