"""Hypothesis strategies for enterprises, accounting years, IP portfolios, officers and
activity logs, valid by construction.

Every strategy here draws **JSON-ready documents** (the wire format of CONTRACT.md and
``docs/reference``): dicts of strings, integers and lists that ``kejiservice.load``,
``kejiservice.evaluate``, ``load_activity`` and ``load_officers`` accept. Use
:func:`enterprise_models` for :class:`~kejiservice.models.Enterprise` objects.

Thresholds are read from a :class:`~kejiservice.params.ParameterSet` (the national pack
by default) on the day and for the region the enterprise is drawn for, so a regional
overlay's thresholds are the ones probed by ``near=`` and ``exactly_at=``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from ..io import load
from ..models import Enterprise
from ..params import ParameterSet, national

__all__ = [
    "THRESHOLDS",
    "Threshold",
    "activity_logs",
    "enterprise_models",
    "enterprises",
    "ip_portfolios",
    "money",
    "officers",
    "years",
]

FEN: Final = Decimal("0.01")
_CLASS_I: Final = ("invention_patent", "plant_variety", "ic_layout", "national_new_drug")
_CLASS_II: Final = ("utility_model", "design_patent", "software_copyright")
_INDUSTRIES: Final = ("C3911", "C2710", "I6510", "M7320", "E4710", "D4411", "A0111", "G5430")
_FIELDS: Final = (
    "electronic_information",
    "biomedicine",
    "aerospace",
    "new_materials",
    "high_tech_services",
    "new_energy_efficiency",
    "resources_environment",
    "advanced_manufacturing",
)
_REGIONS: Final = ("441200", "440300", "110105", "310115")


@attrs.frozen
class Threshold:
    """A threshold the strategies can put an enterprise on (``exactly_at``) or next to
    (``near``).

    ``name`` is the key used in ``near=`` / ``exactly_at=``; ``param`` the parameter it
    reads; ``criterion`` the criterion code that compares against it; ``unit`` the step
    of one move (``fen``, ``person`` or ``day``); ``passes_above`` whether a larger
    figure is on the passing side (a ratio minimum) or a smaller one (a size limit).
    """

    name: str
    param: str
    criterion: str
    unit: str
    passes_above: bool


THRESHOLDS: Final[dict[str, Threshold]] = {
    t.name: t
    for t in (
        Threshold(
            "hnte.registered_one_year",
            "hnte.min_age_days",
            "hnte.registered_one_year",
            "day",
            True,
        ),
        Threshold(
            "hnte.tech_staff_ratio",
            "hnte.tech_staff_ratio_min",
            "hnte.tech_staff_ratio",
            "person",
            True,
        ),
        Threshold(
            "hnte.rd_expense_ratio",
            "hnte.rd_band1_ratio_min",
            "hnte.rd_expense_ratio",
            "fen",
            True,
        ),
        Threshold(
            "hnte.rd_band1_sales_max",
            "hnte.rd_band1_sales_max",
            "hnte.rd_expense_ratio",
            "fen",
            False,
        ),
        Threshold(
            "hnte.rd_band2_sales_max",
            "hnte.rd_band2_sales_max",
            "hnte.rd_expense_ratio",
            "fen",
            False,
        ),
        Threshold(
            "hnte.domestic_rd_share",
            "hnte.domestic_rd_ratio_min",
            "hnte.domestic_rd_share",
            "fen",
            True,
        ),
        Threshold(
            "hnte.high_tech_income_share",
            "hnte.high_tech_income_ratio_min",
            "hnte.high_tech_income_share",
            "fen",
            True,
        ),
        Threshold(
            "tech_sme.max_staff", "tech_sme.max_staff", "tech_sme.staff_limit", "person", False
        ),
        Threshold("tech_sme.max_sales", "tech_sme.max_sales", "tech_sme.sales_limit", "fen", False),
        Threshold(
            "tech_sme.max_assets", "tech_sme.max_assets", "tech_sme.assets_limit", "fen", False
        ),
        Threshold(
            "tech_sme.tech_staff_nonzero",
            "tech_sme.tech_staff_bands",
            "tech_sme.tech_staff_score_nonzero",
            "person",
            True,
        ),
    )
}
"""The thresholds ``near=`` and ``exactly_at=`` understand, by name.

