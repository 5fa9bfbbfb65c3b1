"""``budget scrape``: crawl the registry's enabled sources, some by name, or an ad-hoc portal; or check one.

Honours ``BUDGET_RAW_DIR`` and ``BUDGET_WAREHOUSE``; shows a progress bar per source on
stderr and a summary at the end. ``--check`` finds the listing pages, posts and
attachments without downloading a file or writing anything. Exit code 0 on success,
1 if a source failed entirely (no listing page could be read).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

import click
from tqdm import tqdm

from orchestration import settings

from .crawler import CrawlReport, crawl_source
from .registry import REGISTRY_PATH, Limits, RegistryError, Source, load_registry
from .source_check import check_source, format_check
from .titles import DEFAULT_TITLE_EXCLUDE, DEFAULT_TITLE_INCLUDE

__all__ = ["scrape"]

ADHOC_NAME = "adhoc"
MIB = 1024 * 1024
# (option, Limits field, type, help): the defaults shown in --help are Limits' own
LIMIT_OPTIONS = (
    ("--delay", "delay_seconds", float, "Seconds between the starts of two requests to one host."),
    ("--concurrency", "concurrency", int, "Requests at once to one host (each host has its own)."),
    ("--connect-timeout", "connect_timeout_seconds", float, "Seconds to open a connection."),
    ("--read-timeout", "read_timeout_seconds", float, "Seconds without a byte before a request times out."),
    ("--deadline", "deadline_seconds", float, "Seconds one URL may take in all: attempts, waits, body."),
    ("--retries", "retries", int, "Further attempts after a 5xx or a timeout, within the deadline."),
    ("--backoff", "backoff_seconds", float, "First wait between attempts, seconds (doubles)."),
    ("--max-pages", "max_pages", int, "Listing pages to follow."),
    ("--max-posts", "max_posts", int, "Posts (detail pages) to read."),
    ("--max-files", "max_files", int, "Attachments to fetch."),
    ("--max-file-mb", "max_file_bytes", float, "Abort a download past this size, MiB."),
)


def _limit_options(command: Callable) -> Callable:
    """One option per limit, defaulting to the registry entry's value, else ``Limits``' (shown)."""
    defaults = Limits()
    for flag, name, kind, text in reversed(LIMIT_OPTIONS):
        value = getattr(defaults, name)
        shown = f"{value / MIB:g}" if name == "max_file_bytes" else f"{value:g}"
        command = click.option(flag, name, type=kind, help=f"{text}  [default: {shown}, or the registry's]")(
            command
        )
    return command


def _limits(base: Limits, overrides: dict[str, float | None]) -> Limits:
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "max_file_bytes" in changes:
        changes["max_file_bytes"] = int(changes["max_file_bytes"] * MIB)
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


def summary_line(report: CrawlReport) -> str:
    status = f"FAILED ({report.failure})" if report.failed else "ok"
    rejections = ", ".join(f"{k} {v}" for k, v in sorted(report.rejections.items())) or "none"
    skipped = ", ".join(
        f"{k.removeprefix('excluded: ')} {v}" for k, v in sorted(report.posts_skipped.items())
    )
    return (
        f"{report.source}: {status}; {report.listing_pages} listing pages, {report.posts_matched} budget posts, "
        f"{report.files_found} files found, {report.files_fetched} fetched, {report.files_skipped} skipped, "
        f"{report.files_rejected} rejected ({rejections}); posts not budgets: {skipped or 'none'}; "
        f"{report.requests} requests in {report.elapsed_seconds:.1f} s"
    )


def adhoc_source(start_urls: tuple[str, ...], limits: Limits, **options) -> Source:
    """A source for a portal not in the registry, from the command line's options."""
    return Source(
        name=options["name"],
        start_urls=start_urls,
        detail_pattern=options["allow"],
        attachment_pattern=options["attachment"],
        listing_pattern=options["listing"],
        page_template=options["page_template"],
        title_include=options["title_include"] or DEFAULT_TITLE_INCLUDE,
        title_exclude=options["title_exclude"] or DEFAULT_TITLE_EXCLUDE,
        allowed_hosts=_hosts(start_urls, options["hosts"]),
        limits=limits,
    )


