"""Golden files of the table parser: build, write (``python -m tests.parsing.goldens``), load.

A golden holds every cell and table of one corpus file as the parser gives it, plus
what was verified by hand: the identities the publisher broke (each looked up on the
page) and, for the embedded documents, how the text and PDF forms compare.
Regenerating is a review step: diff the new file against the old one before committing.
The city unit budgets' goldens are written by hand from the page instead (drafted by
``tests/parsing/draft_golden.py`` without the parser): this script refuses to regenerate them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.parsing.broken_identities import check_identities
from tests.parsing.conftest import CORPUS_FILES, GOLDEN_DIR, extracted

# What was checked on the page for each broken identity, per document.
CONFIRMED = {
    "jiading_anting_2024": (
        "Table 2 合计 row prints 5715.29 under 合计, 财政拨款收入 and 其他收入 (text line 126; PDF page 6, "
        "seen on the rendered page): 财政拨款收入 should be 5370.00 and 其他收入 345.29 (a 合计 copied "
        "into the wrong columns). Recorded as printed."
    ),
    "minhang_district_2024": (
        "208 社会保障和就业支出 is 1,616,095.40 in tables 1 and 4 but 1,616,095.00 in tables 2, 3, 5; "
        "212 城乡社区支出 is 14,786,148.00 in tables 1 and 4 but 14,786,148.40 in tables 2, 3, 5 "
        "(text lines 115/118/197/200; PDF pages 6 and 9). The known 0.40 shift between two 类."
    ),
    "putuo_wanli_2025": (
        "212 城乡社区支出 printed 154,369,326 and 21201 城乡社区管理事务 94,995,790 in tables 2, 3, 5 "
        "(pages 12, 17, 23) while their children add up to 154,369,327 and 94,995,789; 21201's 基本 + 项目 "
        "= 77,381,546 + 17,614,243 = 94,995,789. One-yuan rounding by the publisher, checked on page 12."
    ),
    "shanghai_finance_bureau_2025": (
        "302 商品和服务支出 printed 24,840,779 (page 17) while its 19 款 rows (pages 17-18) add up to "
        "24,840,778. One-yuan rounding by the publisher."
    ),
    "putuo_wanli_2024": (
        "No broken identity. Page 29 prints the 款 codes of 津贴补贴 and 绩效工资 as '2' and '7' (seen on the "
        "rendered page); they are read as 30102 and 30107. Page 31 prints the note '本表为空表' under a "
        "table 9 with figures (47.91 万元 …): figures kept, table not marked empty."
    ),
}
ALL_HOLD = (
    "Every identity checked by tests/parsing/broken_identities.py holds: parent = Σ children, 合计 row = Σ 类 rows, "
    "合计 = Σ other columns, 收入总计 = 支出总计, 支出总计 = Σ 类, table 1 ↔ 3 and 4 ↔ 5 per 类, "
    "table 8 合计 = table 5 基本支出, table 3 合计 = table 1 支出总计, table 9 parts."
)
TEXT_PDF = (
    "The text and PDF forms give the same (table, section, code, name, column, amount_yuan) set: "
    "no difference (checked by tests/parsing/test_tables_golden.py::test_text_and_pdf_agree)."
)


# Goldens of these corpus folders are written by hand from the page (tests/parsing/draft_golden.py
# drafts them without the parser); so is any golden whose ``verified.method`` starts with HAND_VERIFIED.
HAND_VERIFIED_SUBDIRS = frozenset({"city"})
HAND_VERIFIED = "hand-verified"


def golden_path(subdir: str, doc_id: str) -> Path:
    return GOLDEN_DIR / f"{subdir}__{doc_id}.json"


def cell_dict(cell) -> dict:
    d = asdict(cell)
    for reader_field in ("source", "confidence"):  # what it was read from: tests/formats checks these
        d.pop(reader_field, None)
    d["amount_yuan"] = format(cell.amount_yuan, "f")
    return d


def build(subdir: str, doc_id: str) -> dict:
    infos, cells = extracted(subdir, doc_id)
    golden = {
        "file": f"{subdir}/{doc_id}.{'txt' if subdir == 'text' else 'pdf'}",
        "doc_id": doc_id,
        "verified": {
            "identities": CONFIRMED.get(doc_id, ALL_HOLD),
            "row_counts": "PDF: body rows with figures per table per page equal the rows printed on the page; "
            "the numbers printed on each page of tables 2, 3, 5, 8 (pdfplumber page text) are exactly the "
            "cells' printed strings (test_every_figure_on_the_page_is_a_cell); tables 1, 4, 9 compared the "
            "same way by hand (differences only ordinals 1、2、, '部门预算01表' and lines holding 单位). "
            "Text: same set as the PDF form of the disclosure.",
        },
        "publisher_inconsistencies": check_identities(cells),
        "tables": [asdict(t) for t in infos],
        "cells": [cell_dict(c) for c in cells],
    }
    if subdir in ("text", "pdf"):
        golden["verified"]["text_vs_pdf"] = TEXT_PDF
    return golden


def load(subdir: str, doc_id: str) -> dict:
    return json.loads(golden_path(subdir, doc_id).read_text(encoding="utf-8"))


def is_hand_verified(path: Path) -> bool:
    """A golden written and checked by hand on the page (``verified.method`` says so): never regenerated."""
    if not path.exists():
        return False
    verified = json.loads(path.read_text(encoding="utf-8")).get("verified", {})
    return str(verified.get("method", "")).startswith(HAND_VERIFIED)


def main() -> None:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for subdir, doc_id in CORPUS_FILES:
        path = golden_path(subdir, doc_id)
        if subdir in HAND_VERIFIED_SUBDIRS or is_hand_verified(path):
            print(f"{path}: hand-verified golden, not regenerated from the parser", file=sys.stderr)
            continue
        path.write_text(
            json.dumps(build(subdir, doc_id), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(path)


if __name__ == "__main__":
    main()
