"""Vectorised criteria: each rule family's tests over whole columns, exactly.

Every kernel mirrors the object path of :mod:`kejiservice.rules` criterion by
criterion and reads every threshold from the parameter set in force on ``as_of``.
Ratios are never divided: ``num / den >= p / q`` is tested as ``num * q >= p * den``
in int64 when the largest values allow it (checked on the data), else in Python ints
(object arrays); the HNTE growth rate, whose cross-multiplied form needs products of
two amounts, uses exact 128-bit arithmetic (:mod:`._wide`). Gaps use integer floor
division: ``ceil(p * den / q) - num == -((num * q - p * den) // q)``.

Codes used in the result arrays:

* criterion status: the index in ``tuple(Status)``: 0 pass, 1 fail, 2 unknown,
  3 not applicable (:data:`S_PASS` ...);
* verdict status: the index in ``tuple(Outcome)``: 0 eligible, 1 ineligible,
  2 undetermined, 3 not applicable (:data:`O_ELIGIBLE` ...);
* absent numbers (a gap the verdict leaves empty, no score): :data:`MISSING`.

What a kernel cannot decide exactly as the object path does it marks ``undecided``;
the screen answers those rows with the object path (see ``_screen``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from ..industry import classify_industry, prefix_coverage
from ..models import (
    CLASS_I_IP,
    Acquisition,
    CertificationKind,
    IncidentKind,
    ListingKind,
    TechField,
)
from ..params import Band, ParameterSet
from ..rules import RULES, Outcome, Status
from ..rules._core import band_for
from ..rules.hnte import _growth_rate as growth_rate
from . import _wide
from ._columns import (
    ACQUISITIONS,
    CERT_KINDS,
    INCIDENT_KINDS,
    IP_KINDS,
    LISTING_KINDS,
    MISSING,
    OPEN_END,
    TECH_FIELDS,
    Ledger,
    fen_to_yuan,
)

__all__ = [
    "KERNELS",
    "O_ELIGIBLE",
    "O_INELIGIBLE",
    "O_NA",
    "O_UNDETERMINED",
    "PATHS",
    "SIZES",
    "S_FAIL",
    "S_NA",
    "S_PASS",
    "S_UNKNOWN",
    "UNITS",
    "Frame",
    "KernelResult",
    "Params",
    "exact_diff",
    "param_day",
]

I64 = NDArray[np.int64]
I8 = NDArray[np.int8]
Bool = NDArray[np.bool_]
Num = NDArray[Any]  # int64, or object (Python ints) when int64 could overflow

S_PASS: Final = tuple(Status).index(Status.PASS)
S_FAIL: Final = tuple(Status).index(Status.FAIL)
S_UNKNOWN: Final = tuple(Status).index(Status.UNKNOWN)
S_NA: Final = tuple(Status).index(Status.NOT_APPLICABLE)
O_ELIGIBLE: Final = tuple(Outcome).index(Outcome.ELIGIBLE)
O_INELIGIBLE: Final = tuple(Outcome).index(Outcome.INELIGIBLE)
O_UNDETERMINED: Final = tuple(Outcome).index(Outcome.UNDETERMINED)
O_NA: Final = tuple(Outcome).index(Outcome.NOT_APPLICABLE)

_INT64_MAX: Final = 2**63 - 1
_WIDE_FACTOR_MAX: Final = 2**19
"""Growth band edges p/q are handled in 128 bits while q and p + q stay below this."""
_NEAR_SHIFT_BITS: Final = 64
"""A three-year growth rate within 2**-64 (relative) of a band edge goes to the object path."""

PATHS: Final[Mapping[str, tuple[str, ...]]] = {
    "hnte": ("all_conditions",),
    "tech_sme": (
        "score",
        "direct:valid_hnte",
        "direct:national_award",
        "direct:rd_institution",
        "direct:standard",
    ),
    "sme_size": (),
    "above_scale": (),
}
"""The verdict ``path`` values per rule; result ``path`` columns hold their index."""
SIZES: Final = ("large", "medium", "small", "micro")
"""``sme_size`` size classes; the result ``size`` column holds their index."""

UNITS: Final[Mapping[str, str]] = {
    "hnte.registered_one_year": "days",
    "hnte.tech_staff_ratio": "persons",
    "hnte.rd_expense_ratio": "fen",
    "hnte.domestic_rd_share": "fen",
    "hnte.high_tech_income_share": "fen",
    "hnte.innovation_score": "points",
    "hnte.no_major_incident": "incidents",
    "tech_sme.staff_limit": "persons",
    "tech_sme.sales_limit": "fen",
    "tech_sme.assets_limit": "fen",
    "tech_sme.score": "points",
    "tech_sme.tech_staff_score_nonzero": "persons",
    "above_scale.main_business_revenue": "fen",
}
"""The unit of each criterion's gap column (money gaps are in fen)."""


class Params:
    """Parameter values in force on ``as_of`` for one region (what ``ctx.p`` reads)."""

    __slots__ = ("as_of", "params", "region")

    def __init__(self, params: ParameterSet, as_of: dt.date, region: str | None) -> None:
        self.params = params
        self.as_of = as_of
        self.region = region

    def __call__(self, name: str) -> Any:
        return self.params.value(name, self.as_of, self.region)


