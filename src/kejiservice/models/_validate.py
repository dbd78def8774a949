"""Cross-field invariants of an enterprise record, each reported with its JSON path."""

from __future__ import annotations

from ..errors import Problem
from ..industry import industry_code_problem
from ._codes import region_code_problem, uscc_problem
from ._enterprise import Enterprise, YearFigures

__all__ = ["enterprise_problems", "year_problems"]

# (smaller field, larger field, what the relation means)
_YEAR_ORDER = (
    ("tech_staff", "employees", "tech staff cannot exceed employees"),
    ("rd_expense_domestic", "rd_expense", "domestic R&D cannot exceed total R&D expense"),
    ("rd_other_related", "rd_expense", "other related R&D expense is part of total R&D expense"),
    ("non_taxable_income", "total_income", "non-taxable income cannot exceed total income"),
    ("main_business_revenue", "sales_revenue", "sales revenue = main business + other revenue"),
)


def year_problems(year: YearFigures, *, path: str = "$") -> list[Problem]:
    """The broken invariants between the figures of one accounting year."""
    problems: list[Problem] = []
    for small, large, meaning in _YEAR_ORDER:
        a, b = getattr(year, small), getattr(year, large)
        if a is not None and b is not None and a > b:
            problems.append(Problem(f"{path}.{small}", f"{meaning} ({a} > {b})"))
    return problems


def enterprise_problems(ent: Enterprise, *, path: str = "$") -> list[Problem]:
    """Every broken invariant of ``ent``, in field order; an empty list when it is sound."""
    problems: list[Problem] = []
    if ent.uscc is not None and (reason := uscc_problem(ent.uscc)):
        problems.append(Problem(f"{path}.uscc", reason))
    if ent.region is not None and (reason := region_code_problem(ent.region)):
        problems.append(Problem(f"{path}.region", reason))
    if reason := industry_code_problem(ent.industry):
        problems.append(Problem(f"{path}.industry", reason))
    if not ent.name.strip():
        problems.append(Problem(f"{path}.name", "name must not be empty"))

    seen: dict[int, int] = {}
    for index, year in enumerate(ent.years):
        here = f"{path}.years[{index}]"
        if year.year in seen:
            problems.append(
                Problem(
                    f"{here}.year", f"year {year.year} already given at years[{seen[year.year]}]"
                )
            )
        else:
            seen[year.year] = index
        problems.extend(year_problems(year, path=here))

    for index, item in enumerate(ent.ip):
        if item.expires_on is not None and item.expires_on < item.granted_on:
            problems.append(
                Problem(f"{path}.ip[{index}].expires_on", "expires before it was granted")
            )
    for index, cert in enumerate(ent.certifications):
        if cert.expires_on is not None and cert.expires_on < cert.issued_on:
            problems.append(
                Problem(
                    f"{path}.certifications[{index}].expires_on", "expires before it was issued"
                )
            )
    for index, listing in enumerate(ent.listings):
        if listing.end is not None and listing.end < listing.start:
            problems.append(Problem(f"{path}.listings[{index}].to", "ends before it starts"))
    return problems
