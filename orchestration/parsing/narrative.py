"""Figures printed in the narrative (编制说明, 三公, 政府采购, 绩效目标 counts), in 万元.

The narrative runs from the body heading ``…预算编制说明`` to the first project section
(``…经费情况说明`` followed by ``一、项目概述``). Every ``<number>万元`` in it becomes a
``NarrativeFigure`` whose ``key`` says what it is, read from the words printed just
before the number (the *label*, back to the previous ``，；。：、``):

- totals: ``income_total``, ``expense_total``, ``fiscal_income_total``,
  ``fiscal_expense_total``, ``general_budget_expense_total``,
  ``general_budget_basic_expense_total``, ``gov_fund_expense_total``,
  ``state_capital_expense_total``;
- parts: ``income:<name>`` (事业收入, 其他收入, 教育收费收入, 单位资金 …) and
  ``expense:<name>`` (基本支出, 项目支出, 上缴上级支出 …);
- subjects: ``subject:<name>`` with the quoted name as printed, quotes and ``科目`` and
  any printed code ``（项2040220）`` removed, brackets made ASCII:
  ``subject:社会保障和就业支出``, ``subject:社会保障和就业支出(类)行政事业单位养老支出(款)``.
  Names, not codes: the narrative rarely prints a code and a name→code lookup belongs
  with the tables; a part printed inside a subject's sentence (``;项目支出4164.61万元``)
  is ``subject:<name>:项目支出``;
- ``three_public:total|outbound|reception|vehicle|vehicle_purchase|vehicle_operation``,
  ``admin_operating_cost`` (机关运行经费),
  ``procurement:total|goods|works|services|sme_reserved|small_micro_reserved``,
  ``performance_projects_amount`` and ``performance_projects_count``;
- the change on last year (比上年…增加/减少 X, 与上年…持平) of the figure before it:
  ``income_total`` → ``income_change`` (every ``*_total`` → ``*_change``), any other
  key → ``<key>:change``; 减少 is negative, 持平 is 0 with ``printed="持平"``.

Counts are not money: ``performance_projects_count`` has ``unit="个"`` and holds the
count itself in ``amount_yuan``. Percentages, vehicles and ``单价100万元（含）以上``
thresholds are skipped. A figure whose label matches no rule keeps ``key=None``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .model import NarrativeFigure
from .running_text import (
    LIST_MARK,
    NUMBER_PATTERN,
    FlatText,
    flatten,
    is_project_heading,
    label_before,
    next_nonempty,
    parse_number,
    wan_to_yuan,
)
from .source import Source

__all__ = ["classify", "extract", "figures_in", "narrative_span"]

SENTENCE_BOUNDARY = set("。\n")

_MONEY = re.compile(
    rf"(?<![\d.])(?P<num>{NUMBER_PATTERN})\s*(?P<unit>万元|万(?!元))"
    # 单价100万元（含）以上 / 价值50万元以上 are thresholds, not budget figures
    r"(?!\s*[（(]含)(?!\s*以上)"
)
# 政府性基金拨款支出预算为0；  — a zero printed with no unit
_BARE_ZERO = re.compile(r"为(?P<num>0(?:\.0+)?)(?=[；;。，,])")
_FLAT = re.compile(r"(?:与|比|较)(?:上年|\d{4}\s*年)(?:部门)?(?:预算)?(?:执行数|数)?持平")
_COUNT = re.compile(r"编报绩效目标的项目(?:共)?\s*(?P<num>\d+)\s*个")
_CHANGE = re.compile(r"(?:比|较)(?:上年|\d{4}\s*年).*?(?P<dir>增加|减少|增长|下降)\s*$")
_SUBJECT_HINT = re.compile(r"[“”\"]|科目|[（(][类款项]\d+[)）]")
_NEGATIVE = {"减少", "下降"}

INCOME_PARTS = (
    "教育收费收入",
    "事业单位经营收入",
    "事业收入",
    "单位资金",
    "动用历年结转结余",
    "其他资金",
    "其他收入",
)
EXPENSE_PARTS = ("基本支出", "项目支出", "上缴上级支出", "对附属单位补助支出", "事业单位经营支出")


def extract(source: Source) -> list[NarrativeFigure]:
    """All narrative figures of a document, in reading order."""
    flat = flatten(source)
    start, end = narrative_span(flat)
    return figures_in(flat, start, end)


def narrative_span(flat: FlatText) -> tuple[int, int]:
    """Offsets of the narrative: body ``…编制说明`` heading to the first project section."""
    lines = flat.line_texts()
    start, end = 0, len(flat.text)
    for i, line in enumerate(lines):
        head = line.strip().lstrip("#").strip()
        following = next_nonempty(lines, i)
        if head.endswith("编制说明") and "五、" not in following and start == 0:
            start = flat.line_offset(i)
        elif is_project_heading(lines, i):
            end = flat.line_offset(i)
            break
    return start, end


def figures_in(flat: FlatText, start: int, end: int) -> list[NarrativeFigure]:
    """Figures between two offsets of the running text."""
    text = flat.text
    hits: list[tuple[int, int, str, str, str]] = []  # (pos, end, kind, printed, unit)
    for m in _MONEY.finditer(text, start, end):
        hits.append((m.start("num"), m.end(), "money", m.group("num"), "万元"))
    for m in _BARE_ZERO.finditer(text, start, end):
        hits.append((m.start("num"), m.end(), "money", m.group("num"), "万元"))
    for m in _FLAT.finditer(text, start, end):
        hits.append((m.start(), m.end(), "flat", "持平", "万元"))
    for m in _COUNT.finditer(text, start, end):
        hits.append((m.start("num"), m.end(), "count", m.group("num"), "个"))
    hits.sort()

    figures: list[NarrativeFigure] = []
    last_key: str | None = None
    last_subject: tuple[int, str] | None = None  # (sentence start, key) of the last subject
    floor = start
    for pos, stop, kind, printed, unit in hits:
        # a label never reaches back past the figure before it (a PDF line break may
        # stand where the publisher's 、 was)
        label = label_before(text, pos, floor) if kind != "flat" else ""
        floor = max(floor, stop)
        sentence_start = _sentence_start(text, pos, start)
        value = parse_number(printed) if kind != "flat" else Decimal(0)
        if value is None:
            continue
        if kind == "count":
            key: str | None = "performance_projects_count"
            amount = value
        else:
            amount = wan_to_yuan(value) if kind == "money" else Decimal("0.00")
            direction = None if kind == "flat" else _change_direction(label)
            if kind == "flat" or direction:
                key = _change_key(label, last_key)
                if direction in _NEGATIVE:
                    amount = -amount
            else:
                key = classify(label)
                if key and key.startswith("subject:"):
                    last_subject = (sentence_start, key)
                elif key is None and last_subject:
                    key = _subject_detail(label, last_subject[1])
                elif (
                    key and key.startswith("expense:") and last_subject and last_subject[0] == sentence_start
                ):
                    key = f"{last_subject[1]}:{key.split(':', 1)[1]}"
                last_key = key
        page, line = flat.locate(pos)
        phrase = (label + text[pos:stop]).strip()
        figures.append(
            NarrativeFigure(
                text=phrase, amount_yuan=amount, page=page, key=key, printed=printed, unit=unit, line=line
            )
        )
    return figures


def classify(label: str) -> str | None:
    """Key of a figure from the words printed before it (see the module docstring)."""
    bare = LIST_MARK.sub("", label).replace("*", "").strip()
    if "三公" in bare:
        return "three_public:total"
    if "因公出国" in bare:
        return "three_public:outbound"
    if "公务接待" in bare:
        return "three_public:reception"
    if "购置及运行" in bare:
        return "three_public:vehicle"
    if "公务用车购置" in bare or bare.startswith("购置费"):
        return "three_public:vehicle_purchase"
    if "公务用车运行" in bare or bare.startswith("运行"):
        return "three_public:vehicle_operation"
    if "机关运行经费" in bare:
        return "admin_operating_cost"
    if "政府采购" in bare or "预留" in bare:
        return _procurement_key(bare)
    if "绩效目标" in bare or "涉及项目预算资金" in bare:
        return "performance_projects_amount"
    if _SUBJECT_HINT.search(bare):
        name = subject_name(bare)
        return f"subject:{name}" if name else None
    return _total_key(bare)


def subject_name(label: str) -> str:
    """``“执法办案”科目（项2040220）`` → ``执法办案``; brackets made ASCII."""
    quoted = re.findall(r"[“\"]([^”\"]+)[”\"]", label)
    if quoted:
        name = quoted[-1]
    else:
        # 公共安全支出（类204）公安（款20402）: the name printed just before the last code
        parts = [p for p in re.split(r"[（(]\s*[类款项]\s*\d+\s*[)）]", label) if p.strip(" ：:*")]
        name = parts[-1] if parts else label
    name = re.sub(r"[（(]\s*[类款项]\s*\d+\s*[)）]", "", name)
    name = name.replace("科目", "").replace("“", "").replace("”", "").replace('"', "")
    name = re.sub(r"\s+", "", name).strip("：:*")
    return name.replace("（", "(").replace("）", ")")


def _subject_detail(label: str, subject_key: str) -> str | None:
    # 2023年当年预算执行数为60.13万元，2024年预算安排25.77万元 — said of the subject above
    if "执行数" in label:
        return f"{subject_key}:prior_year_executed"
    if "预算安排" in label:
        return f"{subject_key}:budget"
    return None


def _procurement_key(label: str) -> str:
    if "小型和微型" in label or "小微" in label:
        return "procurement:small_micro_reserved"
    if "中小企业" in label:
        return "procurement:sme_reserved"
    for word, key in (("货物", "goods"), ("工程", "works"), ("服务", "services")):
        if word in label:
            return f"procurement:{key}"
    return "procurement:total"


def _total_key(label: str) -> str | None:
    if "一般公共预算" in label:
        return "general_budget_basic_expense_total" if "基本支出" in label else "general_budget_expense_total"
    if "政府性基金" in label:
        return "gov_fund_expense_total"
    if "国有资本" in label:
        return "state_capital_expense_total"
    if "财政拨款收入" in label:
        return "fiscal_income_total"
    if "财政拨款支出" in label:
        return "fiscal_expense_total"
    for part in INCOME_PARTS:
        if part in label:
            return f"income:{part}"
    for part in EXPENSE_PARTS:
        if part in label:
            return f"expense:{part}"
    if "收入" in label:
        return "income_total"
    if "支出" in label:
        return "expense_total"
    return None


def _change_direction(label: str) -> str | None:
    m = _CHANGE.search(label)
    return m.group("dir") if m else None


def _change_key(label: str, last_key: str | None) -> str | None:
    # 比上年部门收入增加 names its base; otherwise the change is of the figure before it
    base = last_key
    if "部门收入" in label:
        base = "income_total"
    elif "部门支出" in label:
        base = "expense_total"
    if base is None:
        return None
    if base.endswith("_total"):
        return base[: -len("_total")] + "_change"
    return f"{base}:change"


def _sentence_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in SENTENCE_BOUNDARY:
        i -= 1
    return i
