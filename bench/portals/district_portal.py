"""A district disclosure portal served on 127.0.0.1, with the faults real portals have.

``build_district_portal`` lays out a 预决算公开 column like the Shanghai district sites: a
paginated listing (budget posts, 决算 and notices), detail pages with PDF / XLS / HTML-table
attachments, a PDF re-posted under a second URL, and a page of faulty attachments.
``build_bulk_portal`` is a large clean listing for throughput. Used by the tests and by
``bench/scrape_bench.py``.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import pikepdf

from bench.portals.portal_server import Portal, Response, corpus_pdf, fake_xls, tiny_pdf

__all__ = [
    "TEST_LIMITS",
    "Site",
    "build_bulk_portal",
    "build_district_portal",
    "detail_html",
    "listing_html",
    "source_entry",
]

SLOW_SECONDS = 2.0  # the "slow" attachment answers after this; tests time out well before
HUGE_BYTES = 3 * 1024 * 1024  # the oversized attachment; tests cap files at 1 MiB


# Fast enough for a test run, slow enough to show each mechanism: the "slow" file
# answers after 2 s, so a 0.25 s read timeout with 2 retries gives up in under a second.
TEST_LIMITS = {
    "delay_seconds": 0.0,
    "concurrency": 4,
    "connect_timeout_seconds": 1.0,
    "read_timeout_seconds": 0.25,
    "deadline_seconds": 5.0,
    "retries": 2,
    "backoff_seconds": 0.01,
    "backoff_max_seconds": 0.05,
    "max_file_bytes": 1024 * 1024,
    "max_pages": 10,
    "max_seconds": 60.0,
}
DETAIL_PATTERN = r"/zwgk/yjsgk/\d{8}/\w+\.html$"
ATTACHMENT_PATTERN = r"\.(pdf|xlsx?|docx?)(\?.*)?$|_tables\.html$"
LISTING_PATTERN = r"/zwgk/yjsgk/index(_\d+)?\.html$"


def source_entry(site: Site, **changes) -> dict:
    """The registry entry (as YAML would give it) of the test portal."""
    entry = {
        "name": "test_district",
        "description": "test portal on 127.0.0.1",
        "district": "闵行区",
        "level": "district",
        "start_urls": [site.start_url],
        "listing_pattern": LISTING_PATTERN,
        "detail_pattern": DETAIL_PATTERN,
        "attachment_pattern": ATTACHMENT_PATTERN,
        "title_include": ["预算"],
        "title_exclude": ["决算", "通知"],
        "limits": dict(TEST_LIMITS),
    }
    entry.update(changes)
    return entry


LISTING = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>预决算公开_上海市闵行区人民政府</title></head>
<body>
<div class="header"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 预决算公开</div>
<div class="nav"><a href="/about.html">关于我们</a> <a href="/search?q=预算">搜索</a></div>
<ul class="list">
{items}
</ul>
<div class="page">{pager}</div>
</body></html>
"""

DETAIL = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<div class="article"><h1>{title}</h1><div class="info">发布日期：{date} 来源：{unit}</div>
<div class="content"><p>根据《中华人民共和国预算法》和市、区关于预决算公开的要求，现将{title}予以公开。</p></div>
<div class="attachments"><p>附件：</p>
{links}
</div></div>
<div class="footer"><a href="/zwgk/yjsgk/index.html">返回列表</a></div>
</body></html>
"""

TABLE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>练塘镇城市运行管理中心2024年部门预算表</title></head><body>
<table border="1"><caption>财务收支预算总表 单位：元</caption>
<tr><th>项目</th><th>预算数</th></tr>
<tr><td>一、财政拨款收入</td><td>5,370,000.00</td></tr>
<tr><td>收入总计</td><td>5,370,000.00</td></tr>
</table></body></html>
"""


def listing_html(items: list[tuple[str, str, str]], pager: str) -> str:
    lines = [
        f'<li><a href="{href}" title="{title}" target="_blank">{title[:18]}</a><span>{date}</span></li>'
        for href, title, date in items
    ]
    return LISTING.format(items="\n".join(lines), pager=pager)


def detail_html(title: str, date: str, unit: str, links: list[tuple[str, str]]) -> str:
    body = "\n".join(f'<p><a href="{href}">{text}</a></p>' for href, text in links)
    return DETAIL.format(title=title, date=date, unit=unit, links=body)


