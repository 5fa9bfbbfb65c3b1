"""A Hanweb (大汉) JCMS-built 部门预算 column: GBK ``.jhtml`` pages, files behind ``downfile.jsp``.

As JCMS publishes Shanghai's district portals: the column is ``/col/col4521/index.jhtml``,
its pages ``index.jhtml?uid=9001&pageNum=N`` (page 1 also answers under ``pageNum=1``, the
same bytes), drawn as ``共3页 首页 上一页 1 2 3 下一页 尾页``; posts are
``/art/YYYY/M/D/art_4521_N.jhtml``; pages are GB2312 (declared in ``<meta>`` only, the
header says ``text/html``). Attachments sit behind ``/module/download/downfile.jsp?classid=0&fileid=N``
and their name is only in ``Content-Disposition`` (raw GBK bytes, or RFC 5987 UTF-8); the
link says 附件1 or 下载. One town shows its tables in the post itself.
"""

from __future__ import annotations

from bench.portals.cms_site import DEFAULT_STALL_SECONDS, TABLES_HTML, CmsSite
from bench.portals.portal_server import Portal, Response, corpus_pdf, fake_xlsx, tiny_pdf

__all__ = ["build_hanweb_portal"]

COLUMN = "/col/col4521"
DOWNLOAD = "/module/download/downfile.jsp?classid=0&fileid="
CHARSET = "gb2312"

LISTING = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>部门预算 上海市某区人民政府</title></head>
<body><div class="dqwz">当前位置：<a href="/index.html">首页</a> &gt; <a href="/col/col4500/index.html">政府信息公开</a>
&gt; <a href="/col/col4521/index.jhtml">部门预算</a></div>
<div class="default_pgContainer"><ul>
{items}
</ul></div>
<div class="default_pgPanel">共3页 共{total}条 {pager}</div></body></html>
"""

DETAIL = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="{title}"><title>{title}</title></head>
<body><div class="dqwz"><a href="/index.html">首页</a> &gt; <a href="/col/col4521/index.jhtml">部门预算</a></div>
<div class="main-txt"><h1>{title}</h1><div class="zoom">{body}</div>
<div class="fj">{links}</div></div>
<div class="bottom"><a href="javascript:window.print();">打印</a>
<a href="/jrobot/search.do?webid=1">站内搜索</a></div></body></html>
"""


def _page_url(number: int) -> str:
    return f"{COLUMN}/index.jhtml?uid=9001&pageNum={number}"


def _pager_link(number: int, text: str) -> str:
    return f'<a href="{_page_url(number).replace("&", "&amp;")}">{text}</a>'


def _pager(current: int, last: int = 3) -> str:
    """共3页 首页 上一页 1 2 3 下一页 尾页, as JCMS draws it."""
    numbers = " ".join(_pager_link(n, str(n)) for n in range(1, last + 1))
    previous, following = (
        _pager_link(max(1, current - 1), "上一页"),
        _pager_link(min(last, current + 1), "下一页"),
    )
    return f"{_pager_link(1, '首页')} {previous} {numbers} {following} {_pager_link(last, '尾页')}"


def _gbk_disposition(name: str) -> str:
    """``Content-Disposition`` with the name as raw GBK bytes, as JCMS sends it (a str of Latin-1 code points)."""
    return 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"'


# (listing page, post path, title, date, attachments as (file id, link text), inline tables)
POSTS = [
    (
        1,
        "/art/2024/2/1/art_4521_78901.jhtml",
        "上海市某区司法局2024年部门预算",
        "2024-02-01",
        [("88101", "附件1"), ("88102", "2024年部门预算（Excel版）")],
    ),
    (1, "/art/2023/8/20/art_4521_77001.jhtml", "上海市某区司法局2023年部门决算", "2023-08-20", []),
    (1, "/art/2024/1/15/art_4521_78801.jhtml", "关于某区2024年部门预算公开的公告", "2024-01-15", []),
    (
        1,
        "/art/2024/2/3/art_4521_78903.jhtml",
        "上海市某区商务委员会2024年部门预算",
        "2024-02-03",
        [("88103", "下载")],
    ),
    (
        2,
        "/art/2024/2/4/art_4521_78904.jhtml",
        "上海市某区某镇2024年部门预算",
        "2024-02-04",
        [],
    ),  # tables inline
    (
        2,
        "/art/2024/2/5/art_4521_78905.jhtml",
        "上海市某区市场监督管理局2024年部门预算",
        "2024-02-05",
        [("88104", "市场监管局2024年部门预算.pdf")],
    ),
    (
        2,
        "/art/2024/3/1/art_4521_79001.jhtml",
        "上海市某区市场监督管理局2024年部门预算（重新发布）",
        "2024-03-01",
        [("88114", "市场监管局2024年部门预算.pdf")],
    ),
    (2, "/art/2024/1/8/art_4521_78701.jhtml", "上海市某区2024年区级预算草案征求意见", "2024-01-08", []),
    (
        3,
        "/art/2024/2/6/art_4521_78906.jhtml",
        "上海市某区绿化和市容管理局2024年单位预算",
        "2024-02-06",
        [("88150", "附件1"), ("88105", "附件2")],
    ),
    (
        3,
        "/art/2023/2/9/art_4521_70006.jhtml",
        "上海市某区某街道2023年部门预算",
        "2023-02-09",
        [("88106", "附件")],
    ),
    (3, "/art/2023/9/2/art_4521_77102.jhtml", "上海市某区2023年部门决算汇总", "2023-09-02", []),
]
INLINE_POST = "/art/2024/2/4/art_4521_78904.jhtml"
STALLED_ID = "88150"


