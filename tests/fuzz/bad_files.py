"""Broken and hostile files made from the corpus, for the reliability tests and the fuzz harness.

Each builder writes one real file (no mocks): a zero-byte file, a truncated PDF, a PDF
encrypted with a user password (pikepdf), an image-only PDF (the cover rasterised with pdfium,
saved by Pillow: a scan that OCR reads and finds no table in), a blank PDF, an HTML page with a
``.pdf`` name, a PDF of some other text, and a budget PDF whose table pages were removed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

__all__ = ["BAD_FILES", "EXPECTED_REASONS", "GOOD_PDF", "write_bad_files"]

REPO = Path(__file__).resolve().parents[2]
GOOD_PDF = REPO / "raw" / "pdf" / "qingpu_liantang_2024.pdf"
# Share of the file kept by the truncated copy: the cross-reference table at the end is lost.
TRUNCATE_AT = 0.4
RASTER_SCALE = 1.0  # 72 dpi: small files, no text layer either way
RASTER_PAGES = 1  # the cover: OCR reads it (about 1 s) and finds no budget table
# 0-based pages of GOOD_PDF holding tables 2–9 (table 1 on page 6 is kept).
TABLE_PAGES_REMOVED = range(6, 14)
OTHER_TEXT = (
    "Minutes of the neighbourhood gardening club. The spring meeting agreed to plant tulips "
    "along the river path, to repaint the shed and to hold the summer fair on the second Sunday of June."
)
HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    "<body><h1>页面不存在</h1><p>The attachment has moved.</p></body></html>\n"
)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    data = GOOD_PDF.read_bytes()
    path.write_bytes(data[: int(len(data) * TRUNCATE_AT)])


def _encrypted(path: Path) -> None:
    import pikepdf

    with pikepdf.open(GOOD_PDF) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner-secret", R=6))


def _image_only(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(GOOD_PDF))
    try:
        images = [pdf[i].render(scale=RASTER_SCALE).to_pil().convert("RGB") for i in range(RASTER_PAGES)]
    finally:
        pdf.close()
    images[0].save(path, "PDF", save_all=True, append_images=images[1:])


def _blank(path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)


def _html(path: Path) -> None:
    path.write_text(HTML_PAGE, encoding="utf-8")


def _other_text(path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    words = OTHER_TEXT.split()
    lines = [" ".join(words[i : i + 9]) for i in range(0, len(words), 9)]
    ops = ["BT", "/F1 12 Tf", "16 TL", "72 760 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops += [f"({escaped}) Tj", "T*"]
    ops.append("ET")
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream("\n".join(ops).encode("latin-1")),
        )
    )
    pdf.pages.append(page)
    pdf.save(path)


def _missing_tables(path: Path) -> None:
    import pikepdf

    with pikepdf.open(GOOD_PDF) as pdf:
        for index in reversed(TABLE_PAGES_REMOVED):
            del pdf.pages[index]
        pdf.save(path)


# file name -> builder. Names say what is wrong, so a quarantine row reads on its own.
BAD_FILES: dict[str, Callable[[Path], None]] = {
    "empty.pdf": _empty,
    "truncated.pdf": _truncated,
    "encrypted.pdf": _encrypted,
    "image_only.pdf": _image_only,
    "blank.pdf": _blank,
    "html_page.pdf": _html,
    "other_text.pdf": _other_text,
    "missing_tables.pdf": _missing_tables,
}

# file name -> the reason the parser gives (ParseError.reason).
EXPECTED_REASONS = {
    "empty.pdf": "empty_file",
    "truncated.pdf": "damaged",
    "encrypted.pdf": "encrypted",
    "image_only.pdf": "not_a_budget",  # a scan: read by OCR, and its cover holds no budget table
    "blank.pdf": "no_text_layer",  # neither text nor an image to read
    "html_page.pdf": "not_pdf",
    "other_text.pdf": "not_a_budget",
    "missing_tables.pdf": "missing_tables",
}


def write_bad_files(folder: Path) -> dict[str, Path]:
    """Write every bad file into ``folder``; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, build in BAD_FILES.items():
        paths[name] = folder / name
        build(paths[name])
    return paths
