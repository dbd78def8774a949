"""Generate ``activity_2026.json``: a year of the 青山市 bureau's work with its enterprises.

Usage::

    python -m kejiservice.sample._activity            # (re)write activity_2026.json
    python -m kejiservice.sample._activity --check    # exit 1 if the committed file differs

The output is a pure function of :data:`SEED`, ``ledger.jsonl`` and ``officers.json``
(read with the standard library only): every draw comes from one ``random.Random(SEED)`` in a fixed
order. Importing this module runs nothing but definitions. Every person, bank, product,
university and expert is invented.

What the year holds (the scale of the source documents)
-------------------------------------------------------
* The officers of ``officers.json`` (``O01``..``O10``, one or two per district or county,
  the same as the scheduling sample): ids, names, districts, assigned enterprises, and
  their days off (no visit by an officer on a day off).
* 8 institutions, 30 experts, 8 partner banks (Zhaoqing grew to 8) with a catalogue of 23
  tech-credit products (Zhaoqing collected 23).
* Visits, about 290 a quarter: surveys by the assigned officer (needs collected there,
  intentions to apply noted), linkage visits, expert diagnoses with 1-3 experts, on-site
  verification of HNTE applicants, and Jieyang's "three ones": a matchmaking event each
  month, a training each quarter (two in spring), plus a roadshow each quarter.
* Needs, about 150 a quarter, in the five categories of the survey form, each collected
  on a survey visit and routed (to banks, institutions, experts or departments), started,
  then resolved or closed unresolved on later dates, or still open at the year's end.
* Financing requests, about 100 a quarter (Zhaoqing: 126), about 10% granted (Zhaoqing:
  11 loans), the others declined, withdrawn or pending.
* Applications: tech-SME evaluation in four batches (decided in March, May, July and
  September; valid to the end of the year), and the HNTE batch (submitted in summer,
  decided in December, valid three years), renewals of the certificates of December 2023
  included.
* Platforms: those recognised before 2026 (provincial R&D institutions of the ledger,
  city R&D centres of HNTEs, incubators, maker spaces, stations, ...) and about a dozen new.
* Achievements: about 45 appraised and 55 transformed (Chaoyang's target: 50+), a few
  university results licensed to SMEs (Shangluo's "double entry").
* Targets for 2026 and for 2026Q1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TypeAlias

__all__ = ["ACTIVITY_PATH", "SEED", "activity_text", "generate", "generate_text", "main"]

Json: TypeAlias = dict[str, Any]

SEED: Final = 20260101
YEAR: Final = 2026
SCHEMA: Final = "kejiservice/activity@1"
HERE: Final = Path(__file__).parent
ACTIVITY_PATH: Final = HERE / "activity_2026.json"
LEDGER_PATH: Final = HERE / "ledger.jsonl"
OFFICERS_PATH: Final = HERE / "officers.json"
YEAR_END: Final = dt.date(YEAR, 12, 31)
_CLOSED: Final = (  # no visits in the Spring Festival and National Day holidays
    (dt.date(YEAR, 2, 15), dt.date(YEAR, 2, 23)),
    (dt.date(YEAR, 10, 1), dt.date(YEAR, 10, 7)),
)
_WAN: Final = 10_000

# --------------------------------------------------------------------------- reference data

INSTITUTIONS: Final = (
    ("i01", "青山大学", "university", ("electronic_information", "new_materials"),
     ("人工智能", "传感器", "复合材料"), ("C39", "I65")),
    ("i02", "青山理工学院", "university", ("advanced_manufacturing", "new_energy_efficiency"),
     ("数控", "电机", "锂电池"), ("C35", "C38", "C34")),
    ("i03", "省农业科学院青山分院", "institute", ("biomedicine",),
     ("水稻育种", "农产品加工"), ("A01", "C13")),
    ("i04", "青山市工业技术研究院", "institute", ("advanced_manufacturing", "new_materials"),
     ("表面处理", "精密加工", "塑料改性"), ("C33", "C29", "C34")),
    ("i05", "青山医学院", "university", ("biomedicine",), ("药物制剂", "医疗器械"), ("C27", "C35")),
    ("i06", "省材料研究所", "institute", ("new_materials",), ("高分子", "涂层"), ("C29", "C33")),
    ("i07", "青山软件研究院", "institute", ("electronic_information", "high_tech_services"),
     ("大数据", "工业互联网", "信息安全"), ("I65", "I64")),
    ("i08", "省环境科学研究院", "institute", ("resources_environment",),
     ("水处理", "固废"), ("N77",)),
)  # fmt: skip

SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN: Final = ("建国", "海涛", "丽华", "志远", "晓东", "雪梅", "立新", "文静", "国强", "春燕",
                "明辉", "秀英", "子豪", "思远", "伟", "敏", "磊", "静", "强", "娜")  # fmt: skip

BANKS: Final = (
    "青山农村商业银行", "工商银行青山分行", "建设银行青山分行", "中国银行青山分行",
    "农业银行青山分行", "招商银行青山分行", "兴业银行青山分行", "青山村镇银行",
)  # fmt: skip
PRODUCTS: Final = (
    "科技信用贷", "知识产权质押贷", "高企贷", "科技型中小企业贷", "人才贷", "研发贷",
    "科技保险贷", "投贷联动", "风险补偿贷", "订单贷", "税易贷", "创业担保贷", "设备更新贷",
    "专精特新贷", "成果转化贷", "股权质押贷", "应收账款质押贷", "科创积分贷", "园区贷",
    "绿色科技贷", "孵化贷", "首贷通", "信易贷",
)  # fmt: skip
PURPOSES: Final = ("研发投入", "设备购置", "流动资金", "厂房建设", "成果产业化", "技术改造")
DEPARTMENTS: Final = ("市人力资源和社会保障局", "市工业和信息化局", "市财政局", "市市场监督管理局")

NEED_CATEGORIES: Final = (  # (category, weight)
    ("technology_rd", 30), ("investment_financing", 25), ("talent", 20),
    ("achievement_transformation", 15), ("platform_building", 10),
)  # fmt: skip
NEED_TEXT: Final = {
    "technology_rd": ("关键工艺改进", "新产品开发", "检测方法研究", "智能化改造"),
    "investment_financing": ("研发资金缺口", "扩大产能融资", "设备更新贷款"),
    "talent": ("引进研发骨干", "招聘硕士以上人才", "技术工人培训"),
    "achievement_transformation": ("高校成果引进", "专利产业化", "中试放大"),
    "platform_building": ("申报市级研发中心", "共建实验室", "申报工程技术研究中心"),
}

# (kind, per quarter) of the visits made to single enterprises
VISITS_PER_QUARTER: Final = {"survey": 120, "linkage_visit": 80, "expert_diagnosis": 15}
NEEDS_PER_QUARTER: Final = 150
FINANCING_PER_QUARTER: Final = 100
GRANT_SHARE: Final = 0.10
TECH_SME_BATCHES: Final = (  # (batch, submitted from, submitted to, decided on)
    ("2026-1", dt.date(2026, 1, 12), dt.date(2026, 2, 27), dt.date(2026, 3, 25)),
    ("2026-2", dt.date(2026, 3, 2), dt.date(2026, 4, 24), dt.date(2026, 5, 20)),
    ("2026-3", dt.date(2026, 5, 6), dt.date(2026, 6, 19), dt.date(2026, 7, 10)),
    ("2026-4", dt.date(2026, 7, 6), dt.date(2026, 8, 21), dt.date(2026, 9, 15)),
)
HNTE_BATCH: Final = ("2026", dt.date(2026, 6, 1), dt.date(2026, 8, 14), dt.date(2026, 12, 8))

TARGETS: Final = (  # (indicator, period, value, note)
    ("hnte_new", "2026", 15, "全年新认定国家高新技术企业15家以上"),
    ("tech_sme_new", "2026", 100, "科技型中小企业评价入库100家"),
    ("achievements_transformed", "2026", 50, "科技成果转化项目50项以上"),
    ("achievements_appraised", "2026", 40, ""),
    ("loans_granted", "2026", 40, ""),
    ("loans_granted_amount", "2026", "250000000", "科技信贷2.5亿元"),
    ("visits", "2026", 1000, "每周至少一次深入企业走访"),
    ("enterprises_visited", "2026", 250, ""),
    ("needs_resolved", "2026", 300, ""),
    ("platforms_new", "2026", 10, ""),
    ("trainings_held", "2026", 4, "每季度一次培训"),
    ("visits", "2026Q1", 250, ""),
    ("financing_requests", "2026Q1", 100, ""),
)


# --------------------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class Firm:
    """What the generator needs to know about a ledger enterprise."""

    id: str
    name: str
    region: str
    industry: str
    tags: tuple[str, ...]
    rd_ratio: float
    hnte_until: dt.date | None  # the end of its latest HNTE certificate
    tech_sme_2025: bool
    provincial_rd: tuple[dt.date, dt.date | None] | None  # its provincial R&D institution
    registered: dt.date


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _firm(doc: Json) -> Firm:
    years = doc.get("years", [])
    last = max(years, key=lambda y: y["year"]) if years else {}
    sales = float(last.get("sales_revenue") or 0)
    rd = float(last.get("rd_expense") or 0)
    certs = doc.get("certifications", [])
    hnte = [c["expires_on"] for c in certs if c["kind"] == "hnte"]
    rd_inst = [c for c in certs if c["kind"] == "rd_institution_provincial"]
    return Firm(
        id=doc["id"],
        name=doc["name"],
        region=doc["region"],
        industry=doc["industry"],
        tags=tuple(doc.get("tags", [])),
        rd_ratio=rd / sales if sales else 0.0,
        hnte_until=dt.date.fromisoformat(max(hnte)) if hnte else None,
        tech_sme_2025=any(c["kind"] == "tech_sme" and c["issued_on"] >= "2025" for c in certs),
        provincial_rd=(
            (dt.date.fromisoformat(rd_inst[0]["issued_on"]), _day(rd_inst[0].get("expires_on")))
            if rd_inst
            else None
        ),
        registered=dt.date.fromisoformat(doc["registered_on"]),
    )


@dataclass(frozen=True)
class OfficerRow:
    """An officer of ``officers.json``: district, assigned enterprises and days off."""

    id: str
    name: str
    region: str
    assigned: tuple[str, ...]
    days_off: frozenset[dt.date]


def _days_off(items: Sequence[Any]) -> frozenset[dt.date]:
    out: set[dt.date] = set()
    for item in items:
        if isinstance(item, str):
            out.add(dt.date.fromisoformat(item))
            continue
        day, last = dt.date.fromisoformat(item["from"]), dt.date.fromisoformat(item["to"])
        while day <= last:
            out.add(day)
            day += dt.timedelta(days=1)
    return frozenset(out)


def read_officers(path: Path = OFFICERS_PATH) -> list[OfficerRow]:
    """The officers of the sample city, in file order."""
    data = json.loads(path.read_text("utf-8"))
    return [
        OfficerRow(o["id"], o["name"], o["district"], tuple(o["enterprises"]),
                   _days_off(o.get("days_off", [])))
        for o in data["officers"]
    ]  # fmt: skip


def read_firms(path: Path = LEDGER_PATH) -> list[Firm]:
    """The enterprises of the sample ledger, by id."""
    lines = path.read_text("utf-8").splitlines()
    return sorted((_firm(json.loads(line)) for line in lines if line.strip()), key=lambda f: f.id)


# --------------------------------------------------------------------------- helpers


class _Gen:
    """One generation run: the random stream, the firms and the records built so far."""

    def __init__(self, firms: Sequence[Firm], officers: Sequence[OfficerRow]) -> None:
        self.rng = random.Random(SEED)
        self.firms = list(firms)
        self.officers = {o.id: o for o in officers}
        self.officer_of = {e: o.id for o in officers for e in o.assigned}
        self.counters: dict[str, int] = {}
        self.visits: list[Json] = []
        self.needs: list[Json] = []

    def next_id(self, prefix: str, width: int = 4) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{YEAR}-{self.counters[prefix]:0{width}d}"

    def workday(self, start: dt.date, end: dt.date, officer: str | None = None) -> dt.date:
        """A random weekday from ``start`` to ``end`` outside the holidays (and outside
        the days off of ``officer``)."""
        off = self.officers[officer].days_off if officer is not None else frozenset()
        for _ in range(200):
            day = start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))
            if day.weekday() < 5 and day not in off and not any(a <= day <= b for a, b in _CLOSED):
                return day
        return start  # pragma: no cover - every span used has workdays

    def later(self, day: dt.date, low: int, high: int) -> dt.date | None:
        """A weekday ``low``..``high`` days after ``day``, or ``None`` past the year's end."""
        then = self.workday(day + dt.timedelta(days=low), day + dt.timedelta(days=high))
        return then if then <= YEAR_END else None

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def money(self, low_wan: int, high_wan: int) -> int:
        """Yuan, a whole number of 万元 drawn log-uniformly."""
        return round(math.exp(self.rng.uniform(math.log(low_wan), math.log(high_wan)))) * _WAN


