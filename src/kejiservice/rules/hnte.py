"""高新技术企业认定 (HNTE): 国科发火〔2016〕32号 第十一条 with the 195号 工作指引.

The eight conditions, in the order of CONTRACT.md §3. Readings fixed in
POLICIES.md §12-13: one year = 365 calendar days; the R&D period is the three
accounting years before the application year (fewer for a younger firm, never fewer
for an older one); bands by last-year sales with inclusive upper edges; 总收入 =
收入总额 − 不征税收入; the innovation score must exceed 70 (integers: 71).

The innovation-capability assessment is computed where it is objective (growth, the
IP count band, the transformation band) and taken as input where experts grade it.
Without expert input the verdict gives the range the objective items allow and says
whether 71 is reachable.
"""

from __future__ import annotations

import datetime as dt
import operator
from bisect import bisect_right
from collections.abc import Callable, Mapping
from decimal import Decimal
from itertools import pairwise
from typing import Any

import attrs

from ..models import (
    CLASS_I_IP,
    Acquisition,
    Enterprise,
    TechField,
    YearFigures,
)
from ..params import Band, ParameterSet
from ._core import (
    Criterion,
    Ctx,
    Deferred,
    Message,
    Outcome,
    Proposal,
    Proposals,
    Status,
    Verdict,
    add_days,
    band_for,
    combine,
    decided,
    fmt,
    fmt_ratio,
    not_in_force,
    pct,
    resolve,
    values_on,
)
from ._facts import (
    Missing,
    change_figure,
    figures,
    last_year,
    shortfall,
    unknown,
    verify_proposals,
    window,
    with_figure,
)

__all__ = ["CODES", "RULE", "decide", "evaluate"]

RULE = "hnte"
CODES = (
    "hnte.registered_one_year",
    "hnte.core_ip",
    "hnte.key_field",
    "hnte.tech_staff_ratio",
    "hnte.rd_expense_ratio",
    "hnte.domestic_rd_share",
    "hnte.high_tech_income_share",
    "hnte.innovation_score",
    "hnte.no_major_incident",
)
INPUTS = {
    "innovation_score": int,
    "ip_score": int,
    "transformation_score": int,
    "organisation_score": int,
    "growth_score": int,
}
BOUNDS = {
    "innovation_score": (0, 100),
    "ip_score": (0, 30),
    "transformation_score": (0, 30),
    "organisation_score": (0, 20),
    "growth_score": (0, 20),
}

FEN = Decimal("0.01")
ONE = Decimal(1)


# --------------------------------------------------------------------- 1 registration


def registered_one_year(ctx: Ctx) -> Criterion:
    code = "hnte.registered_one_year"
    need = ctx.p("hnte.min_age_days")
    days = (ctx.as_of - ctx.ent.registered_on).days
    ok = days >= need
    passes_on = add_days(ctx.ent.registered_on, need)
    args = lambda: {  # noqa: E731
        "days": str(days),
        "need": str(need),
        "gap": str(need - days),
        "date": passes_on.isoformat(),
    }
    proposals: Proposals = ()
    if not ok:
        proposals = (
            Proposal(
                input="as_of",
                unit="date",
                message=Message("what_if.wait_until", {"date": passes_on.isoformat()}),
                adjustable=False,
                on_date=passes_on,
            ),
        )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=ctx.src("hnte.min_age_days"),
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=str(days),
        required=f">= {need}",
        gap=str(need - days),
        gap_unit="days",
        detail={"registered_on": ctx.ent.registered_on, "passes_on": passes_on},
        proposals=proposals,
    )


# --------------------------------------------------------------------- 2, 3 expert facts


def core_ip(ctx: Ctx) -> Criterion:
    code = "hnte.core_ip"
    source = "国科发火〔2016〕32号 第十一条（二）"
    owned = ctx.ent.core_ip_owned
    valid = ctx.ent.valid_ip(ctx.as_of)
    if owned is None:
        return unknown(code, source, ["core_ip_owned"])
    ok = owned and bool(valid)
    key = "pass" if ok else ("fail_none_valid" if owned else "fail")
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{key}", {"count": str(len(valid))}),
        actual=str(owned).lower(),
        required="true",
        detail={"valid_ip": len(valid)},
    )


def key_field(ctx: Ctx) -> Criterion:
    code = "hnte.key_field"
    source = "国科发火〔2016〕32号 第十一条（三）; 《国家重点支持的高新技术领域》"
    field = ctx.ent.tech_field
    if field is None:
        return unknown(code, source, ["tech_field"])
    ok = field.value != "none"
    fixed = Proposal(
        input="tech_field",
        unit="field",
        message=Message("what_if.fixed_fact", {"field": "tech_field"}),
        adjustable=False,
    )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", {"field": field.value}),
        actual=field.value,
        required="one of the 8 key fields",
        proposals=() if ok else (fixed,),
    )


# --------------------------------------------------------------------- 4 tech staff