@dataclass
class Site:
    """What the test portal holds and what a correct crawl must make of it."""

    portal: Portal
    start_url: str
    files: dict[str, bytes]  # attachment path -> bytes the crawler must store
    duplicates: dict[str, str]  # re-posted path -> path of the same bytes
    rejected: dict[str, str]  # attachment path -> reason tag
    rejected_pages: dict[str, str]  # detail page path -> reason tag
    corrected_path: str
    corrected_body: bytes
    not_budget_paths: list[str]


def build_district_portal(portal: Portal) -> Site:
    """Lay out the 预决算公开 column; returns the expected outcome of a first crawl."""
    p = portal
    mh_pdf = corpus_pdf("minhang_district_2024")
    lt_pdf = corpus_pdf("qingpu_liantang_2024")
    at_pdf = corpus_pdf("jiading_anting_2024")
    zq_pdf = corpus_pdf("minhang_zhuanqiao_2023")
    with pikepdf.open(io.BytesIO(zq_pdf)) as pdf:  # the same report, corrected and re-saved
        pdf.docinfo["/Title"] = "闵行区颛桥镇城市运行管理中心2023年部门预算（更正）"
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
        zq_corrected = buffer.getvalue()
    flaky_pdf = tiny_pdf("flaky 2024")
    moved_pdf = tiny_pdf("moved 2024")
    escape_pdf = tiny_pdf("escape 2024")
    mh_xls = fake_xls("闵行区城市运行管理中心2024年部门预算表")

    y = "/zwgk/yjsgk"
    p.routes["/robots.txt"] = lambda _h: Response(
        200, b"User-agent: *\nDisallow: /private/\nDisallow: /search\n", {"Content-Type": "text/plain"}
    )
    # -- listing: three pages, newest first -------------------------------------------------
    p.page(
        f"{y}/index.html",
        listing_html(
            [
                ("./20240201/mh_cyzx_2024.html", "上海市闵行区城市运行管理中心2024年部门预算", "2024-02-01"),
                (
                    "./20230801/mh_cyzx_js_2023.html",
                    "上海市闵行区城市运行管理中心2023年部门决算",
                    "2023-08-01",
                ),
                ("./20240110/notice.html", "关于做好2024年部门预算公开工作的通知", "2024-01-10"),
                (
                    "./20240205/lt_cyzx_2024.html",
                    "上海市青浦区练塘镇城市运行管理中心2024年部门预算",
                    "2024-02-05",
                ),
            ],
            '<a href="index.html">首页</a> <a href="index_1.html">下一页</a> <a href="index_2.html">尾页</a>',
        ),
    )
    p.page(
        f"{y}/index_1.html",
        listing_html(
            [
                (
                    "./20240210/at_cyzx_2024.html",
                    "上海市嘉定区安亭镇城市运行管理中心2024年部门预算",
                    "2024-02-10",
                ),
                (
                    "./20240301/at_cyzx_2024_rp.html",
                    "上海市嘉定区安亭镇城市运行管理中心2024年部门预算（重新发布）",
                    "2024-03-01",
                ),
                (
                    "./20230215/zq_cyzx_2023.html",
                    "上海市闵行区颛桥镇城市运行管理中心2023年部门预算",
                    "2023-02-15",
                ),
                ("./20230901/js_2022.html", "2022年度闵行区区级部门决算公开", "2023-09-01"),
            ],
            '<a href="index.html">上一页</a> <a href="index_2.html">下一页</a>',
        ),
    )
    p.page(
        f"{y}/index_2.html",
        listing_html(
            [
                ("./20240220/faults.html", "上海市闵行区某事业单位2024年单位预算", "2024-02-20"),
                ("./20240225/gone.html", "上海市闵行区某单位2024年部门预算（已撤回）", "2024-02-25"),
            ],
            '<a href="index_1.html">上一页</a>',
        ),
    )
    # -- detail pages and their attachments -------------------------------------------------
    up = "/upload/2024/02"
    p.page(
        f"{y}/20240201/mh_cyzx_2024.html",
        detail_html(
            "上海市闵行区城市运行管理中心2024年部门预算",
            "2024-02-01",
            "闵行区城市运行管理中心",
            [(f"{up}/mh_cyzx_2024.pdf", "2024年部门预算.pdf"), (f"{up}/mh_cyzx_2024.xls", "预算表.xls")],
        ),
    )
    p.file(f"{up}/mh_cyzx_2024.pdf", mh_pdf, "application/pdf")
    p.file(f"{up}/mh_cyzx_2024.xls", mh_xls, "application/vnd.ms-excel")
    p.page(
        f"{y}/20240205/lt_cyzx_2024.html",
        detail_html(
            "上海市青浦区练塘镇城市运行管理中心2024年部门预算",
            "2024-02-05",
            "练塘镇",
            [(f"{up}/lt_cyzx_2024.pdf", "部门预算.pdf"), ("lt_2024_tables.html", "预算表（网页版）")],
        ),
    )
    p.file(f"{up}/lt_cyzx_2024.pdf", lt_pdf, "application/octet-stream")
    p.file(f"{y}/20240205/lt_2024_tables.html", TABLE_PAGE.encode("utf-8"), "text/html; charset=utf-8")
    p.page(
        f"{y}/20240210/at_cyzx_2024.html",
        detail_html(
            "上海市嘉定区安亭镇城市运行管理中心2024年部门预算",
            "2024-02-10",
            "安亭镇",
            [(f"{up}/at_cyzx_2024.pdf", "安亭镇城运中心2024年预算.pdf")],
        ),
    )
    p.file(f"{up}/at_cyzx_2024.pdf", at_pdf, "application/pdf")
    p.page(
        f"{y}/20240301/at_cyzx_2024_rp.html",
        detail_html(
            "上海市嘉定区安亭镇城市运行管理中心2024年部门预算（重新发布）",
            "2024-03-01",
            "安亭镇",
            [("/upload/2024/03/P020240301_at.pdf", "安亭镇城运中心2024年预算.pdf")],
        ),
    )
    p.file("/upload/2024/03/P020240301_at.pdf", at_pdf, "application/pdf")
    p.page(
        f"{y}/20230215/zq_cyzx_2023.html",
        detail_html(
            "上海市闵行区颛桥镇城市运行管理中心2023年部门预算",
            "2023-02-15",
            "颛桥镇",
            [("/upload/2023/02/zq_cyzx_2023.pdf", "2023年部门预算.pdf")],
        ),
    )
    p.file("/upload/2023/02/zq_cyzx_2023.pdf", zq_pdf, "application/pdf")
    # the page of faults: each attachment breaks in one way real portals do
    flaky_calls = Counter()

    def flaky(h: dict[str, str]) -> Response:
        flaky_calls["n"] += 1
        if flaky_calls["n"] == 1:
            return Response(500, b"<html><body>500 Internal Server Error</body></html>")
        return Portal._static(h, flaky_pdf, "application/pdf", {})

    p.routes[f"{up}/flaky.pdf"] = flaky
    p.routes[f"{up}/slow.pdf"] = lambda _h: Response(
        200, tiny_pdf("slow"), {"Content-Type": "application/pdf"}, delay=SLOW_SECONDS
    )
    p.routes[f"{up}/loop.pdf"] = lambda _h: Response(302, b"", {"Location": f"{up}/loop_b.pdf"})
    p.routes[f"{up}/loop_b.pdf"] = lambda _h: Response(302, b"", {"Location": p.url(f"{up}/loop.pdf")})
    p.routes[f"{up}/moved.pdf"] = lambda _h: Response(
        301, b"", {"Location": "/upload/2024/02/P0201_moved.pdf"}
    )
    p.file(f"{up}/P0201_moved.pdf", moved_pdf, "application/pdf")
    p.file("/private/2024/internal.pdf", tiny_pdf("internal"), "application/pdf")
    p.file(f"{up}/offhost.pdf", tiny_pdf("offhost"), "application/pdf")
    p.routes[f"{up}/error.pdf"] = lambda _h: Response(
        200,
        "<html><head><title>错误</title></head><body>您访问的页面不存在或已删除</body></html>".encode(),
        {"Content-Type": "text/html; charset=utf-8"},
    )
    huge = b"%PDF-1.4\n" + b"0" * HUGE_BYTES
    p.routes[f"{up}/huge_declared.pdf"] = lambda _h: Response(200, huge, {"Content-Type": "application/pdf"})
    p.routes[f"{up}/away.pdf"] = lambda _h: Response(
        302, b"", {"Location": p.url(f"{up}/offhost.pdf", host="localhost")}
    )
    p.routes[f"{up}/huge.pdf"] = lambda _h: Response(
        200, huge, {"Content-Type": "application/pdf"}, send_length=False
    )
    escape_path = f"{up}/..%2F..%2F..%2Fescape.pdf"
    p.file(
        escape_path,
        escape_pdf,
        "application/pdf",
        **{
            "Content-Disposition": "attachment; filename=\"../../../escape.pdf\"; filename*=UTF-8''..%2F..%2F..%2Fescape.pdf"
        },
    )
    p.page(
        f"{y}/20240220/faults.html",
        detail_html(
            "上海市闵行区某事业单位2024年单位预算",
            "2024-02-20",
            "某事业单位",
            [
                (f"{up}/flaky.pdf", "预算（服务器偶发错误）.pdf"),
                (f"{up}/slow.pdf", "预算（超时）.pdf"),
                (f"{up}/missing.pdf", "预算（已删除）.pdf"),
                (f"{up}/loop.pdf", "预算（重定向循环）.pdf"),
                (f"{up}/moved.pdf", "预算（已迁移）.pdf"),
                ("/private/2024/internal.pdf", "内部文件.pdf"),
                (p.url(f"{up}/offhost.pdf", host="localhost"), "外站附件.pdf"),
                (f"{up}/error.pdf", "预算（错误页）.pdf"),
                (f"{up}/huge.pdf", "预算（超大）.pdf"),
                (f"{up}/huge_declared.pdf", "预算（超大，已声明长度）.pdf"),
                (f"{up}/away.pdf", "预算（转外站）.pdf"),
                (escape_path, "../../escape.pdf"),
            ],
        ),
    )
    # gone.html has no route: the detail page answers 404
    return Site(
        portal=p,
        start_url=p.url(f"{y}/index.html"),
        files={
            f"{up}/mh_cyzx_2024.pdf": mh_pdf,
            f"{up}/mh_cyzx_2024.xls": mh_xls,
            f"{up}/lt_cyzx_2024.pdf": lt_pdf,
            f"{y}/20240205/lt_2024_tables.html": TABLE_PAGE.encode("utf-8"),
            f"{up}/at_cyzx_2024.pdf": at_pdf,
            "/upload/2023/02/zq_cyzx_2023.pdf": zq_pdf,
            f"{up}/flaky.pdf": flaky_pdf,
            f"{up}/moved.pdf": moved_pdf,
            escape_path: escape_pdf,
        },
        duplicates={"/upload/2024/03/P020240301_at.pdf": f"{up}/at_cyzx_2024.pdf"},
        rejected={
            f"{up}/slow.pdf": "timeout",
            f"{up}/missing.pdf": "http_404",
            f"{up}/loop.pdf": "redirect_loop",
            "/private/2024/internal.pdf": "robots_disallowed",
            f"{up}/offhost.pdf": "off_host",
            f"{up}/error.pdf": "html_error_page",
            f"{up}/huge.pdf": "too_large",
            f"{up}/huge_declared.pdf": "too_large",
            f"{up}/away.pdf": "redirect_off_host",
        },
        rejected_pages={f"{y}/20240225/gone.html": "http_404"},
        corrected_path="/upload/2023/02/zq_cyzx_2023.pdf",
        corrected_body=zq_corrected,
        not_budget_paths=[
            f"{y}/20230801/mh_cyzx_js_2023.html",
            f"{y}/20240110/notice.html",
            f"{y}/20230901/js_2022.html",
        ],
    )


