"""What the bureau does: visits, needs, financing, applications, platforms, achievements.

The models are frozen attrs classes (:mod:`kejiservice.activity._models`); an
:class:`ActivityLog` bundles them and :func:`load_activity` reads its JSON form with
every problem named by path. :class:`Period` names the span a report covers
(``2026Q1``, ``2026H1``, ``2026``, ``2026YTD-05``, ...).
"""

from ._load import activity_problems, dump_activity, enterprise_ids, load_activity
from ._models import (
    ON_SITE_VISIT_KINDS,
    RECORD_LISTS,
    REFERENCE_LISTS,
    SCHEMA,
    Achievement,
    ActivityLog,
    Application,
    ApplicationOutcome,
    Expert,
    FinancingOutcome,
    FinancingRequest,
    Indicator,
    Institution,
    InstitutionKind,
    Need,
    NeedCategory,
    NeedStatus,
    Officer,
    OfficerRole,
    Platform,
    PlatformKind,
    PlatformLevel,
    Route,
    RouteKind,
    Target,
    Visit,
    VisitKind,
)
from ._period import Period, PeriodKind, parse_period

__all__ = [
    "ON_SITE_VISIT_KINDS",
    "RECORD_LISTS",
    "REFERENCE_LISTS",
    "SCHEMA",
    "Achievement",
    "ActivityLog",
    "Application",
    "ApplicationOutcome",
    "Expert",
    "FinancingOutcome",
    "FinancingRequest",
    "Indicator",
    "Institution",
    "InstitutionKind",
    "Need",
    "NeedCategory",
    "NeedStatus",
    "Officer",
    "OfficerRole",
    "Period",
    "PeriodKind",
    "Platform",
    "PlatformKind",
    "PlatformLevel",
    "Route",
    "RouteKind",
    "Target",
    "Visit",
    "VisitKind",
    "activity_problems",
    "dump_activity",
    "enterprise_ids",
    "load_activity",
    "parse_period",
]
