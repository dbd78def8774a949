"""Generate ``ledger.jsonl``: the synthetic enterprise ledger of 青山市, a fictional city.

Usage::

    python -m kejiservice.sample._generate            # (re)write ledger.jsonl beside this file
    python -m kejiservice.sample._generate --check    # exit 1 if the committed file differs

The output is a pure function of :data:`SEED`: the plan is drawn from ``random.Random(SEED)``
and each firm's figures from its own ``random.Random(f"{SEED}/{firm id}")``, so one firm's
figures do not depend on the draws made for the others. Only the standard library is used;
importing this module runs nothing but definitions.

The city
--------
青山市 (Qingshan) does not exist. Its three districts, two counties and one county-level city
carry the made-up region codes 449901..449906. Every firm, name and number is invented: the
USCCs are well formed (GB 32100-2015 check character, GB 11714 check in the organisation code)
but belong to nobody. Each line of the ledger is one enterprise in the
``kejiservice/enterprise@1`` JSON format (CONTRACT.md §1): ids ``QS0001``..``QS0300``, money as
strings of yuan, accounting years 2023-2025.

Distributions (counts are exact: they are drawn by sampling fixed numbers of firms)
-----------------------------------------------------------------------------------
* 300 firms. Industries (GB/T 4754-2017, :data:`INDUSTRIES`): 156 industrial (150
  manufacturing, 6 power), 80 software and IT services, 32 research and technical services,
  32 other (trade, construction, transport, hotels, real estate, farming, head offices).
* Size, by last-year main business revenue: 15 micro (< 3 million yuan), most small
  (3-20 million) or medium (20-80 million), 20 upper (80-400 million), 6 large (> 400 million);
  the 15 young firms are mostly micro too. Exactly 30 industrial firms are above designated
  size (规上, main business revenue >= 20 million in 2025), two of them edge cases.
  Employees follow revenue per head by industry: about 70% have 10-200, the median is about
  30, a long tail reaches about 1800. A fifth of the firms report figures with fen (cents).
* Young firms: 15 registered in 2024-2025 (accounting years from their first, partial, year).
  The others registered 1995-2023, most of them 2005-2021.
* R&D intensity (3-year R&D / sales): about three quarters below 3% (28 traditional or
  trade firms report none), about a fifth (63) between 3% and 8%, ten above 8%.
* HNTE-like profile (tech staff >= 10%, R&D ratio at or above its band, domestic R&D >= 60%,
  high-tech income >= 60%): 44 ordinary firms plus 8 edge cases, about 17%. Firms with
  3-8% R&D that miss the profile each miss one thing on purpose (tech staff, high-tech
  income, domestic R&D share, or the R&D band).
* Certificates: 49 HNTE holders (38 with the profile, 10 whose figures have slipped since, and
  one edge case), 3 of them renewed, issued in December 2022-2025 and valid for 3 years (so
  those of 2022 lapse in December 2025); 90 tech SMEs; 12 innovative SMEs, 6 of them 专精特新,
  2 of those 小巨人; 6 provincial R&D institutions.
* Tags: 45 ``key_cultivation``, 24 ``small_to_high`` (小升高 candidates without an HNTE
  certificate), 5 ``gazelle`` (sales growth above 30% a year).
* Gaps and flags: 9 firms omit one figure of the last year; 15 have no ``tech_field``;
  6 no ``core_ip_owned``; 3 are in a restricted industry.
* Events: 4 incidents, 3 abnormal-operation listings, 8 firms with awards, 8 with standards.

Edge cases (:data:`EDGE_CASES`; each names itself in ``extra.sample_case``)
---------------------------------------------------------------------------
Fourteen firms sit on a threshold (nine exactly on it, four one yuan or one person short, one
a yuan over a band edge); everything else about them passes comfortably, so the edge decides.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Final, TypeAlias

from kejiservice.models._codes import uscc_check_character

__all__ = ["EDGE_CASES", "INDUSTRIES", "LEDGER_PATH", "SEED", "generate", "generate_text", "main"]

Json: TypeAlias = dict[str, Any]

SEED: Final = 4499
FIRM_COUNT: Final = 300
YEARS: Final = (2023, 2024, 2025)
LAST_YEAR: Final = YEARS[-1]
SCHEMA: Final = "kejiservice/enterprise@1"
LEDGER_PATH: Final = Path(__file__).with_name("ledger.jsonl")

ZERO: Final = Decimal(0)
_YUAN: Final = Decimal(1)
_CENT: Final = Decimal("0.01")
_USCC_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# --------------------------------------------------------------------------- data tables


@dataclass(frozen=True)
class District:
    """One district or county of 青山市; ``place`` prefixes company names registered there."""

    code: str
    name: str
    place: str
    weight: int
    tech_weight: int


DISTRICTS: Final = (
    District("449901", "青阳区", "青山", 22, 18),
    District("449902", "临湖区", "青山", 18, 30),
    District("449903", "松岭区", "青山", 18, 16),
    District("449904", "云溪县", "云溪", 14, 8),
    District("449905", "石门县", "石门", 12, 8),
    District("449906", "白沙市", "白沙", 16, 20),
)


@dataclass(frozen=True)
class Group:
    """How firms of a kind of industry look: revenue per head, staff and IP habits."""

    revenue_per_head: tuple[int, int]  # yuan of main business revenue per employee
    tech_staff_share: tuple[float, float]  # for firms without the HNTE profile
    high_tech_share: tuple[float, float]  # of total income, for firms in a key field
    class2_kinds: tuple[str, ...]
    class1_kinds: tuple[str, ...]


GROUPS: Final = {
    "mfg_tech": Group(
        (250_000, 600_000), (0.04, 0.20), (0.20, 0.75),
        ("utility_model", "utility_model", "design_patent"), ("invention_patent",),
    ),
    "mfg_trad": Group(
        (200_000, 450_000), (0.00, 0.06), (0.0, 0.0),
        ("utility_model", "design_patent"), ("invention_patent",),
    ),
    "energy": Group(
        (1_000_000, 3_000_000), (0.03, 0.15), (0.10, 0.50),
        ("utility_model",), ("invention_patent",),
    ),
    "software": Group(
        (150_000, 400_000), (0.25, 0.70), (0.20, 0.80),
        ("software_copyright",), ("invention_patent",),
    ),
    "tech_service": Group(
        (120_000, 350_000), (0.15, 0.60), (0.20, 0.80),
        ("software_copyright", "utility_model"), ("invention_patent",),
    ),
    "other": Group(
        (300_000, 1_200_000), (0.00, 0.04), (0.0, 0.0),
        ("design_patent", "utility_model", "software_copyright"), ("invention_patent",),
    ),
}  # fmt: skip

TECH_GROUPS: Final = ("mfg_tech", "software", "tech_service")


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 class, how many Qingshan firms are in it, and its name words."""

    code: str
    title: str
    group: str
    tech_field: str
    count: int
    name_words: tuple[str, ...]
    class1_kinds: tuple[str, ...] = ()  # overrides the group's Class I kinds


