"""Reporting periods: a calendar span with a name, such as ``2026Q1``.

Written forms accepted by :func:`parse_period` (and :meth:`Period.parse`)::

    2026             the year                       2026-01-01 .. 2026-12-31
    2026H1, 2026H2   a half year                    2026-01-01 .. 2026-06-30
    2026Q1 .. 2026Q4 a quarter                      2026-01-01 .. 2026-03-31
    2026-03          a month                        2026-03-01 .. 2026-03-31
    2026-03-05       a single day                   2026-03-05 .. 2026-03-05
    2026YTD-05       the year to the end of month 5 2026-01-01 .. 2026-05-31
    2026-01-15..2026-02-20
                     any span of days, both ends included

Every period includes both ends. :meth:`Period.split` cuts a period into disjoint
sub-periods that cover it exactly (a year into quarters, a half or a quarter into
months, a month into days), so that a figure that is a plain count or sum over dated
events equals the sum of its values over the pieces. :meth:`Period.previous_year` is the
same span one year earlier, for year-on-year comparison (29 February becomes the 28th).
Nothing here reads a clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re

import attrs

from ..errors import InvalidInput

__all__ = ["Period", "PeriodKind", "parse_period"]

_FORMS = (
    ("year", re.compile(r"^(?P<y>\d{4})$")),
    ("half", re.compile(r"^(?P<y>\d{4})H(?P<n>[12])$")),
    ("quarter", re.compile(r"^(?P<y>\d{4})Q(?P<n>[1-4])$")),
    ("ytd", re.compile(r"^(?P<y>\d{4})YTD-(?P<n>\d{2})$")),
    ("month", re.compile(r"^(?P<y>\d{4})-(?P<n>\d{2})$")),
    ("day", re.compile(r"^(?P<y>\d{4})-(?P<n>\d{2})-(?P<d>\d{2})$")),
    ("range", re.compile(r"^(?P<a>\d{4}-\d{2}-\d{2})\.\.(?P<b>\d{4}-\d{2}-\d{2})$")),
)
_MIN_YEAR = 1900
_MAX_YEAR = 2999


class PeriodKind(enum.StrEnum):
    """The shape of a period: it decides how the period is written, split and shifted."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    YTD = "ytd"
    MONTH = "month"
    DAY = "day"
    RANGE = "range"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_year(day: dt.date, years: int) -> dt.date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _iso(day: dt.date) -> str:
    return day.isoformat()