def _hosts(start_urls: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    """The start URLs' hosts and the ones named with --host (empty: the Source's default)."""
    if not extra:
        return ()
    return tuple(
        sorted({(urlsplit(u).hostname or "").lower() for u in start_urls} | {h.lower() for h in extra})
    )


def registry_sources(registry: str, names: tuple[str, ...], overrides: dict) -> list[Source]:
    """The named sources (all enabled ones when none is named), with the command line's limits."""
    registered = load_registry(registry)
    unknown = sorted(set(names) - set(registered))
    if unknown:
        raise click.UsageError(f"unknown source(s) {unknown}; known: {sorted(registered)}")
    chosen = [registered[n] for n in names] if names else [s for s in registered.values() if s.enabled]
    for source in chosen:
        if not source.enabled:
            click.echo(f"warning: {source.name} is disabled in the registry; crawling it as asked", err=True)
    return [dataclasses.replace(s, limits=_limits(s.limits, overrides)) for s in chosen]


def run_check(sources: list[Source], as_json: bool) -> bool:
    """Check each source; print the reports; True when one failed entirely."""
    reports = [check_source(source) for source in sources]
    if as_json:
        click.echo(json.dumps([r.summary() for r in reports], ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(format_check(r) for r in reports))
    return any(r.failed for r in reports)


def run_crawl(sources: list[Source], no_warehouse: bool, as_json: bool) -> bool:
    """Crawl each source into the raw folder; print the summaries; True when one failed entirely."""
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
        click.echo("\n".join(summary_line(r) for r in reports))
        click.echo(f"raw files: {raw_dir / 'scraped'}; warehouse: {warehouse or 'not written'}")
    return any(r.failed for r in reports)


@click.command("scrape")
@click.argument("positional_names", nargs=-1, metavar="[SOURCE]...")
@click.option("--source", "names", multiple=True, help="Registry source (repeatable). Default: all enabled.")
@click.option("--check", is_flag=True, help="Find listing pages, posts and attachments; download nothing.")
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False),
    default=str(REGISTRY_PATH),
    help="Source registry YAML.  [default: orchestration/scraping/sources.yml]",
)
@click.option(
    "--start-url", "start_urls", multiple=True, help="Ad-hoc crawl: first listing page (repeatable)."
)
@click.option(
    "--allow", help="Ad-hoc: regex of post URLs to follow. Default: any page on the start URL's host."
)
@click.option("--attachment", help="Ad-hoc: regex of more attachment links, beside the general rules.")
@click.option("--listing", help="Ad-hoc: regex of more listing pages, beside the pagination found.")
@click.option("--page-template", help='Ad-hoc: generated listing pages, e.g. "index_{n}.html".')
@click.option("--host", "hosts", multiple=True, help="Ad-hoc: another host files may come from (repeatable).")
@click.option(
    "--title-include",
    multiple=True,
    help=f"Ad-hoc: a budget title has one of these. [{'/'.join(DEFAULT_TITLE_INCLUDE)}]",
)
@click.option(
    "--title-exclude", multiple=True, help=f"Ad-hoc: and none of these. [{'/'.join(DEFAULT_TITLE_EXCLUDE)}]"
)
@click.option("--name", default=ADHOC_NAME, show_default=True, help="Ad-hoc: source name in the manifest.")
@_limit_options
@click.option("--no-warehouse", is_flag=True, help="Write the JSONL manifest only, not the DuckDB table.")
@click.option("--json", "as_json", is_flag=True, help="Print the summaries (or checks) as JSON on stdout.")
def scrape(positional_names, names, check, registry, start_urls, no_warehouse, as_json, **options) -> None:
    """Crawl disclosure portals into BUDGET_RAW_DIR/scraped and the manifest (or --check them)."""
    overrides = {name: options.pop(name) for _, name, _, _ in LIMIT_OPTIONS}
    names = positional_names + names
    try:
        if start_urls:
            if names:
                raise click.UsageError("use either a registry source or --start-url, not both")
            sources = [adhoc_source(start_urls, _limits(Limits(), overrides), **options)]
        else:
            sources = registry_sources(registry, names, overrides)
    except RegistryError as err:
        raise click.UsageError(str(err)) from err
    if not sources:
        click.echo("no enabled source in the registry: nothing to crawl", err=True)
        return
    failed = run_check(sources, as_json) if check else run_crawl(sources, no_warehouse, as_json)
    if failed:
        sys.exit(1)
