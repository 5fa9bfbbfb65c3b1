"""Word documents (.docx through python-docx; .doc converted by LibreOffice) into rows of cells.

The body is read in order: each paragraph is a one-cell ``text`` row (split at tab stops, so
``编制部门：…<tab>单位：元`` gives two cells), each table row a ``table`` row laid on the table's
grid: a cell spanning columns (``gridSpan``) keeps its text in its first column, a cell continuing
a vertical merge (``vMerge``) is blank, as in a ruled PDF. Provenance: ``page`` is null (Word has
no fixed pages) and ``line`` counts the body's paragraphs and table rows from 1, in order.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .errors import ParseError
from .row_tables import Sheet, SheetRow

__all__ = ["convert_doc", "read_docx"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# LibreOffice converting one .doc: a budget of 30 pages takes a few seconds.
SOFFICE_TIMEOUT_SECONDS = 120


def _paragraph_text(p: Any) -> str:
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(f"{W}p")).strip()


def _int_attr(parent: Any, path: str, default: int) -> int:
    el = parent.find(path)
    value = el.get(f"{W}val") if el is not None else None
    return int(value) if value and value.isdigit() else default


def _table_rows(tbl: Any) -> list[list[str]]:
    rows = []
    for tr in tbl.findall(f"{W}tr"):
        cells = [""] * _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        for tc in tr.findall(f"{W}tc"):
            span = _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1)
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
            cells += ["" if continued else _cell_text(tc)] + [""] * (span - 1)
        rows.append(cells)
    return rows


def _blocks(parent: Any):
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def read_docx(data: bytes) -> tuple[list[Sheet], str]:
    """The document as one sheet of rows, and its text (one line per paragraph or table row)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    sheet = Sheet(name=None)
    lines: list[str] = []
    block = 0
    for element in _blocks(document.element.body):
        if element.tag == f"{W}p":
            text = _paragraph_text(element).replace("\n", " ")
            lines.append(text)
            sheet.rows.append(SheetRow(cells=text.split("\t"), line=len(lines), block=block, kind="text"))
            continue
        block += 1
        for cells in _table_rows(element):
            lines.append("\t".join(" ".join(c.split()) for c in cells))
            sheet.rows.append(SheetRow(cells=cells, line=len(lines), block=block))
    return [sheet], "\n".join(lines)


def convert_doc(path: Path) -> bytes:
    """A .doc converted to .docx by LibreOffice (``soffice --headless``); ``needs_libreoffice`` without it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ParseError(
            "needs_libreoffice",
            f"{path}: a Word 97-2003 .doc is read through LibreOffice, and soffice is not on PATH",
        )
    with tempfile.TemporaryDirectory(prefix="budget-doc-") as tmp:
        command = [
            soffice,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(path),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=SOFFICE_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as err:
            raise ParseError("damaged", f"{path}: LibreOffice did not convert the .doc in time") from err
        converted = Path(tmp) / f"{path.stem}.docx"
        if not converted.exists():
            raise ParseError("damaged", f"{path}: LibreOffice could not convert the .doc")
        return converted.read_bytes()
