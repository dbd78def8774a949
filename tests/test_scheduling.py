"""Linkage-visit planning: properties, fixed dates on the 2025/2026 calendars, formats,
coverage, export and the ``plan`` subcommand."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
from collections import Counter
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejiservice.calendar import default_calendar
from kejiservice.errors import InvalidInput
from kejiservice.models import Certification, CertificationKind, Enterprise
from kejiservice.sample import ledger
from kejiservice.scheduling import (
    CSV_COLUMNS,
    Assignment,
    CadencePolicy,
    CadenceRule,
    Interval,
    Officer,
    Plan,
    PlannedVisit,
    Unplaced,
    UnplacedReason,
    VisitKind,
    VisitRecord,
    coverage,
    load_history,
    load_officers,
    load_policy,
    plan,
    preferred_weekday,
    read_officers,
    read_policy,
    rebalance,
    replan,
    to_csv,
    to_ics,
)
from kejiservice.scheduling._cli import add_plan_parser

D = dt.date
CAL = default_calendar()
SAMPLE = files("kejiservice.sample")
POLICY = CadencePolicy(
    (
        CadenceRule("key", Interval.parse("monthly"), tag="key_cultivation"),
        CadenceRule("hnte", Interval.parse("quarterly"), certification="hnte"),
        CadenceRule("gazelle", Interval.parse("3 weeks"), tag="gazelle"),
    ),
    Interval.parse("half-yearly"),
)


def ent(ident: str, *tags: str, hnte: bool = False, region: str | None = None) -> Enterprise:
    certs = (Certification(CertificationKind.HNTE, D(2023, 1, 1), D(2028, 12, 31)),) if hnte else ()
    return Enterprise(
        name=f"企业{ident}",
        registered_on=D(2015, 1, 1),
        industry="C3911",
        id=ident,
        region=region,
        tags=tags,
        certifications=certs,
    )


# ---------------------------------------------------------------- scenarios


@attrs.frozen
class Scenario:
    enterprises: tuple[Enterprise, ...]
    officers: tuple[Officer, ...]
    assignments: tuple[Assignment, ...]
    history: tuple[VisitRecord, ...]
    start: dt.date
    end: dt.date

    def run(self, **kw: Any) -> Plan:
        return plan(
            self.enterprises,
            self.officers,
            self.assignments,
            POLICY,
            self.start,
            self.end,
            history=self.history,
            calendar=CAL,
            **kw,
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    start = draw(st.dates(D(2025, 1, 1), D(2026, 9, 30)))
    end = min(start + dt.timedelta(days=draw(st.integers(6, 220))), D(2026, 12, 31))
    n_off = draw(st.integers(1, 4))
    officers = []
    for i in range(n_off):
        weekdays = draw(st.sets(st.integers(0, 4), min_size=1, max_size=5))
        days_off = draw(st.sets(st.dates(start, end), max_size=6))
        officers.append(
            Officer(
                f"O{i}",
                f"officer {i}",
                draw(st.integers(0, 6)),
                tuple(weekdays),
                frozenset(days_off),
                draw(st.sampled_from([None, "R1", "R2"])),
            )
        )
    n_ent = draw(st.integers(1, 14))
    enterprises = []
    owners: dict[str, list[str]] = {}
    history = []
    for i in range(n_ent):
        ident = f"E{i:02d}"
        tags = draw(st.sets(st.sampled_from(["key_cultivation", "gazelle", "other"]), max_size=2))
        enterprises.append(
            ent(
                ident,
                *sorted(tags),
                hnte=draw(st.booleans()),
                region=draw(st.sampled_from(["R1", "R2"])),
            )
        )
        owner = draw(st.sampled_from([None, *[o.id for o in officers]]))
        if owner is not None:
            owners.setdefault(owner, []).append(ident)
        for day in draw(
            st.lists(
                st.dates(start - dt.timedelta(days=300), start - dt.timedelta(days=1)), max_size=2
            )
        ):
            history.append(VisitRecord(ident, day))
    assignments = tuple(Assignment(o, tuple(ids)) for o, ids in owners.items())
    return Scenario(tuple(enterprises), tuple(officers), assignments, tuple(history), start, end)


def _capacity(officer: Officer, monday: dt.date, start: dt.date, end: dt.date) -> int:
    days = 0
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        if start <= day <= end and officer.works_on(day, CAL.is_workday(day)):
            days += 1
    return officer.weekly_capacity * days // len(officer.weekdays)


def _check_capacity(result: Plan, officers: Iterable[Officer]) -> None:
    by_id = {o.id: o for o in officers}
    weeks = Counter(
        (v.officer, v.date - dt.timedelta(days=v.date.weekday()))
        for v in result.visits
        if v.officer in by_id
    )
    for (oid, monday), count in weeks.items():
        assert count <= _capacity(by_id[oid], monday, result.start, result.end), (oid, monday)


def _check_workdays(result: Plan, officers: Iterable[Officer]) -> None:
    by_id = {o.id: o for o in officers}
    for visit in result.visits:
        officer = by_id[visit.officer]
        assert CAL.is_workday(visit.date), visit
        assert visit.date not in officer.days_off, visit
        assert visit.date.weekday() >= 5 or visit.date.weekday() in officer.weekdays, visit
        assert visit.window_start <= visit.date <= visit.window_end
        assert result.start <= visit.date <= result.end


def _shuffled(s: Scenario, rnd: random.Random) -> Scenario:
    def mix(items: Iterable[Any]) -> tuple[Any, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    return attrs.evolve(
        s,
        enterprises=mix(s.enterprises),
        officers=mix(s.officers),
        assignments=mix(Assignment(a.officer, mix(a.enterprises)) for a in s.assignments),
        history=mix(s.history),
    )


# ---------------------------------------------------------------- properties


@given(scenarios())
def test_visits_fall_on_workdays_of_their_officer(s: Scenario) -> None:
    _check_workdays(s.run(), s.officers)


@given(scenarios())
def test_no_officer_is_over_capacity_in_any_week(s: Scenario) -> None:
    _check_capacity(s.run(), s.officers)


@given(scenarios())
def test_every_window_has_a_visit_or_an_unplaced_entry(s: Scenario) -> None:
    result = s.run()
    got = Counter((v.enterprise, v.window_start, v.window_end) for v in result.visits)
    got.update((u.enterprise, u.window_start, u.window_end) for u in result.unplaced)
    expected: Counter[tuple[str, dt.date, dt.date]] = Counter()
    for e in s.enterprises:
        cadence = POLICY.cadence_for(e, s.start)
        assert cadence is not None
        for lo, hi in cadence[1].windows(s.start, s.end, POLICY.week_anchor):
            assert e.id is not None
            expected[(e.id, lo, hi)] += 1
    assert got == expected
    owner = {i: a.officer for a in s.assignments for i in a.enterprises}
    for entry in result.unplaced:
        if entry.enterprise not in owner:
            assert entry.reason is UnplacedReason.NO_OFFICER
        else:
            assert entry.reason in (UnplacedReason.NO_CAPACITY, UnplacedReason.NO_WORKDAY)
    for visit in result.visits:
        assert owner[visit.enterprise] == visit.officer


@given(scenarios(), st.randoms(use_true_random=False))
def test_the_same_input_in_any_order_gives_the_same_plan(s: Scenario, rnd: random.Random) -> None:
    assert _shuffled(s, rnd).run() == s.run()


@given(scenarios(), st.data())
def test_replanning_with_a_freeze_keeps_frozen_visits(s: Scenario, data: st.DataObject) -> None:
    first = s.run()
    freeze = data.draw(st.dates(s.start, s.end), label="freeze_until")
    # Something changed since: every officer lost a day of capacity.
    officers = tuple(
        attrs.evolve(o, weekly_capacity=max(o.weekly_capacity - 1, 0)) for o in s.officers
    )
    second = replan(
        first,
        freeze_until=freeze,
        enterprises=s.enterprises,
        officers=officers,
        assignments=s.assignments,
        policy=POLICY,
        history=s.history,
        calendar=CAL,
    )
    frozen = {v for v in first.visits if v.date <= freeze}
    assert frozen <= set(second.visits)
    assert {v for v in second.visits if v.date <= freeze} == frozen
    _check_workdays(second, s.officers)
    for visit in second.visits:
        before = {(v.enterprise, v.window_start): v for v in first.visits}.get(
            (visit.enterprise, visit.window_start)
        )
        if before is not None:
            moved = (before.date, before.officer) != (visit.date, visit.officer)
            assert visit.sequence == before.sequence + moved


@given(scenarios(), st.data())
def test_rebalancing_moves_only_the_leaving_officers_enterprises(
    s: Scenario, data: st.DataObject
) -> None:
    first = s.run()
    leaving = data.draw(st.sampled_from(s.officers), label="leaving").id
    effective = data.draw(st.dates(s.start, s.end), label="effective")
    result = rebalance(
        first,
        leaving,
        officers=s.officers,
        assignments=s.assignments,
        effective=effective,
        enterprises=s.enterprises,
        calendar=CAL,
    )
    moving = {i for a in s.assignments if a.officer == leaving for i in a.enterprises}
    assert {v for v in first.visits if v.enterprise not in moving} == {
        v for v in result.plan.visits if v.enterprise not in moving
    }
    assert {u for u in first.unplaced if u.enterprise not in moving} == {
        u for u in result.plan.unplaced if u.enterprise not in moving
    }
    assert not [v for v in result.plan.visits if v.officer == leaving and v.date >= effective]
    # Visits before the leaving day stay as they were.
    assert {v for v in first.visits if v.officer == leaving and v.date < effective} <= set(
        result.plan.visits
    )
    new_owner = {i: a.officer for a in result.assignments for i in a.enterprises}
    old_owner = {i: a.officer for a in s.assignments for i in a.enterprises}
    assert leaving not in {a.officer for a in result.assignments}
    for ident, officer in old_owner.items():
        if ident in moving:
            if len(s.officers) > 1:
                assert new_owner[ident] != leaving
        else:
            assert new_owner[ident] == officer
    _check_capacity(result.plan, [o for o in s.officers if o.id != leaving])
    remaining = [o for o in s.officers if o.id != leaving]
    _check_workdays(
        attrs.evolve(result.plan, visits=[v for v in result.plan.visits if v.officer != leaving]),
        remaining,
    )


# ---------------------------------------------------------------- fixed dates


def _one(officer: Officer, *enterprises: Enterprise, **kw: Any) -> Plan:
    return plan(
        enterprises,
        [officer],
        [Assignment(officer.id, tuple(e.id or "" for e in enterprises))],
        kw.pop("policy", POLICY),
        kw.pop("start"),
        kw.pop("end"),
        calendar=CAL,
        **kw,
    )


def test_spring_festival_week_has_no_capacity() -> None:
    officer = Officer("O1", "officer", 5)
    ents = [ent(f"E{i:02d}", "key_cultivation") for i in range(20)]
    result = _one(officer, *ents, start=D(2026, 2, 1), end=D(2026, 2, 28))
    weeks = Counter(v.date - dt.timedelta(days=v.date.weekday()) for v in result.visits)
    assert weeks[D(2026, 2, 16)] == 0
    # Capacities: 02-02 week 5, 02-09 week 6 (Saturday 02-14 worked), 02-23 week 4 + Sat 02-28
    # = 5 working days: 5. 20 enterprises, 16 places: 4 unplaced for lack of capacity.
    assert weeks == {D(2026, 2, 2): 5, D(2026, 2, 9): 6, D(2026, 2, 23): 5}
    assert [u.reason for u in result.unplaced] == [UnplacedReason.NO_CAPACITY] * 4


def test_working_saturday_2026_02_28_is_used() -> None:
    officer = Officer(
        "O1",
        "officer",
        5,
        days_off=[D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26), D(2026, 2, 27)],
    )
    result = _one(officer, ent("E1", "key_cultivation"), start=D(2026, 2, 24), end=D(2026, 2, 28))
    assert [v.date for v in result.visits] == [D(2026, 2, 28)]


def test_working_sunday_2025_01_26_and_saturday_2025_02_08() -> None:
    officer = Officer("O1", "officer", 5)
    first = _one(officer, ent("E1"), start=D(2025, 1, 25), end=D(2025, 1, 27))
    assert [v.date for v in first.visits] == [D(2025, 1, 26)]  # catch-up: earliest week
    second = _one(officer, ent("E1"), start=D(2025, 2, 8), end=D(2025, 2, 9))
    assert [v.date for v in second.visits] == [D(2025, 2, 8)]


def test_a_window_with_no_workday_is_unplaced() -> None:
    officer = Officer("O1", "officer", 5)
    result = _one(officer, ent("E1", "gazelle"), start=D(2026, 2, 16), end=D(2026, 2, 22))
    assert [(u.reason, u.window_start, u.window_end) for u in result.unplaced] == [
        (UnplacedReason.NO_WORKDAY, D(2026, 2, 16), D(2026, 2, 22))
    ]


def test_capacity_is_scaled_and_rounded_down() -> None:
    # Week of 2026-09-28: Mon-Wed worked, 10-01.. off: 3 of 5 days; 3 × 3 // 5 = 1.
    officer = Officer("O1", "officer", 3)
    ents = [ent(f"E{i}", "key_cultivation") for i in range(3)]
    result = _one(officer, *ents, start=D(2026, 9, 28), end=D(2026, 10, 4))
    assert len(result.visits) == 1 + 0  # September window: 1 place; October: none that week
    assert {u.reason for u in result.unplaced} == {
        UnplacedReason.NO_CAPACITY,
        UnplacedReason.NO_WORKDAY,
    }


def test_preferred_weekday_is_stable() -> None:
    officer = Officer("O1", "officer", 10, weekdays=(0, 2, 4))
    assert preferred_weekday("QS0001", officer) == preferred_weekday("QS0001", officer)
    assert preferred_weekday("QS0001", officer) in (0, 2, 4)
    ents = [ent(f"E{i:02d}", "key_cultivation") for i in range(6)]
    history = [VisitRecord(f"E{i:02d}", D(2026, 2, 10)) for i in range(6)]
    result = _one(officer, *ents, start=D(2026, 3, 1), end=D(2026, 12, 31), history=history)
    on_preferred = 0
    for visit in result.visits:
        wanted = preferred_weekday(visit.enterprise, officer)
        day = visit.date + dt.timedelta(days=wanted - visit.date.weekday())
        if visit.window_start <= day <= visit.window_end and CAL.is_workday(day):
            assert visit.date == day
            on_preferred += 1
        else:  # a holiday: the nearest working day of the week
            assert abs(visit.date.weekday() - wanted) >= 1
    assert on_preferred >= 0.9 * len(result.visits)
    assert len({preferred_weekday(e.id or "", officer) for e in ents}) > 1


def test_load_levelling_spreads_half_yearly_visits() -> None:
    officer = Officer("O1", "officer", 5)
    ents = [ent(f"E{i:02d}") for i in range(26)]
    history = [VisitRecord(f"E{i:02d}", D(2026, 3, 1)) for i in range(26)]
    result = _one(officer, *ents, start=D(2026, 7, 1), end=D(2026, 12, 31), history=history)
    assert not result.unplaced
    weeks = Counter(v.date - dt.timedelta(days=v.date.weekday()) for v in result.visits)
    assert max(weeks.values()) == 1  # 26 visits over 27 weeks: one a week at most
    assert all(v.kind is VisitKind.REGULAR for v in result.visits)


def test_overdue_enterprises_are_caught_up_first() -> None:
    officer = Officer("O1", "officer", 1)
    ents = [ent("E1"), ent("E2"), ent("E3")]
    history = [
        VisitRecord("E1", D(2025, 11, 1)),  # visited recently: not overdue
        VisitRecord("E2", D(2025, 3, 1)),  # older than half a year before 2026-01-01: overdue
    ]  # E3 never visited: overdue
    result = _one(officer, *ents, start=D(2026, 1, 1), end=D(2026, 6, 30), history=history)
    kinds = {v.enterprise: (v.kind, v.date) for v in result.visits}
    assert kinds["E2"][0] is VisitKind.CATCH_UP
    assert kinds["E3"][0] is VisitKind.CATCH_UP
    assert kinds["E1"][0] is VisitKind.REGULAR
    # Capacity 1 a week (rounded down: the week of Sunday 01-04, one working day, has none):
    # the first two weeks with room go to E3 (never visited), then E2.
    assert D(2026, 1, 5) <= kinds["E3"][1] <= D(2026, 1, 11)
    assert D(2026, 1, 12) <= kinds["E2"][1] <= D(2026, 1, 18)
    assert kinds["E1"][1] > kinds["E2"][1]


def test_earliest_deadline_first() -> None:
    # Capacity for one visit in the only week: the monthly window (ends sooner) wins.
    officer = Officer("O1", "officer", 1)
    history = [VisitRecord("A", D(2026, 2, 20)), VisitRecord("B", D(2026, 2, 20))]
    result = _one(
        officer,
        ent("A"),
        ent("B", "key_cultivation"),
        start=D(2026, 3, 2),
        end=D(2026, 3, 6),
        history=history,
    )
    assert [v.enterprise for v in result.visits] == ["B"]
    assert [(u.enterprise, u.reason) for u in result.unplaced] == [
        ("A", UnplacedReason.NO_CAPACITY)
    ]


def test_done_visits_satisfy_their_window_and_use_capacity() -> None:
    officer = Officer("O1", "officer", 1)
    history = [VisitRecord("A", D(2026, 3, 3))]
    result = _one(
        officer,
        ent("A", "key_cultivation"),
        ent("B", "key_cultivation"),
        start=D(2026, 3, 2),
        end=D(2026, 3, 8),
    )
    assert len(result.visits) == 1  # one place in the week
    assert [u.reason for u in result.unplaced] == [UnplacedReason.NO_CAPACITY]
    result = _one(
        officer,
        ent("A", "key_cultivation"),
        ent("B", "key_cultivation"),
        start=D(2026, 3, 2),
        end=D(2026, 3, 8),
        history=history,
    )
    assert result.visits == ()
    assert [(u.enterprise, u.reason) for u in result.unplaced] == [
        ("B", UnplacedReason.NO_CAPACITY)
    ]


def test_enterprises_without_an_officer_are_unplaced_not_dropped() -> None:
    officer = Officer("O1", "officer", 5)
    result = plan(
        [ent("A"), ent("B")],
        [officer],
        [Assignment("O1", ("A",))],
        POLICY,
        D(2026, 1, 1),
        D(2026, 12, 31),
        calendar=CAL,
    )
    assert [(u.enterprise, u.reason, u.officer) for u in result.unplaced] == [
        ("B", UnplacedReason.NO_OFFICER, None),
        ("B", UnplacedReason.NO_OFFICER, None),
    ]
    assert result.unplaced[0].message == "no officer is assigned to the enterprise"


def test_freeze_keeps_visits_and_sequence_grows_when_a_visit_moves() -> None:
    officer = Officer("O1", "officer", 5)
    ents = [ent(f"E{i}", "key_cultivation") for i in range(8)]
    history = [VisitRecord(e.id or "", D(2026, 2, 10)) for e in ents]
    first = _one(officer, *ents, start=D(2026, 3, 1), end=D(2026, 4, 30), history=history)
    assert any(D(2026, 3, 16) <= v.date <= D(2026, 3, 31) for v in first.visits)
    # The officer now takes leave from 03-16 to 03-31.
    away = attrs.evolve(
        officer, days_off=[D(2026, 3, 16) + dt.timedelta(days=i) for i in range(16)]
    )
    second = replan(
        first,
        freeze_until=D(2026, 3, 10),
        enterprises=ents,
        officers=[away],
        assignments=[Assignment("O1", tuple(e.id or "" for e in ents))],
        policy=POLICY,
        history=history,
        calendar=CAL,
    )
    kept = [v for v in first.visits if v.date <= D(2026, 3, 10)]
    assert kept
    assert set(kept) <= set(second.visits)
    old = {v.uid: v for v in first.visits}
    for visit in second.visits:
        assert not D(2026, 3, 16) <= visit.date <= D(2026, 3, 31)
        if visit.uid in old and old[visit.uid].date != visit.date:
            assert visit.sequence == old[visit.uid].sequence + 1
        elif visit.uid in old:
            assert visit.sequence == old[visit.uid].sequence
    assert any(v.sequence == 1 for v in second.visits)


def test_freeze_window_blocks_new_visits() -> None:
    officer = Officer("O1", "officer", 5)
    previous = Plan(D(2026, 3, 1), D(2026, 3, 31))
    result = plan(
        [ent("A", "key_cultivation")],
        [officer],
        [Assignment("O1", ("A",))],
        POLICY,
        D(2026, 3, 1),
        D(2026, 3, 31),
        calendar=CAL,
        previous=previous,
        freeze_until=D(2026, 3, 31),
    )
    assert result.visits == ()
    assert [u.reason for u in result.unplaced] == [UnplacedReason.FROZEN]
    with pytest.raises(InvalidInput) as info:
        plan([], [], [], POLICY, D(2026, 3, 1), D(2026, 3, 31), freeze_until=D(2026, 3, 5))
    assert info.value.paths == ("freeze_until",)


def test_rebalance_spreads_by_load_optionally_within_the_district() -> None:
    officers = [
        Officer("A", "a", 5, district="R1"),
        Officer("B", "b", 5, district="R1"),
        Officer("C", "c", 5, district="R2"),
        Officer("D", "d", 5, district="R1"),
    ]
    ents = [ent(f"E{i:02d}", "key_cultivation", region="R1") for i in range(12)]
    assignments = [
        Assignment("A", ("E00", "E01", "E02", "E03")),
        Assignment("B", ("E04", "E05", "E06", "E07", "E08", "E09")),
        Assignment("D", ("E10", "E11")),
    ]
    first = plan(ents, officers, assignments, POLICY, D(2026, 1, 1), D(2026, 6, 30), calendar=CAL)
    spread = rebalance(
        first,
        "A",
        officers=officers,
        assignments=assignments,
        effective=D(2026, 3, 1),
        enterprises=ents,
        calendar=CAL,
    )
    owners = {i: a.officer for a in spread.assignments for i in a.enterprises}
    # By load, over every remaining officer: C (idle, another district) takes the most.
    moved = Counter(owners[f"E0{i}"] for i in range(4))
    assert moved["C"] == max(moved.values()) >= 2
    assert moved["B"] <= moved["D"]
    local = rebalance(
        first,
        "A",
        officers=officers,
        assignments=assignments,
        effective=D(2026, 3, 1),
        enterprises=ents,
        same_district=True,
        calendar=CAL,
    )
    owners = {i: a.officer for a in local.assignments for i in a.enterprises}
    moved = Counter(owners[f"E0{i}"] for i in range(4))
    assert "C" not in moved  # another district
    assert moved["D"] >= 2  # D carried less than B
    for visit in local.plan.visits:
        if visit.enterprise in {"E00", "E01", "E02", "E03"} and visit.date >= D(2026, 3, 1):
            assert visit.officer == owners[visit.enterprise]
            assert visit.sequence == 1


def test_plan_input_errors_name_the_path() -> None:
    officer = Officer("O1", "officer", 5)
    with pytest.raises(InvalidInput) as info:
        plan(
            [ent("A")], [officer], [Assignment("O2", ("A",))], POLICY, D(2026, 1, 1), D(2026, 1, 31)
        )
    assert info.value.paths == ("$.assignments[0].officer",)
    with pytest.raises(InvalidInput) as info:
        plan(
            [ent("A")],
            [officer],
            [Assignment("O1", ("A", "Z"))],
            POLICY,
            D(2026, 1, 1),
            D(2026, 1, 31),
        )
    assert info.value.paths == ("$.assignments[0].enterprises[1]",)
    with pytest.raises(InvalidInput) as info:
        plan([ent("A")], [officer], [], POLICY, dt.datetime(2026, 1, 1), D(2026, 1, 31))
    assert info.value.paths == ("start",)
    with pytest.raises(InvalidInput):
        plan([ent("A")], [officer], [], POLICY, D(2026, 2, 1), D(2026, 1, 31))


def test_cadence_policy_shortest_interval_wins_and_order_does_not_matter() -> None:
    e = ent("A", "key_cultivation", hnte=True)
    assert POLICY.cadence_for(e, D(2026, 1, 1)) == ("key", Interval("month", 1))
    flipped = CadencePolicy(tuple(reversed(POLICY.rules)), POLICY.default)
    assert flipped.cadence_for(e, D(2026, 1, 1)) == ("key", Interval("month", 1))
    assert POLICY.cadence_for(ent("B", hnte=True), D(2026, 1, 1)) == ("hnte", Interval("month", 3))
    expired = ent("C", hnte=True)
    assert POLICY.cadence_for(expired, D(2029, 1, 1)) == ("default", Interval("month", 6))
    assert CadencePolicy().cadence_for(ent("D"), D(2026, 1, 1)) is None


def test_interval_windows() -> None:
    q = Interval.parse("quarterly")
    assert q.windows(D(2026, 2, 10), D(2026, 7, 4)) == [
        (D(2026, 2, 10), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 7, 4)),
    ]
    two = Interval.parse("2 weeks")
    assert two.window_of(D(2026, 1, 7), D(2026, 1, 5)) == (D(2026, 1, 5), D(2026, 1, 18))
    assert str(Interval.parse("Half_Yearly")) == "half-yearly"
    assert str(Interval.parse("3 weeks")) == "3 weeks"
    with pytest.raises(ValueError, match="unknown interval"):
        Interval.parse("sometimes")
    with pytest.raises(ValueError, match="divide the year"):
        Interval.parse("5 months")


# ---------------------------------------------------------------- sample city


def _sample() -> tuple[list[Enterprise], Any, CadencePolicy]:
    roster = read_officers(Path(str(SAMPLE / "officers.json")))
    policy = read_policy(Path(str(SAMPLE / "cadence_policy.toml")))
    return ledger(), roster, policy


def test_sample_city_year_fits() -> None:
    ents, roster, policy = _sample()
    assert len(roster.officers) == 10
    assigned = sorted(i for a in roster.assignments for i in a.enterprises)
    assert assigned == sorted(e.id for e in ents if e.id is not None)
    result = plan(ents, roster.officers, roster.assignments, policy, D(2026, 1, 1), D(2026, 12, 31))
    assert not result.unplaced
    _check_workdays(result, roster.officers)
    _check_capacity(result, roster.officers)
    key = [e for e in ents if "key_cultivation" in e.tags]
    assert key
    assert len(result.for_enterprise(key[0].id or "")) == 12


# ---------------------------------------------------------------- formats


OFFICERS_DOC: dict[str, Any] = {
    "officers": [
        {
            "id": "O1",
            "name": "林晓明",
            "weekly_capacity": 5,
            "weekdays": ["mon", "tue", "wed", "thu"],
            "days_off": ["2026-03-02", {"from": "2026-07-20", "to": "2026-07-24"}],
            "district": "449901",
            "enterprises": ["QS0001", "QS0002"],
        },
        {"id": "O2", "name": "陈思远", "weekly_capacity": 3},
    ]
}


def test_load_officers() -> None:
    roster = load_officers(OFFICERS_DOC)
    first = roster.officers[0]
    assert first.weekdays == (0, 1, 2, 3)
    assert len(first.days_off) == 6
    assert roster.assignments == (Assignment("O1", ("QS0001", "QS0002")), Assignment("O2", ()))
    assert roster.officers[1].weekdays == (0, 1, 2, 3, 4)


def test_officers_errors_have_paths() -> None:
    doc = json.loads(json.dumps(OFFICERS_DOC))
    doc["officers"][1]["weekly_capacity"] = "3"
    doc["officers"][1]["enterprises"] = ["QS0002"]
    doc["officers"][0]["weekdays"] = ["mon", "sun"]
    doc["officers"][0]["days_off"] = [{"from": "2026-07-24", "to": "2026-07-20"}, "2026-02-30"]
    doc["officers"][0]["capacity"] = 4
    doc["officers"].append({"id": "O1", "name": "x", "weekly_capacity": -1})
    with pytest.raises(InvalidInput) as info:
        load_officers(doc)
    assert set(info.value.paths) == {
        "$.officers[0].capacity",
        "$.officers[0].weekdays[1]",
        "$.officers[0].days_off[0].to",
        "$.officers[0].days_off[1]",
        "$.officers[1].weekly_capacity",
        "$.officers[1].enterprises[0]",
        "$.officers[2].id",
        "$.officers[2].weekly_capacity",
    }
    with pytest.raises(InvalidInput) as info:
        load_officers([])
    assert info.value.paths == ("$",)


def test_load_policy_from_toml_and_json(tmp_path: Path) -> None:
    sample = read_policy(Path(str(SAMPLE / "cadence_policy.toml")))
    assert sample.default == Interval("month", 6)
    assert {r.name: str(r.interval) for r in sample.rules} == {
        "key_cultivation": "monthly",
        "hnte": "quarterly",
    }
    path = tmp_path / "policy.json"
    path.write_text(
        json.dumps(
            {
                "default": "yearly",
                "week_anchor": "2026-01-05",
                "rules": [{"name": "g", "tag": "gazelle", "interval": "2 weeks"}],
            }
        ),
        encoding="utf-8",
    )
    policy = read_policy(path)
    assert policy.week_anchor == D(2026, 1, 5)
    assert policy.rules[0].interval == Interval("week", 2)


def test_policy_errors_have_paths() -> None:
    with pytest.raises(InvalidInput) as info:
        load_policy(
            {
                "default": "sometimes",
                "rules": [
                    {"name": "a", "tag": "x", "certification": "hnte", "interval": "monthly"},
                    {"name": "a", "certification": "nobel", "interval": "monthly"},
                    {"name": "c", "tag": "x"},
                ],
                "extra": 1,
            }
        )
    assert set(info.value.paths) == {
        "$.default",
        "$.extra",
        "$.rules[0]",
        "$.rules[1].name",
        "$.rules[1].certification",
        "$.rules[2].interval",
    }


def test_history_format() -> None:
    visits = load_history(
        {"visits": [{"enterprise": "QS0001", "date": "2025-12-10", "officer": "O1", "note": ""}]}
    )
    assert visits == (VisitRecord("QS0001", D(2025, 12, 10), "O1", ""),)
    with pytest.raises(InvalidInput) as info:
        load_history(
            {"visits": [{"enterprise": "QS0001", "date": "10/12/2025"}, {"date": "2025-01-01"}]}
        )
    assert info.value.paths == ("$.visits[0].date", "$.visits[1].enterprise")


# ---------------------------------------------------------------- coverage


def test_coverage_report() -> None:
    officer = Officer("O1", "officer", 5)
    ents = [ent("A", "key_cultivation"), ent("B"), ent("C")]
    result = plan(
        ents,
        [officer],
        [Assignment("O1", ("A", "B"))],
        POLICY,
        D(2026, 1, 1),
        D(2026, 6, 30),
        calendar=CAL,
    )
    a_visits = result.for_enterprise("A")
    history = [VisitRecord("A", a_visits[0].date, "O1"), VisitRecord("B", D(2026, 1, 20))]
    report = coverage(result, history, as_of=D(2026, 3, 15))
    a = report.enterprise("A")
    assert a is not None
    assert a.planned == 6
    assert a.done == 1
    assert a.overdue == sum(1 for v in a_visits[1:] if v.date < D(2026, 3, 15))
    assert a.next_due == min(v.date for v in a_visits if v.date >= D(2026, 3, 15))
    c = report.enterprise("C")
    assert c is not None
    assert c.officer is None
    assert c.overdue == 0  # its only (unplaced) window ends 06-30, after as_of
    assert report.total == 3
    assert report.visited == 2
    assert str(report.share_visited) == "0.6667"
    o1 = report.officer("O1")
    assert o1 is not None
    assert (o1.enterprises, o1.planned, o1.done) == (2, 7, 2)
    b = report.enterprise("B")
    assert b is not None
    assert o1.next_due == min(d for d in (a.next_due, b.next_due) if d is not None)


# ---------------------------------------------------------------- export


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_ics_export() -> None:
    officer = Officer("O1", "林晓明", 5)
    ents = [ent("A", "key_cultivation"), ent("B")]
    result = plan(
        ents,
        [officer],
        [Assignment("O1", ("A", "B"))],
        POLICY,
        D(2026, 1, 1),
        D(2026, 3, 31),
        calendar=CAL,
    )
    names = {"A": "青山安泰智能科技有限公司, 分公司; 测试\\一号 " + "很长的名字" * 10, "B": "B公司"}
    stamp = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    text = to_ics(
        result, generated_at=stamp, enterprise_names=names, officer_names={"O1": "林晓明"}
    )
    for raw in text.split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == len(result.visits) == 4
    assert lines.count("DTSTAMP:20260101T000000Z") == 4
    uids = [line[4:] for line in lines if line.startswith("UID:")]
    assert uids == [v.uid for v in result.visits]
    assert "A-20260101@kejiservice" in uids
    first = result.visits[0]
    assert f"DTSTART;VALUE=DATE:{first.date:%Y%m%d}" in lines
    summary = next(line for line in lines if line.startswith("SUMMARY:") and "(A)" in line)
    assert "青山安泰智能科技有限公司\\, 分公司\\; 测试\\\\一号" in summary
    assert to_ics(result, generated_at=stamp) == to_ics(result, generated_at=stamp)
    with pytest.raises(InvalidInput):
        to_ics(result, generated_at=dt.datetime(2026, 1, 1))


def test_ics_sequence_and_cancelled_events() -> None:
    visit = PlannedVisit("A", "O1", D(2026, 3, 3), D(2026, 3, 1), D(2026, 3, 31))
    moved = attrs.evolve(visit, date=D(2026, 3, 5), sequence=1)
    gone = PlannedVisit("B", "O1", D(2026, 3, 4), D(2026, 3, 1), D(2026, 3, 31), sequence=2)
    before = Plan(D(2026, 3, 1), D(2026, 3, 31), [visit, gone])
    after = Plan(D(2026, 3, 1), D(2026, 3, 31), [moved])
    stamp = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    lines = _unfold(to_ics(after, generated_at=stamp, previous=before))
    assert lines.count("BEGIN:VEVENT") == 2
    assert "SEQUENCE:1" in lines
    assert "SEQUENCE:3" in lines  # the cancelled visit, one above its last sequence
    assert "STATUS:CANCELLED" in lines


def test_csv_export() -> None:
    result = Plan(
        D(2026, 1, 1),
        D(2026, 3, 31),
        [PlannedVisit("A", "O1", D(2026, 1, 6), D(2026, 1, 1), D(2026, 1, 31))],
        [Unplaced("B", D(2026, 1, 1), D(2026, 3, 31), UnplacedReason.NO_OFFICER)],
    )
    text = to_csv(result, enterprise_names={"A": "甲公司, 有限"}, officer_names={"O1": "林"})
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["status"] == "planned"
    assert rows[0]["enterprise_name"] == "甲公司, 有限"
    assert rows[0]["uid"] == "A-20260101@kejiservice"
    assert rows[1]["status"] == "unplaced"
    assert rows[1]["reason"] == "no_officer"


# ---------------------------------------------------------------- CLI


def _cli(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_plan_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["plan", *argv])
    out = io.StringIO()
    code = args.run(args, out)
    return code, out.getvalue()


def _sample_args() -> list[str]:
    return [
        "--enterprises",
        str(SAMPLE / "ledger.jsonl"),
        "--officers",
        str(SAMPLE / "officers.json"),
        "--policy",
        str(SAMPLE / "cadence_policy.toml"),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
    ]


def test_cli_json() -> None:
    code, out = _cli(*_sample_args(), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"visits", "unplaced"}
    assert set(data["visits"][0]) == {
        "enterprise",
        "officer",
        "date",
        "kind",
        "window_start",
        "window_end",
    }
    assert len({v["enterprise"] for v in data["visits"]}) == 300


def test_cli_ics_csv_and_summary(tmp_path: Path) -> None:
    ics = tmp_path / "plan.ics"
    code, out = _cli(*_sample_args(), "--ics", str(ics), "--generated-at", "2026-01-01T09:00+08:00")
    assert code == 0
    assert "wrote" in out
    raw = ics.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"DTSTAMP:20260101T010000Z\r\n" in raw
    csv_path = tmp_path / "plan.csv"
    assert _cli(*_sample_args(), "--csv", str(csv_path))[0] == 0
    assert csv_path.read_text(encoding="utf-8").startswith(",".join(CSV_COLUMNS))
    code, out = _cli(*_sample_args())
    assert out.startswith("plan 2026-01-01 .. 2026-03-31:")


def test_cli_history_and_errors(tmp_path: Path) -> None:
    history = tmp_path / "visits.json"
    history.write_text(
        json.dumps({"visits": [{"enterprise": "QS0001", "date": "2025-12-01"}]}), encoding="utf-8"
    )
    code, out = _cli(*_sample_args(), "--history", str(history), "--json")
    assert code == 0
    kinds = {v["kind"] for v in json.loads(out)["visits"] if v["enterprise"] == "QS0001"}
    assert kinds == {"regular"}
    officers = tmp_path / "officers.json"
    officers.write_text(
        json.dumps(
            {"officers": [{"id": "O1", "name": "x", "weekly_capacity": 5, "enterprises": ["NOPE"]}]}
        ),
        encoding="utf-8",
    )
    args = _sample_args()
    args[3] = str(officers)
    with pytest.raises(InvalidInput) as info:
        _cli(*args)
    assert info.value.paths == ("$.officers[0].enterprises[0]",)
    args[3] = str(tmp_path / "missing.json")
    with pytest.raises(InvalidInput):
        _cli(*args)
    with pytest.raises(SystemExit):
        _cli(*_sample_args(), "--json", "--csv", "x.csv")