def _quarters() -> Iterator[tuple[int, dt.date, dt.date]]:
    for q in range(1, 5):
        start = dt.date(YEAR, 3 * q - 2, 1)
        end = (dt.date(YEAR, 3 * q + 1, 1) if q < 4 else dt.date(YEAR + 1, 1, 1)) - dt.timedelta(1)
        yield q, start, end


# --------------------------------------------------------------------------- sections


def _officers(g: _Gen) -> list[Json]:
    return [
        {"id": o.id, "name": o.name, "region": o.region, "role": "service_officer",
         "assigned": sorted(o.assigned)}
        for o in g.officers.values()
    ]  # fmt: skip


def _institutions() -> list[Json]:
    return [
        {"id": i, "name": n, "kind": k, "fields": list(f), "keywords": list(kw),
         "industries": list(ind)}
        for i, n, k, f, kw, ind in INSTITUTIONS
    ]  # fmt: skip


def _experts(g: _Gen) -> list[Json]:
    out = []
    for n in range(1, 31):
        inst = INSTITUTIONS[(n - 1) % len(INSTITUTIONS)]
        out.append(
            {
                "id": f"e{n:02d}",
                "name": g.person(),
                "institution": inst[0],
                "fields": [g.rng.choice(inst[3])],
                "keywords": g.rng.sample(list(inst[4]), k=min(2, len(inst[4]))),
                "industries": [g.rng.choice(inst[5])],
            }
        )
    return out


