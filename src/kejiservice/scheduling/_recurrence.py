"""Recurring programmes on the working calendar.

This is the only module of kejiservice that imports :mod:`dateutil.rrule`, and it
always passes ``dtstart`` (rrule would otherwise fall back to the clock).

rrule knows weekdays, not the official working calendar: ``BYSETPOS=1`` over
Monday–Friday says the first workday of January 2025 is Wednesday 1 January (New
Year's Day, a holiday; the answer is Thursday 2 January), and ``BYSETPOS=-1`` says
the last workday of February 2026 is Friday 27 February (Saturday 28 February is a
working Saturday, 调休). So rrule generates the candidates here, and the calendar
corrects them:

* :class:`WeekdayRule`, "every Tuesday" or "every 2 weeks from a start date":
  rrule gives the nominal days, :class:`Adjust` says what happens to one that is
  not a workday (moved to the next or previous workday, kept in its week, skipped).
* :class:`NthWorkday`, "first workday of each month", "last workday of each quarter":
  rrule gives the periods, the calendar gives the n-th workday of each. The nominal
  day kept beside it is what rrule's weekday-only ``BYSETPOS`` would have said.

A :class:`Programme` groups named rules; :func:`three_ones` is Jieyang's "three
ones" (三个一): one in-depth enterprise visit each week, one enterprise–project
matchmaking each month, one training each quarter.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Protocol

import attrs
from dateutil.rrule import DAILY, FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, YEARLY, rrule

from ..calendar import WorkingCalendar, default_calendar
from ..errors import InvalidInput, ParameterError

__all__ = [
    "Adjust",
    "NthWorkday",
    "Occurrence",
    "Period",
    "Programme",
    "ProgrammeEvent",
    "ProgrammeItem",
    "Recurrence",
    "WeekdayRule",
    "every_n_weeks",
    "every_weekday",
    "first_workday",
    "last_workday",
    "three_ones",
]

_RRULE_DAYS = (MO, TU, WE, TH, FR, SA, SU)
_ONE_DAY = dt.timedelta(days=1)


class Adjust(enum.StrEnum):
    """What happens to a nominal day that is not a workday."""

    NEXT = "next"
    """Moved to the next workday (two occurrences can then fall on one day)."""
    PREVIOUS = "previous"
    """Moved to the previous workday."""
    WITHIN_WEEK = "within_week"
    """Moved to the next workday of the same Monday–Sunday week, else to the previous
    one of that week; skipped when the week has no workday (the Spring Festival week)."""
    SKIP = "skip"
    """Skipped."""


class Period(enum.StrEnum):
    """Calendar periods for :class:`NthWorkday` (weeks run Monday to Sunday)."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


@attrs.frozen
class Occurrence:
    """One occurrence of a rule: the ``nominal`` day and the workday it falls on.

    ``date`` is ``None`` when the occurrence is skipped (no workday fits); it is
    reported, never silently dropped.
    """

    nominal: dt.date
    date: dt.date | None

    @property
    def skipped(self) -> bool:
        """Whether no workday could be found."""
        return self.date is None

    @property
    def moved(self) -> bool:
        """Whether the workday differs from the nominal day."""
        return self.date is not None and self.date != self.nominal


class Recurrence(Protocol):
    """A rule that yields dated occurrences in a range on a working calendar."""

    def occurrences(
        self, start: dt.date, end: dt.date, calendar: WorkingCalendar | None = None
    ) -> list[Occurrence]:
        """The occurrences that belong to ``[start, end]`` (both inclusive), in order."""
        ...  # pragma: no cover


def _check_range(start: dt.date, end: dt.date) -> None:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise InvalidInput(f"must be a date, got {type(value).__name__}", path=name)
    if end < start:
        raise InvalidInput(f"the range ends ({end}) before it starts ({start})", path="end")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _adjust(day: dt.date, adjust: Adjust, calendar: WorkingCalendar) -> dt.date | None:
    if calendar.is_workday(day):
        return day
    if adjust is Adjust.NEXT:
        return calendar.next_workday(day)
    if adjust is Adjust.PREVIOUS:
        return calendar.previous_workday(day)
    if adjust is Adjust.WITHIN_WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        sunday = monday + dt.timedelta(days=6)
        probe = day + _ONE_DAY
        while probe <= sunday:
            if calendar.is_workday(probe):
                return probe
            probe += _ONE_DAY
        probe = day - _ONE_DAY
        while probe >= monday:
            if calendar.is_workday(probe):
                return probe
            probe -= _ONE_DAY
    return None


