"""Scanned PDFs (pages that are images, no text layer): OCR, then tables rebuilt from the geometry.

Offline: RapidOCR (``rapidocr-onnxruntime``) runs the PP-OCRv4 detection and recognition models
shipped inside its wheel, on one core. Each page is rendered at ``RENDER_DPI``; its ruling lines
are found with OpenCV (long thin runs of dark pixels, horizontal and vertical, after the page is
turned level: a scan's skew); the vertical
rules group into table frames whose rules cut the frame into a grid. Every text box the OCR reads
inside a frame is placed in the grid cell holding its centre; a box crossing a column rule is cut
at the rule and each piece read again. Boxes outside frames make ``text`` rows (titles, 单位 and
编制部门 lines, notes), one per line. The rows then go through ``row_tables`` like a spreadsheet's.

Every cell keeps the least recognition score of its boxes as its confidence; ``ocr_verify`` checks
the figures before the document may be loaded.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .row_tables import Sheet, SheetRow, row_text

__all__ = ["RENDER_DPI", "deskew", "page_rows", "read_scan", "skew_angle"]

RENDER_DPI = 200
DARK = 160  # grey level below which a pixel is ink
MIN_RULE_FRACTION = 0.04  # a rule is at least this share of the page's width (or height)
RULE_MERGE_PX = 6  # rules closer than this are one
MIN_FRAME_COLUMNS = 2  # a frame has at least this many columns
CUT_MARGIN_PX = 4  # a box crossing a rule by less than this is not cut
# A flatbed's skew: angles tried (degrees) to make the rules horizontal, on a quarter-size image.
MAX_SKEW_DEGREES = 3.0
SKEW_STEP_DEGREES = 0.1
MIN_PIECE_HEIGHTS = 0.6  # a piece of a cut box narrower than this many line heights holds no character


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Frame:
    top: float
    bottom: float
    columns: list[float]  # x of each vertical rule, left to right
    rows: list[float]  # y of each horizontal rule, top to bottom

    def holds(self, box: Box) -> bool:
        return self.top <= box.cy <= self.bottom and self.columns[0] <= box.cx <= self.columns[-1]


@cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)


def read_scan(path: Path) -> tuple[list[tuple[int, str]], list[Sheet]]:
    """(page number, page text) of every page and the document's rows, read by OCR."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    texts: list[tuple[int, str]] = []
    sheet = Sheet(name=None)
    block = 0
    try:
        for number in range(1, len(pdf) + 1):
            image = pdf[number - 1].render(scale=RENDER_DPI / 72, grayscale=True).to_numpy()
            if image.ndim == 3:
                image = image[:, :, 0]
            image = deskew(image)
            rows, block = page_rows(image, number, block)
            sheet.rows += rows
            texts.append((number, "\n".join(row_text(r) for r in rows)))
    finally:
        pdf.close()
    return texts, [sheet]


def skew_angle(image: Any) -> float:
    """The turn (degrees, counter-clockwise) that levels the page: its row profile of ink is sharpest."""
    import cv2
    import numpy as np

    small = cv2.resize(image, (image.shape[1] // 4, image.shape[0] // 4), interpolation=cv2.INTER_AREA)
    ink = (small < DARK).astype(np.float32)
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)
    best, best_score = 0.0, -1.0
    steps = int(MAX_SKEW_DEGREES / SKEW_STEP_DEGREES)
    for k in range(-steps, steps + 1):
        angle = k * SKEW_STEP_DEGREES
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), ink.shape[::-1])
        score = float(np.var(turned.sum(axis=1)))
        if score > best_score:
            best, best_score = angle, score
    return best


def deskew(image: Any) -> Any:
    """The page turned level (a scan's skew), or as it is when it already is."""
    import cv2

    best = skew_angle(image)
    if abs(best) < SKEW_STEP_DEGREES / 2:
        return image
    matrix = cv2.getRotationMatrix2D((image.shape[1] / 2, image.shape[0] / 2), best, 1.0)
    return cv2.warpAffine(image, matrix, image.shape[::-1], flags=cv2.INTER_CUBIC, borderValue=255)


def page_rows(image: Any, number: int, block: int) -> tuple[list[SheetRow], int]:
    """The page's rows, top to bottom: text lines and the rows of its ruled tables."""
    frames = _frames(image)
    boxes = _read_boxes(image)
    placed: list[tuple[float, SheetRow]] = []
    outside = [b for b in boxes if not any(f.holds(b) for f in frames)]
    for frame in frames:
        block += 1
        inside = _cut_at_rules([b for b in boxes if frame.holds(b)], frame, image)
        for top, row in _frame_rows(frame, inside, number, block):
            placed.append((top, row))
    for top, row in _text_lines(outside, number, block):
        placed.append((top, row))
    placed.sort(key=lambda pair: pair[0])
    return [row for _, row in placed], block


def _read_boxes(image: Any) -> list[Box]:
    import numpy as np

    result, _ = _engine()(np.ascontiguousarray(image), use_cls=False)
    boxes = []
    for points, text, score in result or []:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes.append(Box(min(xs), min(ys), max(xs), max(ys), str(text).strip(), float(score)))
    return [b for b in boxes if b.text]


