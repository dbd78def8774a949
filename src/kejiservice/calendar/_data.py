"""One year's official holiday arrangement: :class:`YearData` and the TOML year files.

A year file transcribes one State Council notice (国务院办公厅关于某年部分节假日安排的通知)::

    year = 2025
    source = "国办发明电〔2024〕12号 国务院办公厅关于2025年部分节假日安排的通知"
    references = ["https://www.gov.cn/zhengce/content/202411/content_6986382.htm"]  # optional
    notes = "..."                                                                   # optional

    [[holiday]]
    id = "spring_festival"
    name_zh = "春节"
    days_off = [2025-01-28, 2025-01-29, 2025-01-30, 2025-01-31,
                2025-02-01, 2025-02-02, 2025-02-03, 2025-02-04]
    adjusted_workdays = [2025-01-26, 2025-02-08]                                    # optional
    note = "..."                                                                    # optional

Rules, each checked by :func:`load_year_file` and reported with its key:

* ``id`` is one of :data:`HOLIDAY_IDS`, or any ``snake_case`` id with ``special = true`` for a
  one-off day off (the 2015 anniversary of the victory, ``victory_day_70th``). One block per
  id and notice.
* ``days_off`` lists every day off of the block, weekends included, without gaps (a gap is
  allowed only where another block of the same file fills it, as when 中秋 falls inside the
  国庆 week). ``adjusted_workdays`` lists the Saturdays and Sundays worked (调休上班).
* Every date falls in ``year``, with one exception: the 元旦 block (``new_year``) may start in
  December of the year before, because the notice for year *Y* arranges the New Year holiday
  that straddles *Y-1*/*Y* (the 2008 notice: 2007-12-30 to 2008-01-01 off, 2007-12-29 worked).
* No day is listed twice in a file, neither as two days off nor as a day off and a workday.

References:
    * 《全国年节及纪念日放假办法》 (国务院令第270号, 1999), as revised by 国务院令第513号
      (2007, from 2008), 第644号 (2013, from 2014) and 第795号 (2024, from 2025).
    * The yearly notices of the General Office of the State Council, named in each file.

Limitations:
    * Dates are checked for form and placement, not against the lunar calendar: a file that
      puts 春节 in March loads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from kejiservice.errors import ParameterError

__all__ = ["HOLIDAY_IDS", "YearData", "bundled_years", "load_year_file"]

#: The statutory holidays of 《全国年节及纪念日放假办法》: id -> Chinese name.
HOLIDAY_IDS: Mapping[str, str] = MappingProxyType(
    {
        "new_year": "元旦",
        "spring_festival": "春节",
        "qingming": "清明节",
        "labour_day": "劳动节",
        "dragon_boat": "端午节",
        "mid_autumn": "中秋节",
        "national_day": "国庆节",
    }
)

_ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*\Z")
_TOP_KEYS = frozenset({"year", "source", "references", "notes", "holiday"})
_HOLIDAY_KEYS = frozenset({"id", "name_zh", "days_off", "adjusted_workdays", "special", "note"})
_MIN_YEAR, _MAX_YEAR = 1949, 9998
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _freeze_days(value: Mapping[dt.date, str]) -> Mapping[dt.date, str]:
    days = dict(value)
    # Keys that are not all dates cannot be sorted; the invariant check reports them.
    with contextlib.suppress(TypeError):
        days = dict(sorted(days.items()))
    return MappingProxyType(days)


def _to_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _freeze_names(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _date_window_problem(year: int, holiday: str, day: dt.date) -> str | None:
    """Why ``day`` cannot belong to the ``holiday`` block of ``year``'s notice, or ``None``."""
    if day.year == year:
        return None
    if holiday == "new_year" and day.year == year - 1 and day.month == 12:
        return None
    return (
        f"{day.isoformat()} is outside {year}; only the new_year block may reach into "
        f"December {year - 1}"
    )