@attrs.frozen
class WeekdayRule:
    """Every ``weekday`` (0 = Monday ... 6 = Sunday) of every ``interval``-th week.

    With ``interval`` above 1, ``start`` is required: the weeks are counted from the
    week of ``start`` and the first occurrence is on or after ``start``. Occurrences
    belong to a range by their nominal day; ``adjust`` then places each on a workday.
    """

    weekday: int
    interval: int = 1
    start: dt.date | None = None
    adjust: Adjust = Adjust.NEXT

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ParameterError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        if self.interval < 1:
            raise ParameterError(f"interval must be at least 1, got {self.interval}")
        if self.interval > 1 and self.start is None:
            raise ParameterError("a rule repeating every few weeks needs a start date")

    def occurrences(
        self, start: dt.date, end: dt.date, calendar: WorkingCalendar | None = None
    ) -> list[Occurrence]:
        """The occurrences whose nominal day lies in ``[start, end]``."""
        _check_range(start, end)
        cal = calendar if calendar is not None else default_calendar()
        anchor = self.start if self.start is not None else start
        rule = rrule(
            WEEKLY,
            interval=self.interval,
            byweekday=_RRULE_DAYS[self.weekday],
            dtstart=_midnight(anchor),
        )
        days = rule.between(_midnight(start), _midnight(end), inc=True)
        return [Occurrence(d.date(), _adjust(d.date(), self.adjust, cal)) for d in days]


def _period_starts(period: Period, interval: int, anchor: dt.date, end: dt.date) -> list[dt.date]:
    if period is Period.WEEK:
        first = anchor - dt.timedelta(days=anchor.weekday())
        rule = rrule(WEEKLY, interval=interval, byweekday=MO, dtstart=_midnight(first))
    elif period is Period.YEAR:
        first = dt.date(anchor.year, 1, 1)
        rule = rrule(YEARLY, interval=interval, dtstart=_midnight(first))
    else:
        months = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6}[period]
        first = dt.date(anchor.year, (anchor.month - 1) // months * months + 1, 1)
        rule = rrule(MONTHLY, interval=interval * months, dtstart=_midnight(first))
    return [d.date() for d in rule.between(_midnight(first), _midnight(end), inc=True)]


def _period_end(period: Period, first: dt.date) -> dt.date:
    if period is Period.WEEK:
        return first + dt.timedelta(days=6)
    if period is Period.YEAR:
        return dt.date(first.year, 12, 31)
    months = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6}[period]
    month = first.month + months
    nxt = dt.date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return nxt - _ONE_DAY


def _nth_workday(first: dt.date, last: dt.date, n: int, cal: WorkingCalendar) -> dt.date | None:
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    day = first if n > 0 else last
    left = abs(n)
    while first <= day <= last:
        if cal.is_workday(day):
            left -= 1
            if not left:
                return day
        day += step
    return None


@attrs.frozen
class NthWorkday:
    """The ``n``-th workday of each ``period`` (``n`` = -1: the last; -2: the one before).

    With ``interval`` above 1 only every ``interval``-th period counts, from the
    period of ``start`` (default: the period of the range start). A period with fewer
    than ``|n|`` workdays yields a skipped occurrence. Each occurrence's ``nominal``
    day is the ``n``-th Monday–Friday of the period, which is what rrule's
    ``BYSETPOS`` over weekdays gives; its ``date`` is the true workday.
    Occurrences belong to a range by their workday (by their nominal day if skipped).
    """

    period: Period
    n: int
    interval: int = 1
    start: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.n == 0:
            raise ParameterError("n counts from 1 (first) or from -1 (last); 0 is not allowed")
        if self.interval < 1:
            raise ParameterError(f"interval must be at least 1, got {self.interval}")

    def occurrences(
        self, start: dt.date, end: dt.date, calendar: WorkingCalendar | None = None
    ) -> list[Occurrence]:
        """The occurrences dated in ``[start, end]``."""
        _check_range(start, end)
        cal = calendar if calendar is not None else default_calendar()
        anchor = self.start if self.start is not None else start
        out: list[Occurrence] = []
        for first in _period_starts(self.period, self.interval, anchor, end):
            last = _period_end(self.period, first)
            if last < start:
                continue
            weekdays = rrule(
                DAILY,
                byweekday=(MO, TU, WE, TH, FR),
                dtstart=_midnight(first),
                until=_midnight(last),
            )
            plain = [d.date() for d in weekdays]
            index = self.n - 1 if self.n > 0 else self.n
            nominal = plain[index] if -len(plain) <= index < len(plain) else first
            day = _nth_workday(first, last, self.n, cal)
            when = day if day is not None else nominal
            if start <= when <= end:
                out.append(Occurrence(nominal, day))
        return out