@attrs.frozen(order=False)
class Period:
    """A named span of days, both ends included. Build one with :func:`parse_period`."""

    kind: PeriodKind
    start: dt.date
    end: dt.date
    label: str

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(f"period {self.label} ends before it starts", path="period")

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period written as ``text`` (see the module docstring for the forms)."""
        return parse_period(text)

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls(PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}")

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        """Half ``half`` (1 or 2) of ``year``."""
        first = 6 * (half - 1) + 1
        start, end = dt.date(year, first, 1), _month_end(year, first + 5)
        return cls(PeriodKind.HALF, start, end, f"{year}H{half}")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Quarter ``quarter`` (1-4) of ``year``."""
        first = 3 * (quarter - 1) + 1
        start, end = dt.date(year, first, 1), _month_end(year, first + 2)
        return cls(PeriodKind.QUARTER, start, end, f"{year}Q{quarter}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Month ``month`` of ``year``."""
        start, end = dt.date(year, month, 1), _month_end(year, month)
        return cls(PeriodKind.MONTH, start, end, f"{year}-{month:02d}")

    @classmethod
    def ytd(cls, year: int, month: int) -> Period:
        """From 1 January of ``year`` to the end of month ``month``."""
        end = _month_end(year, month)
        return cls(PeriodKind.YTD, dt.date(year, 1, 1), end, f"{year}YTD-{month:02d}")

    @classmethod
    def day(cls, day: dt.date) -> Period:
        """The single day ``day``."""
        return cls(PeriodKind.DAY, day, day, _iso(day))

    @classmethod
    def span(cls, start: dt.date, end: dt.date) -> Period:
        """Any span of days from ``start`` to ``end``, both included."""
        return cls(PeriodKind.RANGE, start, end, f"{_iso(start)}..{_iso(end)}")

    def __str__(self) -> str:
        return self.label

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls within the period (both ends included)."""
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def previous_year(self) -> Period:
        """The same span one year earlier (``2026Q1`` -> ``2025Q1``)."""
        year = self.start.year - 1
        if self.kind is PeriodKind.YEAR:
            return Period.year(year)
        if self.kind is PeriodKind.HALF:
            return Period.half(year, 1 if self.start.month == 1 else 2)
        if self.kind is PeriodKind.QUARTER:
            return Period.quarter(year, (self.start.month - 1) // 3 + 1)
        if self.kind is PeriodKind.MONTH:
            return Period.month(year, self.start.month)
        if self.kind is PeriodKind.YTD:
            return Period.ytd(year, self.end.month)
        if self.kind is PeriodKind.DAY:
            return Period.day(_shift_year(self.start, -1))
        return Period.span(_shift_year(self.start, -1), _shift_year(self.end, -1))

    def split(self) -> tuple[Period, ...]:
        """Disjoint sub-periods covering this one exactly, in order.

        A year or a half splits into quarters, a quarter or a year-to-date into months,
        a month into days; a span into the calendar months it touches (cut at its ends),
        or into days when it lies within one month. A day is its own only piece.
        """
        if self.kind in (PeriodKind.YEAR, PeriodKind.HALF):
            first = (self.start.month - 1) // 3 + 1
            last = (self.end.month - 1) // 3 + 1
            return tuple(Period.quarter(self.start.year, q) for q in range(first, last + 1))
        if self.kind in (PeriodKind.QUARTER, PeriodKind.YTD):
            months = range(self.start.month, self.end.month + 1)
            return tuple(Period.month(self.start.year, m) for m in months)
        if self.kind is PeriodKind.DAY:
            return (self,)
        if self.kind is PeriodKind.MONTH or (
            (self.start.year, self.start.month) == (self.end.year, self.end.month)
        ):
            return tuple(Period.day(self.start + dt.timedelta(days=n)) for n in range(self.days))
        return self._month_pieces()

    def _month_pieces(self) -> tuple[Period, ...]:
        pieces: list[Period] = []
        cursor = self.start
        while cursor <= self.end:
            end = min(_month_end(cursor.year, cursor.month), self.end)
            if cursor.day == 1 and end == _month_end(cursor.year, cursor.month):
                pieces.append(Period.month(cursor.year, cursor.month))
            else:
                pieces.append(Period.span(cursor, end))
            cursor = end + dt.timedelta(days=1)
        return tuple(pieces)

    def elapsed_days(self, day: dt.date) -> int:
        """How many days of the period have passed by the end of ``day`` (0 to ``days``)."""
        if day < self.start:
            return 0
        return min(self.days, (day - self.start).days + 1)


def _check_year(year: int, text: str) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise InvalidInput(f"year out of range in period {text!r}", path="period")


def _date(text: str, whole: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"no such date {text!r} in period {whole!r}", path="period") from None


def parse_period(text: str) -> Period:
    """Parse a period such as ``2026Q1``; ``InvalidInput`` (path ``period``) if malformed."""
    if not isinstance(text, str):
        raise InvalidInput("a period must be a string such as 2026Q1", path="period")
    for kind, pattern in _FORMS:
        match = pattern.match(text.strip())
        if match is None:
            continue
        if kind == "range":
            start, end = _date(match["a"], text), _date(match["b"], text)
            _check_year(start.year, text)
            _check_year(end.year, text)
            if end < start:
                raise InvalidInput(f"period {text!r} ends before it starts", path="period")
            return Period.span(start, end)
        year = int(match["y"])
        _check_year(year, text)
        if kind == "year":
            return Period.year(year)
        number = int(match["n"])
        if kind == "half":
            return Period.half(year, number)
        if kind == "quarter":
            return Period.quarter(year, number)
        if not 1 <= number <= 12:
            raise InvalidInput(f"no month {number:02d} in period {text!r}", path="period")
        if kind == "ytd":
            return Period.ytd(year, number)
        if kind == "month":
            return Period.month(year, number)
        return Period.day(_date(text.strip(), text))
    forms = "2026, 2026H1, 2026Q1, 2026-03, 2026-03-05, 2026YTD-05, 2026-01-15..2026-02-20"
    raise InvalidInput(f"not a period: {text[:40]!r} (expected one of {forms})", path="period")
