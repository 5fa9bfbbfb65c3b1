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
- subjects: ``subject:<path>``, the functional (or economic) subject named, in any printed
  order of name, level and code (``narrative_subjects``):
  ``subject:公共安全支出(类204)司法(款20406)普法宣传(项2040605)``,
  ``subject:社会保障和就业支出(类)行政事业单位养老支出(款)``, ``subject:住房公积金``.
  A listed item takes the parents it leaves out from the heading or item above it
  (``一、公共安全支出（类204）`` then ``公安（款20402）…``) and from ``其中``. Details said of
  the subject of the item: ``subject:<path>:项目支出`` (a part printed in its sentence),
  ``:budget`` (``2026年预算安排 X 万元``), ``:prior_year_executed`` (``…执行数为 X 万元``),
  ``:prior_year_budget`` (``上年预算数 X 万元``). ``scope`` says which funds the subject's
  figure counts, from the heading or lead-in above it (``…一般公共预算财政拨款支出情况说明``,
  ``财政拨款支出主要内容如下``): ``general_budget``, ``general_budget_basic`` (economic
  classes of basic spending), ``gov_fund``, ``state_capital``, ``fiscal``, ``all_funds``;
- ``three_public:total|outbound|reception|vehicle|vehicle_purchase|vehicle_operation``,
  ``admin_operating_cost`` (机关运行经费),
  ``procurement:total|goods|works|services|sme_reserved|small_micro_reserved``,
  ``performance_projects_amount`` and ``performance_projects_count``;
- the change on last year (比上年…增加/减少 X, 与上年…持平) of the figure before it:
  ``income_total`` → ``income_change`` (every ``*_total`` → ``*_change``), any other
  key → ``<key>:change``; 减少 is negative, 持平 is 0 with ``printed="持平"``;
- percentages, ``unit="%"``, the percentage itself in ``amount_yuan`` (signed): a change's
  rate (``增幅38.83%``, ``（-5.2%）``) → ``income_change_pct`` / ``<key>:change_pct``; a rate on
  the prior year's executed figure (``比2023年预算执行数减少57.14%``) →
  ``subject:<path>:executed_change_pct``; a share (``占年初项目总预算的100%``) →
  ``<key>:share_pct``.

Counts are not money: ``performance_projects_count`` has ``unit="个"`` and holds the
count itself in ``amount_yuan``. Vehicles and ``单价100万元（含）以上`` thresholds are
skipped. A figure whose label matches no rule keeps ``key=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .model import NarrativeFigure
from .narrative_subjects import (
    SubjectContext,
    has_subject_mark,
    subject_key,
    subject_path,
)
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
_PERCENT = re.compile(rf"(?<![\d.])(?P<sign>[-－+])?(?P<num>{NUMBER_PATTERN})\s*[%％]")
_CHANGE = re.compile(r"(?:比|较)(?:上年|\d{4}\s*年).*?(?P<dir>增加|减少|增长|下降)\s*$")
_RATE_WORD = re.compile(r"(?P<dir>增幅|降幅|增长|下降|增加|减少|上升|降低)")
_SUBJECT_HINT = re.compile(r"[“”\"]|科目")
_NEGATIVE = {"减少", "下降", "降幅", "降低"}
# A heading or lead-in that says which funds the figures below count.
_SCOPE_LEAD = re.compile(r"情况说明|(?:主要内容|具体情况|具体内容|主要构成|构成情况)(?:如下|是)")
# A subject named with its level and no figure, before a colon: ``…普法宣传（05项）：``.
_MENTION = re.compile(
    r"[^，,；;。：:、\n]{1,60}?[（(]\s*(?:[类款项]\s*\d*|\d+\s*[类款项])\s*[)）][”\"]?(?:科目)?(?=\s*[：:])"
)
# A line naming a subject and nothing else: ``一、公共安全支出（类204）``.
_HEADING = re.compile(r"^[^，,；;。：:万%]{1,60}[)）]\s*[：:]?$")
# A new item of a list: ``2、`` ``（3）`` ``④`` at a line or sentence start.
_ITEM_START = re.compile(
    r"(?:^|[。\n；;])\s*(?:\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|[①-⑳])"
)
# Functional classes named without quotes or marks (a label holding one is a subject, not a total).
FUNCTIONAL_CLASSES = (
    "一般公共服务支出",
    "外交支出",
    "国防支出",
    "公共安全支出",
    "教育支出",
    "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "节能环保支出",
    "城乡社区支出",
    "农林水支出",
    "交通运输支出",
    "资源勘探工业信息等支出",
    "商业服务业等支出",
    "金融支出",
    "援助其他地区支出",
    "自然资源海洋气象等支出",
    "住房保障支出",
    "粮油物资储备支出",
    "灾害防治及应急管理支出",
    "国有资本经营预算支出",
    "债务付息支出",
    "债务发行费用支出",
)

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


