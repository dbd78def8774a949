"""The activity models: what a bureau does for its enterprises, as frozen attrs classes.

A bureau visits enterprises (:class:`Visit`), collects their needs (:class:`Need`) and
routes them to banks, universities and institutes, experts or other departments,
passes financing needs to banks (:class:`FinancingRequest`), helps enterprises apply
for recognitions (:class:`Application`), and keeps track of innovation platforms
(:class:`Platform`) and scientific achievements (:class:`Achievement`). It works with
officers (:class:`Officer`), experts (:class:`Expert`) and institutions
(:class:`Institution`) and sets itself targets (:class:`Target`). One
:class:`ActivityLog` bundles them all; its JSON form is documented in
``docs/reference/activity-format.md``.

As for enterprises, shapes are checked by the converter and cross-record invariants
(lifecycle dates in order, references that resolve, unique ids) by
:func:`kejiservice.activity.activity_problems`, both with JSON paths; the classes stay
plain data. Enterprises are referred to by their ledger ``id``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

from ..models import CertificationKind, TechField
from ._period import Period

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
    "Platform",
    "PlatformKind",
    "PlatformLevel",
    "Route",
    "RouteKind",
    "Target",
    "Visit",
    "VisitKind",
]

SCHEMA = "kejiservice/activity@1"

REFERENCE_LISTS = ("officers", "experts", "institutions")
"""The lists of an :class:`ActivityLog` holding the people and bodies records refer to."""

RECORD_LISTS = (
    "visits",
    "needs",
    "financing_requests",
    "applications",
    "platforms",
    "achievements",
)
"""The lists of an :class:`ActivityLog` holding dated activity records (all with an id)."""


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


class VisitKind(enum.StrEnum):
    """What a visit (or an event an enterprise attended) was."""

    SURVEY = "survey"  # 调研走访、需求摸底
    LINKAGE_VISIT = "linkage_visit"  # 挂点联系走访
    EXPERT_DIAGNOSIS = "expert_diagnosis"  # 专家组诊断
    ONSITE_VERIFICATION = "onsite_verification"  # 现场核查
    MATCHMAKING = "matchmaking"  # 企业–项目对接
    TRAINING = "training"  # 政策培训
    ROADSHOW = "roadshow"  # 成果路演


ON_SITE_VISIT_KINDS = frozenset(
    {
        VisitKind.SURVEY,
        VisitKind.LINKAGE_VISIT,
        VisitKind.EXPERT_DIAGNOSIS,
        VisitKind.ONSITE_VERIFICATION,
    }
)
"""Kinds where someone goes to the enterprise (走访); the others are events it attends."""


class OfficerRole(enum.StrEnum):
    """The capacity in which an officer serves enterprises."""

    SERVICE_OFFICER = "service_officer"  # 企业科技服务官
    LEADERSHIP = "leadership"  # 班子成员联系服务企业
    COMMISSIONER = "commissioner"  # 科技特派员


class InstitutionKind(enum.StrEnum):
    """A university (高校) or a research institute (科研院所)."""

    UNIVERSITY = "university"
    INSTITUTE = "institute"


class NeedCategory(enum.StrEnum):
    """The five parts of the needs survey form (企业科技创新需求调查表)."""

    TECHNOLOGY_RD = "technology_rd"  # 技术研发
    ACHIEVEMENT_TRANSFORMATION = "achievement_transformation"  # 成果转化
    TALENT = "talent"  # 人才引进
    PLATFORM_BUILDING = "platform_building"  # 平台建设
    INVESTMENT_FINANCING = "investment_financing"  # 投融资


class NeedStatus(enum.StrEnum):
    """Where a need stands: collected -> routed -> in progress -> resolved or closed."""

    COLLECTED = "collected"
    ROUTED = "routed"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED_UNRESOLVED = "closed_unresolved"


class RouteKind(enum.StrEnum):
    """Whom a need is handed to."""

    BANK = "bank"
    INSTITUTION = "institution"  # a university or institute of the log
    EXPERT = "expert"  # an expert of the log
    DEPARTMENT = "department"  # another government department


class FinancingOutcome(enum.StrEnum):
    """The bank's answer to a financing request."""

    PENDING = "pending"
    GRANTED = "granted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ApplicationOutcome(enum.StrEnum):
    """The outcome of an application for a recognition."""

    PENDING = "pending"
    RECOGNISED = "recognised"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class PlatformKind(enum.StrEnum):
    """Kinds of innovation platform (创新平台)."""

    RD_CENTRE = "rd_centre"  # 研发中心
    ENGINEERING_RESEARCH_CENTRE = "engineering_research_centre"  # 工程技术研究中心
    MAKER_SPACE = "maker_space"  # 众创空间
    INCUBATOR = "incubator"  # 科技企业孵化器
    ACADEMICIAN_WORKSTATION = "academician_workstation"  # 院士工作站
    AGRICULTURAL_STATION = "agricultural_station"  # 农科驿站
    INNOVATION_CONSORTIUM = "innovation_consortium"  # 创新创业共同体
    KEY_LAB = "key_lab"  # 重点实验室


