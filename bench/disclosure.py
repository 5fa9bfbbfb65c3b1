"""A synthetic disclosure: who, which year, which layout, and every figure, consistent by construction.

Leaves are drawn (项 amounts, economic 款 amounts); every parent, total and narrative
figure is derived from them, so the identities of DOMAIN.md hold exactly:
parents = Σ children, 合计 = 基本 + 项目, tables 1/2/3/4/5/8/9 agree, narrative 万元 =
table totals rounded to 0.01 万元. Amounts are Decimal yuan; in a 万元 document every
amount is a multiple of 100 yuan so the printed 0.01 万元 is exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from bench import catalogue as cat
from orchestration.parsing.units import UNIT_FACTORS

__all__ = ["LAYOUTS", "UNITS", "Disclosure", "EconomicItem", "FunctionalItem", "draw", "to_wan"]

# Row layouts of the functional tables the parser supports (and the corpus has):
#   repeat     类/款/项 in three columns, 类 repeated on every row, 合计 last (qingpu, minhang_district)
#   child_only 类/款/项 columns, a child row prints only its own digits, 合计 first (jiading)
#   fused      类/款 columns, 项 digits fused with the name ("20 执法办案"), 合计 last (zhuanqiao)
LAYOUTS = ("repeat", "child_only", "fused")
UNITS = ("元", "万元")
WAN = UNIT_FACTORS["万元"]
CENT = Decimal("0.01")
# A department's total budget, log-uniform between these (yuan).
TOTAL_RANGE = (3_000_000, 300_000_000)
YEARS = range(2019, 2027)


def to_wan(yuan: Decimal) -> Decimal:
    """Yuan → 万元 rounded to 0.01, as the narrative prints it."""
    return (yuan / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FunctionalItem:
    """A 项 row: basic expenditure, project expenditure from fiscal funds and from other income."""

    code: str
    name: str
    basic: Decimal
    project_fiscal: Decimal
    project_other: Decimal

    @property
    def total(self) -> Decimal:
        return self.basic + self.project_fiscal + self.project_other


@dataclass(frozen=True)
class EconomicItem:
    """A 款 row of table 8: 人员经费 or 公用经费."""

    code: str
    name: str
    personnel: Decimal
    public: Decimal


@dataclass
class Disclosure:
    doc_id: str
    department: str
    district: str
    town: str | None
    year: int
    unit: str  # 元 | 万元 (tables 1–8; table 9 is always 万元)
    layout: str
    items: list[FunctionalItem]
    economic: list[EconomicItem]
    three_public: dict[str, Decimal]  # outbound, reception, vehicle_purchase, vehicle_operation (yuan)
    admin_cost: Decimal | None  # 机关运行经费 (yuan, a multiple of 100) or None when not printed
    projects: list[tuple[str, Decimal]] = field(default_factory=list)
    change: Decimal = Decimal(0)  # total change on last year (yuan)
    zero_style: str = ""  # how an unreported figure prints in tables 1/4: "" or "0"
    comma: bool = True  # thousands separators
    kind: str = "department"  # department (部门预算) | unit (单位预算, see bench.unit_budget)
    parent_department: str | None = None  # a unit budget's 预算主管部门, as its cover prints it
    # publisher errors: (table number, code) → the figures printed on that row instead of its own
    misprints: dict[tuple[int, str], list[Decimal]] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return "town" if self.town else "district"

    @property
    def whose(self) -> str:
        """部门 or 单位: the word the document uses for itself (本部门 / 本单位, 部门预算 / 单位预算)."""
        return "单位" if self.kind == "unit" else "部门"

    # --- totals -------------------------------------------------------------------------
    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.items), Decimal(0))

    @property
    def basic(self) -> Decimal:
        return sum((i.basic for i in self.items), Decimal(0))

    @property
    def project(self) -> Decimal:
        return self.total - self.basic

    @property
    def other_income(self) -> Decimal:
        return sum((i.project_other for i in self.items), Decimal(0))

    @property
    def fiscal(self) -> Decimal:
        return self.total - self.other_income

    @property
    def three_public_total(self) -> Decimal:
        return sum(self.three_public.values(), Decimal(0))

    def class_totals(self, fiscal_only: bool = False) -> dict[str, Decimal]:
        """类 code → amount (all funds, or fiscal appropriations only), in code order."""
        out: dict[str, Decimal] = {}
        for i in self.items:
            amount = i.total - (i.project_other if fiscal_only else 0)
            out[i.code[:3]] = out.get(i.code[:3], Decimal(0)) + amount
        return dict(sorted(out.items()))

    def expected_totals(self) -> dict[int, Decimal]:
        """Table number → the grand total (yuan) the parser must read: 收入总计 of tables 1/4,
        the 合计 row's 合计 column of tables 2/3/5/8, the 合计 column of table 9."""
        return {
            1: self.total,
            2: self.total,
            3: self.total,
            4: self.fiscal,
            5: self.fiscal,
            8: self.basic,
            9: self.three_public_total,
        }


