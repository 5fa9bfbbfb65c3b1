"""The city unit budgets' table goldens are hand-verified, not parser output: keep them honest.

Each golden was drafted from the page's ruling lines and characters by ``draft_golden`` (no
parser code) and then checked cell by cell on the rendered page. These tests pin that: the
golden is exactly what the ruled grid prints, its recorded publisher inconsistencies are its
own cells' broken identities, and ``python -m tests.parsing.goldens`` will not overwrite it.
"""

from __future__ import annotations

from decimal import Decimal

import pdfplumber
import pytest

from orchestration.parsing.model import Cell

from .broken_identities import check_identities
from .conftest import CITY_DOCS, CITY_FILES, corpus_path
from .draft_golden import draft_document
from .goldens import HAND_VERIFIED_SUBDIRS, golden_path, is_hand_verified, load


def _table_pages(golden: dict) -> range:
    pages = [p for t in golden["tables"] + golden.get("extra_tables", []) for p in t["pages"]]
    return range(min(pages), max(pages) + 1)


@pytest.mark.parametrize("doc_id", CITY_DOCS)
def test_golden_is_what_the_ruled_grid_prints(doc_id):
    golden = load("city", doc_id)
    with pdfplumber.open(corpus_path("city", doc_id)) as pdf:
        draft = draft_document(pdf, _table_pages(golden))
    assert draft["warnings"] == []
    assert draft["tables"] == golden["tables"]
    assert draft["cells"] == golden["cells"]
    assert draft["extra_tables"] == golden.get("extra_tables", [])


@pytest.mark.parametrize("doc_id", CITY_DOCS)
def test_recorded_publisher_inconsistencies_are_the_goldens_own(doc_id):
    golden = load("city", doc_id)
    cells = [Cell(**{**c, "amount_yuan": Decimal(c["amount_yuan"])}) for c in golden["cells"]]
    assert check_identities(cells) == golden["publisher_inconsistencies"]


def test_misplaced_separator_kept_as_printed_and_read_as_the_integer_it_spells():
    cells = load("city", "city_vocational_exam_2026")["cells"]
    total = next(c for c in cells if c["table_no"] == 3 and c["code"] == "208" and c["column"] == "合计")
    assert (total["printed"], total["amount_yuan"], total["page"]) == ("125360,898", "125360898.00", 10)


def test_goldens_script_never_regenerates_a_city_golden():
    assert "city" in HAND_VERIFIED_SUBDIRS
    assert all(is_hand_verified(golden_path(subdir, doc_id)) for subdir, doc_id in CITY_FILES)
    assert not is_hand_verified(golden_path("real", "putuo_wanli_2025"))
