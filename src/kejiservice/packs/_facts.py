"""The fact catalogue: every name a pack test may use, with its type, labels and reader.

Each fact is one row of :data:`FACTS`: its signature (result type and parameters), a
Chinese and an English label (for explanations), and the function that reads it from
the enterprise. A fact that needs an absent figure is *unknown* and names the missing
path (``years[2025].rd_expense``); nothing is ever defaulted. A ratio whose denominator
is zero is unknown too, with the reason.

Year selectors: ``last_year`` is the accounting year before the year of ``as_of``
(the default), ``year_before`` the one before that, or a fixed year (``2025``).

Adjustable figures carry a *lever*: the figure of one year that moves the fact, and
how to solve for the value that meets a threshold. The compiler uses it to compute
gaps in the figure's own unit and proposals it verifies on a changed copy.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..models import CLASS_I_IP, Enterprise, IpKind
from ..rules._core import Ctx, Outcome
from ._lang import Fact, Param, Signature, Type, YearSel

if TYPE_CHECKING:
    from ..rules._core import Verdict

__all__ = ["CERT_LABELS", "FACTS", "Env", "FactDef", "Lever", "Val", "fact_names", "resolve"]

FEN = Decimal("0.01")
ONE = Decimal(1)


@attrs.frozen
class Lever:
    """The adjustable figure behind a fact: ``years[year].field`` and its current value.

    ``solve(t)`` is the exact value of the figure at which the fact equals ``t`` (the
    fact grows with the figure), or ``None`` when no value of the figure reaches it.
    """

    year: int
    field: str
    current: Decimal
    step: Decimal
    unit: str
    solve: Callable[[Decimal], Decimal | None]

    @property
    def path(self) -> str:
        """The input path of the figure."""
        return f"years[{self.year}].{self.field}"


@attrs.frozen
class Val:
    """A fact's value on the day, or why it is unknown.

    ``value`` is ``None`` when unknown: ``missing`` names absent inputs, ``why`` other
    reasons. A partly known number (the score with ungraded items) gives ``lo``/``hi``.
    ``wait`` gives, for time facts, the first day the fact reaches a value.
    """

    value: Any = None
    missing: tuple[str, ...] = ()
    why: str = ""
    year: int | None = None
    lo: Any = None
    hi: Any = None
    lever: Lever | None = None
    wait: Callable[[int], dt.date] | None = None
    detail: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class FactDef:
    """One fact: its call signature, labels, what it reads, and its reader."""

    name: str
    signature: Signature
    label_zh: str
    label_en: str
    reads: str
    run: Callable[[Env, tuple[Any, ...]], Val]


# The chain of rules being evaluated, so that eligible(...) cannot loop.
_ACTIVE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "kejiservice_pack_rules", default=()
)


class Env:
    """One evaluation: the context, the pack's reference period, caches, the score."""

    def __init__(
        self,
        ctx: Ctx,
        period: tuple[dt.date, dt.date],
        score: Callable[[Env], Val] | None = None,
    ) -> None:
        self.ctx = ctx
        self.ent: Enterprise = ctx.ent
        self.as_of: dt.date = ctx.as_of
        self.period = period
        self._score = score
        self._score_val: Val | None = None
        self._cache: dict[tuple[str, tuple[Any, ...]], Val] = {}
        self._verdicts: dict[str, Verdict | None] = {}

    def fact(self, node: Fact) -> Val:
        """The value of a checked fact node (cached for this evaluation)."""
        key = (node.name, node.args)
        found = self._cache.get(key)
        if found is None:
            found = FACTS[node.name].run(self, node.args)
            self._cache[key] = found
        return found

    def score(self) -> Val:
        """The pack's score (its [[scoring]] items)."""
        if self._score is None:  # pragma: no cover - the checker refuses score without items
            return Val(why="no scoring")
        if self._score_val is None:
            self._score_val = self._score(self)
        return self._score_val

    def verdict(self, rule: str) -> Verdict | None:
        """The verdict of another rule for the same enterprise and day (``None``: a loop)."""
        if rule in self._verdicts:
            return self._verdicts[rule]
        active = _ACTIVE.get()
        if rule in active:
            self._verdicts[rule] = None
            return None
        from ..errors import UnknownRule
        from ..rules import evaluate

        token = _ACTIVE.set((*active, rule))
        try:
            found: Verdict | None = evaluate(rule, self.ent, self.as_of, params=self.ctx.params)
        except UnknownRule:  # a pack loaded alongside but not registered
            found = None
        finally:
            _ACTIVE.reset(token)
        self._verdicts[rule] = found
        return found

    def entering(self, rule: str) -> contextvars.Token[tuple[str, ...]]:
        """Mark ``rule`` as being evaluated (the caller resets the token)."""
        return _ACTIVE.set((*_ACTIVE.get(), rule))