@dataclass(order=True)
class _Hit:
    pos: int
    stop: int
    kind: str  # money | flat | count | percent | scope | mention | heading
    printed: str = ""
    sign: str = ""


def _hits(flat: FlatText, start: int, end: int) -> list[_Hit]:
    text = flat.text
    hits = [_Hit(m.start("num"), m.end(), "money", m["num"]) for m in _MONEY.finditer(text, start, end)]
    hits += [_Hit(m.start("num"), m.end(), "money", m["num"]) for m in _BARE_ZERO.finditer(text, start, end)]
    hits += [_Hit(m.start(), m.end(), "flat", "持平") for m in _FLAT.finditer(text, start, end)]
    hits += [_Hit(m.start("num"), m.end(), "count", m["num"]) for m in _COUNT.finditer(text, start, end)]
    hits += [
        _Hit(m.start("sign") if m["sign"] else m.start("num"), m.end(), "percent", m["num"], m["sign"] or "")
        for m in _PERCENT.finditer(text, start, end)
    ]
    hits += [_Hit(m.end(), m.end(), "scope") for m in _SCOPE_LEAD.finditer(text, start, end)]
    hits += [_Hit(m.start(), m.end(), "mention") for m in _MENTION.finditer(text, start, end)]
    for i, line in enumerate(flat.line_texts()):
        offset = flat.line_offset(i)
        bare = LIST_MARK.sub("", line).strip()
        if start <= offset < end and _HEADING.match(bare) and has_subject_mark(bare):
            hits.append(_Hit(offset, offset + len(line), "heading"))
    return sorted(hits)


def figures_in(flat: FlatText, start: int, end: int) -> list[NarrativeFigure]:
    """Figures between two offsets of the running text."""
    heading_year = re.search(r"(\d{4})\s*年", flat.text[start : start + 60])
    reader = _Reader(flat, start, start, year=int(heading_year[1]) if heading_year else None)
    for hit in _hits(flat, start, end):
        reader.read(hit)
    return reader.figures