INDUSTRIES: Final = (
    # manufacturing with a key field (120)
    Industry("C3911", "计算机整机制造", "mfg_tech", "electronic_information", 8,
             ("电子科技", "计算机", "智能终端")),
    Industry("C3914", "工业控制计算机及系统制造", "mfg_tech", "advanced_manufacturing", 10,
             ("自动化", "工控技术", "智能控制")),
    Industry("C3976", "光电子器件制造", "mfg_tech", "electronic_information", 10,
             ("光电", "光电科技", "激光器件")),
    Industry("C3983", "敏感元件及传感器制造", "mfg_tech", "electronic_information", 10,
             ("传感技术", "传感器", "智能传感")),
    Industry("C2710", "化学药品原料药制造", "mfg_tech", "biomedicine", 8,
             ("制药", "药业", "医药化工"), ("invention_patent", "invention_patent",
                                          "national_new_drug")),
    Industry("C2720", "化学药品制剂制造", "mfg_tech", "biomedicine", 6,
             ("药业", "制药", "生物医药"), ("invention_patent", "invention_patent",
                                          "national_new_drug")),
    Industry("C3581", "医疗诊断、监护及治疗设备制造", "mfg_tech", "biomedicine", 6,
             ("医疗器械", "医疗科技", "医学影像")),
    Industry("C3511", "矿山机械制造", "mfg_tech", "advanced_manufacturing", 8,
             ("矿山机械", "重工", "机械装备")),
    Industry("C3821", "变压器、整流器和电感器制造", "mfg_tech", "new_energy_efficiency", 10,
             ("电气", "变压器", "电力设备")),
    Industry("C3841", "锂离子电池制造", "mfg_tech", "new_energy_efficiency", 6,
             ("新能源", "锂电科技", "电池")),
    Industry("C2929", "塑料零件及其他塑料制品制造", "mfg_tech", "new_materials", 12,
             ("塑胶", "新材料", "塑业")),
    Industry("C3360", "金属表面处理及热处理加工", "mfg_tech", "new_materials", 12,
             ("表面技术", "热处理", "金属科技")),
    Industry("C3484", "机械零部件加工", "mfg_tech", "advanced_manufacturing", 10,
             ("精密机械", "机械", "精工")),
    Industry("C3744", "航空相关设备制造", "mfg_tech", "aerospace", 4,
             ("航空科技", "航空设备", "航电")),
    # traditional manufacturing (30)
    Industry("C1711", "棉纺纱加工", "mfg_trad", "none", 10, ("纺织", "棉纺", "纱业")),
    Industry("C1311", "稻谷加工", "mfg_trad", "none", 8, ("米业", "粮油", "粮食加工")),
    Industry("C1411", "糕点、面包制造", "mfg_trad", "none", 6, ("食品", "烘焙", "糕点")),
    Industry("C2110", "木质家具制造", "mfg_trad", "none", 6, ("家具", "木业", "家居")),
    # power (6)
    Industry("D4411", "火力发电", "energy", "none", 2, ("热电", "发电", "能源")),
    Industry("D4416", "太阳能发电", "energy", "new_energy_efficiency", 4,
             ("光伏电力", "新能源", "太阳能电力")),
    # software and IT services (80)
    Industry("I6513", "应用软件开发", "software", "electronic_information", 30,
             ("软件", "信息技术", "网络科技", "数字科技")),
    Industry("I6520", "集成电路设计", "software", "electronic_information", 8,
             ("微电子", "集成电路", "芯片设计"), ("invention_patent", "ic_layout")),
    Industry("I6531", "信息系统集成服务", "software", "high_tech_services", 18,
             ("信息系统", "系统集成", "智能科技")),
    Industry("I6532", "物联网技术服务", "software", "electronic_information", 10,
             ("物联网科技", "物联科技", "智联科技")),
    Industry("I6410", "互联网接入及相关服务", "software", "electronic_information", 6,
             ("网络", "互联网科技", "宽带")),
    Industry("I6550", "信息处理和存储支持服务", "software", "high_tech_services", 8,
             ("数据科技", "云计算", "数据服务")),
    # research and technical services (32)
    Industry("M7320", "工程和技术研究和试验发展", "tech_service", "high_tech_services", 12,
             ("工程技术研究院", "技术研究", "科技研发")),
    Industry("M7452", "检测服务", "tech_service", "high_tech_services", 10,
             ("检测技术", "检测", "质量检测")),
    Industry("M7520", "知识产权服务", "tech_service", "high_tech_services", 6,
             ("知识产权", "知识产权代理", "专利事务")),
    Industry("N7721", "水污染治理", "tech_service", "resources_environment", 4,
             ("环保科技", "水处理", "环境工程")),
    # other (32)
    Industry("F5171", "农业机械批发", "other", "none", 4, ("农机", "农业机械", "农机贸易")),
    Industry("F5211", "百货零售", "other", "none", 4, ("百货", "商贸", "购物广场")),
    Industry("E4710", "住宅房屋建筑", "other", "none", 4, ("建筑工程", "建设", "建工")),
    Industry("L7211", "企业总部管理", "other", "none", 4, ("投资控股", "实业", "控股")),
    Industry("A0111", "稻谷种植", "other", "none", 4, ("农业", "农业发展", "生态农业"),
             ("plant_variety",)),
    Industry("G5431", "普通货物道路运输", "other", "none", 4, ("物流", "运输", "货运")),
    Industry("H6110", "旅游饭店", "other", "none", 4, ("酒店", "大酒店", "饭店管理")),
    Industry("K7010", "房地产开发经营", "other", "none", 4, ("房地产开发", "置业", "地产")),
)  # fmt: skip

BRANDS: Final = (
    "华芯", "瑞联", "宏达", "恒信", "鼎盛", "博远", "启明", "睿智", "天和", "泰丰", "金石",
    "汇通", "新源", "海川", "嘉禾", "永盛", "亿达", "明泰", "德润", "众成", "万象", "长青",
    "立德", "正元", "智远", "聚能", "凯达", "蓝海", "星辰", "卓越", "光华", "东升", "鸿远",
    "安泰", "华晟", "和信", "科润", "盛达", "汇智", "锦程", "润泽", "华凯", "佳乐", "金诺",
    "精研", "微联", "云帆", "腾飞", "丰源", "广源", "致远", "同创", "青禾", "松涛", "石泉",
    "溪谷", "白鹭", "岚峰", "翠屏", "澄川", "宏图", "新锐", "博睿", "恒泰", "瑞丰", "华研",
    "永新", "澜海", "沐阳", "知行", "弘毅", "瀚宇", "鑫源", "朗润", "思源", "景行", "映山",
    "秋实", "松柏", "晴川", "远帆", "锐驰", "青岚", "橙石", "磐石", "同舟", "合力", "鸣远",
    "森蓝", "翰林", "云岭", "临风", "碧波", "金穗", "丰禾", "恒远", "信达通", "中岳", "晟泰",
    "悦川", "明德", "北辰", "南山", "西岭", "东湖", "银杉", "紫荆", "赤松", "青藤", "竹韵",
)  # fmt: skip

# Size classes by last-year main business revenue (yuan), drawn log-uniformly.
SIZE_RANGES: Final = {
    "micro": (600_000.0, 2_800_000.0),
    "young": (500_000.0, 9_000_000.0),
    "small": (3_000_000.0, 19_500_000.0),
    "medium": (20_500_000.0, 80_000_000.0),
    "upper": (80_000_000.0, 380_000_000.0),
    "large": (420_000_000.0, 1_300_000_000.0),
}

