"""The enterprise ledger as columns: money as int64 fen, counts as int64, dates as ordinals.

A :class:`Ledger` holds one row per enterprise and side tables (one row per item) for
what an enterprise has several of: accounting years, IP items, certifications,
incidents, listings, awards, standards and transformed achievements. Every side table
has a ``row`` column (the enterprise's index, ascending) and int64 columns; the few
free-text columns (award and standard levels, certificate numbers) are object arrays.

Representation, column by column:

* money: int64 **fen** (0.01 yuan), exact. An amount that is not a whole number of fen
  (``"1.005"``) or larger than :data:`MAX_FEN` in magnitude cannot be held exactly;
  the enterprise is then flagged in :attr:`Ledger.fallback` and answered by the object
  path (its original :class:`~kejiservice.models.Enterprise` is kept for that);
* counts (employees, tech staff, years, ranks, achievement counts): int64, at most
  :data:`MAX_COUNT`, else the row falls back too;
* absent figures: :data:`MISSING` (the int64 minimum), never 0;
* yes/no facts (``resident``, ``restricted_industry``, ``core_ip_owned``, IP ``core``):
  ``-1`` unknown, ``0`` false, ``1`` true;
* enumerations: the index in :data:`TECH_FIELDS`, :data:`IP_KINDS`, :data:`ACQUISITIONS`,
  :data:`CERT_KINDS`, :data:`INCIDENT_KINDS`, :data:`LISTING_KINDS` (``-1`` absent);
* dates: ``date.toordinal()``; an open end (no expiry) is :data:`OPEN_END`;
* industry codes: kept as text, and factorised when the ledger is built
  (:meth:`Ledger.industry_codes`: the distinct codes and each row's index among them),
  so kernels classify each distinct code once.

Nothing here evaluates a rule: see :mod:`kejiservice.columnar._kernels`.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInput, Problem
from ..models import (
    Acquisition,
    Award,
    Certification,
    CertificationKind,
    Enterprise,
    Incident,
    IncidentKind,
    IntellectualProperty,
    IpKind,
    Listing,
    ListingKind,
    StandardLed,
    TechField,
    YearFigures,
)
from ..rules import RULES

__all__ = [
    "ACQUISITIONS",
    "CERT_KINDS",
    "COUNT_FIELDS",
    "DUPLICATE_YEAR",
    "INCIDENT_KINDS",
    "INEXACT_MONEY",
    "IP_KINDS",
    "LISTING_KINDS",
    "MAX_COUNT",
    "MAX_FEN",
    "MISSING",
    "MONEY_FIELDS",
    "NEGATIVE",
    "ODD_ACHIEVEMENT_KEY",
    "OPEN_END",
    "TABLES",
    "TECH_FIELDS",
    "TOO_LARGE",
    "YEAR_FIELDS",
    "Ledger",
    "Table",
    "fen_to_yuan",
]

I64 = NDArray[np.int64]
Obj = NDArray[np.object_]
Codes = tuple[tuple[Any, ...], NDArray[np.intp]]

MISSING: Final = -(2**63)
"""An absent figure (the int64 minimum)."""
MAX_FEN: Final = 2**53 - 1
"""The largest amount held in columns, in fen (about 90 trillion yuan)."""
MAX_COUNT: Final = 2**53 - 1
"""The largest count or year held in columns."""
OPEN_END: Final = dt.date.max.toordinal() + 1
"""The ordinal standing for "no end date"."""
_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()

# Why a row is answered by the object path (bits of Ledger.fallback).
INEXACT_MONEY: Final = 1
"""An amount is not a whole number of fen."""
TOO_LARGE: Final = 2
"""An amount, count or year is beyond :data:`MAX_FEN` / :data:`MAX_COUNT`."""
DUPLICATE_YEAR: Final = 4
"""Two figures entries for one accounting year (only unvalidated objects have them)."""
ODD_ACHIEVEMENT_KEY: Final = 8
"""An ``achievements_transformed`` key that is not a plain year number."""
NEGATIVE: Final = 16
"""A negative amount or count (validated input never has one)."""

MONEY_FIELDS: Final = (
    "sales_revenue",
    "main_business_revenue",
    "total_income",
    "non_taxable_income",
    "high_tech_income",
    "rd_expense",
    "rd_expense_domestic",
    "cost_and_expense",
    "rd_other_related",
    "total_assets",
    "total_liabilities",
)
COUNT_FIELDS: Final = ("employees", "tech_staff")
YEAR_FIELDS: Final = MONEY_FIELDS + COUNT_FIELDS

TECH_FIELDS: Final = tuple(TechField)
IP_KINDS: Final = tuple(IpKind)
ACQUISITIONS: Final = tuple(Acquisition)
CERT_KINDS: Final = tuple(CertificationKind)
INCIDENT_KINDS: Final = tuple(IncidentKind)
LISTING_KINDS: Final = tuple(ListingKind)

_TECH_CODE = {v: i for i, v in enumerate(TECH_FIELDS)}
_IP_CODE = {v: i for i, v in enumerate(IP_KINDS)}
_ACQ_CODE = {v: i for i, v in enumerate(ACQUISITIONS)}
_CERT_CODE = {v: i for i, v in enumerate(CERT_KINDS)}
_INCIDENT_CODE = {v: i for i, v in enumerate(INCIDENT_KINDS)}
_LISTING_CODE = {v: i for i, v in enumerate(LISTING_KINDS)}

TABLES: Final[Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    # table: (int64 columns besides ``row``, object columns)
    "years": (("year", *YEAR_FIELDS), ()),
    "ip": (
        ("kind", "granted_on", "expires_on", "core", "acquired", "disputed", "high_value"),
        (),
    ),
    "certifications": (("kind", "issued_on", "expires_on"), ("number",)),
    "incidents": (("kind", "on"), ()),
    "listings": (("kind", "start", "end"), ()),
    "awards": (("year", "rank"), ("level",)),
    "standards_led": (("year", "rank"), ("level",)),
    "achievements": (("year", "count"), ()),
}
"""The side tables and their columns."""

_ENTERPRISE_INTS: Final = (
    "registered_on",
    "registered_year",
    "resident",
    "restricted_industry",
    "core_ip_owned",
    "tech_field",
    "has_achievements",
    "innovation_score",
    "line",
    "fallback",
)
_ENTERPRISE_OBJS: Final = ("id", "name", "industry", "region")


def innovation_score_problem(score: int | None) -> str | None:
    """Why ``score`` is not an acceptable HNTE ``innovation_score`` input (``None``: fine)."""
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int):
        return "must be an integer"
    bounds = getattr(RULES["hnte"], "bounds", {}).get("innovation_score")
    if bounds is not None and not bounds[0] <= score <= bounds[1]:
        return f"must be between {bounds[0]} and {bounds[1]}, got {score}"
    return None


def _int_array(values: Sequence[int] | I64) -> I64:
    return np.asarray(values, dtype=np.int64)


def _obj_array(values: Sequence[Any] | Obj) -> Obj:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


class Table:
    """A side table: ``row`` (the enterprise index, ascending) plus named columns."""

    __slots__ = ("ints", "objs", "row")

    def __init__(self, row: I64, ints: Mapping[str, I64], objs: Mapping[str, Obj]) -> None:
        self.row = row
        self.ints = dict(ints)
        self.objs = dict(objs)

    def __len__(self) -> int:
        return int(self.row.shape[0])

    def __getitem__(self, name: str) -> I64:
        """An int64 column."""
        return self.ints[name]

    @classmethod
    def empty(cls, name: str) -> Table:
        """An empty table with the columns of :data:`TABLES` ``[name]``."""
        ints, objs = TABLES[name]
        return cls(
            np.zeros(0, dtype=np.int64),
            {c: np.zeros(0, dtype=np.int64) for c in ints},
            {c: np.empty(0, dtype=object) for c in objs},
        )

    def starts(self, n: int) -> tuple[I64, I64]:
        """For each of ``n`` enterprises, the first index of its items and their count."""
        start = np.searchsorted(self.row, np.arange(n, dtype=np.int64), side="left")
        stop = np.searchsorted(self.row, np.arange(n, dtype=np.int64), side="right")
        return start.astype(np.int64), (stop - start).astype(np.int64)

    def select(self, keep: NDArray[np.bool_], renumber: I64) -> Table:
        """The items of the enterprises where ``keep``, renumbered by ``renumber``."""
        mask = keep[self.row] if len(self) else np.zeros(0, dtype=bool)
        return Table(
            renumber[self.row[mask]],
            {k: v[mask] for k, v in self.ints.items()},
            {k: v[mask] for k, v in self.objs.items()},
        )


def _concat_tables(tables: Sequence[Table], offsets: Sequence[int], name: str) -> Table:
    if not tables:
        return Table.empty(name)
    ints, objs = TABLES[name]
    return Table(
        np.concatenate([t.row + off for t, off in zip(tables, offsets, strict=True)]).astype(
            np.int64
        ),
        {c: np.concatenate([t.ints[c] for t in tables]).astype(np.int64) for c in ints},
        {c: np.concatenate([t.objs[c] for t in tables]).astype(object) for c in objs},
    )


def fen_to_yuan(fen: int) -> Decimal:
    """An amount in fen as a Decimal of yuan with two decimals, exactly."""
    return Decimal(fen).scaleb(-2)


def _tri(value: bool | None) -> int:
    if value is None:
        return -1
    return 1 if value else 0


def _untri(value: int) -> bool | None:
    if value < 0:
        return None
    return bool(value)


def _date(value: int) -> dt.date | None:
    return None if value >= OPEN_END else dt.date.fromordinal(value)


class _Builder:
    """Collects enterprises row by row into Python lists, then into arrays."""

    def __init__(self) -> None:
        self.ents: dict[str, list[int]] = {k: [] for k in _ENTERPRISE_INTS}
        self.objs: dict[str, list[Any]] = {k: [] for k in _ENTERPRISE_OBJS}
        self.rows: dict[str, list[int]] = {name: [] for name in TABLES}
        self.ints: dict[str, dict[str, list[int]]] = {
            name: {c: [] for c in cols[0]} for name, cols in TABLES.items()
        }
        self.texts: dict[str, dict[str, list[Any]]] = {
            name: {c: [] for c in cols[1]} for name, cols in TABLES.items()
        }
        self.fallback_objects: dict[int, Enterprise] = {}
        self.n = 0

    def _count(self, value: int) -> tuple[int, int]:
        if 0 <= value <= MAX_COUNT:
            return value, 0
        return 0, NEGATIVE if value < 0 else TOO_LARGE

    def add(self, ent: Enterprise, line: int, innovation_score: int | None) -> None:
        i = self.n
        self.n += 1
        reason = 0
        e = self.ents
        e["registered_on"].append(ent.registered_on.toordinal())
        e["registered_year"].append(ent.registered_on.year)
        e["resident"].append(_tri(ent.resident))
        e["restricted_industry"].append(_tri(ent.restricted_industry))
        e["core_ip_owned"].append(_tri(ent.core_ip_owned))
        e["tech_field"].append(-1 if ent.tech_field is None else _TECH_CODE[ent.tech_field])
        e["has_achievements"].append(1 if ent.achievements_transformed else 0)
        e["line"].append(line)
        if innovation_score is None:
            e["innovation_score"].append(MISSING)
        elif abs(innovation_score) <= MAX_COUNT:
            e["innovation_score"].append(innovation_score)
        else:
            e["innovation_score"].append(MISSING)
            reason |= TOO_LARGE
        self.objs["id"].append(ent.id)
        self.objs["name"].append(ent.name)
        self.objs["industry"].append(ent.industry)
        self.objs["region"].append(ent.region)

        reason |= self._years(i, ent.years)
        reason |= self._items(i, ent)
        e["fallback"].append(reason)
        if reason:
            self.fallback_objects[i] = ent

    def _years(self, i: int, years: Sequence[YearFigures]) -> int:
        reason = 0
        seen: set[int] = set()
        cols = self.ints["years"]
        for y in sorted(years, key=lambda row: row.year):
            if y.year in seen:
                reason |= DUPLICATE_YEAR
                continue
            seen.add(y.year)
            self.rows["years"].append(i)
            year, bad = self._count(y.year)
            reason |= bad
            cols["year"].append(year)
            for name in MONEY_FIELDS:
                value: Decimal | None = getattr(y, name)
                if value is None:
                    cols[name].append(MISSING)
                    continue
                num, den = value.as_integer_ratio()
                if 100 % den:
                    reason |= INEXACT_MONEY
                    cols[name].append(0)
                    continue
                fen = num * (100 // den)
                if 0 <= fen <= MAX_FEN:
                    cols[name].append(fen)
                else:
                    reason |= NEGATIVE if fen < 0 else TOO_LARGE
                    cols[name].append(0)
            for name in COUNT_FIELDS:
                count: int | None = getattr(y, name)
                if count is None:
                    cols[name].append(MISSING)
                else:
                    count, bad = self._count(count)
                    reason |= bad
                    cols[name].append(count)
        return reason

    def _items(self, i: int, ent: Enterprise) -> int:
        reason = 0
        rows, ints, texts = self.rows, self.ints, self.texts
        for ip in ent.ip:
            rows["ip"].append(i)
            c = ints["ip"]
            c["kind"].append(_IP_CODE[ip.kind])
            c["granted_on"].append(ip.granted_on.toordinal())
            c["expires_on"].append(OPEN_END if ip.expires_on is None else ip.expires_on.toordinal())
            c["core"].append(_tri(ip.core))
            c["acquired"].append(-1 if ip.acquired is None else _ACQ_CODE[ip.acquired])
            c["disputed"].append(1 if ip.disputed else 0)
            c["high_value"].append(1 if ip.high_value else 0)
        for cert in ent.certifications:
            rows["certifications"].append(i)
            c = ints["certifications"]
            c["kind"].append(_CERT_CODE[cert.kind])
            c["issued_on"].append(cert.issued_on.toordinal())
            c["expires_on"].append(
                OPEN_END if cert.expires_on is None else cert.expires_on.toordinal()
            )
            texts["certifications"]["number"].append(cert.number)
        for inc in ent.incidents:
            rows["incidents"].append(i)
            ints["incidents"]["kind"].append(_INCIDENT_CODE[inc.kind])
            ints["incidents"]["on"].append(inc.on.toordinal())
        for lst in ent.listings:
            rows["listings"].append(i)
            c = ints["listings"]
            c["kind"].append(_LISTING_CODE[lst.kind])
            c["start"].append(lst.start.toordinal())
            c["end"].append(OPEN_END if lst.end is None else lst.end.toordinal())
        for table, items in (("awards", ent.awards), ("standards_led", ent.standards_led)):
            for item in items:
                rows[table].append(i)
                year, bad = self._count(item.year)
                reason |= bad
                ints[table]["year"].append(year)
                if item.rank is None:
                    ints[table]["rank"].append(-1)
                else:
                    rank, bad = self._count(item.rank)
                    reason |= bad
                    ints[table]["rank"].append(rank)
                texts[table]["level"].append(item.level)
        for key, count in sorted(ent.achievements_transformed.items()):
            if not (key.isascii() and key.isdigit()) or str(int(key)) != key:
                reason |= ODD_ACHIEVEMENT_KEY
                continue
            year, bad_year = self._count(int(key))
            number, bad_count = self._count(count)
            reason |= bad_year | bad_count
            rows["achievements"].append(i)
            ints["achievements"]["year"].append(year)
            ints["achievements"]["count"].append(number)
        return reason

    def build(self, objects: tuple[Enterprise, ...] | None) -> Ledger:
        tables = {
            name: Table(
                _int_array(self.rows[name]),
                {c: _int_array(v) for c, v in self.ints[name].items()},
                {c: _obj_array(v) for c, v in self.texts[name].items()},
            )
            for name in TABLES
        }
        return Ledger(
            ints={k: _int_array(v) for k, v in self.ents.items()},
            objs={k: _obj_array(v) for k, v in self.objs.items()},
            tables=tables,
            objects=objects,
            fallback_objects=self.fallback_objects,
        )


class Ledger:
    """Enterprises as columns (see the module docstring for the representation).

    Build one with :meth:`from_enterprises` (from model objects), :meth:`from_columns`
    (from arrays you already have) or the streaming readers of
    :mod:`kejiservice.columnar`. Enterprise-level columns are attributes
    (``registered_on``, ``industry``...); side tables are :class:`Table` objects
    (``years``, ``ip``, ``certifications``, ``incidents``, ``listings``, ``awards``,
    ``standards_led``, ``achievements``).
    """

    __slots__ = (
        "_cache",
        "_industry_codes",
        "fallback_objects",
        "ints",
        "objects",
        "objs",
        "tables",
    )

    def __init__(
        self,
        *,
        ints: Mapping[str, I64],
        objs: Mapping[str, Obj],
        tables: Mapping[str, Table],
        objects: tuple[Enterprise, ...] | None = None,
        fallback_objects: Mapping[int, Enterprise] | None = None,
        industry_codes: Codes | None = None,
    ) -> None:
        self.ints = dict(ints)
        self.objs = dict(objs)
        self.tables = dict(tables)
        self.objects = objects
        self.fallback_objects = dict(fallback_objects or {})
        self._cache: dict[Any, Any] = {}
        n = len(self)
        for name, column in (*self.ints.items(), *self.objs.items()):
            if column.shape != (n,):
                raise ValueError(f"column {name!r} has shape {column.shape}, expected ({n},)")
        if objects is not None and len(objects) != n:
            raise ValueError(f"{len(objects)} objects for {n} rows")
        if industry_codes is None:
            industry_codes = _factorize(self.objs["industry"])
        elif industry_codes[1].shape != (n,):
            raise ValueError("one industry code per row")
        self._industry_codes = industry_codes

    # ------------------------------------------------------------------ shape and access

    def __len__(self) -> int:
        return int(self.ints["registered_on"].shape[0])

    def __repr__(self) -> str:
        return f"<Ledger {len(self)} enterprises, {len(self.years)} year rows>"

    @property
    def ids(self) -> Obj:
        """Enterprise ids (``None`` where absent)."""
        return self.objs["id"]

    @property
    def names(self) -> Obj:
        """Enterprise names."""
        return self.objs["name"]

    @property
    def industry(self) -> Obj:
        """GB/T 4754-2017 industry codes."""
        return self.objs["industry"]

    @property
    def region(self) -> Obj:
        """Region codes (``None`` where absent)."""
        return self.objs["region"]

    @property
    def lines(self) -> I64:
        """Source line numbers (``-1`` for enterprises not read from a file)."""
        return self.ints["line"]

    @property
    def registered_on(self) -> I64:
        """Registration dates as ordinals."""
        return self.ints["registered_on"]

    @property
    def fallback(self) -> I64:
        """Why each row is answered by the object path (bits; 0 = held exactly)."""
        return self.ints["fallback"]

    @property
    def innovation_score(self) -> I64:
        """The expert innovation score per row (:data:`MISSING` where not given)."""
        return self.ints["innovation_score"]

    @property
    def years(self) -> Table:
        """One row per accounting year of each enterprise (sorted by enterprise, year)."""
        return self.tables["years"]

    def column(self, name: str) -> I64:
        """An enterprise-level int64 column by name."""
        return self.ints[name]

    def industry_codes(self) -> Codes:
        """The industry column as categories: the distinct codes (first seen first) and,
        per row, the index of its code among them. Built with the ledger, so that kernels
        classify each distinct code once without reading the strings row by row."""
        return self._industry_codes

    def cache(self) -> dict[Any, Any]:
        """A per-ledger memo for kernels, keyed by callers: the year grid and item offsets
        of :mod:`._grid`. Never cleared by the library; clearing it only costs time."""
        return self._cache

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_enterprises(
        cls,
        enterprises: Iterable[Enterprise],
        *,
        lines: Sequence[int] | None = None,
        innovation_scores: Sequence[int | None] | None = None,
        keep_objects: bool = True,
    ) -> Ledger:
        """Columns from model objects, in order.

        ``lines`` gives each enterprise's source line number; ``innovation_scores`` an
        expert innovation score per enterprise (``None`` where not given; HNTE uses it
        as the ``innovation_score`` input). With ``keep_objects`` the objects are kept
        so explanations reuse them; otherwise only rows that fall back keep theirs and
        the others are rebuilt from the columns when asked.
        """
        ents = list(enterprises)
        if lines is not None and len(lines) != len(ents):
            raise ValueError("one line number per enterprise")
        if innovation_scores is not None:
            if len(innovation_scores) != len(ents):
                raise ValueError("one innovation score (or None) per enterprise")
            problems = [
                Problem(f"innovation_scores[{i}]", reason)
                for i, score in enumerate(innovation_scores)
                if (reason := innovation_score_problem(score)) is not None
            ]
            if problems:
                raise InvalidInput(problems)
        builder = _Builder()
        for index, ent in enumerate(ents):
            builder.add(
                ent,
                -1 if lines is None else lines[index],
                None if innovation_scores is None else innovation_scores[index],
            )
        return builder.build(tuple(ents) if keep_objects else None)

    @classmethod
    def from_columns(
        cls,
        *,
        registered_on: NDArray[Any],
        industry: Sequence[str] | Obj,
        years: Mapping[str, NDArray[Any]],
        ids: Sequence[str | None] | Obj | None = None,
        names: Sequence[str] | Obj | None = None,
        region: Sequence[str | None] | Obj | None = None,
        resident: NDArray[Any] | None = None,
        restricted_industry: NDArray[Any] | None = None,
        core_ip_owned: NDArray[Any] | None = None,
        tech_field: NDArray[Any] | None = None,
        innovation_score: NDArray[Any] | None = None,
        has_achievements: NDArray[Any] | None = None,
        tables: Mapping[str, Mapping[str, NDArray[Any]]] | None = None,
    ) -> Ledger:
        """A ledger from arrays you already hold (no per-row Python work).

        ``registered_on`` is ``datetime64[D]`` or ordinals; ``years`` maps ``row``,
        ``year`` and any of :data:`YEAR_FIELDS` to int64 arrays (money in fen, absent =
        :data:`MISSING`); tri-state and enumeration columns use the codes of the module
        docstring (default: unknown). ``tables`` gives other side tables by name with a
        ``row`` column and the columns of :data:`TABLES` (dates as ordinals). Year
        figures beyond :data:`MAX_FEN` / :data:`MAX_COUNT` or negative are flagged in
        :attr:`fallback` (their rows are rebuilt as objects for the object path); other
        values are taken as given.
        """
        reg = _ordinals(registered_on)
        n = int(reg.shape[0])

        def tri(value: NDArray[Any] | None) -> I64:
            if value is None:
                return np.full(n, -1, dtype=np.int64)
            return np.asarray(value, dtype=np.int64)

        years_of = _years_of_ordinals(reg)
        ints = {
            "registered_on": reg,
            "registered_year": years_of,
            "resident": tri(resident),
            "restricted_industry": tri(restricted_industry),
            "core_ip_owned": tri(core_ip_owned),
            "tech_field": tri(tech_field),
            "has_achievements": np.zeros(n, dtype=np.int64)
            if has_achievements is None
            else np.asarray(has_achievements, dtype=np.int64),
            "innovation_score": np.full(n, MISSING, dtype=np.int64)
            if innovation_score is None
            else np.asarray(innovation_score, dtype=np.int64),
            "line": np.full(n, -1, dtype=np.int64),
            "fallback": np.zeros(n, dtype=np.int64),
        }
        objs = {
            "id": _obj_array([None] * n) if ids is None else _obj_array(list(ids)),
            "name": _obj_array([""] * n) if names is None else _obj_array(list(names)),
            "industry": _obj_array(list(industry)),
            "region": _obj_array([None] * n) if region is None else _obj_array(list(region)),
        }
        given = {"years": years, **(tables or {})}
        built: dict[str, Table] = {}
        for name in TABLES:
            built[name] = _table_from(name, given.get(name))
        if has_achievements is None and len(built["achievements"]):
            ints["has_achievements"] = (
                np.bincount(built["achievements"].row, minlength=n) > 0
            ).astype(np.int64)
        ints["fallback"] = _range_flags(n, built["years"])
        return cls(ints=ints, objs=objs, tables=built)

    @classmethod
    def concat(cls, ledgers: Sequence[Ledger], *, keep_objects: bool = True) -> Ledger:
        """Several ledgers one after the other (objects kept only if all have them)."""
        if not ledgers:
            return cls.from_enterprises([])
        offsets: list[int] = []
        total = 0
        for ledger in ledgers:
            offsets.append(total)
            total += len(ledger)
        ints = {k: np.concatenate([x.ints[k] for x in ledgers]) for k in ledgers[0].ints}
        objs = {
            k: np.concatenate([x.objs[k] for x in ledgers]).astype(object) for k in ledgers[0].objs
        }
        tables = {
            name: _concat_tables([x.tables[name] for x in ledgers], offsets, name)
            for name in TABLES
        }
        objects: tuple[Enterprise, ...] | None = None
        if keep_objects and all(x.objects is not None for x in ledgers):
            objects = tuple(o for x in ledgers for o in (x.objects or ()))
        fallback = {
            off + row: ent
            for x, off in zip(ledgers, offsets, strict=True)
            for row, ent in x.fallback_objects.items()
        }
        categories = tuple(dict.fromkeys(c for x in ledgers for c in x.industry_codes()[0]))
        position = {c: i for i, c in enumerate(categories)}
        codes = np.concatenate(
            [
                np.array([position[c] for c in x.industry_codes()[0]] or [0], dtype=np.intp).take(
                    x.industry_codes()[1]
                )
                for x in ledgers
            ]
        )
        return cls(
            ints=ints,
            objs=objs,
            tables=tables,
            objects=objects,
            fallback_objects=fallback,
            industry_codes=(categories, codes),
        )

    def select(self, keep: NDArray[np.bool_]) -> Ledger:
        """The rows where ``keep`` is true, in order."""
        keep = np.asarray(keep, dtype=bool)
        index = np.flatnonzero(keep)
        renumber = np.full(len(self), -1, dtype=np.int64)
        renumber[index] = np.arange(index.shape[0], dtype=np.int64)
        objects = None
        if self.objects is not None:
            objects = tuple(self.objects[int(i)] for i in index)
        fallback = {
            int(renumber[row]): ent for row, ent in self.fallback_objects.items() if keep[row]
        }
        categories, codes = self.industry_codes()
        return Ledger(
            ints={k: v[keep] for k, v in self.ints.items()},
            objs={k: v[keep] for k, v in self.objs.items()},
            tables={k: t.select(keep, renumber) for k, t in self.tables.items()},
            objects=objects,
            fallback_objects=fallback,
            industry_codes=(categories, codes[keep]),
        )

    # ------------------------------------------------------------------ back to objects

    def enterprise(self, row: int) -> Enterprise:
        """The enterprise of ``row``: the original object if kept, else rebuilt from columns.

        A rebuilt enterprise holds everything the rules read; fields the columns do not
        keep (``uscc``, ``tags``, ``extra``, IP ``high_value`` aside) are left empty.
        """
        if self.objects is not None:
            return self.objects[row]
        if row in self.fallback_objects:
            return self.fallback_objects[row]
        return self._rebuild(row)

    def _items(self, name: str, row: int) -> range:
        table = self.tables[name]
        key = ("starts", name)
        if key not in self._cache:
            self._cache[key] = table.starts(len(self))
        start, count = self._cache[key]
        first = int(start[row])
        return range(first, first + int(count[row]))

    def _rebuild(self, row: int) -> Enterprise:
        t = self.tables
        ys = t["years"]
        years = []
        for k in self._items("years", row):
            figures: dict[str, Any] = {}
            for name in MONEY_FIELDS:
                value = int(ys.ints[name][k])
                figures[name] = None if value == MISSING else fen_to_yuan(value)
            for name in COUNT_FIELDS:
                value = int(ys.ints[name][k])
                figures[name] = None if value == MISSING else value
            years.append(YearFigures(year=int(ys.ints["year"][k]), **figures))
        ip = t["ip"]
        ips = []
        for k in self._items("ip", row):
            expires = _date(int(ip["expires_on"][k]))
            acquired = int(ip["acquired"][k])
            ips.append(
                IntellectualProperty(
                    kind=IP_KINDS[int(ip["kind"][k])],
                    granted_on=dt.date.fromordinal(int(ip["granted_on"][k])),
                    expires_on=expires,
                    core=_untri(int(ip["core"][k])),
                    acquired=None if acquired < 0 else ACQUISITIONS[acquired],
                    disputed=bool(ip["disputed"][k]),
                    high_value=bool(ip["high_value"][k]),
                )
            )
        ce = t["certifications"]
        certs = [
            Certification(
                kind=CERT_KINDS[int(ce["kind"][k])],
                issued_on=dt.date.fromordinal(int(ce["issued_on"][k])),
                expires_on=_date(int(ce["expires_on"][k])),
                number=ce.objs["number"][k],
            )
            for k in self._items("certifications", row)
        ]
        inc = t["incidents"]
        incidents = [
            Incident(
                kind=INCIDENT_KINDS[int(inc["kind"][k])], on=dt.date.fromordinal(int(inc["on"][k]))
            )
            for k in self._items("incidents", row)
        ]
        li = t["listings"]
        listings = [
            Listing(
                kind=LISTING_KINDS[int(li["kind"][k])],
                start=dt.date.fromordinal(int(li["start"][k])),
                end=_date(int(li["end"][k])),
            )
            for k in self._items("listings", row)
        ]
        aw, st = t["awards"], t["standards_led"]
        awards = [
            Award(
                level=aw.objs["level"][k],
                year=int(aw["year"][k]),
                rank=None if aw["rank"][k] < 0 else int(aw["rank"][k]),
            )
            for k in self._items("awards", row)
        ]
        standards = [
            StandardLed(
                level=st.objs["level"][k],
                year=int(st["year"][k]),
                rank=None if st["rank"][k] < 0 else int(st["rank"][k]),
            )
            for k in self._items("standards_led", row)
        ]
        ac = t["achievements"]
        achievements = {
            str(int(ac["year"][k])): int(ac["count"][k]) for k in self._items("achievements", row)
        }
        i = self.ints
        tech = int(i["tech_field"][row])
        return Enterprise(
            name=str(self.objs["name"][row]),
            registered_on=dt.date.fromordinal(int(i["registered_on"][row])),
            industry=str(self.objs["industry"][row]),
            resident=_untri(int(i["resident"][row])),
            id=self.objs["id"][row],
            region=self.objs["region"][row],
            tech_field=None if tech < 0 else TECH_FIELDS[tech],
            restricted_industry=_untri(int(i["restricted_industry"][row])),
            core_ip_owned=_untri(int(i["core_ip_owned"][row])),
            years=tuple(years),
            ip=tuple(ips),
            certifications=tuple(certs),
            incidents=tuple(incidents),
            listings=tuple(listings),
            awards=tuple(awards),
            standards_led=tuple(standards),
            achievements_transformed=achievements,
        )

    def inputs(self, row: int) -> dict[str, Any]:
        """The per-row rule inputs held in columns (``innovation_score`` where given)."""
        score = int(self.ints["innovation_score"][row])
        return {} if score == MISSING else {"innovation_score": score}


def _factorize(values: Obj) -> Codes:
    """``(categories, codes)``: the distinct values first seen first, each row's index."""
    items = values.tolist()
    categories = tuple(dict.fromkeys(items))
    position = {c: i for i, c in enumerate(categories)}
    if len(items) == 1:
        return categories, np.zeros(1, dtype=np.intp)
    found = operator.itemgetter(*items)(position) if items else ()
    return categories, np.fromiter(found, dtype=np.intp, count=len(items))


