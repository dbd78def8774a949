"""科技型中小企业评价 (tech-based SME): 国科发政〔2017〕115号, with the basic conditions as
the 2022 指引 (国科火字〔2022〕67号) words them.

Basic conditions 第六条（一）-（四) must all hold. Then either the score path (第六条（五）:
at least 60 points and a non-zero tech-staff score) or one of the four direct paths
(第八条: a valid HNTE certificate; a national S&T award in the last 5 years ranked in the
top 3; a provincial-or-higher R&D institution; led an international, national or
industry standard in the last 5 years, ranked in the top 5). When both hold the
verdict names the score path. Figures are those of the previous accounting year.
Both R&D ratios are scored and the better counts; IP counts while valid on ``as_of``
(an item counts unless ``core`` is explicitly false).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from ..industry import prefix_coverage
from ..models import Enterprise, IntellectualProperty, IpKind
from ..params import Band
from ._core import (
    Criterion,
    Ctx,
    Message,
    Outcome,
    PathOption,
    Proposal,
    Proposals,
    Status,
    Verdict,
    band_for,
    combine,
    fmt,
    fmt_ratio,
    not_in_force,
    pct,
)
from ._facts import (
    Missing,
    Mutation,
    change_figure,
    excess,
    figures,
    last_year,
    shortfall,
    unknown,
    verify_proposals,
    with_figure,
)

__all__ = ["CODES", "RULE", "evaluate"]

RULE = "tech_sme"
CODES = (
    "tech_sme.resident",
    "tech_sme.staff_limit",
    "tech_sme.sales_limit",
    "tech_sme.assets_limit",
    "tech_sme.industry_allowed",
    "tech_sme.clean_record",
    "tech_sme.score",
    "tech_sme.tech_staff_score_nonzero",
)
INPUTS: dict[str, type] = {}
BOUNDS: dict[str, tuple[int, int]] = {}
FEN = Decimal("0.01")
ONE = Decimal(1)


def resident(ctx: Ctx) -> Criterion:
    code = "tech_sme.resident"
    source = "国科发政〔2017〕115号 第六条（一）"
    if ctx.ent.resident is None:
        return unknown(code, source, ["resident"])
    ok = ctx.ent.resident
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}"),
        actual=str(ok).lower(),
        required="true",
    )


def _limit(ctx: Ctx, code: str, param: str, field: str, step: Decimal, unit: str) -> Criterion:
    limit = ctx.p(param)
    source = ctx.src(param)
    year = last_year(ctx.as_of)
    try:
        value = figures(ctx.ent, [year], field)[(year, field)]
    except Missing as exc:
        return unknown(code, source, exc.paths)
    ok, gap = excess(Decimal(value), Decimal(limit), step)
    args = lambda: {  # noqa: E731
        "actual": fmt(value) or "",
        "limit": fmt(limit) or "",
        "gap": fmt(gap) or "",
        "year": str(year),
    }
    proposals: Proposals = ()
    if not ok:
        target = value - (int(gap) if isinstance(value, int) else gap)
        proposals = change_figure(
            ctx,
            code,
            lambda c: _limit(c, code, param, field, step, unit),
            year,
            field,
            target,
            unit,
            Message(
                "what_if.reduce_to",
                {"field": field, "target": fmt(target) or "", "year": str(year)},
            ),
        )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=fmt(value),
        required=f"<= {fmt(limit)}",
        gap=fmt(gap),
        gap_unit=f"{unit} over the limit",
        detail={"year": year},
        proposals=proposals,
    )


def staff_limit(ctx: Ctx) -> Criterion:
    return _limit(ctx, "tech_sme.staff_limit", "tech_sme.max_staff", "employees", ONE, "persons")


def sales_limit(ctx: Ctx) -> Criterion:
    return _limit(ctx, "tech_sme.sales_limit", "tech_sme.max_sales", "sales_revenue", FEN, "yuan")


def assets_limit(ctx: Ctx) -> Criterion:
    return _limit(ctx, "tech_sme.assets_limit", "tech_sme.max_assets", "total_assets", FEN, "yuan")


def industry_allowed(ctx: Ctx) -> Criterion:
    code = "tech_sme.industry_allowed"
    applies: bool = ctx.p("tech_sme.industry_negative_list_applies")
    names = ["tech_sme.industry_negative_list_applies"]
    source = "国科发政〔2017〕115号 第六条（三）"
    coverage = "none"
    negative: tuple[str, ...] = ()
    if applies:
        negative = ctx.p("super_deduction.negative_list")
        names.append("super_deduction.negative_list")
        coverage = prefix_coverage(ctx.ent.industry, negative)
    source = source + "; " + ctx.src(*names)
    listed = next((p for p in negative if ctx.ent.industry.startswith(p)), None)
    restricted = ctx.ent.restricted_industry
    if restricted or coverage == "all":
        key = "fail_restricted" if restricted else "fail_negative_list"
        field = "restricted_industry" if restricted else "industry"
        return Criterion(
            code=code,
            status=Status.FAIL,
            source=source,
            message=Message(
                f"{code}.{key}", {"industry": ctx.ent.industry, "prefix": listed or ""}
            ),
            actual=ctx.ent.industry,
            required="not restricted; not on the 财税〔2015〕119号 negative list",
            detail={"negative_list_prefix": listed, "restricted_industry": restricted},
            proposals=(
                Proposal(
                    input=field,
                    unit="industry",
                    message=Message("what_if.fixed_fact", {"field": field}),
                    adjustable=False,
                ),
            ),
        )
    missing = [
        m
        for m, gap in (
            ("restricted_industry", restricted is None),
            ("industry", coverage == "some"),
        )
        if gap
    ]
    if missing:
        return unknown(code, source, missing)
    return Criterion(
        code=code,
        status=Status.PASS,
        source=source,
        message=Message(f"{code}.pass", {"industry": ctx.ent.industry, "prefix": ""}),
        actual=ctx.ent.industry,
        required="not restricted; not on the 财税〔2015〕119号 negative list",
        detail={"negative_list_prefix": None, "restricted_industry": restricted},
    )


def clean_record(ctx: Ctx) -> Criterion:
    code = "tech_sme.clean_record"
    kinds = set(ctx.p("tech_sme.incident_kinds"))
    listing_kinds = set(ctx.p("tech_sme.listing_kinds"))
    source = ctx.src("tech_sme.incident_kinds", "tech_sme.listing_kinds")
    since = dt.date(last_year(ctx.as_of), 1, 1)
    incidents = [
        i for i in ctx.ent.incidents if i.kind.value in kinds and since <= i.on <= ctx.as_of
    ]
    listings = [
        lst
        for lst in ctx.ent.listings
        if lst.kind.value in listing_kinds and lst.active_on(ctx.as_of)
    ]
    ok = not incidents and not listings
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(
            f"{code}.{'pass' if ok else 'fail'}",
            {
                "incidents": str(len(incidents)),
                "listings": str(len(listings)),
                "since": since.isoformat(),
            },
        ),
        actual=f"{len(incidents)} incidents, {len(listings)} active listings",
        required="none",
        detail={
            "incidents": [(i.kind.value, i.on) for i in incidents],
            "listings": [(x.kind.value, x.start) for x in listings],
        },
    )


# --------------------------------------------------------------------- the score


@attrs.frozen
class ScoreParts:
    """The three indicators of 第七条 for one year, with the figures behind them."""

    year: int
    tech_staff: int
    employees: int
    rd: Decimal
    sales: Decimal
    cost: Decimal | None
    staff_ratio: Decimal
    staff_points: int
    rd_to_sales: Decimal | None
    rd_to_cost: Decimal | None
    rd_points: int
    rd_basis: str
    ip_class1: int
    ip_class2: int
    ip_points: int

    @property
    def total(self) -> int:
        """The evaluation score."""
        return self.staff_points + self.rd_points + self.ip_points

    def detail(self) -> dict[str, object]:
        """The figures for the verdict's ``detail``."""
        return {
            "year": self.year,
            "tech_staff_ratio": fmt_ratio(self.staff_ratio),
            "tech_staff_points": self.staff_points,
            "rd_to_sales": fmt_ratio(self.rd_to_sales),
            "rd_to_cost": fmt_ratio(self.rd_to_cost),
            "rd_basis": self.rd_basis,
            "rd_points": self.rd_points,
            "ip_class1": self.ip_class1,
            "ip_class2": self.ip_class2,
            "ip_points": self.ip_points,
            "score": self.total,
        }