def tech_staff_ratio(ctx: Ctx) -> Criterion:
    code = "hnte.tech_staff_ratio"
    minimum: Decimal = ctx.p("hnte.tech_staff_ratio_min")
    source = ctx.src("hnte.tech_staff_ratio_min")
    year = last_year(ctx.as_of)
    try:
        got = figures(ctx.ent, [year], "tech_staff", "employees")
    except Missing as exc:
        return unknown(code, source, exc.paths)
    tech, staff = got[(year, "tech_staff")], got[(year, "employees")]
    ok, gap = shortfall(Decimal(tech), Decimal(staff), minimum, ONE)
    ratio = Decimal(tech) / Decimal(staff) if staff else None
    if staff == 0:
        ok, gap = False, Decimal(0)
    args = lambda: {  # noqa: E731
        "actual": pct(ratio),
        "required": pct(minimum),
        "gap": fmt(gap) or "",
        "tech": str(tech),
        "staff": str(staff),
        "year": str(year),
    }
    proposals: Proposals = ()
    if not ok and staff:
        target = tech + int(gap)
        proposals = change_figure(
            ctx,
            code,
            tech_staff_ratio,
            year,
            "tech_staff",
            target,
            "persons",
            Message(
                "what_if.more_tech_staff",
                {"gap": str(int(gap)), "target": str(target), "year": str(year)},
            ),
        )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=fmt_ratio(ratio),
        required=f">= {minimum}",
        gap=fmt(gap),
        gap_unit="persons of tech staff",
        detail={"year": year, "tech_staff": tech, "employees": staff},
        proposals=proposals,
    )


# --------------------------------------------------------------------- 5 R&D ratio


def _rd_band(ctx: Ctx, last_sales: Decimal) -> tuple[int, Decimal]:
    band1_max: Decimal = ctx.p("hnte.rd_band1_sales_max")
    band2_max: Decimal = ctx.p("hnte.rd_band2_sales_max")
    if last_sales <= band1_max:
        return 1, ctx.p("hnte.rd_band1_ratio_min")
    if last_sales <= band2_max:
        return 2, ctx.p("hnte.rd_band2_ratio_min")
    return 3, ctx.p("hnte.rd_band3_ratio_min")


def _rd_years(ctx: Ctx) -> list[int]:
    return window(ctx.ent, ctx.as_of, ctx.p("hnte.rd_years"))


def rd_expense_ratio(ctx: Ctx) -> Criterion:
    code = "hnte.rd_expense_ratio"
    years = _rd_years(ctx)
    source = ctx.src("hnte.rd_years")
    if not years:
        return unknown(code, source, [f"years[{last_year(ctx.as_of)}]"])
    try:
        got = figures(ctx.ent, years, "sales_revenue", "rd_expense")
    except Missing as exc:
        return unknown(code, source, exc.paths)
    sales = sum((got[(y, "sales_revenue")] for y in years), Decimal(0))
    rd = sum((got[(y, "rd_expense")] for y in years), Decimal(0))
    last = years[-1]
    last_sales = got[(last, "sales_revenue")]
    band, minimum = _rd_band(ctx, last_sales)
    band_names = [f"hnte.rd_band{band}_ratio_min"]
    band_names += [f"hnte.rd_band{b}_sales_max" for b in (band - 1, band) if 1 <= b <= 2]
    source = ctx.src("hnte.rd_years", *band_names)
    if sales == 0:
        ok, gap, ratio = False, Decimal(0), None
    else:
        ok, gap = shortfall(rd, sales, minimum, FEN)
        ratio = rd / sales
    args = lambda: {  # noqa: E731
        "actual": pct(ratio),
        "required": pct(minimum),
        "gap": fmt(gap) or "",
        "rd": fmt(rd) or "",
        "sales": fmt(sales) or "",
        "band": str(band),
        "years": f"{years[0]}-{years[-1]}",
        "last_sales": fmt(last_sales) or "",
    }
    proposals: Proposals = ()
    if not ok and sales:
        proposals = lambda: resolve(_rd_proposals(ctx, years, got, gap, band))  # noqa: E731
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=fmt_ratio(ratio),
        required=f">= {minimum}",
        gap=fmt(gap),
        gap_unit="yuan of R&D expense",
        detail={
            "years": years,
            "rd_expense": rd,
            "sales_revenue": sales,
            "last_year_sales": last_sales,
            "band": band,
        },
        proposals=proposals,
    )


def _rd_proposals(
    ctx: Ctx, years: list[int], got: dict[tuple[int, str], Decimal], gap: Decimal, band: int
) -> Proposals:
    last = years[-1]
    rd_last = got[(last, "rd_expense")]
    candidates = [
        (
            Proposal(
                input=f"years[{last}].rd_expense",
                unit="yuan",
                change=gap,
                target=rd_last + gap,
                message=Message("what_if.more_rd", {"gap": fmt(gap) or "", "year": str(last)}),
            ),
            with_figure(last, "rd_expense", rd_last + gap),
        )
    ]
    # Tiered bands: last-year sales just above a band edge lower the required ratio.
    if band < 3:
        edge: Decimal = ctx.p(f"hnte.rd_band{band}_sales_max")
        new_sales = edge + FEN
        old_sales = got[(last, "sales_revenue")]
        candidates.append(
            (
                Proposal(
                    input=f"years[{last}].sales_revenue",
                    unit="yuan",
                    change=new_sales - old_sales,
                    target=new_sales,
                    message=Message(
                        "what_if.sales_next_band",
                        {"target": fmt(new_sales) or "", "year": str(last), "band": str(band + 1)},
                    ),
                ),
                with_figure(last, "sales_revenue", new_sales),
            )
        )
    return verify_proposals(ctx, "hnte.rd_expense_ratio", rd_expense_ratio, candidates)