For ``hnte.rd_band1_sales_max`` and ``hnte.rd_band2_sales_max`` the last year's sales
are put at (or next to) the band edge; the R&D ratio is then drawn freely.
``tech_sme.tech_staff_nonzero`` is the lowest scoring band of the tech-staff indicator.
"""


def money(
    min_yuan: Decimal | int = 0, max_yuan: Decimal | int = 10**10
) -> st.SearchStrategy[Decimal]:
    """Amounts in yuan with fen precision, from ``min_yuan`` to ``max_yuan`` inclusive."""
    low = int(Decimal(min_yuan) * 100)
    high = int(Decimal(max_yuan) * 100)
    return st.integers(low, high).map(lambda fen: Decimal(fen) / 100)


def _names(given: str | Iterable[str] | None) -> tuple[str, ...]:
    if given is None:
        return ()
    names = (given,) if isinstance(given, str) else tuple(given)
    for name in names:
        if name not in THRESHOLDS:
            known = ", ".join(sorted(THRESHOLDS))
            raise ValueError(f"unknown threshold {name!r}; known: {known}")
    return names


def _ratio(value: Decimal) -> Fraction:
    return Fraction(value)


def _yuan(amount: Fraction) -> Decimal:
    """An exact fen amount (the fraction must be a whole number of fen)."""
    fen = amount * 100
    if fen.denominator != 1:  # pragma: no cover - callers scale to whole fen
        raise ValueError(f"{amount} is not a whole number of fen")
    return Decimal(fen.numerator) / 100


def _threshold_value(params: ParameterSet, name: str, day: dt.date, region: str | None) -> Any:
    value = params.value(THRESHOLDS[name].param, day, region)
    if name == "tech_sme.tech_staff_nonzero":
        bounds = [b.bound for b in value if b.points_min > 0 and b.bound is not None]
        return min(bounds)
    return value


@st.composite
def _offset(draw: st.DrawFn, exact: bool, spread: int) -> int:
    return 0 if exact else draw(st.integers(-spread, spread))


def years(
    year: int,
    *,
    employees: st.SearchStrategy[int] | None = None,
    sales: st.SearchStrategy[Decimal] | None = None,
    optional: bool = True,
) -> st.SearchStrategy[dict[str, Any]]:
    """One accounting year's figures (``years[]`` of CONTRACT.md §1), consistent with
    each other: tech staff within employees, domestic and other R&D within total R&D,
    main business within sales, non-taxable within total income.

    ``employees`` and ``sales`` replace the default strategies for those figures; with
    ``optional=True`` some optional figures (cost and expense, other related R&D,
    high-tech income) are sometimes left out, as "not reported".
    """
    return _year_doc(year, employees, sales, optional)


@st.composite
def _year_doc(
    draw: st.DrawFn,
    year: int,
    employees_st: st.SearchStrategy[int] | None,
    sales_st: st.SearchStrategy[Decimal] | None,
    optional: bool,
) -> dict[str, Any]:
    sales = draw(sales_st if sales_st is not None else money(0, 5 * 10**8))
    main = draw(money(0, sales))
    total_income = sales + draw(money(0, 10**7))
    non_taxable = draw(money(0, total_income))
    rd = draw(money(0, max(sales, Decimal(1)) * Decimal("0.2")))
    employees = draw(employees_st if employees_st is not None else st.integers(1, 3000))
    doc: dict[str, Any] = {
        "year": year,
        "sales_revenue": str(sales),
        "main_business_revenue": str(main),
        "total_income": str(total_income),
        "non_taxable_income": str(non_taxable),
        "high_tech_income": str(draw(money(0, total_income))),
        "rd_expense": str(rd),
        "rd_expense_domestic": str(draw(money(0, rd))),
        "cost_and_expense": str(draw(money(0, max(sales, Decimal(1)) * 2))),
        "rd_other_related": str(draw(money(0, rd))),
        "total_assets": str(draw(money(0, 5 * 10**8))),
        "total_liabilities": str(draw(money(0, 5 * 10**8))),
        "employees": employees,
        "tech_staff": draw(st.integers(0, employees)),
    }
    if optional:
        for key in draw(
            st.sets(st.sampled_from(("cost_and_expense", "rd_other_related", "high_tech_income")))
        ):
            del doc[key]
    return doc


def ip_portfolios(
    as_of: dt.date,
    *,
    class1: st.SearchStrategy[int] | int | None = None,
    class2: st.SearchStrategy[int] | int | None = None,
    invalid: st.SearchStrategy[int] | int = 0,
    registered_on: dt.date = dt.date(2000, 1, 1),
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """A list of IP items (``ip[]`` of CONTRACT.md §1).

    ``class1`` and ``class2`` give how many items are **valid on** ``as_of`` (granted,
    not expired, undisputed, ``core`` not false); ``invalid`` adds items that do not
    count (expired, disputed, not yet granted, or not core). Each may be an integer or
    a strategy of integers; by default 0-2 Class I and 0-5 Class II items.
    """
    return _ip_list(as_of, class1, class2, invalid, registered_on)


def _count(draw: st.DrawFn, given: st.SearchStrategy[int] | int | None, high: int) -> int:
    if given is None:
        return draw(st.integers(0, high))
    if isinstance(given, int):
        return given
    return draw(given)


@st.composite
def _ip_list(
    draw: st.DrawFn,
    as_of: dt.date,
    class1: st.SearchStrategy[int] | int | None,
    class2: st.SearchStrategy[int] | int | None,
    invalid: st.SearchStrategy[int] | int,
    registered_on: dt.date,
) -> list[dict[str, Any]]:
    first = min(registered_on, as_of)
    items: list[dict[str, Any]] = []
    for kinds, count in ((_CLASS_I, _count(draw, class1, 2)), (_CLASS_II, _count(draw, class2, 5))):
        for _ in range(count):
            granted = draw(st.dates(first, as_of))
            item: dict[str, Any] = {
                "kind": draw(st.sampled_from(kinds)),
                "granted_on": granted.isoformat(),
                "acquired": draw(st.sampled_from(("own", "transfer", "gift", "merger"))),
                "core": True,
            }
            if draw(st.booleans()):
                item["expires_on"] = (
                    as_of + dt.timedelta(days=draw(st.integers(0, 3650)))
                ).isoformat()
            if kinds is _CLASS_I and draw(st.booleans()):
                item["high_value"] = True
            items.append(item)
    for _ in range(_count(draw, invalid, 0)):
        kind = draw(st.sampled_from(_CLASS_I + _CLASS_II))
        how = draw(st.sampled_from(("expired", "disputed", "future", "not_core")))
        granted = draw(st.dates(first, as_of))
        bad: dict[str, Any] = {"kind": kind, "granted_on": granted.isoformat()}
        if how == "expired" and first < as_of:
            granted = draw(st.dates(first, as_of - dt.timedelta(days=1)))
            bad["granted_on"] = granted.isoformat()
            expires = draw(st.dates(granted, as_of - dt.timedelta(days=1)))
            bad["expires_on"] = expires.isoformat()
        elif how in ("disputed", "expired"):
            bad["disputed"] = True
        elif how == "future":
            bad["granted_on"] = (as_of + dt.timedelta(days=draw(st.integers(1, 400)))).isoformat()
        else:
            bad["core"] = False
        items.append(bad)
    return draw(st.permutations(items))


def enterprises(
    *,
    as_of: dt.date,
    params: ParameterSet | None = None,
    region: str | st.SearchStrategy[str] | None = None,
    industry: str | st.SearchStrategy[str] | None = None,
    near: str | Iterable[str] | None = None,
    exactly_at: str | Iterable[str] | None = None,
    spread: int = 3,
    n_years: int = 3,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid enterprise documents (CONTRACT.md §1) with the accounting years before
    ``as_of``.

    Parameters:
        as_of: the evaluation day the enterprise is drawn for: its accounting years are
            the ``n_years`` years before ``as_of.year``, registration is before them.
        params: the parameter set whose thresholds ``near``/``exactly_at`` use (default:
            the national pack); pass ``national().with_layer(city)`` to probe a city's.
        region: a 6-digit region code (or a strategy of them); the thresholds are those
            in force for it. Default: drawn from a few codes, sometimes absent.
        industry: a GB/T 4754-2017 code (or a strategy). Default: drawn from a few.
        near: threshold name(s) from :data:`THRESHOLDS`: the figure is put within
            ``spread`` steps (fen, person or day) of the threshold, on either side.
        exactly_at: threshold name(s): the figure is put exactly on the threshold
            (a ratio equal to its minimum, a size equal to its limit).
        spread: how many steps ``near`` may move away from the threshold.
        n_years: how many accounting years to give (1-3).

    When ``near`` or ``exactly_at`` is used, ``extra["kejiservice_testing"]`` records,
    for each threshold, the offset in steps from it (0 = exactly at, negative = on the
    smaller side) and its unit, so a test can state which side must pass.
    """
    near_names = _names(near)
    exact_names = _names(exactly_at)
    clash = set(near_names) & set(exact_names)
    if clash:
        raise ValueError(f"a threshold cannot be both near and exactly at: {sorted(clash)}")
    if not 1 <= n_years <= 3:
        raise ValueError("n_years is 1, 2 or 3")
    return _enterprise_doc(
        as_of,
        params or national(),
        region,
        industry,
        near_names,
        exact_names,
        spread,
        n_years,
    )