def build_bulk_portal(portal: Portal, posts: int = 200, files_per_post: int = 2, per_page: int = 20) -> str:
    """A large clean listing for throughput: ``posts`` budget posts, each with small PDFs."""
    portal.routes["/robots.txt"] = lambda _h: Response(200, b"User-agent: *\nDisallow:\n")
    pages = (posts + per_page - 1) // per_page
    for page in range(pages):
        items = []
        for i in range(page * per_page, min(posts, (page + 1) * per_page)):
            items.append(
                (f"./2024{i:04d}/post{i}.html", f"上海市某区某单位{i}号2024年部门预算", "2024-02-01")
            )
            links = []
            for j in range(files_per_post):
                path = f"/upload/bulk/{i}_{j}.pdf"
                portal.file(path, tiny_pdf(f"bulk {i} {j}"), "application/pdf")
                links.append((path, f"附件{j + 1}.pdf"))
            portal.page(
                f"/bulk/2024{i:04d}/post{i}.html",
                detail_html(f"单位{i}号2024年部门预算", "2024-02-01", "某单位", links),
            )
        pager = f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < pages else ""
        name = "index.html" if page == 0 else f"index_{page}.html"
        portal.page(f"/bulk/{name}", listing_html(items, pager))
    return portal.url("/bulk/index.html")
