"""What a fetched page says: its text in the right charset, its links, title, scripts and tables.

Pages are parsed once (selectolax) into ``Page``; the pagination, listing and attachment
rules read it. Links come from ``<a href>`` and also from what portals use instead: an
``<iframe>``/``<embed>``/``<object>`` showing a PDF, and ``onclick`` handlers that open one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from .fetcher import normalize_url

__all__ = ["Link", "Page", "declared_charset", "decode_html", "extract_links"]

CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
FALLBACK_CHARSET = "gb18030"  # older district portals still serve GBK pages without saying so
GBK_FAMILY = ("gb2312", "gbk", "x-gbk", "gb_2312-80")
ONCLICK_URL_RE = re.compile(r"""(?:location(?:\.href)?\s*=|window\.open\s*\(|open\s*\()\s*['"]([^'"]+)['"]""")
TEMPLATE_TYPE_RE = re.compile(r"xml|template|html", re.IGNORECASE)
CDATA_RE = re.compile(r"<!\[CDATA\[|\]\]>")
TITLE_SELECTORS = (  # the article's own title first; <title> often adds the site's name
    'meta[name="ArticleTitle"]',
    'meta[name="articletitle"]',
    'meta[property="og:title"]',
    "h1",
)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    tag: str = "a"  # a | iframe | embed | object | onclick


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header or the page's own <meta> declares, lower-case, or None."""
    for source in ((content_type or "").encode("ascii", "ignore"), body[:4096]):
        match = CHARSET_RE.search(source)
        if match:
            return match.group(1).decode("ascii").lower()
    return None


def decode_html(body: bytes, content_type: str | None) -> str:
    """Page text from the header charset, a <meta> charset, UTF-8, or GB18030, in that order."""
    candidates = []
    declared = declared_charset(body, content_type)
    if declared:
        candidates.append(declared)
    # a page may declare one charset in the header and another in <meta>: try the meta one too
    meta = CHARSET_RE.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii").lower())
    candidates += ["utf-8", FALLBACK_CHARSET]
    for charset in candidates:
        try:
            return body.decode("gb18030" if charset in GBK_FAMILY else charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def _clean(text: str) -> str:
    return " ".join(text.split())


class Page:
    """One parsed HTML page at ``url``."""

    def __init__(self, url: str, html: str):
        self.url = url
        self.tree = LexborHTMLParser(html)
        base_node = self.tree.css_first("base[href]")
        href = base_node.attributes.get("href") if base_node is not None else None
        self.base = urljoin(url, href) if href else url

    def absolute(self, href: str) -> str | None:
        """An absolute http(s) URL for a link target, or None for script, mail and in-page links."""
        href = (href or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
            return None
        url = normalize_url(urljoin(self.base, href))
        return url if url.startswith(("http://", "https://")) else None

    @cached_property
    def links(self) -> list[Link]:
        """Links in page order, with their text (or ``title=`` attribute: listings cut long titles)."""
        links, visited = [], set()
        for node in self.tree.css("a[href], iframe[src], embed[src], object[data], [onclick]"):
            if node.mem_id in visited:  # a node matching two selectors comes back twice
                continue
            visited.add(node.mem_id)
            attributes = node.attributes
            if node.tag == "a" and attributes.get("href") and self.absolute(attributes["href"]):
                target = attributes["href"]
                kind = "a"
            elif node.tag in ("iframe", "embed", "object"):
                target, kind = attributes.get("src") or attributes.get("data") or "", node.tag
            elif attributes.get("onclick"):
                match = ONCLICK_URL_RE.search(attributes["onclick"] or "")
                target, kind = (match.group(1) if match else ""), "onclick"
            else:
                continue
            url = self.absolute(target or "")
            if url is None:
                continue
            text = (attributes.get("title") or "").strip() or node.text(separator=" ", strip=True)
            links.append(Link(url, _clean(text), kind))
        return links + self._template_links()

    def _template_links(self) -> list[Link]:
        """Links inside script templates: ``<script type="text/xml">`` record sets (Hanweb JCMS), templates."""
        links = []
        for node in self.tree.css("script[type]"):
            if not TEMPLATE_TYPE_RE.search(node.attributes.get("type") or ""):
                continue
            fragment = Page(self.url, CDATA_RE.sub("", node.text() or ""))
            fragment.base = self.base
            links += [link for link in fragment.links if link.tag == "a"]
        return links

    @cached_property
    def title(self) -> str:
        """The article's title: ArticleTitle metadata, og:title, the first <h1>, else <title>."""
        for selector in TITLE_SELECTORS:
            node = self.tree.css_first(selector)
            if node is None:
                continue
            text = node.attributes.get("content") if node.tag == "meta" else node.text(separator=" ")
            if text and text.strip():
                return _clean(text)
        node = self.tree.css_first("title")
        return _clean(node.text()) if node is not None else ""

    @cached_property
    def scripts(self) -> list[str]:
        """The text of every inline <script>."""
        return [text for node in self.tree.css("script") if (text := node.text() or "").strip()]

    @cached_property
    def script_sources(self) -> list[str]:
        """Absolute URLs of the external scripts."""
        urls = (self.absolute(node.attributes.get("src") or "") for node in self.tree.css("script[src]"))
        return [url for url in urls if url]

    @cached_property
    def text(self) -> str:
        """The visible text of the body (scripts and styles left out)."""
        if self.tree.body is None:
            return ""
        body = LexborHTMLParser(self.tree.body.html).body  # a copy: the page's own tree keeps its scripts
        for node in body.css("script, style"):
            node.decompose()
        return _clean(body.text(separator=" "))

    def innermost_tables(self) -> list[tuple[str, list[list[str]]]]:
        """Tables that hold no other table (layout tables wrap content ones): (caption, rows of cell texts)."""
        tables = []
        for table in self.tree.css("table"):
            if len(table.css("table")) > 1:  # css() includes the node itself
                continue
            caption = table.css_first("caption")
            rows = [
                [_clean(cell.text(separator=" ")) for cell in row.css("td, th")] for row in table.css("tr")
            ]
            tables.append((_clean(caption.text()) if caption else "", [row for row in rows if row]))
        return tables

    def attributes_named(self, pattern: re.Pattern) -> list[str]:
        """Values of attributes whose name matches ``pattern`` (``data-url``, ``data-api`` ...)."""
        values = []
        for node in self.tree.css("*"):
            for name, value in node.attributes.items():
                if value and pattern.search(name):
                    values.append(value)
        return values


def extract_links(html: str, page_url: str) -> list[Link]:
    """Absolute http(s) links of a page, in page order, with their text (or title attribute)."""
    return Page(page_url, html).links


ASSIGNMENT_RE = re.compile(
    r"""(?:\bvar|\blet|\bconst|\bwindow\.)?\s*\b([A-Za-z_$][\w$]*)\s*=\s*(?:(['"])([^'"\n]*)\2|(-?\d+)\b)"""
)


def script_variables(scripts: list[str]) -> dict[str, str]:
    """Simple assignments in page scripts (``var countPage = 3``, ``channelId = "12"``): name -> value."""
    values: dict[str, str] = {}
    for script in scripts:
        for match in ASSIGNMENT_RE.finditer(script):
            name, text, number = match.group(1), match.group(3), match.group(4)
            values.setdefault(name, text if text is not None else number)
    return values