@attrs.frozen(unsafe_hash=False)
class YearData:
    """One year's official arrangement, as the State Council notice for that year gives it.

    ``holidays`` maps every day off of a holiday block (weekend days of the block and bridge
    days included) to the holiday id; ``adjusted_workdays`` maps each Saturday or Sunday that
    is worked (调休上班) to the holiday it compensates. Both are read-only mappings sorted by
    date. ``source`` names the notice. The 元旦 block may begin in December of ``year - 1``
    (see the module docstring); every other day lies in ``year``.

    ``names_zh`` gives Chinese names for ids (statutory ids default to :data:`HOLIDAY_IDS`),
    ``references`` where the notice can be read, ``notes`` anything worth knowing.

    The invariants above are checked on construction (``ParameterError`` if broken), so a
    ``YearData`` built in code is as sound as one read by :func:`load_year_file`. Instances
    compare by value and are not hashable.
    """

    year: int
    holidays: Mapping[dt.date, str] = attrs.field(converter=_freeze_days)
    adjusted_workdays: Mapping[dt.date, str] = attrs.field(converter=_freeze_days)
    source: str
    names_zh: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze_names)
    references: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise ParameterError(f"invalid YearData for {self.year!r}:\n  " + "\n  ".join(problems))

    def _problems(self) -> list[str]:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            return [f"year: must be an integer, got {self.year!r}"]
        if not _MIN_YEAR <= self.year <= _MAX_YEAR:
            return [f"year: {self.year} is outside {_MIN_YEAR}-{_MAX_YEAR}"]
        problems: list[str] = []
        if not isinstance(self.source, str) or not self.source.strip():
            problems.append("source: the notice is required")
        for field, days in (
            ("holidays", self.holidays),
            ("adjusted_workdays", self.adjusted_workdays),
        ):
            for day, holiday in days.items():
                where = f"{field}[{day!r}]"
                if not _is_date(day):
                    problems.append(f"{where}: keys must be dates (not datetimes)")
                    continue
                if not isinstance(holiday, str) or not _ID_PATTERN.match(holiday):
                    problems.append(f"{where}: {holiday!r} is not a snake_case holiday id")
                    continue
                window = _date_window_problem(self.year, holiday, day)
                if window is not None:
                    problems.append(f"{where}: {window}")
        for day in self.adjusted_workdays:
            if _is_date(day) and day.weekday() < 5:
                problems.append(
                    f"adjusted_workdays[{day.isoformat()}]: a {_WEEKDAY_NAMES[day.weekday()]};"
                    " an adjusted workday (调休上班) is a Saturday or Sunday"
                )
        for day in sorted(set(self.holidays) & set(self.adjusted_workdays)):
            problems.append(f"{day.isoformat()}: both a day off and an adjusted workday")
        return problems

    def name_zh(self, holiday: str) -> str:
        """The Chinese name of ``holiday`` (an id of this year), or the id if none is known."""
        return self.names_zh.get(holiday) or HOLIDAY_IDS.get(holiday, holiday)

    def holiday_ids(self) -> tuple[str, ...]:
        """The ids of this year's blocks, in the order of their first day off."""
        seen: dict[str, None] = {}
        for holiday in self.holidays.values():
            seen.setdefault(holiday, None)
        return tuple(seen)

    def days_off(self, holiday: str) -> tuple[dt.date, ...]:
        """The days off of the ``holiday`` block, in order (empty if the year has none)."""
        return tuple(day for day, name in self.holidays.items() if name == holiday)

    def workdays_for(self, holiday: str) -> tuple[dt.date, ...]:
        """The weekend days worked to compensate ``holiday``, in order."""
        return tuple(day for day, name in self.adjusted_workdays.items() if name == holiday)


class _Problems:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.items: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{self.origin}: {key}: {message}")


def _date_list(raw: Any, key: str, out: _Problems, *, required: bool) -> list[dt.date]:
    if raw is None:
        if required:
            out.add(key, "missing; list the days as TOML dates ([2025-01-28, 2025-01-29])")
        return []
    if not isinstance(raw, list):
        out.add(key, "must be an array of TOML dates")
        return []
    if required and not raw:
        out.add(key, "must list at least one day")
    days: list[dt.date] = []
    for index, value in enumerate(raw):
        if not _is_date(value):
            out.add(f"{key}[{index}]", f"must be a TOML date like 2025-01-28, got {value!r}")
            continue
        days.append(value)
    return days


def _parse_holiday(
    raw: Any, index: int, year: int | None, out: _Problems
) -> tuple[str, str, list[dt.date], list[dt.date]] | None:
    here = f"holiday[{index}]"
    if not isinstance(raw, dict):
        out.add(here, "a holiday is a table ([[holiday]])")
        return None
    for unknown in sorted(set(raw) - _HOLIDAY_KEYS):
        out.add(
            f"{here}.{unknown}", f"unknown key; expected one of {', '.join(sorted(_HOLIDAY_KEYS))}"
        )
    special = raw.get("special", False)
    if not isinstance(special, bool):
        out.add(f"{here}.special", "must be true or false")
        special = False
    holiday = raw.get("id")
    if not isinstance(holiday, str) or not _ID_PATTERN.match(holiday):
        out.add(f"{here}.id", f"a snake_case holiday id is required, got {holiday!r}")
        holiday = None
    elif special and holiday in HOLIDAY_IDS:
        out.add(f"{here}.special", f"{holiday!r} is a statutory holiday, not a special one")
    elif not special and holiday not in HOLIDAY_IDS:
        out.add(
            f"{here}.id",
            f"unknown holiday {holiday!r}; one of {', '.join(HOLIDAY_IDS)}, "
            "or set special = true for a one-off day off",
        )
        holiday = None
    name = raw.get("name_zh")
    if not isinstance(name, str) or not name.strip():
        out.add(f"{here}.name_zh", "the Chinese name of the holiday is required (春节)")
        name = ""
    if "note" in raw and not isinstance(raw["note"], str):
        out.add(f"{here}.note", "must be a string")
    days_off = _date_list(raw.get("days_off"), f"{here}.days_off", out, required=True)
    workdays = _date_list(
        raw.get("adjusted_workdays"), f"{here}.adjusted_workdays", out, required=False
    )
    if holiday is None:
        return None
    if year is not None:
        for field, days in (("days_off", days_off), ("adjusted_workdays", workdays)):
            for position, day in enumerate(days):
                window = _date_window_problem(year, holiday, day)
                if window is not None:
                    out.add(f"{here}.{field}[{position}]", window)
    for position, day in enumerate(workdays):
        if day.weekday() < 5:
            out.add(
                f"{here}.adjusted_workdays[{position}]",
                f"{day.isoformat()} is a {_WEEKDAY_NAMES[day.weekday()]}; an adjusted "
                "workday (调休上班) is a Saturday or Sunday",
            )
    return holiday, name, days_off, workdays


