"""Scanned pages: our OCR table reader against bare RapidOCR on the same page images.

The baseline is what any OCR pipeline pays (RapidOCR's detection and recognition on the rendered
page); the ratio is the cost of everything we add on top (levelling the page, finding the ruling
lines, cutting boxes at column rules and reading the pieces again, rebuilding the rows). Both sides
read the same image-only PDF, rasterised from a corpus document's table pages at the reader's dpi.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["ocr_speed"]

# The nine tables of the embedded corpus's 练塘镇 2024 (pages 6–14): a whole budget, so the scan is
# parsed end to end (about 30 s of OCR on one core).
SCAN_PDF = Path(__file__).resolve().parents[1] / "raw" / "pdf" / "qingpu_liantang_2024.pdf"
SCAN_PAGES = tuple(range(6, 15))


def _bare_rapidocr(path: Path) -> int:
    """Pages read by RapidOCR alone (boxes and text, nothing rebuilt)."""
    import pypdfium2

    from orchestration.parsing.ocr_tables import RENDER_DPI, _engine

    engine = _engine()
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for page in pdf:
            engine(page.render(scale=RENDER_DPI / 72, grayscale=True).to_numpy())
        return len(pdf)
    finally:
        pdf.close()


def ocr_speed(pdf: Path = SCAN_PDF, pages: tuple[int, ...] = SCAN_PAGES) -> dict[str, Any]:
    """Pages per second of the scan reader and of bare RapidOCR, same pages, same process."""
    from bench.formats.scan import rasterise
    from orchestration.parsing import parse_document

    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        scan = Path(tmp) / f"{pdf.stem}.scan.pdf"
        scan.write_bytes(rasterise(pdf, list(pages)))
        _bare_rapidocr(scan)  # load the models once, outside both timings
        started = time.perf_counter()
        count = _bare_rapidocr(scan)
        bare_s = time.perf_counter() - started
        started = time.perf_counter()
        parsed = parse_document(scan)
        ours_s = time.perf_counter() - started
    return {
        "file": pdf.name,
        "pages": count,
        "bare_pages_per_s": count / bare_s,
        "reader_pages_per_s": count / ours_s,
        "ratio": ours_s / bare_s,
        "cells": len(parsed.cells),
        "problems": len(parsed.problems),
    }
