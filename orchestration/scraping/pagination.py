"""Listing pages found on a listing page, the way portals really draw their pagers.

Four families of clues, each named in ``found_by`` so ``budget scrape --check`` can say
what matched:

- **pager links**: a link whose text is 下一页 / 尾页 / 上一页 / a page number / ``»``;
- **URL shapes**: ``index_N.html`` beside ``index.html`` (TRS, most static CMSs), or the
  page's own path with a ``page`` / ``pageNo`` / ``pageNum`` … parameter;
- **scripts**: TRS ``createPageHTML(total, current, "index", "html")`` (also the newer
  form with an element id first, and variables such as ``countPage``) and a page count
  assigned in a script;
- **page count text**: ``共N页`` next to a pager drawn by script.

A candidate must pass ``in_scope`` (allowed host, and the crawl's listing scope), so the
site's 首页 and other columns are never taken for pages of this listing. Pages generated
from a count are *tentative*: one that answers 404 ends the listing quietly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from posixpath import dirname
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .fetcher import normalize_url
from .pages import Page, script_variables

__all__ = [
    "PAGE_PARAMETERS",
    "ListingLink",
    "is_pager_text",
    "listing_links",
    "page_parameter",
    "with_page_number",
]

PAGE_PARAMETERS = (
    "page",
    "pageno",
    "pagenum",
    "pageindex",
    "pagenumber",
    "currentpage",
    "curpage",
    "currpage",
    "current",
    "page_no",
    "pn",
    "p",
)
NEXT_WORDS = (
    "下一页",
    "下页",
    "后一页",
    "后页",
    "尾页",
    "末页",
    "最后一页",
    "最后页",
    "上一页",
    "上页",
    "前一页",
)
NEXT_WORDS_LATIN = ("next", "last", "prev", "previous")
FIRST_WORDS = ("首页", "第一页", "first")  # also the site's home: only trusted with a page-shaped URL
PAGER_SYMBOLS = set("<>«»‹›")
NUMBER_TRIM = "[]【】()（）第页 "
MAX_PAGE_NUMBER = 9999  # pages generated from a count
MAX_LINK_PAGE_NUMBER = 999  # a link whose text is a bigger number is a year or an id, not a page
FILE_RE = re.compile(r"^(?P<stem>[A-Za-z][\w-]*?)(?:[_-](?P<n>\d+))?\.(?P<ext>[A-Za-z]{2,6})$")
CREATE_PAGE_RE = re.compile(r"createPageHTML\s*\(([^()]*)\)")
COUNT_VARIABLES = ("countpage", "pagecount", "totalpage", "totalpages", "pagetotal", "allpage", "maxpage")
PAGE_COUNT_TEXT_RE = re.compile(r"共\s*(\d{1,4})\s*页")


@dataclass(frozen=True)
class ListingLink:
    url: str
    found_by: str
    tentative: bool = False  # generated or guessed: a 404 ends the listing, it is not an error
    kind: str = "html"  # html | json: a guessed JSON API that answers anything else is not a listing


def page_parameter(url: str) -> tuple[str, int] | None:
    """The page parameter of a URL and its value (``pageNo=3`` -> ``("pageNo", 3)``), or None."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMETERS and value.isdigit():
            return key, int(value)
    return None


def with_page_number(url: str, key: str, number: int) -> str:
    """The URL with its page parameter ``key`` set to ``number`` (added when missing)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k == key for k, _ in query):
        query = [(k, str(number) if k == key else v) for k, v in query]
    else:
        query.append((key, str(number)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="/:,"), ""))


def _file_shape(url: str) -> tuple[str, str, str | None, str | None]:
    """(folder, file name, stem, extension) of a URL; a folder URL counts as its index page."""
    path = urlsplit(url).path
    folder, name = (path, "") if path.endswith("/") else (dirname(path) + "/", path.rsplit("/", 1)[-1])
    match = FILE_RE.match(name or "index.html")
    return folder, name, (match["stem"] if match else None), (match["ext"].lower() if match else None)


def _sibling(url: str, current: str) -> bool:
    """``index_2.html`` beside ``index.html`` (same folder, stem and extension; the query may differ)."""
    parts = urlsplit(url)
    if parts.netloc != urlsplit(current).netloc or parts.path.endswith("/"):
        return False  # a folder link is the column's own (or another) address, not one of its pages
    folder, _, stem, ext = _file_shape(url)
    current_folder, _, current_stem, current_ext = _file_shape(current)
    return stem is not None and (folder, stem, ext) == (current_folder, current_stem, current_ext)


def _same_path_with_page(url: str, current: str) -> bool:
    a, b = urlsplit(url), urlsplit(current)
    return (a.netloc, a.path) == (b.netloc, b.path) and page_parameter(url) is not None


def _pager_text(text: str) -> str | None:
    """What kind of pager link the text says it is: ``number``, ``word``, ``first``, or None."""
    compact = "".join(text.split())
    trimmed = compact.strip(NUMBER_TRIM)
    if trimmed.isdigit() and 1 <= int(trimmed) <= MAX_LINK_PAGE_NUMBER:
        return "number"
    if len(compact) <= 8:
        lowered = compact.lower().strip("".join(PAGER_SYMBOLS))
        if any(word in compact for word in NEXT_WORDS) or lowered in NEXT_WORDS_LATIN:
            return "word"
        if lowered in FIRST_WORDS or compact in FIRST_WORDS:
            return "first"
        if compact and set(compact) <= PAGER_SYMBOLS:
            return "word"
    return None


def is_pager_text(text: str) -> bool:
    """Text of a pager link (下一页, 尾页, a page number, »), never a post's title."""
    return _pager_text(text) is not None


