"""The `budget` console script, run as a real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, EMBEDDED_RAW, REPO

BUDGET = [str(Path(sys.executable).with_name("budget"))]


def budget(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*BUDGET, *args], capture_output=True, text=True, timeout=300, check=False)


def test_parse_json_prints_the_documented_keys():
    result = budget("parse", str(EMBEDDED_RAW / "pdf" / "qingpu_liantang_2024.pdf"), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= {"document", "tables", "cells", "narrative", "projects"}
    assert doc["document"]["format"] == "pdf"
    assert doc["document"]["pages"] == 23
    cell = next(
        c for c in doc["cells"] if c["table_no"] == 3 and c["code"] == "212" and c["column"] == "基本支出"
    )
    assert (cell["amount_yuan"], cell["printed"]) == ("8294228.88", "8,294,228.88")


def test_parse_refuses_bad_files_with_exit_2_and_one_line(tmp_path):
    html = tmp_path / "notice.pdf"
    html.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", encoding="utf-8")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((EMBEDDED_RAW / "pdf" / "minhang_district_2024.pdf").read_bytes()[:3000])
    for path, reason in ((html, "not_pdf"), (empty, "empty_file"), (truncated, "damaged")):
        result = budget("parse", str(path), "--json")
        assert result.returncode == 2, (path, result.stdout[:200], result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{path}: {reason}: "), result.stderr
        assert lines[0].count(path.name) == 1, f"the file is named once: {lines[0]}"
        assert result.stdout == ""


# What `budget parse` must not load: the scraper's HTTP stack, Arrow, the warehouse and the orchestrator.
NOT_FOR_PARSING = (
    "dagster",
    "dagster_dbt",
    "dbt",
    "duckdb",
    "great_expectations",
    "httpx",
    "pandas",
    "pyarrow",
    "selectolax",
    "sqlalchemy",
    "tenacity",
    "tqdm",
)
IMPORTED_BY_PARSE = """
import json, sys
from orchestration.cli import main
try:
    main(["parse", sys.argv[1]], standalone_mode=False)
finally:
    print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def test_parse_imports_only_what_parsing_needs():
    """A fresh interpreter runs `budget parse` on a PDF; the modules it loaded are listed afterwards."""
    pdf = EMBEDDED_RAW / "pdf" / "qingpu_liantang_2024.pdf"
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED_BY_PARSE, str(pdf)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert {"pdfplumber", "orchestration"} <= loaded
    assert sorted(loaded & set(NOT_FOR_PARSING)) == []