@dataclass
class _Reader:
    """Reads the hits in order, keeping what the next label may refer to."""

    flat: FlatText
    start: int
    floor: int = 0
    figures: list[NarrativeFigure] = field(default_factory=list)
    last_key: str | None = None  # the last figure that is not a change
    last_change: str | None = None  # the last change (比上年…增加 X)
    subject: tuple[int, str] | None = None  # (sentence start, key) of the item's subject
    context: SubjectContext = field(default_factory=SubjectContext)
    scope: str | None = None
    year: int | None = None  # the budget year, from the narrative's heading (2026年单位预算编制说明)

    def read(self, hit: _Hit) -> None:
        text = self.flat.text
        if hit.kind == "scope":
            self._scope(hit)
            return
        if hit.kind in ("mention", "heading"):
            self._subject_named(text[hit.pos : hit.stop], hit.pos)
            return
        if hit.kind != "flat" and hit.pos < self.floor:
            return  # inside a figure already read
        label = label_before(text, hit.pos, self.floor) if hit.kind != "flat" else ""
        between = text[self.floor : hit.pos]
        self.floor = max(self.floor, hit.stop)
        if "。" in between or _ITEM_START.search(between):
            self.context.detailed = None  # 其中 details the subject of its own sentence and item only
        if hit.kind == "percent":
            self._percent(hit, label)
        elif hit.kind == "count":
            self._add(hit, "performance_projects_count", Decimal(hit.printed), "个", label)
        else:
            self._money(hit, label)

    def _scope(self, hit: _Hit) -> None:
        text = self.flat.text
        sentence = text[_sentence_start(text, hit.pos, self.start) : hit.pos]
        scope = _scope_of(sentence)
        if sentence.endswith("情况说明"):  # a heading: what follows is about its funds, or about none
            self.scope, self.subject = scope, None
            self.context.reset()
        elif scope:  # a lead-in (…主要内容如下) that names its funds
            self.scope = scope

    def _subject_named(self, words: str, pos: int) -> None:
        segments = self.context.complete(subject_path(words))
        if segments:
            self.context.update(segments)
            self.subject = (_sentence_start(self.flat.text, pos, self.floor), subject_key(segments))

    def _money(self, hit: _Hit, label: str) -> None:
        value = parse_number(hit.printed) if hit.kind != "flat" else Decimal(0)
        if value is None:
            return
        amount = wan_to_yuan(value) if hit.kind == "money" else Decimal("0.00")
        direction = None if hit.kind == "flat" else _change_direction(label)
        if hit.kind == "flat" or direction:
            executed = "执行数" in (label if direction else self.flat.text[hit.pos : hit.stop])
            key = _change_key(label, self.last_key, executed)
            self.last_change = key
            self._add(hit, key, -amount if direction in _NEGATIVE else amount, "万元", label)
            return
        key = self._key(label, hit)
        self.last_key, self.last_change = key, None
        self._add(hit, key, amount, "万元", label)

    def _key(self, label: str, hit: _Hit) -> str | None:
        text = self.flat.text
        sentence = _sentence_start(text, hit.pos, 0)
        key = classify(label)
        if key and key.startswith("subject:"):
            bare = LIST_MARK.sub("", label).replace("*", "").strip()
            segments = self.context.complete(subject_path(bare))
            self.context.update(segments)
            self.subject = (sentence, subject_key(segments))
            if "其中" in re.split(r"[。；;]", text[hit.stop : hit.stop + 40])[0]:
                self.context.detailed = segments  # 其中：the names that follow detail this subject
            return self.subject[1]
        if key is None and self.subject:
            return _subject_detail(label, self.subject[1], self.year)
        if key and key.startswith("expense:") and self.subject and self.subject[0] == sentence:
            return f"{self.subject[1]}:{key.split(':', 1)[1]}"
        return key

    def _percent(self, hit: _Hit, label: str) -> None:
        bare = re.sub(r"[（()）\s,，即约为]", "", label)
        word = _RATE_WORD.search(label)
        if "占" in label:
            key = f"{self.last_key}:share_pct" if self.last_key else None
        elif "执行数" in label:
            key = _rate_key(_change_key(label, self.last_key, executed=True))
        elif word or (not bare and self.last_change):
            key = _rate_key(self.last_change or self.last_key)
        else:
            return  # a percentage that is neither a share nor a change (a target, a ratio)
        value = parse_number(hit.printed)
        if key is None or value is None:
            return
        negative = hit.sign in ("-", "－") or (word is not None and word["dir"] in _NEGATIVE)
        if not word and self.figures and self.figures[-1].key == self.last_change:
            negative = negative or self.figures[-1].amount_yuan < 0  # （5.2%） after 减少 X 万元
        self._add(hit, key, -value if negative else value, "%", label)

    def _add(self, hit: _Hit, key: str | None, amount: Decimal, unit: str, label: str) -> None:
        page, line = self.flat.locate(hit.pos)
        phrase = (label + self.flat.text[hit.pos : hit.stop]).strip()
        scope = self.scope if key and key.startswith("subject:") else None
        self.figures.append(
            NarrativeFigure(
                text=phrase,
                amount_yuan=amount,
                page=page,
                key=key,
                printed=hit.printed,
                unit=unit,
                line=line,
                scope=scope,
            )
        )


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
    if _is_subject_label(bare):
        segments = subject_path(bare)
        return subject_key(segments) if segments else None
    return _total_key(bare)


