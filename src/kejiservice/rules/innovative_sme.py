"""创新型中小企业 (innovative SME): 工信部企业〔2022〕63号 附件1.

Six indicators in three groups (innovation: IP + R&D intensity, at least 20; growth:
main-revenue growth + debt ratio, at least 15; specialisation: product field +
main-business share, at least 15) and a total of at least 60; or any one direct
condition (a national or provincial S&T award in the last 3 years; a valid HNTE
certificate or an IP advantage/demonstration or technology-innovation demonstration
enterprise; a provincial-or-higher R&D institution; new equity financing of at least
500万 in the last 3 years). Figures are those of the year before ``as_of``.

Inputs: ``strategic_emerging_field`` (main product in 《战略性新兴产业分类》; absent,
the field indicator is 5-10 points), ``equity_financing_3y`` (yuan),
``demonstration_enterprise`` (IP advantage / IP demonstration / technology-innovation
demonstration enterprise). The last two are facts the enterprise claims: absent, the
direct condition is taken as not met. A 2026 revision (工信部企业〔2026〕2号) is reported by third
parties but not encoded: every verdict says so.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal

import attrs

from ..models import Acquisition
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
    fmt,
    fmt_ratio,
    not_in_force,
)
from ._facts import Missing, Mutation, figures, last_year, verify_proposals, with_figure

__all__ = ["CODES", "RULE", "evaluate"]

RULE = "innovative_sme"
CODES = (
    "innovative_sme.score",
    "innovative_sme.innovation_group",
    "innovative_sme.growth_group",
    "innovative_sme.specialisation_group",
)
BOUNDS: dict[str, tuple[int, int]] = {}
INPUTS: dict[str, type] = {
    "strategic_emerging_field": bool,
    "equity_financing_3y": Decimal,
    "demonstration_enterprise": bool,
}
_SOURCE = "工信部企业〔2022〕63号 附件1"


@attrs.frozen
class Indicator:
    """One indicator's points (a range when an input is unknown) and what it measured."""

    name: str
    low: int
    high: int
    value: str | None = None
    band: str | None = None


def _ip(ctx: Ctx) -> Indicator:
    valid = [i for i in ctx.ent.valid_ip(ctx.as_of) if i.core is not False]
    class1 = [i for i in valid if i.ip_class == 1]
    if any(i.high_value for i in class1):
        pts, band = ctx.p("innovative_sme.ip_points_high_value"), "A"
    elif any(i.acquired is Acquisition.OWN for i in class1):
        pts, band = ctx.p("innovative_sme.ip_points_own_class1"), "B"
    elif class1:
        pts, band = ctx.p("innovative_sme.ip_points_class1"), "C"
    elif valid:
        pts, band = ctx.p("innovative_sme.ip_points_class2"), "D"
    else:
        pts, band = 0, "E"
    return Indicator("ip", pts, pts, f"class I {len(class1)}, all {len(valid)}", band)


def _banded(ctx: Ctx, name: str, param: str, value: Decimal | None) -> Indicator:
    if value is None:
        return Indicator(name, 0, 0, None, None)
    band = band_for(ctx.p(param), value)
    return Indicator(name, band.points_min, band.points_max, fmt_ratio(value), band.label)


def indicators(ctx: Ctx) -> list[Indicator]:
    """The six indicators; raises ``Missing`` when a needed figure is absent."""
    year = last_year(ctx.as_of)
    got = figures(
        ctx.ent,
        [year],
        "sales_revenue",
        "rd_expense",
        "main_business_revenue",
        "total_assets",
        "total_liabilities",
    )
    prior = figures(ctx.ent, [year - 1], "main_business_revenue")
    sales, rd = got[(year, "sales_revenue")], got[(year, "rd_expense")]
    main, main_prior = (
        got[(year, "main_business_revenue")],
        prior[(year - 1, "main_business_revenue")],
    )
    assets, debt = got[(year, "total_assets")], got[(year, "total_liabilities")]
    field = ctx.inputs.get("strategic_emerging_field")
    strategic: int = ctx.p("innovative_sme.field_points_strategic")
    other: int = ctx.p("innovative_sme.field_points_other")
    if field is None:
        field_ind = Indicator("field", other, strategic, None, None)
    else:
        pts = strategic if field else other
        field_ind = Indicator("field", pts, pts, str(field).lower(), "A" if field else "B")
    return [
        _ip(ctx),
        _banded(ctx, "rd_ratio", "innovative_sme.rd_ratio_bands", rd / sales if sales else None),
        _banded(
            ctx,
            "growth",
            "innovative_sme.growth_bands",
            main / main_prior - 1 if main_prior else None,
        ),
        _banded(
            ctx, "debt_ratio", "innovative_sme.debt_ratio_bands", debt / assets if assets else None
        ),
        field_ind,
        _banded(
            ctx, "main_share", "innovative_sme.main_share_bands", main / sales if sales else None
        ),
    ]


