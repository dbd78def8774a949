"""Scheduling models: officers, assignments, cadence policies, visits and plans.

All classes are frozen attrs classes with slots. Shape checks with JSON paths
happen in :mod:`kejiservice.scheduling._formats`; the validators here only guard
invariants that no valid input can break.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Any, Literal

import attrs
from dateutil.relativedelta import relativedelta

from ..errors import InvalidInput
from ..models import Enterprise

__all__ = [
    "WEEKDAY_NAMES",
    "Assignment",
    "CadencePolicy",
    "CadenceRule",
    "Interval",
    "Officer",
    "Plan",
    "PlannedVisit",
    "Unplaced",
    "UnplacedReason",
    "VisitKind",
    "VisitRecord",
    "Window",
]

#: The working weekdays an officer can have, by name (Monday is 0, as in :mod:`datetime`).
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

#: Week-interval windows are counted from this Monday unless the policy names another anchor.
DEFAULT_WEEK_ANCHOR = dt.date(2001, 1, 1)

_NAMED_INTERVALS: dict[str, tuple[Literal["week", "month"], int]] = {
    "weekly": ("week", 1),
    "fortnightly": ("week", 2),
    "monthly": ("month", 1),
    "bimonthly": ("month", 2),
    "quarterly": ("month", 3),
    "half-yearly": ("month", 6),
    "yearly": ("month", 12),
}
_ALIASES = {
    "biweekly": "fortnightly",
    "half_yearly": "half-yearly",
    "halfyearly": "half-yearly",
    "semiannual": "half-yearly",
    "semi-annual": "half-yearly",
    "annual": "yearly",
    "annually": "yearly",
}
_COUNTED = re.compile(r"^(\d{1,3})\s*(week|weeks|month|months)$")

Window = tuple[dt.date, dt.date]


@attrs.frozen(order=True)
class Interval:
    """A cadence interval: ``count`` weeks or ``count`` months.

    Month intervals must divide the year (1, 2, 3, 4, 6 or 12 months): their windows
    are calendar periods aligned on January 1 (months, quarters, half-years, years).
    Week intervals are blocks of ``7 × count`` days counted from an anchor date.
    Build one from text with :meth:`parse` (``"monthly"``, ``"quarterly"``,
    ``"half-yearly"``, ``"2 weeks"``, ...).
    """

    unit: Literal["week", "month"]
    count: int

    def __attrs_post_init__(self) -> None:
        if self.unit not in ("week", "month"):
            raise InvalidInput(f"unit must be 'week' or 'month', got {self.unit!r}", path="unit")
        if self.count < 1:
            raise InvalidInput(f"count must be at least 1, got {self.count}", path="count")
        if self.unit == "month" and 12 % self.count:
            raise InvalidInput(
                f"a month interval must divide the year, got {self.count}", path="count"
            )

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read ``"monthly"``, ``"quarterly"``, ``"half-yearly"``, ``"3 weeks"``, ``"2 months"``.

        Raises :class:`~kejiservice.errors.InvalidInput` (a ``ValueError``) for anything else.
        """
        key = text.strip().lower()
        key = _ALIASES.get(key, key)
        if key in _NAMED_INTERVALS:
            return cls(*_NAMED_INTERVALS[key])
        match = _COUNTED.match(key)
        if match:
            count = int(match.group(1))
            return cls("week" if match.group(2).startswith("week") else "month", count)
        names = ", ".join(_NAMED_INTERVALS)
        raise InvalidInput(
            f"unknown interval {text[:40]!r}; use one of {names}, or 'N weeks'", path="interval"
        )

    def __str__(self) -> str:
        for name, (unit, count) in _NAMED_INTERVALS.items():
            if (unit, count) == (self.unit, self.count):
                return name
        return f"{self.count} {self.unit}s"

    @property
    def approx_days(self) -> float:
        """The nominal length in days, to compare intervals of different units."""
        return self.count * 7.0 if self.unit == "week" else self.count * 365.25 / 12

    def before(self, day: dt.date) -> dt.date:
        """``day`` minus one interval (month ends are clipped, as in ``relativedelta``)."""
        if self.unit == "week":
            return day - dt.timedelta(weeks=self.count)
        result: dt.date = day - relativedelta(months=self.count)
        return result

    def window_of(self, day: dt.date, anchor: dt.date = DEFAULT_WEEK_ANCHOR) -> Window:
        """The whole (unclipped) window that contains ``day``."""
        if self.unit == "week":
            span = 7 * self.count
            index = (day - anchor).days // span
            first = anchor + dt.timedelta(days=index * span)
            return first, first + dt.timedelta(days=span - 1)
        month0 = (day.month - 1) // self.count * self.count
        first = dt.date(day.year, month0 + 1, 1)
        nxt: dt.date = first + relativedelta(months=self.count)
        return first, nxt - dt.timedelta(days=1)

    def windows(
        self, start: dt.date, end: dt.date, anchor: dt.date = DEFAULT_WEEK_ANCHOR
    ) -> list[Window]:
        """The windows that meet ``[start, end]``, each clipped to it, in date order."""
        out: list[Window] = []
        day = start
        while day <= end:
            first, last = self.window_of(day, anchor)
            out.append((max(first, start), min(last, end)))
            day = last + dt.timedelta(days=1)
        return out