def _intends(g: _Gen, firm: Firm, day: dt.date) -> list[str]:
    out = []
    no_hnte = firm.hnte_until is None or firm.hnte_until < day
    keen = "small_to_high" in firm.tags or "key_cultivation" in firm.tags or firm.rd_ratio >= 0.03
    if no_hnte and keen and g.rng.random() < 0.6:
        out.append("hnte")
    if firm.rd_ratio > 0 and g.rng.random() < 0.5:
        out.append("tech_sme")
    return out


def _single_visits(g: _Gen) -> None:
    for _q, start, end in _quarters():
        for kind, count in VISITS_PER_QUARTER.items():
            chosen = g.rng.sample(g.firms, count)
            for firm in chosen:
                day = g.workday(start, end, g.officer_of[firm.id])
                visit: Json = {
                    "id": g.next_id("V"),
                    "enterprise": firm.id,
                    "officer": g.officer_of[firm.id],
                    "date": day.isoformat(),
                    "kind": kind,
                }
                if kind == "survey":
                    visit["outcome"] = "填写企业科技创新需求调查表，宣讲惠企政策"
                    intends = _intends(g, firm, day)
                    if intends:
                        visit["intends"] = intends
                elif kind == "expert_diagnosis":
                    experts = g.rng.sample(range(1, 31), g.rng.randint(1, 3))
                    visit["experts"] = [f"e{n:02d}" for n in sorted(experts)]
                    visit["outcome"] = "专家组现场诊断，提出技术改进建议"
                else:
                    visit["outcome"] = "了解生产经营和研发情况"
                g.visits.append(visit)