def domestic_rd_share(ctx: Ctx) -> Criterion:
    code = "hnte.domestic_rd_share"
    minimum: Decimal = ctx.p("hnte.domestic_rd_ratio_min")
    source = ctx.src("hnte.domestic_rd_ratio_min")
    years = _rd_years(ctx)
    if not years:
        return unknown(code, source, [f"years[{last_year(ctx.as_of)}]"])
    try:
        got = figures(ctx.ent, years, "rd_expense", "rd_expense_domestic")
    except Missing as exc:
        return unknown(code, source, exc.paths)
    rd = sum((got[(y, "rd_expense")] for y in years), Decimal(0))
    domestic = sum((got[(y, "rd_expense_domestic")] for y in years), Decimal(0))
    if rd == 0:
        ok, gap, ratio = False, Decimal(0), None
    else:
        ok, gap = shortfall(domestic, rd, minimum, FEN)
        ratio = domestic / rd
    args = lambda: {  # noqa: E731
        "actual": pct(ratio),
        "required": pct(minimum),
        "gap": fmt(gap) or "",
        "years": f"{years[0]}-{years[-1]}",
    }
    proposals: Proposals = ()
    if not ok and rd:
        last = years[-1]
        target = got[(last, "rd_expense_domestic")] + gap
        if target <= got[(last, "rd_expense")]:
            proposals = change_figure(
                ctx,
                code,
                domestic_rd_share,
                last,
                "rd_expense_domestic",
                target,
                "yuan",
                Message("what_if.more_domestic_rd", {"gap": fmt(gap) or "", "year": str(last)}),
            )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=fmt_ratio(ratio),
        required=f">= {minimum}",
        gap=fmt(gap),
        gap_unit="yuan of R&D spent in China instead of abroad",
        detail={"years": years, "rd_expense": rd, "rd_expense_domestic": domestic},
        proposals=proposals,
    )


# --------------------------------------------------------------------- 6 high-tech income


def high_tech_income_share(ctx: Ctx) -> Criterion:
    code = "hnte.high_tech_income_share"
    minimum: Decimal = ctx.p("hnte.high_tech_income_ratio_min")
    source = ctx.src("hnte.high_tech_income_ratio_min") + "; 国科发火〔2016〕195号（总收入）"
    year = last_year(ctx.as_of)
    try:
        got = figures(ctx.ent, [year], "high_tech_income", "total_income", "non_taxable_income")
    except Missing as exc:
        return unknown(code, source, exc.paths)
    hti = got[(year, "high_tech_income")]
    income = got[(year, "total_income")] - got[(year, "non_taxable_income")]
    if income <= 0:
        ok, gap, ratio = False, Decimal(0), None
    else:
        ok, gap = shortfall(hti, income, minimum, FEN)
        ratio = hti / income
    args = lambda: {  # noqa: E731
        "actual": pct(ratio),
        "required": pct(minimum),
        "gap": fmt(gap) or "",
        "income": fmt(income) or "",
        "year": str(year),
    }
    proposals: Proposals = ()
    if not ok and income > 0:
        proposals = change_figure(
            ctx,
            code,
            high_tech_income_share,
            year,
            "high_tech_income",
            hti + gap,
            "yuan",
            Message("what_if.more_high_tech_income", {"gap": fmt(gap) or "", "year": str(year)}),
        )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=fmt_ratio(ratio),
        required=f">= {minimum}",
        gap=fmt(gap),
        gap_unit="yuan of high-tech product (service) income",
        detail={"year": year, "high_tech_income": hti, "total_income_net": income},
        proposals=proposals,
    )


# --------------------------------------------------------------------- 7 innovation score


@attrs.frozen
class ScoreItem:
    """One part of the innovation assessment: a points range and how it was reached."""

    name: str
    low: int
    high: int
    basis: str
    band: str | None = None
    value: str | None = None


_GROWTH_YEARS = 3
"""The growth items read the last three accounting years of the window."""
_net_assets: Callable[[YearFigures], Decimal | None] = operator.attrgetter("net_assets")
_sales: Callable[[YearFigures], Decimal | None] = operator.attrgetter("sales_revenue")


def _growth_rate(values: list[Decimal]) -> tuple[Decimal | None, str]:
    """The 指引 growth formula over 1-3 year-end values (year 1 first)."""
    if len(values) < 2:
        return None, "one_year"
    if any(v < 0 for v in values):
        return None, "negative"
    if len(values) == 2:
        first, second = values
        if first == 0:
            return None, "zero_base"
        return second / first - 1, "two_years"
    first, second, third = values
    if second == 0:
        return None, "zero_year2"
    if first == 0:
        return third / second - 1, "zero_year1"
    return (second / first + third / second) / 2 - 1, "three_years"


def _growth_item(
    ctx: Ctx, name: str, years: list[int], field: Callable[[YearFigures], Decimal | None]
) -> ScoreItem:
    bands = ctx.p("hnte.score.growth")
    values: list[Decimal] = []
    for year in years:
        row = ctx.ent.year(year)
        value = None
        if row is not None:
            value = field(row)
        if value is None:
            return ScoreItem(name, 0, max(b.points_max for b in bands), "unknown")
        values.append(value)
    rate, basis = _growth_rate(values)
    if rate is None:
        return ScoreItem(name, 0, 0, basis)
    band = band_for(bands, rate)
    return ScoreItem(name, band.points_min, band.points_max, basis, band.label, fmt_ratio(rate))