def _ordinals(values: NDArray[Any]) -> I64:
    array = np.asarray(values)
    if array.dtype.kind == "M":
        days = array.astype("datetime64[D]").astype(np.int64)
        return (days + _EPOCH_ORDINAL).astype(np.int64)
    return array.astype(np.int64)


def _years_of_ordinals(ordinals: I64) -> I64:
    """The calendar year of each ordinal, vectorised through datetime64."""
    days = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def _range_flags(n: int, years: Table) -> I64:
    """TOO_LARGE / NEGATIVE per row for year figures out of the exact range."""
    flags = np.zeros(n, dtype=np.int64)
    for name in YEAR_FIELDS:
        values = years.ints[name]
        limit = MAX_FEN if name in MONEY_FIELDS else MAX_COUNT
        present = values != MISSING
        np.bitwise_or.at(flags, years.row[present & (values > limit)], TOO_LARGE)
        np.bitwise_or.at(flags, years.row[present & (values < 0)], NEGATIVE)
    return flags


def _table_from(name: str, given: Mapping[str, NDArray[Any]] | None) -> Table:
    if given is None:
        return Table.empty(name)
    ints, objs = TABLES[name]
    row = np.asarray(given["row"], dtype=np.int64)
    size = row.shape[0]
    int_cols: dict[str, I64] = {}
    for c in ints:
        if c in given:
            int_cols[c] = np.asarray(given[c], dtype=np.int64)
        elif name == "years":
            int_cols[c] = np.full(size, MISSING, dtype=np.int64)
        else:
            raise ValueError(f"table {name!r} needs column {c!r}")
    obj_cols = {
        c: _obj_array(list(given[c])) if c in given else _obj_array([None] * size) for c in objs
    }
    order = (
        np.lexsort((int_cols["year"], row)) if name == "years" else np.argsort(row, kind="stable")
    )
    if not np.array_equal(order, np.arange(size)):
        row = row[order]
        int_cols = {k: v[order] for k, v in int_cols.items()}
        obj_cols = {k: v[order] for k, v in obj_cols.items()}
    return Table(row, int_cols, obj_cols)
