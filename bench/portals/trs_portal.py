"""A TRS WCM-built 部门预算 column: static ``index.html``, ``index_1.html`` ... and a script pager.

As TRS publishes Shanghai's district portals: listing pages ``index.html`` then
``index_1.html``, ``index_2.html`` (page 2 is ``_1``); the pager is drawn in the browser by
``createPageHTML(3, 0, "index", "html")`` (the function defined inline beside the call), so
the HTML holds no link to page 2. Titles are cut in the text and whole in ``title=``,
except one cut title with no ``title=`` (its page's ``ArticleTitle`` says what it is). One post
holds its tables inline and nothing else (kept as HTML); another shows them beside its PDF.
Posts live in ``./YYYYMM/tYYYYMMDD_N.html``; attachments are ``./P0YYYYMMDD….pdf`` beside
the post, linked by their file name, with TRS's ``OLDSRC`` attribute.
"""

from __future__ import annotations

from bench.portals.cms_site import DEFAULT_STALL_SECONDS, TABLES_HTML, CmsSite, stalling
from bench.portals.portal_server import Portal, Response, corpus_pdf, fake_xls, tiny_pdf

__all__ = ["build_trs_portal"]

COLUMN = "/xxgk/bmys"
PAGER_SCRIPT = """<script language="JavaScript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){{
  if(_nPageCount == null || _nPageCount<=1){{ return; }}
  var nCurrIndex = _nCurrIndex || 0;
  document.write("共" + _nPageCount + "页&nbsp;");
  if(nCurrIndex == 0) document.write("首页&nbsp;上一页&nbsp;");
  else document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
}}
</script>
<script language="JavaScript">createPageHTML({total}, {current}, "index", "html");</script>"""

LISTING = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>部门预算_信息公开_上海市某区人民政府</title>
<meta name="ColumnName" content="部门预算"><meta name="SiteName" content="上海市某区人民政府"></head>
<body><div class="position">当前位置：<a href="../../">首页</a> &gt; <a href="../">信息公开</a> &gt;
<a href="./">部门预算</a></div>
<div class="menu"><a href="../zcwj/">政策文件</a> <a href="../jggk/">机构概况</a></div>
<ul class="uli14 nowrapli list-date">
{items}
</ul>
<div class="pagination">{pager}</div></body></html>
"""

DETAIL = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 10:00">
<title>{title}_部门预算_上海市某区人民政府</title></head>
<body><div class="position"><a href="../../../">首页</a> &gt; <a href="../">部门预算</a></div>
<h2 class="Article-title">{title}</h2>
<div class="Article_content"><div class="TRS_Editor"><p>根据预算法规定，现将{title}公开如下。</p>{body}</div>
<div class="fujian">{links}</div></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<img src="./W020240201334455.jpg"></body></html>
"""


def _item(href: str, title: str, date: str, *, title_attribute: bool = True) -> str:
    shown = title if len(title) <= 16 else title[:16] + "…"
    attribute = f' title="{title}"' if title_attribute else ""
    return f'<li><a href="{href}" target="_blank"{attribute}>{shown}</a><span>{date}</span></li>'


def _file_link(name: str, text: str) -> str:
    return f'<p><a href="./{name}" OLDSRC="/protect/{name}" target="_blank">{text}</a></p>'


# (listing page, post file, title, date, attachments as (file name, link text), inline tables)
POSTS = [
    (
        0,
        "202402/t20240201_1001.html",
        "上海市某区财政局2024年部门预算",
        "2024-02-01",
        [
            ("P020240201001.pdf", "上海市某区财政局2024年部门预算.pdf"),
            ("P020240201002.xls", "2024年部门预算表.xls"),
        ],
    ),
    (0, "202308/t20230815_0931.html", "上海市某区财政局2023年部门决算", "2023-08-15", []),
    (0, "202401/t20240110_0977.html", "关于做好2024年部门预算公开工作的通知", "2024-01-10", []),
    (
        0,
        "202402/t20240202_1002.html",
        "上海市某区城市运行管理中心2024年部门预算",
        "2024-02-02",
        [("P020240202003.pdf", "城运中心2024年部门预算.pdf")],
    ),
    (
        0,
        "202402/t20240203_1003.html",
        "上海市某区教育局2024年部门预算",
        "2024-02-03",
        [("P020240203004.pdf", "教育局2024年部门预算.pdf")],
    ),
    (
        1,
        "202402/t20240205_1004.html",
        "上海市某区卫生健康委员会2024年部门预算",
        "2024-02-05",
        [("P020240205005.pdf", "卫健委2024年部门预算.pdf")],
    ),
    (
        1,
        "202403/t20240301_1010.html",
        "上海市某区卫生健康委员会2024年部门预算（更新）",
        "2024-03-01",
        [("P020240301006.pdf", "卫健委2024年部门预算.pdf")],
    ),
    (1, "202401/t20240105_0970.html", "上海市某区2024年部门预算编制办法（征求意见稿）", "2024-01-05", []),
    (
        1,
        "202402/t20240206_1005.html",
        "上海市某区某街道办事处2024年单位预算",
        "2024-02-06",
        [
            ("P020240206007.pdf", "街道2024年单位预算.pdf"),
            ("P020240206008.pdf", "街道2024年单位预算（附表）.pdf"),
        ],
    ),
    (1, "202402/t20240220_1020.html", "图说：2024年区级部门预算解读", "2024-02-20", []),
    (
        2,
        "202302/t20230210_0801.html",
        "上海市某区某镇2023年部门预算",
        "2023-02-10",
        [("P020230210009.pdf", "某镇2023年部门预算.pdf")],
    ),
    (2, "202309/t20230901_0944.html", "上海市某区某局2022年度部门决算公开", "2023-09-01", []),
    (2, "202402/t20240207_1006.html", "上海市某区民政局2024年部门预算", "2024-02-07", []),  # tables inline
]
CUT_TITLE_POST = "202402/t20240203_1003.html"  # listed as "上海市某区教育局2024年部门预…" with no title=
INLINE_POST = "202402/t20240207_1006.html"
PREVIEW_POST = "202402/t20240201_1001.html"  # tables shown beside its PDF: the PDF is the document
STALLED_FILE = "P020240206007.pdf"