def _weekdays(value: Any) -> tuple[int, ...]:
    return tuple(sorted(set(value)))


def _check_weekdays(_: Any, __: Any, value: tuple[int, ...]) -> None:
    if not value:
        raise InvalidInput("an officer needs at least one working weekday", path="weekdays")
    if any(not 0 <= day <= 4 for day in value):
        raise InvalidInput("working weekdays are Monday (0) to Friday (4)", path="weekdays")


def _days(value: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(value)


def _non_negative(_: Any, attribute: Any, value: int) -> None:
    if value < 0:
        raise InvalidInput(f"must not be negative, got {value}", path=attribute.name)


@attrs.frozen
class Officer:
    """A tech service officer (科技服务官), leadership member or tech commissioner.

    ``weekly_capacity`` is the number of visits in a normal week, that is a week in
    which the officer works all of ``weekdays`` (0 = Monday ... 4 = Friday). Working
    Saturdays and Sundays of the official schedule (调休) count as working days for
    every officer; list one in ``days_off`` to exclude it. ``district`` is a region
    code used when rebalancing (officers of the enterprise's region are preferred).
    """

    id: str
    name: str
    weekly_capacity: int = attrs.field(validator=_non_negative)
    weekdays: tuple[int, ...] = attrs.field(
        default=(0, 1, 2, 3, 4), converter=_weekdays, validator=_check_weekdays
    )
    days_off: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_days)
    district: str | None = None

    def works_on(self, day: dt.date, workday: bool) -> bool:
        """Whether the officer works on ``day``, given whether it is an official workday."""
        if not workday or day in self.days_off:
            return False
        return day.weekday() >= 5 or day.weekday() in self.weekdays


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Assignment:
    """The enterprises (by id) linked to one officer (挂点服务)."""

    officer: str
    enterprises: tuple[str, ...] = attrs.field(converter=_ids)


@attrs.frozen
class CadenceRule:
    """Enterprises with ``tag``, or holding a valid ``certification``, are visited every
    ``interval``. Exactly one of ``tag`` and ``certification`` is given."""

    name: str
    interval: Interval
    tag: str | None = None
    certification: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.tag is None) == (self.certification is None):
            raise InvalidInput(
                "a cadence rule takes exactly one of tag and certification", path="tag"
            )

    def matches(self, enterprise: Enterprise, as_of: dt.date) -> bool:
        """Whether the rule applies to ``enterprise`` on ``as_of``."""
        if self.tag is not None:
            return self.tag in enterprise.tags
        assert self.certification is not None
        return enterprise.holds(self.certification, as_of)


def _rules(value: Iterable[CadenceRule]) -> tuple[CadenceRule, ...]:
    return tuple(value)


@attrs.frozen
class CadencePolicy:
    """How often each enterprise is visited.

    Of the rules that match an enterprise the one with the shortest interval wins
    (ties: the rule name that sorts first), so the order of the rules never matters.
    Enterprises no rule matches get ``default``; with ``default`` ``None`` they are
    not planned at all. Week-interval windows are counted from ``week_anchor``.
    """

    rules: tuple[CadenceRule, ...] = attrs.field(default=(), converter=_rules)
    default: Interval | None = None
    week_anchor: dt.date = DEFAULT_WEEK_ANCHOR

    def cadence_for(self, enterprise: Enterprise, as_of: dt.date) -> tuple[str, Interval] | None:
        """The winning rule's name (``"default"`` for the default) and its interval."""
        best: tuple[float, str, Interval] | None = None
        for rule in self.rules:
            if rule.matches(enterprise, as_of):
                key = (rule.interval.approx_days, rule.name, rule.interval)
                if best is None or key[:2] < best[:2]:
                    best = key
        if best is not None:
            return best[1], best[2]
        if self.default is not None:
            return "default", self.default
        return None