def _from_links(page: Page, in_scope: Callable[[str], bool]) -> list[ListingLink]:
    found = []
    for link in page.links:
        if link.tag != "a" or link.url == page.url or not in_scope(link.url):
            continue
        shaped = _sibling(link.url, page.url) or _same_path_with_page(link.url, page.url)
        kind = _pager_text(link.text)
        if kind in ("number", "word") or (kind == "first" and shaped):
            found.append(ListingLink(link.url, f"pager link {link.text!r}"))
        elif _same_path_with_page(link.url, page.url):
            found.append(ListingLink(link.url, "page parameter"))
        elif _sibling(link.url, page.url):
            found.append(ListingLink(link.url, "index_N sibling"))
    return found


def _resolve(argument: str, variables: dict[str, str]) -> str:
    argument = argument.strip()
    if len(argument) >= 2 and argument[0] == argument[-1] and argument[0] in "'\"":
        return argument[1:-1]
    return variables.get(argument, argument)


def _numbered_siblings(current: str, prefix: str, suffix: str, numbers: range) -> list[str]:
    """``prefix.suffix`` for 0 and ``prefix_n.suffix`` for the others, in the current page's folder."""
    return [urljoin(current, f"{prefix}.{suffix}" if n == 0 else f"{prefix}_{n}.{suffix}") for n in numbers]


def _from_create_page_html(page: Page, variables: dict[str, str]) -> list[ListingLink]:
    """TRS: ``createPageHTML(total, current, "index", "html")``, or with an element id first."""
    for script in page.scripts:
        for match in CREATE_PAGE_RE.finditer(script):
            arguments = [_resolve(a, variables) for a in match.group(1).split(",")]
            if len(arguments) >= 5 and not arguments[0].isdigit():
                arguments = arguments[1:]  # createPageHTML('page_div', total, current, 'index', 'html', ...)
            if len(arguments) < 4 or not arguments[0].isdigit():
                continue  # the function's definition, or arguments we cannot read
            total, prefix, suffix = int(arguments[0]), arguments[2], arguments[3]
            if not re.fullmatch(r"[\w-]+", prefix) or not re.fullmatch(r"\w+", suffix):
                continue
            urls = _numbered_siblings(page.url, prefix, suffix, range(min(total, MAX_PAGE_NUMBER)))
            return [ListingLink(url, f"createPageHTML script ({total} pages)") for url in urls]
    return []


def _from_page_count(page: Page, count: int, found_by: str) -> list[ListingLink]:
    """Pages 2..count generated from a count, in the shape of the current page's URL."""
    count = min(count, MAX_PAGE_NUMBER)
    parameter = page_parameter(page.url)
    if parameter is not None:
        key, _ = parameter
        urls = [with_page_number(page.url, key, n) for n in range(1, count + 1)]
    else:
        _, _, stem, ext = _file_shape(page.url)
        if stem is None:
            return []
        # index_1 is page 2 on TRS sites, page 1 on others: ask for one more; the extra one answers 404
        urls = _numbered_siblings(page.url, stem, ext, range(1, count + 1))
    return [ListingLink(url, found_by, tentative=True) for url in urls]


def _from_count_clues(page: Page, variables: dict[str, str]) -> list[ListingLink]:
    for name, value in variables.items():
        if name.lower() in COUNT_VARIABLES and value.isdigit() and int(value) > 1:
            return _from_page_count(page, int(value), f"page count in script ({name} = {value})")
    match = PAGE_COUNT_TEXT_RE.search(page.text)
    if match and int(match.group(1)) > 1:
        return _from_page_count(page, int(match.group(1)), f"page count text ({match.group(0)})")
    return []


def listing_links(page: Page, in_scope: Callable[[str], bool]) -> list[ListingLink]:
    """Further pages of the listing ``page`` belongs to, first clue first, each URL once."""
    variables = script_variables(page.scripts)
    found = _from_links(page, in_scope) + _from_create_page_html(page, variables)
    if not found:  # a count alone is only a guess at the URLs: used when nothing better was found
        found = _from_count_clues(page, variables)
    unique: dict[str, ListingLink] = {}
    for link in found:
        url = normalize_url(link.url)
        if url != page.url and in_scope(url):
            unique.setdefault(url, ListingLink(url, link.found_by, link.tentative, link.kind))
    return list(unique.values())
