"""Recurring programmes on the official 2025 and 2026 working calendars."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import FR, MO, MONTHLY, TH, TU, WE, rrule
from hypothesis import example, given
from hypothesis import strategies as st

from kejiservice.calendar import default_calendar
from kejiservice.errors import InvalidInput, ParameterError
from kejiservice.scheduling import (
    Adjust,
    NthWorkday,
    Period,
    WeekdayRule,
    every_n_weeks,
    every_weekday,
    first_workday,
    last_workday,
    three_ones,
)

D = dt.date
CAL = default_calendar()


def _bysetpos(year: int, month: int, pos: int) -> dt.date:
    """What rrule alone says: the pos-th Monday-Friday of the month."""
    rule = rrule(
        MONTHLY,
        byweekday=(MO, TU, WE, TH, FR),
        bysetpos=pos,
        dtstart=dt.datetime(year, month, 1),
        count=1,
    )
    return rule[0].date()


def test_rrule_bysetpos_alone_is_wrong_for_january_2025() -> None:
    assert _bysetpos(2025, 1, 1) == D(2025, 1, 1)  # New Year's Day, a holiday
    [occ] = first_workday().occurrences(D(2025, 1, 1), D(2025, 1, 31), CAL)
    assert occ.date == D(2025, 1, 2)
    assert occ.nominal == D(2025, 1, 1)
    assert occ.moved


def test_rrule_bysetpos_alone_is_wrong_for_february_2026() -> None:
    assert _bysetpos(2026, 2, -1) == D(2026, 2, 27)  # Friday; Saturday the 28th is worked
    [occ] = last_workday().occurrences(D(2026, 2, 1), D(2026, 2, 28), CAL)
    assert occ.date == D(2026, 2, 28)
    assert occ.nominal == D(2026, 2, 27)


@pytest.mark.parametrize(
    ("year", "month", "first", "last"),
    [
        (2025, 1, D(2025, 1, 2), D(2025, 1, 27)),  # 春节 from 01-28
        (2025, 2, D(2025, 2, 5), D(2025, 2, 28)),  # 春节 until 02-04
        (2025, 10, D(2025, 10, 9), D(2025, 10, 31)),  # 国庆+中秋 01-08
        (2026, 1, D(2026, 1, 4), D(2026, 1, 30)),  # Sunday 01-04 is worked
        (2026, 2, D(2026, 2, 2), D(2026, 2, 28)),  # Saturday 02-28 is worked
        (2026, 10, D(2026, 10, 8), D(2026, 10, 30)),
    ],
)
def test_first_and_last_workday_of_month(
    year: int, month: int, first: dt.date, last: dt.date
) -> None:
    start = D(year, month, 1)
    end = D(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    assert [o.date for o in first_workday().occurrences(start, end, CAL)] == [first]
    assert [o.date for o in last_workday().occurrences(start, end, CAL)] == [last]


def test_last_workday_of_each_quarter() -> None:
    rule = last_workday(Period.QUARTER)
    got = [o.date for o in rule.occurrences(D(2025, 1, 1), D(2026, 12, 31), CAL)]
    assert got == [
        D(2025, 3, 31),
        D(2025, 6, 30),
        D(2025, 9, 30),
        D(2025, 12, 31),
        D(2026, 3, 31),
        D(2026, 6, 30),
        D(2026, 9, 30),
        D(2026, 12, 31),
    ]


def test_first_workday_of_each_half_year_and_year() -> None:
    halves = first_workday(Period.HALF_YEAR).occurrences(D(2025, 1, 1), D(2026, 12, 31), CAL)
    assert [o.date for o in halves] == [D(2025, 1, 2), D(2025, 7, 1), D(2026, 1, 4), D(2026, 7, 1)]
    years = first_workday(Period.YEAR).occurrences(D(2025, 3, 1), D(2026, 12, 31), CAL)
    assert [o.date for o in years] == [D(2026, 1, 4)]  # 2025-01-02 is before the range


def test_working_sunday_and_saturday_of_2025() -> None:
    sundays = every_weekday(6, adjust=Adjust.SKIP).occurrences(D(2025, 1, 1), D(2025, 1, 31), CAL)
    assert [o.date for o in sundays if not o.skipped] == [D(2025, 1, 26)]
    assert sum(o.skipped for o in sundays) == 3
    saturdays = every_weekday(5, adjust=Adjust.SKIP).occurrences(D(2025, 2, 1), D(2025, 2, 28), CAL)
    assert [o.date for o in saturdays if not o.skipped] == [D(2025, 2, 8)]


def test_every_tuesday_moved_to_next_workday() -> None:
    occs = every_weekday(1).occurrences(D(2026, 2, 1), D(2026, 2, 28), CAL)
    assert [(o.nominal, o.date) for o in occs] == [
        (D(2026, 2, 3), D(2026, 2, 3)),
        (D(2026, 2, 10), D(2026, 2, 10)),
        (D(2026, 2, 17), D(2026, 2, 24)),  # Spring Festival: moved a whole week
        (D(2026, 2, 24), D(2026, 2, 24)),
    ]


def test_adjust_previous_and_within_week() -> None:
    # Tuesday 2026-10-06 is in the National Day holiday (10-01 to 10-07).
    prev = WeekdayRule(1, adjust=Adjust.PREVIOUS).occurrences(D(2026, 10, 6), D(2026, 10, 6), CAL)
    assert prev[0].date == D(2026, 9, 30)
    within = WeekdayRule(1, adjust=Adjust.WITHIN_WEEK).occurrences(
        D(2026, 10, 6), D(2026, 10, 6), CAL
    )
    assert within[0].date == D(2026, 10, 8)
    # Friday 2026-06-19 (端午): nothing later in that week is worked, so the Thursday.
    friday = WeekdayRule(4, adjust=Adjust.WITHIN_WEEK).occurrences(
        D(2026, 6, 19), D(2026, 6, 19), CAL
    )
    assert friday[0].date == D(2026, 6, 18)


def test_every_two_weeks_from_a_start_date() -> None:
    rule = every_n_weeks(2, D(2026, 1, 6))
    occs = rule.occurrences(D(2026, 1, 1), D(2026, 3, 31), CAL)
    assert [o.nominal for o in occs] == [
        D(2026, 1, 6),
        D(2026, 1, 20),
        D(2026, 2, 3),
        D(2026, 2, 17),
        D(2026, 3, 3),
        D(2026, 3, 17),
        D(2026, 3, 31),
    ]
    assert occs[3].date == D(2026, 2, 24)
    # The weeks are counted from the start date, not from the range.
    later = rule.occurrences(D(2026, 3, 1), D(2026, 3, 31), CAL)
    assert [o.nominal for o in later] == [D(2026, 3, 3), D(2026, 3, 17), D(2026, 3, 31)]


def test_three_ones_for_the_first_quarter_of_2026() -> None:
    events = three_ones().events(D(2026, 1, 1), D(2026, 3, 31), CAL)
    visits = [e for e in events if e.kind == "visit"]
    assert [e.date for e in visits if not e.skipped] == [
        D(2026, 1, 6),
        D(2026, 1, 13),
        D(2026, 1, 20),
        D(2026, 1, 27),
        D(2026, 2, 3),
        D(2026, 2, 10),
        D(2026, 2, 24),
        D(2026, 3, 3),
        D(2026, 3, 10),
        D(2026, 3, 17),
        D(2026, 3, 24),
        D(2026, 3, 31),
    ]
    # The Spring Festival week (02-16 to 02-22) has no workday: reported, not dropped.
    assert [e.nominal for e in visits if e.skipped] == [D(2026, 2, 17)]
    matchmaking = [e.date for e in events if e.kind == "matchmaking"]
    assert matchmaking == [D(2026, 1, 4), D(2026, 2, 2), D(2026, 3, 2)]  # 01-04 is a Sunday
    training = [e.date for e in events if e.kind == "training"]
    assert training == [D(2026, 3, 31)]
    keys = [(e.date or e.nominal) for e in events]
    assert keys == sorted(keys)


def test_three_ones_for_the_first_quarter_of_2025() -> None:
    events = three_ones().events(D(2025, 1, 1), D(2025, 3, 31), CAL)
    matchmaking = [e.date for e in events if e.kind == "matchmaking"]
    assert matchmaking == [D(2025, 1, 2), D(2025, 2, 5), D(2025, 3, 3)]
    visits = [e for e in events if e.kind == "visit"]
    # Week of 01-27: Monday 01-27 is the only weekday worked (春节 from 01-28), so the
    # Tuesday visit goes back to it; week of 02-03: Wednesday 02-05.
    assert (D(2025, 1, 28), D(2025, 1, 27)) in [(e.nominal, e.date) for e in visits]
    assert (D(2025, 2, 4), D(2025, 2, 5)) in [(e.nominal, e.date) for e in visits]
    assert not any(e.skipped for e in visits)
    assert [e.date for e in events if e.kind == "training"] == [D(2025, 3, 31)]


def test_nth_workday_with_interval_and_negative_n() -> None:
    rule = NthWorkday(Period.MONTH, -2, interval=2, start=D(2026, 1, 1))
    got = [o.date for o in rule.occurrences(D(2026, 1, 1), D(2026, 6, 30), CAL)]
    assert got == [D(2026, 1, 29), D(2026, 3, 30), D(2026, 5, 28)]


def test_a_period_without_enough_workdays_is_skipped() -> None:
    # The Spring Festival week of 2026 has no workday at all.
    occs = first_workday(Period.WEEK).occurrences(D(2026, 2, 16), D(2026, 2, 22), CAL)
    assert len(occs) == 1
    assert occs[0].skipped
    assert occs[0].nominal == D(2026, 2, 16)


def test_bad_parameters() -> None:
    with pytest.raises(ParameterError):
        WeekdayRule(7)
    with pytest.raises(ParameterError):
        WeekdayRule(1, interval=2)  # needs a start date
    with pytest.raises(ParameterError):
        NthWorkday(Period.MONTH, 0)
    with pytest.raises(InvalidInput):
        first_workday().occurrences(dt.datetime(2026, 1, 1), D(2026, 1, 31), CAL)
    with pytest.raises(InvalidInput):
        first_workday().occurrences(D(2026, 2, 1), D(2026, 1, 31), CAL)


@given(
    start=st.dates(D(2025, 1, 1), D(2026, 12, 1)),
    period=st.sampled_from(list(Period)),
    n=st.sampled_from([1, 2, 3, -1, -2]),
)
@example(start=D(2025, 1, 1), period=Period.MONTH, n=1)
@example(start=D(2026, 2, 1), period=Period.MONTH, n=-1)
def test_nth_workday_is_a_workday_counted_in_its_period(
    start: dt.date, period: Period, n: int
) -> None:
    end = min(start + dt.timedelta(days=120), D(2026, 12, 31))
    if period is Period.WEEK:
        end = min(end, D(2026, 12, 27))  # the week of 2026-12-28 runs into 2027
    for occ in NthWorkday(period, n).occurrences(start, end, CAL):
        if occ.date is None:
            continue
        assert start <= occ.date <= end
        assert CAL.is_workday(occ.date)


@given(
    weekday=st.integers(0, 6),
    start=st.dates(D(2025, 1, 1), D(2026, 11, 30)),
    adjust=st.sampled_from([Adjust.NEXT, Adjust.PREVIOUS, Adjust.WITHIN_WEEK, Adjust.SKIP]),
)
def test_weekday_rule_lands_on_workdays(weekday: int, start: dt.date, adjust: Adjust) -> None:
    end = start + dt.timedelta(days=27)
    occs = WeekdayRule(weekday, adjust=adjust).occurrences(start, end, CAL)
    assert len(occs) == 4
    for occ in occs:
        assert occ.nominal.weekday() == weekday
        assert start <= occ.nominal <= end
        if occ.date is not None:
            assert CAL.is_workday(occ.date)
            if adjust is Adjust.NEXT:
                assert occ.date >= occ.nominal
            if adjust is Adjust.PREVIOUS:
                assert occ.date <= occ.nominal
            if adjust is Adjust.WITHIN_WEEK:
                assert occ.date.isocalendar()[:2] == occ.nominal.isocalendar()[:2]
        else:
            assert adjust in (Adjust.SKIP, Adjust.WITHIN_WEEK)