def _ip_points(
    class1: int, count: int, own: bool, standards: bool, get: Callable[[str], Any]
) -> tuple[int, int, Band]:
    """Points range and count band of the IP item from its counts: ``class1`` of the
    ``count`` valid items are Class I; ``own``: any of them self-developed (or of unknown
    origin); ``standards``: led a standard. ``get`` reads a parameter (``Ctx.p`` records
    it; the kernel passes its table of the day)."""
    if class1:
        band = band_for(get("hnte.score.ip_count_class1"), Decimal(class1))
    else:
        band = band_for(get("hnte.score.ip_count_class2"), Decimal(count))
    own_max: int = get("hnte.score.ip_acquisition_own_max")
    other_max: int = get("hnte.score.ip_acquisition_other_max")
    acq_lo, acq_hi = (1, own_max if own else other_max) if count else (0, 0)
    bonus_max: int = get("hnte.score.standards_bonus_max")
    bonus_lo, bonus_hi = (1, bonus_max) if standards else (0, 0)
    expert_max = get("hnte.score.ip_advancement_max") + get("hnte.score.ip_core_support_max")
    cap: int = get("hnte.score.ip_subtotal_max")
    low = min(cap, band.points_min + acq_lo + bonus_lo)
    high = min(cap, band.points_max + acq_hi + bonus_hi + expert_max)
    return low, high, band


def _ip_item(ctx: Ctx) -> ScoreItem:
    valid = ctx.ent.valid_ip(ctx.as_of)
    class1 = sum(1 for i in valid if i.ip_class == 1)
    class2 = len(valid) - class1
    own = any(i.acquired is None or i.acquired is Acquisition.OWN for i in valid)
    low, high, band = _ip_points(class1, len(valid), own, bool(ctx.ent.standards_led), ctx.p)
    return ScoreItem(
        "ip", low, high, "objective+expert", band.label, f"class I {class1}, class II {class2}"
    )


def _transformation_item(ctx: Ctx, years: list[int]) -> ScoreItem:
    counts = ctx.ent.achievements_transformed
    bands = ctx.p("hnte.score.transformation")
    if not counts or not years:
        return ScoreItem("transformation", 0, max(b.points_max for b in bands), "unknown")
    total = sum(counts.get(str(y), 0) for y in years)
    average = Decimal(total) / Decimal(len(years))
    band = band_for(bands, average)
    return ScoreItem(
        "transformation",
        band.points_min,
        band.points_max,
        "objective",
        band.label,
        fmt(average.quantize(Decimal("0.01"))),
    )


def score_items(ctx: Ctx) -> list[ScoreItem]:
    """The four parts of the assessment, each a points range (exact where given)."""
    years = _rd_years(ctx)
    given = {k: ctx.inputs[k] for k in INPUTS if k in ctx.inputs}
    items: list[ScoreItem] = []
    if "ip_score" in given:
        items.append(ScoreItem("ip", given["ip_score"], given["ip_score"], "input"))
    else:
        items.append(_ip_item(ctx))
    if "transformation_score" in given:
        v = given["transformation_score"]
        items.append(ScoreItem("transformation", v, v, "input"))
    else:
        items.append(_transformation_item(ctx, years))
    if "organisation_score" in given:
        v = given["organisation_score"]
        items.append(ScoreItem("organisation", v, v, "input"))
    else:
        items.append(ScoreItem("organisation", 0, ctx.p("hnte.score.organisation_max"), "expert"))
    if "growth_score" in given:
        v = given["growth_score"]
        items.append(ScoreItem("growth", v, v, "input"))
    else:
        # growth is over the last three accounting years (指引: years 1..3), also when a
        # regional window for R&D is longer
        growth_years = years[-_GROWTH_YEARS:]
        net = _growth_item(ctx, "net_asset_growth", growth_years, _net_assets)
        sales = _growth_item(ctx, "sales_growth", growth_years, _sales)
        items.extend([net, sales])
    return items


def innovation_score(ctx: Ctx) -> Criterion:
    code = "hnte.innovation_score"
    need: int = ctx.p("hnte.innovation_score_pass")
    source = ctx.src("hnte.innovation_score_pass")
    if "innovation_score" in ctx.inputs:
        score: int = ctx.inputs["innovation_score"]
        ok = score >= need
        return Criterion(
            code=code,
            status=Status.PASS if ok else Status.FAIL,
            source=source,
            message=Message(
                f"{code}.{'pass' if ok else 'fail'}",
                {"score": str(score), "need": str(need), "gap": str(need - score)},
            ),
            actual=str(score),
            required=f">= {need}",
            gap=str(need - score),
            gap_unit="points",
            detail={"score": score},
        )
    items = score_items(ctx)
    low = sum(i.low for i in items)
    high = sum(i.high for i in items)
    if low == high:
        ok = low >= need
        return Criterion(
            code=code,
            status=Status.PASS if ok else Status.FAIL,
            source=source,
            message=Message(
                f"{code}.{'pass' if ok else 'fail'}",
                {"score": str(low), "need": str(need), "gap": str(need - low)},
            ),
            actual=str(low),
            required=f">= {need}",
            gap=str(need - low),
            gap_unit="points",
            detail={"score": low, "items": tuple(items)},
        )
    detail = {
        "score_min": low,
        "score_max": high,
        "reachable": high >= need,
        "items": tuple(items),
    }
    args = {"low": str(low), "high": str(high), "need": str(need)}
    if high < need:
        status, key = Status.FAIL, "fail_unreachable"
    elif low >= need:
        status, key = Status.PASS, "pass_range"
    else:
        status, key = Status.UNKNOWN, "unknown"
    return Criterion(
        code=code,
        status=status,
        source=source,
        message=Message(f"{code}.{key}", args),
        actual=f"{low}-{high}",
        required=f">= {need}",
        gap=str(need - high) if status is Status.FAIL else None,
        gap_unit="points",
        missing=("inputs.innovation_score",) if status is Status.UNKNOWN else (),
        detail=detail,
    )


# --------------------------------------------------------------------- 8 incidents