def enterprise_models(**kwargs: Any) -> st.SearchStrategy[Enterprise]:
    """Like :func:`enterprises` (same keywords), but drawing :class:`Enterprise` models."""
    return enterprises(**kwargs).map(lambda doc: load(Enterprise, doc))


def _pick(
    draw: st.DrawFn, given: str | st.SearchStrategy[str] | None, default: Sequence[str]
) -> str:
    if given is None:
        return draw(st.sampled_from(default))
    if isinstance(given, str):
        return given
    return draw(given)


@st.composite
def _enterprise_doc(
    draw: st.DrawFn,
    as_of: dt.date,
    params: ParameterSet,
    region_given: str | st.SearchStrategy[str] | None,
    industry_given: str | st.SearchStrategy[str] | None,
    near: tuple[str, ...],
    exact: tuple[str, ...],
    spread: int,
    n_years: int,
) -> dict[str, Any]:
    region: str | None
    if region_given is None:
        region = draw(st.one_of(st.none(), st.sampled_from(_REGIONS)))
    else:
        region = _pick(draw, region_given, _REGIONS)
    last = as_of.year - 1
    first = last - n_years + 1
    registered = draw(st.dates(dt.date(first - 10, 1, 1), dt.date(first, 12, 31)))
    rows = [draw(_year_doc(y, None, None, optional=False)) for y in range(first, last + 1)]
    doc: dict[str, Any] = {
        "schema": "kejiservice/enterprise@1",
        "name": draw(st.sampled_from(("示例科技有限公司", "Acme Tech Ltd", "青山智造"))),
        "registered_on": registered.isoformat(),
        "industry": _pick(draw, industry_given, _INDUSTRIES),
        "resident": draw(st.booleans()),
        "tech_field": draw(st.sampled_from((*_FIELDS, "none"))),
        "restricted_industry": draw(st.booleans()),
        "core_ip_owned": draw(st.booleans()),
        "years": rows,
        "ip": draw(ip_portfolios(as_of, registered_on=registered)),
    }
    if region is not None:
        doc["region"] = region
    marks: dict[str, dict[str, Any]] = {}
    for name, is_exact in [*((n, False) for n in near), *((n, True) for n in exact)]:
        offset = draw(_offset(is_exact, spread))
        _place(draw, doc, name, offset, as_of, params, region)
        marks[name] = {"offset": offset, "unit": THRESHOLDS[name].unit}
    if marks:
        doc["extra"] = {"kejiservice_testing": marks}
    return doc