def _events(g: _Gen) -> None:
    """Matchmaking each month, training each quarter (two in Q1), a roadshow each quarter."""
    plan: list[tuple[str, dt.date, dt.date, int]] = []
    for month in range(1, 13):
        start = dt.date(YEAR, month, 1)
        end = (
            dt.date(YEAR, month + 1, 1) if month < 12 else dt.date(YEAR + 1, 1, 1)
        ) - dt.timedelta(1)
        plan.append(("matchmaking", start, end, 6))
    for q, start, end in _quarters():
        plan.append(("training", start, end, 30))
        plan.append(("roadshow", start, end, 8))
        if q == 1:
            plan.append(("training", start, end, 15))
    for kind, start, end, size in plan:
        event = g.next_id("EV", 3)
        day = g.workday(start, end)
        for firm in sorted(g.rng.sample(g.firms, size), key=lambda f: f.id):
            g.visits.append(
                {
                    "id": g.next_id("V"),
                    "enterprise": firm.id,
                    "officer": g.officer_of[firm.id],
                    "date": day.isoformat(),
                    "kind": kind,
                    "event": event,
                }
            )


def _onsite(g: _Gen, hnte_apps: Sequence[Json]) -> None:
    """On-site verification of a third of the HNTE applicants, after they apply."""
    for app in hnte_apps[::3]:
        submitted = dt.date.fromisoformat(app["submitted_on"])
        officer = g.officer_of[app["enterprise"]]
        day = g.workday(
            submitted + dt.timedelta(days=7), submitted + dt.timedelta(days=40), officer
        )
        g.visits.append(
            {
                "id": g.next_id("V"),
                "enterprise": app["enterprise"],
                "officer": g.officer_of[app["enterprise"]],
                "date": day.isoformat(),
                "kind": "onsite_verification",
                "outcome": "联合税务部门现场核实申报材料",
            }
        )


