"""Facts the rule families share: accounting-year windows, figures with their paths,
and copies of an enterprise with one figure changed (for what-if checks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..models import Enterprise, YearFigures, enterprise_problems, year_problems
from ._core import Criterion, Ctx, Message, Proposal, Proposals, Status

__all__ = [
    "Missing",
    "Mutation",
    "change_figure",
    "figure",
    "figures",
    "last_year",
    "linked",
    "linked_changes",
    "verify_proposals",
    "window",
    "with_figure",
]

Mutation = Callable[[Enterprise], Enterprise]


class Missing(Exception):
    """Raised inside a criterion when needed inputs are absent; carries their paths."""

    def __init__(self, paths: Sequence[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = tuple(paths)


def last_year(as_of: dt.date) -> int:
    """The last accounting year closed before ``as_of`` (the "上一年/近一年")."""
    return as_of.year - 1


def window(ent: Enterprise, as_of: dt.date, length: int) -> list[int]:
    """The ``length`` accounting years before the year of ``as_of``, from registration on.

    A partial first year counts as an accounting year (按实际经营时间计算).
    """
    end = as_of.year - 1
    start = max(end - length + 1, ent.registered_on.year)
    return list(range(start, end + 1))


def figure(ent: Enterprise, year: int, name: str) -> Any:
    """The figure ``name`` of ``year``, or raise :class:`Missing` naming its path."""
    row = ent.year(year)
    value = None if row is None else getattr(row, name)
    if value is None:
        raise Missing([f"years[{year}].{name}"])
    return value


def figures(ent: Enterprise, years: Sequence[int], *names: str) -> dict[tuple[int, str], Any]:
    """Several figures at once; :class:`Missing` lists every absent one."""
    out: dict[tuple[int, str], Any] = {}
    missing: list[str] = []
    for year in years:
        row = ent.year(year)
        for name in names:
            value = None if row is None else getattr(row, name)
            if value is None:
                missing.append(f"years[{year}].{name}")
            else:
                out[(year, name)] = value
    if missing:
        raise Missing(missing)
    return out


# Figures that move together so that a changed copy stays consistent: setting the key
# figure moves the linked one by the rule given (销售收入 = 主营业务收入 + 其他业务收入;
# tech staff are part of the employees).
def linked_changes(row: YearFigures, name: str, value: Decimal | int) -> dict[str, Any]:
    """The other figures of ``row`` that must change when ``name`` becomes ``value``."""
    out: dict[str, Any] = {}
    main, sales = row.main_business_revenue, row.sales_revenue
    if name == "sales_revenue" and main is not None and main > value:
        out["main_business_revenue"] = value
    if name == "main_business_revenue" and main is not None and sales is not None and value > sales:
        out["sales_revenue"] = sales + (Decimal(value) - main)
    if name == "employees" and row.tech_staff is not None and row.tech_staff > value:
        out["tech_staff"] = value
    if name == "rd_expense":
        for part in ("rd_expense_domestic", "rd_other_related"):
            current = getattr(row, part)
            if current is not None and current > value:
                out[part] = value
    return out


def with_figure(year: int, name: str, value: Decimal | int) -> Mutation:
    """A mutation setting figure ``name`` of ``year`` to ``value`` (and its linked figures)."""

    def apply(ent: Enterprise) -> Enterprise:
        rows: list[YearFigures] = []
        for row in ent.years:
            if row.year == year:
                changes: dict[str, Any] = {name: value, **linked_changes(row, name, value)}
                row = attrs.evolve(row, **changes)
            rows.append(row)
        return attrs.evolve(ent, years=tuple(rows))

    return apply


def linked(ent: Enterprise, year: int, name: str, value: Decimal | int) -> dict[str, Any]:
    """``linked_changes`` as proposal data: ``{"years[Y].field": value}``."""
    row = ent.year(year)
    if row is None:
        return {}
    return {f"years[{year}].{k}": v for k, v in linked_changes(row, name, value).items()}


def verify_proposals(
    ctx: Ctx,
    code: str,
    rerun: Callable[[Ctx], Criterion],
    candidates: Sequence[tuple[Proposal, Mutation | None]],
) -> Callable[[], tuple[Proposal, ...]]:
    """Proposals to be checked when read: apply each change to a copy, re-evaluate ``code``.

    Returns a function (a criterion keeps it and calls it on first read of
    ``Criterion.proposals``). Proposals whose change makes the criterion pass are kept
    with ``verified=True``; those that do not, or that would leave the enterprise
    inconsistent, are dropped; proposals without a mutation (time-based, fixed facts)
    are kept as they are.
    """
    frozen = list(candidates)

    def check() -> tuple[Proposal, ...]:
        out: list[Proposal] = []
        for proposal, mutate in frozen:
            if mutate is None:
                out.append(proposal)
                continue
            copy = mutate(ctx.ent)
            # a copy differs from the original in the rows the mutation touched
            if any(year_problems(r) for r in copy.years if r not in ctx.ent.years) or (
                copy.ip != ctx.ent.ip and enterprise_problems(copy)
            ):
                continue
            checked = _with_links(proposal, ctx.ent)
            result = rerun(Ctx(copy, ctx.as_of, ctx.params, ctx.inputs))
            if result.code == code and result.status is Status.PASS:
                out.append(attrs.evolve(checked, verified=True))
        return tuple(out)

    return check


def change_figure(
    ctx: Ctx,
    code: str,
    rerun: Callable[[Ctx], Criterion],
    year: int,
    field: str,
    target: Decimal | int,
    unit: str,
    message: Message,
) -> Proposals:
    """The proposal "set ``years[year].field`` to ``target``", verified when read."""
    current = figure(ctx.ent, year, field)
    proposal = Proposal(
        input=f"years[{year}].{field}",
        unit=unit,
        change=target - current,
        target=target,
        message=message,
    )
    return verify_proposals(ctx, code, rerun, [(proposal, with_figure(year, field, target))])


def _with_links(proposal: Proposal, ent: Enterprise) -> Proposal:
    head, _, field = proposal.input.rpartition(".")
    if not head.startswith("years[") or proposal.target is None or proposal.linked:
        return proposal
    year = int(head[len("years[") : -1])
    return attrs.evolve(proposal, linked=linked(ent, year, field, proposal.target))


def unknown(code: str, source: str, paths: Sequence[str], key: str | None = None) -> Criterion:
    """An unknown criterion naming the missing inputs."""
    return Criterion(
        code=code,
        status=Status.UNKNOWN,
        source=source,
        message=Message(key or f"{code}.unknown", {"missing": ", ".join(paths)}),
        missing=tuple(paths),
    )


def _ceil_to(value: Decimal, step: Decimal) -> Decimal:
    units = (value / step).to_integral_value(rounding="ROUND_CEILING")
    return units * step


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    units = (value / step).to_integral_value(rounding="ROUND_FLOOR")
    return units * step


def shortfall(num: Decimal, den: Decimal, minimum: Decimal, step: Decimal) -> tuple[bool, Decimal]:
    """Does ``num / den >= minimum`` hold (exactly, by cross-multiplying)? And the gap.

    The gap is signed, in units of ``num`` on the grid ``step`` (0.01 yuan, 1 person):
    positive, the smallest increase of ``num`` that passes; zero or negative, the slack
    that could be lost while still passing.
    """
    need = minimum * den
    if num >= need:
        return True, -_floor_to(num - need, step)
    return False, _ceil_to(need, step) - num


def excess(value: Decimal, limit: Decimal, step: Decimal) -> tuple[bool, Decimal]:
    """Does ``value <= limit`` hold? The gap: how much ``value`` must drop (or may rise)."""
    if value <= limit:
        return True, -_floor_to(limit - value, step)
    return False, _ceil_to(value - limit, step)