def _parse_document(doc: Mapping[str, Any], out: _Problems, stem: str | None) -> YearData | None:
    for unknown in sorted(set(doc) - _TOP_KEYS):
        out.add(unknown, f"unknown key; expected one of {', '.join(sorted(_TOP_KEYS))}")
    year = doc.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        out.add("year", f"an integer year is required, got {year!r}")
        year = None
    elif not _MIN_YEAR <= year <= _MAX_YEAR:
        out.add("year", f"{year} is outside {_MIN_YEAR}-{_MAX_YEAR}")
        year = None
    elif stem is not None and stem.isdigit() and len(stem) == 4 and int(stem) != year:
        out.add("year", f"the file is named {stem} but holds year {year}")
    source = doc.get("source")
    if not isinstance(source, str) or not source.strip():
        out.add("source", "the notice is required (文号 and title)")
        source = ""
    references = doc.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        out.add("references", "must be an array of strings")
        references = []
    notes = doc.get("notes", "")
    if not isinstance(notes, str):
        out.add("notes", "must be a string")
        notes = ""
    raw_holidays = doc.get("holiday")
    if not isinstance(raw_holidays, list) or not raw_holidays:
        out.add("holiday", "at least one [[holiday]] table is required")
        raw_holidays = []

    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    names: dict[str, str] = {}
    seen_ids: dict[str, int] = {}
    first_key: dict[dt.date, str] = {}
    blocks: list[tuple[int, list[dt.date]]] = []
    for index, raw in enumerate(raw_holidays):
        parsed = _parse_holiday(raw, index, year, out)
        if parsed is None:
            continue
        holiday, name, days_off, adjusted = parsed
        if holiday in seen_ids:
            out.add(
                f"holiday[{index}].id",
                f"{holiday!r} is also holiday[{seen_ids[holiday]}]; one block per holiday",
            )
            continue
        seen_ids[holiday] = index
        if name:
            names[holiday] = name
        blocks.append((index, days_off))
        for field, days, target in (
            ("days_off", days_off, holidays),
            ("adjusted_workdays", adjusted, workdays),
        ):
            for position, day in enumerate(days):
                key = f"holiday[{index}].{field}[{position}]"
                if day in first_key:
                    out.add(key, f"{day.isoformat()} is listed twice (also at {first_key[day]})")
                    continue
                first_key[day] = key
                target[day] = holiday
    for index, days_off in blocks:
        if not days_off:
            continue
        day, last = min(days_off), max(days_off)
        while day < last:
            day += dt.timedelta(days=1)
            if day not in holidays:
                out.add(
                    f"holiday[{index}].days_off",
                    f"the block has a gap on {day.isoformat()}; list every day off of the "
                    "block, weekends included",
                )
                break
    if out.items or year is None:
        return None
    return YearData(
        year=year,
        holidays=holidays,
        adjusted_workdays=workdays,
        source=source,
        names_zh=names,
        references=tuple(references),
        notes=notes,
    )


def _parse_bytes(content: bytes, origin: str, stem: str | None) -> YearData:
    out = _Problems(origin)
    try:
        doc = tomllib.loads(content.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        out.add("file", f"not UTF-8: {exc}")
        doc = None
    except tomllib.TOMLDecodeError as exc:
        out.add("toml", str(exc))
        doc = None
    data = _parse_document(doc, out, stem) if doc is not None else None
    if data is None or out.items:
        raise ParameterError("invalid year file:\n  " + "\n  ".join(out.items))
    return data


def load_year_file(path: str | Path) -> YearData:
    """Read and validate a TOML year file (one notice transcribed) into :class:`YearData`.

    Every problem found is reported at once in the ``ParameterError``, each as
    ``file: key: message`` with the key spelled as in the file (``holiday[1].days_off[2]``).
    A file named ``YYYY.toml`` must hold year ``YYYY``.
    """
    file = Path(path)
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise ParameterError(f"invalid year file:\n  {file}: file: {exc}") from exc
    return _parse_bytes(content, str(file), file.stem)


@functools.cache
def bundled_years() -> Mapping[int, YearData]:
    """The year files shipped in ``kejiservice/calendar/data``, by year (read once)."""
    folder = resources.files("kejiservice.calendar").joinpath("data")
    years: dict[int, YearData] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        stem = entry.name.removesuffix(".toml")
        data = _parse_bytes(entry.read_bytes(), f"kejiservice/calendar/data/{entry.name}", stem)
        years[data.year] = data
    return MappingProxyType(years)
