"""Vectorised criteria: each rule family's tests over whole columns, exactly.

Every kernel mirrors the object path of :mod:`kejiservice.rules` criterion by
criterion and reads every threshold from the parameter set in force on ``as_of``.
Everything is exact integer arithmetic, never floats: a ratio test
``num / den >= p / q`` becomes the requirement ``need = ceil(p * den / q)`` (an int64
product and floor division while the product fits, checked on the data; Python ints for
the rows beyond) and the gap ``need - num`` (``num`` passes exactly when the gap is
``<= 0``); band tables compare ``num * q`` with ``p * den`` (:func:`exact_diff`). The
HNTE growth rate, whose cross-multiplied form needs products of two amounts, is first
bracketed by int64 long division (``(s << 10) // d``, exact floors); only the rows whose
bracket touches a band edge go through exact 128-bit arithmetic (:mod:`._wide`) or
Python ints.

Speed: figures come from the ledger's :class:`~._grid.YearGrid` (views of the columns
when every enterprise has the same years); ``screen`` runs kernels block by block
(:func:`~._grid.row_block`) and they write their answers in place into column-major
``(n, k)`` arrays; masks for unknown or zero rows are applied only when such rows
exist; the HNTE score items that depend on small numbers (IP counts, transformation
counts, growth bands) are read from tables built once per call.

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
import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Final, TypeVar

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
from ..rules import Outcome, Status
from ..rules._core import band_for
from ..rules.hnte import _growth_rate as growth_rate
from . import _wide
from ._columns import (
    ACQUISITIONS,
    CERT_KINDS,
    INCIDENT_KINDS,
    IP_KINDS,
    LISTING_KINDS,
    MAX_FEN,
    MISSING,
    OPEN_END,
    TECH_FIELDS,
    Ledger,
    fen_to_yuan,
)
from ._grid import YearGrid, bounds, segment_counts, segment_sums, year_grid

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

T = TypeVar("T")
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
if (S_PASS, S_FAIL, S_UNKNOWN, O_ELIGIBLE, O_INELIGIBLE, O_UNDETERMINED) != (0, 1, 2, 0, 1, 2):
    # the kernels build status codes arithmetically from these values
    raise ImportError("kejiservice.columnar expects pass/fail/unknown codes 0/1/2")

_INT64_MAX: Final = 2**63 - 1
_WIDE_FACTOR_MAX: Final = 2**19
"""Growth band edges p/q are handled in 128 bits while q and p + q stay below this."""
_NEAR_SHIFT_BITS: Final = 64
"""A three-year growth rate within 2**-64 (relative) of a band edge goes to the object path."""
_RATE_BITS: Final = 10
"""Fraction bits of the quick growth-rate test (``s << 10`` stays in int64 below 2**53)."""
_RATE_CAP: Final = 2**40
"""Quick growth-rate quotients are capped here (far above any band edge the test takes)."""

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
    """Parameter values in force on ``as_of`` for one region (what ``ctx.p`` reads).

    Values, and what kernels derive from them (:meth:`memo`), are kept for the life of
    the object: one screen, over all its row blocks.
    """

    __slots__ = ("_memo", "_values", "as_of", "params", "region")

    def __init__(self, params: ParameterSet, as_of: dt.date, region: str | None) -> None:
        self.params = params
        self.as_of = as_of
        self.region = region
        self._values: dict[str, Any] = {}
        self._memo: dict[Any, Any] = {}

    def __call__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            value = self._values[name] = self.params.value(name, self.as_of, self.region)
            return value

    def memo(self, key: Any, build: Callable[[], T]) -> T:
        """``build()``, computed once per ``key`` (tables derived from parameters)."""
        try:
            found: T = self._memo[key]
        except KeyError:
            found = self._memo[key] = build()
        return found


_SLOTS: Final = (
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


class KernelResult:
    """What a kernel computes for every row (``n`` rows, ``k`` criteria in CODES order).

    ``status`` (n, k) criterion codes; ``failed`` (n, k) the criteria the verdict lists
    in ``failed``; ``gap`` (n, k) the verdict's gap in the unit of :data:`UNITS`;
    ``need`` (n, k) the amount the gap is measured against (the required value, for
    relative distances); ``outcome`` (n,) verdict codes; ``score``, ``score_min``,
    ``score_max`` (n,); ``path`` (n,) index in :data:`PATHS` or -1; ``size`` (n,)
    index in :data:`SIZES` or -1; ``undecided`` (n,) rows for the object path.

    The (n, k) arrays are column-major, so that each criterion's column is contiguous
    (kernels fill them column by column). With ``fill=False`` everything but
    ``undecided`` is left uninitialised (see :meth:`reset`). A kernel writes its
    answers into the arrays in place (they may be views of a larger result:
    :meth:`view`), never by rebinding them.
    """

    __slots__ = ("codes", *_SLOTS)

    def __init__(self, codes: tuple[str, ...], n: int, *, fill: bool = True) -> None:
        k = len(codes)
        self.codes = codes
        self.status: I8 = np.empty((n, k), dtype=np.int8, order="F")
        self.failed: Bool = np.empty((n, k), dtype=bool, order="F")
        self.gap: I64 = np.empty((n, k), dtype=np.int64, order="F")
        self.need: I64 = np.empty((n, k), dtype=np.int64, order="F")
        self.outcome: I8 = np.empty(n, dtype=np.int8)
        self.score: I64 = np.empty(n, dtype=np.int64)
        self.score_min: I64 = np.empty(n, dtype=np.int64)
        self.score_max: I64 = np.empty(n, dtype=np.int64)
        self.path: I8 = np.empty(n, dtype=np.int8)
        self.size: I8 = np.empty(n, dtype=np.int8)
        self.undecided: Bool = np.zeros(n, dtype=bool)
        if fill:
            self.reset()

    def reset(self) -> None:
        """Every answer to its default: unknown, no gap, no score, undetermined."""
        self.status[...] = S_UNKNOWN
        self.failed[...] = False
        self.gap[...] = MISSING
        self.need[...] = MISSING
        self.outcome[...] = O_UNDETERMINED
        self.score[...] = MISSING
        self.score_min[...] = MISSING
        self.score_max[...] = MISSING
        self.path[...] = -1
        self.size[...] = -1

    def view(self, start: int, stop: int) -> KernelResult:
        """Rows ``start:stop``, as views: what a kernel writes there lands here."""
        out = KernelResult.__new__(KernelResult)
        out.codes = self.codes
        for name in _SLOTS:
            setattr(out, name, getattr(self, name)[start:stop])
        return out

    def assign(self, rows: Bool, other: KernelResult) -> None:
        """Take ``other``'s answers for the rows where ``rows`` is true."""
        for name in _SLOTS:
            mine = getattr(self, name)
            mine[rows] = getattr(other, name)[rows]

    def finish(self) -> None:
        """``failed`` and ``outcome`` from ``status`` when every criterion must pass."""
        np.equal(self.status, S_FAIL, out=self.failed)
        self.outcome[...] = _combine(self.status, self.failed)


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


def _meets(op: str, sign: int) -> bool:
    """:func:`_test` for one row: the band test on the sign of ``value - bound``."""
    if op == "at_least":
        return sign >= 0
    if op == "above":
        return sign > 0
    if op == "at_most":
        return sign <= 0
    return sign < 0


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
    return np.bincount(rows[where], minlength=n).astype(np.int64, copy=False)