def _points(bands: tuple[Band, ...], value: Decimal | None) -> int:
    return band_for(bands, value).points_min if value is not None else 0


def _score_parts(ctx: Ctx) -> ScoreParts:
    """Points of the three indicators; raises ``Missing`` when a figure is absent."""
    year = last_year(ctx.as_of)
    got = figures(ctx.ent, [year], "tech_staff", "employees", "rd_expense", "sales_revenue")
    tech, staff = got[(year, "tech_staff")], got[(year, "employees")]
    rd, sales = got[(year, "rd_expense")], got[(year, "sales_revenue")]
    row = ctx.ent.year(year)
    cost = row.cost_and_expense if row is not None else None

    staff_ratio = Decimal(tech) / Decimal(staff) if staff else Decimal(0)
    rd_sales = rd / sales if sales else None
    rd_cost = rd / cost if cost else None
    by_sales = _points(ctx.p("tech_sme.rd_sales_bands"), rd_sales)
    by_cost = _points(ctx.p("tech_sme.rd_cost_bands"), rd_cost)

    valid = [i for i in ctx.ent.valid_ip(ctx.as_of) if i.core is not False]
    class1 = sum(1 for i in valid if i.ip_class == 1)
    class2 = len(valid) - class1
    if class1:
        ip_points = _points(ctx.p("tech_sme.ip_class1_bands"), Decimal(class1))
    else:
        ip_points = _points(ctx.p("tech_sme.ip_class2_bands"), Decimal(class2))
    return ScoreParts(
        year=year,
        tech_staff=tech,
        employees=staff,
        rd=rd,
        sales=sales,
        cost=cost,
        staff_ratio=staff_ratio,
        staff_points=_points(ctx.p("tech_sme.tech_staff_bands"), staff_ratio),
        rd_to_sales=rd_sales,
        rd_to_cost=rd_cost,
        rd_points=max(by_sales, by_cost),
        rd_basis="cost_and_expense" if by_cost > by_sales else "sales",
        ip_class1=class1,
        ip_class2=class2,
        ip_points=ip_points,
    )


