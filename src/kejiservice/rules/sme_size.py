"""中小企业划型 (SME size): 工信部联企业〔2011〕300号 with the NBS 2017 "drop one tier" rule.

An enterprise is an SME when any one listed indicator is under its upper limit
("X以下或Y以下"); medium and small need every listed lower bound ("且"), otherwise
it drops one tier (国统字〔2017〕213号); micro is what is left. X = employees,
Y = 营业收入 (``sales_revenue``), Z = 资产总额, of the year before ``as_of`` (or the
``year`` input). The verdict is eligible for an SME and adds ``size`` and
``industry_class``.
"""

from __future__ import annotations

from decimal import Decimal

from ..industry import classify_industry
from ..models import to_wan
from ._core import Criterion, Ctx, Message, Outcome, Status, Verdict, fmt, not_in_force
from ._facts import Missing, figures, last_year

__all__ = ["CODES", "RULE", "classify_size", "evaluate"]

RULE = "sme_size"
CODES = ("sme_size.sme_scope",)
INPUTS: dict[str, type] = {"year": int}
BOUNDS = {"year": (1990, 2100)}

_FIELDS = {"employees": "employees", "revenue": "sales_revenue", "assets": "total_assets"}
_SYMBOL = {"employees": "X", "revenue": "Y", "assets": "Z"}


def classify_size(table: dict[str, tuple[Decimal, ...]], values: dict[str, Decimal]) -> str:
    """large / medium / small / micro for ``values`` under one industry's ``table``."""
    if not any(values[k] < row[0] for k, row in table.items()):
        return "large"
    if all(values[k] >= row[1] for k, row in table.items()):
        return "medium"
    if all(values[k] >= row[2] for k, row in table.items()):
        return "small"
    return "micro"


def _describe(table: dict[str, tuple[Decimal, ...]]) -> str:
    parts = []
    for key, row in table.items():
        limit = row[0] if key == "employees" else to_wan(row[0])
        unit = "" if key == "employees" else "万元"
        parts.append(f"{_SYMBOL[key]} < {fmt(limit.normalize())}{unit}")
    return " or ".join(parts)


def evaluate(ctx: Ctx) -> Verdict:
    """The size class of ``ctx.ent``; eligible when it is an SME."""
    code = CODES[0]
    year: int = ctx.inputs.get("year", last_year(ctx.as_of))
    version: str | None = ctx.maybe("sme_size.rule_version")
    if version is None:
        return not_in_force(ctx, RULE, CODES, ctx.as_of)
    info = classify_industry(ctx.ent.industry)
    extras: dict[str, object] = {"industry_class": info.sme_class.value if info.sme_class else None}
    source = "工信部联企业〔2011〕300号 第四条; 国统字〔2017〕213号"
    missing: tuple[str, ...] = ()
    size = None
    if info.sme_class is None:
        missing = ("industry",)
        criterion = Criterion(
            code=code,
            status=Status.UNKNOWN,
            source=source,
            message=Message(f"{code}.unknown_class", {"industry": ctx.ent.industry}),
            missing=missing,
        )
    else:
        name = f"sme_size.table.{info.sme_class.value}"
        table: dict[str, tuple[Decimal, ...]] = ctx.p(name)
        source = ctx.src(name) + "; 国统字〔2017〕213号"
        try:
            got = figures(ctx.ent, [year], *(_FIELDS[k] for k in table))
        except Missing as exc:
            missing = exc.paths
            criterion = Criterion(
                code=code,
                status=Status.UNKNOWN,
                source=source,
                message=Message(f"{code}.unknown", {"missing": ", ".join(missing)}),
                missing=missing,
            )
        else:
            values = {k: Decimal(got[(year, _FIELDS[k])]) for k in table}
            size = classify_size(table, values)
            ok = size != "large"
            shown = {
                k: fmt(v if k == "employees" else to_wan(v).normalize()) for k, v in values.items()
            }
            criterion = Criterion(
                code=code,
                status=Status.PASS if ok else Status.FAIL,
                source=source,
                message=Message(
                    f"{code}.{size}",
                    {
                        "class": info.sme_class.value,
                        "year": str(year),
                        "values": ", ".join(f"{_SYMBOL[k]}={v}" for k, v in shown.items()),
                    },
                ),
                actual=size,
                required=_describe(table),
                detail={
                    "year": year,
                    "values": values,
                    "table": {k: list(row) for k, row in table.items()},
                },
            )
    extras["size"] = size
    status = {Status.PASS: Outcome.ELIGIBLE, Status.FAIL: Outcome.INELIGIBLE}.get(
        criterion.status, Outcome.UNDETERMINED
    )
    return Verdict(
        rule=RULE,
        rule_version=version,
        as_of=ctx.as_of,
        status=status,
        criteria=(criterion,),
        failed=(code,) if criterion.status is Status.FAIL else (),
        missing=missing,
        params=ctx.params_used(),
        extras=extras,
        enterprise_id=ctx.ent.id,
    )
