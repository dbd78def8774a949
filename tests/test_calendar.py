"""The PRC working calendar: bundled data, statute invariants, workday arithmetic, year files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kejiservice.calendar import (
    HOLIDAY_IDS,
    WorkingCalendar,
    YearData,
    bundled_years,
    default_calendar,
    load_year_file,
)
from kejiservice.errors import InvalidInput, OutOfCalendarRange, ParameterError

D = dt.date
ONE_DAY = dt.timedelta(days=1)
CAL = default_calendar()
PRIVATE = WorkingCalendar(adjusted_weekends_are_workdays=False)

# Days where the bundled data knowingly departs from chinesecalendar, with the reason.
KNOWN_DEVIATIONS = {
    # 2006 notice: "将12月31日(星期六)、1月1日(星期日)两个公休日调至1月2日、3日，12月31日上班";
    # chinesecalendar leaves it a weekend (LKI/chinese-calendar#125).
    D(2005, 12, 31): True,
}


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# -- the bundled data against chinesecalendar (skipped when it is not installed) -----------


def test_every_day_2004_2026_agrees_with_chinesecalendar() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    differences = []
    for day in _days(D(2004, 1, 1), D(2026, 12, 31)):
        expected = KNOWN_DEVIATIONS.get(day, chinese_calendar.is_workday(day))
        if CAL.is_workday(day) != expected:
            differences.append(day)
    assert differences == []


def test_holiday_names_agree_with_chinesecalendar() -> None:
    constants = pytest.importorskip("chinese_calendar.constants")
    from kejiservice.calendar._generate import CC_NAMES

    for day, name in constants.holidays.items():
        assert CAL.holiday_name(day) == CC_NAMES[name], day
    for day in constants.workdays:
        assert CAL.is_adjusted_workday(day), day


def test_bundled_files_are_what_the_generator_writes() -> None:
    pytest.importorskip("chinese_calendar")
    from kejiservice.calendar._generate import DATA_DIR, main

    assert main(["--from-chinesecalendar", "--check", "--out", str(DATA_DIR)]) == 0


# -- statute-level invariants (no chinesecalendar needed) ----------------------------------


def _statutory_days(year: int) -> dict[str, int]:
    """Days per holiday in 《全国年节及纪念日放假办法》 as in force in ``year``."""
    if year < 2008:  # 国务院令第270号 (1999)
        return {"new_year": 1, "spring_festival": 3, "labour_day": 3, "national_day": 3}
    days = {
        "new_year": 1,
        "spring_festival": 3,  # 第513号: 除夕、初一、初二; 第644号 (2014): 初一至初三
        "qingming": 1,
        "labour_day": 1,
        "dragon_boat": 1,
        "mid_autumn": 1,
        "national_day": 3,
    }
    if year >= 2025:  # 第795号: 春节 from 除夕 4 days, 劳动节 2 days
        days |= {"spring_festival": 4, "labour_day": 2}
    return days


# Extra days off granted by a special notice on top of the statute.
EXTENSIONS = {(2020, "spring_festival"): 2}  # 国务院办公厅关于延长2020年春节假期的通知


def _net_weekdays_off(data: YearData, holiday: str) -> int:
    """Weekdays off minus weekend days worked for ``holiday``: the statutory days it gives."""
    off = sum(1 for day in data.days_off(holiday) if day.weekday() < 5)
    worked = sum(1 for day in data.workdays_for(holiday) if day.weekday() >= 5)
    return off - worked


def test_bundled_years_are_2004_to_2026() -> None:
    assert CAL.years == tuple(range(2004, 2027))
    assert tuple(bundled_years()) == CAL.years


@pytest.mark.parametrize("year", range(2004, 2027))
def test_each_notice_grants_exactly_the_statutory_days(year: int) -> None:
    """Each statutory day falling on a weekday, or made up for when it falls on a weekend."""
    data = CAL.year_data(year)
    statute = _statutory_days(year)
    got = {h: _net_weekdays_off(data, h) for h in HOLIDAY_IDS}
    expected = {h: statute.get(h, 0) + EXTENSIONS.get((year, h), 0) for h in HOLIDAY_IDS}
    # 中秋 often falls in or beside the 国庆 week, whose block then makes up for it.
    for mapping in (got, expected):
        mapping["national_day"] += mapping.pop("mid_autumn")
    assert got == expected
    assert set(data.holiday_ids()) - set(HOLIDAY_IDS) <= {"victory_day_70th"}


@pytest.mark.parametrize("year", range(2004, 2027))
def test_adjusted_workdays_are_weekend_days_and_blocks_are_whole(year: int) -> None:
    data = CAL.year_data(year)
    assert all(day.weekday() >= 5 for day in data.adjusted_workdays)
    assert not set(data.holidays) & set(data.adjusted_workdays)
    assert str(year) in data.source
    for holiday in data.holiday_ids():
        days = data.days_off(holiday)
        assert all(day in data.holidays for day in _days(days[0], days[-1]))


def test_2025_arrangement() -> None:
    """国办发明电〔2024〕12号, the first notice under 国务院令第795号."""
    assert CAL.is_holiday(D(2025, 1, 1))
    assert CAL.holiday_name(D(2025, 1, 1)) == "new_year"
    assert CAL.is_workday(D(2025, 1, 26))  # Sunday, worked
    assert CAL.is_adjusted_workday(D(2025, 1, 26))
    for day in _days(D(2025, 1, 28), D(2025, 2, 4)):
        assert not CAL.is_workday(day)
        assert CAL.holiday_name(day) == "spring_festival"
    assert CAL.is_workday(D(2025, 2, 8))  # Saturday, worked
    data = CAL.year_data(2025)
    assert len(data.days_off("spring_festival")) == 8
    assert len(data.days_off("labour_day")) == 5
    assert len(data.days_off("national_day")) + len(data.days_off("mid_autumn")) == 8
    assert CAL.holiday_name(D(2025, 10, 6)) == "mid_autumn"
    assert data.source.startswith("国办发明电〔2024〕12号")


@pytest.mark.parametrize(
    ("day", "workday", "holiday"),
    [
        (D(2026, 1, 1), False, "new_year"),
        (D(2026, 1, 3), False, "new_year"),
        (D(2026, 1, 4), True, None),  # Sunday, worked for 元旦
        (D(2026, 2, 14), True, None),  # Saturday, worked for 春节
        (D(2026, 2, 15), False, "spring_festival"),
        (D(2026, 2, 23), False, "spring_festival"),  # Monday, the ninth day
        (D(2026, 2, 24), True, None),
        (D(2026, 2, 28), True, None),  # Saturday, worked for 春节
        (D(2026, 4, 6), False, "qingming"),
        (D(2026, 5, 5), False, "labour_day"),
        (D(2026, 5, 9), True, None),  # Saturday, worked for 劳动节
        (D(2026, 6, 19), False, "dragon_boat"),
        (D(2026, 9, 20), True, None),  # Sunday, worked for 国庆节
        (D(2026, 9, 25), False, "mid_autumn"),
        (D(2026, 10, 7), False, "national_day"),
        (D(2026, 10, 8), True, None),
        (D(2026, 10, 10), True, None),  # Saturday, worked for 国庆节
    ],
)
def test_2026_arrangement(day: dt.date, workday: bool, holiday: str | None) -> None:
    """国办发明电〔2025〕7号: 春节 2026-02-15..23 (9 days)."""
    assert CAL.is_workday(day) is workday
    assert CAL.holiday_name(day) == holiday


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2005, 12, 31), True),  # worked for 2006 元旦 (the chinesecalendar correction)
        (D(2007, 12, 29), True),  # worked for 2008 元旦, by the 2008 notice
        (D(2007, 12, 31), False),  # Monday off, 2008 元旦
        (D(2011, 12, 31), True),  # worked for 2012 元旦
        (D(2013, 6, 11), False),  # 端午 2013-06-10..12
        (D(2015, 9, 3), False),  # victory day, 70th anniversary
        (D(2015, 9, 6), True),
        (D(2019, 5, 3), False),  # 劳动节 as changed in March 2019
        (D(2019, 5, 5), True),
        (D(2020, 1, 31), False),  # 春节 extended (COVID-19)
        (D(2020, 2, 1), False),  # no longer worked after the extension
        (D(2020, 2, 3), True),
        (D(2022, 12, 31), False),  # 2023 元旦 began in 2022
    ],
)
def test_pinned_days(day: dt.date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday


def test_blocks_reaching_back_into_december_belong_to_the_next_notice() -> None:
    assert D(2007, 12, 31) in CAL.year_data(2008).holidays
    assert D(2007, 12, 29) in CAL.year_data(2008).adjusted_workdays
    assert D(2007, 12, 31) not in CAL.year_data(2007).holidays


def test_weekends_worked_can_be_left_out() -> None:
    assert not PRIVATE.is_workday(D(2025, 1, 26))
    assert PRIVATE.is_adjusted_workday(D(2025, 1, 26))
    assert not PRIVATE.adjusted_weekends_are_workdays
    assert PRIVATE.next_workday(D(2025, 1, 24)) == D(2025, 1, 27)
    assert CAL.next_workday(D(2025, 1, 24)) == D(2025, 1, 26)
    assert PRIVATE.first_workday_of_month(2026, 1) == D(2026, 1, 5)
    assert PRIVATE.is_workday(D(2025, 1, 27))  # an ordinary Monday stays a workday
    assert not PRIVATE.is_workday(D(2025, 1, 28))
    assert PRIVATE.with_year(CAL.year_data(2025)).adjusted_weekends_are_workdays is False


def test_ordinary_weekend_is_neither_workday_nor_holiday() -> None:
    day = D(2025, 3, 8)
    assert not CAL.is_workday(day)
    assert not CAL.is_holiday(day)
    assert CAL.holiday_name(day) is None


# -- months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "first", "last"),
    [
        # A naive "first weekday of the month" (rrule BYSETPOS=1) gives 2025-01-01, 元旦.
        (2025, 1, D(2025, 1, 2), D(2025, 1, 27)),
        (2026, 1, D(2026, 1, 4), D(2026, 1, 30)),  # the first workday is a Sunday
        (2026, 2, D(2026, 2, 2), D(2026, 2, 28)),  # the last is a Saturday
        (2018, 9, D(2018, 9, 3), D(2018, 9, 30)),  # Sunday 09-30 worked
        (2025, 10, D(2025, 10, 9), D(2025, 10, 31)),
        (2024, 2, D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_first_and_last_workday_of_month(
    year: int, month: int, first: dt.date, last: dt.date
) -> None:
    assert CAL.first_workday_of_month(year, month) == first
    assert CAL.last_workday_of_month(year, month) == last


def test_month_arguments_are_checked() -> None:
    with pytest.raises(InvalidInput, match="month"):
        CAL.first_workday_of_month(2025, 13)
    with pytest.raises(InvalidInput):
        CAL.last_workday_of_month(2025, True)
    with pytest.raises(OutOfCalendarRange):
        CAL.first_workday_of_month(2027, 1)


def test_a_month_without_workdays_raises() -> None:
    days = dict.fromkeys(_days(D(2030, 2, 1), D(2030, 2, 28)), "spring_festival")
    cal = WorkingCalendar({2030: YearData(2030, days, {}, "test: all of February off")})
    with pytest.raises(OutOfCalendarRange, match="2030-02"):
        cal.first_workday_of_month(2030, 2)
    assert cal.next_workday(D(2030, 1, 31)) == D(2030, 3, 1)


# -- workday arithmetic (hypothesis) -------------------------------------------------------

dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2025, 12, 31))
calendars = st.sampled_from([CAL, PRIVATE])


@given(calendars, dates)
@example(CAL, D(2025, 1, 24))
@example(CAL, D(2020, 1, 23))
@example(CAL, D(2025, 12, 31))
def test_next_workday(cal: WorkingCalendar, day: dt.date) -> None:
    found = cal.next_workday(day)
    assert found > day
    assert cal.is_workday(found)
    assert cal.workdays_between(day + ONE_DAY, found - ONE_DAY) == 0
    on_or_after = cal.next_workday(day, include=True)
    assert on_or_after == (day if cal.is_workday(day) else found)


@given(calendars, dates)
@example(CAL, D(2005, 1, 1))
@example(CAL, D(2020, 2, 3))
def test_previous_workday(cal: WorkingCalendar, day: dt.date) -> None:
    found = cal.previous_workday(day)
    assert found < day
    assert cal.is_workday(found)
    assert cal.workdays_between(found + ONE_DAY, day - ONE_DAY) == 0
    on_or_before = cal.previous_workday(day, include=True)
    assert on_or_before == (day if cal.is_workday(day) else found)


@given(calendars, dates, st.integers(min_value=-200, max_value=200))
@example(CAL, D(2025, 1, 26), 0)
@example(CAL, D(2025, 1, 28), 0)
@example(CAL, D(2025, 1, 28), 1)
@example(CAL, D(2025, 1, 28), -1)
@example(CAL, D(2024, 12, 31), 1)
def test_add_workdays(cal: WorkingCalendar, day: dt.date, n: int) -> None:
    target = cal.add_workdays(day, n)
    assert cal.is_workday(target)
    if n > 0:
        assert cal.workdays_between(day + ONE_DAY, target) == n
    elif n < 0:
        assert cal.workdays_between(target, day - ONE_DAY) == -n
    else:
        assert target == cal.next_workday(day, include=True)
    # The round trip: back to day when it is a workday, else to the workday on the near side.
    back = cal.add_workdays(target, -n)
    if cal.is_workday(day):
        assert back == day
    elif n > 0:
        assert back == cal.previous_workday(day)
    elif n < 0:
        assert back == cal.next_workday(day)
    else:
        assert back == target


@given(calendars, dates, dates)
def test_workdays_between_counts_workdays(cal: WorkingCalendar, a: dt.date, b: dt.date) -> None:
    listed = cal.workdays(a, b)
    assert cal.workdays_between(a, b) == len(listed)
    assert listed == sorted(listed)
    assert all(cal.is_workday(day) and a <= day <= b for day in listed)
    if b < a:
        assert listed == []


@given(calendars, dates, dates, dates)
def test_workdays_between_adds_up(cal: WorkingCalendar, a: dt.date, b: dt.date, c: dt.date) -> None:
    a, b, c = sorted((a, b, c))
    whole = cal.workdays_between(a, c)
    assert whole == cal.workdays_between(a, b) + cal.workdays_between(b + ONE_DAY, c)


def test_workdays_between_a_short_range_matches_a_day_by_day_count() -> None:
    start, end = D(2024, 12, 20), D(2025, 2, 15)
    by_day = sum(CAL.is_workday(day) for day in _days(start, end))
    assert CAL.workdays_between(start, end) == by_day
    assert CAL.workdays_between(D(2025, 1, 1), D(2025, 1, 31)) == 19


# -- years without data --------------------------------------------------------------------


@pytest.mark.parametrize("day", [D(2003, 6, 1), D(2027, 1, 4)])
def test_uncovered_year_raises(day: dt.date) -> None:
    assert not CAL.covers(day)
    assert not CAL.is_provisional(day)
    for method in (CAL.is_workday, CAL.is_holiday, CAL.holiday_name, CAL.is_adjusted_workday):
        with pytest.raises(OutOfCalendarRange) as info:
            method(day)
        message = str(info.value)
        assert str(day.year) in message
        assert "2004-2026" in message
        assert "with_year" in message
        assert "provisional" in message
    with pytest.raises(OutOfCalendarRange):
        CAL.year_data(day.year)


def test_searches_stop_at_the_edge_of_the_data() -> None:
    with pytest.raises(OutOfCalendarRange, match="2027"):
        CAL.next_workday(D(2026, 12, 31))
    with pytest.raises(OutOfCalendarRange, match="2003"):
        CAL.previous_workday(D(2004, 1, 1))
    with pytest.raises(OutOfCalendarRange):
        CAL.add_workdays(D(2026, 12, 1), 100)
    with pytest.raises(OutOfCalendarRange):
        CAL.add_workdays(D(2004, 2, 1), -100)
    with pytest.raises(OutOfCalendarRange):
        CAL.workdays_between(D(2026, 12, 1), D(2027, 1, 10))
    with pytest.raises(OutOfCalendarRange):
        CAL.workdays(D(2003, 12, 1), D(2004, 1, 10))
    assert CAL.workdays_between(D(2027, 1, 10), D(2026, 12, 1)) == 0  # empty: nothing to ask
    assert CAL.last_workday_of_month(2026, 12) == D(2026, 12, 31)


def test_provisional_mode_guesses_monday_to_friday() -> None:
    cal = WorkingCalendar(provisional=True)
    assert cal.provisional
    assert cal.is_workday(D(2027, 1, 4))  # Monday
    assert cal.is_workday(D(2027, 1, 1))  # a Friday: the 元旦 of 2027 is not known
    assert not cal.is_workday(D(2027, 1, 2))
    assert not cal.is_holiday(D(2027, 1, 1))
    assert cal.is_provisional(D(2027, 1, 4))
    assert not cal.is_provisional(D(2026, 1, 4))
    assert not cal.covers(D(2027, 1, 4))
    assert cal.next_workday(D(2026, 12, 31)) == D(2027, 1, 1)
    assert cal.previous_workday(D(2004, 1, 1)) == D(2003, 12, 31)
    assert cal.workdays_between(D(2027, 1, 1), D(2027, 12, 31)) == 261
    assert cal.first_workday_of_month(2003, 6) == D(2003, 6, 2)
    with pytest.raises(OutOfCalendarRange):
        cal.next_workday(D(9999, 12, 31))
    with pytest.raises(OutOfCalendarRange):
        cal.year_data(2027)


YEAR_2027 = """
year = 2027
source = "test: a made-up arrangement, not a notice"