# (industrial?, size, how many, groups allowed) filled after edge cases and young firms.
SIZE_TARGETS: Final = (
    (True, "large", 4, ("mfg_tech", "energy")),
    (True, "upper", 7, ("mfg_tech", "mfg_trad", "energy")),
    (True, "medium", 17, ("mfg_tech", "mfg_trad", "energy")),
    (True, "micro", 8, ("mfg_tech", "mfg_trad")),
    (False, "large", 2, ("software", "other")),
    (False, "upper", 12, ("software", "tech_service", "other")),
    (False, "medium", 42, ("software", "tech_service", "other")),
    (False, "micro", 7, ("software", "tech_service", "other")),
)

COUNTS: Final = {
    "young_2024": 8,  # plus the registration edge case
    "young_2025": 6,
    "hnte_like": 44,  # plus the edge cases generated with the profile
    "hnte_high_rd": 7,  # of those, software firms with R&D above 8%
    "mid_rd_without_profile": 14,
    "young_high_rd": 3,
    "hnte_holders": 38,
    "hnte_renewed": 3,
    "hnte_lapsed_holders": 10,
    "tech_sme": 90,
    "innovative_sme": 12,
    "specialized_sme": 6,
    "little_giant": 2,
    "rd_institution_provincial": 6,
    "key_cultivation": 45,
    "small_to_high": 24,
    "gazelle": 5,
    "missing_figure": 9,
    "tech_field_unknown": 15,
    "core_ip_unknown": 6,
    "restricted": 3,
    "listings": 3,
    "awards": 8,
    "standards": 8,
}

INCIDENTS: Final = (
    ("major_quality", date(2025, 5, 1)),
    ("major_safety", date(2024, 8, 13)),
    ("serious_environmental", date(2023, 11, 2)),
    ("serious_fraud", date(2025, 3, 18)),
)
MISSING_FIELDS: Final = (
    "high_tech_income", "tech_staff", "rd_expense_domestic", "high_tech_income",
    "total_liabilities", "cost_and_expense", "main_business_revenue", "non_taxable_income",
    "high_tech_income",
)  # fmt: skip
WEAK_POINTS: Final = ("tech_staff", "high_tech_income", "domestic_rd", "rd_band")

HNTE_ISSUE_DAYS: Final = {
    2022: date(2022, 12, 19),
    2023: date(2023, 12, 12),
    2024: date(2024, 12, 11),
    2025: date(2025, 12, 5),
}
TECH_SME_BATCHES: Final = ((5, 20), (7, 10), (9, 15))


@dataclass(frozen=True)
class EdgeCase:
    """A firm placed on a threshold. ``profile``: generated with the HNTE profile."""

    code: str
    note: str
    groups: tuple[str, ...]
    size: str
    profile: bool
    last_sales: Decimal | None = None
    last_main: Decimal | None = None
    last_other: Decimal = ZERO
    last_employees: int | None = None
    last_assets: Decimal | None = None
    rd_ratio: float | None = None  # approximate 3-year R&D / sales
    rd_exact_shortfall: int | None = None  # 3-year R&D = 5% of 3-year sales minus this (yuan)
    tech_staff_shortfall: int | None = None  # tech staff = employees / 10 minus this, each year
    domestic_exact: bool = False  # 3-year domestic R&D = 60% of R&D
    high_tech_shortfall: int | None = None  # last-year high-tech income = 60% of income - this
    registered_on: date | None = None
    hnte_year: int | None = None


EDGE_CASES: Final = (
    EdgeCase("hnte.tech_staff_ratio:exact", "科技人员每年恰好占职工总数的10%",
             TECH_GROUPS, "small", True, tech_staff_shortfall=0),
    EdgeCase("hnte.tech_staff_ratio:one_person_short", "科技人员每年比职工总数的10%少1人",
             TECH_GROUPS, "small", True, tech_staff_shortfall=1),
    EdgeCase("hnte.rd_expense_ratio:exact", "近三年研发费用总额恰好为销售收入总额的5.00%",
             TECH_GROUPS, "small", True, rd_exact_shortfall=0),
    EdgeCase("hnte.rd_expense_ratio:one_yuan_short",
             "近三年研发费用总额比销售收入总额的5%少1元", TECH_GROUPS, "small", True,
             rd_exact_shortfall=1),
    EdgeCase("hnte.rd_band:sales_exactly_50m",
             "最近一年销售收入恰好5000万元（适用5%档），近三年研发费用占比约4.5%",
             ("software",), "medium", True, last_sales=Decimal(50_000_000), rd_ratio=0.045),
    EdgeCase("hnte.rd_band:sales_50m_plus_one_yuan",
             "最近一年销售收入5000万零1元（适用4%档），近三年研发费用占比约4.5%",
             ("software",), "medium", True, last_sales=Decimal(50_000_001), rd_ratio=0.045),
    EdgeCase("hnte.domestic_rd_share:exact", "近三年境内研发费用恰好占研发费用总额的60%",
             TECH_GROUPS, "small", True, domestic_exact=True),
    EdgeCase("hnte.high_tech_income_share:exact",
             "最近一年高新技术产品（服务）收入恰好占总收入（收入总额减不征税收入）的60%",
             TECH_GROUPS, "small", True, high_tech_shortfall=0),
    EdgeCase("hnte.high_tech_income_share:one_yuan_short",
             "最近一年高新技术产品（服务）收入比总收入的60%少1元",
             TECH_GROUPS, "small", True, high_tech_shortfall=1),
    EdgeCase("hnte.all_thresholds:exact",
             "科技人员10%、研发费用5.00%、境内研发60%、高新收入60%，全部恰好在门槛上",
             TECH_GROUPS, "small", True, tech_staff_shortfall=0, rd_exact_shortfall=0,
             domestic_exact=True, high_tech_shortfall=0),
    EdgeCase("hnte.registered_one_year:exact",
             "2024-06-30注册，到2025-06-30恰好满365天", TECH_GROUPS, "small", True,
             registered_on=date(2024, 6, 30)),
    EdgeCase("above_scale.main_business_revenue:exact",
             "工业企业，最近一年主营业务收入恰好2000万元，职工恰好300人（工业中型企业下限）",
             ("mfg_trad",), "medium", False, last_main=Decimal(20_000_000),
             last_employees=300),
    EdgeCase("above_scale.main_business_revenue:one_yuan_short",
             "工业企业，最近一年主营业务收入19999999元（差1元），销售收入超过2000万元",
             ("mfg_trad",), "small", False, last_main=Decimal(19_999_999),
             last_other=Decimal(800_000)),
    EdgeCase("tech_sme.size_limits:exact",
             "职工恰好500人，销售收入和资产总额恰好2亿元（科技型中小企业上限），持有效高企证书",
             ("mfg_tech",), "upper", True, last_sales=Decimal(200_000_000),
             last_employees=500, last_assets=Decimal(200_000_000), rd_ratio=0.045,
             hnte_year=2024),
)  # fmt: skip


