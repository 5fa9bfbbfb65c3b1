"""A 部门预算 column drawn in the browser from a JSON API (``…/list?pageNo=N`` answering JSON).

As the newer Shanghai portals are built: the column page holds an empty ``<ul>`` and a
script that calls ``$.ajax({url: "/api/cms/article/list", data: {channelId, pageNo,
pageSize}})``; the API answers ``{"code": 200, "data": {"total": 14, "pageNo": 1,
"pageSize": 6, "records": [...]}}``, each record with ``title``, ``publishDate`` and
``url`` (a post, or for one record the PDF itself), one with a nested ``attachments``
list (``fileName`` / ``filePath``). Posts are plain HTML pages with PDF links; one holds
its tables inline.
"""

from __future__ import annotations

import json

from bench.portals.cms_site import DEFAULT_STALL_SECONDS, TABLES_HTML, CmsSite, stalling
from bench.portals.portal_server import Portal, Response, corpus_pdf, fake_xls, tiny_pdf

__all__ = ["build_json_portal"]

PAGE_SIZE = 6
API = "/api/cms/article/list"
COLUMN_PAGE = "/zwgk/yjsgk/bmys.html"

COLUMN_HTML = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>部门预算 - 预决算公开</title>
<script src="/static/js/jquery.min.js"></script></head>
<body><div class="crumb"><a href="/">首页</a> / <a href="/zwgk/">政务公开</a> / 部门预算</div>
<ul id="list" class="news-list"></ul><div id="pager"></div>
<script>
  var channelId = "3120";
  var pageSize = {page_size};
  function render(records) {{
    var html = "";
    $.each(records, function (i, r) {{
      html += '<li><a href="' + r.url + '" target="_blank">' + r.title + '</a><span>' + r.publishDate + '</span></li>';
    }});
    $("#list").html(html);
  }}
  function loadList(pageNo) {{
    $.ajax({{
      url: "{api}",
      type: "GET",
      dataType: "json",
      data: {{ channelId: channelId, pageNo: pageNo, pageSize: pageSize }},
      success: function (res) {{ render(res.data.records); renderPager(res.data.total, pageNo); }}
    }});
  }}
  $(function () {{ loadList(1); }});
</script></body></html>
"""

DETAIL = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="article"><h1 class="article-title">{title}</h1><div class="meta">发布时间：{date}</div>
<div class="article-content">{body}</div><div class="files">{links}</div></div>
<a href="{column}">返回列表</a></body></html>
"""

# (id, title, date, post or file, attachments as (file path, link text))
RECORDS = [
    (
        501,
        "上海市某区发展和改革委员会2024年部门预算",
        "2024-02-01",
        "post",
        [("/files/2024/501.pdf", "部门预算.pdf")],
    ),
    (502, "上海市某区发展和改革委员会2023年部门决算", "2023-08-02", "post", []),
    (503, "上海市某区某镇2024年单位预算", "2024-02-02", "file", []),  # the record links the PDF itself
    (
        504,
        "上海市某区科学技术委员会2024年部门预算",
        "2024-02-03",
        "post",
        [("/files/2024/504.pdf", "2024年部门预算.pdf"), ("/files/2024/504.xls", "2024年部门预算表.xls")],
    ),
    (505, "关于2024年区级部门预算公开有关事项的通知", "2024-01-20", "post", []),
    (506, "上海市某区体育局2024年部门预算", "2024-02-04", "post", []),  # tables inline
    (
        507,
        "上海市某区文化和旅游局2024年部门预算",
        "2024-02-05",
        "post",
        [("/files/2024/507.pdf", "部门预算.pdf"), ("/files/2024/507_stall.pdf", "部门预算（附件二）.pdf")],
    ),
    (
        508,
        "上海市某区文化和旅游局2024年部门预算（更正）",
        "2024-03-05",
        "post",
        [("/files/2024/508.pdf", "部门预算.pdf")],
    ),
    (509, "2024年某区部门预算公开情况解读", "2024-02-25", "post", []),
    (510, "上海市某区某街道2023年部门预算", "2023-02-10", "post", [("/files/2023/510.pdf", "部门预算.pdf")]),
    (511, "上海市某区某街道2022年部门决算", "2022-08-10", "post", []),
    (
        512,
        "上海市某区退役军人事务局2024年部门预算",
        "2024-02-06",
        "post",
        [("/files/2024/512.pdf", "部门预算.pdf")],
    ),
    (513, "上海市某区2024年政府预算公开目录（征求意见）", "2024-01-03", "post", []),
    (
        514,
        "上海市某区档案局2024年部门预算",
        "2024-02-07",
        "post",
        [("/files/2024/514.docx", "部门预算.docx")],
    ),
]
INLINE_ID = 506
STALLED = "/files/2024/507_stall.pdf"