def _cheapest_band(bands: tuple[Band, ...], points_needed: int) -> Band | None:
    """The lowest band (smallest bound) worth at least ``points_needed`` points."""
    fitting = [b for b in bands if b.points_min >= points_needed and b.bound is not None]
    return min(fitting, key=lambda b: b.bound or 0) if fitting else None


def _add_ip(count: int, kind: IpKind, day: dt.date) -> Mutation:
    def apply(ent: Enterprise) -> Enterprise:
        extra = tuple(
            IntellectualProperty(kind=kind, granted_on=day, core=True) for _ in range(count)
        )
        return attrs.evolve(ent, ip=(*ent.ip, *extra))

    return apply


def _score_proposals(ctx: Ctx, parts: ScoreParts, need: int) -> Proposals:
    """Single changes that lift the score to ``need``: R&D, tech staff, or IP."""
    deficit = need - parts.total
    year = parts.year
    candidates: list[tuple[Proposal, Mutation | None]] = []
    # More R&D expense: the cheaper of the two ratios' next sufficient band.
    best_rd: Decimal | None = None
    for param, base in (
        ("tech_sme.rd_sales_bands", parts.sales),
        ("tech_sme.rd_cost_bands", parts.cost),
    ):
        band = _cheapest_band(ctx.p(param), parts.rd_points + deficit)
        if band is None or not base or band.bound is None:
            continue
        _, gap = shortfall(parts.rd, base, band.bound, FEN)
        if gap > 0 and (best_rd is None or gap < best_rd):
            best_rd = gap
    if best_rd is not None:
        target = parts.rd + best_rd
        candidates.append(
            (
                Proposal(
                    input=f"years[{year}].rd_expense",
                    unit="yuan",
                    change=best_rd,
                    target=target,
                    message=Message(
                        "what_if.more_rd", {"gap": fmt(best_rd) or "", "year": str(year)}
                    ),
                ),
                with_figure(year, "rd_expense", target),
            )
        )
    # More tech staff (converted from other employees).
    band = _cheapest_band(ctx.p("tech_sme.tech_staff_bands"), parts.staff_points + deficit)
    if band is not None and band.bound is not None and parts.employees:
        _, gap = shortfall(Decimal(parts.tech_staff), Decimal(parts.employees), band.bound, ONE)
        target_staff = parts.tech_staff + int(gap)
        if gap > 0 and target_staff <= parts.employees:
            candidates.append(
                (
                    Proposal(
                        input=f"years[{year}].tech_staff",
                        unit="persons",
                        change=int(gap),
                        target=target_staff,
                        message=Message(
                            "what_if.more_tech_staff",
                            {"gap": str(int(gap)), "target": str(target_staff), "year": str(year)},
                        ),
                    ),
                    with_figure(year, "tech_staff", target_staff),
                )
            )
    # More IP: Class II items, or one Class I item.
    if not parts.ip_class1:
        band = _cheapest_band(ctx.p("tech_sme.ip_class2_bands"), parts.ip_points + deficit)
        if band is not None and band.bound is not None:
            more = int(band.bound) - parts.ip_class2
            if more > 0:
                candidates.append(
                    (
                        Proposal(
                            input="ip",
                            unit="Class II IP items",
                            change=more,
                            message=Message("what_if.more_ip", {"count": str(more), "class": "II"}),
                        ),
                        _add_ip(more, IpKind.UTILITY_MODEL, ctx.as_of),
                    )
                )
        if parts.ip_points + deficit <= _points(ctx.p("tech_sme.ip_class1_bands"), ONE):
            candidates.append(
                (
                    Proposal(
                        input="ip",
                        unit="Class I IP items",
                        change=1,
                        message=Message("what_if.more_ip", {"count": "1", "class": "I"}),
                    ),
                    _add_ip(1, IpKind.INVENTION_PATENT, ctx.as_of),
                )
            )
    return verify_proposals(ctx, "tech_sme.score", score, candidates)