def _is_subject_label(bare: str) -> bool:
    if _SUBJECT_HINT.search(bare) or has_subject_mark(bare):
        return True
    return any(bare.endswith(name) for name in FUNCTIONAL_CLASSES)


def _subject_detail(label: str, subject: str, year: int | None) -> str | None:
    """A figure said of the subject above: 2023年当年预算执行数为60.13万元，2024年预算安排25.77万元."""
    printed_year = re.search(r"(\d{4})\s*年", label)
    earlier = "上年" in label or (
        printed_year is not None and year is not None and int(printed_year[1]) < year
    )
    if "执行数" in label:
        return f"{subject}:prior_year_executed"
    if "预算" in label and earlier:
        return f"{subject}:prior_year_budget"
    if "预算安排" in label or "预算数" in label:
        return f"{subject}:budget"
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


# The three budgets a fiscal appropriation comes from, as printed, and their names in keys and scopes.
FUND_WORDS = (("一般公共预算", "general_budget"), ("政府性基金", "gov_fund"), ("国有资本", "state_capital"))


def _fund_named(text: str) -> str | None:
    """general_budget (…_basic when it speaks of 基本支出), gov_fund or state_capital, or None."""
    for word, fund in FUND_WORDS:
        if word in text:
            return f"{fund}_basic" if fund == "general_budget" and "基本支出" in text else fund
    return None


def _total_key(label: str) -> str | None:
    if fund := _fund_named(label):
        return f"{fund}_expense_total"
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


def _scope_of(sentence: str) -> str | None:
    """Which funds a heading or lead-in speaks of (see the module docstring)."""
    if "支出" not in sentence:
        return None
    return _fund_named(sentence) or ("fiscal" if "财政拨款" in sentence else "all_funds")


def _change_direction(label: str) -> str | None:
    m = _CHANGE.search(label)
    return m.group("dir") if m else None


def _change_key(label: str, last_key: str | None, executed: bool = False) -> str | None:
    """The key of a change on last year: of the figure before it, or of the base its label names.

    A change on the prior year's executed figure (比2023年预算执行数增加) is an ``executed_change``,
    said of the subject itself when the figure before it is one of the subject's details.
    """
    base = last_key
    if "部门收入" in label:
        base = "income_total"
    elif "部门支出" in label:
        base = "expense_total"
    if base is None:
        return None
    suffix = "executed_change" if executed else "change"
    if base.endswith("_total"):
        return base[: -len("_total")] + "_" + suffix
    if executed and base.startswith("subject:"):
        base = re.sub(r":(?:budget|prior_year_executed|prior_year_budget)$", "", base)
    return f"{base}:{suffix}"


def _rate_key(change_or_base: str | None) -> str | None:
    """``income_change`` → ``income_change_pct``; ``X:change`` → ``X:change_pct``; a base → its rate."""
    if change_or_base is None:
        return None
    if change_or_base.endswith(("_change", ":change")):
        return change_or_base + "_pct"
    if change_or_base.endswith("_total"):
        return change_or_base[: -len("_total")] + "_change_pct"
    return f"{change_or_base}:change_pct"


def _sentence_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in SENTENCE_BOUNDARY:
        i -= 1
    return i
