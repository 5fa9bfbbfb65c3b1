"""Document metadata: department, district, town, level, kind, fiscal year.

Rules (each field stays None when the document does not say):

- ``department``: the name printed most often as ``编制部门`` / ``编报单位`` / ``编制单位``
  above the nine tables; without such lines, the title page's ``预算主管部门`` /
  ``预算单位``. The tables win because they name the unit whose budget it is, while the
  title page may name the authority that files it (jiading_anting_2024: title
  ``预算主管部门: 嘉定区安亭镇财政所``, tables and narrative
  ``上海市嘉定区安亭镇城市运行管理中心``).
- ``district``: the ``…区`` right after ``上海市`` in the department name, else in the title.
- ``town``: the ``…镇`` / ``…街道`` right after the district (``人民政府`` skipped:
  ``上海市普陀区人民政府万里街道办事处`` → ``万里街道``), else in the title.
- ``level``: ``town`` with a town, else ``district`` with a district, else ``city`` when
  the department is a ``上海市`` body or the title says 市级. A street office's budget is
  published among the district's 区级部门预算 but its level is ``town``.
- ``kind``: ``unit`` for a title saying 单位预算, ``department`` for 部门预算; without either (a
  spreadsheet of the nine tables has no title page), the tables' own titles: ``2025年预算单位…表`` /
  ``单位“三公”…表`` say unit, ``2024年部门…表`` department.
- ``fiscal_year``: the year in the title (``2024 年部门预算``), else the year the tables' titles print
  (``2024年部门财务收支预算总表``).
"""

from __future__ import annotations

import re
from collections import Counter

from .headers import match_title
from .model import DocumentMeta
from .source import Source

__all__ = ["department_from", "extract", "place_of"]

# The title block: the first lines of the document, before the 目录.
TITLE_LINES = 12
_TITLE_NAME = re.compile(r"^\s*(?:预算主管部门|预算单位)\s*[:：]\s*(?P<name>\S.*?)\s*$")
_TABLE_NAME = re.compile(r"(?:编制部门|编报单位|编制单位)\s*[:：]\s*(?P<name>[^\s:：|]+)")
_YEAR = re.compile(r"(?P<year>20\d{2})\s*年(?:度)?\s*(?:[市区镇]级)?\s*(?:部门|单位)?预算")
_DISTRICT = re.compile(r"上海市(?P<district>[\u4e00-\u9fff]{1,4}?区)")
_TITLE_DISTRICT = re.compile(
    r"(?P<district>[\u4e00-\u9fff]{2,3}区)\s*(?:20\d{2}|[\u4e00-\u9fff]{2,4}(?:镇|街道))"
)
# A town is a one-to-four-character name ending 镇 (唐镇, 颛桥镇), 街道 (万里街道, and 真如镇街道 whole) or
# 乡 (横沙乡); 城镇/城乡 begin department names (城镇建设…, 城乡建设…), not towns.
_TOWN = re.compile(r"^(?:人民政府)?(?!城[镇乡])(?P<town>[\u4e00-\u9fff]{1,4}?(?:镇街道|街道|镇|乡))")
_MARKUP = re.compile(r"^[#>*\-\s]+")
_TABLE_TITLE_YEAR = re.compile(r"(?P<year>20\d{2})\s*年")
_UNIT_TABLE_TITLE = re.compile(r"预算单位|^(?:20\d{2}\s*年)?\s*单位")


def extract(source: Source) -> DocumentMeta:
    lines = [_MARKUP.sub("", text).strip() for page in source.pages for _, text in page.lines]
    title = [line for line in lines[: TITLE_LINES * 3] if line][:TITLE_LINES]
    department = department_from(lines, title)
    title_text = " ".join(title)
    district, town = place_of(department or "", title_text)
    tables = [line for line in lines if match_title(line)]
    return DocumentMeta(
        sha256=source.sha256,
        source_file=source.path.name,
        format=source.format,
        pages=source.page_count,
        department=department,
        district=district,
        town=town,
        level=_level(department, district, town, title_text),
        kind=_kind(title_text) or _kind_of_tables(tables),
        fiscal_year=_year(title_text) or _year_of_tables(tables),
        reader=source.reader,
    )


def department_from(lines: list[str], title: list[str]) -> str | None:
    """Most frequent table-header name, else the title page's 预算主管部门 / 预算单位."""
    counts = Counter(m.group("name") for line in lines for m in _TABLE_NAME.finditer(line))
    if counts:
        return counts.most_common(1)[0][0]
    for line in title:
        m = _TITLE_NAME.match(line)
        if m:
            return m.group("name").replace(" ", "")
    return None


def place_of(department: str, title: str) -> tuple[str | None, str | None]:
    """(district, town) named in the department, else in the title."""
    for text in (department, title.replace(" ", "")):
        m = _DISTRICT.search(text) or _TITLE_DISTRICT.search(text)
        if not m:
            continue
        rest = text[m.end("district") :]
        town = _TOWN.match(rest)
        return m.group("district"), town.group("town") if town else None
    return None, None


def _level(department: str | None, district: str | None, town: str | None, title: str) -> str | None:
    if town:
        return "town"
    if district:
        return "district"
    if (department or "").startswith("上海市") or "市级" in title:
        return "city"
    return None


def _kind(title: str) -> str | None:
    title = title.replace("部门预算经济分类", "")  # table 8's title names the classification, not the kind
    if "单位预算" in title:
        return "unit"
    if "部门预算" in title:
        return "department"
    return None


def _year(title: str) -> int | None:
    m = _YEAR.search(title)
    return int(m.group("year")) if m else None


def _kind_of_tables(titles: list[str]) -> str | None:
    """unit / department as most of the nine tables' titles say (``预算单位…表`` / ``部门…表``)."""
    votes = Counter(
        "unit" if _UNIT_TABLE_TITLE.search(t.strip()) else "department"
        for t in titles
        if "部门" in t or "单位" in t
    )
    return votes.most_common(1)[0][0] if votes else None


def _year_of_tables(titles: list[str]) -> int | None:
    years = Counter(int(m.group("year")) for t in titles if (m := _TABLE_TITLE_YEAR.search(t)))
    return years.most_common(1)[0][0] if years else None