def _row(doc: dict[str, Any], year: int) -> dict[str, Any]:
    for row in doc["years"]:
        if row["year"] == year:
            return dict(row)
    raise LookupError(year)  # pragma: no cover - years are drawn for the window


def _put(doc: dict[str, Any], row: dict[str, Any]) -> None:
    doc["years"] = [row if r["year"] == row["year"] else r for r in doc["years"]]


def _scaled(draw: st.DrawFn, ratio: Fraction, high: int) -> tuple[Fraction, Fraction]:
    """A base and ``ratio × base``, both whole fen, base at most ``high`` yuan."""
    unit = Fraction(ratio.denominator) / 100
    steps = draw(st.integers(1, max(1, int(high / unit))))
    base = unit * steps
    return base, base * ratio


def _place(
    draw: st.DrawFn,
    doc: dict[str, Any],
    name: str,
    offset: int,
    as_of: dt.date,
    params: ParameterSet,
    region: str | None,
) -> None:
    last = as_of.year - 1
    value = _threshold_value(params, name, as_of, region)
    fen = Decimal(offset) * FEN
    if name == "hnte.registered_one_year":
        days = int(value) + offset
        doc["registered_on"] = (as_of - dt.timedelta(days=days)).isoformat()
        born = as_of.year - 1 - (days // 366)
        doc["years"] = [r for r in doc["years"] if r["year"] >= born] or doc["years"][-1:]
        return
    if name in ("hnte.tech_staff_ratio", "tech_sme.tech_staff_nonzero"):
        row = _row(doc, last)
        ratio = _ratio(value)
        k = draw(st.integers(1, max(1, 2000 // ratio.denominator)))
        employees = ratio.denominator * k
        tech = ratio.numerator * k + offset
        row["employees"] = employees
        row["tech_staff"] = min(max(tech, 0), employees)
        _put(doc, row)
        return
    if name in ("tech_sme.max_staff", "tech_sme.max_sales", "tech_sme.max_assets"):
        row = _row(doc, last)
        if name == "tech_sme.max_staff":
            row["employees"] = max(int(value) + offset, 0)
            row["tech_staff"] = min(row["tech_staff"], row["employees"])
        elif name == "tech_sme.max_sales":
            sales = max(Decimal(value) + fen, Decimal(0))
            row["sales_revenue"] = str(sales)
            row["main_business_revenue"] = str(min(Decimal(row["main_business_revenue"]), sales))
        else:
            row["total_assets"] = str(max(Decimal(value) + fen, Decimal(0)))
        _put(doc, row)
        return
    if name in ("hnte.rd_band1_sales_max", "hnte.rd_band2_sales_max"):
        row = _row(doc, last)
        sales = max(Decimal(value) + fen, Decimal(0))
        row["sales_revenue"] = str(sales)
        row["main_business_revenue"] = str(min(Decimal(row["main_business_revenue"]), sales))
        _put(doc, row)
        return
    if name == "hnte.rd_expense_ratio":
        _place_rd_ratio(draw, doc, offset, as_of, params, region)
        return
    if name == "hnte.domestic_rd_share":
        rows = list(doc["years"])
        ratio = _ratio(value)
        total = sum((Fraction(Decimal(r["rd_expense"])) for r in rows), Fraction(0))
        if total == 0 or (total * ratio * 100).denominator != 1:
            # make the R&D total a multiple of the ratio's denominator
            base, _ = _scaled(draw, ratio, 10**7)
            row = _row(doc, last)
            others = sum(Fraction(Decimal(r["rd_expense"])) for r in rows if r["year"] != last)
            extra = base - (others % base) if others % base else base
            row["rd_expense"] = str(_yuan(extra))
            row["rd_expense_domestic"] = "0"
            row["rd_other_related"] = "0"
            _put(doc, row)
            rows = list(doc["years"])
            total = sum((Fraction(Decimal(r["rd_expense"])) for r in rows), Fraction(0))
        need = total * ratio + Fraction(offset, 100)
        need = min(max(need, Fraction(0)), total)
        # spread the domestic R&D: all of it on the earlier years first, the rest last
        remaining = need
        for row in sorted(rows, key=lambda r: r["year"] == last):
            row = dict(row)
            cap = Fraction(Decimal(row["rd_expense"]))
            share = cap if row["year"] != last else remaining
            share = min(share, remaining, cap)
            row["rd_expense_domestic"] = str(_yuan(share))
            remaining -= share
            _put(doc, row)
        return
    if name == "hnte.high_tech_income_share":
        row = _row(doc, last)
        ratio = _ratio(value)
        base, hti = _scaled(draw, ratio, 10**8)
        row["total_income"] = str(_yuan(base))
        row["non_taxable_income"] = "0"
        row["sales_revenue"] = str(min(Decimal(row["sales_revenue"]), _yuan(base)))
        row["main_business_revenue"] = str(
            min(Decimal(row["main_business_revenue"]), Decimal(row["sales_revenue"]))
        )
        row["high_tech_income"] = str(max(_yuan(hti) + fen, Decimal(0)))
        _put(doc, row)
        return
    raise AssertionError(name)  # pragma: no cover - _names checked it


def _place_rd_ratio(
    draw: st.DrawFn,
    doc: dict[str, Any],
    offset: int,
    as_of: dt.date,
    params: ParameterSet,
    region: str | None,
) -> None:
    """Σ R&D / Σ sales over the window exactly at the band's minimum (+ offset fen)."""
    last = as_of.year - 1
    band1: Decimal = params.value("hnte.rd_band1_sales_max", as_of, region)
    band2: Decimal = params.value("hnte.rd_band2_sales_max", as_of, region)
    band = draw(st.sampled_from((1, 2, 3)))
    minimum: Decimal = params.value(f"hnte.rd_band{band}_ratio_min", as_of, region)
    ratio = _ratio(minimum)
    unit = Fraction(ratio.denominator) / 100 if ratio.denominator > 1 else Fraction(1, 100)
    low, high = {1: (Decimal(0), band1), 2: (band1, band2), 3: (band2, band2 * 2)}[band]
    # last-year sales inside the band, as a whole number of units
    lo_units = int(Fraction(low) / unit) + 1
    hi_units = max(lo_units, int(Fraction(high) / unit))
    last_sales = unit * draw(st.integers(lo_units, hi_units))
    rows = [dict(r) for r in doc["years"]]
    total = Fraction(0)
    for row in rows:
        if row["year"] == last:
            sales = last_sales
        else:
            sales = unit * draw(st.integers(0, max(1, int(Fraction(high) / unit))))
        row["sales_revenue"] = str(_yuan(sales))
        row["main_business_revenue"] = str(_yuan(sales))
        row["total_income"] = str(max(Decimal(row["total_income"]), _yuan(sales)))
        row["non_taxable_income"] = "0"
        total += sales
    need = total * ratio + Fraction(offset, 100)
    need = max(need, Fraction(0))
    share = Fraction(math.floor(need * 100 / len(rows)), 100)
    shares = [share] * (len(rows) - 1)
    shares.append(need - sum(shares, Fraction(0)))
    for row, amount in zip(rows, shares, strict=True):
        row["rd_expense"] = str(_yuan(amount))
        row["rd_expense_domestic"] = str(_yuan(amount))
        row["rd_other_related"] = "0"
    doc["years"] = rows


def officers(
    *,
    enterprise_ids: Sequence[str] = (),
    min_size: int = 1,
    max_size: int = 5,
) -> st.SearchStrategy[dict[str, Any]]:
    """An officers document (``kejiservice/officers@1``, what ``load_officers`` reads):
    officers with unique ids, capacities, working weekdays and days off, each enterprise
    of ``enterprise_ids`` assigned to at most one officer."""
    return _officers_doc(tuple(enterprise_ids), min_size, max_size)


@st.composite
def _officers_doc(
    draw: st.DrawFn, enterprise_ids: tuple[str, ...], min_size: int, max_size: int
) -> dict[str, Any]:
    count = draw(st.integers(min_size, max_size))
    owners = [draw(st.integers(0, max(count - 1, 0))) for _ in enterprise_ids] if count else []
    names = ("mon", "tue", "wed", "thu", "fri")
    out = []
    for index in range(count):
        weekdays = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
        days_off = draw(
            st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)), max_size=3, unique=True)
        )
        officer: dict[str, Any] = {
            "id": f"O{index:03d}",
            "name": draw(st.sampled_from(("张伟", "王芳", "Li Na", "陈静"))) + str(index),
            "weekly_capacity": draw(st.integers(0, 20)),
            "weekdays": weekdays,
            "days_off": [d.isoformat() for d in sorted(days_off)],
            "enterprises": [e for e, o in zip(enterprise_ids, owners, strict=True) if o == index],
        }
        if draw(st.booleans()):
            officer["district"] = draw(st.sampled_from(_REGIONS))
        out.append(officer)
    return {"schema": "kejiservice/officers@1", "officers": out}


def activity_logs(
    *,
    enterprise_ids: Sequence[str] = ("E001", "E002", "E003"),
    start: dt.date = dt.date(2025, 1, 1),
    end: dt.date = dt.date(2025, 12, 31),
    max_records: int = 6,
) -> st.SearchStrategy[dict[str, Any]]:
    """An activity log document (``kejiservice/activity@1``, what ``load_activity`` reads)
    with officers, experts, institutions, visits, needs with ordered lifecycles,
    financing requests, applications, platforms and achievements dated within
    ``[start, end]``, every reference resolving and every id unique."""
    if not enterprise_ids:
        raise ValueError("an activity log needs at least one enterprise id")
    if end < start:
        raise ValueError("end is before start")
    return _activity_doc(tuple(enterprise_ids), start, end, max_records)


@st.composite
def _activity_doc(
    draw: st.DrawFn,
    enterprise_ids: tuple[str, ...],
    start: dt.date,
    end: dt.date,
    max_records: int,
) -> dict[str, Any]:
    day = st.dates(start, end)
    ent = st.sampled_from(enterprise_ids)

    def later(first: dt.date) -> dt.date:
        return draw(st.dates(first, end))

    officers_ = [
        {
            "id": f"O{i}",
            "name": f"官员{i}",
            "role": draw(st.sampled_from(("service_officer", "leadership", "commissioner"))),
            "assigned": sorted(draw(st.sets(ent, max_size=3))),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    institutions = [
        {
            "id": f"U{i}",
            "name": f"大学{i}",
            "kind": draw(st.sampled_from(("university", "institute"))),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    experts: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 2))):
        expert: dict[str, Any] = {"id": f"X{i}", "name": f"专家{i}"}
        hosted: bool = draw(st.booleans())
        if institutions and hosted:
            expert["institution"] = draw(st.sampled_from([u["id"] for u in institutions]))
        experts.append(expert)
    visits = []
    for i in range(draw(st.integers(0, max_records))):
        visit: dict[str, Any] = {
            "id": f"V{i}",
            "enterprise": draw(ent),
            "officer": draw(st.sampled_from([o["id"] for o in officers_])),
            "date": draw(day).isoformat(),
            "kind": draw(
                st.sampled_from(
                    (
                        "survey",
                        "linkage_visit",
                        "expert_diagnosis",
                        "onsite_verification",
                        "matchmaking",
                        "training",
                        "roadshow",
                    )
                )
            ),
        }
        with_expert: bool = draw(st.booleans())
        if experts and with_expert:
            visit["experts"] = [draw(st.sampled_from([str(x["id"]) for x in experts]))]
        visits.append(visit)
    needs = []
    for i in range(draw(st.integers(0, max_records))):
        collected = draw(day)
        need: dict[str, Any] = {
            "id": f"N{i}",
            "enterprise": draw(ent),
            "category": draw(
                st.sampled_from(
                    (
                        "technology_rd",
                        "achievement_transformation",
                        "talent",
                        "platform_building",
                        "investment_financing",
                    )
                )
            ),
            "collected_on": collected.isoformat(),
        }
        stage = draw(st.integers(0, 3))
        current = collected
        if stage >= 1:
            current = later(current)
            need["routed_on"] = current.isoformat()
            need["routed_to"] = {"kind": "bank", "target": "某银行"}
        if stage >= 2:
            current = later(current)
            need["started_on"] = current.isoformat()
        if stage >= 3:
            current = later(current)
            need[draw(st.sampled_from(("resolved_on", "closed_on")))] = current.isoformat()
        needs.append(need)
    financing = []
    for i in range(draw(st.integers(0, max_records))):
        requested = draw(day)
        item: dict[str, Any] = {
            "id": f"F{i}",
            "enterprise": draw(ent),
            "requested_on": requested.isoformat(),
            "amount": str(draw(money(1, 10**8))),
        }
        outcome = draw(st.sampled_from(("pending", "granted", "declined", "withdrawn")))
        item["outcome"] = outcome
        if outcome == "granted":
            item["bank"] = "某银行"
            item["granted_amount"] = item["amount"]
            item["granted_on"] = later(requested).isoformat()
        elif outcome != "pending":
            item["decided_on"] = later(requested).isoformat()
        financing.append(item)
    applications = []
    for i in range(draw(st.integers(0, max_records))):
        submitted = draw(day)
        app: dict[str, Any] = {
            "id": f"A{i}",
            "enterprise": draw(ent),
            "programme": draw(st.sampled_from(("hnte", "tech_sme", "innovative_sme"))),
            "submitted_on": submitted.isoformat(),
        }
        outcome = draw(st.sampled_from(("pending", "recognised", "rejected", "withdrawn")))
        app["outcome"] = outcome
        if outcome != "pending":
            decided = later(submitted)
            app["decided_on"] = decided.isoformat()
            if outcome == "recognised" and draw(st.booleans()):
                app["expires_on"] = (decided + dt.timedelta(days=1094)).isoformat()
        applications.append(app)
    platforms = [
        {
            "id": f"P{i}",
            "name": f"平台{i}",
            "kind": draw(st.sampled_from(("rd_centre", "maker_space", "incubator", "key_lab"))),
            "level": draw(st.sampled_from(("city", "provincial", "national"))),
            "recognised_on": draw(day).isoformat(),
            "enterprise": draw(ent),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    achievements = []
    for i in range(draw(st.integers(0, 2))):
        appraised = draw(day)
        achievements.append(
            {
                "id": f"R{i}",
                "title": f"成果{i}",
                "enterprise": draw(ent),
                "appraised_on": appraised.isoformat(),
                "transformed_on": later(appraised).isoformat(),
            }
        )
    return {
        "schema": "kejiservice/activity@1",
        "officers": officers_,
        "experts": experts,
        "institutions": institutions,
        "visits": visits,
        "needs": needs,
        "financing_requests": financing,
        "applications": applications,
        "platforms": platforms,
        "achievements": achievements,
    }
