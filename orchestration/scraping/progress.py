"""Progress of a crawl as log lines (the Dagster run log), every few files rather than every file."""

from __future__ import annotations

from collections.abc import Callable

from .crawler import CrawlReport

__all__ = ["LOG_EVERY_FILES", "LogProgress"]

LOG_EVERY_FILES = 10  # one line every this many files


class LogProgress:
    """A ``progress(event, report)`` callback for ``crawl_source`` that writes lines to ``log``."""

    def __init__(self, log: Callable[[str], None], every: int = LOG_EVERY_FILES):
        self.log = log
        self.every = every
        self.logged_files = 0

    def __call__(self, event: str, report: CrawlReport) -> None:
        done = report.files_fetched + report.files_skipped + report.files_rejected
        if event == "listing":
            self.log(f"listing page {report.listing_pages} read")
        elif event == "posts":
            self.log(
                f"{report.posts_matched} budget posts of {report.posts_seen} found; "
                f"{report.files_found} files to fetch"
            )
        elif event == "file" and done - self.logged_files >= self.every:
            self.logged_files = done
            self.log(
                f"files {done}/{report.files_found}: fetched {report.files_fetched}, "
                f"skipped {report.files_skipped}, rejected {report.files_rejected}"
            )
