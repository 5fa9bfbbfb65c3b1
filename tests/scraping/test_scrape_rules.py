"""The general rules, on generated pages: pagers, JSON APIs and answers, attachments, inline tables, titles.

No server here: each case is a page (or JSON answer) as some portal family writes it, and the
exact URLs the rule must find. The portal tests run the same rules end to end.
"""

from __future__ import annotations

import re

import pytest

from orchestration.scraping.attachments import (
    attachment_clue,
    budget_table_count,
    files_named_in_scripts,
    html_document,
)
from orchestration.scraping.content import disposition_filename, judge
from orchestration.scraping.json_listing import api_endpoints, json_entries, next_json_page, parse_json
from orchestration.scraping.pages import Link, Page
from orchestration.scraping.pagination import is_pager_text, listing_links
from orchestration.scraping.titles import title_verdict, worth_resolving

H = "http://www.example.gov.cn"


def _in_folder(folder: str):
    return lambda url: url.startswith(H + folder)


def _links(html: str, url: str, folder: str = "/col/") -> list[tuple[str, str]]:
    return [
        (link.url.removeprefix(H), link.found_by)
        for link in listing_links(Page(url, html), _in_folder(folder))
    ]


@pytest.mark.parametrize(
    ("text", "pager"),
    [
        ("下一页", True),
        ("下一页>>", True),
        ("尾页", True),
        ("末页", True),
        ("[3]", True),
        ("第2页", True),
        ("12", True),
        ("»", True),
        ("Next", True),
        ("2024", False),  # a year, not a page
        ("上海市某局2024年部门预算", False),
        ("更多", False),
    ],
)
def test_pager_link_texts(text, pager):
    assert is_pager_text(text) is pager


def test_trs_pager_with_an_element_id_and_variables():
    html = (
        "<html><body><script>var countPage = 4;var currentPage = 1;"
        "createPageHTML('page_div', countPage, currentPage, 'index', 'shtml', 73);</script></body></html>"
    )
    assert _links(html, H + "/col/bmys/index_1.shtml") == [
        ("/col/bmys/index.shtml", "createPageHTML script (4 pages)"),
        ("/col/bmys/index_2.shtml", "createPageHTML script (4 pages)"),
        ("/col/bmys/index_3.shtml", "createPageHTML script (4 pages)"),
    ]


def test_a_pager_function_defined_inline_is_not_taken_for_a_call():
    html = "<script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ }</script>"
    assert _links(html, H + "/col/bmys/index.html") == []


def test_pager_links_stay_in_scope_and_first_page_needs_a_page_shaped_url():
    html = (
        '<a href="/">首页</a><a href="/col/bmys/index.html">首页</a><a href="/col/bmys/index_2.html">3</a>'
        '<a href="/other/index_1.html">2</a><a href="/col/bmys/list.jsp?cat=3&amp;page=4">尾页</a>'
        '<a href="/col/bmys/">部门预算</a><a href="/col/bmys/t2024_1.html">上海市某局2024年部门预算</a>'
    )
    assert _links(html, H + "/col/bmys/index_1.html") == [
        ("/col/bmys/index.html", "pager link '首页'"),
        ("/col/bmys/index_2.html", "pager link '3'"),
        ("/col/bmys/list.jsp?cat=3&page=4", "pager link '尾页'"),
    ]