class PlatformLevel(enum.StrEnum):
    """The level that recognised a platform."""

    CITY = "city"
    PROVINCIAL = "provincial"
    NATIONAL = "national"


class Indicator(enum.StrEnum):
    """The portfolio indicators a :class:`Target` can name (see the report reference).

    Flows count or sum dated events within the period; stocks (``*_valid``) count what
    holds at the period's end.
    """

    VISITS = "visits"
    ENTERPRISES_VISITED = "enterprises_visited"
    TRAININGS_HELD = "trainings_held"
    EXPERTS_ENGAGED = "experts_engaged"
    NEEDS_COLLECTED = "needs_collected"
    NEEDS_ROUTED = "needs_routed"
    NEEDS_RESOLVED = "needs_resolved"
    FINANCING_REQUESTS = "financing_requests"
    FINANCING_AMOUNT_REQUESTED = "financing_amount_requested"
    LOANS_GRANTED = "loans_granted"
    LOANS_GRANTED_AMOUNT = "loans_granted_amount"
    HNTE_VALID = "hnte_valid"
    HNTE_NEW = "hnte_new"
    HNTE_APPLICATIONS = "hnte_applications"
    TECH_SME_VALID = "tech_sme_valid"
    TECH_SME_NEW = "tech_sme_new"
    TECH_SME_APPLICATIONS = "tech_sme_applications"
    PLATFORMS_VALID = "platforms_valid"
    PLATFORMS_NEW = "platforms_new"
    ACHIEVEMENTS_APPRAISED = "achievements_appraised"
    ACHIEVEMENTS_TRANSFORMED = "achievements_transformed"
    ACHIEVEMENTS_LICENSED = "achievements_licensed"


@attrs.frozen
class Officer:
    """A bureau officer and the enterprises assigned to them (挂点联系企业)."""

    id: str
    name: str
    region: str | None = None
    role: OfficerRole | None = None
    assigned: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class Institution:
    """A university or research institute the bureau works with."""

    id: str
    name: str
    kind: InstitutionKind
    region: str | None = None
    fields: tuple[TechField, ...] = attrs.field(default=(), converter=_tuple)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    industries: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class Expert:
    """An expert of the bureau's pool; ``institution`` is an institution id of the log.

    ``fields`` are HNTE key fields, ``industries`` GB/T 4754-2017 code prefixes such as
    ``"C39"``, ``keywords`` free words; matching uses all three.
    """

    id: str
    name: str
    institution: str | None = None
    fields: tuple[TechField, ...] = attrs.field(default=(), converter=_tuple)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    industries: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class Visit:
    """One enterprise's contact with the bureau on one day.

    A training, matchmaking or roadshow attended by several enterprises is one visit
    per enterprise sharing the same ``event`` id. ``intends`` lists the recognitions the
    enterprise said it intends to apply for (the cultivation funnel's second step);
    ``experts`` the experts of the log who took part.
    """

    id: str
    enterprise: str
    officer: str
    date: dt.date
    kind: VisitKind
    outcome: str = ""
    event: str | None = None
    experts: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    intends: tuple[CertificationKind, ...] = attrs.field(default=(), converter=_tuple)

    @property
    def on_site(self) -> bool:
        """Whether someone went to the enterprise (see :data:`ON_SITE_VISIT_KINDS`)."""
        return self.kind in ON_SITE_VISIT_KINDS


@attrs.frozen
class Route:
    """Where a need was handed: a bank or department by name, an expert or institution by id."""

    kind: RouteKind
    target: str


@attrs.frozen
class Need:
    """A need from the survey form, with its dated lifecycle.

    collected_on <= routed_on <= started_on <= resolved_on or closed_on; steps may be
    skipped (a need answered at once has no ``routed_on``) but never reordered, and a
    need is either resolved or closed unresolved, not both.
    """

    id: str
    enterprise: str
    category: NeedCategory
    collected_on: dt.date
    description: str = ""
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    visit: str | None = None
    routed_on: dt.date | None = None
    routed_to: Route | None = None
    started_on: dt.date | None = None
    resolved_on: dt.date | None = None
    closed_on: dt.date | None = None
    outcome: str = ""

    def status(self, day: dt.date) -> NeedStatus | None:
        """The need's status at the end of ``day``; ``None`` before it was collected."""
        if day < self.collected_on:
            return None
        steps = (
            (self.resolved_on, NeedStatus.RESOLVED),
            (self.closed_on, NeedStatus.CLOSED_UNRESOLVED),
            (self.started_on, NeedStatus.IN_PROGRESS),
            (self.routed_on, NeedStatus.ROUTED),
        )
        for on, status in steps:
            if on is not None and on <= day:
                return status
        return NeedStatus.COLLECTED

    def open_on(self, day: dt.date) -> bool:
        """Collected by ``day`` and neither resolved nor closed by then."""
        return self.status(day) not in (
            None,
            NeedStatus.RESOLVED,
            NeedStatus.CLOSED_UNRESOLVED,
        )

    @property
    def days_to_resolve(self) -> int | None:
        """Calendar days from collection to resolution; ``None`` if not resolved."""
        if self.resolved_on is None:
            return None
        return (self.resolved_on - self.collected_on).days