def no_major_incident(ctx: Ctx) -> Criterion:
    code = "hnte.no_major_incident"
    kinds = set(ctx.p("hnte.incident_kinds"))
    lookback: int = ctx.p("hnte.incident_lookback_days")
    source = ctx.src("hnte.incident_kinds", "hnte.incident_lookback_days")
    since = ctx.as_of - dt.timedelta(days=lookback)
    hits = sorted(
        (i for i in ctx.ent.incidents if i.kind.value in kinds and since <= i.on <= ctx.as_of),
        key=lambda i: i.on,
    )
    ok = not hits
    proposals: Proposals = ()
    args = {"since": since.isoformat(), "count": str(len(hits))}
    if hits:
        clear_on = add_days(hits[-1].on, lookback + 1)
        args["date"] = clear_on.isoformat()
        args["kind"] = hits[-1].kind.value
        args["on"] = hits[-1].on.isoformat()
        proposals = (
            Proposal(
                input="as_of",
                unit="date",
                message=Message("what_if.wait_until", {"date": clear_on.isoformat()}),
                adjustable=False,
                on_date=clear_on,
            ),
        )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=str(len(hits)),
        required="0",
        gap=str(len(hits)),
        gap_unit="incidents within the window",
        detail={"window_from": since, "incidents": [(i.kind.value, i.on) for i in hits]},
        proposals=proposals,
    )


CRITERIA = (
    registered_one_year,
    core_ip,
    key_field,
    tech_staff_ratio,
    rd_expense_ratio,
    domestic_rd_share,
    high_tech_income_share,
    innovation_score,
    no_major_incident,
)


def evaluate(ctx: Ctx) -> Verdict:
    """The HNTE verdict for ``ctx.ent`` on ``ctx.as_of``."""
    version: str | None = ctx.maybe("hnte.rule_version")
    if version is None:
        return not_in_force(ctx, RULE, CODES, ctx.as_of)
    results = tuple(fn(ctx) for fn in CRITERIA)
    status = combine(results)
    score_c = results[CODES.index("hnte.innovation_score")]
    score = score_c.detail.get("score")
    notes = []
    if any(i.ip_class == 2 for i in ctx.ent.valid_ip(ctx.as_of)):
        notes.append(Message("note.hnte.class2_once"))
    return Verdict(
        rule=RULE,
        rule_version=version,
        as_of=ctx.as_of,
        status=status,
        criteria=results,
        failed=tuple(c.code for c in results if c.status is Status.FAIL),
        missing=tuple(
            dict.fromkeys(m for c in results if c.status is Status.UNKNOWN for m in c.missing)
        ),
        score=score,
        score_min=None if score is not None else score_c.detail.get("score_min"),
        score_max=None if score is not None else score_c.detail.get("score_max"),
        path="all_conditions" if status is Outcome.ELIGIBLE else None,
        params=ctx.params_used(),
        notes=tuple(notes),
        enterprise_id=ctx.ent.id,
    )


# --------------------------------------------------------------------- the fast kernel
#
# ``decide`` reaches the same verdict as ``evaluate`` from the numbers alone: status,
# failed, missing and score, with the same comparisons on the same Decimal values. It
# builds no criterion, message or proposal; the verdict's criteria and parameters come
# from ``evaluate`` when first read (``Deferred``), which also checks that both agree.
# tests/test_fast_path.py holds the two paths equal on generated ledgers, at thresholds.

_CLASS2_NOTE = (Message("note.hnte.class2_once"),)
# every failed list by its bitmask, built once: a verdict allocates as little as it can
# (fewer new containers, less work for the garbage collector in a long batch)
_FAILED = tuple(
    tuple(code for bit, code in enumerate(CODES) if mask >> bit & 1)
    for mask in range(1 << len(CODES))
)
_KEY_SPAN = 1 << 20  # memo keys: counts below this are packed into one int
# enum members as module constants: reading ``Outcome.ELIGIBLE`` goes through the enum
# metaclass each time, a noticeable share of a fast verdict
_OWN = Acquisition.OWN
_NO_FIELD = TechField.NONE
_ELIGIBLE = Outcome.ELIGIBLE
_INELIGIBLE = Outcome.INELIGIBLE
_UNDETERMINED = Outcome.UNDETERMINED


def _explain(
    ent: Enterprise, as_of: dt.date, params: ParameterSet, inputs: Mapping[str, Any]
) -> Verdict:
    """The full evaluation a kernel's verdict defers to."""
    return evaluate(Ctx(ent, as_of, params, inputs))


class _Explain(Deferred):
    """``Deferred(_explain, ent, as_of, params, inputs)`` with its arguments in slots
    rather than a tuple: one object fewer for every verdict the kernel decides."""

    __slots__ = ("_as_of", "_ent", "_inputs", "_params")

    def __init__(
        self, ent: Enterprise, as_of: dt.date, params: ParameterSet, inputs: Mapping[str, Any]
    ) -> None:
        self._full = None
        self._ent: Enterprise | None = ent
        self._as_of = as_of
        self._params = params
        self._inputs = inputs

    def full(self) -> Verdict:
        """The fully evaluated verdict (computed once; see ``Deferred.full``)."""
        found = self._full
        if found is None:
            ent = self._ent
            if ent is None:  # finished by another thread since the test above
                assert self._full is not None
                return self._full
            found = self._full = _explain(ent, self._as_of, self._params, self._inputs)
            self._ent = None
        return found


_ZERO = Decimal(0)
_TESTS: dict[str | None, Callable[[Decimal, Any], bool]] = {
    "at_least": operator.ge,
    "above": operator.gt,
    "at_most": operator.le,
    "below": operator.lt,
    None: lambda _value, _bound: True,
}
Table = tuple[tuple[Callable[[Decimal, Any], bool], Any, int, int], ...]


