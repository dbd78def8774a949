"""Coverage of a plan: per officer and per enterprise, planned, done, overdue, next due.

Definitions (``[start, end]`` is the reporting period, ``as_of`` the day of the report;
nothing here reads the clock):

* **planned**: planned visits dated in the period.
* **done**: history visits dated in the period.
* **overdue**: cadence windows (planned visits and unplaced entries) with no done
  visit inside the window although they should have happened before ``as_of``: the
  planned day is before ``as_of``, or, for an unplaced window, the window ended
  before ``as_of``. Only windows that meet the period count.
* **next due**: the earliest planned day on or after ``as_of`` whose window has no
  done visit yet, in the whole plan (it may lie after the period).
* **share visited**: enterprises with at least one done visit in the period, over
  the enterprises the plan covers.

An enterprise is counted under the officer of its latest planned visit (of its
unplaced entry when it has no visit). Done visits count for the officer who made
them when the record names a known officer, else for the enterprise's officer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from ..errors import InvalidInput
from ._models import Officer, Plan, VisitRecord

__all__ = ["CoverageReport", "EnterpriseCoverage", "OfficerCoverage", "coverage"]


@attrs.frozen
class EnterpriseCoverage:
    """One enterprise's coverage in the period."""

    enterprise: str
    officer: str | None
    planned: int
    done: int
    overdue: int
    next_due: dt.date | None
    last_done: dt.date | None

    @property
    def visited(self) -> bool:
        """Whether the enterprise had at least one done visit in the period."""
        return self.done > 0


@attrs.frozen
class OfficerCoverage:
    """One officer's totals over the enterprises it serves."""

    officer: str
    enterprises: int
    planned: int
    done: int
    overdue: int
    next_due: dt.date | None


@attrs.frozen
class CoverageReport:
    """Coverage of a plan from ``start`` to ``end`` as of ``as_of``."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    enterprises: tuple[EnterpriseCoverage, ...]
    officers: tuple[OfficerCoverage, ...]

    @property
    def total(self) -> int:
        """How many enterprises the plan covers."""
        return len(self.enterprises)

    @property
    def visited(self) -> int:
        """How many of them had at least one done visit in the period."""
        return sum(1 for e in self.enterprises if e.visited)

    @property
    def share_visited(self) -> Decimal | None:
        """``visited / total`` to four decimal places (``None`` when the plan is empty)."""
        if not self.enterprises:
            return None
        return (Decimal(self.visited) / Decimal(self.total)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_EVEN
        )

    def enterprise(self, enterprise: str) -> EnterpriseCoverage | None:
        """The coverage of one enterprise, or ``None`` when the plan does not cover it."""
        for item in self.enterprises:
            if item.enterprise == enterprise:
                return item
        return None

    def officer(self, officer: str) -> OfficerCoverage | None:
        """The totals of one officer, or ``None`` when unknown."""
        for item in self.officers:
            if item.officer == officer:
                return item
        return None


def _day(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(f"must be a date, got {type(value).__name__}", path=name)
    return value


@attrs.define
class _Tally:
    enterprises: int = 0
    planned: int = 0
    done: int = 0
    overdue: int = 0
    next_due: dt.date | None = None

    def due(self, day: dt.date | None) -> None:
        if day is not None and (self.next_due is None or day < self.next_due):
            self.next_due = day


def coverage(
    plan: Plan,
    history: Iterable[VisitRecord] = (),
    *,
    as_of: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    officers: Iterable[Officer] = (),
) -> CoverageReport:
    """Report coverage of ``plan`` against ``history`` as of ``as_of``.

    The period defaults to the plan's range. ``officers`` adds officers that carry no
    visit to the report (with zeros). See the module docstring for the definitions.
    """
    as_of = _day(as_of, "as_of")
    first = _day(start, "start") if start is not None else plan.start
    last = _day(end, "end") if end is not None else plan.end
    if last < first:
        raise InvalidInput(f"the period ends ({last}) before it starts ({first})", path="end")

    done: dict[str, list[VisitRecord]] = {}
    for record in sorted(history, key=lambda r: (r.enterprise, r.date, r.officer or "")):
        done.setdefault(record.enterprise, []).append(record)

    # (window start, window end, planned day or None, officer or None)
    windows: dict[str, list[tuple[dt.date, dt.date, dt.date | None, str | None]]] = {}
    owner: dict[str, tuple[dt.date, str | None]] = {}
    for visit in plan.visits:
        windows.setdefault(visit.enterprise, []).append(
            (visit.window_start, visit.window_end, visit.date, visit.officer)
        )
        if visit.enterprise not in owner or owner[visit.enterprise][0] <= visit.date:
            owner[visit.enterprise] = (visit.date, visit.officer)
    for entry in plan.unplaced:
        windows.setdefault(entry.enterprise, []).append(
            (entry.window_start, entry.window_end, None, entry.officer)
        )
        if entry.enterprise not in owner:
            owner[entry.enterprise] = (dt.date.min, entry.officer)

    tallies: dict[str, _Tally] = {o.id: _Tally() for o in officers}
    known = set(tallies) | {o for _, o in owner.values() if o is not None}
    rows: list[EnterpriseCoverage] = []
    for ent_id in sorted(windows):
        officer = owner[ent_id][1]
        records = done.get(ent_id, [])
        done_days = [r.date for r in records]
        planned = overdue = 0
        next_due: dt.date | None = None
        if officer is not None:
            tallies.setdefault(officer, _Tally()).enterprises += 1
        for lo, hi, day, who in sorted(windows[ent_id], key=lambda w: (w[0], w[2] or w[0])):
            if day is not None and first <= day <= last:
                planned += 1
                if who is not None:
                    tallies.setdefault(who, _Tally()).planned += 1
            if any(lo <= d <= hi for d in done_days):
                continue
            late = day < as_of if day is not None else hi < as_of
            if not late:
                if day is not None and (next_due is None or day < next_due):
                    next_due = day
            elif first <= hi and lo <= last:
                overdue += 1
                if who is not None:
                    tallies.setdefault(who, _Tally()).overdue += 1
        in_period = [r for r in records if first <= r.date <= last]
        for record in in_period:
            who = record.officer if record.officer in known else officer
            if who is not None:
                tallies.setdefault(who, _Tally()).done += 1
        if officer is not None:
            tallies[officer].due(next_due)
        last_done = max((d for d in done_days if d <= last), default=None)
        rows.append(
            EnterpriseCoverage(
                ent_id, officer, planned, len(in_period), overdue, next_due, last_done
            )
        )
    officer_rows = tuple(
        OfficerCoverage(oid, t.enterprises, t.planned, t.done, t.overdue, t.next_due)
        for oid, t in sorted(tallies.items())
    )
    return CoverageReport(first, last, as_of, tuple(rows), officer_rows)