# --- drawing ------------------------------------------------------------------------------


def _q(value: float, quantum: Decimal) -> Decimal:
    """A float draw → Decimal yuan on the quantum (never below one quantum)."""
    steps = max(1, round(value / float(quantum)))
    return quantum * steps


def _split(total: Decimal, parts: int, quantum: Decimal, rng: random.Random) -> list[Decimal]:
    """``total`` cut into ``parts`` positive amounts on the quantum, summing exactly to it."""
    steps = int(total / quantum)
    if parts <= 1 or steps < parts:
        return [total] + [Decimal(0)] * (parts - 1)
    cuts = sorted(rng.sample(range(1, steps), parts - 1))
    bounds = [0, *cuts, steps]
    return [quantum * (b - a) for a, b in pairwise(bounds)]


def draw(
    rng: random.Random,
    doc_id: str,
    department: str,
    district: str,
    town: str | None,
    year: int,
    main_class: str,
    layout: str | None = None,
    unit: str | None = None,
) -> Disclosure:
    """A disclosure with figures drawn from ``rng`` (layout and unit too, unless given);
    every derived figure agrees with its parts."""
    layout = layout or rng.choice(LAYOUTS)
    unit = unit or rng.choice(UNITS)
    if unit == "万元":
        quantum = Decimal(100)
    else:
        quantum = CENT if rng.random() < 0.4 else Decimal(1)
    scale = 10 ** rng.uniform(*(float(Decimal(x).log10()) for x in TOTAL_RANGE))

    # personnel: salaries, social insurance, housing fund, pensions of the retired
    payroll = scale * rng.uniform(0.05, 0.3)
    salaries = {
        "30101": _q(payroll * rng.uniform(0.2, 0.3), quantum),
        "30102": _q(payroll * rng.uniform(0.1, 0.2), quantum),
        "30107": _q(payroll * rng.uniform(0.3, 0.45), quantum),
        "30112": _q(payroll * rng.uniform(0.005, 0.02), quantum),
    }
    if rng.random() < 0.5:
        salaries["30199"] = _q(payroll * rng.uniform(0.02, 0.1), quantum)
    pension = _q(payroll * 0.16, quantum)
    annuity = _q(payroll * 0.08, quantum)
    medical = _q(payroll * rng.uniform(0.08, 0.1), quantum)
    housing = _q(payroll * 0.07, quantum)
    retired = _q(payroll * rng.uniform(0.02, 0.1), quantum) if rng.random() < 0.4 else Decimal(0)
    # public: running costs of the office
    public_codes = sorted(
        rng.sample([c for c in cat.ECONOMIC if c.startswith("302") and len(c) == 5], rng.randint(3, 9))
    )
    public_total = _q(scale * rng.uniform(0.01, 0.06), quantum * len(public_codes))
    public = dict(zip(public_codes, _split(public_total, len(public_codes), quantum, rng)))
    if rng.random() < 0.5:
        public["31002"] = _q(scale * rng.uniform(0.001, 0.01), quantum)

    economic_leaves = {
        **salaries,
        "30108": pension,
        "30109": annuity,
        "30110": medical,
        "30113": housing,
        **public,
    }
    if retired:
        economic_leaves["30302"] = retired
    economic = [
        EconomicItem(code, cat.ECONOMIC[code][0], amount, Decimal(0))
        if cat.ECONOMIC[code][1] == "personnel"
        else EconomicItem(code, cat.ECONOMIC[code][0], Decimal(0), amount)
        for code, amount in sorted(economic_leaves.items())
    ]

    # functional: the running line of the main 类 carries salaries + public costs
    admin = rng.random() < 0.5 and main_class != "210"
    pool = cat.MAIN_CLASS_ITEMS[main_class]
    runs = [c for c in pool if cat.ITEMS[c][1] == "run"]
    run_code = rng.choice(runs) if runs else rng.choice(pool)
    running = sum(salaries.values(), Decimal(0)) + sum(public.values(), Decimal(0))
    items: dict[str, list[Decimal]] = {run_code: [running, Decimal(0), Decimal(0)]}
    items["2080505"] = [pension, Decimal(0), Decimal(0)]
    items["2080506"] = [annuity, Decimal(0), Decimal(0)]
    items["2101101" if admin else "2101102"] = [medical, Decimal(0), Decimal(0)]
    items["2210201"] = [housing, Decimal(0), Decimal(0)]
    if retired:
        items["2080501" if admin else "2080502"] = [retired, Decimal(0), Decimal(0)]
    project_codes = [c for c in pool if c != run_code and cat.ITEMS[c][1] in ("project", "mixed")]
    project_codes = rng.sample(project_codes, min(len(project_codes), rng.randint(1, 3)))
    if rng.random() < 0.3:  # a project of another field (e.g. 公益性岗位补贴 in a town's centre)
        extra = rng.choice(["2080705", "2120199", "2070109", "2040220"])
        if extra not in items and extra not in project_codes:
            project_codes.append(extra)
    project_total = _q(scale * rng.uniform(0.3, 0.85), quantum * max(1, len(project_codes)))
    names = rng.sample(cat.PROJECT_NAMES, len(project_codes))
    projects: list[tuple[str, Decimal]] = []
    for code, amount, name in zip(
        project_codes, _split(project_total, len(project_codes), quantum, rng), names
    ):
        other = Decimal(0)
        if rng.random() < 0.2:  # part of a project paid from other income (单位资金 / 其他收入)
            other = _q(float(amount) * rng.uniform(0.05, 0.3), quantum)
        basic = (
            _q(scale * rng.uniform(0.005, 0.03), quantum)
            if cat.ITEMS[code][1] == "mixed" and rng.random() < 0.5
            else Decimal(0)
        )
        items[code] = [basic, amount - other, other]
        projects.append((name, amount))
    if any(v[0] for c, v in items.items() if c not in (run_code,) and cat.ITEMS[c][1] == "mixed"):
        # basic spent on a mixed line is running cost too: book it as 其他商品和服务支出
        extra_basic = sum(
            (v[0] for c, v in items.items() if c != run_code and cat.ITEMS[c][1] == "mixed"), Decimal(0)
        )
        economic = _add_public(economic, "30299", extra_basic)

    functional = [
        FunctionalItem(code, cat.ITEMS[code][0], *amounts) for code, amounts in sorted(items.items())
    ]
    three_public = {
        "outbound": Decimal(0) if rng.random() < 0.85 else Decimal(100) * rng.randint(100, 800),
        "reception": Decimal(100) * rng.randint(0, 300),
        "vehicle_purchase": Decimal(0) if rng.random() < 0.8 else Decimal(100) * rng.randint(1500, 3000),
        "vehicle_operation": Decimal(0) if rng.random() < 0.4 else Decimal(100) * rng.randint(200, 1200),
    }
    admin_cost = (to_wan(sum(public.values(), Decimal(0))) * WAN) if admin else None
    total = sum((i.total for i in functional), Decimal(0))
    change = Decimal(100) * int(float(total) / 100 * rng.uniform(-0.2, 0.3))
    return Disclosure(
        doc_id=doc_id,
        department=department,
        district=district,
        town=town,
        year=year,
        unit=unit,
        layout=layout,
        items=functional,
        economic=economic,
        three_public=three_public,
        admin_cost=admin_cost,
        projects=projects,
        change=change if rng.random() < 0.9 else Decimal(0),
        zero_style=rng.choice(("", "0")) if layout == "fused" else "",
        comma=unit == "元" or rng.random() < 0.3,
    )


def _add_public(economic: list[EconomicItem], code: str, amount: Decimal) -> list[EconomicItem]:
    out = [e for e in economic if e.code != code]
    before = next((e.public for e in economic if e.code == code), Decimal(0))
    out.append(EconomicItem(code, cat.ECONOMIC[code][0], Decimal(0), before + amount))
    return sorted(out, key=lambda e: e.code)