def _group(code: str, parts: list[Indicator], need: int, source: str) -> Criterion:
    low, high = sum(p.low for p in parts), sum(p.high for p in parts)
    if low >= need:
        status = Status.PASS
    elif high < need:
        status = Status.FAIL
    else:
        status = Status.UNKNOWN
    points = str(low) if low == high else f"{low}-{high}"
    return Criterion(
        code=code,
        status=status,
        source=source,
        message=Message(
            f"{code}.{status.value}", {"points": points, "need": str(need), "gap": str(need - high)}
        ),
        actual=points,
        required=f">= {need}",
        gap=str(need - low),
        gap_unit="points",
        missing=("inputs.strategic_emerging_field",) if status is Status.UNKNOWN else (),
        detail={"indicators": [attrs.asdict(p) for p in parts]},
    )


def _direct(ctx: Ctx) -> list[PathOption]:
    as_of = ctx.as_of
    lookback: int = ctx.p("innovative_sme.award_lookback_years")
    levels = set(ctx.p("innovative_sme.award_levels"))
    award = any(
        a.level in levels and as_of.year - lookback < a.year <= as_of.year for a in ctx.ent.awards
    )
    hnte = ctx.holds("hnte")
    demo = ctx.inputs.get("demonstration_enterprise")
    institution = any(
        ctx.holds(k) for k in ("rd_institution_provincial", "rd_institution_national")
    )
    minimum: Decimal = ctx.p("innovative_sme.equity_financing_min")
    equity = ctx.inputs.get("equity_financing_3y")

    def st(flag: bool | None) -> Status:
        return Status.UNKNOWN if flag is None else (Status.PASS if flag else Status.FAIL)

    return [
        PathOption("direct:award", st(award), Message("innovative_sme.path.award")),
        PathOption("direct:valid_hnte", st(hnte), Message("innovative_sme.path.valid_hnte")),
        PathOption(
            "direct:demonstration", st(bool(demo)), Message("innovative_sme.path.demonstration")
        ),
        PathOption(
            "direct:rd_institution", st(institution), Message("innovative_sme.path.rd_institution")
        ),
        PathOption(
            "direct:equity_financing",
            st(equity is not None and equity >= minimum),
            Message("innovative_sme.path.equity_financing"),
        ),
    ]


_GROUPS = (
    (
        "innovative_sme.score",
        ("ip", "rd_ratio", "growth", "debt_ratio", "field", "main_share"),
        "innovative_sme.pass_score",
    ),
    ("innovative_sme.innovation_group", ("ip", "rd_ratio"), "innovative_sme.innovation_group_min"),
    ("innovative_sme.growth_group", ("growth", "debt_ratio"), "innovative_sme.growth_group_min"),
    (
        "innovative_sme.specialisation_group",
        ("field", "main_share"),
        "innovative_sme.specialisation_group_min",
    ),
)


def criteria(ctx: Ctx) -> tuple[tuple[Criterion, ...], list[Indicator]]:
    """The four criteria (total and the three group floors) and the six indicators."""
    try:
        inds = indicators(ctx)
    except Missing as exc:
        return tuple(
            Criterion(
                code=c,
                status=Status.UNKNOWN,
                source=_SOURCE,
                message=Message("innovative_sme.unknown", {"missing": ", ".join(exc.paths)}),
                missing=exc.paths,
            )
            for c in CODES
        ), []
    by = {i.name: i for i in inds}
    return tuple(
        _group(code, [by[n] for n in names], ctx.p(param), _SOURCE + " 一")
        for code, names, param in _GROUPS
    ), inds


def _rerun(code: str) -> Callable[[Ctx], Criterion]:
    def rerun(ctx: Ctx) -> Criterion:
        found, _ = criteria(ctx)
        return next(c for c in found if c.code == code)

    return rerun


