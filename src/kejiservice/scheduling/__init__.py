"""Scheduling: recurring programmes and linkage-visit plans on the working calendar.

* Programmes (:func:`three_ones`, :class:`WeekdayRule`, :class:`NthWorkday`): rules
  such as "every Tuesday, moved to the next workday", "first workday of each month",
  "last workday of each quarter", built on dateutil's rrule and corrected by the
  official working calendar.
* Linkage plans (:func:`plan`, :func:`replan`, :func:`rebalance`): one visit per
  enterprise per cadence window, on a workday of its officer, within capacity,
  deterministic; what does not fit is returned in ``Plan.unplaced`` with its reason.
* Coverage (:func:`coverage`) and export (:func:`to_ics`, :func:`to_csv`).
* Formats (:func:`read_officers`, :func:`read_policy`, :func:`read_history`).

Nothing here reads the clock: ranges, ``as_of`` and ``generated_at`` are always passed.
"""

from ._coverage import CoverageReport, EnterpriseCoverage, OfficerCoverage, coverage
from ._export import CSV_COLUMNS, to_csv, to_ics
from ._formats import (
    Roster,
    load_history,
    load_officers,
    load_policy,
    read_history,
    read_officers,
    read_policy,
)
from ._models import (
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
)
from ._planner import Rebalanced, plan, preferred_weekday, rebalance, replan
from ._recurrence import (
    Adjust,
    NthWorkday,
    Occurrence,
    Period,
    Programme,
    ProgrammeEvent,
    ProgrammeItem,
    Recurrence,
    WeekdayRule,
    every_n_weeks,
    every_weekday,
    first_workday,
    last_workday,
    three_ones,
)

__all__ = [
    "CSV_COLUMNS",
    "Adjust",
    "Assignment",
    "CadencePolicy",
    "CadenceRule",
    "CoverageReport",
    "EnterpriseCoverage",
    "Interval",
    "NthWorkday",
    "Occurrence",
    "Officer",
    "OfficerCoverage",
    "Period",
    "Plan",
    "PlannedVisit",
    "Programme",
    "ProgrammeEvent",
    "ProgrammeItem",
    "Rebalanced",
    "Recurrence",
    "Roster",
    "Unplaced",
    "UnplacedReason",
    "VisitKind",
    "VisitRecord",
    "WeekdayRule",
    "coverage",
    "every_n_weeks",
    "every_weekday",
    "first_workday",
    "last_workday",
    "load_history",
    "load_officers",
    "load_policy",
    "plan",
    "preferred_weekday",
    "read_history",
    "read_officers",
    "read_policy",
    "rebalance",
    "replan",
    "three_ones",
    "to_csv",
    "to_ics",
]
