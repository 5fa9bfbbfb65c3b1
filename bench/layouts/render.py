"""Render a golden document through a style as a PDF; return the cells the parser must read from it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from bench.layouts.derive import derive_document
from bench.layouts.draw import PdfWriter
from bench.layouts.fonts import to_identity_with_to_unicode
from bench.layouts.golden import GoldenDocument
from bench.layouts.number_formats import FACTORS, NumberFormat, document_scale
from bench.layouts.specs import BodyRow, ExpectedCell, TableSpec, build_specs
from bench.layouts.styles import Style
from bench.layouts.table_layout import layout_table, truncate

__all__ = ["render"]

# Table 9 (三公) is printed in 万元 whatever the other tables' unit, as publishers do.
THREE_PUBLIC_UNIT = "万元"


def render(doc: GoldenDocument, style: Style, path: Path) -> list[ExpectedCell]:
    """Write ``doc``'s nine tables as ``style`` lays them out to ``path``; every printed figure as
    an ``ExpectedCell`` (key, printed string, page)."""
    numbers = NumberFormat(style.numbers, style.zeros)
    main_unit = "万元" if style.unit == "wan" else "元"
    by_unit: dict[str, list[Decimal]] = {main_unit: [], THREE_PUBLIC_UNIT: []}
    for no, table in doc.tables.items():
        unit = THREE_PUBLIC_UNIT if no == 9 else main_unit
        by_unit[unit] += [v for row in table.rows for v in row.values.values()]
    scale = document_scale(by_unit, numbers.decimals)
    quantum = Decimal(1).scaleb(-numbers.decimals) * FACTORS[main_unit]
    derived = derive_document(doc, scale, quantum, style.kind, style.extra)
    specs = build_specs(derived, style, numbers)
    if style.paging == "column_apart":
        specs = [part for spec in specs for part in _column_apart(spec)]
    kind = "单位预算" if style.kind == "unit" else "部门预算"
    organisation = specs[0].org_line.split("：", 1)[1]
    writer = PdfWriter(path, style, f"{organisation}{doc.year}年{kind}")
    writer.cover(
        [f"{doc.year}年{kind}", organisation],
        [f"{spec.table_no}. {spec.title}" for spec in specs],
    )
    main, breaks = None, None
    for spec in specs:
        paths = [truncate(column.path, style.header) for column in spec.columns]
        layout = layout_table(
            spec, paths, writer.font, writer.table_font_size, writer.available_width, style.numbers
        )
        if spec.apart and main is not None:  # rows where the main part has them, same page breaks
            layout.row_heights = list(main.row_heights)
            scale = sum(main.header_heights) / sum(layout.header_heights)
            layout.header_heights = [h * scale for h in layout.header_heights]
            writer.table(spec, layout, breaks)
            continue
        main, breaks = layout, writer.table(spec, layout)
    writer.close()
    if style.font == "cid_identity":
        to_identity_with_to_unicode(path)
    return [cell for spec in specs for row in spec.rows for cell in row.expected]


def _column_apart(spec: TableSpec) -> list[TableSpec]:
    """Table 2 with its last column printed apart, on pages of its own under the title repeated
    (only that column's header and figures, no row labels, each row at the height it has in the
    main part), as a spreadsheet too wide for the page is printed."""
    if spec.table_no != 2 or sum(c.role == "value" for c in spec.columns) < 2:
        return [spec]
    label = spec.columns[-1].path[-1]
    main_rows, apart_rows = [], []
    for row in spec.rows:
        merged = row.merged if row.merged is None or row.merged[1] < len(spec.columns) - 1 else None
        mine = [c for c in row.expected if c.column != label]
        main_rows.append(BodyRow(row.texts[:-1], merged, mine))
        apart_rows.append(BodyRow(row.texts[-1:], None, [c for c in row.expected if c.column == label]))
    main = replace(spec, columns=spec.columns[:-1], rows=main_rows)
    apart = replace(spec, columns=spec.columns[-1:], rows=apart_rows, note=None, apart=True)
    return [main, apart]
