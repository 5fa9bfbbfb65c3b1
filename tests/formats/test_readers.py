"""The readers' own rules: a spreadsheet cell's displayed figure, HTML charsets, .doc without LibreOffice."""

from __future__ import annotations

import pytest

from orchestration.parsing import ParseError, parse_document
from orchestration.parsing.html_tables import decode_html, read_html
from orchestration.parsing.source import open_source
from orchestration.parsing.spreadsheet_tables import display_number


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (66165252.88, "#,##0.00", "66,165,252.88"),
        (5370, "0.00", "5370.00"),
        (1616095.4000000001, "General", "1616095.4"),  # a formula's float noise: 15 significant digits
        (0.1 + 0.2, "General", "0.3"),
        (6616.525288, "General", "6616.525288"),  # 万元 kept exact
        (2.675, "0.00", "2.68"),  # the stored decimal 2.675 rounds half up, as Excel shows it
        (5370.125, "0.00", "5370.13"),
        (-1234.5, "#,##0.00_);(#,##0.00)", "-1,234.50"),
        (0, '#,##0.00;-#,##0.00;"-"', "0.00"),  # a zero an accounting format shows as a dash: stored 0
        (0, "#,##0.00;-#,##0.00;", ""),  # an empty zero section: printed blank
        (1234567, "#,##0,", "1,235"),  # a trailing comma shows thousands
        (1234.5, "[$¥-804]#,##0.00", "1,234.50"),  # currency literals left out
        (12, "General", "12"),
        (5, "00", "05"),  # a 款 code stored as a number
        (2080505, "0000000", "2080505"),
        (0.5, "0.00", "0.50"),
    ],
)
def test_display_number(value, number_format, shown):
    assert display_number(value, number_format) == shown


def test_zeros_hidden_by_the_sheet_are_blank():
    assert display_number(0, "0.00", show_zeros=False) == ""
    assert display_number(5, "0.00", show_zeros=False) == "5.00"


def test_html_charset_as_declared():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
    page += "<p>单位：元</p><table><tr><td colspan=2>科目</td><td rowspan=2>合计</td></tr>"
    page += "<tr><td>类</td><td>款</td></tr><tr><td>208</td><td>&nbsp;</td><td>1,000.00</td></tr></table>"
    data = (page + "</body></html>").encode("gbk")
    assert "单位：元" in decode_html(data)
    sheets, text = read_html(data)
    rows = [r.cells for r in sheets[0].rows]
    assert rows == [["单位：元"], ["科目", "", "合计"], ["类", "款", ""], ["208", "", "1,000.00"]]
    assert "单位：元" in text


def test_utf8_page_without_a_declaration():
    assert decode_html("<p>部门预算</p>".encode()) == "<p>部门预算</p>"


def test_doc_without_libreoffice_is_quarantined(tmp_path, monkeypatch):
    path = tmp_path / "budget.doc"
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "WordDocument".encode("utf-16-le")
        + b"\x00" * 64
    )
    path.write_bytes(ole)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice here
    with pytest.raises(ParseError) as err:
        parse_document(path)
    assert err.value.reason == "needs_libreoffice"
    assert "soffice" in str(err.value)


def test_an_xls_that_is_an_html_table_is_read_as_html(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"<html><body><table><tr><td>x</td></tr></table></body></html>")
    with open_source(path) as source:
        assert source.format == "html"


def test_a_damaged_workbook_is_one_line(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"xl/workbook" + b"\x00" * 100)
    with pytest.raises(ParseError) as err:
        parse_document(path)
    assert err.value.reason == "damaged"
    assert "\n" not in str(err.value)
