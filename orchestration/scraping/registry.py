"""The source registry: which portals to crawl and how, read from ``sources.yml``.

Each entry is validated on load; a bad entry raises ``RegistryError`` naming the
source and the field, so a typo in the YAML fails before any request is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .titles import DEFAULT_TITLE_EXCLUDE, DEFAULT_TITLE_INCLUDE

__all__ = ["LEVELS", "REGISTRY_PATH", "Limits", "RegistryError", "Source", "load_registry"]

REGISTRY_PATH = Path(__file__).with_name("sources.yml")
LEVELS = ("city", "district", "town")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")  # a Dagster partition key and a file-safe word


class RegistryError(ValueError):
    """A source entry that cannot be crawled as written."""


@dataclass(frozen=True)
class Limits:
    """Politeness and size bounds for one crawl of one source."""

    max_pages: int = 50  # listing pages followed (index.html, index_1.html, ..., JSON pages)
    max_posts: int = 500  # detail pages fetched
    max_files: int = 1000  # attachments fetched
    max_file_bytes: int = 50 * 1024 * 1024  # abort a download past this
    delay_seconds: float = 0.5  # between the starts of two requests to one host
    concurrency: int = 2  # requests at once to one host (each host has its own workers)
    connect_timeout_seconds: float = 10.0  # to open a connection
    read_timeout_seconds: float = 10.0  # with no byte received
    deadline_seconds: float = 30.0  # one URL in all: every attempt, the waits between them, the whole body
    retries: int = 2  # further attempts after a 5xx or a timeout, while the deadline allows
    backoff_seconds: float = 1.0  # first wait between attempts; doubles each time
    backoff_max_seconds: float = 10.0
    max_redirects: int = 10
    max_seconds: float = 3600.0  # whole crawl; past it no new request is started

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise RegistryError(f"limit {f.name} must be a non-negative number, got {value!r}")
        if self.concurrency < 1:
            raise RegistryError("limit concurrency must be at least 1")

    def replace(self, **changes: Any) -> Limits:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Limits(**values)


@dataclass(frozen=True)
class Source:
    """One portal: where to start, which links to follow, which posts are budgets."""

    name: str
    start_urls: tuple[str, ...]
    # regex on absolute URLs of the pages a listing links to that may be posts; None: any page on
    # the allowed hosts (the title decides). Listing pages must match it or sit in a start URL's folder.
    detail_pattern: str | None = None
    # regex on absolute URLs: more attachment links on a post, beside the general rules (a file
    # extension in the URL or the link text, a download endpoint)
    attachment_pattern: str | None = None
    listing_pattern: str | None = None  # regex: more listing pages, beside the pagination found on the page
    page_template: str | None = None  # e.g. "index_{n}.html" or "?page={n}", relative to start URL
    title_include: tuple[str, ...] = DEFAULT_TITLE_INCLUDE  # a post is a budget if its title has any
    title_exclude: tuple[str, ...] = DEFAULT_TITLE_EXCLUDE  # ... and none of these
    require_year: bool = True  # ... and a year
    allowed_hosts: tuple[str, ...] = ()  # defaults to the start URLs' hosts
    description: str = ""
    district: str | None = None
    level: str | None = None
    enabled: bool = True
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        where = f"source {self.name!r}"
        if not isinstance(self.name, str) or not NAME_RE.match(self.name):
            raise RegistryError(f"{where}: name must match {NAME_RE.pattern}")
        if not self.start_urls:
            raise RegistryError(f"{where}: start_urls is empty")
        for url in self.start_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise RegistryError(f"{where}: start URL {url!r} is not an absolute http(s) URL")
        for key in ("detail_pattern", "attachment_pattern", "listing_pattern"):
            pattern = getattr(self, key)
            if pattern is None:
                continue
            if not isinstance(pattern, str) or not pattern:
                raise RegistryError(f"{where}: {key} must be a non-empty regex")
            try:
                re.compile(pattern)
            except re.error as err:
                raise RegistryError(f"{where}: {key} is not a valid regex: {err}") from err
        if self.page_template is not None and "{n}" not in self.page_template:
            raise RegistryError(f"{where}: page_template must contain {{n}}")
        if self.level is not None and self.level not in LEVELS:
            raise RegistryError(f"{where}: level must be one of {LEVELS}, got {self.level!r}")
        if not self.title_include:
            raise RegistryError(f"{where}: title_include is empty (no post would be a budget)")
        if not self.allowed_hosts:
            hosts = tuple(sorted({urlsplit(u).hostname.lower() for u in self.start_urls}))
            object.__setattr__(self, "allowed_hosts", hosts)

    @classmethod
    def from_dict(cls, entry: Any) -> Source:
        """Build a source from one YAML mapping; unknown keys are errors, not silence."""
        if not isinstance(entry, dict):
            raise RegistryError(f"a source entry must be a mapping, got {type(entry).__name__}")
        name = entry.get("name", "?")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(entry) - known)
        if unknown:
            raise RegistryError(f"source {name!r}: unknown keys {unknown}")
        for key in ("name", "start_urls"):
            if entry.get(key) in (None, "", []):
                raise RegistryError(f"source {name!r}: {key} is required")
        values = dict(entry)
        limit_values = values.pop("limits", None) or {}
        if not isinstance(limit_values, dict):
            raise RegistryError(f"source {name!r}: limits must be a mapping")
        limit_names = {f.name for f in fields(Limits)}
        bad = sorted(set(limit_values) - limit_names)
        if bad:
            raise RegistryError(f"source {name!r}: unknown limits {bad}")
        for key in ("start_urls", "title_include", "title_exclude", "allowed_hosts"):
            if key in values:
                value = values[key]
                if isinstance(value, str):
                    value = [value]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise RegistryError(f"source {name!r}: {key} must be a list of strings")
                values[key] = tuple(v.lower() if key == "allowed_hosts" else v for v in value)
        for key in ("enabled", "require_year"):
            if key in values and not isinstance(values[key], bool):
                raise RegistryError(f"source {name!r}: {key} must be true or false")
        try:
            limits = Limits(**limit_values)
        except RegistryError as err:
            raise RegistryError(f"source {name!r}: {err}") from err
        try:
            return cls(**values, limits=limits)
        except TypeError as err:  # a required key is missing
            raise RegistryError(f"source {name!r}: {err}") from err


def load_registry(path: str | Path | None = None) -> dict[str, Source]:
    """Read and validate the registry; returns sources by name, in file order."""
    path = Path(path) if path is not None else REGISTRY_PATH
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise RegistryError(f"{path}: not valid YAML: {err}") from err
    entries = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a top-level 'sources:' list")
    sources: dict[str, Source] = {}
    for entry in entries:
        source = Source.from_dict(entry)
        if source.name in sources:
            raise RegistryError(f"{path}: source {source.name!r} is listed twice")
        sources[source.name] = source
    return sources