def _in_codes(values: I64, codes: Sequence[int], size: int) -> Bool:
    """``np.isin(values, codes)`` for codes of a vocabulary of ``size``, by table lookup."""
    if values.shape[0] == 0 or int(values.min()) < 0 or int(values.max()) >= size:
        return np.isin(values, list(codes))
    table = np.zeros(size, dtype=bool)
    table[list(codes)] = True
    out: Bool = table.take(values)
    return out


def _ceil_ratio(
    den: I64,
    p: int | I64,
    q: int,
    out: I64,
    top: int | None = None,
    ignore: Bool | None = None,
) -> None:
    """``out = ceil(p * den / q)`` exactly (``q > 0``; ``p`` one int or one per row).

    In int64 where ``|p * den| + q`` fits, which the largest ``|p|`` (``top`` when
    known) decides row by row; the rows beyond (amounts near :data:`MAX_FEN` times a
    fine ratio) in Python ints. Rows where ``ignore`` is set, or ``den`` is negative, get
    meaningless values (the callers overwrite them).
    """
    if top is None:
        top = abs(p) if isinstance(p, int) else (int(np.abs(p).max()) if p.shape[0] else 0)
    if top == 0:
        out[...] = 0
        return
    limit = (_INT64_MAX - (q - 1)) // top
    rows: I64 | None = None
    safe = den
    if den.shape[0] and int(den.max()) > limit:
        big = den > limit
        if ignore is not None:
            big &= ~ignore
        if big.any():
            rows = np.flatnonzero(big)
            safe = den.copy()
            safe[rows] = 0
    np.multiply(safe, p, out=out)
    if q != 1:
        out += q - 1
        np.floor_divide(out, q, out=out)
    if rows is not None:
        factors = [p] * rows.shape[0] if isinstance(p, int) else p[rows].tolist()
        values = [-((-f * d) // q) for f, d in zip(factors, den[rows].tolist(), strict=True)]
        out[rows] = values


def _set_status(out: I8, fail: Bool, unknown: Bool | None = None) -> None:
    """Write criterion codes into ``out``: unknown, else fail, else pass."""
    if unknown is None:
        np.copyto(out, fail.view(np.int8))
    else:
        np.add((fail & ~unknown).view(np.int8), unknown.view(np.int8) << 1, out=out)


def _select(cond: Bool, a: I64 | int, b: I64 | int) -> I64:
    """``np.where(cond, a, b)`` for int64, by ``b + (a - b) * cond`` (wrap-arounds cancel)."""
    out: I64 = np.subtract(a, b, dtype=np.int64)
    out *= cond
    out += b
    return out


def _put(values: NDArray[Any], rows: Bool, value: int) -> None:
    """``values[rows] = value``, skipped when no row is set."""
    if rows.any():
        values[rows] = value


def _count_clip(bands: Sequence[Band]) -> int:
    """A count from which every band test gives the same answer for all larger counts."""
    edges = [_frac(b.bound) for b in bands if b.op is not None and b.bound is not None]
    return max([0, *(math.floor(e) for e in edges)]) + 1


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

    __slots__ = ("_grid", "as_of", "day", "ledger", "n")

    def __init__(self, ledger: Ledger, as_of: dt.date) -> None:
        self.ledger = ledger
        self.as_of = as_of
        self.day = as_of.toordinal()
        self.n = len(ledger)
        self._grid: YearGrid | None = None

    @property
    def grid(self) -> YearGrid:
        """The ledger's year lookups (built on first use, kept in the ledger's cache)."""
        if self._grid is None:
            self._grid = year_grid(self.ledger)
        return self._grid

    def year_index(self, year: int) -> I64:
        """Per row, the index of accounting year ``year`` in the years table, or -1."""
        return self.grid.index(year)

    def fig(self, year: int, field: str) -> I64:
        """Figure ``field`` of accounting ``year`` per row (:data:`MISSING` if absent).

        Read-only (often a view of the ledger's column): copy before writing.
        """
        return self.grid.fig(year, field)

    def valid_ip(self) -> Bool:
        """IP items valid on ``as_of``: granted, not expired, not disputed."""
        ip = self.ledger.tables["ip"]
        valid: Bool = ip["disputed"] == 0
        valid &= ip["granted_on"] <= self.day
        valid &= ip["expires_on"] >= self.day
        return valid

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
        hit = _in_codes(certs["kind"], codes, len(CERT_KINDS))
        hit &= certs["issued_on"] <= self.day
        hit &= ends >= self.day
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


def _combine(status: I8, failed: Bool | None = None) -> I8:
    """All must pass: any fail -> ineligible; else any unknown -> undetermined."""
    fail = (status == S_FAIL if failed is None else failed).any(axis=1)
    unknown = (status == S_UNKNOWN).any(axis=1)
    unknown &= ~fail
    out: I8 = fail.view(np.int8) + (unknown.view(np.int8) << 1)
    return out


# --------------------------------------------------------------------------- HNTE


_TABLE_MAX: Final = 100_000
"""Score tables looked up per row are built only up to this many entries."""


def _floor(limit: Any, scale: int) -> int:
    """``floor(limit * scale)``: a whole ``value`` is ``<= limit * scale`` iff ``<=`` this."""
    t = _frac(limit) * scale
    return t.numerator // t.denominator


class _Window:
    """The HNTE R&D period: the accounting years before ``as_of``'s year, from registration.

    Most enterprises were registered before the window opens and have every year of it;
    the others (``partial``, registered during the window or later) are recomputed on
    their own, so the common case needs no per-year masks.
    """

    __slots__ = (
        "end",
        "first",
        "more_years",
        "nyears",
        "partial",
        "partial_reg",
        "start",
        "three_years",
        "two_years",
    )

    def __init__(self, frame: Frame, length: int) -> None:
        self.end = frame.as_of.year - 1
        self.first = self.end - length + 1
        reg_year = frame.ledger.column("registered_year")
        self.start: I64 = np.maximum(self.first, reg_year)
        self.nyears: I64 = self.end - self.start + 1
        self.partial: I64 = np.flatnonzero(reg_year > self.first)
        self.partial_reg: I64 = reg_year[self.partial]
        self.two_years: Bool = self.nyears == 2
        self.three_years: Bool = self.nyears == 3
        self.more_years: Bool = self.nyears > 3

    @property
    def years(self) -> range:
        """The accounting years of the window."""
        return range(self.first, self.end + 1)

    def sum(self, frame: Frame, field: str) -> tuple[I64, Bool]:
        """``field`` summed over the window, and the rows where a figure in it is absent.

        The sum is meaningless on those rows (absent figures are not masked out).
        """
        figures = [frame.fig(year, field) for year in self.years]
        if not figures:
            return np.zeros(frame.n, dtype=np.int64), np.zeros(frame.n, dtype=bool)
        total = figures[0].copy() if len(figures) == 1 else figures[0] + figures[1]
        missing = figures[0] == MISSING
        for values in figures[1:]:
            missing |= values == MISSING
        for values in figures[2:]:
            total += values
        if self.partial.shape[0]:
            rows = self.partial
            part_total = np.zeros(rows.shape[0], dtype=np.int64)
            part_missing = np.zeros(rows.shape[0], dtype=bool)
            for year, values in zip(self.years, figures, strict=True):
                inside = self.partial_reg <= year
                part = values[rows]
                part_missing |= inside & (part == MISSING)
                part *= inside
                part_total += part
            total[rows] = part_total
            missing[rows] = part_missing
        return total, missing


def _ratio_into(
    res: KernelResult,
    c: int,
    num: I64,
    den: I64,
    p: int | I64,
    q: int,
    unknown: Bool,
    zero: Bool,
    top: int | None = None,
) -> None:
    """A ratio criterion ``num / den >= p / q`` into column ``c`` of ``res``.

    ``unknown`` rows: unknown, no gap; ``zero`` rows (a zero or negative base): fail with
    gap 0 and no requirement; else the requirement ``ceil(p * den / q)`` and the gap
    ``need - num`` (pass when ``<= 0``).
    """
    bad = unknown | zero
    any_bad = bool(bad.any())
    need = res.need[:, c]
    gap = res.gap[:, c]
    _ceil_ratio(den, p, q, need, top, bad if any_bad else None)
    np.subtract(need, num, out=gap)
    fail = gap > 0
    if any_bad:
        fail &= ~bad
        fail |= zero
        _put(gap, zero, 0)
        _put(gap, unknown, MISSING)
        need[bad] = MISSING
        _set_status(res.status[:, c], fail, unknown)
    else:
        _set_status(res.status[:, c], fail)


def _hnte(frame: Frame, p: Params, inputs: Mapping[str, Any], res: KernelResult) -> None:
    """HNTE: writes every answer into ``res`` (no defaults needed)."""
    ledger, n = frame.ledger, frame.n
    col = {code: i for i, code in enumerate(res.codes)}
    last = frame.as_of.year - 1

    # 1 registered at least min_age_days before as_of
    need_days: int = p("hnte.min_age_days")
    c = col["hnte.registered_one_year"]
    gap = res.gap[:, c]
    np.add(ledger.registered_on, need_days - frame.day, out=gap)  # need - age
    _set_status(res.status[:, c], gap > 0)
    res.need[:, c] = need_days

    # 2 core IP owned, and some IP valid on as_of
    ip = _IpFacts(frame)
    owned = ledger.column("core_ip_owned")
    c = col["hnte.core_ip"]
    _set_status(res.status[:, c], ~((owned == 1) & ip.any_valid), owned < 0)
    res.gap[:, c] = MISSING
    res.need[:, c] = MISSING

    # 3 key field
    field = ledger.column("tech_field")
    c = col["hnte.key_field"]
    _set_status(res.status[:, c], field == TECH_FIELDS.index(TechField.NONE), field < 0)
    res.gap[:, c] = MISSING
    res.need[:, c] = MISSING

    # 4 tech staff / employees of the last year
    tech, staff = frame.fig(last, "tech_staff"), frame.fig(last, "employees")
    unknown = (tech == MISSING) | (staff == MISSING)
    t = _frac(p("hnte.tech_staff_ratio_min"))
    zero = staff == 0
    zero &= ~unknown
    _ratio_into(
        res, col["hnte.tech_staff_ratio"], tech, staff, t.numerator, t.denominator, unknown, zero
    )

    # 5 R&D / sales over the window, the ratio by the band of last-year sales
    window = _Window(frame, p("hnte.rd_years"))
    empty = window.nyears <= 0
    sales, missing_sales = window.sum(frame, "sales_revenue")
    rd, missing_rd = window.sum(frame, "rd_expense")
    domestic, missing_domestic = window.sum(frame, "rd_expense_domestic")
    unknown = empty | missing_sales | missing_rd
    last_sales = frame.fig(window.end, "sales_revenue")  # meaningless where unknown
    ratios = [_frac(p(f"hnte.rd_band{band}_ratio_min")) for band in (1, 2, 3)]
    common = math.lcm(*(r.denominator for r in ratios))
    factors = [r.numerator * (common // r.denominator) for r in ratios]
    if factors[0] == factors[1] == factors[2]:
        factor: int | I64 = factors[0]
    else:
        band1 = last_sales <= _floor(p("hnte.rd_band1_sales_max"), 100)
        band2 = last_sales <= _floor(p("hnte.rd_band2_sales_max"), 100)
        # band 1 where band1; band 2 where band2 only; band 3 elsewhere
        which = (band1.view(np.int8) << 1) | band2.view(np.int8)
        factor = np.array([factors[2], factors[1], factors[0], factors[0]], np.int64).take(which)
    zero = sales == 0
    zero &= ~unknown
    c = col["hnte.rd_expense_ratio"]
    _ratio_into(res, c, rd, sales, factor, common, unknown, zero, max(map(abs, factors)))

    # 5b domestic R&D share over the same window
    unknown = empty | missing_rd | missing_domestic
    zero = rd == 0
    zero &= ~unknown
    t = _frac(p("hnte.domestic_rd_ratio_min"))
    c = col["hnte.domestic_rd_share"]
    _ratio_into(res, c, domestic, rd, t.numerator, t.denominator, unknown, zero)

    # 6 high-tech income / (total income - non-taxable income) of the last year
    hti = frame.fig(last, "high_tech_income")
    total = frame.fig(last, "total_income")
    untaxed = frame.fig(last, "non_taxable_income")
    unknown = (hti == MISSING) | (total == MISSING) | (untaxed == MISSING)
    income = total - untaxed  # meaningless where unknown
    zero = income <= 0
    zero &= ~unknown
    t = _frac(p("hnte.high_tech_income_ratio_min"))
    c = col["hnte.high_tech_income_share"]
    _ratio_into(res, c, hti, income, t.numerator, t.denominator, unknown, zero)

    # 7 innovation score: given per row, else the range the objective items allow
    _innovation(frame, p, res, col["hnte.innovation_score"], window, ip)

    # 8 no major incident within the lookback before as_of
    kinds = _codes(INCIDENT_KINDS, p("hnte.incident_kinds"), IncidentKind)
    lookback: int = p("hnte.incident_lookback_days")
    inc = ledger.tables["incidents"]
    hit = _in_codes(inc["kind"], kinds, len(INCIDENT_KINDS))
    hit &= inc["on"] >= frame.day - lookback
    hit &= inc["on"] <= frame.day
    c = col["hnte.no_major_incident"]
    hits = res.gap[:, c]
    hits[...] = _count_by_row(inc.row, hit, n)
    _set_status(res.status[:, c], hits > 0)
    res.need[:, c] = MISSING

    res.finish()
    np.negative((res.outcome != O_ELIGIBLE).view(np.int8), out=res.path)  # 0 or -1
    res.size[...] = -1


class _IpFacts:
    """Per row, the IP items valid on ``as_of``: Class I and II counts, any owned/unset.

    One pass over the IP table (:func:`~._grid.segment_counts`).
    """

    __slots__ = ("any_valid", "class1", "class2", "own_or_unset")

    def __init__(self, frame: Frame) -> None:
        ip = frame.ledger.tables["ip"]
        valid = frame.valid_ip()
        class1 = _in_codes(ip["kind"], [IP_KINDS.index(k) for k in CLASS_I_IP], len(IP_KINDS))
        acquired = ip["acquired"]
        own = acquired == ACQUISITIONS.index(Acquisition.OWN)
        own |= acquired < 0
        class1 &= valid
        own &= valid
        valid &= ~class1  # now: valid and Class II
        self.class1, self.class2, owned = segment_counts(frame.ledger, "ip", [class1, valid, own])
        self.own_or_unset: Bool = owned > 0
        self.any_valid: Bool = (self.class1 + self.class2) > 0


def _innovation(
    frame: Frame, p: Params, res: KernelResult, c: int, window: _Window, ip: _IpFacts
) -> None:
    ledger = frame.ledger
    need: int = p("hnte.innovation_score_pass")
    score = ledger.innovation_score
    given = score != MISSING
    low, high = _base_points(frame, p, window, ip)
    growth: tuple[Band, ...] = p("hnte.score.growth")
    wanted = ~given
    net, beyond = _growth(frame, p, window, growth, "net_assets", wanted)
    sales, beyond_sales = _growth(frame, p, window, growth, "sales_revenue", wanted)
    beyond |= beyond_sales
    res.undecided |= wanted & beyond
    # both growth items from one table: (net assets band, sales band)
    table_lo, table_hi = p.memo(("hnte.growth_pairs",), lambda: _growth_pairs(growth))
    pair = np.multiply(net, len(growth) + 2, dtype=np.intp)
    pair += sales
    low += table_lo.take(pair)
    high += table_hi.take(pair)

    # a range of one value is a score (as if given); otherwise the range decides or not
    exact = low == high
    exact |= given
    value = _select(given, score, low)
    res.score[...] = _select(exact, value, MISSING)
    res.score_min[...] = _select(exact, MISSING, low)
    res.score_max[...] = _select(exact, MISSING, high)
    short = value < need
    fail_range = high < need
    pass_range = low >= need
    fail = (exact & short) | (~exact & fail_range)
    unknown = ~(exact | fail_range | pass_range)
    _set_status(res.status[:, c], fail, unknown)
    res.gap[:, c] = _select(exact, need - value, _select(fail_range, need - high, MISSING))
    res.need[:, c] = need


def _growth_pairs(bands: Sequence[Band]) -> tuple[I64, I64]:
    """Points (min, max) of both growth items by ``band_a * (len + 2) + band_b``.

    A band index is the band met, ``len(bands)`` for none (0 points) and
    ``len(bands) + 1`` for an unknown item (0 to the best band's points).
    """
    unknown_max = max(b.points_max for b in bands)
    lo = np.array([b.points_min for b in bands] + [0, 0], dtype=np.int64)
    hi = np.array([b.points_max for b in bands] + [0, unknown_max], dtype=np.int64)
    return (lo[:, None] + lo[None, :]).ravel(), (hi[:, None] + hi[None, :]).ravel()


class _ScoreTables:
    """The IP and transformation items' points, and the organisation item's maximum,
    for every combination of the small numbers they depend on (built once per call).

    Row ``ip * (transformation size) + transformation`` where ``ip`` is
    ``((min(I, k1) * (k2 + 1) + min(II, k2)) * 2 + owned) * 2 + led`` and
    ``transformation`` is ``min(done, top) * (length + 1) + years`` (``years`` 0 for an
    unknown item).
    """

    __slots__ = ("hi", "k1", "k2", "length", "lo", "top")

    def __init__(self, p: Params, length: int) -> None:
        self.length = length
        self.k1 = k1 = _count_clip(p("hnte.score.ip_count_class1"))
        self.k2 = k2 = _count_clip(p("hnte.score.ip_count_class2"))
        bands: tuple[Band, ...] = p("hnte.score.transformation")
        edges = [_frac(b.bound) for b in bands if b.op is not None and b.bound is not None]
        self.top = top = max([0, *(math.floor(e * length) for e in edges)]) + 1
        g1, g2, g_own, g_led = np.indices((k1 + 1, k2 + 1, 2, 2)).reshape(4, -1)
        ip_lo, ip_hi = _ip_range(
            p, g1.astype(np.int64), g2.astype(np.int64), g_own == 1, g_led == 1
        )
        done, years = np.indices((top + 1, length + 1)).reshape(2, -1).astype(np.int64)
        tr_lo, tr_hi = _transformation_range(p, done, years, years > 0)
        organisation: int = p("hnte.score.organisation_max")
        self.lo: I64 = (ip_lo[:, None] + tr_lo[None, :]).ravel()
        self.hi: I64 = (ip_hi[:, None] + tr_hi[None, :] + organisation).ravel()

    @staticmethod
    def fits(p: Params, length: int) -> bool:
        """Whether the table stays small (else the items are computed row by row)."""
        k1 = _count_clip(p("hnte.score.ip_count_class1"))
        k2 = _count_clip(p("hnte.score.ip_count_class2"))
        bands: tuple[Band, ...] = p("hnte.score.transformation")
        edges = [_frac(b.bound) for b in bands if b.op is not None and b.bound is not None]
        top = max([0, *(math.floor(e * length) for e in edges)]) + 1
        return (k1 + 1) * (k2 + 1) * 4 * (top + 1) * (length + 1) <= _TABLE_MAX


def _base_points(frame: Frame, p: Params, window: _Window, ip: _IpFacts) -> tuple[I64, I64]:
    """Per row, the points (min, max) of the IP, transformation and organisation items."""
    ledger, n = frame.ledger, frame.n
    standards = ledger.tables["standards_led"]
    led = np.bincount(standards.row, minlength=n)[:n] > 0
    ach = ledger.tables["achievements"]
    if len(ach):
        inside = ach["year"] <= window.end
        inside &= ach["year"] >= window.start.take(ach.row)
        done = segment_sums(ach["count"] * inside, bounds(ledger, "achievements"))
    else:
        done = np.zeros(n, dtype=np.int64)
    known = ledger.column("has_achievements") != 0
    known &= window.nyears > 0
    length = max(window.end - window.first + 1, 1)
    tables = p.memo(
        ("hnte.score_tables", length),
        lambda: _ScoreTables(p, length) if _ScoreTables.fits(p, length) else None,
    )
    if tables is None or n == 0 or int(done.min()) < 0:
        # (a huge band edge, or not from validated input) the items row by row
        lo, hi = _ip_range(p, ip.class1, ip.class2, ip.own_or_unset, led)
        tr_lo, tr_hi = _transformation_range(p, done, np.maximum(window.nyears, 1), known)
        lo += tr_lo
        hi += tr_hi
        hi += p("hnte.score.organisation_max")
        return lo, hi
    index = np.minimum(ip.class1, tables.k1)
    index *= tables.k2 + 1
    index += np.minimum(ip.class2, tables.k2)
    index <<= 1
    index |= ip.own_or_unset
    index <<= 1
    index |= led
    index *= (tables.top + 1) * (length + 1)
    np.minimum(done, tables.top, out=done)
    done *= length + 1
    index += done
    index += window.nyears * known  # years in the window: 1 .. length where known
    out_lo: I64 = tables.lo.take(index)
    out_hi: I64 = tables.hi.take(index)
    return out_lo, out_hi


def _ip_range(p: Params, class1: I64, class2: I64, own: Bool, led: Bool) -> tuple[I64, I64]:
    """The IP item's points (min, max) from the counts of valid items and the two facts."""
    lo1, hi1 = _bands(p("hnte.score.ip_count_class1"), class1, np.ones_like(class1))
    lo2, hi2 = _bands(p("hnte.score.ip_count_class2"), class2, np.ones_like(class2))
    count_lo = np.where(class1 > 0, lo1, lo2)
    count_hi = np.where(class1 > 0, hi1, hi2)
    any_valid = (class1 + class2) > 0
    own_max: int = p("hnte.score.ip_acquisition_own_max")
    other_max: int = p("hnte.score.ip_acquisition_other_max")
    acq_lo = np.where(any_valid, 1, 0)
    acq_hi = np.where(any_valid, np.where(own, own_max, other_max), 0)
    bonus_max: int = p("hnte.score.standards_bonus_max")
    expert_max: int = p("hnte.score.ip_advancement_max") + p("hnte.score.ip_core_support_max")
    cap: int = p("hnte.score.ip_subtotal_max")
    lo = np.minimum(cap, count_lo + acq_lo + np.where(led, 1, 0))
    hi = np.minimum(cap, count_hi + acq_hi + np.where(led, bonus_max, 0) + expert_max)
    return lo.astype(np.int64, copy=False), hi.astype(np.int64, copy=False)


def _transformation_range(p: Params, done: I64, years: I64, known: Bool) -> tuple[I64, I64]:
    """The transformation item's points (min, max): ``done / years`` by band where known."""
    bands: tuple[Band, ...] = p("hnte.score.transformation")
    lo, hi = _bands(bands, done, np.maximum(years, 1))
    return _select(known, lo, 0), _select(known, hi, max(b.points_max for b in bands))


def _growth(
    frame: Frame, p: Params, window: _Window, bands: Sequence[Band], kind: str, wanted: Bool
) -> tuple[I8, Bool]:
    """One growth item of the HNTE assessment: the band met per row, and rows it cannot do.

    The band is an index in ``bands``; ``len(bands)`` where the item scores 0 (no rate or
    no band met), ``len(bands) + 1`` where it is unknown (a figure absent).

    Mirrors ``rules.hnte._growth_rate``: fewer than two years, a negative value, a zero
    base -> 0 points; three years -> ``(S2/S1 + S3/S2) / 2 - 1`` (``S3/S2 - 1`` when
    ``S1 == 0``, 0 points when ``S2 == 0``); two years -> ``S2/S1 - 1``.

    Band edges are decided exactly, in two steps. First int64 long division brackets
    ``S2/S1 + S3/S2`` (or ``2 * S3/S2``) within ``2 / 2**10``: a row whose bracket lies
    strictly on one side of every edge it meets is placed (never exactly on an edge, so
    never near one). The few rows left go through exact 128-bit arithmetic
    (:func:`_growth_exact`). The object path computes the three-year rate in 28-digit
    decimals, which can round a rate lying exactly on (or within 2**-64 of) a band edge
    either way; for those rows the band is taken from the object path's own decimal
    computation, so both agree. A window longer than three years (a parameter change),
    or amounts beyond :data:`MAX_FEN` (only from unvalidated columns), are returned as
    undecided. Only the ``wanted`` rows are computed (rows with an expert score need no
    range); the others get no points.
    """
    n = frame.n
    count = len(bands)
    if count > 100:
        raise ValueError("growth tables have at most 100 bands")
    # the figures of the window's years, as if every row had all of them (a row lacking
    # the early ones is recomputed below); values are meaningless where absent
    values: list[I64] = []
    absents: list[Bool] = []
    belows: list[Bool] = []
    for year in window.years:
        if kind == "net_assets":
            assets = frame.fig(year, "total_assets")
            debts = frame.fig(year, "total_liabilities")
            absent = (assets == MISSING) | (debts == MISSING)
            value = assets - debts
            _put(value, absent, 0)
            below = value < 0
        else:
            value = frame.fig(year, kind)
            absent = value == MISSING
            below = value < 0
            below ^= absent  # MISSING is negative too
        values.append(value)
        absents.append(absent)
        belows.append(below)
    missing = np.zeros(n, dtype=bool)
    negative = np.zeros(n, dtype=bool)
    for absent, below in zip(absents, belows, strict=True):
        missing |= absent
        negative |= below
    if window.partial.shape[0]:
        rows = window.partial
        part_missing = np.zeros(rows.shape[0], dtype=bool)
        part_negative = np.zeros(rows.shape[0], dtype=bool)
        for year, absent, below in zip(window.years, absents, belows, strict=True):
            inside = window.partial_reg <= year
            part_missing |= inside & absent[rows]
            part_negative |= inside & below[rows]
        missing[rows] = part_missing
        negative[rows] = part_negative
    if len(values) < 2:
        return (missing.view(np.int8) + np.int8(count)).astype(np.int8), np.zeros(n, bool)
    # a year before registration counts as 0; the tests below never read one: S1 only
    # with three years, S2 only with two or three
    s3 = values[-1]
    s2 = values[-2]
    s1 = values[-3] if len(values) >= 3 else np.zeros(n, dtype=np.int64)
    usable = wanted & ~missing
    usable &= ~negative
    usable &= s2 > 0
    three = usable & window.three_years
    three &= s1 > 0
    two = window.three_years & (s1 == 0)
    two |= window.two_years
    two &= usable
    # a window longer than three years (a regional R&D window): the object path reads
    # growth over its last three years, whatever is missing before them
    beyond = window.more_years & wanted
    free = two | three
    if n and max(int(s1.max()), int(s2.max()), int(s3.max())) > MAX_FEN:
        over = (s2 > MAX_FEN) | (s3 > MAX_FEN) | (three & (s1 > MAX_FEN))
        over &= free
        if over.any():  # not from validated input: the object path
            beyond |= over
            free &= ~over
            two &= ~over
            three &= ~over

    # the quick test: A ~ S2/S1 (three years) or S3/S2 (two), B ~ S3/S2, in units 2**-10
    bits = _RATE_BITS
    quick_b = np.left_shift(s3, bits)
    quick_b //= np.maximum(s2, 1)
    quick_a = np.left_shift(s2, bits)
    quick_a //= np.maximum(s1, 1)
    if two.any():
        np.copyto(quick_a, quick_b, where=two)
    np.minimum(quick_a, _RATE_CAP, out=quick_a)
    np.minimum(quick_b, _RATE_CAP, out=quick_b)
    total = quick_a
    total += quick_b  # S2/S1 + S3/S2 lies in [total, total + 2) / 2**bits
    edges = _growth_edges(tuple(bands))
    table = _growth_table(tuple(bands))
    if table is not None:
        # one lookup: 0 not free, 1 missing, 2 + min(total, cap) the band for that total
        cap = table.shape[0] - 3
        at = np.minimum(total.view(np.uint64), cap).view(np.int64)
        at += 2
        at *= free
        at += missing
        band: I8 = table.take(at)
        unsure = band == _UNSURE
        near = band == _DECIMALS
        return _growth_settle(band, unsure, near, s1, s2, s3, three, bands, edges), beyond
    band = np.logical_not(free).view(np.int8) * np.int8(count)  # no band: count
    remaining = free.copy()
    unsure = np.zeros(n, dtype=bool)
    near = np.zeros(n, dtype=bool)
    for edge in edges:
        if edge is None:
            break  # every remaining row takes this band
        if edge is _BEYOND_BUDGET:
            near |= remaining  # an edge beyond the 128-bit budget: decimals for all
            unsure &= ~near
            break
        op, p_, q_ = edge
        # rate >= p/q  <=>  S2/S1 + S3/S2 >= 2 (p + q) / q; with total <= 2**41 and
        # q < 2**19 the scaled comparisons are exact, and for a whole total
        # total * q > E  <=>  total > E // q,  (total + 2) * q <= E  <=>  total <= E // q - 2
        threshold = ((2 * (p_ + q_)) << bits) // q_
        above = total > threshold
        under = total <= threshold - 2
        unsure |= remaining & ~(above | under)
        remaining &= ~(above if op in ("at_least", "above") else under)
        band += remaining
    band += missing  # missing rows are not free: count + 1
    return _growth_settle(band, unsure, near, s1, s2, s3, three, bands, edges), beyond


def _growth_settle(
    band: I8,
    unsure: Bool,
    near: Bool,
    s1: I64,
    s2: I64,
    s3: I64,
    three: Bool,
    bands: Sequence[Band],
    edges: Sequence[tuple[str, int, int] | None],
) -> I8:
    """``band`` with the ``unsure`` rows decided exactly and the ``near`` rows (and the
    exact test's close ones) as the object path's decimals decide."""
    if unsure.any():
        rows = np.flatnonzero(unsure)
        found, close = _growth_exact(rows, s1, s2, s3, three, bands, edges)
        band[rows] = found
        near[rows[close]] = True
    for row in np.flatnonzero(near).tolist():
        series = [s1[row], s2[row], s3[row]] if three[row] else [s2[row], s3[row]]
        rate, _ = growth_rate([fen_to_yuan(int(v)) for v in series])
        decided = band_for(bands, rate) if rate is not None else None
        band[row] = next((i for i, b in enumerate(bands) if b is decided), len(bands))
    return band


_UNSURE: Final = -1
"""Growth table code: the quick test cannot place the row (exact test)."""
_DECIMALS: Final = -2
"""Growth table code: an edge beyond the 128-bit budget (the object path's decimals)."""
_GROWTH_TABLE_MAX: Final = 1 << 16
"""Largest quick-test total the growth lookup table covers (else a loop over edges)."""


@functools.lru_cache(maxsize=64)
def _growth_table(bands: tuple[Band, ...]) -> I8 | None:
    """The growth band per quick-test value: index ``0`` not free (no band), ``1``
    missing (unknown), ``2 + t`` for a total ``t`` (capped above every threshold):
    the band met, :data:`_UNSURE` or :data:`_DECIMALS`. ``None`` if too large."""
    edges = _growth_edges(bands)
    count = len(bands)
    thresholds = [
        ((2 * (e[1] + e[2])) << _RATE_BITS) // e[2]
        for e in edges
        if e is not None and e is not _BEYOND_BUDGET
    ]
    cap = max([-1, *thresholds]) + 1
    if cap > _GROWTH_TABLE_MAX:
        return None
    total = np.arange(cap + 1, dtype=np.int64)
    band = np.full(cap + 1, count, dtype=np.int8)
    remaining = np.ones(cap + 1, dtype=bool)
    for index, edge in enumerate(edges):
        if edge is None:
            band[remaining] = index
            break
        if edge is _BEYOND_BUDGET:
            band[remaining] = _DECIMALS
            break
        op, p, q = edge
        threshold = ((2 * (p + q)) << _RATE_BITS) // q
        above = total > threshold
        under = total <= threshold - 2
        unsure = remaining & ~(above | under)
        band[unsure] = _UNSURE
        remaining &= ~unsure
        hit = remaining & (above if op in ("at_least", "above") else under)
        band[hit] = index
        remaining &= ~hit
    table: I8 = np.concatenate([np.array([count, count + 1], dtype=np.int8), band])
    table.flags.writeable = False
    return table


_BEYOND_BUDGET: Final = ("beyond", 0, 0)
"""A growth band edge ``p/q`` the 128-bit test cannot take (``p < 0`` or too fine)."""


@functools.lru_cache(maxsize=64)
def _growth_edges(bands: tuple[Band, ...]) -> list[tuple[str, int, int] | None]:
    """Per band: ``(op, p, q)`` of its edge ``p/q``, ``None`` for "otherwise", or
    :data:`_BEYOND_BUDGET`."""
    out: list[tuple[str, int, int] | None] = []
    for b in bands:
        if b.op is None or b.bound is None:
            out.append(None)
            continue
        t = _frac(b.bound)
        p, q = t.numerator, t.denominator
        beyond = p < 0 or q >= _WIDE_FACTOR_MAX or p + q >= _WIDE_FACTOR_MAX
        out.append(_BEYOND_BUDGET if beyond else (b.op, p, q))
    return out


_EXACT_VECTOR_MIN: Final = 256
"""From this many rows on, the exact growth test runs in 128-bit columns; below, per row."""


def _growth_exact(
    rows: I64,
    s1: I64,
    s2: I64,
    s3: I64,
    three: Bool,
    bands: Sequence[Band],
    edges: Sequence[tuple[str, int, int] | None],
) -> tuple[I64, Bool]:
    """For ``rows``: the index of the first band the growth rate meets (``len(bands)``:
    none), exactly, and the three-year rows within 2**-64 of an edge met.

    In 128-bit columns (:func:`_rate_signs`) for many rows, in Python ints for a few
    (the same comparisons; columns cost more than they save on a handful of rows).
    """
    if rows.shape[0] < _EXACT_VECTOR_MIN:
        return _growth_exact_rows(rows, s1, s2, s3, three, edges)
    count = len(bands)
    found = np.full(rows.shape[0], count, dtype=np.int64)
    close_any = np.zeros(rows.shape[0], dtype=bool)
    at = np.arange(rows.shape[0])
    is_three = three[rows]
    u1, u2, u3 = (v[rows].astype(np.uint64) for v in (s1, s2, s3))
    numer = _wide.add(_wide.mul(u2, u2), _wide.mul(u1, u3))  # s2**2 + s1*s3
    denom = _wide.mul(u1, u2)  # s1*s2
    first, second = _wide.U128.of(s2[rows]), _wide.U128.of(s3[rows])
    for index, band in enumerate(bands):
        if at.shape[0] == 0:
            break
        if band.op is None or band.bound is None:
            found[at] = index
            break
        t = _frac(band.bound)
        p_, q_ = t.numerator, t.denominator
        if p_ < 0 or q_ >= _WIDE_FACTOR_MAX or p_ + q_ >= _WIDE_FACTOR_MAX:
            close_any[at] = True  # an edge beyond the 128-bit budget: decimals for all
            break
        sign, close = _rate_signs(is_three, numer, denom, first, second, p_, q_)
        close_any[at[close]] = True
        hit = _test(band.op, sign)
        found[at[hit]] = index
        keep = ~hit
        at, is_three = at[keep], is_three[keep]
        numer, denom = numer.take(keep), denom.take(keep)
        first, second = first.take(keep), second.take(keep)
    return found, close_any


def _growth_exact_rows(
    rows: I64,
    s1: I64,
    s2: I64,
    s3: I64,
    three: Bool,
    edges: Sequence[tuple[str, int, int] | None],
) -> tuple[I64, Bool]:
    """:func:`_growth_exact` row by row in Python ints (the comparisons of :func:`_rate_signs`)."""
    found: list[int] = []
    close_any: list[bool] = []
    values = zip(
        s1[rows].tolist(), s2[rows].tolist(), s3[rows].tolist(), three[rows].tolist(), strict=True
    )
    for v1, v2, v3, is_three in values:
        numer, denom = v2 * v2 + v1 * v3, v1 * v2
        band, close = len(edges), False
        for index, edge in enumerate(edges):
            if edge is None:
                band = index
                break
            if edge is _BEYOND_BUDGET:
                close = True  # decimals
                break
            op, p, q = edge
            if is_three:
                x, y = q * numer, 2 * (p + q) * denom
                close = close or (x + y) >> _NEAR_SHIFT_BITS >= abs(x - y)
            else:
                x, y = q * v3, (p + q) * v2
            if _meets(op, (x > y) - (x < y)):
                band = index
                break
        found.append(band)
        close_any.append(close)
    return np.array(found, dtype=np.int64), np.array(close_any, dtype=bool)


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
    out = np.empty(n, dtype=np.int8)
    _set_status(out, ~passing, unranked & ~passing)
    return out


@functools.lru_cache(maxsize=4096)
def _industry(code: str) -> tuple[str, str | None]:
    info = classify_industry(code)
    return info.section, info.sme_class.value if info.sme_class is not None else None


def _per_industry(ledger: Ledger, fn: Callable[[str], Any], dtype: Any = object) -> NDArray[Any]:
    """``fn(code)`` per row, computed once per distinct industry code."""
    categories, codes = ledger.industry_codes()
    if codes.shape[0] == 0:
        return np.empty(0, dtype=dtype)
    mapped = np.empty(len(categories), dtype=dtype)
    mapped[:] = [fn(str(c)) for c in categories]
    out: NDArray[Any] = mapped.take(codes)
    return out


def _tech_sme(frame: Frame, p: Params, inputs: Mapping[str, Any], res: KernelResult) -> None:
    ledger, n = frame.ledger, frame.n
    codes = res.codes
    res.reset()
    col = {code: i for i, code in enumerate(codes)}
    last = frame.as_of.year - 1

    resident = ledger.column("resident")
    _set_status(res.status[:, col["tech_sme.resident"]], resident != 1, resident < 0)

    for code, param, field, scale in (
        ("tech_sme.staff_limit", "tech_sme.max_staff", "employees", 1),
        ("tech_sme.sales_limit", "tech_sme.max_sales", "sales_revenue", 100),
        ("tech_sme.assets_limit", "tech_sme.max_assets", "total_assets", 100),
    ):
        value = frame.fig(last, field)
        unknown = value == MISSING
        c = col[code]
        # value <= limit exactly when value <= floor(limit); the gap ceil(value - limit)
        # is then value - floor(limit), exact in int64 (a limit beyond it raises)
        limit = _floor(p(param), scale)
        gap = res.gap[:, c]
        np.subtract(value, limit, out=gap)  # meaningless where unknown
        _set_status(res.status[:, c], gap > 0, unknown)
        res.need[:, c] = limit
        _put(res.gap[:, c], unknown, MISSING)
        _put(res.need[:, c], unknown, MISSING)

    restricted = ledger.column("restricted_industry")
    listed = partly = np.zeros(n, dtype=bool)
    if p("tech_sme.industry_negative_list_applies"):
        negative: Sequence[str] = p("super_deduction.negative_list")
        # 0 none, 1 some, 2 all of the code's subclasses on the negative list
        grade = {"none": 0, "some": 1, "all": 2}
        coverage = _per_industry(
            ledger, lambda code: grade[prefix_coverage(code, negative)], np.int8
        )
        listed = coverage == 2
        partly = coverage == 1
    refused = (restricted == 1) | listed
    doubtful = (restricted < 0) | partly
    _set_status(res.status[:, col["tech_sme.industry_allowed"]], refused, doubtful & ~refused)

    inc = ledger.tables["incidents"]
    kinds = _codes(INCIDENT_KINDS, p("tech_sme.incident_kinds"), IncidentKind)
    since = dt.date(last, 1, 1).toordinal()
    hit = _in_codes(inc["kind"], kinds, len(INCIDENT_KINDS))
    hit &= (inc["on"] >= since) & (inc["on"] <= frame.day)
    lst = ledger.tables["listings"]
    listing_kinds = _codes(LISTING_KINDS, p("tech_sme.listing_kinds"), ListingKind)
    active = _in_codes(lst["kind"], listing_kinds, len(LISTING_KINDS))
    active &= (lst["start"] <= frame.day) & (lst["end"] >= frame.day)
    dirty = _count_by_row(inc.row, hit, n) > 0
    dirty |= _count_by_row(lst.row, active, n) > 0
    _set_status(res.status[:, col["tech_sme.clean_record"]], dirty)

    # The score (第七条): tech staff, the better R&D ratio, IP
    tech, staff = frame.fig(last, "tech_staff"), frame.fig(last, "employees")
    rd, sales = frame.fig(last, "rd_expense"), frame.fig(last, "sales_revenue")
    cost = frame.fig(last, "cost_and_expense")
    staff_known = (tech != MISSING) & (staff != MISSING)
    unknown = ~staff_known | (rd == MISSING) | (sales == MISSING)
    staff_bands: tuple[Band, ...] = p("tech_sme.tech_staff_bands")
    with_staff = staff_known & (staff > 0)
    ratio_num = tech * with_staff
    ratio_den = _select(with_staff, staff, 1)
    staff_points = _band_points(staff_bands, ratio_num, ratio_den)
    rd0 = rd * ~unknown
    has_sales = ~unknown & (sales != 0)
    by_sales = _band_points(p("tech_sme.rd_sales_bands"), rd0, _select(has_sales, sales, 1))
    by_sales *= has_sales
    has_cost = ~unknown & (cost != MISSING) & (cost != 0)
    by_cost = _band_points(p("tech_sme.rd_cost_bands"), rd0, _select(has_cost, cost, 1))
    by_cost *= has_cost
    ip = ledger.tables["ip"]
    counted = frame.valid_ip()
    counted &= ip["core"] != 0
    class1 = _in_codes(ip["kind"], [IP_KINDS.index(k) for k in CLASS_I_IP], len(IP_KINDS))
    class1 &= counted
    counted &= ~class1  # now: Class II
    c1, c2 = segment_counts(ledger, "ip", [class1, counted])
    total = _ip_count_points(p, c1, c2)
    total += staff_points
    total += np.maximum(by_sales, by_cost)
    need: int = p("tech_sme.pass_score")
    c = col["tech_sme.score"]
    gap = res.gap[:, c]
    np.subtract(need, total, out=gap)
    _set_status(res.status[:, c], gap > 0, unknown)
    _put(gap, unknown, MISSING)
    res.need[:, c] = need
    res.score[...] = total
    _put(res.score, unknown, MISSING)

    # The tech-staff indicator must score (第六条（五）)
    nonzero = staff_points > 0
    lowest = next(
        (b.bound for b in reversed(staff_bands) if b.points_min > 0 and b.bound is not None), None
    )
    c = col["tech_sme.tech_staff_score_nonzero"]
    gap = res.gap[:, c]
    need_staff = res.need[:, c]
    if lowest is not None:
        t = _frac(lowest)
        _ceil_ratio(ratio_den, t.numerator, t.denominator, need_staff)  # with staff: staff
        np.subtract(need_staff, ratio_num, out=gap)
        gap *= with_staff
        _put(need_staff, ~with_staff, MISSING)
    else:
        gap[...] = 0
        need_staff[...] = MISSING
    _set_status(res.status[:, c], ~nonzero, ~staff_known)
    _put(gap, ~staff_known | nonzero, MISSING)

    # Direct paths (第八条), in the verdict's order
    hnte, hnte_undecided = frame.holds([CertificationKind.HNTE], p)
    institution, _ = frame.holds(
        [CertificationKind.RD_INSTITUTION_PROVINCIAL, CertificationKind.RD_INSTITUTION_NATIONAL], p
    )
    res.undecided |= hnte_undecided
    award = _direct(frame, "awards", p, "tech_sme.award")
    standard = _direct(frame, "standards_led", p, "tech_sme.standard")
    passes = [hnte, award == S_PASS, institution, standard == S_PASS]
    direct_pass = passes[0] | passes[1] | passes[2] | passes[3]
    direct_unknown = (award == S_UNKNOWN) | (standard == S_UNKNOWN)
    first_direct = np.full(n, len(passes) - 1, dtype=np.int8)  # where none passes: unused
    for index in range(len(passes) - 2, -1, -1):
        np.copyto(first_direct, np.int8(index), where=passes[index])

    basic_outcome = _combine(res.status[:, : col["tech_sme.score"]])
    score_outcome = _combine(res.status[:, col["tech_sme.score"] :])
    score_ok = score_outcome == O_ELIGIBLE
    by_direct = direct_pass & ~score_ok
    has_path = score_ok | direct_pass
    # chosen path: 0 the score, 1 + i the first direct path passed, -1 none
    chosen = (first_direct + np.int8(1)) * by_direct.view(np.int8)
    chosen -= np.logical_not(has_path).view(np.int8)
    outcome = res.outcome
    outcome[...] = basic_outcome
    otherwise = (score_outcome == O_INELIGIBLE) & ~direct_unknown  # ineligible, else undetermined
    fallback = np.int8(O_UNDETERMINED) - otherwise.view(np.int8)
    np.copyto(outcome, fallback, where=~has_path & (basic_outcome != O_INELIGIBLE))
    np.equal(res.status, S_FAIL, out=res.failed)
    res.failed[:, col["tech_sme.score"] :] &= ~direct_pass[:, None]
    res.path[...] = chosen
    _put(res.path, outcome != O_ELIGIBLE, -1)


def _band_points(bands: Sequence[Band], num: Num, den: Num) -> I64:
    """``band_for(bands, num / den).points_min`` per row (``den > 0`` where used)."""
    table = np.array([b.points_min for b in bands] + [0], dtype=np.int64)
    out: I64 = table.take(_band_index(bands, num, den))
    return out


def _band_index(bands: Sequence[Band], num: Num, den: Num) -> I8:
    """Per row, the index of the first band ``num / den`` meets (``len(bands)``: none)."""
    index = np.zeros(num.shape[0], dtype=np.int8)
    remaining = np.ones(num.shape[0], dtype=bool)
    for band in bands:
        if band.op is None or band.bound is None:
            break  # every remaining row takes this band
        t = _frac(band.bound)
        remaining &= ~_test(band.op, exact_diff(num, t.denominator, den, t.numerator))
        index += remaining
    return index


def _ip_count_points(p: Params, class1: I64, class2: I64) -> I64:
    """Tech SME IP points: the Class I band if any Class I item counts, else Class II."""
    bands1: tuple[Band, ...] = p("tech_sme.ip_class1_bands")
    bands2: tuple[Band, ...] = p("tech_sme.ip_class2_bands")
    k1, k2 = _count_clip(bands1), _count_clip(bands2)

    def build() -> I64:
        g1, g2 = np.indices((k1 + 1, k2 + 1)).reshape(2, -1).astype(np.int64)
        ones = np.ones_like(g1)
        points: I64 = np.where(
            g1 > 0, _band_points(bands1, g1, ones), _band_points(bands2, g2, ones)
        )
        return points

    if (k1 + 1) * (k2 + 1) > _TABLE_MAX:
        ones = np.ones_like(class1)
        out: I64 = np.where(
            class1 > 0, _band_points(bands1, class1, ones), _band_points(bands2, class2, ones)
        )
        return out
    table = p.memo(("tech_sme.ip_table",), build)
    index = np.minimum(class1, k1)
    index *= k2 + 1
    index += np.minimum(class2, k2)
    found: I64 = table.take(index)
    return found


# --------------------------------------------------------------------------- SME size


def _sme_size(frame: Frame, p: Params, inputs: Mapping[str, Any], res: KernelResult) -> None:
    ledger, n = frame.ledger, frame.n
    res.reset()
    year: int = inputs.get("year", frame.as_of.year - 1)
    categories, codes = ledger.industry_codes()
    per_category = [_industry(str(c))[1] for c in categories]
    names = sorted({c for c in per_category if c is not None})
    table_of = np.array([-1 if c is None else names.index(c) for c in per_category] or [-1])
    which = table_of.astype(np.int8).take(codes)
    fields = {"employees": "employees", "revenue": "sales_revenue", "assets": "total_assets"}
    scale = {"employees": 1, "revenue": 100, "assets": 100}
    size = res.size  # -1 where no class applies or a figure is absent
    for index, cls in enumerate(names):
        known = which == index
        if not known.any():
            continue
        table: Mapping[str, tuple[Any, ...]] = p(f"sme_size.table.{cls}")
        values = {k: frame.fig(year, fields[k]) for k in table}
        for v in values.values():
            known &= v != MISSING
        below_upper = np.zeros(n, dtype=bool)
        medium = np.ones(n, dtype=bool)
        small = np.ones(n, dtype=bool)
        for key, (upper, medium_min, small_min) in table.items():
            v = values[key]  # meaningless where not known
            below_upper |= v < _ceil(upper, scale[key])
            medium &= v >= _ceil(medium_min, scale[key])
            small &= v >= _ceil(small_min, scale[key])
        # 0 large (not below an upper bound), else 1 medium, 2 small, 3 micro
        sized = np.logical_not(small).view(np.int8) + np.int8(1)
        sized *= np.logical_not(medium).view(np.int8)
        sized += 1
        sized *= below_upper.view(np.int8)
        np.copyto(size, sized, where=known)
    _set_status(res.status[:, 0], size == 0, size < 0)
    res.finish()


def _ceil(bound: Any, scale: int) -> int:
    """``ceil(bound * scale)``: a whole ``value`` is ``>= bound * scale`` iff ``>=`` this."""
    t = _frac(bound) * scale
    return -((-t.numerator) // t.denominator)


# --------------------------------------------------------------------------- above scale


def _above_scale(frame: Frame, p: Params, inputs: Mapping[str, Any], res: KernelResult) -> None:
    ledger = frame.ledger
    res.reset()
    sections: Sequence[str] = p("above_scale.industry_sections")
    need = _ceil(p("above_scale.industry_min_main_revenue"), 100)
    applies = _per_industry(ledger, lambda code: _industry(code)[0] in sections, bool)
    year: int = inputs.get("year", frame.as_of.year - 1)
    value = frame.fig(year, "main_business_revenue")
    unknown = value == MISSING
    gap = res.gap[:, 0]
    np.subtract(need, value, out=gap)  # meaningless where unknown
    status = res.status[:, 0]
    _set_status(status, gap > 0, unknown)
    res.need[:, 0] = need
    off = ~applies | unknown
    _put(gap, off, MISSING)
    _put(res.need[:, 0], off, MISSING)
    _put(status, ~applies, S_NA)
    res.outcome[...] = _combine(res.status)
    _put(res.outcome, ~applies, O_NA)
    np.equal(res.status, S_FAIL, out=res.failed)


def param_day(rule: str, as_of: dt.date, inputs: Mapping[str, Any]) -> dt.date:
    """The day whose parameters (and rule version) a rule reads.

    ``as_of`` for every rule but ``above_scale``, which reads the threshold of its
    statistics year (31 December of ``year``, by default the year before ``as_of``).
    """
    if rule == "above_scale":
        return dt.date(inputs.get("year", as_of.year - 1), 12, 31)
    return as_of


Kernel = Callable[[Frame, Params, Mapping[str, Any], KernelResult], None]

KERNELS: Final[Mapping[str, Kernel]] = {
    "hnte": _hnte,
    "tech_sme": _tech_sme,
    "sme_size": _sme_size,
    "above_scale": _above_scale,
}
"""The rules with a columnar kernel."""