def build_trs_portal(portal: Portal, stall_seconds: float = DEFAULT_STALL_SECONDS) -> CmsSite:
    """Lay the column out on ``portal``; returns what an ad-hoc crawl of it must land."""
    p = portal
    p.routes["/robots.txt"] = lambda _h: Response(200, b"User-agent: *\nDisallow: /protect/\n")
    bodies = {
        "P020240201001.pdf": corpus_pdf("minhang_district_2024"),
        "P020240201002.xls": fake_xls("财政局2024年部门预算表"),
        "P020240202003.pdf": corpus_pdf("qingpu_liantang_2024"),
        "P020240203004.pdf": tiny_pdf("教育局2024年部门预算"),
        "P020240205005.pdf": corpus_pdf("jiading_anting_2024"),
        "P020240206007.pdf": tiny_pdf("街道2024年单位预算"),
        "P020240206008.pdf": tiny_pdf("街道2024年单位预算附表"),
        "P020230210009.pdf": corpus_pdf("minhang_zhuanqiao_2023"),
    }
    bodies["P020240301006.pdf"] = bodies["P020240205005.pdf"]  # the same PDF, posted again
    pages: dict[int, list[str]] = {0: [], 1: [], 2: []}
    files, kept = {}, {}
    for page, post, title, date, attachments in POSTS:
        pages[page].append(_item(f"./{post}", title, date, title_attribute=post != CUT_TITLE_POST))
        folder = f"{COLUMN}/{post.split('/')[0]}"
        links = "".join(_file_link(name, text) for name, text in attachments)
        html = DETAIL.format(
            title=title,
            date=date,
            # the tables inline: the whole document on one post, a preview beside the PDF on another
            body=TABLES_HTML.format(unit="某区民政局") if post in (INLINE_POST, PREVIEW_POST) else "",
            links=links,
        )
        p.page(f"{COLUMN}/{post}", html)
        if post == INLINE_POST:
            kept[f"{COLUMN}/{post}"] = html.encode("utf-8")
        for name, _ in attachments:
            content_type = "application/pdf" if name.endswith(".pdf") else "application/vnd.ms-excel"
            if name == STALLED_FILE:
                p.routes[f"{folder}/{name}"] = stalling(p, bodies[name], content_type, stall_seconds)
            else:
                p.file(f"{folder}/{name}", bodies[name], content_type)
                files[f"{folder}/{name}"] = bodies[name]
    for page, items in pages.items():
        name = "index.html" if page == 0 else f"index_{page}.html"
        p.page(
            f"{COLUMN}/{name}",
            LISTING.format(items="\n".join(items), pager=PAGER_SCRIPT.format(total=3, current=page)),
        )
    duplicate = f"{COLUMN}/202403/P020240301006.pdf"
    del files[duplicate]
    return CmsSite(
        portal=p,
        family="trs",
        start_url=p.url(f"{COLUMN}/index.html"),
        allow=r"/xxgk/bmys/",
        files=files,
        pages_kept=kept,
        duplicates={duplicate: f"{COLUMN}/202402/P020240205005.pdf"},
        stalled=f"{COLUMN}/202402/{STALLED_FILE}",
        listing_paths=[f"{COLUMN}/index.html", f"{COLUMN}/index_1.html", f"{COLUMN}/index_2.html"],
        not_budget_paths=[f"{COLUMN}/{post}" for _, post, title, _, _ in POSTS if not _is_budget(title)],
        posts_skipped={
            "excluded: 决算": 2,
            "excluded: 通知": 1,
            "excluded: 征求意见": 1,
            "excluded: 解读": 1,
        },
        posts_seen=len(POSTS),
    )


def _is_budget(title: str) -> bool:
    return not any(word in title for word in ("决算", "通知", "征求意见", "解读"))
