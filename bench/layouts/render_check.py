"""The property: ``parse(render(golden, style)) == expected(golden, style)``, cell for cell.

``check`` renders one (document, style), parses the PDF with the real parser entry point and
compares: the sets of (table_no, section, code, name, column, amount_yuan) must be equal, and each
cell's printed string and page must be what the renderer printed where it printed it.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.layouts.golden import GoldenDocument
from bench.layouts.render import render
from bench.layouts.specs import ExpectedCell
from bench.layouts.styles import Style

__all__ = ["Diff", "Outcome", "check", "compare"]

SHOWN = 6  # differences shown per kind in a message


@dataclass
class Diff:
    missing: list[ExpectedCell] = field(default_factory=list)  # printed, not parsed
    extra: list[ExpectedCell] = field(default_factory=list)  # parsed, not printed
    changed: list[tuple[ExpectedCell, ExpectedCell]] = field(default_factory=list)  # same place, other key
    misplaced: list[tuple[ExpectedCell, ExpectedCell]] = field(default_factory=list)  # printed/page differ

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed or self.misplaced)

    def summary(self, shown: int = SHOWN) -> str:
        lines = [
            (
                f"{len(self.missing)} missing, {len(self.extra)} extra, {len(self.changed)} changed, "
                f"{len(self.misplaced)} with another printed string or page"
            )
        ]
        for title, items in (
            ("missing", [_show(c) for c in self.missing]),
            ("extra", [_show(c) for c in self.extra]),
            ("changed", [f"{_show(a)}  →  {_show(b)}" for a, b in self.changed]),
            ("printed/page", [f"{_show(a)}  →  {b.printed!r} p{b.page}" for a, b in self.misplaced]),
        ):
            lines += [f"  {title}: {item}" for item in items[:shown]]
        return "\n".join(lines)


@dataclass
class Outcome:
    doc_id: str
    style: Style
    expected: int  # cells printed
    parsed: int
    diff: Diff
    error: str | None = None  # the parser refused the document
    seconds: float = 0.0

    @property
    def case_id(self) -> str:
        return f"{self.doc_id}[{self.style.name}]"

    @property
    def passed(self) -> bool:
        return self.error is None and not self.diff

    def message(self) -> str:
        head = self.case_id
        if self.error:
            return f"{head}: parser refused the document: {self.error}"
        return f"{head}: {self.expected} cells printed, {self.parsed} parsed; {self.diff.summary()}"


def _show(cell: ExpectedCell) -> str:
    where = f"{cell.section}/" if cell.section else ""
    return f"t{cell.table_no} {where}{cell.code or '-'} {cell.name} | {cell.column} = {cell.amount_yuan} ({cell.printed!r} p{cell.page})"


def _place(cell: ExpectedCell) -> tuple:
    """Where a cell sits, whatever its figure: the same place with another amount is a change."""
    return (cell.table_no, cell.section, cell.code, cell.name, cell.column)


def compare(expected: list[ExpectedCell], parsed: list[ExpectedCell]) -> Diff:
    want = Counter(c.key() for c in expected)
    got = Counter(c.key() for c in parsed)
    diff = Diff()
    extra_by_place = {_place(c): c for c in _pick(parsed, got - want)}
    for cell in _pick(expected, want - got):
        other = extra_by_place.pop(_place(cell), None)
        if other is None:
            diff.missing.append(cell)
        else:
            diff.changed.append((cell, other))
    diff.extra = list(extra_by_place.values())
    by_key = {c.key(): c for c in parsed}
    for cell in expected:
        other = by_key.get(cell.key())
        if other is not None and (other.printed, other.page) != (cell.printed, cell.page):
            diff.misplaced.append((cell, other))
    return diff


def _pick(cells: list[ExpectedCell], counts: Counter) -> list[ExpectedCell]:
    """The cells whose key is in ``counts``, each key as many times as counted, in order."""
    left = Counter(counts)
    out = []
    for cell in cells:
        if left[cell.key()] > 0:
            left[cell.key()] -= 1
            out.append(cell)
    return out


def parse_cells(path: Path) -> list[ExpectedCell]:
    """The parser's cells of ``path`` (``orchestration.parsing.parse_document``), in the same shape."""
    from orchestration.parsing import ParseError, parse_document

    document = parse_document(path)
    if document.problems:  # a correct parse reports none: a false problem would hold the document back
        first = document.problems[0]
        raise ParseError(
            "problems", f"{len(document.problems)} problems, first: {first.check}: {first.message}"
        )
    return [
        ExpectedCell(c.table_no, c.section, c.code, c.name, c.column, c.amount_yuan, c.printed, c.page)
        for c in document.cells
    ]


def check(doc: GoldenDocument, style: Style, folder: Path | None = None) -> Outcome:
    """Render, parse and compare one (document, style); a failing case's PDF is kept in ``folder``."""
    from orchestration.parsing import ParseError

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = (folder or Path(tmp)) / f"{doc.doc_id}__{_file_name(style)}.pdf"
        expected = render(doc, style, path)
        try:
            parsed = parse_cells(path)
        except ParseError as err:
            return Outcome(
                doc.doc_id, style, len(expected), 0, Diff(), f"{err}", time.perf_counter() - started
            )
        diff = compare(expected, parsed)
        if folder is not None and not diff:
            path.unlink()  # only a failing case's PDF is worth keeping
    return Outcome(doc.doc_id, style, len(expected), len(parsed), diff, None, time.perf_counter() - started)


def _file_name(style: Style) -> str:
    return style.name.replace("=", "-").replace(",", "_")[:150]