def every_weekday(weekday: int, *, adjust: Adjust = Adjust.NEXT) -> WeekdayRule:
    """Every week on ``weekday`` (0 = Monday), adjusted onto a workday by ``adjust``."""
    return WeekdayRule(weekday, adjust=adjust)


def every_n_weeks(n: int, start: dt.date, *, adjust: Adjust = Adjust.NEXT) -> WeekdayRule:
    """Every ``n`` weeks from ``start`` (on ``start``'s weekday), adjusted by ``adjust``."""
    return WeekdayRule(start.weekday(), interval=n, start=start, adjust=adjust)


def first_workday(period: Period = Period.MONTH) -> NthWorkday:
    """The first workday of each ``period`` (by default each month)."""
    return NthWorkday(period, 1)


def last_workday(period: Period = Period.MONTH) -> NthWorkday:
    """The last workday of each ``period`` (by default each month)."""
    return NthWorkday(period, -1)


@attrs.frozen
class ProgrammeItem:
    """One recurring activity of a programme: a ``kind`` key, a title and its rule."""

    kind: str
    title: str
    rule: WeekdayRule | NthWorkday


@attrs.frozen
class ProgrammeEvent:
    """One dated activity of a programme; ``date`` is ``None`` when it was skipped."""

    kind: str
    title: str
    nominal: dt.date
    date: dt.date | None

    @property
    def skipped(self) -> bool:
        """Whether no workday could be found for the activity."""
        return self.date is None


def _items(value: Iterable[ProgrammeItem]) -> tuple[ProgrammeItem, ...]:
    return tuple(value)


@attrs.frozen
class Programme:
    """A named set of recurring activities (e.g. the "three ones")."""

    name: str
    items: tuple[ProgrammeItem, ...] = attrs.field(converter=_items)

    def events(
        self, start: dt.date, end: dt.date, calendar: WorkingCalendar | None = None
    ) -> list[ProgrammeEvent]:
        """Every activity in ``[start, end]``, sorted by day (nominal day if skipped),
        then by the order of the items."""
        cal = calendar if calendar is not None else default_calendar()
        keyed: list[tuple[dt.date, int, ProgrammeEvent]] = []
        for order, item in enumerate(self.items):
            for occ in item.rule.occurrences(start, end, cal):
                event = ProgrammeEvent(item.kind, item.title, occ.nominal, occ.date)
                keyed.append((occ.date or occ.nominal, order, event))
        keyed.sort(key=lambda k: (k[0], k[1]))
        return [event for _, _, event in keyed]


def three_ones(
    *,
    visit_weekday: int = 1,
    matchmaking: NthWorkday | None = None,
    training: NthWorkday | None = None,
) -> Programme:
    """Jieyang's "three ones" (三个一) as a ready programme.

    * ``visit`` (一次深度走访企业): one in-depth enterprise visit each week, on
      ``visit_weekday`` (default Tuesday), kept within its week when that day is
      not a workday; a week with no workday at all has none (reported as skipped).
    * ``matchmaking`` (一次企业–项目对接): each month, by default on its first workday.
    * ``training`` (一次培训): each quarter, by default on its last workday.
    """
    return Programme(
        "three_ones",
        (
            ProgrammeItem(
                "visit",
                "一次深度走访企业 in-depth enterprise visit",
                WeekdayRule(visit_weekday, adjust=Adjust.WITHIN_WEEK),
            ),
            ProgrammeItem(
                "matchmaking",
                "一次企业–项目对接 enterprise–project matchmaking",
                matchmaking if matchmaking is not None else first_workday(Period.MONTH),
            ),
            ProgrammeItem(
                "training",
                "一次培训 training",
                training if training is not None else last_workday(Period.QUARTER),
            ),
        ),
    )