def test_siblings_and_page_parameters_without_pager_text():
    html = '<a href="index_2.htm"><img src="n.gif"></a><a href="list.do?channel=5&amp;pageNo=2"><b></b></a>'
    assert _links(html, H + "/col/list.do?channel=5&pageNo=1") == [
        ("/col/list.do?channel=5&pageNo=2", "page parameter")
    ]
    assert _links(html, H + "/col/index.htm") == [("/col/index_2.htm", "index_N sibling")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # 共N页 with a pager drawn by script: index_1 is page 2 on TRS, page 1 elsewhere; one extra 404 is quiet
        (
            "/col/bmys/index.html",
            ["/col/bmys/index_1.html", "/col/bmys/index_2.html", "/col/bmys/index_3.html"],
        ),
        ("/col/list.jsp?cat=3&page=1", ["/col/list.jsp?cat=3&page=2", "/col/list.jsp?cat=3&page=3"]),
    ],
)
def test_page_count_text_generates_tentative_pages(url, expected):
    html = '<div class="page">共3页 <span id="pager"></span></div>'
    found = listing_links(Page(H + url, html), _in_folder("/col/"))
    assert [link.url.removeprefix(H) for link in found] == expected
    assert {(link.found_by, link.tentative) for link in found} == {("page count text (共3页)", True)}


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            'var cid = "12"; function load(n){ fetch("/api/list?cid=" + cid + "&pageNo=" + n).then(r => r.json()); }',
            "/api/list?cid=12&pageNo=1",
        ),
        (
            "$.getJSON('/site/data/list.json', {page: 1, size: 20}, show);",
            "/site/data/list.json?page=1&size=20",
        ),
        (
            "const api = '/gov/api/notice'; axios.get(api, {params: {pageIndex: p, type: 'ys'}});",
            "/gov/api/notice?pageIndex=1&type=ys",
        ),
        (
            '$.ajax({url: "/api/cms/list", type: "GET", data: {channelId: 7, pageNum: pageNum}, success: f});',
            "/api/cms/list?channelId=7&pageNum=1",
        ),
    ],
)
def test_json_api_found_in_a_script(script, expected):
    page = Page(H + "/col/bmys.html", f"<html><body><ul id=list></ul><script>{script}</script></body></html>")
    assert api_endpoints(page) == [H + expected]


def test_json_api_in_a_data_attribute_and_static_files_are_not_apis():
    html = (
        '<script src="/js/jquery.min.js"></script><div id="list" data-url="/api/notices/list?pageNum=1"></div>'
        '<script>var css = "/css/list.css"; var img = "/img/list.png"; var home = "/index.html";</script>'
    )
    assert api_endpoints(Page(H + "/col/bmys.html", html)) == [H + "/api/notices/list?pageNum=1"]


def test_json_and_jsonp_answers_and_what_is_not_json():
    assert parse_json('jQuery1124({"rows": []});') == {"rows": []}
    assert parse_json("\ufeff[1, 2]") == [1, 2]
    assert parse_json("<html>login</html>") is None
    assert parse_json("var x = 1") is None


def test_json_entries_guess_title_and_url_fields_whatever_their_names():
    data = {
        "result": {
            "rows": [
                {"docTitle": "某局2024年部门预算", "docUrl": "/art/1.html", "picUrl": "/img/1.jpg"},
                {"name": "某镇2024年单位预算", "href": "../files/2.pdf", "size": 12},
                {
                    "subject": "某委2024年部门预算",
                    "id": 3,
                    "path": "art/3.html",
                    "files": [{"fileName": "预算.xls", "fileUrl": "/f/3.xls"}],
                },
                {"title": "没有链接的条目", "id": 4},
                {"bt": "某办2024年部门预算", "lj": "/art/5.html"},
            ]
        }
    }
    entries = json_entries(data, H + "/api/v1/list?page=1")
    assert [(e.title, e.url.removeprefix(H), e.link_text) for e in entries] == [
        ("某局2024年部门预算", "/art/1.html", "某局2024年部门预算"),
        ("某镇2024年单位预算", "/api/files/2.pdf", "某镇2024年单位预算"),
        ("某委2024年部门预算", "/api/v1/art/3.html", "某委2024年部门预算"),
        ("某委2024年部门预算", "/f/3.xls", "预算.xls"),  # an entry's file: the entry's title, its own name
        ("某办2024年部门预算", "/art/5.html", "某办2024年部门预算"),
    ]


