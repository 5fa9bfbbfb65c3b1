"""Every corpus document written as .xlsx, .xls, .docx and HTML reads back into its PDF golden's cells.

Each (document, format) pair is laid out in a style drawn from a seed of its own (code columns, one
code column or codes fused with names; header depth and merges; title in a paragraph, in the frame
or as the sheet's name; stacked or one sheet per table; cover and 目录; number formats, General,
text or exact 万元; hidden columns and rows; blank columns; indented names; tables split in two),
so the nine documents × four formats cover the styles widely. Compared: table, section, code, name,
column and amount of every cell, and the document's department, year, kind and level.
"""

from __future__ import annotations

import random

import pytest

from bench.formats import FORMATS, GOLDEN_DIR, SOURCE_GOLDENS, Style, draw_style, load_document, write
from orchestration.parsing import parse_document

from .conftest import READER_OF, golden_cells, golden_meta, parsed_cells, write_file

CASES = [(name, fmt) for name in SOURCE_GOLDENS for fmt in FORMATS]
META_FIELDS = ("department", "fiscal_year", "kind", "level")


def _check(tmp_path, name: str, fmt: str, style: Style) -> None:
    doc = load_document(GOLDEN_DIR, name)
    parsed = parse_document(write_file(tmp_path, name, fmt, write(doc, fmt, style)))
    got, want = parsed_cells(parsed), golden_cells(doc)
    missing, extra = want - got, got - want
    assert not missing and not extra, (
        f"{style.describe()}\nmissing {sum(missing.values())}: {sorted(missing, key=str)[:5]}\n"
        f"extra {sum(extra.values())}: {sorted(extra, key=str)[:5]}"
    )
    meta = golden_meta(name)
    assert {f: getattr(parsed.document, f) for f in META_FIELDS} == {f: meta[f] for f in META_FIELDS}
    assert parsed.document.format == fmt
    assert {c.source for c in parsed.cells} == {READER_OF[fmt]} == {parsed.document.reader}
    assert {c.confidence for c in parsed.cells} == {1.0}
    assert parsed.problems == []


@pytest.mark.parametrize(("name", "fmt"), CASES, ids=[f"{fmt}-{name}" for name, fmt in CASES])
def test_format_reads_to_the_golden(tmp_path, name, fmt):
    _check(tmp_path, name, fmt, draw_style(random.Random(f"{name}:{fmt}")))


# Styles a drawn sample might miss, each on the document with the most rows (875 cells).
EDGE_STYLES = {
    "stacked_contents_no_cover": Style(
        sheet_layout="stacked", cover=False, contents=True, title_place="in_frame"
    ),
    "sheet_named_tables": Style(sheet_layout="per_table", title_place="sheet_name", hidden_column=True),
    "own_digits_total_first": Style(code_style="columns_own_digits", total_first=True, total_merged=False),
    "fused_codes_flat_header": Style(code_style="fused_full", header_depth=1, indent="spaces"),
    "wan_exact_general": Style(numbers="wan", code_style="single_column", header_depth=3),
    "text_cells_zero_dash": Style(numbers="text", zero_dash=True, unit_beside_department=True),
    "dash_zeros_split": Style(zero_dash=True, split_tables=True, spare_column=True, indent="alignment"),
}


@pytest.mark.parametrize("style_name", sorted(EDGE_STYLES))
@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_spreadsheet_edge_styles(tmp_path, fmt, style_name):
    _check(tmp_path, "real__putuo_wanli_2025", fmt, EDGE_STYLES[style_name])


@pytest.mark.parametrize(
    "style_name", ["fused_codes_flat_header", "dash_zeros_split", "own_digits_total_first"]
)
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_document_edge_styles(tmp_path, fmt, style_name):
    _check(tmp_path, "real__shanghai_finance_bureau_2025", fmt, EDGE_STYLES[style_name])