# --------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    """What one firm is meant to be, decided before any of its figures are drawn."""

    number: int
    industry: Industry
    district: District = DISTRICTS[0]
    edge: EdgeCase | None = None
    size: str = ""
    young_year: int | None = None
    registered_on: date = date(2000, 1, 1)
    hnte_like: bool = False
    rd_class: str = ""  # none, low, mid, high
    weak_point: str = ""  # what a mid-R&D firm without the profile misses
    hnte_years: tuple[int, ...] = ()
    tech_sme: bool = False
    innovative: bool = False
    specialized: bool = False
    little_giant: bool = False
    rd_institution: bool = False
    tags: list[str] = field(default_factory=list)
    missing_figure: str | None = None
    tech_field_unknown: bool = False
    core_ip_unknown: bool = False
    restricted: bool = False
    incident: tuple[str, date] | None = None
    listing: str | None = None  # "open" or "lifted"
    award: str | None = None  # level
    standard: bool = False

    @property
    def firm_id(self) -> str:
        return f"QS{self.number:04d}"

    @property
    def group(self) -> str:
        return self.industry.group

    @property
    def industrial(self) -> bool:
        return self.industry.code[0] in "BCD"

    @property
    def tech(self) -> bool:
        return self.industry.tech_field != "none"

    @property
    def ordinary(self) -> bool:
        """Neither an edge case nor young: free to take any other role."""
        return self.edge is None and self.young_year is None


def _pick(
    plans: list[Plan], rng: random.Random, count: int, where: Callable[[Plan], bool]
) -> list[Plan]:
    pool = [p for p in plans if where(p)]
    if len(pool) < count:
        raise RuntimeError(f"only {len(pool)} firms fit, {count} needed")
    return sorted(rng.sample(pool, count), key=lambda p: p.number)


def _plan_ledger(rng: random.Random) -> list[Plan]:
    slots = [ind for ind in INDUSTRIES for _ in range(ind.count)]
    if len(slots) != FIRM_COUNT:
        raise RuntimeError(f"industry counts add up to {len(slots)}, not {FIRM_COUNT}")
    rng.shuffle(slots)
    plans = [Plan(number=i + 1, industry=ind) for i, ind in enumerate(slots)]
    _place_edge_cases(plans, rng)
    _place_young(plans, rng)
    _place_sizes(plans, rng)
    _place_profiles(plans, rng)
    _place_certificates(plans, rng)
    _place_tags(plans, rng)
    _place_gaps(plans, rng)
    _place_events(plans, rng)
    for plan in plans:
        plan.district = _draw_district(plan, rng)
        plan.registered_on = _draw_registration(plan, rng)
    return plans


def _free_in(groups: tuple[str, ...]) -> Callable[[Plan], bool]:
    return lambda p: p.edge is None and p.group in groups


def _sizable(industrial: bool, groups: tuple[str, ...]) -> Callable[[Plan], bool]:
    return lambda p: p.ordinary and not p.size and p.industrial == industrial and p.group in groups


def _place_edge_cases(plans: list[Plan], rng: random.Random) -> None:
    for case in EDGE_CASES:
        (plan,) = _pick(plans, rng, 1, _free_in(case.groups))
        plan.edge = case
        plan.size = case.size
        plan.hnte_like = case.profile
        plan.rd_class = "mid" if case.profile else "low"
        if case.registered_on is not None:
            plan.young_year = case.registered_on.year
        if case.hnte_year is not None:
            plan.hnte_years = (case.hnte_year,)


def _place_young(plans: list[Plan], rng: random.Random) -> None:
    for year in (2024, 2025):
        for plan in _pick(
            plans, rng, COUNTS[f"young_{year}"], lambda p: p.ordinary and p.group != "energy"
        ):
            plan.young_year = year
            plan.size = "young"


def _place_sizes(plans: list[Plan], rng: random.Random) -> None:
    for industrial, size, count, groups in SIZE_TARGETS:
        for plan in _pick(plans, rng, count, _sizable(industrial, groups)):
            plan.size = size
    for plan in plans:
        plan.size = plan.size or "small"


def _place_profiles(plans: list[Plan], rng: random.Random) -> None:
    """The HNTE profile, then R&D classes (and the weak point of mid-R&D firms without it)."""
    for plan in _pick(
        plans, rng, COUNTS["hnte_like"], lambda p: p.ordinary and p.tech and p.size != "micro"
    ):
        plan.hnte_like = True
        plan.rd_class = "mid"
    for plan in _pick(
        plans,
        rng,
        COUNTS["hnte_high_rd"],
        lambda p: p.ordinary and p.hnte_like and p.group == "software" and p.size != "large",
    ):
        plan.rd_class = "high"
    chosen = _pick(
        plans,
        rng,
        COUNTS["mid_rd_without_profile"],
        lambda p: p.ordinary and p.tech and not p.hnte_like and p.size != "micro",
    )
    for i, plan in enumerate(chosen):
        plan.rd_class = "mid"
        plan.weak_point = WEAK_POINTS[i % len(WEAK_POINTS)]
    for plan in _pick(
        plans,
        rng,
        COUNTS["young_high_rd"],
        lambda p: p.young_year is not None and p.edge is None and p.group in TECH_GROUPS,
    ):
        plan.rd_class = "high"
        plan.weak_point = "high_tech_income"
    for plan in plans:
        if plan.rd_class:
            continue
        traditional = plan.group in ("mfg_trad", "other") or not plan.tech
        plan.rd_class = "none" if traditional and rng.random() < 0.35 else "low"


def _place_certificates(plans: list[Plan], rng: random.Random) -> None:
    holders = _pick(plans, rng, COUNTS["hnte_holders"], lambda p: p.ordinary and p.hnte_like)
    for plan in holders:
        (year,) = rng.choices((2022, 2023, 2024, 2025), weights=(20, 30, 25, 25))
        plan.hnte_years = (year,)
    for plan in _pick(plans, rng, COUNTS["hnte_renewed"], lambda p: p.hnte_years == (2022,)):
        plan.hnte_years = (2022, 2025)
    for plan in _pick(
        plans,
        rng,
        COUNTS["hnte_lapsed_holders"],
        lambda p: p.ordinary and p.tech and not p.hnte_like and p.size != "micro",
    ):
        plan.hnte_years = (rng.choice((2022, 2023, 2024)),)

    def sme_sized(p: Plan) -> bool:
        return p.size in ("micro", "small", "medium") or p.young_year == 2024

    first = [p for p in plans if p.hnte_like and sme_sized(p) and p.young_year != 2025]
    first += [p for p in plans if p.edge is not None and p.edge.hnte_year is not None]
    rest = _pick(
        plans,
        rng,
        COUNTS["tech_sme"] - len(first),
        lambda p: p not in first and p.tech and sme_sized(p) and p.young_year != 2025,
    )
    for plan in first + rest:
        plan.tech_sme = True
    innovative = _pick(
        plans,
        rng,
        COUNTS["innovative_sme"],
        lambda p: p.ordinary and p.tech and p.rd_class in ("mid", "high") and p.size != "micro",
    )
    for plan in innovative:
        plan.innovative = True
    for plan in _pick(
        plans,
        rng,
        COUNTS["specialized_sme"],
        lambda p: p.innovative and p.size in ("small", "medium", "upper"),
    ):
        plan.specialized = True
    for plan in _pick(plans, rng, COUNTS["little_giant"], lambda p: p.specialized):
        plan.little_giant = True
    for plan in _pick(
        plans,
        rng,
        COUNTS["rd_institution_provincial"],
        lambda p: p.ordinary and p.hnte_like and p.size in ("medium", "upper", "large"),
    ):
        plan.rd_institution = True


