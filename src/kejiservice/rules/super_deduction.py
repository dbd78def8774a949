"""研发费用加计扣除 (R&D super deduction) for one tax year.

The rate follows the tax year and the kind of enterprise over the whole history
(POLICIES.md §3.1): 50% to 2017; 75% from 2018 (tech SMEs from 2017); manufacturing
100% from 2021; tech SMEs 100% from 2022; everyone on 75% gets 100% on R&D of
2022-10-01..12-31; 100% for all from 2023; integrated-circuit and industrial
mother-machine enterprises 120% for 2023-2027. The best rate the enterprise qualifies
for applies. Other related expenses count up to (items 1-5) × 10% / (1 − 10%).
Industries on the 财税〔2015〕119号 negative list get nothing. The tax saving is the
extra deduction times the CIT rate: 25%, or 15% for an HNTE valid in the tax year, or
the ``cit_rate`` input.

Inputs: ``tax_year`` (default: the year before ``as_of``), ``ic_or_machine``,
``cit_rate``, ``q4_rd_expense`` (2022 only), ``capitalised_cost`` with
``amortisation_years`` (an intangible from R&D), ``negative_list_share`` (the listed
industry's share of revenue when the industry code alone is not enough).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import InvalidInput
from ..industry import classify_industry, prefix_coverage
from ._core import Criterion, Ctx, Message, Outcome, Status, Verdict, fmt, not_in_force, pct

__all__ = ["CODES", "RULE", "evaluate"]

RULE = "super_deduction"
CODES = ("super_deduction.industry_allowed",)
BOUNDS = {"tax_year": (2008, 2100), "cit_rate": (0, 1), "amortisation_years": (1, 50)}
INPUTS: dict[str, type] = {
    "tax_year": int,
    "ic_or_machine": bool,
    "cit_rate": Decimal,
    "q4_rd_expense": Decimal,
    "capitalised_cost": Decimal,
    "amortisation_years": int,
    "negative_list_share": Decimal,
}
FEN = Decimal("0.01")


def _fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def industry_allowed(ctx: Ctx, tax_year: int) -> Criterion:
    code = "super_deduction.industry_allowed"
    day = dt.date(tax_year, 12, 31)
    negative: tuple[str, ...] = ctx.p("super_deduction.negative_list", day)
    threshold: Decimal = ctx.p("super_deduction.negative_list_revenue_share", day)
    source = ctx.src(
        "super_deduction.negative_list", "super_deduction.negative_list_revenue_share", day=day
    )
    coverage = prefix_coverage(ctx.ent.industry, negative)
    listed = next((p for p in negative if ctx.ent.industry.startswith(p)), None)
    coarse = coverage == "some"
    share = ctx.inputs.get("negative_list_share")
    args = {
        "industry": ctx.ent.industry,
        "prefix": listed or "",
        "share": pct(share),
        "threshold": pct(threshold),
    }
    if share is not None:
        in_list = share > threshold
        key = "fail_share" if in_list else "pass_share"
        actual = str(share)
    elif coarse:
        return Criterion(
            code=code,
            status=Status.UNKNOWN,
            source=source,
            message=Message(f"{code}.unknown", {"industry": ctx.ent.industry}),
            actual=ctx.ent.industry,
            missing=("inputs.negative_list_share",),
        )
    else:
        in_list = coverage == "all"
        key = "fail" if in_list else "pass"
        actual = ctx.ent.industry
    return Criterion(
        code=code,
        status=Status.FAIL if in_list else Status.PASS,
        source=source,
        message=Message(f"{code}.{key}", args),
        actual=actual,
        required=f"not on the negative list (listed industry share <= {threshold})",
        detail={"negative_list_prefix": listed},
    )


def _rate(ctx: Ctx, tax_year: int) -> tuple[Decimal, str, list[str]]:
    """The best rate the enterprise qualifies for in ``tax_year``, and which kind gave it."""
    day = dt.date(tax_year, 12, 31)
    kinds: list[tuple[str, str]] = [("general", "super_deduction.rate_general")]
    info = classify_industry(ctx.ent.industry)
    manufacturing: tuple[str, ...] = ctx.p("super_deduction.manufacturing_sections", day)
    if info.section in manufacturing:
        kinds.append(("manufacturing", "super_deduction.rate_manufacturing"))
    if ctx.held_during("tech_sme", dt.date(tax_year, 1, 1), dt.date(tax_year, 12, 31)):
        kinds.append(("tech_sme", "super_deduction.rate_tech_sme"))
    if ctx.inputs.get("ic_or_machine"):
        kinds.append(("ic_or_machine", "super_deduction.rate_ic_machine"))
    best: tuple[Decimal, str] | None = None
    used: list[str] = []
    for kind, name in kinds:
        rate = ctx.maybe(name, day)
        if rate is None:
            continue
        used.append(name)
        if best is None or rate > best[0]:
            best = (rate, kind)
    if best is None:  # pragma: no cover - the general rate covers every year from 2008
        return Decimal(0), "none", used
    return best[0], best[1], used


def _base(ctx: Ctx, tax_year: int) -> tuple[Decimal | None, dict[str, Any], list[str]]:
    row = ctx.ent.year(tax_year)
    rd = row.rd_expense if row is not None else None
    if rd is None:
        return None, {}, [f"years[{tax_year}].rd_expense"]
    other = row.rd_other_related if row is not None else None
    cap: Decimal = ctx.p("super_deduction.other_related_cap", dt.date(tax_year, 12, 31))
    if other is None:
        return rd, {"other_related_checked": False}, []
    items = rd - other
    limit = (items * cap / (1 - cap)).quantize(FEN, rounding=ROUND_FLOOR)
    allowed = min(other, limit)
    return (
        items + allowed,
        {
            "items_1_to_5": items,
            "other_related": other,
            "other_related_limit": limit,
            "other_related_disallowed": other - allowed,
        },
        [],
    )


def evaluate(ctx: Ctx) -> Verdict:
    """The super-deduction verdict, with the amounts, for the tax year asked."""
    tax_year: int = ctx.inputs.get("tax_year", ctx.as_of.year - 1)
    day = dt.date(tax_year, 12, 31)
    version: str | None = ctx.maybe("super_deduction.rule_version", day)
    if version is None:
        return not_in_force(ctx, RULE, CODES, day)
    criterion = industry_allowed(ctx, tax_year)
    rate, kind, _ = _rate(ctx, tax_year)
    base, base_detail, missing = _base(ctx, tax_year)
    notes: list[Message] = []
    amounts: dict[str, Any] = {"tax_year": tax_year, "rate": rate, "rate_kind": kind}
    if criterion.status is Status.FAIL:
        status = Outcome.INELIGIBLE
        amounts.update(base=base, extra_deduction=Decimal(0), tax_saving=Decimal(0))
    elif base is None or criterion.status is Status.UNKNOWN:
        status = Outcome.UNDETERMINED
        missing = [*criterion.missing, *missing]
    else:
        status = Outcome.ELIGIBLE
        extra = base * rate
        q4_rate = ctx.maybe("super_deduction.rate_q4_2022", dt.date(tax_year, 10, 1))
        if q4_rate is not None and q4_rate > rate:
            q4_base = ctx.inputs.get("q4_rd_expense")
            if q4_base is not None and q4_base > base:
                raise InvalidInput(
                    f"Q4 R&D expense {q4_base} exceeds the year's deductible R&D {base}",
                    path="inputs.q4_rd_expense",
                )
            if q4_base is None:
                months = (
                    12
                    if ctx.ent.registered_on.year < tax_year
                    else 13 - ctx.ent.registered_on.month
                )
                q4_base = base * min(3, months) / months
                notes.append(Message("note.super_deduction.q4_pro_rata"))
            extra += q4_base * (q4_rate - rate)
            amounts["q4_base"] = _fen(q4_base)
            amounts["q4_rate"] = q4_rate
        amounts.update(base=base, extra_deduction=_fen(extra))
        cit = _cit_rate(ctx, tax_year)
        amounts["cit_rate"] = cit
        amounts["tax_saving"] = _fen(extra * cit)
        cost = ctx.inputs.get("capitalised_cost")
        if cost is not None:
            years = ctx.inputs.get("amortisation_years", 10)
            amounts["amortisation_deduction"] = _fen(cost * (1 + rate) / years)
            amounts["amortisation_multiple"] = 1 + rate
    amounts.update(base_detail)
    if base_detail.get("other_related_checked") is False:
        notes.append(Message("note.super_deduction.other_unchecked"))
    elif base_detail and not ctx.p("super_deduction.other_related_pooled", day):
        notes.append(Message("note.super_deduction.per_project"))
    notes.append(Message("note.super_deduction.taxable_income"))
    return Verdict(
        rule=RULE,
        rule_version=version,
        as_of=ctx.as_of,
        status=status,
        criteria=(criterion,),
        failed=(criterion.code,) if criterion.status is Status.FAIL else (),
        missing=tuple(missing) if status is Outcome.UNDETERMINED else (),
        path=kind if status is Outcome.ELIGIBLE else None,
        params=ctx.params_used(),
        extras={
            "amounts": {k: (fmt(v) if isinstance(v, Decimal) else v) for k, v in amounts.items()}
        },
        notes=tuple(notes),
        enterprise_id=ctx.ent.id,
    )


def _cit_rate(ctx: Ctx, tax_year: int) -> Decimal:
    given = ctx.inputs.get("cit_rate")
    if given is not None:
        return Decimal(given)
    day = dt.date(tax_year, 12, 31)
    if ctx.held_during("hnte", dt.date(tax_year, 1, 1), day):
        return Decimal(ctx.p("super_deduction.cit_rate_hnte", day))
    return Decimal(ctx.p("super_deduction.cit_rate_standard", day))
