"""What a CMS-family test portal holds, and what a correct ad-hoc crawl of it must make of it.

Each family module (``trs_portal``, ``hanweb_portal``, ``json_portal``) lays out a 部门预算
column the way that CMS builds Shanghai's portals, and returns a ``CmsSite``: the URL a
user would start from, the ``--allow`` they would type, and the exact expected outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.portals.portal_server import Portal, Response

__all__ = ["CMS_TEST_LIMITS", "DEFAULT_STALL_SECONDS", "TABLES_HTML", "CmsSite", "stalling"]

DEFAULT_STALL_SECONDS = 10.0  # the tests' stall; bench/scrape_bench.py uses 90 s, as the issue saw

# The tests' waiting bounds: a 1 s read timeout, a 3 s deadline per URL, against a 10 s stall.
CMS_TEST_LIMITS = {
    "delay_seconds": 0.0,
    "concurrency": 2,
    "connect_timeout_seconds": 1.0,
    "read_timeout_seconds": 1.0,
    "deadline_seconds": 3.0,
    "retries": 2,
    "backoff_seconds": 0.05,
    "backoff_max_seconds": 0.2,
    "max_file_bytes": 1024 * 1024,
}

# The nine tables' first two, inline in a post as some towns publish them (amounts in 元).
TABLES_HTML = """
<p style="text-align:center"><strong>财务收支预算总表</strong></p>
<p>编制单位：{unit} 单位：元</p>
<table border="1" cellspacing="0">
<tr><td colspan="2">收入</td><td colspan="2">支出</td></tr>
<tr><td>项目</td><td>预算数</td><td>项目</td><td>预算数</td></tr>
<tr><td>一、财政拨款收入</td><td>5,370,000.00</td><td>一、一般公共服务支出</td><td>1,250,000.00</td></tr>
<tr><td>二、事业收入</td><td>&nbsp;</td><td>二、城乡社区支出</td><td>4,120,000.00</td></tr>
<tr><td>收入总计</td><td>5,370,000.00</td><td>支出总计</td><td>5,370,000.00</td></tr>
</table>
<p style="text-align:center"><strong>支出预算总表</strong></p>
<table border="1" cellspacing="0">
<tr><td>功能分类科目编码</td><td>功能分类科目名称</td><td>合计</td><td>基本支出</td><td>项目支出</td></tr>
<tr><td>201</td><td>一般公共服务支出</td><td>1,250,000.00</td><td>1,250,000.00</td><td></td></tr>
<tr><td>212</td><td>城乡社区支出</td><td>4,120,000.00</td><td>620,000.00</td><td>3,500,000.00</td></tr>
<tr><td></td><td>合计</td><td>5,370,000.00</td><td>1,870,000.00</td><td>3,500,000.00</td></tr>
</table>
"""


@dataclass
class CmsSite:
    portal: Portal
    family: str
    start_url: str
    allow: str  # the --allow regex a user would type for this portal
    files: dict[str, bytes]  # attachment path (query included) -> the bytes that must land, once
    pages_kept: dict[str, bytes]  # post path -> the page bytes kept as an HTML document
    duplicates: dict[str, str]  # re-posted path -> the path with the same bytes
    stalled: str  # the attachment whose server stalls before its first byte
    listing_paths: list[str]  # every listing page a crawl must read, once each
    not_budget_paths: list[str]  # posts a crawl must never request
    posts_skipped: dict[str, int]  # why the other posts are not budgets
    posts_seen: int
    extra: dict = field(default_factory=dict)


def stalling(portal: Portal, body: bytes, content_type: str, seconds: float):
    """A route that answers only after ``seconds`` (the stall ends early when the portal closes)."""
    return lambda _h: Response(200, body, {"Content-Type": content_type}, delay=seconds)