def score(ctx: Ctx) -> Criterion:
    code = "tech_sme.score"
    need: int = ctx.p("tech_sme.pass_score")
    names = (
        "tech_sme.pass_score",
        "tech_sme.tech_staff_bands",
        "tech_sme.rd_sales_bands",
        "tech_sme.rd_cost_bands",
        "tech_sme.ip_class1_bands",
        "tech_sme.ip_class2_bands",
    )
    for name in names:
        ctx.lookup(name)
    source = "国科发政〔2017〕115号 第六条（五）、第七条"
    try:
        parts = _score_parts(ctx)
    except Missing as exc:
        return unknown(code, source, exc.paths)
    total = parts.total
    ok = total >= need
    args = lambda: {  # noqa: E731
        "score": str(total),
        "need": str(need),
        "gap": str(need - total),
        "staff": str(parts.staff_points),
        "rd": str(parts.rd_points),
        "ip": str(parts.ip_points),
    }
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(f"{code}.{'pass' if ok else 'fail'}", args),
        actual=str(total),
        required=f">= {need}",
        gap=str(need - total),
        gap_unit="points",
        detail=parts.detail(),
        proposals=() if ok else _score_proposals(ctx, parts, need),
    )


def tech_staff_score_nonzero(ctx: Ctx) -> Criterion:
    code = "tech_sme.tech_staff_score_nonzero"
    source = "国科发政〔2017〕115号 第六条（五）"
    bands = ctx.p("tech_sme.tech_staff_bands")
    year = last_year(ctx.as_of)
    try:
        got = figures(ctx.ent, [year], "tech_staff", "employees")
    except Missing as exc:
        return unknown(code, source, exc.paths)
    tech, staff = got[(year, "tech_staff")], got[(year, "employees")]
    ratio = Decimal(tech) / Decimal(staff) if staff else Decimal(0)
    points = band_for(bands, ratio).points_min
    ok = points > 0
    # the lowest scoring band's threshold is the first non-zero band from the bottom
    lowest = next(
        (b.bound for b in reversed(bands) if b.points_min > 0 and b.bound is not None), None
    )
    gap = Decimal(0)
    proposals: Proposals = ()
    if not ok and lowest is not None and staff:
        _, gap = shortfall(Decimal(tech), Decimal(staff), lowest, ONE)
        target = tech + int(gap)
        proposals = change_figure(
            ctx,
            code,
            tech_staff_score_nonzero,
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
        message=Message(
            f"{code}.{'pass' if ok else 'fail'}",
            {"actual": pct(ratio), "points": str(points), "gap": fmt(gap) or ""},
        ),
        actual=str(points),
        required="> 0",
        gap=fmt(gap) if not ok else None,
        gap_unit="persons of tech staff",
        detail={"tech_staff_ratio": fmt_ratio(ratio)},
        proposals=proposals,
    )


# --------------------------------------------------------------------- direct paths


