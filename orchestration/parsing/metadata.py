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
- ``kind``: ``unit`` for a title saying 单位预算, ``department`` for 部门预算 (a title saying neither but
  printing a ``预算单位：`` line is a unit's); without either (a spreadsheet of the nine tables has no
  title page), the tables' own titles: ``2025年预算单位…表`` / ``单位“三公”…表`` say unit, ``2024年部门…表``
  department.
- ``fiscal_year``: the year in the title (``2024 年部门预算``), else the year the tables' titles print
  (``2024年部门财务收支预算总表``).
- ``parent_department`` (unit budgets only): the 预算主管部门 the unit belongs to, in this order: a
  ``预算主管部门：…`` / ``主管部门：…`` line (cover or table header); the unit's own name when it shows
  it (``…司法局本级`` / ``…司法局机关`` → ``…司法局``; ``…公证处（上海市普陀区司法局）`` → the bracket,
  unless the bracket is the body's second name, ``上海市水务局（上海市海洋局）``, which ends like the
  name); the narrative's ``<unit>是<上海…>所属/下属/直属…`` (a full name only: ``市商务委所属`` is not linked, nor
  ``上海市人民政府直属``).
  None when the parent would be the unit itself (a department's own 本级 unit budget under its
  department's name, e.g. 上海市财政局).
"""

from __future__ import annotations

import re
from collections import Counter

from .model import DocumentMeta
from .source import Source
from .table_titles import match_title

__all__ = ["department_from", "extract", "organisation_name", "parent_department_from", "place_of"]

# The title block: the first lines of the document, before the 目录.
TITLE_LINES = 12
_TITLE_NAME = re.compile(r"^\s*(?P<label>预算主管部门|预算单位)\s*[:：]\s*(?P<name>\S.*?)\s*$")
# 预算主管部门：… on the cover, or 主管部门：… in a table header (not 是…预算主管部门及所属… in 名词解释)
_PARENT_LINE = re.compile(r"(?:预算)?主管部门\s*[:：]\s*(?P<name>[^\s:：|]+)")
# a unit named after its department's own office: …司法局本级, …司法局（本级）, …司法局机关
_OWN_OFFICE = re.compile(r"^(?P<parent>.{2,}?)[（(]?(?:机关本级|本级|机关)[）)]?$")
# a name closing on a bracket: the unit's department, or the body's second name (两块牌子)
_BRACKETED = re.compile(r"^(?P<outer>.{2,}?)[（(](?P<inner>[^（）()]{2,})[）)]$")
# the narrative: 上海市海洋监测预报中心是上海市水务局（上海市海洋局）所属公益一类事业单位
# (a people's government is not a budget department: 是上海市人民政府直属机构 links nothing)
_BELONGS_TO = r"是(?P<parent>上海[\u4e00-\u9fff（）()]{2,40}?)(?<!人民政府)(?:所属|下属|直属)"
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
    kind = _kind(title_text) or _kind_of_tables(tables)
    return DocumentMeta(
        sha256=source.sha256,
        source_file=source.path.name,
        format=source.format,
        pages=source.page_count,
        department=department,
        district=district,
        town=town,
        level=_level(department, district, town, title_text),
        kind=kind,
        fiscal_year=_year(title_text) or _year_of_tables(tables),
        parent_department=parent_department_from(lines, department) if kind == "unit" else None,
        reader=source.reader,
    )


def department_from(lines: list[str], title: list[str]) -> str | None:
    """Most frequent table-header name, else the title page's 预算主管部门 / 预算单位."""
    counts = Counter(m.group("name") for line in lines for m in _TABLE_NAME.finditer(line))
    if counts:
        return counts.most_common(1)[0][0]
    named = {}
    for line in title:
        m = _TITLE_NAME.match(line)
        if m:
            named.setdefault(m.group("label"), m.group("name").replace(" ", ""))
    # a unit budget's cover prints both: the unit (预算单位) is whose budget it is
    return named.get("预算单位") or named.get("预算主管部门")


def parent_department_from(lines: list[str], department: str | None) -> str | None:
    """The 预算主管部门 of a unit budget: printed on a line, shown by the unit's name, or stated in the
    narrative (see the module docstring); None when it is the unit itself or nowhere to be read."""
    counts = Counter(m.group("name") for line in lines for m in _PARENT_LINE.finditer(line))
    candidates = [counts.most_common(1)[0][0]] if counts else []
    if department:
        candidates.append(_parent_in_name(department))
        said = re.search(re.escape(department) + _BELONGS_TO, "".join(lines))
        candidates.append(_without_second_name(said.group("parent")) if said else None)
    own = organisation_name(department or "")
    for candidate in candidates:
        if candidate and organisation_name(candidate) != own:
            return candidate
    return None


def organisation_name(name: str) -> str:
    """A name compared across documents: no spaces, brackets half-width, the 上海市 prefix dropped."""
    name = re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")
    return name.removeprefix("上海市")


def _parent_in_name(name: str) -> str | None:
    m = _OWN_OFFICE.match(name)
    if m:
        return m.group("parent")
    m = _BRACKETED.match(name)
    if m and not _is_second_name(m.group("outer"), m.group("inner")):
        return m.group("inner")
    return None


def _is_second_name(outer: str, inner: str) -> bool:
    """上海市水务局（上海市海洋局）: one body, two names of the same kind (both 局)."""
    return outer[-1] == inner[-1]


def _without_second_name(name: str) -> str:
    m = _BRACKETED.match(name)
    return m.group("outer") if m and _is_second_name(m.group("outer"), m.group("inner")) else name


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
    if re.search(r"预算单位\s*[:：]", title):
        return "unit"
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