# indicator -> (bands parameter, figure to raise, the base the bound multiplies)
_LEVERS = {
    "rd_ratio": ("innovative_sme.rd_ratio_bands", "rd_expense"),
    "growth": ("innovative_sme.growth_bands", "main_business_revenue"),
    "main_share": ("innovative_sme.main_share_bands", "main_business_revenue"),
}


def _proposals(ctx: Ctx, criterion: Criterion, inds: list[Indicator]) -> Proposals:
    """Single-figure changes that lift ``criterion`` to its floor, verified."""
    names = next(n for code, n, _ in _GROUPS if code == criterion.code)
    by = {i.name: i for i in inds}
    deficit = int(criterion.gap or "0")
    year = last_year(ctx.as_of)
    row, prior = ctx.ent.year(year), ctx.ent.year(year - 1)
    if row is None or prior is None:
        return ()
    candidates: list[tuple[Proposal, Mutation | None]] = []
    for name in names:
        if name not in _LEVERS:
            continue
        param, figure = _LEVERS[name]
        want = by[name].high + deficit
        fitting = [b for b in ctx.p(param) if b.points_min >= want and b.bound is not None]
        if not fitting:
            continue
        bound = min(b.bound for b in fitting if b.bound is not None)
        if name == "rd_ratio":
            base = row.sales_revenue
        elif name == "growth":
            base = None if prior.main_business_revenue is None else prior.main_business_revenue
            bound = bound + 1
        else:
            base = row.sales_revenue
        current = getattr(row, figure)
        if base is None or current is None:
            continue
        target = (bound * base).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
        if target <= current:
            continue
        candidates.append(
            (
                Proposal(
                    input=f"years[{year}].{figure}",
                    unit="yuan",
                    change=target - current,
                    target=target,
                    message=Message(
                        "what_if.more_rd"
                        if figure == "rd_expense"
                        else "what_if.more_main_revenue",
                        {"gap": fmt(target - current) or "", "year": str(year)},
                    ),
                ),
                with_figure(year, figure, target),
            )
        )
    return verify_proposals(ctx, criterion.code, _rerun(criterion.code), candidates)


def evaluate(ctx: Ctx) -> Verdict:
    """The innovative-SME verdict for ``ctx.ent`` on ``ctx.as_of``."""
    version: str | None = ctx.maybe("innovative_sme.rule_version")
    if version is None:
        return not_in_force(ctx, RULE, CODES, ctx.as_of)
    directs = _direct(ctx)
    notes = (Message("note.innovative_sme.revision_2026"),)
    found, inds = criteria(ctx)
    criteria_out = tuple(
        attrs.evolve(c, proposals=_proposals(ctx, c, inds)) if c.status is Status.FAIL else c
        for c in found
    )
    statuses = {c.status for c in criteria_out}
    score_ok = statuses == {Status.PASS}
    score_fail = Status.FAIL in statuses
    direct_pass = next((d.path for d in directs if d.status is Status.PASS), None)
    direct_unknown = any(d.status is Status.UNKNOWN for d in directs)
    score_status = Status.PASS if score_ok else (Status.FAIL if score_fail else Status.UNKNOWN)
    paths = (PathOption("score", score_status, Message("innovative_sme.path.score")), *directs)
    if score_ok:
        status, path = Outcome.ELIGIBLE, "score"
    elif direct_pass is not None:
        status, path = Outcome.ELIGIBLE, direct_pass
    elif score_fail and not direct_unknown:
        status, path = Outcome.INELIGIBLE, None
    else:
        status, path = Outcome.UNDETERMINED, None
    low = sum(i.low for i in inds) if inds else None
    high = sum(i.high for i in inds) if inds else None
    exact = low is not None and low == high
    failed = () if direct_pass else tuple(c.code for c in criteria_out if c.status is Status.FAIL)
    missing = (
        ()
        if status is not Outcome.UNDETERMINED
        else tuple(dict.fromkeys(m for c in criteria_out for m in c.missing))
    )
    return Verdict(
        rule=RULE,
        rule_version=version,
        as_of=ctx.as_of,
        status=status,
        criteria=criteria_out,
        failed=failed,
        missing=missing,
        score=low if exact else None,
        score_min=None if exact else low,
        score_max=None if exact else high,
        path=path,
        paths=paths,
        params=ctx.params_used(),
        notes=notes,
        enterprise_id=ctx.ent.id,
    )