def _place_tags(plans: list[Plan], rng: random.Random) -> None:
    for plan in _pick(
        plans,
        rng,
        COUNTS["key_cultivation"],
        lambda p: p.tech and p.size != "micro" and p.young_year != 2025,
    ):
        plan.tags.append("key_cultivation")
    # 小升高 candidates: firms with the HNTE profile but no certificate, then tech SMEs
    # without one, those with 3%+ R&D first.
    candidates = [p for p in plans if p.hnte_like and not p.hnte_years and p.young_year != 2025]
    for strong in (True, False):
        pool = [
            p
            for p in plans
            if p.tech_sme
            and not p.hnte_years
            and p not in candidates
            and (p.rd_class in ("mid", "high")) == strong
        ]
        wanted = min(len(pool), COUNTS["small_to_high"] - len(candidates))
        candidates += _pick(pool, rng, wanted, lambda p: True)
    for plan in candidates:
        plan.tags.append("small_to_high")
    for plan in _pick(
        plans,
        rng,
        COUNTS["gazelle"],
        lambda p: (
            p.ordinary and p.group in ("software", "mfg_tech") and p.size in ("small", "medium")
        ),
    ):
        plan.tags.append("gazelle")


def _place_gaps(plans: list[Plan], rng: random.Random) -> None:
    chosen = _pick(plans, rng, COUNTS["missing_figure"], lambda p: p.edge is None)
    for plan, name in zip(chosen, MISSING_FIELDS, strict=True):
        industrial_main = name == "main_business_revenue" and plan.industrial
        plan.missing_figure = "high_tech_income" if industrial_main else name
    for plan in _pick(plans, rng, COUNTS["tech_field_unknown"], lambda p: p.edge is None):
        plan.tech_field_unknown = True
    for plan in _pick(plans, rng, COUNTS["core_ip_unknown"], lambda p: p.edge is None):
        plan.core_ip_unknown = True
    for plan in _pick(plans, rng, COUNTS["restricted"], lambda p: p.ordinary and not p.tech):
        plan.restricted = True


def _place_events(plans: list[Plan], rng: random.Random) -> None:
    incident_pools: tuple[Callable[[Plan], bool], ...] = (
        lambda p: p.ordinary and p.hnte_like and bool(p.hnte_years),
        lambda p: p.ordinary and p.group == "mfg_trad" and p.incident is None,
        lambda p: p.ordinary and p.industry.code in ("C2710", "C2720") and p.incident is None,
        lambda p: p.ordinary and p.group == "software" and p.incident is None,
    )
    for (kind, day), where in zip(INCIDENTS, incident_pools, strict=True):
        (plan,) = _pick(plans, rng, 1, where)
        plan.incident = (kind, day)
    listed = _pick(
        plans,
        rng,
        COUNTS["listings"],
        lambda p: p.ordinary and p.size in ("micro", "small") and p.incident is None,
    )
    for i, plan in enumerate(listed):
        plan.listing = "open" if i == 0 else "lifted"
    awarded = _pick(
        plans,
        rng,
        COUNTS["awards"],
        lambda p: p.ordinary and (p.hnte_like or p.size == "large"),
    )
    for i, plan in enumerate(awarded):
        plan.award = "national" if i % 4 == 1 else "provincial"
    for plan in _pick(
        plans,
        rng,
        COUNTS["standards"],
        lambda p: p.ordinary and p.group == "mfg_tech" and p.size != "micro",
    ):
        plan.standard = True


def _draw_district(plan: Plan, rng: random.Random) -> District:
    weights = [d.tech_weight if plan.tech else d.weight for d in DISTRICTS]
    (district,) = rng.choices(DISTRICTS, weights=weights)
    return district


_REGISTRATION_YEARS: Final = tuple(range(1995, 2024))
_REGISTRATION_WEIGHTS: Final = tuple(
    1 if y < 2005 else 3 if y < 2015 else 4 if y < 2022 else 2 for y in _REGISTRATION_YEARS
)


def _draw_registration(plan: Plan, rng: random.Random) -> date:
    if plan.edge is not None and plan.edge.registered_on is not None:
        return plan.edge.registered_on
    if plan.young_year is not None:
        last_day = 330 if plan.young_year == 2024 else 270
        return date(plan.young_year, 1, 1) + timedelta(days=rng.randint(0, last_day))
    latest = 2023
    if plan.size == "large":
        latest = 2012
    if plan.hnte_years:
        latest = min(latest, plan.hnte_years[0] - 2)
    years = [y for y in _REGISTRATION_YEARS if y <= latest]
    weights = _REGISTRATION_WEIGHTS[: len(years)]
    (year,) = rng.choices(years, weights=weights)
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 364))


# --------------------------------------------------------------------------- figures


@dataclass
class YearFigures:
    """One accounting year, in CONTRACT §1 field order."""

    year: int
    sales_revenue: Decimal
    main_business_revenue: Decimal
    total_income: Decimal = ZERO
    non_taxable_income: Decimal = ZERO
    high_tech_income: Decimal = ZERO
    rd_expense: Decimal = ZERO
    rd_expense_domestic: Decimal = ZERO
    cost_and_expense: Decimal = ZERO
    rd_other_related: Decimal = ZERO
    total_assets: Decimal = ZERO
    total_liabilities: Decimal = ZERO
    employees: int = 1
    tech_staff: int = 0

    def to_json(self, omit: str | None = None) -> Json:
        out: Json = {}
        for f in fields(self):
            if f.name == omit:
                continue
            value = getattr(self, f.name)
            out[f.name] = _money(value) if isinstance(value, Decimal) else value
        return out


def _money(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}"


def _amount(value: Decimal | float, cents: bool) -> Decimal:
    return Decimal(value).quantize(_CENT if cents else _YUAN, rounding=ROUND_HALF_UP)


def _scale(value: Decimal, factor: float, cents: bool) -> Decimal:
    return _amount(value * Decimal(factor), cents)


def _total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def _shortfall_to_multiple(total: Decimal, modulus: int) -> Decimal:
    """What to add to a non-negative whole ``total`` to reach a multiple of ``modulus``."""
    return (modulus - total % modulus) % modulus


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _rd_band(last_sales: Decimal) -> float:
    """The HNTE R&D ratio band for last-year sales (国科发火〔2016〕32号 第十一条（五）)."""
    if last_sales <= 50_000_000:
        return 0.05
    if last_sales <= 200_000_000:
        return 0.04
    return 0.03


def _accounting_years(registered_on: date) -> list[int]:
    return [y for y in YEARS if y >= registered_on.year]


def _financials(plan: Plan, rng: random.Random) -> list[YearFigures]:
    cents = plan.edge is None and rng.random() < 0.25
    years = _revenue(plan, rng, cents)
    _income(plan, rng, years, cents)
    _research(plan, rng, years, cents)
    _balance_sheet(plan, rng, years, cents)
    _staff(plan, rng, years)
    return years


