"""The PRC working calendar: statutory holidays, 调休 and workday arithmetic.

This package is the only place in kejiservice that knows which days are worked in mainland
China. A day is a **workday** when it is

* an *adjusted workday* (调休上班): a Saturday or Sunday that a State Council notice makes a
  working day to lengthen a holiday (counted unless ``adjusted_weekends_are_workdays=False``),
* or a Monday-Friday that is not a *day off* of a holiday block.

Usage::

    >>> import datetime as dt
    >>> from kejiservice.calendar import default_calendar
    >>> cal = default_calendar()                      # bundled data 2004-2026, strict
    >>> cal.is_workday(dt.date(2025, 1, 26))          # Sunday, worked for 春节
    True
    >>> cal.holiday_name(dt.date(2025, 1, 29))
    'spring_festival'
    >>> cal.first_workday_of_month(2025, 1)           # not 01-01, which is 元旦
    datetime.date(2025, 1, 2)
    >>> cal.add_workdays(dt.date(2025, 1, 24), 2)     # Fri + 2 workdays: Sun 01-26, Mon 01-27
    datetime.date(2025, 1, 27)
    >>> cal.workdays_between(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    19

Dates are ``datetime.date``; a ``datetime.datetime`` is rejected with
:class:`~kejiservice.errors.InvalidInput`, and nothing reads the clock: "today" is always
the caller's argument.

Years without data
------------------
The bundled data covers 2004-2026 (:attr:`WorkingCalendar.years`). A date in any other year
raises :class:`~kejiservice.errors.OutOfCalendarRange` (a ``LookupError``), whose message
names the year and the covered range; so do searches (:meth:`~WorkingCalendar.next_workday`,
:meth:`~WorkingCalendar.add_workdays`, ...) that run into such a year. Two ways out:

* **Add the year.** When the State Council publishes the notice for a new year (usually in
  November or December of the year before), transcribe it into a TOML year file and load it::

      from kejiservice.calendar import default_calendar, load_year_file
      cal = default_calendar().with_year(load_year_file("2027.toml"))

  The format (one ``[[holiday]]`` table per block: ``id``, ``name_zh``, ``days_off`` with
  every day off, weekends included, and ``adjusted_workdays``) is described in
  :func:`load_year_file`; the bundled ``kejiservice/calendar/data/2026.toml`` is an example.
  ``with_year`` also replaces a bundled year, to correct it.

* **Provisional mode.** ``WorkingCalendar(provisional=True)`` answers years without data as
  plain Monday-Friday weeks with no holidays, and :meth:`WorkingCalendar.is_provisional`
  flags every such answer as a guess. Planning a year ahead this way is usually wrong by a
  dozen days (the holidays) and right about the rest.

调休 weekends
--------------
Civil servants and state enterprises work the adjusted Saturdays and Sundays; many private
enterprises do not. ``WorkingCalendar(adjusted_weekends_are_workdays=False)`` makes them days
off (they are still reported by :meth:`WorkingCalendar.is_adjusted_workday`).

Data provenance
---------------
One TOML file per year in ``data/`` transcribes that year's notice of the General Office of
the State Council (国务院办公厅关于某年部分节假日安排的通知), with later amending notices
(the 2019 劳动节 change, the 2020 春节 extension, the 2015 victory-day holiday); ``source``
in each file names them. The files were generated from the ``chinesecalendar`` package
(LKI/chinese-calendar, itself transcribed from the notices) by
``python -m kejiservice.calendar._generate --from-chinesecalendar``, which attributes late
December 元旦 days to the next year's notice, makes each block whole (weekend days inside or
touching it), and applies the corrections it lists (2005-12-31 was worked). The tests check
every day 2004-2026 against ``chinesecalendar`` when it is installed, and statute-level
invariants always. The library does not depend on ``chinesecalendar``.

References:
    * 《全国年节及纪念日放假办法》: 国务院令第270号 (1999), revised by 第513号 (from 2008:
      清明、端午、中秋 added, 劳动节 1 day), 第644号 (from 2014: 春节 without 除夕) and
      第795号 (from 2025: 春节 4 days from 除夕, 劳动节 2 days; 13 days in all).
    * The yearly notices, e.g. 国办发明电〔2024〕12号 (2025) and 国办发明电〔2025〕7号 (2026).
    * LKI/chinese-calendar, ``chinese_calendar/scripts/data.py`` (notice texts and addresses).

Limitations:
    * Mainland China only, national arrangements only: no regional days (广西三月三, 少数民族
      节日), no half days (妇女节, 青年节), no Hong Kong, Macao or Taiwan calendars.
    * Late December of the last covered year may still change: the next year's notice has
      moved late-December days before (2005-12-31, 2006-12-30/31, 2007-12-29/31, 2011-12-31,
      2018-12-29/31 were all arranged by the following year's notice).
    * A holiday block is the whole run of days off around the holiday, including the
      weekend it touches; which statutory day is which (法定假日 vs 调休) is not recorded.
      When 中秋 falls inside the 国庆 week, its day is named ``mid_autumn`` and the rest
      ``national_day``; in 2020 they coincided on 10-01 and the block is ``national_day``.
    * Provisional answers know weekends only.
"""

from kejiservice.calendar._calendar import WorkingCalendar, default_calendar
from kejiservice.calendar._data import HOLIDAY_IDS, YearData, bundled_years, load_year_file

__all__ = [
    "HOLIDAY_IDS",
    "WorkingCalendar",
    "YearData",
    "bundled_years",
    "default_calendar",
    "load_year_file",
]