class KernelResult:
    """What a kernel computes for every row (``n`` rows, ``k`` criteria in CODES order).

    ``status`` (n, k) criterion codes; ``failed`` (n, k) the criteria the verdict lists
    in ``failed``; ``gap`` (n, k) the verdict's gap in the unit of :data:`UNITS`;
    ``need`` (n, k) the amount the gap is measured against (the required value, for
    relative distances); ``outcome`` (n,) verdict codes; ``score``, ``score_min``,
    ``score_max`` (n,); ``path`` (n,) index in :data:`PATHS` or -1; ``size`` (n,)
    index in :data:`SIZES` or -1; ``undecided`` (n,) rows for the object path.
    """

    __slots__ = (
        "codes",
        "failed",
        "gap",
        "need",
        "outcome",
        "path",
        "score",
        "score_max",
        "score_min",
        "size",
        "status",
        "undecided",
    )

    def __init__(self, codes: tuple[str, ...], n: int) -> None:
        k = len(codes)
        self.codes = codes
        self.status: I8 = np.full((n, k), S_UNKNOWN, dtype=np.int8)
        self.failed: Bool = np.zeros((n, k), dtype=bool)
        self.gap: I64 = np.full((n, k), MISSING, dtype=np.int64)
        self.need: I64 = np.full((n, k), MISSING, dtype=np.int64)
        self.outcome: I8 = np.full(n, O_UNDETERMINED, dtype=np.int8)
        self.score: I64 = np.full(n, MISSING, dtype=np.int64)
        self.score_min: I64 = np.full(n, MISSING, dtype=np.int64)
        self.score_max: I64 = np.full(n, MISSING, dtype=np.int64)
        self.path: I8 = np.full(n, -1, dtype=np.int8)
        self.size: I8 = np.full(n, -1, dtype=np.int8)
        self.undecided: Bool = np.zeros(n, dtype=bool)

    def assign(self, rows: Bool, other: KernelResult) -> None:
        """Take ``other``'s answers for the rows where ``rows`` is true."""
        for name in self.__slots__:
            if name == "codes":
                continue
            mine = getattr(self, name)
            mine[rows] = getattr(other, name)[rows]


# --------------------------------------------------------------------------- exact helpers


def _frac(value: Any) -> Fraction:
    return Fraction(value)


def _maxabs(values: Num) -> int:
    if values.shape[0] == 0:
        return 0
    if values.dtype == object:
        return max(abs(int(v)) for v in values.tolist())
    return max(abs(int(values.max())), abs(int(values.min())))


def exact_diff(num: Num, q: int, den: Num, p: int) -> Num:
    """``num * q - p * den`` exactly (int64 when it cannot overflow, else Python ints)."""
    out: Num
    if _maxabs(num) * abs(q) + _maxabs(den) * abs(p) <= _INT64_MAX and num.dtype != object:
        out = num * np.int64(q) - den * np.int64(p)
    else:
        out = num.astype(object) * q - den.astype(object) * p
    return out


def _ceil_div_neg(diff: Num, q: int) -> Num:
    """``-(diff // q)``, i.e. ``ceil(-diff / q)``, exactly."""
    if diff.dtype == object:
        return -(diff // q)
    return -(diff // np.int64(q))


def _i64(values: Num) -> I64:
    if values.dtype == object:
        return np.array([int(v) for v in values.tolist()], dtype=np.int64)
    return values.astype(np.int64, copy=False)


def _test(op: str | None, diff: Num) -> Bool:
    """The band test on ``value - bound`` given as a signed ``diff`` (same sign)."""
    if op is None:
        return np.ones(diff.shape[0], dtype=bool)
    if op == "at_least":
        out = diff >= 0
    elif op == "above":
        out = diff > 0
    elif op == "at_most":
        out = diff <= 0
    else:
        out = diff < 0
    return np.asarray(out, dtype=bool)


def _bands(bands: Sequence[Band], num: Num, den: Num) -> tuple[I64, I64]:
    """``band_for(bands, num / den)`` points (min, max) per row; ``den > 0`` where used."""
    n = num.shape[0]
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    for band in bands:
        if band.op is None or band.bound is None:
            hit = free.copy()
        else:
            t = _frac(band.bound)
            hit = free & _test(band.op, exact_diff(num, t.denominator, den, t.numerator))
        lo[hit] = band.points_min
        hi[hit] = band.points_max
        free &= ~hit
    return lo, hi


def _count_by_row(rows: I64, where: Bool, n: int) -> I64:
    return np.bincount(rows[where], minlength=n).astype(np.int64)


def _sum_by_row(rows: I64, values: I64, where: Bool, n: int) -> I64:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, rows[where], values[where])
    return out


def _codes(vocabulary: Sequence[Any], names: Sequence[str], kind: type[Any]) -> list[int]:
    out = []
    for name in names:
        try:
            out.append(vocabulary.index(kind(name)))
        except ValueError:
            continue
    return out


def _isin_text(values: NDArray[np.object_], allowed: Sequence[str]) -> Bool:
    wanted = set(allowed)
    return np.fromiter((v in wanted for v in values.tolist()), dtype=bool, count=values.shape[0])


# --------------------------------------------------------------------------- the frame


class Frame:
    """A ledger seen on one day: figures of a given accounting year, valid items."""

    __slots__ = ("_figs", "as_of", "day", "ledger", "n")

    def __init__(self, ledger: Ledger, as_of: dt.date) -> None:
        self.ledger = ledger
        self.as_of = as_of
        self.day = as_of.toordinal()
        self.n = len(ledger)
        self._figs: dict[tuple[int, str], I64] = {}

    def year_index(self, year: int) -> I64:
        """Per row, the index of accounting year ``year`` in the years table, or -1."""
        cache = self.ledger.cache()
        key = ("year", year)
        found = cache.get(key)
        if found is None:
            found = self._search(year)
            cache[key] = found
        result: I64 = found
        return result

    def _search(self, year: int) -> I64:
        table = self.ledger.years
        cache = self.ledger.cache()
        if ("starts", "years") not in cache:
            cache[("starts", "years")] = table.starts(self.n)
        start, count = cache[("starts", "years")]
        years = table["year"]
        if len(table) == 0:
            return np.full(self.n, -1, dtype=np.int64)
        lo = start.copy()
        hi = start + count
        last = len(table) - 1
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) // 2
            below = years[np.minimum(mid, last)] < year
            lo = np.where(active & below, mid + 1, lo)
            hi = np.where(active & ~below, mid, hi)
        end = start + count
        hit = (lo < end) & (years[np.minimum(lo, last)] == year)
        return np.where(hit, lo, -1).astype(np.int64)

    def fig(self, year: int, field: str) -> I64:
        """Figure ``field`` of accounting ``year`` per row (:data:`MISSING` if absent)."""
        key = (year, field)
        cached = self._figs.get(key)
        if cached is not None:
            return cached
        index = self.year_index(year)
        values = self.ledger.years[field]
        if values.shape[0] == 0:
            out = np.full(self.n, MISSING, dtype=np.int64)
        else:
            out = np.where(index >= 0, values[np.maximum(index, 0)], MISSING)
        out.flags.writeable = False
        self._figs[key] = out
        return out

    def valid_ip(self) -> Bool:
        """IP items valid on ``as_of``: granted, not expired, not disputed."""
        ip = self.ledger.tables["ip"]
        valid = (ip["disputed"] == 0) & (ip["granted_on"] <= self.day)
        return np.asarray(valid & (ip["expires_on"] >= self.day), dtype=bool)

    def holds(self, kinds: Sequence[CertificationKind], p: Params) -> tuple[Bool, Bool]:
        """Per row: a certification of one of ``kinds`` valid on ``as_of``; rows undecided.

        As ``Ctx.cert_windows``: an HNTE certificate without an expiry runs for
        ``hnte.validity_years`` (in force on its issue day) from its issue day. Rows with
        such a certificate issued when no version was in force are left to the object path.
        """
        certs = self.ledger.tables["certifications"]
        codes = [CERT_KINDS.index(k) for k in kinds]
        ends = certs["expires_on"].copy()
        undecided = np.zeros(self.n, dtype=bool)
        if CertificationKind.HNTE in kinds:
            open_hnte = (certs["kind"] == CERT_KINDS.index(CertificationKind.HNTE)) & (
                ends >= OPEN_END
            )
            issued = certs["issued_on"]
            for day in np.unique(issued[open_hnte]).tolist():
                at = open_hnte & (issued == day)
                end = _hnte_certificate_end(p, int(day))
                if end is None:
                    undecided[certs.row[at]] = True
                else:
                    ends[at] = end
        hit = np.isin(certs["kind"], codes) & (certs["issued_on"] <= self.day) & (ends >= self.day)
        return _count_by_row(certs.row, hit, self.n) > 0, undecided


