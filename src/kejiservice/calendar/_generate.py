"""Generate the bundled year files ``data/YYYY.toml`` from the ``chinesecalendar`` package.

Usage (``chinesecalendar`` must be importable; the library itself never imports it)::

    python -m kejiservice.calendar._generate --from-chinesecalendar           # rewrite data/
    python -m kejiservice.calendar._generate --from-chinesecalendar --check   # exit 1 on drift
    python -m kejiservice.calendar._generate --from-chinesecalendar --out DIR # write elsewhere

``chinesecalendar`` (LKI/chinese-calendar) keeps two dictionaries, day -> holiday, for the days
off and the weekend days worked, keyed by calendar year. This script turns them into one file
per State Council notice:

1. **Attribution to the notice.** A day belongs to the notice of its year, except the 元旦
   days in December (off or worked), which the notice for the next year arranged (the 2008
   notice gave 2007-12-30/31 off and made 2007-12-29 a workday).
2. **Corrections** (:data:`CORRECTIONS`): where ``chinesecalendar`` departs from the notice
   text. Each is printed when applied and listed in the file's ``notes``.
3. **Whole blocks.** ``days_off`` must list every day off of a block, weekends included.
   ``chinesecalendar`` sometimes lists only the statutory and swapped days (2015 端午:
   06-20 and 06-22, not Sunday 06-21) and only sometimes the weekend a holiday joins
   ("与周末连休"). So weekend days inside a block are filled in, and every block is
   extended over the plain Saturdays and Sundays touching it: the block is the whole run of
   days off around the holiday. Weekend days only are added, so no day changes from
   workday to day off.
4. **Provenance** (:data:`NOTICES`): the notice titles and the gov.cn addresses cited in
   ``chinesecalendar``'s ``scripts/data.py``; 文号 only where checked.

The result is validated with the library's own loader before it is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.metadata
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kejiservice.calendar._data import HOLIDAY_IDS, YearData, _date_window_problem, _parse_bytes

__all__ = ["CORRECTIONS", "FIRST_YEAR", "LAST_YEAR", "NOTICES", "build_years", "main", "render"]

FIRST_YEAR, LAST_YEAR = 2004, 2026
DATA_DIR = Path(__file__).resolve().parent / "data"

#: chinesecalendar's holiday names -> our ids.
CC_NAMES: Mapping[str, str] = {
    "New Year's Day": "new_year",
    "Spring Festival": "spring_festival",
    "Tomb-sweeping Day": "qingming",
    "Labour Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat",
    "Mid-autumn Festival": "mid_autumn",
    "National Day": "national_day",
    "Anti-Fascist 70th Day": "victory_day_70th",
}
SPECIAL_NAMES_ZH: Mapping[str, str] = {
    "victory_day_70th": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

_TITLE = "国务院办公厅关于{year}年部分节假日安排的通知"


def _gov(path: str) -> str:
    return f"http://www.gov.cn/{path}"


#: year -> (source, references, notes). Titles follow the notices; addresses are those cited
#: by chinesecalendar's scripts/data.py.
NOTICES: Mapping[int, tuple[str, tuple[str, ...], str]] = {
    2004: (
        _TITLE.format(year=2004),
        ("https://zh.wikisource.org/zh-hans/国务院办公厅关于2004年部分节假日安排的通知",),
        "Statutory days under 国务院令第270号 (1999): 元旦1, 春节3, 劳动节3, 国庆节3.",
    ),
    2005: (_TITLE.format(year=2005), (), "Statutory days under 国务院令第270号 (1999)."),
    2006: (
        _TITLE.format(year=2006),
        (_gov("jrzg/2005-12/22/content_133837.htm"),),
        "Statutory days under 国务院令第270号 (1999).",
    ),
    2007: (
        _TITLE.format(year=2007),
        (_gov("fwxx/sh/2006-12/18/content_471877.htm"),),
        "Statutory days under 国务院令第270号 (1999).",
    ),
    2008: (
        _TITLE.format(year=2008),
        (_gov("zwgk/2007-12/18/content_837184.htm"),),
        "First year under 国务院令第513号 (2007 revision): 清明、端午、中秋 added, 劳动节 one "
        "day, 春节 from 除夕 (除夕、初一、初二); 11 statutory days.",
    ),
    2009: (_TITLE.format(year=2009), (_gov("zwgk/2008-12/10/content_1174014.htm"),), ""),
    2010: (_TITLE.format(year=2010), (_gov("zwgk/2009-12/08/content_1482691.htm"),), ""),
    2011: (_TITLE.format(year=2011), (_gov("zwgk/2010-12/10/content_1762643.htm"),), ""),
    2012: (_TITLE.format(year=2012), (_gov("zwgk/2011-12/06/content_2012097.htm"),), ""),
    2013: (_TITLE.format(year=2013), (_gov("zwgk/2012-12/10/content_2286598.htm"),), ""),
    2014: (
        _TITLE.format(year=2014),
        (_gov("zwgk/2013-12/11/content_2546204.htm"),),
        "First year under 国务院令第644号 (2013 revision): 春节 is 初一、初二、初三 (no 除夕).",
    ),
    2015: (
        _TITLE.format(year=2015)
        + "; 国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
        (
            _gov("zhengce/content/2014-12/16/content_9302.htm"),
            _gov("zhengce/content/2015-05/13/content_9742.htm"),
        ),
        "2015-09-03 was a one-off day off (victory_day_70th), with 09-04 swapped for 09-06.",
    ),
    2016: (_TITLE.format(year=2016), (_gov("zhengce/content/2015-12/10/content_10394.htm"),), ""),
    2017: (
        _TITLE.format(year=2017),
        (_gov("zhengce/content/2016-12/01/content_5141603.htm"),),
        "",
    ),
    2018: (
        _TITLE.format(year=2018),
        (_gov("zhengce/content/2017-11/30/content_5243579.htm"),),
        "",
    ),
    2019: (
        _TITLE.format(year=2019) + "; 国务院办公厅关于调整2019年劳动节假期安排的通知",
        (
            _gov("xinwen/2018-12/06/content_5346287.htm"),
            _gov("zhengce/content/2019-03/22/content_5375877.htm"),
        ),
        "劳动节 changed in March 2019 to 05-01..05-04, with 04-28 and 05-05 worked.",
    ),
    2020: (
        _TITLE.format(year=2020) + "; 国务院办公厅关于延长2020年春节假期的通知",
        (
            _gov("zhengce/content/2019-11/21/content_5454164.htm"),
            _gov("zhengce/content/2020-01/27/content_5472352.htm"),
        ),
        "春节 extended to 02-02 (COVID-19): 01-31 off and 02-01 no longer worked. "
        "中秋 fell on 10-01, inside the 国庆 block.",
    ),
    2021: (
        _TITLE.format(year=2021),
        (_gov("zhengce/content/2020-11/25/content_5564127.htm"),),
        "",
    ),
    2022: (
        _TITLE.format(year=2022),
        (_gov("zhengce/content/2021-10/25/content_5644835.htm"),),
        "",
    ),
    2023: (
        _TITLE.format(year=2023),
        (_gov("zhengce/content/2022-12/08/content_5730844.htm"),),
        "",
    ),
    2024: (
        _TITLE.format(year=2024),
        ("https://www.gov.cn/zhengce/content/202310/content_6911527.htm",),
        "",
    ),
    2025: (
        "国办发明电〔2024〕12号 " + _TITLE.format(year=2025),
        ("https://www.gov.cn/zhengce/content/202411/content_6986382.htm",),
        "First year under 国务院令第795号 (2024 revision): 春节 from 除夕 (4 days) and 劳动节 "
        "2 days; 13 statutory days.",
    ),
    2026: (
        "国办发明电〔2025〕7号 " + _TITLE.format(year=2026),
        (),
        "Issued 2025-11-04 (新华社).",
    ),
}

#: (day, notice year, holiday id, "work" or "off", why): departures from chinesecalendar.
CORRECTIONS: Sequence[tuple[dt.date, int, str, str, str]] = (
    (
        dt.date(2005, 12, 31),
        2006,
        "new_year",
        "work",
        "2005-12-31 (Saturday) was worked: the 2006 notice moves it and 2006-01-01 to "
        '01-02/01-03 ("12月31日(星期六)上班"); chinesecalendar omits it '
        "(LKI/chinese-calendar#125).",
    ),
)


def _notice_year(day: dt.date, holiday: str) -> int:
    if holiday == "new_year" and day.month == 12:
        return day.year + 1
    return day.year


def build_years(
    cc_holidays: Mapping[dt.date, str], cc_workdays: Mapping[dt.date, str]
) -> dict[int, YearData]:
    """The :class:`YearData` of each year FIRST_YEAR..LAST_YEAR from chinesecalendar's tables."""
    off: dict[int, dict[str, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    work: dict[int, dict[str, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    for day, name in cc_holidays.items():
        holiday = CC_NAMES[name]
        off[_notice_year(day, holiday)][holiday].add(day)
    for day, name in cc_workdays.items():
        holiday = CC_NAMES[name]
        work[_notice_year(day, holiday)][holiday].add(day)
    for day, year, holiday, kind, why in CORRECTIONS:
        print(f"correction: {why}", file=sys.stderr)
        for table in (off, work):
            for blocks in table.values():
                for days in blocks.values():
                    days.discard(day)
        (work if kind == "work" else off)[year][holiday].add(day)

    all_off = {d for blocks in off.values() for days in blocks.values() for d in days}
    all_work = {d for blocks in work.values() for days in blocks.values() for d in days}

    def plain_weekend(day: dt.date) -> bool:
        return day.weekday() >= 5 and day not in all_off and day not in all_work

    for year, blocks in off.items():
        for holiday, days in blocks.items():
            ordered = sorted(days)
            for before, after in itertools.pairwise(ordered):
                gap = [before + dt.timedelta(days=i) for i in range(1, (after - before).days)]
                if gap and all(plain_weekend(d) for d in gap):
                    days.update(gap)
                    all_off.update(gap)
            for step in (-1, 1):
                edge = (min if step < 0 else max)(days) + dt.timedelta(days=step)
                while plain_weekend(edge) and _date_window_problem(year, holiday, edge) is None:
                    days.add(edge)
                    all_off.add(edge)
                    edge += dt.timedelta(days=step)

    years: dict[int, YearData] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        source, references, notes = NOTICES[year]
        corrections = [why for _, y, _, _, why in CORRECTIONS if y == year]
        if corrections:
            notes = " ".join([notes, "Correction to chinesecalendar:", *corrections]).strip()
        holidays = {d: h for h, days in off[year].items() for d in days}
        workdays = {d: h for h, days in work[year].items() for d in days}
        names = {h: HOLIDAY_IDS.get(h) or SPECIAL_NAMES_ZH[h] for h in off[year]}
        years[year] = YearData(
            year=year,
            holidays=holidays,
            adjusted_workdays=workdays,
            source=source,
            names_zh=names,
            references=references,
            notes=notes,
        )
    return years


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _dates(key: str, days: Sequence[dt.date]) -> list[str]:
    """``key = [dates]`` on one line if it fits in 100 columns, else four dates a line."""
    one_line = f"{key} = [" + ", ".join(d.isoformat() for d in days) + "]"
    if len(one_line) <= 100:
        return [one_line]
    rows = [days[i : i + 4] for i in range(0, len(days), 4)]
    return [
        f"{key} = [",
        *("    " + ", ".join(d.isoformat() for d in row) + "," for row in rows),
        "]",
    ]


def render(data: YearData, origin: str) -> str:
    """The TOML text of one year file."""
    lines = [
        f"# {data.year}: {data.source}",
        "# Generated by `python -m kejiservice.calendar._generate --from-chinesecalendar`",
        f"# from {origin}. Change the generator (its corrections and notices), not this file.",
        "",
        f"year = {data.year}",
        f"source = {_toml_str(data.source)}",
    ]
    if data.references:
        lines.append("references = [")
        lines.extend(f"    {_toml_str(r)}," for r in data.references)
        lines.append("]")
    if data.notes:
        lines.append(f"notes = {_toml_str(data.notes)}")
    for holiday in data.holiday_ids():
        days_off = data.days_off(holiday)
        worked = data.workdays_for(holiday)
        count = f"{len(days_off)} day{'s' if len(days_off) > 1 else ''} off"
        first, last = days_off[0], days_off[-1]
        span = f"{first:%a %Y-%m-%d}" + (f" to {last:%a %Y-%m-%d}" if last != first else "")
        lines += ["", "[[holiday]]", f"id = {_toml_str(holiday)}"]
        if holiday not in HOLIDAY_IDS:
            lines.append("special = true")
        lines += [f"name_zh = {_toml_str(data.name_zh(holiday))}", f"# {count}: {span}"]
        lines += _dates("days_off", days_off)
        if worked:
            lines.append("# worked (调休上班): " + ", ".join(f"{d:%a %Y-%m-%d}" for d in worked))
            lines += _dates("adjusted_workdays", worked)
    return "\n".join(lines) + "\n"


def _from_chinesecalendar() -> tuple[dict[int, YearData], str]:
    try:
        constants: Any = importlib.import_module("chinese_calendar.constants")
    except ImportError:
        sys.exit("chinesecalendar is not installed: pip install chinesecalendar")
    version = importlib.metadata.version("chinesecalendar")
    return build_years(constants.holidays, constants.workdays), f"chinesecalendar {version}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m kejiservice.calendar._generate")
    parser.add_argument(
        "--from-chinesecalendar",
        action="store_true",
        required=True,
        help="take the days from the installed chinesecalendar package",
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ")
    args = parser.parse_args(argv)
    years, origin = _from_chinesecalendar()
    stale: list[str] = []
    for year, data in years.items():
        text = render(data, origin)
        # The library's loader must read back exactly what was generated.
        if _parse_bytes(text.encode(), f"{year}.toml", str(year)) != data:
            raise AssertionError(f"{year}: the rendered file does not read back the same")
        target = args.out / f"{year}.toml"
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if stale:
        print("out of date:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    print(f"{len(years)} year files {'checked' if args.check else 'written'} from {origin}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