@attrs.frozen
class VisitRecord:
    """A visit that took place (history). ``officer`` is who made it, when known."""

    enterprise: str
    date: dt.date
    officer: str | None = None
    note: str | None = None


class VisitKind(enum.StrEnum):
    """Why a visit is planned."""

    REGULAR = "regular"
    """The visit of an enterprise's cadence window."""
    CATCH_UP = "catch_up"
    """The first visit of an overdue enterprise, placed as early as possible."""


class UnplacedReason(enum.StrEnum):
    """Why a window could not get a visit."""

    NO_OFFICER = "no_officer"
    """No officer is assigned to the enterprise."""
    NO_WORKDAY = "no_workday"
    """The officer has no working day in the window (holidays, days off)."""
    NO_CAPACITY = "no_capacity"
    """Every week of the window is full for the officer."""
    FROZEN = "frozen"
    """The window lies inside the freeze window, which has no visit for it."""


_REASON_TEXT = {
    UnplacedReason.NO_OFFICER: "no officer is assigned to the enterprise",
    UnplacedReason.NO_WORKDAY: "the officer has no working day in the window",
    UnplacedReason.NO_CAPACITY: "the officer's weeks in the window are full",
    UnplacedReason.FROZEN: "the window lies inside the freeze window",
}


@attrs.frozen
class PlannedVisit:
    """One planned visit: an enterprise, its officer, the day, and the cadence window.

    ``sequence`` starts at 0 and grows by one each time re-planning moves the visit
    (another day or another officer); it is the iCalendar ``SEQUENCE``.
    """

    enterprise: str
    officer: str
    date: dt.date
    window_start: dt.date
    window_end: dt.date
    kind: VisitKind = VisitKind.REGULAR
    sequence: int = 0
    period_start: dt.date | None = None

    @property
    def period(self) -> dt.date:
        """The first day of the whole cadence window (before clipping to the plan range)."""
        return self.period_start if self.period_start is not None else self.window_start

    @property
    def uid(self) -> str:
        """A stable identifier from the enterprise and the start of its cadence window.

        The unclipped window start is used, so planning again from a later day keeps
        the identifiers of the windows it shares with the earlier plan.
        """
        return f"{self.enterprise}-{self.period:%Y%m%d}@kejiservice"

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by ``kejiservice plan --json``."""
        return {
            "enterprise": self.enterprise,
            "officer": self.officer,
            "date": self.date.isoformat(),
            "kind": self.kind.value,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
        }


@attrs.frozen
class Unplaced:
    """A cadence window that got no visit, and why. Never silently dropped."""

    enterprise: str
    window_start: dt.date
    window_end: dt.date
    reason: UnplacedReason
    officer: str | None = None
    period_start: dt.date | None = None

    @property
    def period(self) -> dt.date:
        """The first day of the whole cadence window (before clipping to the plan range)."""
        return self.period_start if self.period_start is not None else self.window_start

    @property
    def message(self) -> str:
        """The reason in plain English."""
        return _REASON_TEXT[self.reason]

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by ``kejiservice plan --json``."""
        return {
            "enterprise": self.enterprise,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "reason": self.reason.value,
        }


def _visits(value: Any) -> tuple[PlannedVisit, ...]:
    return tuple(sorted(value, key=lambda v: (v.date, v.officer, v.enterprise, v.window_start)))


def _unplaced(value: Any) -> tuple[Unplaced, ...]:
    return tuple(sorted(value, key=lambda u: (u.window_start, u.enterprise, u.window_end)))


@attrs.frozen
class Plan:
    """The planned visits from ``start`` to ``end`` (inclusive) and what did not fit.

    Visits are sorted by (date, officer, enterprise); unplaced windows by (window
    start, enterprise).
    """

    start: dt.date
    end: dt.date
    visits: tuple[PlannedVisit, ...] = attrs.field(default=(), converter=_visits)
    unplaced: tuple[Unplaced, ...] = attrs.field(default=(), converter=_unplaced)

    def for_enterprise(self, enterprise: str) -> tuple[PlannedVisit, ...]:
        """The visits of one enterprise, in date order."""
        return tuple(v for v in self.visits if v.enterprise == enterprise)

    def for_officer(self, officer: str) -> tuple[PlannedVisit, ...]:
        """The visits of one officer, in date order."""
        return tuple(v for v in self.visits if v.officer == officer)

    def to_dict(self) -> dict[str, Any]:
        """``{"visits": [...], "unplaced": [...]}`` as ``kejiservice plan --json`` prints it."""
        return {
            "visits": [v.to_dict() for v in self.visits],
            "unplaced": [u.to_dict() for u in self.unplaced],
        }