def _files() -> dict[str, tuple[bytes, str, str]]:
    """file id -> (bytes, Content-Type, Content-Disposition)."""
    pdf = "application/octet-stream"
    market = corpus_pdf("jiading_anting_2024")
    return {
        "88101": (corpus_pdf("minhang_district_2024"), pdf, _gbk_disposition("司法局2024年部门预算.pdf")),
        "88102": (
            fake_xlsx("司法局2024年部门预算表"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attachment; filename*=UTF-8''%E9%83%A8%E9%97%A8%E9%A2%84%E7%AE%97%E8%A1%A8.xlsx",
        ),
        "88103": (corpus_pdf("qingpu_liantang_2024"), pdf, "attachment;filename=P020240203.pdf"),
        "88104": (market, pdf, _gbk_disposition("市场监管局2024年部门预算.pdf")),
        "88114": (market, pdf, _gbk_disposition("市场监管局2024年部门预算.pdf")),
        "88105": (
            tiny_pdf("绿化市容局2024年单位预算"),
            pdf,
            _gbk_disposition("绿化市容局2024年单位预算.pdf"),
        ),
        "88106": (corpus_pdf("minhang_zhuanqiao_2023"), pdf, _gbk_disposition("某街道2023年部门预算.pdf")),
        "88150": (tiny_pdf("stalled"), pdf, _gbk_disposition("绿化市容局预算说明.pdf")),
    }


def _serve_file(
    portal: Portal, file_id: str, body: bytes, content_type: str, disposition: str, delay: float
) -> None:
    headers = {"Content-Type": content_type, "Content-Disposition": disposition}
    portal.routes[DOWNLOAD + file_id] = lambda _h: Response(200, body, headers, delay=delay)


def build_hanweb_portal(portal: Portal, stall_seconds: float = DEFAULT_STALL_SECONDS) -> CmsSite:
    """Lay the column out on ``portal``; returns what an ad-hoc crawl of it must land."""
    p = portal
    files = _files()
    pages: dict[int, list[str]] = {1: [], 2: [], 3: []}
    kept = {}
    for page, path, title, date, attachments in POSTS:
        pages[page].append(
            f'<li><span class="bt-data-time">{date}</span><a href="{path}" title="{title}" target="_blank">{title}</a></li>'
        )
        links = "".join(
            f'<p><a href="{DOWNLOAD}{file_id}" target="_blank">{text}</a></p>'
            for file_id, text in attachments
        )
        body = TABLES_HTML.format(unit="某镇人民政府") if path == INLINE_POST else "<p>现予公开。</p>"
        html = DETAIL.format(title=title, body=body, links=links.replace("&", "&amp;"))
        p.page(path, html, charset=CHARSET, content_type="text/html")
        if path == INLINE_POST:
            kept[path] = html.encode(CHARSET)
    for file_id, (body, content_type, disposition) in files.items():
        _serve_file(
            p, file_id, body, content_type, disposition, stall_seconds if file_id == STALLED_ID else 0.0
        )
    for number, items in pages.items():
        html = LISTING.format(items="\n".join(items), total=len(POSTS), pager=_pager(number))
        p.page(_page_url(number), html, charset=CHARSET, content_type="text/html")
        if number == 1:
            p.page(f"{COLUMN}/index.jhtml", html, charset=CHARSET, content_type="text/html")
    landed = {DOWNLOAD + i: files[i][0] for i in ("88101", "88102", "88103", "88104", "88105", "88106")}
    return CmsSite(
        portal=p,
        family="hanweb",
        start_url=p.url(f"{COLUMN}/index.jhtml"),
        allow=r"/art/\d{4}/",
        files=landed,
        pages_kept=kept,
        duplicates={DOWNLOAD + "88114": DOWNLOAD + "88104"},
        stalled=DOWNLOAD + STALLED_ID,
        listing_paths=[f"{COLUMN}/index.jhtml", _page_url(2), _page_url(3)],
        not_budget_paths=[
            path for _, path, title, _, _ in POSTS if any(w in title for w in ("决算", "公告", "征求意见"))
        ],
        posts_skipped={"excluded: 决算": 2, "excluded: 公告": 1, "excluded: 征求意见": 1},
        posts_seen=len(POSTS),
        extra={"same_as_page_1": _page_url(1)},
    )