def _recognise(image: Any, box: Box) -> tuple[str, float]:
    import numpy as np

    crop = image[int(box.y0) : int(box.y1) + 1, int(box.x0) : int(box.x1) + 1]
    if crop.size == 0:
        return "", 0.0
    result, _ = _engine()(np.ascontiguousarray(crop), use_det=False, use_cls=False, use_rec=True)
    if not result:
        return "", 0.0
    text, score = result[0][0], result[0][1]
    return str(text).strip(), float(score)


def _cut_at_rules(boxes: list[Box], frame: Frame, image: Any) -> list[Box]:
    """A box running over a column rule is cut there, and each piece read again."""
    out = []
    for box in boxes:
        cuts = [x for x in frame.columns[1:-1] if box.x0 + CUT_MARGIN_PX < x < box.x1 - CUT_MARGIN_PX]
        if not cuts:
            out.append(box)
            continue
        edges = [box.x0, *cuts, box.x1]
        for left, right in itertools.pairwise(edges):
            if right - left < MIN_PIECE_HEIGHTS * (box.y1 - box.y0):
                continue  # a sliver of a neighbour's character, not a character of this cell
            piece = Box(left + 2, box.y0, right - 2, box.y1, "", 0.0)
            piece.text, piece.score = _recognise(image, piece)
            if piece.text:
                out.append(piece)
    return out


def _runs(mask_line: Any, min_length: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of True at least ``min_length`` long in a 1-D mask."""
    import numpy as np

    padded = np.concatenate(([0], mask_line.astype(np.int8), [0]))
    changes = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e)) for s, e in zip(changes[::2], changes[1::2]) if e - s >= min_length]


def _rules(image: Any) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rules of the page."""
    import cv2

    ink = (image < DARK).astype("uint8")
    height, width = ink.shape
    h_len, v_len = max(10, int(width * MIN_RULE_FRACTION)), max(10, int(height * MIN_RULE_FRACTION / 2))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    h_rules = [(float(y), float(s), float(e)) for y in range(height) for s, e in _runs(horizontal[y], h_len)]
    v_rules = [(float(x), float(s), float(e)) for x in range(width) for s, e in _runs(vertical[:, x], v_len)]
    return _merge(h_rules), _merge(v_rules)


def _merge(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Rules a few pixels thick (several adjacent runs) as one, at their middle."""
    merged: list[list[float]] = []
    for pos, start, end in sorted(rules):
        for m in merged:
            if pos - m[3] <= RULE_MERGE_PX and start < m[2] and end > m[1]:
                m[1], m[2], m[3] = min(m[1], start), max(m[2], end), pos
                break
        else:
            merged.append([pos, start, end, pos])
    return [((m[0] + m[3]) / 2, m[1], m[2]) for m in merged]


def _frames(image: Any) -> list[Frame]:
    """Table frames: vertical rules that overlap in height, with the horizontal rules between them."""
    h_rules, v_rules = _rules(image)
    groups: list[list[tuple[float, float, float]]] = []
    for rule in sorted(v_rules, key=lambda r: r[1]):
        for group in groups:
            if rule[1] <= max(g[2] for g in group) + RULE_MERGE_PX and rule[2] >= min(g[1] for g in group):
                group.append(rule)
                break
        else:
            groups.append([rule])
    frames = []
    for group in groups:
        top, bottom = min(g[1] for g in group), max(g[2] for g in group)
        columns = _distinct(g[0] for g in group)
        if len(columns) < MIN_FRAME_COLUMNS + 1:
            continue
        left, right = columns[0], columns[-1]
        rows = _distinct(
            y
            for y, x0, x1 in h_rules
            if top - RULE_MERGE_PX <= y <= bottom + RULE_MERGE_PX and x0 < right and x1 > left
        )
        frames.append(Frame(top, bottom, columns, rows or [top, bottom]))
    return frames


def _distinct(values) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > RULE_MERGE_PX * 2:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    """The band of ``edges`` holding ``value`` (0 before the second edge)."""
    for k in range(len(edges) - 1):
        if value < edges[k + 1]:
            return k
    return max(len(edges) - 2, 0)


def _frame_rows(frame: Frame, boxes: list[Box], number: int, block: int) -> list[tuple[float, SheetRow]]:
    width = len(frame.columns) - 1
    rows = frame.rows if len(frame.rows) >= 2 else [frame.top, frame.bottom]
    grid: dict[int, dict[int, list[Box]]] = {}
    for box in boxes:
        grid.setdefault(_index(rows, box.cy), {}).setdefault(_index(frame.columns, box.cx), []).append(box)
    out = []
    for r in sorted(grid):
        cells, scores = [""] * width, [1.0] * width
        for c, members in grid[r].items():
            cells[c] = "\n".join("".join(b.text for b in line) for line in _lines(members))
            scores[c] = min(b.score for b in members)
        row = SheetRow(cells=cells, page=number, block=block, confidence=scores)
        out.append((rows[r] if r < len(rows) else frame.top, row))
    return out


def _lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into lines (centres within half a line height), each line left to right."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines and abs(box.cy - lines[-1][0].cy) < (box.y1 - box.y0) / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _text_lines(boxes: list[Box], number: int, block: int) -> list[tuple[float, SheetRow]]:
    """Boxes outside the frames grouped into lines, one row per line, one cell per box."""
    out = []
    for members in _lines(boxes):
        row = SheetRow(
            cells=[b.text for b in members],
            page=number,
            block=block,
            kind="text",
            confidence=[b.score for b in members],
        )
        out.append((min(b.y0 for b in members), row))
    return out