def _revenue(plan: Plan, rng: random.Random, cents: bool) -> list[YearFigures]:
    """Sales and main business revenue, last year first then backwards by growth."""
    edge = plan.edge
    low, high = SIZE_RANGES[plan.size]
    other_share = 0.0 if rng.random() < 0.35 else rng.uniform(0.005, 0.08)
    main_last = _amount(_log_uniform(rng, low, high), cents)
    other_last = _scale(main_last, other_share, cents)
    if edge is not None and edge.last_main is not None:
        main_last, other_last = edge.last_main, edge.last_other
    if edge is not None and edge.last_sales is not None:
        other_last = _scale(edge.last_sales, 0.02, cents)
        main_last = edge.last_sales - other_last
    gazelle = "gazelle" in plan.tags
    years = _accounting_years(plan.registered_on)
    mains = {LAST_YEAR: main_last}
    for year in reversed(years[:-1]):
        growth = rng.uniform(0.32, 0.70) if gazelle else rng.uniform(-0.06, 0.22)
        mains[year] = _amount(mains[year + 1] / Decimal(1 + growth), cents)
    first = years[0]
    if plan.registered_on.year == first and first < LAST_YEAR:
        operated = (date(first, 12, 31) - plan.registered_on).days / 365
        mains[first] = _scale(mains[first], operated * rng.uniform(0.5, 0.9), cents)
    out = []
    for year in years:
        other = other_last if year == LAST_YEAR else _scale(mains[year], other_share, cents)
        main = max(mains[year], _YUAN)
        out.append(YearFigures(year, sales_revenue=main + other, main_business_revenue=main))
    if edge is not None and edge.rd_exact_shortfall is not None:
        # Make 3-year sales divisible so that 5% (and 60% of it) come out in whole yuan.
        modulus = 100 if edge.domestic_exact else 20
        out[-1].sales_revenue += _shortfall_to_multiple(
            _total(y.sales_revenue for y in out), modulus
        )
    return out


def _income(plan: Plan, rng: random.Random, years: list[YearFigures], cents: bool) -> None:
    """Total income, non-taxable income and high-tech income."""
    edge = plan.edge
    subsidised = (edge is not None and edge.high_tech_shortfall is not None) or (
        rng.random() < 0.15
    )
    extra_share = 0.0 if rng.random() < 0.3 else rng.uniform(0.002, 0.04)
    for y in years:
        non_taxable = _scale(y.sales_revenue, rng.uniform(0.003, 0.012), cents)
        y.non_taxable_income = non_taxable if subsidised else ZERO
        extra = _scale(y.sales_revenue, extra_share, cents)
        y.total_income = y.sales_revenue + extra + y.non_taxable_income
        y.high_tech_income = _scale(
            y.total_income - y.non_taxable_income, _high_tech_share(plan, rng, y), cents
        )
    if edge is not None and edge.high_tech_shortfall is not None:
        last = years[-1]
        last.total_income += _shortfall_to_multiple(last.total_income - last.non_taxable_income, 5)
        base = last.total_income - last.non_taxable_income
        last.high_tech_income = base * 3 / 5 - edge.high_tech_shortfall


def _high_tech_share(plan: Plan, rng: random.Random, y: YearFigures) -> float:
    if not plan.tech:
        return 0.0
    if plan.hnte_like:
        return rng.uniform(0.63, 0.93)
    if plan.weak_point == "high_tech_income" and y.year == LAST_YEAR:
        return rng.uniform(0.20, 0.55)
    return rng.uniform(*GROUPS[plan.group].high_tech_share)


def _rd_ratio(plan: Plan, rng: random.Random, last_sales: Decimal) -> float:
    """The intended 3-year R&D / sales ratio."""
    band = _rd_band(last_sales)
    if plan.edge is not None and plan.edge.rd_ratio is not None:
        return plan.edge.rd_ratio
    if plan.rd_class == "none":
        return 0.0
    if plan.rd_class == "low":
        return rng.uniform(0.004, 0.028) if plan.tech else rng.uniform(0.001, 0.015)
    if plan.rd_class == "high":
        return rng.uniform(0.085, 0.18)
    if plan.hnte_like:
        return rng.uniform(band + 0.004, min(band + 0.03, 0.078))
    if plan.weak_point == "rd_band" and band >= 0.04:
        return rng.uniform(0.031, band - 0.004)
    return rng.uniform(0.031, 0.075)


def _research(plan: Plan, rng: random.Random, years: list[YearFigures], cents: bool) -> None:
    """R&D expense (and its domestic part and 'other related costs'), cost and expense."""
    edge = plan.edge
    total_sales = _total(y.sales_revenue for y in years)
    if edge is not None and edge.rd_exact_shortfall is not None:
        total_rd = total_sales / 20 - edge.rd_exact_shortfall
    else:
        ratio = _rd_ratio(plan, rng, years[-1].sales_revenue)
        total_rd = _amount(total_sales * Decimal(ratio), cents)
    weights = [y.sales_revenue * Decimal(rng.uniform(0.85, 1.15)) for y in years]
    allotted = ZERO
    for y, w in zip(years[:-1], weights, strict=False):
        y.rd_expense = _amount(total_rd * w / _total(weights), cents)
        allotted += y.rd_expense
    years[-1].rd_expense = total_rd - allotted
    if edge is not None and edge.domestic_exact and edge.rd_exact_shortfall is None:
        years[-1].rd_expense += _shortfall_to_multiple(_total(y.rd_expense for y in years), 5)
    for y in years:
        y.rd_expense_domestic = _scale(y.rd_expense, _domestic_share(plan, rng), cents)
        y.rd_other_related = _scale(y.rd_expense, rng.uniform(0.05, 0.12), cents)
        cost = _scale(y.sales_revenue, rng.uniform(0.78, 0.98), cents)
        y.cost_and_expense = max(cost, y.rd_expense)
    if edge is not None and edge.domestic_exact:
        target = _total(y.rd_expense for y in years) * 3 / 5
        for y in years[:-1]:
            y.rd_expense_domestic = _amount(y.rd_expense * 3 / 5, cents=False)
        years[-1].rd_expense_domestic = target - _total(y.rd_expense_domestic for y in years[:-1])


def _domestic_share(plan: Plan, rng: random.Random) -> float:
    if plan.weak_point == "domestic_rd":
        return rng.uniform(0.35, 0.55)
    if rng.random() < 0.7:
        return 1.0
    return rng.uniform(0.75, 0.98) if plan.hnte_like else rng.uniform(0.5, 0.98)


def _balance_sheet(plan: Plan, rng: random.Random, years: list[YearFigures], cents: bool) -> None:
    if plan.industry.code == "K7010":
        asset_ratio = rng.uniform(2.5, 4.0)
    elif plan.size == "large":
        asset_ratio = rng.uniform(0.8, 1.5)
    else:
        asset_ratio = rng.uniform(0.45, 1.4)
    debt_ratio = rng.uniform(0.15, 0.72)
    for y in years:
        y.total_assets = _scale(y.sales_revenue, asset_ratio * rng.uniform(0.96, 1.04), cents)
        if plan.edge is not None and plan.edge.last_assets is not None and y.year == LAST_YEAR:
            y.total_assets = plan.edge.last_assets
        liabilities = _scale(y.total_assets, debt_ratio * rng.uniform(0.92, 1.08), cents)
        y.total_liabilities = min(liabilities, y.total_assets)


