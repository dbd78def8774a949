"""规模以上工业企业 (above designated size): 主营业务收入 at least 2000万元 (含) for an
industrial enterprise (GB/T 4754-2017 sections B, C, D); not applicable otherwise.
The year is the one before ``as_of`` unless the ``year`` input says otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..industry import classify_industry
from ._core import (
    Criterion,
    Ctx,
    Message,
    Outcome,
    Proposals,
    Status,
    Verdict,
    fmt,
    not_in_force,
)
from ._facts import Missing, change_figure, figures, last_year, shortfall, unknown

__all__ = ["CODES", "RULE", "evaluate"]

RULE = "above_scale"
CODES = ("above_scale.main_business_revenue",)
INPUTS: dict[str, type] = {"year": int}
BOUNDS = {"year": (1990, 2100)}
FEN = Decimal("0.01")


def main_business_revenue(ctx: Ctx) -> Criterion:
    code = CODES[0]
    year: int = ctx.inputs.get("year", last_year(ctx.as_of))
    day = dt.date(year, 12, 31)  # the threshold of the statistics year, not of as_of
    sections: tuple[str, ...] = ctx.p("above_scale.industry_sections", day)
    minimum: Decimal = ctx.p("above_scale.industry_min_main_revenue", day)
    source = ctx.src(
        "above_scale.industry_min_main_revenue", "above_scale.industry_sections", day=day
    )
    section = classify_industry(ctx.ent.industry).section
    if section not in sections:
        return Criterion(
            code=code,
            status=Status.NOT_APPLICABLE,
            source=source,
            message=Message(f"{code}.not_applicable", {"industry": ctx.ent.industry}),
            actual=ctx.ent.industry,
            required=f"section in {', '.join(sections)}",
        )
    try:
        value: Decimal = figures(ctx.ent, [year], "main_business_revenue")[
            (year, "main_business_revenue")
        ]
    except Missing as exc:
        return unknown(code, source, exc.paths)
    ok, gap = shortfall(value, Decimal(1), minimum, FEN)
    proposals: Proposals = ()
    if not ok:
        proposals = change_figure(
            ctx,
            code,
            main_business_revenue,
            year,
            "main_business_revenue",
            value + gap,
            "yuan",
            Message("what_if.more_main_revenue", {"gap": fmt(gap) or "", "year": str(year)}),
        )
    return Criterion(
        code=code,
        status=Status.PASS if ok else Status.FAIL,
        source=source,
        message=Message(
            f"{code}.{'pass' if ok else 'fail'}",
            {
                "actual": fmt(value) or "",
                "required": fmt(minimum) or "",
                "gap": fmt(gap) or "",
                "year": str(year),
            },
        ),
        actual=fmt(value),
        required=f">= {fmt(minimum)}",
        gap=fmt(gap),
        gap_unit="yuan of main business revenue",
        detail={"year": year},
        proposals=proposals,
    )


def evaluate(ctx: Ctx) -> Verdict:
    """Whether ``ctx.ent`` is an above-scale industrial enterprise."""
    year: int = ctx.inputs.get("year", last_year(ctx.as_of))
    day = dt.date(year, 12, 31)
    version: str | None = ctx.maybe("above_scale.rule_version", day)
    if version is None:
        return not_in_force(ctx, RULE, CODES, day)
    criterion = main_business_revenue(ctx)
    status = {
        Status.PASS: Outcome.ELIGIBLE,
        Status.FAIL: Outcome.INELIGIBLE,
        Status.NOT_APPLICABLE: Outcome.NOT_APPLICABLE,
    }.get(criterion.status, Outcome.UNDETERMINED)
    return Verdict(
        rule=RULE,
        rule_version=version,
        as_of=ctx.as_of,
        status=status,
        criteria=(criterion,),
        failed=(criterion.code,) if criterion.status is Status.FAIL else (),
        missing=criterion.missing,
        params=ctx.params_used(),
        enterprise_id=ctx.ent.id,
    )