def _direct_paths(ctx: Ctx) -> list[PathOption]:
    as_of = ctx.as_of
    out: list[PathOption] = []
    hnte = ctx.holds("hnte")
    out.append(
        PathOption(
            "direct:valid_hnte",
            Status.PASS if hnte else Status.FAIL,
            Message("tech_sme.path.valid_hnte"),
        )
    )
    lookback: int = ctx.p("tech_sme.award_lookback_years")
    rank_max: int = ctx.p("tech_sme.award_rank_max")
    levels = set(ctx.p("tech_sme.award_levels"))
    first = as_of.year - lookback + 1
    award = Status.FAIL
    for a in ctx.ent.awards:
        if a.level in levels and first <= a.year <= as_of.year:
            if a.rank is None:
                award = Status.UNKNOWN if award is Status.FAIL else award
            elif a.rank <= rank_max:
                award = Status.PASS
    out.append(PathOption("direct:national_award", award, Message("tech_sme.path.national_award")))
    institution = any(
        ctx.holds(kind) for kind in ("rd_institution_provincial", "rd_institution_national")
    )
    out.append(
        PathOption(
            "direct:rd_institution",
            Status.PASS if institution else Status.FAIL,
            Message("tech_sme.path.rd_institution"),
        )
    )
    s_lookback: int = ctx.p("tech_sme.standard_lookback_years")
    s_rank: int = ctx.p("tech_sme.standard_rank_max")
    s_levels = set(ctx.p("tech_sme.standard_levels"))
    standard = Status.FAIL
    for s in ctx.ent.standards_led:
        if s.level in s_levels and as_of.year - s_lookback < s.year <= as_of.year:
            if s.rank is None:
                standard = Status.UNKNOWN if standard is Status.FAIL else standard
            elif s.rank <= s_rank:
                standard = Status.PASS
    out.append(PathOption("direct:standard", standard, Message("tech_sme.path.standard")))
    return out


def evaluate(ctx: Ctx) -> Verdict:
    """The tech-SME verdict for ``ctx.ent`` on ``ctx.as_of``."""
    version: str | None = ctx.maybe("tech_sme.rule_version")
    if version is None:
        return not_in_force(ctx, RULE, CODES, ctx.as_of)
    basic = (
        resident(ctx),
        staff_limit(ctx),
        sales_limit(ctx),
        assets_limit(ctx),
        industry_allowed(ctx),
        clean_record(ctx),
    )
    score_c, nonzero_c = score(ctx), tech_staff_score_nonzero(ctx)
    score_path = combine((score_c, nonzero_c))
    directs = _direct_paths(ctx)
    paths = [PathOption("score", _as_status(score_path), Message("tech_sme.path.score")), *directs]
    basic_status = combine(basic)
    direct_pass = next((d.path for d in directs if d.status is Status.PASS), None)
    direct_unknown = any(d.status is Status.UNKNOWN for d in directs)

    chosen: str | None = None
    if score_path is Outcome.ELIGIBLE:
        chosen = "score"
    elif direct_pass is not None:
        chosen = direct_pass
    failed = [c.code for c in basic if c.status is Status.FAIL]
    if direct_pass is None:
        failed += [c.code for c in (score_c, nonzero_c) if c.status is Status.FAIL]
    if basic_status is Outcome.INELIGIBLE:
        status = Outcome.INELIGIBLE
    elif chosen is not None:
        status = basic_status
    elif score_path is Outcome.INELIGIBLE and not direct_unknown:
        status = Outcome.INELIGIBLE
    else:
        status = Outcome.UNDETERMINED
    criteria = (*basic, score_c, nonzero_c)
    missing = [m for c in basic if c.status is Status.UNKNOWN for m in c.missing]
    if chosen is None:
        missing += [
            m for c in (score_c, nonzero_c) if c.status is Status.UNKNOWN for m in c.missing
        ]
    total = score_c.detail.get("score")
    return Verdict(
        rule=RULE,
        rule_version=version,
        as_of=ctx.as_of,
        status=status,
        criteria=criteria,
        failed=tuple(failed),
        missing=tuple(dict.fromkeys(missing)),
        score=total if isinstance(total, int) else None,
        path=chosen if status is Outcome.ELIGIBLE else None,
        paths=tuple(paths),
        params=ctx.params_used(),
        enterprise_id=ctx.ent.id,
    )


def _as_status(outcome: Outcome) -> Status:
    return {Outcome.ELIGIBLE: Status.PASS, Outcome.INELIGIBLE: Status.FAIL}.get(
        outcome, Status.UNKNOWN
    )
