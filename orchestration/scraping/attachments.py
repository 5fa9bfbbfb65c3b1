"""What on a budget post is the budget: attachment links, and tables held in the page itself.

A link is an attachment when its URL ends in a document extension, when its text is a
file name (``2024年部门预算.pdf`` on a ``downfile.jsp?fileid=3`` link), when a query
parameter names a file (a PDF viewer's ``?file=/upload/a.pdf`` is unwrapped to the file),
when it is a download endpoint (``/module/download/downfile.jsp?...``, ``download.do?id=``,
``/attach/``), when the source's own ``attachment_pattern`` matches, or when it is a page
linked as the tables (``预算表（网页版）``). A post with no attachment whose page holds the
budget tables inline is kept as an HTML document, in the charset it declares.
"""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from .fetcher import normalize_url
from .pages import Link, Page, declared_charset

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "attachment_clue",
    "budget_table_count",
    "files_named_in_scripts",
    "html_document",
    "is_file_url",
]

DOCUMENT_EXTENSIONS = ("pdf", "xls", "xlsx", "doc", "docx", "wps", "et", "ofd", "zip", "rar")
PAGE_EXTENSIONS = ("", "html", "htm", "shtml", "jhtml", "xhtml", "jsp", "do", "aspx", "php")
TABLE_PAGE_WORDS = ("预算表", "网页版", "表格版")  # a post's link to its tables on a page of their own
DOWNLOAD_PATH_RE = re.compile(
    r"(?:down(?:load)?|attach(?:ment)?|getfile|fileget|filedown|readfile|showfile)[\w-]*"
    r"(?:\.(?:jsp|do|action|aspx?|ashx|php)|/)",
    re.IGNORECASE,
)
FILE_NAME_RE = re.compile(r"\.(" + "|".join(DOCUMENT_EXTENSIONS) + r")\s*$", re.IGNORECASE)
# words of the nine tables' titles and columns (docs: DOMAIN.md)
BUDGET_TABLE_WORDS = (
    "收支预算总表",
    "收支总表",
    "收入预算",
    "支出预算",
    "财政拨款",
    "一般公共预算",
    "政府性基金",
    "国有资本经营",
    "基本支出",
    "项目支出",
    "三公",
    "机关运行经费",
    "经济分类",
    "功能分类",
)
AMOUNT_RE = re.compile(r"^[-−]?\d[\d,，]*(?:\.\d+)?$")
MIN_TABLE_ROWS = 3
MIN_AMOUNT_CELLS = 4
CHARSET_META_RE = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
SCRIPT_FILE_RE = re.compile(
    r"""['"]([^'"\s<>]+\.(?:""" + "|".join(DOCUMENT_EXTENSIONS) + r"""))['"]""", re.IGNORECASE
)


def _extension(path: str) -> str:
    return splitext(unquote(path))[1].lstrip(".").lower()


def is_file_url(url: str) -> bool:
    """A URL whose path ends in a document extension, or a download endpoint."""
    path = urlsplit(url).path
    return _extension(path) in DOCUMENT_EXTENSIONS or bool(DOWNLOAD_PATH_RE.search(path))


def attachment_clue(link: Link, pattern: re.Pattern | None) -> tuple[str, str] | None:
    """(URL to fetch, what said it is a file) for an attachment link, else None."""
    parts = urlsplit(link.url)
    if _extension(parts.path) in DOCUMENT_EXTENSIONS:
        return link.url, "file extension in URL"
    for key, value in parse_qsl(parts.query):
        if FILE_NAME_RE.search(value):
            if "/" in value:  # a viewer showing a file: fetch the file itself
                return normalize_url(urljoin(link.url, value)), f"file in query parameter {key}="
            return link.url, f"file name in query parameter {key}="
    if FILE_NAME_RE.search(link.text):
        return link.url, "file name in link text"
    if DOWNLOAD_PATH_RE.search(parts.path):
        return link.url, "download endpoint"
    if pattern is not None and pattern.search(link.url):
        return link.url, "attachment_pattern"
    if link.tag in ("iframe", "embed", "object") and is_file_url(link.url):
        return link.url, f"embedded <{link.tag}>"
    if any(word in link.text for word in TABLE_PAGE_WORDS) and _extension(parts.path) in PAGE_EXTENSIONS:
        return link.url, "table page linked from the post"
    return None


def files_named_in_scripts(page: Page) -> list[str]:
    """Absolute URLs of documents a page's scripts name (``var files = [{"url": "/f/a.pdf"}]``)."""
    found: list[str] = []
    for script in page.scripts:
        for match in SCRIPT_FILE_RE.finditer(script):
            if "/" not in match.group(1):
                continue  # a file's name ("2024年部门预算.pdf"), not where it is
            url = page.absolute(match.group(1))
            if url and url not in found:
                found.append(url)
    return found


def _is_budget_table(rows: list[list[str]], context: str) -> bool:
    if len(rows) < MIN_TABLE_ROWS:
        return False
    amounts = sum(1 for row in rows for cell in row if AMOUNT_RE.match(cell.replace(" ", "")))
    text = context + " ".join(" ".join(row) for row in rows[:4])
    return amounts >= MIN_AMOUNT_CELLS and any(word in text for word in BUDGET_TABLE_WORDS)


def budget_table_count(page: Page) -> int:
    """How many of the page's innermost tables are budget tables (amounts under a table's words)."""
    title = page.title
    return sum(1 for caption, rows in page.innermost_tables() if _is_budget_table(rows, f"{title} {caption}"))


def html_document(body: bytes, content_type: str | None) -> bytes:
    """The page's bytes as served, with its charset declared inside when only the header said it."""
    if CHARSET_META_RE.search(body[:4096]):
        return body
    charset = declared_charset(body, content_type)
    if charset is None:
        try:
            body.decode("utf-8")
            charset = "utf-8"
        except UnicodeDecodeError:
            charset = "gb18030"
    return f'<meta charset="{charset}">\n'.encode("ascii") + body