def test_parse_text_view_of_a_real_pdf():
    result = budget("parse", str(CORPUS / "real" / "putuo_wanli_2025.pdf"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "上海市普陀区人民政府万里街道办事处",
        "  2025 部门预算 (department) · town · PDF, 31 pages",
        "  table 1  2025年部门财务收支预算总表",
        "           元 · page 9 · 10 rows · 收入总计 189,767,551 · 支出总计 189,767,551",
        "  table 2  2025年部门收入预算总表",
        "           元 · pages 10–13 · 67 rows · 合计 189,767,551",
        "  table 3  2025年部门支出预算总表",
        "           元 · pages 14–18 · 67 rows · 合计 189,767,551",
        "  table 4  2025年部门财政拨款收支预算总表",
        "           元 · page 19 · 10 rows · 收入总计 189,767,551 · 支出总计 189,767,551",
        "  table 5  2025年部门一般公共预算支出功能分类预算表",
        "           元 · pages 20–24 · 67 rows · 合计 189,767,551",
        "  table 6  2025年部门政府性基金预算支出功能分类预算表",
        "           元 · page 25 · empty (注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。)",
        "  table 7  2025年部门国有资本经营预算支出功能分类预算表",
        "           元 · page 26 · empty (注:本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。)",
        "  table 8  2025年部门一般公共预算基本支出部门预算经济分类预算表",
        "           元 · pages 27–28 · 32 rows · 合计 101,341,746",
        "  table 9  2025年部门“三公”经费和机关运行经费预算表",
        "           万元 · page 29 · 1 row · 合计 37.91",
        "  narrative: 69 figures · projects: 1",
        "  problems: none",
    ]


def test_parse_text_view_of_a_text_extraction_names_lines_and_inferred_units():
    result = budget("parse", str(EMBEDDED_RAW / "text" / "jiading_anting_2024.txt"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "  2024 部门预算 (department) · town · text extraction (figures located by line)"
    assert (
        lines[3]
        == "           万元 (inferred) · line 86 · 7 rows · 收入总计 5, 715. 29 · 支出总计 5, 715. 29"
    )
    assert "           unit unknown · line 282 · empty" in lines
    assert not any("None" in line for line in lines), result.stdout


def test_parse_text_view_lists_problems_under_their_table():
    from orchestration.parse_view import format_parse
    from orchestration.parsing import Problem, parse_document

    doc = parse_document(EMBEDDED_RAW / "text" / "jiading_anting_2024.txt")
    doc.problems = [
        Problem(
            "unread_figures", "number 12.50 printed in the table region, in no cell", table_no=3, line=150
        ),
        Problem("unknown_row", "row 其他 has no code", table_no=None, line=400),
    ]
    lines = format_parse(doc)
    table3 = lines.index("  table 3  2024年部门支出预算总表")
    assert lines[table3 + 3] == (
        "           ! unread_figures: line 150: number 12.50 printed in the table region, in no cell"
    )
    assert lines[-2:] == [
        "  problems: 2 (printed figures the parser could not read)",
        "    unknown_row: line 400: row 其他 has no code",
    ]


def test_scrape_help_shows_the_limits_defaults():
    result = budget("scrape", "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # click wraps the help text
    for option, default in (
        ("--delay FLOAT", "0.5"),
        ("--max-files INTEGER", "1000"),
        ("--max-file-mb", "50"),
    ):
        assert option in text and f"[default: {default}, or the registry's]" in text, option


def test_tests_without_the_shared_corpus_stop_with_one_line(tmp_path):
    """The repository's conftest in a folder with no shared/ beside it: one line, no run of errors."""
    repo = tmp_path / "repo"
    (repo / "tests").mkdir(parents=True)
    for name in ("conftest.py", "__init__.py"):
        (repo / "tests" / name).write_text((REPO / "tests" / name).read_text(encoding="utf-8"))
    (repo / "tests" / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 4, result.stdout + result.stderr
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    expected = (
        f"Exit: {tmp_path / 'shared' / 'corpus'} not found: the tests read the published documents from "
        "../shared/corpus (beside the repository, never committed); clone the repository next to shared/"
    )
    assert output == [expected], output


DURATION = re.compile(r"\s+\d+ s$")


def test_budget_run_prints_a_line_per_stage_then_a_short_summary(embedded_warehouse, embedded_run_output):
    """What `budget run` prints on the embedded corpus (the shared run, with the CLI's console)."""
    printed = embedded_run_output
    assert "\x1b" not in printed  # no ANSI codes when not on a terminal
    lines = printed.splitlines()
    assert len(lines) <= 40, printed
    stages = [DURATION.sub("", line) for line in lines if DURATION.search(line)]
    assert [line[2:17].strip() for line in stages] == [
        "raw files",
        "parse",
        "identities",
        "gate",
        "dbt",
        "mart checks",
        "findings",
        "export",
        "report",
    ], printed
    assert stages[0] == "  raw files      8 found: 8 new, 0 changed, 0 gone"
    assert stages[1] == "  parse          8 parsed, 0 quarantined, 0 unchanged"
    assert re.fullmatch(
        r"  dbt            29 models built; \d+ tests: \d+ passed, 4 warned, 0 failed", stages[4]
    )
    assert stages[3] == "  gate           8 documents checked: 0 held back (the others flow into the marts)"
    assert stages[7] == "  export         15 marts written to parquet/ (Parquet)"
    summary = lines[len(stages) :]
    assert re.fullmatch(r"success in (\d+ min )?\d+ s \(run [0-9a-f]{8}\)", summary[0]), printed
    assert summary[1].startswith("  marts: dim_department 4 · dim_document 8 · ")
    findings = next(i for i, line in enumerate(summary) if line.startswith("  findings: "))
    assert summary[findings].startswith(
        "  findings: 15 in 3 documents — the publishers' own figures disagree"
    )
    assert summary[findings + 1 : findings + 4] == [
        "    pdf/jiading_anting_2024.pdf: 6 (total_row_equals_classes 2, performance_funds_equal_project_expense 1, pe…",
        "    pdf/qingpu_liantang_2024.pdf: 5 (narrative_equals_tables 5)",
        "    pdf/minhang_district_2024.pdf: 4 (table1_equals_table3 2, table4_equals_table5 2)",
    ]
    warehouse_dir = embedded_warehouse.parent
    assert summary[-4:] == [
        "  held back: none",
        "  quarantined: none",
        f"  report: {warehouse_dir / 'quality_report.html'}",
        f"  log:    {warehouse_dir / 'budget_run.log'}",
    ]
    log = (warehouse_dir / "budget_run.log").read_text(encoding="utf-8")
    assert "RUN_SUCCESS" in log and "Done. PASS=" in log  # the full Dagster and dbt log
    assert "\x1b" not in log
