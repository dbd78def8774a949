"""The linkage-visit planner: one visit per enterprise per cadence window.

Rules, in the order they apply (the how-to guide "Plan visits" says the same):

1. **Inputs are sorted by id** (enterprises, officers, assignments, history), so the
   plan does not depend on the order they are given in.
2. **Windows.** Each enterprise's interval comes from the cadence policy, judged on
   the plan's first day. Its windows are the calendar periods of that interval
   (months, quarters, half-years, years, or blocks of N weeks from the policy's
   anchor) intersected with ``[start, end]``.
3. **Done visits.** A window with a visit in the history is satisfied; nothing is
   planned for it. A done visit inside the range also takes up a place in its week.
4. **Overdue first.** An enterprise whose last visit before ``start`` is older than
   one interval before ``start`` (or that was never visited) is overdue: its first
   window gets a ``catch_up`` visit, placed before anything else, in the earliest
   week with room.
5. **Earliest deadline first.** The other windows are taken by window end, narrower
   windows first on a tie, then by enterprise id; each goes to the least-loaded week
   of its window (load ÷ capacity; ties: the earlier week).
6. **Workdays and capacity.** A visit falls on a workday of the official calendar
   that is a working weekday of the officer and not one of its days off (working
   Saturdays and Sundays, 调休, count for every officer). An officer's capacity in a
   week is ``floor(weekly_capacity × working days that week / working weekdays)``,
   counting only days inside ``[start, end]``, so the Spring Festival week has
   little or none.
7. **Preferred weekday.** Within the week a visit goes on the enterprise's preferred
   weekday: ``crc32(id) mod n`` picks one of the officer's n working weekdays. When
   that day is not available, the nearest working day of the week (the earlier on a tie).
8. **Unplaced, never dropped.** A window that fits nowhere is returned in
   ``unplaced`` with its reason.
9. **Freeze.** With a previous plan and ``freeze_until``, the previous visits dated
   up to ``freeze_until`` stay exactly as they were, and nothing new is placed on or
   before that day. ``sequence`` grows by one for a visit whose day or officer changed.
10. **Rebalance.** When an officer leaves, only its enterprises move: each goes to the
    remaining officer with the lightest load (officers of the enterprise's district
    first), and only their visits from the leaving day on are planned again.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable

import attrs

from ..calendar import WorkingCalendar, default_calendar
from ..errors import InvalidInput, Problem
from ..models import Enterprise
from ._models import (
    Assignment,
    CadencePolicy,
    Officer,
    Plan,
    PlannedVisit,
    Unplaced,
    UnplacedReason,
    VisitKind,
    VisitRecord,
)

__all__ = ["Rebalanced", "plan", "preferred_weekday", "rebalance", "replan"]

_ONE_DAY = dt.timedelta(days=1)


def preferred_weekday(enterprise: str, officer: Officer) -> int:
    """The enterprise's stable preferred weekday among the officer's working weekdays.

    ``crc32`` of the UTF-8 id (not Python's salted ``hash``), modulo the number of
    working weekdays: the same enterprise and officer always give the same day.
    """
    days = officer.weekdays
    return days[zlib.crc32(enterprise.encode("utf-8")) % len(days)]


@attrs.frozen
class Rebalanced:
    """The result of :func:`rebalance`: the new plan and the new assignments."""

    plan: Plan
    assignments: tuple[Assignment, ...]


@attrs.define(slots=True)
class _Task:
    """One window to place; ``period_*`` is the whole window, before clipping to the range."""

    enterprise: str
    officer: str
    window_start: dt.date
    window_end: dt.date
    period_start: dt.date
    period_end: dt.date
    earliest: dt.date
    kind: VisitKind
    rank: int = 0  # catch-up order: smaller is more overdue

    def key(self) -> tuple[dt.date, int, int, int, str, dt.date]:
        """Earliest deadline (the whole window's end), then catch-up first, the narrower
        window first, the more overdue first, then by id."""
        catch_up = self.kind is VisitKind.CATCH_UP
        return (
            self.period_end,
            0 if catch_up else 1,
            -self.period_start.toordinal(),
            self.rank if catch_up else 0,
            self.enterprise,
            self.window_start,
        )


class _Board:
    """One officer's weeks over the plan range: working days, capacity and load."""

    __slots__ = ("base", "caps", "days", "loads", "officer")

    def __init__(
        self, officer: Officer, start: dt.date, end: dt.date, workdays: frozenset[dt.date]
    ) -> None:
        self.officer = officer
        self.base = start - dt.timedelta(days=start.weekday())
        count = (end - self.base).days // 7 + 1
        self.days: list[list[dt.date]] = [[] for _ in range(count)]
        day = start
        while day <= end:
            if officer.works_on(day, day in workdays):
                self.days[(day - self.base).days // 7].append(day)
            day += _ONE_DAY
        normal = len(officer.weekdays)
        self.caps = [officer.weekly_capacity * len(d) // normal for d in self.days]
        self.loads = [0] * count

    def week(self, day: dt.date) -> int:
        return (day - self.base).days // 7

    def add(self, day: dt.date) -> None:
        index = self.week(day)
        if 0 <= index < len(self.loads):
            self.loads[index] += 1

    def free(self, start: dt.date, end: dt.date) -> int:
        """Free places in the weeks of ``[start, end]`` (whole weeks)."""
        if end < start:
            return 0
        first, last = max(self.week(start), 0), min(self.week(end), len(self.loads) - 1)
        return sum(max(self.caps[i] - self.loads[i], 0) for i in range(first, last + 1))

    def place(
        self, lo: dt.date, hi: dt.date, preferred: int, earliest_week: bool
    ) -> dt.date | UnplacedReason:
        """Book a day in ``[lo, hi]``: the earliest week with room (``earliest_week``) or
        the least-loaded one (load ÷ capacity; on a tie a week where the preferred
        weekday is free, then the earlier week); in it, the preferred weekday or the
        nearest working day."""
        first, last = max(self.week(lo), 0), min(self.week(hi), len(self.loads) - 1)
        best = -1
        best_days: list[dt.date] = []
        best_pref = False
        any_day = False
        for index in range(first, last + 1):
            days = self.days[index]
            if not days:
                continue
            if index in (first, last):
                days = [d for d in days if lo <= d <= hi]
                if not days:
                    continue
            any_day = True
            cap, load = self.caps[index], self.loads[index]
            if load >= cap:
                continue
            if earliest_week:
                best, best_days = index, days
                break
            pref = any(d.weekday() == preferred for d in days)
            if best >= 0:
                mine, theirs = load * self.caps[best], self.loads[best] * cap
                if mine > theirs or (mine == theirs and (best_pref or not pref)):
                    continue
            best, best_days, best_pref = index, days, pref
        if best < 0:
            return UnplacedReason.NO_CAPACITY if any_day else UnplacedReason.NO_WORKDAY
        self.loads[best] += 1
        return min(best_days, key=lambda d: (abs(d.weekday() - preferred), d))


def _check_day(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(f"must be a date, got {type(value).__name__}", path=name)
    return value


def _check_range(start: object, end: object) -> tuple[dt.date, dt.date]:
    first, last = _check_day(start, "start"), _check_day(end, "end")
    if last < first:
        raise InvalidInput(f"the plan ends ({last}) before it starts ({first})", path="end")
    return first, last


def _index_inputs(
    enterprises: Iterable[Enterprise],
    officers: Iterable[Officer],
    assignments: Iterable[Assignment],
) -> tuple[dict[str, Enterprise], dict[str, Officer], dict[str, str]]:
    """Enterprises and officers by id and the officer of each enterprise, checked."""
    problems: list[Problem] = []
    ents: dict[str, Enterprise] = {}
    for index, ent in enumerate(enterprises):
        if ent.id is None:
            problems.append(
                Problem(f"$.enterprises[{index}].id", "an enterprise to plan needs an id")
            )
        elif ent.id in ents:
            problems.append(Problem(f"$.enterprises[{index}].id", f"duplicate id {ent.id!r}"))
        else:
            ents[ent.id] = ent
    offs: dict[str, Officer] = {}
    for index, officer in enumerate(officers):
        if officer.id in offs:
            problems.append(Problem(f"$.officers[{index}].id", f"duplicate id {officer.id!r}"))
        offs[officer.id] = officer
    owner: dict[str, str] = {}
    for index, assignment in enumerate(assignments):
        where = f"$.assignments[{index}]"
        if assignment.officer not in offs:
            problems.append(Problem(f"{where}.officer", f"unknown officer {assignment.officer!r}"))
            continue
        for pos, ent_id in enumerate(assignment.enterprises):
            at = f"{where}.enterprises[{pos}]"
            if ent_id not in ents:
                problems.append(Problem(at, f"unknown enterprise {ent_id!r}"))
            elif ent_id in owner and owner[ent_id] != assignment.officer:
                problems.append(
                    Problem(at, f"enterprise {ent_id!r} is already assigned to {owner[ent_id]!r}")
                )
            else:
                owner[ent_id] = assignment.officer
    if problems:
        raise InvalidInput(problems)
    return (
        {k: ents[k] for k in sorted(ents)},
        {k: offs[k] for k in sorted(offs)},
        {k: owner[k] for k in sorted(owner)},
    )


def _workdays(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> frozenset[dt.date]:
    return frozenset(calendar.workdays(start, end))


def _with_sequence(
    visit: PlannedVisit, previous: dict[tuple[str, dt.date], PlannedVisit]
) -> PlannedVisit:
    before = previous.get((visit.enterprise, visit.period))
    if before is None:
        return visit
    moved = (before.date, before.officer) != (visit.date, visit.officer)
    return attrs.evolve(visit, sequence=before.sequence + 1 if moved else before.sequence)


def _run(
    tasks: list[_Task],
    boards: dict[str, _Board],
    previous: dict[tuple[str, dt.date], PlannedVisit],
) -> tuple[list[PlannedVisit], list[Unplaced]]:
    visits: list[PlannedVisit] = []
    unplaced: list[Unplaced] = []
    for task in sorted(tasks, key=_Task.key):
        board = boards.get(task.officer)
        lo = max(task.window_start, task.earliest)
        if board is None:
            result: dt.date | UnplacedReason = UnplacedReason.NO_OFFICER
        elif lo > task.window_end:
            result = UnplacedReason.FROZEN
        else:
            preferred = preferred_weekday(task.enterprise, board.officer)
            result = board.place(lo, task.window_end, preferred, task.kind is VisitKind.CATCH_UP)
        if isinstance(result, UnplacedReason):
            unplaced.append(
                Unplaced(
                    task.enterprise,
                    task.window_start,
                    task.window_end,
                    result,
                    task.officer if board is not None else None,
                    task.period_start,
                )
            )
        else:
            visit = PlannedVisit(
                task.enterprise,
                task.officer,
                result,
                task.window_start,
                task.window_end,
                task.kind,
                0,
                task.period_start,
            )
            visits.append(_with_sequence(visit, previous))
    return visits, unplaced


def plan(
    enterprises: Iterable[Enterprise],
    officers: Iterable[Officer],
    assignments: Iterable[Assignment],
    policy: CadencePolicy,
    start: dt.date,
    end: dt.date,
    *,
    history: Iterable[VisitRecord] = (),
    calendar: WorkingCalendar | None = None,
    previous: Plan | None = None,
    freeze_until: dt.date | None = None,
) -> Plan:
    """Plan one visit per enterprise per cadence window from ``start`` to ``end``.

    ``enterprises`` need ids; ``assignments`` link each enterprise to at most one
    officer (an enterprise with none gets ``no_officer`` entries in ``unplaced``).
    ``history`` lists the visits that took place. With ``previous`` (an earlier plan)
    visit sequence numbers continue from it; with ``freeze_until`` too, its visits
    dated from ``start`` up to ``freeze_until`` are kept exactly and nothing new is
    placed on or before that day. The calendar defaults to :func:`default_calendar`;
    a range outside the years it knows raises
    :class:`~kejiservice.errors.OutOfCalendarRange`.

    Raises :class:`~kejiservice.errors.InvalidInput` for unknown or duplicate ids and
    for a bad range. See the module docstring for the rules.
    """
    start, end = _check_range(start, end)
    if freeze_until is not None:
        freeze_until = _check_day(freeze_until, "freeze_until")
        if previous is None:
            raise InvalidInput("a freeze needs the previous plan", path="freeze_until")
    ents, offs, owner = _index_inputs(enterprises, officers, assignments)
    cal = calendar if calendar is not None else default_calendar()
    workdays = _workdays(cal, start, end)
    boards = {oid: _Board(officer, start, end, workdays) for oid, officer in offs.items()}

    done: dict[str, list[dt.date]] = {}
    for record in sorted(history, key=lambda r: (r.enterprise, r.date, r.officer or "")):
        done.setdefault(record.enterprise, []).append(record.date)
        if start <= record.date <= end and record.enterprise in ents:
            who = record.officer if record.officer in boards else owner.get(record.enterprise)
            if who is not None:
                boards[who].add(record.date)

    prev_map: dict[tuple[str, dt.date], PlannedVisit] = {}
    prev_unplaced: dict[tuple[str, dt.date, dt.date], Unplaced] = {}
    frozen: list[PlannedVisit] = []
    if previous is not None:
        prev_map = {(v.enterprise, v.period): v for v in previous.visits}
        prev_unplaced = {(u.enterprise, u.window_start, u.window_end): u for u in previous.unplaced}
        if freeze_until is not None:
            frozen = [v for v in previous.visits if start <= v.date <= min(freeze_until, end)]
    frozen_days: dict[str, list[dt.date]] = {}
    for visit in frozen:
        frozen_days.setdefault(visit.enterprise, []).append(visit.date)
        if visit.officer in boards:
            boards[visit.officer].add(visit.date)
    earliest = start if freeze_until is None else max(start, freeze_until + _ONE_DAY)

    tasks: list[_Task] = []
    kept: list[Unplaced] = []
    for ent_id, ent in ents.items():
        cadence = policy.cadence_for(ent, start)
        if cadence is None:
            continue
        interval = cadence[1]
        visits_done = done.get(ent_id, [])
        last = max((d for d in visits_done if d < start), default=None)
        overdue = last is None or last < interval.before(start)
        taken = visits_done + frozen_days.get(ent_id, [])
        first_window = True
        for lo, hi in interval.windows(start, end, policy.week_anchor):
            is_first, first_window = first_window, False
            if any(lo <= d <= hi for d in taken):
                continue
            period, period_end = interval.window_of(lo, policy.week_anchor)
            if hi < earliest and (ent_id, lo, hi) in prev_unplaced:
                kept.append(prev_unplaced[(ent_id, lo, hi)])
                continue
            kind = VisitKind.CATCH_UP if overdue and is_first else VisitKind.REGULAR
            rank = last.toordinal() if last is not None else 0
            tasks.append(
                _Task(
                    ent_id, owner.get(ent_id, ""), lo, hi, period, period_end, earliest, kind, rank
                )
            )
    visits, unplaced = _run(tasks, boards, prev_map)
    return Plan(start, end, [*frozen, *visits], [*kept, *unplaced])


def replan(
    previous: Plan,
    *,
    freeze_until: dt.date,
    enterprises: Iterable[Enterprise],
    officers: Iterable[Officer],
    assignments: Iterable[Assignment],
    policy: CadencePolicy,
    history: Iterable[VisitRecord] = (),
    calendar: WorkingCalendar | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Plan:
    """Plan again over ``previous``'s range (or ``[start, end]``), keeping its visits
    up to ``freeze_until`` exactly; see :func:`plan`."""
    return plan(
        enterprises,
        officers,
        assignments,
        policy,
        start if start is not None else previous.start,
        end if end is not None else previous.end,
        history=history,
        calendar=calendar,
        previous=previous,
        freeze_until=freeze_until,
    )


def rebalance(
    current: Plan,
    leaving: str,
    *,
    officers: Iterable[Officer],
    assignments: Iterable[Assignment],
    effective: dt.date,
    enterprises: Iterable[Enterprise] = (),
    same_district: bool = False,
    calendar: WorkingCalendar | None = None,
) -> Rebalanced:
    """Move the enterprises of officer ``leaving`` to the other officers, by load.

    Only the leaving officer's enterprises change: every other visit and unplaced
    entry stays exactly as in ``current``. The leaving officer's visits before
    ``effective`` stay too; its windows from ``effective`` on (visits and unplaced
    entries) are planned again for the new officers (a visit that changes officer or
    day gets its sequence raised). The enterprises are taken by id; each goes to the
    remaining officer with the lowest load, ``(windows given to it so far in this
    rebalance + this enterprise's windows) ÷ its free places from effective on``;
    ties go to the smaller officer id. With ``same_district``, only officers whose
    ``district`` is the enterprise's region (from ``enterprises``) are considered,
    when there is one. With no officer left, the windows are unplaced (``no_officer``).
    """
    effective = _check_day(effective, "effective")
    assignments = tuple(assignments)
    offs = {o.id: o for o in sorted(officers, key=lambda o: o.id)}
    if leaving not in offs and not any(a.officer == leaving for a in assignments):
        raise InvalidInput(f"unknown officer {leaving!r}", path="leaving")
    regions = {e.id: e.region for e in enterprises if e.id is not None}
    remaining = {oid: o for oid, o in offs.items() if oid != leaving}
    moving = sorted({e for a in assignments if a.officer == leaving for e in a.enterprises})
    moving_set = set(moving)
    start, end = current.start, current.end
    cal = calendar if calendar is not None else default_calendar()
    workdays = _workdays(cal, start, end)
    boards = {oid: _Board(o, start, end, workdays) for oid, o in remaining.items()}

    kept: list[PlannedVisit] = []
    redo: list[tuple[str, dt.date, dt.date, dt.date, VisitKind]] = []
    for visit in current.visits:
        if visit.enterprise in moving_set and visit.officer == leaving and visit.date >= effective:
            redo.append(
                (visit.enterprise, visit.window_start, visit.window_end, visit.period, visit.kind)
            )
            continue
        kept.append(visit)
        if visit.officer in boards:
            boards[visit.officer].add(visit.date)
    kept_unplaced: list[Unplaced] = []
    for entry in current.unplaced:
        if entry.enterprise in moving_set and entry.window_end >= effective:
            redo.append(
                (
                    entry.enterprise,
                    entry.window_start,
                    entry.window_end,
                    entry.period,
                    VisitKind.REGULAR,
                )
            )
        else:
            kept_unplaced.append(entry)

    per_enterprise: dict[str, int] = {}
    for ent_id, *_ in redo:
        per_enterprise[ent_id] = per_enterprise.get(ent_id, 0) + 1
    free = {oid: board.free(effective, end) for oid, board in boards.items()}
    taken = dict.fromkeys(boards, 0)
    new_owner: dict[str, str] = {}
    for ent_id in moving:
        if not boards:
            break
        region = regions.get(ent_id)
        candidates = [
            oid for oid in boards if same_district and region and remaining[oid].district == region
        ] or list(boards)
        need = max(per_enterprise.get(ent_id, 0), 1)

        def load(oid: str, need: int = need) -> tuple[float, str]:
            room = free[oid]
            return ((taken[oid] + need) / room if room > 0 else float("inf"), oid)

        chosen = min(candidates, key=load)
        new_owner[ent_id] = chosen
        taken[chosen] += need

    tasks = [
        _Task(ent_id, new_owner.get(ent_id, ""), lo, hi, period, hi, effective, kind)
        for ent_id, lo, hi, period, kind in sorted(redo)
    ]
    previous = {(v.enterprise, v.period): v for v in current.visits}
    visits, unplaced = _run(tasks, boards, previous)

    by_officer: dict[str, list[str]] = {}
    for assignment in assignments:
        if assignment.officer != leaving:
            by_officer.setdefault(assignment.officer, []).extend(assignment.enterprises)
    for ent_id, oid in new_owner.items():
        by_officer.setdefault(oid, []).append(ent_id)
    new_assignments = tuple(
        Assignment(oid, tuple(sorted(ids))) for oid, ids in sorted(by_officer.items())
    )
    return Rebalanced(
        Plan(start, end, [*kept, *visits], [*kept_unplaced, *unplaced]), new_assignments
    )