def _staff(plan: Plan, rng: random.Random, years: list[YearFigures]) -> None:
    """Employees from revenue per head; tech staff from the profile or the group's habits."""
    low, high = GROUPS[plan.group].revenue_per_head
    per_head = rng.uniform(low, high) * (2 if plan.size == "large" else 1)
    last = years[-1]
    employees = max(1, round(float(last.main_business_revenue) / per_head))
    if plan.size == "large":
        employees = min(employees, rng.randint(1850, 1990))
    if plan.tech_sme:
        employees = min(employees, rng.randint(420, 480))
    if plan.edge is not None and plan.edge.last_employees is not None:
        employees = plan.edge.last_employees
    for y in years:
        if y is last:
            y.employees = employees
        else:
            growth = float(y.sales_revenue / last.sales_revenue) ** 0.4
            y.employees = max(1, round(employees * growth * rng.uniform(0.97, 1.03)))
        y.tech_staff = _tech_staff(plan, rng, y.employees)
    shortfall = plan.edge.tech_staff_shortfall if plan.edge is not None else None
    if shortfall is not None:
        for y in years:
            y.employees = max(20, round(y.employees / 10) * 10)
            y.tech_staff = y.employees // 10 - shortfall


def _tech_staff(plan: Plan, rng: random.Random, employees: int) -> int:
    if plan.hnte_like:
        share = rng.uniform(0.35, 0.75) if plan.group == "software" else rng.uniform(0.12, 0.4)
        return min(employees, max(math.ceil(employees / 10), round(employees * share)))
    if plan.weak_point == "tech_staff":
        return min(round(employees * rng.uniform(0.03, 0.09)), (employees - 1) // 10)
    if not plan.tech:
        return round(employees * rng.uniform(*GROUPS[plan.group].tech_staff_share))
    return min(employees, round(employees * rng.uniform(*GROUPS[plan.group].tech_staff_share)))


# --------------------------------------------------------------------------- the rest


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _random_day(rng: random.Random, first: date, last: date, recent: float = 1.0) -> date:
    """A day in [first, last]; ``recent`` > 1 leans towards ``last``."""
    span = (last - first).days
    return last - timedelta(days=round(span * rng.random() ** recent))


_IP_TERMS: Final = {  # years of protection from the filing day (grant day for plant varieties)
    "invention_patent": 20,
    "utility_model": 10,
    "design_patent": 15,
    "ic_layout": 10,
    "plant_variety": 15,
}
_IP_LAST_GRANT: Final = date(2025, 12, 15)


def _ip_counts(plan: Plan, rng: random.Random) -> tuple[int, int]:
    """How many Class II and Class I items."""
    if plan.young_year is not None and plan.edge is None:
        return rng.randint(0, 2), 0
    if plan.hnte_like:
        class2 = rng.randint(6, 20) if plan.group == "software" else rng.randint(3, 10)
        class1 = rng.randint(1, 4) if rng.random() < 0.7 or plan.edge is not None else 0
        if plan.size in ("upper", "large"):
            class1 += rng.randint(2, 12)
        return class2, class1
    if plan.size in ("upper", "large") and plan.tech:
        return rng.randint(4, 18), rng.randint(0, 5)
    if plan.rd_class == "mid" or plan.hnte_years:
        return rng.randint(1, 6), 1 if rng.random() < 0.3 else 0
    if plan.tech:
        return rng.choices((0, 1, 2, 3), weights=(30, 25, 25, 20))[0], int(rng.random() < 0.06)
    return rng.choices((0, 1, 2, 3), weights=(50, 25, 15, 10))[0], int(rng.random() < 0.02)


def _ip_items(plan: Plan, rng: random.Random) -> list[Json]:
    group = GROUPS[plan.group]
    class1_kinds = plan.industry.class1_kinds or group.class1_kinds
    class2, class1 = _ip_counts(plan, rng)
    kinds = [rng.choice(class1_kinds) for _ in range(class1)]
    kinds += [rng.choice(group.class2_kinds) for _ in range(class2)]
    earliest = max(plan.registered_on + timedelta(days=180), date(2005, 1, 1))
    if earliest >= _IP_LAST_GRANT:
        return []
    items: list[Json] = []
    for kind in kinds:
        class_one = kind not in ("utility_model", "design_patent", "software_copyright")
        (acquired,) = rng.choices(("own", "transfer", "gift", "merger"), weights=(85, 10, 2, 3))
        first = earliest
        if class_one and acquired == "own":  # examination takes a year or more
            first = earliest + timedelta(days=365)
            if first >= _IP_LAST_GRANT:
                first, acquired = earliest, "transfer"
        granted = _random_day(rng, first, _IP_LAST_GRANT, recent=2.0)
        core = rng.random() < (0.85 if class_one else 0.5) if plan.tech else rng.random() < 0.35
        items.append(
            {
                "kind": kind,
                "granted_on": granted,
                "expires_on": _ip_expiry(rng, kind, granted),
                "core": core,
                "acquired": acquired,
                "disputed": rng.random() < 0.01,
                "high_value": kind == "invention_patent" and rng.random() < 0.15,
            }
        )
    if plan.hnte_like and items and not any(i["core"] and not i["disputed"] for i in items):
        items[0]["core"] = True
        items[0]["disputed"] = False
    items.sort(key=lambda i: (i["granted_on"], i["kind"]))
    for item in items:
        item["granted_on"] = item["granted_on"].isoformat()
        expires = item["expires_on"]
        item["expires_on"] = None if expires is None else expires.isoformat()
    return items


def _ip_expiry(rng: random.Random, kind: str, granted: date) -> date | None:
    term = _IP_TERMS.get(kind)
    if term is None or rng.random() < 0.08:
        return None  # software copyrights, new drugs, or simply not recorded
    if kind == "plant_variety":
        return _add_years(granted, term) - timedelta(days=1)
    examination = {"invention_patent": (500, 1300), "ic_layout": (90, 240)}.get(kind, (150, 400))
    filed = granted - timedelta(days=rng.randint(*examination))
    return max(_add_years(filed, term) - timedelta(days=1), granted + timedelta(days=1))


class _Serials:
    """Running certificate serial numbers, one counter per (kind, year)."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, int], int] = {}

    def take(self, rng: random.Random, kind: str, year: int) -> int:
        number = self._next.get((kind, year), rng.randint(100, 300))
        self._next[(kind, year)] = number + rng.randint(1, 37)
        return number


def _certifications(plan: Plan, rng: random.Random, serials: _Serials) -> list[Json]:
    certs: list[tuple[date, str, date, str | None]] = []
    for year in plan.hnte_years:
        issued = HNTE_ISSUE_DAYS[year]
        gr_number = f"GR{year}4499{serials.take(rng, 'hnte', year):05d}"
        certs.append((issued, "hnte", _add_years(issued, 3) - timedelta(days=1), gr_number))
    if plan.tech_sme:
        first = max(plan.registered_on.year + 1, 2023)
        start = rng.randint(first, LAST_YEAR)
        end = LAST_YEAR if rng.random() < 0.85 or start == LAST_YEAR else LAST_YEAR - 1
        for year in range(start, end + 1):
            batch = rng.randrange(len(TECH_SME_BATCHES))
            month, day = TECH_SME_BATCHES[batch]
            serial = serials.take(rng, "tech_sme", year)
            sme_number = f"{year}{plan.district.code}{batch + 1:02d}{serial:06d}"
            certs.append((date(year, month, day), "tech_sme", date(year, 12, 31), sme_number))
    ladder = (
        (plan.innovative, "innovative_sme", (2023, 2024), (7, 25)),
        (plan.specialized, "specialized_sme", (2024, 2025), (11, 28)),
        (plan.little_giant, "little_giant", (2025, 2025), (7, 18)),
        (plan.rd_institution, "rd_institution_provincial", (2021, 2024), (10, 16)),
    )
    for held, kind, (first_year, last_year), (month, day) in ladder:
        if held:
            issued = date(rng.randint(first_year, last_year), month, day)
            certs.append((issued, kind, _add_years(issued, 3) - timedelta(days=1), None))
    certs.sort()
    out = []
    for issued, kind, expires, number in certs:
        cert: Json = {"kind": kind, "issued_on": issued.isoformat()}
        cert["expires_on"] = expires.isoformat()
        if number is not None:
            cert["number"] = number
        out.append(cert)
    return out


def _listings(plan: Plan, rng: random.Random) -> list[Json]:
    if not plan.listing:
        return []
    start = _random_day(rng, max(plan.registered_on, date(2023, 1, 1)), date(2025, 9, 30))
    end: str | None = None
    if plan.listing == "lifted":
        end = (start + timedelta(days=rng.randint(40, 200))).isoformat()
    return [{"kind": "abnormal_operation", "from": start.isoformat(), "to": end}]


def _awards(plan: Plan, rng: random.Random) -> list[Json]:
    level = plan.award
    if level is None:
        return []
    rank = rng.randint(1, 3) if level == "national" else rng.randint(1, 5)
    return [{"level": level, "year": rng.randint(2021, 2025), "rank": rank}]


def _standards(plan: Plan, rng: random.Random) -> list[Json]:
    if not plan.standard:
        return []
    (level,) = rng.choices(("international", "national", "industry"), weights=(1, 3, 4))
    return [{"level": level, "year": rng.randint(2020, 2025), "rank": rng.randint(1, 5)}]


def _achievements(plan: Plan, rng: random.Random, years: list[YearFigures]) -> dict[str, int]:
    if not any(y.rd_expense for y in years):
        return {}
    low, high = {"mid": (0, 3), "high": (0, 4)}.get(plan.rd_class, (0, 1))
    if plan.hnte_like:
        low, high = 1, 6
    return {str(y.year): rng.randint(low, high) for y in years}


def _name(plan: Plan, rng: random.Random, used: set[str]) -> str:
    place = plan.district.place if rng.random() < 0.5 else "青山"
    if plan.size == "large" and plan.industrial:
        form = "集团有限公司"
    elif plan.size in ("upper", "large") and rng.random() < 0.5:
        form = "股份有限公司"
    else:
        form = "有限公司"
    while True:
        name = f"{place}{rng.choice(BRANDS)}{rng.choice(plan.industry.name_words)}{form}"
        if name not in used:
            used.add(name)
            return name


def _org_code_check(body: str) -> str:
    """GB 11714-1997 check character of an 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = (int(c) if c.isdigit() else ord(c) - 55 for c in body)
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _uscc(plan: Plan, rng: random.Random, used: set[str]) -> str:
    while True:
        if plan.registered_on >= date(2015, 10, 1):  # codes issued with the USCC reform
            body = "MA" + "".join(rng.choice(_USCC_CHARSET) for _ in range(6))
        else:  # an old organisation code carried into the USCC
            body = "".join(rng.choice("0123456789") for _ in range(8))
        first17 = f"91{plan.district.code}{body}{_org_code_check(body)}"
        code = first17 + uscc_check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _enterprise(plan: Plan, names: set[str], usccs: set[str], serials: _Serials) -> Json:
    rng = random.Random(f"{SEED}/{plan.firm_id}")
    years = _financials(plan, rng)
    ip = _ip_items(plan, rng)
    record: Json = {
        "schema": SCHEMA,
        "id": plan.firm_id,
        "uscc": _uscc(plan, rng, usccs),
        "name": _name(plan, rng, names),
        "registered_on": plan.registered_on.isoformat(),
        "region": plan.district.code,
        "industry": plan.industry.code,
        "resident": True,
    }
    if not plan.tech_field_unknown:
        record["tech_field"] = plan.industry.tech_field
    record["restricted_industry"] = plan.restricted
    if not plan.core_ip_unknown:
        record["core_ip_owned"] = plan.hnte_like or any(i["core"] and not i["disputed"] for i in ip)
    omit = {years[-1].year: plan.missing_figure}
    record["years"] = [y.to_json(omit.get(y.year)) for y in years]
    record["ip"] = ip
    record["certifications"] = _certifications(plan, rng, serials)
    record["incidents"] = (
        [{"kind": plan.incident[0], "on": plan.incident[1].isoformat()}] if plan.incident else []
    )
    record["listings"] = _listings(plan, rng)
    record["awards"] = _awards(plan, rng)
    record["standards_led"] = _standards(plan, rng)
    achievements = _achievements(plan, rng, years)
    if achievements:
        record["achievements_transformed"] = achievements
    record["tags"] = list(plan.tags)
    extra: Json = {}
    if rng.random() < 0.3:
        extra["district_name"] = plan.district.name
    if plan.edge is not None:
        extra["sample_case"] = plan.edge.code
        extra["sample_note"] = plan.edge.note
    record["extra"] = extra
    return record


# --------------------------------------------------------------------------- entry points


def generate(seed: int = SEED) -> list[Json]:
    """The ledger's records, in id order."""
    plans = _plan_ledger(random.Random(seed))
    names: set[str] = set()
    usccs: set[str] = set()
    serials = _Serials()
    return [_enterprise(plan, names, usccs, serials) for plan in plans]


def render(records: Sequence[Json]) -> str:
    """One compact JSON object per line, UTF-8 text, with a trailing newline."""
    lines = (json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    return "".join(f"{line}\n" for line in lines)


def generate_text() -> str:
    """The exact text of ``ledger.jsonl``."""
    return render(generate())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kejiservice.sample._generate",
        description="Write the synthetic 青山市 enterprise ledger (ledger.jsonl).",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs from what would be written"
    )
    parser.add_argument("--output", type=Path, default=LEDGER_PATH, help="where the ledger goes")
    args = parser.parse_args(argv)
    output: Path = args.output
    text = generate_text()
    if args.check:
        current = output.read_bytes().decode("utf-8") if output.exists() else None
        if current != text:
            print(f"{output} is out of date: run python -m kejiservice.sample._generate",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"{output} is up to date")
        return 0
    output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(text.splitlines())} enterprises to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
