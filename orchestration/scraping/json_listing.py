"""Listings drawn by script from a JSON API: where the API is, what it lists, where its next page is.

Nothing here knows one portal's keys. The API is found in the listing page's scripts: a
URL string (or a string built with ``+`` from literals and simple variables) handed to
``url:``, ``$.get``/``$.getJSON``/``$.ajax``/``fetch``/``axios``, with the ``data:`` /
``params:`` object beside it turned into the query; or in a ``data-url``-like attribute.
A candidate is kept when it looks like a listing call (a page parameter, ``list`` in its
last path segment, ``/api/``, ``.json``). In the answer, every list of objects is read:
an object with a title-like field (``title``, ``…Title``, ``name``, ``subject``…) and a
URL-like field (``url``, ``link``, ``href``, ``path``…, or a value shaped like a path)
is an entry; lists of objects inside an entry are its attachments.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from .fetcher import normalize_url
from .pages import Page, script_variables
from .pagination import PAGE_PARAMETERS, page_parameter, with_page_number

__all__ = ["JsonEntry", "api_endpoints", "json_entries", "json_page_count", "next_json_page", "parse_json"]

MAX_ENDPOINTS = 4  # candidate API URLs tried per listing page
LITERAL = r"""(?:'[^'\n]*'|"[^"\n]*"|`[^`\n$]*`)"""
OPERAND = rf"(?:{LITERAL}|[A-Za-z_$][\w$.]*)"
OPERAND_RE = re.compile(OPERAND)
CHAIN_RE = re.compile(rf"{OPERAND}(?:\s*\+\s*{OPERAND})*")
CALL_RE = re.compile(
    r"""(?:\burl\s*[:=]\s*|\b(?:getJSON|get|post|ajax|fetch|load|request)\s*\(\s*)""", re.IGNORECASE
)
STRING_RE = re.compile(LITERAL)
OBJECT_RE = re.compile(r"""(?:\b(data|params)\s*:\s*|,\s*)\{([^{}]*)\}""")
OBJECT_WINDOW = 300  # characters after a URL where its query object may be
PAIR_RE = re.compile(rf"""['"]?([A-Za-z_$][\w$]*)['"]?\s*:\s*({LITERAL}|-?\d+(?:\.\d+)?|[A-Za-z_$][\w$.]*)""")
URL_ATTRIBUTE_RE = re.compile(r"^data-(?:[\w-]*url|api|source|list)$", re.IGNORECASE)
STATIC_RE = re.compile(
    r"\.(?:js|css|png|jpe?g|gif|ico|svg|woff2?|ttf|s?html?|jhtml|pdf|xlsx?|docx?)$", re.IGNORECASE
)
URL_SHAPE_RE = re.compile(r"^(?:https?://|/|\./|\.\./)[^\s<>\"']*$")
FILE_SHAPE_RE = re.compile(
    r"^[\w./%-]+\.(?:s?html?|jhtml|pdf|xlsx?|docx?|wps|et|jsp|do|aspx?|php)(?:\?\S*)?$", re.IGNORECASE
)
IMAGE_KEY_RE = re.compile(r"img|image|pic|photo|thumb|icon|cover|logo|avatar", re.IGNORECASE)
URL_KEY_RE = re.compile(r"url|link|href|path|src|address", re.IGNORECASE)
TITLE_KEY_RE = re.compile(r"title|subject|name|^bt$|^wjbt$|^mc$|^text$|^label$", re.IGNORECASE)
PAGE_COUNT_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal", "totalpagecount", "allpage")
RECORD_COUNT_KEYS = (
    "total",
    "totalcount",
    "totalrecord",
    "totalrecords",
    "recordcount",
    "totalelements",
    "totalnum",
)
PAGE_SIZE_KEYS = ("pagesize", "size", "rows", "limit", "perpage", "page_size")
EMPTY_PAGE_PARAMETER_RE = re.compile(r"[?&](?:" + "|".join(PAGE_PARAMETERS) + r")=(?:&|$)", re.IGNORECASE)
JSONP_RE = re.compile(r"^[\w$.]+\s*\((.*)\)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class JsonEntry:
    title: str
    url: str
    link_text: str  # the entry's own name: the title, or an attachment's file name


def _literal_value(token: str) -> str | None:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"`":
        return token[1:-1]
    return None


def _evaluate(chain: str, variables: dict[str, str]) -> str:
    """A ``+`` chain of literals and variables as a string; an unknown page variable reads as 1."""
    out = ""
    for operand in (match.group(0) for match in OPERAND_RE.finditer(chain)):
        literal = _literal_value(operand)
        if literal is not None:
            out += literal
        elif operand in variables:
            out += variables[operand]
        elif re.search(r"[?&](?:" + "|".join(PAGE_PARAMETERS) + r")=$", out, re.IGNORECASE):
            out += "1"
    return out


def _query_object(text: str, variables: dict[str, str]) -> list[tuple[str, str]]:
    """The query object after a URL (``data: {pageNo: 1, channelId: cid}``, ``, {page: 1}``), resolved.

    The first object in the call that names a page parameter, else the first ``data:``/``params:`` one.
    """
    window = text[:OBJECT_WINDOW].split(";")[0]
    objects = [(match.group(1), match.group(2)) for match in OBJECT_RE.finditer(window)]
    paged = [
        body for _, body in objects if any(k.lower() in PAGE_PARAMETERS for k, _ in PAIR_RE.findall(body))
    ]
    named = [body for keyword, body in objects if keyword]
    chosen = (paged or named or [None])[0]
    return [] if chosen is None else _pairs(chosen, variables)


def _pairs(body: str, variables: dict[str, str]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in PAIR_RE.findall(body):
        literal = _literal_value(value)
        if literal is not None or re.fullmatch(r"-?\d+(?:\.\d+)?", value):
            pairs.append((key, literal if literal is not None else value))
        elif value in variables:
            pairs.append((key, variables[value]))
        elif key.lower() in PAGE_PARAMETERS:
            pairs.append((key, "1"))
    return pairs


def _looks_like_listing_call(url: str) -> bool:
    if not URL_SHAPE_RE.match(url) or url in ("/", "./"):
        return False
    path = urlsplit(url).path
    if STATIC_RE.search(path):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1].lower()
    return (
        page_parameter(url) is not None or "list" in last or "/api/" in path.lower() or last.endswith(".json")
    )


def _with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    for key, value in pairs:
        if key.lower() in PAGE_PARAMETERS and value.isdigit():
            url = with_page_number(url, key, int(value))
        elif f"{key}=" not in url:
            url += ("&" if "?" in url else "?") + f"{key}={value}"
    return url


def _script_candidates(script: str, variables: dict[str, str]) -> Iterator[str]:
    for call in CALL_RE.finditer(script):
        chain = CHAIN_RE.match(script, call.end())
        if chain:
            url = _evaluate(chain.group(0), variables)
            yield _with_query(url, _query_object(script[chain.end() :], variables))
    for literal in STRING_RE.finditer(script):
        chain = CHAIN_RE.match(script, literal.start())
        yield _evaluate(chain.group(0), variables) if chain else literal.group(0)[1:-1]


def api_endpoints(page: Page) -> list[str]:
    """Absolute URLs of the JSON listing calls the page's scripts and attributes name, page 1 first."""
    variables = script_variables(page.scripts)
    candidates = [c for script in page.scripts for c in _script_candidates(script, variables)]
    candidates += page.attributes_named(URL_ATTRIBUTE_RE)
    found: dict[str, str] = {}  # path -> URL: a call with its query beats the bare URL string
    for candidate in candidates:
        candidate = candidate.strip()
        if not _looks_like_listing_call(candidate):
            continue
        url = page.absolute(candidate)
        if url is None or EMPTY_PAGE_PARAMETER_RE.search(url):
            continue  # a page parameter left without its number: the chain could not be read
        parts = urlsplit(url)
        found.setdefault(f"{parts.netloc}{parts.path}", url)
    return list(found.values())[:MAX_ENDPOINTS]


def parse_json(text: str) -> Any | None:
    """JSON (or JSONP ``callback({...})``) text as data, or None when it is neither."""
    text = text.strip().lstrip("\ufeff")
    if not text:
        return None
    if text[0] not in "[{":
        match = JSONP_RE.match(text)
        if not match:
            return None
        text = match.group(1)
    try:
        return json.loads(text)
    except ValueError:
        return None


def _looks_like_url(value: Any) -> bool:
    return isinstance(value, str) and bool(URL_SHAPE_RE.match(value) or FILE_SHAPE_RE.match(value))


def _field(item: dict, key_re: re.Pattern, accept) -> str | None:
    """The first value whose key matches (title keys before name keys) and that ``accept`` takes."""
    keys = sorted(item, key=lambda k: 0 if "title" in k.lower() else 1 if "url" in k.lower() else 2)
    for key in keys:
        if key_re.search(key) and not IMAGE_KEY_RE.search(key) and accept(item[key]):
            return item[key].strip()
    return None


def _entry_fields(item: dict) -> tuple[str | None, str | None]:
    title = _field(item, TITLE_KEY_RE, lambda v: isinstance(v, str) and len(v.strip()) >= 2)
    url = _field(item, URL_KEY_RE, _looks_like_url)
    if url is None:  # no URL-like key: any value shaped like a path
        url = next(
            (v.strip() for k, v in item.items() if not IMAGE_KEY_RE.search(k) and _looks_like_url(v)), None
        )
    return title, url


def _walk(node: Any, base_url: str, parent_title: str | None) -> Iterator[JsonEntry]:
    if isinstance(node, list):
        for value in node:
            yield from _walk(value, base_url, parent_title)
        return
    if not isinstance(node, dict):
        return
    title, url = _entry_fields(node)
    if url is not None and (title or parent_title):
        absolute = normalize_url(urljoin(base_url, url))
        if parent_title is not None:  # an attachment of the entry above: the post's title, its own name
            yield JsonEntry(parent_title, absolute, title or "")
        else:
            yield JsonEntry(title, absolute, title)
    context = title if (title and url) else parent_title
    for value in node.values():
        if isinstance(value, (list, dict)):
            yield from _walk(value, base_url, context)


def json_entries(data: Any, base_url: str) -> list[JsonEntry]:
    """Every entry (title + URL) in the data, in order, each URL once."""
    unique: dict[str, JsonEntry] = {}
    for entry in _walk(data, base_url, None):
        unique.setdefault(entry.url, entry)
    return list(unique.values())


def _find_number(data: Any, keys: tuple[str, ...], depth: int = 0) -> int | None:
    if not isinstance(data, dict) or depth > 3:
        return None
    for key, value in data.items():
        if key.lower() in keys and isinstance(value, (int, str)) and str(value).isdigit():
            return int(value)
    for value in data.values():
        found = _find_number(value, keys, depth + 1)
        if found is not None:
            return found
    return None


def _find_page_key(data: Any, depth: int = 0) -> str | None:
    if not isinstance(data, dict) or depth > 3:
        return None
    for key in data:
        if key.lower() in PAGE_PARAMETERS:
            return key
    return next((k for v in data.values() if (k := _find_page_key(v, depth + 1))), None)


def json_page_count(data: Any) -> int | None:
    """How many pages the answer says there are (a page count, or records / page size), if it says."""
    pages = _find_number(data, PAGE_COUNT_KEYS)
    if pages is not None:
        return pages
    records, size = _find_number(data, RECORD_COUNT_KEYS), _find_number(data, PAGE_SIZE_KEYS)
    if records is not None and size:
        return math.ceil(records / size)
    return None


def next_json_page(url: str, data: Any, entries: int) -> str | None:
    """The URL of the next page of a JSON listing, or None when this one was the last."""
    if entries == 0:
        return None
    parameter = page_parameter(url)
    pages = json_page_count(data)
    if parameter is None:
        key = _find_page_key(data)
        if key is None or not pages or pages < 2:
            return None
        parameter = (key, 1)
    key, number = parameter
    if pages is not None and number >= pages:
        return None
    return with_page_number(url, key, number + 1)