def _bodies() -> dict[str, bytes]:
    culture = tiny_pdf("文旅局2024年部门预算")
    return {
        "/files/2024/501.pdf": corpus_pdf("minhang_district_2024"),
        "/files/2024/503.pdf": corpus_pdf("qingpu_liantang_2024"),
        "/files/2024/504.pdf": corpus_pdf("jiading_anting_2024"),
        "/files/2024/504.xls": fake_xls("科委2024年部门预算表"),
        "/files/2024/507.pdf": culture,
        "/files/2024/508.pdf": culture,  # the correction re-posts the same file
        "/files/2023/510.pdf": corpus_pdf("minhang_zhuanqiao_2023"),
        "/files/2024/512.pdf": tiny_pdf("退役军人事务局2024年部门预算"),
        "/files/2024/514.docx": b"PK\x03\x04\x14\x00word/document.xml" + b"\x00" * 256,
    }


def _record(record_id: int, title: str, date: str, kind: str, attachments) -> dict:
    url = f"/files/2024/{record_id}.pdf" if kind == "file" else f"/zwgk/yjsgk/content/{record_id}.html"
    out = {
        "id": record_id,
        "title": title,
        "publishDate": date,
        "url": url,
        "thumbnail": "/static/img/doc.png",
    }
    if record_id == 504:  # the API also lists this post's files
        out["attachments"] = [{"fileName": text, "filePath": path} for path, text in attachments]
    return out


def _api_page(number: int) -> bytes:
    records = [_record(*r) for r in RECORDS[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]]
    data = {"total": len(RECORDS), "pageNo": number, "pageSize": PAGE_SIZE, "records": records}
    return json.dumps({"code": 200, "message": "success", "data": data}, ensure_ascii=False).encode("utf-8")


def build_json_portal(portal: Portal, stall_seconds: float = DEFAULT_STALL_SECONDS) -> CmsSite:
    """Lay the column out on ``portal``; returns what an ad-hoc crawl of it must land."""
    p = portal
    p.routes["/robots.txt"] = lambda _h: Response(200, b"User-agent: *\nDisallow: /admin/\n")
    p.page(COLUMN_PAGE, COLUMN_HTML.format(page_size=PAGE_SIZE, api=API))
    pages = -(-len(RECORDS) // PAGE_SIZE)
    for number in range(1, pages + 1):
        body = _api_page(number)
        query = f"?channelId=3120&pageNo={number}&pageSize={PAGE_SIZE}"
        p.routes[API + query] = lambda _h, body=body: Response(
            200, body, {"Content-Type": "application/json;charset=UTF-8"}
        )
    bodies, kept = _bodies(), {}
    for record_id, title, date, kind, attachments in RECORDS:
        if kind == "file":
            continue
        links = "".join(f'<p><a href="{path}">{text}</a></p>' for path, text in attachments)
        body = (
            TABLES_HTML.format(unit="某区体育局")
            if record_id == INLINE_ID
            else "<p>现将部门预算公开如下。</p>"
        )
        html = DETAIL.format(title=title, date=date, body=body, links=links, column=COLUMN_PAGE)
        p.page(f"/zwgk/yjsgk/content/{record_id}.html", html)
        if record_id == INLINE_ID:
            kept[f"/zwgk/yjsgk/content/{record_id}.html"] = html.encode("utf-8")
    for path, body in bodies.items():
        kind = {"pdf": "application/pdf", "xls": "application/vnd.ms-excel"}.get(
            path.rsplit(".", 1)[1], "application/octet-stream"
        )
        p.file(path, body, kind)
    p.routes[STALLED] = stalling(p, tiny_pdf("stalled"), "application/pdf", stall_seconds)
    files = {path: body for path, body in bodies.items() if path != "/files/2024/508.pdf"}
    skipped_words = ("决算", "通知", "解读", "征求意见")
    return CmsSite(
        portal=p,
        family="json",
        start_url=p.url(COLUMN_PAGE),
        allow=r"/zwgk/yjsgk/content/",
        files=files,
        pages_kept=kept,
        duplicates={"/files/2024/508.pdf": "/files/2024/507.pdf"},
        stalled=STALLED,
        listing_paths=[COLUMN_PAGE]
        + [f"{API}?channelId=3120&pageNo={n}&pageSize={PAGE_SIZE}" for n in range(1, pages + 1)],
        not_budget_paths=[
            f"/zwgk/yjsgk/content/{r[0]}.html" for r in RECORDS if any(w in r[1] for w in skipped_words)
        ],
        posts_skipped={
            "excluded: 决算": 2,
            "excluded: 通知": 1,
            "excluded: 解读": 1,
            "excluded: 征求意见": 1,
        },
        posts_seen=len(RECORDS) + 2,  # the API lists 504's two files too
    )