@attrs.frozen
class FinancingRequest:
    """An enterprise's financing need passed to a bank, and the bank's answer.

    Money in yuan. A granted request has ``bank``, ``granted_amount`` and
    ``granted_on``; ``decided_on`` dates a decline or a withdrawal (optional for a grant).
    ``need`` is the id of the investment-and-financing need it came from, if any.
    """

    id: str
    enterprise: str
    requested_on: dt.date
    amount: Decimal
    purpose: str = ""
    bank: str | None = None
    product: str | None = None
    outcome: FinancingOutcome = FinancingOutcome.PENDING
    decided_on: dt.date | None = None
    granted_amount: Decimal | None = None
    granted_on: dt.date | None = None
    need: str | None = None

    def granted_by(self, day: dt.date) -> bool:
        """Whether the loan had been granted by the end of ``day``."""
        return self.granted_on is not None and self.granted_on <= day


@attrs.frozen
class Application:
    """An application for a recognition (HNTE, tech-SME evaluation, ...) and its outcome.

    A recognised application may say until when the recognition holds (``expires_on``,
    inclusive); until the ledger records the certificate, the report counts the
    enterprise as holding it from ``decided_on`` to ``expires_on``.
    """

    id: str
    enterprise: str
    programme: CertificationKind
    submitted_on: dt.date
    outcome: ApplicationOutcome = ApplicationOutcome.PENDING
    decided_on: dt.date | None = None
    expires_on: dt.date | None = None
    batch: str | None = None

    def holds_on(self, day: dt.date) -> bool:
        """Recognised by ``day`` and not yet expired on it."""
        return (
            self.outcome is ApplicationOutcome.RECOGNISED
            and self.decided_on is not None
            and self.decided_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )


@attrs.frozen
class Platform:
    """An innovation platform, valid from ``recognised_on`` to ``expires_on`` inclusive.

    Hosted by an enterprise of the ledger (``enterprise``) or an institution of the log.
    """

    id: str
    name: str
    kind: PlatformKind
    level: PlatformLevel
    recognised_on: dt.date
    expires_on: dt.date | None = None
    enterprise: str | None = None
    institution: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        """Recognised on or before ``day`` and not yet expired."""
        return self.recognised_on <= day and (self.expires_on is None or day <= self.expires_on)


@attrs.frozen
class Achievement:
    """A scientific or technological achievement (科技成果) and its milestones.

    ``appraised_on``: appraisal or evaluation (鉴定/评价); ``transformed_on``: put into
    production or sold (转化); ``licensed_on``: licensed to an enterprise
    (``licensed_to``, a ledger id). Each milestone is optional and counted on its date.
    """

    id: str
    title: str
    enterprise: str | None = None
    institution: str | None = None
    fields: tuple[TechField, ...] = attrs.field(default=(), converter=_tuple)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    appraised_on: dt.date | None = None
    transformed_on: dt.date | None = None
    licensed_on: dt.date | None = None
    licensed_to: str | None = None

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The milestone dates that are set."""
        return tuple(
            d for d in (self.appraised_on, self.transformed_on, self.licensed_on) if d is not None
        )


@attrs.frozen
class Target:
    """A number to reach for an indicator over a period (``"50"`` transformations in 2026)."""

    indicator: Indicator
    period: Period
    value: Decimal
    note: str = ""


@attrs.frozen
class ActivityLog:
    """Everything a bureau recorded: reference data, activity records and targets."""

    schema: str | None = None
    officers: tuple[Officer, ...] = attrs.field(default=(), converter=_tuple)
    experts: tuple[Expert, ...] = attrs.field(default=(), converter=_tuple)
    institutions: tuple[Institution, ...] = attrs.field(default=(), converter=_tuple)
    visits: tuple[Visit, ...] = attrs.field(default=(), converter=_tuple)
    needs: tuple[Need, ...] = attrs.field(default=(), converter=_tuple)
    financing_requests: tuple[FinancingRequest, ...] = attrs.field(default=(), converter=_tuple)
    applications: tuple[Application, ...] = attrs.field(default=(), converter=_tuple)
    platforms: tuple[Platform, ...] = attrs.field(default=(), converter=_tuple)
    achievements: tuple[Achievement, ...] = attrs.field(default=(), converter=_tuple)
    targets: tuple[Target, ...] = attrs.field(default=(), converter=_tuple)
