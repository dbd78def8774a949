"""The working calendar: which days are worked, and arithmetic on workdays.

See :mod:`kejiservice.calendar` for usage, provenance and limitations.
"""

from __future__ import annotations

import bisect
import calendar as _stdlib_calendar
import datetime as dt
import functools
from collections.abc import Mapping

from kejiservice.calendar._data import YearData, bundled_years
from kejiservice.errors import InvalidInput, OutOfCalendarRange, ParameterError

__all__ = ["WorkingCalendar", "default_calendar"]


def _as_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise InvalidInput(
            f"expected a datetime.date, got the datetime {value.isoformat()}; "
            "pass value.date() (a date carries no time or time zone to guess from)",
            path=name,
        )
    if not isinstance(value, dt.date):
        raise InvalidInput(
            f"expected a datetime.date, got {type(value).__name__} {value!r}", path=name
        )
    return value


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"expected an integer, got {type(value).__name__} {value!r}", path=name)
    return value


def _describe_years(years: tuple[int, ...]) -> str:
    if not years:
        return "no years"
    runs: list[str] = []
    start = previous = years[0]
    for year in (*years[1:], None):
        if year is not None and year == previous + 1:
            previous = year
            continue
        runs.append(str(start) if start == previous else f"{start}-{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(runs)


class WorkingCalendar:
    """The PRC working calendar: weekends, statutory holidays and 调休 from official notices.

    A day is a workday when it is an adjusted workday (a Saturday or Sunday worked, 调休上班,
    unless ``adjusted_weekends_are_workdays`` is false), or a Monday-Friday that is not a day
    off of a holiday block. Answers come from one :class:`YearData` per year (the bundled
    files 2004-2026 when ``years`` is ``None``).

    A date in a year without data raises :class:`~kejiservice.errors.OutOfCalendarRange`,
    unless ``provisional`` is true: then such a year counts as plain Monday-Friday weeks
    (plus any of its days that a neighbouring year's notice fixes, such as a late-December
    元旦 day) and :meth:`is_provisional` says the answer is a guess.

    Every method takes ``datetime.date`` values and rejects ``datetime.datetime`` (with
    :class:`~kejiservice.errors.InvalidInput`); nothing reads the clock. Instances are
    immutable; :meth:`with_year` returns a new calendar.
    """

    def __init__(
        self,
        years: Mapping[int, YearData] | None = None,
        *,
        provisional: bool = False,
        adjusted_weekends_are_workdays: bool = True,
    ) -> None:
        source = bundled_years() if years is None else years
        data: dict[int, YearData] = {}
        holidays: dict[dt.date, str] = {}
        workdays: dict[dt.date, str] = {}
        claimed: dict[dt.date, int] = {}
        for key in sorted(source):
            year_data = source[key]
            if not isinstance(year_data, YearData):
                raise InvalidInput(
                    f"expected YearData, got {type(year_data).__name__}", path=f"years[{key}]"
                )
            if key != year_data.year:
                raise ParameterError(f"years[{key}] holds the data of {year_data.year}")
            data[key] = year_data
            for table, target in (
                (year_data.holidays, holidays),
                (year_data.adjusted_workdays, workdays),
            ):
                for day, holiday in table.items():
                    if day in claimed:
                        raise ParameterError(
                            f"{day.isoformat()} is arranged by both the {claimed[day]} and "
                            f"the {key} year data"
                        )
                    claimed[day] = key
                    target[day] = holiday
        self._data = data
        self._years = tuple(data)
        self._holidays = holidays
        self._adjusted = workdays
        self._provisional = bool(provisional)
        self._adjusted_work = bool(adjusted_weekends_are_workdays)
        self._tables: dict[int, tuple[int, ...]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(years={_describe_years(self._years)}, "
            f"provisional={self._provisional}, "
            f"adjusted_weekends_are_workdays={self._adjusted_work})"
        )

    # -- configuration -------------------------------------------------------------------

    def with_year(self, data: YearData) -> WorkingCalendar:
        """A new calendar with ``data`` added, or replacing the year it already had."""
        if not isinstance(data, YearData):
            raise InvalidInput(f"expected YearData, got {type(data).__name__}", path="data")
        return WorkingCalendar(
            {**self._data, data.year: data},
            provisional=self._provisional,
            adjusted_weekends_are_workdays=self._adjusted_work,
        )

    @property
    def years(self) -> tuple[int, ...]:
        """The years with official data, sorted."""
        return self._years

    @property
    def provisional(self) -> bool:
        """Whether years without data are answered as plain Monday-Friday weeks."""
        return self._provisional

    @property
    def adjusted_weekends_are_workdays(self) -> bool:
        """Whether the weekend days worked by notice (调休上班) count as workdays."""
        return self._adjusted_work

    def year_data(self, year: int) -> YearData:
        """The official data of ``year`` (its notice is ``.source``)."""
        year = _as_int(year, "year")
        if year not in self._data:
            raise OutOfCalendarRange(self._missing_message(year))
        return self._data[year]

    def covers(self, day: dt.date) -> bool:
        """Whether there is official data for ``day``'s year."""
        return _as_date(day, "day").year in self._data

    def is_provisional(self, day: dt.date) -> bool:
        """Whether the answer for ``day`` is a guess: provisional mode and a year without data.

        In strict mode this is always false (a year without data raises instead).
        """
        day = _as_date(day, "day")
        return self._provisional and day.year not in self._data

    def _require(self, year: int) -> None:
        if year in self._data:
            return
        if self._provisional and dt.MINYEAR <= year <= dt.MAXYEAR:
            return
        raise OutOfCalendarRange(self._missing_message(year))

    def _missing_message(self, year: int) -> str:
        covered = _describe_years(self._years)
        return (
            f"no official working-calendar data for {year}: this calendar covers {covered}. "
            f"Transcribe the State Council notice for {year} into a year file and use "
            "calendar.with_year(load_year_file(path)), or use "
            "WorkingCalendar(provisional=True) to treat years without data as plain "
            "Monday-Friday weeks."
        )

    # -- single days -----------------------------------------------------------------------

    def _workday(self, day: dt.date) -> bool:
        if day in self._adjusted:
            return self._adjusted_work
        return day.weekday() < 5 and day not in self._holidays

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is worked: a weekday not off, or a 调休 weekend day (if counted)."""
        day = _as_date(day, "day")
        self._require(day.year)
        return self._workday(day)

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a day off of a holiday block (bridge and weekend days included).

        An ordinary weekend is not a holiday: ``is_holiday`` is not ``not is_workday``.
        """
        return self.holiday_name(day) is not None

    def holiday_name(self, day: dt.date) -> str | None:
        """The id of the holiday block ``day`` is off for (``"spring_festival"``), or ``None``.

        Chinese names are in :data:`~kejiservice.calendar.HOLIDAY_IDS` and
        :meth:`YearData.name_zh`.
        """
        day = _as_date(day, "day")
        self._require(day.year)
        return self._holidays.get(day)

    def is_adjusted_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a weekend day made a workday by notice (调休上班).

        True whatever ``adjusted_weekends_are_workdays`` says; that option only decides
        whether :meth:`is_workday` counts the day.
        """
        day = _as_date(day, "day")
        self._require(day.year)
        return day in self._adjusted

    # -- search and arithmetic -------------------------------------------------------------

    def _table(self, year: int) -> tuple[int, ...]:
        """The ordinals of the workdays of calendar year ``year``, sorted (cached)."""
        table = self._tables.get(year)
        if table is None:
            self._require(year)
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            table = tuple(
                n for n in range(first, last + 1) if self._workday(dt.date.fromordinal(n))
            )
            self._tables[year] = table
        return table

    def _next_table(self, year: int, step: int) -> tuple[int, tuple[int, ...]]:
        year += step
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise OutOfCalendarRange(f"no workday before the end of the date range ({year})")
        return year, self._table(year)

    def next_workday(self, day: dt.date, *, include: bool = False) -> dt.date:
        """The first workday after ``day`` (on or after it when ``include`` is true).

        Raises ``OutOfCalendarRange`` when the search reaches a year without data.
        """
        day = _as_date(day, "day")
        year = day.year
        table = self._table(year)
        ordinal = day.toordinal()
        index = (bisect.bisect_left if include else bisect.bisect_right)(table, ordinal)
        while index >= len(table):
            year, table = self._next_table(year, 1)
            index = 0
        return dt.date.fromordinal(table[index])

    def previous_workday(self, day: dt.date, *, include: bool = False) -> dt.date:
        """The last workday before ``day`` (on or before it when ``include`` is true)."""
        day = _as_date(day, "day")
        year = day.year
        table = self._table(year)
        ordinal = day.toordinal()
        index = (bisect.bisect_right if include else bisect.bisect_left)(table, ordinal) - 1
        while index < 0:
            year, table = self._next_table(year, -1)
            index = len(table) - 1
        return dt.date.fromordinal(table[index])

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th workday after ``day`` (``n`` < 0: before it); ``day`` itself never counts.

        ``add_workdays(d, 1) == next_workday(d)`` and ``add_workdays(d, -1) ==
        previous_workday(d)``. ``n == 0`` gives ``next_workday(day, include=True)``: ``day``
        if it is a workday, else the next one. Round trip: when ``day`` is a workday,
        ``add_workdays(add_workdays(day, n), -n) == day``; when it is not, the trip ends on
        the workday before it for ``n > 0`` (``previous_workday(day)``) and on the one
        after it for ``n < 0`` (``next_workday(day)``).
        """
        day = _as_date(day, "day")
        n = _as_int(n, "n")
        if n == 0:
            return self.next_workday(day, include=True)
        year = day.year
        table = self._table(year)
        ordinal = day.toordinal()
        if n > 0:
            index = bisect.bisect_right(table, ordinal) + n - 1
            while index >= len(table):
                index -= len(table)
                year, table = self._next_table(year, 1)
        else:
            index = bisect.bisect_left(table, ordinal) + n
            while index < 0:
                year, table = self._next_table(year, -1)
                index += len(table)
        return dt.date.fromordinal(table[index])

    def _span(self, start: dt.date, end: dt.date) -> list[tuple[tuple[int, ...], int, int]]:
        """(table, lo, hi) slices holding the workdays of [start, end], year by year."""
        first, last = start.toordinal(), end.toordinal()
        spans = []
        for year in range(start.year, end.year + 1):
            self._require(year)
        for year in range(start.year, end.year + 1):
            table = self._table(year)
            lo = bisect.bisect_left(table, first)
            hi = bisect.bisect_right(table, last)
            spans.append((table, lo, hi))
        return spans

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """How many workdays lie in ``[start, end]``, both included; 0 if ``end < start``."""
        start, end = _as_date(start, "start"), _as_date(end, "end")
        if end < start:
            return 0
        return sum(hi - lo for _, lo, hi in self._span(start, end))

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The workdays in ``[start, end]``, in order (empty if ``end < start``)."""
        start, end = _as_date(start, "start"), _as_date(end, "end")
        if end < start:
            return []
        return [
            dt.date.fromordinal(n) for table, lo, hi in self._span(start, end) for n in table[lo:hi]
        ]

    def _month(self, year: int, month: int) -> tuple[dt.date, dt.date]:
        year, month = _as_int(year, "year"), _as_int(month, "month")
        if not 1 <= month <= 12:
            raise InvalidInput(f"a month is 1-12, got {month}", path="month")
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise InvalidInput(f"year {year} is outside the date range", path="year")
        self._require(year)
        days = _stdlib_calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, days)

    def first_workday_of_month(self, year: int, month: int) -> dt.date:
        """The first workday of the month (2025-01 gives 2025-01-02: 01-01 is 元旦).

        Raises ``OutOfCalendarRange`` if the month has no workday at all.
        """
        first, last = self._month(year, month)
        days = self.workdays(first, last)
        if not days:
            raise OutOfCalendarRange(f"{year}-{month:02d} has no workday")
        return days[0]

    def last_workday_of_month(self, year: int, month: int) -> dt.date:
        """The last workday of the month; it can be a 调休 weekend day (2018-09: Sunday 09-30).

        Raises ``OutOfCalendarRange`` if the month has no workday at all.
        """
        first, last = self._month(year, month)
        days = self.workdays(first, last)
        if not days:
            raise OutOfCalendarRange(f"{year}-{month:02d} has no workday")
        return days[-1]


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The calendar of the bundled year files, strict (not provisional); built once."""
    return WorkingCalendar()
