"""The source registry and the content checks: pure functions, no server."""

from __future__ import annotations

import pytest
import yaml

from orchestration.scraping import REGISTRY_PATH, RegistryError, Source, is_budget_title, load_registry
from orchestration.scraping.content import declared_extension, disposition_filename, judge
from orchestration.scraping.pages import decode_html, extract_links

GOOD = {
    "name": "some_district",
    "start_urls": ["https://www.example.gov.cn/yjsgk/index.html"],
    "detail_pattern": r"/yjsgk/\d{8}/\w+\.html$",
    "attachment_pattern": r"\.pdf$",
}


def test_shipped_registry_loads_and_marks_unverified_portals_disabled():
    sources = load_registry()
    assert list(sources) == [
        "shanghai_city_departments",
        "shanghai_gov_yjsgk",
        "minhang_district",
        "jiading_district",
        "qingpu_district",
    ]
    assert [s.name for s in sources.values() if s.enabled] == []
    # every disabled entry says why in a comment beside it
    text = REGISTRY_PATH.read_text(encoding="utf-8")
    assert text.count("# UNVERIFIED path") == len(sources)
    assert sources["minhang_district"].allowed_hosts == ("www.shmh.gov.cn",)
    assert sources["minhang_district"].district == "闵行区"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"detail_pattern": "(unclosed"}, "source 'some_district': detail_pattern is not a valid regex"),
        ({"attachment_pattern": ""}, "source 'some_district': attachment_pattern must be a non-empty regex"),
        ({"require_year": "no"}, "require_year must be true or false"),
        ({"start_urls": ["/relative/index.html"]}, "is not an absolute http(s) URL"),
        ({"start_urls": []}, "start_urls is required"),
        ({"level": "province"}, "level must be one of"),
        ({"name": "Bad Name"}, "name must match"),
        ({"enabled": "yes"}, "enabled must be true or false"),
        ({"page_template": "index.html"}, "page_template must contain {n}"),
        ({"start_url": "https://x.gov.cn/"}, "unknown keys ['start_url']"),
        ({"limits": {"delay": 1}}, "unknown limits ['delay']"),
        ({"limits": {"delay_seconds": -1}}, "limit delay_seconds must be a non-negative number"),
        ({"title_include": []}, "title_include is empty"),
    ],
)
def test_bad_entry_is_a_clear_error(tmp_path, change, message):
    entry = {**GOOD, **change}
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert message in str(err.value)


def test_duplicate_names_and_bad_documents_are_errors(tmp_path):
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump({"sources": [GOOD, GOOD]}), encoding="utf-8")
    with pytest.raises(RegistryError, match="listed twice"):
        load_registry(path)
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="top-level 'sources:' list"):
        load_registry(path)
    path.write_text("sources: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_registry(path)


def test_budget_titles():
    source = Source.from_dict(GOOD)
    assert is_budget_title("上海市闵行区城市运行管理中心2024年部门预算", source)
    assert is_budget_title("颛桥镇2024年单位预算公开", source)
    assert not is_budget_title("上海市闵行区城市运行管理中心2023年部门决算", source)
    assert not is_budget_title("2023年度预算执行和决算情况", source)
    assert not is_budget_title("关于开展安全检查的通知", source)


@pytest.mark.parametrize(
    ("head", "declared", "content_type", "expected"),
    [
        (b"%PDF-1.7\n...", "pdf", "application/pdf", ("pdf", None)),
        (b"%PDF-1.4\n...", None, "application/octet-stream", ("pdf", None)),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "xls", None, ("xls", None)),
        (b"PK\x03\x04\x14\x00", "xls", None, ("xlsx", None)),  # an .xlsx served as .xls
        (b"PK\x03\x04\x14\x00", "docx", None, ("docx", None)),
        (b"\n<!DOCTYPE html><html>", "html", "text/html", ("html", None)),
        (
            b"<html><body>404</body></html>",
            "pdf",
            "text/html; charset=utf-8",
            (None, "html_error_page: declared .pdf, got HTML (text/html)"),
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "pdf",
            None,
            (None, "content_mismatch: declared .pdf, got ole"),
        ),
        (b"\x89PNG\r\n", None, "image/png", (None, "unknown_content: image/png")),
        (
            b"<html>login</html>",
            None,
            "text/html",
            (None, "html_error_page: no declared type, got HTML (text/html)"),
        ),
    ],
)
def test_judge_content_by_magic_bytes(head, declared, content_type, expected):
    assert judge(head, declared, content_type) == expected


def test_server_chosen_names_are_reduced_to_text():
    assert disposition_filename('attachment; filename="../../../etc/passwd.pdf"') == "passwd.pdf"
    assert disposition_filename("attachment; filename*=UTF-8''%E9%A2%84%E7%AE%97..%2F..%2Fa.xls") == "a.xls"
    assert disposition_filename('attachment; filename="..\\\\..\\\\b.pdf"') == "b.pdf"
    assert disposition_filename('attachment; filename=".."') is None
    assert disposition_filename(None) is None
    assert declared_extension("http://h/a/download.do?id=3", "预算.XLSX") == "xlsx"
    assert declared_extension("http://h/upload/a.PDF", None) == "pdf"
    assert declared_extension("http://h/upload/a.exe", None) is None


def test_links_resolve_against_base_and_prefer_title_attribute():
    html = (
        '<html><head><base href="http://h.gov.cn/yjsgk/"></head><body>'
        '<a href="20240201/a.html" title="上海市闵行区某局2024年部门预算">上海市闵行区某局2024…</a>'
        '<a href="javascript:void(0)">x</a><a href="#top">top</a>'
        '<a href="../upload/b.pdf#page=2"> 附件 <b>一</b> </a></body></html>'
    )
    links = extract_links(html, "http://h.gov.cn/other/page.html")
    assert [(link.url, link.text) for link in links] == [
        ("http://h.gov.cn/yjsgk/20240201/a.html", "上海市闵行区某局2024年部门预算"),
        ("http://h.gov.cn/upload/b.pdf", "附件 一"),
    ]


def test_pages_decode_from_header_meta_or_gb18030():
    text = "部门预算"
    assert decode_html(text.encode("gbk"), "text/html; charset=GBK") == text
    assert decode_html(b'<meta charset="gb2312">' + text.encode("gbk"), None).endswith(text)
    assert decode_html(text.encode("gb18030"), "text/html") == text  # no charset: UTF-8 fails, GB18030 reads
    assert decode_html(text.encode("utf-8"), None) == text
