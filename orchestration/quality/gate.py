"""The per-document gate: which documents fail which blocking check, held back from the marts.

Plain module (no Dagster import). The blocking checks are the landing suites of
``expectations/gx/expectations/`` (validated with Great Expectations on the frames of
``structure``, a batch of documents at a time) and "no parse problem" (``landing.parse_problems``,
what a document prints that the parser could not read). Each assert only what a correct parse
of any document satisfies, so a document failing one was parsed wrong: it is **held back**
(one ``landing.held_back`` row per document × check, with the rows, tables, pages and printed
text that fail), its rows stay out of the marts, and every other document flows. The gate is
evaluated again on every run, so a document is released as soon as its parse passes (a parser
fix and a new ``PARSER_VERSION``, or ``budget run --retry SHA256``).

One check failing for most documents is no longer about documents: it is our parser or our
pipeline (``systemic``), and the run stops before the marts. ``landing_to_held_back`` is the whole
step (the ``landing/held_back`` asset calls it).
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.quality.structure import FRAME_BUILDERS, INDEX_COLUMNS
from orchestration.warehouse import (
    PARSER_VERSION,
    Connect,
    documents_in,
    ensure_landing,
    replace_rows,
    warehouse_lock,
)

__all__ = [
    "BATCH_DOCUMENTS",
    "GATE_CHECK",
    "PROBLEMS_SUITE",
    "SYSTEMIC_CHECK",
    "GateOutcome",
    "GateRun",
    "Hold",
    "Systemic",
    "evaluate_gate",
    "held_back_files",
    "landing_documents",
    "landing_to_held_back",
    "summarise",
    "write_held_back",
]

# A check is systemic when it fails for more than this share of the documents evaluated ...
SYSTEMIC_SHARE = 0.5
# ... and for at least this many documents (two documents of a two-document folder are documents).
SYSTEMIC_MIN_DOCUMENTS = 3
# Documents whose rows one validation reads: bounds the memory of the gate, whatever the warehouse.
BATCH_DOCUMENTS = 200
# Failing rows quoted in a hold's message (all are counted).
EXAMPLES = 3
PRINTED_CHARS = 40  # a printed string quoted in a reason
PROBLEMS_SUITE = "parse_problems"
# The Dagster checks of the gate, on the asset landing/held_back (names shared with the run summary).
GATE_CHECK = "document_gate"
SYSTEMIC_CHECK = "no_systemic_failure"


@dataclass
class Hold:
    """One document failing one blocking check: how many rows, where, and a few of them as printed."""

    sha256: str
    source_file: str
    check: str
    suite: str
    rows: int = 0
    tables: set[int] = field(default_factory=set)
    pages: set[int] = field(default_factory=set)
    lines: set[int] = field(default_factory=set)
    printed: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def add(
        self, example: str, table_no: Any = None, page: Any = None, line: Any = None, printed: Any = None
    ):
        self.rows += 1
        for values, value in ((self.tables, table_no), (self.pages, page), (self.lines, line)):
            if _present(value):
                values.add(int(value))
        if len(self.examples) < EXAMPLES:
            self.examples.append(example)
            if _present(printed):
                self.printed.append(str(printed)[:PRINTED_CHARS])

    @property
    def message(self) -> str:
        """One line: the check, how many rows fail it, the first few as printed."""
        more = f" (and {self.rows - len(self.examples)} more)" if self.rows > len(self.examples) else ""
        return f"{self.check}: {self.rows} failing, e.g. " + "; ".join(self.examples) + more

    def row(self, held_at: datetime) -> dict[str, Any]:
        """The landing.held_back row."""
        return {
            "sha256": self.sha256,
            "source_file": self.source_file,
            "check_name": self.check,
            "suite": self.suite,
            "failing_rows": self.rows,
            "tables": sorted(self.tables),
            "pages": sorted(self.pages),
            "lines": sorted(self.lines),
            "printed": " | ".join(self.printed) or None,
            "message": self.message,
            "parser_version": PARSER_VERSION,
            "held_at": held_at,
        }


@dataclass(frozen=True)
class Systemic:
    """A check failing for most documents: our fault, not theirs."""

    check: str
    documents: int
    evaluated: int

    @property
    def message(self) -> str:
        if not self.documents:  # a failure that names no document
            return f"{self.check}: failed without naming a document (a broken suite or frame)"
        return (
            f"{self.check} fails for {self.documents} of {self.evaluated} documents (more than "
            f"{SYSTEMIC_SHARE:.0%} and at least {SYSTEMIC_MIN_DOCUMENTS}): the parser or the pipeline is wrong, "
            "not the documents"
        )


@dataclass
class GateOutcome:
    files: dict[str, str]  # sha256 → file of every document the gate read
    holds: list[Hold] = field(default_factory=list)
    unattributed: list[str] = field(default_factory=list)  # failing checks that named no document

    @property
    def evaluated(self) -> int:
        return len(self.files)

    def released(self, before: dict[str, str]) -> list[str]:
        """Files of the documents held back ``before`` that pass now (and are still there)."""
        held = self.held_back
        return sorted(file for sha, file in before.items() if sha in self.files and sha not in held)

    @property
    def held_back(self) -> dict[str, list[Hold]]:
        """sha256 → the holds of each held-back document, in file order."""
        by_document: dict[str, list[Hold]] = defaultdict(list)
        for hold in sorted(self.holds, key=lambda h: (h.source_file, h.check)):
            by_document[hold.sha256].append(hold)
        return dict(by_document)

    def documents_by_check(self) -> Counter:
        return Counter(hold.check for hold in self.holds)

    def systemic(self) -> list[Systemic]:
        """The checks failing for more than ``SYSTEMIC_SHARE`` of the documents (and at least
        ``SYSTEMIC_MIN_DOCUMENTS``), and any failure that named no document."""
        found = [
            Systemic(check, n, self.evaluated)
            for check, n in sorted(self.documents_by_check().items())
            if n >= SYSTEMIC_MIN_DOCUMENTS and n > self.evaluated * SYSTEMIC_SHARE
        ]
        return found + [Systemic(check, 0, self.evaluated) for check in self.unattributed]


Validate = Callable[..., Any]  # gx_runner.validate: (suite, frame, index columns, max_rows) -> SuiteOutcome


def landing_documents(con: Any) -> dict[str, str]:
    """sha256 → file of every document with rows in the landing tables, in file order."""
    rows = con.execute(
        """
        select s.sha256, coalesce(d.source_file, s.sha256) as source_file
        from (select sha256 from landing.documents union select sha256 from landing.tables
              union select sha256 from landing.cells union select sha256 from landing.parse_problems) s
        left join landing.documents d using (sha256)
        order by 2, 1
        """
    ).fetchall()
    return dict(rows)


def evaluate_gate(
    con: Any, validate: Validate | None = None, batch_documents: int | None = None
) -> GateOutcome:
    """Every blocking check on every document of the landing tables, ``batch_documents`` at a time."""
    if validate is None:
        from orchestration.quality.gx_runner import validate
    ensure_landing(con)
    files = landing_documents(con)
    documents = list(files)
    size = batch_documents or BATCH_DOCUMENTS
    holds: dict[tuple[str, str], Hold] = {}
    unattributed: set[str] = set()
    for start in range(0, len(documents), size):
        batch = documents[start : start + size]
        for suite, build in FRAME_BUILDERS.items():
            frame = build(con, batch)
            outcome = validate(suite, frame, INDEX_COLUMNS[suite], max_rows=None)
            del frame
            for failure in outcome.failures:
                _suite_holds(suite, failure, files, holds, unattributed)
        _problem_holds(con, batch, files, holds)
    return GateOutcome(files=files, holds=list(holds.values()), unattributed=sorted(unattributed))


def _suite_holds(
    suite: str,
    failure: Any,
    files: dict[str, str],
    holds: dict[tuple[str, str], Hold],
    unattributed: set[str],
) -> None:
    """The failing rows of one expectation, each added to the hold of its document × check; a failure
    that names no document (an aggregate expectation, an exception in the suite) is unattributed."""
    if not failure.rows:
        unattributed.add(failure.check)
    for row in failure.rows:
        sha = row.get("sha256")
        if not sha:
            unattributed.add(failure.check)
            continue
        hold = holds.setdefault((sha, failure.check), Hold(sha, files.get(sha, sha), failure.check, suite))
        hold.add(
            _example(suite, row), row.get("table_no"), row.get("page"), row.get("line"), row.get("printed")
        )


def _problem_holds(
    con: Any, batch: list[str], files: dict[str, str], holds: dict[tuple[str, str], Hold]
) -> None:
    """A hold per document × problem check of ``landing.parse_problems``: figures printed, not read."""
    where, params = documents_in("sha256", batch)
    for sha, check, message, table_no, page, line, printed in con.execute(
        f"select sha256, check_name, message, table_no, page, line, printed from landing.parse_problems "
        f"where {where} order by sha256, seq",
        params,
    ).fetchall():
        hold = holds.setdefault((sha, check), Hold(sha, files.get(sha, sha), check, PROBLEMS_SUITE))
        where_printed = f"p. {page}" if page is not None else (f"line {line}" if line is not None else "")
        hold.add(
            f"{message}" + (f" ({where_printed})" if where_printed and where_printed not in message else ""),
            table_no,
            page,
            line,
            printed,
        )


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _example(suite: str, row: dict[str, Any]) -> str:
    """A failing row as a reader finds it on the page."""
    if suite == "landing_cells":
        subject = " ".join(str(row[k]) for k in ("code", "name") if _present(row.get(k)) and row[k] != "")
        where = f"p. {row['page']}" if _present(row.get("page")) else f"line {row.get('line')}"
        return (
            f"table {row.get('table_no')} {subject} · {row.get('column_label')}: printed "
            f"'{str(row.get('printed'))[:PRINTED_CHARS]}' {row.get('unit') or '(no unit)'}, "
            f"stored {row.get('amount_yuan')} yuan ({where})"
        )
    failing = {k: v for k, v in row.items() if k not in INDEX_COLUMNS[suite]}
    shown = ", ".join(f"{k} = {v}" for k, v in failing.items())
    return (f"table {row['table_no']}" if "table_no" in row else "document") + (f": {shown}" if shown else "")


def held_back_files(con: Any) -> dict[str, str]:
    """sha256 → file of the documents held back now (before the gate is evaluated again)."""
    ensure_landing(con)
    return dict(con.execute("select distinct sha256, source_file from landing.held_back").fetchall())


def write_held_back(con: Any, outcome: GateOutcome, held_at: datetime | None = None) -> None:
    """Replace ``landing.held_back`` with the outcome's holds, in one transaction."""
    ensure_landing(con)
    held_at = held_at or datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin")
    try:
        con.execute("delete from landing.held_back")
        replace_rows(con, "held_back", [], [hold.row(held_at) for hold in outcome.holds])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def summarise(holds: Iterable[Hold]) -> str:
    """``amount_matches_printed 1, unread_figures 1``: documents held back per check."""
    return ", ".join(f"{check} {n}" for check, n in sorted(Counter(h.check for h in holds).items()))


@dataclass(frozen=True)
class GateRun:
    """What one gate step did: the outcome written to ``landing.held_back``, and who left it."""

    outcome: GateOutcome
    released: list[str]  # files held back before this run that pass now
    seconds: float  # the whole step, waiting for the lock included


def landing_to_held_back(
    warehouse_file: Path, connect: Connect, log: Callable[[str], None] | None = None
) -> GateRun:
    """Evaluate the gate on every landing document and replace ``landing.held_back`` with its holds,
    under the warehouse lock (``log`` says when it waits)."""
    started = time.perf_counter()
    with warehouse_lock(warehouse_file, log=log), connect() as con:
        before = held_back_files(con)
        outcome = evaluate_gate(con)
        write_held_back(con, outcome)
    return GateRun(outcome, outcome.released(before), time.perf_counter() - started)