def reset_active(token: contextvars.Token[tuple[str, ...]]) -> None:
    """Undo :meth:`Env.entering`."""
    _ACTIVE.reset(token)


# --------------------------------------------------------------------------- figures


def _year(env: Env, sel: YearSel) -> int:
    return sel.resolve(env.as_of.year)


def _get(env: Env, year: int, field: str) -> tuple[Any, str]:
    row = env.ent.year(year)
    value = None if row is None else getattr(row, field)
    return value, f"years[{year}].{field}"


def _figures(env: Env, pairs: list[tuple[int, str]]) -> tuple[list[Any], tuple[str, ...]]:
    values, missing = [], []
    for year, field in pairs:
        value, path = _get(env, year, field)
        values.append(value)
        if value is None:
            missing.append(path)
    return values, tuple(missing)


def _zero(path: str) -> str:
    return f"{path} is 0, so the ratio is undefined"


def _figure(field: str, unit: str) -> Callable[[Env, tuple[Any, ...]], Val]:
    step = FEN if unit == "yuan" else ONE

    def run(env: Env, args: tuple[Any, ...]) -> Val:
        year = _year(env, args[0])
        value, path = _get(env, year, field)
        if value is None:
            return Val(missing=(path,), year=year)
        lever = Lever(year, field, Decimal(value), step, unit, lambda t: t)
        return Val(value, year=year, lever=lever)

    return run


def _net_assets(env: Env, args: tuple[Any, ...]) -> Val:
    year = _year(env, args[0])
    (assets, liabilities), missing = _figures(
        env, [(year, "total_assets"), (year, "total_liabilities")]
    )
    if missing:
        return Val(missing=missing, year=year)
    lever = Lever(year, "total_assets", assets, FEN, "yuan", lambda t: t + liabilities)
    return Val(assets - liabilities, year=year, lever=lever)


def _increase(field: str) -> Callable[[Env, tuple[Any, ...]], Val]:
    def run(env: Env, args: tuple[Any, ...]) -> Val:
        year = _year(env, args[0])
        (now, before), missing = _figures(env, [(year, field), (year - 1, field)])
        if missing:
            return Val(missing=missing, year=year)
        lever = Lever(year, field, now, FEN, "yuan", lambda t: t + before)
        return Val(now - before, year=year, lever=lever, detail={"previous": before})

    return run


def _growth(field: str) -> Callable[[Env, tuple[Any, ...]], Val]:
    def run(env: Env, args: tuple[Any, ...]) -> Val:
        year = _year(env, args[0])
        (now, before), missing = _figures(env, [(year, field), (year - 1, field)])
        if missing:
            return Val(missing=missing, year=year)
        if before == 0:
            return Val(why=_zero(f"years[{year - 1}].{field}"), year=year)
        lever = Lever(year, field, now, FEN, "yuan", lambda t: (ONE + t) * before)
        return Val((now - before) / before, year=year, lever=lever, detail={"previous": before})

    return run


def _ratio(num: str, den: str, unit: str) -> Callable[[Env, tuple[Any, ...]], Val]:
    step = FEN if unit == "yuan" else ONE

    def run(env: Env, args: tuple[Any, ...]) -> Val:
        year = _year(env, args[0])
        (top, bottom), missing = _figures(env, [(year, num), (year, den)])
        if missing:
            return Val(missing=missing, year=year)
        if bottom == 0:
            return Val(why=_zero(f"years[{year}].{den}"), year=year)
        den_value = Decimal(bottom)
        lever = Lever(year, num, Decimal(top), step, unit, lambda t: t * den_value)
        return Val(Decimal(top) / den_value, year=year, lever=lever)

    return run


def _high_tech_share(env: Env, args: tuple[Any, ...]) -> Val:
    year = _year(env, args[0])
    (hti, total, non_taxable), missing = _figures(
        env, [(year, "high_tech_income"), (year, "total_income"), (year, "non_taxable_income")]
    )
    if missing:
        return Val(missing=missing, year=year)
    den = total - non_taxable
    if den == 0:
        return Val(why=_zero(f"years[{year}].total_income − non_taxable_income"), year=year)
    lever = Lever(year, "high_tech_income", hti, FEN, "yuan", lambda t: t * den)
    return Val(hti / den, year=year, lever=lever)