def _table(bands: tuple[Band, ...]) -> Table:
    """A band table as (test, bound, points_min, points_max) rows, for ``_points``."""
    return tuple(
        (_TESTS[b.op if b.bound is not None else None], b.bound, b.points_min, b.points_max)
        for b in bands
    )


def _points(table: Table, value: Decimal) -> tuple[int, int]:
    """``band_for`` as a points range (no match: 0-0, like the catch-all ``-`` band)."""
    for test, bound, low, high in table:
        if test(value, bound):
            return low, high
    return 0, 0


@attrs.frozen
class _Ladder:
    """A band table read with one bisection instead of a walk: its rows test
    ``at_least`` / ``above`` with strictly falling bounds, optionally followed by a
    catch-all (the shape of the national growth table)."""

    bounds: tuple[Decimal | int, ...]  # ascending
    strict: tuple[bool, ...]  # per bound: the row tests ``above``
    points: tuple[tuple[int, int], ...]  # per bound
    rest: tuple[int, int]  # no row met: the catch-all's points, else 0-0
    table: Table  # the rows, for a value that has no place among the bounds

    def read(self, value: Decimal) -> tuple[int, int]:
        """``_points(table, value)``."""
        at = bisect_right(self.bounds, value)  # bounds[:at] <= value
        if at == len(self.bounds) and at and not value >= self.bounds[-1]:
            return _points(self.table, value)  # NaN (traps off): no order; walk as band_for
        if at and self.strict[at - 1] and self.bounds[at - 1] == value:
            at -= 1  # "above" a bound equal to the value: the next row down is met
        return self.points[at - 1] if at else self.rest


def _ladder(table: Table) -> _Ladder | None:
    """``table`` as a :class:`_Ladder`, or ``None`` when it has another shape."""
    rows = list(table)
    rest = (0, 0)
    if rows and rows[-1][0] is _TESTS[None]:
        rest = rows.pop()[2:]
    if any(test not in (operator.ge, operator.gt) for test, *_ in rows):
        return None
    if any(lower >= upper for (_, upper, _, _), (_, lower, _, _) in pairwise(rows)):
        return None  # not strictly falling: a walk reads it
    rows.reverse()
    return _Ladder(
        bounds=tuple(b for _, b, _, _ in rows),
        strict=tuple(test is operator.gt for test, *_ in rows),
        points=tuple((low, high) for _, _, low, high in rows),
        rest=(rest[0], rest[1]),
        table=table,
    )


@attrs.frozen
class _Consts:
    """The parameter values of one day and region, laid out for ``decide``."""

    version: str
    min_age_days: int
    tech_min: Decimal
    rd_years: int
    band1_max: Decimal
    band2_max: Decimal
    band_ratio: tuple[Decimal, Decimal, Decimal]
    domestic_min: Decimal
    hti_min: Decimal
    need: int
    kinds: frozenset[str]
    since: dt.date
    values: Mapping[str, Any]  # every hnte.* value of the day, read by _ip_points
    transformation: Table
    transformation_max: int
    organisation_max: int
    growth: Table
    growth_ladder: _Ladder | None
    growth_max: int
    memo: dict[int, tuple[int, int]] = attrs.field(factory=dict, eq=False)


def _consts(params: ParameterSet, as_of: dt.date, region: str | None) -> _Consts | None:
    memo = params.derived_memo(as_of, region)
    if "\x01hnte.kernel" in memo:
        known: _Consts | None = memo["\x01hnte.kernel"]
        return known
    v = values_on(params, as_of, region, "hnte.")
    try:
        found = _Consts(
            version=v["hnte.rule_version"],
            min_age_days=v["hnte.min_age_days"],
            tech_min=v["hnte.tech_staff_ratio_min"],
            rd_years=v["hnte.rd_years"],
            band1_max=v["hnte.rd_band1_sales_max"],
            band2_max=v["hnte.rd_band2_sales_max"],
            band_ratio=(
                v["hnte.rd_band1_ratio_min"],
                v["hnte.rd_band2_ratio_min"],
                v["hnte.rd_band3_ratio_min"],
            ),
            domestic_min=v["hnte.domestic_rd_ratio_min"],
            hti_min=v["hnte.high_tech_income_ratio_min"],
            need=v["hnte.innovation_score_pass"],
            kinds=frozenset(v["hnte.incident_kinds"]),
            since=as_of - dt.timedelta(days=v["hnte.incident_lookback_days"]),
            values=v,
            transformation=_table(v["hnte.score.transformation"]),
            transformation_max=max(b.points_max for b in v["hnte.score.transformation"]),
            organisation_max=v["hnte.score.organisation_max"],
            growth=(growth := _table(v["hnte.score.growth"])),
            growth_ladder=_ladder(growth),
            growth_max=max(b.points_max for b in v["hnte.score.growth"]),
        )
    except (KeyError, OverflowError):
        # not in force that day, or a value the full evaluation must explain
        found = None
    if found is not None and not 0 < found.rd_years < _KEY_SPAN:
        found = None  # the full evaluation explains a window that long (or that short)
    memo["\x01hnte.kernel"] = found
    return found


def decide(
    ent: Enterprise, as_of: dt.date, params: ParameterSet, inputs: Mapping[str, Any]
) -> Verdict | None:
    """The HNTE verdict decided from the numbers, explained when read.

    Equal to ``evaluate(Ctx(ent, as_of, params, inputs))`` in every field; ``None``
    when the rule is not in force or a parameter is missing that day (the caller then
    runs the full evaluation, which says so).
    """
    k = _consts(params, as_of, ent.region)
    if k is None:
        return None
    return _decide(ent, as_of, params, inputs, k)