def _hnte_certificate_end(p: Params, issued: int) -> int | None:
    """The last valid day (ordinal) of an HNTE certificate issued on ``issued`` without expiry."""
    day = dt.date.fromordinal(issued)
    found = p.params.find("hnte.validity_years", day, p.region)
    if found is None:
        return None
    years: int = found.value
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + years, day=28)
    return end.toordinal() - 1


def _shortfall(num: I64, den: I64, minimum: Any) -> tuple[Bool, I64, I64]:
    """``num / den >= minimum`` by cross-multiplying, the signed gap and the requirement.

    Both in the unit of ``num``: the gap is ``ceil(minimum * den) - num`` (what
    :func:`kejiservice.rules._facts.shortfall` gives on a grid of one unit), the
    requirement ``ceil(minimum * den)``.
    """
    t = _frac(minimum)
    diff = exact_diff(num, t.denominator, den, t.numerator)
    ok = np.asarray(diff >= 0, dtype=bool)
    gap = _i64(_ceil_div_neg(diff, t.denominator))
    zero = np.zeros_like(num)
    need = _i64(_ceil_div_neg(exact_diff(zero, t.denominator, den, t.numerator), t.denominator))
    return ok, gap, need


def _limit(value: I64, limit: Any, scale: int) -> tuple[Bool, I64, I64]:
    """``value <= limit`` (``limit`` in yuan or persons, ``scale`` units per one), gap, limit."""
    t = _frac(limit) * scale
    ones = np.ones_like(value)
    diff = exact_diff(value, t.denominator, ones, t.numerator)
    ok = np.asarray(diff <= 0, dtype=bool)
    # ceil(value - limit) == -floor(limit - value) == -((-diff) // q)
    gap = _i64(_ceil_div_neg(-diff, t.denominator))
    need = np.full_like(value, t.numerator // t.denominator)
    return ok, gap, need


def _status(ok: Bool) -> I8:
    return np.where(ok, S_PASS, S_FAIL).astype(np.int8)


def _combine(status: I8) -> I8:
    """All must pass: any fail -> ineligible; else any unknown -> undetermined."""
    fail = (status == S_FAIL).any(axis=1)
    unknown = (status == S_UNKNOWN).any(axis=1)
    return np.where(fail, O_INELIGIBLE, np.where(unknown, O_UNDETERMINED, O_ELIGIBLE)).astype(
        np.int8
    )


# --------------------------------------------------------------------------- HNTE


class _Window:
    """The HNTE R&D period: the accounting years before ``as_of``'s year, from registration."""

    __slots__ = ("end", "first", "nyears", "start")

    def __init__(self, frame: Frame, length: int) -> None:
        self.end = frame.as_of.year - 1
        self.first = self.end - length + 1
        reg_year = frame.ledger.column("registered_year")
        self.start: I64 = np.maximum(self.first, reg_year)
        self.nyears: I64 = self.end - self.start + 1

    def sums(self, frame: Frame, *fields: str) -> tuple[list[I64], Bool]:
        """Each field summed over the window, and where any needed figure is absent."""
        n = frame.n
        totals = [np.zeros(n, dtype=np.int64) for _ in fields]
        missing = np.zeros(n, dtype=bool)
        for year in range(self.first, self.end + 1):
            inside = self.start <= year
            for index, field in enumerate(fields):
                values = frame.fig(year, field)
                absent = values == MISSING
                missing |= inside & absent
                totals[index] += np.where(inside & ~absent, values, 0)
        return totals, missing


def _ratio(num: I64, den: I64, minimum: Any, unknown: Bool, zero: Bool) -> tuple[I8, I64, I64]:
    """Status, gap and requirement of a ratio criterion (``zero``: fails with gap 0)."""
    safe_num = np.where(unknown | zero, 0, num)
    safe_den = np.where(unknown | zero, 0, den)
    ok, gap, need = _shortfall(safe_num, safe_den, minimum)
    status = np.where(unknown, S_UNKNOWN, np.where(zero | ~ok, S_FAIL, S_PASS)).astype(np.int8)
    return (
        status,
        np.where(unknown, MISSING, np.where(zero, 0, gap)),
        np.where(unknown | zero, MISSING, need),
    )


def _hnte_ratio(
    res: KernelResult,
    column: int,
    num: I64,
    den: I64,
    minimum: Any,
    unknown: Bool,
    zero: Bool,
) -> None:
    """:func:`_ratio` written into column ``column`` of ``res``."""
    res.status[:, column], res.gap[:, column], res.need[:, column] = _ratio(
        num, den, minimum, unknown, zero
    )


def _hnte(frame: Frame, p: Params, inputs: Mapping[str, Any]) -> KernelResult:
    ledger, n = frame.ledger, frame.n
    codes = RULES["hnte"].codes
    res = KernelResult(codes, n)
    col = {code: i for i, code in enumerate(codes)}
    last = frame.as_of.year - 1

    # 1 registered at least min_age_days before as_of
    need_days: int = p("hnte.min_age_days")
    days = frame.day - ledger.registered_on
    c = col["hnte.registered_one_year"]
    res.status[:, c] = _status(days >= need_days)
    res.gap[:, c] = need_days - days
    res.need[:, c] = need_days

    # 2 core IP owned, and some IP valid on as_of
    ip = ledger.tables["ip"]
    valid = frame.valid_ip()
    class1 = np.isin(ip["kind"], [IP_KINDS.index(k) for k in CLASS_I_IP])
    valid_1 = _count_by_row(ip.row, valid & class1, n)
    valid_2 = _count_by_row(ip.row, valid & ~class1, n)
    owned = ledger.column("core_ip_owned")
    res.status[:, col["hnte.core_ip"]] = np.where(
        owned < 0, S_UNKNOWN, _status((owned == 1) & (valid_1 + valid_2 > 0))
    )

    # 3 key field
    field = ledger.column("tech_field")
    none = TECH_FIELDS.index(TechField.NONE)
    res.status[:, col["hnte.key_field"]] = np.where(field < 0, S_UNKNOWN, _status(field != none))

    # 4 tech staff / employees of the last year
    tech, staff = frame.fig(last, "tech_staff"), frame.fig(last, "employees")
    unknown = (tech == MISSING) | (staff == MISSING)
    _hnte_ratio(
        res,
        col["hnte.tech_staff_ratio"],
        tech,
        staff,
        p("hnte.tech_staff_ratio_min"),
        unknown,
        ~unknown & (staff == 0),
    )

    # 5 R&D / sales over the window, band by last-year sales
    window = _Window(frame, p("hnte.rd_years"))
    empty = window.nyears <= 0
    (sales, rd), missing = window.sums(frame, "sales_revenue", "rd_expense")
    unknown = empty | missing
    last_sales = np.where(unknown, 0, frame.fig(window.end, "sales_revenue"))
    band1 = _limit(last_sales, p("hnte.rd_band1_sales_max"), 100)[0]
    band2 = _limit(last_sales, p("hnte.rd_band2_sales_max"), 100)[0]
    c = col["hnte.rd_expense_ratio"]
    zero = ~unknown & (sales == 0)
    for band, selected in ((1, band1), (2, ~band1 & band2), (3, ~band1 & ~band2)):
        if not selected.any():
            continue
        status, gap, need = _ratio(
            rd[selected],
            sales[selected],
            p(f"hnte.rd_band{band}_ratio_min"),
            unknown[selected],
            zero[selected],
        )
        res.status[selected, c] = status
        res.gap[selected, c] = gap
        res.need[selected, c] = need

    # 5b domestic R&D share over the same window
    (rd_all, domestic), missing = window.sums(frame, "rd_expense", "rd_expense_domestic")
    unknown = empty | missing
    _hnte_ratio(
        res,
        col["hnte.domestic_rd_share"],
        domestic,
        rd_all,
        p("hnte.domestic_rd_ratio_min"),
        unknown,
        ~unknown & (rd_all == 0),
    )

    # 6 high-tech income / (total income - non-taxable income) of the last year
    hti = frame.fig(last, "high_tech_income")
    total = frame.fig(last, "total_income")
    untaxed = frame.fig(last, "non_taxable_income")
    unknown = (hti == MISSING) | (total == MISSING) | (untaxed == MISSING)
    income = np.where(unknown, 0, total) - np.where(unknown, 0, untaxed)
    _hnte_ratio(
        res,
        col["hnte.high_tech_income_share"],
        hti,
        income,
        p("hnte.high_tech_income_ratio_min"),
        unknown,
        ~unknown & (income <= 0),
    )

    # 7 innovation score: given per row, else the range the objective items allow
    _innovation(frame, p, res, col["hnte.innovation_score"], window, valid, class1)

    # 8 no major incident within the lookback before as_of
    kinds = _codes(INCIDENT_KINDS, p("hnte.incident_kinds"), IncidentKind)
    lookback: int = p("hnte.incident_lookback_days")
    inc = ledger.tables["incidents"]
    recent = (inc["on"] >= frame.day - lookback) & (inc["on"] <= frame.day)
    hit = np.isin(inc["kind"], kinds) & recent
    hits = _count_by_row(inc.row, hit, n)
    c = col["hnte.no_major_incident"]
    res.status[:, c] = _status(hits == 0)
    res.gap[:, c] = hits

    res.outcome = _combine(res.status)
    res.failed = res.status == S_FAIL
    res.path = np.where(res.outcome == O_ELIGIBLE, 0, -1).astype(np.int8)
    return res


def _innovation(
    frame: Frame,
    p: Params,
    res: KernelResult,
    c: int,
    window: _Window,
    valid: Bool,
    class1: Bool,
) -> None:
    ledger, n = frame.ledger, frame.n
    need: int = p("hnte.innovation_score_pass")
    score = ledger.innovation_score
    given = score != MISSING

    # IP: the count band (Class I first), how it was obtained, the standards bonus
    ip = ledger.tables["ip"]
    c1 = _count_by_row(ip.row, valid & class1, n)
    c2 = _count_by_row(ip.row, valid & ~class1, n)
    lo1, hi1 = _bands(p("hnte.score.ip_count_class1"), c1, np.ones_like(c1))
    lo2, hi2 = _bands(p("hnte.score.ip_count_class2"), c2, np.ones_like(c2))
    count_lo = np.where(c1 > 0, lo1, lo2)
    count_hi = np.where(c1 > 0, hi1, hi2)
    own = ACQUISITIONS.index(Acquisition.OWN)
    acquired = ip["acquired"]
    own_or_unset = _count_by_row(ip.row, valid & ((acquired == own) | (acquired < 0)), n) > 0
    any_valid = (c1 + c2) > 0
    own_max: int = p("hnte.score.ip_acquisition_own_max")
    other_max: int = p("hnte.score.ip_acquisition_other_max")
    acq_lo = np.where(any_valid, 1, 0)
    acq_hi = np.where(any_valid, np.where(own_or_unset, own_max, other_max), 0)
    standards = ledger.tables["standards_led"]
    led = np.bincount(standards.row, minlength=n)[:n] > 0
    bonus_max: int = p("hnte.score.standards_bonus_max")
    expert_max: int = p("hnte.score.ip_advancement_max") + p("hnte.score.ip_core_support_max")
    cap: int = p("hnte.score.ip_subtotal_max")
    ip_lo = np.minimum(cap, count_lo + acq_lo + np.where(led, 1, 0))
    ip_hi = np.minimum(cap, count_hi + acq_hi + np.where(led, bonus_max, 0) + expert_max)

    # Transformation: the yearly average over the window
    bands: tuple[Band, ...] = p("hnte.score.transformation")
    unknown_max = max(b.points_max for b in bands)
    ach = ledger.tables["achievements"]
    in_window = (ach["year"] >= window.start[ach.row]) & (ach["year"] <= window.end)
    done = _sum_by_row(ach.row, ach["count"], in_window, n)
    years = np.maximum(window.nyears, 1)
    tr_lo, tr_hi = _bands(bands, done, years)
    unknown_tr = (ledger.column("has_achievements") == 0) | (window.nyears <= 0)
    tr_lo = np.where(unknown_tr, 0, tr_lo)
    tr_hi = np.where(unknown_tr, unknown_max, tr_hi)

    organisation_max: int = p("hnte.score.organisation_max")
    growth: tuple[Band, ...] = p("hnte.score.growth")
    low = ip_lo + tr_lo
    high = ip_hi + tr_hi + organisation_max
    beyond = np.zeros(n, dtype=bool)
    for kind in ("net_assets", "sales_revenue"):
        g_lo, g_hi, g_beyond = _growth(frame, window, growth, kind, ~given)
        low += g_lo
        high += g_hi
        beyond |= g_beyond

    res.undecided |= ~given & beyond
    # a range of one value is a score (as if given); otherwise the range decides or not
    exact = given | (low == high)
    value = np.where(given, score, low)
    res.score = np.where(exact, value, MISSING)
    res.score_min = np.where(exact, MISSING, low)
    res.score_max = np.where(exact, MISSING, high)
    fail_range = high < need
    pass_range = low >= need
    res.status[:, c] = np.where(
        exact,
        _status(value >= need),
        np.where(fail_range, S_FAIL, np.where(pass_range, S_PASS, S_UNKNOWN)),
    )
    res.gap[:, c] = np.where(exact, need - value, np.where(fail_range, need - high, MISSING))
    res.need[:, c] = need


def _growth(
    frame: Frame, window: _Window, bands: Sequence[Band], kind: str, wanted: Bool
) -> tuple[I64, I64, Bool]:
    """One growth item of the HNTE assessment: points (min, max), and rows it cannot do.

    Mirrors ``rules.hnte._growth_rate``: fewer than two years, a negative value, a zero
    base -> 0 points; three years -> ``(S2/S1 + S3/S2) / 2 - 1`` (``S3/S2 - 1`` when
    ``S1 == 0``, 0 points when ``S2 == 0``); two years -> ``S2/S1 - 1``. Band edges are
    tested exactly in 128-bit integers. The object path computes the three-year rate in
    28-digit decimals, which can round a rate lying exactly on (or within 2**-64 of) a
    band edge either way; for those few rows the band is taken from the object path's
    own decimal computation, so both agree. A window longer than three years (a
    parameter change) is returned as undecided. Only the ``wanted`` rows are computed
    (rows with an expert score need no range); the others get no points.
    """
    n = frame.n
    unknown_max = max(b.points_max for b in bands)
    values: list[I64] = []
    missing = np.zeros(n, dtype=bool)
    negative = np.zeros(n, dtype=bool)
    for year in range(window.first, window.end + 1):
        inside = window.start <= year
        if kind == "net_assets":
            assets = frame.fig(year, "total_assets")
            debts = frame.fig(year, "total_liabilities")
            absent = (assets == MISSING) | (debts == MISSING)
            value = np.where(absent, 0, assets) - np.where(absent, 0, debts)
        else:
            value = frame.fig(year, kind)
            absent = value == MISSING
            value = np.where(absent, 0, value)
        missing |= inside & absent
        negative |= inside & ~absent & (value < 0)
        values.append(np.where(inside & ~absent, value, 0))
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    near = np.zeros(n, dtype=bool)
    if len(values) < 2:
        return lo, np.where(missing, unknown_max, hi), near
    s3 = values[-1]
    s2 = values[-2]
    s1 = values[-3] if len(values) >= 3 else np.zeros(n, dtype=np.int64)
    nyears = window.nyears
    usable = wanted & ~missing & ~negative
    two = usable & (((nyears == 2) & (s2 > 0)) | ((nyears == 3) & (s1 == 0) & (s2 > 0)))
    three = usable & (nyears == 3) & (s1 > 0) & (s2 > 0)
    beyond = wanted & ~missing & (nyears > 3)
    free = two | three
    todo = free.copy()
    index = np.flatnonzero(free)
    is_three = three[index]
    u1, u2, u3 = (v[index].astype(np.uint64) for v in (s1, s2, s3))
    numer = _wide.add(_wide.mul(u2, u2), _wide.mul(u1, u3))  # s2**2 + s1*s3
    denom = _wide.mul(u1, u2)  # s1*s2
    first, second = _wide.U128.of(s2[index]), _wide.U128.of(s3[index])
    for band in bands:
        if index.shape[0] == 0:
            break
        if band.op is None or band.bound is None:
            hit = np.ones(index.shape[0], dtype=bool)
        else:
            t = _frac(band.bound)
            p_, q_ = t.numerator, t.denominator
            if p_ < 0 or q_ >= _WIDE_FACTOR_MAX or p_ + q_ >= _WIDE_FACTOR_MAX:
                near[index] = True  # an edge beyond the 128-bit budget: decimals for all
                break
            sign, close = _rate_signs(is_three, numer, denom, first, second, p_, q_)
            near[index[close]] = True
            hit = _test(band.op, sign)
        lo[index[hit]] = band.points_min
        hi[index[hit]] = band.points_max
        keep = ~hit
        index, is_three = index[keep], is_three[keep]
        numer, denom = numer.take(keep), denom.take(keep)
        first, second = first.take(keep), second.take(keep)
    for row in np.flatnonzero(near & todo).tolist():
        series = [s1[row], s2[row], s3[row]] if three[row] else [s2[row], s3[row]]
        rate, _ = growth_rate([fen_to_yuan(int(v)) for v in series])
        decided = band_for(bands, rate) if rate is not None else None
        lo[row] = 0 if decided is None else decided.points_min
        hi[row] = 0 if decided is None else decided.points_max
    lo = np.where(missing, 0, lo)
    hi = np.where(missing, unknown_max, hi)
    return lo, hi, beyond


def _rate_signs(
    three: Bool,
    numer: _wide.U128,
    denom: _wide.U128,
    first: _wide.U128,
    second: _wide.U128,
    p: int,
    q: int,
) -> tuple[I64, Bool]:
    """Sign of ``rate - p/q`` per row, and the three-year rows within 2**-64 of the edge.

    Three years: ``rate + 1 = numer / (2 * denom)`` with ``numer = s2**2 + s1*s3`` and
    ``denom = s1*s2``, so compare ``q * numer`` with ``2 * (p+q) * denom``. Two years
    (or a zero first year): ``rate + 1 = second / first``, so compare ``q * second``
    with ``(p+q) * first``. All in 128 bits.
    """
    x = _wide.mul_small(numer, q)
    y = _wide.mul_small(denom, 2 * (p + q))
    x2 = _wide.mul_small(second, q)
    y2 = _wide.mul_small(first, p + q)
    x = _wide.U128(np.where(three, x.hi, x2.hi), np.where(three, x.lo, x2.lo))
    y = _wide.U128(np.where(three, y.hi, y2.hi), np.where(three, y.lo, y2.lo))
    x_gt = _wide.gt(x, y)
    y_gt = _wide.gt(y, x)
    sign = x_gt.astype(np.int64) - y_gt.astype(np.int64)
    bigger = _wide.U128(np.where(x_gt, x.hi, y.hi), np.where(x_gt, x.lo, y.lo))
    smaller = _wide.U128(np.where(x_gt, y.hi, x.hi), np.where(x_gt, y.lo, x.lo))
    close = three & _wide.ge(_wide.shr64(_wide.add(x, y)), _wide.sub(bigger, smaller))
    return sign, close


# --------------------------------------------------------------------------- tech SME


def _direct(frame: Frame, table: str, p: Params, prefix: str) -> I8:
    """A direct path by awards or standards: pass, unknown (rank absent) or fail per row."""
    ledger, n = frame.ledger, frame.n
    items = ledger.tables[table]
    lookback: int = p(f"{prefix}_lookback_years")
    rank_max: int = p(f"{prefix}_rank_max")
    levels: Sequence[str] = p(f"{prefix}_levels")
    year = frame.as_of.year
    counts = (
        _isin_text(items.objs["level"], levels)
        & (items["year"] > year - lookback)
        & (items["year"] <= year)
    )
    rank = items["rank"]
    passing = _count_by_row(items.row, counts & (rank >= 0) & (rank <= rank_max), n) > 0
    unranked = _count_by_row(items.row, counts & (rank < 0), n) > 0
    return np.where(passing, S_PASS, np.where(unranked, S_UNKNOWN, S_FAIL)).astype(np.int8)


@functools.lru_cache(maxsize=4096)
def _industry(code: str) -> tuple[str, str | None]:
    info = classify_industry(code)
    return info.section, info.sme_class.value if info.sme_class is not None else None


def _per_industry(ledger: Ledger, fn: Callable[[str], Any]) -> NDArray[Any]:
    """``fn(code)`` per row, computed once per distinct industry code."""
    codes = ledger.industry
    if codes.shape[0] == 0:
        return np.empty(0, dtype=object)
    uniques, inverse = np.unique(codes.astype(str), return_inverse=True)
    mapped = np.empty(uniques.shape[0], dtype=object)
    mapped[:] = [fn(str(u)) for u in uniques.tolist()]
    out: NDArray[Any] = mapped[inverse.reshape(-1)]
    return out


def _tech_sme(frame: Frame, p: Params, inputs: Mapping[str, Any]) -> KernelResult:
    ledger, n = frame.ledger, frame.n
    codes = RULES["tech_sme"].codes
    res = KernelResult(codes, n)
    col = {code: i for i, code in enumerate(codes)}
    last = frame.as_of.year - 1

    resident = ledger.column("resident")
    res.status[:, col["tech_sme.resident"]] = np.where(
        resident < 0, S_UNKNOWN, _status(resident == 1)
    )

    for code, param, field, scale in (
        ("tech_sme.staff_limit", "tech_sme.max_staff", "employees", 1),
        ("tech_sme.sales_limit", "tech_sme.max_sales", "sales_revenue", 100),
        ("tech_sme.assets_limit", "tech_sme.max_assets", "total_assets", 100),
    ):
        value = frame.fig(last, field)
        unknown = value == MISSING
        ok, gap, limit = _limit(np.where(unknown, 0, value), p(param), scale)
        c = col[code]
        res.status[:, c] = np.where(unknown, S_UNKNOWN, _status(ok))
        res.gap[:, c] = np.where(unknown, MISSING, gap)
        res.need[:, c] = np.where(unknown, MISSING, limit)

    restricted = ledger.column("restricted_industry")
    coverage = np.full(n, "none", dtype=object)
    if p("tech_sme.industry_negative_list_applies"):
        negative: Sequence[str] = p("super_deduction.negative_list")
        coverage = _per_industry(ledger, lambda code: prefix_coverage(code, negative))
    listed = np.asarray(coverage == "all", dtype=bool)
    partly = np.asarray(coverage == "some", dtype=bool)
    res.status[:, col["tech_sme.industry_allowed"]] = np.where(
        (restricted == 1) | listed,
        S_FAIL,
        np.where((restricted < 0) | partly, S_UNKNOWN, S_PASS),
    )

    inc = ledger.tables["incidents"]
    kinds = _codes(INCIDENT_KINDS, p("tech_sme.incident_kinds"), IncidentKind)
    since = dt.date(last, 1, 1).toordinal()
    hit = np.isin(inc["kind"], kinds) & (inc["on"] >= since) & (inc["on"] <= frame.day)
    lst = ledger.tables["listings"]
    listing_kinds = _codes(LISTING_KINDS, p("tech_sme.listing_kinds"), ListingKind)
    active = (
        np.isin(lst["kind"], listing_kinds)
        & (lst["start"] <= frame.day)
        & (lst["end"] >= frame.day)
    )
    clean = (_count_by_row(inc.row, hit, n) == 0) & (_count_by_row(lst.row, active, n) == 0)
    res.status[:, col["tech_sme.clean_record"]] = _status(clean)

    # The score (第七条): tech staff, the better R&D ratio, IP
    tech, staff = frame.fig(last, "tech_staff"), frame.fig(last, "employees")
    rd, sales = frame.fig(last, "rd_expense"), frame.fig(last, "sales_revenue")
    cost = frame.fig(last, "cost_and_expense")
    staff_known = (tech != MISSING) & (staff != MISSING)
    unknown = ~staff_known | (rd == MISSING) | (sales == MISSING)
    staff_bands: tuple[Band, ...] = p("tech_sme.tech_staff_bands")
    ratio_num = np.where(staff_known & (staff > 0), tech, 0)
    ratio_den = np.where(staff_known & (staff > 0), staff, 1)
    staff_points = _bands(staff_bands, ratio_num, ratio_den)[0]
    rd0 = np.where(unknown, 0, rd)
    has_sales = ~unknown & (sales != 0)
    by_sales = _bands(p("tech_sme.rd_sales_bands"), rd0, np.where(has_sales, sales, 1))[0]
    by_sales = np.where(has_sales, by_sales, 0)
    has_cost = ~unknown & (cost != MISSING) & (cost != 0)
    by_cost = _bands(p("tech_sme.rd_cost_bands"), rd0, np.where(has_cost, cost, 1))[0]
    by_cost = np.where(has_cost, by_cost, 0)
    ip = ledger.tables["ip"]
    counted = frame.valid_ip() & (ip["core"] != 0)
    class1 = np.isin(ip["kind"], [IP_KINDS.index(k) for k in CLASS_I_IP])
    c1 = _count_by_row(ip.row, counted & class1, n)
    c2 = _count_by_row(ip.row, counted & ~class1, n)
    ip1 = _bands(p("tech_sme.ip_class1_bands"), c1, np.ones_like(c1))[0]
    ip2 = _bands(p("tech_sme.ip_class2_bands"), c2, np.ones_like(c2))[0]
    total = staff_points + np.maximum(by_sales, by_cost) + np.where(c1 > 0, ip1, ip2)
    need: int = p("tech_sme.pass_score")
    c = col["tech_sme.score"]
    res.status[:, c] = np.where(unknown, S_UNKNOWN, _status(total >= need))
    res.gap[:, c] = np.where(unknown, MISSING, need - total)
    res.need[:, c] = need
    res.score = np.where(unknown, MISSING, total)

    # The tech-staff indicator must score (第六条（五）)
    nonzero = staff_points > 0
    lowest = next(
        (b.bound for b in reversed(staff_bands) if b.points_min > 0 and b.bound is not None), None
    )
    c = col["tech_sme.tech_staff_score_nonzero"]
    gap = np.zeros(n, dtype=np.int64)
    need_staff = np.full(n, MISSING, dtype=np.int64)
    if lowest is not None:
        _, short, required = _shortfall(ratio_num, np.where(staff_known, staff, 0), lowest)
        with_staff = staff_known & (staff > 0)
        gap = np.where(with_staff, short, 0)
        need_staff = np.where(with_staff, required, MISSING)
    res.status[:, c] = np.where(staff_known, _status(nonzero), S_UNKNOWN)
    res.gap[:, c] = np.where(staff_known & ~nonzero, gap, MISSING)
    res.need[:, c] = need_staff

    # Direct paths (第八条), in the verdict's order
    hnte, hnte_undecided = frame.holds([CertificationKind.HNTE], p)
    institution, _ = frame.holds(
        [CertificationKind.RD_INSTITUTION_PROVINCIAL, CertificationKind.RD_INSTITUTION_NATIONAL], p
    )
    res.undecided |= hnte_undecided
    directs = np.stack(
        [
            _status(hnte),
            _direct(frame, "awards", p, "tech_sme.award"),
            _status(institution),
            _direct(frame, "standards_led", p, "tech_sme.standard"),
        ],
        axis=1,
    )
    direct_pass = (directs == S_PASS).any(axis=1)
    first_direct = np.argmax(directs == S_PASS, axis=1)
    direct_unknown = (directs == S_UNKNOWN).any(axis=1)

    basic = res.status[:, : col["tech_sme.score"]]
    score_part = res.status[:, col["tech_sme.score"] :]
    basic_outcome = _combine(basic)
    score_outcome = _combine(score_part)
    chosen = np.where(
        score_outcome == O_ELIGIBLE, 0, np.where(direct_pass, first_direct + 1, -1)
    ).astype(np.int8)
    res.outcome = np.where(
        basic_outcome == O_INELIGIBLE,
        O_INELIGIBLE,
        np.where(
            chosen >= 0,
            basic_outcome,
            np.where(
                (score_outcome == O_INELIGIBLE) & ~direct_unknown, O_INELIGIBLE, O_UNDETERMINED
            ),
        ),
    ).astype(np.int8)
    res.failed = res.status == S_FAIL
    res.failed[:, col["tech_sme.score"] :] &= ~direct_pass[:, None]
    res.path = np.where(res.outcome == O_ELIGIBLE, chosen, -1).astype(np.int8)
    return res


# --------------------------------------------------------------------------- SME size


def _sme_size(frame: Frame, p: Params, inputs: Mapping[str, Any]) -> KernelResult:
    ledger, n = frame.ledger, frame.n
    codes = RULES["sme_size"].codes
    res = KernelResult(codes, n)
    year: int = inputs.get("year", frame.as_of.year - 1)
    classes = _per_industry(ledger, lambda code: _industry(code)[1])
    fields = {"employees": "employees", "revenue": "sales_revenue", "assets": "total_assets"}
    scale = {"employees": 1, "revenue": 100, "assets": 100}
    size = np.full(n, -1, dtype=np.int8)
    for cls in sorted({c for c in classes.tolist() if c is not None}):
        rows = classes == cls
        table: Mapping[str, tuple[Any, ...]] = p(f"sme_size.table.{cls}")
        values = {k: frame.fig(year, fields[k]) for k in table}
        known = rows.copy()
        for v in values.values():
            known &= v != MISSING
        below_upper = np.zeros(n, dtype=bool)
        medium = np.ones(n, dtype=bool)
        small = np.ones(n, dtype=bool)
        for key, (upper, medium_min, small_min) in table.items():
            v = np.where(known, values[key], 0)
            below_upper |= ~_at_least(v, upper, scale[key])
            medium &= _at_least(v, medium_min, scale[key])
            small &= _at_least(v, small_min, scale[key])
        sized = np.where(~below_upper, 0, np.where(medium, 1, np.where(small, 2, 3)))
        size[known] = sized[known]
    res.size = size
    res.status[:, 0] = np.where(size < 0, S_UNKNOWN, np.where(size == 0, S_FAIL, S_PASS))
    res.outcome = _combine(res.status)
    res.failed = res.status == S_FAIL
    return res


def _at_least(value: I64, bound: Any, scale: int) -> Bool:
    t = _frac(bound) * scale
    diff = exact_diff(value, t.denominator, np.ones_like(value), t.numerator)
    return np.asarray(diff >= 0, dtype=bool)


# --------------------------------------------------------------------------- above scale


def _above_scale(frame: Frame, p: Params, inputs: Mapping[str, Any]) -> KernelResult:
    ledger, n = frame.ledger, frame.n
    codes = RULES["above_scale"].codes
    res = KernelResult(codes, n)
    sections: Sequence[str] = p("above_scale.industry_sections")
    minimum = _frac(p("above_scale.industry_min_main_revenue")) * 100
    applies = _per_industry(ledger, lambda code: _industry(code)[0] in sections).astype(bool)
    year: int = inputs.get("year", frame.as_of.year - 1)
    value = frame.fig(year, "main_business_revenue")
    unknown = value == MISSING
    ok, gap, need = _shortfall(np.where(unknown, 0, value), np.ones(n, dtype=np.int64), minimum)
    status = np.where(unknown, S_UNKNOWN, _status(ok))
    res.status[:, 0] = np.where(applies, status, S_NA)
    res.gap[:, 0] = np.where(applies & ~unknown, gap, MISSING)
    res.need[:, 0] = np.where(applies & ~unknown, need, MISSING)
    res.outcome = np.where(applies, _combine(res.status), O_NA).astype(np.int8)
    res.failed = res.status == S_FAIL
    return res


def param_day(rule: str, as_of: dt.date, inputs: Mapping[str, Any]) -> dt.date:
    """The day whose parameters (and rule version) a rule reads.

    ``as_of`` for every rule but ``above_scale``, which reads the threshold of its
    statistics year (31 December of ``year``, by default the year before ``as_of``).
    """
    if rule == "above_scale":
        return dt.date(inputs.get("year", as_of.year - 1), 12, 31)
    return as_of


Kernel = Callable[[Frame, Params, Mapping[str, Any]], KernelResult]

KERNELS: Final[Mapping[str, Kernel]] = {
    "hnte": _hnte,
    "tech_sme": _tech_sme,
    "sme_size": _sme_size,
    "above_scale": _above_scale,
}
"""The rules with a columnar kernel."""