@pytest.mark.parametrize(
    ("url", "data", "entries", "expected"),
    [
        ("/api/list?pageNo=1&size=10", {"total": 25, "size": 10}, 10, "/api/list?pageNo=2&size=10"),
        ("/api/list?pageNo=3&size=10", {"total": 25, "size": 10}, 5, None),  # the last of three
        ("/api/list?page=2", {"data": {"totalPages": 2}}, 8, None),
        ("/api/list?page=2", {"rows": []}, 8, "/api/list?page=3"),  # no count: on until a page is empty
        ("/api/list?page=4", {"rows": []}, 0, None),
        ("/api/list?cid=3", {"pageNum": 1, "pages": 3, "list": []}, 10, "/api/list?cid=3&pageNum=2"),
        ("/api/list?cid=3", {"list": []}, 10, None),  # no page parameter, no count: one page
    ],
)
def test_next_json_page(url, data, entries, expected):
    following = next_json_page(H + url, data, entries)
    assert (following.removeprefix(H) if following else None) == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (Link(H + "/upload/P0201.PDF", "附件"), (H + "/upload/P0201.PDF", "file extension in URL")),
        (
            Link(H + "/pdfjs/web/viewer.html?file=/upload/a.pdf", "在线预览"),
            (H + "/upload/a.pdf", "file in query parameter file="),
        ),
        (
            Link(H + "/module/download/downfile.jsp?classid=0&filename=a1b2.xls", "下载"),
            (
                H + "/module/download/downfile.jsp?classid=0&filename=a1b2.xls",
                "file name in query parameter filename=",
            ),
        ),
        (
            Link(H + "/getContent?id=3", "2024年部门预算.pdf"),
            (H + "/getContent?id=3", "file name in link text"),
        ),
        (Link(H + "/module/download/downfile.jsp?classid=0&fileid=7", "附件1"), None),  # None: see below
        (Link(H + "/attach/download.do?id=5", "下载"), (H + "/attach/download.do?id=5", "download endpoint")),
        (Link(H + "/img/banner.jpg", "图片"), None),
        (Link(H + "/col/bmys/index.html", "返回列表"), None),
    ],
)
def test_attachment_clues(link, expected):
    if link.url.endswith("fileid=7"):
        expected = (link.url, "download endpoint")
    assert attachment_clue(link, None) == expected


def test_attachments_named_by_scripts_frames_and_the_sources_own_pattern():
    html = (
        '<a href="javascript:;" onclick="window.open(\'/f/a.pdf\')">预算</a>'
        '<iframe src="/f/b.pdf"></iframe><a href="/show/77">预算表（网页版）</a>'
    )
    clues = [attachment_clue(link, re.compile(r"/show/\d+$")) for link in Page(H + "/art/1.html", html).links]
    assert clues == [
        (H + "/f/a.pdf", "file extension in URL"),
        (H + "/f/b.pdf", "file extension in URL"),
        (H + "/show/77", "attachment_pattern"),
    ]


TABLE = (
    "<table><tr><td>项目</td><td>合计</td><td>基本支出</td><td>项目支出</td></tr>"
    "<tr><td>201</td><td>1,000.00</td><td>600.00</td><td>400.00</td></tr>"
    "<tr><td>合计</td><td>1,000.00</td><td>600.00</td><td>400.00</td></tr></table>"
)


@pytest.mark.parametrize(
    ("body", "count"),
    [
        (TABLE, 1),
        (
            f"<table><tr><td>{TABLE}</td></tr><tr><td>{TABLE}</td></tr></table>",
            2,
        ),  # a layout table around two
        (
            "<table><tr><td>联系电话</td><td>021-12345678</td></tr><tr><td>邮编</td><td>200000</td></tr></table>",
            0,
        ),
        (
            TABLE.replace("基本支出", "数量").replace("项目支出", "单价").replace("合计", "金额"),
            0,
        ),  # no budget words
    ],
)
def test_budget_tables_held_in_the_page(body, count):
    assert budget_table_count(Page(H + "/art/1.html", f"<html><body>{body}</body></html>")) == count


def test_a_page_kept_as_a_document_declares_its_charset():
    gbk = "<html><body>部门预算</body></html>".encode("gbk")
    assert html_document(gbk, "text/html; charset=GBK") == b'<meta charset="gbk">\n' + gbk
    assert html_document(gbk, "text/html") == b'<meta charset="gb18030">\n' + gbk  # not UTF-8: GB18030
    declared = '<meta charset="gb2312"><p>预算</p>'.encode("gbk")
    assert html_document(declared, "text/html; charset=utf-8") == declared  # the page's own word stands