def _absent(row: Any, year: int, names: tuple[str, ...]) -> list[str]:
    return [f"years[{year}].{n}" for n in names if row is None or getattr(row, n) is None]


_TECH = ("tech_staff", "employees")
_RD = ("sales_revenue", "rd_expense")
_DOMESTIC = ("rd_expense", "rd_expense_domestic")
_HTI = ("high_tech_income", "total_income", "non_taxable_income")


def _decide(
    ent: Enterprise,
    as_of: dt.date,
    params: ParameterSet,
    inputs: Mapping[str, Any],
    k: _Consts,
) -> Verdict:
    failed = 0  # bit i: criterion CODES[i] failed
    missing: list[str] = []
    # 1 registered for a year
    registered = ent.registered_on
    if (as_of - registered).days < k.min_age_days:
        failed |= 1  # hnte.registered_one_year
    # 2 core IP
    valid = class1 = 0  # IP valid on as_of (IntellectualProperty.valid_on, inlined)
    own = False
    for item in ent.ip:
        if (
            not item.disputed
            and item.granted_on <= as_of
            and (item.expires_on is None or as_of <= item.expires_on)
        ):
            valid += 1
            if item.kind in CLASS_I_IP:
                class1 += 1
            if item.acquired is None or item.acquired is _OWN:
                own = True
    owned = ent.core_ip_owned
    if owned is None:
        missing.append("core_ip_owned")
    elif not (owned and valid):
        failed |= 2  # hnte.core_ip
    # 3 key field
    field = ent.tech_field
    if field is None:
        missing.append("tech_field")
    elif field is _NO_FIELD:
        failed |= 4  # hnte.key_field
    # the accounting years: the last one and the R&D window ending with it
    last = as_of.year - 1
    start = max(last - k.rd_years + 1, registered.year)
    size = last - start + 1
    years = ent.years
    rows: list[YearFigures | None]
    if (  # the usual ledger: exactly the window's years, in order
        size == 3
        and len(years) == 3
        and years[0].year == start
        and years[1].year == start + 1
        and years[2].year == last
    ):
        rows = list(years)
    else:
        rows = [None] * size if size > 0 else []
        for each in years:  # the first row of a year, as ent.year() finds it
            at = each.year - start
            if 0 <= at < size and rows[at] is None:
                rows[at] = each
    row = rows[-1] if rows else ent.year(last)
    # 4 tech staff, last year
    if row is None or row.tech_staff is None or row.employees is None:
        missing.extend(_absent(row, last, _TECH))
    elif row.employees == 0 or row.tech_staff < k.tech_min * row.employees:
        failed |= 8  # hnte.tech_staff_ratio
    # 5, 6 R&D over the window
    if not rows:
        missing.append(f"years[{last}]")
    else:
        sales = rd = domestic = _ZERO
        gaps_rd: list[str] = []
        gaps_domestic: list[str] = []
        first = second = None
        if size == 3:
            first, second = rows[0], rows[1]
        if (  # the usual window, written out: three years, every figure given
            first is not None
            and second is not None
            and row is not None
            and first.sales_revenue is not None
            and first.rd_expense is not None
            and first.rd_expense_domestic is not None
            and second.sales_revenue is not None
            and second.rd_expense is not None
            and second.rd_expense_domestic is not None
            and row.sales_revenue is not None
            and row.rd_expense is not None
            and row.rd_expense_domestic is not None
        ):
            # from zero, as the loop and the full rule add (0 + x rounds x to 28 digits)
            sales = _ZERO + first.sales_revenue + second.sales_revenue + row.sales_revenue
            rd = _ZERO + first.rd_expense + second.rd_expense + row.rd_expense
            domestic = (
                _ZERO
                + first.rd_expense_domestic
                + second.rd_expense_domestic
                + row.rd_expense_domestic
            )
            rows_left: list[YearFigures | None] = []
        else:
            rows_left = rows
        for year, found in enumerate(rows_left, start):
            if found is None:
                gaps_rd.extend(_absent(None, year, _RD))
                gaps_domestic.extend(_absent(None, year, _DOMESTIC))
                continue
            s, r, d = found.sales_revenue, found.rd_expense, found.rd_expense_domestic
            if s is None or r is None:
                gaps_rd.extend(_absent(found, year, _RD))
            else:
                sales += s
            if r is None or d is None:
                gaps_domestic.extend(_absent(found, year, _DOMESTIC))
            else:
                domestic += d
            if r is not None:
                rd += r
        if gaps_rd:
            missing.extend(gaps_rd)
        else:
            assert row is not None
            last_sales = row.sales_revenue
            assert last_sales is not None
            band = 0 if last_sales <= k.band1_max else 1 if last_sales <= k.band2_max else 2
            if sales == 0 or rd < k.band_ratio[band] * sales:
                failed |= 16  # hnte.rd_expense_ratio
        if gaps_domestic:
            missing.extend(gaps_domestic)
        elif rd == 0 or domestic < k.domestic_min * rd:
            failed |= 32  # hnte.domestic_rd_share
    # 7 high-tech income, last year
    if (
        row is None
        or row.high_tech_income is None
        or row.total_income is None
        or row.non_taxable_income is None
    ):
        missing.extend(_absent(row, last, _HTI))
    else:
        income = row.total_income - row.non_taxable_income
        if income <= 0 or row.high_tech_income < k.hti_min * income:
            failed |= 64  # hnte.high_tech_income_share
    # 8 innovation score
    score: int | None = inputs.get("innovation_score") if inputs else None
    score_min = score_max = None
    if score is not None:
        if score < k.need:
            failed |= 128  # hnte.innovation_score
    else:
        low, high = _score_range(ent, start, rows, inputs, k, valid, class1, own)
        if low == high:
            score = low
            if low < k.need:
                failed |= 128  # hnte.innovation_score
        else:
            score_min, score_max = low, high
            if high < k.need:
                failed |= 128  # hnte.innovation_score
            elif low < k.need:
                missing.append("inputs.innovation_score")
    # 9 no major incident in the lookback
    for incident in ent.incidents:
        if incident.kind in k.kinds and k.since <= incident.on <= as_of:  # StrEnum: a str
            failed |= 256  # hnte.no_major_incident
            break

    if failed:
        status, path = _INELIGIBLE, None
    elif missing:
        status, path = _UNDETERMINED, None
    else:
        status, path = _ELIGIBLE, "all_conditions"
    return decided(
        RULE,
        k.version,
        as_of,
        status,
        _Explain(ent, as_of, params, inputs),
        _FAILED[failed],
        ()
        if not missing
        else (missing[0],)
        if len(missing) == 1
        else tuple(dict.fromkeys(missing)),
        score,
        score_min,
        score_max,
        path,
        _CLASS2_NOTE if valid > class1 else (),
        ent.id,
    )