def _route(g: _Gen, category: str, firm: Firm) -> Json:
    if category == "investment_financing":
        return {"kind": "bank", "target": g.rng.choice(BANKS)}
    if category == "talent":
        return {"kind": "department", "target": DEPARTMENTS[0]}
    if category == "platform_building" and g.rng.random() < 0.5:
        return {"kind": "department", "target": g.rng.choice(DEPARTMENTS[1:])}
    if g.rng.random() < 0.5:
        return {"kind": "expert", "target": f"e{g.rng.randint(1, 30):02d}"}
    return {"kind": "institution", "target": g.rng.choice(INSTITUTIONS)[0]}


def _need_lifecycle(g: _Gen, need: Json, collected: dt.date) -> None:
    routed = g.later(collected, 1, 14) if g.rng.random() < 0.9 else None
    if routed is None:
        return
    need["routed_on"] = routed.isoformat()
    started = g.later(routed, 2, 20) if g.rng.random() < 0.8 else None
    if started is None:
        return
    need["started_on"] = started.isoformat()
    roll = g.rng.random()
    if roll < 0.65:
        resolved = g.later(started, 5, 75)
        if resolved is not None:
            need["resolved_on"] = resolved.isoformat()
            need["outcome"] = "已对接解决"
    elif roll < 0.8:
        closed = g.later(started, 20, 90)
        if closed is not None:
            need["closed_on"] = closed.isoformat()
            need["outcome"] = "暂无合适资源，已关闭"