def test_a_file_name_sent_as_raw_gbk_bytes_reads_as_chinese():
    raw = 'attachment; filename="' + "2024年部门预算.pdf".encode("gbk").decode("latin-1") + '"'
    assert disposition_filename(raw) == "2024年部门预算.pdf"
    assert (
        disposition_filename('attachment; filename="' + "预算.pdf".encode().decode("latin-1") + '"')
        == "预算.pdf"
    )


@pytest.mark.parametrize(
    ("title", "verdict"),
    [
        ("上海市闵行区城市运行管理中心2024年部门预算", None),
        ("颛桥镇2024年单位预算公开", None),
        ("上海市财政局2025年预算", None),
        ("二〇二四年某局部门预算", None),
        ("上海市闵行区城市运行管理中心部门预算", "no year"),
        ("上海市闵行区城市运行管理中心2023年部门决算", "excluded: 决算"),
        ("关于做好2024年部门预算公开工作的通知", "excluded: 通知"),
        ("关于某区2024年部门预算公开的公告", "excluded: 公告"),
        ("某区2024年部门预算编制办法（征求意见稿）", "excluded: 征求意见"),
        ("2024年部门预算解读", "excluded: 解读"),
        ("2023年度预算执行情况的报告", "excluded: 执行情况"),
        ("2024年区级一般公共预算调整方案", "excluded: 调整"),
        ("关于开展安全检查的工作方案", "not a budget title"),
    ],
)
def test_budget_titles(title, verdict):
    assert title_verdict(title) == verdict


def test_cut_titles_worth_a_look_at_their_page():
    assert worth_resolving("上海市某区教育局2024年部门预…", title_verdict("上海市某区教育局2024年部门预…"))
    assert not worth_resolving(
        "上海市某区教育局2023年部门决…", title_verdict("上海市某区教育局2023年部门决…")
    )
    assert not worth_resolving("上海市某区教育局2024年部门预算", None)  # already a budget


def test_links_inside_script_record_sets_are_links():
    # Hanweb JCMS ships a listing's first records in <script type="text/xml"> as CDATA
    html = (
        '<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/2024/2/1/art_1_2.html"'
        ' title="某局2024年部门预算">某局</a></li>]]></record></recordset></datastore></script>'
        "<script>var x = '<a href=\"/not/a/link.html\">';</script>"
    )
    links = Page(H + "/col/col1/index.html", html).links
    assert [(link.url.removeprefix(H), link.text) for link in links] == [
        ("/art/2024/2/1/art_1_2.html", "某局2024年部门预算")
    ]


def test_a_table_page_linked_from_the_post():
    link = Link(H + "/art/2024/tables_5.html", "2024年部门预算表（网页版）")
    assert attachment_clue(link, None) == (link.url, "table page linked from the post")
    assert attachment_clue(Link(H + "/art/2024/6.html", "相关文章：某局2024年部门预算"), None) is None


@pytest.mark.parametrize(
    ("head", "declared", "expected"),
    [
        (b"PK\x03\x04\x14\x00", "ofd", ("ofd", None)),
        (b"PK\x03\x04\x14\x00", "zip", ("zip", None)),
        (b"Rar!\x1a\x07\x00", "rar", ("rar", None)),
        (b"Rar!\x1a\x07\x01\x00", None, ("rar", None)),
        (b"%PDF-1.7", "zip", (None, "content_mismatch: declared .zip, got pdf")),
    ],
)
def test_archives_and_ofd_are_kept_by_their_magic(head, declared, expected):
    assert judge(head, declared, None) == expected


def test_files_a_script_names():
    html = (
        '<script>var files = [{"name": "2024年部门预算.pdf", "url": "/uploadfile/2024/a.PDF"}];'
        "var logo = '/img/logo.png'; var again = '/uploadfile/2024/a.PDF';</script>"
    )
    assert files_named_in_scripts(Page(H + "/art/1.html", html)) == [H + "/uploadfile/2024/a.PDF"]