def _score_range(
    ent: Enterprise,
    start: int,
    rows: list[YearFigures | None],
    inputs: Mapping[str, Any],
    k: _Consts,
    valid: int,
    class1: int,
    own: bool,
) -> tuple[int, int]:
    """``score_items`` summed as (low, high), without building the items.

    ``valid``: IP items valid on as_of; ``class1``: of them Class I; ``own``: any of them
    self-developed or of unknown origin.
    """
    memo = k.memo
    given = inputs.get("ip_score") if inputs else None
    if given is None:
        standards = bool(ent.standards_led)
        if class1 < _KEY_SPAN:
            key = -(((valid * _KEY_SPAN + class1) << 2) | own << 1 | standards) - 1  # < 0
            found = memo.get(key)
            if found is None:
                found = memo[key] = _ip_points(class1, valid, own, standards, k.values.__getitem__)[
                    :2
                ]
        else:
            found = _ip_points(class1, valid, own, standards, k.values.__getitem__)[:2]
        low, high = found
    else:
        low = high = given
    given = inputs.get("transformation_score") if inputs else None
    if given is None:
        counts = ent.achievements_transformed
        if not counts or not rows:
            high += k.transformation_max
        else:
            total = 0
            for year in range(start, start + len(rows)):
                total += counts.get(_YEAR_TEXT.get(year) or str(year), 0)
            key = total * _KEY_SPAN + len(rows)  # rd_years < _KEY_SPAN (_consts)
            found = memo.get(key) if total >= 0 else None  # IP keys are < 0
            if found is None:
                found = _points(k.transformation, Decimal(total) / Decimal(len(rows)))
                if total >= 0:
                    memo[key] = found
            low, high = low + found[0], high + found[1]
    else:
        low, high = low + given, high + given
    given = inputs.get("organisation_score") if inputs else None
    if given is None:
        high += k.organisation_max
    else:
        low, high = low + given, high + given
    given = inputs.get("growth_score") if inputs else None
    if given is not None:
        return low + given, high + given
    if len(rows) > _GROWTH_YEARS:
        rows = rows[-_GROWTH_YEARS:]  # as score_items: the last three years
    first = second = third = None
    if len(rows) == 3:
        first, second, third = rows
    if first is not None and second is not None and third is not None:  # the usual case
        # net assets year by year, as the full rule computes them (stopping at a gap)
        n1 = first.net_assets
        n2 = second.net_assets if n1 is not None else None
        n3 = third.net_assets if n2 is not None else None
        rates: tuple[Decimal | None, ...] = (
            _ABSENT if n1 is None or n2 is None or n3 is None else _rate3(n1, n2, n3),
            _rate3(first.sales_revenue, second.sales_revenue, third.sales_revenue)
            if first.sales_revenue is not None
            and second.sales_revenue is not None
            and third.sales_revenue is not None
            else _ABSENT,
        )
    else:
        rates = (_window_rate(rows, _net_assets), _window_rate(rows, _sales))
    ladder = k.growth_ladder
    for rate in rates:
        if rate is _ABSENT:  # a figure absent: anywhere from 0 to the best band
            high += k.growth_max
        elif rate is not None:
            lo, hi = ladder.read(rate) if ladder is not None else _points(k.growth, rate)
            low, high = low + lo, high + hi
    return low, high


def _window_rate(
    rows: list[YearFigures | None], get: Callable[[YearFigures], Decimal | None]
) -> Decimal | None:
    """``_growth_rate``'s rate of ``get`` over the window; :data:`_ABSENT` when a figure
    (or a year) is absent."""
    values: list[Decimal] = []
    for row in rows:
        value = None if row is None else get(row)
        if value is None:
            return _ABSENT
        values.append(value)
    return _growth_rate(values)[0]


_ABSENT = Decimal("NaN")  # a growth rate that cannot be known (told apart by identity)
_YEAR_TEXT = {year: str(year) for year in range(1900, 2100)}
_ONE = Decimal(1)
_TWO = Decimal(2)


def _rate3(first: Decimal, second: Decimal, third: Decimal) -> Decimal | None:
    """``_growth_rate``'s rate over three year-end values, written out."""
    if first < 0 or second < 0 or third < 0 or second == 0:  # _growth_rate's order
        return None
    if first == 0:
        return third / second - _ONE
    return (second / first + third / second) / _TWO - _ONE