def _needs(g: _Gen) -> None:
    firms = {f.id: f for f in g.firms}
    categories = [c for c, _ in NEED_CATEGORIES]
    weights = [w for _, w in NEED_CATEGORIES]
    surveys = [v for v in g.visits if v["kind"] == "survey"]
    for _q, start, end in _quarters():
        mine = [v for v in surveys if start.isoformat() <= v["date"] <= end.isoformat()]
        for _ in range(NEEDS_PER_QUARTER):
            visit = g.rng.choice(mine)
            firm = firms[visit["enterprise"]]
            category = g.rng.choices(categories, weights)[0]
            collected = dt.date.fromisoformat(visit["date"])
            need: Json = {
                "id": g.next_id("N"),
                "enterprise": firm.id,
                "category": category,
                "collected_on": collected.isoformat(),
                "description": g.rng.choice(NEED_TEXT[category]),
                "visit": visit["id"],
            }
            _need_lifecycle(g, need, collected)
            if "routed_on" in need:
                need["routed_to"] = _route(g, category, firm)
            g.needs.append(need)


def _financing(g: _Gen) -> list[Json]:
    out: list[Json] = []
    money_needs = [n for n in g.needs if n["category"] == "investment_financing"]
    for _q, start, end in _quarters():
        linked = [
            n for n in money_needs if start.isoformat() <= n["collected_on"] <= end.isoformat()
        ]
        for index in range(FINANCING_PER_QUARTER):
            need = linked[index] if index < len(linked) else None
            if need is not None:
                enterprise, day = need["enterprise"], dt.date.fromisoformat(need["collected_on"])
            else:
                enterprise, day = g.rng.choice(g.firms).id, g.workday(start, end)
            amount = g.money(50, 3000)
            bank = (
                need["routed_to"]["target"] if need and "routed_to" in need else g.rng.choice(BANKS)
            )
            item: Json = {
                "id": g.next_id("F"),
                "enterprise": enterprise,
                "requested_on": day.isoformat(),
                "amount": str(amount),
                "purpose": g.rng.choice(PURPOSES),
                "bank": bank,
                "product": g.rng.choice(PRODUCTS),
            }
            if need is not None:
                item["need"] = need["id"]
            roll = g.rng.random()
            if roll < GRANT_SHARE and (granted := g.later(day, 20, 60)) is not None:
                share = Decimal(g.rng.randint(5, 10)) / 10
                item["outcome"] = "granted"
                item["granted_amount"] = str(int(amount * share) // _WAN * _WAN)
                item["granted_on"] = granted.isoformat()
            elif roll < 0.30 and (declined := g.later(day, 10, 40)) is not None:
                item["outcome"] = "declined"
                item["decided_on"] = declined.isoformat()
            elif roll < 0.36 and (withdrawn := g.later(day, 5, 30)) is not None:
                item["outcome"] = "withdrawn"
                item["decided_on"] = withdrawn.isoformat()
            out.append(item)
    return out


def _application(
    g: _Gen, firm: Firm, programme: str, batch: tuple[str, dt.date, dt.date, dt.date],
    recognised: bool, expires_on: dt.date,
) -> Json:  # fmt: skip
    name, start, end, decided = batch
    app: Json = {
        "id": g.next_id("A"),
        "enterprise": firm.id,
        "programme": programme,
        "submitted_on": g.workday(start, end).isoformat(),
        "batch": name,
        "outcome": "recognised" if recognised else "rejected",
        "decided_on": decided.isoformat(),
    }
    if recognised:
        app["expires_on"] = expires_on.isoformat()
    return app


def _tech_sme_applications(g: _Gen) -> list[Json]:
    """Renewals of the 2025 entries and some newcomers, in four batches; valid to year end."""
    eligible = [f for f in g.firms if f.rd_ratio > 0 and f.registered.year < YEAR]
    renewals = [f for f in eligible if f.tech_sme_2025]
    newcomers = [f for f in eligible if not f.tech_sme_2025]
    applicants = sorted(
        renewals + g.rng.sample(newcomers, min(24, len(newcomers))), key=lambda f: f.id
    )
    return [
        _application(g, firm, "tech_sme", TECH_SME_BATCHES[index % len(TECH_SME_BATCHES)],
                     g.rng.random() < 0.88, YEAR_END)
        for index, firm in enumerate(applicants)
    ]  # fmt: skip


def _hnte_applications(g: _Gen) -> list[Json]:
    """Renewals of the certificates ending in 2026 and some keen firms; valid three years."""
    renew = [f for f in g.firms if f.hnte_until is not None and f.hnte_until.year == YEAR]
    keen = [
        f for f in g.firms
        if f.hnte_until is None and ("small_to_high" in f.tags or f.rd_ratio >= 0.04)
    ]  # fmt: skip
    applicants = sorted(renew + g.rng.sample(keen, min(14, len(keen))), key=lambda f: f.id)
    expires = dt.date(YEAR + 3, HNTE_BATCH[3].month, HNTE_BATCH[3].day) - dt.timedelta(days=1)
    return [
        _application(g, firm, "hnte", HNTE_BATCH, g.rng.random() < 0.75, expires)
        for firm in applicants
    ]


PLATFORM_KINDS_NEW: Final = ("rd_centre", "rd_centre", "rd_centre", "engineering_research_centre",
                             "maker_space", "incubator", "agricultural_station", "key_lab",
                             "innovation_consortium", "academician_workstation", "rd_centre",
                             "rd_centre")  # fmt: skip


def _platforms(g: _Gen) -> list[Json]:
    out: list[Json] = []

    def add(name: str, kind: str, level: str, on: dt.date, host: Json, end: dt.date | None) -> None:
        item: Json = {"id": g.next_id("P", 3), "name": name, "kind": kind, "level": level,
                      "recognised_on": on.isoformat(), **host}  # fmt: skip
        if end is not None:
            item["expires_on"] = end.isoformat()
        out.append(item)

    def years_on(on: dt.date, years: int) -> dt.date:
        return on.replace(year=on.year + years) - dt.timedelta(1)

    for firm in g.firms:
        if firm.provincial_rd is not None:
            on, end = firm.provincial_rd
            add(f"{firm.name}工程技术研究中心", "engineering_research_centre", "provincial",
                on, {"enterprise": firm.id}, end)  # fmt: skip
    hntes = [f for f in g.firms if f.hnte_until is not None]
    for firm in g.rng.sample(hntes, 18):
        on = g.workday(dt.date(2021, 1, 1), dt.date(2025, 11, 30))
        add(f"{firm.name}研发中心", "rd_centre", "city", on, {"enterprise": firm.id},
            years_on(on, 5))  # fmt: skip
    fixed = (
        ("青山市科技企业孵化器", "incubator", "provincial", "i04"),
        ("临湖众创空间", "maker_space", "city", "i07"),
        ("白沙众创空间", "maker_space", "provincial", "i01"),
        ("云溪农科驿站", "agricultural_station", "provincial", "i03"),
        ("石门农科驿站", "agricultural_station", "city", "i03"),
        ("青山大学新材料重点实验室", "key_lab", "provincial", "i01"),
        ("青山院士工作站", "academician_workstation", "provincial", "i02"),
        ("青山电子信息创新创业共同体", "innovation_consortium", "provincial", "i07"),
    )
    for name, kind, level, inst in fixed:
        on = g.workday(dt.date(2019, 1, 1), dt.date(2025, 6, 30))
        add(name, kind, level, on, {"institution": inst}, None)
    for index, kind in enumerate(PLATFORM_KINDS_NEW):
        month = 1 + index
        on = g.workday(dt.date(YEAR, month, 1), dt.date(YEAR, month, 28))
        level = "provincial" if kind in ("engineering_research_centre", "key_lab") else "city"
        if kind in ("rd_centre", "engineering_research_centre"):
            firm = g.rng.choice(g.firms)
            add(f"{firm.name}研发中心", kind, level, on, {"enterprise": firm.id}, years_on(on, 5))
        else:
            inst = g.rng.choice(INSTITUTIONS)[0]
            add(f"{YEAR}年新建{kind}平台{index + 1}", kind, level, on, {"institution": inst}, None)
    return out


def _achievements(g: _Gen) -> list[Json]:
    out: list[Json] = []
    firms_with_rd = [f for f in g.firms if f.rd_ratio > 0.02]
    for n in range(60):
        item: Json = {"id": g.next_id("R", 3)}
        if n % 8 == 0:
            inst = INSTITUTIONS[n % len(INSTITUTIONS)]
            item["title"] = f"{inst[4][0]}关键技术（{inst[1]}）"
            item["institution"] = inst[0]
            item["fields"] = [inst[3][0]]
            item["keywords"] = list(inst[4][:2])
        else:
            firm = g.rng.choice(firms_with_rd)
            item["title"] = f"{firm.name}新产品关键技术"
            item["enterprise"] = firm.id
        appraised = None
        if g.rng.random() < 0.75:
            appraised = g.workday(dt.date(YEAR, 1, 5), dt.date(YEAR, 11, 30))
            item["appraised_on"] = appraised.isoformat()
        if g.rng.random() < 0.9:
            base = appraised or g.workday(dt.date(YEAR - 1, 9, 1), dt.date(YEAR, 10, 31))
            transformed = g.later(base, 10, 120)
            if transformed is not None:
                item["transformed_on"] = transformed.isoformat()
        if "institution" in item and (licensed := g.later(dt.date(YEAR, 3, 1), 0, 240)):
            item["licensed_on"] = licensed.isoformat()
            item["licensed_to"] = g.rng.choice(firms_with_rd).id
        out.append(item)
    return out


def _targets() -> list[Json]:
    out = []
    for indicator, period, value, note in TARGETS:
        item: Json = {"indicator": indicator, "period": period, "value": value}
        if note:
            item["note"] = note
        out.append(item)
    return out


def generate() -> Json:
    """The activity log of 2026 as a JSON-ready dict (a pure function of the sample files)."""
    g = _Gen(read_firms(), read_officers())
    officers = _officers(g)
    institutions = _institutions()
    experts = _experts(g)
    _single_visits(g)
    _events(g)
    _needs(g)
    financing = _financing(g)
    tech_sme = _tech_sme_applications(g)
    hnte = _hnte_applications(g)
    _onsite(g, hnte)
    g.visits.sort(key=lambda v: (v["date"], v["id"]))
    return {
        "schema": SCHEMA,
        "officers": officers,
        "experts": experts,
        "institutions": institutions,
        "visits": g.visits,
        "needs": g.needs,
        "financing_requests": financing,
        "applications": tech_sme + hnte,
        "platforms": _platforms(g),
        "achievements": _achievements(g),
        "targets": _targets(),
    }


def generate_text() -> str:
    """The file's text: one record per line inside each top-level array (easy to diff)."""
    data = generate()
    parts = [f'{{"schema": {json.dumps(data["schema"])}']
    for key, items in data.items():
        if key == "schema":
            continue
        rows = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in items)
        parts.append(f'"{key}": [\n{rows}\n]')
    return ",\n".join(parts) + "}\n"


def activity_text() -> str:
    """The committed sample activity log (``activity_2026.json``) as text."""
    return ACTIVITY_PATH.read_text("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the file, or with ``--check`` compare it with a fresh generation."""
    parser = argparse.ArgumentParser(description="Generate the sample activity log of 青山市.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = generate_text()
    if args.check:
        if not ACTIVITY_PATH.exists() or activity_text() != text:
            sys.stderr.write(f"{ACTIVITY_PATH.name} is stale: regenerate it\n")
            return 1
        print(f"{ACTIVITY_PATH.name} is up to date")
        return 0
    ACTIVITY_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {ACTIVITY_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