[[holiday]]
id = "new_year"
name_zh = "元旦"
days_off = [2026-12-31, 2027-01-01, 2027-01-02, 2027-01-03]
adjusted_workdays = [2027-01-09]

[[holiday]]
id = "spring_festival"
name_zh = "春节"
days_off = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08]
"""


def _write(tmp_path: Path, text: str, name: str = "2027.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_with_year_adds_a_user_year(tmp_path: Path) -> None:
    data = load_year_file(_write(tmp_path, YEAR_2027))
    assert data.year == 2027
    assert data.holidays[D(2026, 12, 31)] == "new_year"  # 元旦 may reach into December
    assert data.name_zh("spring_festival") == "春节"
    cal = CAL.with_year(data)
    assert cal.years[-1] == 2027
    assert cal.covers(D(2027, 1, 4))
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 1, 9))
    assert not cal.is_workday(D(2026, 12, 31))  # the 2027 notice arranges it
    assert cal.next_workday(D(2026, 12, 30)) == D(2027, 1, 4)
    assert not CAL.covers(D(2027, 1, 4))  # the original is unchanged


def test_with_year_replaces_a_year() -> None:
    replacement = YearData(
        2026,
        {D(2025, 12, 31): "new_year", D(2026, 1, 1): "new_year"},
        {},
        "test: a made-up replacement",
    )
    cal = CAL.with_year(replacement)
    assert cal.years == CAL.years
    assert cal.year_data(2026) is replacement
    assert cal.is_workday(D(2026, 2, 16))  # the bundled 春节 is gone
    assert not cal.is_workday(D(2025, 12, 31))
    assert CAL.is_workday(D(2025, 12, 31))


def test_no_holiday_table(tmp_path: Path) -> None:
    path = _write(tmp_path, 'year = 2027\nsource = "test"\n')
    with pytest.raises(ParameterError, match="holiday: at least one"):
        load_year_file(path)


def test_two_years_claiming_one_day_is_an_error(tmp_path: Path) -> None:
    clash = YearData(2027, {D(2026, 12, 31): "new_year"}, {}, "test")
    other = YearData(2026, {D(2026, 12, 31): "national_day"}, {}, "test")
    with pytest.raises(ParameterError, match="2026-12-31"):
        WorkingCalendar({2026: other, 2027: clash})
    with pytest.raises(ParameterError, match="years\\[2028\\]"):
        WorkingCalendar({2028: clash})


# -- bad year files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('source = "test', 'colour = "red"\nsource = "test', ": colour: unknown key"),
        ('id = "new_year"', 'id = "new_year"\ncolour = 1', "holiday[0].colour"),
        ('source = "test: a made-up arrangement, not a notice"', "", ": source:"),
        ("year = 2027", 'year = "2027"', ": year:"),
        ("year = 2027", "year = 2028", ": year: the file is named 2027"),
        ('id = "spring_festival"', 'id = "lantern"', "holiday[1].id"),
        ('id = "spring_festival"', 'id = "Spring Festival"', "holiday[1].id"),
        ('id = "spring_festival"', 'id = "spring_festival"\nspecial = true', "holiday[1].special"),
        ('id = "spring_festival"', 'id = "new_year"', "holiday[1].id: 'new_year' is also"),
        ('name_zh = "春节"', "", "holiday[1].name_zh"),
        ("2027-02-05, 2027-02-06", "2028-02-05, 2027-02-06", "holiday[1].days_off[0]"),
        ("2027-02-05, 2027-02-06", "2026-12-05, 2027-02-06", "holiday[1].days_off[0]"),
        ("2026-12-31, 2027-01-01", "2026-11-30, 2027-01-01", "holiday[0].days_off[0]"),
        ("adjusted_workdays = [2027-01-09]", "adjusted_workdays = [2027-01-08]", "Friday"),
        ("adjusted_workdays = [2027-01-09]", "adjusted_workdays = [2027-02-06]", "twice"),
        ("2027-02-06, 2027-02-07", "2027-02-06, 2027-02-06", "holiday[1].days_off[2]"),
        ("2027-02-06, 2027-02-07", "2027-02-06, 2027-02-01", "gap"),
        ("2027-02-05, 2027-02-06", "2027-02-05T09:00:00, 2027-02-06", "holiday[1].days_off[0]"),
        (
            "days_off = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08]",
            "days_off = []",
            "holiday[1].days_off: must list",
        ),
        (
            "days_off = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08]",
            "",
            "holiday[1].days_off: missing",
        ),
        (
            "adjusted_workdays = [2027-01-09]",
            'adjusted_workdays = "2027-01-09"',
            "holiday[0].adjusted_workdays",
        ),
        ("[[holiday]]", "[[holidays]]", ": holidays: unknown key"),
        ("year = 2027", "year = 2027\nyear = 2028", ": toml:"),
    ],
)
def test_bad_year_file(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in YEAR_2027
    path = _write(tmp_path, YEAR_2027.replace(old, new, 1))
    with pytest.raises(ParameterError) as info:
        load_year_file(path)
    assert key in str(info.value)
    assert str(path) in str(info.value)


def test_bad_year_file_reports_every_problem(tmp_path: Path) -> None:
    text = YEAR_2027.replace('id = "spring_festival"', 'id = "lantern"').replace(
        "adjusted_workdays = [2027-01-09]", "adjusted_workdays = [2027-01-08]\nextra = 1"
    )
    with pytest.raises(ParameterError) as info:
        load_year_file(_write(tmp_path, text))
    message = str(info.value)
    for key in ("holiday[1].id", "holiday[0].adjusted_workdays[0]", "holiday[0].extra"):
        assert key in message


def test_special_holiday_and_optional_keys(tmp_path: Path) -> None:
    text = YEAR_2027 + (
        '\n[[holiday]]\nid = "victory_day_82nd"\nspecial = true\nname_zh = "纪念日"\n'
        'note = "made up"\ndays_off = [2027-09-03]\n'
    )
    text = text.replace('source = "test', 'references = ["https://example.org"]\nsource = "test')
    data = load_year_file(_write(tmp_path, text))
    assert data.holidays[D(2027, 9, 3)] == "victory_day_82nd"
    assert data.references == ("https://example.org",)


def test_missing_file_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="file"):
        load_year_file(tmp_path / "nope.toml")


def test_year_data_checks_its_invariants() -> None:
    with pytest.raises(ParameterError, match="Saturday or Sunday"):
        YearData(2027, {}, {D(2027, 1, 8): "new_year"}, "test")
    with pytest.raises(ParameterError, match="outside 2027"):
        YearData(2027, {D(2026, 12, 31): "spring_festival"}, {}, "test")
    with pytest.raises(ParameterError, match="both"):
        YearData(2027, {D(2027, 1, 9): "new_year"}, {D(2027, 1, 9): "new_year"}, "test")
    with pytest.raises(ParameterError, match="source"):
        YearData(2027, {}, {}, " ")
    with pytest.raises(ParameterError, match="dates"):
        YearData(2027, {dt.datetime(2027, 1, 1): "new_year", D(2027, 1, 2): "new_year"}, {}, "t")
    data = YearData(2027, {D(2027, 1, 1): "new_year"}, {}, "test")
    assert data == YearData(2027, {D(2027, 1, 1): "new_year"}, {}, "test")
    with pytest.raises(TypeError):
        data.holidays[D(2027, 1, 2)] = "new_year"  # type: ignore[index]


# -- argument types ------------------------------------------------------------------------


def test_datetimes_and_other_types_are_rejected() -> None:
    moment = dt.datetime(2025, 1, 2, 9, 30)
    for call in (
        lambda: CAL.is_workday(moment),
        lambda: CAL.covers(moment),
        lambda: CAL.is_provisional(moment),
        lambda: CAL.next_workday(moment),
        lambda: CAL.previous_workday(moment),
        lambda: CAL.add_workdays(moment, 1),
        lambda: CAL.workdays_between(D(2025, 1, 1), moment),
        lambda: CAL.workdays(moment, D(2025, 1, 1)),
        lambda: CAL.holiday_name("2025-01-01"),  # type: ignore[arg-type]
        lambda: CAL.add_workdays(D(2025, 1, 2), True),
        lambda: CAL.add_workdays(D(2025, 1, 2), 1.0),  # type: ignore[arg-type]
        lambda: CAL.with_year({}),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidInput):
            call()


def test_default_calendar_is_shared_and_strict() -> None:
    assert default_calendar() is CAL
    assert not CAL.provisional
    assert CAL.adjusted_weekends_are_workdays
    assert "2004-2026" in repr(CAL)


def test_the_library_never_imports_the_generator_or_chinesecalendar() -> None:
    import subprocess
    import sys

    code = (
        "import sys, datetime, kejiservice.calendar as c;"
        "c.default_calendar().is_workday(datetime.date(2025, 1, 2));"
        "banned = ('chinese_calendar', 'kejiservice.calendar._generate');"
        "print(sorted(m for m in sys.modules if m.startswith(banned)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