# --------------------------------------------------------------------------- other facts


def _ip_count(env: Env, args: tuple[Any, ...]) -> Val:
    return Val(len(env.ent.valid_ip(env.as_of)))


def _class1_ip_count(env: Env, args: tuple[Any, ...]) -> Val:
    return Val(sum(1 for ip in env.ent.valid_ip(env.as_of) if ip.kind in CLASS_I_IP))


def _invention_count(env: Env, args: tuple[Any, ...]) -> Val:
    valid = env.ent.valid_ip(env.as_of)
    return Val(sum(1 for ip in valid if ip.kind is IpKind.INVENTION_PATENT))


def anniversary(start: dt.date, years: int) -> dt.date:
    """The ``years``-th anniversary of ``start`` (29 February -> 1 March)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return dt.date(start.year + years, 3, 1)


def _years_since(env: Env, args: tuple[Any, ...]) -> Val:
    reg, day = env.ent.registered_on, env.as_of
    full = day.year - reg.year
    if anniversary(reg, full) > day:
        full -= 1
    return Val(full, wait=lambda n: anniversary(reg, n), detail={"registered_on": reg})


def _days_since(env: Env, args: tuple[Any, ...]) -> Val:
    reg = env.ent.registered_on
    return Val(
        (env.as_of - reg).days,
        wait=lambda n: reg + dt.timedelta(days=n),
        detail={"registered_on": reg},
    )


def _attribute(name: str) -> Callable[[Env, tuple[Any, ...]], Val]:
    def run(env: Env, args: tuple[Any, ...]) -> Val:
        value = getattr(env.ent, name)
        if value is None:
            return Val(missing=(name,))
        return Val(value.value if hasattr(value, "value") else value)

    return run


def _holds(env: Env, args: tuple[Any, ...]) -> Val:
    return Val(env.ent.holds(args[0], env.as_of))


def _newly(env: Env, args: tuple[Any, ...]) -> Val:
    start, end = env.period
    found = [
        c
        for c in env.ent.certifications
        if c.kind == args[0] and start <= c.issued_on <= end and c.issued_on <= env.as_of
    ]
    detail: dict[str, Any] = {"period": f"{start.isoformat()}..{end.isoformat()}"}
    if found:
        detail["issued_on"] = found[0].issued_on
    return Val(bool(found), detail=detail)


def _previously(env: Env, args: tuple[Any, ...]) -> Val:
    start = env.period[0]
    return Val(any(c.kind == args[0] and c.issued_on < start for c in env.ent.certifications))


def _has_tag(env: Env, args: tuple[Any, ...]) -> Val:
    return Val(env.ent.has_tag(args[0]))


def _in_region(env: Env, args: tuple[Any, ...]) -> Val:
    region = env.ent.region
    if region is None:
        return Val(missing=("region",))
    return Val(any(region.startswith(p) for p in args[0]))


def _industry_in(env: Env, args: tuple[Any, ...]) -> Val:
    code = env.ent.industry
    return Val(any(code.startswith(p) for p in args[0]))


def _listed(env: Env, args: tuple[Any, ...]) -> Val:
    return Val(any(x.kind == args[0] and x.active_on(env.as_of) for x in env.ent.listings))


def _incident_within(env: Env, args: tuple[Any, ...]) -> Val:
    since = env.as_of - dt.timedelta(days=args[0])
    return Val(any(since <= i.on <= env.as_of for i in env.ent.incidents))


def _eligible(env: Env, args: tuple[Any, ...]) -> Val:
    rule = args[0]
    verdict = env.verdict(rule)
    if verdict is None:
        return Val(why=f"rule {rule} is not registered, or depends on this one")
    detail = {"rule": rule, "status": verdict.status.value, "failed": list(verdict.failed)}
    if verdict.status is Outcome.UNDETERMINED:
        return Val(missing=verdict.missing, why=f"{rule} is undetermined", detail=detail)
    return Val(verdict.status is Outcome.ELIGIBLE, detail=detail)


def _input(env: Env, args: tuple[Any, ...]) -> Val:
    name = args[0]
    if name not in env.ctx.inputs:
        return Val(missing=(f"inputs.{name}",))
    return Val(env.ctx.inputs[name])


def _score(env: Env, args: tuple[Any, ...]) -> Val:
    return env.score()


# --------------------------------------------------------------------------- the table

_Y = (Param("year", optional=True),)

CERT_LABELS: dict[str, tuple[str, str]] = {
    "hnte": ("高新技术企业", "high-and-new-technology enterprise (HNTE)"),
    "tech_sme": ("科技型中小企业", "tech-based SME"),
    "innovative_sme": ("创新型中小企业", "innovative SME"),
    "specialized_sme": ("专精特新中小企业", "specialised SME (专精特新)"),
    "little_giant": ("专精特新“小巨人”企业", "little giant (小巨人)"),
    "rd_institution_provincial": ("省级研发机构", "provincial R&D institution"),
    "rd_institution_national": ("国家级研发机构", "national R&D institution"),
}

_FIGURES: list[tuple[str, Type, str, str]] = [
    ("sales_revenue", Type.MONEY, "销售收入", "sales revenue"),
    ("main_business_revenue", Type.MONEY, "主营业务收入", "main business revenue"),
    ("total_income", Type.MONEY, "收入总额", "total income"),
    ("rd_expense", Type.MONEY, "研究开发费用总额", "R&D expense"),
    ("rd_expense_domestic", Type.MONEY, "境内研究开发费用", "domestic R&D expense"),
    ("high_tech_income", Type.MONEY, "高新技术产品（服务）收入", "high-tech product income"),
    ("cost_and_expense", Type.MONEY, "成本费用支出总额", "total cost and expense"),
    ("total_assets", Type.MONEY, "资产总额", "total assets"),
    ("total_liabilities", Type.MONEY, "负债总额", "total liabilities"),
    ("employees", Type.PERSONS, "职工总数", "employees"),
    ("tech_staff", Type.PERSONS, "科技人员数", "tech staff"),
]


def _table() -> dict[str, FactDef]:
    out: dict[str, FactDef] = {}

    def add(
        name: str,
        kind: Type | None,
        params: tuple[Param, ...],
        zh: str,
        en: str,
        reads: str,
        run: Callable[[Env, tuple[Any, ...]], Val],
    ) -> None:
        out[name] = FactDef(name, Signature(kind, params), zh, en, reads, run)

    for field, kind, zh, en in _FIGURES:
        unit = "yuan" if kind is Type.MONEY else "persons"
        add(field, kind, _Y, zh, en, f"years[Y].{field}", _figure(field, unit))
    add(
        "net_assets",
        Type.MONEY,
        _Y,
        "净资产",
        "net assets",
        "years[Y].total_assets − total_liabilities",
        _net_assets,
    )
    add(
        "rd_increase",
        Type.MONEY,
        _Y,
        "研究开发费用增加额",
        "increase of R&D expense",
        "years[Y].rd_expense − years[Y−1].rd_expense",
        _increase("rd_expense"),
    )
    add(
        "sales_increase",
        Type.MONEY,
        _Y,
        "销售收入增加额",
        "increase of sales revenue",
        "years[Y].sales_revenue − years[Y−1].sales_revenue",
        _increase("sales_revenue"),
    )
    add(
        "rd_intensity",
        Type.RATIO,
        _Y,
        "研究开发费用占销售收入的比例",
        "R&D intensity",
        "years[Y].rd_expense ÷ sales_revenue",
        _ratio("rd_expense", "sales_revenue", "yuan"),
    )
    add(
        "rd_growth",
        Type.RATIO,
        _Y,
        "研究开发费用增长率",
        "R&D expense growth",
        "(rd_expense[Y] − rd_expense[Y−1]) ÷ rd_expense[Y−1]",
        _growth("rd_expense"),
    )
    add(
        "sales_growth",
        Type.RATIO,
        _Y,
        "销售收入增长率",
        "sales growth",
        "(sales_revenue[Y] − sales_revenue[Y−1]) ÷ sales_revenue[Y−1]",
        _growth("sales_revenue"),
    )
    add(
        "tech_staff_ratio",
        Type.RATIO,
        _Y,
        "科技人员占职工总数的比例",
        "tech-staff ratio",
        "years[Y].tech_staff ÷ employees",
        _ratio("tech_staff", "employees", "persons"),
    )
    add(
        "high_tech_income_share",
        Type.RATIO,
        _Y,
        "高新技术产品（服务）收入占总收入的比例",
        "high-tech income share",
        "years[Y].high_tech_income ÷ (total_income − non_taxable_income)",
        _high_tech_share,
    )
    add(
        "debt_ratio",
        Type.RATIO,
        _Y,
        "资产负债率",
        "debt ratio",
        "years[Y].total_liabilities ÷ total_assets",
        _ratio("total_liabilities", "total_assets", "yuan"),
    )
    add(
        "ip_count",
        Type.COUNT,
        (),
        "有效知识产权数",
        "valid IP items",
        "ip (valid on as_of)",
        _ip_count,
    )
    add(
        "class1_ip_count",
        Type.COUNT,
        (),
        "有效Ⅰ类知识产权数",
        "valid Class I IP items",
        "ip (Class I, valid on as_of)",
        _class1_ip_count,
    )
    add(
        "invention_patent_count",
        Type.COUNT,
        (),
        "有效发明专利数",
        "valid invention patents",
        "ip (invention patents, valid on as_of)",
        _invention_count,
    )
    add(
        "years_since_registration",
        Type.YEARS,
        (),
        "注册成立年数（周年）",
        "full years since registration",
        "registered_on",
        _years_since,
    )
    add(
        "days_since_registration",
        Type.DAYS,
        (),
        "注册成立天数",
        "days since registration",
        "registered_on",
        _days_since,
    )
    add(
        "tech_field",
        Type.TEXT,
        (),
        "技术领域",
        "technology field",
        "tech_field",
        _attribute("tech_field"),
    )
    add(
        "resident",
        Type.BOOL,
        (),
        "居民企业",
        "resident enterprise",
        "resident",
        _attribute("resident"),
    )
    add(
        "core_ip_owned",
        Type.BOOL,
        (),
        "拥有核心自主知识产权",
        "owns core IP",
        "core_ip_owned",
        _attribute("core_ip_owned"),
    )
    add(
        "restricted_industry",
        Type.BOOL,
        (),
        "属限制类或淘汰类产业",
        "restricted industry",
        "restricted_industry",
        _attribute("restricted_industry"),
    )
    add(
        "holds",
        Type.BOOL,
        (Param("cert"),),
        "持有有效的{cert}证书",
        "holds a valid {cert} certificate",
        "certifications (valid on as_of)",
        _holds,
    )
    add(
        "newly_certified",
        Type.BOOL,
        (Param("cert"),),
        "在参考期内新取得{cert}证书",
        "newly obtained {cert} status in the reference period",
        "certifications (issued_on in the reference period)",
        _newly,
    )
    add(
        "previously_certified",
        Type.BOOL,
        (Param("cert"),),
        "参考期之前曾取得{cert}证书",
        "obtained {cert} status before the reference period",
        "certifications (issued_on before the reference period)",
        _previously,
    )
    add(
        "has_tag", Type.BOOL, (Param("tag"),), "带有标签 {tag}", "is tagged {tag}", "tags", _has_tag
    )
    add(
        "in_region",
        Type.BOOL,
        (Param("regions", many=True),),
        "注册地在 {regions}",
        "is registered in {regions}",
        "region",
        _in_region,
    )
    add(
        "industry_in",
        Type.BOOL,
        (Param("industries", many=True),),
        "所属行业为 {industries}",
        "industry is {industries}",
        "industry",
        _industry_in,
    )
    add(
        "listed",
        Type.BOOL,
        (Param("listing"),),
        "被列入{listing}",
        "is on the {listing} list",
        "listings (active on as_of)",
        _listed,
    )
    add(
        "incident_within",
        Type.BOOL,
        (Param("days"),),
        "评价日前{days}天内发生重大事故或严重违法行为",
        "had a major incident in the {days} days before as_of",
        "incidents",
        _incident_within,
    )
    add(
        "eligible",
        Type.BOOL,
        (Param("rule"),),
        "符合“{rule}”规则",
        "is eligible under {rule}",
        "the verdict of that rule",
        _eligible,
    )
    add(
        "input",
        None,
        (Param("input"),),
        "输入项 {input}",
        "input {input}",
        "inputs given to evaluate",
        _input,
    )
    add("score", Type.POINTS, (), "评分合计", "total score", "the pack's [[scoring]] items", _score)
    return out


FACTS: dict[str, FactDef] = _table()


def resolve(name: str) -> Signature | None:
    """The signature of fact ``name``, or ``None``."""
    found = FACTS.get(name)
    return None if found is None else found.signature


def fact_names() -> list[str]:
    """Every fact name, in catalogue order."""
    return list(FACTS)
